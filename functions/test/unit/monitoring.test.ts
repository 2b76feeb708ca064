/**
 * Consistency checks for monitoring/ (log-based metrics, dashboard, alert policies) and a run of
 * scripts/ops-monitoring.mjs against a fake gcloud, so a typo in a metric name or a filter is
 * caught here rather than as an empty chart or a silent alert in production.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOG_EVENT_NAMES, METRIC_FIELDS } from "../../src/util/logEvents.js";

const MONITORING = fileURLToPath(new URL("../../../monitoring/", import.meta.url));
const SCRIPT = fileURLToPath(new URL("../../../scripts/ops-monitoring.mjs", import.meta.url));

/** The `event` values the functions log, and the fields metrics may extract: one list, in src. */
const EVENTS = new Set<string>(LOG_EVENT_NAMES);
const LOG_FIELDS = new Set<string>(METRIC_FIELDS);

const REQUIRED_METRICS: Record<string, "INT64" | "DISTRIBUTION"> = {
  staging_images_completed: "INT64",
  staging_images_failed: "INT64",
  staging_model_latency: "DISTRIBUTION",
  staging_image_duration: "DISTRIBUTION",
  staging_quota_deferrals: "INT64",
  staging_cost_usd: "DISTRIBUTION",
  staging_webhook_failures: "INT64",
  staging_image_retries: "INT64",
  staging_enqueue_failures: "INT64",
};

interface LogMetric {
  name: string;
  description?: string;
  filter: string;
  metricDescriptor: {
    metricKind: string;
    valueType: string;
    unit?: string;
    labels?: { key: string; valueType?: string }[];
  };
  labelExtractors?: Record<string, string>;
  valueExtractor?: string;
  bucketOptions?: Record<string, unknown>;
}

interface Aggregation {
  alignmentPeriod?: string;
  perSeriesAligner?: string;
  crossSeriesReducer?: string;
}

interface DataSet {
  timeSeriesQuery: {
    timeSeriesFilter?: { filter: string; aggregation?: Aggregation };
    prometheusQuery?: string;
  };
}

interface Widget {
  title?: string;
  xyChart?: { dataSets: DataSet[] };
  text?: { content: string };
}

interface Dashboard {
  displayName: string;
  mosaicLayout?: {
    columns: number;
    tiles: { xPos?: number; yPos?: number; width: number; height: number; widget: Widget }[];
  };
  gridLayout?: { widgets: Widget[] };
}

interface AlertCondition {
  displayName: string;
  conditionThreshold?: {
    filter: string;
    comparison: string;
    duration: string;
    thresholdValue?: number;
    aggregations?: Aggregation[];
  };
  conditionAbsent?: { filter: string; duration: string };
  conditionPrometheusQueryLanguage?: { query: string; duration: string };
}

interface AlertPolicy {
  displayName: string;
  documentation?: { content?: string; mimeType?: string };
  conditions: AlertCondition[];
  combiner: string;
  notificationChannels?: string[];
}

interface JsonFile<T> {
  file: string;
  path: string;
  json: T;
}

function readJsonDir<T>(sub: string): JsonFile<T>[] {
  const dir = join(MONITORING, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      return { file, path, json: JSON.parse(readFileSync(path, "utf8")) as T };
    });
}

function allJsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? allJsonFiles(join(dir, e.name))
      : e.name.endsWith(".json")
        ? [join(dir, e.name)]
        : [],
  );
}

const metrics = readJsonDir<LogMetric>("metrics");
const metricByName = new Map(metrics.map((m) => [m.json.name, m.json]));
const dashboards = readJsonDir<Dashboard>("dashboards");
const alerts = readJsonDir<AlertPolicy>("alerts");

/** Every string anywhere inside a JSON value (filters, queries, documentation). */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

interface MetricRef {
  name: string;
  /** PromQL histogram suffix (_sum, _count, _bucket), if any. */
  suffix: string;
  via: "filter" | "promql";
}

