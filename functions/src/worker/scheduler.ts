/**
 * The fair-share scheduler: a small task that, every SCHEDULER_INTERVAL_SECONDS while any batch
 * is open, measures each open batch's demand (its unfinished images), recomputes the windows
 * (domain/fairShare.ts allocateWindows), stores them in the dispatch state (one write per tick)
 * and tops every batch up to its window; an open batch with nothing unfinished is settled
 * (settleBatch, which checks that every image exists). It re-enqueues itself under a deterministic id per time
 * bucket, so the chains started by creates, the reconciler and itself collapse into one (economy
 * batches take no part: their images go to Gemini batch jobs); it
 * stops when no batch is open and is started again by the next fan-out or the reconciler.
 */
import { batchFromData, type BatchDoc } from "../store/batchStore.js";
import { unfinishedCount, writeDispatchState } from "../store/dispatchStore.js";
import { openBatchesQuery } from "../store/queries.js";
import { logEvent } from "../util/log.js";
import {
  claimantOf,
  taskTemplate,
  topUpBatch,
  type DispatchConfig,
} from "../queues/dispatchWindow.js";
import { isEconomyBatch } from "../queues/economyLane.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { ensureScheduler } from "../queues/schedulerQueue.js";

/** Open batches one tick considers (the dispatch state stays well under a document's size). */
export const SCHEDULER_MAX_BATCHES = 500;

export interface TickReport {
  openBatches: number;
  dispatched: number;
  errors: number;
  /** Batches this tick finished (every image finished, no path had settled them yet). */
  settled: number;
}

/** One tick; `bucket` is the time bucket of the task that runs it (absent: a direct call). */
export async function schedulerTick(cfg: DispatchConfig, bucket = -1): Promise<TickReport> {
  const started = Date.now();
  const snap = await openBatchesQuery(null, SCHEDULER_MAX_BATCHES).get();
  // Economy batches are not in the image queue's share (Gemini batch jobs run their images).
  const open: BatchDoc[] = snap.docs
    .map((d) => batchFromData(d.id, d.data()))
    .filter((b) => !isEconomyBatch(b));
  const claimants = await Promise.all(
    open.map(async (b) => claimantOf(b, b.cancelRequested ? 0 : await unfinishedCount(b.batchId))),
  );
  const live = claimants.filter((c) => c.demand > 0);
  // An open batch with nothing unfinished is finished here, within a tick: the worker that
  // finished its last image may have failed to settle it (the emulator once closed that
  // transaction under it), and the reconciler's next run may be minutes away.
  const done = open.filter((b, i) => !b.cancelRequested && claimants[i]!.demand === 0);
  const settled = await Promise.all(
    done.map((b) =>
      settleBatch(b.batchId).then(
        (r) => r !== null,
        (e: unknown) => {
          logEvent("batch.settle_failed", { batchId: b.batchId, error: String(e) }, "warn");
          return false;
        },
      ),
    ),
  );
  const windows = await writeDispatchState(live, cfg.totalWindow, {
    highPriorityWeight: cfg.highPriorityWeight,
  });
  const report: TickReport = {
    openBatches: open.length,
    dispatched: 0,
    errors: 0,
    settled: settled.filter(Boolean).length,
  };
  for (const b of open) {
    const window = windows[b.batchId];
    if (b.cancelRequested || !window) continue;
    try {
      report.dispatched += await topUpBatch(taskTemplate(b), window);
    } catch (e) {
      report.errors++;
      logEvent(
        "dispatch.top_up_failed",
        { batchId: b.batchId, partnerId: b.partnerId, error: String(e) },
        "warn",
      );
    }
  }
  if (open.length > 0) await ensureScheduler(cfg, Date.now(), bucket);
  logEvent("dispatch.tick", {
    ...report,
    ...(open.length <= 20 ? { windows: JSON.stringify(windows) } : {}),
    durationMs: Date.now() - started,
  });
  return report;
}
