/**
 * One delivery attempt of a signed webhook. Retrying, recording the attempt and choosing the
 * delivery id belong to the caller (the task queue handler): this function only POSTs and
 * reports. It never throws for network or HTTP failures so a caller can record every outcome.
 */
import { lookup } from "node:dns/promises";
import { performance } from "node:perf_hooks";
import ipaddr from "ipaddr.js";
import { checkCallbackUrl, isForbiddenAddress } from "../domain/urlPolicy.js";
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signatureHeaderValue,
} from "../domain/webhookSignature.js";

export const WEBHOOK_USER_AGENT = "VirtualStaging-Webhooks/1.0";
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface SendWebhookOptions {
  url: string;
  secret: string;
  /** Serialised as JSON; `event` also goes into the X-Staging-Event header. */
  payload: { readonly event: string };
  /** Same id for every retry of one event, so the partner can dedupe. */
  deliveryId: string;
  /** Budget for the whole attempt (DNS, connect, response headers). */
  timeoutMs?: number;
  /**
   * Allows http:// and loopback/private/link-local targets. Only for the emulator and tests:
   * in production a partner URL pointing inside our network would be a server-side request
   * forgery vector (e.g. the metadata server at 169.254.169.254).
   */
  allowPrivateHosts?: boolean;
  /** Unix seconds used for the signature; defaults to the clock (tests pin it). */
  timestamp?: number;
}

export interface SendWebhookResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

export type WebhookTargetCheck = { ok: true; url: URL } | { ok: false; error: string };

// Control characters would let a delivery id smuggle extra headers.
const HEADER_SAFE = /^[\x21-\x7e]{1,200}$/;

/**
 * Checks a webhook URL before any request, with the same policy as registration
 * (domain/urlPolicy.ts: https only, no credentials, no internal names or private IP literals,
 * default ports or 8080/8443), then resolves the host and requires every address to be public.
 * With allowPrivateHosts (emulator/tests) http, loopback and any port are accepted.
 * The host is resolved here and again by fetch, so a DNS answer that changes in between
 * (rebinding) is not caught; the window is small and the response body is never read.
 */
export async function checkWebhookTarget(
  rawUrl: string,
  options: { allowPrivateHosts?: boolean } = {},
): Promise<WebhookTargetCheck> {
  const allowPrivate = options.allowPrivateHosts === true;
  const verdict = checkCallbackUrl(rawUrl, {
    allowHttp: allowPrivate,
    allowPrivateHosts: allowPrivate,
  });
  if (!verdict.ok) return { ok: false, error: `${verdict.code}: ${verdict.message}` };
  const url = verdict.url;
  if (allowPrivate) return { ok: true, url };

  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (ipaddr.isValid(host)) return { ok: true, url }; // literal already vetted by the policy
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (e) {
    return { ok: false, error: `cannot resolve ${host}: ${(e as Error).message}` };
  }
  // Every address must be public: fetch may connect to any of them.
  if (addresses.length === 0 || addresses.some(isForbiddenAddress)) {
    return { ok: false, error: `url_private_address: ${host} resolves to a non-public address` };
  }
  return { ok: true, url };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function describeError(e: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  if (e instanceof Error) {
    // undici reports "fetch failed" and puts the useful part (ECONNREFUSED...) in cause.
    const cause = e.cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code !== undefined ? `${e.message}: ${code}` : `${e.message}: ${cause.message}`;
    }
    return e.message;
  }
  return String(e);
}

export async function sendWebhook(options: SendWebhookOptions): Promise<SendWebhookResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;

  if (!HEADER_SAFE.test(options.deliveryId)) {
    return { ok: false, error: "invalid deliveryId", durationMs: elapsed() };
  }
  if (!HEADER_SAFE.test(options.payload.event)) {
    return { ok: false, error: "invalid event name", durationMs: elapsed() };
  }
  if (options.secret.length === 0) {
    return { ok: false, error: "missing webhook secret", durationMs: elapsed() };
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timeout after ${timeoutMs} ms`));
  }, timeoutMs);

  try {
    // DNS cannot be aborted, so the check races the same deadline as the request.
    const target = await Promise.race([
      checkWebhookTarget(options.url, { allowPrivateHosts: options.allowPrivateHosts }),
      rejectOnAbort(controller.signal),
    ]);
    if (!target.ok) return { ok: false, error: target.error, durationMs: elapsed() };

    const body = JSON.stringify(options.payload);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": WEBHOOK_USER_AGENT,
        [SIGNATURE_HEADER]: signatureHeaderValue(options.secret, timestamp, body),
        [EVENT_HEADER]: options.payload.event,
        [DELIVERY_HEADER]: options.deliveryId,
      },
      body,
      // A redirect could point at an internal address the check above never saw.
      redirect: "manual",
      signal: controller.signal,
    });
    // Release the connection without reading what the partner sent back.
    await response.body?.cancel().catch(() => undefined);

    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true, status, durationMs: elapsed() };
    const error =
      status >= 300 && status < 400 ? `redirect not followed (HTTP ${status})` : `HTTP ${status}`;
    return { ok: false, status, error, durationMs: elapsed() };
  } catch (e) {
    return { ok: false, error: describeError(e, timedOut, timeoutMs), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}
