import { describe, expect, it, test } from "@jest/globals";
import { type Counters, emptyCounters } from "../../../src/domain/imageStatus.js";
import { computeStatistics, progressPercent } from "../../../src/domain/progress.js";

const counters = (c: Partial<Counters>): Counters => ({ ...emptyCounters(), ...c });
const START = new Date("2025-03-01T12:00:00.000Z");
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);

describe("progressPercent", () => {
  test.each<[string, number, Partial<Counters>, number]>([
    ["nothing finished", 10, { queued: 8, processing: 2 }, 0],
    ["all completed", 10, { completed: 10 }, 100],
    ["failed and cancelled count as finished", 10, { completed: 2, failed: 2, cancelled: 1 }, 50],
    ["processing does not count", 4, { processing: 3, completed: 1 }, 25],
    ["one third, one decimal", 3, { completed: 1 }, 33.3],
    ["two thirds rounds half up", 3, { completed: 2 }, 66.7],
    ["one decimal on large batches", 10000, { completed: 1234 }, 12.3],
    ["rounds 0.05 steps", 2000, { completed: 1 }, 0.1],
  ])("%s", (_name, total, c, expected) => {
    expect(progressPercent(total, counters(c))).toBe(expected);
  });

  it("is 100 for an empty (or nonsensical) total, never NaN", () => {
    expect(progressPercent(0, emptyCounters())).toBe(100);
    expect(progressPercent(-5, emptyCounters())).toBe(100);
  });

  it("is monotonic as images finish", () => {
    let last = -1;
    for (let done = 0; done <= 777; done++) {
      const p = progressPercent(777, counters({ completed: done, queued: 777 - done }));
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(100);
      last = p;
    }
    expect(last).toBe(100);
  });

  // 9,999 of 10,000 is 99.99%, which rounding to one decimal would turn into 100; 100 means done.
  test("never reports 100 while an image is still unfinished", () => {
    expect(progressPercent(10000, counters({ completed: 9999, processing: 1 }))).toBe(99.9);
  });
});

