/**
 * One benchmark scenario, run inside an Emulator Suite session started by scripts/bench.mjs
 * with the queue rate (R) and engine latency (L) under test. Prints one JSON object.
 *   --scenario create     create latency (100 / 1,000 / 10,000 images), enqueue-all time,
 *                         status latency on 100- and 10,000-image batches
 *   --scenario rate       one batch at the session's rate: dispatch fidelity, sliding-window
 *                         maxima, our overhead per image, Firestore ops per image, memory
 *   --scenario concurrent 5 batches of N/5 at once vs one batch of N (or --concurrent after rate)
 *   --scenario fairness   fair share between partners and priorities (benchFairness.ts)
 *   --scenario inprocess  the stage handler in this one process at R with L (benchInProcess.ts)
 *   --scenario cache      a gemini-engine batch (fake Gemini) with 20 % repeated photos: the
 *                         result cache's hit ratio (benchCache.ts)
 * With --write-log PATH (the session sets STAGING_WRITE_LOG to it) the rate scenario also reports
 * the write rate of the hottest document and the batch document's writes per image.
 */
import { execSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Timestamp } from "firebase-admin/firestore";
import { statusTally } from "../src/store/batchCounts.js";
import { getBatch } from "../src/store/batchStore.js";
import { getDb } from "../src/store/db.js";
import { createPartner } from "../src/store/partnerStore.js";
import { ApiClient, waitForBatch } from "./apiClient.js";
import { batchBody } from "./benchBody.js";
import { scenarioCache } from "./benchCache.js";
import { scenarioFairness } from "./benchFairness.js";
import { scenarioInProcess } from "./benchInProcess.js";
import { localApiBase } from "./emulatorPorts.js";
import { startSourceServer, type SourceServer } from "./sourceServer.js";

const API = process.env.STAGING_API_BASE ?? localApiBase();
/** Small photos: the benchmark measures the pipeline, not sharp's pixel throughput. */
const SIZES = { width: 320, height: 240 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Resident memory (MB) of the Functions emulator's runtime processes, and how many there are:
 * the emulator runs one process per concurrent request, so growth with more processes is the
 * pool growing, while growth per process is what a leak would look like.
 */
function functionsRss(): { mb: number; processes: number } {
  const out = execSync("ps -eo rss,args", { encoding: "utf8" });
  let kb = 0;
  let processes = 0;
  for (const line of out.split("\n")) {
    if (!/functionsEmulatorRuntime/.test(line)) continue;
    kb += Number(line.trim().split(/\s+/)[0]);
    processes++;
  }
  return { mb: round(kb / 1024, 1), processes };
}

async function images(batchId: string) {
  const snap = await getDb().collection("batches").doc(batchId).collection("images").get();
  return snap.docs.map((d) => d.data());
}

const ms = (v: unknown) => (v instanceof Timestamp ? v.toMillis() : NaN);

function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * From the write log: the highest number of writes any one document took in a 10 s window,
 * divided by 10 (the sustained rate Firestore's one-write-per-second guidance is about), with
 * that document's path, and the writes to the batch document per image.
 */
function documentWriteRates(
  file: string,
  fromMs: number,
  toMs: number,
  batchId: string,
  n: number,
) {
  const byPath = new Map<string, number[]>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const [t, path] = line.split(" ");
    const ms = Number(t);
    if (!path || !(ms >= fromMs && ms <= toMs)) continue;
    const times = byPath.get(path) ?? [];
    times.push(ms);
    byPath.set(path, times);
  }
  let best = { path: "", writes: 0 };
  for (const [path, times] of byPath) {
    const w = maxInWindow(times, 10_000);
    if (w > best.writes) best = { path, writes: w };
  }
  return {
    maxDocWritesPerSecond: round(best.writes / 10, 2),
    maxDocWritesPath: best.path
      .replace(/^batches\/[^/]+/, "batches/{batchId}")
      .replace(/images\/[^/]+$/, "images/{imageId}")
      .replace(/counters\/[^/]+$/, "counters/{shard}"),
    batchDocWritesPerImage: round((byPath.get(`batches/${batchId}`)?.length ?? 0) / n, 3),
  };
}

async function scenarioCreate(client: ApiClient, sources: SourceServer, quick: boolean) {
  // The status latency is measured on a 10,000-image batch in both runs.
  const big = 10000;
  // Warm-up: one small batch boots the fan-out and image workers (the emulator starts a process
  // per function on first use; production keeps warm instances), so the figures measure the
  // pipeline, not a cold start.
  const warm = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, 2, "warm"),
  );
  await waitForBatch(client, warm.body.batchId, { timeoutMs: 120_000 });
  // 1. One large batch on a quiet suite: the create answer, then the time until every image
  //    task is enqueued (the last chunk's enqueuedAt).
  const first = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, big, "big"),
  );
  if (first.status !== 202)
    throw new Error(`create ${big}: ${first.status} ${JSON.stringify(first.body)}`);
  const bigId = first.body.batchId;
  const answeredAt = Date.now();
  const created = ms((await getDb().collection("batches").doc(bigId).get()).get("createdAt"));
  let enqueueAllMs: number | null = null;
  for (let i = 0; i < 1200 && enqueueAllMs === null; i++) {
    const chunks = await getDb()
      .collection("batches")
      .doc(bigId)
      .collection("chunks")
      .select("enqueuedAt")
      .get();
    const done = chunks.docs.filter((d) => d.get("enqueuedAt"));
    if (done.length === chunks.size)
      enqueueAllMs = Math.max(...done.map((d) => ms(d.get("enqueuedAt")))) - created;
    else await new Promise((r) => setTimeout(r, 250));
  }
  // The first image of the batch to start (whichever chunk's fan-out ran first), read once
  // afterwards from the stored startedAt (polling for it would slow the emulator's fan-out):
  // time since the create answered.
  const firstStarted = await getDb()
    .collection(`batches/${bigId}/images`)
    .where("startedAt", ">", Timestamp.fromMillis(0))
    .orderBy("startedAt")
    .select("startedAt")
    .limit(1)
    .get();
  const startedAt = firstStarted.docs[0]?.get("startedAt") as Timestamp | undefined;
  const firstImageStartedMs = startedAt ? startedAt.toMillis() - answeredAt : null;
  // 2. Status latency: first page of a 100-image batch and of the large one.
  const small = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, 100, "small"),
  );
  const statusLatencyMs: Record<string, number> = {};
  for (const [label, id] of [
    ["100", small.body.batchId],
    [String(big), bigId],
  ] as const) {
    const t: number[] = [];
    for (let i = 0; i < 15; i++) t.push((await client.get(`/batch/${id}/status`)).ms);
    statusLatencyMs[label] = round(median(t));
  }
  // Billed reads of the counts of one status call (the batch document plus the aggregations;
  // the page of images aside), by the pricing rule in src/store/batchCounts.ts.
  const bigBatch = await getBatch(bigId);
  if (!bigBatch) throw new Error(`batch ${bigId} vanished`);
  const statusReads = 1 + (await statusTally(bigBatch)).billedReads;
  // 3. Create latency, median of several, per size.
  const createMs: Record<string, number | null> = { "100": null, "1000": null, "10000": null };
  for (const n of quick ? [100, 1000] : [100, 1000, 10000]) {
    const times: number[] = n === big ? [first.ms] : [];
    for (let r = times.length; r < (n === 10000 || quick ? 3 : 5); r++) {
      const res = await client.post("/batch/staging/create", batchBody(sources, n, `c${n}-${r}`));
      if (res.status !== 202)
        throw new Error(`create ${n}: ${res.status} ${JSON.stringify(res.body)}`);
      times.push(res.ms);
    }
    createMs[String(n)] = round(median(times));
  }
  return {
    createMs,
    enqueueAllMs10000: enqueueAllMs,
    firstImageStartedMs10000: firstImageStartedMs,
    statusLatencyMs,
    statusReads,
  };
}

