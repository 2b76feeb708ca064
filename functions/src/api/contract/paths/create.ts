/** The create operation: the body, its idempotency header and every refusal partners can get. */
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { MAX_BODY_BYTES } from "../../../domain/bodyLimits.js";
import { CreateBatchResponse } from "../batches.js";
import { ErrorResponse, QuotaErrorResponse, ValidationErrorResponse } from "../common.js";
import { BATCH_ID, createRequestExample, errorExample } from "../examples.js";
import { CreateBatchHeaders, CreateBatchRequest } from "../requests.js";
import { authErrors, dailyQuotaExceeded, errorResponse } from "../responses.js";

export const createPaths: ZodOpenApiPathsObject = {
  "/batch/staging/create": {
    post: {
      operationId: "createBatch",
      summary: "Submit a batch of photos for staging",
      description:
        "Validates the whole request, checks quotas, then writes the batch atomically and " +
        "answers at once (202); staging runs in the background. Bad input or a refused quota " +
        "writes nothing. A malformed JSON body is refused by the platform before the API " +
        "runs, with an HTML 400 (not the JSON error shape).",
      tags: ["batches"],
      requestParams: { header: CreateBatchHeaders },
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: CreateBatchRequest, example: createRequestExample },
        },
      },
      responses: {
        "202": {
          description: "Accepted (also for a replayed Idempotency-Key).",
          content: {
            "application/json": {
              schema: CreateBatchResponse,
              examples: {
                created: {
                  summary: "New batch",
                  value: {
                    success: true,
                    batchId: BATCH_ID,
                    total: 2,
                    status: "queued",
                    message: "Batch accepted: 2 image(s) queued for staging",
                  },
                },
                replayed: {
                  summary: "Same Idempotency-Key and body as an earlier request",
                  value: {
                    success: true,
                    batchId: BATCH_ID,
                    total: 2,
                    status: "queued",
                    replayed: true,
                    message: "Batch already created for this Idempotency-Key",
                  },
                },
              },
            },
          },
        },
        "400": {
          description:
            "Invalid request (JSON: invalid_request with the offending fields). A body that " +
            "is not valid JSON gets the platform's HTML 400 instead.",
          content: {
            "application/json": {
              schema: ValidationErrorResponse,
              examples: {
                schema: {
                  summary: "Schema issues (checked first)",
                  value: errorExample("invalid_request", "Invalid request: roomType, extra", {
                    fields: [
                      {
                        field: "roomType",
                        code: "invalid_value",
                        message:
                          'Invalid option: expected one of "living_room"|"bedroom"|"kitchen"|' +
                          '"dining_room"|"bathroom"|"home_office"|"kids_room"|"nursery"|' +
                          '"guest_room"|"outdoor_patio"',
                      },
                      {
                        field: "extra",
                        code: "unknown_field",
                        message: 'Unrecognized key: "extra"',
                      },
                    ],
                  }),
                },
                urls: {
                  summary: "URL rules (checked once the schema passes)",
                  value: errorExample(
                    "invalid_request",
                    "Invalid request: images.1.url, callbackUrl",
                    {
                      fields: [
                        {
                          field: "images.1.url",
                          code: "url_private_address",
                          message: "URL points to a private or reserved IP address",
                        },
                        {
                          field: "callbackUrl",
                          code: "url_private_host",
                          message: "URL host is a local or internal name",
                        },
                      ],
                    },
                  ),
                },
              },
            },
            "text/html": {
              schema: { type: "string" },
              example: "<!DOCTYPE html>...Bad Request...",
            },
          },
        },
        "409": errorResponse("Idempotency-Key reused with a different body.", ErrorResponse, [
          {
            code: "idempotency_conflict",
            message: "This Idempotency-Key was used with a different request body",
            details: { batchId: BATCH_ID },
            summary: "Same key, different body",
          },
        ]),
        "413": errorResponse("Body larger than 8 MiB.", ErrorResponse, [
          {
            code: "payload_too_large",
            message: `The request body may be at most ${MAX_BODY_BYTES} bytes`,
            details: { limitBytes: MAX_BODY_BYTES },
            summary: "Too large",
          },
        ]),
        "415": errorResponse("Body not sent as application/json.", ErrorResponse, [
          {
            code: "unsupported_media_type",
            message: "Send the request as Content-Type: application/json",
            summary: "Wrong Content-Type",
          },
        ]),
        "429": errorResponse(
          "A partner quota refuses the batch; nothing was written.",
          QuotaErrorResponse,
          [
            dailyQuotaExceeded(49800),
            {
              name: "maxOpenBatches",
              code: "quota_exceeded",
              message: "At most 20 unfinished batches at a time",
              details: {
                quota: "maxOpenBatches",
                limit: 20,
                freesAt: "when one of your batches finishes",
              },
              summary: "Too many unfinished batches",
            },
          ],
        ),
        ...authErrors,
      },
    },
  },
};
