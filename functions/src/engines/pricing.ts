/**
 * Cost estimate per engine call, from the token usage the model reports. Prices are config (they
 * change, and differ per model), validated here so a typo fails at startup, not in billing.
 */
import { z } from "zod";
import type { EngineUsage } from "./engine.js";

export const PriceTableSchema = z.strictObject({
  /** USD per 1M prompt tokens (text and input image). */
  inputPerMillionTokens: z.number().nonnegative(),
  /** USD per 1M output tokens (an output image is billed as tokens). */
  outputPerMillionTokens: z.number().nonnegative(),
  /** Optional flat USD per returned image, added to the token cost (per-image-priced models). */
  perImage: z.number().nonnegative().optional(),
});

export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Output tokens of one 1024px (1K) image from gemini-2.5-flash-image. */
export const TOKENS_PER_OUTPUT_IMAGE = 1290;

/**
 * gemini-2.5-flash-image list prices (Gemini Developer API, paid tier): input $0.30 / 1M tokens,
 * output $30 / 1M tokens, so one 1290-token image is about $0.039.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze({
  inputPerMillionTokens: 0.3,
  outputPerMillionTokens: 30,
});

/**
 * Parses a price table from JSON config, e.g.
 * `{"inputPerMillionTokens":0.3,"outputPerMillionTokens":30}`. Blank means the default.
 * Throws an Error naming the bad field.
 */
export function parsePriceTable(json: string): PriceTable {
  if (json.trim() === "") return DEFAULT_PRICE_TABLE;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`Price table is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new Error(`Invalid price table: ${issues}`);
  }
  return parsed.data;
}

/**
 * Estimated USD for one call, rounded to micro-dollars (float noise would otherwise show up in
 * sums). Without usage (the response had no usageMetadata) the output is assumed to be one
 * standard image, so spend is not silently under-counted.
 */
export function estimateCostUsd(
  usage: EngineUsage | undefined,
  priceTable: PriceTable,
  images = 1,
): number {
  const promptTokens = usage?.promptTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? TOKENS_PER_OUTPUT_IMAGE * images;
  const usd =
    (promptTokens * priceTable.inputPerMillionTokens +
      outputTokens * priceTable.outputPerMillionTokens) /
      1_000_000 +
    (priceTable.perImage ?? 0) * images;
  return Math.round(usd * 1_000_000) / 1_000_000;
}
