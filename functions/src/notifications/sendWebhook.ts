/**
 * One delivery attempt of a signed webhook. Retrying, recording the attempt and choosing the
 * delivery id belong to the caller (the task queue handler): this function only POSTs and
 * reports. It never throws for network or HTTP failures so a caller can record every outcome.
 *
 * The request goes through an undici Agent whose connections resolve names with the shared
 * outbound guard (net/outboundGuard.ts): every address actually dialled is checked at connect
 * time, so DNS rebinding cannot aim a webhook at a private or metadata address.
 */
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import { checkCallbackUrl } from "../domain/urlPolicy.js";
import { guardedLookup, isForbiddenAddressError, type Resolver } from "../net/outboundGuard.js";
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
  /** DNS resolver override (tests: a host that resolves to a private address, or rebinds). */
  lookup?: Resolver;
  /**
   * TESTS ONLY, never set in production: this one address counts as public, and http and any
   * port are accepted, so a local receiver can stand in for a public host while every other
   * address check stays on.
   */
  testPublicAddress?: string;
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
 * default ports or 8080/8443). With allowPrivateHosts (emulator/tests) http, loopback and any
 * port are accepted. Resolved addresses are checked later, at connect time, by the guard.
 */
export async function checkWebhookTarget(
  rawUrl: string,
  options: { allowPrivateHosts?: boolean; allowHttpAndAnyPort?: boolean } = {},
): Promise<WebhookTargetCheck> {
  const allowPrivate = options.allowPrivateHosts === true;
  const verdict = checkCallbackUrl(rawUrl, {
    allowHttp: allowPrivate || options.allowHttpAndAnyPort === true,
    allowPrivateHosts: allowPrivate,
    allowAnyPort: options.allowHttpAndAnyPort === true,
  });
  if (!verdict.ok) return { ok: false, error: `${verdict.code}: ${verdict.message}` };
  return { ok: true, url: verdict.url };
}

function describeError(e: unknown, timedOut: boolean, timeoutMs: number, host: string): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  if (isForbiddenAddressError(e)) {
    return `url_private_address: ${host} resolves to a non-public address`;
  }
  if (e instanceof Error) {
    const own = (e as NodeJS.ErrnoException).code;
    if (own !== undefined && /^E[A-Z]+$/.test(own)) return `${e.message}: ${own}`;
    // undici may put the useful part (ECONNREFUSED...) in cause.
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
  const allowPrivate = options.allowPrivateHosts === true;
  const target = await checkWebhookTarget(options.url, {
    allowPrivateHosts: allowPrivate,
    allowHttpAndAnyPort: options.testPublicAddress !== undefined,
  });
  if (!target.ok) {
    clearTimeout(timer);
    return { ok: false, error: target.error, durationMs: elapsed() };
  }
  // One agent per attempt: deliveries are rare (one per finished batch) and nothing is reused
  // across partners' hosts.
  const agent = new Agent({
    connect: {
      lookup: guardedLookup({
        resolve: options.lookup,
        checkAddresses: !allowPrivate,
        trustedAddress: options.testPublicAddress,
      }),
    },
  });

  try {
    const body = JSON.stringify(options.payload);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    // undici's request never follows redirects: one could point at an address never checked.
    const response = await request(target.url, {
      method: "POST",
      dispatcher: agent,
      headers: {
        "content-type": "application/json",
        "user-agent": WEBHOOK_USER_AGENT,
        [SIGNATURE_HEADER]: signatureHeaderValue(options.secret, timestamp, body),
        [EVENT_HEADER]: options.payload.event,
        [DELIVERY_HEADER]: options.deliveryId,
      },
      body,
      signal: controller.signal,
    });
    // Release the connection without reading what the partner sent back.
    await response.body.dump().catch(() => undefined);

    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, durationMs: elapsed() };
    const error =
      status >= 300 && status < 400 ? `redirect not followed (HTTP ${status})` : `HTTP ${status}`;
    return { ok: false, status, error, durationMs: elapsed() };
  } catch (e) {
    return {
      ok: false,
      error: describeError(e, timedOut, timeoutMs, target.url.hostname),
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
    await agent.destroy().catch(() => undefined);
  }
}
