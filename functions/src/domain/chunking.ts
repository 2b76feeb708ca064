/** Splits a batch's image list into chunk documents that fit Firestore's 1 MiB document limit. */
export const MAX_IMAGES_PER_CHUNK = 500;
/** Leaves room under 1 MiB for field names and the document's own overhead. */
export const MAX_CHUNK_BYTES = 800 * 1024;

export interface SourceImage {
  url: string;
  propertyCode?: string;
}

export interface Chunk {
  /** Index of the first image in the batch. */
  start: number;
  images: SourceImage[];
}

function approxBytes(img: SourceImage): number {
  return img.url.length + (img.propertyCode?.length ?? 0) + 48;
}

export function chunkImages(images: readonly SourceImage[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk | null = null;
  let bytes = 0;
  images.forEach((img, i) => {
    const size = approxBytes(img);
    if (
      !current ||
      current.images.length >= MAX_IMAGES_PER_CHUNK ||
      bytes + size > MAX_CHUNK_BYTES
    ) {
      current = { start: i, images: [] };
      chunks.push(current);
      bytes = 0;
    }
    current.images.push(img);
    bytes += size;
  });
  return chunks;
}
