/** Batch documents: creation (with chunks, quotas and idempotency), reads and listing. */
import { counterShardsFor, DEFAULT_COUNTER_SHARDS } from "../domain/counterShards.js";
import type { StagingOptions } from "../domain/stagingOptions.js";
import { FieldValue, Timestamp, type DocumentData, type Query } from "firebase-admin/firestore";
import { ApiError } from "../domain/apiError.js";
import type { BatchStatus } from "../domain/batchStatus.js";
import { chunkImages, type Chunk } from "../domain/chunking.js";
import type { CreateBatchRequest } from "../domain/createRequest.js";
import { newBatchId, sha256Hex } from "../domain/ids.js";
import { countersOf, type Counters } from "../domain/imageStatus.js";
import { COLLECTIONS, getDb } from "./db.js";
import { noteWrite } from "./writeLog.js";

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

const toDate = (v: unknown): Date | null => (v instanceof Timestamp ? v.toDate() : null);

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
    createdAt: toDate(d.createdAt) ?? new Date(0),
    updatedAt: toDate(d.updatedAt),
    startedAt: toDate(d.startedAt),
    completedAt: toDate(d.completedAt),
    processingMsSum: d.processingMsSum ?? 0,
    costUsd: d.costUsd ?? 0,
    webhook: d.webhook ?? null,
    counterShards: typeof d.counterShards === "number" ? d.counterShards : null,
  };
}

export const batchRef = (batchId: string) => getDb().collection(COLLECTIONS.batches).doc(batchId);
export const chunkRef = (batchId: string, n: number) =>
  batchRef(batchId).collection(COLLECTIONS.chunks).doc(String(n).padStart(4, "0"));

export interface EffectiveQuotas {
  maxImagesPerBatch: number;
  maxOpenBatches: number;
  maxImagesPerDay: number;
}

export interface CreateBatchInput {
  partnerId: string;
  request: CreateBatchRequest;
  engine: string;
  /** Declutter and disclosure label, resolved from the request and the partner (worker reads). */
  stagingOptions?: StagingOptions;
  quotas: EffectiveQuotas;
  idempotencyKey?: string;
  /** Status counter shards (COUNTER_SHARDS, domain/counterShards.ts); capped by the total. */
  counterShards?: number;
  now?: Date;
}

