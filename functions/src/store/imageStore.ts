/**
 * Image documents and every state change of one image. Each change runs in a transaction that
 * reads the image, checks the transition, writes it and moves the batch counters with
 * FieldValue.increment (the batch document is never read-modify-written), so a duplicate or
 * stale delivery cannot count anything twice.
 */
import { randomUUID } from "node:crypto";
import {
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentReference,
  type Transaction,
} from "firebase-admin/firestore";
import type { SourceImage } from "../domain/chunking.js";
import { imageDocId } from "../domain/ids.js";
import { canTransition, counterDelta, type ImageStatus } from "../domain/imageStatus.js";
import { batchRef, chunkRef } from "./batchStore.js";
import { COLLECTIONS, getDb } from "./db.js";
import type { OpCount } from "./opCount.js";

export interface ImageError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface ImageDoc {
  imageId: string;
  index: number;
  url: string;
  propertyCode: string | null;
  status: ImageStatus;
  attempts: number;
  generation: number;
  attemptId: string | null;
  outputPath: string | null;
  outputUrl: string | null;
  error: ImageError | null;
  waitingFor: string | null;
  queuedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  processingTimeMs: number | null;
  data: DocumentData;
}

const toDate = (v: unknown): Date | null => (v instanceof Timestamp ? v.toDate() : null);

export function imageFromData(imageId: string, d: DocumentData): ImageDoc {
  return {
    imageId,
    index: d.index,
    url: d.url,
    propertyCode: d.propertyCode ?? null,
    status: d.status,
    attempts: d.attempts ?? 0,
    generation: d.generation ?? 0,
    attemptId: d.attemptId ?? null,
    outputPath: d.outputPath ?? null,
    outputUrl: d.outputUrl ?? null,
    error: d.error ?? null,
    waitingFor: d.waitingFor ?? null,
    queuedAt: toDate(d.queuedAt),
    startedAt: toDate(d.startedAt),
    completedAt: toDate(d.completedAt),
    processingTimeMs: d.processingTimeMs ?? null,
    data: d,
  };
}

export const imagesCol = (batchId: string) => batchRef(batchId).collection(COLLECTIONS.images);
export const imageRef = (batchId: string, imageId: string) => imagesCol(batchId).doc(imageId);

function moveCounters(
  tx: Transaction,
  batchId: string,
  from: ImageStatus,
  to: ImageStatus,
  extra: DocumentData = {},
): void {
  const delta = counterDelta(from, to);
  const update: DocumentData = { updatedAt: FieldValue.serverTimestamp(), ...extra };
  for (const [k, v] of Object.entries(delta)) update[k] = FieldValue.increment(v as number);
  tx.update(batchRef(batchId), update);
}

/** gRPC status of a create() on an existing document. */
const ALREADY_EXISTS = 6;

export interface ExpandedImage {
  imageId: string;
  index: number;
  generation: number;
}

/**
 * Creates the image documents of one chunk (idempotent: a re-run after a crash skips the ones
 * that exist). Returns the chunk's images for task enqueue.
 */
export async function expandChunk(
  batchId: string,
  chunkNo: number,
  cancelled: boolean,
): Promise<ExpandedImage[]> {
  const db = getDb();
  const snap = await chunkRef(batchId, chunkNo).get();
  if (!snap.exists) throw new Error(`chunk ${chunkNo} of batch ${batchId} does not exist`);
  const chunk = snap.data()!;
  const start = chunk.start as number;
  const images = chunk.images as SourceImage[];
  const out: ExpandedImage[] = images.map((_, i) => ({
    imageId: imageDocId(start + i),
    index: start + i,
    generation: 0,
  }));
  if (chunk.expandedAt) return out;

  const status: ImageStatus = cancelled ? "cancelled" : "queued";
  const now = Timestamp.now();
  const writer = db.bulkWriter();
  const failures: unknown[] = [];
  writer.onWriteError((err) => {
    // ALREADY_EXISTS: an earlier run of this chunk created it; anything else is retried.
    if (err.code === ALREADY_EXISTS) return false;
    return err.failedAttempts < 5;
  });
  images.forEach((img, i) => {
    const index = start + i;
    writer
      .create(imagesCol(batchId).doc(imageDocId(index)), {
        index,
        url: img.url,
        propertyCode: img.propertyCode ?? null,
        status,
        attempts: 0,
        generation: 0,
        queuedAt: now,
        startedAt: null,
        completedAt: cancelled ? now : null,
        error: null,
        outputUrl: null,
      })
      .catch((e: { code?: number }) => {
        if (e.code !== ALREADY_EXISTS) failures.push(e);
      });
  });
  await writer.close();
  // The chunk is marked expanded only when every image exists; otherwise the task is retried.
  if (failures.length)
    throw new Error(`${failures.length} image documents of chunk ${chunkNo} were not written`);

  await db.runTransaction(async (tx) => {
    const c = await tx.get(chunkRef(batchId, chunkNo));
    if (c.data()?.expandedAt) return;
    tx.update(c.ref, { expandedAt: FieldValue.serverTimestamp() });
    const update: DocumentData = {
      chunksExpanded: FieldValue.increment(1),
      updatedAt: FieldValue.serverTimestamp(),
    };
    // Images of a batch cancelled before its fan-out are born cancelled; move them here once.
    if (cancelled) {
      update.queued = FieldValue.increment(-images.length);
      update.cancelled = FieldValue.increment(images.length);
    }
    tx.update(batchRef(batchId), update);
  });
  return out;
}

