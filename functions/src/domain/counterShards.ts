/**
 * Sizing and summing a batch's status counter shards (pure; the store writes and reads them in
 * store/counterShards.ts). Every image transition moves one image between statuses: its shard
 * (`index % shards`) takes -1 on the old status and +1 on the new one, in the transition's own
 * transaction. Consecutive indexes land on consecutive shards, so a queue dispatching R images
 * per second, each written twice (started, finished), writes each shard 2R/S times a second.
 * `queued` is not stored: it is the rest of `total`, which also covers images the fan-out has
 * not created yet.
 */
import { emptyCounters, type Counters, type ImageStatus } from "./imageStatus.js";

/** Writes per image that touch its shard: the start of an attempt and its end. */
export const SHARD_WRITES_PER_IMAGE = 2;
/** Sustained writes per second we allow on one shard (Firestore's guidance is about 1). */
export const SHARD_TARGET_WRITES_PER_SECOND = 0.8;
/** Upper bound on shards (a status call reads every shard). */
export const MAX_COUNTER_SHARDS = 500;
/** The COUNTER_SHARDS default: shardsForRate(20), the rate the design is sized for. */
export const DEFAULT_COUNTER_SHARDS = 50;

/**
 * Shards a queue of `dispatchesPerSecond` needs so that no shard is written more than
 * SHARD_TARGET_WRITES_PER_SECOND when one batch gets the whole rate: 50 at R = 20, 250 at
 * R = 100 (the operator's COUNTER_SHARDS; the runbook says when to raise it).
 */
export function shardsForRate(dispatchesPerSecond: number): number {
  return Math.ceil(
    (SHARD_WRITES_PER_IMAGE * Math.max(0, dispatchesPerSecond)) / SHARD_TARGET_WRITES_PER_SECOND,
  );
}

/**
 * A new batch's shards: the configured number, never more than the batch has images (an image
 * only writes its own shard, so a 10-image batch needs 10 at most) nor MAX_COUNTER_SHARDS.
 */
export function counterShardsFor(total: number, configured: number): number {
  return Math.max(1, Math.min(total, Math.floor(configured), MAX_COUNTER_SHARDS));
}

export const shardOf = (index: number, shards: number): number => index % shards;

/** How many of a batch's `total` images belong to `shard` (of `shards`). */
export function shardSize(total: number, shards: number, shard: number): number {
  return shard < total ? Math.floor((total - 1 - shard) / shards) + 1 : 0;
}

/** What one shard holds: images per non-queued status, and the completed images' sums. */
export interface ShardCounts {
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Sum of processingTimeMs over completed images. */
  processingMs: number;
  costUsd: number;
}

export const SHARD_FIELDS = [
  "processing",
  "completed",
  "failed",
  "cancelled",
  "processingMs",
  "costUsd",
] as const satisfies readonly (keyof ShardCounts)[];

/** The increments one image's move from `from` to `to` makes on its shard. */
export function shardDelta(
  from: ImageStatus,
  to: ImageStatus,
  completedWith: { processingMs?: number; costUsd?: number } = {},
): Partial<ShardCounts> {
  const d: Partial<ShardCounts> = {};
  if (from === to) return d;
  if (from !== "queued") d[from] = -1;
  if (to !== "queued") d[to] = (d[to] ?? 0) + 1;
  if (to === "completed") {
    if (completedWith.processingMs) d.processingMs = completedWith.processingMs;
    if (completedWith.costUsd) d.costUsd = completedWith.costUsd;
  }
  return d;
}

/** Adds `b` into `a` (both partial), dropping zeros. */
export function addDelta(a: Partial<ShardCounts>, b: Partial<ShardCounts>): Partial<ShardCounts> {
  const out: Partial<ShardCounts> = { ...a };
  for (const k of SHARD_FIELDS) {
    const v = (out[k] ?? 0) + (b[k] ?? 0);
    if (v === 0) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The batch's counts from its shards (missing shards count zero). */
export function sumShards(
  shards: Partial<ShardCounts>[],
  total: number,
): { counters: Counters; processingMsSum: number; costUsd: number } {
  const counters = emptyCounters();
  let processingMsSum = 0;
  let costUsd = 0;
  for (const s of shards) {
    counters.processing += s.processing ?? 0;
    counters.completed += s.completed ?? 0;
    counters.failed += s.failed ?? 0;
    counters.cancelled += s.cancelled ?? 0;
    processingMsSum += s.processingMs ?? 0;
    costUsd += s.costUsd ?? 0;
  }
  // More than `total` started would be a bug; it stays visible as a negative `queued`.
  counters.queued =
    total - counters.processing - counters.completed - counters.failed - counters.cancelled;
  // Sums of float increments: round away the binary noise (costs are quoted to 6 decimals).
  return { counters, processingMsSum, costUsd: Math.round(costUsd * 1e6) / 1e6 };
}
