/**
 * Opt-in live check against the real Gemini API (`npm run live`, scripts/live.mjs): stages the
 * shipped sample rooms with the production engine exactly as the worker does (input
 * preparation, engine, output encoding) and prints model, size, dimensions, cost and time per
 * photo; before/after files go to .runtime/live/ for a person to look at. Plain Node, not jest:
 * a real network client belongs outside jest's VM sandbox. Without GEMINI_API_KEY it prints why
 * it is skipped and exits 0.
 *   GEMINI_API_KEY=... [GEMINI_MODEL=gemini-3-pro-image] [OUTPUT_IMAGE_SIZE=4K] npm run live
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { GeminiEngine } from "../src/engines/gemini.js";
import { DEFAULT_MODEL_ID, isImageSize } from "../src/engines/modelRegistry.js";
import { encodeOutput } from "../src/worker/encodeOutput.js";
import { prepareInput } from "../src/worker/prepareInput.js";

const ROOMS = ["room-000.jpg", "room-003.jpg"];

async function main(): Promise<number> {
  const apiKey = process.env.GEMINI_API_KEY;
  if (!apiKey || apiKey === "local-fake-gemini-key") {
    console.log("[live] SKIPPED: set GEMINI_API_KEY to stage the sample rooms with the real model");
    return 0;
  }
  const model = process.env.GEMINI_MODEL ?? DEFAULT_MODEL_ID;
  const size = process.env.OUTPUT_IMAGE_SIZE ?? "2K";
  if (!isImageSize(size)) throw new Error(`OUTPUT_IMAGE_SIZE must be 1K, 2K or 4K, not ${size}`);
  const engine = new GeminiEngine({ apiKey, model, imageSize: size, timeoutMs: 180_000 });
  const outDir = new URL("../../.runtime/live/", import.meta.url);
  mkdirSync(outDir, { recursive: true });
  let failures = 0;
  for (const name of ROOMS) {
    const source = readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url));
    const started = performance.now();
    try {
      const input = await prepareInput(source, { maxDimension: 2048 });
      const result = await engine.stage({
        image: input.bytes,
        mimeType: input.mimeType,
        designStyle: "scandinavian",
        roomType: "living_room",
        width: input.width,
        height: input.height,
      });
      const out = await encodeOutput(result.image, input, {
        format: "jpeg",
        quality: 88,
        maxDimension: 8192,
      });
      writeFileSync(new URL(`before-${name}`, outDir), source);
      writeFileSync(new URL(`after-${name}`, outDir), out.bytes);
      console.log(
        JSON.stringify({
          photo: name,
          model: result.model,
          imageSize: result.requestedImageSize,
          aspectRatio: result.aspectRatio,
          input: `${input.width}x${input.height} (${input.bytes.length} bytes)`,
          returned: `${out.modelWidth}x${out.modelHeight}`,
          stored: `${out.width}x${out.height}`,
          usage: result.usage,
          costUsd: result.costUsd,
          engineMs: result.engineMs,
          totalMs: Math.round(performance.now() - started),
        }),
      );
    } catch (e) {
      failures++;
      console.error(
        `[live] ${name}: ${e instanceof Error ? `${(e as { code?: string }).code ?? ""} ${e.message}` : String(e)}`,
      );
    }
  }
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`[live] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
