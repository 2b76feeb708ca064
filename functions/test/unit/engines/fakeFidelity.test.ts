/**
 * The fake Gemini server must behave like the real API where our code depends on it, or the
 * other tests prove nothing: the model list and the 404 body, the answer's pixel size per
 * imageSize and aspect ratio, no EXIF auto-orientation, and the error bodies on demand.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from "@jest/globals";
import sharp from "sharp";
import { GeminiEngine } from "../../../src/engines/gemini.js";
import { IMAGE_SIZES, MODELS, outputPixels } from "../../../src/engines/modelRegistry.js";
import { startFakeGemini, type FakeGemini } from "../../fakes/fakeGemini.js";

const KEY = "fake-fidelity-key";
let fake: FakeGemini;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: KEY });
  photo = await sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 190, b: 170 } },
  })
    .jpeg()
    .toBuffer();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

// A REST body read by shape in assertions: a typed model of it would only repeat the fake.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RestBody = Record<string, any>;

/** A raw REST call, as any client would make it. */
async function generate(model: string, imageConfig?: object, image = photo) {
  const res = await fetch(`${fake.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": KEY },
    body: JSON.stringify({
      contents: [
        {
          role: "user",
          parts: [
            { inlineData: { mimeType: "image/jpeg", data: image.toString("base64") } },
            { text: "stage it" },
          ],
        },
      ],
      generationConfig: { responseModalities: ["IMAGE"], ...(imageConfig ? { imageConfig } : {}) },
    }),
  });
  return { status: res.status, body: (await res.json()) as RestBody };
}

async function answerSize(body: RestBody) {
  const data = body.candidates[0].content.parts[0].inlineData.data as string;
  const meta = await sharp(Buffer.from(data, "base64")).metadata();
  return [meta.width, meta.height];
}

describe("fake Gemini fidelity", () => {
  it.each(["gemini-2.5-flash-image", "gemini-3-pro-image-preview", "gemini-9-image"])(
    "answers %s with the real 404 NOT_FOUND body",
    async (model) => {
      const { status, body } = await generate(model);
      expect(status).toBe(404);
      expect(body).toEqual({
        error: {
          code: 404,
          status: "NOT_FOUND",
          message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
        },
      });
    },
  );

  it("serves exactly the registry's models", async () => {
    for (const model of Object.keys(MODELS)) {
      expect((await generate(model, { aspectRatio: "1:1", imageSize: "1K" })).status).toBe(200);
    }
  });

  test.each(
    Object.keys(MODELS).flatMap((model) =>
      IMAGE_SIZES.flatMap((size) => ["4:3", "3:4", "16:9", "4:5"].map((r) => [model, size, r])),
    ),
  )(
    "%s answers %s %s at the documented pixel size",
    async (model, size, ratio) => {
      const { status, body } = await generate(model!, { aspectRatio: ratio, imageSize: size });
      expect(status).toBe(200);
      const px = outputPixels(MODELS[model!]!, ratio!, size as "1K");
      expect(await answerSize(body)).toEqual([px.width, px.height]);
    },
    30_000,
  );

  it("defaults to 1K and the ratio nearest the input, like the real API", async () => {
    const { body } = await generate("gemini-3.1-flash-image");
    expect(await answerSize(body)).toEqual([1200, 896]);
    expect(body.usageMetadata.candidatesTokenCount).toBe(1120);
  });

  it("rejects a lowercase imageSize with 400 INVALID_ARGUMENT (the docs require an uppercase K)", async () => {
    const { status, body } = await generate("gemini-3.1-flash-image", { imageSize: "2k" });
    expect(status).toBe(400);
    expect(body.error.status).toBe("INVALID_ARGUMENT");
  });

  it("does not read EXIF orientation: a rotated phone photo is staged as stored", async () => {
    const stored = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 90, b: 90 } },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { body } = await generate("gemini-3.1-flash-image", undefined, stored);
    // Upright the photo is 600 x 800 (3:4); the fake, like the model, sees 800 x 600 (4:3).
    expect(await answerSize(body)).toEqual([1200, 896]);
    expect(fake.calls[0]!.input).toMatchObject({ width: 800, height: 600, orientation: 6 });
  });

  it("returns limit-0, per-day and per-minute 429s with QuotaFailure details", async () => {
    fake.script(["quota_limit0", "quota_daily", "quota"]);
    const zero = await generate("gemini-3.1-flash-image");
    const daily = await generate("gemini-3.1-flash-image");
    const minute = await generate("gemini-3.1-flash-image");
    for (const r of [zero, daily, minute]) {
      expect(r.status).toBe(429);
      expect(r.body.error.status).toBe("RESOURCE_EXHAUSTED");
    }
    const violation = (r: typeof zero) =>
      r.body.error.details.find((d: { "@type": string }) => d["@type"].endsWith("QuotaFailure"))
        .violations[0];
    expect(violation(zero).quotaValue).toBe("0");
    expect(violation(daily).quotaId).toBe("GenerateRequestsPerDayPerProjectPerModel");
    expect(violation(minute).quotaId).toBe("GenerateRequestsPerMinutePerProjectPerModel");
  });

  it("returns 503 UNAVAILABLE on demand", async () => {
    fake.script(["error503"]);
    const { status, body } = await generate("gemini-3.1-flash-image");
    expect(status).toBe(503);
    expect(body.error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
  });
});

describe("engine start-up", () => {
  it("refuses a model the registry does not know before any request", () => {
    expect(
      () =>
        new GeminiEngine({
          apiKey: KEY,
          model: "gemini-2.5-flash-image",
          imageSize: "2K",
          baseUrl: fake.url,
          timeoutMs: 1000,
        }),
    ).toThrow('"gemini-2.5-flash-image" is shut down by the Gemini API');
    expect(fake.calls).toHaveLength(0);
  });
});
