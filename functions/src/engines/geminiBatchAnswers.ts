/**
 * Reads one answer of a Gemini batch job (inlined or a results-file line, in its wire form) the
 * way the interactive engine reads a generateContent answer: a per-request google.rpc.Status
 * becomes the HTTP error the interactive API would have sent (fromHttpError), a response goes
 * through interpretResponse (refusals and finishMessage included), an image is priced at the
 * Batch API price.
 */
import type { StagingResult } from "./engine.js";
import type { StagingError } from "../domain/stagingError.js";
import type { RawBatchAnswer } from "./geminiBatchFiles.js";
import {
  GeminiStagingError,
  fromHttpError,
  interpretResponse,
  parseGoogleErrorBody,
} from "./geminiErrors.js";
import { reportedUsage, toBilledUsage } from "./gemini.js";
import { callCostUsd, type ImageModel, type ImageSize } from "./modelRegistry.js";
import { PROMPT_VERSION } from "./prompts.js";

/** Facts about a submitted request, recorded with the job (StagingResult fields). */
export interface RequestFacts {
  aspectRatio: string;
  inputBytes: number;
}

export type BatchItemResult =
  | { key: string; kind: "image"; result: StagingResult }
  | { key: string; kind: "error"; error: StagingError };

// google.rpc.Code -> the HTTP status the interactive API would have answered with.
const GRPC_TO_HTTP: Record<number, number> = {
  3: 400,
  4: 504,
  5: 404,
  7: 403,
  8: 429,
  13: 500,
  14: 503,
  16: 401,
};

export function readBatchAnswer(
  r: RawBatchAnswer,
  position: number,
  ctx: { model: ImageModel; imageSize: ImageSize; requests: Map<string, RequestFacts> },
): BatchItemResult {
  const key = r.key ?? String(position);
  if (r.error) {
    const httpStatus = GRPC_TO_HTTP[r.error.code ?? -1] ?? 500;
    return {
      key,
      kind: "error",
      // The Status carries the same details (QuotaFailure, RetryInfo, ErrorInfo) as an
      // interactive error body.
      error: fromHttpError(
        httpStatus,
        parseGoogleErrorBody({
          error: { code: httpStatus, message: r.error.message, details: r.error.details },
        }),
      ),
    };
  }
  const response = r.response;
  if (!response) {
    return { key, kind: "error", error: new GeminiStagingError("model_bad_response", {}) };
  }
  const outcome = interpretResponse(response);
  if (outcome.kind === "refused") return { key, kind: "error", error: outcome.error };
  const image = Buffer.from(outcome.data, "base64");
  if (image.length === 0) {
    return { key, kind: "error", error: new GeminiStagingError("model_bad_response", {}) };
  }
  const billed = toBilledUsage(response);
  const request = ctx.requests.get(key);
  return {
    key,
    kind: "image",
    result: {
      image,
      mimeType: outcome.mimeType,
      model: ctx.model.id,
      promptVersion: PROMPT_VERSION,
      usage: reportedUsage(billed),
      // The Batch API price (half the standard one), from the registry.
      costUsd: callCostUsd(ctx.model, ctx.imageSize, "batch", billed),
      engineMs: 0,
      preview: false,
      requestedImageSize: ctx.imageSize,
      aspectRatio: request?.aspectRatio,
      inputBytes: request?.inputBytes,
    },
  };
}
