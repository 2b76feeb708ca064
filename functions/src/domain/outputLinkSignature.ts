/**
 * Expiring, HMAC-signed links to the API's output route, for the output store that has no
 * signed URLs of its own (the local folder the Emulator Suite uses). They behave like Cloud
 * Storage V4 signed URLs in production: anyone holding the link may download the one image it
 * names until it expires; a changed batch, index, partner or expiry breaks the signature.
 * Pure: the key is passed in.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface OutputLinkClaims {
  batchId: string;
  index: number;
  /** Unix seconds. */
  expires: number;
}

export type OutputLinkVerdict =
  | { ok: true }
  | { ok: false; code: "output_link_invalid" | "output_link_expired"; message: string };

const SIGNATURE_RE = /^[0-9a-f]{64}$/;
const EXPIRES_RE = /^[0-9]{1,12}$/;

export function signOutputLink(key: Buffer, claims: OutputLinkClaims): string {
  const text = `v1\n${claims.batchId}\n${claims.index}\n${claims.expires}`;
  return createHmac("sha256", key).update(text).digest("hex");
}

/** The query string of a signed link (without "?"). */
export function outputLinkQuery(key: Buffer, claims: OutputLinkClaims): string {
  return `expires=${claims.expires}&signature=${signOutputLink(key, claims)}`;
}

/**
 * Checks the signature first (so an attacker learns nothing from a forged expiry), then the
 * expiry. `expires` and `signature` are the raw query values.
 */
export function verifyOutputLink(
  key: Buffer,
  target: Omit<OutputLinkClaims, "expires">,
  expires: unknown,
  signature: unknown,
  nowSeconds: number,
): OutputLinkVerdict {
  const invalid: OutputLinkVerdict = {
    ok: false,
    code: "output_link_invalid",
    message: "The output link is not valid: request a fresh one from the batch status",
  };
  if (typeof expires !== "string" || !EXPIRES_RE.test(expires)) return invalid;
  if (typeof signature !== "string" || !SIGNATURE_RE.test(signature)) return invalid;
  const expected = Buffer.from(signOutputLink(key, { ...target, expires: Number(expires) }), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) return invalid;
  if (Number(expires) <= nowSeconds) {
    return {
      ok: false,
      code: "output_link_expired",
      message: "The output link has expired: the batch status returns a fresh one",
    };
  }
  return { ok: true };
}
