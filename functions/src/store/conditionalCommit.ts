/**
 * One document's optimistic change: a batch of writes whose write of that document carries, as
 * precondition, the update time the document had when it was read, so the batch applies only if
 * nothing wrote the document since. That is what a transaction reading the document guarantees,
 * and when the update time is already known (the commit of the previous change returned it) it
 * costs one round trip instead of a transaction's two.
 */
import type { Timestamp, WriteBatch } from "firebase-admin/firestore";

/**
 * gRPC codes of a commit that wrote nothing and may be decided again on a fresh read: the
 * document changed (9, FAILED_PRECONDITION) or is gone (5), or contention aborted the commit (10).
 */
const NOT_APPLIED_CODES: ReadonlySet<unknown> = new Set([5, 9, 10]);

export const wasNotApplied = (e: unknown): boolean =>
  NOT_APPLIED_CODES.has((e as { code?: unknown } | null)?.code);

/** Commits `batch` (not empty): the commit time, or null if it was not applied (see above). */
export async function commitIfUnchanged(batch: WriteBatch): Promise<Timestamp | null> {
  try {
    const [first] = await batch.commit();
    return first!.writeTime;
  } catch (e) {
    if (wasNotApplied(e)) return null;
    throw e;
  }
}
