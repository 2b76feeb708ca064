/**
 * A batch's counts and running statistics, computed from its image documents (the only source
 * of truth) with aggregation queries, so no image transition writes the batch document.
 * Billing (Firestore pricing, "aggregation queries"): one document read per batch of up to 1000
 * index entries matched, at least one per query. Five count() queries over N images plus two
 * sum() queries over the completed ones cost about 7 + N/1000 + 2*completed/1000 reads: about
 * 35 for a finished 10,000-image batch, whatever the number of status polls in between.
 */
import { AggregateField, type Transaction } from "firebase-admin/firestore";
import {
  emptyCounters,
  IMAGE_STATUSES,
  sumCounters,
  type Counters,
} from "../domain/imageStatus.js";
import { imageCountQuery } from "./queries.js";
import { batchRef, type BatchDoc } from "./batchStore.js";
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

const sumsQuery = (batchId: string) =>
  batchRef(batchId)
    .collection(COLLECTIONS.images)
    .aggregate({
      processingMs: AggregateField.sum(SUMMED_FIELDS.processingMs),
      cost: AggregateField.sum(SUMMED_FIELDS.cost),
    });

const billed = (entries: number) => Math.max(1, Math.ceil(entries / 1000));

/** Counts and sums in parallel; inside a transaction when `tx` is given (consistent snapshot). */
export async function tallyBatch(batchId: string, tx?: Transaction): Promise<BatchTally> {
  const countQueries = IMAGE_STATUSES.map((s) => imageCountQuery(batchId, s));
  const [counts, sums] = await Promise.all([
    Promise.all(countQueries.map((q) => (tx ? tx.get(q) : q.get()))),
    tx ? tx.get(sumsQuery(batchId)) : sumsQuery(batchId).get(),
  ]);
  const counters = emptyCounters();
  let billedReads = 0;
  IMAGE_STATUSES.forEach((s, i) => {
    counters[s] = counts[i]!.data().count;
    billedReads += billed(counters[s]);
  });
  // Each sum() matches the index entries of the images that have the field: the completed ones.
  billedReads += 2 * billed(counters.completed);
  const data = sums.data();
  return {
    counters,
    processingMsSum: Number(data.processingMs ?? 0),
    costUsd: Number(data.cost ?? 0),
    billedReads,
  };
}

/**
 * The batch as the status reports it: counts and statistics from the tally. A batch still
 * marked `queued` whose images have started shows `processing` (the mark is written once, by
 * the first attempt, and may trail the images by a moment).
 */
export function withTally(batch: BatchDoc, tally: BatchTally): BatchDoc {
  const c = { ...tally.counters };
  const started = c.processing + c.completed + c.failed + c.cancelled > 0;
  // Images the fan-out has not created yet are waiting in their chunk: they are queued. (More
  // documents than `total` would be a bug; it is left visible as a sum above total.)
  c.queued += Math.max(0, batch.total - sumCounters(c));
  return {
    ...batch,
    status: batch.status === "queued" && started ? "processing" : batch.status,
    counters: c,
    processingMsSum: tally.processingMsSum,
    costUsd: tally.costUsd,
  };
}
