/**
 * The result cache (resultCache/{docId}, docId from domain/cacheKey.ts): a finished staging
 * that a later identical request reuses instead of calling the model again. An entry points at
 * the stored output of the image that paid for it; a hit copies those bytes into the new image's
 * own output path (worker), so every output stays under its owner's prefix and its batch's
 * lifetime, and a deleted source batch never breaks a later one.
 *
 * Two identical images in flight at once would both miss and both pay. The first one therefore
 * claims the key (`state: "pending"`, `claimUntilMs`); the others wait for the entry a bounded
 * time and call the model themselves if it never comes (a failed or slow first attempt). Entries
 * expire through the Firestore TTL policy on `expiresAt` (RESULT_CACHE_TTL_DAYS); lookups also
 * ignore expired ones, since TTL deletion may lag by a day.
 */
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { COLLECTIONS, getDb } from "./db.js";

/** What a hit needs to record the image as the original was recorded. */
export interface CachedOutput {
  outputPath: string;
  contentType: string;
  format: string;
  width: number;
  height: number;
  model: string;
  promptVersion: string;
  requestedImageSize: string | null;
  aspectRatio: string | null;
  modelWidth?: number;
  modelHeight?: number;
  resized: boolean;
  labelled: boolean;
}

export type CacheClaim =
  | { kind: "hit"; entry: CachedOutput }
  /** This attempt owns the key: it calls the model and fills the entry (or the claim lapses). */
  | { kind: "claimed" }
  /** Another attempt is staging the same request right now. */
  | { kind: "pending"; claimUntilMs: number };

const ref = (docId: string) => getDb().collection(COLLECTIONS.resultCache).doc(docId);

function readEntry(data: FirebaseFirestore.DocumentData | undefined, nowMs: number) {
  if (!data || data.state !== "ready") return null;
  const expiresAt = data.expiresAt as Timestamp | undefined;
  if (!expiresAt || expiresAt.toMillis() <= nowMs) return null;
  return data.output as CachedOutput;
}

/** Looks the key up and, on a miss, claims it for `claimMs` (one transaction). */
export async function lookupOrClaim(
  docId: string,
  owner: string,
  claimMs: number,
  nowMs: number = Date.now(),
): Promise<CacheClaim> {
  return getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref(docId));
    const entry = readEntry(snap.data(), nowMs);
    if (entry) return { kind: "hit", entry };
    const claimUntilMs = snap.get("claimUntilMs") as number | undefined;
    if (snap.get("state") === "pending" && claimUntilMs && claimUntilMs > nowMs)
      return { kind: "pending", claimUntilMs };
    tx.set(ref(docId), {
      state: "pending",
      claimOwner: owner,
      claimUntilMs: nowMs + claimMs,
      // A claim that is never filled is cleaned up by the same TTL policy.
      expiresAt: Timestamp.fromMillis(nowMs + claimMs + 24 * 3600_000),
    });
    return { kind: "claimed" };
  });
}

/** Reads a ready entry (a waiting attempt polls this), or null. */
export async function readCached(
  docId: string,
  nowMs: number = Date.now(),
): Promise<CachedOutput | null> {
  return readEntry((await ref(docId).get()).data(), nowMs);
}

/** Records a finished staging under its key for `ttlDays`. */
export async function fillCache(
  docId: string,
  entry: CachedOutput & { partnerId: string; batchId: string; imageId: string },
  ttlDays: number,
  nowMs: number = Date.now(),
): Promise<void> {
  const { partnerId, batchId, imageId, ...output } = entry;
  await ref(docId).set({
    state: "ready",
    output,
    partnerId,
    batchId,
    imageId,
    createdAt: FieldValue.serverTimestamp(),
    expiresAt: Timestamp.fromMillis(nowMs + ttlDays * 86_400_000),
  });
}

/** Gives a claim back after a failed attempt, so a waiting one does not wait for nothing. */
export async function releaseClaim(docId: string, owner: string): Promise<void> {
  await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref(docId));
    if (snap.get("state") === "pending" && snap.get("claimOwner") === owner) tx.delete(ref(docId));
  });
}

/** Forgets an entry whose output object is gone (deleted by hand or by retention). */
export async function dropEntry(docId: string): Promise<void> {
  await ref(docId).delete();
}
