/**
 * Pure mapping from what the Gemini API (through @google/genai) can do wrong to a StagingError
 * with a stable code. No SDK import: the SDK's ApiError is recognised by shape, so this file
 * can be unit-tested with plain objects and reused by any other Gemini client.
 *
 * How failures reach us (checked in @google/genai 3.3.0, dist/node/index.mjs):
 *  - HTTP status >= 400: `ApiError { name: "ApiError", status, message }` where `message` is
 *    JSON.stringify of the body (Google's `{ error: { code, message, status, details } }`; a
 *    non-JSON body is wrapped as `{ error: { message: <text>, code, status: <statusText> } }`).
 *  - Our `httpOptions.timeout`: the SDK aborts the fetch -> DOMException named "AbortError".
 *  - Connection problems: undici's `TypeError("fetch failed")` with `cause.code`
 *    (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, ...), or "terminated" mid-body.
 *  - A 200 whose body is not JSON: SyntaxError from response.json().
 *  - A 200 that refused: `promptFeedback.blockReason`, or a candidate whose `finishReason` is
 *    not STOP, or a candidate with text but no image.
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
// Google error bodies
// ---------------------------------------------------------------------------------------------

export interface GoogleRpcDetail {
  "@type"?: string;
  [field: string]: unknown;
}

export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: GoogleRpcDetail[];
  };
}

const RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads a Google error body from a string or parsed JSON. Accepts the array-wrapped form some
 * Google front ends send (`[{ "error": ... }]`) and a body whose `error.message` is itself the
 * JSON of the real error (what the SDK produces when a proxy answers with text/plain).
 */
export function parseGoogleErrorBody(raw: unknown): GoogleErrorBody | undefined {
  let value: unknown = raw;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (!isRecord(value) || !isRecord(value.error)) return undefined;
  const e = value.error;
  const body: GoogleErrorBody = {
    error: {
      code: typeof e.code === "number" ? e.code : undefined,
      message: typeof e.message === "string" ? e.message : undefined,
      status: typeof e.status === "string" ? e.status : undefined,
      details: Array.isArray(e.details) ? e.details.filter(isRecord) : undefined,
    },
  };
  const inner = body.error?.message?.trimStart().startsWith("{")
    ? parseGoogleErrorBody(body.error.message)
    : undefined;
  return inner ?? body;
}

/** Parses a google.protobuf.Duration as JSON ("12s", "0.5s") or as { seconds, nanos }. */
function durationSeconds(value: unknown): number | undefined {
  if (typeof value === "string") {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return m ? Number(m[1]) : undefined;
  }
  if (isRecord(value)) {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    return Number.isFinite(seconds) && Number.isFinite(nanos) ? seconds + nanos / 1e9 : undefined;
  }
  return undefined;
}

/**
 * Seconds to wait, from google.rpc.RetryInfo.retryDelay, else from the "Please retry in 12.3s"
 * sentence Gemini puts in quota messages. Rounded up so we never retry early.
 */
export function retryDelaySeconds(body: GoogleErrorBody | undefined): number | undefined {
  const details = body?.error?.details ?? [];
  const retryInfo = details.find((d) => d["@type"] === RETRY_INFO_TYPE);
  let seconds = retryInfo ? durationSeconds(retryInfo.retryDelay) : undefined;
  if (seconds === undefined) {
    const m = /retry in (\d+(?:\.\d+)?)\s*s/i.exec(body?.error?.message ?? "");
    seconds = m ? Number(m[1]) : undefined;
  }
  return seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds));
}

const QUOTA_FAILURE_TYPE = "type.googleapis.com/google.rpc.QuotaFailure";

/**
 * A 429 that waiting a minute will not fix: a quota whose limit is 0 (an API key without
 * billing, or a model the tier does not include) or a per-day quota (it resets at midnight
 * Pacific). Read from google.rpc.QuotaFailure violations (quotaValue "0", a quotaId with
 * "PerDay"), or the message's "limit: 0" when the details are missing.
 * Shape: https://ai.google.dev/gemini-api/docs/troubleshooting and google.rpc.QuotaFailure.
 */
export function isUnrecoverableQuota(body: GoogleErrorBody | undefined): boolean {
  const failure = body?.error?.details?.find((d) => d["@type"] === QUOTA_FAILURE_TYPE);
  const violations = Array.isArray(failure?.violations) ? failure.violations.filter(isRecord) : [];
  for (const v of violations) {
    if (String(v.quotaValue ?? "") === "0") return true;
    if (
      /PerDay/i.test(String(v.quotaId ?? "")) ||
      /per_day|daily/i.test(String(v.quotaMetric ?? ""))
    )
      return true;
  }
  return /\blimit: 0\b/.test(body?.error?.message ?? "");
}

