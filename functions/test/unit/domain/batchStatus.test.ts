import { describe, expect, it, test } from "@jest/globals";
import {
  BATCH_STATUSES,
  type BatchState,
  type BatchStatus,
  deriveBatchStatus,
  isBatchFinished,
  isFinishedBatchStatus,
  nextBatchStatus,
} from "../../../src/domain/batchStatus.js";
import { type Counters, emptyCounters } from "../../../src/domain/imageStatus.js";

const T0 = new Date("2025-01-01T10:00:00.000Z");
const T1 = new Date("2025-01-01T10:05:00.000Z");
const T2 = new Date("2025-01-01T10:09:00.000Z");
const T3 = new Date("2025-01-01T11:00:00.000Z");

const counters = (c: Partial<Counters>): Counters => ({ ...emptyCounters(), ...c });

function state(over: Partial<BatchState> & { counters: Counters }): BatchState {
  return {
    status: "queued",
    total: 10,
    cancelRequested: false,
    startedAt: null,
    completedAt: null,
    ...over,
  };
}

/** Applies a change the way the trigger writes it. */
function apply(s: BatchState, change: NonNullable<ReturnType<typeof nextBatchStatus>>): BatchState {
  return {
    ...s,
    status: change.status,
    startedAt: change.startedAt !== undefined ? change.startedAt : s.startedAt,
    completedAt: change.completedAt !== undefined ? change.completedAt : s.completedAt,
  };
}

describe("isBatchFinished / isFinishedBatchStatus", () => {
  it("is finished only when every image is completed, failed or cancelled", () => {
    expect(isBatchFinished(3, counters({ completed: 1, failed: 1, cancelled: 1 }))).toBe(true);
    expect(isBatchFinished(3, counters({ completed: 2, processing: 1 }))).toBe(false);
    expect(isBatchFinished(3, counters({ completed: 2, queued: 1 }))).toBe(false);
  });

  test.each<[BatchStatus, boolean]>([
    ["queued", false],
    ["processing", false],
    ["completed", true],
    ["failed", true],
    ["cancelled", true],
  ])("isFinishedBatchStatus(%s) = %s", (s, expected) => {
    expect(isFinishedBatchStatus(s)).toBe(expected);
  });

  it("BATCH_STATUSES has the five statuses", () => {
    expect([...BATCH_STATUSES].sort()).toEqual(
      ["cancelled", "completed", "failed", "processing", "queued"].sort(),
    );
  });
});

describe("deriveBatchStatus", () => {
  const base = { total: 4, cancelRequested: false, startedAt: null };

  it("is queued when nothing has started", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ queued: 4 }) })).toBe("queued");
  });

  it("is processing as soon as one image is processing", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ queued: 3, processing: 1 }) })).toBe(
      "processing",
    );
  });

  it("is processing when some images finished and others are still queued", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ queued: 3, failed: 1 }) })).toBe(
      "processing",
    );
  });

  it("stays processing once started even when everything is back in the queue", () => {
    expect(deriveBatchStatus({ ...base, startedAt: T0, counters: counters({ queued: 4 }) })).toBe(
      "processing",
    );
  });

  it("is completed when all images completed", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ completed: 4 }) })).toBe("completed");
  });

  it("is completed when at least one image completed and the rest failed", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ completed: 1, failed: 3 }) })).toBe(
      "completed",
    );
  });

  it("is failed when every image failed", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ failed: 4 }) })).toBe("failed");
  });

  it("is failed when nothing completed: some failed, the rest cancelled (no cancel request)", () => {
    expect(deriveBatchStatus({ ...base, counters: counters({ failed: 1, cancelled: 3 }) })).toBe(
      "failed",
    );
  });

  it("is cancelled when a cancel was requested and every image is finished", () => {
    expect(
      deriveBatchStatus({
        ...base,
        cancelRequested: true,
        counters: counters({ completed: 2, failed: 1, cancelled: 1 }),
      }),
    ).toBe("cancelled");
    expect(
      deriveBatchStatus({ ...base, cancelRequested: true, counters: counters({ cancelled: 4 }) }),
    ).toBe("cancelled");
  });

  it("is still processing after a cancel request while images are in flight", () => {
    expect(
      deriveBatchStatus({
        ...base,
        startedAt: T0,
        cancelRequested: true,
        counters: counters({ processing: 1, cancelled: 3 }),
      }),
    ).toBe("processing");
  });
});

