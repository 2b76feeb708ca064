/**
 * The disclosure label: burned into the output at the final size, legible (real glyphs from a
 * local font, no network), in the asked corner, and absent unless asked for.
 */
import { describe, expect, it } from "@jest/globals";
import sharp from "sharp";
import { labelBox, labelOverlay } from "../../../src/worker/burnLabel.js";
import { encodeOutput } from "../../../src/worker/encodeOutput.js";
import { resolveStagingOptions } from "../../../src/domain/stagingOptions.js";

const jpeg = { format: "jpeg", quality: 92, maxDimension: 4096 } as const;

async function grey(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .png()
    .toBuffer();
}

/** Counts near-white and near-black pixels in a region of an encoded image. */
async function inks(img: Buffer, box: { x: number; y: number; w: number; h: number }) {
  const { data, info } = await sharp(img)
    .extract({ left: box.x, top: box.y, width: box.w, height: box.h })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let white = 0;
  let dark = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i]! > 200 && data[i + 1]! > 200 && data[i + 2]! > 200) white++;
    if (data[i]! < 80) dark++;
  }
  return { white, dark };
}

describe("disclosure label", () => {
  it("renders real text offline: white glyph pixels on a dark plate", async () => {
    const overlay = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: { r: 128, g: 128, b: 128 } },
    })
      .composite([{ input: labelOverlay(1200, 900, {}) }])
      .png()
      .toBuffer();
    const box = labelBox(1200, 900, {});
    expect(box).toMatchObject({ fontSize: 25, text: "Virtually staged" });
    const { white, dark } = await inks(overlay, box);
    // Glyphs: hundreds of white pixels, a minority of the plate; the rest of the plate is dark.
    expect(white).toBeGreaterThan(300);
    expect(white).toBeLessThan((box.w * box.h) / 2);
    expect(dark).toBeGreaterThan((box.w * box.h) / 3);
  });

  it("is burned into the output at its final size, in the asked corner", async () => {
    const out = await encodeOutput(
      await grey(2400, 1792),
      { width: 4032, height: 3024 },
      {
        ...jpeg,
        label: { text: "Virtually staged", position: "top-right" },
      },
    );
    expect([out.width, out.height]).toEqual([2389, 1792]);
    const box = labelBox(out.width, out.height, { position: "top-right" });
    expect(box.x + box.w).toBeLessThanOrEqual(out.width);
    expect(box.y).toBeLessThan(100);
    expect((await inks(out.bytes, box)).white).toBeGreaterThan(300);
    // The opposite corner is untouched grey.
    const other = labelBox(out.width, out.height, { position: "bottom-left" });
    expect(await inks(out.bytes, other)).toEqual({ white: 0, dark: 0 });
  });

  it("is absent unless asked for", async () => {
    const out = await encodeOutput(await grey(1200, 896), { width: 1200, height: 896 }, jpeg);
    expect(await inks(out.bytes, labelBox(1200, 896, {}))).toEqual({ white: 0, dark: 0 });
  });

  it("escapes the partner's text (it is drawn through SVG)", () => {
    expect(labelOverlay(800, 600, { text: "Staged <virtually> & co" }).toString()).toContain(
      "Staged &lt;virtually&gt; &amp; co",
    );
  });
});

describe("resolveStagingOptions", () => {
  const partner = { label: { text: "Digitally staged" } };
  it("keeps every object and uses the partner's label by default", () => {
    expect(resolveStagingOptions({}, partner)).toEqual({
      declutter: false,
      label: { text: "Digitally staged" },
      lane: "standard",
      cache: true,
    });
  });
  it("takes the lane from the batch, else the partner's default, else standard", () => {
    expect(resolveStagingOptions({ lane: "economy" }, partner).lane).toBe("economy");
    expect(resolveStagingOptions({}, { lane: "economy" }).lane).toBe("economy");
    expect(resolveStagingOptions({ lane: "standard" }, { lane: "economy" }).lane).toBe("standard");
  });
  it("lets a batch override the label, or turn it off with null", () => {
    expect(resolveStagingOptions({ label: { position: "top-left" } }, partner).label).toEqual({
      position: "top-left",
    });
    expect(resolveStagingOptions({ label: null, declutter: true }, partner)).toEqual({
      declutter: true,
      label: null,
      lane: "standard",
      cache: true,
    });
    expect(resolveStagingOptions({ cache: false }, partner).cache).toBe(false);
  });
});
