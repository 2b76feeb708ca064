/**
 * Opt-in live test against the real Gemini API: set GEMINI_API_KEY (and optionally
 * GEMINI_MODEL) to stage the two shipped sample rooms; the before/after pairs are saved under
 * .runtime/live/ for a person to look at. Without a key it is skipped and says so.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import sharp from "sharp";
import { GeminiEngine } from "../../../src/engines/gemini.js";
import { DEFAULT_PRICE_TABLE } from "../../../src/engines/pricing.js";

const apiKey = process.env.GEMINI_API_KEY;
const live = apiKey && apiKey !== "local-fake-gemini-key";
if (!live)
  console.warn(
    "[geminiLive.test] SKIPPED: set GEMINI_API_KEY to stage the sample rooms with the real model",
  );
const maybe = live ? test : test.skip;

const ROOMS = ["room-000.jpg", "room-003.jpg"];

maybe(
  "stages two sample rooms with the real model and keeps their aspect ratio",
  async () => {
    const engine = new GeminiEngine({
      apiKey: apiKey!,
      model: process.env.GEMINI_MODEL ?? "gemini-2.5-flash-image",
      timeoutMs: 120_000,
      priceTable: DEFAULT_PRICE_TABLE,
    });
    const outDir = new URL("../../../../.runtime/live/", import.meta.url);
    mkdirSync(outDir, { recursive: true });
    for (const name of ROOMS) {
      const image = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
      const meta = await sharp(image).metadata();
      const result = await engine.stage({
        image,
        mimeType: "image/jpeg",
        designStyle: "scandinavian",
        roomType: "living_room",
        width: meta.width!,
        height: meta.height!,
      });
      const out = await sharp(result.image).metadata();
      expect(result.preview).toBe(false);
      expect(result.costUsd).toBeGreaterThan(0);
      expect(Math.abs(out.width! / out.height! - meta.width! / meta.height!)).toBeLessThan(0.25);
      writeFileSync(new URL(`before-${name}`, outDir), image);
      writeFileSync(
        new URL(`after-${name.replace(".jpg", "")}.${out.format}`, outDir),
        result.image,
      );
    }
  },
  300_000,
);