describe("nextBatchStatus", () => {
  it("returns null for a fresh queued batch (nothing to write)", () => {
    expect(nextBatchStatus(state({ counters: counters({ queued: 10 }) }), T0)).toBeNull();
  });

  it("stamps startedAt when the first image starts processing", () => {
    const s = state({ counters: counters({ queued: 9, processing: 1 }) });
    expect(nextBatchStatus(s, T0)).toEqual({ status: "processing", startedAt: T0 });
  });

  it("is idempotent: a repeated trigger with the same state writes nothing", () => {
    const s0 = state({ counters: counters({ queued: 9, processing: 1 }) });
    const change = nextBatchStatus(s0, T0);
    expect(change).not.toBeNull();
    const s1 = apply(s0, change!);
    expect(nextBatchStatus(s1, T1)).toBeNull();
    expect(nextBatchStatus(s1, T2)).toBeNull();
  });

  it("stamps startedAt only once: further progress does not move it", () => {
    const s = state({
      status: "processing",
      startedAt: T0,
      counters: counters({ queued: 5, processing: 2, completed: 3 }),
    });
    expect(nextBatchStatus(s, T1)).toBeNull();
    const finishing = { ...s, counters: counters({ completed: 10 }) };
    const change = nextBatchStatus(finishing, T2);
    expect(change).toEqual({ status: "completed", completedAt: T2 });
    expect(change).not.toHaveProperty("startedAt");
  });

  it("stamps startedAt even when the status is already processing but startedAt is missing", () => {
    const s = state({ status: "processing", counters: counters({ queued: 9, processing: 1 }) });
    expect(nextBatchStatus(s, T1)).toEqual({ status: "processing", startedAt: T1 });
  });

  it("stamps completedAt when the batch finishes", () => {
    const s = state({
      status: "processing",
      startedAt: T0,
      counters: counters({ completed: 8, failed: 2 }),
    });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "completed", completedAt: T2 });
  });

  it("stamps both startedAt and completedAt when a batch goes straight to finished", () => {
    const s = state({ total: 1, counters: counters({ completed: 1 }) });
    expect(nextBatchStatus(s, T1)).toEqual({ status: "completed", startedAt: T1, completedAt: T1 });
  });

  it("a finished batch re-delivered is a no-op and keeps the original completedAt", () => {
    const s = state({
      status: "completed",
      startedAt: T0,
      completedAt: T2,
      counters: counters({ completed: 10 }),
    });
    expect(nextBatchStatus(s, T3)).toBeNull();
  });

  it("all images failed => failed, with completedAt", () => {
    const s = state({ status: "processing", startedAt: T0, counters: counters({ failed: 10 }) });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "failed", completedAt: T2 });
  });

  it("a cancel that finishes the batch => cancelled, with completedAt", () => {
    const s = state({
      status: "processing",
      startedAt: T0,
      cancelRequested: true,
      counters: counters({ completed: 4, cancelled: 6 }),
    });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "cancelled", completedAt: T2 });
  });

  it("a cancel request alone (images still in flight) does not change anything", () => {
    const s = state({
      status: "processing",
      startedAt: T0,
      cancelRequested: true,
      counters: counters({ processing: 2, completed: 4, cancelled: 4 }),
    });
    expect(nextBatchStatus(s, T1)).toBeNull();
  });

  it("a reopened batch (retry-failed) goes back to processing and clears completedAt", () => {
    const s = state({
      status: "failed",
      startedAt: T0,
      completedAt: T1,
      counters: counters({ queued: 10 }),
    });
    const change = nextBatchStatus(s, T2);
    expect(change).toEqual({ status: "processing", completedAt: null });
    expect(change).not.toHaveProperty("startedAt"); // started once, never re-stamped
  });

  it("clears a stale completedAt even when the status already says processing", () => {
    const s = state({
      status: "processing",
      startedAt: T0,
      completedAt: T1,
      counters: counters({ queued: 2, completed: 8 }),
    });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "processing", completedAt: null });
  });

  it("fixes a finished status whose completedAt is missing", () => {
    const s = state({ status: "completed", startedAt: T0, counters: counters({ completed: 10 }) });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "completed", completedAt: T2 });
  });

  it("moves a finished batch to the status its counters call for", () => {
    // Stale document says completed, but every image failed.
    const s = state({
      status: "completed",
      startedAt: T0,
      completedAt: T1,
      counters: counters({ failed: 10 }),
    });
    expect(nextBatchStatus(s, T2)).toEqual({ status: "failed" });
  });

  it("full lifecycle: queued -> processing -> failed -> reopened -> completed", () => {
    let s = state({ total: 2, counters: counters({ queued: 2 }) });
    expect(nextBatchStatus(s, T0)).toBeNull();

    s = { ...s, counters: counters({ queued: 1, processing: 1 }) };
    let c = nextBatchStatus(s, T0)!;
    expect(c).toEqual({ status: "processing", startedAt: T0 });
    s = apply(s, c);

    s = { ...s, counters: counters({ failed: 2 }) };
    c = nextBatchStatus(s, T1)!;
    expect(c).toEqual({ status: "failed", completedAt: T1 });
    s = apply(s, c);
    expect(nextBatchStatus(s, T1)).toBeNull();

    s = { ...s, counters: counters({ queued: 2 }) }; // retry-failed
    c = nextBatchStatus(s, T2)!;
    expect(c).toEqual({ status: "processing", completedAt: null });
    s = apply(s, c);
    expect(s.startedAt).toBe(T0);
    expect(s.completedAt).toBeNull();

    s = { ...s, counters: counters({ completed: 2 }) };
    c = nextBatchStatus(s, T3)!;
    expect(c).toEqual({ status: "completed", completedAt: T3 });
    s = apply(s, c);
    expect(s).toMatchObject({ status: "completed", startedAt: T0, completedAt: T3 });
    expect(nextBatchStatus(s, new Date(T3.getTime() + 60_000))).toBeNull();
  });

  it("cancelling a batch before anything started finishes it as cancelled", () => {
    // Current behaviour: startedAt is stamped together with completedAt.
    const s = state({ total: 3, cancelRequested: true, counters: counters({ cancelled: 3 }) });
    expect(nextBatchStatus(s, T1)).toEqual({ status: "cancelled", startedAt: T1, completedAt: T1 });
  });
});
