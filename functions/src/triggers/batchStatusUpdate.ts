/**
 * Derives a batch's status from its counters (queued -> processing -> completed / failed /
 * cancelled) and stamps startedAt / completedAt. Triggers are at-least-once and may arrive out
 * of order, so the change is recomputed from the current document in a transaction; the
 * event's snapshot only decides cheaply whether anything might change.
 */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import {
  isFinishedBatchStatus,
  nextBatchStatus,
  type BatchState,
  type BatchStatus,
} from "../domain/batchStatus.js";
import { countersOf } from "../domain/imageStatus.js";
import { batchRef } from "../store/batchStore.js";
import { getDb } from "../store/db.js";
import { logEvent } from "../util/log.js";

const toDate = (v: unknown): Date | null => (v instanceof Timestamp ? v.toDate() : null);

export function stateOf(d: DocumentData): BatchState {
  return {
    status: d.status as BatchStatus,
    total: d.total as number,
    counters: countersOf(d),
    cancelRequested: d.cancelRequested === true,
    startedAt: toDate(d.startedAt),
    completedAt: toDate(d.completedAt),
  };
}

export interface AppliedChange {
  from: BatchStatus;
  to: BatchStatus;
  finished: boolean;
  data: DocumentData;
}

/** Returns the change applied, or null when there was nothing to do. */
export async function applyBatchStatus(
  batchId: string,
  eventData: DocumentData | undefined,
): Promise<AppliedChange | null> {
  if (!eventData || !nextBatchStatus(stateOf(eventData), new Date())) return null;
  return getDb().runTransaction(async (tx) => {
    const snap = await tx.get(batchRef(batchId));
    if (!snap.exists) return null;
    const data = snap.data()!;
    const state = stateOf(data);
    const change = nextBatchStatus(state, new Date());
    if (!change) return null;
    const update: DocumentData = { status: change.status, updatedAt: FieldValue.serverTimestamp() };
    if (change.startedAt) update.startedAt = Timestamp.fromDate(change.startedAt);
    if (change.completedAt !== undefined)
      update.completedAt = change.completedAt ? Timestamp.fromDate(change.completedAt) : null;
    tx.update(snap.ref, update);
    return {
      from: state.status,
      to: change.status,
      finished: isFinishedBatchStatus(change.status),
      data: { ...data, ...update },
    };
  });
}

export function logBatchChange(batchId: string, change: AppliedChange): void {
  const d = change.data;
  const startedAt = toDate(d.startedAt);
  logEvent(`batch.${change.to}`, {
    batchId,
    partnerId: d.partnerId,
    from: change.from,
    total: d.total,
    completed: d.completed,
    failed: d.failed,
    cancelled: d.cancelled,
    durationMs: change.finished && startedAt ? Date.now() - startedAt.getTime() : undefined,
  });
}
