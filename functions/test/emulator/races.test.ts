/**
 * Races between task deliveries, each made deterministic: a slow source holds an attempt open while a
 * duplicate is delivered, or the exact state a failure leaves behind is produced with the same
 * store calls, then the real queue and workers run. Each test waits for a positive signal (a
 * document field, the batch finishing) and asserts exact outcomes: attempts, source fetches
 * (one fetch = one model call), counts and the output file against the recorded metadata.
 */
import { expandChunk } from "../../src/store/imageCreate.js";
import { outputMarker } from "../../src/worker/outputMarker.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LocalOutputStore } from "../../src/outputs/localOutputStore.js";
import { outputPath } from "../../src/outputs/outputStore.js";
import { beginAttempt } from "../../src/store/attemptBegin.js";
import { recordStoredOutput, type SuccessRecord } from "../../src/store/imageStore.js";
import { OpCount } from "../../src/store/opCount.js";
import { expandBatchTask } from "../../src/worker/expandBatch.js";
import { openCircuit } from "../../src/worker/quotaCircuit.js";
import { reconcile } from "../../src/worker/reconcile.js";
import { enqueueOnce, enqueueStageTasks, stageTaskId } from "../../src/queues/taskQueues.js";
import {
  API_BASE,
  getDb,
  imageCounts,
  newPartner,
  stageTaskOf,
  storeBatch,
  submitBatch,
  useSourceServer,
  waitFinished,
  eventually,
  shardCountsVsImages,
} from "./harness.js";

const sources = useSourceServer();
const BEGIN = { leaseMs: 60_000, maxAttempts: 3 };
const OUTPUT_DIR = fileURLToPath(new URL("../../../.runtime/outputs", import.meta.url));
const imageDoc = (batchId: string, i = 0) =>
  getDb().doc(`batches/${batchId}/images/${String(i).padStart(6, "0")}`);
const fetchesOf = (path: string) => sources().requests.get(path) ?? 0;

