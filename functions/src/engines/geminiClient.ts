/**
 * The @google/genai client both Gemini engines use (gemini.ts, geminiBatch.ts): the Developer
 * API explicitly (GOOGLE_GENAI_USE_VERTEXAI / _ENTERPRISE in the environment cannot switch the
 * backend and its auth under us), our timeout, and no SDK retries (no retryOptions: one fetch
 * per call; Cloud Tasks and the poller own retries).
 */
import { GoogleGenAI } from "@google/genai";

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
