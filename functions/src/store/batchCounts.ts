/**
 * A batch's counts and running statistics. Open batches with counter shards are counted from
 * them (statusTally, store/counterShards.ts: S reads, one snapshot with the status page). The
 * aggregation below counts from the image documents themselves: the final statistics when a
 * batch finishes, and the status of batches created before the shards.
 *
 * Every image carries the indicators `n.<status>` (1 for its status, 0 otherwise) and
 * `completedProcessingMs` (imageTransition.statusFields), so ONE aggregation query sums the images in
 * `processing`, `completed`, `failed` and `cancelled`, plus the processing time, at one
 * snapshot: the counts always add up. (A query with several sum() aggregations only counts the
 * documents that hold all their fields, hence an indicator for every status on every image.)
 * `queued` is the rest of `total`: images waiting for a worker and images the fan-out has not
 * created yet (they wait in their chunk). A second query sums the cost of the completed images
 * (a query holds at most five aggregations).
 *
 * Billing (Firestore pricing, "aggregation queries"): one document read per batch of up to
 * 1,000 index entries matched, at least one per query. The first query matches the N image
 * documents, the second the completed ones: about 2 + N/1,000 + completed/1,000 reads, 21 for a
 * finished 10,000-image batch, whatever the queue rate.
 */
import { AggregateField } from "firebase-admin/firestore";
import { emptyCounters, type Counters, type ImageStatus } from "../domain/imageStatus.js";
import type { Transaction } from "firebase-admin/firestore";
import { batchRef, type BatchDoc } from "./batchStore.js";
import { readShardTally } from "./counterShards.js";
import { COLLECTIONS } from "./db.js";

export interface BatchTally {
  counters: Counters;
  /** Sum of processingTimeMs over completed images. */
  processingMsSum: number;
  costUsd: number;
  /** Billed document reads these aggregations cost (pricing rule above). */
  billedReads: number;
}

/** Image fields summed by the statistics; set on completed images only. */
export const SUMMED_FIELDS = { processingMs: "completedProcessingMs", cost: "costUsd" } as const;

const COUNTED: Exclude<ImageStatus, "queued">[] = [
  "processing",
  "completed",
  "failed",
  "cancelled",
];

const images = (batchId: string) => batchRef(batchId).collection(COLLECTIONS.images);

const countsQuery = (batchId: string) =>
  images(batchId).aggregate({
    processing: AggregateField.sum("n.processing"),
    completed: AggregateField.sum("n.completed"),
    failed: AggregateField.sum("n.failed"),
    cancelled: AggregateField.sum("n.cancelled"),
    processingMs: AggregateField.sum(SUMMED_FIELDS.processingMs),
  });

const costQuery = (batchId: string) =>
  images(batchId).aggregate({ cost: AggregateField.sum(SUMMED_FIELDS.cost) });

const billed = (entries: number) => Math.max(1, Math.ceil(entries / 1000));

/**
 * Counts and sums of a batch of `total` images. Not inside read-write transactions: the
 * Firestore emulator answers sum() there with 0 (finishing a batch counts with count() instead).
 */
export async function tallyBatch(batchId: string, total: number): Promise<BatchTally> {
  const [counts, cost] = await Promise.all([countsQuery(batchId).get(), costQuery(batchId).get()]);
  const c = counts.data();
  const counters = emptyCounters();
  for (const s of COUNTED) counters[s] = Number(c[s] ?? 0);
  const started = COUNTED.reduce((n, s) => n + counters[s], 0);
  // More documents than `total` would be a bug; it stays visible as a negative `queued`.
  counters.queued = total - started;
  return {
    counters,
    processingMsSum: Number(c.processingMs ?? 0),
    costUsd: Number(cost.data().cost ?? 0),
    billedReads: billed(started + counters.queued) + billed(counters.completed),
  };
}

/**
 * The counts a status call shows: from the batch's counter shards (S reads, one snapshot with
 * `tx`'s other reads) or, for a batch created before the shards, by aggregation.
 */
export async function statusTally(batch: BatchDoc, tx?: Transaction): Promise<BatchTally> {
  if (batch.counterShards === null) return tallyBatch(batch.batchId, batch.total);
  const t = await readShardTally(batch.batchId, batch.counterShards, batch.total, tx);
  return { ...t, billedReads: batch.counterShards };
}

/**
 * The counts of one batch of a list, whichever costs fewer billed reads: its counter shards (S
 * reads) or the aggregation over its images (tallyBatch: at most 2 x ceil(N/1,000) reads, 2 for
 * up to 1,000 images, 20 for 10,000). Both are exact at their own snapshot; only the status call
 * needs its counts at one snapshot with its page of images.
 */
export async function listTally(batch: BatchDoc): Promise<BatchTally> {
  const aggregationReads = 2 * billed(batch.total);
  if (batch.counterShards !== null && batch.counterShards <= aggregationReads)
    return statusTally(batch);
  return tallyBatch(batch.batchId, batch.total);
}

/**
 * The batch as the status reports it: counts and statistics from the tally. A batch still
 * marked `queued` whose images have started shows `processing` (the mark is written once, by
 * the first attempt, and may trail the images by a moment).
 */
export function withTally(batch: BatchDoc, tally: BatchTally): BatchDoc {
  const c = tally.counters;
  const started = c.processing + c.completed + c.failed + c.cancelled > 0;
  return {
    ...batch,
    status: batch.status === "queued" && started ? "processing" : batch.status,
    counters: c,
    processingMsSum: tally.processingMsSum,
    costUsd: tally.costUsd,
  };
}
