/**
 * Fair-share dispatch maths (pure). The image queue runs FIFO at the model's rate R, so a batch's
 * share of dispatches equals its share of the tasks waiting in the queue. Each open batch
 * therefore keeps a bounded *window* of tasks in the queue, and windows are sized here by
 * hierarchical weighted max-min fairness ("water-filling"): the total window is first divided
 * among partners by partner weight, then inside each partner among its batches by priority
 * weight. A claimant never gets more than it can use (its unfinished images), and what it cannot
 * use goes to the others, so a batch alone gets the whole window (work-conserving).
 *
 * By Little's law, with every batch keeping its window full, batch i receives
 * R * window_i / sum(windows) dispatches per second: `dispatchShares` gives those fractions, and
 * `fluidFinishSeconds` turns them into ETAs that account for the other open batches finishing
 * and handing their share on.
 */

export type Priority = "normal" | "high";

export interface ShareClaimant {
  batchId: string;
  partnerId: string;
  /** The partner's weight (a paid tier may weigh more); 1 by default. */
  partnerWeight?: number;
  priority: Priority;
  /** Images of the batch not yet finished (queued, in flight or waiting): what it can use. */
  demand: number;
}

export interface ShareOptions {
  /** How much `high` weighs against `normal` (PRIORITY_HIGH_WEIGHT, default 3). */
  highPriorityWeight: number;
}

/** Weighted max-min split of `capacity` among items capped by their demand (fractional). */
export function waterFill(
  capacity: number,
  items: ReadonlyArray<{ key: string; weight: number; cap: number }>,
): Map<string, number> {
  const out = new Map<string, number>(items.map((i) => [i.key, 0]));
  let left = Math.max(0, capacity);
  let open = items.filter((i) => i.cap > 0 && i.weight > 0);
  // Each round either satisfies at least one capped item or hands out everything left.
  while (left > 1e-9 && open.length > 0) {
    const weightSum = open.reduce((s, i) => s + i.weight, 0);
    const perWeight = left / weightSum;
    const saturated = open.filter((i) => i.cap - out.get(i.key)! <= perWeight * i.weight + 1e-9);
    if (saturated.length === 0) {
      for (const i of open) out.set(i.key, out.get(i.key)! + perWeight * i.weight);
      left = 0;
      break;
    }
    for (const i of saturated) {
      left -= i.cap - out.get(i.key)!;
      out.set(i.key, i.cap);
    }
    open = open.filter((i) => !saturated.includes(i));
  }
  return out;
}

const priorityWeight = (p: Priority, o: ShareOptions) => (p === "high" ? o.highPriorityWeight : 1);

/** Fractional allocation of `capacity`: partners by weight, then batches by priority weight. */
function allocate(
  claimants: readonly ShareClaimant[],
  capacity: number,
  o: ShareOptions,
  capped: boolean,
): Map<string, number> {
  const byPartner = new Map<string, ShareClaimant[]>();
  for (const c of claimants) {
    if (c.demand <= 0) continue;
    byPartner.set(c.partnerId, [...(byPartner.get(c.partnerId) ?? []), c]);
  }
  const partnerItems = [...byPartner].map(([partnerId, batches]) => ({
    key: partnerId,
    weight: Math.max(0, batches[0]!.partnerWeight ?? 1),
    cap: capped ? batches.reduce((s, b) => s + b.demand, 0) : Infinity,
  }));
  const partnerShare = waterFill(capacity, partnerItems);
  const out = new Map<string, number>(claimants.map((c) => [c.batchId, 0]));
  for (const [partnerId, batches] of byPartner) {
    const inner = waterFill(
      partnerShare.get(partnerId)!,
      batches.map((b) => ({
        key: b.batchId,
        weight: priorityWeight(b.priority, o),
        cap: capped ? b.demand : Infinity,
      })),
    );
    for (const [batchId, v] of inner) out.set(batchId, v);
  }
  return out;
}

