/**
 * A local fake of the Gemini REST API (`POST /{version}/models/{model}:generateContent`), so
 * the real @google/genai client can be exercised offline. Response and error bodies copy the
 * shapes the real API returns; the "ok" answer is a real image (the input, visibly changed).
 *
 * Faithful where it matters to us (each point is tested in test/unit/engines/fakeFidelity):
 *  - it serves only the models of engines/modelRegistry.ts; a shut-down or unknown id gets the
 *    real 404 NOT_FOUND body;
 *  - it answers at the pixel size the real model would for the requested imageConfig.imageSize
 *    (default 1K) and aspectRatio (default: nearest the input's stored shape), per the registry;
 *  - like the real model it does NOT read EXIF: an input with an orientation tag is staged as
 *    stored (sideways), which is why the worker orients before sending;
 *  - on demand: per-minute and `limit: 0` / per-day 429s, 503 UNAVAILABLE, text-only answers,
 *    refusals with a finishMessage.
 *
 * Behaviour per request, in priority order: the `selectBehaviour` hook (lets emulator tests fail
 * specific images by a marker), then the `script([...])` queue, then the default (`setBehaviour`,
 * initially "ok").
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import {
  findModel,
  isImageSize,
  nearestAspectRatio,
  outputPixels,
  type ImageModel,
} from "../../src/engines/modelRegistry.js";
import { createFakeBatch, type FakeBatchControl } from "./fakeGeminiBatch.js";
import { createFakeFiles, type FakeFilesControl } from "./fakeGeminiFiles.js";

export type FakeBlockReason =
  "SAFETY" | "OTHER" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "IMAGE_SAFETY";

export type FakeFinishReason =
  | "SAFETY"
  | "IMAGE_SAFETY"
  | "PROHIBITED_CONTENT"
  | "IMAGE_PROHIBITED_CONTENT"
  | "RECITATION"
  | "IMAGE_RECITATION"
  | "BLOCKLIST"
  | "SPII"
  | "NO_IMAGE"
  | "IMAGE_OTHER"
  | "OTHER"
  | "MAX_TOKENS"
  | "MALFORMED_RESPONSE";

export type FakeMode =
  | "ok"
  | "quota"
  /** 429 whose QuotaFailure has quotaValue "0" (an API key without billing). */
  | "quota_limit0"
  /** 429 on the per-day request quota (resets at midnight Pacific). */
  | "quota_daily"
  | "error500"
  | "error503"
  | "hang"
  | "reset"
  | "text_only"
  | "bad_key"
  | "forbidden"
  | "bad_request"
  | "not_found"
  /** Shorthand for `blocked:SAFETY`. */
  | "safety"
  /** promptFeedback.blockReason, no candidates. */
  | `blocked:${FakeBlockReason}`
  /** A candidate with this finishReason and no image. */
  | `finish:${FakeFinishReason}`;

export type FakeBehaviour =
  | FakeMode
  | { mode: "ok"; delayMs?: number }
  | { mode: "quota"; retryDelaySeconds?: number }
  | { mode: "text_only"; text?: string }
  /** A refusal with the model's own sentence in candidates[0].finishMessage. */
  | { mode: "finish"; finishReason: FakeFinishReason; finishMessage?: string };

export interface FakeRequest {
  path: string;
  method: string;
  apiVersion?: string;
  model?: string;
  /** Request headers, minus x-goog-api-key (never recorded). */
  headers: Record<string, string>;
  apiKeyPresent: boolean;
  /** True if a key came in the URL (?key=), which would leak into access logs. */
  apiKeyInQuery: boolean;
  /** Only when the fake was started with `apiKey`: whether the header matched it. */
  apiKeyMatched?: boolean;
  promptText: string;
  image?: { mimeType: string; byteLength: number };
  imageCount: number;
  generationConfig?: Record<string, unknown>;
  /** The mode that answered this request. */
  behaviour: FakeMode;
  /** Stored (not EXIF-oriented) size of the input image, and its EXIF orientation tag. */
  input?: { width: number; height: number; orientation?: number; hasExif: boolean };
  /** Pixel size of the image answered, when one was. */
  output?: { width: number; height: number; aspectRatio: string; imageSize: string };
}

