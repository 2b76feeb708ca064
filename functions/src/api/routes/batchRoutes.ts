/** Read and control routes of one partner's batches. */
import type { Request, Response } from "express";
import { ApiError } from "../apiError.js";
import { DomainError } from "../../domain/domainError.js";
import { isFinishedBatchStatus } from "../../domain/batchStatus.js";
import { apiSettings, defaultQuotas, dispatchConfig } from "../../config/runtimeConfig.js";
import { outputLinks } from "../../outputs/outputLinks.js";
import { getOutputStore } from "../../outputs/selectOutputStore.js";
import { batchRef, getBatchForPartner, listBatches } from "../../store/batchStore.js";
import { listTally, withTally } from "../../store/batchCounts.js";
import { readStatusView } from "../../store/statusView.js";
import { cancelEconomyJobs } from "../../lifecycle/economyCancel.js";
import { hasBatchApi, isEconomyBatch } from "../../queues/economyLane.js";
import { dispatchRequeued } from "../../queues/retryDispatch.js";
import { retryFailedSchema, retryLane } from "../../domain/retryRequest.js";
import { readStagingOptions } from "../../domain/stagingOptions.js";
import { cancelQueuedImages, requeueFailedImages } from "../../store/imageBulk.js";
import {
  countFailedImages,
  reserveDailyImages,
  settleDailyImages,
} from "../../store/usageStore.js";
import { logEvent } from "../../util/log.js";
import { settleBatch } from "../../lifecycle/settleBatch.js";
import { schedulingOf } from "../../queues/dispatchWindow.js";
import { completionIdOf, enqueueWebhook } from "../../notifications/webhookDelivery.js";
import { partnerOf } from "../auth.js";
import { parseInput } from "../parseInput.js";
import { listQuerySchema, statusQuerySchema } from "../contract/requests.js";
import { apiBaseUrl, batchStatus, batchSummary, imageView } from "../serialize.js";
import type {
  BatchListResponse,
  BatchStatusResponse,
  Body,
  CancelResponse,
  RedeliverResponse,
  RetryFailedResponse,
} from "../contract/index.js";

export async function statusRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const q = parseInput(statusQuerySchema, req.query, "Invalid query parameters");
  const batch = await getBatchForPartner(String(req.params.batchId), partner.partnerId);
  const afterIndex = q.pageToken !== undefined ? Number(q.pageToken) : undefined;
  if (afterIndex !== undefined && !Number.isInteger(afterIndex)) {
    throw DomainError.invalid("Invalid pageToken", [
      { field: "pageToken", code: "invalid_value", message: "Invalid pageToken" },
    ]);
  }
  // Counts (counter shards) and the page at one snapshot: exact at every read.
  const { tally, page } = await readStatusView(batch, {
    status: q.imageStatus,
    pageSize: q.pageSize,
    afterIndex,
  });
  const settings = apiSettings();
  const base = apiBaseUrl(req, settings.publicApiBaseUrl);
  const now = new Date();
  // Fresh expiring links on every call (see outputs/outputLinks.ts): never a permanent URL.
  const links = await outputLinks(
    getOutputStore(),
    page.images.flatMap((img) =>
      img.status === "completed" && img.outputPath
        ? [{ index: img.index, outputPath: img.outputPath }]
        : [],
    ),
    { batchId: batch.batchId, apiBase: base, ttlSeconds: settings.outputUrlTtlSeconds, now },
  );
  const counted = withTally(batch, tally);
  res.json({
    success: true,
    ...batchStatus(counted, now),
    // An economy batch is not in the image queue's fair share (Gemini batch jobs run it).
    ...(isFinishedBatchStatus(batch.status) || batch.cancelRequested || isEconomyBatch(batch)
      ? {}
      : {
          scheduling: await schedulingOf(
            counted,
            dispatchConfig(),
            counted.counters.queued + counted.counters.processing,
          ),
        }),
    images: page.images.map((img) =>
      imageView(img, batch.batchId, base, links.get(img.index) ?? null),
    ),
    nextPageToken: page.nextAfterIndex === null ? null : String(page.nextAfterIndex),
  } satisfies Body<typeof BatchStatusResponse>);
}

