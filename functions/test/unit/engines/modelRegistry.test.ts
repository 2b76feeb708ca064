/**
 * The model registry: the facts every other part reads (sizes, ratios, prices), and the
 * start-up refusal of a model id it does not know.
 */
import { describe, expect, it, test } from "@jest/globals";
import {
  DEFAULT_MODEL_ID,
  MODELS,
  callCostUsd,
  imageOutputPriceUsd,
  nearestAspectRatio,
  outputPixels,
  requireModel,
} from "../../../src/engines/modelRegistry.js";

const flash = MODELS["gemini-3.1-flash-image"];
const pro = MODELS["gemini-3-pro-image"];

describe("requireModel", () => {
  it("knows the two GA image models, and defaults to 3.1 Flash Image", () => {
    expect(Object.keys(MODELS).sort()).toEqual(["gemini-3-pro-image", "gemini-3.1-flash-image"]);
    expect(DEFAULT_MODEL_ID).toBe("gemini-3.1-flash-image");
    expect(requireModel("gemini-3-pro-image")).toBe(pro);
  });

  it("refuses a shut-down model, naming its replacement", () => {
    expect(() => requireModel("gemini-2.5-flash-image")).toThrow(
      'GEMINI_MODEL: "gemini-2.5-flash-image" is shut down by the Gemini API (use "gemini-3.1-flash-image"). Known models: gemini-3.1-flash-image, gemini-3-pro-image.',
    );
  });

  it("refuses an unknown id, naming the setting", () => {
    expect(() => requireModel("gemini-4-ultra-image", "--model")).toThrow(
      '--model: "gemini-4-ultra-image" is not a known Gemini image model.',
    );
    expect(() => requireModel("toString")).toThrow("not a known Gemini image model");
  });
});

describe("nearestAspectRatio", () => {
  test.each([
    [4032, 3024, "4:3"],
    [3024, 4032, "3:4"],
    [1920, 1080, "16:9"],
    [1000, 1000, "1:1"],
    [1080, 1350, "4:5"],
    [1350, 1080, "5:4"],
    [3000, 1000, "21:9"],
    [4000, 6000, "2:3"],
    [0, 0, "1:1"],
  ])("%i x %i -> %s", (w, h, ratio) => {
    expect(nearestAspectRatio(flash, w, h)).toBe(ratio);
    expect(nearestAspectRatio(pro, w, h)).toBe(ratio);
  });

  it("uses the wide ratios only where the model has them (a 4:1 panorama)", () => {
    expect(nearestAspectRatio(flash, 8000, 2000)).toBe("4:1");
    expect(nearestAspectRatio(pro, 8000, 2000)).toBe("21:9");
  });
});

describe("outputPixels", () => {
  test.each([
    ["4:3", "1K", 1200, 896],
    ["4:3", "2K", 2400, 1792],
    ["4:3", "4K", 4800, 3584],
    ["3:4", "2K", 1792, 2400],
    ["1:1", "1K", 1024, 1024],
    ["16:9", "4K", 5504, 3072],
  ] as const)("%s at %s -> %i x %i", (ratio, size, width, height) => {
    expect(outputPixels(flash, ratio, size)).toEqual({ width, height });
  });
});

describe("prices", () => {
  test.each([
    ["gemini-3.1-flash-image", "1K", "standard", 0.0672],
    ["gemini-3.1-flash-image", "2K", "standard", 0.1008],
    ["gemini-3.1-flash-image", "4K", "standard", 0.1512],
    ["gemini-3.1-flash-image", "2K", "batch", 0.0504],
    ["gemini-3-pro-image", "1K", "standard", 0.1344],
    ["gemini-3-pro-image", "2K", "standard", 0.1344],
    ["gemini-3-pro-image", "4K", "standard", 0.24],
    ["gemini-3-pro-image", "4K", "batch", 0.12],
  ] as const)("%s %s %s: $%d per output image", (id, size, lane, usd) => {
    expect(imageOutputPriceUsd(MODELS[id], size, lane)).toBe(usd);
  });

  it("prices a call from usageMetadata: input, image and text tokens at their rates", () => {
    const usage = { promptTokens: 1500, outputImageTokens: 1680, outputTextTokens: 100 };
    // 1500 * 0.50/1M + 1680 * 60/1M + 100 * 3/1M
    expect(callCostUsd(flash, "2K", "standard", usage)).toBe(0.10185);
    expect(callCostUsd(flash, "2K", "batch", usage)).toBe(0.050925);
  });

  it("without usage, prices one input image, the prompt and one output image of the size", () => {
    // (1120 + 400) * 2/1M... for pro: 560 input image tokens + 400 prompt tokens.
    expect(callCostUsd(pro, "4K", "standard")).toBe(0.24192);
    expect(callCostUsd(flash, "2K", "standard")).toBe(0.10156);
  });
});
