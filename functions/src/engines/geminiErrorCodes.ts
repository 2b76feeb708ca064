/**
 * The Gemini engine's error codes (a stable catalogue partners may branch on) and the error
 * type that carries the provider's details for logs. Mapping failures to them is in
 * geminiErrors.ts.
 */
import { StagingError } from "../domain/stagingError.js";

export interface GeminiErrorCodeInfo {
  /** Whether the task queue should try the image again. */
  retryable: boolean;
  /** Quota exhaustion: the image waits for quota without spending an attempt. */
  quota?: boolean;
  /** Which shared circuit the image waits behind (stageImage.ts, quotaCircuit.ts). */
  wait?: "quota" | "outage" | "operator";
  /** Attempts allowed for this code when lower than the queue's. */
  maxAttempts?: number;
  /** For docs and operators: when this code is used. */
  description: string;
  /** Partner-facing message: what happened and what to do about it. */
  message: string;
}

/** Every code this engine can produce. Partners may branch on these; never rename one. */
export const GEMINI_ERROR_CODES = {
  model_quota_exhausted: {
    retryable: true,
    quota: true,
    description:
      "HTTP 429 / RESOURCE_EXHAUSTED: the model's rate or daily quota is used up. The image waits behind the shared quota circuit without spending attempts (retryAfterSeconds from RetryInfo); a quota that cannot recover by itself (`limit: 0`, a daily quota) pauses every image behind the operator circuit. Final only after QUOTA_MAX_WAIT_MINUTES (rate) or OPERATOR_PAUSE_MAX_MINUTES (operator) of waiting; retry-failed brings the image back.",
    message:
      "The staging model is at capacity. The image waits without using attempts and continues when capacity is back; only a very long wait fails it (then use retry-failed).",
  },
  model_unavailable: {
    retryable: true,
    wait: "outage",
    description:
      "HTTP 5xx (500 INTERNAL, 502, 503 UNAVAILABLE/overloaded, 504), 409 ABORTED, or a dropped/refused connection (ECONNRESET, ECONNREFUSED, fetch failed). The image waits behind the shared outage circuit without spending attempts; final only after QUOTA_MAX_WAIT_MINUTES of waiting.",
    message:
      "The staging model is temporarily unavailable. The image is retried automatically; no action is needed.",
  },
  model_timeout: {
    retryable: true,
    wait: "outage",
    description:
      "The model did not answer within the configured timeout (AbortError, ETIMEDOUT, HTTP 408).",
    message:
      "The staging model did not answer in time. The image is retried automatically; no action is needed.",
  },
  model_bad_response: {
    retryable: true,
    description:
      "HTTP 200 with an unreadable body, an empty image part, or finishReason MALFORMED_RESPONSE.",
    message:
      "The staging model returned an unreadable response. The image is retried automatically; no action is needed.",
  },
  model_unknown_error: {
    retryable: true,
    description:
      "Any other error thrown while calling the model (retried: the queue's attempt limit bounds it).",
    message:
      "An unexpected error occurred while calling the staging model. The image is retried automatically; contact support if it keeps failing.",
  },
  model_rejected_request: {
    retryable: false,
    description:
      "HTTP 400 INVALID_ARGUMENT (other than a key problem), or another 4xx: usually an image the model cannot read.",
    message:
      "The staging model could not process this photo. Check that it is a valid, uncorrupted JPEG, PNG or WebP photo of a room, then resubmit it.",
  },
  image_too_large_for_model: {
    retryable: false,
    description:
      "The photo (base64-encoded) does not fit the model's 20 MB inline request limit (checked before calling, or HTTP 413).",
    message:
      "The photo is too large for the staging model. Resize it (for example to 4096 px on the long edge, under 10 MB) and resubmit it.",
  },
  model_access_denied: {
    retryable: false,
    wait: "operator",
    description:
      "HTTP 401/403 (PERMISSION_DENIED, API disabled, key suspended), HTTP 400 API_KEY_INVALID or FAILED_PRECONDITION (region or billing), finishReason PUP_LIMITED_DISABLED. A service configuration problem: every image pauses behind the operator circuit (alert logged every 5 minutes) and fails only after OPERATOR_PAUSE_MAX_MINUTES.",
    message:
      "The staging service could not access its model. This is a configuration problem on our side, not in your request; our team has been alerted. Resubmit the image later.",
  },
  model_not_found: {
    retryable: false,
    wait: "operator",
    description:
      "HTTP 404 NOT_FOUND: the model id does not exist (or was shut down). Start-up refuses ids the registry does not know; a model shut down later pauses every image behind the operator circuit like model_access_denied.",
    message:
      "The staging service is misconfigured (model not available). This is a problem on our side, not in your request; our team has been alerted. Resubmit the image later.",
  },
  content_blocked_safety: {
    retryable: false,
    description:
      "promptFeedback.blockReason SAFETY/BLOCKLIST/OTHER, or finishReason SAFETY/BLOCKLIST/SPII/LANGUAGE: the model's safety filters refused the photo.",
    message:
      "The model's safety filters refused this photo. Submit a different photo of the room, without people, documents, screens showing personal information, or sensitive content.",
  },
  image_blocked_safety: {
    retryable: false,
    description:
      "finishReason IMAGE_SAFETY or promptFeedback.blockReason IMAGE_SAFETY: the image-generation safety filter blocked the request or the staged image.",
    message:
      "The model's image safety filter blocked the staged result for this photo. Try a different photo, or another design style.",
  },
  prohibited_content: {
    retryable: false,
    description: "blockReason or finishReason PROHIBITED_CONTENT / IMAGE_PROHIBITED_CONTENT.",
    message:
      "The model flagged this photo as containing prohibited content. Submit a different photo.",
  },
  recitation_blocked: {
    retryable: false,
    description:
      "finishReason RECITATION / IMAGE_RECITATION: output too close to existing material.",
    message:
      "The model declined because its result resembled existing protected material. Try a different photo or another design style.",
  },
  no_image_returned: {
    retryable: true,
    maxAttempts: 2,
    description:
      "The model answered without an image: a text-only answer, no candidates, or finishReason NO_IMAGE/IMAGE_OTHER/OTHER/MAX_TOKENS. Often random, so retried once (a second attempt), then final; the model's own words (finishMessage or text) end the message.",
    message:
      "The model answered without producing a staged image. Try a clearer, well-lit photo of the room, or another design style.",
  },
} as const satisfies Record<string, GeminiErrorCodeInfo>;

