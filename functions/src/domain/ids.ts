/** Deterministic identifiers. Pure. */
import { createHash, randomBytes } from "node:crypto";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Cloud Tasks ids: hashed, so they are spread over the key space (sequential ids hot-spot the
 * queue) and the same logical task always gets the same id (a duplicate enqueue is refused).
 */
export function taskId(...parts: (string | number)[]): string {
  return sha256Hex(parts.join("/")).slice(0, 40);
}

/** Image document ids sort in index order, so paging by document id pages by index. */
export function imageDocId(index: number): string {
  return String(index).padStart(6, "0");
}

export function newBatchId(): string {
  return `b_${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}

export function newPartnerId(): string {
  return `p_${randomBytes(8).toString("hex")}`;
}

/** API keys: a recognisable prefix (for secret scanners) and 256 bits of randomness. */
export function newApiKey(): string {
  return `vsk_${randomBytes(32).toString("base64url")}`;
}

export function hashApiKey(apiKey: string): string {
  return sha256Hex(`api-key:${apiKey}`);
}
