/**
 * Proving a fetched source is a decodable JPEG, PNG or WebP of sane dimensions: the bytes'
 * magic number decides the type (the Content-Type header is only a hint), and sharp's header
 * read refuses decompression bombs before any pixel is decoded.
 */
import sharp, { type Metadata } from "sharp";
import { permanent } from "./sourceErrors.js";

export type SourceMimeType = "image/jpeg" | "image/png" | "image/webp";

/** What the header read found: enough for the worker to prepare the photo without reading it again. */
export interface ImageHeader {
  mimeType: SourceMimeType;
  /** Display dimensions (EXIF orientation applied). */
  width: number;
  height: number;
  /** The EXIF orientation (1: upright as stored). */
  orientation: number;
  hasAlpha: boolean;
}

/** The header fields of sharp's metadata: display size (EXIF orientation applied), orientation, alpha. */
export function headerOf(meta: Metadata): Omit<ImageHeader, "mimeType"> {
  const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
  return {
    width: upright.width,
    height: upright.height,
    orientation: meta.orientation ?? 1,
    hasAlpha: meta.hasAlpha === true,
  };
}

/** Decompression-bomb guard: the largest width*height accepted by default. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** Magic-number sniff: the header is only a hint; the bytes decide. */
export function sniffImageType(bytes: Buffer): SourceMimeType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "image/jpeg";
  }
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return "image/png";
  }
  if (
    bytes.length >= 12 &&
    bytes.toString("latin1", 0, 4) === "RIFF" &&
    bytes.toString("latin1", 8, 12) === "WEBP"
  ) {
    return "image/webp";
  }
  return null;
}

const SHARP_FORMAT: Record<SourceMimeType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
};

/**
 * Sniffs, reads dimensions, refuses decompression bombs, then (unless `decode` is false) decodes a
 * thumbnail to prove the pixel data is actually readable (metadata alone only parses the header).
 */
export async function inspectImage(
  bytes: Buffer,
  maxPixels: number = DEFAULT_MAX_PIXELS,
  { decode = true }: { decode?: boolean } = {},
): Promise<ImageHeader> {
  const mimeType = sniffImageType(bytes);
  if (mimeType === null) {
    throw permanent("unsupported_image", "source is not a JPEG, PNG or WebP image");
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw permanent("unsupported_image", "source image cannot be read", err);
  }
  if (meta.format !== SHARP_FORMAT[mimeType]) {
    throw permanent("unsupported_image", `source image format mismatch (${meta.format})`);
  }
  const { width, height } = meta;
  if (!(width > 0 && height > 0)) {
    throw permanent("unsupported_image", "source image has no dimensions");
  }
  if (width * height > maxPixels) {
    throw permanent(
      "image_too_large",
      `source image is ${width}x${height}; at most ${maxPixels} pixels are accepted`,
    );
  }
  if (decode) await proveDecodable(bytes, maxPixels);
  return { mimeType, ...headerOf(meta) };
}

async function proveDecodable(bytes: Buffer, maxPixels: number): Promise<void> {
  try {
    // failOn "truncated": refuse cut-off files, tolerate the harmless warnings real cameras emit.
    await sharp(bytes, { failOn: "truncated", limitInputPixels: maxPixels })
      .resize(32, 32, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (err) {
    throw permanent("unsupported_image", "source image cannot be decoded", err);
  }
}
