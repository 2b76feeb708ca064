/**
 * The economy lane end to end in the Emulator Suite: an economy batch on the gemini engine is
 * sent to the fake's Batch API endpoints (GEMINI_BASE_URL is the fake's port), followed by the
 * poller (ECONOMY_POLL_SECONDS=1 in the emulator env) and completed through the same transitions
 * as the standard lane. The test decides each job's outcome (complete, per-request error,
 * expiry, cancel) through the fake's batch control.
 */
import { fileURLToPath } from "node:url";
import { GeminiBatchEngine } from "../../src/engines/geminiBatch.js";
import { callCostUsd, MODELS } from "../../src/engines/modelRegistry.js";
import { LocalOutputStore } from "../../src/outputs/localOutputStore.js";
import { getModelJob, modelJobsCol } from "../../src/store/modelJobs.js";
import { enqueuePoll, pollModelJobTask } from "../../src/worker/economyPoll.js";
import { type FakeGemini } from "../fakes/fakeGemini.js";
import {
  ApiClient,
  allImages,
  newPartner,
  useFakeGemini,
  submitBatch,
  waitFinished,
  eventually,
  type SourceServer,
} from "./harness.js";

let sources: SourceServer;
let gemini: FakeGemini;
useFakeGemini((fixtures) => ({ sources, gemini } = fixtures));

const body = (indexes: number[], extra: object = {}) => ({
  images: indexes.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
  designStyle: "scandinavian",
  roomType: "living_room",
  clientName: "Economy Realty",
  lane: "economy",
  ...extra,
});

const batchCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] === "1");
const directCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] !== "1");

async function economyBatch(indexes: number[]): Promise<{ client: ApiClient; batchId: string }> {
  const p = await newPartner("Economy partner", { engine: "gemini" });
  const batchId = await submitBatch(p.client, body(indexes));
  await eventually("the model job to be created", async () => gemini.batch.jobs.size > 0);
  await eventually("the job to be recorded on the images", async () => {
    const images = await allImages(p.client, batchId);
    return images.every((i) => typeof i.modelJob === "string");
  });
  return { client: p.client, batchId };
}

test("an economy batch is staged through one Gemini batch job at the batch price", async () => {
  const { client, batchId } = await economyBatch([0, 1, 2]);
  const [job] = [...gemini.batch.jobs.values()];
  expect(job!.requests).toHaveLength(3);
  expect(directCalls()).toHaveLength(0);

  const waiting = await allImages(client, batchId);
  for (const img of waiting) {
    expect(img).toMatchObject({
      status: "processing",
      waitingFor: "model_batch",
      lane: "economy",
      modelJob: job!.name,
    });
    expect(Date.parse(String(img.estimatedCompletionBy)) - Date.parse(job!.createTime)).toBe(
      24 * 3_600_000,
    );
    expect(img.etaNote).toMatch(/24 hours/);
  }
  const status = await client.get<{ lane?: string }>(`/batch/${batchId}/status`);
  expect(status.body.lane).toBe("economy");

  await gemini.batch.complete(job!.name);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 3, failed: 0 });
  expect(batchCalls()).toHaveLength(3);
  expect(directCalls()).toHaveLength(0);
  const done = await allImages(client, batchId);
  const model = MODELS["gemini-3.1-flash-image"]!;
  for (const img of done) {
    expect(img).toMatchObject({ status: "completed", lane: "economy", modelJob: job!.name });
    expect(img.estimatedCompletionBy).toBeUndefined();
    const usage = img.usage as { promptTokens: number };
    // 2K output (OUTPUT_IMAGE_SIZE in the emulator env) at the Batch API price.
    expect(img.costUsd).toBe(
      callCostUsd(model, "2K", "batch", {
        promptTokens: usage.promptTokens,
        outputImageTokens: 1680,
        outputTextTokens: 0,
      }),
    );
    expect(img.outputUrl).toMatch(/^http/);
  }

  // A poll of a tick that already ran enqueues nothing new (same task id) ...
  const jobs = await modelJobsCol(batchId).get();
  const jobId = jobs.docs[0]!.id;
  expect(await enqueuePoll({ batchId, jobId, tick: 0 }, 0)).toBe("exists");
  // ... and a replayed tick after settlement changes nothing (see the next test for a live one).
  expect(jobs.docs[0]!.get("settledAt")).not.toBeNull();
});

