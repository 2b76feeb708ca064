/**
 * What a store change writes through: a transaction (it read what it writes) or a batch of
 * writes committed with a precondition (conditionalCommit.ts). The two classes share their
 * methods but not one type, so the calls are made here, once.
 */
import {
  Transaction,
  type DocumentData,
  type DocumentReference,
  type Precondition,
  type WriteBatch,
} from "firebase-admin/firestore";

export type Writer = Transaction | WriteBatch;

/** `ref.update(data)` in `writer`, only if `precondition` holds when given. */
export function updateIn(
  writer: Writer,
  ref: DocumentReference,
  data: DocumentData,
  precondition?: Precondition,
): void {
  if (writer instanceof Transaction) {
    if (precondition) writer.update(ref, data, precondition);
    else writer.update(ref, data);
  } else if (precondition) writer.update(ref, data, precondition);
  else writer.update(ref, data);
}

/** `ref.set(data, { merge: true })` in `writer` (counters: the first increment creates them). */
export function mergeIn(writer: Writer, ref: DocumentReference, data: DocumentData): void {
  if (writer instanceof Transaction) writer.set(ref, data, { merge: true });
  else writer.set(ref, data, { merge: true });
}