/** A stable pseudo-random rank of a batch id for one `salt` (FNV-1a; ties only). */
function tieRank(id: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Integer windows summing to at most `totalWindow` (at least 1 for every claimant with demand,
 * so no batch is starved when there are more open batches than window slots). Equal remainders
 * are ranked by `salt` (the scheduler passes its tick's bucket): with a small window, 7.5 + 2.5
 * rounds to 8 + 2 at one tick and 7 + 3 at another instead of always the same way, so a 3:1
 * priority averages 3/4 of the dispatches over time rather than 0.7 or 0.8.
 */
export function allocateWindows(
  claimants: readonly ShareClaimant[],
  totalWindow: number,
  o: ShareOptions,
  salt = 0,
): Map<string, number> {
  const fractional = allocate(claimants, totalWindow, o, true);
  const floors = new Map<string, number>();
  let used = 0;
  for (const [id, v] of fractional) {
    const f = Math.floor(v + 1e-9);
    floors.set(id, f);
    used += f;
  }
  // Largest remainders get the slots rounding left over (ties ranked by the salt).
  const byRemainder = [...fractional]
    .map(([id, v]) => ({ id, rem: v - floors.get(id)! }))
    .filter((r) => r.rem > 1e-9)
    .sort(
      (a, b) =>
        (Math.abs(b.rem - a.rem) > 1e-9 ? b.rem - a.rem : 0) ||
        tieRank(a.id, salt) - tieRank(b.id, salt) ||
        a.id.localeCompare(b.id),
    );
  for (const r of byRemainder) {
    if (used >= totalWindow) break;
    floors.set(r.id, floors.get(r.id)! + 1);
    used++;
  }
  for (const c of claimants)
    if (c.demand > 0 && floors.get(c.batchId) === 0) floors.set(c.batchId, 1);
  return floors;
}

/**
 * A batch's window as it opens (fan-out, retry-failed), without writing the dispatch state: the
 * window the scheduler stored for it, else its share among the stored claimants and the batches
 * opened since the last tick (`newcomers`, with their totals as demand), computed with the
 * tick's salt. The others keep their stored windows until the next tick, so the queue holds at
 * most this batch's window more than the total for one interval.
 */
export function windowOnOpen(
  stored: { claimants: readonly ShareClaimant[]; windows: Record<string, number>; salt: number },
  newcomers: readonly ShareClaimant[],
  self: ShareClaimant,
  totalWindow: number,
  o: ShareOptions,
): number {
  const known = stored.windows[self.batchId];
  const held = stored.claimants.some((c) => c.batchId === self.batchId && c.demand > 0);
  if (known && held) return known;
  const all = new Map<string, ShareClaimant>();
  // A measured demand wins over a newcomer's total.
  for (const c of [...newcomers, ...stored.claimants]) if (c.demand > 0) all.set(c.batchId, c);
  all.set(self.batchId, self);
  return allocateWindows([...all.values()], totalWindow, o, stored.salt).get(self.batchId) ?? 1;
}

/**
 * A finished image tops its batch up only once this fraction of the window is free, so a claim
 * takes several images at once: a batch holding `s x W` tasks at `s x R` images/s claims at most
 * R / (TOP_UP_FRACTION x W) times per second, whatever its share.
 */
export const TOP_UP_FRACTION = 0.25;

/** The fewest free slots of a window for which a finished image claims (at least 1). */
export function minTopUp(window: number): number {
  return Math.max(1, Math.floor(window * TOP_UP_FRACTION));
}

/**
 * Whether the worker that finished image `imageIndex` tops its batch up. One finisher in
 * `minTopUp(window)` (by image index, so about one per that many finishes) counts the batch's
 * outstanding tasks and refills the window; the others spend no read on it. A batch's images
 * finish roughly in index order, so the window is refilled each time about a quarter of it has
 * drained; the scheduler's tick tops up whatever this leaves.
 */
export function finisherTopsUp(window: number, imageIndex: number): boolean {
  return imageIndex % minTopUp(window) === 0;
}

/** Each batch's long-run fraction of the queue's dispatches while all are open (0..1). */
export function dispatchShares(
  claimants: readonly ShareClaimant[],
  o: ShareOptions,
): Map<string, number> {
  return allocate(claimants, 1, o, false);
}

/**
 * Seconds until each batch finishes at queue rate `ratePerSecond`, in a fluid model: all open
 * batches run at their shares; when one finishes, its share is handed on to the rest.
 */
export function fluidFinishSeconds(
  claimants: readonly ShareClaimant[],
  ratePerSecond: number,
  o: ShareOptions,
): Map<string, number> {
  const finish = new Map<string, number>();
  const remaining = new Map(claimants.map((c) => [c.batchId, Math.max(0, c.demand)]));
  for (const c of claimants) if (c.demand <= 0) finish.set(c.batchId, 0);
  let now = 0;
  while (ratePerSecond > 0 && finish.size < claimants.length) {
    const open = claimants
      .filter((c) => !finish.has(c.batchId))
      .map((c) => ({ ...c, demand: remaining.get(c.batchId)! }));
    const shares = dispatchShares(open, o);
    // The next batch to finish at current rates ends this phase.
    let step = Infinity;
    for (const c of open) {
      const rate = shares.get(c.batchId)! * ratePerSecond;
      if (rate > 0) step = Math.min(step, c.demand / rate);
    }
    if (!Number.isFinite(step)) break;
    now += step;
    for (const c of open) {
      const left = c.demand - shares.get(c.batchId)! * ratePerSecond * step;
      remaining.set(c.batchId, left);
      if (left <= 1e-6) finish.set(c.batchId, now);
    }
  }
  for (const c of claimants) if (!finish.has(c.batchId)) finish.set(c.batchId, Infinity);
  return finish;
}

/**
 * The total window across all open batches: enough tasks to keep every concurrent slot busy
 * (twice the concurrency, or `minWindow` when set) and `windowSeconds` of the queue's rate, so
 * the queue never idles between top-ups; a new batch's first tasks wait behind at most this many.
 */
export function totalWindowSize(o: {
  ratePerSecond: number;
  maxConcurrent: number;
  windowSeconds: number;
  minWindow: number;
}): number {
  const floor = o.minWindow > 0 ? o.minWindow : 2 * o.maxConcurrent;
  return Math.max(1, floor, Math.ceil(o.ratePerSecond * o.windowSeconds));
}

export interface SchedulingView {
  /** The batch's fraction of the image queue's dispatches while the open batches stay open. */
  dispatchShare: number;
  /** Seconds until its last image is dispatched at the queue's rate, others' shares counted. */
  estimatedSecondsRemaining: number | null;
  /** Batches competing for the queue, this one included. */
  openBatches: number;
}

/**
 * What a partner sees of the scheduling: `self` (with its exact unfinished count) among the
 * other open batches (as the scheduler last measured them).
 */
export function schedulingView(
  others: readonly ShareClaimant[],
  self: ShareClaimant,
  ratePerSecond: number,
  o: ShareOptions,
): SchedulingView {
  const all = [...others.filter((c) => c.batchId !== self.batchId && c.demand > 0), self];
  if (self.demand <= 0)
    return { dispatchShare: 0, estimatedSecondsRemaining: 0, openBatches: all.length - 1 };
  const share = dispatchShares(all, o).get(self.batchId) ?? 0;
  const eta = fluidFinishSeconds(all, ratePerSecond, o).get(self.batchId) ?? Infinity;
  return {
    dispatchShare: Math.round(share * 1000) / 1000,
    estimatedSecondsRemaining: Number.isFinite(eta) ? Math.round(eta) : null,
    openBatches: all.length,
  };
}