async function outputBytes(apiKey: string, batchId: string, index: number): Promise<Buffer> {
  const res = await fetch(`${API_BASE}/batch/${batchId}/images/${index}/output`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (res.status !== 200) throw new Error(`output ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

test("4b: a duplicate delivered during a live attempt is sent back, neither stealing nor staging twice", async () => {
  const { client, partnerId, apiKey } = await newPartner("Race 4b");
  const path = "/rooms/7.jpg?mode=slow&ms=4000";
  const batchId = await submitBatch(client, {
    images: [{ url: `${sources().url}${path}` }],
    designStyle: "japandi",
    roomType: "bedroom",
    clientName: "Race 4b",
  });
  await eventually(
    "the first attempt",
    async () => (await imageDoc(batchId).get()).get("status") === "processing",
  );
  const dup = stageTaskOf(batchId, partnerId, 0);
  expect(await enqueueOnce("stageImage", dup, stageTaskId(batchId, "000000", 0, "dup"))).toBe(
    "enqueued",
  );
  // The positive signal that the duplicate arrived while the first attempt was running.
  await eventually("the duplicate during the attempt", async () => {
    const d = await imageDoc(batchId).get();
    return ((d.get("busyDeliveries") as number | undefined) ?? 0) >= 1;
  });
  expect((await imageDoc(batchId).get()).get("status")).toBe("processing");

  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1, failed: 0 });
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img.attempts).toBe(1);
  expect(img.outputPath).toBe(outputPath(partnerId, batchId, "000000-a1", "jpg"));
  expect(fetchesOf(path)).toBe(1); // one fetch: the model was called once
  expect((await outputBytes(apiKey, batchId, 0)).length).toBe(img.bytes);
});

/**
 * An image whose first attempt staged it and stored its output (`fixture`) but never recorded
 * it: the situation both "3:" tests start from. Returns what the redelivery must record.
 */
async function attemptThatStoredItsOutput(
  tag: string,
  fixture: string,
  model: string,
  cost: number,
) {
  const { client, partnerId, apiKey } = await newPartner(tag);
  const path = `/rooms/11.jpg?r=${encodeURIComponent(tag)}`;
  const { batchId } = await storeBatch(partnerId, [`${sources().url}${path}`]);
  await expandChunk(batchId, 0);
  const begin = await beginAttempt(batchId, "000000", 0, new OpCount(), BEGIN);
  if (begin.kind !== "start") throw new Error(begin.kind);
  const bytes = readFileSync(fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url)));
  const stored = outputPath(partnerId, batchId, "000000-a1", "jpg");
  const record: SuccessRecord = {
    outputPath: stored,
    outputUrl: "",
    processingTimeMs: 1234,
    engineMs: 4321,
    model,
    promptVersion: "test",
    usage: null,
    costUsd: cost,
    width: 640,
    height: 480,
    bytes: bytes.length,
    format: "jpg",
    preview: true,
    receivedAtMs: Date.now(),
  };
  return { client, partnerId, apiKey, path, batchId, begin, bytes, stored, record };
}

test("3: an output stored before a failed completion commit is recorded by the redelivery, without staging again", async () => {
  const a = await attemptThatStoredItsOutput(
    "Commit failure",
    "room-000.jpg",
    "recorded-before-the-failed-commit",
    0.039,
  );
  // The completion commit failed; the worker recorded the stored output on the image instead.
  await new LocalOutputStore(OUTPUT_DIR).save(a.stored, a.bytes);
  await recordStoredOutput(a.batchId, "000000", a.begin.attemptId, a.record);

  // Cloud Tasks redelivers the task (the failed attempt threw).
  await enqueueStageTasks([stageTaskOf(a.batchId, a.partnerId, 0)]);
  const { final } = await waitFinished(a.client, a.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1 });
  const img = (await imageDoc(a.batchId).get()).data()!;
  expect(img).toMatchObject({
    attempts: 1,
    model: "recorded-before-the-failed-commit",
    engineMs: 4321,
    outputPath: a.stored,
  });
  expect(img.storedOutput).toBeUndefined();
  expect(fetchesOf(a.path)).toBe(0); // never fetched again: the model was not called again
  expect(await outputBytes(a.apiKey, a.batchId, 0)).toEqual(a.bytes);
  expect(final.statistics.totalCostUsd).toBe(0.039);
});

test("3: an output stored by an attempt whose commit and fallback write both failed is recorded from its marker, without staging again", async () => {
  const a = await attemptThatStoredItsOutput(
    "Commit and fallback failure",
    "room-003.jpg",
    "recorded-in-the-output-marker",
    0.067,
  );
  // The output was saved with the record as its marker, then Firestore refused both the
  // completion commit and the storedOutput write, and the worker gave up long ago.
  await new LocalOutputStore(OUTPUT_DIR).save(
    a.stored,
    a.bytes,
    "image/jpeg",
    outputMarker(a.record),
  );
  await imageDoc(a.batchId).update({ startedAt: new Date(Date.now() - 3_600_000) });

  // Cloud Tasks redelivers the task; the lease has passed, so the new attempt takes over.
  await enqueueStageTasks([stageTaskOf(a.batchId, a.partnerId, 0)]);
  const { final } = await waitFinished(a.client, a.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1 });
  const img = (await imageDoc(a.batchId).get()).data()!;
  expect(img).toMatchObject({
    attempts: 2,
    model: "recorded-in-the-output-marker",
    engineMs: 4321,
    outputPath: a.stored,
  });
  expect(fetchesOf(a.path)).toBe(0); // never fetched: the model was not called again
  expect(await outputBytes(a.apiKey, a.batchId, 0)).toEqual(a.bytes);
  expect(final.statistics.totalCostUsd).toBe(0.067);
});

test("4c: with the quota circuit open, a redelivery for a processing image is not acknowledged", async () => {
  const { client, partnerId } = await newPartner("Race 4c");
  const path = "/rooms/12.jpg";
  const { batchId } = await storeBatch(partnerId, [`${sources().url}${path}`]);
  await expandChunk(batchId, 0);
  // An attempt whose worker died longer than a lease ago...
  await beginAttempt(batchId, "000000", 0, new OpCount(), BEGIN);
  await imageDoc(batchId).update({ startedAt: new Date(Date.now() - 2 * BEGIN.leaseMs) });
  // ...redelivered while the quota circuit is open.
  await openCircuit(4000, "test_quota");
  await enqueueStageTasks([stageTaskOf(batchId, partnerId, 0)]);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1 });
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img.attempts).toBe(2);
  expect(fetchesOf(path)).toBe(1);
});

test("4a: images a fan-out creates after a cancel are cancelled; a retried chunk counts nothing twice", async () => {
  const { client, partnerId } = await newPartner("Race 4a");
  const urls = Array.from({ length: 5 }, (_, i) => `${sources().url}/rooms/${i}.jpg?r=4a`);
  const { batchId } = await storeBatch(partnerId, urls);
  // The cancel arrives before the fan-out has created any image: its query finds none.
  const cancel = await client.post<{ cancelledCount: number }>(`/batch/${batchId}/cancel`);
  expect(cancel.body.cancelledCount).toBe(0);
  // A fan-out that read the batch before the flag creates its images queued; then it is retried.
  await expandChunk(batchId, 0);
  await expandChunk(batchId, 0);
  expect(await imageCounts(batchId)).toMatchObject({ queued: 5, documents: 5 });

  const report = await reconcile({
    now: new Date(),
    processingDeadlineMs: 90_000,
    staleBatchMs: 120_000,
    maxAttempts: 3,
    batchIds: [batchId],
  });
  expect(report).toMatchObject({ stragglersCancelled: 5, batchesFinished: 1 });
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "cancelled", cancelled: 5, queued: 0, total: 5 });
  expect(await imageCounts(batchId)).toMatchObject({ cancelled: 5, documents: 5 });
  // Created queued, cancelled through the transition: each counted once on the shards.
  const view = await shardCountsVsImages(batchId);
  expect(view.shards).toEqual(view.images);
  expect(view.shards.cancelled).toBe(5);
});

test("4d: a replayed or re-run fan-out of an enqueued chunk enqueues no image task again", async () => {
  const { client } = await newPartner("Race 4d");
  const body = {
    images: [
      { url: `${sources().url}/rooms/1.jpg?r=4d` },
      { url: `${sources().url}/rooms/2.jpg?r=4d` },
    ],
    designStyle: "modern",
    roomType: "kitchen",
    clientName: "Race 4d",
  };
  const headers = { "idempotency-key": "race-4d" };
  const first = await client.post<{ batchId: string }>("/batch/staging/create", body, headers);
  await waitFinished(client, first.body.batchId);
  const replay = await client.post<{ batchId: string }>("/batch/staging/create", body, headers);
  expect(replay.body.batchId).toBe(first.body.batchId);
  // The fan-out task again, as after Cloud Tasks freed its name: nothing to enqueue.
  expect(await expandBatchTask({ batchId: first.body.batchId, chunk: 0 })).toBe(0);
  const { final } = await waitFinished(client, first.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 2 });
  const imgs = await getDb().collection(`batches/${first.body.batchId}/images`).get();
  expect(imgs.docs.map((d) => d.get("attempts") as number)).toEqual([1, 1]);
});
