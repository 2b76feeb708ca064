/**
 * Generates the partner API's OpenAPI 3.1 document (documentation/Public/openapi.json).
 *
 * Request shapes come from the zod schemas the API validates with (createBatchSchema and the
 * status/list query schemas), converted by zod 4's `z.toJSONSchema` in "input" mode, so the
 * document cannot drift from the validation. Response shapes are written here as zod schemas
 * (kept out of src/ on purpose) and follow api/serialize.ts and the routes; the unit test
 * test/unit/openapi.test.ts checks the checked-in file against this generator and every route
 * of the express router against the document.
 *
 *   node functions/lib/tools/openapi.js            print the document
 *   node functions/lib/tools/openapi.js --write    write documentation/Public/openapi.json
 *   node functions/lib/tools/openapi.js --check    exit 1 when the checked-in file is stale
 */
import { LABEL_POSITIONS } from "../src/domain/stagingOptions.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { listQuerySchema, statusQuerySchema } from "../src/api/routes/batchRoutes.js";
import { BATCH_STATUSES } from "../src/domain/batchStatus.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "../src/domain/bodyLimits.js";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "../src/domain/catalog.js";
import {
  createBatchSchema,
  MAX_IMAGES_PER_REQUEST,
  sourceImageSchema,
} from "../src/domain/createRequest.js";
import { IMAGE_STATUSES } from "../src/domain/imageStatus.js";
import { createUploadSchema } from "../src/domain/uploads.js";
import { MAX_USAGE_RANGE_DAYS, usageQuerySchema } from "../src/domain/usageReport.js";
import { ENGINE_NAMES } from "../src/engines/engineNames.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const SCHEMA_REF = "#/components/schemas/";
const RESPONSE_REF = "#/components/responses/";
const ref = (name: string): JsonObject => ({ $ref: `${SCHEMA_REF}${name}` });

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A plain JSON copy (drops undefined, functions and class prototypes). */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/**
 * Removes what zod adds for standalone JSON Schema documents but is noise inside OpenAPI:
 * `$schema` / `$id`, the safe-integer bounds of `.int()`, the long regex next to
 * `format: date-time`; for responses also `additionalProperties: false` (responses may gain
 * fields; clients must ignore unknown ones).
 */
function clean(node: Json, opts: { openResponses: boolean }): Json {
  if (Array.isArray(node)) return node.map((n) => clean(n, opts));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "minimum" && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === "maximum" && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === "pattern" && node.format === "date-time") continue;
    if (key === "additionalProperties" && value === false && opts.openResponses) continue;
    out[key] = clean(value, opts);
  }
  return out;
}

/** Adds a description at a dotted path of a JSON Schema; throws if the path does not exist. */
function describeAt(schema: JsonObject, path: string, description: string): void {
  let node: Json | undefined = schema;
  for (const part of path.split(".")) {
    node = isObject(node) ? node[part] : undefined;
  }
  if (!isObject(node)) throw new Error(`openapi: no schema at ${path}`);
  node.description = description;
}

// ---------------------------------------------------------------------------------------------
// Request schemas (from the API's own zod schemas)
// ---------------------------------------------------------------------------------------------