export interface CreateBatchOutcome {
  batchId: string;
  total: number;
  chunkCount: number;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

const OPEN_STATUSES: BatchStatus[] = ["queued", "processing"];

/** The request's fingerprint for Idempotency-Key: same key + different body is a conflict. */
export function requestFingerprint(request: CreateBatchRequest): string {
  return sha256Hex(JSON.stringify(request));
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function nextUtcMidnight(d: Date): string {
  const n = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
  return n.toISOString();
}

/**
 * One transaction: quota checks, the idempotency record, the batch document and its chunk
 * documents. Either all of it is written or none (bad input and refused quotas write nothing).
 */
export async function createBatch(input: CreateBatchInput): Promise<CreateBatchOutcome> {
  const db = getDb();
  const now = input.now ?? new Date();
  const { request, partnerId, quotas } = input;
  const total = request.images.length;
  const counterShards = counterShardsFor(total, input.counterShards ?? DEFAULT_COUNTER_SHARDS);
  if (total > quotas.maxImagesPerBatch) {
    throw quotaError(
      "maxImagesPerBatch",
      quotas.maxImagesPerBatch,
      `A batch may hold at most ${quotas.maxImagesPerBatch} images`,
    );
  }
  const chunks = chunkImages(request.images);
  const fingerprint = requestFingerprint(request);
  const idemRef = input.idempotencyKey
    ? db.collection(COLLECTIONS.idempotency).doc(sha256Hex(`${partnerId}:${input.idempotencyKey}`))
    : null;
  const usageRef = db
    .collection(COLLECTIONS.partners)
    .doc(partnerId)
    .collection("usage")
    .doc(utcDay(now));

  const outcome = await db.runTransaction(async (tx): Promise<CreateBatchOutcome> => {
    if (idemRef) {
      const idem = await tx.get(idemRef);
      if (idem.exists) {
        const d = idem.data()!;
        if (d.fingerprint !== fingerprint) {
          throw new ApiError(
            409,
            "idempotency_conflict",
            "This Idempotency-Key was used with a different request body",
            {
              batchId: d.batchId,
            },
          );
        }
        return { batchId: d.batchId, total: d.total, chunkCount: d.chunkCount, replayed: true };
      }
    }
    const openQuery: Query = db
      .collection(COLLECTIONS.batches)
      .where("partnerId", "==", partnerId)
      .where("status", "in", OPEN_STATUSES);
    const [openAgg, usage] = await Promise.all([tx.get(openQuery.count()), tx.get(usageRef)]);
    const open = openAgg.data().count;
    if (open >= quotas.maxOpenBatches) {
      throw quotaError(
        "maxOpenBatches",
        quotas.maxOpenBatches,
        `At most ${quotas.maxOpenBatches} unfinished batches at a time`,
        "when one of your batches finishes",
      );
    }
    const usedToday = (usage.data()?.images as number | undefined) ?? 0;
    if (usedToday + total > quotas.maxImagesPerDay) {
      throw quotaError(
        "maxImagesPerDay",
        quotas.maxImagesPerDay,
        `At most ${quotas.maxImagesPerDay} images per day (${usedToday} used today, UTC)`,
        nextUtcMidnight(now),
        {
          usedToday,
        },
      );
    }

    const batchId = newBatchId();
    const ts = Timestamp.fromDate(now);
    tx.create(batchRef(batchId), {
      partnerId,
      clientName: request.clientName,
      designStyle: request.designStyle,
      roomType: request.roomType,
      priority: request.priority,
      engine: input.engine,
      stagingOptions: input.stagingOptions ?? null,
      callbackUrl: request.callbackUrl ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      total,
      queued: total,
      processing: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      status: "queued",
      chunkCount: chunks.length,
      counterShards,
      generation: 0,
      cancelRequested: false,
      processingMsSum: 0,
      engineMsSum: 0,
      costUsd: 0,
      createdAt: ts,
      updatedAt: ts,
      startedAt: null,
      completedAt: null,
    });
    chunks.forEach((c: Chunk, n: number) => {
      tx.create(chunkRef(batchId, n), {
        start: c.start,
        count: c.images.length,
        images: c.images,
        counterShards,
        expandedAt: null,
        enqueuedAt: null,
      });
    });
    tx.set(
      usageRef,
      { images: FieldValue.increment(total), batches: FieldValue.increment(1) },
      { merge: true },
    );
    if (idemRef) {
      tx.create(idemRef, {
        partnerId,
        batchId,
        fingerprint,
        total,
        chunkCount: chunks.length,
        createdAt: ts,
      });
    }
    return { batchId, total, chunkCount: chunks.length, replayed: false };
  });
  if (!outcome.replayed) {
    const chunkPaths = chunks.map((_, n) => chunkRef(outcome.batchId, n).path);
    noteWrite(batchRef(outcome.batchId).path, ...chunkPaths);
  }
  return outcome;
}

function quotaError(
  quota: string,
  limit: number,
  message: string,
  freesAt?: string,
  extra: Record<string, unknown> = {},
): ApiError {
  return new ApiError(429, "quota_exceeded", message, {
    quota,
    limit,
    ...(freesAt ? { freesAt } : {}),
    ...extra,
  });
}

export async function getBatch(batchId: string): Promise<BatchDoc | null> {
  const snap = await batchRef(batchId).get();
  return snap.exists ? batchFromData(snap.id, snap.data()!) : null;
}

/** A partner's batch, or 404 for a missing batch and for another partner's (no existence leak). */
export async function getBatchForPartner(batchId: string, partnerId: string): Promise<BatchDoc> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(batchId)) throw ApiError.notFound("Batch");
  const batch = await getBatch(batchId);
  if (!batch || batch.partnerId !== partnerId) throw ApiError.notFound("Batch");
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
      throw ApiError.invalid("Invalid pageToken", [
        { field: "pageToken", code: "invalid_value", message: "Invalid pageToken" },
      ]);
    q = q.startAfter(Timestamp.fromMillis(cursor.t), cursor.id);
  }
  const snap = await q.limit(input.pageSize + 1).get();
  const docs = snap.docs.slice(0, input.pageSize);
  const batches = docs.map((d) => batchFromData(d.id, d.data()));
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
