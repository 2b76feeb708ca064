/**
 * What one status call reads: the batch's counts and a page of its images, at one snapshot (a
 * read-only transaction: no locks, no contention with the workers), so a page never shows an
 * image finished that the counts still call running.
 */
import type { ImageStatus } from "../domain/imageStatus.js";
import { statusTally, tallyBatch, type BatchTally } from "./batchCounts.js";
import type { BatchDoc } from "./batchStore.js";
import { getDb } from "./db.js";
import { listImages } from "./imageReads.js";
import type { ImageDoc } from "./imageStore.js";

export interface StatusView {
  tally: BatchTally;
  page: { images: ImageDoc[]; nextAfterIndex: number | null };
}

export async function readStatusView(
  batch: BatchDoc,
  page: { status?: ImageStatus; pageSize: number; afterIndex?: number },
): Promise<StatusView> {
  const pageInput = { ...page, batchId: batch.batchId, total: batch.total };
  if (batch.counterShards === null) {
    // Created before the shards: aggregation, which the emulator cannot run in a transaction.
    const [tally, images] = await Promise.all([
      tallyBatch(batch.batchId, batch.total),
      listImages(pageInput),
    ]);
    return { tally, page: images };
  }
  return getDb().runTransaction(
    async (tx) => {
      const [tally, images] = await Promise.all([
        statusTally(batch, tx),
        listImages(pageInput, tx),
      ]);
      return { tally, page: images };
    },
    { readOnly: true },
  );
}
