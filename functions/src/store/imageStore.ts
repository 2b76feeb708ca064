/**
 * Image documents and every state change of one image. Each change runs in a transaction on
 * the image document alone: the batch's counts are aggregated from the images (batchCounts.ts),
 * so no image transition writes the batch document (no hot document), and a duplicate or stale
 * delivery cannot count anything twice.
 */
import { dateOf } from "./firestoreDates.js";
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
import type { ImageStatus } from "../domain/imageStatus.js";
import { batchRef, chunkRef } from "./batchStore.js";
import { COLLECTIONS, getDb } from "./db.js";
import type { OpCount } from "./opCount.js";
import { imagesByStatus } from "./queries.js";
import { noteWrite } from "./writeLog.js";
import { recordTerminalUsage } from "./usageReportStore.js";
import { statusFields, transitionImage } from "./imageTransition.js";
import { shardOf, shardSize } from "../domain/counterShards.js";

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
  /** An output stored by an attempt whose completion commit failed (recovered, not re-staged). */
  storedOutput: (SuccessRecord & { attemptId: string }) | null;
  data: DocumentData;
}

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
    queuedAt: dateOf(d.queuedAt),
    startedAt: dateOf(d.startedAt),
    completedAt: dateOf(d.completedAt),
    processingTimeMs: d.processingTimeMs ?? null,
    storedOutput: d.storedOutput ?? null,
    data: d,
  };
}

export { statusFields } from "./imageTransition.js";

export const imagesCol = (batchId: string) => batchRef(batchId).collection(COLLECTIONS.images);
export const imageRef = (batchId: string, imageId: string) => imagesCol(batchId).doc(imageId);

/** gRPC status of a create() on an existing document. */
const ALREADY_EXISTS = 6;

export interface ExpandedImage {
  imageId: string;
  index: number;
  generation: number;
}

/**
 * Creates the image documents of one chunk, `queued` (idempotent: a re-run after a crash skips
 * the ones that exist). Returns the chunk's images for task enqueue. A chunk of a cancelled
 * batch is created queued too and cancelled right after by the caller through the ordinary
 * transition (imageBulk.cancelQueuedImages), which counts the move on the counter shards.
 */
export async function expandChunk(batchId: string, chunkNo: number): Promise<ExpandedImage[]> {
  const db = getDb();
  const snap = await chunkRef(batchId, chunkNo).get();
  if (!snap.exists) throw new Error(`chunk ${chunkNo} of batch ${batchId} does not exist`);
  const chunk = snap.data()!;
  const start = chunk.start as number;
  const images = chunk.images as SourceImage[];
  // Absent on chunks written before counter shards: those images are counted by aggregation.
  const shards = typeof chunk.counterShards === "number" ? chunk.counterShards : null;
  const total = typeof chunk.total === "number" ? chunk.total : null;
  const out: ExpandedImage[] = images.map((_, i) => ({
    imageId: imageDocId(start + i),
    index: start + i,
    generation: 0,
  }));
  if (chunk.expandedAt) return out;

  const status: ImageStatus = "queued";
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
        ...statusFields(status),
        ...(shards ? { counterShard: shardOf(index, shards) } : {}),
        // How many images share the shard: a finished shard is what makes the completion check
        // worth running (store/counterShards.ts, shardStillRunning).
        ...(shards && total ? { shardSize: shardSize(total, shards, shardOf(index, shards)) } : {}),
        attempts: 0,
        generation: 0,
        queuedAt: now,
        // The chunk's task enqueues this image's task and is retried until it has (its
        // enqueuedAt): the fan-out path does not need a per-image record.
        taskEnqueuedAt: now,
        // Summed with the status indicators (see statusFields): present on every image.
        completedProcessingMs: 0,
        startedAt: null,
        completedAt: null,
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

  noteWrite(...out.map((img) => imageRef(batchId, img.imageId).path));
  // Only the chunk is marked: the batch document is not written per chunk, and a retried chunk
  // has no counter to apply twice (the counts are aggregated from the image documents).
  await chunkRef(batchId, chunkNo).update({ expandedAt: FieldValue.serverTimestamp() });
  return out;
}

export type BeginOutcome =
  | { kind: "start"; image: ImageDoc; attempt: number; attemptId: string }
  /** A previous attempt stored its output but its completion commit failed: record that. */
  | { kind: "recover"; image: ImageDoc; attemptId: string; record: SuccessRecord }
  /** Another attempt is live (started less than a task timeout ago): do not take it over. */
  | { kind: "busy"; image: ImageDoc }
  | {
      kind: "skip";
      reason: "finished" | "missing" | "stale_generation" | "cancelled" | "exhausted";
      image?: ImageDoc;
    };

