/**
 * Where a batch's requeued (retry-failed) images go: the one choice between the economy lane
 * (Gemini batch jobs, under a round id of their own), the standard lane at once (an economy
 * batch has no dispatch window), and the batch's dispatch window (a few now, the rest as images
 * finish). If the request dies before this returns, the images left with `taskEnqueuedAt: null`
 * are dispatched by the scheduler (window) or enqueued by the reconciler (the other two).
 */
import { randomUUID } from "node:crypto";
import type { BatchDoc } from "../store/batchStore.js";
import { markTasksEnqueued } from "../store/imageBulk.js";
import { openBatchWindow, type DispatchConfig } from "./dispatchWindow.js";
import { enqueueEconomyRetry, isEconomyBatch } from "./economyLane.js";
import { ensureScheduler } from "./schedulerQueue.js";
import { enqueueBatchImages } from "./taskQueues.js";

export type RetryLane = "economy" | "standard";

export async function dispatchRequeued(
  batch: BatchDoc,
  images: ReadonlyArray<{ imageId: string; generation: number }>,
  lane: RetryLane,
  cfg: DispatchConfig,
): Promise<void> {
  if (images.length === 0) return;
  if (lane === "standard" && !isEconomyBatch(batch)) {
    await ensureScheduler(cfg);
    await openBatchWindow(batch, cfg, images.length);
    return;
  }
  if (lane === "economy") await enqueueEconomyRetry(batch, images, `r${randomUUID().slice(0, 8)}`);
  else await enqueueBatchImages(batch, images);
  await markTasksEnqueued(
    batch.batchId,
    images.map((img) => img.imageId),
  );
}
