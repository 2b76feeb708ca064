/**
 * Cancelling an economy batch: the images still waiting for a model job are cancelled now, and
 * each unsettled job is flagged; its poller (which holds the Gemini key, the API does not)
 * cancels the job at Gemini at its next tick and settles it. A job that already finished is
 * billed anyway; its answers are dropped because its images are cancelled.
 */
import { isEconomyBatch } from "../queues/economyLane.js";
import type { BatchDoc } from "../store/batchStore.js";
import { cancelModelJobImages, modelJobRef, openModelJobs } from "../store/modelJobs.js";

/** Returns how many images were cancelled. */
export async function cancelEconomyJobs(batch: BatchDoc): Promise<number> {
  if (!isEconomyBatch(batch)) return 0;
  let cancelled = 0;
  for (const job of await openModelJobs(batch.batchId)) {
    cancelled += await cancelModelJobImages(
      batch.batchId,
      job.attemptId,
      job.images.map((i) => i.imageId),
    );
    await modelJobRef(batch.batchId, job.jobId).update({ cancelRequested: true });
  }
  return cancelled;
}
