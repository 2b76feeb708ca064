/**
 * Input preparation: the photo the model is sent is upright, carries no metadata, and is no
 * larger than the model can use; a 25 MB original becomes a small JPEG.
 */
import { describe, expect, it } from "@jest/globals";
import sharp from "sharp";
import { inspectImage } from "../../../src/worker/imageInspection.js";
import { prepareInput } from "../../../src/worker/prepareInput.js";

/** Left half red, right half blue, stored `width` x `height`. */
async function halves(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="50%" height="100%" fill="#ff0000"/><rect x="50%" width="50%" height="100%" fill="#0000ff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function pixel(img: Buffer, x: number, y: number) {
  const { data, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return [data[o], data[o + 1], data[o + 2]];
}

describe("prepareInput", () => {
  it("turns a phone photo upright by its EXIF orientation and drops all metadata", async () => {
    // Stored 400 x 300 with orientation 6: displayed 300 x 400, the stored left (red) on top.
    const stored = await sharp(await halves(400, 300))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: "Owner Name" } } })
      .toBuffer();
    const prepared = await prepareInput(stored, { maxDimension: 2048 });
    expect(prepared).toMatchObject({
      mimeType: "image/jpeg",
      width: 300,
      height: 400,
      oriented: true,
      downscaled: false,
    });
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([300, 400]);
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    const top = await pixel(prepared.bytes, 150, 20);
    const bottom = await pixel(prepared.bytes, 150, 380);
    expect(top[0]).toBeGreaterThan(200);
    expect(bottom[2]).toBeGreaterThan(200);
  });

  it("prepares from the header the fetch inspected, exactly as from its own read of it", async () => {
    const stored = await sharp(await halves(400, 300))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const header = await inspectImage(stored);
    expect(header).toMatchObject({ width: 300, height: 400, orientation: 6, hasAlpha: false });
    const fromHeader = await prepareInput(stored, { maxDimension: 2048 }, header);
    const fromRead = await prepareInput(stored, { maxDimension: 2048 });
    expect(fromHeader).toEqual(fromRead);
    // The header given is what decides: a (false) alpha channel makes it a PNG.
    const trusted = await prepareInput(
      stored,
      { maxDimension: 2048 },
      { ...header, hasAlpha: true },
    );
    expect(trusted.mimeType).toBe("image/png");
  });

  it("downscales a 4032 x 3024 photo so its longest side is the model's input size", async () => {
    const big = await sharp(await halves(4032, 3024))
      .jpeg()
      .toBuffer();
    const prepared = await prepareInput(big, { maxDimension: 2048 });
    expect([prepared.width, prepared.height, prepared.downscaled]).toEqual([2048, 1536, true]);
  });

  it("prepares a photo with corrupt-data warnings, as the fetch's inspection accepts it", async () => {
    const ok = await sharp(await halves(256, 192))
      .jpeg()
      .toBuffer();
    // A bogus restart marker in the entropy-coded data: libjpeg warns "premature end of data
    // segment" and decodes the rest; sharp's default failOn ("warning") would refuse it.
    const warned = Buffer.from(ok);
    const mid = Math.floor(warned.length / 2);
    warned[mid] = 0xff;
    warned[mid + 1] = 0xd3;
    await expect(sharp(warned, { failOn: "warning" }).toBuffer()).rejects.toThrow(/Corrupt JPEG/);
    const prepared = await prepareInput(warned, { maxDimension: 2048 });
    expect([prepared.width, prepared.height]).toEqual([256, 192]);
    // A cut-off file is still refused.
    await expect(
      prepareInput(ok.subarray(0, Math.floor(ok.length / 3)), { maxDimension: 2048 }),
    ).rejects.toMatchObject({ code: "unsupported_image", retryable: false });
  });

  it("keeps transparency as PNG", async () => {
    const withAlpha = await sharp({
      create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const prepared = await prepareInput(withAlpha, { maxDimension: 2048 });
    expect(prepared.mimeType).toBe("image/png");
  });

  it("turns a 25 MB source into a JPEG at the input size, a fraction of the bytes", async () => {
    // Noise does not compress: a 5000 x 5000 high-quality JPEG of it is over 20 MB.
    const side = 5000;
    const raw = Buffer.alloc(side * side * 3);
    let s = 7;
    for (let i = 0; i < raw.length; i++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      raw[i] = s >> 16;
    }
    const huge = await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: "4:4:4" })
      .toBuffer();
    expect(huge.length).toBeGreaterThan(20 * 1024 * 1024);
    const prepared = await prepareInput(huge, { maxDimension: 2048 });
    expect([prepared.width, prepared.height]).toEqual([2048, 2048]);
    expect(prepared.bytes.length).toBeLessThan(6 * 1024 * 1024);
  }, 60_000);
});