describe("computeStatistics", () => {
  it("returns nulls before anything finishes", () => {
    const s = computeStatistics({
      total: 100,
      counters: counters({ queued: 90, processing: 10 }),
      processingMsSum: 0,
      startedAt: START,
      completedAt: null,
      now: at(3),
    });
    expect(s).toEqual({
      avgProcessingTimeMs: null,
      estimatedRemainingMinutes: null,
      successRate: null,
      throughputPerMinute: null,
    });
  });

  it("returns nulls for a batch that has not started", () => {
    const s = computeStatistics({
      total: 5,
      counters: counters({ queued: 5 }),
      processingMsSum: 0,
      startedAt: null,
      completedAt: null,
      now: at(1),
    });
    expect(s.estimatedRemainingMinutes).toBeNull();
    expect(s.throughputPerMinute).toBeNull();
    expect(s.avgProcessingTimeMs).toBeNull();
    expect(s.successRate).toBeNull();
  });

  it("ETA comes from observed throughput, not average time x remaining (parallel images)", () => {
    // 10 images run in parallel, each takes 60 s: after 5 minutes 50 of 100 are done.
    const s = computeStatistics({
      total: 100,
      counters: counters({ completed: 50, processing: 10, queued: 40 }),
      processingMsSum: 50 * 60_000,
      startedAt: START,
      completedAt: null,
      now: at(5),
    });
    expect(s.avgProcessingTimeMs).toBe(60_000);
    expect(s.throughputPerMinute).toBe(10);
    // 50 remaining at 10 per minute: 5 minutes.
    expect(s.estimatedRemainingMinutes).toBe(5);
    // The naive estimate (avg x remaining) would be 50 minutes, 10x the real one.
    const naiveMinutes = (s.avgProcessingTimeMs! * 50) / 60_000;
    expect(naiveMinutes).toBe(50);
    expect(s.estimatedRemainingMinutes).not.toBe(naiveMinutes);
  });

  it("ETA equals avg x remaining only when images run one at a time", () => {
    // Serial: 4 images of 30 s each done after 2 minutes; 6 left => 3 minutes either way.
    const s = computeStatistics({
      total: 10,
      counters: counters({ completed: 4, queued: 6 }),
      processingMsSum: 4 * 30_000,
      startedAt: START,
      completedAt: null,
      now: at(2),
    });
    expect(s.avgProcessingTimeMs).toBe(30_000);
    expect(s.throughputPerMinute).toBe(2);
    expect(s.estimatedRemainingMinutes).toBe(3);
  });

  it("counts failed and cancelled images in throughput (they free the queue too)", () => {
    const s = computeStatistics({
      total: 40,
      counters: counters({ completed: 5, failed: 3, cancelled: 2, queued: 30 }),
      processingMsSum: 5 * 1000,
      startedAt: START,
      completedAt: null,
      now: at(2),
    });
    expect(s.throughputPerMinute).toBe(5); // 10 finished in 2 minutes
    expect(s.estimatedRemainingMinutes).toBe(6); // 30 remaining at 5/min
  });

  it("rounds the ETA and throughput to one decimal", () => {
    const s = computeStatistics({
      total: 10,
      counters: counters({ completed: 3, queued: 7 }),
      processingMsSum: 3000,
      startedAt: START,
      completedAt: null,
      now: at(1),
    });
    expect(s.throughputPerMinute).toBe(3);
    expect(s.estimatedRemainingMinutes).toBe(2.3); // 7 / 3 = 2.333...
  });

  it("the ETA shrinks as time passes at a steady rate", () => {
    const eta = (minutes: number, done: number) =>
      computeStatistics({
        total: 60,
        counters: counters({ completed: done, queued: 60 - done }),
        processingMsSum: done * 1000,
        startedAt: START,
        completedAt: null,
        now: at(minutes),
      }).estimatedRemainingMinutes;
    expect(eta(1, 6)).toBe(9);
    expect(eta(2, 12)).toBe(8);
    expect(eta(5, 30)).toBe(5);
  });

  it("a completed batch has 0 minutes remaining and throughput measured up to completedAt", () => {
    const input = {
      total: 20,
      counters: counters({ completed: 18, failed: 2 }),
      processingMsSum: 18 * 12_000,
      startedAt: START,
      completedAt: at(4),
    };
    const s = computeStatistics({ ...input, now: at(4) });
    expect(s.estimatedRemainingMinutes).toBe(0);
    expect(s.throughputPerMinute).toBe(5);
    expect(s.avgProcessingTimeMs).toBe(12_000);
    expect(s.successRate).toBe(90);
    // Reading the status a day later gives the same numbers (now is ignored once finished).
    expect(computeStatistics({ ...input, now: at(24 * 60) })).toEqual(s);
  });

  it("a cancelled batch (all finished) has 0 minutes remaining", () => {
    const s = computeStatistics({
      total: 10,
      counters: counters({ completed: 2, cancelled: 8 }),
      processingMsSum: 2000,
      startedAt: START,
      completedAt: at(1),
      now: at(10),
    });
    expect(s.estimatedRemainingMinutes).toBe(0);
  });

  it("successRate is a percentage: completed / (completed + failed) x 100, ignoring cancelled, 2 decimals", () => {
    const s = computeStatistics({
      total: 10,
      counters: counters({ completed: 2, failed: 1, cancelled: 7 }),
      processingMsSum: 2000,
      startedAt: START,
      completedAt: at(1),
      now: at(1),
    });
    expect(s.successRate).toBe(66.67);
  });

  it("with only failures: successRate 0 and no average time", () => {
    const s = computeStatistics({
      total: 4,
      counters: counters({ failed: 2, queued: 2 }),
      processingMsSum: 0,
      startedAt: START,
      completedAt: null,
      now: at(1),
    });
    expect(s.successRate).toBe(0);
    expect(s.avgProcessingTimeMs).toBeNull();
    expect(s.estimatedRemainingMinutes).toBe(1);
  });

  it("only cancelled images: no success rate (nothing was judged)", () => {
    const s = computeStatistics({
      total: 3,
      counters: counters({ cancelled: 3 }),
      processingMsSum: 0,
      startedAt: START,
      completedAt: at(1),
      now: at(1),
    });
    expect(s.successRate).toBeNull();
  });

  it("rounds the average processing time to whole milliseconds", () => {
    const s = computeStatistics({
      total: 3,
      counters: counters({ completed: 3 }),
      processingMsSum: 1000,
      startedAt: START,
      completedAt: at(1),
      now: at(1),
    });
    expect(s.avgProcessingTimeMs).toBe(333);
  });

  it("stays finite when no time has elapsed (or the clock went backwards)", () => {
    for (const now of [START, new Date(START.getTime() - 5000)]) {
      const s = computeStatistics({
        total: 10,
        counters: counters({ completed: 1, queued: 9 }),
        processingMsSum: 10,
        startedAt: START,
        completedAt: null,
        now,
      });
      expect(Number.isFinite(s.throughputPerMinute)).toBe(true);
      expect(Number.isFinite(s.estimatedRemainingMinutes)).toBe(true);
      expect(s.estimatedRemainingMinutes).toBeGreaterThanOrEqual(0);
    }
  });
});
