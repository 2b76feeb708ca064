/**
 * The one way an image document changes status: the move checked against the state machine
 * (domain/imageStatus.ts), the status fields (statusFields) and the move on the batch's counter
 * shard, written together in the caller's commit (a transaction, or a batch whose image write is
 * conditional on the update time it was read at) so the counts never disagree with the images.
 */
import type { DocumentData, DocumentReference, Precondition } from "firebase-admin/firestore";
import { canTransition, type ImageStatus } from "../domain/imageStatus.js";
import { ShardDeltas } from "./counterShards.js";
import { updateIn, type Writer } from "./writer.js";

/**
 * The status of an image as written: the `status` field (queries, the status page) and the
 * indicators `n.<each status>` (1 for its status, 0 for the others), so one aggregation query
 * sums the images per status at one snapshot (batchCounts.ts, for batches without shards and
 * for the final counts). Every image carries every indicator because a query with several
 * sum() aggregations only counts documents holding all of their fields.
 */
export function statusFields(status: ImageStatus): {
  status: ImageStatus;
  n: Record<ImageStatus, 0 | 1>;
} {
  const n = { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 } as Record<
    ImageStatus,
    0 | 1
  >;
  n[status] = 1;
  return { status, n };
}

const batchIdOf = (imageRef: DocumentReference): string => imageRef.parent.parent!.id;

/**
 * Moves the image stored as `current` (read in `tx`, or read before a batch whose image write
 * carries `precondition`) to `to`, with `fields`. Pass `shared` deltas when one transaction moves
 * many images of a batch (then write them once, at the end).
 */
export function transitionImage(
  tx: Writer,
  ref: DocumentReference,
  current: DocumentData,
  to: ImageStatus,
  fields: DocumentData,
  options: {
    completedWith?: { processingMs?: number; costUsd?: number };
    shared?: ShardDeltas;
    precondition?: Precondition;
  } = {},
): void {
  const from = current.status as ImageStatus;
  // A takeover starts a new attempt on a processing image: not a move, nothing to count.
  if (!(from === to && to === "processing") && !canTransition(from, to))
    throw new Error(`illegal image transition ${from} -> ${to} (${ref.path})`);
  updateIn(tx, ref, { ...fields, ...statusFields(to) }, options.precondition);
  const deltas = options.shared ?? new ShardDeltas(batchIdOf(ref));
  deltas.move(current, to, options.completedWith);
  if (!options.shared) deltas.writeTo(tx);
}