export type GeminiErrorCode = keyof typeof GEMINI_ERROR_CODES;

/** What the provider said, for logs only: may hold project ids, never shown to partners. */
export interface GeminiProviderDetail {
  httpStatus?: number;
  /** google.rpc status name, e.g. RESOURCE_EXHAUSTED. */
  googleStatus?: string;
  /** google.rpc.ErrorInfo reason, e.g. API_KEY_INVALID. */
  reason?: string;
  blockReason?: string;
  finishReason?: string;
  /** Google's own message (secrets redacted, truncated). */
  providerMessage?: string;
  /** Transport error code (ECONNRESET, ...) or error name (AbortError). */
  transport?: string;
}

/** A StagingError that also carries the provider's details for logging. */
export class GeminiStagingError extends StagingError {
  readonly provider: GeminiProviderDetail;

  constructor(
    code: GeminiErrorCode,
    provider: GeminiProviderDetail,
    options: {
      retryAfterSeconds?: number;
      cause?: unknown;
      detail?: string;
      wait?: "quota" | "outage" | "operator";
    } = {},
  ) {
    const info: GeminiErrorCodeInfo = GEMINI_ERROR_CODES[code];
    super(code, options.detail ? `${info.message} (${options.detail})` : info.message, {
      retryable: info.retryable,
      quota: info.quota ?? false,
      wait: options.wait ?? info.wait,
      maxAttempts: info.maxAttempts,
      retryAfterSeconds: options.retryAfterSeconds,
      cause: options.cause,
    });
    this.provider = provider;
  }
}

// ---------------------------------------------------------------------------------------------
