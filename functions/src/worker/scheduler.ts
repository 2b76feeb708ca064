/**
 * The fair-share scheduler: a small task that, every SCHEDULER_INTERVAL_SECONDS while any batch
 * is open, measures each open batch's demand (its unfinished images), recomputes the windows
 * (domain/fairShare.ts allocateWindows), stores them in the dispatch state (one write per tick
 * at most, none when nothing changed) and tops every batch up to its window; finishing batches
 * is left to the worker that finishes the last image, the trigger and the reconciler. It re-enqueues itself under a deterministic id
 * per time bucket, so the chains started by creates, retry-failed, the reconciler and itself
 * collapse into one (economy batches take no part: their images go to Gemini batch jobs); it
 * stops when no batch is open and is started again by the next fan-out or the reconciler.
 */
import { batchFromData, type BatchDoc } from "../store/batchStore.js";
import { readDispatchState, unfinishedCount, writeDispatchState } from "../store/dispatchStore.js";
import { openBatchesQuery } from "../store/queries.js";
import { logEvent, tryBatchStep } from "../util/log.js";
import {
  claimantOf,
  taskTemplate,
  topUpBatch,
  type DispatchConfig,
} from "../queues/dispatchWindow.js";
import { isEconomyBatch } from "../queues/economyLane.js";
import { ensureScheduler } from "../queues/schedulerQueue.js";

/** Open batches one tick considers (the dispatch state stays well under a document's size). */
export const SCHEDULER_MAX_BATCHES = 500;

export interface TickReport {
  openBatches: number;
  dispatched: number;
  errors: number;
}

/** One tick; `bucket` is the time bucket of the task that runs it (absent: a direct call). */
export async function schedulerTick(cfg: DispatchConfig, bucket = -1): Promise<TickReport> {
  // A tick delivered before its bucket starts waits for it (at most one interval). Cloud Tasks
  // honours the schedule time to within moments; the Cloud Tasks emulator ignores it and would
  // run the chain as fast as its queue allows, its bucket numbers racing ahead of the clock
  // until a restarted chain's id (from the clock) was already taken and the chain stayed down.
  const bucketStartMs = bucket * cfg.intervalSeconds * 1000;
  const early = bucketStartMs - Date.now();
  if (bucket >= 0 && early > 0)
    await new Promise((r) => setTimeout(r, Math.min(early, cfg.intervalSeconds * 1000)));
  const started = Date.now();
  const [snap, previous] = await Promise.all([
    openBatchesQuery(null, SCHEDULER_MAX_BATCHES).get(),
    readDispatchState(),
  ]);
  // Economy batches are not in the image queue's share (Gemini batch jobs run their images).
  const open: BatchDoc[] = snap.docs
    .map((d) => batchFromData(d.id, d.data()))
    .filter((b) => !isEconomyBatch(b));
  const claimants = await Promise.all(
    open.map(async (b) => claimantOf(b, b.cancelRequested ? 0 : await unfinishedCount(b.batchId))),
  );
  const live = claimants.filter((c) => c.demand > 0);
  const windows = await writeDispatchState(
    previous,
    live,
    cfg.totalWindow,
    { highPriorityWeight: cfg.highPriorityWeight },
    Math.max(0, bucket),
  );
  const report: TickReport = {
    openBatches: open.length,
    dispatched: 0,
    errors: 0,
  };
  for (const b of open) {
    const window = windows[b.batchId];
    if (b.cancelRequested || !window) continue;
    const toppedUp = await tryBatchStep(
      b,
      async () => {
        report.dispatched += await topUpBatch(taskTemplate(b), window);
      },
      { event: "dispatch.top_up_failed", level: "warn" },
    );
    if (!toppedUp) report.errors++;
  }
  if (open.length > 0) await ensureScheduler(cfg, Date.now(), bucket);
  logEvent("dispatch.tick", {
    ...report,
    ...(open.length <= 20 ? { windows: JSON.stringify(windows) } : {}),
    durationMs: Date.now() - started,
  });
  return report;
}
