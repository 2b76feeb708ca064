/**
 * Fair-share dispatch state in Firestore. One document (system/dispatch) holds the open batches'
 * claimants and windows. Only the scheduler writes it, at most once per tick and not when nothing
 * changed: one write per SCHEDULER_INTERVAL_SECONDS at most, whatever the number of batches. A
 * batch that opens reads it and computes its own window without writing (domain/fairShare.ts
 * windowOnOpen). Per batch nothing is counted in a document: how many tasks a batch has
 * outstanding is an aggregation over its image documents, and dispatching an image is claiming
 * it (`taskEnqueuedAt` set by a write conditional on the document being unchanged since it was
 * read, so two workers never dispatch the same image).
 */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import { allocateWindows, type ShareClaimant, type ShareOptions } from "../domain/fairShare.js";
import { claimTicket, type ClaimTicket } from "./claimTicket.js";
import { COLLECTIONS, getDb } from "./db.js";
import { imageRef } from "./imageStore.js";
import { outstandingCountQuery, undispatchedImagesQuery, unfinishedCountQuery } from "./queries.js";
import { noteWrite } from "./writeLog.js";

export interface DispatchState {
  claimants: ShareClaimant[];
  windows: Record<string, number>;
  totalWindow: number;
  /** The rounding salt the windows were allocated with (domain/fairShare.ts allocateWindows). */
  salt: number;
  updatedAt: Date | null;
}

const stateRef = () => getDb().collection(COLLECTIONS.system).doc("dispatch");

function stateFromData(d: DocumentData | undefined): DispatchState {
  const updated = d?.updatedAt as Timestamp | undefined;
  return {
    claimants: Array.isArray(d?.claimants) ? (d.claimants as ShareClaimant[]) : [],
    windows: (d?.windows ?? {}) as Record<string, number>,
    totalWindow: typeof d?.totalWindow === "number" ? d.totalWindow : 0,
    salt: typeof d?.salt === "number" ? d.salt : 0,
    updatedAt: updated instanceof Timestamp ? updated.toDate() : null,
  };
}

/** One read. */
export async function readDispatchState(): Promise<DispatchState> {
  return stateFromData((await stateRef().get()).data());
}

let recent: { at: number; state: Promise<DispatchState> } | undefined;

/**
 * The state as this instance read it less than `maxAgeMs` ago, else one read. For the finishers'
 * top-ups (one per finished image): the state changes only at a scheduler tick, every few
 * seconds, so an instance finishing many images a second reads it about once a second.
 */
export function recentDispatchState(maxAgeMs: number, now = Date.now()): Promise<DispatchState> {
  if (!recent || now - recent.at > maxAgeMs) {
    const state = readDispatchState();
    recent = { at: now, state };
    // A failed read is not kept: the next finisher reads again.
    state.catch(() => {
      if (recent?.state === state) recent = undefined;
    });
  }
  return recent.state;
}

/** Same claimants (demands included) and windows: the stored state needs no rewrite. */
function sameState(a: DispatchState, claimants: ShareClaimant[], windows: Record<string, number>) {
  const key = (cs: ShareClaimant[], w: Record<string, number>) =>
    JSON.stringify([
      // Field by field: a map read back from Firestore need not keep the written key order.
      cs
        .map((c) => [c.batchId, c.partnerId, c.partnerWeight, c.priority, c.demand])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      Object.entries(w).sort(([x], [y]) => x.localeCompare(y)),
    ]);
  return key(a.claimants, a.windows) === key(claimants, windows);
}

/**
 * The scheduler's rewrite of the whole state: at most one write per tick, none when the
 * claimants and windows are those stored (`previous`, read by the tick).
 */
export async function writeDispatchState(
  previous: DispatchState,
  claimants: ShareClaimant[],
  totalWindow: number,
  o: ShareOptions,
  salt = 0,
): Promise<Record<string, number>> {
  const windows = Object.fromEntries(allocateWindows(claimants, totalWindow, o, salt));
  if (sameState(previous, claimants, windows) && previous.totalWindow === totalWindow)
    return windows;
  await stateRef().set({
    claimants,
    windows,
    totalWindow,
    salt,
    updatedAt: FieldValue.serverTimestamp(),
  });
  noteWrite(stateRef().path);
  return windows;
}

/** Images of the batch not finished (one aggregation, a read per 1,000 images). */
export async function unfinishedCount(batchId: string): Promise<number> {
  return (await unfinishedCountQuery(batchId).get()).data().count;
}

export interface ClaimedImage {
  imageId: string;
  generation: number;
  /** The image as the claim left it, for the task (claimTicket.ts); absent if not carriable. */
  ticket?: ClaimTicket;
}

/** The batch's tasks in the queue and not finished (one aggregation, ~1 billed read). */
export async function countOutstanding(batchId: string): Promise<number> {
  return (await outstandingCountQuery(batchId).get()).data().count;
}

/** gRPC FAILED_PRECONDITION: the document changed since the claimer read it. */
const FAILED_PRECONDITION = 9;

/**
 * Brings the batch's outstanding tasks up to `window` by claiming its next undispatched images
 * (lowest index first), unless fewer than `minClaim` are missing. Each image is claimed by its
 * own write, conditional on the document being unchanged since the page was read
 * (`lastUpdateTime`): two claimers that read
 * the same page split it instead of both taking it, and no shared document is written (a claim
 * lock written by every claim serialised the finishing workers: in the emulator a contended
 * transaction waited a second or more for its retry). Claimers racing with different counts can
 * overfill the window by a few tasks until it drains; the queue's rate is unaffected. A
 * cancelled image is no longer queued (its write fails the condition), so a cancelled batch is
 * never dispatched again. Each claim returns its image as the claim left it (whole documents are
 * read for that), which the task carries so the worker's start needs no read.
 */
export async function claimUndispatched(
  batchId: string,
  window: number,
  minClaim = 1,
): Promise<ClaimedImage[]> {
  const want = window - (await countOutstanding(batchId));
  if (want < Math.max(1, minClaim)) return [];
  // Whole documents: each claim's ticket carries its image (claimTicket.ts).
  const page = await undispatchedImagesQuery(batchId, want, true).get();
  // The claimer's clock, not a server timestamp: the ticket then holds the exact value written.
  const now = Timestamp.now();
  const results = await Promise.allSettled(
    page.docs.map((d) =>
      d.ref.update({ taskEnqueuedAt: now }, { lastUpdateTime: d.updateTime }).then((w) => ({
        imageId: d.id,
        generation: Number(d.get("generation") ?? 0),
        ticket: claimTicket({ ...d.data(), taskEnqueuedAt: now }, w.writeTime),
      })),
    ),
  );
  const claimed: ClaimedImage[] = [];
  for (const r of results) {
    if (r.status === "fulfilled") claimed.push(r.value);
    else if ((r.reason as { code?: number }).code !== FAILED_PRECONDITION) throw r.reason;
  }
  if (claimed.length) noteWrite(...claimed.map((c) => imageRef(batchId, c.imageId).path));
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