/** What the per-request hook sees (includes the decoded image, for marker checks). */
export interface FakeRequestInfo {
  model?: string;
  promptText: string;
  image?: { mimeType: string; data: Buffer };
}

export type BehaviourSelector = (
  req: FakeRequestInfo,
) => FakeBehaviour | undefined | Promise<FakeBehaviour | undefined>;

export interface FakeGemini {
  /** Base URL for the SDK's httpOptions.baseUrl. */
  url: string;
  port: number;
  calls: FakeRequest[];
  /** The next N requests get these behaviours, in order. */
  script(behaviours: FakeBehaviour[]): void;
  /** Behaviour for every request the script and hook do not decide. */
  setBehaviour(behaviour: FakeBehaviour): void;
  /** Per-request hook; return undefined to fall through to the script/default. */
  setSelector(selector: BehaviourSelector | undefined): void;
  /** The Batch API endpoints (fakeGeminiBatch.ts): jobs and their outcome. */
  batch: FakeBatchControl;
  /** The Files API endpoints (fakeGeminiFiles.ts): uploaded input and generated results files. */
  files: FakeFilesControl;
  /** Clears calls, script, hook, batch jobs; default back to "ok". */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeGeminiOptions {
  port?: number;
  /** When set, requests with another key get the real 400 API_KEY_INVALID answer. */
  apiKey?: string;
  /** Selector installed at start. */
  selectBehaviour?: BehaviourSelector;
}

type Json = Record<string, unknown>;

const TROUBLESHOOTING = "https://developers.generativeai.google/guide/troubleshooting";

function googleError(
  code: number,
  status: string,
  message: string,
  details?: Json[],
): { status: number; body: Json } {
  return {
    status: code,
    body: { error: { code, message, status, ...(details ? { details } : {}) } },
  };
}

const ERRORS = {
  quota: (model: string, seconds: number) =>
    googleError(
      429,
      "RESOURCE_EXHAUSTED",
      `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_paid_tier_requests, limit: 10, model: ${model}\nPlease retry in ${seconds}.2s.`,
      [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              quotaMetric: "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
              quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
              quotaDimensions: { location: "global", model },
              quotaValue: "10",
            },
          ],
        },
        {
          "@type": "type.googleapis.com/google.rpc.Help",
          links: [
            {
              description: "Learn more about Gemini API quotas",
              url: "https://ai.google.dev/gemini-api/docs/rate-limits",
            },
          ],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` },
      ],
    ),
  quota_limit0: (model: string) =>
    googleError(
      429,
      "RESOURCE_EXHAUSTED",
      `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: ${model}\nPlease retry in 37.5s.`,
      [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
              quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
              quotaDimensions: { location: "global", model },
              quotaValue: "0",
            },
          ],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "37s" },
      ],
    ),
  quota_daily: (model: string) =>
    googleError(
      429,
      "RESOURCE_EXHAUSTED",
      `You exceeded your current quota, please check your plan and billing details. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_paid_tier_requests, limit: 1000, model: ${model}\nPlease retry in 52.1s.`,
      [
        {
          "@type": "type.googleapis.com/google.rpc.QuotaFailure",
          violations: [
            {
              quotaMetric: "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
              quotaId: "GenerateRequestsPerDayPerProjectPerModel",
              quotaDimensions: { location: "global", model },
              quotaValue: "1000",
            },
          ],
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "52s" },
      ],
    ),
  error500: () =>
    googleError(
      500,
      "INTERNAL",
      `An internal error has occurred. Please retry or report in ${TROUBLESHOOTING}`,
    ),
  error503: () =>
    googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
  bad_key: () =>
    googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ]),
  forbidden: () =>
    googleError(
      403,
      "PERMISSION_DENIED",
      "Generative Language API has not been used in project 000000000000 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/overview?project=000000000000 then retry.",
      [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "SERVICE_DISABLED",
          domain: "googleapis.com",
          metadata: {
            service: "generativelanguage.googleapis.com",
            consumer: "projects/000000000000",
          },
        },
      ],
    ),
  bad_request: () =>
    googleError(
      400,
      "INVALID_ARGUMENT",
      `Unable to process input image. Please retry or report in ${TROUBLESHOOTING}`,
    ),
  not_found: (model: string, version: string) =>
    googleError(
      404,
      "NOT_FOUND",
      `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    ),
};