async function scenarioRate(
  client: ApiClient,
  sources: SourceServer,
  n: number,
  rate: number,
  latency: number,
  writeLog?: string,
) {
  // Warm-up: boots the worker processes so the run measures the warm queue.
  const warm = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, 8, "warm"),
  );
  await waitForBatch(client, warm.body.batchId, { timeoutMs: 120_000 });
  const rssBefore = functionsRss();
  const started = Date.now();
  const res = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, n, `rate${rate}-${latency}`),
  );
  const final = await waitForBatch(client, res.body.batchId, {
    timeoutMs: 30 * 60_000,
    intervalMs: 1000,
  });
  const wallMs = Date.now() - started;
  const docWrites =
    writeLog && existsSync(writeLog)
      ? documentWriteRates(writeLog, started, Date.now(), res.body.batchId, n)
      : {};
  const rssAfter = functionsRss();
  const imgs = await images(res.body.batchId);
  const dispatched = imgs
    .map((d) => d.receivedAtMs as number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  // Warm window: drop the first and last 10% (ramp-up and tail).
  const lo = Math.floor(dispatched.length * 0.1);
  const hi = Math.max(lo + 1, Math.floor(dispatched.length * 0.9));
  const warmRate = (hi - lo) / Math.max(0.001, (dispatched[hi]! - dispatched[lo]!) / 1000);
  const overhead = imgs
    .map((d) => ms(d.completedAt) - (d.receivedAtMs as number) - (d.engineMs as number))
    .filter(Number.isFinite);
  // Where the overhead goes: before the attempt started (circuit check, begin transaction),
  // the work around the engine (fetch, prepare, encode, store), and the completion commit.
  const phase = (f: (d: Record<string, unknown>) => number) =>
    round(median(imgs.map(f).filter(Number.isFinite)));
  const overheadPhasesMsMedian = {
    begin: phase((d) => ms(d.startedAt) - (d.receivedAtMs as number)),
    work: phase((d) => (d.processingTimeMs as number) - (d.engineMs as number)),
    commit: phase((d) => ms(d.completedAt) - ms(d.startedAt) - (d.processingTimeMs as number)),
  };
  const reads = imgs
    .map((d) => (d.firestoreOps as { reads: number } | undefined)?.reads ?? NaN)
    .filter(Number.isFinite);
  const writes = imgs
    .map((d) => (d.firestoreOps as { writes: number } | undefined)?.writes ?? NaN)
    .filter(Number.isFinite);
  return {
    ...docWrites,
    completed: final.completed,
    failed: final.failed,
    wallMs,
    achievedPerSecond: round(warmRate, 2),
    rateFidelity: round(warmRate / rate, 3),
    maxPerSecond: maxInWindow(dispatched, 1000),
    maxPerMinute: maxInWindow(dispatched, 60_000),
    overheadMsMedian: round(median(overhead)),
    overheadMsP95: round(percentile(overhead, 95)),
    overheadPhasesMsMedian,
    firestoreReadsPerImage: round(reads.reduce((a, b) => a + b, 0) / Math.max(1, reads.length), 2),
    firestoreWritesPerImage: round(
      writes.reduce((a, b) => a + b, 0) / Math.max(1, writes.length),
      2,
    ),
    memoryBeforeMb: rssBefore.mb,
    memoryProcessesBefore: rssBefore.processes,
    memoryAfterMb: rssAfter.mb,
    memoryProcessesAfter: rssAfter.processes,
    memoryGrowthMb: round(rssAfter.mb - rssBefore.mb, 1),
    memoryPerProcessGrowthMb: round(
      rssAfter.mb / Math.max(1, rssAfter.processes) -
        rssBefore.mb / Math.max(1, rssBefore.processes),
      1,
    ),
  };
}

