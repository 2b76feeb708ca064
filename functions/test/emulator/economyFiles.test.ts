/**
 * The economy lane's JSONL route end to end in the Emulator Suite. The emulator env sets
 * ECONOMY_INLINE_MAX_BYTES=200000, so a job of six sample photos (about 280 kB of requests) is
 * uploaded as a JSONL file through the fake's Files API, created from it, and read back from its
 * results file; the tests check that this route ran (the job's input file), so a change in the
 * sample photos' sizes cannot silently test the inline route instead.
 */
import { modelJobsCol } from "../../src/store/modelJobs.js";
import { type FakeGemini } from "../fakes/fakeGemini.js";
import {
  allImages,
  batchCounters,
  imageCounts,
  newPartner,
  submitBatch,
  useFakeGemini,
  waitFinished,
  eventually,
  type SourceServer,
} from "./harness.js";

let sources: SourceServer;
let gemini: FakeGemini;
useFakeGemini((fixtures) => ({ sources, gemini } = fixtures));

const SIX = [0, 1, 2, 3, 4, 5];
const REFUSAL = "I cannot add furniture that blocks the fireplace.";
const batchCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] === "1");
const directCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] !== "1");

async function fileRouteBatch() {
  const p = await newPartner("Economy file partner", { engine: "gemini" });
  const batchId = await submitBatch(p.client, {
    images: SIX.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
    designStyle: "scandinavian",
    roomType: "living_room",
    clientName: "Economy Realty",
    lane: "economy",
  });
  await eventually("the model job to be recorded", async () => {
    const jobs = await modelJobsCol(batchId).get();
    return jobs.size === 1;
  });
  const [job] = [...gemini.batch.jobs.values()];
  return { client: p.client, batchId, job: job! };
}

test("a job above the inline threshold goes through a JSONL file and completes end to end", async () => {
  const { client, batchId, job } = await fileRouteBatch();
  expect(job.inputFile).toMatch(/^files\/\w+$/);
  expect(gemini.files.uploads).toEqual({ started: 1, finalized: 1 });
  expect(job.requests.map((r) => r.key)).toEqual(SIX.map((i) => String(i).padStart(6, "0")));
  const recorded = (await modelJobsCol(batchId).get()).docs[0]!;
  expect(recorded.get("inputFile")).toBe(job.inputFile);

  await gemini.batch.complete(job.name);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({
    status: "completed",
    total: 6,
    queued: 0,
    processing: 0,
    completed: 6,
    failed: 0,
  });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 6, documents: 6 });
  expect(await batchCounters(batchId)).toMatchObject({ completed: 6, failed: 0 });
  expect(batchCalls()).toHaveLength(6);
  expect(directCalls()).toHaveLength(0);
  for (const img of await allImages(client, batchId)) {
    expect(img).toMatchObject({ status: "completed", lane: "economy", modelJob: job.name });
    expect(img.outputUrl).toMatch(/^http/);
  }
  // The results file was read once; both files are deleted once the outcome is recorded.
  expect(gemini.files.downloaded).toEqual([job.resultsFile]);
  await eventually("the job's files to be deleted", async () => gemini.files.files.size === 0);
  expect(gemini.files.deleted.sort()).toEqual([job.inputFile, job.resultsFile].sort());
});

test("per-request errors in the results file fail their images with the standard lane's codes", async () => {
  gemini.script([
    "ok",
    "bad_request",
    "safety",
    { mode: "finish", finishReason: "NO_IMAGE", finishMessage: REFUSAL },
    "ok",
    "ok",
  ]);
  const { client, batchId, job } = await fileRouteBatch();
  expect(job.inputFile).toBeDefined();
  await gemini.batch.complete(job.name);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 3, failed: 3, processing: 0 });
  const images = await allImages(client, batchId);
  expect(images.map((i) => [i.status, i.error?.code ?? null])).toEqual([
    ["completed", null],
    ["failed", "model_rejected_request"],
    ["failed", "content_blocked_safety"],
    ["failed", "no_image_returned"],
    ["completed", null],
    ["completed", null],
  ]);
  // The model's own sentence reaches the partner, as in the standard lane.
  expect(images[3]!.error?.message).toContain(`(model said: ${REFUSAL})`);
  expect(await imageCounts(batchId)).toMatchObject({ completed: 3, failed: 3, documents: 6 });
  expect(directCalls()).toHaveLength(0);

  // The partner's usage counts the outcomes, the cost in the economy lane.
  const paid = images.filter((i) => i.status === "completed").map((i) => i.costUsd as number);
  const cost = Math.round(paid.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
  const today = new Date().toISOString().slice(0, 10);
  const usage = await client.get<{ total: Record<string, unknown> }>(
    `/usage?from=${today}&to=${today}`,
  );
  expect(usage.body.total).toEqual({
    submitted: 6,
    completed: 3,
    failed: 3,
    cached: 0,
    costUsd: cost,
    byModel: { "gemini-3.1-flash-image": { economy: { images: 3, costUsd: cost } } },
  });
});
