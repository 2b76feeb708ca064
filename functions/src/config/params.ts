/**
 * Everything an operator tunes, as Cloud Functions params with safe production defaults.
 * The Emulator Suite takes its values from functions/.env.demo-virtual-staging; a deploy asks
 * for (or reads from .env.<project>) any param without a default. See the runbook.
 */
import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";

// Image task queue (the model's rate limit lives here, not in code). Defaults are the original
// plan's queue: 1 dispatch/s, 10 concurrent, 3 attempts, backoff 10 s..300 s, 3 doublings.
export const queueMaxDispatchesPerSecond = defineInt("QUEUE_MAX_DISPATCHES_PER_SECOND", {
  default: 1,
  description:
    "Image tasks dispatched per second: set it from the model's requests-per-minute quota / 60",
});
export const queueMaxConcurrentDispatches = defineInt("QUEUE_MAX_CONCURRENT_DISPATCHES", {
  default: 10,
  description: "Image tasks running at once",
});
export const queueMaxAttempts = defineInt("QUEUE_MAX_ATTEMPTS", {
  default: 30,
  description:
    "Deliveries of one image task by the queue (covers 429/503 during scale-up and busy retries); an image's own budget is IMAGE_MAX_ATTEMPTS",
});
export const queueMinBackoffSeconds = defineInt("QUEUE_MIN_BACKOFF_SECONDS", { default: 10 });
export const queueMaxBackoffSeconds = defineInt("QUEUE_MAX_BACKOFF_SECONDS", { default: 300 });
export const queueMaxDoublings = defineInt("QUEUE_MAX_DOUBLINGS", { default: 3 });
export const stageTimeoutSeconds = defineInt("STAGE_TIMEOUT_SECONDS", {
  default: 300,
  description: "Timeout of one image task (fetch + model + store)",
});

// Engines.
export const defaultEngine = defineString("STAGING_ENGINE", {
  default: "gemini",
  description:
    "Engine for partners without their own setting: gemini (production) or preview (offline)",
});
export const previewLatencyMs = defineInt("PREVIEW_LATENCY_MS", {
  default: 0,
  description: "Simulated model latency of the preview engine (benchmarks)",
});
export const geminiModel = defineString("GEMINI_MODEL", {
  default: "gemini-3.1-flash-image",
  description:
    "Default Gemini image model (engines/modelRegistry.ts lists the known ids; others are refused)",
});
export const geminiBaseUrl = defineString("GEMINI_BASE_URL", {
  default: "",
  description:
    "Override of the Gemini API base URL (tests point it at a local fake); empty = Google's",
});
export const geminiTimeoutMs = defineInt("GEMINI_TIMEOUT_MS", { default: 120000 });
export const geminiApiKey = defineSecret("GEMINI_API_KEY");

// Sources.
export const sourceMaxBytes = defineInt("SOURCE_MAX_BYTES", { default: 25 * 1024 * 1024 });
export const sourceTimeoutMs = defineInt("SOURCE_TIMEOUT_MS", { default: 20000 });
export const sourceMaxRedirects = defineInt("SOURCE_MAX_REDIRECTS", { default: 3 });
export const allowPrivateSourceHosts = defineBoolean("ALLOW_PRIVATE_SOURCE_HOSTS", {
  default: false,
  description: "Emulator only: allow loopback/private source and callback hosts",
});
export const allowHttpUrls = defineBoolean("ALLOW_HTTP_URLS", {
  default: false,
  description: "Emulator only: allow http:// source and callback URLs (https only otherwise)",
});

// Outputs.
export const outputStore = defineString("OUTPUT_STORE", {
  default: "gcs",
  description: "gcs (Cloud Storage) or local (a directory served by the API; emulator only)",
});
export const outputLocalDir = defineString("OUTPUT_LOCAL_DIR", { default: ".runtime/outputs" });
export const outputFormat = defineString("OUTPUT_FORMAT", { default: "jpeg" });
export const outputQuality = defineInt("OUTPUT_QUALITY", { default: 88 });
export const outputMaxDimension = defineInt("OUTPUT_MAX_DIMENSION", { default: 4096 });

// Partner quotas (defaults for partners without their own values).
export const defaultMaxImagesPerBatch = defineInt("DEFAULT_MAX_IMAGES_PER_BATCH", {
  default: 10000,
});
export const defaultMaxOpenBatches = defineInt("DEFAULT_MAX_OPEN_BATCHES", { default: 20 });
export const defaultMaxImagesPerDay = defineInt("DEFAULT_MAX_IMAGES_PER_DAY", { default: 50000 });

