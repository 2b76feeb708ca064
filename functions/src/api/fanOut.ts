/**
 * Enqueueing a created batch's fan-out, and what happens when that fails (missing IAM, a missing
 * queue, Cloud Tasks quota). The batch is already committed, so the create still answers 202 with
 * its id (a 503 after a committed write would invite a duplicate create); the failure is logged
 * as `batch.enqueue_failed` (an alert in monitoring/ fires on every one), and the reconciler
 * enqueues the fan-out of any batch whose chunks were never expanded once it is older than
 * RECONCILE_STALE_BATCH_SECONDS. A replay with the same Idempotency-Key re-enqueues at once.
 */
import { logEvent } from "../util/log.js";
import { enqueueExpandTasks } from "../queues/taskQueues.js";

export type EnqueueExpand = (batchId: string, chunkCount: number) => Promise<unknown>;

/** True when the fan-out is enqueued; false when it failed and was logged for the reconciler. */
export async function enqueueFanOut(
  batchId: string,
  chunkCount: number,
  enqueue: EnqueueExpand = enqueueExpandTasks,
): Promise<boolean> {
  try {
    await enqueue(batchId, chunkCount);
    return true;
  } catch (e) {
    logEvent(
      "batch.enqueue_failed",
      { batchId, chunks: chunkCount, error: e instanceof Error ? e.message : String(e) },
      "error",
    );
    return false;
  }
}
