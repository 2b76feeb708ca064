import { describe, expect, it } from "@jest/globals";
import {
  totalWindowSize,
  schedulingView,
  allocateWindows,
  dispatchShares,
  fluidFinishSeconds,
  minTopUp,
  finisherTopsUp,
  waterFill,
  windowOnOpen,
  type ShareClaimant,
} from "../../../src/domain/fairShare.js";

const OPTS = { highPriorityWeight: 3 };
const batch = (
  batchId: string,
  partnerId: string,
  demand: number,
  extra: Partial<ShareClaimant> = {},
): ShareClaimant => ({ batchId, partnerId, demand, priority: "normal", ...extra });
const asObject = (m: Map<string, number>) => Object.fromEntries(m);

describe("waterFill", () => {
  it("splits by weight when nobody is capped", () => {
    const out = waterFill(12, [
      { key: "a", weight: 1, cap: 100 },
      { key: "b", weight: 2, cap: 100 },
    ]);
    expect(asObject(out)).toEqual({ a: 4, b: 8 });
  });

  it("hands what a capped item cannot use to the others", () => {
    const out = waterFill(20, [
      { key: "small", weight: 1, cap: 3 },
      { key: "big", weight: 1, cap: 1000 },
    ]);
    expect(asObject(out)).toEqual({ small: 3, big: 17 });
  });

  it("gives nothing to items without demand or weight", () => {
    const out = waterFill(10, [
      { key: "idle", weight: 1, cap: 0 },
      { key: "zero", weight: 0, cap: 50 },
      { key: "busy", weight: 1, cap: 50 },
    ]);
    expect(asObject(out)).toEqual({ idle: 0, zero: 0, busy: 10 });
  });
});

