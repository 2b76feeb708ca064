/**
 * The result cache's key: what makes two staging requests produce interchangeable outputs. Two
 * images share a key when the photo sent to the model is the same (the prepared bytes: upright,
 * metadata stripped, downscaled, so a re-upload with other EXIF or a larger original of the same
 * room maps to the same key) and everything else that shapes the output is the same: style,
 * room type, model, image size, prompt version, declutter, the disclosure label and the output
 * encoding (an operator's OUTPUT_FORMAT change must not serve the old format). The document
 * id adds the scope, so one partner's entries are never found by another (scope `partner`) unless
 * the operator widened it to the whole project. Pure: no Firebase here.
 */
import { createHash } from "node:crypto";
import type { DisclosureLabel } from "./stagingOptions.js";

export const CACHE_SCOPES = ["partner", "project"] as const;
export type CacheScope = (typeof CACHE_SCOPES)[number];

export interface CacheKeyInput {
  /** sha256 (hex) of the prepared photo bytes sent to the model. */
  inputSha256: string;
  designStyle: string;
  roomType: string;
  model: string;
  imageSize: string;
  promptVersion: string;
  declutter: boolean;
  label: DisclosureLabel | null;
  /** How the stored output is encoded (format, quality, size cap, upscale). */
  output: { format: string; quality: number; maxDimension: number; upscale: boolean };
}

const sha256 = (s: string | Buffer): string => createHash("sha256").update(s).digest("hex");

export const sha256Hex = (bytes: Buffer): string => sha256(bytes);

/** The key (hex sha256) of a request; stable across processes (fixed field order). */
export function resultCacheKey(input: CacheKeyInput): string {
  // An array, not an object: field order is part of the hash and must never depend on how the
  // caller built its object. The label is normalised so `{}` and absent fields compare equal.
  const label = input.label ? [input.label.text ?? null, input.label.position ?? null] : null;
  return sha256(
    JSON.stringify([
      "v1",
      input.inputSha256,
      input.designStyle,
      input.roomType,
      input.model,
      input.imageSize,
      input.promptVersion,
      input.declutter,
      label,
      [input.output.format, input.output.quality, input.output.maxDimension, input.output.upscale],
    ]),
  );
}

/** The cache document id: the key within its scope (a partner's own, or the project's). */
export function resultCacheDocId(scope: CacheScope, partnerId: string, key: string): string {
  return sha256(scope === "partner" ? `partner:${partnerId}:${key}` : `project:${key}`);
}

export const isCacheScope = (s: string): s is CacheScope =>
  (CACHE_SCOPES as readonly string[]).includes(s);
