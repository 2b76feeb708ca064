/**
 * The production engine: stages a photo with a Gemini image model (default
 * gemini-3.1-flash-image, see modelRegistry.ts) through @google/genai, asking for the configured
 * output size (imageConfig.imageSize) and the supported aspect ratio nearest the photo's. One
 * stage() is exactly one HTTP request: retries belong to Cloud Tasks, which knows about
 * attempts, backoff and quota waits.
 */
import { geminiClient, requireEngineModel } from "./geminiClient.js";
import { GoogleGenAI } from "@google/genai";
import type { GenerateContentResponse } from "@google/genai";
import { performance } from "node:perf_hooks";
import type { StagingEngine, StagingRequest, StagingResult } from "./engine.js";
import {
  GeminiStagingError,
  fromThrown,
  interpretResponse,
  redactSecrets,
  type GeminiErrorCode,
} from "./geminiErrors.js";
import {
  callCostUsd,
  type BilledUsage,
  type ImageModel,
  type ImageSize,
  type PriceLane,
} from "./modelRegistry.js";
import { captureRawResponse, type RawResponseCapture } from "./rawResponse.js";
import { PROMPT_VERSION } from "./prompts.js";
import { buildStagingContent } from "./geminiRequest.js";
import type { StagingError } from "../domain/stagingError.js";

export interface EngineLogger {
  warn(msg: string, data?: object): void;
  error(msg: string, data?: object): void;
}

export interface GeminiEngineOptions {
  apiKey: string;
  /** A registry id, e.g. "gemini-3.1-flash-image"; an unknown id throws here (start-up). */
  model: string;
  /** imageConfig.imageSize sent with every request. */
  imageSize: ImageSize;
  /** Which price applies (interactive calls are "standard"). Default "standard". */
  lane?: PriceLane;
  /** Override the API host (tests point this at the fake). Default: the SDK's Google endpoint. */
  baseUrl?: string;
  /** Per-request deadline; the SDK aborts the fetch when it passes. */
  timeoutMs: number;
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

const defaultLogger: EngineLogger = {
  warn: (msg, data) => console.warn(msg, data ?? ""),
  error: (msg, data) => console.error(msg, data ?? ""),
};

export class GeminiEngine implements StagingEngine {
  readonly name = "gemini";
  private readonly client: GoogleGenAI;
  private readonly model: ImageModel;
  private readonly imageSize: ImageSize;
  private readonly lane: PriceLane;
  private readonly timeoutMs: number;
  private readonly logger: EngineLogger;
  /** Kept only to scrub it from anything we log. */
  private readonly secrets: readonly string[];

  get resultIdentity(): { model: string; imageSize: string } {
    return { model: this.model.id, imageSize: this.imageSize };
  }

  constructor(options: GeminiEngineOptions) {
    this.model = requireEngineModel("GeminiEngine", options);
    if (!(options.timeoutMs > 0)) throw new Error("GeminiEngine: timeoutMs must be > 0");
    this.imageSize = options.imageSize;
    this.lane = options.lane ?? "standard";
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger ?? defaultLogger;
    this.secrets = [options.apiKey];
    this.client = geminiClient(options);
  }

  async stage(request: StagingRequest): Promise<StagingResult> {
    // Bad ids throw a permanent StagingError before any spend.
    const built = buildStagingContent(request, this.model, this.imageSize);
    if (built.approxBytes + 4096 > MAX_INLINE_REQUEST_BYTES) {
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

    const aspectRatio = built.aspectRatio;
    const raw: RawResponseCapture = {};
    const started = performance.now();
    let response: GenerateContentResponse;
    try {
      response = await this.client.models.generateContent({
        model: this.model.id,
        contents: built.contents,
        config: {
          ...built.generation,
          // Our own fetch, per call: it keeps the fields the SDK's conversion drops
          // (candidates[].finishMessage) and, being a plain fetch, needs no undici dispatcher.
          httpOptions: { fetch: captureRawResponse(raw), timeout: this.timeoutMs },
          // SDK-side only (not sent): stops the SDK from chaining follow-up requests.
          automaticContinuation: false,
        },
      });
    } catch (e) {
      throw this.report(fromThrown(e), request, performance.now() - started);
    }
    const engineMs = Math.round(performance.now() - started);

    const outcome = interpretResponse({
      ...response,
      candidates: response.candidates?.map((c, i) => ({
        ...c,
        finishMessage: raw.finishMessages?.[i],
      })),
    });
    if (outcome.kind === "refused") {
      // A 200 answer without an image is still billed for the tokens its usageMetadata counts.
      const refusedUsage = toBilledUsage(response);
      if (refusedUsage)
        outcome.error.billedUsd = callCostUsd(this.model, this.imageSize, this.lane, refusedUsage);
      throw this.report(outcome.error, request, engineMs);
    }

    const image = Buffer.from(outcome.data, "base64");
    if (image.length === 0) {
      throw this.report(new GeminiStagingError("model_bad_response", {}), request, engineMs);
    }
    const billed = toBilledUsage(response);
    return {
      image,
      mimeType: outcome.mimeType,
      model: this.model.id,
      promptVersion: PROMPT_VERSION,
      usage: reportedUsage(billed),
      costUsd: callCostUsd(this.model, this.imageSize, this.lane, billed),
      engineMs,
      preview: false,
      requestedImageSize: this.imageSize,
      aspectRatio,
      inputBytes: request.image.length,
    };
  }

  /** Logs a failure (throttled, never the key or image bytes) and returns it for throwing. */
  private report(error: StagingError, request: StagingRequest, elapsedMs?: number): StagingError {
    const provider = error instanceof GeminiStagingError ? error.provider : {};
    const data = {
      code: error.code,
      retryable: error.retryable,
      retryAfterSeconds: error.retryAfterSeconds,
      model: this.model.id,
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

/**
 * Token counts split the way they are billed: image output tokens at the image rate, text and
 * thinking tokens at the text rate. Undefined when the response has no usageMetadata.
 */
/** The token counts an image records (partners see them in the status). */
export function reportedUsage(billed: BilledUsage | undefined) {
  return (
    billed && {
      promptTokens: billed.promptTokens,
      outputTokens: billed.outputImageTokens + billed.outputTextTokens,
      totalTokens: billed.promptTokens + billed.outputImageTokens + billed.outputTextTokens,
    }
  );
}

export function toBilledUsage(
  response: Pick<GenerateContentResponse, "usageMetadata">,
): BilledUsage | undefined {
  const m = response.usageMetadata;
  if (!m) return undefined;
  const candidates = m.candidatesTokenCount ?? 0;
  const details = m.candidatesTokensDetails ?? [];
  const imageTokens = details.length
    ? details.filter((d) => d.modality === "IMAGE").reduce((sum, d) => sum + (d.tokenCount ?? 0), 0)
    : candidates;
  return {
    promptTokens: m.promptTokenCount ?? 0,
    outputImageTokens: imageTokens,
    outputTextTokens: Math.max(0, candidates - imageTokens) + (m.thoughtsTokenCount ?? 0),
  };
}