/** Log-based metrics referenced as logging.googleapis.com/user/X or, in PromQL, logging_googleapis_com:user_X. */
function referencedUserMetrics(value: unknown): MetricRef[] {
  const refs: MetricRef[] = [];
  for (const s of strings(value)) {
    for (const m of s.matchAll(/logging\.googleapis\.com\/user\/([A-Za-z0-9_.\-/]+)/g)) {
      refs.push({ name: m[1], suffix: "", via: "filter" });
    }
    for (const m of s.matchAll(/logging_googleapis_com:user_([A-Za-z0-9_]+)/g)) {
      const full = m[1];
      const hist = /^(.*)_(sum|count|bucket)$/.exec(full);
      if (hist !== null && metricByName.has(hist[1]) && !metricByName.has(full)) {
        refs.push({ name: hist[1], suffix: `_${hist[2]}`, via: "promql" });
      } else {
        refs.push({ name: full, suffix: "", via: "promql" });
      }
    }
  }
  return refs;
}

function dashboardWidgets(d: Dashboard): Widget[] {
  return [...(d.mosaicLayout?.tiles.map((t) => t.widget) ?? []), ...(d.gridLayout?.widgets ?? [])];
}

describe("monitoring/ files", () => {
  it("every JSON file parses", () => {
    const files = allJsonFiles(MONITORING);
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(REQUIRED_METRICS).length + 2);
    for (const f of files) {
      expect(() => JSON.parse(readFileSync(f, "utf8"))).not.toThrow();
    }
  });
});