function requestSchemas(): JsonObject {
  const registry = z.registry<{ id: string }>();
  registry.add(sourceImageSchema, { id: "SourceImage" });
  registry.add(createBatchSchema, { id: "CreateBatchRequest" });
  const { schemas } = z.toJSONSchema(registry, {
    io: "input",
    uri: (id) => `${SCHEMA_REF}${id}`,
  });
  const out = clean(toJson(schemas), { openResponses: false });
  if (!isObject(out) || !isObject(out.SourceImage) || !isObject(out.CreateBatchRequest)) {
    throw new Error("openapi: request schemas missing");
  }
  const image = out.SourceImage;
  const create = out.CreateBatchRequest;
  image.description = "One source photo of an empty room.";
  describeAt(
    image,
    "properties.url",
    "https:// URL of a JPEG, PNG or WebP photo (at most 25 MiB, at most 50 megapixels). " +
      "No credentials, no private, loopback, link-local or metadata addresses, no internal host " +
      "names, default ports or 8080/8443 only; redirects are followed (at most 3) and each hop " +
      "is checked again. gs:// URLs are accepted only for this project's own bucket.",
  );
  describeAt(
    image,
    "properties.propertyCode",
    "Your reference for the photo (e.g. a listing id), returned unchanged. Letters, digits, " +
      "spaces and _ . , : # / ( ) -. When omitted it is IMG-{n}, n the 1-based position in images.",
  );
  create.description =
    `A batch of 1 to ${MAX_IMAGES_PER_REQUEST} photos staged with one design style and room ` +
    `type. The body is at most ${MAX_BODY_BYTES} bytes and at most ${MAX_JSON_DEPTH} levels deep.`;
  describeAt(create, "properties.designStyle", "A style id from GET /batch/options.");
  describeAt(create, "properties.roomType", "A room type id from GET /batch/options.");
  describeAt(
    create,
    "properties.clientName",
    "Free text shown back in the status (e.g. the end client or agency). No control or " +
      "bidirectional-override characters.",
  );
  describeAt(
    create,
    "properties.priority",
    "Recorded and returned; it does not change the processing order yet.",
  );
  describeAt(
    create,
    "properties.lane",
    "`standard` (default, or your account's default lane): staged as soon as capacity allows. " +
      "`economy`: sent to the Gemini Batch API at half the model price; images complete within " +
      "24 hours of their job's creation (the Batch API's target; usually much sooner). A job " +
      "that fails or expires sends its images to the standard lane. Accounts on the preview " +
      "engine run economy batches in the standard lane.",
  );
  describeAt(
    create,
    "properties.declutter",
    "true removes loose clutter and personal items (boxes, bags, papers, clothes) before " +
      "staging; fixtures and built-ins stay. Default false: every existing object stays.",
  );
  describeAt(
    create,
    "properties.cache",
    "Default true: a photo this account already staged with the same style, room type, " +
      "options, model and size reuses that result (no model call, costUsd 0, cached: true). " +
      "false stages every image afresh, for a new variation.",
  );
  describeAt(
    create,
    "properties.label",
    "Disclosure label burned into each staged output, as MLS rules and laws such as " +
      'California AB 723 require: {"text": "Virtually staged", "position": "bottom-left"} ' +
      "(both optional; text at most 40 characters). Absent: your account's default label, if " +
      "any; null: no label.",
  );
  describeAt(
    create,
    "properties.model",
    "Optional Gemini model for this batch (e.g. gemini-3-pro-image), allowed only if your " +
      "account may choose it; otherwise 403 model_not_allowed. Absent: your account's model.",
  );
  describeAt(
    create,
    "properties.callbackUrl",
    "https:// URL that receives the signed batch.completed webhook when the batch finishes " +
      "(same address rules as image URLs, never gs://). See webhook-verification.md.",
  );
  return out;
}

/** Query parameters from a query schema; every parameter must have a description here. */
function queryParameters(schema: z.ZodType, descriptions: Record<string, string>): Json[] {
  const js = clean(toJson(z.toJSONSchema(schema, { io: "input" })), { openResponses: false });
  if (!isObject(js) || !isObject(js.properties)) throw new Error("openapi: not an object schema");
  const required = Array.isArray(js.required) ? js.required : [];
  return Object.entries(js.properties).map(([name, s]) => {
    const description = descriptions[name];
    if (description === undefined) throw new Error(`openapi: describe query parameter ${name}`);
    return { name, in: "query", required: required.includes(name), description, schema: s };
  });
}

// ---------------------------------------------------------------------------------------------
// Response schemas (what api/serialize.ts and the routes send)
// ---------------------------------------------------------------------------------------------

const when = (d: string) => z.iso.datetime().nullable().describe(d);
const count = (d: string) => z.number().int().nonnegative().describe(d);

