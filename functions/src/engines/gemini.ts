/**
 * The production engine: stages a photo with a Gemini image model (default
 * gemini-2.5-flash-image) through @google/genai. One stage() is exactly one HTTP request:
 * retries belong to Cloud Tasks, which knows about attempts, backoff and quota waits.
 */
import { GoogleGenAI, Modality } from "@google/genai";
import type { GenerateContentResponse } from "@google/genai";
import { performance } from "node:perf_hooks";
import type { EngineUsage, StagingEngine, StagingRequest, StagingResult } from "./engine.js";
import {
  GeminiStagingError,
  fromThrown,
  interpretResponse,
  redactSecrets,
  type GeminiErrorCode,
} from "./geminiErrors.js";
import { estimateCostUsd, type PriceTable } from "./pricing.js";
import { PROMPT_VERSION, buildStagingPrompt } from "./prompts.js";
import type { StagingError } from "../domain/stagingError.js";

export interface EngineLogger {
  warn(msg: string, data?: object): void;
  error(msg: string, data?: object): void;
}

export interface GeminiEngineOptions {
  apiKey: string;
  /** e.g. "gemini-2.5-flash-image". */
  model: string;
  /** Override the API host (tests point this at the fake). Default: the SDK's Google endpoint. */
  baseUrl?: string;
  /** Per-request deadline; the SDK aborts the fetch when it passes. */
  timeoutMs: number;
  priceTable: PriceTable;
  logger?: EngineLogger;
  /**
   * API version path segment. Default "v1beta": @google/genai 3.x defaults to "v1", but Google
   * documents image generation on v1beta; pinning it also ignores GOOGLE_GENAI_API_VERSION.
   */
  apiVersion?: string;
}

/** The Gemini API's limit for a whole inline request body. */
export const MAX_INLINE_REQUEST_BYTES = 20 * 1024 * 1024;

/** One loud log per code per window, so a bad key does not flood logs on a 1000-image batch. */
export const LOG_WINDOW_MS = 5 * 60 * 1000;

// Codes that mean our configuration is wrong (key, billing, region, model id): someone must act.
const CONFIG_CODES: ReadonlySet<string> = new Set<GeminiErrorCode>([
  "model_access_denied",
  "model_not_found",
  "model_rejected_request",
]);

/** Module-level so every engine instance in the process shares the window. */
const lastLogged = new Map<string, { at: number; suppressed: number }>();

/** Returns how many logs were suppressed since the last one, or undefined to suppress this one. */
function takeLogSlot(key: string, now: number, windowMs = LOG_WINDOW_MS): number | undefined {
  const entry = lastLogged.get(key);
  if (entry && now - entry.at < windowMs) {
    entry.suppressed += 1;
    return undefined;
  }
  lastLogged.set(key, { at: now, suppressed: 0 });
  return entry?.suppressed ?? 0;
}

/** For tests: forget which codes were logged. */
export function resetGeminiLogThrottle(): void {
  lastLogged.clear();
}

// Aspect ratios the Gemini API accepts in imageConfig (per @google/genai's ImageConfig docs).
const ASPECT_RATIOS: ReadonlyArray<readonly [string, number]> = [
  ["1:1", 1],
  ["2:3", 2 / 3],
  ["3:2", 3 / 2],
  ["3:4", 3 / 4],
  ["4:3", 4 / 3],
  ["9:16", 9 / 16],
  ["16:9", 16 / 9],
  ["21:9", 21 / 9],
];

/** The supported aspect ratio closest to width/height (compared in log space: 2:1 ~ 1:2). */
export function nearestAspectRatio(width: number, height: number): string {
  if (!(width > 0 && height > 0)) return "1:1";
  const target = Math.log(width / height);
  let best = ASPECT_RATIOS[0];
  for (const candidate of ASPECT_RATIOS) {
    if (Math.abs(Math.log(candidate[1]) - target) < Math.abs(Math.log(best[1]) - target)) {
      best = candidate;
    }
  }
  return best[0];
}

const defaultLogger: EngineLogger = {
  warn: (msg, data) => console.warn(msg, data ?? ""),
  error: (msg, data) => console.error(msg, data ?? ""),
};

export class GeminiEngine implements StagingEngine {
  readonly name = "gemini";
  private readonly client: GoogleGenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly priceTable: PriceTable;
  private readonly logger: EngineLogger;
  /** Kept only to scrub it from anything we log. */
  private readonly secrets: readonly string[];

