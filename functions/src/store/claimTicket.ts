/**
 * A claim ticket: the image document as the dispatcher's claim left it (dispatchStore.ts
 * claimUndispatched), carried in the image's task so that the worker's start commits on the
 * claim's update time instead of reading the image first (attemptBegin.ts). The precondition
 * keeps it exact: if anything wrote the image after the claim (a duplicate's start, a cancel, a
 * requeue before a retry), the commit is refused and the worker reads the image as it always
 * did. A ticket that cannot be decoded is ignored the same way. Timestamps travel as
 * `{ $ts: [seconds, nanoseconds] }` in the task's JSON.
 */
import { Timestamp, type DocumentData } from "firebase-admin/firestore";

type Carried = null | boolean | number | string | Carried[] | { [field: string]: Carried };

export interface ClaimTicket {
  /** The claim's write time (the image's update time after it), [seconds, nanoseconds]. */
  updateTime: [number, number];
  /** The image's fields after the claim. */
  image: { [field: string]: Carried };
}

/** The image as read at `updateTime`: what a read of the document would have returned. */
export interface ClaimedImageState {
  updateTime: Timestamp;
  data: DocumentData;
}

/** Thrown inside the codec for a value a ticket cannot carry (or a malformed one). */
class NotCarried extends Error {}

const TIMESTAMP_KEY = "$ts";

function carry(value: unknown): Carried {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new NotCarried();
    return value;
  }
  if (value instanceof Timestamp) return { [TIMESTAMP_KEY]: [value.seconds, value.nanoseconds] };
  if (Array.isArray(value)) return value.map(carry);
  // Only plain maps: references, geo points and bytes never appear on images; refuse them.
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [field: string]: Carried } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === TIMESTAMP_KEY) throw new NotCarried();
      out[k] = carry(v);
    }
    return out;
  }
  throw new NotCarried();
}

function isSecondsNanos(v: unknown): v is [number, number] {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    Number.isSafeInteger(v[0]) &&
    Number.isInteger(v[1]) &&
    (v[1] as number) >= 0 &&
    (v[1] as number) < 1e9
  );
}

function uncarry(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "object") throw new NotCarried();
  if (Array.isArray(value)) return value.map(uncarry);
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]![0] === TIMESTAMP_KEY) {
    const sn = entries[0]![1];
    if (!isSecondsNanos(sn)) throw new NotCarried();
    return new Timestamp(sn[0], sn[1]);
  }
  const out: DocumentData = {};
  for (const [k, v] of entries) {
    if (k === TIMESTAMP_KEY) throw new NotCarried();
    out[k] = uncarry(v);
  }
  return out;
}

/** The ticket of an image whose fields are `data` at `updateTime`; undefined if one cannot carry them. */
export function claimTicket(data: DocumentData, updateTime: Timestamp): ClaimTicket | undefined {
  try {
    return {
      updateTime: [updateTime.seconds, updateTime.nanoseconds],
      image: carry(data) as ClaimTicket["image"],
    };
  } catch (e) {
    if (e instanceof NotCarried) return undefined;
    throw e;
  }
}

/** The image state a task's ticket carries, or null (absent or malformed: read the image). */
export function readClaimTicket(ticket: unknown): ClaimedImageState | null {
  if (ticket === null || typeof ticket !== "object") return null;
  const { updateTime, image } = ticket as Partial<ClaimTicket>;
  if (!isSecondsNanos(updateTime)) return null;
  if (image === null || typeof image !== "object" || Array.isArray(image)) return null;
  try {
    const data = uncarry(image);
    // A whole image always has its status; a projection (a query's select) is not a ticket.
    if (data instanceof Timestamp || typeof (data as DocumentData).status !== "string") return null;
    return { updateTime: new Timestamp(updateTime[0], updateTime[1]), data: data as DocumentData };
  } catch {
    // NotCarried, or a Timestamp out of range: a bad ticket only costs the read it would save.
    return null;
  }
}
