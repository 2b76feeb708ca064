/**
 * The reconciler repairs without flooding: a batch whose dispatch window was left short gets it
 * topped up (retry-failed that died before dispatching, 4e); a batch idle for the stale window
 * gets one bounded page of its queued images re-enqueued per run under their original task ids
 * (a task that ran out of queue deliveries, 4f), resuming from a cursor on the next run.
 */
import { chunkRef } from "../../src/store/batchStore.js";
import { requeueFailedImages } from "../../src/store/imageBulk.js";
import { expandChunk } from "../../src/store/imageCreate.js";
import { reconcile } from "../../src/worker/reconcile.js";
import {
  getDb,
  imageCounts,
  newPartner,
  storeBatch,
  useSourceServer,
  waitFinished,
  eventually,
  setImageStatus,
} from "./harness.js";

const sources = useSourceServer();
const HOUR = 3_600_000;
const reconcileAt = (batchId: string, now: Date, imagesPerBatch = 200) =>
  reconcile({
    now,
    processingDeadlineMs: 90_000,
    staleBatchMs: 120_000,
    maxAttempts: 3,
    imagesPerBatch,
    batchIds: [batchId],
  });

/** Image documents created, dispatched and the chunk marked done, but no task exists for them. */
async function batchWithLostTasks(partnerId: string, n: number, tag: string): Promise<string> {
  const urls = Array.from({ length: n }, (_, i) => `${sources().url}/rooms/${i}.jpg?r=${tag}`);
  const { batchId } = await storeBatch(partnerId, urls);
  await expandChunk(batchId, 0);
  const imgs = await getDb().collection(`batches/${batchId}/images`).get();
  const w = getDb().batch();
  for (const d of imgs.docs) w.update(d.ref, { taskEnqueuedAt: new Date() });
  await w.commit();
  await chunkRef(batchId, 0).update({ enqueuedAt: new Date() });
  return batchId;
}

test("4e: failed images moved back by a retry-failed that died before enqueueing get their tasks", async () => {
  const { client, partnerId } = await newPartner("Repair 4e");
  const batchId = await batchWithLostTasks(partnerId, 3, "4e");
  const imgs = await getDb().collection(`batches/${batchId}/images`).get();
  await setImageStatus(
    imgs.docs.map((d) => d.ref),
    "failed",
    { completedAt: new Date() },
  );
  // The route's first step; its request timed out before the enqueue.
  expect(await requeueFailedImages(batchId)).toHaveLength(3);

  // The reconciler tops the batch's dispatch window up (claims make a concurrent top-up by the
  // request itself harmless); the window's size depends on the other open batches, and the
  // images it leaves are dispatched as the first ones finish.
  const report = await reconcileAt(batchId, new Date());
  expect(report.imagesWithoutTaskEnqueued).toBeGreaterThanOrEqual(1);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 3, failed: 0 });
  const after = await getDb().collection(`batches/${batchId}/images`).get();
  expect(after.docs.map((d) => [d.get("generation"), d.get("attempts")])).toEqual([
    [1, 1],
    [1, 1],
    [1, 1],
  ]);
});

test("4f: an idle batch's queued images are re-enqueued one bounded page per run, resuming from a cursor", async () => {
  const { client, partnerId } = await newPartner("Repair 4f");
  const batchId = await batchWithLostTasks(partnerId, 6, "4f");
  const later = new Date(Date.now() + HOUR);

  const first = await reconcileAt(batchId, later, 4);
  expect(first.queuedImagesReenqueued).toBe(4);
  expect((await getDb().doc(`batches/${batchId}`).get()).get("reconcileCursor")).toBe(3);
  // The first page finishes before the next run (at `later`, a page still running would look
  // lost, which is right an hour on but not what this test is about).
  await eventually("the first page", async () => (await imageCounts(batchId)).completed === 4);
  const second = await reconcileAt(batchId, later, 4);
  expect(second.queuedImagesReenqueued).toBe(2);
  expect((await getDb().doc(`batches/${batchId}`).get()).get("reconcileCursor")).toBeUndefined();

  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 6 });
  expect(await imageCounts(batchId)).toMatchObject({ completed: 6, documents: 6 });
  const attempts = (await getDb().collection(`batches/${batchId}/images`).get()).docs.map(
    (d) => d.get("attempts") as number,
  );
  expect(attempts).toEqual([1, 1, 1, 1, 1, 1]);
});

test("a batch that is making progress gets no re-enqueue, however old its queued images", async () => {
  const { partnerId } = await newPartner("Repair live");
  const batchId = await batchWithLostTasks(partnerId, 2, "live");
  // An image started a moment ago: the queue is alive for this batch.
  await setImageStatus([getDb().doc(`batches/${batchId}/images/000000`)], "processing", {
    startedAt: new Date(),
    attempts: 1,
    attemptId: "live",
  });
  const report = await reconcileAt(batchId, new Date());
  expect(report).toMatchObject({ queuedImagesReenqueued: 0, lostImagesRequeued: 0 });
  expect(await imageCounts(batchId)).toMatchObject({ queued: 1, processing: 1 });
});

test("a deferred image is left to its scheduled task until that task is overdue by the stale window", async () => {
  const { client, partnerId } = await newPartner("Repair deferred");
  const batchId = await batchWithLostTasks(partnerId, 2, "deferred");
  const later = new Date(Date.now() + HOUR);
  // Image 0 waits for quota: its deferred task runs 10 minutes after `later` (deferImage.ts).
  const deferredUntil = new Date(later.getTime() + 10 * 60_000);
  await getDb()
    .doc(`batches/${batchId}/images/000000`)
    .update({ waitingFor: "quota", deferredUntil });

  const first = await reconcileAt(batchId, later);
  expect(first.queuedImagesReenqueued).toBe(1);
  await eventually("image 1 staged", async () => (await imageCounts(batchId)).completed === 1);
  expect(await imageCounts(batchId)).toMatchObject({ queued: 1, completed: 1 });

  // Its task overdue by more than the stale window (120 s here): the task is taken as lost.
  const overdue = new Date(deferredUntil.getTime() + 121_000);
  const second = await reconcileAt(batchId, overdue);
  expect(second.queuedImagesReenqueued).toBe(1);
  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 2 });
});
