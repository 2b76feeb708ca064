/**
 * Builds the engine a batch asked for, once per instance and engine spec ("gemini",
 * "gemini:gemini-3-pro-image", "preview"). Param values are read here, at first use, and
 * checked: a model or size the registry does not know throws with a message naming the param.
 */
import * as p from "../config/params.js";
import { logger } from "firebase-functions";
import type { StagingEngine } from "./engine.js";
import { parseEngineSpec } from "./engineNames.js";
import { GeminiEngine } from "./gemini.js";
import { isImageSize, requireModel, IMAGE_SIZES } from "./modelRegistry.js";
import { PreviewEngine } from "./preview.js";

const engines = new Map<string, StagingEngine>();

/** The configured default model and size, validated (start-up check; see index.ts onInit). */
export function configuredGemini(): { model: string; imageSize: (typeof IMAGE_SIZES)[number] } {
  const model = requireModel(p.geminiModel.value()).id;
  const imageSize = p.outputImageSize.value();
  if (!isImageSize(imageSize)) {
    throw new Error(
      `OUTPUT_IMAGE_SIZE: "${imageSize}" is not one of ${IMAGE_SIZES.join(", ")} (uppercase K).`,
    );
  }
  return { model, imageSize };
}

export function getEngine(name: string): StagingEngine {
  const cached = engines.get(name);
  if (cached) return cached;
  const spec = parseEngineSpec(name);
  if (!spec) throw new Error(`unknown engine ${name}`);
  let engine: StagingEngine;
  if (spec.engine === "preview") {
    engine = new PreviewEngine(p.previewLatencyMs.value());
  } else {
    const configured = configuredGemini();
    engine = new GeminiEngine({
      apiKey: p.geminiApiKey.value(),
      model: spec.model ? requireModel(spec.model, `engine ${name}`).id : configured.model,
      imageSize: configured.imageSize,
      baseUrl: p.geminiBaseUrl.value() || undefined,
      timeoutMs: p.geminiTimeoutMs.value(),
      logger: { warn: (m, d) => logger.warn(m, d), error: (m, d) => logger.error(m, d) },
    });
  }
  engines.set(name, engine);
  return engine;
}
