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
import {
  GeminiStagingError,
  type GeminiErrorCode,
  type GeminiProviderDetail,
} from "./geminiErrorCodes.js";
import {
  errorInfoReason,
  isRecord,
  isUnrecoverableQuota,
  parseGoogleErrorBody,
  redactSecrets,
  retryDelaySeconds,
  type GoogleErrorBody,
} from "./googleErrorBody.js";

// The catalogue and the body readers are imported from here by the engines and tests.
export * from "./geminiErrorCodes.js";
export * from "./googleErrorBody.js";

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
