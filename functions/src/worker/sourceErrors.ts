/**
 * The StagingErrors of fetching a source photo: which network, HTTP and size failures are
 * permanent (the partner must fix the URL) and which are worth a retry.
 */
import { StagingError } from "../domain/stagingError.js";
import { isForbiddenAddressError } from "../net/outboundGuard.js";

export const permanent = (code: string, message: string, cause?: unknown): StagingError =>
  new StagingError(code, message, { retryable: false, cause });
export const retryable = (
  code: string,
  message: string,
  extra: { retryAfterSeconds?: number; cause?: unknown } = {},
): StagingError => new StagingError(code, message, { retryable: true, ...extra });

/** Maps a transport-level error to a StagingError. */
export function mapNetworkError(err: unknown, url: URL): StagingError {
  if (err instanceof StagingError) return err;
  if (isForbiddenAddressError(err)) {
    return permanent(
      "source_forbidden_address",
      `refused to connect to ${url.hostname}: it resolves to a private or reserved address`,
      err,
    );
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? "";
  const msg = err instanceof Error ? err.message : String(err);
  switch (code) {
    case "ENOTFOUND":
    case "ENODATA":
      return permanent("source_dns_failed", `host ${url.hostname} does not resolve`, err);
    case "EAI_AGAIN":
    case "ESERVFAIL":
    case "ETIMEOUT":
    case "EAI_FAIL":
      return retryable("source_dns_failed", `temporary DNS failure for ${url.hostname}`, {
        cause: err,
      });
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "EPIPE":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ECONNABORTED":
    case "ERR_STREAM_PREMATURE_CLOSE":
      return retryable("source_unavailable", `connection to ${url.host} failed: ${code}`, {
        cause: err,
      });
  }
  // TLS problems (expired, self-signed, wrong name, handshake failure) will not fix themselves
  // on a retry minutes later.
  if (
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code === "EPROTO" ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/.test(code)
  ) {
    return permanent("source_tls_error", `TLS error talking to ${url.host}: ${code}`, err);
  }
  if (code.startsWith("HPE_")) {
    return permanent("source_http_error", `malformed HTTP response from ${url.host}: ${code}`, err);
  }
  return retryable("source_unavailable", `fetching ${url.host} failed: ${code || msg}`, {
    cause: err,
  });
}

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), if sane. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), 86_400);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - Date.now()) / 1000)), 86_400);
}

export function statusError(
  status: number,
  url: URL,
  retryAfter: string | undefined,
): StagingError {
  if (status === 404 || status === 410) {
    return permanent("source_not_found", `source photo not found (HTTP ${status})`);
  }
  if (status === 408 || status === 429 || status >= 500) {
    return retryable("source_unavailable", `source host ${url.host} answered HTTP ${status}`, {
      retryAfterSeconds: parseRetryAfter(retryAfter),
    });
  }
  return permanent("source_http_error", `source host ${url.host} answered HTTP ${status}`);
}

export const tooLarge = (maxBytes: number): StagingError =>
  permanent("source_too_large", `source photo is larger than ${maxBytes} bytes`);