export async function listRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const q = parseInput(listQuerySchema, req.query, "Invalid query parameters");
  const page = await listBatches({
    partnerId: partner.partnerId,
    status: q.status,
    pageSize: q.pageSize,
    pageToken: q.pageToken,
  });
  // Open batches are counted (the cheaper of shards and aggregation); finished ones carry their
  // final counts.
  const batches = await Promise.all(
    page.batches.map(async (b) =>
      isFinishedBatchStatus(b.status) ? b : withTally(b, await listTally(b)),
    ),
  );
  res.json({
    success: true,
    batches: batches.map(batchSummary),
    nextPageToken: page.nextPageToken,
  } satisfies Body<typeof BatchListResponse>);
}

export async function retryFailedRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const body = parseInput(retryFailedSchema, req.body ?? {}, "Invalid retry-failed request");
  const batch = await getBatchForPartner(String(req.params.batchId), partner.partnerId);
  const lane =
    retryLane(body, readStagingOptions(batch.stagingOptions).lane) === "economy" &&
    hasBatchApi(batch)
      ? "economy"
      : "standard";
  if (batch.cancelRequested)
    throw new ApiError(409, "batch_cancelled", "A cancelled batch cannot be retried");
  // Retried images count against the daily quota like a create: booked before anything is
  // requeued (a refusal changes nothing), then settled to the number actually requeued.
  const failed = await countFailedImages(batch.batchId);
  const bookedAt = new Date();
  const quotas = { ...defaultQuotas(), ...partner.quotas };
  await reserveDailyImages(partner.partnerId, failed, quotas.maxImagesPerDay, bookedAt);
  let moved: Awaited<ReturnType<typeof requeueFailedImages>>;
  try {
    moved = await requeueFailedImages(batch.batchId);
  } catch (e) {
    await settleDailyImages(partner.partnerId, failed, 0, bookedAt);
    throw e;
  }
  await settleDailyImages(partner.partnerId, failed, moved.length, bookedAt);
  await dispatchRequeued(batch, moved, lane, dispatchConfig());
  if (moved.length)
    logEvent("batch.retry_failed", {
      batchId: batch.batchId,
      partnerId: partner.partnerId,
      images: moved.length,
      lane,
    });
  res.json({
    success: true,
    batchId: batch.batchId,
    retriedCount: moved.length,
    lane,
    message: moved.length
      ? `${moved.length} failed image(s) queued again`
      : "No failed images to retry",
  } satisfies Body<typeof RetryFailedResponse>);
}

export async function cancelRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const batch = await getBatchForPartner(String(req.params.batchId), partner.partnerId);
  if (isFinishedBatchStatus(batch.status) && !batch.cancelRequested) {
    throw new ApiError(409, "batch_finished", `The batch is already ${batch.status}`);
  }
  // Flag first, so a fan-out that runs after this creates its images cancelled.
  await batchRef(batch.batchId).update({ cancelRequested: true });
  const cancelled = (await cancelQueuedImages(batch.batchId)) + (await cancelEconomyJobs(batch));
  // With nothing running, this finishes the batch now (the trigger and reconciler would too).
  await settleBatch(batch.batchId);
  logEvent("batch.cancel_requested", {
    batchId: batch.batchId,
    partnerId: partner.partnerId,
    images: cancelled,
  });
  res.json({
    success: true,
    batchId: batch.batchId,
    cancelledCount: cancelled,
    message: `${cancelled} queued image(s) cancelled; images already running will finish`,
  } satisfies Body<typeof CancelResponse>);
}

export async function redeliverWebhookRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const batch = await getBatchForPartner(String(req.params.batchId), partner.partnerId);
  if (!batch.callbackUrl)
    throw new ApiError(409, "no_callback_url", "The batch has no callbackUrl");
  if (!isFinishedBatchStatus(batch.status) || !batch.completedAt) {
    throw new ApiError(409, "batch_not_finished", "The webhook is sent when the batch finishes");
  }
  await enqueueWebhook(batch.batchId, completionIdOf(batch.completedAt), `redeliver-${Date.now()}`);
  logEvent("webhook.redeliver_requested", { batchId: batch.batchId, partnerId: partner.partnerId });
  res.status(202).json({
    success: true,
    batchId: batch.batchId,
    message: "Webhook delivery queued",
  } satisfies Body<typeof RedeliverResponse>);
}