// Public address of the API (outputs are served under it). Empty = derived from the request.
export const publicApiBaseUrl = defineString("PUBLIC_API_BASE_URL", { default: "" });

// Completion webhooks.
export const webhookMaxAttempts = defineInt("WEBHOOK_MAX_ATTEMPTS", { default: 5 });
export const webhookMinBackoffSeconds = defineInt("WEBHOOK_MIN_BACKOFF_SECONDS", { default: 30 });
export const webhookMaxBackoffSeconds = defineInt("WEBHOOK_MAX_BACKOFF_SECONDS", { default: 3600 });
export const webhookTimeoutMs = defineInt("WEBHOOK_TIMEOUT_MS", { default: 10000 });

// API keys are cached this long per instance: a revocation takes effect within it.
export const apiKeyCacheSeconds = defineInt("API_KEY_CACHE_SECONDS", { default: 30 });

// Reconciler: an image `processing` longer than the task timeout plus this margin lost its worker.
export const reconcileMarginSeconds = defineInt("RECONCILE_MARGIN_SECONDS", { default: 300 });
/** A batch with no counter change for this long is checked for lost tasks and counter drift. */
export const reconcileStaleBatchSeconds = defineInt("RECONCILE_STALE_BATCH_SECONDS", {
  default: 1800,
});

// Gemini engine: output size, input preparation, and how long images wait for the model.
export const outputImageSize = defineString("OUTPUT_IMAGE_SIZE", {
  default: "2K",
  description: "imageConfig.imageSize asked of the model: 1K, 2K or 4K (price rises with size)",
});
export const outputUpscale = defineBoolean("OUTPUT_UPSCALE", {
  default: false,
  description:
    "Scale outputs up to the source's size (within OUTPUT_MAX_DIMENSION); false keeps the model's pixels",
});
export const inputMaxDimension = defineInt("INPUT_MAX_DIMENSION", {
  default: 2048,
  description: "Longest side of the photo sent to the model (auto-oriented, metadata stripped)",
});
export const quotaMaxWaitMinutes = defineInt("QUOTA_MAX_WAIT_MINUTES", {
  default: 360,
  description:
    "An image waiting this long for model quota or an outage fails (model_quota_exhausted / model_unavailable)",
});
export const operatorPauseMaxMinutes = defineInt("OPERATOR_PAUSE_MAX_MINUTES", {
  default: 60,
  description: "A key/billing/daily-quota problem pauses all images this long before they fail",
});
export const outageCircuitSeconds = defineInt("OUTAGE_CIRCUIT_SECONDS", {
  default: 60,
  description: "After a 500/503/timeout, images wait this long before the model is tried again",
});
export const operatorRecheckSeconds = defineInt("OPERATOR_RECHECK_SECONDS", {
  default: 300,
  description: "While paused for an operator problem, the model is re-probed this often",
});

// ---------------------------------------------------------------------------------------------
// Security and operations (issue 12). Every param has a production default, so `firebase
// deploy` needs no hand-written env file (scripts/setup-project.mjs writes one anyway).

export const apiKeyCacheMaxEntries = defineInt("API_KEY_CACHE_MAX_ENTRIES", {
  default: 10000,
  description: "API-key lookups remembered per instance (least recently used dropped first)",
});
export const apiKeyNegativeCacheSeconds = defineInt("API_KEY_NEGATIVE_CACHE_SECONDS", {
  default: 5,
  description: "How long an unknown or revoked key is remembered as invalid (0 = not cached)",
});

export const outputUrlTtlSeconds = defineInt("OUTPUT_URL_TTL_SECONDS", {
  default: 604800,
  description:
    "Life of the output download links the status returns (V4 signed URLs; 60 s to 7 days)",
});

export const queueMaxRetrySeconds = defineInt("QUEUE_MAX_RETRY_SECONDS", {
  default: 86400,
  description:
    "Task age limit of the image queue: a task is not retried once this long has passed since its first attempt",
});

