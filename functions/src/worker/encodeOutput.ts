/**
 * Re-encodes an engine's output at the source's resolution (within a cap) and aspect ratio, in
 * the configured format. A model may answer at its own size; partners expect the photo they sent.
 */
import sharp from "sharp";
import { StagingError } from "../domain/stagingError.js";

export interface EncodedOutput {
  bytes: Buffer;
  width: number;
  height: number;
  contentType: string;
  ext: string;
}

export function targetSize(
  width: number,
  height: number,
  maxDimension: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxDimension / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

export async function encodeOutput(
  image: Buffer,
  source: { width: number; height: number },
  options: { format: "jpeg" | "webp"; quality: number; maxDimension: number },
): Promise<EncodedOutput> {
  const size = targetSize(source.width, source.height, options.maxDimension);
  try {
    // "cover" keeps the source's aspect ratio exactly; a model answer in another ratio is
    // cropped at the centre rather than stretched.
    let pipeline = sharp(image)
      .rotate()
      .resize({ width: size.width, height: size.height, fit: "cover" });
    pipeline =
      options.format === "webp"
        ? pipeline.webp({ quality: options.quality })
        : pipeline.jpeg({ quality: options.quality, progressive: true });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return {
      bytes: data,
      width: info.width,
      height: info.height,
      contentType: options.format === "webp" ? "image/webp" : "image/jpeg",
      ext: options.format === "webp" ? "webp" : "jpg",
    };
  } catch (e) {
    throw new StagingError(
      "engine_output_invalid",
      "The engine returned an image that could not be decoded",
      { retryable: true, cause: e },
    );
  }
}
