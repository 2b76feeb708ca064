/**
 * Finishing a batch, from wherever its last image is seen finished: the worker right after a
 * terminal transition, the cancel and retry routes, the batch trigger and the reconciler. Each
 * path runs the same idempotent steps, so completion never hangs on one event: a cheap check
 * (one billed read) that no image waits or runs, the finishing transaction (counts recomputed
 * inside it; only the first caller changes anything), then the completion webhook, enqueued
 * once per completion.
 */
import { dateOf } from "../store/firestoreDates.js";
import {
  enqueueCompletionWebhook,
  pendingWebhookRecord,
} from "../notifications/webhookDelivery.js";
import {
  finishBatchIfDone,
  hasUnfinishedImages,
  type FinishedBatch,
} from "../store/batchLifecycle.js";
import { logEvent } from "../util/log.js";

export function logBatchFinished(batchId: string, change: FinishedBatch): void {
  const d = change.data;
  const startedAt = dateOf(d.startedAt);
  // finishBatchIfDone only ever moves a batch to a finished status.
  const event = `batch.${change.to}` as "batch.completed" | "batch.failed" | "batch.cancelled";
  logEvent(event, {
    batchId,
    partnerId: d.partnerId,
    from: change.from,
    total: d.total,
    completed: d.completed,
    failed: d.failed,
    cancelled: d.cancelled,
    durationMs: startedAt ? change.completedAt.getTime() - startedAt.getTime() : undefined,
  });
}

/** Returns the change when this call finished the batch; null when it was not (yet) done. */
export async function settleBatch(batchId: string): Promise<FinishedBatch | null> {
  if (await hasUnfinishedImages(batchId)) return null;
  const finished = await finishBatchIfDone(batchId, pendingWebhookRecord);
  if (finished) logBatchFinished(batchId, finished);
  // Also when another path finished it but died before enqueueing: the record says so.
  await enqueueCompletionWebhook(batchId);
  return finished;
}
