/**
 * The image worker as Cloud Run runs it: many tasks at once in ONE Node process, which the
 * Functions emulator (one process per concurrent request) cannot show. The real stage handler
 * (stageImageTask) runs against the Firestore emulator, fed by an in-process token bucket
 * (R dispatches/s, at most C in flight) like the Cloud Tasks queue, with the preview engine's
 * latency L standing in for the model. Measures how closely the dispatches follow R, and the
 * resident memory each in-flight image costs (peak RSS above the idle baseline, divided by the
 * images in flight at that moment), which sizes stageImage's memory and concurrency.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateCreateRequest } from "../src/domain/createRequest.js";
import { PreviewEngine } from "../src/engines/preview.js";
import { LocalOutputStore } from "../src/outputs/localOutputStore.js";
import { createBatch } from "../src/store/batchCreate.js";
import { expandChunk } from "../src/store/imageCreate.js";
import { fetchSource } from "../src/worker/fetchSource.js";
import { stageImageTask, type StageDeps } from "../src/worker/stageImage.js";
import type { StageTaskData } from "../src/queues/taskQueues.js";
import type { SourceServer } from "./sourceServer.js";

export interface InProcessResult {
  images: number;
  rate: number;
  maxInFlight: number;
  latencyMs: number;
  completed: number;
  achievedPerSecond: number;
  rateFidelity: number;
  peakInFlight: number;
  baselineRssMb: number;
  peakRssMb: number;
  memoryPerInFlightMb: number;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

async function seedBatch(partnerId: string, sources: SourceServer, n: number) {
  const body = {
    // Full-size sample photos (about 1024x768): memory per image depends on the pixels.
    images: Array.from({ length: n }, (_, i) => ({
      url: `${sources.url}/rooms/${i % 40}.jpg?ip=${i}`,
    })),
    designStyle: "modern",
    roomType: "living_room",
    clientName: "Bench in-process",
  };
  const v = validateCreateRequest(body, { allowHttp: true, allowPrivateHosts: true });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const created = await createBatch({
    partnerId,
    request: v.value,
    engine: "preview",
    quotas: { maxImagesPerBatch: 10_000, maxOpenBatches: 1000, maxImagesPerDay: 10_000_000 },
  });
  for (let c = 0; c < created.chunkCount; c++) await expandChunk(created.batchId, c);
  return created.batchId;
}

export async function scenarioInProcess(
  partnerId: string,
  sources: SourceServer,
  opts: { images: number; rate: number; maxInFlight: number; latencyMs: number },
): Promise<InProcessResult> {
  const batchId = await seedBatch(partnerId, sources, opts.images);
  const outDir = mkdtempSync(join(tmpdir(), "bench-inprocess-"));
  const deps: StageDeps = {
    maxAttempts: 3,
    leaseMs: 300_000,
    fetchSource: (url) =>
      fetchSource(url, {
        timeoutMs: 20_000,
        maxBytes: 25 * 1024 * 1024,
        maxRedirects: 3,
        allowPrivateHosts: true,
        allowHttp: true,
      }),
    engine: (() => {
      const engine = new PreviewEngine(opts.latencyMs);
      return () => engine;
    })(),
    store: new LocalOutputStore(outDir),
    output: { format: "jpeg", quality: 88, maxDimension: 4096 },
  };
  const task = (i: number): StageTaskData => ({
    batchId,
    imageId: String(i).padStart(6, "0"),
    generation: 0,
    partnerId,
    designStyle: "modern",
    roomType: "living_room",
    engine: "preview",
  });

  global.gc?.();
  const baselineRssMb = rssMb();
  let peakRssMb = baselineRssMb;
  let peakInFlight = 0;
  let inFlight = 0;
  let next = 0;
  let completed = 0;
  let tokens = 1;
  const dispatched: number[] = [];
  let last = Date.now();
  const sampler = setInterval(() => {
    const rss = rssMb();
    if (rss > peakRssMb) {
      peakRssMb = rss;
      peakInFlight = Math.max(peakInFlight, inFlight);
    }
  }, 100);
  await new Promise<void>((resolve, reject) => {
    const tick = () => {
      const now = Date.now();
      // Token bucket: R tokens per second, a burst of at most one second's worth.
      tokens = Math.min(opts.rate, tokens + ((now - last) / 1000) * opts.rate);
      last = now;
      while (tokens >= 1 && inFlight < opts.maxInFlight && next < opts.images) {
        tokens -= 1;
        inFlight++;
        dispatched.push(Date.now());
        stageImageTask(task(next++), deps).then(
          (outcome) => {
            inFlight--;
            if (outcome === "completed") completed++;
            if (next >= opts.images && inFlight === 0) resolve();
          },
          (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
        );
      }
      if (next < opts.images) setTimeout(tick, 10);
    };
    tick();
  });
  clearInterval(sampler);
  rmSync(outDir, { recursive: true, force: true });

  // The warm window: drop the first and last 10% of dispatches.
  const lo = Math.floor(dispatched.length * 0.1);
  const hi = Math.max(lo + 1, Math.floor(dispatched.length * 0.9));
  const achieved = (hi - lo) / Math.max(0.001, (dispatched[hi]! - dispatched[lo]!) / 1000);
  return {
    images: opts.images,
    rate: opts.rate,
    maxInFlight: opts.maxInFlight,
    latencyMs: opts.latencyMs,
    completed,
    achievedPerSecond: round(achieved, 2),
    rateFidelity: round(achieved / opts.rate, 3),
    peakInFlight,
    baselineRssMb: round(baselineRssMb),
    peakRssMb: round(peakRssMb),
    memoryPerInFlightMb: round((peakRssMb - baselineRssMb) / Math.max(1, peakInFlight), 2),
  };
}
