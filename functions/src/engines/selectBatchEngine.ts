/**
 * The economy lane's engine, built once per instance from the same settings as the interactive
 * Gemini engine (GEMINI_MODEL, OUTPUT_IMAGE_SIZE, GEMINI_BASE_URL, the API key secret) and
 * ECONOMY_INLINE_MAX_BYTES, passed in by the caller (index.ts).
 */
import { parseEngineSpec } from "./engineNames.js";
import { GeminiBatchEngine } from "./geminiBatch.js";
import { requireModel } from "./modelRegistry.js";
import { configuredGemini, type EngineSettings } from "./selectEngine.js";

const engines = new Map<string, GeminiBatchEngine>();

/** For a batch's engine spec ("gemini" or "gemini:<model>"). */
export function getBatchEngine(spec: string, settings: EngineSettings): GeminiBatchEngine {
  const cached = engines.get(spec);
  if (cached) return cached;
  const parsed = parseEngineSpec(spec);
  const configured = configuredGemini(settings.gemini);
  const engine = new GeminiBatchEngine({
    apiKey: settings.gemini.apiKey(),
    model: parsed?.model ? requireModel(parsed.model, `engine ${spec}`).id : configured.model,
    imageSize: configured.imageSize,
    baseUrl: settings.gemini.baseUrl,
    timeoutMs: settings.gemini.timeoutMs,
    inlineMaxBytes: settings.economyInlineMaxBytes,
  });
  engines.set(spec, engine);
  return engine;
}
