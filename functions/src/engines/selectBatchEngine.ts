/**
 * The economy lane's engine, built once per instance from the same params as the interactive
 * Gemini engine (GEMINI_MODEL, OUTPUT_IMAGE_SIZE, GEMINI_BASE_URL, the API key secret) and
 * ECONOMY_INLINE_MAX_BYTES.
 */
import * as p from "../config/params.js";
import { parseEngineSpec } from "./engineNames.js";
import { GeminiBatchEngine } from "./geminiBatch.js";
import { requireModel } from "./modelRegistry.js";
import { configuredGemini } from "./selectEngine.js";

const engines = new Map<string, GeminiBatchEngine>();

/** For a batch's engine spec ("gemini" or "gemini:<model>"). */
export function getBatchEngine(spec: string): GeminiBatchEngine {
  const cached = engines.get(spec);
  if (cached) return cached;
  const parsed = parseEngineSpec(spec);
  const configured = configuredGemini();
  const engine = new GeminiBatchEngine({
    apiKey: p.geminiApiKey.value(),
    model: parsed?.model ? requireModel(parsed.model, `engine ${spec}`).id : configured.model,
    imageSize: configured.imageSize,
    baseUrl: p.geminiBaseUrl.value() || undefined,
    timeoutMs: p.geminiTimeoutMs.value(),
    inlineMaxBytes: p.economyInlineMaxBytes.value(),
  });
  engines.set(spec, engine);
  return engine;
}
