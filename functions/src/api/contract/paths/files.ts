/** Operations on files and accounting: output download, signed uploads and the usage report. */
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { MAX_USAGE_RANGE_DAYS } from "../../../domain/usageReport.js";
import { ErrorResponse, ValidationErrorResponse } from "../common.js";
import { uploadExample, uploadRequestExample, usageExample } from "../examples.js";
import { OutputPath, OutputQuery, UploadRequest, UsageQuery } from "../requests.js";
import { authErrors, errorResponse, jsonResponse, NOT_FOUND_BATCH } from "../responses.js";
import { UploadResponse, UsageResponse } from "../service.js";

const binary = (type: string) => ({ schema: z.string().meta({ contentMediaType: type }) });

export const filePaths: ZodOpenApiPathsObject = {
  "/batch/{batchId}/images/{index}/output": {
    get: {
      operationId: "getImageOutput",
      summary: "Download a staged photo through the API",
      description:
        "Serves the output of a completed image with your API key, or without one when the " +
        "request carries a valid signed link (expires and signature, as returned in outputUrl " +
        "by deployments that serve outputs through the API, e.g. the Emulator Suite). Outputs " +
        "of the preview engine carry the header X-Staging-Preview: true.",
      tags: ["batches"],
      requestParams: { path: OutputPath, query: OutputQuery },
      responses: {
        "200": {
          description: "The staged photo.",
          headers: {
            "X-Staging-Preview": {
              description: 'Present ("true") when the image is a labelled preview.',
              schema: { type: "string", enum: ["true"] },
            },
            "Cache-Control": { schema: { type: "string", example: "private, max-age=3600" } },
          },
          content: {
            "image/jpeg": binary("image/jpeg"),
            "image/webp": binary("image/webp"),
            "image/png": binary("image/png"),
          },
        },
        "403": errorResponse("A signed link that was altered or has expired.", ErrorResponse, [
          {
            code: "output_link_invalid",
            message: "The output link is not valid: request a fresh one from the batch status",
            summary: "Altered link (batch, index, expiry or signature changed)",
          },
          {
            code: "output_link_expired",
            message: "The output link has expired: the batch status returns a fresh one",
            summary: "Expired link",
          },
        ]),
        "404": errorResponse(
          "No such batch or image, or the image has no output (not completed).",
          ErrorResponse,
          [
            NOT_FOUND_BATCH,
            {
              name: "output_not_found",
              code: "not_found",
              message: "Output not found",
              summary: "Image not completed (or its output is gone)",
            },
          ],
        ),
        ...authErrors,
      },
    },
  },
  "/uploads": {
    post: {
      operationId: "createUpload",
      summary: "Get a signed URL to upload a source photo to the service's storage",
      description:
        "Returns a V4 signed PUT URL (valid 15 minutes) for one new object under your own " +
        "prefix uploads/{partnerId}/. PUT the photo with exactly the returned headers (the " +
        "content type and the size range are part of the signature; Cloud Storage refuses a " +
        "body larger than maxBytes), then use sourceUrl (gs://...) in images[].url. gs:// " +
        "sources outside your prefix are refused at create time (url_gcs_path_not_allowed). " +
        "Uploads are deleted after the deployment's retention period (90 days by default).",
      tags: ["batches"],
      requestBody: {
        required: true,
        content: { "application/json": { schema: UploadRequest, example: uploadRequestExample } },
      },
      responses: {
        "201": jsonResponse("The signed upload URL.", UploadResponse, uploadExample),
        "400": errorResponse("Invalid upload request.", ValidationErrorResponse, [
          {
            code: "invalid_request",
            message: "Invalid upload request",
            details: {
              fields: [{ field: "contentType", code: "invalid_value", message: "Invalid option" }],
            },
            summary: "Not a JPEG, PNG or WebP content type",
          },
        ]),
        "501": errorResponse(
          "This deployment keeps no Cloud Storage (the Emulator Suite): send https:// URLs.",
          ErrorResponse,
          [
            {
              code: "uploads_unavailable",
              message:
                "Uploads need Cloud Storage, which this deployment does not use (emulator): send https:// source URLs",
              summary: "Emulator",
            },
          ],
        ),
        ...authErrors,
      },
    },
  },
  "/usage": {
    get: {
      operationId: "getUsage",
      summary: "Your usage per UTC day and in total: images and cost by model and lane",
      description:
        `At most ${MAX_USAGE_RANGE_DAYS} days per request. Counts are recorded when images ` +
        "finish (completed, failed) or are booked (submitted), on that UTC day.",
      tags: ["usage"],
      requestParams: { query: UsageQuery },
      responses: {
        "200": jsonResponse("The usage report.", UsageResponse, usageExample),
        "400": errorResponse(
          "Missing or invalid dates, or too long a range.",
          ValidationErrorResponse,
          [
            {
              code: "invalid_request",
              message: "Invalid usage query",
              details: {
                fields: [
                  {
                    field: "to",
                    code: "range_too_long",
                    message: `At most ${MAX_USAGE_RANGE_DAYS} days per request (asked for 120)`,
                  },
                ],
              },
              summary: "Range too long",
            },
          ],
        ),
        ...authErrors,
      },
    },
  },
};
