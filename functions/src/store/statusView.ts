/**
 * What one status call reads: the batch's counts and a page of its images, at one snapshot, so
 * a page never shows an image finished that the counts still call running. Without an image
 * status filter, the counter shards and the page's image documents are read by ONE getAll in a
 * read-only transaction (one BatchGetDocuments: one read time in production and in the
 * emulator, whose read-only transactions do not pin a read time across separate reads).
 */
import { sumShards, type ShardCounts } from "../domain/counterShards.js";
import { imageDocId } from "../domain/ids.js";
import type { ImageStatus } from "../domain/imageStatus.js";
import { statusTally, tallyBatch, type BatchTally } from "./batchCounts.js";
import type { BatchDoc } from "./batchStore.js";
import { shardRefs } from "./counterShards.js";
import { getDb } from "./db.js";
import { imageFromData } from "./imageDoc.js";
import { listImages } from "./imageReads.js";
import { imageRef, type ImageDoc } from "./imageStore.js";

export interface StatusView {
  tally: BatchTally;
  page: { images: ImageDoc[]; nextAfterIndex: number | null };
}

type PageRequest = { status?: ImageStatus; pageSize: number; afterIndex?: number };

export async function readStatusView(batch: BatchDoc, page: PageRequest): Promise<StatusView> {
  const pageInput = { ...page, batchId: batch.batchId, total: batch.total };
  const shards = batch.counterShards;
  if (shards === null) {
    // Created before the shards: aggregation, which the emulator cannot run in a transaction.
    const [tally, images] = await Promise.all([
      tallyBatch(batch.batchId, batch.total),
      listImages(pageInput),
    ]);
    return { tally, page: images };
  }
  if (page.status) {
    // A page of one status is a query: read beside the shards in the same transaction.
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
  const first = (page.afterIndex ?? -1) + 1;
  const last = Math.min(batch.total - 1, first + page.pageSize - 1);
  const pageRefs =
    last < first
      ? []
      : Array.from({ length: last - first + 1 }, (_, i) =>
          imageRef(batch.batchId, imageDocId(first + i)),
        );
  const snaps = await getDb().runTransaction(
    (tx) => tx.getAll(...shardRefs(batch.batchId, shards), ...pageRefs),
    { readOnly: true },
  );
  const counts = sumShards(
    snaps.slice(0, shards).map((s) => (s.exists ? (s.data() as Partial<ShardCounts>) : {})),
    batch.total,
  );
  const images = snaps
    .slice(shards)
    .filter((s) => s.exists)
    .map((s) => imageFromData(s.id, s.data()!));
  return {
    tally: { ...counts, billedReads: shards },
    page: { images, nextAfterIndex: last >= first && last < batch.total - 1 ? last : null },
  };
}
