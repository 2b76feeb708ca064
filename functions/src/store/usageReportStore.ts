/**
 * Usage records for billing. Submitted images are the daily booking documents the quota already
 * keeps (partners/{id}/usage/{day}.images, written once per create or retry). Terminal
 * transitions go to per-day shards, partners/{id}/usageShards/{day}-{n}: each completion or
 * failure increments one of USAGE_SHARDS documents inside the very commit that changes the
 * image, so a count can neither be lost nor doubled, and no single document takes more than a
 * fraction of a partner's completion rate (Firestore sustains about one write per second per
 * document). A report reads at most 92 booking documents and 92 x USAGE_SHARDS shards.
 */
import { FieldPath, FieldValue } from "firebase-admin/firestore";
import { createHash } from "node:crypto";
import type { UsageShard } from "../domain/usageReport.js";
import { COLLECTIONS, getDb } from "./db.js";
import { mergeIn, type Writer } from "./writer.js";

export const USAGE_SHARDS = 8;

const partner = (partnerId: string) => getDb().collection(COLLECTIONS.partners).doc(partnerId);

const shardOf = (key: string) =>
  createHash("sha256").update(key).digest().readUInt32BE(0) % USAGE_SHARDS;

export interface TerminalUsage {
  partnerId: string;
  /** Spreads one batch's images over the shards. */
  imageKey: string;
  outcome: "completed" | "failed";
  cached?: boolean;
  /** Completed, not cached: the billed call's model, lane and cost. */
  model?: string;
  lane?: string;
  costUsd?: number;
  now?: Date;
}

/** Counts a terminal transition on today's usage shard, in the transition's own commit. */
export function recordTerminalUsage(tx: Writer, u: TerminalUsage): void {
  const day = (u.now ?? new Date()).toISOString().slice(0, 10);
  const ref = partner(u.partnerId)
    .collection("usageShards")
    .doc(`${day}-${shardOf(u.imageKey)}`);
  const billed = u.outcome === "completed" && !u.cached && u.model;
  // Model ids contain dots: nested objects in a merge set are taken literally, field paths are not.
  mergeIn(tx, ref, {
    day,
    [u.outcome]: FieldValue.increment(1),
    ...(u.outcome === "completed" && u.cached ? { cached: FieldValue.increment(1) } : {}),
    ...(billed
      ? {
          byModel: {
            [u.model!]: {
              [u.lane ?? "standard"]: {
                images: FieldValue.increment(1),
                costUsd: FieldValue.increment(u.costUsd ?? 0),
              },
            },
          },
        }
      : {}),
  });
}

/** usageDaysOfPartner: images booked per day in [from, to]. */
export async function readSubmitted(
  partnerId: string,
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const snap = await partner(partnerId)
    .collection("usage")
    .where(FieldPath.documentId(), ">=", from)
    .where(FieldPath.documentId(), "<=", to)
    .orderBy(FieldPath.documentId())
    .get();
  return new Map(snap.docs.map((d) => [d.id, (d.get("images") as number | undefined) ?? 0]));
}

/** usageShardsOfPartner: the shards of every day in [from, to]. */
export async function readShards(
  partnerId: string,
  from: string,
  to: string,
): Promise<UsageShard[]> {
  const snap = await partner(partnerId)
    .collection("usageShards")
    .where("day", ">=", from)
    .where("day", "<=", to)
    .orderBy("day")
    .get();
  return snap.docs.map((d) => d.data() as UsageShard);
}
