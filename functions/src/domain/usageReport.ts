/**
 * The usage report a partner bills from (GET /usage, `npm run partner -- usage`): per UTC day
 * and in total, images submitted, completed, failed and cached, and cost by model and lane. The
 * query's validation and the summing of the stored day records are here; the records themselves
 * (daily booking documents and per-day usage shards) are read by store/usageReportStore.ts.
 * Pure: no Firebase here.
 */
import { z } from "zod";
import type { FieldIssue } from "./domainError.js";

/** Longest range one report covers (a quarter): bounds the documents one request reads. */
export const MAX_USAGE_RANGE_DAYS = 92;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isRealDay = (s: string) => {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export const usageQuerySchema = z.strictObject({
  from: z.string().refine(isRealDay, "from must be a date YYYY-MM-DD (UTC)"),
  to: z.string().refine(isRealDay, "to must be a date YYYY-MM-DD (UTC)"),
});

export type UsageQuery = z.infer<typeof usageQuerySchema>;

export type UsageQueryValidation =
  { ok: true; value: UsageQuery; days: string[] } | { ok: false; issues: FieldIssue[] };

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

export function validateUsageQuery(query: unknown): UsageQueryValidation {
  const parsed = usageQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        field: i.path.join(".") || ("keys" in i && Array.isArray(i.keys) ? String(i.keys[0]) : ""),
        code:
          i.code === "unrecognized_keys"
            ? "unknown_field"
            : i.code === "invalid_type"
              ? "required"
              : "invalid_date",
        message: i.message,
      })),
    };
  }
  const { from, to } = parsed.data;
  if (from > to)
    return {
      ok: false,
      issues: [{ field: "to", code: "invalid_range", message: "to must not be before from" }],
    };
  const days = daysBetween(from, to);
  if (days.length > MAX_USAGE_RANGE_DAYS)
    return {
      ok: false,
      issues: [
        {
          field: "to",
          code: "range_too_long",
          message: `At most ${MAX_USAGE_RANGE_DAYS} days per request (asked for ${days.length})`,
        },
      ],
    };
  return { ok: true, value: parsed.data, days };
}

/** Cost and billed images of one model in one lane. */
export interface LaneCost {
  images: number;
  costUsd: number;
}

export type CostByModel = Record<string, Record<string, LaneCost>>;

export interface UsageCounts {
  submitted: number;
  completed: number;
  failed: number;
  cached: number;
  costUsd: number;
  byModel: CostByModel;
}

export interface UsageDay extends UsageCounts {
  date: string;
}

/** One stored shard of a day's terminal transitions (store/usageReportStore.ts). */
export interface UsageShard {
  day: string;
  completed?: number;
  failed?: number;
  cached?: number;
  byModel?: Record<string, Record<string, Partial<LaneCost>>>;
}

export const emptyCounts = (): UsageCounts => ({
  submitted: 0,
  completed: 0,
  failed: 0,
  cached: 0,
  costUsd: 0,
  byModel: {},
});

/** Money is summed in micro-dollars and rounded once, so a total equals the sum of its days. */
const micros = (usd: number) => Math.round(usd * 1e6);
const dollars = (m: number) => m / 1e6;

function addInto(into: UsageCounts, from: Omit<UsageShard, "day"> & { submitted?: number }) {
  into.submitted += from.submitted ?? 0;
  into.completed += from.completed ?? 0;
  into.failed += from.failed ?? 0;
  into.cached += from.cached ?? 0;
  for (const [model, lanes] of Object.entries(from.byModel ?? {})) {
    for (const [lane, cost] of Object.entries(lanes)) {
      const slot = ((into.byModel[model] ??= {})[lane] ??= { images: 0, costUsd: 0 });
      slot.images += cost.images ?? 0;
      slot.costUsd = dollars(micros(slot.costUsd) + micros(cost.costUsd ?? 0));
      into.costUsd = dollars(micros(into.costUsd) + micros(cost.costUsd ?? 0));
    }
  }
}

/**
 * The report: one row per day of `days` (days without activity show zeros) and the total.
 * `submitted` maps a day to the images booked on it (creates and retries).
 */
export function buildUsageReport(
  days: string[],
  submitted: ReadonlyMap<string, number>,
  shards: readonly UsageShard[],
): { days: UsageDay[]; total: UsageCounts } {
  const rows = new Map(days.map((d) => [d, { date: d, ...emptyCounts() }]));
  for (const [day, n] of submitted) {
    const row = rows.get(day);
    if (row) addInto(row, { submitted: n });
  }
  for (const shard of shards) {
    const row = rows.get(shard.day);
    if (row) addInto(row, shard);
  }
  const total = emptyCounts();
  for (const row of rows.values()) addInto(total, row);
  return { days: [...rows.values()], total };
}
