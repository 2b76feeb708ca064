/**
 * The success record of a staged image (what completeImage writes), from the engine's answer
 * and the encoded output: one builder for the standard lane (stageImage.ts) and the economy
 * lane (economyPoll.ts), which differ only in timing, provenance and lane. `outputFacts` are the
 * fields of it that a result cache entry keeps too (resultCacheSession.ts), mapped once.
 */
import type { StagingResult } from "../engines/engine.js";
import type { SuccessRecord } from "../store/imageStore.js";
import type { CachedOutput } from "../store/resultCache.js";
import type { EncodedOutput } from "./encodeOutput.js";

/** Who made an output: the model and what it was asked for. */
type Maker = Pick<SuccessRecord, "model" | "promptVersion" | "requestedImageSize" | "aspectRatio">;
/** The output file: its format and pixel size, and the model's size when they differ. */
type OutputFile = Pick<
  SuccessRecord,
  "format" | "width" | "height" | "modelWidth" | "modelHeight" | "resized"
>;
export type OutputFacts = Pick<CachedOutput, keyof Maker | keyof OutputFile>;

/** The facts an image's record and a cache entry share; an unknown size or ratio is null. */
export function outputFacts(by: Maker, file: OutputFile): OutputFacts {
  return {
    model: by.model,
    promptVersion: by.promptVersion,
    requestedImageSize: by.requestedImageSize ?? null,
    aspectRatio: by.aspectRatio ?? null,
    format: file.format,
    width: file.width,
    height: file.height,
    modelWidth: file.modelWidth,
    modelHeight: file.modelHeight,
    resized: file.resized ?? false,
  };
}

export function successRecord(
  result: StagingResult,
  encoded: EncodedOutput,
  at: Pick<SuccessRecord, "outputPath" | "outputUrl" | "processingTimeMs" | "receivedAtMs"> &
    Pick<SuccessRecord, "inputBytes" | "labelled" | "cached" | "lane">,
): SuccessRecord {
  return {
    ...at,
    engineMs: result.engineMs,
    usage: result.usage ? { ...result.usage } : null,
    costUsd: result.costUsd,
    bytes: encoded.bytes.length,
    preview: result.preview,
    ...outputFacts(result, { ...encoded, format: encoded.ext }),
  };
}
