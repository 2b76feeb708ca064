/**
 * The example bodies the document shows, typed by the contract (a field that is renamed or
 * removed fails to compile) and parsed against their schemas by test/unit/api/contract.test.ts.
 */
import type { z } from "zod";
import type { BatchStatusBody, BatchSummaryBody } from "./batches.js";
import type { ErrorBody } from "./common.js";
import type { ImageBody } from "./images.js";
import type { CreateBatchRequest, UploadRequest } from "./requests.js";
import type { UploadResponse, UsageResponse } from "./service.js";

export const BATCH_ID = "b_mx2qzdnj6cdb2e785921bf93";
export const PARTNER_ID = "p_e0bbae70a8f7a761";

export const summaryExample = {
  batchId: BATCH_ID,
  status: "processing",
  clientName: "Acme Realty - Spring listings",
  designStyle: "scandinavian",
  roomType: "living_room",
  priority: "normal",
  total: 3,
  queued: 1,
  processing: 1,
  completed: 1,
  failed: 0,
  cancelled: 0,
  progress: 33.3,
  createdAt: "2025-06-02T10:00:00.000Z",
  startedAt: "2025-06-02T10:00:02.000Z",
  completedAt: null,
} satisfies BatchSummaryBody;

const quotaWait: ImageBody = {
  index: 2,
  url: "https://photos.example.com/listing-124/living.jpg",
  propertyCode: "LST-124",
  status: "queued",
  waitingFor: "quota",
  lane: "standard",
  outputUrl: null,
  outputUrlExpiresAt: null,
  error: {
    code: "model_quota_exhausted",
    message:
      "The staging model is at capacity. The image waits without using attempts and " +
      "continues when capacity is back; only a very long wait fails it (then use retry-failed).",
    retryable: true,
  },
  attempts: 0,
  queuedAt: "2025-06-02T10:00:01.000Z",
  startedAt: null,
  completedAt: null,
  processingTimeMs: null,
};

export const statusExample = {
  success: true,
  ...summaryExample,
  engine: "gemini",
  updatedAt: "2025-06-02T10:00:26.000Z",
  statistics: {
    avgProcessingTimeMs: 14210,
    estimatedRemainingMinutes: 0.8,
    successRate: 100,
    throughputPerMinute: 2.5,
    totalCostUsd: 0.039164,
  },
  scheduling: { dispatchShare: 0.5, estimatedSecondsRemaining: 4, openBatches: 2 },
  images: [
    {
      index: 0,
      url: "https://photos.example.com/listing-123/living.jpg",
      propertyCode: "LST-123",
      status: "completed",
      lane: "standard",
      outputUrl:
        `https://storage.googleapis.com/your-project.firebasestorage.app/staged/${PARTNER_ID}/` +
        `${BATCH_ID}/000000.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=...` +
        "&X-Goog-Date=20250602T100300Z&X-Goog-Expires=604800&X-Goog-SignedHeaders=host" +
        "&X-Goog-Signature=5c1e...",
      outputUrlExpiresAt: "2025-06-09T10:03:00.000Z",
      error: null,
      attempts: 1,
      queuedAt: "2025-06-02T10:00:01.000Z",
      startedAt: "2025-06-02T10:00:02.000Z",
      completedAt: "2025-06-02T10:00:16.000Z",
      processingTimeMs: 14210,
      model: "gemini-3.1-flash-image",
      preview: false,
      width: 2389,
      height: 1792,
      bytes: 812733,
      costUsd: 0.101611,
      usage: { promptTokens: 1542, outputTokens: 1680, totalTokens: 3222 },
      promptVersion: "staging-v2",
      requestedImageSize: "2K",
      modelWidth: 2400,
      modelHeight: 1792,
      resized: true,
      inputBytes: 402114,
    },
    {
      index: 1,
      url: "https://photos.example.com/listing-123/living-2.jpg",
      propertyCode: "LST-123",
      status: "processing",
      lane: "standard",
      outputUrl: null,
      outputUrlExpiresAt: null,
      error: null,
      attempts: 1,
      queuedAt: "2025-06-02T10:00:01.000Z",
      startedAt: "2025-06-02T10:00:17.000Z",
      completedAt: null,
      processingTimeMs: null,
    },
    quotaWait,
  ] satisfies ImageBody[],
  nextPageToken: null,
} satisfies BatchStatusBody;

