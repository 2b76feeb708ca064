/**
 * The success record of a staged image (what completeImage writes), from the engine's answer
 * and the encoded output: one builder for the standard lane (stageImage.ts) and the economy
 * lane (economyPoll.ts), which differ only in timing, provenance and lane.
 */
import type { StagingResult } from "../engines/engine.js";
import type { SuccessRecord } from "../store/imageStore.js";
import type { EncodedOutput } from "./encodeOutput.js";

export function successRecord(
  result: StagingResult,
  encoded: EncodedOutput,
  at: Pick<SuccessRecord, "outputPath" | "outputUrl" | "processingTimeMs" | "receivedAtMs"> &
    Pick<SuccessRecord, "inputBytes" | "labelled" | "cached" | "lane">,
): SuccessRecord {
  return {
    ...at,
    engineMs: result.engineMs,
    model: result.model,
    promptVersion: result.promptVersion,
    usage: result.usage ? { ...result.usage } : null,
    costUsd: result.costUsd,
    width: encoded.width,
    height: encoded.height,
    bytes: encoded.bytes.length,
    format: encoded.ext,
    preview: result.preview,
    requestedImageSize: result.requestedImageSize ?? null,
    aspectRatio: result.aspectRatio ?? null,
    modelWidth: encoded.modelWidth,
    modelHeight: encoded.modelHeight,
    resized: encoded.resized,
  };
}
