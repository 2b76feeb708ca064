/**
 * Second chances in the economy lane, in the Emulator Suite against the fake's Batch API:
 * a submission whose create call succeeded at Gemini but whose answer was lost (the task dies
 * before recording the job) is redelivered and adopts that job instead of paying for a second
 * one; retry-failed sends an economy batch's failed images back to the economy lane by default,
 * or to the standard lane when the partner asks.
 */
import { modelJobsCol } from "../../src/store/modelJobs.js";
import { type FakeGemini } from "../fakes/fakeGemini.js";
import {
  ApiClient,
  allImages,
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

const batchCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] === "1");
const directCalls = () => gemini.calls.filter((c) => c.headers["x-fake-batch"] !== "1");

async function economyBatch(indexes: number[]): Promise<{ client: ApiClient; batchId: string }> {
  const p = await newPartner("Economy retry partner", { engine: "gemini" });
  const batchId = await submitBatch(p.client, {
    images: indexes.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
    designStyle: "scandinavian",
    roomType: "living_room",
    clientName: "Economy Realty",
    lane: "economy",
  });
  return { client: p.client, batchId };
}

const recordedJobs = async (batchId: string) => (await modelJobsCol(batchId).get()).docs;

test("a submission redelivered after its job was created but not recorded adopts that job", async () => {
  gemini.batch.loseCreateAnswers(1);
  const { client, batchId } = await economyBatch([0, 1, 2]);
  // The first delivery creates the job and never hears back; the queue retries the task.
  await eventually(
    "the redelivered submission to record the job",
    async () => (await recordedJobs(batchId)).length === 1,
    120_000,
  );
  expect(gemini.batch.jobs.size).toBe(1);
  const [job] = [...gemini.batch.jobs.values()];
  expect(job!.displayName).toMatch(new RegExp(`^vstage-${batchId}-`));
  expect((await recordedJobs(batchId))[0]!.get("name")).toBe(job!.name);

  await gemini.batch.complete(job!.name);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 3, failed: 0, processing: 0 });
  expect(gemini.batch.jobs.size).toBe(1);
  expect(batchCalls()).toHaveLength(3);
  expect(directCalls()).toHaveLength(0);
  const images = await allImages(client, batchId);
  expect(images.map((i) => [i.status, i.attempts, i.modelJob])).toEqual([
    ["completed", 1, job!.name],
    ["completed", 1, job!.name],
    ["completed", 1, job!.name],
  ]);
});

/** An economy batch of two images whose second one failed in its model job. */
async function batchWithOneFailure() {
  const { client, batchId } = await economyBatch([0, 1]);
  await eventually("the model job", async () => (await recordedJobs(batchId)).length === 1);
  gemini.script(["ok", "bad_request"]);
  await gemini.batch.complete();
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1, failed: 1 });
  return { client, batchId };
}

test("retry-failed sends an economy batch's failed images back to the economy lane", async () => {
  const { client, batchId } = await batchWithOneFailure();
  const retried = await client.post<{ retriedCount: number; lane: string }>(
    `/batch/${batchId}/retry-failed`,
    {},
  );
  expect(retried.status).toBe(200);
  expect(retried.body).toMatchObject({ retriedCount: 1, lane: "economy" });

  await eventually("the retry's model job", async () => (await recordedJobs(batchId)).length === 2);
  expect(gemini.batch.jobs.size).toBe(2);
  const retryJob = [...gemini.batch.jobs.values()].find((j) => j.state === "BATCH_STATE_PENDING")!;
  expect(retryJob.requests.map((r) => r.metadata)).toEqual([{ key: "000001" }]);

  await gemini.batch.complete(retryJob.name);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 2, failed: 0, processing: 0 });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 2, failed: 0, documents: 2 });
  expect(directCalls()).toHaveLength(0);
  const images = await allImages(client, batchId);
  expect(images[1]).toMatchObject({
    status: "completed",
    lane: "economy",
    modelJob: retryJob.name,
  });
});

test("retry-failed with lane standard stages the failed images through the image queue", async () => {
  const { client, batchId } = await batchWithOneFailure();
  const retried = await client.post<{ retriedCount: number; lane: string }>(
    `/batch/${batchId}/retry-failed`,
    { lane: "standard" },
  );
  expect(retried.body).toMatchObject({ retriedCount: 1, lane: "standard" });
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 2, failed: 0 });
  expect(gemini.batch.jobs.size).toBe(1);
  expect(directCalls()).toHaveLength(1);
});

test("retry-failed refuses an unknown lane and changes nothing", async () => {
  const { client, batchId } = await batchWithOneFailure();
  const refused = await client.post<{
    code: string;
    details: { fields: Array<{ field: string }> };
  }>(`/batch/${batchId}/retry-failed`, { lane: "express" });
  expect(refused.status).toBe(400);
  expect(refused.body.code).toBe("invalid_request");
  expect(refused.body.details.fields.map((f) => f.field)).toEqual(["lane"]);
  expect(await imageCounts(batchId)).toMatchObject({ completed: 1, failed: 1 });
});
