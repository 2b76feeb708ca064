/**
 * Faults: duplicate create, a worker that dies mid-image, an image stuck in `processing` after
 * every attempt crashed, an interrupted fan-out, a lost completion, cancellation. The crash
 * states are produced exactly as a dying worker leaves them (the same store calls), then the
 * real queue and the reconciler's core finish the job. (Reconciler bounds and the races between
 * deliveries are in repair.test.ts and races.test.ts.)
 */
import { createBatch } from "../../src/store/batchCreate.js";
import { expandChunk } from "../../src/store/imageCreate.js";
import { beginAttempt } from "../../src/store/attemptBegin.js";
import { OpCount } from "../../src/store/opCount.js";
import { reconcile } from "../../src/worker/reconcile.js";
import { enqueueStageTasks, type StageTaskData } from "../../src/queues/taskQueues.js";
import { validateCreateRequest } from "../../src/domain/createRequest.js";
import {
  allImages,
  batchCounters,
  eventually,
  getDb,
  imageCounts,
  newPartner,
  useSourceServer,
  waitFinished,
  setImageStatus,
  shardCountsVsImages,
} from "./harness.js";

const sources = useSourceServer();

const RULES = { allowHttp: true, allowPrivateHosts: true };
const QUOTAS = { maxImagesPerBatch: 10000, maxOpenBatches: 100, maxImagesPerDay: 1_000_000 };
const HOUR = 3_600_000;
/** The emulator's task timeout (STAGE_TIMEOUT_SECONDS) is the attempt lease; budget 3. */
const BEGIN = { leaseMs: 60_000, maxAttempts: 3 };

/** A batch written by the store as the API does, but with no fan-out task enqueued. */
async function batchWithoutFanOut(partnerId: string, n: number) {
  const body = {
    images: Array.from({ length: n }, (_, i) => ({ url: `${sources().url}/rooms/${i}.jpg` })),
    designStyle: "japandi",
    roomType: "bedroom",
    clientName: "Fault injection",
  };
  const v = validateCreateRequest(body, RULES);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return createBatch({ partnerId, request: v.value, engine: "preview", quotas: QUOTAS });
}

function tasksFor(batchId: string, partnerId: string, ids: number[]): StageTaskData[] {
  return ids.map((i) => ({
    batchId,
    imageId: String(i).padStart(6, "0"),
    generation: 0,
    partnerId,
    designStyle: "japandi",
    roomType: "bedroom",
    engine: "preview",
  }));
}

const reconcileAt = (batchId: string, now: Date) =>
  reconcile({
    now,
    processingDeadlineMs: 90_000,
    staleBatchMs: 120_000,
    maxAttempts: 3,
    batchIds: [batchId],
  });

test("Idempotency-Key: same body -> same batch; different body -> 409; scoped per partner", async () => {
  const a = await newPartner("Idem A");
  const b = await newPartner("Idem B");
  const body = {
    images: [{ url: `${sources().url}/rooms/1.jpg` }, { url: `${sources().url}/rooms/2.jpg` }],
    designStyle: "modern",
    roomType: "kitchen",
    clientName: "Idem",
  };
  const headers = { "idempotency-key": "order-4711" };
  const first = await a.client.post<{ batchId: string; replayed?: boolean }>(
    "/batch/staging/create",
    body,
    headers,
  );
  const again = await a.client.post<{ batchId: string; replayed?: boolean }>(
    "/batch/staging/create",
    body,
    headers,
  );
  expect(first.status).toBe(202);
  expect(again.status).toBe(202);
  expect(again.body.batchId).toBe(first.body.batchId);
  expect(again.body.replayed).toBe(true);
  const conflict = await a.client.post<{ code: string }>(
    "/batch/staging/create",
    { ...body, clientName: "Other" },
    headers,
  );
  expect(conflict.status).toBe(409);
  expect(conflict.body.code).toBe("idempotency_conflict");
  const other = await b.client.post<{ batchId: string }>("/batch/staging/create", body, headers);
  expect(other.status).toBe(202);
  expect(other.body.batchId).not.toBe(first.body.batchId);
  const { final } = await waitFinished(a.client, first.body.batchId);
  expect(final).toMatchObject({ total: 2, completed: 2 });
  const count = await getDb()
    .collection("batches")
    .where("partnerId", "==", a.partnerId)
    .count()
    .get();
  expect(count.data().count).toBe(1);
});

