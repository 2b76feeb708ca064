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
    const known = state.windows[claimant.batchId];
    if (known !== undefined && state.claimants.some((c) => c.batchId === claimant.batchId))
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

/** Tasks of the batch in the queue and not finished (one aggregation, ~1 billed read). */
export async function outstandingCount(batchId: string): Promise<number> {
  return (await outstandingCountQuery(batchId).get()).data().count;
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
 * Claims up to `count` undispatched images of a batch, lowest index first: each is still queued
 * and unclaimed inside the transaction, so a concurrent claimer skips it. Workers finishing at
 * the same moment read the same first images, so each reads a larger page than it needs and
 * claims from what is still free, and tries the next page when a whole page was taken (without
 * that, collisions leave windows short and the queue idles). A cancelled image is no longer
 * queued, so a cancelled batch is never dispatched again.
 */
export async function claimUndispatched(batchId: string, count: number): Promise<ClaimedImage[]> {
  const claimed: ClaimedImage[] = [];
  let afterIndex: number | null = null;
  for (let round = 0; round < 3 && claimed.length < count; round++) {
    let q = undispatchedImagesQuery(batchId, 2 * (count - claimed.length) + 4);
    if (afterIndex !== null) q = q.startAfter(afterIndex);
    const page = await q.get();
    if (page.empty) break;
    afterIndex = page.docs[page.docs.length - 1]!.get("index") as number;
    const want = count - claimed.length;
    const these = await getDb().runTransaction(async (tx) => {
      const snaps = await tx.getAll(...page.docs.map((d) => d.ref));
      const now = FieldValue.serverTimestamp();
      const out: ClaimedImage[] = [];
      for (const s of snaps) {
        if (out.length >= want) break;
        const d = s.data();
        if (!d || d.status !== "queued" || d.taskEnqueuedAt != null) continue;
        tx.update(s.ref, { taskEnqueuedAt: now });
        out.push({ imageId: s.id, generation: Number(d.generation ?? 0) });
      }
      return out;
    });
    noteWrite(...these.map((c) => imageRef(batchId, c.imageId).path));
    claimed.push(...these);
  }
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
