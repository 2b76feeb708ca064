/**
 * The real GeminiEngine (real @google/genai client, real HTTP) against the local fake API.
 */
import { jest } from "@jest/globals";
import { inspect } from "node:util";
import sharp from "sharp";
import type { StagingRequest } from "../../../src/engines/engine.js";
import {
  GeminiEngine,
  resetGeminiLogThrottle,
  type GeminiEngineOptions,
} from "../../../src/engines/gemini.js";
import { GeminiStagingError } from "../../../src/engines/geminiErrors.js";
import { MODELS, callCostUsd } from "../../../src/engines/modelRegistry.js";
import { PROMPT_VERSION, buildStagingPrompt } from "../../../src/engines/prompts.js";
import { StagingError } from "../../../src/domain/stagingError.js";
import { startFakeGemini, type FakeBehaviour, type FakeGemini } from "../../fakes/fakeGemini.js";

// Shaped like a real key, so the "never logged" checks also exercise pattern redaction.
const API_KEY = "AIzaSyTEST-never-log-me-0123456789abcd";
const MODEL = "gemini-3.1-flash-image";

interface LogLine {
  level: "warn" | "error";
  msg: string;
  data?: object;
}

let fake: FakeGemini;
let photo: Buffer;
let logs: LogLine[];

const logger = {
  warn: (msg: string, data?: object) => logs.push({ level: "warn", msg, data }),
  error: (msg: string, data?: object) => logs.push({ level: "error", msg, data }),
};

function makeEngine(overrides: Partial<GeminiEngineOptions> = {}): GeminiEngine {
  return new GeminiEngine({
    apiKey: API_KEY,
    model: MODEL,
    baseUrl: fake.url,
    timeoutMs: 5000,
    imageSize: "1K",
    logger,
    ...overrides,
  });
}

function request(overrides: Partial<StagingRequest> = {}): StagingRequest {
  return {
    image: photo,
    mimeType: "image/jpeg",
    designStyle: "scandinavian",
    roomType: "living_room",
    width: 640,
    height: 480,
    context: { batchId: "batch_1", imageIndex: 0 },
    ...overrides,
  };
}

async function stageError(engine: GeminiEngine, req = request()): Promise<GeminiStagingError> {
  try {
    await engine.stage(req);
  } catch (e) {
    expect(e).toBeInstanceOf(StagingError);
    return e as GeminiStagingError;
  }
  throw new Error("expected stage() to fail");
}

/** A small "empty room": wall, floor and a window, as a real JPEG. */
async function makePhoto(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="65%" fill="#e8e2d6"/>
    <rect y="65%" width="100%" height="35%" fill="#b08a5a"/>
    <rect x="60%" y="15%" width="25%" height="35%" fill="#9cc7e8" stroke="#fff" stroke-width="8"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: API_KEY });
  photo = await makePhoto(640, 480);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  resetGeminiLogThrottle();
  logs = [];
});