export interface BeginOptions {
  /** An attempt younger than this still owns the image (the task timeout: it may be running). */
  leaseMs: number;
  /** The image's attempt budget (first try included). */
  maxAttempts: number;
  now?: Date;
  /** When given, a failure for an exhausted budget is counted on the partner's usage. */
  partnerId?: string;
}

/**
 * Marks an image `processing` for one attempt. A finished image (duplicate delivery) or a task
 * of an older generation (superseded by retry-failed) is skipped. An image already `processing`
 * is taken over only when its attempt is older than the lease (its worker is gone: the task
 * timeout has passed); a younger one is reported busy, so a duplicate delivered during an
 * attempt neither steals the image nor calls the model a second time.
 */
export async function beginAttempt(
  batchId: string,
  imageId: string,
  generation: number,
  ops: OpCount,
  options: BeginOptions,
): Promise<BeginOutcome> {
  const ref = imageRef(batchId, imageId);
  const now = options.now ?? new Date();
  const outcome = await getDb().runTransaction(async (tx): Promise<BeginOutcome> => {
    const snap = await tx.get(ref);
    ops.read();
    if (!snap.exists) return { kind: "skip", reason: "missing" };
    const image = imageFromData(snap.id, snap.data()!);
    if (image.status === "cancelled") return { kind: "skip", reason: "cancelled", image };
    if (image.status === "completed" || image.status === "failed") {
      // Counted (duplicates are rare), so operators and tests see late deliveries arrive.
      tx.update(ref, { lateDeliveries: FieldValue.increment(1) });
      return { kind: "skip", reason: "finished", image };
    }
    if (image.generation !== generation) return { kind: "skip", reason: "stale_generation", image };
    if (image.status === "processing") {
      const stored = image.storedOutput;
      if (stored && stored.attemptId === image.attemptId) {
        const { attemptId, ...record } = stored;
        return { kind: "recover", image, attemptId, record };
      }
      const age = now.getTime() - (image.startedAt?.getTime() ?? 0);
      if (age < options.leaseMs) {
        // Counted, so operators (and tests) see duplicates that arrived during an attempt.
        tx.update(ref, { busyDeliveries: FieldValue.increment(1) });
        return { kind: "busy", image };
      }
      if (image.attempts >= options.maxAttempts) {
        failLostImage(tx, ref, image.data, options.partnerId);
        ops.write();
        return { kind: "skip", reason: "exhausted", image };
      }
    }
    const attempt = image.attempts + 1;
    const attemptId = randomUUID();
    transitionImage(tx, ref, image.data, "processing", {
      attempts: attempt,
      attemptId,
      startedAt: FieldValue.serverTimestamp(),
      waitingFor: null,
    });
    ops.write();
    return { kind: "start", image, attempt, attemptId };
  });
  if (outcome.kind === "start" || (outcome.kind === "skip" && outcome.reason === "exhausted"))
    noteWrite(ref.path);
  return outcome;
}

/**
 * Fails an image whose worker stopped during processing on its last attempt (in `tx`, which
 * read it): the worker's own takeover and the reconciler's lost-image repair both end here.
 */
export function failLostImage(
  tx: Transaction,
  ref: DocumentReference,
  current: DocumentData,
  partnerId: string | undefined,
): void {
  if (partnerId) recordTerminalUsage(tx, { partnerId, imageKey: ref.path, outcome: "failed" });
  transitionImage(tx, ref, current, "failed", {
    attemptId: null,
    completedAt: FieldValue.serverTimestamp(),
    error: {
      code: "worker_lost",
      message: "The worker stopped during processing on every attempt",
      retryable: false,
    },
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
  /** True when the output is a result cache hit (no model call, cost 0). */
  cached?: boolean;
  /** The price lane the model call was billed at (usage report); absent: standard. */
  lane?: string;
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
  const owned = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    ops.read();
    if (!snap.exists) return false;
    const image = imageFromData(snap.id, snap.data()!);
    if (image.status !== "processing" || image.attemptId !== attemptId) return false;
    fn(tx, ref, image);
    return true;
  });
  if (owned) noteWrite(ref.path);
  return owned;
}

