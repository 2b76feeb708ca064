/**
 * The economy lane's engine against the fake's Batch API endpoints, through the real
 * @google/genai client: a job is created with inlined requests, read while pending, and its
 * answers decoded into the same results and error codes as the interactive lane; expiry and
 * cancel are reported as job states; planModelJobs keeps the documented limits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { GoogleGenAI } from "@google/genai";
import sharp from "sharp";
import type { StagingRequest } from "../../../src/engines/engine.js";
import { GeminiBatchEngine, planModelJobs } from "../../../src/engines/geminiBatch.js";
import { MODELS, callCostUsd } from "../../../src/engines/modelRegistry.js";
import { startFakeGemini, type FakeGemini } from "../../fakes/fakeGemini.js";

const KEY = "fake-batch-key";
let fake: FakeGemini;
let engine: GeminiBatchEngine;
let photo: Buffer;

const request = (): StagingRequest => ({
  image: photo,
  mimeType: "image/jpeg",
  designStyle: "modern",
  roomType: "living_room",
  width: 640,
  height: 480,
});

beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: KEY });
  engine = new GeminiBatchEngine({
    apiKey: KEY,
    model: "gemini-3.1-flash-image",
    imageSize: "1K",
    baseUrl: fake.url,
    timeoutMs: 30_000,
  });
  photo = await sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 190, b: 170 } },
  })
    .jpeg()
    .toBuffer();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const requests = (keys: string[]) =>
  new Map(keys.map((k) => [k, { aspectRatio: "4:3", inputBytes: photo.length }]));

describe("GeminiBatchEngine", () => {
  it("creates a pending job, then decodes each answer at the batch price", async () => {
    const job = await engine.submit(
      ["0001", "0002"].map((key) => ({ key, request: request() })),
      "test-job",
    );
    expect(job.name).toMatch(/^batches\/\w+$/);
    expect(job.state).toBe("JOB_STATE_PENDING");
    expect(job.createTime).not.toBeNull();
    // The wire body is the interactive request, inlined, with our key in metadata.
    const stored = fake.batch.jobs.get(job.name)!;
    expect(stored.requests.map((r) => r.metadata)).toEqual([{ key: "0001" }, { key: "0002" }]);
    expect(stored.requests[0]!.request).toMatchObject({
      generationConfig: { responseModalities: ["IMAGE"], imageConfig: { imageSize: "1K" } },
    });

    const pending = await engine.poll(job.name, requests(["0001", "0002"]));
    expect(pending.state).toBe("JOB_STATE_PENDING");
    expect(pending.results).toBeUndefined();

    await fake.batch.complete(job.name);
    const done = await engine.poll(job.name, requests(["0001", "0002"]));
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.endTime).not.toBeNull();
    expect(done.results?.map((r) => [r.key, r.kind])).toEqual([
      ["0001", "image"],
      ["0002", "image"],
    ]);
    const first = done.results![0]!;
    if (first.kind !== "image") throw new Error("expected an image");
    const meta = await sharp(first.result.image).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 896]);
    const model = MODELS["gemini-3.1-flash-image"]!;
    expect(first.result.costUsd).toBeCloseTo(
      callCostUsd(model, "1K", "batch", {
        promptTokens: first.result.usage!.promptTokens,
        outputImageTokens: 1120,
        outputTextTokens: 0,
      }),
      6,
    );
    expect(first.result.costUsd).toBeLessThan(
      callCostUsd(model, "1K", "standard", {
        promptTokens: first.result.usage!.promptTokens,
        outputImageTokens: 1120,
        outputTextTokens: 0,
      }),
    );
    // Both requests reached the model (through the fake's generateContent).
    expect(fake.calls.filter((c) => c.headers["x-fake-batch"] === "1")).toHaveLength(2);
  });

  it("maps per-request errors and refusals to the interactive lane's codes", async () => {
    fake.script(["ok", "bad_request", "safety", "quota"]);
    const keys = ["a", "b", "c", "d"];
    const job = await engine.submit(
      keys.map((key) => ({ key, request: request() })),
      "mixed",
    );
    await fake.batch.complete(job.name);
    const done = await engine.poll(job.name, requests(keys));
    expect(done.results?.map((r) => (r.kind === "image" ? "image" : r.error.code))).toEqual([
      "image",
      "model_rejected_request",
      "content_blocked_safety",
      "model_quota_exhausted",
    ]);
  });

  it("reports expiry and cancellation as job states without results", async () => {
    const a = await engine.submit([{ key: "x", request: request() }], "expires");
    const b = await engine.submit([{ key: "y", request: request() }], "cancelled");
    fake.batch.expire(a.name);
    await engine.cancel(b.name);
    expect(fake.batch.jobs.get(b.name)!.cancelCalls).toBe(1);
    const expired = await engine.poll(a.name, requests(["x"]));
    const cancelled = await engine.poll(b.name, requests(["y"]));
    expect([expired.state, cancelled.state]).toEqual(["JOB_STATE_EXPIRED", "JOB_STATE_CANCELLED"]);
    expect(expired.results).toBeUndefined();
    // Cancelling a finished job is harmless (the state stays).
    await engine.cancel(a.name);
    expect((await engine.poll(a.name, requests(["x"]))).state).toBe("JOB_STATE_EXPIRED");
  });

  it("lists jobs through the SDK's pager", async () => {
    await engine.submit([{ key: "1", request: request() }], "one");
    await engine.submit([{ key: "2", request: request() }], "two");
    const ai = new GoogleGenAI({
      apiKey: KEY,
      vertexai: false,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url },
    });
    const names: string[] = [];
    for await (const job of await ai.batches.list({
      config: { pageSize: 1, httpOptions: { fetch: (i, init) => fetch(i, init) } },
    })) {
      names.push(job.displayName ?? "");
    }
    expect(names).toEqual(["one", "two"]);
  });

  it("fails a job get for an unknown job with NOT_FOUND", async () => {
    await expect(engine.poll("batches/nope", new Map())).rejects.toThrow(/404|not found/i);
  });
});

describe("planModelJobs", () => {
  it("splits by request count and by the inline byte limit, keeping order", () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    expect(planModelJobs(items, () => 10, { maxRequests: 3 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    // 8 MB each: two fit under 20 MB, a third does not.
    expect(planModelJobs(items.slice(0, 5), () => 8 * 1024 * 1024, { maxRequests: 50 })).toEqual([
      [0, 1],
      [2, 3],
      [4],
    ]);
    expect(planModelJobs([], () => 1, { maxRequests: 3 })).toEqual([]);
  });
});
