/**
 * Fan-out of one chunk: creates its image documents and enqueues one image task each. This is
 * the one place image tasks of a new batch are enqueued (a fair-share scheduler replaces
 * enqueueStageTasks here). A chunk whose tasks are enqueued (`enqueuedAt`) is never enqueued
 * again, so a replayed create or a reconciler re-run after Cloud Tasks freed the task names
 * cannot duplicate a batch. The cancel flag is read again after the images exist: either this
 * read sees it (and cancels them) or the cancel's own query, which runs after the flag is set,
 * sees the images.
 */
import { FieldValue } from "firebase-admin/firestore";
import { chunkRef, getBatch } from "../store/batchStore.js";
import { cancelQueuedImages } from "../store/imageBulk.js";
import { expandChunk } from "../store/imageCreate.js";
import { logEvent } from "../util/log.js";
import { enqueueEconomySubmission, isEconomyBatch } from "../queues/economyLane.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { enqueueBatchImages, type ExpandTaskData } from "../queues/taskQueues.js";

/** Returns how many image tasks this run enqueued (0 for a chunk already enqueued). */
export async function expandBatchTask(task: ExpandTaskData): Promise<number> {
  const started = Date.now();
  const batch = await getBatch(task.batchId);
  if (!batch) {
    logEvent("batch.expand_missing", { batchId: task.batchId, chunk: task.chunk }, "warn");
    return 0;
  }
  const chunk = await chunkRef(task.batchId, task.chunk).get();
  if (chunk.get("enqueuedAt")) return 0;
  const images = await expandChunk(task.batchId, task.chunk);
  const cancelled = batch.cancelRequested || (await getBatch(task.batchId))?.cancelRequested;
  let enqueued = 0;
  if (cancelled) {
    await cancelQueuedImages(task.batchId);
  } else if (isEconomyBatch(batch)) {
    // Economy lane: one submission task groups the chunk into Gemini batch jobs instead.
    await enqueueEconomySubmission(batch, task.chunk, images);
  } else {
    enqueued = await enqueueBatchImages(batch, images);
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
