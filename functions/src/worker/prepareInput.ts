/**
 * Turns a fetched source photo into what the model is sent: pixels turned upright by its EXIF
 * orientation (the model does not read EXIF, so a portrait phone photo would otherwise be staged
 * sideways), every metadata block dropped (GPS position, camera serial, the owner's name), and
 * the longest side brought down to `maxDimension`.
 *
 * Why a cap: the Gemini 3 image models bill and see an input image as a fixed number of tokens
 * (1120 for gemini-3.1-flash-image, 560 for gemini-3-pro-image; see modelRegistry.ts), so a
 * 4032x3024 original carries no more information to the model than a 2048 px copy, only 5-10x
 * the bytes, upload time and risk of the 20 MB inline request limit. A 25 MB source becomes a
 * JPEG of a few hundred KB to ~1.5 MB. Photos with transparency stay PNG (JPEG has no alpha);
 * everything else (JPEG, WebP, HEIC, TIFF...) is sent as JPEG, which both models accept.
 * The JPEG is libjpeg-turbo's, not mozjpeg's: mozjpeg's smaller files (~10-40 % here) cost 4-17x
 * the CPU (measured with sharp on this project's machines: 516 vs 30 ms for a 2048x1536 photo),
 * and the model bills an input image by a fixed token count, not by its bytes.
 */
import sharp from "sharp";
import { StagingError } from "../domain/stagingError.js";
import type { FetchedSource, ImageHeader } from "./fetchSource.js";
import { headerOf } from "./imageInspection.js";

export interface PreparedInput {
  bytes: Buffer;
  mimeType: "image/jpeg" | "image/png";
  /** Upright dimensions of the bytes sent. */
  width: number;
  height: number;
  /** True when the pixels were rotated or flipped by the EXIF orientation. */
  oriented: boolean;
  /** True when the longest side was reduced. */
  downscaled: boolean;
}

export interface PrepareOptions {
  /** Longest side sent to the model, in pixels. */
  maxDimension: number;
  /** JPEG quality of the copy sent (high: it is the model's only view of the room). */
  jpegQuality?: number;
}

/**
 * `header`: the source's header as fetchSource inspected it, which spares reading it again;
 * without it the header is read here.
 */
export async function prepareInput(
  source: Buffer,
  options: PrepareOptions,
  header?: Pick<ImageHeader, "width" | "height" | "orientation" | "hasAlpha">,
): Promise<PreparedInput> {
  try {
    // fetchSource already refused decompression bombs (its pixel limit).
    const { width, height, orientation, hasAlpha } =
      header ?? headerOf(await sharp(source, { limitInputPixels: false }).metadata());
    const oriented = orientation > 1;
    const longest = Math.max(width, height);
    const downscaled = longest > options.maxDimension;
    // sharp writes no metadata unless asked (withMetadata/keepExif), so EXIF, XMP, IPTC and ICC
    // blocks are all dropped; autoOrient() applies the orientation to the pixels first.
    // failOn "truncated", as the fetch's inspection: a cut-off file is refused, the harmless
    // warnings real cameras emit (sharp's default, "warning", refuses those too) are not.
    let pipeline = sharp(source, { limitInputPixels: false, failOn: "truncated" }).autoOrient();
    if (downscaled) {
      pipeline = pipeline.resize({
        width: options.maxDimension,
        height: options.maxDimension,
        fit: "inside",
        withoutEnlargement: true,
      });
    }
    const png = hasAlpha;
    pipeline = png
      ? pipeline.png({ compressionLevel: 9 })
      : pipeline.jpeg({ quality: options.jpegQuality ?? 90 });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return {
      bytes: data,
      mimeType: png ? "image/png" : "image/jpeg",
      width: info.width,
      height: info.height,
      oriented,
      downscaled,
    };
  } catch (e) {
    throw new StagingError("unsupported_image", "source image cannot be decoded", {
      retryable: false,
      cause: e,
    });
  }
}

/** A fetched source photo and the copy of it prepared for the model. */
export interface ReadySource {
  source: FetchedSource;
  input: PreparedInput;
}

/**
 * Fetches and prepares in one promise, so the worker can run both (network, then libvips off
 * the event loop) while its attempt's start commits; a fetch or preparation error surfaces
 * where the promise is awaited.
 */
export async function fetchAndPrepare(
  fetchSource: (url: string) => Promise<FetchedSource>,
  url: string,
  options: PrepareOptions,
): Promise<ReadySource> {
  const source = await fetchSource(url);
  return { source, input: await prepareInput(source.bytes, options, source) };
}
