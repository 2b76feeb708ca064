/**
 * The start-up check (index.ts onInit -> configuredGemini): a GEMINI_MODEL the registry does
 * not know, or a malformed OUTPUT_IMAGE_SIZE, stops the instance with a message that names the
 * param, instead of failing images one by one. Params read process.env at run time.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { configuredGemini, getEngine } from "../../../src/engines/selectEngine.js";

const saved = { model: process.env.GEMINI_MODEL, size: process.env.OUTPUT_IMAGE_SIZE };
beforeEach(() => {
  // Outside a deployed function, params have no defaults: set what a deploy would.
  process.env.GEMINI_MODEL = "gemini-3.1-flash-image";
  process.env.OUTPUT_IMAGE_SIZE = "2K";
});
afterEach(() => {
  for (const [name, value] of [
    ["GEMINI_MODEL", saved.model],
    ["OUTPUT_IMAGE_SIZE", saved.size],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("configuredGemini (start-up check)", () => {
  it("accepts the registry's models and sizes", () => {
    expect(configuredGemini()).toEqual({ model: "gemini-3.1-flash-image", imageSize: "2K" });
    process.env.GEMINI_MODEL = "gemini-3-pro-image";
    process.env.OUTPUT_IMAGE_SIZE = "4K";
    expect(configuredGemini()).toEqual({ model: "gemini-3-pro-image", imageSize: "4K" });
  });

  it("refuses the shut-down gemini-2.5-flash-image, naming the replacement", () => {
    process.env.GEMINI_MODEL = "gemini-2.5-flash-image";
    expect(() => configuredGemini()).toThrow(
      'GEMINI_MODEL: "gemini-2.5-flash-image" is shut down by the Gemini API (use "gemini-3.1-flash-image")',
    );
  });

  it("refuses a lowercase size (the API wants an uppercase K)", () => {
    process.env.OUTPUT_IMAGE_SIZE = "2k";
    expect(() => configuredGemini()).toThrow('OUTPUT_IMAGE_SIZE: "2k" is not one of 1K, 2K, 4K');
  });

  it("refuses an engine spec naming an unknown model", () => {
    expect(() => getEngine("gemini:gemini-9-image")).toThrow(
      'engine gemini:gemini-9-image: "gemini-9-image" is not a known Gemini image model',
    );
    expect(() => getEngine("dalle")).toThrow("unknown engine dalle");
  });
});
