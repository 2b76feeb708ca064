import { describe, expect, it, test } from "@jest/globals";
import {
  canTransition,
  countersOf,
  emptyCounters,
  FINISHED_IMAGE_STATUSES,
  finishedCount,
  IMAGE_STATUSES,
  type ImageStatus,
  isFinished,
  sumCounters,
} from "../../../src/domain/imageStatus.js";

/** The full transition table, written out independently of the implementation. */
const ALLOWED: ReadonlyArray<[ImageStatus, ImageStatus]> = [
  ["queued", "processing"],
  ["queued", "cancelled"],
  ["processing", "queued"], // lease expired / retry
  ["processing", "completed"],
  ["processing", "failed"],
  ["processing", "cancelled"], // an economy image waiting for its model job
  ["failed", "queued"], // retry-failed
];

const allPairs: Array<[ImageStatus, ImageStatus]> = IMAGE_STATUSES.flatMap((from) =>
  IMAGE_STATUSES.map((to): [ImageStatus, ImageStatus] => [from, to]),
);

const isAllowed = (from: ImageStatus, to: ImageStatus) =>
  ALLOWED.some(([f, t]) => f === from && t === to);

describe("IMAGE_STATUSES / isFinished", () => {
  it("lists exactly the five statuses", () => {
    expect([...IMAGE_STATUSES].sort()).toEqual(
      ["cancelled", "completed", "failed", "processing", "queued"].sort(),
    );
  });

  it("treats completed, failed and cancelled as finished and nothing else", () => {
    expect([...FINISHED_IMAGE_STATUSES].sort()).toEqual(["cancelled", "completed", "failed"]);
    expect(isFinished("queued")).toBe(false);
    expect(isFinished("processing")).toBe(false);
    expect(isFinished("completed")).toBe(true);
    expect(isFinished("failed")).toBe(true);
    expect(isFinished("cancelled")).toBe(true);
  });
});

describe("canTransition: the full 5x5 table", () => {
  test.each(allPairs)("%s -> %s", (from, to) => {
    expect(canTransition(from, to)).toBe(isAllowed(from, to));
  });

  it("never allows a self-transition (a duplicate delivery is not a move)", () => {
    for (const s of IMAGE_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it("completed and cancelled are terminal", () => {
    for (const to of IMAGE_STATUSES) {
      expect(canTransition("completed", to)).toBe(false);
      expect(canTransition("cancelled", to)).toBe(false);
    }
  });

  it("a processing image can be cancelled (economy images waiting for their model job)", () => {
    expect(canTransition("processing", "cancelled")).toBe(true);
  });

  it("a failed image can only go back to queued", () => {
    expect(IMAGE_STATUSES.filter((to) => canTransition("failed", to))).toEqual(["queued"]);
  });

  it("allows exactly seven transitions", () => {
    expect(allPairs.filter(([f, t]) => canTransition(f, t))).toHaveLength(ALLOWED.length);
  });
});

describe("emptyCounters / sumCounters / finishedCount", () => {
  it("emptyCounters is all zeros and a fresh object each time", () => {
    const a = emptyCounters();
    expect(a).toEqual({ queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });
    a.queued = 5;
    expect(emptyCounters().queued).toBe(0);
  });

  it("sums every status", () => {
    const c = { queued: 1, processing: 20, completed: 300, failed: 4000, cancelled: 50000 };
    expect(sumCounters(c)).toBe(54321);
    expect(sumCounters(emptyCounters())).toBe(0);
  });

  it("finishedCount counts completed + failed + cancelled only", () => {
    const c = { queued: 1, processing: 20, completed: 300, failed: 4000, cancelled: 50000 };
    expect(finishedCount(c)).toBe(54300);
    expect(finishedCount({ ...emptyCounters(), queued: 7, processing: 3 })).toBe(0);
  });
});

describe("countersOf", () => {
  it("reads all five fields from a stored document", () => {
    expect(countersOf({ queued: 1, processing: 2, completed: 3, failed: 4, cancelled: 5 })).toEqual(
      { queued: 1, processing: 2, completed: 3, failed: 4, cancelled: 5 },
    );
  });

  it("treats missing fields as 0 (older documents)", () => {
    expect(countersOf({})).toEqual(emptyCounters());
    expect(countersOf({ completed: 9 })).toEqual({ ...emptyCounters(), completed: 9 });
  });

  it("treats non-number fields as 0", () => {
    const doc: Partial<Record<ImageStatus, unknown>> = {
      queued: "5",
      processing: null,
      completed: { value: 1 },
      failed: [2],
      cancelled: true,
    };
    expect(countersOf(doc)).toEqual(emptyCounters());
  });

  it("ignores unrelated fields and does not copy them", () => {
    const doc = { queued: 2, total: 10, status: "processing" } as Partial<
      Record<ImageStatus, unknown>
    >;
    const c = countersOf(doc);
    expect(c).toEqual({ ...emptyCounters(), queued: 2 });
    expect(Object.keys(c).sort()).toEqual([...IMAGE_STATUSES].sort());
  });

  it("returns a new object (mutating it does not touch the document)", () => {
    const doc = { queued: 1 };
    const c = countersOf(doc);
    c.queued = 99;
    expect(doc.queued).toBe(1);
  });
});
