/**
 * The disclosure label burned into a staged photo ("Virtually staged" by default): MLS rules and
 * laws such as California's AB 723 (2024) require that a virtually staged listing photo says so.
 * Drawn as an SVG overlay (white text on a translucent dark plate) that sharp composites onto
 * the output; the text uses locally installed fonts (DejaVu Sans on Debian, librsvg falls back to
 * any sans-serif), never a network font. Sized from the image so it stays legible on a 1K
 * thumbnail and small on a 4K original: about 2.8% of the shorter side, at least 14 px.
 */

import type { DisclosureLabel, LabelPosition } from "../domain/stagingOptions.js";

export type { DisclosureLabel };
export const DEFAULT_LABEL_TEXT = "Virtually staged";
export const DEFAULT_LABEL_POSITION: LabelPosition = "bottom-left";

const escapeXml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );

/** The label's geometry for an image size (exported for tests). */
export function labelBox(
  width: number,
  height: number,
  label: DisclosureLabel,
): { x: number; y: number; w: number; h: number; fontSize: number; text: string } {
  const text = (label.text ?? DEFAULT_LABEL_TEXT).trim() || DEFAULT_LABEL_TEXT;
  const position = label.position ?? DEFAULT_LABEL_POSITION;
  const fontSize = Math.max(14, Math.round(Math.min(width, height) * 0.028));
  const pad = Math.round(fontSize * 0.5);
  // DejaVu Sans averages about 0.6 em per character; the plate is sized from that estimate.
  const w = Math.min(width, Math.round(text.length * fontSize * 0.6 + pad * 2));
  const h = Math.min(height, Math.round(fontSize * 1.5));
  const margin = Math.round(fontSize * 0.8);
  const x = position.endsWith("left") ? margin : Math.max(0, width - margin - w);
  const y = position.startsWith("top") ? margin : Math.max(0, height - margin - h);
  return { x, y, w, h, fontSize, text };
}

/** An SVG of the image's size holding only the label, for sharp's composite(). */
export function labelOverlay(width: number, height: number, label: DisclosureLabel): Buffer {
  const b = labelBox(width, height, label);
  const baseline = b.y + Math.round(b.h * 0.72);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${Math.round(b.h / 5)}" fill="#000000" fill-opacity="0.6"/>` +
      `<text x="${b.x + Math.round(b.fontSize * 0.5)}" y="${baseline}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" ` +
      `font-size="${b.fontSize}" fill="#ffffff">${escapeXml(b.text)}</text>` +
      `</svg>`,
  );
}
