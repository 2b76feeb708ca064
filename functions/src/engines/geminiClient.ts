/**
 * The @google/genai client both Gemini engines use (gemini.ts, geminiBatch.ts): the Developer
 * API explicitly (GOOGLE_GENAI_USE_VERTEXAI / _ENTERPRISE in the environment cannot switch the
 * backend and its auth under us), our timeout, and no SDK retries (no retryOptions: one fetch
 * per call; Cloud Tasks and the poller own retries). Also what both engines check when built:
 * a key, a known model and a size that model offers.
 */
import { GoogleGenAI } from "@google/genai";
import { requireModel, type ImageModel, type ImageSize } from "./modelRegistry.js";

/** The configured model, or an Error naming the engine (`engine`) and what is missing. */
export function requireEngineModel(
  engine: string,
  options: { apiKey: string; model: string; imageSize: ImageSize },
): ImageModel {
  if (!options.apiKey) throw new Error(`${engine}: apiKey is required`);
  const model = requireModel(options.model);
  if (!model.sizes.includes(options.imageSize)) {
    throw new Error(`${engine}: ${options.model} does not offer imageSize ${options.imageSize}`);
  }
  return model;
}

export function geminiClient(options: {
  apiKey: string;
  apiVersion?: string;
  baseUrl?: string;
  timeoutMs: number;
  /** A fetch of the caller's own (see geminiBatch.ts); default: the SDK's. */
  fetch?: typeof fetch;
}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    apiVersion: options.apiVersion ?? "v1beta",
    httpOptions: {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      timeout: options.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
}
