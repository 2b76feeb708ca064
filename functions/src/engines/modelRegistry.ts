/**
 * The one place the facts about each Gemini image model live: which aspect ratios and image
 * sizes it accepts, the pixel size it answers with, the tokens an output image costs, and the
 * list prices (standard and Batch API lanes). Engines, the fake Gemini server, the worker, the
 * cost estimate, the deploy check and the docs read these; nothing else keeps its own copy.
 *
 * Sources (read 2026-11-30):
 *  - Output tokens per image and input image tokens: the model pages of the Gemini image models,
 *    https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-1-flash-image
 *    ("747 output image tokens for 512, 1120 tokens for 1K, 1680 tokens for 2K, and 2520 tokens
 *    for 4K"; "1120 input image tokens per input image") and .../gemini/3-pro-image ("560 input
 *    image tokens per input image"; "1120 tokens for 1K and 2K, and 2000 tokens for 4K").
 *  - Aspect ratios: the same pages (3.1 Flash Image adds 1:4, 4:1, 1:8, 8:1) and @google/genai's
 *    ImageConfig type (1:1 2:3 3:2 3:4 4:3 4:5 5:4 9:16 16:9 21:9; imageSize 1K | 2K | 4K).
 *  - Prices: https://ai.google.dev/gemini-api/docs/pricing (paid tier; the Batch API is 50% of the
 *    standard price). The docs corpus available while writing this did not hold that page
 *    itself; the per-token rates below are those its transcriptions quote ($60 / 1M image output
 *    tokens for 3.1 Flash Image, $120 / 1M for 3 Pro Image), and they reproduce the per-image
 *    figures the issue and those transcriptions give ($0.067 / $0.101 / $0.151; $0.134 / $0.24).
 *  - Shut-down models: https://ai.google.dev/gemini-api/docs/deprecations (gemini-2.5-flash-image
 *    shut down October 2, 2026; the -preview ids of the 3.x image models were retired when the
 *    GA ids shipped).
 *  - Pixel sizes per ratio and size: the resolution table of
 *    https://ai.google.dev/gemini-api/docs/image-generation. That table was NOT in the docs
 *    corpus available while writing this: the 1K row below is Gemini 3 Pro Image's published
 *    table as we know it (about 1 MP, sides multiples of 16), 2K and 4K are 2x and 4x per side.
 *    The 1:4 / 4:1 / 1:8 / 8:1 rows of 3.1 Flash Image are our estimate by the same rule.
 *    `npm run live` prints the dimensions the real model returns; correct this table from it.
 */

export const IMAGE_SIZES = ["1K", "2K", "4K"] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export function isImageSize(v: string): v is ImageSize {
  return (IMAGE_SIZES as readonly string[]).includes(v);
}

/** A Gemini API processing lane: interactive generateContent, or the Batch API (half price). */
export type PriceLane = "standard" | "batch";

export interface LanePrices {
  /** USD per 1M input tokens (text and image). */
  inputPerMillion: number;
  /** USD per 1M output image tokens. */
  outputImagePerMillion: number;
  /** USD per 1M output text and thinking tokens. */
  outputTextPerMillion: number;
}

export interface ImageModel {
  id: string;
  label: string;
  /** Pixel size of the 1K answer per aspect ratio ("W:H" -> [width, height]). */
  ratios1K: Readonly<Record<string, readonly [number, number]>>;
  sizes: readonly ImageSize[];
  outputTokens: Readonly<Record<ImageSize, number>>;
  /** Tokens billed per input image, whatever its pixel size. */
  inputImageTokens: number;
  prices: Readonly<Record<PriceLane, LanePrices>>;
}

/** The ten ratios both models accept, at 1K. */
const COMMON_1K: Record<string, readonly [number, number]> = {
  "1:1": [1024, 1024],
  "2:3": [848, 1264],
  "3:2": [1264, 848],
  "3:4": [896, 1200],
  "4:3": [1200, 896],
  "4:5": [928, 1152],
  "5:4": [1152, 928],
  "9:16": [768, 1376],
  "16:9": [1376, 768],
  "21:9": [1584, 672],
};

const half = (p: LanePrices): LanePrices => ({
  inputPerMillion: p.inputPerMillion / 2,
  outputImagePerMillion: p.outputImagePerMillion / 2,
  outputTextPerMillion: p.outputTextPerMillion / 2,
});

const FLASH_PRICES: LanePrices = {
  inputPerMillion: 0.5,
  outputImagePerMillion: 60,
  outputTextPerMillion: 3,
};
const PRO_PRICES: LanePrices = {
  inputPerMillion: 2,
  outputImagePerMillion: 120,
  outputTextPerMillion: 12,
};

