/**
 * An attempt's start and its completion against the Firestore emulator, at the store level: the
 * completion commits on the precondition its start returned (one write, no read) while nothing
 * else wrote the image, and falls back to a transaction that checks ownership when something
 * did (a duplicate counted itself, a takeover). A start given its dispatcher's claim ticket
 * commits on the claim's update time without reading the image, and reads it after all when the
 * ticket is stale. Counts stay exact in every case.
 */
import { beginAttempt, type BeginOutcome } from "../../src/store/attemptBegin.js";
import { readClaimTicket } from "../../src/store/claimTicket.js";
import { claimUndispatched } from "../../src/store/dispatchStore.js";
import { expandChunk } from "../../src/store/imageCreate.js";
import { completeImage, type SuccessRecord } from "../../src/store/imageStore.js";
import { OpCount } from "../../src/store/opCount.js";
import { getDb, newPartner, shardCountsVsImages, storeBatch } from "./harness.js";

const BEGIN = { leaseMs: 60_000, maxAttempts: 3 };
const IMAGE = "000000";
const imageDoc = (batchId: string) => getDb().doc(`batches/${batchId}/images/${IMAGE}`);

/** A batch of one image, created and queued, with no task: only these tests move it. */
async function oneQueuedImage(tag: string): Promise<string> {
  const { partnerId } = await newPartner(tag);
  const { batchId } = await storeBatch(partnerId, [`https://example.com/rooms/${tag}.jpg`]);
  await expandChunk(batchId, 0);
  return batchId;
}

const record = (attempt: number): SuccessRecord => ({
  outputPath: `outputs/test/${IMAGE}-a${attempt}.jpg`,
  outputUrl: "",
  processingTimeMs: 100,
  engineMs: 50,
  model: "preview-v1",
  promptVersion: "test",
  usage: null,
  costUsd: 0,
  width: 640,
  height: 480,
  bytes: 1000,
  format: "jpg",
  preview: true,
  receivedAtMs: Date.now(),
});

function started(b: BeginOutcome) {
  if (b.kind !== "start") throw new Error(`expected a start, got ${b.kind}`);
  return b;
}

async function expectExactCounts(batchId: string, completed: number) {
  const { shards, images } = await shardCountsVsImages(batchId);
  expect(shards).toMatchObject(images);
  expect(images).toMatchObject({ completed, processing: 1 - completed, queued: 0 });
}

test("a completion on its start's precondition writes once and reads nothing more", async () => {
  const batchId = await oneQueuedImage("owner-fast-path");
  const ops = new OpCount();
  const a = started(await beginAttempt(batchId, IMAGE, 0, ops, BEGIN));
  expect(await completeImage(batchId, IMAGE, a.attemptId, record(1), ops, undefined, a.owner)).toBe(
    true,
  );
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({ status: "completed", attempts: 1, attemptId: null });
  // One read (the start's), two writes (start, completion) and the creation.
  expect(img.firestoreOps).toEqual({ reads: 1, writes: 3 });
  await expectExactCounts(batchId, 1);
});

test("a completion after a duplicate wrote the image checks ownership in a transaction and completes once", async () => {
  const batchId = await oneQueuedImage("owner-after-duplicate");
  const ops = new OpCount();
  const a = started(await beginAttempt(batchId, IMAGE, 0, ops, BEGIN));
  // A duplicate delivery during the attempt: sent back, and counted on the image.
  expect((await beginAttempt(batchId, IMAGE, 0, new OpCount(), BEGIN)).kind).toBe("busy");
  expect((await imageDoc(batchId).get()).get("busyDeliveries")).toBe(1);

  expect(await completeImage(batchId, IMAGE, a.attemptId, record(1), ops, undefined, a.owner)).toBe(
    true,
  );
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({ status: "completed", attempts: 1, busyDeliveries: 1 });
  expect(img.firestoreOps.reads).toBe(2); // the precondition failed; the transaction read it
  await expectExactCounts(batchId, 1);
});