function responseSchemas(): JsonObject {
  const success = z.literal(true);
  const FieldIssue = z.object({
    field: z
      .string()
      .describe('Dotted path of the offending field, e.g. "images.3.url"; "" for the body.'),
    code: z.string().describe("Stable issue code (see the API reference)."),
    message: z.string(),
  });
  const ErrorResponse = z.object({
    success: z.literal(false),
    error: z.string().describe("Human-readable message."),
    code: z.string().describe("Stable error code; branch on this, not on the message."),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "invalid_request: {fields: FieldIssue[]}; quota_exceeded: {quota, limit, freesAt?, " +
          "usedToday?}; payload_too_large: {limitBytes}; idempotency_conflict: {batchId}.",
      ),
  });
  const ValidationErrorResponse = ErrorResponse.extend({
    code: z.literal("invalid_request"),
    details: z.object({ fields: z.array(FieldIssue) }),
  });
  const QuotaErrorResponse = ErrorResponse.extend({
    code: z.literal("quota_exceeded"),
    details: z.object({
      quota: z.enum(["maxImagesPerBatch", "maxOpenBatches", "maxImagesPerDay"]),
      limit: z.number().int(),
      freesAt: z
        .string()
        .optional()
        .describe(
          "maxImagesPerDay: next UTC midnight (ISO 8601). maxOpenBatches: a sentence " +
            '("when one of your batches finishes"). Absent for maxImagesPerBatch.',
        ),
      usedToday: z.number().int().optional().describe("maxImagesPerDay only."),
    }),
  });
  const Health = z.object({ success, status: z.literal("ok"), time: z.iso.datetime() });
  const DesignStyle = z.object({
    id: z.enum(DESIGN_STYLE_IDS),
    label: z.string(),
    description: z.string(),
  });
  const RoomType = z.object({
    id: z.enum(ROOM_TYPE_IDS),
    label: z.string(),
    description: z.string(),
  });
  const Options = z.object({
    success,
    designStyles: z.array(DesignStyle),
    roomTypes: z.array(RoomType),
    priorities: z.array(z.enum(["normal", "high"])),
  });
  const CreateBatchResponse = z.object({
    success,
    batchId: z.string(),
    total: count("Number of images in the batch."),
    status: z.literal("queued"),
    replayed: z
      .literal(true)
      .optional()
      .describe("Present when an earlier request with the same Idempotency-Key created it."),
    message: z.string(),
  });
  const BatchSummary = z.object({
    batchId: z.string(),
    status: z.enum(BATCH_STATUSES),
    clientName: z.string(),
    designStyle: z.enum(DESIGN_STYLE_IDS),
    roomType: z.enum(ROOM_TYPE_IDS),
    priority: z.enum(["normal", "high"]),
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
  });
  const Statistics = z.object({
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
  });
  const WebhookState = z.object({
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int().nonnegative(),
    lastStatusCode: z.number().int().nullable().optional(),
    deliveredAt: z.iso.datetime().nullable().optional(),
    lastError: z.string().nullable().optional(),
  });
  const ImageError = z.object({
    code: z.string().describe("Stable error code (see the API reference)."),
    message: z.string(),
    retryable: z.boolean().describe("Whether the error was considered transient."),
  });
  const Usage = z.object({
    promptTokens: z.number().int(),
    outputTokens: z.number().int(),
    totalTokens: z.number().int(),
  });
  const Image = z.object({
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
      .enum(["quota", "outage", "operator", "model_batch"])
      .optional()
      .describe(
        "Present on a queued image that waits for the model: its quota, an outage, or a service configuration problem (attempts are not spent while waiting). `model_batch`: a processing economy-lane image waiting for its Gemini batch job.",
      ),
    lane: z
      .enum(["standard", "economy"])
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
  });
  const BatchStatusResponse = z.intersection(
    BatchSummary,
    z.object({
      success,
      engine: z.enum(ENGINE_NAMES),
      model: z
        .string()
        .optional()
        .describe("The Gemini model chosen for this batch or partner; absent = the default."),
      declutter: z.boolean().optional().describe("Whether loose clutter is removed first."),
      lane: z
        .enum(["standard", "economy"])
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
      webhook: WebhookState.optional().describe("Present when the batch has a callbackUrl."),
      images: z.array(Image).describe("One page of images, in index order."),
      nextPageToken: z.string().nullable().describe("Pass as pageToken for the next page."),
    }),
  );
  const BatchListResponse = z.object({
    success,
    batches: z.array(BatchSummary).describe("Newest first."),
    nextPageToken: z.string().nullable(),
  });
  const RetryFailedResponse = z.object({
    success,
    batchId: z.string(),
    retriedCount: count("Failed images moved back to queued."),
    message: z.string(),
  });
  const CancelResponse = z.object({
    success,
    batchId: z.string(),
    cancelledCount: count("Queued images cancelled by this call."),
    message: z.string(),
  });
  const RedeliverResponse = z.object({ success, batchId: z.string(), message: z.string() });
  const UploadRequest = createUploadSchema;
  const UploadResponse = z.object({
    success,
    uploadUrl: z.string().describe("V4 signed URL: PUT the photo's bytes here within 15 minutes."),
    method: z.literal("PUT"),
    headers: z
      .record(z.string(), z.string())
      .describe(
        "Send exactly these headers with the PUT (Content-Type and x-goog-content-length-range)",
      ),
    maxBytes: z.number().int().describe("Largest accepted photo, in bytes."),
    expiresAt: z.iso.datetime(),
    sourceUrl: z
      .string()
      .describe("The gs:// URL to put in images[].url once the upload has succeeded."),
  });

  const LaneCost = z.object({
    images: count("Model calls billed in this lane (completed, not cached)."),
    costUsd: z.number().describe("Their cost in USD (list price of the model registry)."),
  });
  const usageCounts = {
    submitted: count("Images booked on the day: created, plus retried (retry-failed)."),
    completed: count("Images that completed on the day (cached ones included)."),
    failed: count("Images that failed on the day (retried images may count again later)."),
    cached: count("Completed images served from the result cache (no model call, cost 0)."),
    costUsd: z.number().describe("Sum of the costs below, USD."),
    byModel: z
      .record(z.string(), z.record(z.string(), LaneCost))
      .describe('Cost by model id, then by lane ("standard", "economy").'),
  };
  const UsageDay = z.object({ date: z.string().describe("UTC day, YYYY-MM-DD."), ...usageCounts });
  const UsageResponse = z.object({
    success,
    partnerId: z.string(),
    from: z.string(),
    to: z.string(),
    days: z.array(UsageDay).describe("Every day of the range in order, zeros included."),
    total: z.object(usageCounts).describe("The range's sums."),
  });

  const registry = z.registry<{ id: string }>();
  const all = {
    ErrorResponse,
    FieldIssue,
    ValidationErrorResponse,
    QuotaErrorResponse,
    Health,
    DesignStyle,
    RoomType,
    Options,
    CreateBatchResponse,
    BatchSummary,
    Statistics,
    WebhookState,
    ImageError,
    Usage,
    Image,
    BatchStatusResponse,
    BatchListResponse,
    RetryFailedResponse,
    CancelResponse,
    RedeliverResponse,
    UploadRequest,
    UploadResponse,
    LaneCost,
    UsageDay,
    UsageResponse,
  };
  for (const [id, schema] of Object.entries(all)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: "output",
    uri: (id) => `${SCHEMA_REF}${id}`,
  });
  const out = clean(toJson(schemas), { openResponses: true });
  if (!isObject(out)) throw new Error("openapi: response schemas missing");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Examples (shapes as api/serialize.ts produces them)
