import { describe, expect, it } from "@jest/globals";
import sharp from "sharp";
import type { StagingRequest } from "../../../src/engines/engine.js";
import { PREVIEW_MODEL, PreviewEngine } from "../../../src/engines/preview.js";

let source: Buffer;

async function sourcePhoto(): Promise<Buffer> {
  if (!source) {
    source = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 140, b: 160 } },
    })
      .jpeg()
      .toBuffer();
  }
  return source;
}

async function request(over: Partial<StagingRequest> = {}): Promise<StagingRequest> {
  return {
    image: await sourcePhoto(),
    mimeType: "image/jpeg",
    designStyle: "scandinavian",
    roomType: "living_room",
    width: 640,
    height: 480,
    ...over,
  };
}

describe("PreviewEngine", () => {
  it("is named preview", () => {
    expect(new PreviewEngine(0).name).toBe("preview");
  });

  it("returns a decodable PNG at the requested width and height", async () => {
    const r = await new PreviewEngine(0).stage(await request({ width: 640, height: 480 }));
    expect(r.mimeType).toBe("image/png");
    expect(r.image.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const meta = await sharp(r.image).metadata();
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([640, 480]);
  });

  it("honours other sizes and aspect ratios (portrait, smaller than the source)", async () => {
    const r = await new PreviewEngine(0).stage(await request({ width: 150, height: 400 }));
    const meta = await sharp(r.image).metadata();
    expect([meta.width, meta.height]).toEqual([150, 400]);
  });

  it("is labelled a preview, costs nothing and names its model", async () => {
    const r = await new PreviewEngine(40).stage(await request());
    expect(r.preview).toBe(true);
    expect(r.costUsd).toBe(0);
    expect(r.model).toBe(PREVIEW_MODEL);
    expect(r.promptVersion).toBe("preview");
    expect(r.usage).toBeUndefined();
    // Its simulated latency is what it reports (Date.now() may round 1 ms down).
    expect(r.engineMs).toBeGreaterThanOrEqual(39);
  });

  it("is deterministic: the same input gives identical bytes", async () => {
    const engine = new PreviewEngine(0);
    const a = await engine.stage(await request());
    const b = await engine.stage(await request());
    const c = await new PreviewEngine(0).stage(await request());
    expect(a.image.equals(b.image)).toBe(true);
    expect(a.image.equals(c.image)).toBe(true);
  });

  it("the output depends on the style and room type (and differs from the source)", async () => {
    const engine = new PreviewEngine(0);
    const base = await engine.stage(await request());
    const otherStyle = await engine.stage(await request({ designStyle: "industrial" }));
    const otherRoom = await engine.stage(await request({ roomType: "bedroom" }));
    expect(base.image.equals(otherStyle.image)).toBe(false);
    expect(base.image.equals(otherRoom.image)).toBe(false);
    const plain = await sharp(await sourcePhoto())
      .resize(640, 480, { fit: "fill" })
      .png()
      .toBuffer();
    expect(base.image.equals(plain)).toBe(false);
  });

  it("copes with unknown ids containing XML metacharacters (caption is escaped)", async () => {
    const r = await new PreviewEngine(0).stage(
      await request({ designStyle: `<svg onload="x">&'`, roomType: "</text><script>" }),
    );
    const meta = await sharp(r.image).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 640, 480]);
  });

  it("waits at least the configured latency", async () => {
    const latency = 150;
    const t0 = performance.now();
    const r = await new PreviewEngine(latency).stage(await request({ width: 64, height: 48 }));
    const elapsed = performance.now() - t0;
    // Timers may fire a millisecond early relative to Date.now(); allow that rounding.
    expect(elapsed).toBeGreaterThanOrEqual(latency - 2);
    expect(r.engineMs).toBeGreaterThanOrEqual(latency - 2);
    expect(elapsed).toBeLessThan(latency + 2000);
  });

  it("with zero latency does not wait", async () => {
    const engine = new PreviewEngine(0);
    await engine.stage(await request({ width: 64, height: 48 })); // warm up
    const t0 = performance.now();
    await engine.stage(await request({ width: 64, height: 48 }));
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("rejects bytes that are not an image", async () => {
    await expect(
      new PreviewEngine(0).stage(await request({ image: Buffer.from("not an image") })),
    ).rejects.toThrow();
  });
});