/**
 * Token counts in the shape Gemini reports. Gemini 3 image models bill an input image as a fixed
 * number of tokens (modelRegistry.ts inputImageTokens), and an output image by its size.
 */
function usageFor(
  promptText: string,
  imageTokens: number,
  outputTokens: number,
  outputModality: "IMAGE" | "TEXT" = "IMAGE",
): Json {
  const textTokens = Math.max(1, Math.ceil(promptText.length / 4));
  const promptTokenCount = textTokens + imageTokens;
  return {
    promptTokenCount,
    ...(outputTokens > 0 ? { candidatesTokenCount: outputTokens } : {}),
    totalTokenCount: promptTokenCount + outputTokens,
    promptTokensDetails: [
      { modality: "TEXT", tokenCount: textTokens },
      ...(imageTokens > 0 ? [{ modality: "IMAGE", tokenCount: imageTokens }] : []),
    ],
    ...(outputTokens > 0
      ? { candidatesTokensDetails: [{ modality: outputModality, tokenCount: outputTokens }] }
      : {}),
  };
}

const SAFETY_RATINGS = [
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "MEDIUM" },
];

/**
 * The input image, "staged": resized (cover) to the model's answer size, tinted, with a
 * sofa-like block, as PNG. Like the real model it ignores EXIF orientation: it works on the
 * pixels as stored.
 */
async function stageImage(input: Buffer, size: { width: number; height: number }): Promise<Buffer> {
  const { width, height } = size;
  const w = Math.round(width * 0.5);
  const h = Math.round(height * 0.2);
  const x = Math.round((width - w) / 2);
  const y = Math.round(height * 0.7);
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${Math.round(h / 5)}" fill="#7a5230"/>` +
      `<rect x="${x}" y="${y - h / 2}" width="${w}" height="${h / 2}" fill="#9b6b43"/>` +
      `</svg>`,
  );
  return sharp(input)
    .resize({ width, height, fit: "cover" })
    .modulate({ saturation: 1.3, hue: 20 })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png({ compressionLevel: 2 })
    .toBuffer();
}

