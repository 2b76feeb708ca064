/**
 * A batch's status counter shards (`batches/{id}/counters/{n}`), sized and summed by
 * domain/counterShards.ts. Each image transition increments its image's shard in the same
 * commit as the image write, so the shards move exactly with the image documents; a status
 * call reads every shard at one snapshot (S document reads, ~10 ms) instead of aggregating
 * over every image document (N/1,000 reads, and a scan of N documents in the emulator).
 * Images of batches created before the shards existed carry no shard number: they write none,
 * and their batch is counted by aggregation (batchCounts.ts).
 */
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Transaction,
} from "firebase-admin/firestore";
import {
  addDelta,
  shardDelta,
  SHARD_FIELDS,
  sumShards,
  type ShardCounts,
} from "../domain/counterShards.js";
import type { ImageStatus } from "../domain/imageStatus.js";
import { batchRef } from "./batchStore.js";
import { COLLECTIONS, getDb } from "./db.js";
import { noteWrite } from "./writeLog.js";
import { mergeIn, type Writer } from "./writer.js";

export const counterShardRef = (batchId: string, shard: number): DocumentReference =>
  batchRef(batchId).collection(COLLECTIONS.counters).doc(String(shard));

/** The shard an image document writes (null: created before shards, counted by aggregation). */
export const shardOfImage = (data: DocumentData): number | null =>
  typeof data.counterShard === "number" ? data.counterShard : null;

/**
 * The shard increments of one transaction, merged per shard (a transaction writes each shard
 * at most once, whatever number of images it moves).
 */
export class ShardDeltas {
  private readonly byShard = new Map<number, Partial<ShardCounts>>();
  constructor(private readonly batchId: string) {}

  /** Counts the move of the image stored as `data` from its current status to `to`. */
  move(
    data: DocumentData,
    to: ImageStatus,
    completedWith?: { processingMs?: number; costUsd?: number },
  ): void {
    const shard = shardOfImage(data);
    if (shard === null) return;
    const delta = shardDelta(data.status as ImageStatus, to, completedWith);
    this.byShard.set(shard, addDelta(this.byShard.get(shard) ?? {}, delta));
  }

  /** Adds the increments to `writer` (the transition's transaction or batch). */
  writeTo(writer: Writer): void {
    for (const [shard, delta] of this.byShard) {
      const fields: Record<string, FieldValue> = {};
      for (const k of SHARD_FIELDS) if (delta[k]) fields[k] = FieldValue.increment(delta[k]);
      if (Object.keys(fields).length === 0) continue;
      const ref = counterShardRef(this.batchId, shard);
      // set+merge: the first increment creates the shard. Blind writes: a transaction that
      // only writes a shard never waits on it or conflicts with another image's transaction.
      mergeIn(writer, ref, fields);
      noteWrite(ref.path);
    }
  }
}

/**
 * True when the shard of the image stored as `data` still has images that are not finished,
 * read after the image's own terminal transition committed: then some other image's terminal
 * transition is still to come, and that one runs the completion check, so this one can skip it
 * (1 document read instead of a query; the emulator scans every image document for a query).
 * False when it cannot tell (images without a shard size).
 */
export async function shardStillRunning(batchId: string, data: DocumentData): Promise<boolean> {
  const shard = shardOfImage(data);
  const size = typeof data.shardSize === "number" ? data.shardSize : null;
  if (shard === null || size === null) return false;
  const snap = await counterShardRef(batchId, shard).get();
  const finished =
    Number(snap.get("completed") ?? 0) +
    Number(snap.get("failed") ?? 0) +
    Number(snap.get("cancelled") ?? 0);
  return finished < size;
}

/** The refs of a batch's shards. */
export const shardRefs = (batchId: string, shards: number): DocumentReference[] =>
  Array.from({ length: shards }, (_, n) => counterShardRef(batchId, n));

/**
 * Counts from the shards. Give the transaction of the read that must agree with them (the
 * status page): both then see one snapshot.
 */
export async function readShardTally(
  batchId: string,
  shards: number,
  total: number,
  tx?: Transaction,
): Promise<ReturnType<typeof sumShards>> {
  const refs = shardRefs(batchId, shards);
  const snaps = tx ? await tx.getAll(...refs) : await getDb().getAll(...refs);
  return sumShards(
    snaps.map((s) => (s.exists ? (s.data() as Partial<ShardCounts>) : {})),
    total,
  );
}
