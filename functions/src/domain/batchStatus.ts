/** How a batch's status follows from its counters. Pure: no Firebase here. */
import { type Counters, finishedCount } from "./imageStatus.js";

export const BATCH_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export interface BatchState {
  status: BatchStatus;
  total: number;
  counters: Counters;
  cancelRequested: boolean;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface BatchStatusChange {
  status: BatchStatus;
  /** Set when the batch starts for the first time. */
  startedAt?: Date;
  /** A Date when it finishes; null when a finished batch is reopened (retry-failed). */
  completedAt?: Date | null;
}

export function isBatchFinished(total: number, c: Counters): boolean {
  return finishedCount(c) >= total;
}

/** The status the counters call for. */
export function deriveBatchStatus(state: Omit<BatchState, "status" | "completedAt">): BatchStatus {
  const c = state.counters;
  if (isBatchFinished(state.total, c)) {
    if (state.cancelRequested) return "cancelled";
    if (c.completed === 0 && c.failed > 0) return "failed";
    return "completed";
  }
  const started = state.startedAt !== null || c.processing > 0 || finishedCount(c) > 0;
  return started ? "processing" : "queued";
}

/**
 * What the trigger must write, or null when nothing changes (so a repeated or stale trigger
 * run is a no-op: triggers are delivered at least once).
 */
export function nextBatchStatus(state: BatchState, now: Date): BatchStatusChange | null {
  const status = deriveBatchStatus(state);
  const change: BatchStatusChange = { status };
  let changed = status !== state.status;
  if (status !== "queued" && state.startedAt === null) {
    change.startedAt = now;
    changed = true;
  }
  const finished = status === "completed" || status === "failed" || status === "cancelled";
  if (finished && state.completedAt === null) {
    change.completedAt = now;
    changed = true;
  }
  if (!finished && state.completedAt !== null) {
    change.completedAt = null;
    changed = true;
  }
  return changed ? change : null;
}

/** A batch still waiting or running: it counts against `maxOpenBatches` and takes dispatches. */
export const OPEN_BATCH_STATUSES: readonly BatchStatus[] = ["queued", "processing"];

export function isFinishedBatchStatus(s: BatchStatus): boolean {
  return s === "completed" || s === "failed" || s === "cancelled";
}
