/**
 * Shared circuits in front of the model. When one worker learns the model cannot serve right
 * now, it opens a circuit (a Firestore document) and every worker defers its image instead of
 * calling the model, without spending the image's attempts:
 *  - quota:    429 RESOURCE_EXHAUSTED on a per-minute quota; open for the server's retry delay.
 *  - outage:   503 UNAVAILABLE / 500 INTERNAL / timeouts / dropped connections; open for
 *              OUTAGE_CIRCUIT_SECONDS, then one worker's call probes the model again.
 *  - operator: errors only a person can fix (403 key/billing/API disabled, 404 model, 429 with
 *              `limit: 0` or a daily quota); open for OPERATOR_RECHECK_MS at a time, re-probed
 *              after each, and logged as an alert at most once per ALERT_INTERVAL_MS.
 * Workers read the three documents at most once per CACHE_MS, so closed circuits cost almost no
 * reads per image. How long one image may wait is the worker's rule (stageImage.ts).
 */
import { Timestamp } from "firebase-admin/firestore";
import { COLLECTIONS, getDb } from "../store/db.js";

export const CIRCUITS = ["quota", "outage", "operator"] as const;
export type CircuitName = (typeof CIRCUITS)[number];

const DOCS: Record<CircuitName, string> = {
  quota: "modelQuotaCircuit",
  outage: "modelOutageCircuit",
  operator: "modelOperatorCircuit",
};

/** Default time an operator circuit stays open per probe (OPERATOR_RECHECK_SECONDS). */
export const OPERATOR_RECHECK_MS = 5 * 60 * 1000;
/** The operator alert is logged at most this often (across all workers). */
export const ALERT_INTERVAL_MS = 5 * 60 * 1000;

const CACHE_MS = 2000;

export interface OpenCircuit {
  name: CircuitName;
  /** Milliseconds until it closes. */
  waitMs: number;
  /** The error code that opened it (the image fails with it if it waits too long). */
  code: string;
}

let cached: { at: number; open: Array<{ name: CircuitName; until: number; code: string }> } | null =
  null;

const ref = (name: CircuitName) => getDb().collection(COLLECTIONS.system).doc(DOCS[name]);

const millis = (v: unknown): number => (v instanceof Timestamp ? v.toMillis() : 0);

/** The open circuit that closes last, or null when all are closed. */
export async function openCircuitNow(now = Date.now()): Promise<OpenCircuit | null> {
  if (!cached || now - cached.at > CACHE_MS) {
    const snaps = await getDb().getAll(...CIRCUITS.map(ref));
    cached = {
      at: now,
      open: snaps.map((snap, i) => ({
        name: CIRCUITS[i],
        until: millis(snap.get("openUntil")),
        code: String(snap.get("reason") ?? ""),
      })),
    };
  }
  let best: OpenCircuit | null = null;
  for (const c of cached.open) {
    const waitMs = c.until - now;
    if (waitMs > 0 && (!best || waitMs > best.waitMs))
      best = { name: c.name, waitMs, code: c.code };
  }
  return best;
}

/** Milliseconds until the quota circuit closes (0 = closed). Kept for callers of the old API. */
export async function circuitOpenForMs(now = Date.now()): Promise<number> {
  const open = await openCircuitNow(now);
  return open?.name === "quota" ? open.waitMs : 0;
}

/**
 * Opens (or extends) a circuit; never shortens an opening set by another worker. `alert` is
 * true for the one caller per ALERT_INTERVAL_MS that should log the operator alert.
 */
export async function openCircuit(
  forMs: number,
  reason: string,
  now = Date.now(),
  name: CircuitName = "quota",
): Promise<{ until: number; alert: boolean; since: number }> {
  const until = now + forMs;
  const result = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref(name));
    const currentMs = millis(snap.get("openUntil"));
    const lastAlert = millis(snap.get("lastAlertAt"));
    // "since": when this episode began (kept while the circuit keeps being re-opened).
    const openedAt = millis(snap.get("openedAt"));
    const since = currentMs + forMs >= now && openedAt > 0 ? openedAt : now;
    const alert = name === "operator" && now - lastAlert >= ALERT_INTERVAL_MS;
    const update: Record<string, unknown> = {};
    if (currentMs < until) {
      Object.assign(update, { openUntil: Timestamp.fromMillis(until), reason });
    }
    if (since === now) update.openedAt = Timestamp.fromMillis(now);
    if (alert) update.lastAlertAt = Timestamp.fromMillis(now);
    if (Object.keys(update).length) tx.set(ref(name), update, { merge: true });
    return { until: Math.max(currentMs, until), alert, since };
  });
  cached = null;
  return result;
}

export function resetCircuitCache(): void {
  cached = null;
}
