import { describe, expect, it, test } from "@jest/globals";
import sharp from "sharp";
import { StagingError } from "../../../src/domain/stagingError.js";
import { encodeOutput, targetSize } from "../../../src/worker/encodeOutput.js";

type Rgb = { r: number; g: number; b: number };

/** A PNG made of vertical bands of solid colour, each `bandWidth` wide. */
async function bands(colours: Rgb[], bandWidth: number, height: number): Promise<Buffer> {
  const width = colours.length * bandWidth;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colours[Math.floor(x / bandWidth)]!;
      const o = (y * width + x) * 3;
      raw[o] = c.r;
      raw[o + 1] = c.g;
      raw[o + 2] = c.b;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function solid(width: number, height: number, c: Rgb = { r: 200, g: 40, b: 40 }) {
  return sharp({ create: { width, height, channels: 3, background: c } })
    .png()
    .toBuffer();
}

/** Pseudo-random noise (deterministic), so quality settings visibly change the size. */
async function noise(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = s & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

async function pixel(img: Buffer, x: number, y: number): Promise<Rgb> {
  const { data, info } = await sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * info.channels;
  return { r: data[o]!, g: data[o + 1]!, b: data[o + 2]! };
}

const near = (a: Rgb, b: Rgb, tol = 30) =>
  Math.abs(a.r - b.r) <= tol && Math.abs(a.g - b.g) <= tol && Math.abs(a.b - b.b) <= tol;

describe("targetSize", () => {
  test.each<[number, number, number, { width: number; height: number }]>([
    [4000, 3000, 2048, { width: 2048, height: 1536 }], // landscape, scaled down
    [3000, 4000, 2048, { width: 1536, height: 2048 }], // portrait, scaled down
    [2048, 2048, 2048, { width: 2048, height: 2048 }], // exactly at the cap
    [1024, 768, 2048, { width: 1024, height: 768 }], // smaller: never upscaled
    [1, 1, 2048, { width: 1, height: 1 }],
    [6000, 4000, 1000, { width: 1000, height: 667 }], // 666.67 rounds to 667
    [4001, 3001, 2048, { width: 2048, height: 1536 }], // 1536.1 rounds to 1536
    [10000, 1, 2048, { width: 2048, height: 1 }], // never below 1 pixel
    [1, 10000, 2048, { width: 1, height: 2048 }],
  ])("(%i x %i, cap %i) => %o", (w, h, cap, expected) => {
    expect(targetSize(w, h, cap)).toEqual(expected);
  });

  it("the longest side equals the cap when scaled and the aspect ratio is kept within rounding", () => {
    for (const [w, h] of [
      [5000, 3333],
      [3333, 5000],
      [7777, 1234],
      [2049, 2048],
      [12000, 9000],
    ] as const) {
      const t = targetSize(w, h, 2048);
      expect(Math.max(t.width, t.height)).toBe(2048);
      // The short side is within half a pixel of the exact value.
      const exactShort = (Math.min(w, h) * 2048) / Math.max(w, h);
      expect(Math.abs(Math.min(t.width, t.height) - exactShort)).toBeLessThanOrEqual(0.5);
    }
  });

  it("never exceeds the cap and never grows an image", () => {
    for (let w = 1; w <= 5000; w += 373) {
      for (let h = 1; h <= 5000; h += 419) {
        const t = targetSize(w, h, 1600);
        expect(t.width).toBeLessThanOrEqual(Math.min(w, 1600));
        expect(t.height).toBeLessThanOrEqual(Math.min(h, 1600));
        expect(t.width).toBeGreaterThanOrEqual(1);
        expect(t.height).toBeGreaterThanOrEqual(1);
      }
    }
  });
});

describe("encodeOutput", () => {
  const jpeg = { format: "jpeg" as const, quality: 85, maxDimension: 2048 };
  const webp = { format: "webp" as const, quality: 85, maxDimension: 2048 };

  it("crops a square model answer to the source's aspect ratio at the model's scale (jpeg)", async () => {
    const modelOut = await solid(1024, 1024);
    const out = await encodeOutput(modelOut, { width: 640, height: 480 }, jpeg);
    expect(out).toMatchObject({
      width: 1024,
      height: 768,
      contentType: "image/jpeg",
      ext: "jpg",
      modelWidth: 1024,
      modelHeight: 1024,
      resized: true,
    });
    expect(out.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect([meta.width, meta.height]).toEqual([1024, 768]);
  });

  it("keeps a model answer already at the source's ratio untouched in size", async () => {
    const out = await encodeOutput(
      await solid(2400, 1800),
      { width: 4032, height: 3024 },
      { ...jpeg, maxDimension: 4096 },
    );
    expect(out).toMatchObject({ width: 2400, height: 1800, resized: false });
  });

  it("produces webp with the right content type and extension", async () => {
    const modelOut = await solid(800, 800);
    const out = await encodeOutput(modelOut, { width: 300, height: 500 }, webp);
    expect(out).toMatchObject({ width: 480, height: 800, contentType: "image/webp", ext: "webp" });
    expect(out.bytes.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(out.bytes.subarray(8, 12).toString("latin1")).toBe("WEBP");
    const meta = await sharp(out.bytes).metadata();
    expect(meta.format).toBe("webp");
    expect([meta.width, meta.height]).toEqual([480, 800]);
  });

  it("caps a large source at maxDimension, keeping its aspect ratio", async () => {
    const modelOut = await solid(1024, 768);
    const out = await encodeOutput(
      modelOut,
      { width: 4000, height: 3000 },
      { ...jpeg, maxDimension: 400 },
    );
    expect([out.width, out.height]).toEqual([400, 300]);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([400, 300]);
  });

  it("never scales a smaller model answer up, unless upscale asks for the source size", async () => {
    const small = await solid(200, 150);
    const kept = await encodeOutput(small, { width: 800, height: 600 }, jpeg);
    expect([kept.width, kept.height, kept.resized]).toEqual([200, 150, false]);
    const up = await encodeOutput(small, { width: 800, height: 600 }, { ...jpeg, upscale: true });
    expect([up.width, up.height, up.resized]).toEqual([800, 600, true]);
  });

  it("crops an answer of another ratio at the centre instead of stretching it", async () => {
    const red = { r: 255, g: 0, b: 0 };
    const green = { r: 0, g: 255, b: 0 };
    const blue = { r: 0, g: 0, b: 255 };
    // 300 x 100: red | green | blue. The source is square, so only the green centre survives.
    const modelOut = await bands([red, green, blue], 100, 100);
    const out = await encodeOutput(modelOut, { width: 100, height: 100 }, { ...jpeg, quality: 95 });
    expect([out.width, out.height]).toEqual([100, 100]);
    for (const [x, y] of [
      [5, 50],
      [50, 50],
      [94, 50],
      [50, 5],
    ] as const) {
      expect(near(await pixel(out.bytes, x, y), green)).toBe(true);
    }
  });

  it("honours EXIF orientation of the model answer before resizing", async () => {
    // Stored 200 x 100 with orientation 6 (rotate 90° clockwise): displayed 100 x 200.
    const rotated = await sharp(
      await bands(
        [
          { r: 255, g: 0, b: 0 },
          { r: 0, g: 0, b: 255 },
        ],
        100,
        100,
      ),
    )
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await encodeOutput(rotated, { width: 100, height: 200 }, { ...jpeg, quality: 95 });
    expect([out.width, out.height]).toEqual([100, 200]);
    // After rotating clockwise, the stored left (red) band is at the top.
    expect(near(await pixel(out.bytes, 50, 20), { r: 255, g: 0, b: 0 }, 60)).toBe(true);
    expect(near(await pixel(out.bytes, 50, 180), { r: 0, g: 0, b: 255 }, 60)).toBe(true);
  });

  it("quality changes the encoded size", async () => {
    const modelOut = await noise(256, 256);
    const lo = await encodeOutput(modelOut, { width: 256, height: 256 }, { ...jpeg, quality: 20 });
    const hi = await encodeOutput(modelOut, { width: 256, height: 256 }, { ...jpeg, quality: 95 });
    expect(hi.bytes.length).toBeGreaterThan(lo.bytes.length);
  });

  test.each<[string, Buffer]>([
    ["random bytes", Buffer.from("this is not an image at all")],
    ["an empty buffer", Buffer.alloc(0)],
    ["a truncated PNG header", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00])],
    ["HTML", Buffer.from("<html><body>quota exceeded</body></html>")],
  ])("%s => StagingError engine_output_invalid, retryable", async (_name, bytes) => {
    let caught: unknown;
    try {
      await encodeOutput(bytes, { width: 100, height: 100 }, jpeg);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StagingError);
    const err = caught as StagingError;
    expect(err.code).toBe("engine_output_invalid");
    expect(err.retryable).toBe(true);
    expect(err.quota).toBe(false);
    expect(err.cause).toBeDefined(); // the sharp error is kept for the logs
  });

  it("a truncated JPEG body is refused too (webp target)", async () => {
    const full = await sharp(await noise(128, 128))
      .jpeg()
      .toBuffer();
    await expect(
      encodeOutput(full.subarray(0, 200), { width: 64, height: 64 }, webp),
    ).rejects.toMatchObject({ code: "engine_output_invalid", retryable: true });
  });
});