export type BeginOutcome =
  | { kind: "start"; image: ImageDoc; attempt: number; attemptId: string }
  | {
      kind: "skip";
      reason: "finished" | "missing" | "stale_generation" | "cancelled";
      image?: ImageDoc;
    };

/**
 * Marks an image `processing` for one attempt. A finished image (duplicate delivery) or a task
 * of an older generation (superseded by retry-failed) is skipped. An image already `processing`
 * is taken over: Cloud Tasks only redelivers after the previous dispatch failed or timed out.
 */
export async function beginAttempt(
  batchId: string,
  imageId: string,
  generation: number,
  ops: OpCount,
): Promise<BeginOutcome> {
  const ref = imageRef(batchId, imageId);
  return getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    ops.read();
    if (!snap.exists) return { kind: "skip", reason: "missing" };
    const image = imageFromData(snap.id, snap.data()!);
    if (image.status === "cancelled") return { kind: "skip", reason: "cancelled", image };
    if (image.status === "completed" || image.status === "failed")
      return { kind: "skip", reason: "finished", image };
    if (image.generation !== generation) return { kind: "skip", reason: "stale_generation", image };
    const attempt = image.attempts + 1;
    const attemptId = randomUUID();
    tx.update(ref, {
      status: "processing",
      attempts: attempt,
      attemptId,
      startedAt: FieldValue.serverTimestamp(),
      waitingFor: null,
    });
    ops.write();
    if (image.status === "queued") {
      moveCounters(tx, batchId, "queued", "processing");
      ops.write();
    }
    return { kind: "start", image, attempt, attemptId };
  });
}

export interface SuccessRecord {
  outputPath: string;
  outputUrl: string;
  processingTimeMs: number;
  engineMs: number;
  model: string;
  promptVersion: string;
  usage: Record<string, number> | null;
  costUsd: number;
  width: number;
  height: number;
  bytes: number;
  format: string;
  preview: boolean;
  /** When the task reached the worker (ms since epoch): the benchmark's overhead baseline. */
  receivedAtMs: number;
  /** Gemini engine: the imageConfig.imageSize and aspect ratio asked for (null for preview). */
  requestedImageSize?: string | null;
  aspectRatio?: string | null;
  /** Pixel size the model returned, and whether the stored output differs from it. */
  modelWidth?: number;
  modelHeight?: number;
  resized?: boolean;
  /** Bytes of the prepared photo sent to the model. */
  inputBytes?: number;
  /** True when a disclosure label was burned into the output. */
  labelled?: boolean;
}

/** Runs `fn` only if this attempt still owns the image (no takeover happened meanwhile). */
async function withOwnedImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  ops: OpCount,
  fn: (tx: Transaction, ref: DocumentReference, image: ImageDoc) => void,
): Promise<boolean> {
  const ref = imageRef(batchId, imageId);
  return getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    ops.read();
    if (!snap.exists) return false;
    const image = imageFromData(snap.id, snap.data()!);
    if (image.status !== "processing" || image.attemptId !== attemptId) return false;
    fn(tx, ref, image);
    return true;
  });
}

export function completeImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  rec: SuccessRecord,
  ops: OpCount,
): Promise<boolean> {
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref) => {
    ops.write(2);
    tx.update(ref, {
      status: "completed",
      attemptId: null,
      completedAt: FieldValue.serverTimestamp(),
      error: null,
      ...rec,
      firestoreOps: { reads: ops.reads, writes: ops.writes + 1 /* creation */ },
    });
    moveCounters(tx, batchId, "processing", "completed", {
      processingMsSum: FieldValue.increment(rec.processingTimeMs),
      engineMsSum: FieldValue.increment(rec.engineMs),
      costUsd: FieldValue.increment(rec.costUsd),
    });
  });
}

