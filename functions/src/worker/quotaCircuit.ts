/**
 * A shared circuit for the model's quota: when one worker gets RESOURCE_EXHAUSTED it opens the
 * circuit (a Firestore document) until the server's retry delay has passed, and every worker
 * defers its image instead of calling the model. Workers read the document at most once per
 * CACHE_MS, so a closed circuit costs almost no reads per image.
 */
import { Timestamp } from "firebase-admin/firestore";
import { COLLECTIONS, getDb } from "../store/db.js";

const CACHE_MS = 2000;
const DOC = "modelQuotaCircuit";
let cached: { at: number; openUntil: number } | null = null;

const ref = () => getDb().collection(COLLECTIONS.system).doc(DOC);

/** Milliseconds until the circuit closes (0 = closed). */
export async function circuitOpenForMs(now = Date.now()): Promise<number> {
  if (!cached || now - cached.at > CACHE_MS) {
    const snap = await ref().get();
    const until = snap.data()?.openUntil;
    cached = { at: now, openUntil: until instanceof Timestamp ? until.toMillis() : 0 };
  }
  return Math.max(0, cached.openUntil - now);
}

/** Opens (or extends) the circuit. Never shortens an opening set by another worker. */
export async function openCircuit(
  forMs: number,
  reason: string,
  now = Date.now(),
): Promise<number> {
  const until = now + forMs;
  const final = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref());
    const current = snap.data()?.openUntil;
    const currentMs = current instanceof Timestamp ? current.toMillis() : 0;
    if (currentMs >= until) return currentMs;
    tx.set(
      ref(),
      { openUntil: Timestamp.fromMillis(until), reason, openedAt: Timestamp.fromMillis(now) },
      { merge: true },
    );
    return until;
  });
  cached = { at: now, openUntil: final };
  return final;
}

export function resetCircuitCache(): void {
  cached = null;
}
