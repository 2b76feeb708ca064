#!/usr/bin/env node
// @ts-check
/**
 * Applies monitoring/ (log-based metrics, dashboards, alert policies) to a Google Cloud project
 * with gcloud, idempotently: each object is looked up first and updated when it exists, so the
 * script can be re-run after every change to the JSON files.
 *
 *   node scripts/ops-monitoring.mjs --project <id> [--dry-run]
 *        [--queue stageImage] [--daily-budget-usd 50] [--notification-channel <id|name>]...
 *        [--api-host <host, default <id>.web.app>]
 *
 * Uptime checks (monitoring/uptime/) probe https://<api-host><path>; alerts name that host as
 * API_HOST, replaced here.
 *
 * --dry-run runs nothing (not even the look-ups): it prints every command, with both branches
 * (update if it exists, create otherwise), and leaves the rendered files for inspection.
 * Plain Node ESM, no dependencies; gcloud must be installed and authenticated for a real run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs as parseCliArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MONITORING = join(ROOT, "monitoring");
// The JSON files name the queue Firebase creates for the stageImage task function.
const DEFAULT_QUEUE = "stageImage";
const QUEUE_FILTER = /queue_id="stageImage"/g;
const BUDGET_METRIC = "staging_cost_usd";
const API_HOST = /API_HOST/g;

const USAGE = `usage: node scripts/ops-monitoring.mjs --project <id> [--dry-run]
  [--queue <cloud tasks queue id, default ${DEFAULT_QUEUE}>]
  [--daily-budget-usd <amount, replaces the placeholder 50 in alerts/daily-budget.json>]
  [--notification-channel <channel id or projects/<p>/notificationChannels/<id>>]...
  [--api-host <public host of the API, default <project>.web.app>]`;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`ops-monitoring: ${message}`);
  process.exit(1);
}

/** @param {string[]} argv */
function parseArgs(argv) {
  let values;
  try {
    ({ values } = parseCliArgs({
      args: argv,
      options: {
        project: { type: "string", default: "" },
        "dry-run": { type: "boolean", default: false },
        queue: { type: "string", default: DEFAULT_QUEUE },
        "daily-budget-usd": { type: "string" },
        "notification-channel": { type: "string", multiple: true, default: [] },
        "api-host": { type: "string", default: "" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    fail(`${/** @type {Error} */ (e).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const flag of /** @type {const} */ (["project", "queue", "daily-budget-usd", "api-host"])) {
    if (values[flag] === "" && argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`)))
      fail(`--${flag} needs a value\n${USAGE}`);
  }
  if (values["notification-channel"].includes(""))
    fail(`--notification-channel needs a value\n${USAGE}`);
  const opts = {
    project: values.project,
    dryRun: values["dry-run"],
    queue: values.queue,
    budget: values["daily-budget-usd"] ?? null,
    channels: values["notification-channel"],
    apiHost: values["api-host"],
  };
  if (!opts.project) fail(`--project is required\n${USAGE}`);
  // Project ids (optionally domain-scoped); anything else is a typo, not a project.
  if (!/^[a-z0-9][a-z0-9.:-]{2,62}$/.test(opts.project)) fail(`invalid project id ${opts.project}`);
  if (!/^[A-Za-z0-9-]{1,100}$/.test(opts.queue)) fail(`invalid queue id ${opts.queue}`);
  opts.apiHost ||= `${opts.project}.web.app`;
  if (!/^[a-z0-9.-]{1,253}$/.test(opts.apiHost)) fail(`invalid --api-host ${opts.apiHost}`);
  if (opts.budget !== null && !(Number(opts.budget) > 0))
    fail("--daily-budget-usd must be a positive number");
  opts.channels = opts.channels.map((c) =>
    c.startsWith("projects/") ? c : `projects/${opts.project}/notificationChannels/${c}`,
  );
  return opts;
}

/**
 * Every JSON file of a folder, parsed (any: definitions in Cloud Monitoring's own formats).
 * @param {string} dir
 * @returns {{ file: string, path: string, json: any }[]}
 */
function loadJsonDir(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      try {
        return { file: f, path, json: JSON.parse(readFileSync(path, "utf8")) };
      } catch (e) {
        return fail(`${relative(ROOT, path)}: ${/** @type {Error} */ (e).message}`);
      }
    });
}

/**
 * Deep copy with every string passed through fn (used to retarget the queue filter).
 * @param {any} value a JSON value (any: whatever shape the definition has)
 * @param {(s: string) => string} fn
 * @returns {any}
 */
function mapStrings(value, fn) {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

/** @typedef {ReturnType<typeof parseArgs>} Options */

/**
 * An alert policy retargeted at the queue, host, budget and channels given.
 * @param {any} policy an alert policy as Cloud Monitoring defines it
 * @param {Options} opts
 */
function renderPolicy(policy, opts) {
  let out = mapStrings(policy, (/** @type {string} */ s) =>
    s.replace(QUEUE_FILTER, `queue_id="${opts.queue}"`).replace(API_HOST, opts.apiHost),
  );
  if (opts.budget !== null) {
    for (const c of out.conditions ?? []) {
      const q = c.conditionPrometheusQueryLanguage;
      if (q && q.query.includes(BUDGET_METRIC))
        q.query = q.query.replace(/>\s*[0-9.]+\s*$/, `> ${Number(opts.budget)}`);
    }
  }
  if (opts.channels.length > 0) {
    out = {
      ...out,
      notificationChannels: [...new Set([...(out.notificationChannels ?? []), ...opts.channels])],
    };
  }
  return out;
}

/** @param {string} arg */
function shellQuote(arg) {
  return /^[A-Za-z0-9_\-./=:,@]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** @param {string[]} args */
function show(args, prefix = "$") {
  console.log(`${prefix} gcloud ${args.map(shellQuote).join(" ")}`);
}

// A script must never sit on an interactive gcloud prompt (component installs, confirmations).
const GCLOUD_ENV = { ...process.env, CLOUDSDK_CORE_DISABLE_PROMPTS: "1" };

/**
 * Runs gcloud; `capture` returns stdout instead of streaming it. Never goes through a shell.
 * @param {string[]} args
 */
function gcloud(args, { capture = false } = {}) {
  show(args);
  const res = spawnSync("gcloud", args, {
    encoding: "utf8",
    env: GCLOUD_ENV,
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (res.error) fail(`cannot run gcloud: ${res.error.message}`);
  return { status: res.status ?? 1, stdout: res.stdout ?? "", stderr: res.stderr ?? "" };
}

/**
 * @param {ReturnType<typeof gcloud>} result
 * @param {string} what
 */
function mustSucceed(result, what) {
  if (result.status !== 0)
    fail(`${what} failed (exit ${result.status})${result.stderr ? `:\n${result.stderr}` : ""}`);
  return result;
}

const NOT_FOUND = /NOT_FOUND|not found|does not exist|404/i;

/**
 * describe-style look-up: true if it exists, false if NOT_FOUND, exit on any other error.
 * @param {string[]} args
 * @param {string} what
 */
function exists(args, what) {
  const res = gcloud(args, { capture: true });
  if (res.status === 0) return { found: true, stdout: res.stdout };
  if (NOT_FOUND.test(res.stderr)) return { found: false, stdout: "" };
  return fail(`looking up ${what} failed:\n${res.stderr}`);
}

/**
 * `gcloud monitoring policies` went GA only recently; older SDKs have it in alpha only. Asking
 * for --help is local (no API call, no credentials), so it is done in --dry-run too.
 */
function policiesCommand() {
  const has = (/** @type {string[]} */ args) =>
    spawnSync("gcloud", [...args, "--help"], { stdio: "ignore", env: GCLOUD_ENV }).status === 0;
  if (has(["monitoring", "policies"])) return ["monitoring", "policies"];
  if (has(["alpha", "monitoring", "policies"])) return ["alpha", "monitoring", "policies"];
  return null;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const P = `--project=${opts.project}`;
  const metrics = loadJsonDir(join(MONITORING, "metrics"));
  const dashboards = loadJsonDir(join(MONITORING, "dashboards"));
  const alerts = loadJsonDir(join(MONITORING, "alerts"));
  const uptimeChecks = loadJsonDir(join(MONITORING, "uptime"));
  const work = mkdtempSync(join(tmpdir(), "ops-monitoring-"));
  const writeRendered = (/** @type {string} */ name, /** @type {unknown} */ json) => {
    const path = join(work, name);
    writeFileSync(path, JSON.stringify(json, null, 2) + "\n");
    return path;
  };

  const gcloudFound = !spawnSync("gcloud", ["--version"], { stdio: "ignore", env: GCLOUD_ENV })
    .error;
  if (!gcloudFound && !opts.dryRun)
    fail("gcloud not found on PATH (install the Google Cloud CLI or use --dry-run)");
  let POLICIES = gcloudFound ? policiesCommand() : ["monitoring", "policies"];
  if (POLICIES === null) {
    if (!opts.dryRun)
      fail(
        "this gcloud has no `monitoring policies` command (update it, or install the alpha component)",
      );
    POLICIES = ["monitoring", "policies"];
  }
  if (opts.dryRun) {
    console.log(
      `# dry run for project ${opts.project}: nothing is executed; rendered files in ${work}`,
    );
    if (!gcloudFound)
      console.log(
        "# gcloud not found: showing `gcloud monitoring policies` (older SDKs: `gcloud alpha monitoring policies`)",
      );
  }

  // 1. Log-based metrics first: the dashboard and the alerts refer to them.
  console.log("\n# log-based metrics");
  for (const { json, path } of metrics) {
    const name = json.name;
    if (!name || basename(path, ".json") !== name)
      fail(`${relative(ROOT, path)}: name must equal the file name`);
    const describe = ["logging", "metrics", "describe", name, P, "--format=value(name)"];
    const update = ["logging", "metrics", "update", name, P, `--config-from-file=${path}`];
    const create = ["logging", "metrics", "create", name, P, `--config-from-file=${path}`];
    if (opts.dryRun) {
      show(describe);
      show(update, "  if found:  ");
      show(create, "  otherwise: ");
      continue;
    }
    const { found } = exists(describe, `metric ${name}`);
    mustSucceed(gcloud(found ? update : create), `${found ? "update" : "create"} metric ${name}`);
  }

  // 2. Dashboards: a fixed id per file makes them addressable; update needs the current etag.
  console.log("\n# dashboards");
  for (const { file, json } of dashboards) {
    const id = `virtual-staging-${basename(file, ".json")}`;
    const rendered = mapStrings(json, (s) => s.replace(QUEUE_FILTER, `queue_id="${opts.queue}"`));
    rendered.name = `projects/${opts.project}/dashboards/${id}`;
    const describe = ["monitoring", "dashboards", "describe", id, P, "--format=json"];
    if (opts.dryRun) {
      const path = writeRendered(`dashboard-${id}.json`, rendered);
      show(describe);
      show(
        ["monitoring", "dashboards", "update", id, P, `--config-from-file=${path}`],
        "  if found (etag from describe added to the file):  ",
      );
      show(
        ["monitoring", "dashboards", "create", P, `--config-from-file=${path}`],
        "  otherwise: ",
      );
      continue;
    }
    const { found, stdout } = exists(describe, `dashboard ${id}`);
    if (found) {
      rendered.etag = JSON.parse(stdout).etag;
      const path = writeRendered(`dashboard-${id}.json`, rendered);
      mustSucceed(
        gcloud(["monitoring", "dashboards", "update", id, P, `--config-from-file=${path}`]),
        `update dashboard ${id}`,
      );
    } else {
      const path = writeRendered(`dashboard-${id}.json`, rendered);
      mustSucceed(
        gcloud(["monitoring", "dashboards", "create", P, `--config-from-file=${path}`]),
        `create dashboard ${id}`,
      );
    }
  }

  // 3. Alert policies: ids are server-assigned, so displayName is the key (keep them unique).
  console.log("\n# alert policies");
  for (const { file, json } of alerts) {
    if (!json.displayName) fail(`alerts/${file}: displayName is required`);
    const path = writeRendered(`policy-${file}`, renderPolicy(json, opts));
    const list = [
      ...POLICIES,
      "list",
      P,
      `--filter=displayName="${json.displayName}"`,
      "--format=value(name)",
    ];
    const create = [...POLICIES, "create", P, `--policy-from-file=${path}`];
    if (opts.dryRun) {
      show(list);
      show(
        [...POLICIES, "update", "<name from list>", P, `--policy-from-file=${path}`],
        "  if found:  ",
      );
      show(create, "  otherwise: ");
      continue;
    }
    const names = mustSucceed(gcloud(list, { capture: true }), `list policies`)
      .stdout.split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length > 1)
      fail(
        `${names.length} policies are named "${json.displayName}"; delete the extras first:\n${names.join("\n")}`,
      );
    if (names.length === 1) {
      mustSucceed(
        gcloud([...POLICIES, "update", names[0], P, `--policy-from-file=${path}`]),
        `update policy ${file}`,
      );
    } else {
      mustSucceed(gcloud(create), `create policy ${file}`);
    }
  }

  // 4. Uptime checks: keyed on displayName; an existing one is left as it is (delete it in the
  //    console to have it recreated from the file).
  console.log("\n# uptime checks");
  for (const { file, json: u } of uptimeChecks) {
    if (!u.displayName || !u.path) fail(`uptime/${file}: displayName and path are required`);
    const list = [
      "monitoring",
      "uptime",
      "list-configs",
      P,
      `--filter=displayName="${u.displayName}"`,
      "--format=value(name)",
    ];
    const create = [
      "monitoring",
      "uptime",
      "create",
      u.displayName,
      P,
      "--resource-type=uptime-url",
      `--resource-labels=host=${opts.apiHost},project_id=${opts.project}`,
      `--protocol=${u.protocol ?? "https"}`,
      `--port=${u.port ?? 443}`,
      `--path=${u.path}`,
      `--period=${u.periodMinutes ?? 5}`,
      `--timeout=${u.timeoutSeconds ?? 10}`,
      ...(u.matcherContent
        ? [`--matcher-content=${u.matcherContent}`, `--matcher-type=${u.matcherType}`]
        : []),
    ];
    if (opts.dryRun) {
      show(list);
      show(create, "  if not found: ");
      continue;
    }
    const found = mustSucceed(gcloud(list, { capture: true }), "list uptime checks").stdout.trim();
    if (found) console.log(`uptime check "${u.displayName}" exists: ${found.split("\n")[0]}`);
    else mustSucceed(gcloud(create), `create uptime check ${file}`);
  }

  if (opts.dryRun) {
    console.log(`\n# dry run done; rendered files kept in ${work}`);
  } else {
    rmSync(work, { recursive: true, force: true });
    console.log("\n# done");
  }
}

main();