  constructor(options: GeminiEngineOptions) {
    if (!options.apiKey) throw new Error("GeminiEngine: apiKey is required");
    if (!options.model) throw new Error("GeminiEngine: model is required");
    if (!(options.timeoutMs > 0)) throw new Error("GeminiEngine: timeoutMs must be > 0");
    this.model = options.model;
    this.timeoutMs = options.timeoutMs;
    this.priceTable = options.priceTable;
    this.logger = options.logger ?? defaultLogger;
    this.secrets = [options.apiKey];
    this.client = new GoogleGenAI({
      apiKey: options.apiKey,
      // Explicit, so GOOGLE_GENAI_USE_VERTEXAI / _ENTERPRISE in the environment cannot switch
      // the backend (and the auth method) under us.
      vertexai: false,
      apiVersion: options.apiVersion ?? "v1beta",
      httpOptions: {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        timeout: options.timeoutMs,
        // No retryOptions: the SDK then makes exactly one fetch (with retryOptions it retries
        // 408/429/5xx itself, up to 5 attempts), and Cloud Tasks owns retries.
      },
    });
  }

  async stage(request: StagingRequest): Promise<StagingResult> {
    // Bad ids throw a permanent StagingError before any spend.
    const prompt = buildStagingPrompt(request.designStyle, request.roomType);
    const imageBase64 = request.image.toString("base64");
    if (imageBase64.length + prompt.length + 4096 > MAX_INLINE_REQUEST_BYTES) {
      throw this.report(
        new GeminiStagingError(
          "image_too_large_for_model",
          {},
          {
            detail: `${(request.image.length / 1024 / 1024).toFixed(1)} MB`,
          },
        ),
        request,
      );
    }

    const started = performance.now();
    let response: GenerateContentResponse;
    try {
      response = await this.client.models.generateContent({
        model: this.model,
        contents: [
          {
            role: "user",
            // Image before text: Google's multimodal prompting guidance for a single image.
            parts: [
              { inlineData: { mimeType: request.mimeType, data: imageBase64 } },
              { text: prompt },
            ],
          },
        ],
        config: {
          // Image only: gemini-2.5-flash-image accepts ["IMAGE"] (older preview image models
          // required ["TEXT", "IMAGE"]); we never use the text.
          responseModalities: [Modality.IMAGE],
          imageConfig: { aspectRatio: nearestAspectRatio(request.width, request.height) },
          candidateCount: 1,
          // SDK-side only (not sent): stops the SDK from chaining follow-up requests.
          automaticContinuation: false,
        },
      });
    } catch (e) {
      throw this.report(fromThrown(e), request, performance.now() - started);
    }
    const engineMs = Math.round(performance.now() - started);

    const outcome = interpretResponse(response);
    if (outcome.kind === "refused") throw this.report(outcome.error, request, engineMs);

    const image = Buffer.from(outcome.data, "base64");
    if (image.length === 0) {
      throw this.report(new GeminiStagingError("model_bad_response", {}), request, engineMs);
    }
    const usage = toUsage(response);
    return {
      image,
      mimeType: outcome.mimeType,
      model: this.model,
      promptVersion: PROMPT_VERSION,
      usage,
      costUsd: estimateCostUsd(usage, this.priceTable),
      engineMs,
      preview: false,
    };
  }

  /** Logs a failure (throttled, never the key or image bytes) and returns it for throwing. */
  private report(error: StagingError, request: StagingRequest, elapsedMs?: number): StagingError {
    const provider = error instanceof GeminiStagingError ? error.provider : {};
    const data = {
      code: error.code,
      retryable: error.retryable,
      retryAfterSeconds: error.retryAfterSeconds,
      model: this.model,
      ...provider,
      providerMessage:
        provider.providerMessage === undefined
          ? undefined
          : redactSecrets(provider.providerMessage, this.secrets),
      elapsedMs: elapsedMs === undefined ? undefined : Math.round(elapsedMs),
      timeoutMs: this.timeoutMs,
      batchId: request.context?.batchId,
      imageIndex: request.context?.imageIndex,
    };
    const suppressed = takeLogSlot(error.code, Date.now());
    if (suppressed !== undefined) {
      const payload = { ...data, suppressedSinceLastLog: suppressed };
      if (CONFIG_CODES.has(error.code)) {
        this.logger.error(
          `Gemini ${error.code}: check GEMINI API key, billing, region and model id`,
          payload,
        );
      } else {
        this.logger.warn(`Gemini ${error.code}`, payload);
      }
    }
    return error;
  }
}

function toUsage(response: GenerateContentResponse): EngineUsage | undefined {
  const m = response.usageMetadata;
  if (!m) return undefined;
  const promptTokens = m.promptTokenCount ?? 0;
  // Thinking tokens are billed at the output rate, so they count as output here.
  const outputTokens = (m.candidatesTokenCount ?? 0) + (m.thoughtsTokenCount ?? 0);
  return {
    promptTokens,
    outputTokens,
    totalTokens: m.totalTokenCount ?? promptTokens + outputTokens,
  };
}
