/**
 * Builds the engine a batch asked for, once per instance and engine spec ("gemini",
 * "gemini:gemini-3-pro-image", "preview"), from the settings the caller passes (index.ts, read
 * by config/runtimeConfig.ts engineSettings). The model and size are checked: one the registry
 * does not know throws with a message naming the param.
 */
import { logger } from "firebase-functions";
import type { StagingEngine } from "./engine.js";
import { parseEngineSpec } from "./engineNames.js";
import { GeminiEngine } from "./gemini.js";
import { isImageSize, requireModel, IMAGE_SIZES } from "./modelRegistry.js";
import { PreviewEngine } from "./preview.js";

export interface GeminiSettings {
  /** GEMINI_MODEL: the default model, checked against the registry. */
  model: string;
  /** OUTPUT_IMAGE_SIZE, checked against IMAGE_SIZES. */
  imageSize: string;
  baseUrl?: string;
  timeoutMs: number;
  /** Called only when a Gemini engine is built, so the preview engine never reads the secret. */
  apiKey: () => string;
}

export interface EngineSettings {
  gemini: GeminiSettings;
  previewLatencyMs: number;
  /** Economy lane: above this many request bytes a model job goes through the Files API. */
  economyInlineMaxBytes: number;
}

const engines = new Map<string, StagingEngine>();

/** The configured default model and size, validated (start-up check; see index.ts onInit). */
export function configuredGemini(settings: Pick<GeminiSettings, "model" | "imageSize">): {
  model: string;
  imageSize: (typeof IMAGE_SIZES)[number];
} {
  const model = requireModel(settings.model).id;
  const { imageSize } = settings;
  if (!isImageSize(imageSize)) {
    throw new Error(
      `OUTPUT_IMAGE_SIZE: "${imageSize}" is not one of ${IMAGE_SIZES.join(", ")} (uppercase K).`,
    );
  }
  return { model, imageSize };
}

export function getEngine(name: string, settings: EngineSettings): StagingEngine {
  const cached = engines.get(name);
  if (cached) return cached;
  const spec = parseEngineSpec(name);
  if (!spec) throw new Error(`unknown engine ${name}`);
  let engine: StagingEngine;
  if (spec.engine === "preview") {
    engine = new PreviewEngine(settings.previewLatencyMs);
  } else {
    const configured = configuredGemini(settings.gemini);
    engine = new GeminiEngine({
      apiKey: settings.gemini.apiKey(),
      model: spec.model ? requireModel(spec.model, `engine ${name}`).id : configured.model,
      imageSize: configured.imageSize,
      baseUrl: settings.gemini.baseUrl,
      timeoutMs: settings.gemini.timeoutMs,
      logger: { warn: (m, d) => logger.warn(m, d), error: (m, d) => logger.error(m, d) },
    });
  }
  engines.set(name, engine);
  return engine;
}