describe("allocateWindows", () => {
  it("gives a batch alone the whole window (work-conserving)", () => {
    expect(asObject(allocateWindows([batch("A", "pa", 10_000)], 40, OPTS))).toEqual({ A: 40 });
  });

  it("divides the window equally between partners, whatever their batch sizes", () => {
    const w = allocateWindows([batch("A", "pa", 10_000), batch("B", "pb", 300)], 40, OPTS);
    expect(asObject(w)).toEqual({ A: 20, B: 20 });
  });

  it("never gives a batch more than its unfinished images; the rest goes to the others", () => {
    const w = allocateWindows([batch("A", "pa", 10_000), batch("B", "pb", 5)], 40, OPTS);
    expect(asObject(w)).toEqual({ A: 35, B: 5 });
  });

  it("weighs high priority 3x normal inside one partner", () => {
    const w = allocateWindows(
      [batch("H", "pa", 1000, { priority: "high" }), batch("N", "pa", 1000)],
      40,
      OPTS,
    );
    expect(asObject(w)).toEqual({ H: 30, N: 10 });
  });

  it("shares between partners first, then by priority inside each partner", () => {
    const w = allocateWindows(
      [
        batch("AH", "pa", 1000, { priority: "high" }),
        batch("AN", "pa", 1000),
        batch("BN", "pb", 1000),
      ],
      40,
      OPTS,
    );
    expect(asObject(w)).toEqual({ AH: 15, AN: 5, BN: 20 });
  });

  it("honours a partner's own weight (a paid tier)", () => {
    const w = allocateWindows(
      [batch("A", "pa", 1000, { partnerWeight: 2 }), batch("B", "pb", 1000)],
      30,
      OPTS,
    );
    expect(asObject(w)).toEqual({ A: 20, B: 10 });
  });

  it("rounds to whole tasks without exceeding the total", () => {
    const claimants = ["a", "b", "c"].map((p) => batch(p, p, 1000));
    const w = allocateWindows(claimants, 10, OPTS);
    expect([...w.values()].reduce((s, v) => s + v, 0)).toBe(10);
    expect([...w.values()].sort()).toEqual([3, 3, 4]);
  });

  it("breaks rounding ties by the salt, so a 3:1 split of 10 averages 7.5 over ticks", () => {
    const claimants = [batch("H", "pa", 1000, { priority: "high" }), batch("N", "pa", 1000)];
    const highs = Array.from({ length: 200 }, (_, salt) =>
      allocateWindows(claimants, 10, OPTS, salt).get("H"),
    );
    expect(new Set(highs)).toEqual(new Set([7, 8]));
    const mean = highs.reduce((s: number, v) => s + v!, 0) / highs.length;
    expect(mean).toBeGreaterThan(7.3);
    expect(mean).toBeLessThan(7.7);
    // A given salt always rounds the same way (a tick and the fan-out that reads it agree).
    expect(allocateWindows(claimants, 10, OPTS, 42)).toEqual(
      allocateWindows(claimants, 10, OPTS, 42),
    );
  });

  it("keeps at least one task for every batch when batches outnumber the window", () => {
    const claimants = Array.from({ length: 6 }, (_, i) => batch(`b${i}`, `p${i}`, 100));
    const w = allocateWindows(claimants, 4, OPTS);
    expect([...w.values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("gives finished batches nothing", () => {
    const w = allocateWindows([batch("done", "pa", 0), batch("B", "pb", 100)], 8, OPTS);
    expect(asObject(w)).toEqual({ done: 0, B: 8 });
  });
});

describe("windowOnOpen", () => {
  const stored = (claimants: ShareClaimant[], windows: Record<string, number>) => ({
    claimants,
    windows,
    salt: 0,
  });

  it("is the stored window of a batch the state holds with demand", () => {
    const s = stored([batch("A", "pA", 500), batch("B", "pB", 40)], { A: 150, B: 50 });
    expect(windowOnOpen(s, [], batch("B", "pB", 40), 200, OPTS)).toBe(50);
  });

  it("is the whole window for the only batch (nothing stored)", () => {
    expect(windowOnOpen(stored([], {}), [], batch("A", "pA", 1000), 200, OPTS)).toBe(200);
  });

  it("is the batch's share among the stored claimants when it is new", () => {
    const s = stored([batch("A", "pA", 1000)], { A: 200 });
    expect(windowOnOpen(s, [], batch("B", "pB", 50), 200, OPTS)).toBe(50);
    expect(windowOnOpen(s, [], batch("B", "pB", 1000), 200, OPTS)).toBe(100);
  });

  it("counts batches opened since the last tick (newcomers) as competitors", () => {
    const s = stored([batch("A", "pA", 1000)], { A: 200 });
    const newcomers = [batch("C", "pC", 1000), batch("D", "pD", 1000)];
    expect(windowOnOpen(s, newcomers, batch("B", "pB", 1000), 200, OPTS)).toBe(50);
  });

  it("prefers a stored demand to a newcomer's total", () => {
    // C is stored with 10 unfinished images; as a newcomer it would claim its total of 1,000.
    const s = stored([batch("A", "pA", 1000), batch("C", "pC", 10)], { A: 190, C: 10 });
    const newcomers = [batch("C", "pC", 1000)];
    expect(windowOnOpen(s, newcomers, batch("B", "pB", 1000), 200, OPTS)).toBe(95);
  });

  it("recounts a batch stored without demand (measured before its images existed)", () => {
    const s = stored([batch("A", "pA", 1000), batch("B", "pB", 0)], { A: 199, B: 1 });
    expect(windowOnOpen(s, [], batch("B", "pB", 300), 200, OPTS)).toBe(100);
  });
});

describe("minTopUp", () => {
  it.each([
    [200, 50],
    [20, 5],
    [8, 2],
    [7, 1],
    [3, 1],
    [1, 1],
  ])("window %i -> a finished image claims once %i slots are free", (w, expected) => {
    expect(minTopUp(w)).toBe(expected);
  });
});

describe("finisherTopsUp", () => {
  it("picks one finisher in a quarter window, by image index", () => {
    const picked = Array.from({ length: 200 }, (_, i) => i).filter((i) => finisherTopsUp(200, i));
    expect(picked).toHaveLength(4);
    expect(picked).toEqual([0, 50, 100, 150]);
  });

  it("picks every finisher of a window of 7 or less (a quarter rounds to 1)", () => {
    expect([0, 1, 2, 3, 4, 5].every((i) => finisherTopsUp(7, i))).toBe(true);
  });
});

describe("dispatchShares", () => {
  it("is 3/4 for high against normal in one partner", () => {
    const s = dispatchShares(
      [batch("H", "pa", 10, { priority: "high" }), batch("N", "pa", 10_000)],
      OPTS,
    );
    expect(s.get("H")).toBeCloseTo(0.75, 10);
    expect(s.get("N")).toBeCloseTo(0.25, 10);
  });

  it("is 1/2 for a ten-image batch against another partner's ten thousand", () => {
    const s = dispatchShares([batch("A", "pa", 10_000), batch("B", "pb", 10)], OPTS);
    expect(s.get("B")).toBeCloseTo(0.5, 10);
  });
});

describe("fluidFinishSeconds", () => {
  it("finishes a small batch at its share of the rate, then hands the rate on", () => {
    // R = 20/s: B (50) runs at 10/s and ends at 5 s; A then gets 20/s for its last 950.
    const t = fluidFinishSeconds([batch("A", "pa", 1000), batch("B", "pb", 50)], 20, OPTS);
    expect(t.get("B")).toBeCloseTo(5, 6);
    expect(t.get("A")).toBeCloseTo(52.5, 6);
  });

  it("ends the last batch when all the work is done at the full rate", () => {
    const claimants = [batch("A", "pa", 300), batch("B", "pb", 100), batch("C", "pa", 40)];
    const t = fluidFinishSeconds(claimants, 10, OPTS);
    expect(Math.max(...t.values())).toBeCloseTo(44, 6);
  });

  it("is 0 for a finished batch and Infinity when the rate is 0", () => {
    expect(asObject(fluidFinishSeconds([batch("A", "pa", 0)], 5, OPTS))).toEqual({ A: 0 });
    expect(fluidFinishSeconds([batch("A", "pa", 5)], 0, OPTS).get("A")).toBe(Infinity);
  });
});

describe("totalWindowSize", () => {
  it("is twice the concurrency when the rate's seconds ask for less", () => {
    expect(
      totalWindowSize({ ratePerSecond: 1, maxConcurrent: 10, windowSeconds: 10, minWindow: 0 }),
    ).toBe(20);
  });
  it("is the rate times the window seconds when that is more", () => {
    expect(
      totalWindowSize({ ratePerSecond: 20, maxConcurrent: 4, windowSeconds: 10, minWindow: 0 }),
    ).toBe(200);
  });
  it("takes an explicit minimum instead of twice the concurrency", () => {
    expect(
      totalWindowSize({ ratePerSecond: 0.5, maxConcurrent: 4, windowSeconds: 3, minWindow: 5 }),
    ).toBe(5);
  });
});

describe("schedulingView", () => {
  const other = (batchId: string, demand: number, partnerId = "p2"): ShareClaimant => ({
    batchId,
    partnerId,
    priority: "normal",
    demand,
  });
  it("gives a batch alone the whole rate", () => {
    expect(schedulingView([], other("b", 60, "p1"), 1, OPTS)).toEqual({
      dispatchShare: 1,
      estimatedSecondsRemaining: 60,
      openBatches: 1,
    });
  });
  it("halves the share against another partner and counts its hand-over in the ETA", () => {
    // 10 images at half of 1/s: 20 s; the big batch then runs alone.
    expect(schedulingView([other("big", 1000)], other("b", 10, "p1"), 1, OPTS)).toEqual({
      dispatchShare: 0.5,
      estimatedSecondsRemaining: 20,
      openBatches: 2,
    });
  });
  it("replaces the scheduler's stale entry for the batch itself; a finished batch has no share", () => {
    expect(schedulingView([other("b", 500, "p1")], other("b", 0, "p1"), 1, OPTS)).toEqual({
      dispatchShare: 0,
      estimatedSecondsRemaining: 0,
      openBatches: 0,
    });
  });
});
