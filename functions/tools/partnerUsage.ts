/**
 * `npm run partner -- usage [--partner ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`: the
 * operator's usage report across partners (the same numbers as each partner's GET /usage).
 * Default range: the current UTC month to today. A table per partner with a row per active day
 * and a total, or one JSON document with every partner's report.
 */
import {
  buildUsageReport,
  validateUsageQuery,
  type UsageCounts,
} from "../src/domain/usageReport.js";
import { COLLECTIONS, getDb } from "../src/store/db.js";
import { readShards, readSubmitted } from "../src/store/usageReportStore.js";

export interface UsageArgs {
  partner?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const usd = (n: number) => `$${n.toFixed(4)}`;

function row(label: string, c: UsageCounts): string {
  const models = Object.entries(c.byModel)
    .flatMap(([m, lanes]) =>
      Object.entries(lanes).map(([l, v]) => `${m}/${l} ${v.images} ${usd(v.costUsd)}`),
    )
    .join("; ");
  return [label.padEnd(12), c.submitted, c.completed, c.failed, c.cached, usd(c.costUsd), models]
    .map(String)
    .join("\t");
}

export async function partnerUsage(args: UsageArgs): Promise<string> {
  const today = new Date().toISOString().slice(0, 10);
  const from = args.from ?? `${today.slice(0, 8)}01`;
  const to = args.to ?? today;
  const v = validateUsageQuery({ from, to });
  if (!v.ok) throw new Error(v.issues.map((i) => `--${i.field}: ${i.message}`).join("; "));
  const ids = args.partner
    ? [args.partner]
    : (await getDb().collection(COLLECTIONS.partners).select().get()).docs.map((d) => d.id);
  const reports = [];
  for (const partnerId of ids) {
    const [submitted, shards] = await Promise.all([
      readSubmitted(partnerId, from, to),
      readShards(partnerId, from, to),
    ]);
    reports.push({ partnerId, ...buildUsageReport(v.days, submitted, shards) });
  }
  if (args.json) return JSON.stringify({ from, to, partners: reports }, null, 2);
  const lines = [`usage ${from} .. ${to} (UTC days)`];
  for (const r of reports) {
    if (r.total.submitted + r.total.completed + r.total.failed === 0 && !args.partner) continue;
    lines.push(
      "",
      `partner ${r.partnerId}`,
      "day\t\tsubmitted\tcompleted\tfailed\tcached\tcost\tby model/lane",
    );
    for (const d of r.days)
      if (d.submitted + d.completed + d.failed > 0) lines.push(row(d.date, d));
    lines.push(row("total", r.total));
  }
  return lines.join("\n");
}