// ---------------------------------------------------------------------------------------------

const BATCH_ID = "b_mx2qzdnj6cdb2e785921bf93";
const PARTNER_ID = "p_e0bbae70a8f7a761";

const summaryExample: JsonObject = {
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
};

const statusExample: JsonObject = {
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
  images: [
    {
      index: 0,
      url: "https://photos.example.com/listing-123/living.jpg",
      propertyCode: "LST-123",
      status: "completed",
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
      outputUrl: null,
      outputUrlExpiresAt: null,
      error: null,
      attempts: 1,
      queuedAt: "2025-06-02T10:00:01.000Z",
      startedAt: "2025-06-02T10:00:17.000Z",
      completedAt: null,
      processingTimeMs: null,
    },
    {
      index: 2,
      url: "https://photos.example.com/listing-124/living.jpg",
      propertyCode: "LST-124",
      status: "queued",
      waitingFor: "quota",
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
    },
  ],
  nextPageToken: null,
};

/** The same batch once finished, listed with ?imageStatus=failed. */
const finishedStatusExample: JsonObject = {
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
  ],
  nextPageToken: null,
};

const errorExample = (code: string, error: string, details?: JsonObject): JsonObject => ({
  success: false,
  error,
  code,
  ...(details ? { details } : {}),
});