export function failImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  error: ImageError,
  processingTimeMs: number,
  ops: OpCount,
): Promise<boolean> {
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref) => {
    ops.write(2);
    tx.update(ref, {
      status: "failed",
      attemptId: null,
      completedAt: FieldValue.serverTimestamp(),
      error,
      processingTimeMs,
      waitingFor: null,
    });
    moveCounters(tx, batchId, "processing", "failed");
  });
}

/**
 * Puts an image back to `queued` after a retryable error. With `refundAttempt` (quota
 * deferral) the attempt does not count against the image's retry budget.
 */
export function requeueImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  error: ImageError,
  options: { refundAttempt: boolean; waitingFor?: string },
  ops: OpCount,
): Promise<boolean> {
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref) => {
    ops.write(2);
    tx.update(ref, {
      status: "queued",
      attemptId: null,
      error,
      waitingFor: options.waitingFor ?? null,
      ...(options.refundAttempt ? { attempts: FieldValue.increment(-1) } : {}),
    });
    moveCounters(tx, batchId, "processing", "queued");
  });
}

/** Moves failed images back to queued under a new generation. Returns the moved images. */
export async function requeueFailedImages(batchId: string): Promise<ExpandedImage[]> {
  const db = getDb();
  const moved: ExpandedImage[] = [];
  for (;;) {
    const page = await imagesCol(batchId)
      .where("status", "==", "failed")
      .orderBy("index")
      .limit(200)
      .get();
    if (page.empty) break;
    const done = await db.runTransaction(async (tx) => {
      const snaps = await tx.getAll(...page.docs.map((d) => d.ref));
      const now = FieldValue.serverTimestamp();
      const these: ExpandedImage[] = [];
      for (const s of snaps) {
        const img = s.exists ? imageFromData(s.id, s.data()!) : null;
        if (!img || !canTransition(img.status, "queued") || img.status !== "failed") continue;
        const generation = img.generation + 1;
        tx.update(s.ref, {
          status: "queued",
          generation,
          attempts: 0,
          attemptId: null,
          previousError: img.error,
          error: null,
          queuedAt: now,
          startedAt: null,
          completedAt: null,
        });
        these.push({ imageId: img.imageId, index: img.index, generation });
      }
      if (these.length) {
        tx.update(batchRef(batchId), {
          failed: FieldValue.increment(-these.length),
          queued: FieldValue.increment(these.length),
          generation: FieldValue.increment(1),
          updatedAt: now,
        });
      }
      return these;
    });
    moved.push(...done);
    if (done.length === 0) break;
  }
  return moved;
}

/** Cancels every image still `queued`. Returns how many. */
export async function cancelQueuedImages(batchId: string): Promise<number> {
  const db = getDb();
  let total = 0;
  for (;;) {
    const page = await imagesCol(batchId)
      .where("status", "==", "queued")
      .orderBy("index")
      .limit(200)
      .get();
    if (page.empty) break;
    const n = await db.runTransaction(async (tx) => {
      const snaps = await tx.getAll(...page.docs.map((d) => d.ref));
      let count = 0;
      for (const s of snaps) {
        if (s.data()?.status !== "queued") continue;
        tx.update(s.ref, {
          status: "cancelled",
          completedAt: FieldValue.serverTimestamp(),
          waitingFor: null,
        });
        count++;
      }
      if (count) {
        tx.update(batchRef(batchId), {
          queued: FieldValue.increment(-count),
          cancelled: FieldValue.increment(count),
          updatedAt: FieldValue.serverTimestamp(),
        });
      }
      return count;
    });
    total += n;
    if (n === 0) break;
  }
  return total;
}

export async function listImages(input: {
  batchId: string;
  status?: ImageStatus;
  pageSize: number;
  afterIndex?: number;
}): Promise<{ images: ImageDoc[]; nextAfterIndex: number | null }> {
  let q = imagesCol(input.batchId).orderBy("index");
  if (input.status)
    q = imagesCol(input.batchId).where("status", "==", input.status).orderBy("index");
  if (input.afterIndex !== undefined) q = q.startAfter(input.afterIndex);
  const snap = await q.limit(input.pageSize + 1).get();
  const images = snap.docs.slice(0, input.pageSize).map((d) => imageFromData(d.id, d.data()));
  const last = images[images.length - 1];
  return { images, nextAfterIndex: snap.docs.length > input.pageSize && last ? last.index : null };
}

export async function getImageByIndex(batchId: string, index: number): Promise<ImageDoc | null> {
  const snap = await imageRef(batchId, imageDocId(index)).get();
  return snap.exists ? imageFromData(snap.id, snap.data()!) : null;
}