/** What the real model would answer to imageConfig, or an error body for an invalid value. */
function answerSize(
  model: ImageModel,
  config: Json | undefined,
  stored: { width: number; height: number },
): { width: number; height: number; aspectRatio: string; imageSize: string } | { error: string } {
  const imageConfig = isRecord(config?.imageConfig) ? config.imageConfig : {};
  const imageSize = typeof imageConfig.imageSize === "string" ? imageConfig.imageSize : "1K";
  if (!isImageSize(imageSize) || !model.sizes.includes(imageSize)) {
    return {
      error: `Invalid value for image_size: ${imageSize}. Supported values: ${model.sizes.join(", ")}.`,
    };
  }
  const aspectRatio =
    typeof imageConfig.aspectRatio === "string"
      ? imageConfig.aspectRatio
      : nearestAspectRatio(model, stored.width, stored.height);
  if (!model.ratios1K[aspectRatio]) {
    return { error: `Unsupported aspect ratio: ${aspectRatio}.` };
  }
  return { ...outputPixels(model, aspectRatio, imageSize), aspectRatio, imageSize };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const isRecord = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

interface ParsedRequest {
  promptText: string;
  images: Array<{ mimeType: string; data: Buffer }>;
  generationConfig?: Json;
}

function parseGenerateContent(body: unknown): ParsedRequest {
  const texts: string[] = [];
  const images: Array<{ mimeType: string; data: Buffer }> = [];
  const contents = isRecord(body) && Array.isArray(body.contents) ? body.contents : [];
  for (const content of contents) {
    const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
    for (const part of parts) {
      if (!isRecord(part)) continue;
      if (typeof part.text === "string") texts.push(part.text);
      // The REST API accepts both spellings; the SDK sends camelCase.
      const inline = part.inlineData ?? part.inline_data;
      if (isRecord(inline) && typeof inline.data === "string") {
        const mimeType = inline.mimeType ?? inline.mime_type;
        images.push({
          mimeType: typeof mimeType === "string" ? mimeType : "",
          data: Buffer.from(inline.data, "base64"),
        });
      }
    }
  }
  const generationConfig =
    isRecord(body) && isRecord(body.generationConfig) ? body.generationConfig : undefined;
  return { promptText: texts.join("\n"), images, generationConfig };
}

const normalise = (b: FakeBehaviour): Exclude<FakeBehaviour, string> | { mode: FakeMode } =>
  typeof b === "string" ? { mode: b } : b;

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const calls: FakeRequest[] = [];
  let queue: FakeBehaviour[] = [];
  let fallback: FakeBehaviour = "ok";
  let selector: BehaviourSelector | undefined = options.selectBehaviour;
  const hanging = new Set<http.ServerResponse>();
  let baseUrl = "";
  const files = createFakeFiles(() => baseUrl);
  // Assigned once the port is known (its requests call back into this server).
  let batch: ReturnType<typeof createFakeBatch> = createFakeBatch(() => {
    throw new Error("fake Gemini not listening yet");
  }, files);

  const sendJson = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=UTF-8",
      "content-length": Buffer.byteLength(text),
      vary: "Origin, X-Origin, Referer",
      server: "scaffolding on HTTPServer2",
    });
    res.end(text);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake");
    const match = /^\/([^/]+)\/models\/([^/:]+):generateContent$/.exec(url.pathname);
    const apiKey = req.headers["x-goog-api-key"];
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k !== "x-goog-api-key" && v !== undefined)
        headers[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    const raw = await readBody(req);
    if (files.handle(req, url, raw, res)) return;
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(raw.toString("utf8"));
    } catch {
      parsedBody = undefined;
    }
    if (await batch.handle(req, url, parsedBody, (status, body) => sendJson(res, status, body)))
      return;
    const parsed = parseGenerateContent(parsedBody);
    const model = match?.[2];
    const apiVersion = match?.[1];
    const image = parsed.images[0];

    let behaviour: FakeBehaviour | undefined = selector
      ? await selector({ model, promptText: parsed.promptText, image })
      : undefined;
    behaviour ??= queue.shift() ?? fallback;
    const spec = normalise(behaviour);

    const keyMismatch = options.apiKey !== undefined && apiKey !== options.apiKey;
    let mode: FakeMode = spec.mode === "finish" ? `finish:${spec.finishReason}` : spec.mode;
    const known = model === undefined ? undefined : findModel(model);
    // A real server checks the key before anything else, then the model.
    if (!apiKey || keyMismatch) mode = "bad_key";
    else if (!known) mode = "not_found";
    if (!match || req.method !== "POST") mode = "not_found";
    const meta = image
      ? await sharp(image.data)
          .metadata()
          .catch(() => undefined)
      : undefined;

    const call: FakeRequest = {
      path: url.pathname,
      method: req.method ?? "",
      apiVersion,
      model,
      headers,
      apiKeyPresent: typeof apiKey === "string" && apiKey.length > 0,
      apiKeyInQuery: url.searchParams.has("key"),
      ...(options.apiKey !== undefined ? { apiKeyMatched: !keyMismatch } : {}),
      promptText: parsed.promptText,
      image: image ? { mimeType: image.mimeType, byteLength: image.data.length } : undefined,
      imageCount: parsed.images.length,
      generationConfig: parsed.generationConfig,
      behaviour: mode,
      input: meta
        ? {
            width: meta.width,
            height: meta.height,
            orientation: meta.orientation,
            hasExif: meta.exif !== undefined,
          }
        : undefined,
    };
    calls.push(call);

    const respond = (e: { status: number; body: Json }) => sendJson(res, e.status, e.body);
    const usage = (out: number, modality: "IMAGE" | "TEXT" = "IMAGE") =>
      usageFor(parsed.promptText, image && known ? known.inputImageTokens : 0, out, modality);
    const envelope = (extra: Json) => ({
      ...extra,
      modelVersion: model,
      responseId: randomUUID().replace(/-/g, "").slice(0, 22),
    });

    switch (mode) {
      case "ok": {
        if (!image || !meta || !known) return respond(ERRORS.bad_request());
        const size = answerSize(known, parsed.generationConfig, meta);
        if ("error" in size) return respond(googleError(400, "INVALID_ARGUMENT", size.error));
        call.output = size;
        const delayMs = "delayMs" in spec ? (spec.delayMs ?? 0) : 0;
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const png = await stageImage(image.data, size);
        return sendJson(
          res,
          200,
          envelope({
            candidates: [
              {
                content: {
                  parts: [{ inlineData: { mimeType: "image/png", data: png.toString("base64") } }],
                  role: "model",
                },
                finishReason: "STOP",
                index: 0,
              },
            ],
            usageMetadata: usage(known.outputTokens[size.imageSize as "1K"]),
          }),
        );
      }
      case "quota": {
        const seconds = "retryDelaySeconds" in spec ? (spec.retryDelaySeconds ?? 12) : 12;
        return respond(ERRORS.quota(model ?? "unknown", seconds));
      }
      case "quota_limit0":
        return respond(ERRORS.quota_limit0(model ?? "unknown"));
      case "quota_daily":
        return respond(ERRORS.quota_daily(model ?? "unknown"));
      case "error500":
        return respond(ERRORS.error500());
      case "error503":
        return respond(ERRORS.error503());
      case "bad_key":
        return respond(ERRORS.bad_key());
      case "forbidden":
        return respond(ERRORS.forbidden());
      case "bad_request":
        return respond(ERRORS.bad_request());
      case "not_found":
        return respond(ERRORS.not_found(model ?? "unknown", apiVersion ?? "v1beta"));
      case "hang":
        // Never answer; close() ends it.
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "text_only": {
        const text =
          "text" in spec && spec.text
            ? spec.text
            : "I can't edit this image as requested, but here is a description of how the room could be furnished.";
        return sendJson(
          res,
          200,
          envelope({
            candidates: [
              { content: { parts: [{ text }], role: "model" }, finishReason: "STOP", index: 0 },
            ],
            usageMetadata: usage(24, "TEXT"),
          }),
        );
      }
      default: {
        if (mode === "safety" || mode.startsWith("blocked:")) {
          const blockReason = mode === "safety" ? "SAFETY" : mode.slice("blocked:".length);
          return sendJson(
            res,
            200,
            envelope({
              promptFeedback: { blockReason, safetyRatings: SAFETY_RATINGS },
              usageMetadata: usage(0),
            }),
          );
        }
        const finishReason = mode.slice("finish:".length);
        return sendJson(
          res,
          200,
          envelope({
            candidates: [
              {
                // Refused candidates come back without content (MAX_TOKENS may carry a stub).
                ...(finishReason === "MAX_TOKENS" ? { content: { role: "model" } } : {}),
                finishReason,
                ...(spec.mode === "finish" && spec.finishMessage
                  ? { finishMessage: spec.finishMessage }
                  : {}),
                index: 0,
                ...(finishReason.includes("SAFETY") ? { safetyRatings: SAFETY_RATINGS } : {}),
              },
            ],
            usageMetadata: usage(0),
          }),
        );
      }
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, ERRORS.error500().body);
      }
      console.error("fakeGemini handler failed", err);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  // Batch requests run through this server's own generateContent (marked in call headers).
  batch = createFakeBatch(async (model, request) => {
    const res = await fetch(`http://127.0.0.1:${port}/v1beta/models/${model}:generateContent`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-goog-api-key": options.apiKey ?? "fake-batch-internal",
        "x-fake-batch": "1",
      },
      body: JSON.stringify(request),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }, files);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    get batch() {
      return batch.control;
    },
    files: files.control,
    script(behaviours) {
      queue.push(...behaviours);
    },
    setBehaviour(behaviour) {
      fallback = behaviour;
    },
    setSelector(next) {
      selector = next;
    },
    reset() {
      calls.length = 0;
      queue = [];
      fallback = "ok";
      selector = undefined;
      batch.control.reset();
      files.reset();
    },
    close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
