/**
 * Creating a batch: one transaction that checks the partner's quotas and the Idempotency-Key,
 * then writes the batch document and its chunk documents (the fan-out creates the images).
 */
import { FieldValue, Timestamp, type Query } from "firebase-admin/firestore";
import { DomainError } from "../domain/domainError.js";
import { OPEN_BATCH_STATUSES } from "../domain/batchStatus.js";
import { chunkImages, type Chunk } from "../domain/chunking.js";
import { counterShardsFor, DEFAULT_COUNTER_SHARDS } from "../domain/counterShards.js";
import type { CreateBatchRequest } from "../domain/createRequest.js";
import { newBatchId, sha256Hex } from "../domain/ids.js";
import type { StagingOptions } from "../domain/stagingOptions.js";
import { batchRef, chunkRef } from "./batchStore.js";
import { COLLECTIONS, getDb } from "./db.js";
import { dailyQuotaError, usageRef } from "./usageStore.js";
import { noteWrite } from "./writeLog.js";

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

/** The request's fingerprint for Idempotency-Key: same key + different body is a conflict. */
export function requestFingerprint(request: CreateBatchRequest): string {
  return sha256Hex(JSON.stringify(request));
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
  const usageDoc = usageRef(partnerId, now);

  const outcome = await db.runTransaction(async (tx): Promise<CreateBatchOutcome> => {
    if (idemRef) {
      const idem = await tx.get(idemRef);
      if (idem.exists) {
        const d = idem.data()!;
        if (d.fingerprint !== fingerprint) {
          throw new DomainError(
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
      .where("status", "in", OPEN_BATCH_STATUSES);
    const [openAgg, usage] = await Promise.all([tx.get(openQuery.count()), tx.get(usageDoc)]);
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
      throw dailyQuotaError(quotas.maxImagesPerDay, usedToday, now);
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
        total,
        expandedAt: null,
        enqueuedAt: null,
      });
    });
    tx.set(
      usageDoc,
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

function quotaError(quota: string, limit: number, message: string, freesAt?: string): DomainError {
  return new DomainError("quota_exceeded", message, {
    quota,
    limit,
    ...(freesAt ? { freesAt } : {}),
  });
}