describe("GeminiEngine against the fake Gemini API", () => {
  it("stages a photo: the model's 1K 4:3 answer, usage and cost recorded", async () => {
    const started = performance.now();
    const result = await makeEngine().stage(request());
    const elapsedMs = performance.now() - started;

    const meta = await sharp(result.image).metadata();
    expect(result.mimeType).toBe("image/png");
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([1200, 896]);
    expect(result).toMatchObject({ requestedImageSize: "1K", aspectRatio: "4:3" });
    // Visibly changed: the mean absolute pixel difference is well above JPEG noise.
    const [a, b] = await Promise.all([
      sharp(photo).resize(1200, 896, { fit: "cover" }).removeAlpha().raw().toBuffer(),
      sharp(result.image).removeAlpha().raw().toBuffer(),
    ]);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
    expect(diff / a.length).toBeGreaterThan(5);

    expect(result).toMatchObject({ model: MODEL, promptVersion: PROMPT_VERSION, preview: false });
    // The fake counts the prompt at 4 characters a token, plus the model's fixed input-image tokens.
    const model = MODELS[MODEL];
    const promptTokens = Math.ceil(fake.calls[0]!.promptText.length / 4) + model.inputImageTokens;
    expect(result.usage).toEqual({
      promptTokens,
      outputTokens: 1120,
      totalTokens: promptTokens + 1120,
    });
    expect(result.costUsd).toBe(
      callCostUsd(model, "1K", "standard", {
        promptTokens,
        outputImageTokens: 1120,
        outputTextTokens: 0,
      }),
    );
    // $0.0672 for the image plus about $0.0006 for the input.
    expect(result.costUsd).toBeGreaterThan(0.0672);
    expect(result.costUsd).toBeLessThan(0.069);
    // The model call's duration: measured inside the stage() call, the fake stages in > 0 ms.
    expect(result.engineMs).toBeGreaterThan(0);
    expect(result.engineMs).toBeLessThanOrEqual(Math.ceil(elapsedMs));
  });

  it("works where undici's global dispatcher is not visible (jest's VM sandbox)", async () => {
    // @google/genai looks this up when it is given no fetch, and then fails every request with
    // "fetch failed <- Undici globalDispatcher is not available". The engine passes its own.
    const key = Symbol.for("undici.globalDispatcher.1");
    expect((globalThis as unknown as Record<symbol, unknown>)[key]).toBeUndefined();
    await expect(makeEngine().stage(request())).resolves.toMatchObject({ preview: false });
  });

  it("sends the image, the prompt and the key (as a header) in one v1beta request", async () => {
    await makeEngine().stage(request());

    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0];
    expect(call.method).toBe("POST");
    expect(call.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(call.apiKeyPresent).toBe(true);
    expect(call.apiKeyMatched).toBe(true);
    expect(call.apiKeyInQuery).toBe(false);
    expect(call.headers["x-goog-api-key"]).toBeUndefined();
    expect(call.headers["x-server-timeout"]).toBe("5");
    expect(call.promptText).toBe(buildStagingPrompt("scandinavian", "living_room"));
    expect(call.image).toEqual({ mimeType: "image/jpeg", byteLength: photo.length });
    expect(call.imageCount).toBe(1);
    expect(call.generationConfig).toMatchObject({
      responseModalities: ["IMAGE"],
      candidateCount: 1,
      imageConfig: { aspectRatio: "4:3", imageSize: "1K" },
    });
    // The SDK-only switch must not leak into the request body.
    expect(call.generationConfig).not.toHaveProperty("automaticContinuation");
  });

  it("429 -> model_quota_exhausted with RetryInfo's delay, and the SDK does not retry", async () => {
    fake.script([{ mode: "quota", retryDelaySeconds: 12 }]);
    const e = await stageError(makeEngine());
    expect(e).toMatchObject({
      code: "model_quota_exhausted",
      retryable: true,
      quota: true,
      retryAfterSeconds: 12,
    });
    expect(fake.calls).toHaveLength(1);
  });

  it.each(["error500", "error503"] as const)(
    "%s -> model_unavailable, retryable, one request only",
    async (mode) => {
      fake.script([mode]);
      const e = await stageError(makeEngine());
      expect(e).toMatchObject({
        code: "model_unavailable",
        retryable: true,
        quota: false,
        wait: "outage",
      });
      expect(fake.calls).toHaveLength(1);
    },
  );

  it("a hanging model -> model_timeout within the configured timeout", async () => {
    fake.script(["hang"]);
    const started = Date.now();
    const e = await stageError(makeEngine({ timeoutMs: 300 }));
    const elapsed = Date.now() - started;
    expect(e).toMatchObject({ code: "model_timeout", retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect(fake.calls).toHaveLength(1);
  });

  it("a dropped connection -> model_unavailable, retryable", async () => {
    fake.script(["reset"]);
    const e = await stageError(makeEngine());
    expect(e).toMatchObject({ code: "model_unavailable", retryable: true });
  });

  it("nothing listening -> model_unavailable, retryable", async () => {
    const gone = await startFakeGemini();
    const url = gone.url;
    await gone.close();
    const e = await stageError(makeEngine({ baseUrl: url }));
    expect(e).toMatchObject({ code: "model_unavailable", retryable: true });
  });

  it.each([
    ["safety", "content_blocked_safety"],
    ["blocked:SAFETY", "content_blocked_safety"],
    ["blocked:OTHER", "content_blocked_safety"],
    ["blocked:BLOCKLIST", "content_blocked_safety"],
    ["blocked:PROHIBITED_CONTENT", "prohibited_content"],
    ["blocked:IMAGE_SAFETY", "image_blocked_safety"],
    ["finish:SAFETY", "content_blocked_safety"],
    ["finish:IMAGE_SAFETY", "image_blocked_safety"],
    ["finish:PROHIBITED_CONTENT", "prohibited_content"],
    ["finish:IMAGE_PROHIBITED_CONTENT", "prohibited_content"],
    ["finish:RECITATION", "recitation_blocked"],
    ["finish:IMAGE_RECITATION", "recitation_blocked"],
    ["finish:BLOCKLIST", "content_blocked_safety"],
    ["finish:SPII", "content_blocked_safety"],
  ] as const)("%s -> %s, final at once", async (mode, code) => {
    fake.script([mode as FakeBehaviour]);
    const e = await stageError(makeEngine());
    expect(e).toMatchObject({ code, retryable: false, quota: false });
    expect(fake.calls).toHaveLength(1);
  });

  it.each([
    "finish:NO_IMAGE",
    "finish:IMAGE_OTHER",
    "finish:OTHER",
    "finish:MAX_TOKENS",
    "text_only",
  ] as const)("%s -> no_image_returned, retried once (maxAttempts 2)", async (mode) => {
    fake.script([mode]);
    const e = await stageError(makeEngine());
    expect(e).toMatchObject({ code: "no_image_returned", retryable: true, maxAttempts: 2 });
  });

  it("a refused answer carries what its counted tokens were billed (daily-budget metric)", async () => {
    fake.script(["safety", "text_only"]);
    const blocked = await stageError(makeEngine());
    const textOnly = await stageError(makeEngine());
    // Input tokens only (about 1,200 at $0.50 per million): a fraction of a cent, never zero.
    expect(blocked.billedUsd).toBeGreaterThan(0);
    expect(blocked.billedUsd).toBeLessThan(0.002);
    // Plus the 24 text tokens the model wrote instead of an image.
    expect(textOnly.billedUsd).toBeGreaterThan(blocked.billedUsd!);
  });

  it("keeps the model's finishMessage (which the SDK drops) in the error message", async () => {
    fake.script([
      {
        mode: "finish",
        finishReason: "NO_IMAGE",
        finishMessage: "The request asks to change the window, which I cannot do.",
      },
    ]);
    const e = await stageError(makeEngine());
    expect(e.code).toBe("no_image_returned");
    expect(e.message).toContain(
      "(model said: The request asks to change the window, which I cannot do.)",
    );
  });

  it("a text-only answer: its text ends the message", async () => {
    fake.script([{ mode: "text_only", text: "Here is a description instead." }]);
    const e = await stageError(makeEngine());
    expect(e.message).toContain("(model said: Here is a description instead.)");
  });

  it.each([
    ["bad_key", "model_access_denied", "operator"],
    ["forbidden", "model_access_denied", "operator"],
    ["bad_request", "model_rejected_request", undefined],
    ["not_found", "model_not_found", "operator"],
    ["quota_limit0", "model_quota_exhausted", "operator"],
    ["quota_daily", "model_quota_exhausted", "operator"],
    ["quota", "model_quota_exhausted", "quota"],
  ] as const)("%s -> %s, waits behind the %s circuit", async (mode, code, wait) => {
    fake.script([mode]);
    const e = await stageError(makeEngine());
    expect(e).toMatchObject({ code, wait });
  });

  it("a key the API does not accept -> model_access_denied", async () => {
    const e = await stageError(makeEngine({ apiKey: "AIzaSyWRONG-key-000000000000000000000" }));
    expect(e).toMatchObject({ code: "model_access_denied", retryable: false });
    expect(e.provider.reason).toBe("API_KEY_INVALID");
    expect(fake.calls[0].apiKeyMatched).toBe(false);
  });

  it("lets a per-request hook fail specific images", async () => {
    fake.setSelector(({ promptText }) =>
      promptText.includes("bathroom") ? "finish:IMAGE_SAFETY" : undefined,
    );
    const engine = makeEngine();
    await expect(engine.stage(request())).resolves.toMatchObject({ preview: false });
    const e = await stageError(engine, request({ roomType: "bathroom" }));
    expect(e.code).toBe("image_blocked_safety");
  });

  it("rejects an unknown style before calling the model", async () => {
    const e = await stageError(makeEngine(), request({ designStyle: "baroque" }));
    expect(e).toMatchObject({ code: "invalid_design_style", retryable: false });
    expect(fake.calls).toHaveLength(0);
  });

  it("rejects a photo over the inline request limit before calling the model", async () => {
    const e = await stageError(makeEngine(), request({ image: Buffer.alloc(16 * 1024 * 1024) }));
    expect(e).toMatchObject({ code: "image_too_large_for_model", retryable: false });
    expect(fake.calls).toHaveLength(0);
  });
});

describe("GeminiEngine logging", () => {
  it("logs 400/403 loudly once per window per code", async () => {
    const engine = makeEngine();
    fake.script(["bad_key", "bad_key", "bad_key", "forbidden"]);
    for (let i = 0; i < 3; i++) await stageError(engine);
    await stageError(engine);

    const errors = logs.filter((l) => l.level === "error");
    // One for the three API_KEY_INVALIDs and one for the 403: same code, so just one in total.
    expect(errors).toHaveLength(1);
    expect(errors[0].data).toMatchObject({
      code: "model_access_denied",
      httpStatus: 400,
      reason: "API_KEY_INVALID",
      batchId: "batch_1",
      imageIndex: 0,
    });

    // After the window (simulated by a reset) it logs again, with the count it held back.
    resetGeminiLogThrottle();
    fake.script(["bad_request", "bad_request"]);
    await stageError(engine);
    await stageError(engine);
    const rejected = logs.filter(
      (l) => (l.data as { code?: string }).code === "model_rejected_request",
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0].level).toBe("error");
  });

  it("counts suppressed logs and reports them on the next one", async () => {
    // Only the throttle's clock moves; timers and sockets keep real time.
    const realNow = Date.now.bind(Date);
    let offsetMs = 0;
    const clock = jest.spyOn(Date, "now").mockImplementation(() => realNow() + offsetMs);
    try {
      const engine = makeEngine();
      fake.script(["error503", "error503", "error503"]);
      await stageError(engine);
      await stageError(engine);
      offsetMs = 6 * 60 * 1000;
      await stageError(engine);
    } finally {
      clock.mockRestore();
    }
    const warns = logs.filter((l) => l.level === "warn");
    expect(warns).toHaveLength(2);
    expect(warns[1].data).toMatchObject({ code: "model_unavailable", suppressedSinceLastLog: 1 });
  });

  it("never logs or surfaces the API key or image bytes, on any path", async () => {
    const consoleLines: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map((a) => inspect(a, { depth: 6 })).join(" "));
      }),
    );
    const errors: unknown[] = [];
    try {
      const modes: FakeBehaviour[] = [
        "ok",
        "quota",
        "error500",
        "error503",
        "bad_key",
        "forbidden",
        "bad_request",
        "not_found",
        "text_only",
        "safety",
        "finish:IMAGE_SAFETY",
        "reset",
      ];
      // Both the injected logger and the default (console) logger.
      const engines = [makeEngine(), makeEngine({ logger: undefined })];
      for (const engine of engines) {
        resetGeminiLogThrottle();
        fake.script(modes);
        for (let i = 0; i < modes.length; i++) {
          try {
            await engine.stage(request());
          } catch (e) {
            errors.push(e);
          }
        }
      }
      errors.push(await stageError(makeEngine({ apiKey: `${API_KEY}-wrong` })));
      fake.script(["hang"]);
      errors.push(await stageError(makeEngine({ timeoutMs: 200 })));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    expect(consoleLines.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    const everything = [
      ...consoleLines,
      ...logs.map((l) => `${l.msg} ${inspect(l.data, { depth: 6 })}`),
      ...errors.map((e) => `${inspect(e, { depth: 6 })} ${JSON.stringify(e)}`),
      JSON.stringify(fake.calls),
    ].join("\n");
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain("AIzaSy");
    // No base64 of the photo (its first 64 chars would appear in any dump of the request body).
    expect(everything).not.toContain(photo.toString("base64").slice(0, 64));
  });
});
