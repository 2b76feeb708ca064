/**
 * One document's optimistic change: a batch of writes whose write of that document carries, as
 * precondition, the update time the document had when it was read, so the batch applies only if
 * nothing wrote the document since. That is what a transaction reading the document guarantees,
 * and when the update time is already known (the commit of the previous change returned it) it
 * costs one round trip instead of a transaction's two.
 */
import type { Timestamp, WriteBatch } from "firebase-admin/firestore";

/** gRPC codes of a failed precondition: the document changed (9) or is gone (5). */
const CHANGED_CODES: ReadonlySet<unknown> = new Set([5, 9]);

/** Commits `batch` (not empty): the commit time, or null if a precondition failed. */
export async function commitIfUnchanged(batch: WriteBatch): Promise<Timestamp | null> {
  try {
    const [first] = await batch.commit();
    return first!.writeTime;
  } catch (e) {
    if (CHANGED_CODES.has((e as { code?: unknown } | null)?.code)) return null;
    throw e;
  }
}
