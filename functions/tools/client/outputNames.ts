/**
 * File names for downloaded outputs: the image's propertyCode made safe for a file system, or
 * its index when there is none; a code used by several images gets `-2`, `-3`, ... so no file
 * overwrites another. Shared by the CLI (vstage download) and the dashboard's zip. Pure.
 */

export function extensionOf(contentType: string | null): string {
  if (contentType?.includes("webp")) return "webp";
  if (contentType?.includes("png")) return "png";
  return "jpg";
}

const safe = (code: string) =>
  code
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}_.-]+/gu, "_")
    .replace(/^[._]+|_+$/g, "")
    .slice(0, 80);

/** Base names (without extension) for images in the given order, unique, case-insensitively. */
export function outputBaseNames(
  images: ReadonlyArray<{ index: number; propertyCode?: string | null }>,
): string[] {
  const used = new Set<string>();
  return images.map((img) => {
    const base = (img.propertyCode && safe(img.propertyCode)) || `image-${img.index + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    used.add(name.toLowerCase());
    return name;
  });
}

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? "" : String(v);
  // A leading = + - @ would be run as a formula by spreadsheets: quote it as text.
  const text = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export interface ResultRow {
  index: number;
  propertyCode?: string | null;
  url: string;
  status: string;
  /** The file written for a completed image, relative to the download folder; "" otherwise. */
  file: string;
  error?: { code: string; message: string } | null;
}

/** results.csv of a download: one line per image with its status, output file and error. */
export function resultsCsv(rows: readonly ResultRow[]): string {
  const header = "index,propertyCode,url,status,file,errorCode,errorMessage";
  const lines = rows.map((r) =>
    [r.index, r.propertyCode, r.url, r.status, r.file, r.error?.code, r.error?.message]
      .map(csvCell)
      .join(","),
  );
  return [header, ...lines].join("\n") + "\n";
}