interface ErrorCase {
  /** Example key; defaults to the code. */
  name?: string;
  code: string;
  message: string;
  details?: JsonObject;
  summary: string;
}

/** A response whose examples are error bodies. */
function errorResponse(description: string, schema: string, cases: ErrorCase[]): JsonObject {
  const examples: JsonObject = {};
  for (const c of cases) {
    examples[c.name ?? c.code] = {
      summary: c.summary,
      value: errorExample(c.code, c.message, c.details),
    };
  }
  return { description, content: { "application/json": { schema: ref(schema), examples } } };
}

const NOT_FOUND_BATCH: ErrorCase = {
  code: "not_found",
  message: "Batch not found",
  summary: "No such batch, or it belongs to another partner",
};

function sharedResponses(): JsonObject {
  return {
    Unauthenticated: errorResponse(
      "Missing, malformed, unknown or revoked API key.",
      "ErrorResponse",
      [
        {
          code: "unauthenticated",
          message: "The API key is not valid or has been revoked",
          summary: "Bad API key",
        },
      ],
    ),
    BatchNotFound: errorResponse(
      "No such batch for this partner (another partner's batch is a 404 too).",
      "ErrorResponse",
      [NOT_FOUND_BATCH],
    ),
    InvalidQuery: errorResponse("Invalid query parameters.", "ValidationErrorResponse", [
      {
        code: "invalid_request",
        message: "Invalid query parameters",
        details: {
          fields: [
            {
              field: "pageSize",
              code: "invalid_value",
              message: "Too big: expected number to be <=1000",
            },
          ],
        },
        summary: "pageSize out of range",
      },
    ]),
    InternalError: errorResponse(
      "Unexpected error; it has been logged. Retry later.",
      "ErrorResponse",
      [
        {
          code: "internal",
          message: "Internal error; it has been logged. Retry later or contact support.",
          summary: "Internal error",
        },
      ],
    ),
  };
}

const useResponse = (name: string): JsonObject => ({ $ref: `${RESPONSE_REF}${name}` });

function jsonResponse(description: string, schema: string, example: Json): JsonObject {
  return { description, content: { "application/json": { schema: ref(schema), example } } };
}

const batchIdParam: JsonObject = {
  name: "batchId",
  in: "path",
  required: true,
  description: "The batchId returned by create.",
  schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,128}$" },
};

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