test("the completion of an attempt that was taken over is refused; the new attempt's is recorded", async () => {
  const batchId = await oneQueuedImage("owner-taken-over");
  const first = started(await beginAttempt(batchId, IMAGE, 0, new OpCount(), BEGIN));
  // The first worker looks gone (its lease has passed): a redelivery takes the image over.
  const later = new Date(Date.now() + BEGIN.leaseMs + 1000);
  const second = started(
    await beginAttempt(batchId, IMAGE, 0, new OpCount(), { ...BEGIN, now: later }),
  );
  expect(second.attempt).toBe(2);

  const lost = await completeImage(
    batchId,
    IMAGE,
    first.attemptId,
    record(1),
    new OpCount(),
    undefined,
    first.owner,
  );
  expect(lost).toBe(false);
  expect((await imageDoc(batchId).get()).get("status")).toBe("processing");
  await expectExactCounts(batchId, 0);

  const won = await completeImage(
    batchId,
    IMAGE,
    second.attemptId,
    record(2),
    new OpCount(),
    undefined,
    second.owner,
  );
  expect(won).toBe(true);
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({ status: "completed", attempts: 2, outputPath: record(2).outputPath });
  await expectExactCounts(batchId, 1);
});

test("two deliveries beginning at the same moment: one starts, the other finds it busy", async () => {
  const batchId = await oneQueuedImage("begin-together");
  const both = await Promise.all([
    beginAttempt(batchId, IMAGE, 0, new OpCount(), BEGIN),
    beginAttempt(batchId, IMAGE, 0, new OpCount(), BEGIN),
  ]);
  expect(both.map((b) => b.kind).sort()).toEqual(["busy", "start"]);
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({ status: "processing", attempts: 1, busyDeliveries: 1 });
  await expectExactCounts(batchId, 0);
});

/** The image's task ticket, as the dispatcher's claim made it. */
async function claimedTicket(batchId: string) {
  const [claim] = await claimUndispatched(batchId, 1);
  expect(claim?.imageId).toBe(IMAGE);
  expect(claim!.ticket).toBeDefined();
  return JSON.parse(JSON.stringify(claim!.ticket)) as unknown; // through the task's JSON
}

test("a start on its claim ticket reads nothing: the ticket is the image as the claim left it", async () => {
  const batchId = await oneQueuedImage("ticket-start");
  const ticket = await claimedTicket(batchId);
  const snap = await imageDoc(batchId).get();
  // The ticket is the document: its update time, and every field as stored.
  const carried = readClaimTicket(ticket);
  expect(carried!.updateTime.isEqual(snap.updateTime!)).toBe(true);
  expect(carried!.data).toEqual(snap.data());
  expect(carried!.data.taskEnqueuedAt).not.toBeNull();

  const ops = new OpCount();
  const a = started(await beginAttempt(batchId, IMAGE, 0, ops, { ...BEGIN, ticket }));
  expect(ops.reads).toBe(0);
  expect(await completeImage(batchId, IMAGE, a.attemptId, record(1), ops, undefined, a.owner)).toBe(
    true,
  );
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({ status: "completed", attempts: 1 });
  // No read at all; two writes (start, completion) and the creation.
  expect(img.firestoreOps).toEqual({ reads: 0, writes: 3 });
  await expectExactCounts(batchId, 1);
});

test("a stale claim ticket fails its precondition: the start reads the image and finds it busy", async () => {
  const batchId = await oneQueuedImage("ticket-stale");
  const ticket = await claimedTicket(batchId);
  // A duplicate of the task started the image first.
  const first = started(await beginAttempt(batchId, IMAGE, 0, new OpCount(), { ...BEGIN, ticket }));
  const ops = new OpCount();
  const late = await beginAttempt(batchId, IMAGE, 0, ops, { ...BEGIN, ticket });
  expect(late.kind).toBe("busy");
  expect(ops.reads).toBe(1);
  const img = (await imageDoc(batchId).get()).data()!;
  expect(img).toMatchObject({
    status: "processing",
    attempts: 1,
    attemptId: first.attemptId,
    busyDeliveries: 1,
  });
  await expectExactCounts(batchId, 0);
});

test("a malformed claim ticket is ignored: the start reads the image", async () => {
  const batchId = await oneQueuedImage("ticket-malformed");
  const ops = new OpCount();
  const a = started(
    await beginAttempt(batchId, IMAGE, 0, ops, {
      ...BEGIN,
      ticket: { updateTime: [1, 0], image: { status: { $ts: "x" } } },
    }),
  );
  expect(a.attempt).toBe(1);
  expect(ops.reads).toBe(1);
  await expectExactCounts(batchId, 0);
});
