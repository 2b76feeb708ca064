/** Per-image states, their transitions and the batch's counts by state. Pure: no Firebase here. */
export const IMAGE_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const FINISHED_IMAGE_STATUSES: readonly ImageStatus[] = ["completed", "failed", "cancelled"];

export type Counters = Record<ImageStatus, number>;

export function isFinished(status: ImageStatus): boolean {
  return FINISHED_IMAGE_STATUSES.includes(status);
}

/**
 * Allowed transitions. Everything else is a bug or a stale/duplicate delivery. A processing
 * image is cancelled only while it waits for an economy model job (the job is cancelled with
 * it); a standard-lane attempt finishes first. A new attempt on a processing image (a takeover
 * after the lease) is not a status change.
 */
const TRANSITIONS: Record<ImageStatus, readonly ImageStatus[]> = {
  queued: ["processing", "cancelled"],
  processing: ["queued", "completed", "failed", "cancelled"],
  completed: [],
  failed: ["queued"], // retry-failed
  cancelled: [],
};

export function canTransition(from: ImageStatus, to: ImageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function emptyCounters(): Counters {
  return { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
}

export function sumCounters(c: Counters): number {
  return c.queued + c.processing + c.completed + c.failed + c.cancelled;
}

export function finishedCount(c: Counters): number {
  return c.completed + c.failed + c.cancelled;
}

/** Reads counters from a stored batch, treating missing fields as 0 (older documents). */
export function countersOf(doc: Partial<Record<ImageStatus, unknown>>): Counters {
  const c = emptyCounters();
  for (const s of IMAGE_STATUSES) {
    const v = doc[s];
    c[s] = typeof v === "number" ? v : 0;
  }
  return c;
}