describe("log-based metrics", () => {
  it("defines every metric the pipeline needs, with the right kind", () => {
    for (const [name, valueType] of Object.entries(REQUIRED_METRICS)) {
      const metric = metricByName.get(name);
      expect(metric).toBeDefined();
      expect(metric?.metricDescriptor.metricKind).toBe("DELTA");
      expect(metric?.metricDescriptor.valueType).toBe(valueType);
    }
  });

  it.each(metrics.map((m) => [m.file, m.json] as const))(
    "%s is a valid LogMetric",
    (file, metric) => {
      expect(file).toBe(`${metric.name}.json`);
      expect(metric.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(metric.description?.length ?? 0).toBeGreaterThan(10);
      // Cloud Functions 2nd gen run on Cloud Run: their logs carry this resource type.
      expect(metric.filter).toContain('resource.type="cloud_run_revision"');

      const { valueType } = metric.metricDescriptor;
      expect(["INT64", "DISTRIBUTION"]).toContain(valueType);
      if (valueType === "DISTRIBUTION") {
        expect(metric.valueExtractor).toMatch(/^EXTRACT\(jsonPayload\.[A-Za-z]+\)$/);
        expect(metric.bucketOptions).toBeDefined();
        const field = /jsonPayload\.([A-Za-z]+)/.exec(metric.valueExtractor ?? "")?.[1] ?? "";
        // Entries without the value would be recorded as nothing; filter them out explicitly.
        expect(metric.filter).toContain(`jsonPayload.${field}:*`);
      } else {
        expect(metric.valueExtractor).toBeUndefined();
        expect(metric.bucketOptions).toBeUndefined();
      }

      const labelKeys = (metric.metricDescriptor.labels ?? []).map((l) => l.key).sort();
      expect(Object.keys(metric.labelExtractors ?? {}).sort()).toEqual(labelKeys);
      for (const extractor of [
        ...Object.values(metric.labelExtractors ?? {}),
        metric.valueExtractor ?? "",
      ]) {
        for (const m of extractor.matchAll(/jsonPayload\.([A-Za-z]+)/g)) {
          expect(LOG_FIELDS).toContain(m[1]);
        }
      }
    },
  );

  it.each(metrics.map((m) => [m.json.name, m.json.filter] as const))(
    "%s filters on known event values",
    (_name, filter) => {
      const events = [...filter.matchAll(/jsonPayload\.event\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(EVENTS).toContain(e);
    },
  );
});

describe("dashboard", () => {
  it("has at least one dashboard", () => {
    expect(dashboards.length).toBeGreaterThan(0);
  });

  it.each(dashboards.map((d) => [d.file, d.json] as const))("%s is well formed", (_file, d) => {
    expect(d.displayName).toBeTruthy();
    const widgets = dashboardWidgets(d);
    expect(widgets.length).toBeGreaterThan(0);
    for (const w of widgets) {
      expect(w.title).toBeTruthy();
      for (const ds of w.xyChart?.dataSets ?? []) {
        const q = ds.timeSeriesQuery;
        expect(Boolean(q.timeSeriesFilter?.filter) !== Boolean(q.prometheusQuery)).toBe(true);
      }
    }
    if (d.mosaicLayout !== undefined) {
      for (const t of d.mosaicLayout.tiles) {
        expect((t.xPos ?? 0) + t.width).toBeLessThanOrEqual(d.mosaicLayout.columns);
      }
    }
  });

  it("shows queue depth, dispatch rate, success, p95 times, cost and quota deferrals", () => {
    const text = dashboards.flatMap((d) => strings(d.json)).join("\n");
    expect(text).toContain("cloudtasks.googleapis.com/queue/depth");
    expect(text).toMatch(
      /cloudtasks\.googleapis\.com\/(queue\/task_attempt_count|api\/request_count)/,
    );
    expect(text).toContain('queue_id="stageImage"');
    const used = new Set(
      dashboards.flatMap((d) => referencedUserMetrics(d.json)).map((r) => r.name),
    );
    for (const m of [
      "staging_images_completed",
      "staging_images_failed",
      "staging_image_duration",
      "staging_model_latency",
      "staging_cost_usd",
      "staging_quota_deferrals",
    ]) {
      expect(used).toContain(m);
    }
    // p95 of the distributions: merged across series, then the 95th percentile.
    const aggs = dashboards.flatMap((d) =>
      dashboardWidgets(d.json).flatMap((w) =>
        (w.xyChart?.dataSets ?? []).map((ds) => ds.timeSeriesQuery.timeSeriesFilter),
      ),
    );
    for (const m of ["staging_image_duration", "staging_model_latency"]) {
      const p95 = aggs.filter(
        (f) =>
          f?.filter.includes(`user/${m}"`) &&
          (f.aggregation?.crossSeriesReducer === "REDUCE_PERCENTILE_95" ||
            f.aggregation?.perSeriesAligner === "ALIGN_PERCENTILE_95"),
      );
      expect(p95.length).toBeGreaterThan(0);
    }
  });
});

describe("alert policies", () => {
  it("display names are unique (the apply script keys policies on them)", () => {
    const names = alerts.map((a) => a.json.displayName);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(alerts.map((a) => [a.file, a.json] as const))(
    "%s is documented and well formed",
    (_file, a) => {
      expect(a.displayName).toBeTruthy();
      expect(a.documentation?.mimeType).toBe("text/markdown");
      const content = a.documentation?.content ?? "";
      expect(content).toMatch(/What it means/);
      expect(content).toMatch(/What to do/);
      expect(content).toMatch(/documentation\/Private\/RUNBOOK\.md#[a-z0-9-]+/);
      expect(["OR", "AND", "AND_WITH_MATCHING_RESOURCE"]).toContain(a.combiner);
      expect(a.conditions.length).toBeGreaterThan(0);
      for (const c of a.conditions) {
        expect(c.displayName).toBeTruthy();
        const kinds = [
          c.conditionThreshold,
          c.conditionAbsent,
          c.conditionPrometheusQueryLanguage,
        ].filter((k) => k !== undefined);
        expect(kinds).toHaveLength(1);
        if (c.conditionThreshold !== undefined) {
          expect(c.conditionThreshold.filter).toMatch(/metric\.type="/);
          expect(c.conditionThreshold.comparison).toMatch(/^COMPARISON_/);
          expect(c.conditionThreshold.duration).toMatch(/^\d+s$/);
        }
        if (c.conditionPrometheusQueryLanguage !== undefined) {
          expect(c.conditionPrometheusQueryLanguage.query).toMatch(/[<>]=?\s*[0-9.]+/);
          expect(c.conditionPrometheusQueryLanguage.duration).toMatch(/^\d+s$/);
        }
      }
    },
  );

  it("cover quota, failure rate, queue age and the daily budget", () => {
    const metricsByAlert = alerts.map((a) => ({
      text: strings(a.json).join("\n"),
      metrics: new Set(referencedUserMetrics(a.json).map((r) => r.name)),
    }));
    expect(metricsByAlert.some((a) => a.metrics.has("staging_quota_deferrals"))).toBe(true);
    expect(
      metricsByAlert.some(
        (a) => a.metrics.has("staging_images_failed") && a.metrics.has("staging_images_completed"),
      ),
    ).toBe(true);
    expect(metricsByAlert.some((a) => a.text.includes("cloudtasks.googleapis.com/queue/"))).toBe(
      true,
    );
    expect(
      metricsByAlert.some((a) => a.metrics.has("staging_cost_usd") && /\[(24h|1d)\]/.test(a.text)),
    ).toBe(true);
  });
});

describe("issue 12: uptime, retry rate and enqueue failures", () => {
  const uptime = readJsonDir<{ displayName: string; path: string; matcherContent?: string }>(
    "uptime",
  );
  const textOf = (file: string) =>
    strings(alerts.find((a) => a.file === file)?.json ?? {}).join("\n");

  it("an uptime check probes /api/health and expects its ok body", () => {
    expect(uptime.map((u) => [u.json.path, u.json.matcherContent])).toEqual([
      ["/api/health", '"status":"ok"'],
    ]);
  });

  it("an alert fires when the uptime check fails, on the host ops-monitoring fills in", () => {
    const text = textOf("api-down.json");
    expect(text).toContain("uptime_check_check_passed");
    expect(text).toContain('host="API_HOST"');
  });

  it("the retry-rate alert compares retries with finished images at 5%", () => {
    const text = textOf("retry-rate.json");
    for (const m of ["staging_image_retries", "staging_images_completed", "staging_images_failed"])
      expect(text).toContain(`user_${m}`);
    expect(text).toMatch(/\) > 0\.05 and/);
  });

  it("every fan-out enqueue failure alerts", () => {
    expect(textOf("enqueue-failed.json")).toMatch(/user_staging_enqueue_failures.*\) > 0$/m);
  });

  it("ops-monitoring --dry-run shows the uptime check with the project's host", () => {
    const r = spawnSync(process.execPath, [SCRIPT, "--project", "acme-prod", "--dry-run"], {
      encoding: "utf8",
      env: { ...process.env, PATH: "/nonexistent" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      "gcloud monitoring uptime create 'Virtual staging: /api/health' --project=acme-prod " +
        "--resource-type=uptime-url --resource-labels=host=acme-prod.web.app,project_id=acme-prod",
    );
  });
});

describe("metric references", () => {
  const sources = [
    ...dashboards.map((d) => [`dashboards/${d.file}`, d.json] as const),
    ...alerts.map((a) => [`alerts/${a.file}`, a.json] as const),
  ];

  it.each(sources)(
    "%s only uses log-based metrics defined in monitoring/metrics",
    (_file, json) => {
      // Policies on Cloud Tasks metrics alone have no refs; that is fine.
      const refs = referencedUserMetrics(json);
      for (const ref of refs) {
        const metric = metricByName.get(ref.name);
        expect({ ref: ref.name, defined: metric !== undefined }).toEqual({
          ref: ref.name,
          defined: true,
        });
        if (metric === undefined) continue;
        if (ref.via === "promql") {
          // PromQL sees a distribution as a histogram (_sum/_count/_bucket) and a counter as is.
          const isDist = metric.metricDescriptor.valueType === "DISTRIBUTION";
          expect({ ref: ref.name + ref.suffix, ok: isDist === (ref.suffix !== "") }).toEqual({
            ref: ref.name + ref.suffix,
            ok: true,
          });
        }
      }
    },
  );
});

// -------------------------------------------------------------------------------------------
// scripts/ops-monitoring.mjs with a fake gcloud on PATH that records every call.

const FAKE_GCLOUD = `#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2);
const rec = { args };
const fileArg = args.find((a) => a.startsWith("--config-from-file=") || a.startsWith("--policy-from-file="));
if (fileArg) rec.file = JSON.parse(fs.readFileSync(fileArg.split("=").slice(1).join("="), "utf8"));
fs.appendFileSync(process.env.FAKE_GCLOUD_LOG, JSON.stringify(rec) + "\\n");
const cmd = args.filter((a) => !a.startsWith("-")).join(" ");
if (args.includes("--version") || args.includes("--help")) process.exit(0);
if (cmd.startsWith("logging metrics describe")) {
  if (args[3] === "staging_images_completed") { console.log(args[3]); process.exit(0); }
  console.error("ERROR: (gcloud.logging.metrics.describe) NOT_FOUND: Metric does not exist."); process.exit(1);
}
if (cmd.startsWith("monitoring dashboards describe")) { console.log(JSON.stringify({ etag: "etag-123" })); process.exit(0); }
if (cmd.startsWith("monitoring policies list")) {
  if (args.some((a) => a.includes("daily budget"))) console.log("projects/p/alertPolicies/42");
  process.exit(0);
}
process.exit(0);
`;

interface Call {
  args: string[];
  file?: Record<string, unknown>;
}

function runScript(extraArgs: string[]): {
  status: number;
  stdout: string;
  stderr: string;
  calls: Call[];
} {
  const dir = mkdtempSync(join(tmpdir(), "fake-gcloud-"));
  try {
    const bin = join(dir, "gcloud");
    writeFileSync(bin, FAKE_GCLOUD);
    chmodSync(bin, 0o755);
    const log = join(dir, "calls.jsonl");
    writeFileSync(log, "");
    const res = spawnSync(process.execPath, [SCRIPT, ...extraArgs], {
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        FAKE_GCLOUD_LOG: log,
        TMPDIR: dir,
      },
    });
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
    return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sub = (c: Call): string =>
  c.args
    .filter((a) => !a.startsWith("-"))
    .slice(0, 3)
    .join(" ");

describe("scripts/ops-monitoring.mjs", () => {
  it("--dry-run prints every command and runs nothing but local probes", () => {
    const r = runScript(["--project", "demo-test", "--dry-run"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const name of Object.keys(REQUIRED_METRICS)) {
      expect(r.stdout).toContain(`gcloud logging metrics describe ${name} --project=demo-test`);
      expect(r.stdout).toContain(
        `gcloud logging metrics update ${name} --project=demo-test --config-from-file=`,
      );
      expect(r.stdout).toContain(
        `gcloud logging metrics create ${name} --project=demo-test --config-from-file=`,
      );
    }
    expect(r.stdout).toContain(
      "gcloud monitoring dashboards create --project=demo-test --config-from-file=",
    );
    expect(r.stdout).toContain(
      "gcloud monitoring policies create --project=demo-test --policy-from-file=",
    );
    for (const c of r.calls) {
      expect(c.args.includes("--version") || c.args.includes("--help")).toBe(true);
    }
  });

  it("updates what exists, creates the rest, and applies the options", () => {
    const r = runScript([
      "--project=demo-test",
      "--daily-budget-usd",
      "120",
      "--notification-channel",
      "987",
      "--queue",
      "stage-q",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const actions = r.calls.filter(
      (c) => !c.args.includes("--help") && !c.args.includes("--version"),
    );

    // Metrics: one exists (update), the others are created, each from its file.
    const metricWrites = actions.filter((c) => /^logging metrics (create|update)$/.test(sub(c)));
    expect(metricWrites).toHaveLength(metrics.length);
    for (const c of metricWrites) {
      const name = c.args[3];
      expect(sub(c)).toBe(
        name === "staging_images_completed" ? "logging metrics update" : "logging metrics create",
      );
      expect(c.file).toEqual(metricByName.get(name));
    }

    // Dashboard: found, so updated with a fixed name and the etag from describe.
    const dash = actions.filter((c) => sub(c) === "monitoring dashboards update");
    expect(dash).toHaveLength(dashboards.length);
    expect(dash[0].file).toMatchObject({
      name: "projects/demo-test/dashboards/virtual-staging-staging",
      etag: "etag-123",
    });
    expect(JSON.stringify(dash[0].file)).toContain('queue_id=\\"stage-q\\"');
    expect(JSON.stringify(dash[0].file)).not.toContain('queue_id=\\"stageImage\\"');

    // Policies: the budget one exists (update by name), the others are created.
    const writes = actions.filter((c) => c.args.some((a) => a.startsWith("--policy-from-file=")));
    expect(writes).toHaveLength(alerts.length);
    const updates = writes.filter((c) => c.args.includes("update"));
    expect(updates).toHaveLength(1);
    expect(updates[0].args).toContain("projects/p/alertPolicies/42");
    const budget = updates[0].file as unknown as AlertPolicy;
    expect(budget.conditions[0].conditionPrometheusQueryLanguage?.query).toMatch(/> 120$/);
    for (const c of writes) {
      const policy = c.file as unknown as AlertPolicy;
      expect(policy.notificationChannels).toEqual(["projects/demo-test/notificationChannels/987"]);
      expect(JSON.stringify(policy)).not.toContain('queue_id=\\"stageImage\\"');
    }
  });

  it("refuses to run without --project", () => {
    const r = runScript(["--dry-run"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--project is required/);
  });
});
