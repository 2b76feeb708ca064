/**
 * Every structured log event the functions write, with its fields: the one list the code, the
 * log-based metrics in monitoring/ and their test (test/unit/monitoring.test.ts) share. A new
 * event or field is added here first; logEvent (util/log.ts) accepts nothing else. Never put
 * keys, secrets or image bytes in a field.
 */

/** Where an image event happened. */
interface ImageContext {
  batchId: string;
  partnerId?: string;
  imageIndex: number;
}
interface BatchContext {
  batchId: string;
  partnerId?: string;
}
interface Failure {
  error: string;
}
/** An economy model job (Gemini Batch API) of a batch. */
interface JobContext {
  batchId: string;
  jobId?: string;
  modelJob: string;
  tick?: number;
}
interface BatchFinished extends BatchContext {
  from: string;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  durationMs?: number;
}
interface WebhookAttempt extends BatchContext {
  attempt: number;
  durationMs: number;
  statusCode?: number | null;
}

export interface LogEventFields {
  "image.started": ImageContext & { attempt: number };
  "image.completed": ImageContext & {
    attempt: number;
    durationMs: number;
    engineMs?: number;
    costUsd: number;
    model: string;
    cached?: boolean;
    firestoreReads?: number;
    firestoreWrites?: number;
  };
  "image.failed": ImageContext & {
    attempt: number;
    errorCode: string;
    retryable: boolean;
    durationMs?: number;
    costUsd?: number;
    waitedMs?: number;
    circuit?: string;
  };
  "image.retry_scheduled": ImageContext & {
    attempt: number;
    durationMs: number;
    errorCode: string;
    costUsd?: number;
  };
  "image.quota_deferred": ImageContext & {
    delayMs: number;
    circuit: string;
    attempt?: number;
    errorCode?: string;
    source?: string;
  };
  "image.duplicate_ignored": ImageContext & {
    reason: string;
    attempt?: number;
    cached?: boolean;
    durationMs?: number;
    costUsd?: number;
    model?: string;
  };
  "image.duplicate_busy": ImageContext & { attempt: number };
  "image.output_recovered": ImageContext & { attempt: number; recorded: boolean; source?: string };
  "image.commit_failed": ImageContext & Failure;
  "model.operator_action_required": ImageContext & {
    errorCode: string;
    message: string;
    pausedSinceMs: number;
    failsAfterMinutes: number;
  };
  "batch.created": BatchContext & { total: number; chunks: number; engine: string };
  "batch.enqueue_failed": BatchContext & Failure & { chunks: number };
  "batch.completed": BatchFinished;
  "batch.failed": BatchFinished;
  "batch.cancelled": BatchFinished;
  "batch.settle_failed": ImageContext & Failure;
  "batch.start_mark_failed": ImageContext & Failure;
  "batch.expand_missing": BatchContext & { chunk: number };
  "batch.chunk_expanded": BatchContext & {
    chunk: number;
    images: number;
    enqueued: number;
    cancelled: boolean;
    durationMs: number;
  };
  "batch.retry_failed": BatchContext & { images: number; lane: string };
  "batch.cancel_requested": BatchContext & { images: number };
  "dispatch.batch_opened": BatchContext & { window: number; dispatched: number };
  "dispatch.early_open_failed": BatchContext & Failure;
  "dispatch.top_up_failed": BatchContext & Failure & { imageIndex?: number };
  "dispatch.tick": {
    openBatches: number;
    dispatched: number;
    errors: number;
    windows?: string;
    durationMs: number;
  };
  "webhook.delivered": WebhookAttempt;
  "webhook.failed": WebhookAttempt & { errorCode: string; final: boolean };
  "webhook.redeliver_requested": BatchContext;
  "upload.url_issued": { partnerId: string; path: string };
  "reconciler.run": Record<string, number | string | null>;
  "reconciler.repaired": BatchContext & { repair: string } & Record<string, number | string>;
  "reconciler.batch_failed": BatchContext & Failure;
  "economy.job_created": BatchContext & { jobId: string; modelJob: string; images: number };
  "economy.job_adopted": BatchContext & { jobId: string; modelJob: string };
  "economy.job_cancelled": JobContext;
  "economy.job_settled": JobContext & { state: string };
  "economy.fallback_to_standard": JobContext & { images: number; reason: string };
  "cache.output_missing": ImageContext & { outputPath: string };
  "cache.wait_expired": ImageContext;
  "cache.fill_failed": ImageContext & Failure;
  "cache.release_failed": ImageContext & Failure;
  /** An API request that failed with an unexpected error (answered 500 internal_error). */
  "api.internal_error": Failure & { method: string; path: string; stack?: string };
}

export type LogEventName = keyof LogEventFields;

/** The events that report one batch's step failing with nothing but the batch and the error. */
export type BatchFailureEvent = {
  [E in LogEventName]: BatchContext & Failure extends LogEventFields[E] ? E : never;
}[LogEventName];

/** Every event name, at run time (the monitoring test checks each metric's filter against it). */
export const LOG_EVENT_NAMES = Object.keys({
  "image.started": 1,
  "image.completed": 1,
  "image.failed": 1,
  "image.retry_scheduled": 1,
  "image.quota_deferred": 1,
  "image.duplicate_ignored": 1,
  "image.duplicate_busy": 1,
  "image.output_recovered": 1,
  "image.commit_failed": 1,
  "model.operator_action_required": 1,
  "batch.created": 1,
  "batch.enqueue_failed": 1,
  "batch.completed": 1,
  "batch.failed": 1,
  "batch.cancelled": 1,
  "batch.settle_failed": 1,
  "batch.start_mark_failed": 1,
  "batch.expand_missing": 1,
  "batch.chunk_expanded": 1,
  "batch.retry_failed": 1,
  "batch.cancel_requested": 1,
  "dispatch.batch_opened": 1,
  "dispatch.early_open_failed": 1,
  "dispatch.top_up_failed": 1,
  "dispatch.tick": 1,
  "webhook.delivered": 1,
  "webhook.failed": 1,
  "webhook.redeliver_requested": 1,
  "upload.url_issued": 1,
  "reconciler.run": 1,
  "reconciler.repaired": 1,
  "reconciler.batch_failed": 1,
  "economy.job_created": 1,
  "economy.job_adopted": 1,
  "economy.job_cancelled": 1,
  "economy.job_settled": 1,
  "economy.fallback_to_standard": 1,
  "cache.output_missing": 1,
  "cache.wait_expired": 1,
  "cache.fill_failed": 1,
  "cache.release_failed": 1,
  "api.internal_error": 1,
} satisfies Record<LogEventName, 1>) as LogEventName[];

/** Fields log-based metrics may extract (present on the events they count). */
export const METRIC_FIELDS = [
  "event",
  "batchId",
  "partnerId",
  "imageIndex",
  "durationMs",
  "engineMs",
  "attempt",
  "errorCode",
  "costUsd",
] as const;
