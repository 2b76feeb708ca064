/**
 * The economy engine's JSONL route and its idempotent create, against the fake's Files and
 * Batch API endpoints through the real @google/genai client: requests above the inline
 * threshold go up as a JSONL file (resumable upload), the job is created from it, its answers
 * are downloaded from the results file and read like inlined ones (same codes, the model's
 * finishMessage kept); findJob finds a job by display name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import sharp from "sharp";
import type { StagingRequest } from "../../../src/engines/engine.js";
import { GeminiBatchEngine } from "../../../src/engines/geminiBatch.js";
import { parseResultLines } from "../../../src/engines/geminiBatchFiles.js";
import { startFakeGemini, type FakeGemini } from "../../fakes/fakeGemini.js";

const KEY = "fake-batch-key";
let fake: FakeGemini;
let photo: Buffer;

const request = (): StagingRequest => ({
  image: photo,
  mimeType: "image/jpeg",
  designStyle: "modern",
  roomType: "living_room",
  width: 640,
  height: 480,
});
const makeEngine = (inlineMaxBytes?: number) =>
  new GeminiBatchEngine({
    apiKey: KEY,
    model: "gemini-3.1-flash-image",
    imageSize: "1K",
    baseUrl: fake.url,
    timeoutMs: 30_000,
    inlineMaxBytes,
  });
const requests = (keys: string[]) =>
  new Map(keys.map((k) => [k, { aspectRatio: "4:3", inputBytes: photo.length }]));
const REFUSAL = "The request asks to change the window, which I cannot do.";

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

describe("GeminiBatchEngine, JSONL file route", () => {
  it("uploads the requests as a JSONL file, creates the job from it and reads the results file", async () => {
    // Any real request is larger than 1 byte: forced onto the file route.
    const engine = makeEngine(1);
    const keys = ["0001", "0002", "0003"];
    fake.script([
      "ok",
      "bad_request",
      { mode: "finish", finishReason: "NO_IMAGE", finishMessage: REFUSAL },
    ]);
    const job = await engine.submit(
      keys.map((key) => ({ key, request: request() })),
      "vstage-b-0000-000-0",
    );
    expect(job.inputFile).toMatch(/^files\/\w+$/);
    expect(fake.files.uploads).toEqual({ started: 1, finalized: 1 });
    const input = fake.files.files.get(job.inputFile!)!;
    expect(input.mimeType).toBe("jsonl");
    expect(input.displayName).toBe("vstage-b-0000-000-0");
    const lines = input.bytes
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.key)).toEqual(keys);
    // The REST shape of a GenerateContentRequest (generationConfig, not the SDK's config).
    expect(lines[0].request).toMatchObject({
      contents: [{ role: "user" }],
      generationConfig: { responseModalities: ["IMAGE"], imageConfig: { imageSize: "1K" } },
    });
    const stored = fake.batch.jobs.get(job.name)!;
    expect(stored.inputFile).toBe(job.inputFile);
    expect(stored.requests).toHaveLength(3);

    await fake.batch.complete(job.name);
    const done = await engine.poll(job.name, requests(keys));
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.resultsFile).toBe(stored.resultsFile);
    expect(fake.files.files.get(done.resultsFile!)!.downloads).toBe(1);
    expect(done.results?.map((r) => [r.key, r.kind === "image" ? "image" : r.error.code])).toEqual([
      ["0001", "image"],
      ["0002", "model_rejected_request"],
      ["0003", "no_image_returned"],
    ]);
    const refused = done.results![2]!;
    if (refused.kind !== "error") throw new Error("expected an error");
    expect(refused.error.message).toContain(`(model said: ${REFUSAL})`);
    const first = done.results![0]!;
    if (first.kind !== "image") throw new Error("expected an image");
    expect((await sharp(first.result.image).metadata()).width).toBe(1200);

    await engine.deleteFile(done.resultsFile!);
    await engine.deleteFile(job.inputFile!);
    expect(fake.files.deleted).toEqual([done.resultsFile, job.inputFile]);
    expect(fake.files.files.size).toBe(0);
  });

  it("inlines requests under the threshold (no upload)", async () => {
    const job = await makeEngine().submit([{ key: "k", request: request() }], "small");
    expect(job.inputFile).toBeNull();
    expect(fake.files.uploads.started).toBe(0);
    expect(fake.batch.jobs.get(job.name)!.inputFile).toBeUndefined();
  });

  it("keeps the model's finishMessage of an inlined answer (which the SDK drops)", async () => {
    const engine = makeEngine();
    fake.script([{ mode: "finish", finishReason: "NO_IMAGE", finishMessage: REFUSAL }]);
    const job = await engine.submit([{ key: "k", request: request() }], "refused");
    await fake.batch.complete(job.name);
    const done = await engine.poll(job.name, requests(["k"]));
    const r = done.results![0]!;
    if (r.kind !== "error") throw new Error("expected an error");
    expect(r.error.code).toBe("no_image_returned");
    expect(r.error.message).toContain(`(model said: ${REFUSAL})`);
  });
});

describe("GeminiBatchEngine.findJob", () => {
  it("finds a job by display name across pages, or null", async () => {
    const engine = makeEngine();
    for (let i = 0; i < 3; i++)
      await engine.submit([{ key: String(i), request: request() }], `vstage-x-${i}`);
    const target = [...fake.batch.jobs.values()].find((j) => j.displayName === "vstage-x-2")!;
    expect((await engine.findJob("vstage-x-2"))?.name).toBe(target.name);
    expect(await engine.findJob("vstage-x-9")).toBeNull();
  });
});

describe("parseResultLines", () => {
  it("reads key and response or error per line; a broken line has no key", () => {
    const text = [
      JSON.stringify({ key: "a", response: { candidates: [] } }),
      "",
      JSON.stringify({ key: "b", error: { code: 8, message: "quota" } }),
      "{not json",
    ].join("\n");
    expect(parseResultLines(text)).toEqual([
      { key: "a", response: { candidates: [] }, error: undefined },
      { key: "b", response: undefined, error: { code: 8, message: "quota" } },
      {},
    ]);
  });
});
