/**
 * The bench's `costPerImageUsd`: the model cost of one staged image by lane (standard =
 * interactive generateContent, economy = the Gemini Batch API at its batch price), for the
 * deployed defaults (GEMINI_MODEL, OUTPUT_IMAGE_SIZE). Computed from the model registry the
 * engines bill with (one input image plus the prompt estimate in, one image out), not measured:
 * the bench runs the preview engine, and the economy engine prices each answer the same way
 * from its usageMetadata (engines/geminiBatch.ts).
 */
import { geminiModel, outputImageSize } from "../src/config/params.js";
import { callCostUsd, isImageSize, requireModel } from "../src/engines/modelRegistry.js";

export interface CostPerImage {
  model: string;
  imageSize: string;
  standard: number;
  economy: number;
  source: "model registry";
}

export function costPerImageUsd(
  modelId = String(geminiModel.options?.default ?? ""),
  size = String(outputImageSize.options?.default ?? ""),
): CostPerImage {
  const model = requireModel(modelId);
  if (!isImageSize(size)) throw new Error(`unknown image size ${size}`);
  return {
    model: model.id,
    imageSize: size,
    standard: callCostUsd(model, size, "standard"),
    economy: callCostUsd(model, size, "batch"),
    source: "model registry",
  };
}