/** google.rpc.ErrorInfo.reason, e.g. API_KEY_INVALID, SERVICE_DISABLED. */
export function errorInfoReason(body: GoogleErrorBody | undefined): string | undefined {
  const info = body?.error?.details?.find((d) => d["@type"] === ERROR_INFO_TYPE);
  return typeof info?.reason === "string" ? info.reason : undefined;
}

// Google API keys look like this; scrubbed from anything we keep, in case a message echoes one.
const API_KEY_PATTERN = /AIza[0-9A-Za-z_-]{20,}/g;

/** Removes secrets (the given ones and anything shaped like a Google API key) from text. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(API_KEY_PATTERN, "[REDACTED]");
  for (const s of secrets) {
    // Short strings would redact ordinary words; real keys are long.
    if (s.length >= 8) out = out.split(s).join("[REDACTED]");
  }
  return out;
}

const providerText = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : redactSecrets(text).slice(0, 500);

// 400s that are about our credentials or account, not about the request.
const ACCESS_REASONS = new Set([
  "API_KEY_INVALID",
  "API_KEY_EXPIRED",
  "API_KEY_SERVICE_BLOCKED",
  "API_KEY_HTTP_REFERRER_BLOCKED",
  "API_KEY_IP_ADDRESS_BLOCKED",
  "SERVICE_DISABLED",
  "CONSUMER_SUSPENDED",
  "BILLING_DISABLED",
]);

/** Maps an HTTP error (status + parsed Google body) to a StagingError. */
export function fromHttpError(
  httpStatus: number,
  body: GoogleErrorBody | undefined,
  cause?: unknown,
): GeminiStagingError {
  const googleStatus = body?.error?.status;
  const reason = errorInfoReason(body);
  const provider: GeminiProviderDetail = {
    httpStatus,
    googleStatus,
    reason,
    providerMessage: providerText(body?.error?.message),
  };
  const make = (code: GeminiErrorCode, retryAfterSeconds?: number, detail?: string) =>
    new GeminiStagingError(code, provider, { retryAfterSeconds, cause, detail });

  if (httpStatus === 429 || googleStatus === "RESOURCE_EXHAUSTED") {
    if (isUnrecoverableQuota(body)) {
      return new GeminiStagingError("model_quota_exhausted", provider, {
        cause,
        wait: "operator",
        retryAfterSeconds: retryDelaySeconds(body),
      });
    }
    return make("model_quota_exhausted", retryDelaySeconds(body));
  }
  if (httpStatus === 401 || httpStatus === 403 || googleStatus === "PERMISSION_DENIED") {
    return make("model_access_denied");
  }
  if (httpStatus === 400) {
    if ((reason && ACCESS_REASONS.has(reason)) || googleStatus === "FAILED_PRECONDITION") {
      return make("model_access_denied");
    }
    // Google's 400 text ("Unable to process input image...") helps the partner fix the photo.
    return make("model_rejected_request", undefined, provider.providerMessage?.slice(0, 200));
  }
  if (httpStatus === 404) return make("model_not_found");
  if (httpStatus === 408) return make("model_timeout");
  if (httpStatus === 413) return make("image_too_large_for_model");
  if (httpStatus === 409 || httpStatus === 499 || httpStatus >= 500) {
    return make("model_unavailable", retryDelaySeconds(body));
  }
  return make("model_rejected_request", undefined, provider.providerMessage?.slice(0, 200));
}

// ---------------------------------------------------------------------------------------------
// Thrown errors (SDK ApiError, timeouts, connection errors)
// ---------------------------------------------------------------------------------------------

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const CONNECTION_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/** The first `code` / AbortError-like name found along an error's `cause` chain. */
function transportSignal(err: unknown): { code?: string; name?: string; message?: string } {
  const seen = new Set<unknown>();
  let current: unknown = err;
  const found: { code?: string; name?: string; message?: string } = {};
  while (isRecord(current) || current instanceof Error) {
    if (seen.has(current) || seen.size > 8) break;
    seen.add(current);
    const rec = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (!found.code && typeof rec.code === "string") found.code = rec.code;
    if (!found.name && (rec.name === "AbortError" || rec.name === "TimeoutError")) {
      found.name = rec.name;
    }
    if (!found.message && typeof rec.message === "string") found.message = rec.message;
    current = rec.cause;
  }
  return found;
}

