/**
 * Where a batch's lane is decided for the fan-out: an economy batch on a Gemini engine gets one
 * submission task per chunk (economySubmit.ts) instead of image tasks. The preview engine has no
 * Batch API: its economy batches run in the standard lane (their images say so). Retried
 * images (retry-failed) of an economy batch go back to the economy lane the same way, in a
 * retry round of their own.
 */
import { FUNCTION_NAMES } from "../config/region.js";
import { MAX_IMAGES_PER_CHUNK } from "../domain/chunking.js";
import { taskId } from "../domain/ids.js";
import { readStagingOptions } from "../domain/stagingOptions.js";
import { parseEngineSpec } from "../engines/engineNames.js";
import type { BatchDoc } from "../store/batchStore.js";
import type { ExpandedImage } from "../store/imageCreate.js";
import { enqueueOnce } from "../queues/taskQueues.js";

/** The data of a submitEconomyJobs task (worker/economySubmit.ts). */
export interface EconomySubmitTaskData {
  batchId: string;
  chunk: number;
  images: Array<{ imageId: string; generation: number }>;
  /** Set for a retry of failed images: unique per retry-failed request. */
  round?: string;
}
export function isEconomyBatch(batch: BatchDoc): boolean {
  return readStagingOptions(batch.stagingOptions).lane === "economy" && hasBatchApi(batch);
}

/** Only the Gemini engine has a Batch API. */
export function hasBatchApi(batch: BatchDoc): boolean {
  return parseEngineSpec(batch.engine)?.engine === "gemini";
}

export async function enqueueEconomySubmission(
  batch: BatchDoc,
  chunk: number,
  images: ExpandedImage[],
): Promise<void> {
  const data: EconomySubmitTaskData = {
    batchId: batch.batchId,
    chunk,
    images: images.map((i) => ({ imageId: i.imageId, generation: i.generation })),
  };
  await enqueueOnce(FUNCTION_NAMES.submitEconomyJobs, data, taskId("econ", batch.batchId, chunk));
}

/**
 * Sends retried images to the economy lane: one submission task per 500 images, under a round
 * id unique to this retry request (its groups, attempt ids and jobs stay apart from earlier ones).
 */
export async function enqueueEconomyRetry(
  batch: BatchDoc,
  images: ReadonlyArray<{ imageId: string; generation: number }>,
  round: string,
): Promise<void> {
  for (let start = 0, chunk = 0; start < images.length; start += MAX_IMAGES_PER_CHUNK, chunk++) {
    const data: EconomySubmitTaskData = {
      batchId: batch.batchId,
      chunk,
      round,
      images: images
        .slice(start, start + MAX_IMAGES_PER_CHUNK)
        .map((i) => ({ imageId: i.imageId, generation: i.generation })),
    };
    await enqueueOnce(
      FUNCTION_NAMES.submitEconomyJobs,
      data,
      taskId("econ", batch.batchId, round, chunk),
    );
  }
}
