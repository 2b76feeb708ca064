/**
 * Image documents and every state change of one image (creation: imageCreate.ts; reads:
 * imageReads.ts). Each change is a transaction that reads the image document alone and writes
 * it with its counter shard (imageTransition.ts), so no image transition writes the batch
 * document (no hot document), and a duplicate or stale delivery cannot count anything twice.
 */
import { randomUUID } from "node:crypto";
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Transaction,
} from "firebase-admin/firestore";
import { batchRef } from "./batchStore.js";
import { imageConverter, type ImageDoc, type ImageError, type SuccessRecord } from "./imageDoc.js";
import { COLLECTIONS, getDb } from "./db.js";
import { transitionImage } from "./imageTransition.js";
import type { OpCount } from "./opCount.js";
import { recordTerminalUsage } from "./usageReportStore.js";
import { noteWrite } from "./writeLog.js";

export type { ImageDoc, ImageError, SuccessRecord } from "./imageDoc.js";

export const imagesCol = (batchId: string) => batchRef(batchId).collection(COLLECTIONS.images);
export const imageRef = (batchId: string, imageId: string) => imagesCol(batchId).doc(imageId);

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
    const image = (await tx.get(ref.withConverter(imageConverter))).data();
    ops.read();
    if (!image) return { kind: "skip", reason: "missing" };
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
    const image = (await tx.get(ref.withConverter(imageConverter))).data();
    ops.read();
    if (!image) return false;
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