export function completeImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  rec: SuccessRecord,
  ops: OpCount,
  /** When given, the completion is counted on the partner's usage (usageReportStore.ts). */
  partnerId?: string,
): Promise<boolean> {
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref, image) => {
    ops.write();
    if (partnerId)
      recordTerminalUsage(tx, {
        partnerId,
        imageKey: ref.path,
        outcome: "completed",
        cached: rec.cached === true,
        model: rec.preview ? undefined : rec.model,
        lane: rec.lane,
        costUsd: rec.costUsd,
      });
    transitionImage(
      tx,
      ref,
      image.data,
      "completed",
      {
        attemptId: null,
        completedAt: FieldValue.serverTimestamp(),
        error: null,
        storedOutput: FieldValue.delete(),
        ...rec,
        // Summed by the batch statistics (batchCounts.ts); only completed images carry it.
        completedProcessingMs: rec.processingTimeMs,
        firestoreOps: { reads: ops.reads, writes: ops.writes + 1 /* creation */ },
      },
      { completedWith: { processingMs: rec.processingTimeMs, costUsd: rec.costUsd } },
    );
  });
}

/**
 * Records an output that is stored but whose completion commit failed, on the image, so the
 * redelivered task records it instead of calling the model again. A plain field update (no
 * transaction): it must work when the transaction just failed.
 */
export async function recordStoredOutput(
  batchId: string,
  imageId: string,
  attemptId: string,
  rec: SuccessRecord,
): Promise<void> {
  const ref = imageRef(batchId, imageId);
  await ref.update({ storedOutput: { ...rec, attemptId } });
  noteWrite(ref.path);
}

export function failImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  error: ImageError,
  processingTimeMs: number,
  ops: OpCount,
  /** When given, the failure is counted on the partner's usage (usageReportStore.ts). */
  partnerId?: string,
): Promise<boolean> {
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref, image) => {
    ops.write();
    if (partnerId) recordTerminalUsage(tx, { partnerId, imageKey: ref.path, outcome: "failed" });
    transitionImage(tx, ref, image.data, "failed", {
      attemptId: null,
      completedAt: FieldValue.serverTimestamp(),
      error,
      processingTimeMs,
      waitingFor: null,
    });
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
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref, image) => {
    ops.write();
    transitionImage(tx, ref, image.data, "queued", {
      attemptId: null,
      error,
      waitingFor: options.waitingFor ?? null,
      ...(options.refundAttempt ? { attempts: FieldValue.increment(-1) } : {}),
    });
  });
}

/**
 * A page of a batch's images in index order (optionally of one status). Read in `tx` when given,
 * so the page and the counts of a status call come from one snapshot. Without a status filter
 * the page is the next `pageSize` indexes, read by id (image ids are their zero-padded index):
 * no query over the batch's images at all, so a page costs the same in a 10,000-image batch as
 * in a 10-image one. Images the fan-out has not created yet are left out of such a page.
 */
export async function listImages(
  input: {
    batchId: string;
    status?: ImageStatus;
    pageSize: number;
    afterIndex?: number;
    /** The batch's size: bounds the page by index (required without a status filter). */
    total?: number;
  },
  tx?: Transaction,
): Promise<{ images: ImageDoc[]; nextAfterIndex: number | null }> {
  if (!input.status && input.total !== undefined) {
    const first = (input.afterIndex ?? -1) + 1;
    const last = Math.min(input.total - 1, first + input.pageSize - 1);
    if (last < first) return { images: [], nextAfterIndex: null };
    const refs = Array.from({ length: last - first + 1 }, (_, i) =>
      imageRef(input.batchId, imageDocId(first + i)),
    );
    const snaps = tx ? await tx.getAll(...refs) : await getDb().getAll(...refs);
    const images = snaps.filter((d) => d.exists).map((d) => imageFromData(d.id, d.data()!));
    return { images, nextAfterIndex: last < input.total - 1 ? last : null };
  }
  let q = input.status
    ? imagesByStatus(input.batchId, input.status)
    : imagesCol(input.batchId).orderBy("index");
  if (input.afterIndex !== undefined) q = q.startAfter(input.afterIndex);
  q = q.limit(input.pageSize + 1);
  const snap = tx ? await tx.get(q) : await q.get();
  const images = snap.docs.slice(0, input.pageSize).map((d) => imageFromData(d.id, d.data()));
  const last = images[images.length - 1];
  return { images, nextAfterIndex: snap.docs.length > input.pageSize && last ? last.index : null };
}

export async function getImageByIndex(batchId: string, index: number): Promise<ImageDoc | null> {
  const snap = await imageRef(batchId, imageDocId(index)).get();
  return snap.exists ? imageFromData(snap.id, snap.data()!) : null;
}

export async function getImageStatus(
  batchId: string,
  imageId: string,
): Promise<ImageStatus | null> {
  const snap = await imageRef(batchId, imageId).get();
  return snap.exists ? (snap.get("status") as ImageStatus) : null;
}
