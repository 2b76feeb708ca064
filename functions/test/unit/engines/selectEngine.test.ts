/**
 * The start-up check (index.ts onInit -> configuredGemini): a GEMINI_MODEL the registry does
 * not know, or a malformed OUTPUT_IMAGE_SIZE, stops the instance with a message that names the
 * param, instead of failing images one by one. The settings come from config/runtimeConfig.ts,
 * which reads the params (process.env at run time).
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { engineSettings } from "../../../src/config/runtimeConfig.js";
import {
  configuredGemini,
  getEngine,
  type EngineSettings,
} from "../../../src/engines/selectEngine.js";

const settings = (model: string, imageSize: string): EngineSettings => ({
  gemini: { model, imageSize, timeoutMs: 1000, apiKey: () => "test-key" },
  previewLatencyMs: 0,
  economyInlineMaxBytes: 1024,
});

describe("configuredGemini (start-up check)", () => {
  it("accepts the registry's models and sizes", () => {
    expect(configuredGemini({ model: "gemini-3.1-flash-image", imageSize: "2K" })).toEqual({
      model: "gemini-3.1-flash-image",
      imageSize: "2K",
    });
    expect(configuredGemini({ model: "gemini-3-pro-image", imageSize: "4K" })).toEqual({
      model: "gemini-3-pro-image",
      imageSize: "4K",
    });
  });

  it("refuses the shut-down gemini-2.5-flash-image, naming the replacement", () => {
    expect(() => configuredGemini({ model: "gemini-2.5-flash-image", imageSize: "2K" })).toThrow(
      'GEMINI_MODEL: "gemini-2.5-flash-image" is shut down by the Gemini API (use "gemini-3.1-flash-image")',
    );
  });

  it("refuses a lowercase size (the API wants an uppercase K)", () => {
    expect(() => configuredGemini({ model: "gemini-3.1-flash-image", imageSize: "2k" })).toThrow(
      'OUTPUT_IMAGE_SIZE: "2k" is not one of 1K, 2K, 4K',
    );
  });

  it("refuses an engine spec naming an unknown model", () => {
    const valid = settings("gemini-3.1-flash-image", "2K");
    expect(() => getEngine("gemini:gemini-9-image", valid)).toThrow(
      'engine gemini:gemini-9-image: "gemini-9-image" is not a known Gemini image model',
    );
    expect(() => getEngine("dalle", valid)).toThrow("unknown engine dalle");
  });

  it("builds the preview engine without reading the Gemini API key", () => {
    let keyReads = 0;
    const valid = settings("gemini-3.1-flash-image", "2K");
    valid.gemini.apiKey = () => {
      keyReads += 1;
      return "test-key";
    };

    const engine = getEngine("preview", valid);

    expect(engine.name).toBe("preview");
    expect(keyReads).toBe(0);
  });
});

describe("engineSettings (config/runtimeConfig.ts)", () => {
  const saved = { model: process.env.GEMINI_MODEL, size: process.env.OUTPUT_IMAGE_SIZE };
  beforeEach(() => {
    // Outside a deployed function, params have no defaults: set what a deploy would.
    process.env.GEMINI_MODEL = "gemini-3-pro-image";
    process.env.OUTPUT_IMAGE_SIZE = "4K";
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

  it("reads GEMINI_MODEL and OUTPUT_IMAGE_SIZE from the params", () => {
    expect(configuredGemini(engineSettings().gemini)).toEqual({
      model: "gemini-3-pro-image",
      imageSize: "4K",
    });
  });
});
