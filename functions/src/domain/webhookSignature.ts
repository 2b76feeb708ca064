/**
 * Completion-webhook signing and verification (pure: no I/O, no clock unless none is given).
 *
 * Scheme (Stripe-like, documented for partners in documentation/Public/webhook-verification.md):
 *   X-Staging-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${rawBody}`)>
 * The timestamp is inside the MAC so a captured request cannot be replayed later with a fresh
 * `t`; the tolerance window bounds how long a captured request stays valid, and partners dedupe
 * on X-Staging-Delivery within that window.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { BatchStatus } from "./batchStatus.js";

export const SIGNATURE_HEADER = "X-Staging-Signature";
export const EVENT_HEADER = "X-Staging-Event";
export const DELIVERY_HEADER = "X-Staging-Delivery";

/** Signature scheme version; a future scheme gets a new key (v2) so receivers can migrate. */
export const SIGNATURE_SCHEME = "v1";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const COMPLETION_EVENT = "batch.completed";

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`, "utf8");
  // Raw bytes as received: re-encoding a parsed body would change whitespace and break the MAC.
  if (typeof body === "string") mac.update(body, "utf8");
  else mac.update(body);
  return mac.digest("hex");
}

function assertSigningInputs(secret: string, timestamp: number): void {
  if (secret.length === 0) throw new TypeError("webhook secret must not be empty");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError("webhook timestamp must be a non-negative integer (unix seconds)");
  }
}

/** Hex HMAC-SHA256 over `${timestamp}.${body}`. */
export function signWebhook(
  secret: string,
  timestamp: number /* unix seconds */,
  body: string,
): string {
  assertSigningInputs(secret, timestamp);
  return hmacHex(secret, timestamp, body);
}

/** The full X-Staging-Signature value: `t=<ts>,v1=<hex>`. */
export function signatureHeaderValue(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},${SIGNATURE_SCHEME}=${signWebhook(secret, timestamp, body)}`;
}

export type VerifyFailureReason =
  | "missing_secret"
  | "missing_header"
  | "malformed_header"
  | "signature_mismatch"
  | "stale_timestamp"
  | "future_timestamp";

export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: VerifyFailureReason };

export interface VerifyOptions {
  /** Maximum age (and clock skew into the future) accepted, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** Current time in unix seconds; defaults to the system clock. */
  now?: number;
}

interface ParsedHeader {
  timestamp: number;
  signatures: string[];
}

function parseSignatureHeader(header: string): ParsedHeader | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== null || !UNIX_SECONDS.test(value)) return null;
      timestamp = Number(value);
    } else if (key === SIGNATURE_SCHEME) {
      if (!HEX_SHA256.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
    // Other keys (future schemes) are ignored so old receivers keep working during a migration.
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/**
 * Checks an X-Staging-Signature header against the raw request body. Several v1 entries are
 * accepted (any may match) so the sender can sign with an old and a new secret while rotating.
 * The MAC is checked before the timestamp, so "stale_timestamp" always means an authentic but
 * old request (a replay or a very delayed retry), never a forgery.
 */
export function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): VerifyResult {
  if (secret.length === 0) return { ok: false, reason: "missing_secret" };
  if (header === undefined || header === null || header.trim() === "") {
    return { ok: false, reason: "missing_header" };
  }
  const parsed = parseSignatureHeader(header);
  if (parsed === null) return { ok: false, reason: "malformed_header" };

  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, body), "hex");
  let matched = false;
  for (const candidate of parsed.signatures) {
    // No early exit: every candidate costs the same constant-time compare.
    if (timingSafeEqual(expected, Buffer.from(candidate, "hex"))) matched = true;
  }
  if (!matched) return { ok: false, reason: "signature_mismatch" };

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError("toleranceSeconds must be a non-negative number");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now - parsed.timestamp > tolerance) return { ok: false, reason: "stale_timestamp" };
  if (parsed.timestamp - now > tolerance) return { ok: false, reason: "future_timestamp" };
  return { ok: true, timestamp: parsed.timestamp };
}

/** Firestore Timestamp and similar expose toDate(); accepted so callers can pass a doc as is. */
export type DateLike = Date | string | number | { toDate(): Date };

/** What buildCompletionPayload needs from a batch (a plain object, e.g. a Firestore doc's data). */
export interface CompletionSource {
  batchId: string;
  /** The final status: completed, failed or cancelled. */
  status: BatchStatus;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Date, ISO string, epoch milliseconds, or a Timestamp-like value. */
  completedAt: DateLike;
}

export type CompletionPayload = Omit<CompletionSource, "completedAt"> & {
  event: typeof COMPLETION_EVENT;
  /** ISO 8601, UTC. */
  completedAt: string;
};

function toDate(value: DateLike): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  return value.toDate();
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The body of the batch.completed webhook. The event is sent once per batch whatever its final
 * status (completed, failed, cancelled...): `status` and the counts tell the partner which.
 */
export function buildCompletionPayload(batch: CompletionSource): CompletionPayload {
  if (typeof batch.batchId !== "string" || batch.batchId.length === 0) {
    throw new TypeError("batchId must be a non-empty string");
  }
  const completedAt = toDate(batch.completedAt);
  if (Number.isNaN(completedAt.getTime())) throw new RangeError("completedAt is not a valid date");
  // Field order is fixed here so the signed body is stable and readable in partner logs.
  return {
    event: COMPLETION_EVENT,
    batchId: batch.batchId,
    status: batch.status,
    total: count("total", batch.total),
    completed: count("completed", batch.completed),
    failed: count("failed", batch.failed),
    cancelled: count("cancelled", batch.cancelled),
    completedAt: completedAt.toISOString(),
  };
}