test("a worker that died after marking an image processing: the retry finishes it, counters exact", async () => {
  const { partnerId, client } = await newPartner("Crash partner");
  const { batchId } = await batchWithoutFanOut(partnerId, 4);
  await expandChunk(batchId, 0);
  // The dying worker: marked image 0 processing, then the process was killed longer than a
  // task timeout ago (its lease has expired, so the redelivery may take over).
  const crashed = await beginAttempt(batchId, "000000", 0, new OpCount(), BEGIN);
  expect(crashed.kind).toBe("start");
  await getDb()
    .doc(`batches/${batchId}/images/000000`)
    .update({ startedAt: new Date(Date.now() - 2 * BEGIN.leaseMs) });
  expect(await imageCounts(batchId)).toMatchObject({ queued: 3, processing: 1 });
  // Cloud Tasks redelivers the crashed task; the other images' tasks arrive normally.
  await enqueueStageTasks(tasksFor(batchId, partnerId, [0, 1, 2, 3]));
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 4, processing: 0, queued: 0 });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 4, documents: 4 });
  const img0 = (await allImages(client, batchId)).find((i) => i.index === 0)!;
  expect(img0.attempts).toBe(2);
});

test("images stuck in processing: the reconciler re-enqueues while attempts remain, else fails them worker_lost", async () => {
  const { partnerId, client } = await newPartner("Stuck partner");
  const { batchId } = await batchWithoutFanOut(partnerId, 3);
  await expandChunk(batchId, 0);
  // Image 0: every attempt crashed (3 of 3). Image 1: one crashed attempt, task gone.
  // Each crashed attempt was taken over after its lease (the `now` of the next delivery).
  for (let i = 0; i < 3; i++) {
    const now = new Date(Date.now() + i * HOUR);
    const r = await beginAttempt(batchId, "000000", 0, new OpCount(), { ...BEGIN, now });
    expect(r.kind).toBe("start");
  }
  await beginAttempt(batchId, "000001", 0, new OpCount(), BEGIN);
  await enqueueStageTasks(tasksFor(batchId, partnerId, [2]));
  await eventually(
    "image 2's task to finish",
    async () => (await imageCounts(batchId)).completed === 1,
  );

  // Nothing is touched before the deadline.
  const early = await reconcileAt(batchId, new Date());
  expect(early.lostImagesFailed + early.lostImagesRequeued).toBe(0);

  const report = await reconcileAt(batchId, new Date(Date.now() + HOUR));
  expect(report.lostImagesFailed).toBe(1);
  expect(report.lostImagesRequeued).toBe(1);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({
    status: "completed",
    completed: 2,
    failed: 1,
    processing: 0,
    queued: 0,
  });
  const imgs = await allImages(client, batchId);
  expect(imgs[0]).toMatchObject({
    status: "failed",
    error: { code: "worker_lost", retryable: false },
  });
  expect(imgs[1]).toMatchObject({ status: "completed" });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 2, failed: 1, documents: 3 });
  // Running it again changes nothing.
  const again = await reconcileAt(batchId, new Date(Date.now() + HOUR));
  expect(again).toMatchObject({ lostImagesFailed: 0, lostImagesRequeued: 0, batchesFinished: 0 });
});

test("an interrupted fan-out is re-enqueued by the reconciler", async () => {
  const { partnerId, client } = await newPartner("Fan-out partner");
  const { batchId } = await batchWithoutFanOut(partnerId, 5);
  const report = await reconcileAt(batchId, new Date(Date.now() + HOUR));
  expect(report.chunksReenqueued).toBe(1);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 5 });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 5, documents: 5 });
});

test("a batch whose last transition was never followed by completion is finished by the reconciler, once", async () => {
  const { partnerId, client } = await newPartner("Lost completion partner");
  const { batchId } = await batchWithoutFanOut(partnerId, 4);
  // Born dispatched (as the economy lane creates them), so the fair-share scheduler's tick cannot
  // dispatch them between their creation and the edit below.
  await expandChunk(batchId, 0, "economy");
  // Every image finished, but the worker died before settling and no trigger event came.
  const images = await getDb().collection(`batches/${batchId}/images`).get();
  await setImageStatus(
    images.docs.map((d) => d.ref),
    "completed",
    { completedAt: new Date() },
  );
  expect((await getDb().doc(`batches/${batchId}`).get()).get("status")).toBe("queued");

  const [first, second] = await Promise.all([
    reconcileAt(batchId, new Date(Date.now() + HOUR)),
    reconcileAt(batchId, new Date(Date.now() + HOUR)),
  ]);
  expect(first.batchesFinished + second.batchesFinished).toBe(1);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 4, queued: 0 });
  expect(await batchCounters(batchId)).toEqual({
    queued: 0,
    processing: 0,
    completed: 4,
    failed: 0,
    cancelled: 0,
  });
  const again = await reconcileAt(batchId, new Date(Date.now() + HOUR));
  expect(again.batchesFinished).toBe(0);
});