async function scenarioConcurrent(client: ApiClient, sources: SourceServer, n: number) {
  const one = Date.now();
  const single = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    batchBody(sources, n, "single"),
  );
  await waitForBatch(client, single.body.batchId, { timeoutMs: 30 * 60_000, intervalMs: 1000 });
  const singleMs = Date.now() - one;
  const start = Date.now();
  const ids = await Promise.all(
    Array.from(
      { length: 5 },
      async (_, k) =>
        (
          await client.post<{ batchId: string }>(
            "/batch/staging/create",
            batchBody(sources, n / 5, `multi${k}`),
          )
        ).body.batchId,
    ),
  );
  const done = await Promise.all(
    ids.map(async (id) => {
      const s = await waitForBatch(client, id, { timeoutMs: 30 * 60_000, intervalMs: 1000 });
      return { finishedAfterMs: Date.now() - start, completed: s.completed };
    }),
  );
  const finish = done.map((d) => d.finishedAfterMs);
  return {
    singleBatchMs: singleMs,
    fiveBatchesMs: Math.max(...finish),
    concurrentSpreadMs: Math.max(...finish) - Math.min(...finish),
    allCompleted: done.every((d) => d.completed === n / 5),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string" },
      images: { type: "string" },
      rate: { type: "string" },
      latency: { type: "string" },
      quick: { type: "boolean" },
      concurrent: { type: "boolean" },
      "write-log": { type: "string" },
      "max-in-flight": { type: "string" },
    },
  });
  const sources = await startSourceServer({ sizes: SIZES });
  const partner = await createPartner({
    name: "Bench",
    engine: "preview",
    quotas: { maxOpenBatches: 1000, maxImagesPerDay: 10_000_000 },
  });
  const client = new ApiClient(API, partner.apiKey);
  const n = Number(values.images ?? 1000);
  let result: object;
  if (values.scenario === "create")
    result = await scenarioCreate(client, sources, values.quick ?? false);
  else if (values.scenario === "rate") {
    result = await scenarioRate(
      client,
      sources,
      n,
      Number(values.rate),
      Number(values.latency),
      values["write-log"],
    );
    if (values.concurrent)
      result = { ...result, concurrent: await scenarioConcurrent(client, sources, n) };
  } else if (values.scenario === "concurrent")
    result = await scenarioConcurrent(client, sources, n);
  else if (values.scenario === "fairness")
    result = await scenarioFairness(API, sources, {
      bigImages: values.quick ? 200 : 1000,
      smallImages: values.quick ? 20 : 50,
      priorityImages: values.quick ? 60 : 200,
    });
  else if (values.scenario === "inprocess") {
    // Full-size photos from a source server of their own: memory depends on the pixels.
    const photos = await startSourceServer();
    result = await scenarioInProcess(partner.partnerId, photos, {
      images: n,
      rate: Number(values.rate),
      maxInFlight: Number(values["max-in-flight"] ?? 80),
      latencyMs: Number(values.latency),
    });
    await photos.close();
  } else if (values.scenario === "cache") result = await scenarioCache(API, sources, n);
  else throw new Error("--scenario create|rate|concurrent|fairness|inprocess|cache");
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  await sources.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
