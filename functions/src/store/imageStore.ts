/**
 * Image documents and the state changes of one image after its attempt began (creation:
 * imageCreate.ts; the start: attemptBegin.ts; reads: imageReads.ts). Each change reads the image
 * document alone, in a transaction or as a precondition on its update time, and writes it with
 * its counter shard (imageTransition.ts), so no image transition writes the batch document (no
 * hot document), and a duplicate or stale delivery cannot count anything twice.
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Precondition,
  type Transaction,
} from "firebase-admin/firestore";
import { batchRef } from "./batchStore.js";
import { imageConverter, type ImageDoc, type ImageError, type SuccessRecord } from "./imageDoc.js";
import { COLLECTIONS, getDb } from "./db.js";
import type { AttemptOwner } from "./attemptBegin.js";
import { commitIfUnchanged } from "./conditionalCommit.js";
import { transitionImage } from "./imageTransition.js";
import type { OpCount } from "./opCount.js";
import { recordTerminalUsage } from "./usageReportStore.js";
import { noteWrite } from "./writeLog.js";
import type { Writer } from "./writer.js";

export type { ImageDoc, ImageError, SuccessRecord } from "./imageDoc.js";

export const imagesCol = (batchId: string) => batchRef(batchId).collection(COLLECTIONS.images);
export const imageRef = (batchId: string, imageId: string) => imagesCol(batchId).doc(imageId);

/**
 * Fails an image whose worker stopped during processing on its last attempt (in `tx`, which
 * read it): the worker's own takeover and the reconciler's lost-image repair both end here.
 */
export function failLostImage(
  tx: Writer,
  ref: DocumentReference,
  current: DocumentData,
  partnerId: string | undefined,
  precondition?: Precondition,
): void {
  if (partnerId) recordTerminalUsage(tx, { partnerId, imageKey: ref.path, outcome: "failed" });
  transitionImage(
    tx,
    ref,
    current,
    "failed",
    {
      attemptId: null,
      completedAt: FieldValue.serverTimestamp(),
      error: {
        code: "worker_lost",
        message: "The worker stopped during processing on every attempt",
        retryable: false,
      },
    },
    { precondition },
  );
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

/**
 * Records a staged output: `completed`, counted on the image's shard and the partner's usage.
 * With the attempt's `owner` (beginAttempt) it first commits on the owner's precondition, one
 * round trip and no read; if anything wrote the image since (a duplicate delivery counted
 * itself, a takeover), the transaction reads it and checks this attempt still owns it.
 */
export async function completeImage(
  batchId: string,
  imageId: string,
  attemptId: string,
  rec: SuccessRecord,
  ops: OpCount,
  /** When given, the completion is counted on the partner's usage (usageReportStore.ts). */
  partnerId?: string,
  owner?: AttemptOwner,
): Promise<boolean> {
  const complete = (
    tx: Writer,
    ref: DocumentReference,
    current: DocumentData,
    precondition?: Precondition,
  ) => {
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
      current,
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
      { completedWith: { processingMs: rec.processingTimeMs, costUsd: rec.costUsd }, precondition },
    );
  };
  ops.write();
  if (owner) {
    const ref = imageRef(batchId, imageId);
    const unchanged = { lastUpdateTime: owner.updateTime };
    const batch = getDb().batch();
    complete(batch, ref, owner.data, unchanged);
    if (await commitIfUnchanged(batch)) {
      noteWrite(ref.path);
      return true;
    }
  }
  return withOwnedImage(batchId, imageId, attemptId, ops, (tx, ref, image) =>
    complete(tx, ref, image.data),
  );
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
