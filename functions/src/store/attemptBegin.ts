/**
 * The start of one image attempt (beginAttempt): a delivery read against the image document and
 * turned into a start, a takeover, a recovery, a busy answer or a skip, committed only if the
 * image did not change since it was read. The attempt's later changes are in imageStore.ts.
 */
import { randomUUID } from "node:crypto";
import {
  FieldValue,
  type DocumentData,
  type DocumentReference,
  type Precondition,
  type Timestamp,
  type WriteBatch,
} from "firebase-admin/firestore";
import { readClaimTicket, type ClaimedImageState } from "./claimTicket.js";
import { commitIfUnchanged } from "./conditionalCommit.js";
import { getDb } from "./db.js";
import { imageFromData, type ImageDoc, type SuccessRecord } from "./imageDoc.js";
import { failLostImage, imageRef } from "./imageStore.js";
import { statusFields, transitionImage } from "./imageTransition.js";
import type { OpCount } from "./opCount.js";
import { noteWrite } from "./writeLog.js";

/**
 * The image as an attempt left it when it began, and the time of that write: while nothing else
 * writes the image, the completion commits on that precondition without reading it again.
 */
export interface AttemptOwner {
  updateTime: Timestamp;
  data: DocumentData;
}

interface StartedAttempt {
  kind: "start";
  image: ImageDoc;
  attempt: number;
  attemptId: string;
}

export type BeginOutcome =
  | (StartedAttempt & { owner: AttemptOwner })
  /** A previous attempt stored its output but its completion commit failed: record that. */
  | { kind: "recover"; image: ImageDoc; attemptId: string; record: SuccessRecord }
  /** Another attempt is live (started less than a task timeout ago): do not take it over. */
  | { kind: "busy"; image: ImageDoc }
  | {
      kind: "skip";
      reason: "finished" | "missing" | "stale_generation" | "cancelled" | "exhausted";
      image?: ImageDoc;
    };

export interface BeginOptions {
  /** An attempt younger than this still owns the image (the task timeout: it may be running). */
  leaseMs: number;
  /** The image's attempt budget (first try included). */
  maxAttempts: number;
  now?: Date;
  /** When given, a failure for an exhausted budget is counted on the partner's usage. */
  partnerId?: string;
  /**
   * Called when the read decided to start, before the start commits, so work that needs only the
   * image (fetching its source) overlaps the commit. Rarely the commit then finds the image
   * changed and the new read does not start: that work is wasted, never wrong.
   */
  onStart?: (image: ImageDoc) => void;
  /**
   * The task's claim ticket (claimTicket.ts): the first round decides on the image as the claim
   * left it and commits on the claim's update time, with no read. A stale ticket (the image was
   * written since) fails that condition and the rounds read, as without one.
   */
  ticket?: unknown;
}

/**
 * Marks an image `processing` for one attempt. A finished image (duplicate delivery) or a task
 * of an older generation (superseded by retry-failed) is skipped. An image already `processing`
 * is taken over only when its attempt is older than the lease (its worker is gone: the task
 * timeout has passed); a younger one is reported busy, so a duplicate delivered during an
 * attempt neither steals the image nor calls the model a second time.
 */
export async function beginAttempt(
  batchId: string,
  imageId: string,
  generation: number,
  ops: OpCount,
  options: BeginOptions,
): Promise<BeginOutcome> {
  const ref = imageRef(batchId, imageId);
  const now = options.now ?? new Date();
  // Read (the first round: take the task's claim ticket instead), decide, and commit only if the
  // image did not change meanwhile (else read again): a transaction's guarantee, and the
  // commit's time lets the completion skip its own read.
  let claimed = options.ticket === undefined ? null : readClaimTicket(options.ticket);
  for (let round = 1; ; round++) {
    const fromTicket = claimed !== null;
    const state = claimed ?? (await readImage(ref, ops));
    claimed = null;
    if (!state) return { kind: "skip", reason: "missing" };
    const image = imageFromData(imageId, state.data);
    const precondition = { lastUpdateTime: state.updateTime };
    const batch = getDb().batch();
    const { outcome, writes } = decideBegin(
      batch,
      ref,
      image,
      precondition,
      generation,
      options,
      now,
    );
    // Only a commit proves a ticket current: an outcome that writes nothing is read again.
    if (!writes && outcome.kind !== "start") {
      if (fromTicket) continue;
      return outcome;
    }
    if (outcome.kind === "start") options.onStart?.(image);
    const committed = await commitIfUnchanged(batch);
    if (committed) {
      noteWrite(ref.path);
      if (outcome.kind !== "start") return outcome;
      ops.write();
      // The image as this attempt left it; transitions read its status and counter shard.
      const data = {
        ...image.data,
        attempts: outcome.attempt,
        attemptId: outcome.attemptId,
        ...statusFields("processing"),
      };
      return { ...outcome, owner: { updateTime: committed, data } };
    }
    if (round >= BEGIN_ROUNDS) throw new Error(`image ${ref.path} kept changing; not started`);
  }
}

async function readImage(ref: DocumentReference, ops: OpCount): Promise<ClaimedImageState | null> {
  const snap = await ref.get();
  ops.read();
  return snap.exists ? { updateTime: snap.updateTime!, data: snap.data()! } : null;
}

/** A begin decided before its commit: a start learns its owner's update time from the commit. */
type BeginDecision = StartedAttempt | Exclude<BeginOutcome, { kind: "start" }>;

/** Reads before beginAttempt gives up on an image that changes under every read (never seen). */
const BEGIN_ROUNDS = 5;

/**
 * What a delivery does to `image` as read: the outcome, and whether it wrote (into `batch`, each
 * write of the image under `precondition`). Nothing is committed here.
 */
function decideBegin(
  batch: WriteBatch,
  ref: DocumentReference,
  image: ImageDoc,
  precondition: Precondition,
  generation: number,
  options: BeginOptions,
  now: Date,
): { outcome: BeginDecision; writes: boolean } {
  const done = (outcome: BeginDecision, writes = false) => ({ outcome, writes });
  if (image.status === "cancelled") return done({ kind: "skip", reason: "cancelled", image });
  if (image.status === "completed" || image.status === "failed") {
    // Counted (duplicates are rare), so operators and tests see late deliveries arrive.
    batch.update(ref, { lateDeliveries: FieldValue.increment(1) }, precondition);
    return done({ kind: "skip", reason: "finished", image }, true);
  }
  if (image.generation !== generation)
    return done({ kind: "skip", reason: "stale_generation", image });
  if (image.status === "processing") {
    const stored = image.storedOutput;
    if (stored && stored.attemptId === image.attemptId) {
      const { attemptId, ...record } = stored;
      return done({ kind: "recover", image, attemptId, record });
    }
    const age = now.getTime() - (image.startedAt?.getTime() ?? 0);
    if (age < options.leaseMs) {
      // Counted, so operators (and tests) see duplicates that arrived during an attempt.
      batch.update(ref, { busyDeliveries: FieldValue.increment(1) }, precondition);
      return done({ kind: "busy", image }, true);
    }
    if (image.attempts >= options.maxAttempts) {
      failLostImage(batch, ref, image.data, options.partnerId, precondition);
      return done({ kind: "skip", reason: "exhausted", image }, true);
    }
  }
  const attempt = image.attempts + 1;
  const attemptId = randomUUID();
  transitionImage(
    batch,
    ref,
    image.data,
    "processing",
    { attempts: attempt, attemptId, startedAt: FieldValue.serverTimestamp(), waitingFor: null },
    { precondition },
  );
  return done({ kind: "start", image, attempt, attemptId }, true);
}
