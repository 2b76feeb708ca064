/**
 * The one GenerateContent request both Gemini lanes send for a staging: the photo, the staging
 * prompt and the image-only generation config (size, nearest supported aspect ratio). The
 * interactive engine (gemini.ts) and the Batch API engine (geminiBatch.ts) build it here, so an
 * economy image is asked exactly what a standard one is.
 */
import { Modality, type Content } from "@google/genai";
import type { StagingRequest } from "./engine.js";
import { nearestAspectRatio, type ImageModel, type ImageSize } from "./modelRegistry.js";
import { buildStagingPrompt } from "./prompts.js";

export interface StagingContent {
  contents: Content[];
  /** The generation fields of the request's config (no transport options). */
  generation: {
    responseModalities: Modality[];
    imageConfig: { aspectRatio: string; imageSize: ImageSize };
    candidateCount: number;
  };
  aspectRatio: string;
  /** Base64 of the photo plus the prompt: the request's size, for inline limits. */
  approxBytes: number;
}

/** Throws a permanent StagingError for an unknown style or room type (before any spend). */
export function buildStagingContent(
  request: StagingRequest,
  model: ImageModel,
  imageSize: ImageSize,
): StagingContent {
  const prompt = buildStagingPrompt(request.designStyle, request.roomType, {
    declutter: request.declutter,
  });
  const data = request.image.toString("base64");
  const aspectRatio = nearestAspectRatio(model, request.width, request.height);
  return {
    contents: [
      {
        role: "user",
        // Image before text: Google's multimodal prompting guidance for a single image.
        parts: [{ inlineData: { mimeType: request.mimeType, data } }, { text: prompt }],
      },
    ],
    generation: {
      // Image only: the Gemini 3 image models accept ["IMAGE"]; we never use the text.
      responseModalities: [Modality.IMAGE],
      imageConfig: { aspectRatio, imageSize },
      candidateCount: 1,
    },
    aspectRatio,
    approxBytes: data.length + prompt.length,
  };
}