test("cancel: queued images are cancelled, running ones finish, the batch ends cancelled", async () => {
  const { client } = await newPartner("Cancel partner");
  const images = Array.from({ length: 30 }, (_, i) => ({
    url: `${sources().url}/rooms/${i}.jpg?mode=slow&ms=1500`,
  }));
  const created = await client.post<{ batchId: string }>("/batch/staging/create", {
    images,
    designStyle: "luxury",
    roomType: "dining_room",
    clientName: "Cancel me",
  });
  const { batchId } = created.body;
  await eventually("the first image to start", async () => {
    const s = await client.get<{ processing: number; completed: number }>(
      `/batch/${batchId}/status?pageSize=1`,
    );
    return s.body.processing + s.body.completed > 0;
  });
  const cancel = await client.post<{ cancelledCount: number }>(`/batch/${batchId}/cancel`);
  expect(cancel.status).toBe(200);
  expect(cancel.body.cancelledCount).toBeGreaterThan(0);
  const { final } = await waitFinished(client, batchId);
  expect(final.status).toBe("cancelled");
  expect(final.cancelled).toBe(cancel.body.cancelledCount);
  expect(final.completed + final.cancelled + final.failed).toBe(30);
  expect(final.queued + final.processing).toBe(0);
  // A task of a cancelled image that arrives later does nothing.
  const cancelled = await getDb()
    .collection(`batches/${batchId}/images`)
    .where("status", "==", "cancelled")
    .limit(1)
    .get();
  const late = await beginAttempt(batchId, cancelled.docs[0]!.id, 0, new OpCount(), BEGIN);
  expect(late).toMatchObject({ kind: "skip", reason: "cancelled" });
  const counts = await imageCounts(batchId);
  expect(counts).toMatchObject({
    cancelled: final.cancelled,
    completed: final.completed,
    documents: 30,
  });
  // The counter shards moved with every image (cancel is a bulk transition).
  const view = await shardCountsVsImages(batchId);
  expect(view.shards).toEqual(view.images);
  expect(view.shards).toMatchObject({ cancelled: final.cancelled, queued: 0, processing: 0 });
  const again = await client.post<{ code: string }>(`/batch/${batchId}/retry-failed`);
  expect(again.status).toBe(409);
  expect(again.body.code).toBe("batch_cancelled");
});

test("partner quotas: 429 quota_exceeded naming the quota, nothing written", async () => {
  const p = await newPartner("Quota partner", {
    quotas: { maxImagesPerBatch: 5, maxOpenBatches: 1, maxImagesPerDay: 8 },
  });
  const body = (n: number) => ({
    images: Array.from({ length: n }, (_, i) => ({
      url: `${sources().url}/rooms/${i}.jpg?mode=slow&ms=1000`,
    })),
    designStyle: "modern",
    roomType: "bedroom",
    clientName: "Quota",
  });
  const tooBig = await p.client.post<{ code: string; details: { quota: string; limit: number } }>(
    "/batch/staging/create",
    body(6),
  );
  expect(tooBig.status).toBe(429);
  expect(tooBig.body).toMatchObject({
    code: "quota_exceeded",
    details: { quota: "maxImagesPerBatch", limit: 5 },
  });
  const first = await p.client.post<{ batchId: string }>("/batch/staging/create", body(5));
  expect(first.status).toBe(202);
  const second = await p.client.post<{ code: string; details: { quota: string } }>(
    "/batch/staging/create",
    body(2),
  );
  expect(second.status).toBe(429);
  expect(second.body.details.quota).toBe("maxOpenBatches");
  await waitFinished(p.client, first.body.batchId);
  const daily = await p.client.post<{ code: string; details: { quota: string; freesAt: string } }>(
    "/batch/staging/create",
    body(4),
  );
  expect(daily.status).toBe(429);
  expect(daily.body.details.quota).toBe("maxImagesPerDay");
  expect(Date.parse(daily.body.details.freesAt)).toBeGreaterThan(Date.now());
  const count = await getDb()
    .collection("batches")
    .where("partnerId", "==", p.partnerId)
    .count()
    .get();
  expect(count.data().count).toBe(1);
});
