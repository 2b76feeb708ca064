import { createHash } from "node:crypto";
import { describe, expect, it } from "@jest/globals";
import {
  hashApiKey,
  imageDocId,
  newApiKey,
  newBatchId,
  newPartnerId,
  sha256Hex,
  taskId,
} from "../../../src/domain/ids.js";

/** Cloud Tasks task ids: letters, digits, hyphens and underscores, at most 500 characters. */
const CLOUD_TASKS_ID = /^[A-Za-z0-9_-]{1,500}$/;
/** Firestore document ids: no "/", not "." or "..", not __.*__, at most 1500 bytes. */
const isValidFirestoreId = (id: string) =>
  id.length > 0 &&
  Buffer.byteLength(id) <= 1500 &&
  !id.includes("/") &&
  id !== "." &&
  id !== ".." &&
  !/^__.*__$/.test(id);

describe("sha256Hex", () => {
  it("matches a known vector", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("taskId", () => {
  it("is deterministic: the same parts always give the same id", () => {
    expect(taskId("stage", "b_abc", "000001", 0, "")).toBe(
      taskId("stage", "b_abc", "000001", 0, ""),
    );
    expect(taskId("expand", "b_abc", 3)).toBe(taskId("expand", "b_abc", 3));
  });

  it("is the first 40 hex chars of sha256 of the parts joined by /", () => {
    expect(taskId("expand", "b_abc", 3)).toBe(
      createHash("sha256").update("expand/b_abc/3").digest("hex").slice(0, 40),
    );
  });

  it("only uses characters Cloud Tasks accepts, and is 40 long", () => {
    for (const parts of [
      ["expand", "b_x", 0],
      ["stage", "b/with/slashes", "000123", 2, "retry"],
      ["ünïcödé", "spaces and #?&", -1],
      [""],
    ] as (string | number)[][]) {
      const id = taskId(...parts);
      expect(id).toMatch(CLOUD_TASKS_ID);
      expect(id).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("different inputs give different ids (no collisions over a whole batch's tasks)", () => {
    const ids = new Set<string>();
    let n = 0;
    for (const batchId of ["b_one", "b_two"]) {
      for (let chunk = 0; chunk < 20; chunk++) {
        ids.add(taskId("expand", batchId, chunk));
        n++;
      }
      for (let i = 0; i < 5000; i++) {
        for (const generation of [0, 1]) {
          ids.add(taskId("stage", batchId, imageDocId(i), generation, ""));
          ids.add(taskId("stage", batchId, imageDocId(i), generation, "quota"));
          n += 2;
        }
      }
    }
    expect(ids.size).toBe(n);
  });

  it("each part matters: kind, batch, index, generation and suffix", () => {
    const base = taskId("stage", "b_1", "000001", 0, "");
    expect(taskId("expand", "b_1", "000001", 0, "")).not.toBe(base);
    expect(taskId("stage", "b_2", "000001", 0, "")).not.toBe(base);
    expect(taskId("stage", "b_1", "000002", 0, "")).not.toBe(base);
    expect(taskId("stage", "b_1", "000001", 1, "")).not.toBe(base);
    expect(taskId("stage", "b_1", "000001", 0, "x")).not.toBe(base);
    expect(taskId("stage", "b_1", "000001", 0)).not.toBe(base); // no trailing "/"
  });

  it("is not sequential: consecutive tasks do not share a prefix (no queue hot-spotting)", () => {
    const prefixes = new Set<string>();
    for (let i = 0; i < 100; i++)
      prefixes.add(taskId("stage", "b_1", imageDocId(i), 0, "").slice(0, 2));
    expect(prefixes.size).toBeGreaterThan(50);
  });
});

describe("imageDocId", () => {
  it("pads to 6 digits", () => {
    expect(imageDocId(0)).toBe("000000");
    expect(imageDocId(7)).toBe("000007");
    expect(imageDocId(9999)).toBe("009999");
    expect(imageDocId(999_999)).toBe("999999");
  });

  it("lexicographic (document id) order equals numeric order for every index of a batch", () => {
    const indexes = Array.from({ length: 10_000 }, (_, i) => i);
    // A deterministic shuffle.
    const shuffled = [...indexes].sort((a, b) => ((a * 7919) % 10007) - ((b * 7919) % 10007));
    const sortedIds = shuffled.map(imageDocId).sort();
    expect(sortedIds).toEqual(indexes.map(imageDocId));
    // And the ids are unique and parse back to their index.
    expect(new Set(sortedIds).size).toBe(10_000);
    sortedIds.forEach((id, i) => expect(Number(id)).toBe(i));
  });

  it("order holds at the top of the 6-digit range", () => {
    const ids = [999_999, 100_000, 99_999, 10_000, 9_999, 10, 9, 1, 0].map(imageDocId);
    expect([...ids].sort()).toEqual([...ids].reverse());
  });

  it("is a valid Firestore document id", () => {
    for (const i of [0, 1, 42, 9999, 10_000]) expect(isValidFirestoreId(imageDocId(i))).toBe(true);
  });
});

describe("newBatchId / newPartnerId", () => {
  it("batch ids have the b_ prefix, a safe charset and are unique", () => {
    const ids = Array.from({ length: 1000 }, () => newBatchId());
    for (const id of ids) {
      expect(id).toMatch(/^b_[0-9a-z]+[0-9a-f]{16}$/);
      expect(id).toMatch(CLOUD_TASKS_ID);
      expect(isValidFirestoreId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("partner ids are p_ + 16 hex chars and unique", () => {
    const ids = Array.from({ length: 1000 }, () => newPartnerId());
    for (const id of ids) expect(id).toMatch(/^p_[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("newApiKey / hashApiKey", () => {
  it("api keys are vsk_ + base64url of 32 random bytes", () => {
    const key = newApiKey();
    expect(key).toMatch(/^vsk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), "base64url")).toHaveLength(32);
  });

  it("api keys are unique", () => {
    const keys = Array.from({ length: 1000 }, () => newApiKey());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("the hash is stable (same key, same hash) and 64 hex chars", () => {
    const key = "vsk_" + "A".repeat(43);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    // Pinned: changing the hashing would lock every partner out.
    expect(hashApiKey(key)).toBe(createHash("sha256").update(`api-key:${key}`).digest("hex"));
  });

  it("the hash is domain-separated (not the plain sha256 of the key)", () => {
    const key = newApiKey();
    expect(hashApiKey(key)).not.toBe(sha256Hex(key));
  });

  it("the hash does not contain the key and differs for different keys", () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(hashApiKey(a)).not.toBe(hashApiKey(b));
    expect(hashApiKey(a)).not.toContain(a.slice(4));
    // Case matters (base64url is case-sensitive).
    expect(hashApiKey("vsk_abc")).not.toBe(hashApiKey("vsk_ABC"));
    expect(isValidFirestoreId(hashApiKey(a))).toBe(true);
  });
});
