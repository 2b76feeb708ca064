/** The API-key cache: bounded, remembers failures briefly, one read per key at a time. */
import { describe, expect, it, jest } from "@jest/globals";
import { PartnerCache } from "../../../src/store/partnerCache.js";

type P = { id: string };
const settings = { maxEntries: 3, ttlMs: 30_000, negativeTtlMs: 5_000 };

function countingLoader(known: Record<string, P>) {
  const calls: string[] = [];
  const load = async (key: string): Promise<P | null> => {
    calls.push(key);
    return known[key] ?? null;
  };
  return { calls, load };
}

describe("PartnerCache", () => {
  it("holds at most maxEntries keys, dropping the least recently used", async () => {
    const cache = new PartnerCache<P>(settings);
    const { calls, load } = countingLoader({});
    for (const k of ["a", "b", "c", "d", "e"]) await cache.get(k, load);
    expect(cache.size).toBe(3);
    await cache.get("e", load); // still cached
    await cache.get("a", load); // evicted: read again
    expect(calls).toEqual(["a", "b", "c", "d", "e", "a"]);
  });

  it("answers a repeated unknown key from the cache until the negative TTL ends", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      const cache = new PartnerCache<P>(settings, () => Date.now());
      const { calls, load } = countingLoader({});
      expect(await cache.get("random", load)).toBeNull();
      jest.setSystemTime(1_000_000 + 4_000);
      expect(await cache.get("random", load)).toBeNull();
      expect(calls).toEqual(["random"]);
      jest.setSystemTime(1_000_000 + 6_000);
      expect(await cache.get("random", load)).toBeNull();
      expect(calls).toEqual(["random", "random"]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("keeps a found partner for the positive TTL, then reads again (revocation)", async () => {
    jest.useFakeTimers({ now: 2_000_000 });
    try {
      const cache = new PartnerCache<P>(settings, () => Date.now());
      const { calls, load } = countingLoader({ k: { id: "p1" } });
      expect(await cache.get("k", load)).toEqual({ id: "p1" });
      jest.setSystemTime(2_000_000 + 29_000);
      await cache.get("k", load);
      expect(calls).toHaveLength(1);
      jest.setSystemTime(2_000_000 + 31_000);
      await cache.get("k", load);
      expect(calls).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it("shares one read between concurrent lookups of the same key", async () => {
    const cache = new PartnerCache<P>(settings);
    const { calls, load } = countingLoader({ k: { id: "p1" } });
    const all = await Promise.all([
      cache.get("k", load),
      cache.get("k", load),
      cache.get("k", load),
    ]);
    expect(all).toEqual([{ id: "p1" }, { id: "p1" }, { id: "p1" }]);
    expect(calls).toEqual(["k"]);
  });

  it("does not cache failures when the negative TTL is 0", async () => {
    const cache = new PartnerCache<P>({ ...settings, negativeTtlMs: 0 });
    const { calls, load } = countingLoader({});
    await cache.get("x", load);
    await cache.get("x", load);
    expect(calls).toEqual(["x", "x"]);
  });
});
