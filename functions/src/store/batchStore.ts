/** Batch documents: their shape, reads and listing (creation is in batchCreate.ts). */
import { dateOf } from "./firestoreDates.js";
import {
  Timestamp,
  type DocumentData,
  type FirestoreDataConverter,
  type Query,
} from "firebase-admin/firestore";
import { DomainError } from "../domain/domainError.js";
import type { BatchStatus } from "../domain/batchStatus.js";
import { countersOf, type Counters } from "../domain/imageStatus.js";
import { COLLECTIONS, getDb } from "./db.js";
import { recentOpenBatchesQuery } from "./queries.js";

export interface BatchDoc {
  batchId: string;
  partnerId: string;
  clientName: string;
  designStyle: string;
  roomType: string;
  priority: string;
  engine: string;
  /** Recorded declutter/label options (domain/stagingOptions.ts); absent on older batches. */
  stagingOptions?: unknown;
  total: number;
  counters: Counters;
  status: BatchStatus;
  chunkCount: number;
  generation: number;
  cancelRequested: boolean;
  callbackUrl: string | null;
  createdAt: Date;
  updatedAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  processingMsSum: number;
  costUsd: number;
  webhook: Record<string, unknown> | null;
  /** Status counter shards (store/counterShards.ts); null on batches created before them. */
  counterShards: number | null;
}

export function batchFromData(batchId: string, d: DocumentData): BatchDoc {
  return {
    batchId,
    partnerId: d.partnerId,
    clientName: d.clientName,
    designStyle: d.designStyle,
    roomType: d.roomType,
    priority: d.priority ?? "normal",
    engine: d.engine,
    stagingOptions: d.stagingOptions ?? undefined,
    total: d.total,
    counters: countersOf(d),
    status: d.status,
    chunkCount: d.chunkCount ?? 0,
    generation: d.generation ?? 0,
    cancelRequested: d.cancelRequested === true,
    callbackUrl: d.callbackUrl ?? null,
    createdAt: dateOf(d.createdAt) ?? new Date(0),
    updatedAt: dateOf(d.updatedAt),
    startedAt: dateOf(d.startedAt),
    completedAt: dateOf(d.completedAt),
    processingMsSum: d.processingMsSum ?? 0,
    costUsd: d.costUsd ?? 0,
    webhook: d.webhook ?? null,
    counterShards: typeof d.counterShards === "number" ? d.counterShards : null,
  };
}

export const batchRef = (batchId: string) => getDb().collection(COLLECTIONS.batches).doc(batchId);

/**
 * Reads batch documents as BatchDoc (`ref.withConverter(batchConverter)`). Writes never go
 * through it: a batch is written field by field (batchCreate.ts, batchLifecycle.ts).
 */
export const batchConverter: FirestoreDataConverter<BatchDoc> = {
  toFirestore: () => {
    throw new Error("batch documents are written field by field, not from a BatchDoc");
  },
  fromFirestore: (snap) => batchFromData(snap.id, snap.data()),
};
export const chunkRef = (batchId: string, n: number) =>
  batchRef(batchId).collection(COLLECTIONS.chunks).doc(String(n).padStart(4, "0"));

/** Open batches created after `since`, oldest first (recentOpenBatches). */
export async function openBatchesCreatedSince(since: Date, limit: number): Promise<BatchDoc[]> {
  const snap = await recentOpenBatchesQuery(since, limit).get();
  return snap.docs.map((d) => batchFromData(d.id, d.data()));
}

export async function getBatch(batchId: string): Promise<BatchDoc | null> {
  const snap = await batchRef(batchId).withConverter(batchConverter).get();
  return snap.data() ?? null;
}

/** A partner's batch, or 404 for a missing batch and for another partner's (no existence leak). */
export async function getBatchForPartner(batchId: string, partnerId: string): Promise<BatchDoc> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(batchId)) throw DomainError.notFound("Batch");
  const batch = await getBatch(batchId);
  if (!batch || batch.partnerId !== partnerId) throw DomainError.notFound("Batch");
  return batch;
}

export async function listBatches(input: {
  partnerId: string;
  status?: BatchStatus;
  pageSize: number;
  pageToken?: string;
}): Promise<{ batches: BatchDoc[]; nextPageToken: string | null }> {
  let q: Query = getDb().collection(COLLECTIONS.batches).where("partnerId", "==", input.partnerId);
  if (input.status) q = q.where("status", "==", input.status);
  q = q.orderBy("createdAt", "desc").orderBy("__name__", "desc");
  if (input.pageToken) {
    const cursor = decodeCursor(input.pageToken);
    if (!cursor)
      throw DomainError.invalid("Invalid pageToken", [
        { field: "pageToken", code: "invalid_value", message: "Invalid pageToken" },
      ]);
    q = q.startAfter(Timestamp.fromMillis(cursor.t), cursor.id);
  }
  const snap = await q
    .withConverter(batchConverter)
    .limit(input.pageSize + 1)
    .get();
  const batches = snap.docs.slice(0, input.pageSize).map((d) => d.data());
  const last = batches[batches.length - 1];
  const nextPageToken =
    snap.docs.length > input.pageSize && last
      ? encodeCursor(last.createdAt.getTime(), last.batchId)
      : null;
  return { batches, nextPageToken };
}

function encodeCursor(t: number, id: string): string {
  return Buffer.from(JSON.stringify({ t, id })).toString("base64url");
}

function decodeCursor(token: string): { t: number; id: string } | null {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (
      v &&
      typeof v === "object" &&
      typeof (v as { t: unknown }).t === "number" &&
      typeof (v as { id: unknown }).id === "string"
    ) {
      return v as { t: number; id: string };
    }
  } catch {
    // fall through: an unreadable token is a bad request
  }
  return null;
}
