/** A batch as partners see it: its summary, its status page, and the control routes' answers. */
import { z } from "zod";
import { BATCH_STATUSES } from "../../domain/batchStatus.js";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "../../domain/catalog.js";
import { createBatchSchema } from "../../domain/createRequest.js";
import { LABEL_POSITIONS, LANES } from "../../domain/stagingOptions.js";
import { ENGINE_NAMES } from "../../engines/engineNames.js";
import { count, success, when } from "./common.js";
import { Image } from "./images.js";

export const Priority = createBatchSchema.shape.priority.unwrap();

export const CreateBatchResponse = z
  .object({
    success,
    batchId: z.string(),
    total: count("Number of images in the batch."),
    status: z.literal("queued"),
    replayed: z
      .literal(true)
      .optional()
      .describe("Present when an earlier request with the same Idempotency-Key created it."),
    message: z.string(),
  })
  .meta({ id: "CreateBatchResponse" });

export const BatchSummary = z
  .object({
    batchId: z.string(),
    status: z.enum(BATCH_STATUSES),
    clientName: z.string(),
    designStyle: z.enum(DESIGN_STYLE_IDS),
    roomType: z.enum(ROOM_TYPE_IDS),
    priority: Priority,
    total: count(
      "Images in the batch; always queued + processing + completed + failed + cancelled.",
    ),
    queued: count("Images waiting (including those waiting for model quota)."),
    processing: count("Images being staged now."),
    completed: count("Images staged successfully."),
    failed: count("Images that failed for good (see each image's error)."),
    cancelled: count("Images cancelled before they started."),
    progress: z
      .number()
      .min(0)
      .max(100)
      .describe(
        "(completed + failed + cancelled) / total x 100, one decimal; at most 99.9 until every " +
          "image is finished, then 100.",
      ),
    createdAt: z.iso.datetime(),
    startedAt: when("When the first image started; null while queued."),
    completedAt: when("When the batch finished; null while unfinished (also after retry-failed)."),
  })
  .meta({ id: "BatchSummary" });

export const Statistics = z
  .object({
    avgProcessingTimeMs: z
      .number()
      .int()
      .nullable()
      .describe(
        "Mean time of one completed image (fetch + model + store); null until one completed.",
      ),
    estimatedRemainingMinutes: z
      .number()
      .nullable()
      .describe(
        "remaining images / observed throughput since startedAt, one decimal; 0 when finished; " +
          "null until an image finished.",
      ),
    successRate: z
      .number()
      .min(0)
      .max(100)
      .nullable()
      .describe(
        "Percentage 0-100: completed / (completed + failed) x 100, two decimals (cancelled " +
          "images are not counted); null until an image completed or failed.",
      ),
    throughputPerMinute: z
      .number()
      .nullable()
      .describe("Images finished per minute since startedAt (to completedAt when finished)."),
    totalCostUsd: z.number().describe("Estimated model cost of the batch so far, USD."),
  })
  .meta({ id: "Statistics" });

export const WebhookState = z
  .object({
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int().nonnegative(),
    lastStatusCode: z.number().int().nullable().optional(),
    deliveredAt: z.iso.datetime().nullable().optional(),
    lastError: z.string().nullable().optional(),
  })
  .meta({ id: "WebhookState" });

export const Scheduling = z
  .object({
    dispatchShare: z
      .number()
      .min(0)
      .max(1)
      .describe(
        "Fraction of the image queue's dispatches this batch gets while the open batches stay " +
          "open: partners share equally (or by their weight), a partner's batches by priority " +
          '("high" weighs 3x "normal"). 1 when it is the only open batch.',
      ),
    estimatedSecondsRemaining: z
      .number()
      .int()
      .nullable()
      .describe(
        "Seconds until the batch's last image is dispatched at the queue's rate, counting the " +
          "other open batches (their shares pass on as they finish); null when unknown.",
      ),
    openBatches: count("Open batches sharing the image queue, this one included."),
  })
  .meta({ id: "Scheduling" });

/** What the status adds to the summary, apart from the page of images. */
export const BatchDetails = z.object({
  engine: z.enum(ENGINE_NAMES),
  model: z
    .string()
    .optional()
    .describe("The Gemini model chosen for this batch or partner; absent = the default."),
  declutter: z.boolean().optional().describe("Whether loose clutter is removed first."),
  lane: z
    .enum(LANES)
    .optional()
    .describe("The batch's lane (request's `lane`, else the account default)."),
  cache: z
    .boolean()
    .optional()
    .describe("Whether identical earlier results are reused (the create's `cache`)."),
  label: z
    .object({
      text: z.string().optional(),
      position: z.enum(LABEL_POSITIONS).optional(),
    })
    .nullable()
    .optional()
    .describe("The disclosure label burned into outputs (null: none)."),
  updatedAt: when("Last change of the batch document."),
  statistics: Statistics,
  scheduling: Scheduling.optional().describe(
    "Present while a standard-lane batch is open (not while cancelling): its place in the " +
      "fair share of the image queue.",
  ),
  webhook: WebhookState.optional().describe("Present when the batch has a callbackUrl."),
});

export const BatchStatusResponse = z
  .intersection(
    BatchSummary,
    z.object({
      success,
      ...BatchDetails.shape,
      images: z.array(Image).describe("One page of images, in index order."),
      nextPageToken: z.string().nullable().describe("Pass as pageToken for the next page."),
    }),
  )
  .meta({ id: "BatchStatusResponse" });

export const BatchListResponse = z
  .object({
    success,
    batches: z.array(BatchSummary).describe("Newest first."),
    nextPageToken: z.string().nullable(),
  })
  .meta({ id: "BatchListResponse" });

export const RetryFailedResponse = z
  .object({
    success,
    batchId: z.string(),
    retriedCount: count("Failed images moved back to queued."),
    lane: z.enum(LANES).describe("The lane the retried images run in."),
    message: z.string(),
  })
  .meta({ id: "RetryFailedResponse" });

export const CancelResponse = z
  .object({
    success,
    batchId: z.string(),
    cancelledCount: count("Queued images cancelled by this call."),
    message: z.string(),
  })
  .meta({ id: "CancelResponse" });

export const RedeliverResponse = z
  .object({ success, batchId: z.string(), message: z.string() })
  .meta({ id: "RedeliverResponse" });

export type BatchSummaryBody = z.infer<typeof BatchSummary>;
export type BatchDetailsBody = z.infer<typeof BatchDetails>;
export type WebhookStateBody = z.infer<typeof WebhookState>;
export type BatchStatusBody = z.infer<typeof BatchStatusResponse>;
