/**
 * The few writes to a batch document over its life: started (once), finished (once per
 * completion), reopened (retry-failed). Never one write per image: counts come from the image
 * documents (batchCounts.ts). Finishing is idempotent and may be attempted by every path that
 * can see it (the worker after a terminal transition, the trigger, the reconciler): the
 * transaction recomputes the counts and only the first run changes anything.
 */
import { dateOf } from "./firestoreDates.js";
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import { isFinishedBatchStatus, nextBatchStatus, type BatchStatus } from "../domain/batchStatus.js";
import { batchRef } from "./batchStore.js";
import { tallyBatch } from "./batchCounts.js";
import { getDb } from "./db.js";
import { anyUnfinishedImage, imageCountAll, imageCountQuery } from "./queries.js";
import type { Counters } from "../domain/imageStatus.js";
import { noteWrite } from "./writeLog.js";

/** Batches this process has already seen started: one read per batch per instance. */
const seenStarted = new Set<string>();

/** Marks the batch `processing` at its first image attempt (one write per batch). */
export async function markBatchStarted(batchId: string): Promise<void> {
  if (seenStarted.has(batchId)) return;
  const ref = batchRef(batchId);
  // A plain read first: only the first attempts of a batch find it queued and need the
  // transaction (concurrent transactions on one document would queue behind each other).
  const current = await ref.get();
  if (current.get("status") !== "queued" || current.get("startedAt")) {
    seenStarted.add(batchId);
    return;
  }
  const wrote = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("status") !== "queued" || snap.get("startedAt")) return false;
    tx.update(ref, {
      status: "processing",
      startedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return true;
  });
  if (wrote) noteWrite(ref.path);
  seenStarted.add(batchId);
}

/** Cheap pre-check (one billed read): does any image still wait or run? */
export async function hasUnfinishedImages(batchId: string): Promise<boolean> {
  return !(await anyUnfinishedImage(batchId).get()).empty;
}

export interface FinishedBatch {
  from: BatchStatus;
  to: BatchStatus;
  completedAt: Date;
  data: DocumentData;
}

/**
 * Finishes the batch when every image is finished: status, completedAt, the final counts and
 * statistics, and (with a callback URL) the pending webhook record, in one transaction.
 * Returns the change when this call finished it, null otherwise (already finished, or not done).
 */
export async function finishBatchIfDone(
  batchId: string,
  webhookRecord: (completionId: string) => DocumentData,
): Promise<FinishedBatch | null> {
  const ref = batchRef(batchId);
  const before = await ref.get();
  if (!before.exists || isFinishedBatchStatus(before.get("status") as BatchStatus)) return null;
  // The statistics: read before the transaction (the Firestore emulator answers sum() inside a
  // read-write transaction with 0). Called once no image is unfinished, they no longer move.
  const tally = await tallyBatch(batchId, before.get("total") as number);
  const result = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return null;
    const d = snap.data()!;
    if (isFinishedBatchStatus(d.status as BatchStatus)) return null;
    // The decision, at the transaction's snapshot: nothing unfinished, every image exists.
    if (!(await tx.get(anyUnfinishedImage(batchId))).empty) return null;
    const [all, completed, failed] = await Promise.all([
      tx.get(imageCountAll(batchId)),
      tx.get(imageCountQuery(batchId, "completed")),
      tx.get(imageCountQuery(batchId, "failed")),
    ]);
    const counters: Counters = {
      queued: 0,
      processing: 0,
      completed: completed.data().count,
      failed: failed.data().count,
      cancelled: all.data().count - completed.data().count - failed.data().count,
    };
    const now = new Date();
    const change = nextBatchStatus(
      {
        status: d.status as BatchStatus,
        total: d.total as number,
        counters,
        cancelRequested: d.cancelRequested === true,
        startedAt: dateOf(d.startedAt),
        completedAt: dateOf(d.completedAt),
      },
      now,
    );
    if (!change || !isFinishedBatchStatus(change.status)) return null;
    const completedAt = change.completedAt ?? now;
    const update: DocumentData = {
      status: change.status,
      completedAt: Timestamp.fromDate(completedAt),
      updatedAt: FieldValue.serverTimestamp(),
      ...counters,
      processingMsSum: tally.processingMsSum,
      costUsd: tally.costUsd,
    };
    if (change.startedAt) update.startedAt = Timestamp.fromDate(change.startedAt);
    if (d.callbackUrl) update.webhook = webhookRecord(String(completedAt.getTime()));
    tx.update(ref, update);
    return {
      from: d.status as BatchStatus,
      to: change.status,
      completedAt,
      data: { ...d, ...update },
    };
  });
  if (result) noteWrite(ref.path);
  return result;
}
