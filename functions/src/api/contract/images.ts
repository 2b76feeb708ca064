/** One image as the batch status reports it (api/serialize.ts imageView builds it). */
import { z } from "zod";
import { IMAGE_STATUSES } from "../../domain/imageStatus.js";
import { LANES } from "../../domain/stagingOptions.js";
import { count, when } from "./common.js";

export const ImageError = z
  .object({
    code: z.string().describe("Stable error code (see the API reference)."),
    message: z.string(),
    retryable: z.boolean().describe("Whether the error was considered transient."),
  })
  .meta({ id: "ImageError" });

export const Usage = z
  .object({
    promptTokens: z.number().int(),
    outputTokens: z.number().int(),
    totalTokens: z.number().int(),
  })
  .meta({ id: "Usage" });

export const WAITING_FOR = ["quota", "outage", "operator", "model_batch"] as const;

/** Fields every image has, whatever its status. */
const imageBase = {
  index: count("Position of the image in the request's images array (0-based)."),
  url: z.string(),
  propertyCode: z
    .string()
    .nullable()
    .describe(
      "The code sent, or IMG-{n} (1-based) when none was sent; null only for batches created before that default.",
    ),
  status: z.enum(IMAGE_STATUSES),
  waitingFor: z
    .enum(WAITING_FOR)
    .optional()
    .describe(
      "Present on a queued image that waits for the model: its quota, an outage, or a service configuration problem (attempts are not spent while waiting). `model_batch`: a processing economy-lane image waiting for its Gemini batch job.",
    ),
  lane: z
    .enum(LANES)
    .describe(
      "The lane this image was sent through: `economy` for an image of an economy batch (it stays `economy` if a failed or expired job sent it on to the standard lane; its error says so).",
    ),
  modelJob: z
    .string()
    .optional()
    .describe(
      "Economy lane: the Gemini Batch API job holding this image (batches/...), for support and operators.",
    ),
  estimatedCompletionBy: z
    .string()
    .optional()
    .describe(
      "Economy lane, while waiting for its job: the job's creation time + 24 h, the Batch API's target turnaround (ISO 8601). A target, not a promise; most jobs finish much sooner.",
    ),
  etaNote: z.string().optional().describe("Economy lane: what estimatedCompletionBy means."),
  outputUrl: z
    .string()
    .nullable()
    .describe(
      "Download link of the staged photo when completed; null otherwise. A short-lived signed " +
        "URL that needs no API key (a Cloud Storage V4 signed URL), valid until " +
        "outputUrlExpiresAt; every status call returns a fresh one. Do not store it: store " +
        "the batch id and index, and ask the status again. Without an expiry (null) it is " +
        "the API's output route, which needs your API key.",
    ),
  outputUrlExpiresAt: z
    .string()
    .nullable()
    .describe("When outputUrl stops working (ISO 8601); null when it does not expire."),
  error: ImageError.nullable().describe(
    "Last error: the final one on a failed image, the one being retried on a queued image.",
  ),
  attempts: count("Attempts made (quota waits do not count)."),
  queuedAt: when("When the image was (re)queued."),
  startedAt: when("When the current or last attempt started; null while queued."),
  completedAt: when("When the image finished."),
  processingTimeMs: z.number().int().nullable(),
};

/** Fields only a completed image has (optional in the schema: other statuses omit them). */
const completedOnly = {
  model: z.string().nullable().optional().describe("Completed images only: model or engine."),
  preview: z
    .boolean()
    .optional()
    .describe("Completed images only: true for a labelled preview, not a real staging."),
  width: z.number().int().nullable().optional(),
  height: z.number().int().nullable().optional(),
  bytes: z.number().int().nullable().optional(),
  costUsd: z.number().optional(),
  usage: Usage.nullable().optional(),
  promptVersion: z.string().nullable().optional(),
  requestedImageSize: z
    .enum(["1K", "2K", "4K"])
    .nullable()
    .optional()
    .describe("Completed images only: the output size asked of the model (null for previews)."),
  modelWidth: z.number().int().nullable().optional().describe("Pixels the model returned."),
  modelHeight: z.number().int().nullable().optional(),
  resized: z
    .boolean()
    .nullable()
    .optional()
    .describe(
      "True when the stored output's size differs from the model's (cropped to the source's exact aspect ratio, or capped).",
    ),
  inputBytes: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe("Bytes of the prepared photo sent to the model."),
  labelled: z
    .boolean()
    .nullable()
    .optional()
    .describe("Completed images only: whether a disclosure label was burned in."),
  cached: z
    .boolean()
    .optional()
    .describe(
      "Completed images only: true when the output reuses an identical earlier result " +
        "(result cache; no model call, costUsd 0).",
    ),
};

export const Image = z.object({ ...imageBase, ...completedOnly }).meta({ id: "Image" });

export type ImageBody = z.infer<typeof Image>;
export type ImageErrorBody = z.infer<typeof ImageError>;