export const MODELS: Readonly<Record<string, ImageModel>> = Object.freeze({
  "gemini-3.1-flash-image": {
    id: "gemini-3.1-flash-image",
    label: "Gemini 3.1 Flash Image (fast, cheaper)",
    ratios1K: {
      ...COMMON_1K,
      "1:4": [512, 2048],
      "4:1": [2048, 512],
      "1:8": [384, 3072],
      "8:1": [3072, 384],
    },
    sizes: IMAGE_SIZES,
    outputTokens: { "1K": 1120, "2K": 1680, "4K": 2520 },
    inputImageTokens: 1120,
    prices: { standard: FLASH_PRICES, batch: half(FLASH_PRICES) },
  },
  "gemini-3-pro-image": {
    id: "gemini-3-pro-image",
    label: "Gemini 3 Pro Image (higher quality)",
    ratios1K: COMMON_1K,
    sizes: IMAGE_SIZES,
    outputTokens: { "1K": 1120, "2K": 1120, "4K": 2000 },
    inputImageTokens: 560,
    prices: { standard: PRO_PRICES, batch: half(PRO_PRICES) },
  },
});

export const DEFAULT_MODEL_ID = "gemini-3.1-flash-image";

/** Ids the Gemini API no longer serves (it answers 404 NOT_FOUND), with their replacement. */
export const SHUT_DOWN_MODELS: Readonly<Record<string, string>> = Object.freeze({
  "gemini-2.5-flash-image": "gemini-3.1-flash-image",
  "gemini-2.5-flash-image-preview": "gemini-3.1-flash-image",
  "gemini-2.0-flash-preview-image-generation": "gemini-3.1-flash-image",
  "gemini-3.1-flash-image-preview": "gemini-3.1-flash-image",
  "gemini-3-pro-image-preview": "gemini-3-pro-image",
});

export const MODEL_IDS = Object.keys(MODELS);

export function findModel(id: string): ImageModel | undefined {
  return Object.hasOwn(MODELS, id) ? MODELS[id] : undefined;
}

/**
 * The model for an id, or an Error whose message tells the operator what to set instead.
 * Called at start-up and by the deploy check, so a wrong GEMINI_MODEL is found before any image.
 */
export function requireModel(id: string, setting = "GEMINI_MODEL"): ImageModel {
  const model = findModel(id);
  if (model) return model;
  const replacement = Object.hasOwn(SHUT_DOWN_MODELS, id) ? SHUT_DOWN_MODELS[id] : undefined;
  const why = replacement
    ? `"${id}" is shut down by the Gemini API (use "${replacement}")`
    : `"${id}" is not a known Gemini image model`;
  throw new Error(`${setting}: ${why}. Known models: ${MODEL_IDS.join(", ")}.`);
}

const scale = (size: ImageSize): number => ({ "1K": 1, "2K": 2, "4K": 4 })[size];

/** The pixel size the model answers with for a ratio and size (the docs' resolution table). */
export function outputPixels(
  model: ImageModel,
  ratio: string,
  size: ImageSize,
): { width: number; height: number } {
  const base = model.ratios1K[ratio];
  if (!base) throw new Error(`${model.id} does not support aspect ratio ${ratio}`);
  return { width: base[0] * scale(size), height: base[1] * scale(size) };
}

const ratioValue = (ratio: string): number => {
  const [w, h] = ratio.split(":").map(Number);
  return w / h;
};

/**
 * The supported ratio closest to width/height, compared in log space (so 2:1 is as far from 1:1
 * as 1:2). The output is then cropped to the source's exact ratio: the nearest ratio is the one
 * that crops the least.
 */
export function nearestAspectRatio(model: ImageModel, width: number, height: number): string {
  if (!(width > 0 && height > 0)) return "1:1";
  const target = Math.log(width / height);
  let best = "1:1";
  for (const ratio of Object.keys(model.ratios1K)) {
    if (
      Math.abs(Math.log(ratioValue(ratio)) - target) < Math.abs(Math.log(ratioValue(best)) - target)
    ) {
      best = ratio;
    }
  }
  return best;
}

/** Token counts as the model reports them (usageMetadata), split by what they are billed as. */
export interface BilledUsage {
  promptTokens: number;
  outputImageTokens: number;
  outputTextTokens: number;
}

/** Micro-dollar rounding, so float noise does not show up in batch sums. */
const usd = (v: number): number => Math.round(v * 1_000_000) / 1_000_000;

/**
 * USD for one call. Without usage (no usageMetadata) the call is priced from the registry: one
 * input image plus a short prompt in, one image of `size` out, so spend is never under-counted.
 */
export function callCostUsd(
  model: ImageModel,
  size: ImageSize,
  lane: PriceLane,
  usage?: BilledUsage,
): number {
  const p = model.prices[lane];
  const billed = usage ?? {
    promptTokens: model.inputImageTokens + PROMPT_TOKENS_ESTIMATE,
    outputImageTokens: model.outputTokens[size],
    outputTextTokens: 0,
  };
  return usd(
    (billed.promptTokens * p.inputPerMillion +
      billed.outputImageTokens * p.outputImagePerMillion +
      billed.outputTextTokens * p.outputTextPerMillion) /
      1_000_000,
  );
}

/** Roughly our staging prompt's length in tokens (about 4 characters a token). */
export const PROMPT_TOKENS_ESTIMATE = 400;

/** The price of the output image alone: the figure partners compare (README, API doc). */
export function imageOutputPriceUsd(model: ImageModel, size: ImageSize, lane: PriceLane): number {
  return usd((model.outputTokens[size] * model.prices[lane].outputImagePerMillion) / 1_000_000);
}
