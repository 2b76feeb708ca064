/** Operations that change a batch: retry its failed images, cancel it, resend its webhook. */
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { CancelResponse, RedeliverResponse, RetryFailedResponse } from "../batches.js";
import { ErrorResponse, QuotaErrorResponse } from "../common.js";
import { BATCH_ID } from "../examples.js";
import { BatchPath, RetryFailedRequest } from "../requests.js";
import { batchErrors, dailyQuotaExceeded, errorResponse, jsonResponse } from "../responses.js";

export const controlPaths: ZodOpenApiPathsObject = {
  "/batch/{batchId}/retry-failed": {
    post: {
      operationId: "retryFailed",
      summary: "Queue every failed image of the batch again",
      description:
        "Failed images go back to queued with a fresh attempt budget; the batch reopens " +
        "(status processing, completedAt null) and finishes again, with a new webhook. " +
        "They run in the batch's lane unless `lane` says otherwise (an economy batch's " +
        "images go back to the Gemini Batch API).",
      tags: ["batches"],
      requestParams: { path: BatchPath },
      requestBody: {
        required: false,
        content: {
          "application/json": { schema: RetryFailedRequest, example: { lane: "standard" } },
        },
      },
      responses: {
        "200": jsonResponse("Failed images queued again (possibly none).", RetryFailedResponse, {
          success: true,
          batchId: BATCH_ID,
          retriedCount: 2,
          lane: "standard",
          message: "2 failed image(s) queued again",
        }),
        "409": errorResponse("The batch was cancelled.", ErrorResponse, [
          {
            code: "batch_cancelled",
            message: "A cancelled batch cannot be retried",
            summary: "Cancelled batch",
          },
        ]),
        "429": errorResponse(
          "Retried images count against the daily image quota like a create; nothing was " +
            "requeued.",
          QuotaErrorResponse,
          [dailyQuotaExceeded(49999)],
        ),
        ...batchErrors,
      },
    },
  },
  "/batch/{batchId}/cancel": {
    post: {
      operationId: "cancelBatch",
      summary: "Cancel the batch's queued images",
      description:
        "Queued images become cancelled; images already running finish normally. The batch " +
        "ends cancelled once nothing is running. Calling it again on a cancelled batch is " +
        "harmless (cancelledCount 0).",
      tags: ["batches"],
      requestParams: { path: BatchPath },
      responses: {
        "200": jsonResponse("Queued images cancelled.", CancelResponse, {
          success: true,
          batchId: BATCH_ID,
          cancelledCount: 1,
          message: "1 queued image(s) cancelled; images already running will finish",
        }),
        "409": errorResponse("The batch had already finished.", ErrorResponse, [
          {
            code: "batch_finished",
            message: "The batch is already completed",
            summary: "Finished batch",
          },
        ]),
        ...batchErrors,
      },
    },
  },
  "/batch/{batchId}/webhook/redeliver": {
    post: {
      operationId: "redeliverWebhook",
      summary: "Send the completion webhook of a finished batch again",
      description:
        "Queues a new delivery of the batch.completed webhook (same retry policy: 5 attempts " +
        "with backoff); the status response's webhook field follows it.",
      tags: ["webhooks"],
      requestParams: { path: BatchPath },
      responses: {
        "202": jsonResponse("Delivery queued.", RedeliverResponse, {
          success: true,
          batchId: BATCH_ID,
          message: "Webhook delivery queued",
        }),
        "409": errorResponse(
          "The batch has no callbackUrl, or it has not finished yet.",
          ErrorResponse,
          [
            {
              code: "no_callback_url",
              message: "The batch has no callbackUrl",
              summary: "No callbackUrl",
            },
            {
              code: "batch_not_finished",
              message: "The webhook is sent when the batch finishes",
              summary: "Not finished",
            },
          ],
        ),
        ...batchErrors,
      },
    },
  },
};
