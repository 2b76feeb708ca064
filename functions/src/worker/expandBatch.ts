/**
 * Fan-out of one chunk: creates its image documents, undispatched (`taskEnqueuedAt: null`), and
 * opens the batch's dispatch window (dispatchWindow.ts): only the window's first images are
 * enqueued here; the rest are dispatched as images finish and by the scheduler, which this
 * starts. An economy batch's images skip the window: one submission task per chunk takes them
 * (they are born dispatched). A chunk marked done (`enqueuedAt`) is not expanded again, so a
 * replayed create or a reconciler re-run cannot duplicate a batch, and dispatch claims make a
 * re-run harmless. The cancel flag is read again after the images exist: either this read sees
 * it (and cancels them) or the cancel's own query, which runs after the flag is set, sees them.
 */
import { FieldValue } from "firebase-admin/firestore";
import { chunkRef, getBatch } from "../store/batchStore.js";
import { cancelQueuedImages } from "../store/imageBulk.js";
import { expandChunk } from "../store/imageCreate.js";
import { logEvent, tryBatchStep } from "../util/log.js";
import { enqueueEconomySubmission, isEconomyBatch } from "../queues/economyLane.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { dispatchConfig } from "../config/runtimeConfig.js";
import { openBatchWindow, type DispatchConfig } from "../queues/dispatchWindow.js";
import { ensureScheduler } from "../queues/schedulerQueue.js";
import type { ExpandTaskData } from "../queues/taskQueues.js";

/** Returns how many image tasks this run enqueued (0 for a chunk already enqueued). */
export async function expandBatchTask(
  task: ExpandTaskData,
  cfg: DispatchConfig = dispatchConfig(),
): Promise<number> {
  const started = Date.now();
  const batch = await getBatch(task.batchId);
  if (!batch) {
    logEvent("batch.expand_missing", { batchId: task.batchId, chunk: task.chunk }, "warn");
    return 0;
  }
  const chunk = await chunkRef(task.batchId, task.chunk).get();
  if (chunk.get("enqueuedAt")) return 0;
  const economy = isEconomyBatch(batch);
  // A standard batch's first window is dispatched as soon as its images exist, before the rest
  // of the chunk is written (the first image starts within a few seconds of the create answer).
  let dispatchedEarly = 0;
  const head =
    economy || batch.cancelRequested
      ? undefined
      : {
          count: Math.min(cfg.totalWindow, 50),
          // A failure is logged only: the full window is opened again below, after the rest of
          // the chunk.
          run: () =>
            tryBatchStep(
              batch,
              async () => {
                dispatchedEarly = await openBatchWindow(batch, cfg, batch.total);
              },
              { event: "dispatch.early_open_failed", level: "warn" },
            ),
        };
  const images = await expandChunk(task.batchId, task.chunk, economy ? "economy" : "window", head);
  const cancelled = batch.cancelRequested || (await getBatch(task.batchId))?.cancelRequested;
  let enqueued = 0;
  if (cancelled) {
    await cancelQueuedImages(task.batchId);
  } else if (economy) {
    // Economy lane: one submission task groups the chunk into Gemini batch jobs instead.
    await enqueueEconomySubmission(batch, task.chunk, images);
  } else {
    // The scheduler first: if the window's enqueue fails, the retried task or the scheduler
    // dispatches the images.
    await ensureScheduler(cfg);
    enqueued = dispatchedEarly + (await openBatchWindow(batch, cfg, batch.total));
  }
  await chunkRef(task.batchId, task.chunk).update({ enqueuedAt: FieldValue.serverTimestamp() });
  // A batch cancelled before its fan-out finishes here, when its last chunk is born cancelled.
  if (cancelled) await settleBatch(task.batchId);
  logEvent("batch.chunk_expanded", {
    batchId: batch.batchId,
    partnerId: batch.partnerId,
    chunk: task.chunk,
    images: images.length,
    enqueued,
    cancelled: cancelled === true,
    durationMs: Date.now() - started,
  });
  return enqueued;
}
