/**
 * Fair-share dispatch state in Firestore. One document (system/dispatch) holds the open batches'
 * claimants and windows; the scheduler rewrites it once per tick and a new batch adds itself
 * (both far below one write per second). Per batch nothing is counted in a document: how many
 * tasks a batch has outstanding is an aggregation over its image documents, and dispatching an
 * image is claiming it (`taskEnqueuedAt` set in a transaction, so two workers never dispatch the
 * same image).
 */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import { allocateWindows, type ShareClaimant, type ShareOptions } from "../domain/fairShare.js";
import { COLLECTIONS, getDb } from "./db.js";
import { imageRef } from "./imageStore.js";
import { outstandingCountQuery, undispatchedImagesQuery, unfinishedCountQuery } from "./queries.js";
import { noteWrite } from "./writeLog.js";

export interface DispatchState {
  claimants: ShareClaimant[];
  windows: Record<string, number>;
  totalWindow: number;
  updatedAt: Date | null;
}

const stateRef = () => getDb().collection(COLLECTIONS.system).doc("dispatch");

function stateFromData(d: DocumentData | undefined): DispatchState {
  const updated = d?.updatedAt as Timestamp | undefined;
  return {
    claimants: Array.isArray(d?.claimants) ? (d.claimants as ShareClaimant[]) : [],
    windows: (d?.windows ?? {}) as Record<string, number>,
    totalWindow: typeof d?.totalWindow === "number" ? d.totalWindow : 0,
    updatedAt: updated instanceof Timestamp ? updated.toDate() : null,
  };
}

/** One read. */
export async function readDispatchState(): Promise<DispatchState> {
  return stateFromData((await stateRef().get()).data());
}

/** The scheduler's rewrite of the whole state (one write per tick). */
export async function writeDispatchState(
  claimants: ShareClaimant[],
  totalWindow: number,
  o: ShareOptions,
): Promise<Record<string, number>> {
  const windows = Object.fromEntries(allocateWindows(claimants, totalWindow, o));
  await stateRef().set({
    claimants,
    windows,
    totalWindow,
    updatedAt: FieldValue.serverTimestamp(),
  });
  noteWrite(stateRef().path);
  return windows;
}

/**
 * Adds a batch to the state (if absent) and recomputes the windows at once, so the batches
 * already open shrink their windows before the next scheduler tick. Returns the batch's window.
 */
export async function registerClaimant(
  claimant: ShareClaimant,
  totalWindow: number,
  o: ShareOptions,
): Promise<number> {
  return getDb().runTransaction(async (tx) => {
    const state = stateFromData((await tx.get(stateRef())).data());
    // Known with a window: nothing to change. Known without one (a tick measured it before its
    // images existed, or after its last one finished, before retry-failed): counted again.
    const known = state.windows[claimant.batchId];
    if (known && state.claimants.some((c) => c.batchId === claimant.batchId && c.demand > 0))
      return known;
    const claimants = [...state.claimants.filter((c) => c.batchId !== claimant.batchId), claimant];
    const windows = Object.fromEntries(allocateWindows(claimants, totalWindow, o));
    tx.set(stateRef(), {
      claimants,
      windows,
      totalWindow,
      updatedAt: FieldValue.serverTimestamp(),
    });
    return windows[claimant.batchId] ?? 1;
  });
}

/** Images of the batch not finished (one aggregation, a read per 1,000 images). */
export async function unfinishedCount(batchId: string): Promise<number> {
  return (await unfinishedCountQuery(batchId).get()).data().count;
}

export interface ClaimedImage {
  imageId: string;
  generation: number;
}

/**
 * The batch's claim lock (`batches/{id}/dispatch/claims`): every claim of the batch's images
 * reads and writes it in its transaction, and a claim whose count or page was read before
 * another claim committed (the lock's `claimedAt`) claims nothing. So two workers finishing
 * together never race for the same lowest undispatched images (a racing claim used to find them
 * taken and leave the window short); the one that stood back is covered by the next finished
 * image or the scheduler's tick. It is written once per claim, and a finished image claims only
 * when its batch lacks a quarter of its window (domain/fairShare.ts minTopUp), which keeps it
 * far below one write per second.
 */
const claimLockRef = (batchId: string) =>
  getDb().collection(COLLECTIONS.batches).doc(batchId).collection("dispatch").doc("claims");

export interface OutstandingCount {
  count: number;
  readAtMs: number;
}

/**
 * The batch's tasks in the queue and not finished (one aggregation, ~1 billed read), with the
 * time it was read at (a claim committed after it makes it stale).
 */
export async function countOutstanding(batchId: string): Promise<OutstandingCount> {
  const snap = await outstandingCountQuery(batchId).get();
  return { count: snap.data().count, readAtMs: snap.readTime.toMillis() };
}

/**
 * Brings the batch's outstanding tasks up to `window` by claiming its next undispatched images
 * (lowest index first), unless fewer than `minClaim` are missing (`counting`: the count, when
 * the caller started it early). The count and the page of
 * images are read outside the transaction (a query inside one would lock the range the image
 * transitions write); the transaction reads only the lock and the page's documents, and claims
 * those still queued and undispatched. A cancelled image is no longer queued, so a cancelled
 * batch is never dispatched again.
 */
export async function claimUndispatched(
  batchId: string,
  window: number,
  minClaim = 1,
  counting: Promise<OutstandingCount> = countOutstanding(batchId),
): Promise<ClaimedImage[]> {
  const counted = await counting;
  const want = window - counted.count;
  if (want < Math.max(1, minClaim)) return [];
  const page = await undispatchedImagesQuery(batchId, want).get();
  if (page.empty) return [];
  const lock = claimLockRef(batchId);
  const claimed = await getDb().runTransaction(async (tx) => {
    const last = (await tx.get(lock)).get("claimedAt") as Timestamp | undefined;
    if (last && last.toMillis() >= counted.readAtMs) return [];
    const snaps = await tx.getAll(...page.docs.map((d) => d.ref));
    const now = FieldValue.serverTimestamp();
    const out: ClaimedImage[] = [];
    for (const snap of snaps) {
      const d = snap.data();
      if (!d || d.status !== "queued" || d.taskEnqueuedAt != null) continue;
      tx.update(snap.ref, { taskEnqueuedAt: now });
      out.push({ imageId: snap.id, generation: Number(d.generation ?? 0) });
    }
    if (out.length) tx.set(lock, { claimedAt: now, images: out.length });
    return out;
  });
  if (claimed.length)
    noteWrite(lock.path, ...claimed.map((c) => imageRef(batchId, c.imageId).path));
  return claimed;
}

/** Gives back claims whose task could not be enqueued (the window dispatches them again). */
export async function releaseClaims(batchId: string, imageIds: string[]): Promise<void> {
  if (imageIds.length === 0) return;
  const writer = getDb().bulkWriter();
  for (const id of imageIds) void writer.update(imageRef(batchId, id), { taskEnqueuedAt: null });
  await writer.close();
  noteWrite(...imageIds.map((id) => imageRef(batchId, id).path));
}