function paths(): JsonObject {
  const authErrors = {
    "401": useResponse("Unauthenticated"),
    "500": useResponse("InternalError"),
  };
  const batchErrors = { ...authErrors, "404": useResponse("BatchNotFound") };

  return {
    "/health": {
      get: {
        operationId: "health",
        summary: "Liveness check (no API key needed)",
        security: [],
        tags: ["service"],
        responses: {
          "200": jsonResponse("The API is up.", "Health", {
            success: true,
            status: "ok",
            time: "2025-06-02T10:00:00.000Z",
          }),
        },
      },
    },
    "/batch/options": {
      get: {
        operationId: "getOptions",
        summary: "Design styles, room types and priorities accepted by create",
        tags: ["batches"],
        responses: {
          "200": jsonResponse("The catalogue.", "Options", {
            success: true,
            designStyles: [
              {
                id: "modern",
                label: "Modern",
                description:
                  "clean lines, neutral palette with black accents, low-profile furniture, " +
                  "uncluttered surfaces",
              },
            ],
            roomTypes: [
              {
                id: "living_room",
                label: "Living room",
                description: "sofa, armchairs, coffee table, rug, side tables, lamps and wall art",
              },
            ],
            priorities: ["normal", "high"],
          }),
          ...authErrors,
        },
      },
    },
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
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description:
              "1 to 255 printable ASCII characters, scoped to your partner account. The same key " +
              "with the same body returns the original batchId (replayed: true); with a " +
              "different body it is a 409 idempotency_conflict.",
            schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: ref("CreateBatchRequest"),
              example: {
                images: [
                  {
                    url: "https://photos.example.com/listing-123/living.jpg",
                    propertyCode: "LST-123",
                  },
                  {
                    url: "https://photos.example.com/listing-124/living.jpg",
                    propertyCode: "LST-124",
                  },
                ],
                designStyle: "scandinavian",
                roomType: "living_room",
                clientName: "Acme Realty - Spring listings",
                priority: "normal",
                callbackUrl: "https://crm.example.com/webhooks/staging",
              },
            },
          },
        },
        responses: {
          "202": {
            description: "Accepted (also for a replayed Idempotency-Key).",
            content: {
              "application/json": {
                schema: ref("CreateBatchResponse"),
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
                schema: ref("ValidationErrorResponse"),
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
          "409": errorResponse("Idempotency-Key reused with a different body.", "ErrorResponse", [
            {
              code: "idempotency_conflict",
              message: "This Idempotency-Key was used with a different request body",
              details: { batchId: BATCH_ID },
              summary: "Same key, different body",
            },
          ]),
          "413": errorResponse("Body larger than 8 MiB.", "ErrorResponse", [
            {
              code: "payload_too_large",
              message: `The request body may be at most ${MAX_BODY_BYTES} bytes`,
              details: { limitBytes: MAX_BODY_BYTES },
              summary: "Too large",
            },
          ]),
          "415": errorResponse("Body not sent as application/json.", "ErrorResponse", [
            {
              code: "unsupported_media_type",
              message: "Send the request as Content-Type: application/json",
              summary: "Wrong Content-Type",
            },
          ]),
          "429": {
            description: "A partner quota refuses the batch; nothing was written.",
            content: {
              "application/json": {
                schema: ref("QuotaErrorResponse"),
                examples: {
                  maxImagesPerDay: {
                    summary: "Daily image quota",
                    value: errorExample(
                      "quota_exceeded",
                      "At most 50000 images per day (49800 used today, UTC)",
                      {
                        quota: "maxImagesPerDay",
                        limit: 50000,
                        freesAt: "2025-06-03T00:00:00.000Z",
                        usedToday: 49800,
                      },
                    ),
                  },
                  maxOpenBatches: {
                    summary: "Too many unfinished batches",
                    value: errorExample(
                      "quota_exceeded",
                      "At most 20 unfinished batches at a time",
                      {
                        quota: "maxOpenBatches",
                        limit: 20,
                        freesAt: "when one of your batches finishes",
                      },
                    ),
                  },
                },
              },
            },
          },
          ...authErrors,
        },
      },
    },
    "/batch": {
      get: {
        operationId: "listBatches",
        summary: "List your batches, newest first",
        tags: ["batches"],
        parameters: queryParameters(listQuerySchema, {
          pageSize: "Batches per page (1 to 100, default 20).",
          pageToken: "nextPageToken of the previous page.",
          status: "Only batches in this status.",
        }),
        responses: {
          "200": jsonResponse("One page of batches.", "BatchListResponse", {
            success: true,
            batches: [summaryExample],
            nextPageToken: null,
          }),
          "400": useResponse("InvalidQuery"),
          ...authErrors,
        },
      },
    },
    "/batch/{batchId}/status": {
      get: {
        operationId: "getBatchStatus",
        summary: "Batch status, statistics and one page of images",
        tags: ["batches"],
        parameters: [
          batchIdParam,
          ...queryParameters(statusQuerySchema, {
            pageSize: "Images per page (1 to 1000, default 100).",
            pageToken: "nextPageToken of the previous page.",
            imageStatus: "Only images in this status (e.g. failed).",
          }),
        ],
        responses: {
          "200": {
            description: "The batch and one page of its images.",
            content: {
              "application/json": {
                schema: ref("BatchStatusResponse"),
                examples: {
                  processing: { summary: "While processing", value: statusExample },
                  finished: {
                    summary: "Finished, with ?imageStatus=failed",
                    value: finishedStatusExample,
                  },
                },
              },
            },
          },
          "400": useResponse("InvalidQuery"),
          ...batchErrors,
        },
      },
    },
    "/batch/{batchId}/retry-failed": {
      post: {
        operationId: "retryFailed",
        summary: "Queue every failed image of the batch again",
        description:
          "Failed images go back to queued with a fresh attempt budget; the batch reopens " +
          "(status processing, completedAt null) and finishes again, with a new webhook.",
        tags: ["batches"],
        parameters: [batchIdParam],
        responses: {
          "200": jsonResponse(
            "Failed images queued again (possibly none).",
            "RetryFailedResponse",
            {
              success: true,
              batchId: BATCH_ID,
              retriedCount: 2,
              message: "2 failed image(s) queued again",
            },
          ),
          "409": errorResponse("The batch was cancelled.", "ErrorResponse", [
            {
              code: "batch_cancelled",
              message: "A cancelled batch cannot be retried",
              summary: "Cancelled batch",
            },
          ]),
          "429": {
            description:
              "Retried images count against the daily image quota like a create; nothing was " +
              "requeued.",
            content: {
              "application/json": {
                schema: ref("QuotaErrorResponse"),
                examples: {
                  maxImagesPerDay: {
                    summary: "Daily image quota",
                    value: errorExample(
                      "quota_exceeded",
                      "At most 50000 images per day (49999 used today, UTC)",
                      {
                        quota: "maxImagesPerDay",
                        limit: 50000,
                        freesAt: "2025-06-03T00:00:00.000Z",
                        usedToday: 49999,
                      },
                    ),
                  },
                },
              },
            },
          },
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
        parameters: [batchIdParam],
        responses: {
          "200": jsonResponse("Queued images cancelled.", "CancelResponse", {
            success: true,
            batchId: BATCH_ID,
            cancelledCount: 1,
            message: "1 queued image(s) cancelled; images already running will finish",
          }),
          "409": errorResponse("The batch had already finished.", "ErrorResponse", [
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
        parameters: [
          batchIdParam,
          {
            name: "index",
            in: "path",
            required: true,
            description: "The image's index in the batch (0-based).",
            schema: { type: "integer", minimum: 0 },
          },
          {
            name: "expires",
            in: "query",
            required: false,
            description: "Signed links only: expiry, Unix seconds.",
            schema: { type: "integer" },
          },
          {
            name: "signature",
            in: "query",
            required: false,
            description: "Signed links only: the link's signature (64 hex digits).",
            schema: { type: "string", pattern: "^[0-9a-f]{64}$" },
          },
        ],
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
              "image/jpeg": { schema: { type: "string", contentMediaType: "image/jpeg" } },
              "image/webp": { schema: { type: "string", contentMediaType: "image/webp" } },
              "image/png": { schema: { type: "string", contentMediaType: "image/png" } },
            },
          },
          "403": errorResponse("A signed link that was altered or has expired.", "ErrorResponse", [
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
            "ErrorResponse",
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
          content: {
            "application/json": {
              schema: ref("UploadRequest"),
              example: { contentType: "image/jpeg", fileName: "living-room.jpg" },
            },
          },
        },
        responses: {
          "201": jsonResponse("The signed upload URL.", "UploadResponse", {
            success: true,
            uploadUrl:
              `https://storage.googleapis.com/your-project.firebasestorage.app/uploads/${PARTNER_ID}/` +
              "2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256&...",
            method: "PUT",
            headers: {
              "Content-Type": "image/jpeg",
              "x-goog-content-length-range": "1,26214400",
            },
            maxBytes: 26214400,
            expiresAt: "2025-06-02T10:15:00.000Z",
            sourceUrl:
              `gs://your-project.firebasestorage.app/uploads/${PARTNER_ID}/` +
              "2025-06-02/9f1c0e7a2b3d4c5e6f708192-living-room.jpg",
          }),
          "400": errorResponse("Invalid upload request.", "ValidationErrorResponse", [
            {
              code: "invalid_request",
              message: "Invalid upload request",
              details: {
                fields: [
                  { field: "contentType", code: "invalid_value", message: "Invalid option" },
                ],
              },
              summary: "Not a JPEG, PNG or WebP content type",
            },
          ]),
          "501": errorResponse(
            "This deployment keeps no Cloud Storage (the Emulator Suite): send https:// URLs.",
            "ErrorResponse",
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
        parameters: queryParameters(usageQuerySchema, {
          from: "First UTC day, YYYY-MM-DD.",
          to: `Last UTC day, YYYY-MM-DD (inclusive; at most ${MAX_USAGE_RANGE_DAYS} days after from).`,
        }),
        responses: {
          "200": jsonResponse("The usage report.", "UsageResponse", {
            success: true,
            partnerId: PARTNER_ID,
            from: "2025-06-02",
            to: "2025-06-02",
            days: [
              {
                date: "2025-06-02",
                submitted: 3,
                completed: 3,
                failed: 0,
                cached: 1,
                costUsd: 0.203468,
                byModel: {
                  "gemini-3.1-flash-image": { standard: { images: 2, costUsd: 0.203468 } },
                },
              },
            ],
            total: {
              submitted: 3,
              completed: 3,
              failed: 0,
              cached: 1,
              costUsd: 0.203468,
              byModel: {
                "gemini-3.1-flash-image": { standard: { images: 2, costUsd: 0.203468 } },
              },
            },
          }),
          "400": errorResponse(
            "Missing or invalid dates, or too long a range.",
            "ValidationErrorResponse",
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
    "/batch/{batchId}/webhook/redeliver": {
      post: {
        operationId: "redeliverWebhook",
        summary: "Send the completion webhook of a finished batch again",
        description:
          "Queues a new delivery of the batch.completed webhook (same retry policy: 5 attempts " +
          "with backoff); the status response's webhook field follows it.",
        tags: ["webhooks"],
        parameters: [batchIdParam],
        responses: {
          "202": jsonResponse("Delivery queued.", "RedeliverResponse", {
            success: true,
            batchId: BATCH_ID,
            message: "Webhook delivery queued",
          }),
          "409": {
            description: "The batch has no callbackUrl, or it has not finished yet.",
            content: {
              "application/json": {
                schema: ref("ErrorResponse"),
                examples: {
                  no_callback_url: {
                    summary: "No callbackUrl",
                    value: errorExample("no_callback_url", "The batch has no callbackUrl"),
                  },
                  batch_not_finished: {
                    summary: "Not finished",
                    value: errorExample(
                      "batch_not_finished",
                      "The webhook is sent when the batch finishes",
                    ),
                  },
                },
              },
            },
          },
          ...batchErrors,
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

/** Recursively sorts object keys, so the file is byte-stable whatever the build order. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}

export function buildOpenApi(): object {
  const doc: JsonObject = {
    openapi: "3.1.0",
    info: {
      title: "Virtual Staging Batch API",
      version: "1.0.0",
      description:
        "Batch virtual staging for real-estate partners. Reference with formulas, error codes, " +
        "limits and webhooks: documentation/Public/BATCH_PROCESSING_API.md. This file is " +
        "generated by functions/tools/openapi.ts; do not edit it by hand.",
    },
    servers: [
      {
        url: "https://{host}/api",
        description: "Production (Firebase Hosting)",
        variables: { host: { default: "your-production-project-id.web.app" } },
      },
      { url: "http://127.0.0.1:5000/api", description: "Local Emulator Suite" },
    ],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "service", description: "Service health." },
      { name: "batches", description: "Create, follow, retry and cancel batches." },
      { name: "webhooks", description: "Completion webhooks." },
      { name: "usage", description: "What you used and what it cost, per day." },
    ],
    paths: paths(),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "vsk_<43 characters>",
          description: "Your API key: Authorization: Bearer vsk_...",
        },
      },
      schemas: { ...requestSchemas(), ...responseSchemas() },
      responses: sharedResponses(),
    },
  };
  return sortKeys(doc) as JsonObject;
}

/** The file's exact text: 2-space JSON, sorted keys, trailing newline. */
export function renderOpenApi(doc: object = buildOpenApi()): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The repository root: the nearest ancestor holding firebase.json (works from src and lib). */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "firebase.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`openapi: no firebase.json above ${start}`);
    dir = parent;
  }
}

export function openApiPath(): string {
  return join(repoRoot(), "documentation", "Public", "openapi.json");
}

function main(argv: string[]): number {
  const file = openApiPath();
  const text = renderOpenApi();
  if (argv.includes("--write")) {
    writeFileSync(file, text);
    console.log(`openapi: wrote ${file}`);
    return 0;
  }
  if (argv.includes("--check")) {
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current === text) {
      console.log(`openapi: ${file} is up to date`);
      return 0;
    }
    console.error(
      `openapi: ${file} is stale; regenerate it with\n` +
        "  npm --prefix functions run build && node functions/lib/tools/openapi.js --write",
    );
    return 1;
  }
  process.stdout.write(text);
  return 0;
}

const invokedAs = process.argv[1] ? resolve(process.argv[1]) : "";
if (invokedAs === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
