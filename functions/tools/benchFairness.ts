/**
 * The fair-share scenario of the benchmark (bench.ts --scenario fairness), measured from the
 * image documents' `startedAt` (dispatch order):
 *   fairness.bShare     fraction of starts going to partner B's small batch, submitted 5 s after
 *                       partner A's large one, while both are open (target >= 0.45)
 *   fairness.bSlowdown  B's wall time (create to finished) / the same batch's wall time alone
 *   priority.highShare  fraction of starts going to a "high" batch against a "normal" batch of
 *                       the same partner, while both are open (target 0.70-0.80)
 */
import { getDb } from "../src/store/db.js";
import { createPartner } from "../src/store/partnerStore.js";
import { ApiClient, waitForBatch } from "./apiClient.js";
import { batchBody } from "./benchBody.js";
import type { SourceServer } from "./sourceServer.js";

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function client(api: string, name: string): Promise<ApiClient> {
  const p = await createPartner({
    name,
    engine: "preview",
    quotas: { maxOpenBatches: 1000, maxImagesPerDay: 10_000_000 },
  });
  return new ApiClient(api, p.apiKey);
}

async function create(c: ApiClient, b: object): Promise<string> {
  const r = await c.post<{ batchId: string }>("/batch/staging/create", b);
  if (r.status !== 202) throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.batchId;
}

async function starts(batchId: string): Promise<number[]> {
  const snap = await getDb().collection(`batches/${batchId}/images`).select("startedAt").get();
  return snap.docs
    .map((d) => (d.get("startedAt") as { toMillis?: () => number } | null)?.toMillis?.() ?? NaN)
    .filter(Number.isFinite);
}

/** Share of `mine` among all starts from `mine`'s first start to the earlier last start. */
function shareWhileBothOpen(mine: number[], other: number[]): number {
  const from = Math.min(...mine);
  const to = Math.min(Math.max(...mine), Math.max(...other));
  const inside = (t: number) => t >= from && t <= to;
  const m = mine.filter(inside).length;
  const o = other.filter(inside).length;
  return m / Math.max(1, m + o);
}

async function timed(c: ApiClient, b: object): Promise<{ batchId: string; wallMs: number }> {
  const t = Date.now();
  const batchId = await create(c, b);
  await waitForBatch(c, batchId, { timeoutMs: 30 * 60_000, intervalMs: 500 });
  return { batchId, wallMs: Date.now() - t };
}

export async function scenarioFairness(
  api: string,
  sources: SourceServer,
  o: { bigImages: number; smallImages: number; priorityImages: number },
) {
  const a = await client(api, "Bench A");
  const b = await client(api, "Bench B");
  // Warm-up and B's time alone.
  await timed(b, batchBody(sources, 8, "warm"));
  const alone = await timed(b, batchBody(sources, o.smallImages, "alone"));
  const bigId = await create(a, batchBody(sources, o.bigImages, "big"));
  await new Promise((r) => setTimeout(r, 5000));
  const small = await timed(b, batchBody(sources, o.smallImages, "small"));
  await waitForBatch(a, bigId, { timeoutMs: 30 * 60_000, intervalMs: 1000 });
  const bShare = shareWhileBothOpen(await starts(small.batchId), await starts(bigId));

  const normalId = await create(a, batchBody(sources, o.priorityImages, "normal", "normal"));
  const highId = await create(a, batchBody(sources, o.priorityImages, "high", "high"));
  await Promise.all(
    [normalId, highId].map((id) =>
      waitForBatch(a, id, { timeoutMs: 30 * 60_000, intervalMs: 1000 }),
    ),
  );
  const highShare = shareWhileBothOpen(await starts(highId), await starts(normalId));
  return {
    fairness: {
      bShare: round(bShare),
      bSlowdown: round(small.wallMs / alone.wallMs, 2),
      bWallMs: small.wallMs,
      bAloneWallMs: alone.wallMs,
      images: { a: o.bigImages, b: o.smallImages },
    },
    priority: { highShare: round(highShare), images: o.priorityImages },
  };
}
