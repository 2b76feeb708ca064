/**
 * What partners send: the create body, the upload request, and the query, path and header
 * parameters. Bodies reuse the domain's validation schemas (domain/createRequest.ts,
 * domain/uploads.ts, domain/usageReport.ts) with descriptions added; the status and list query
 * schemas live here and the routes validate with them.
 */
import { z } from "zod";
import { BATCH_STATUSES } from "../../domain/batchStatus.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "../../domain/bodyLimits.js";
import {
  createBatchSchema,
  MAX_IMAGES_PER_REQUEST,
  sourceImageSchema,
} from "../../domain/createRequest.js";
import { IMAGE_STATUSES } from "../../domain/imageStatus.js";
import { retryFailedSchema } from "../../domain/retryRequest.js";
import { createUploadSchema } from "../../domain/uploads.js";
import { MAX_USAGE_RANGE_DAYS, usageQuerySchema } from "../../domain/usageReport.js";
import { documented } from "./common.js";

export const SourceImage = documented(sourceImageSchema, {
  url:
    "https:// URL of a JPEG, PNG or WebP photo (at most 25 MiB, at most 50 megapixels). " +
    "No credentials, no private, loopback, link-local or metadata addresses, no internal host " +
    "names, default ports or 8080/8443 only; redirects are followed (at most 3) and each hop " +
    "is checked again. gs:// URLs are accepted only for this project's own bucket.",
  propertyCode:
    "Your reference for the photo (e.g. a listing id), returned unchanged. Letters, digits, " +
    "spaces and _ . , : # / ( ) -. When omitted it is IMG-{n}, n the 1-based position in images.",
}).meta({ id: "SourceImage", description: "One source photo of an empty room." });

// The domain's images array (with its length checks) holding the documented image schema.
const images = createBatchSchema.shape.images.clone({
  ...createBatchSchema.shape.images.def,
  element: SourceImage,
});

export const CreateBatchRequest = documented(createBatchSchema.extend({ images }), {
  designStyle: "A style id from GET /batch/options.",
  roomType: "A room type id from GET /batch/options.",
  clientName:
    "Free text shown back in the status (e.g. the end client or agency). No control or " +
    "bidirectional-override characters.",
  priority: "Recorded and returned; it does not change the processing order yet.",
  lane:
    "`standard` (default, or your account's default lane): staged as soon as capacity allows. " +
    "`economy`: sent to the Gemini Batch API at half the model price; images complete within " +
    "24 hours of their job's creation (the Batch API's target; usually much sooner). A job " +
    "that fails or expires sends its images to the standard lane. Accounts on the preview " +
    "engine run economy batches in the standard lane.",
  declutter:
    "true removes loose clutter and personal items (boxes, bags, papers, clothes) before " +
    "staging; fixtures and built-ins stay. Default false: every existing object stays.",
  cache:
    "Default true: a photo this account already staged with the same style, room type, " +
    "options, model and size reuses that result (no model call, costUsd 0, cached: true). " +
    "false stages every image afresh, for a new variation.",
  label:
    "Disclosure label burned into each staged output, as MLS rules and laws such as " +
    'California AB 723 require: {"text": "Virtually staged", "position": "bottom-left"} ' +
    "(both optional; text at most 40 characters). Absent: your account's default label, if " +
    "any; null: no label.",
  model:
    "Optional Gemini model for this batch (e.g. gemini-3-pro-image), allowed only if your " +
    "account may choose it; otherwise 403 model_not_allowed. Absent: your account's model.",
  callbackUrl:
    "https:// URL that receives the signed batch.completed webhook when the batch finishes " +
    "(same address rules as image URLs, never gs://). See webhook-verification.md.",
}).meta({
  id: "CreateBatchRequest",
  description:
    `A batch of 1 to ${MAX_IMAGES_PER_REQUEST} photos staged with one design style and room ` +
    `type. The body is at most ${MAX_BODY_BYTES} bytes and at most ${MAX_JSON_DEPTH} levels deep.`,
});

export const UploadRequest = createUploadSchema.meta({ id: "UploadRequest" });

export const RetryFailedRequest = retryFailedSchema.meta({ id: "RetryFailedRequest" });

/** 1 to 255 printable ASCII characters (the create route checks the header with it). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The create call's optional header. */
export const CreateBatchHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN)
    .optional()
    .describe(
      "1 to 255 printable ASCII characters, scoped to your partner account. The same key " +
        "with the same body returns the original batchId (replayed: true); with a " +
        "different body it is a 409 idempotency_conflict.",
    ),
});

const pageToken = z.string().regex(/^[0-9]{1,6}$|^[A-Za-z0-9_-]{1,400}$/);

export const statusQuerySchema = z.strictObject({
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe("Images per page (1 to 1000, default 100)."),
  pageToken: pageToken.optional().describe("nextPageToken of the previous page."),
  imageStatus: z
    .enum(IMAGE_STATUSES)
    .optional()
    .describe("Only images in this status (e.g. failed)."),
});

export const listQuerySchema = z.strictObject({
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .describe("Batches per page (1 to 100, default 20)."),
  pageToken: pageToken.optional().describe("nextPageToken of the previous page."),
  status: z.enum(BATCH_STATUSES).optional().describe("Only batches in this status."),
});

export const UsageQuery = documented(usageQuerySchema, {
  from: "First UTC day, YYYY-MM-DD.",
  to: `Last UTC day, YYYY-MM-DD (inclusive; at most ${MAX_USAGE_RANGE_DAYS} days after from).`,
});

/** The path parameter of every per-batch route. */
export const BatchPath = z.object({
  batchId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/)
    .describe("The batchId returned by create."),
});

/** The output route's path and the signed-link query parameters. */
export const OutputPath = BatchPath.extend({
  index: z.number().int().min(0).describe("The image's index in the batch (0-based)."),
});
export const OutputQuery = z.object({
  expires: z.number().int().optional().describe("Signed links only: expiry, Unix seconds."),
  signature: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe("Signed links only: the link's signature (64 hex digits)."),
});