/** Recognises the SDK's ApiError without importing it (any Error with a numeric `status`). */
function apiErrorStatus(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const status = (err as Error & { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 600 ? status : undefined;
}

/** Maps anything thrown by a Gemini call to a StagingError (StagingErrors pass through). */
export function fromThrown(err: unknown): StagingError {
  if (err instanceof StagingError) return err;

  const status = apiErrorStatus(err);
  if (status !== undefined) {
    return fromHttpError(status, parseGoogleErrorBody((err as Error).message), err);
  }

  const signal = transportSignal(err);
  const transport = signal.code ?? signal.name;
  if (signal.name === "AbortError" || signal.name === "TimeoutError") {
    return new GeminiStagingError("model_timeout", { transport }, { cause: err });
  }
  if (signal.code && TIMEOUT_CODES.has(signal.code)) {
    return new GeminiStagingError("model_timeout", { transport }, { cause: err });
  }
  if (
    (signal.code && CONNECTION_CODES.has(signal.code)) ||
    /fetch failed|terminated|socket hang up|other side closed/i.test(signal.message ?? "")
  ) {
    return new GeminiStagingError("model_unavailable", { transport }, { cause: err });
  }
  if (err instanceof SyntaxError) {
    return new GeminiStagingError(
      "model_bad_response",
      { transport: "SyntaxError" },
      { cause: err },
    );
  }
  return new GeminiStagingError(
    "model_unknown_error",
    { transport, providerMessage: providerText(signal.message) },
    { cause: err },
  );
}

// ---------------------------------------------------------------------------------------------
// Successful-but-refused responses
// ---------------------------------------------------------------------------------------------

/** The parts of a generateContent response we read (the SDK's GenerateContentResponse fits). */
export interface GeminiResponseLike {
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  candidates?: Array<{
    finishReason?: string;
    finishMessage?: string;
    content?: {
      parts?: Array<{
        text?: string;
        thought?: boolean;
        inlineData?: { mimeType?: string; data?: string };
      }>;
    };
  }>;
}

const BLOCK_REASON_CODES: Record<string, GeminiErrorCode> = {
  SAFETY: "content_blocked_safety",
  BLOCKLIST: "content_blocked_safety",
  OTHER: "content_blocked_safety",
  MODEL_ARMOR: "content_blocked_safety",
  JAILBREAK: "content_blocked_safety",
  PROHIBITED_CONTENT: "prohibited_content",
  IMAGE_SAFETY: "image_blocked_safety",
};

const FINISH_REASON_CODES: Record<string, GeminiErrorCode> = {
  SAFETY: "content_blocked_safety",
  BLOCKLIST: "content_blocked_safety",
  SPII: "content_blocked_safety",
  LANGUAGE: "content_blocked_safety",
  ESCALATION: "content_blocked_safety",
  IMAGE_SAFETY: "image_blocked_safety",
  PROHIBITED_CONTENT: "prohibited_content",
  IMAGE_PROHIBITED_CONTENT: "prohibited_content",
  RECITATION: "recitation_blocked",
  IMAGE_RECITATION: "recitation_blocked",
  MALFORMED_RESPONSE: "model_bad_response",
  PUP_LIMITED_DISABLED: "model_access_denied",
  // NO_IMAGE, IMAGE_OTHER, OTHER, MAX_TOKENS, STOP-without-image, ...: no_image_returned.
};

export type InterpretedResponse =
  | { kind: "image"; mimeType: string; data: string }
  | { kind: "refused"; error: GeminiStagingError };

/**
 * Finds the staged image in a response, or explains why there is none. Thought parts (interim
 * images some image models emit while "thinking") are skipped: only a final image counts.
 */
export function interpretResponse(response: GeminiResponseLike): InterpretedResponse {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason && blockReason !== "BLOCKED_REASON_UNSPECIFIED") {
    const code = BLOCK_REASON_CODES[blockReason] ?? "content_blocked_safety";
    return {
      kind: "refused",
      error: new GeminiStagingError(code, {
        blockReason,
        providerMessage: providerText(response.promptFeedback?.blockReasonMessage),
      }),
    };
  }

  const candidate = response.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  const image = parts.find((p) => p.inlineData && !p.thought && p.inlineData.data !== undefined);
  const finishReason = candidate?.finishReason;
  // An image with a refusal reason attached is still a refusal; with STOP (or MAX_TOKENS, where
  // the image part itself is complete) it is the result.
  const refusal = finishReason ? FINISH_REASON_CODES[finishReason] : undefined;
  if (image?.inlineData?.data !== undefined && !refusal) {
    if (image.inlineData.data.length === 0) {
      return {
        kind: "refused",
        error: new GeminiStagingError("model_bad_response", { finishReason }),
      };
    }
    return {
      kind: "image",
      mimeType: image.inlineData.mimeType || "image/png",
      data: image.inlineData.data,
    };
  }

  const code: GeminiErrorCode = refusal ?? "no_image_returned";
  const text = parts
    .filter((p) => typeof p.text === "string" && !p.thought)
    .map((p) => p.text)
    .join(" ");
  // The model's own sentence (finishMessage, else its text) says why it refused: it ends the
  // partner-facing message too, so the partner can act on it.
  const said = providerText(candidate?.finishMessage ?? (text || undefined));
  return {
    kind: "refused",
    error: new GeminiStagingError(
      code,
      {
        finishReason: finishReason ?? (candidate ? undefined : "NO_CANDIDATES"),
        providerMessage: said,
      },
      said ? { detail: `model said: ${said.slice(0, 300)}` } : {},
    ),
  };
}
