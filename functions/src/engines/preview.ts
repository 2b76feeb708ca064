/**
 * The offline `preview` engine: deterministic, no model, no key. It returns the source photo
 * with a visible preview treatment (a wash of the style's colour, a furniture-zone outline and a
 * caption naming the style and room type) so the whole pipeline can run in the Emulator Suite.
 * Its outputs are labelled in the pixels and on the image record: never a real staging.
 */
import sharp from "sharp";
import { findRoomType, findStyle } from "../domain/catalog.js";
import type { StagingEngine, StagingRequest, StagingResult } from "./engine.js";

export const PREVIEW_MODEL = "preview-v1";

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

function overlaySvg(
  width: number,
  height: number,
  style: string,
  room: string,
  accent: string,
): Buffer {
  const band = Math.max(28, Math.round(height * 0.12));
  const font = Math.max(12, Math.round(band * 0.42));
  const zoneW = Math.round(width * 0.5);
  const zoneH = Math.round(height * 0.28);
  const zoneX = Math.round((width - zoneW) / 2);
  const zoneY = Math.round(height * 0.62 - zoneH / 2);
  const caption = escapeXml(`PREVIEW · ${style} · ${room} · not a real staging`);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="0" y="0" width="${width}" height="${height}" fill="${accent}" opacity="0.18"/>` +
      `<rect x="${zoneX}" y="${zoneY}" width="${zoneW}" height="${zoneH}" rx="${Math.round(zoneH / 8)}" ` +
      `fill="${accent}" opacity="0.45" stroke="#ffffff" stroke-width="${Math.max(2, Math.round(width / 300))}" stroke-dasharray="12 8"/>` +
      `<rect x="0" y="${height - band}" width="${width}" height="${band}" fill="#000000" opacity="0.62"/>` +
      `<text x="${Math.round(band * 0.4)}" y="${height - Math.round(band * 0.35)}" font-family="DejaVu Sans, sans-serif" ` +
      `font-size="${font}" fill="#ffffff">${caption}</text>` +
      `</svg>`,
  );
}

/**
 * Rendered overlays, kept per size, style and room: drawing the SVG (its text above all) costs
 * more CPU than the rest of a preview, and a batch's photos share a few sizes.
 */
const OVERLAY_CACHE_MAX = 32;
const overlays = new Map<string, Promise<Buffer>>();

function renderedOverlay(
  width: number,
  height: number,
  style: string,
  room: string,
  accent: string,
): Promise<Buffer> {
  const key = JSON.stringify([width, height, style, room, accent]);
  let png = overlays.get(key);
  if (!png) {
    if (overlays.size >= OVERLAY_CACHE_MAX) overlays.delete(overlays.keys().next().value!);
    png = sharp(overlaySvg(width, height, style, room, accent))
      .png({ compressionLevel: 1 })
      .toBuffer();
    // A failed render is not kept: the next image draws it again.
    png.catch(() => overlays.delete(key));
    overlays.set(key, png);
  }
  return png;
}

export class PreviewEngine implements StagingEngine {
  readonly name = "preview";
  constructor(private readonly latencyMs: number) {}

  async stage(req: StagingRequest): Promise<StagingResult> {
    const started = Date.now();
    const style = findStyle(req.designStyle);
    const room = findRoomType(req.roomType);
    const accent = style?.accent ?? "#777777";
    const image = await sharp(req.image)
      .rotate()
      .resize({ width: req.width, height: req.height, fit: "fill" })
      .composite([
        {
          input: await renderedOverlay(
            req.width,
            req.height,
            style?.label ?? req.designStyle,
            room?.label ?? req.roomType,
            accent,
          ),
        },
      ])
      // Fast, lossless hand-over: the worker re-encodes to the output format anyway.
      .png({ compressionLevel: 1 })
      .toBuffer();
    if (this.latencyMs > 0)
      await new Promise((r) => setTimeout(r, this.latencyMs - (Date.now() - started)));
    return {
      image,
      mimeType: "image/png",
      model: PREVIEW_MODEL,
      promptVersion: "preview",
      costUsd: 0,
      engineMs: Date.now() - started,
      preview: true,
    };
  }
}
