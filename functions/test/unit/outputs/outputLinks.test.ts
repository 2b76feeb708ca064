/**
 * Output links: fresh expiring links on each status call, signed URLs reused only while they
 * keep most of their life (signing costs an IAM call), local links signed and expiring.
 */
import { describe, expect, it } from "@jest/globals";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyOutputLink } from "../../../src/domain/outputLinkSignature.js";
import { GcsOutputStore } from "../../../src/outputs/gcsOutputStore.js";
import { LocalOutputStore } from "../../../src/outputs/localOutputStore.js";
import { clampTtlSeconds, outputLinks } from "../../../src/outputs/outputLinks.js";

/** A Cloud Storage store whose signing is counted instead of calling IAM. */
class CountingGcs extends GcsOutputStore {
  signed: Array<{ path: string; expiresAt: Date }> = [];
  override async signedReadUrl(path: string, expiresAt: Date): Promise<string> {
    this.signed.push({ path, expiresAt });
    return `https://storage.example/${path}?X-Goog-Expires=${expiresAt.getTime()}`;
  }
}

const DAY = 24 * 3600;

describe("outputLinks with Cloud Storage (V4 signed URLs)", () => {
  it("signs each completed image once, valid for the TTL", async () => {
    const store = new CountingGcs();
    const now = new Date("2026-11-30T10:00:00Z");
    const links = await outputLinks(
      store,
      [
        { index: 0, outputPath: "staged/pA/b_t1/0.jpg" },
        { index: 4, outputPath: "staged/pA/b_t1/4.jpg" },
      ],
      { batchId: "b_t1", apiBase: "https://x/api", ttlSeconds: 7 * DAY, now },
    );
    expect([...links.keys()]).toEqual([0, 4]);
    expect(links.get(4)).toEqual({
      url: expect.stringContaining("staged/pA/b_t1/4.jpg"),
      expiresAt: new Date(now.getTime() + 7 * DAY * 1000),
    });
    expect(store.signed.map((s) => s.path)).toEqual([
      "staged/pA/b_t1/0.jpg",
      "staged/pA/b_t1/4.jpg",
    ]);
  });

  it("reuses a signed URL while it keeps >= 90% of its life (or all but an hour), then signs again", async () => {
    const store = new CountingGcs();
    const img = [{ index: 0, outputPath: "staged/pA/b_t2/0.jpg" }];
    const t0 = Date.parse("2026-11-30T10:00:00Z");
    const req = (ms: number) => ({
      batchId: "b_t2",
      apiBase: "https://x/api",
      ttlSeconds: 7 * DAY,
      now: new Date(t0 + ms),
    });
    await outputLinks(store, img, req(0));
    await outputLinks(store, img, req(59 * 60 * 1000)); // 59 min later: reused
    expect(store.signed).toHaveLength(1);
    await outputLinks(store, img, req(61 * 60 * 1000)); // 61 min later: a fresh URL
    expect(store.signed).toHaveLength(2);
  });

  it("clamps the TTL to what V4 signatures allow (60 s .. 7 days)", () => {
    expect(clampTtlSeconds(30 * DAY)).toBe(7 * DAY);
    expect(clampTtlSeconds(1)).toBe(60);
    expect(clampTtlSeconds(3600)).toBe(3600);
  });
});

describe("outputLinks with the local store (emulator)", () => {
  it("gives API links whose signature verifies until they expire", async () => {
    const store = new LocalOutputStore(mkdtempSync(join(tmpdir(), "outputs-")));
    const now = new Date("2026-11-30T10:00:00Z");
    const links = await outputLinks(store, [{ index: 2, outputPath: "staged/pA/b_t3/2.jpg" }], {
      batchId: "b_t3",
      apiBase: "http://127.0.0.1:5000/api",
      ttlSeconds: 3600,
      now,
    });
    const link = links.get(2)!;
    expect(link.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
    const url = new URL(link.url);
    expect(url.pathname).toBe("/api/batch/b_t3/images/2/output");
    const key = await store.linkSigningKey();
    const check = (nowS: number) =>
      verifyOutputLink(
        key,
        { batchId: "b_t3", index: 2 },
        url.searchParams.get("expires"),
        url.searchParams.get("signature"),
        nowS,
      );
    expect(check(now.getTime() / 1000 + 3599)).toEqual({ ok: true });
    expect(check(now.getTime() / 1000 + 3600)).toMatchObject({ code: "output_link_expired" });
  });

  it("keeps one signing key per folder (shared by every emulator worker process)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "outputs-"));
    const [a, b] = await Promise.all([
      new LocalOutputStore(dir).linkSigningKey(),
      new LocalOutputStore(dir).linkSigningKey(),
    ]);
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(true);
  });
});