test("a per-request error fails that image with the standard lane's code; the rest complete", async () => {
  const { client, batchId } = await economyBatch([0, 1, 2]);
  gemini.script(["ok", "bad_request", "safety"]);
  await gemini.batch.complete();
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1, failed: 2 });
  const images = await allImages(client, batchId);
  expect(images.map((i) => [i.status, i.error?.code ?? null])).toEqual([
    ["completed", null],
    ["failed", "model_rejected_request"],
    ["failed", "content_blocked_safety"],
  ]);
});

test("an expired job sends its images to the standard lane, which stages them", async () => {
  const { client, batchId } = await economyBatch([0, 1]);
  gemini.batch.expire();
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 2, failed: 0 });
  expect(batchCalls()).toHaveLength(0);
  expect(directCalls()).toHaveLength(2);
  const jobs = await modelJobsCol(batchId).get();
  expect(jobs.docs.map((d) => d.get("state"))).toEqual(["JOB_STATE_EXPIRED"]);
  const images = await allImages(client, batchId);
  // Standard-lane price for the fallback calls: more than the batch price.
  for (const img of images) expect(img.costUsd).toBeGreaterThan(0.1);
});

test("cancelling an economy batch cancels its images and its model job", async () => {
  const { client, batchId } = await economyBatch([0, 1, 2]);
  const cancel = await client.post<{ cancelledCount: number }>(`/batch/${batchId}/cancel`, {});
  expect(cancel.status).toBe(200);
  expect(cancel.body.cancelledCount).toBe(3);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "cancelled", cancelled: 3 });
  const [job] = [...gemini.batch.jobs.values()];
  await eventually("the poller to cancel the job at Gemini", async () => job!.cancelCalls === 1);
  expect(job!.state).toBe("BATCH_STATE_CANCELLED");
  expect(batchCalls()).toHaveLength(0);
});

test("a poller tick that runs twice (and races the deployed poller) completes each image once", async () => {
  const { client, batchId } = await economyBatch([0, 1, 2]);
  const jobId = (await modelJobsCol(batchId).get()).docs[0]!.id;
  const deps = {
    engine: () =>
      new GeminiBatchEngine({
        apiKey: "emulator-test-key",
        model: "gemini-3.1-flash-image",
        imageSize: "2K",
        baseUrl: gemini.url,
        timeoutMs: 30_000,
      }),
    store: new LocalOutputStore(
      fileURLToPath(new URL("../../../.runtime/outputs", import.meta.url)),
    ),
    output: { format: "jpeg", quality: 88, maxDimension: 4096, upscale: false } as const,
    pollSeconds: 1,
    fallbackToStandard: true,
  };
  await gemini.batch.complete();
  // The same tick twice at once, while the deployed poller also follows the job.
  const outcomes = await Promise.all([
    pollModelJobTask({ batchId, jobId, tick: 0 }, deps),
    pollModelJobTask({ batchId, jobId, tick: 0 }, deps),
  ]);
  for (const o of outcomes) expect(["settled", "gone"]).toContain(o);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 3, failed: 0, processing: 0 });
  const images = await allImages(client, batchId);
  expect(images.map((i) => [i.status, i.attempts])).toEqual([
    ["completed", 1],
    ["completed", 1],
    ["completed", 1],
  ]);
  expect((await getModelJob(batchId, jobId))?.settledAt).not.toBeNull();
  // Settled: a further run of any tick changes nothing.
  expect(await pollModelJobTask({ batchId, jobId, tick: 0 }, deps)).toBe("gone");
  expect(batchCalls()).toHaveLength(3);
});