/** The same batch once finished, listed with ?imageStatus=failed. */
export const finishedStatusExample = {
  success: true,
  ...summaryExample,
  status: "completed",
  queued: 0,
  processing: 0,
  completed: 2,
  failed: 1,
  progress: 100,
  completedAt: "2025-06-02T10:00:50.000Z",
  engine: "gemini",
  updatedAt: "2025-06-02T10:00:50.000Z",
  statistics: {
    avgProcessingTimeMs: 14620,
    estimatedRemainingMinutes: 0,
    successRate: 66.67,
    throughputPerMinute: 3.8,
    totalCostUsd: 0.078328,
  },
  webhook: {
    status: "delivered",
    attempts: 1,
    lastStatusCode: 200,
    deliveredAt: "2025-06-02T10:00:52.000Z",
    lastError: null,
  },
  images: [
    {
      index: 2,
      url: "https://photos.example.com/listing-124/living.jpg",
      propertyCode: "LST-124",
      status: "failed",
      lane: "standard",
      outputUrl: null,
      outputUrlExpiresAt: null,
      error: {
        code: "source_not_found",
        message: "source photo not found (HTTP 404)",
        retryable: false,
      },
      attempts: 1,
      queuedAt: "2025-06-02T10:00:01.000Z",
      startedAt: "2025-06-02T10:00:48.000Z",
      completedAt: "2025-06-02T10:00:49.000Z",
      processingTimeMs: 412,
    },
  ] satisfies ImageBody[],
  nextPageToken: null,
} satisfies BatchStatusBody;

export const createRequestExample = {
  images: [
    { url: "https://photos.example.com/listing-123/living.jpg", propertyCode: "LST-123" },
    { url: "https://photos.example.com/listing-124/living.jpg", propertyCode: "LST-124" },
  ],
  designStyle: "scandinavian",
  roomType: "living_room",
  clientName: "Acme Realty - Spring listings",
  priority: "normal",
  callbackUrl: "https://crm.example.com/webhooks/staging",
} satisfies z.input<typeof CreateBatchRequest>;

export const uploadRequestExample = {
  contentType: "image/jpeg",
  fileName: "living-room.jpg",
} satisfies z.input<typeof UploadRequest>;

export const uploadExample = {
  success: true,
  uploadUrl:
    `https://storage.googleapis.com/your-project.firebasestorage.app/uploads/${PARTNER_ID}/` +
    "2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&...",
  method: "PUT",
  headers: { "Content-Type": "image/jpeg", "x-goog-content-length-range": "1,26214400" },
  maxBytes: 26214400,
  expiresAt: "2025-06-02T10:15:00.000Z",
  sourceUrl:
    `gs://your-project.firebasestorage.app/uploads/${PARTNER_ID}/` +
    "2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg",
} satisfies z.infer<typeof UploadResponse>;

const dayUsage = {
  submitted: 3,
  completed: 3,
  failed: 0,
  cached: 1,
  costUsd: 0.203468,
  byModel: { "gemini-3.1-flash-image": { standard: { images: 2, costUsd: 0.203468 } } },
};

export const usageExample = {
  success: true,
  partnerId: PARTNER_ID,
  from: "2025-06-02",
  to: "2025-06-02",
  days: [{ date: "2025-06-02", ...dayUsage }],
  total: dayUsage,
} satisfies z.infer<typeof UsageResponse>;

export const errorExample = (
  code: string,
  error: string,
  details?: Record<string, unknown>,
): ErrorBody => ({ success: false, error, code, ...(details ? { details } : {}) });
