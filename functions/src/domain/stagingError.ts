/**
 * An error raised while staging one image. `retryable` decides whether the task queue tries the
 * image again (with backoff) or the image is marked failed at once. `code` is stable: partners
 * see it in the status response and may branch on it.
 */
export class StagingError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** Seconds the caller asked us to wait before trying again (e.g. a 429's RetryInfo). */
  readonly retryAfterSeconds?: number;
  /** True for quota exhaustion: the image waits for quota without spending an attempt. */
  readonly quota: boolean;
  /**
   * The model cannot serve anyone right now: the image waits (without spending an attempt)
   * behind a shared circuit. "quota": rate quota; "outage": 5xx/timeouts; "operator": a
   * problem only a person can fix (key, billing, daily quota, model id).
   */
  readonly wait?: "quota" | "outage" | "operator";
  /** A lower attempt limit for this error than the queue's (e.g. 2: retried once). */
  readonly maxAttempts?: number;
  /**
   * What the failed call was billed (USD) when the model answered and counted tokens anyway (a
   * refused 200 response carries usageMetadata); logged so the spend metric and the daily-budget
   * alert see it. Set by the engine after construction.
   */
  billedUsd?: number;

  constructor(
    code: string,
    message: string,
    options: {
      retryable: boolean;
      retryAfterSeconds?: number;
      quota?: boolean;
      wait?: "quota" | "outage" | "operator";
      maxAttempts?: number;
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StagingError";
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.quota = options.quota ?? false;
    this.wait = options.wait ?? (this.quota ? "quota" : undefined);
    this.maxAttempts = options.maxAttempts;
  }
}

export const isStagingError = (e: unknown): e is StagingError => e instanceof StagingError;
