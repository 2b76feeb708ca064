/**
 * Reading Google's error bodies (`{ error: { code, message, status, details } }`): the retry
 * delay, quota and ErrorInfo details, and redaction of secrets from provider text. Pure.
 */
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

export const isRecord = (v: unknown): v is Record<string, unknown> =>
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
