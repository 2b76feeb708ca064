import {
  addDays,
  buildUsageReport,
  daysBetween,
  MAX_USAGE_RANGE_DAYS,
  validateUsageQuery,
} from "../../../src/domain/usageReport.js";

describe("validateUsageQuery", () => {
  it("accepts a range and lists its days, both ends included", () => {
    const v = validateUsageQuery({ from: "2026-02-27", to: "2026-03-02" });
    expect(v).toEqual({
      ok: true,
      value: { from: "2026-02-27", to: "2026-03-02" },
      days: ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"],
    });
  });

  it.each([
    [{ from: "2026-02-30", to: "2026-03-01" }, "from", "invalid_date"],
    [{ from: "2026-3-1", to: "2026-03-01" }, "from", "invalid_date"],
    [{ from: "2026-03-01" }, "to", "required"],
    [{ from: "2026-03-02", to: "2026-03-01" }, "to", "invalid_range"],
    [{ from: "2026-03-01", to: "2026-03-01", partner: "x" }, "partner", "unknown_field"],
  ])("refuses %j (%s: %s)", (query, field, code) => {
    const v = validateUsageQuery(query);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues).toContainEqual(expect.objectContaining({ field, code }));
  });

  it(`allows ${MAX_USAGE_RANGE_DAYS} days and refuses one more`, () => {
    const from = "2026-01-01";
    expect(validateUsageQuery({ from, to: addDays(from, MAX_USAGE_RANGE_DAYS - 1) }).ok).toBe(true);
    const v = validateUsageQuery({ from, to: addDays(from, MAX_USAGE_RANGE_DAYS) });
    expect(v).toEqual({
      ok: false,
      issues: [
        {
          field: "to",
          code: "range_too_long",
          message: `At most ${MAX_USAGE_RANGE_DAYS} days per request (asked for ${MAX_USAGE_RANGE_DAYS + 1})`,
        },
      ],
    });
  });
});

describe("daysBetween", () => {
  it("crosses month and leap-year ends", () => {
    expect(daysBetween("2028-02-28", "2028-03-01")).toEqual([
      "2028-02-28",
      "2028-02-29",
      "2028-03-01",
    ]);
    expect(daysBetween("2026-12-31", "2027-01-01")).toEqual(["2026-12-31", "2027-01-01"]);
  });
});

describe("buildUsageReport", () => {
  const M = "gemini-3.1-flash-image";
  it("sums shards per day and over the range, with zero rows for quiet days", () => {
    const report = buildUsageReport(
      ["2026-03-01", "2026-03-02", "2026-03-03"],
      new Map([
        ["2026-03-01", 5],
        ["2026-03-03", 2],
        ["2026-02-28", 99], // outside the range: ignored
      ]),
      [
        {
          day: "2026-03-01",
          completed: 2,
          cached: 1,
          byModel: { [M]: { standard: { images: 1, costUsd: 0.1 } } },
        },
        {
          day: "2026-03-01",
          completed: 1,
          failed: 2,
          byModel: { [M]: { standard: { images: 1, costUsd: 0.2 } } },
        },
        {
          day: "2026-03-03",
          completed: 2,
          byModel: { [M]: { economy: { images: 2, costUsd: 0.1 } } },
        },
      ],
    );
    expect(report.days).toEqual([
      {
        date: "2026-03-01",
        submitted: 5,
        completed: 3,
        failed: 2,
        cached: 1,
        costUsd: 0.3,
        byModel: { [M]: { standard: { images: 2, costUsd: 0.3 } } },
      },
      {
        date: "2026-03-02",
        submitted: 0,
        completed: 0,
        failed: 0,
        cached: 0,
        costUsd: 0,
        byModel: {},
      },
      {
        date: "2026-03-03",
        submitted: 2,
        completed: 2,
        failed: 0,
        cached: 0,
        costUsd: 0.1,
        byModel: { [M]: { economy: { images: 2, costUsd: 0.1 } } },
      },
    ]);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; sums are exact to the micro-dollar.
    expect(report.total).toEqual({
      submitted: 7,
      completed: 5,
      failed: 2,
      cached: 1,
      costUsd: 0.4,
      byModel: {
        [M]: { standard: { images: 2, costUsd: 0.3 }, economy: { images: 2, costUsd: 0.1 } },
      },
    });
  });
});
