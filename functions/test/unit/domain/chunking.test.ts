import { describe, expect, it } from "@jest/globals";
import {
  type Chunk,
  chunkImages,
  MAX_CHUNK_BYTES,
  MAX_IMAGES_PER_CHUNK,
  type SourceImage,
} from "../../../src/domain/chunking.js";

/** Firestore's hard document limit. */
const FIRESTORE_MAX_DOC_BYTES = 1024 * 1024;

const shortImages = (n: number): SourceImage[] =>
  Array.from({ length: n }, (_, i) => ({ url: `https://photos.example.com/${i}.jpg` }));

/** URLs of exactly `length` characters, all different. */
const longUrl = (i: number, length = 2048) => {
  const prefix = `https://photos.example.com/${i}/`;
  return prefix + "x".repeat(length - prefix.length);
};

/** The invariants every chunking must satisfy. */
function expectValidChunking(images: readonly SourceImage[], chunks: Chunk[]) {
  // Start indexes are contiguous: each chunk begins where the previous one ended.
  let expectedStart = 0;
  for (const c of chunks) {
    expect(c.start).toBe(expectedStart);
    expect(c.images.length).toBeGreaterThan(0);
    expect(c.images.length).toBeLessThanOrEqual(MAX_IMAGES_PER_CHUNK);
    expectedStart += c.images.length;
  }
  expect(expectedStart).toBe(images.length);
  // Every image exactly once, in order (same objects).
  const flat = chunks.flatMap((c) => c.images);
  expect(flat).toHaveLength(images.length);
  flat.forEach((img, i) => expect(img).toBe(images[i]));
  // Each image sits at images[chunk.start + offset].
  for (const c of chunks) c.images.forEach((img, k) => expect(images[c.start + k]).toBe(img));
}

/** Serialized size of the chunk's image list, in UTF-8 bytes (a proxy for the document). */
const jsonBytes = (c: Chunk) =>
  Buffer.byteLength(JSON.stringify({ start: c.start, images: c.images }));

describe("chunkImages", () => {
  it("constants: 500 images per chunk, a byte cap under 1 MiB", () => {
    expect(MAX_IMAGES_PER_CHUNK).toBe(500);
    expect(MAX_CHUNK_BYTES).toBeLessThan(FIRESTORE_MAX_DOC_BYTES);
  });

  it("no images => no chunks", () => {
    expect(chunkImages([])).toEqual([]);
  });

  it("one image => one chunk starting at 0", () => {
    const images = shortImages(1);
    expect(chunkImages(images)).toEqual([{ start: 0, images }]);
  });

  it("exactly 500 short images fit one chunk; 501 need two", () => {
    const c500 = chunkImages(shortImages(500));
    expect(c500).toHaveLength(1);
    expect(c500[0]!.images).toHaveLength(500);

    const images501 = shortImages(501);
    const c501 = chunkImages(images501);
    expect(c501.map((c) => [c.start, c.images.length])).toEqual([
      [0, 500],
      [500, 1],
    ]);
    expectValidChunking(images501, c501);
  });

  it("10,000 short images => 20 chunks of 500 with contiguous starts", () => {
    const images = shortImages(10_000);
    const chunks = chunkImages(images);
    expect(chunks).toHaveLength(20);
    expect(chunks.map((c) => c.start)).toEqual(Array.from({ length: 20 }, (_, i) => i * 500));
    expect(chunks.every((c) => c.images.length === 500)).toBe(true);
    expectValidChunking(images, chunks);
  });

  it("10,000 images with 2048-char URLs: the byte cap splits before 500 and each chunk fits", () => {
    const images = Array.from({ length: 10_000 }, (_, i) => ({
      url: longUrl(i),
      propertyCode: `P-${String(i).padStart(6, "0")}-${"z".repeat(91)}`, // 100 chars
    }));
    expect(images[0]!.url).toHaveLength(2048);
    expect(images[0]!.propertyCode).toHaveLength(100);
    const chunks = chunkImages(images);

    expectValidChunking(images, chunks);
    // A 2048-char URL + a 100-char code + overhead: far fewer than 500 fit under the cap.
    const perChunk = Math.floor(MAX_CHUNK_BYTES / (2048 + 100 + 48));
    expect(chunks[0]!.images).toHaveLength(perChunk);
    expect(perChunk).toBeLessThan(MAX_IMAGES_PER_CHUNK);
    expect(chunks).toHaveLength(Math.ceil(10_000 / perChunk));
    for (const c of chunks) {
      expect(jsonBytes(c)).toBeLessThan(FIRESTORE_MAX_DOC_BYTES);
      const raw = c.images.reduce(
        (n, img) => n + img.url.length + (img.propertyCode?.length ?? 0),
        0,
      );
      expect(raw).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    }
  });

  it("mixes short and long URLs without breaking any invariant", () => {
    const images: SourceImage[] = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? { url: longUrl(i) } : { url: `https://a.example/${i}`, propertyCode: "A 1" },
    );
    const chunks = chunkImages(images);
    expectValidChunking(images, chunks);
    for (const c of chunks) expect(jsonBytes(c)).toBeLessThan(FIRESTORE_MAX_DOC_BYTES);
    // Every chunk but the last is full by one of the two limits.
    for (const c of chunks.slice(0, -1)) {
      const next = images[c.start + c.images.length]!;
      const used = c.images.reduce(
        (n, img) => n + img.url.length + (img.propertyCode?.length ?? 0) + 48,
        0,
      );
      const nextSize = next.url.length + (next.propertyCode?.length ?? 0) + 48;
      expect(c.images.length === MAX_IMAGES_PER_CHUNK || used + nextSize > MAX_CHUNK_BYTES).toBe(
        true,
      );
    }
  });

  it("an image larger than the cap still gets a (single-image) chunk, never an empty one", () => {
    const huge = { url: "https://a.example/" + "h".repeat(MAX_CHUNK_BYTES) };
    const images = [{ url: "https://a.example/1" }, huge, { url: "https://a.example/2" }];
    const chunks = chunkImages(images);
    expect(chunks.map((c) => [c.start, c.images.length])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expectValidChunking(images, chunks);
  });

  it("is deterministic", () => {
    const images = Array.from({ length: 1234 }, (_, i) => ({ url: longUrl(i, 100 + (i % 1900)) }));
    expect(chunkImages(images)).toEqual(chunkImages(images));
  });

  it("does not modify the input array", () => {
    const images = shortImages(1200);
    const copy = images.map((i) => ({ ...i }));
    chunkImages(images);
    expect(images).toEqual(copy);
  });
});
