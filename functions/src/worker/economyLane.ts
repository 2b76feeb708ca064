/**
 * Where a batch's lane is decided for the fan-out: an economy batch on a Gemini engine gets one
 * submission task per chunk (economySubmit.ts) instead of image tasks. The preview engine has no
 * Batch API: its economy batches run in the standard lane (their images say so).
 */
import { FUNCTION_NAMES } from "../config/region.js";
import { taskId } from "../domain/ids.js";
import { readStagingOptions } from "../domain/stagingOptions.js";
import { parseEngineSpec } from "../engines/engineNames.js";
import type { BatchDoc } from "../store/batchStore.js";
import type { ExpandedImage } from "../store/imageStore.js";
import type { EconomySubmitTaskData } from "./economySubmit.js";
import { enqueueOnce } from "./taskQueues.js";

export function isEconomyBatch(batch: BatchDoc): boolean {
  return (
    readStagingOptions(batch.stagingOptions).lane === "economy" &&
    parseEngineSpec(batch.engine)?.engine === "gemini"
  );
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
