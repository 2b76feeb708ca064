/**
 * Synthetic photos of empty rooms, drawn locally (no downloaded images): a floor and walls in
 * perspective, a window, a door and skirting, with varied colours and sizes. They exercise the
 * pipeline like real listing photos do (JPEG, landscape and portrait, a few megapixels at most).
 */
import sharp from "sharp";

const WALLS = ["#e9e4da", "#dfe6e8", "#efe9e1", "#e4e0ea", "#f1ece4", "#dde3d8"];
const FLOORS = ["#b08a5e", "#9c7b55", "#c9b79a", "#8d8d8d", "#a67c52", "#d2c1a3"];

export interface SampleRoom {
  name: string;
  width: number;
  height: number;
  jpeg: Buffer;
}

function roomSvg(i: number, width: number, height: number): string {
  const wall = WALLS[i % WALLS.length];
  const floor = FLOORS[(i * 7) % FLOORS.length];
  const hx = width * (0.22 + ((i * 13) % 10) / 100); // back wall left edge
  const hw = width * 0.56; // back wall width
  const hy = height * 0.18;
  const hh = height * 0.5;
  const win = { x: hx + hw * 0.15 + ((i * 17) % 20), y: hy + hh * 0.18, w: hw * 0.35, h: hh * 0.5 };
  const door = { x: hx + hw * 0.68, y: hy + hh * 0.32, w: hw * 0.18, h: hh * 0.68 };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <linearGradient id="light" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#000" stop-opacity="0.10"/><stop offset="0.5" stop-color="#fff" stop-opacity="0.08"/>
      <stop offset="1" stop-color="#000" stop-opacity="0.12"/>
    </linearGradient>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fc3ea"/><stop offset="1" stop-color="#d8ecf7"/></linearGradient>
  </defs>
  <rect width="${width}" height="${height}" fill="${wall}"/>
  <polygon points="0,0 ${hx},${hy} ${hx},${hy + hh} 0,${height}" fill="${wall}" style="filter:brightness(0.9)" opacity="0.95"/>
  <polygon points="0,0 ${hx},${hy} ${hx},${hy + hh} 0,${height}" fill="#000" opacity="0.06"/>
  <polygon points="${width},0 ${hx + hw},${hy} ${hx + hw},${hy + hh} ${width},${height}" fill="#000" opacity="0.1"/>
  <polygon points="0,0 ${width},0 ${hx + hw},${hy} ${hx},${hy}" fill="#fff" opacity="0.35"/>
  <polygon points="0,${height} ${hx},${hy + hh} ${hx + hw},${hy + hh} ${width},${height}" fill="${floor}"/>
  ${Array.from({ length: 9 }, (_, k) => {
    const t = (k + 1) / 10;
    return `<line x1="${hx + hw * t}" y1="${hy + hh}" x2="${width * t}" y2="${height}" stroke="#000" stroke-opacity="0.08" stroke-width="2"/>`;
  }).join("")}
  <rect x="${win.x}" y="${win.y}" width="${win.w}" height="${win.h}" fill="url(#sky)" stroke="#fafafa" stroke-width="${Math.max(4, width / 160)}"/>
  <line x1="${win.x + win.w / 2}" y1="${win.y}" x2="${win.x + win.w / 2}" y2="${win.y + win.h}" stroke="#fafafa" stroke-width="${Math.max(3, width / 240)}"/>
  <rect x="${door.x}" y="${door.y}" width="${door.w}" height="${door.h}" fill="#f7f4ef" stroke="#cfc8bd" stroke-width="3"/>
  <circle cx="${door.x + door.w * 0.85}" cy="${door.y + door.h * 0.55}" r="${Math.max(3, width / 300)}" fill="#8a7a5a"/>
  <rect x="${hx}" y="${hy + hh - 8}" width="${hw}" height="8" fill="#ffffff" opacity="0.8"/>
  <rect width="${width}" height="${height}" fill="url(#light)"/>
</svg>`;
}

/** Deterministic: room `i` is always the same photo. */
export async function renderRoom(
  i: number,
  options: { width?: number; height?: number } = {},
): Promise<SampleRoom> {
  const portrait = i % 5 === 4;
  const width = options.width ?? (portrait ? 768 : 1024 + ((i * 64) % 512));
  const height = options.height ?? (portrait ? 1024 : Math.round(width * 0.66));
  const jpeg = await sharp(Buffer.from(roomSvg(i, width, height)))
    .jpeg({ quality: 85 })
    .toBuffer();
  return { name: `room-${String(i).padStart(3, "0")}.jpg`, width, height, jpeg };
}