// Batch state at production scale (issue 10): the image's attempt budget apart from the queue's
// deliveries, the image worker's instance sizing, and the reconciler's bounded work per run.
export const imageMaxAttempts = defineInt("IMAGE_MAX_ATTEMPTS", {
  default: 3,
  description:
    "Staging attempts per image (first try included) before it is marked failed; enforced by the worker",
});
export const stageMaxInstances = defineInt("STAGE_MAX_INSTANCES", {
  default: 10,
  description: "Most stageImage instances at once",
});
export const stageConcurrency = defineInt("STAGE_CONCURRENCY", {
  default: 16,
  description:
    "Image tasks one stageImage instance runs at once (sized from memory per in-flight image)",
});
export const reconcileBatchesPerRun = defineInt("RECONCILE_BATCHES_PER_RUN", {
  default: 200,
  description: "Open batches the reconciler checks per run; the next run resumes after the last",
});
export const reconcileImagesPerBatch = defineInt("RECONCILE_IMAGES_PER_BATCH", {
  default: 200,
  description: "Images the reconciler repairs or re-enqueues per batch per run",
});

// Economy lane (Gemini Batch API; worker/economySubmit.ts, worker/economyPoll.ts).
export const economyFallbackToStandard = defineBoolean("ECONOMY_FALLBACK_TO_STANDARD", {
  default: true,
  description:
    "A model job that fails, expires or is cancelled sends its images to the standard lane (false: they fail with model_batch_failed/model_batch_expired)",
});
export const economyPollSeconds = defineInt("ECONOMY_POLL_SECONDS", {
  default: 60,
  description: "How often a model job's state is read (one task per job per poll)",
});
export const economyMaxImagesPerJob = defineInt("ECONOMY_MAX_IMAGES_PER_JOB", {
  default: 20,
  description:
    "Most images per Gemini batch job (inlined up to ECONOMY_INLINE_MAX_BYTES, else sent as a JSONL file)",
});
// Result cache (issue 14): an identical request (same prepared photo, style, room, model, size,
// prompt version, declutter, label) reuses the stored output instead of calling the model.
export const resultCacheScope = defineString("RESULT_CACHE_SCOPE", {
  default: "partner",
  description:
    "Who shares cached results: partner (each partner its own) or project (every partner; for the operator's own use)",
});
export const resultCacheTtlDays = defineInt("RESULT_CACHE_TTL_DAYS", {
  default: 30,
  description:
    "Days a cached result is reused (Firestore TTL policy on resultCache.expiresAt); 0 turns the cache off",
});
// Fair share (issue 11): each open batch keeps a bounded window of image tasks in the queue, and
// windows are split among partners (by partner weight) then among a partner's batches (by
// priority). The total window is W = max(DISPATCH_WINDOW_MIN or 2 x concurrency,
// ceil(rate x DISPATCH_WINDOW_SECONDS)): enough to keep the queue busy, small enough that a new
// batch's tasks wait behind at most W others.
export const priorityHighWeight = defineInt("PRIORITY_HIGH_WEIGHT", {
  default: 3,
  description: 'How much a batch with priority "high" weighs against a "normal" one',
});
export const dispatchWindowSeconds = defineInt("DISPATCH_WINDOW_SECONDS", {
  default: 10,
  description:
    "Seconds of the image queue's rate kept enqueued across all open batches (total window)",
});
export const dispatchWindowMin = defineInt("DISPATCH_WINDOW_MIN", {
  default: 0,
  description: "Smallest total window (0 = twice QUEUE_MAX_CONCURRENT_DISPATCHES)",
});
export const schedulerIntervalSeconds = defineInt("SCHEDULER_INTERVAL_SECONDS", {
  default: 2,
  description: "How often the fair-share scheduler rebalances windows while a batch is open",
});
// Status counter shards per batch (issue 10; domain/counterShards.ts): each shard takes two
// writes per image of its own, so the hottest shard sees 2R/S writes/s at a queue rate R.
export const counterShards = defineInt("COUNTER_SHARDS", {
  default: 50,
  description:
    "Status counter shards per new batch (a status call reads each; 2 x rate / shards writes/s per shard): 50 holds R = 20/s under 1 write/s per document, use ceil(2.5 x R) above",
});
// Economy lane, JSONL route (engines/geminiBatchFiles.ts).
export const economyInlineMaxBytes = defineInt("ECONOMY_INLINE_MAX_BYTES", {
  default: 20 * 1024 * 1024,
  description:
    "A model job whose requests (base64 photos and prompts) exceed this many bytes is sent as a JSONL file through the Files API instead of inlined (capped at the Batch API's 20 MB inline limit)",
});
