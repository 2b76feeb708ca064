/**
 * Encodes an engine's output in the configured format, at the source's exact aspect ratio and at
 * the model's own resolution. The rule:
 *  1. The engine asked for the supported ratio nearest the source's (modelRegistry.ts), so the
 *     model's answer differs from the source's ratio by a few percent at most; the surplus is
 *     cropped at the centre (never stretched, never padded). For a 4032x3024 photo and a
 *     1200x896 (4:3) answer that is 5 columns.
 *  2. The result is never scaled up beyond the pixels the model returned (upscaling adds no
 *     detail, only softness and bytes), unless `upscale` asks for the source's size.
 *  3. `maxDimension` caps the longest side (scaled down to fit).
 *  4. A disclosure label, when asked for, is burned in last, at the final size.
 * The record says what the model returned and whether anything was resized.
 */
import sharp from "sharp";
import { StagingError } from "../domain/stagingError.js";
import { labelOverlay, type DisclosureLabel } from "./burnLabel.js";

export interface EncodedOutput {
  bytes: Buffer;
  width: number;
  height: number;
  contentType: string;
  ext: string;
  /** The pixel size the model answered with. */
  modelWidth: number;
  modelHeight: number;
  /** True when the output's pixel size differs from the model's (crop or scale). */
  resized: boolean;
}

export interface OutputOptions {
  format: "jpeg" | "webp";
  quality: number;
  maxDimension: number;
  /** Scale up to the source's size (within maxDimension). Default false. */
  upscale?: boolean;
  /** Disclosure label burned in at the final size (burnLabel.ts); none when undefined. */
  label?: DisclosureLabel;
}

/** `width` x `height` scaled down (never up) so the longest side is at most maxDimension. */
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

/** The largest centred crop of model x model pixels at the source's aspect ratio. */
export function cropToRatio(
  model: { width: number; height: number },
  source: { width: number; height: number },
): { width: number; height: number } {
  const ratio = source.width / source.height;
  if (model.width / model.height > ratio) {
    return { width: Math.max(1, Math.round(model.height * ratio)), height: model.height };
  }
  return { width: model.width, height: Math.max(1, Math.round(model.width / ratio)) };
}

/** The output pixel size for a model answer and a source (the rule above, without I/O). */
export function outputSize(
  model: { width: number; height: number },
  source: { width: number; height: number },
  options: Pick<OutputOptions, "maxDimension" | "upscale">,
): { width: number; height: number } {
  if (options.upscale) return targetSize(source.width, source.height, options.maxDimension);
  const crop = cropToRatio(model, source);
  return targetSize(crop.width, crop.height, options.maxDimension);
}

/** The file extension of an output format. */
export const outputExtension = (format: OutputOptions["format"]): "webp" | "jpg" =>
  format === "webp" ? "webp" : "jpg";

export async function encodeOutput(
  image: Buffer,
  source: { width: number; height: number },
  options: OutputOptions,
): Promise<EncodedOutput> {
  try {
    const meta = await sharp(image).metadata();
    const model = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const size = outputSize(model, source, options);
    // "cover" crops the surplus at the centre to the exact size, then scales if it must.
    let pipeline = sharp(image)
      .autoOrient()
      .resize({ width: size.width, height: size.height, fit: "cover" });
    if (options.label) {
      // Composited after the resize, at the final pixel size, so no crop can cut it.
      pipeline = sharp(await pipeline.png({ compressionLevel: 0 }).toBuffer()).composite([
        { input: labelOverlay(size.width, size.height, options.label), top: 0, left: 0 },
      ]);
    }
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
      ext: outputExtension(options.format),
      modelWidth: model.width,
      modelHeight: model.height,
      resized: info.width !== model.width || info.height !== model.height,
    };
  } catch (e) {
    throw new StagingError(
      "engine_output_invalid",
      "The engine returned an image that could not be decoded",
      { retryable: true, cause: e },
    );
  }
}
