// npm run deploy:check — pre-deploy check of the functions codebase.
//
// Builds functions/, loads it the way `firebase deploy` does (firebase-functions' own discovery
// binary in a child process, with only the environment firebase-tools gives it, so module-level
// code runs as during a deploy), has firebase-tools parse, resolve and validate the result, and
// compares the deployed set with the reviewed manifest scripts/deploy-manifest.json and with the
// operator runbook (documentation/Private/RUNBOOK.md):
//   - function names, trigger kinds, region, memory, timeout, secrets, task queue retry/rate
//     settings, other options and param types/defaults equal the manifest;
//   - rules that hold whatever the manifest says: region us-central1 everywhere, stageImage binds
//     GEMINI_API_KEY and takes its queue settings from QUEUE_* params, no param is read with
//     .value() at module load, every referenced param is declared;
//   - every param without a default is in the runbook's param table (a warning only while the
//     runbook does not exist); its documented defaults and function table match the code;
//   - firebase.json builds in predeploy and rewrites /api/** to `api` in us-central1;
//     .firebaserc has a `production` alias; production .env values keep the runbook's
//     "must in production" settings (no private hosts, https only, real Gemini, GCS outputs);
//   - no file that `firebase deploy` would upload from functions/ (firebase.json ignore, matched
//     by firebase-tools itself) holds a Google API key, a private key, or is a secrets file;
//   - every non-secret param has a production default (setup:project writes them all to
//     functions/.env.<id>);
//   - every Firestore query in the code has its index: functions/test/unit/store/
//     indexCoverage.test.ts passes (skipped with a warning while that test does not exist).
// Exits 1 on any problem, 0 otherwise (warnings do not fail).
//
//   node scripts/deploy-check.mjs                  build, discover, check
//   node scripts/deploy-check.mjs --skip-build     reuse functions/lib when it exists
//   node scripts/deploy-check.mjs --manifest PATH  compare with another expected manifest
//   node scripts/deploy-check.mjs --strict         warnings fail too (once production is set up)
//   node scripts/deploy-check.mjs --print          print the discovered manifest (JSON, stdout)
//     To accept a deliberate change: review the diff, then
//     node scripts/deploy-check.mjs --print > scripts/deploy-manifest.json
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs as parseCliArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FUNCTIONS_DIR = join(ROOT, "functions");
const DEFAULT_MANIFEST = join(ROOT, "scripts", "deploy-manifest.json");
const RUNBOOK = join(ROOT, "documentation", "Private", "RUNBOOK.md");
/** Written by the Firestore-index work (issue 10); run when it exists. */
const INDEX_COVERAGE_TEST = join(FUNCTIONS_DIR, "test", "unit", "store", "indexCoverage.test.ts");
/** Discovery never needs the real project: module-level code must not reach Google APIs. */
const DISCOVERY_PROJECT = "demo-virtual-staging";
/** firebase-tools' default discovery timeout (FUNCTIONS_DISCOVERY_TIMEOUT overrides, seconds). */
const DISCOVERY_TIMEOUT_MS = Number(process.env.FUNCTIONS_DISCOVERY_TIMEOUT || 10) * 1000;

/**
 * The runbook's deployment rules. They hold whatever deploy-manifest.json says, so regenerating
 * the manifest with --print cannot bless a change that breaks them.
 */
const POLICY = {
  region: "us-central1",
  platform: "gcfv2",
  rewrite: { source: "/api/**", functionId: "api" },
  secrets: { stageImage: ["GEMINI_API_KEY"] },
  /** Settings that operators tune through params: each must reference a param with the prefix. */
  paramDriven: {
    stageImage: {
      prefix: "QUEUE_",
      fields: [
        "taskQueueTrigger.retryConfig.maxAttempts",
        "taskQueueTrigger.retryConfig.minBackoffSeconds",
        "taskQueueTrigger.retryConfig.maxBackoffSeconds",
        "taskQueueTrigger.retryConfig.maxDoublings",
        "taskQueueTrigger.retryConfig.maxRetrySeconds",
        "taskQueueTrigger.rateLimits.maxDispatchesPerSecond",
        "taskQueueTrigger.rateLimits.maxConcurrentDispatches",
      ],
    },
  },
  /** Param values the runbook's param table says production must have (SSRF, real outputs). */
  productionValues: {
    ALLOW_PRIVATE_SOURCE_HOSTS: "false",
    ALLOW_HTTP_URLS: "false",
    GEMINI_BASE_URL: "",
    OUTPUT_STORE: "gcs",
  },
};

const SECRET_PATTERNS = [
  { what: "Google API key", re: /AIza[0-9A-Za-z_-]{35}/g },
  { what: "private key", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
];
/** Files that must never be uploaded whatever they contain. */
const SECRET_FILE_NAMES =
  /^(?:\.secret\.local|\.env\.local|.*\.(?:pem|p12|pfx|key)|.*service[-_]?account.*\.json)$/i;

const TRIGGERS = {
  httpsTrigger: "https",
  callableTrigger: "callable",
  taskQueueTrigger: "taskQueue",
  eventTrigger: "event",
  scheduleTrigger: "schedule",
  blockingTrigger: "blocking",
};

// ---------------------------------------------------------------------------------------------
// Arguments and reporting

function parseArgs(argv) {
  let values;
  try {
    ({ values } = parseCliArgs({
      args: argv,
      options: {
        print: { type: "boolean", default: false },
        "skip-build": { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        manifest: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`deploy-check: ${e.message} (see --help)`);
    process.exit(2);
  }
  if (values.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\nimport ")[0]);
    process.exit(0);
  }
  return {
    print: values.print,
    skipBuild: values["skip-build"],
    strict: values.strict,
    manifest: values.manifest ? resolve(values.manifest) : DEFAULT_MANIFEST,
  };
}

const sections = [];
let current;
function section(title) {
  current = { title, lines: [] };
  sections.push(current);
}
const add = (level) => (msg) => current.lines.push({ level, msg });
const ok = add("ok");
const fail = add("FAIL");
const warn = add("warn");
const info = add("info");
const count = (level) => sections.flatMap((s) => s.lines).filter((l) => l.level === level).length;

function printReport(out, { strict = false, printing = false } = {}) {
  for (const s of sections) {
    out(`\n${s.title}`);
    for (const { level, msg } of s.lines) {
      const [first, ...rest] = String(msg).split("\n");
      out(`  ${level.padEnd(5)} ${first}`);
      for (const line of rest) out(`        ${line}`);
    }
  }
  const warnings = count("warn");
  const problems = count("FAIL") + (strict ? warnings : 0);
  const plural = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
  if (printing) {
    out(`\n--print: manifest printed anyway; run without --print for the whole check`);
    return problems;
  }
  out(
    problems
      ? `\ndeploy:check FAILED: ${plural(count("FAIL"), "problem")}, ${plural(warnings, "warning")}` +
          (strict && warnings ? " (--strict: warnings fail)" : "")
      : `\ndeploy:check passed (${plural(warnings, "warning")})`,
  );
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const rel = (p) => relative(ROOT, p).split(sep).join("/") || ".";
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const fmt = (v) => (v === undefined ? "(not set)" : JSON.stringify(v));
const get = (obj, path) => path.split(".").reduce((o, k) => (isObject(o) ? o[k] : undefined), obj);

/** Drops null/undefined values and empty objects, and sorts keys, so manifests diff cleanly. */
function prune(v) {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(prune).filter((x) => x !== undefined);
  if (!isObject(v)) return v;
  const out = {};
  for (const k of Object.keys(v).sort()) {
    const p = prune(v[k]);
    if (p !== undefined) out[k] = p;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Every difference between two JSON values, as "path: expected X, found Y" lines. */
function diff(expected, actual, path, out) {
  if (isObject(expected) && isObject(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (k.startsWith("$")) continue;
      diff(expected[k], actual[k], path ? `${path}.${k}` : k, out);
    }
  } else if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push(`${path}: expected ${fmt(expected)}, found ${fmt(actual)}`);
  }
  return out;
}

const celParams = (v) =>
  typeof v === "string" ? [...v.matchAll(/params\.([A-Za-z0-9_]+)/g)].map((m) => m[1]) : [];
function* strings(v) {
  if (typeof v === "string") yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (isObject(v)) for (const x of Object.values(v)) yield* strings(x);
}

/** firebase-tools internals (root devDependency, pinned); { error } when they cannot load. */
function loadCli() {
  const req = createRequire(join(ROOT, "package.json"));
  try {
    return {
      version: req("firebase-tools/package.json").version,
      discovery: req("firebase-tools/lib/deploy/functions/runtimes/discovery/index.js"),
      build: req("firebase-tools/lib/deploy/functions/build.js"),
      backend: req("firebase-tools/lib/deploy/functions/backend.js"),
      prepare: req("firebase-tools/lib/deploy/functions/prepare.js"),
      validate: req("firebase-tools/lib/deploy/functions/validate.js"),
      env: req("firebase-tools/lib/functions/env.js"),
      fsAsync: req("firebase-tools/lib/fsAsync.js"),
    };
  } catch (e) {
    return { error: e };
  }
}

// ---------------------------------------------------------------------------------------------
// Build and discovery

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function build(opts, mainFile) {
  section("build");
  if (opts.skipBuild && existsSync(mainFile)) {
    info(`--skip-build: using the existing ${rel(mainFile)}`);
    const src = join(FUNCTIONS_DIR, "src");
    if (existsSync(src) && newestMtime(src) > statSync(mainFile).mtimeMs) {
      warn(`functions/src changed after ${rel(mainFile)} was built: run without --skip-build`);
    }
    return true;
  }
  if (opts.skipBuild) info(`--skip-build: ${rel(mainFile)} is missing, building`);
  const t0 = Date.now();
  // The build's own output goes to stderr so that --print keeps stdout pure JSON.
  const r = spawnSync("npm", ["--prefix", FUNCTIONS_DIR, "run", "build"], {
    cwd: ROOT,
    stdio: ["ignore", 2, 2],
    shell: process.platform === "win32",
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    fail(`npm --prefix functions run build failed (exit ${r.status ?? r.signal}) after ${secs} s`);
    return false;
  }
  ok(`npm --prefix functions run build (${secs} s)`);
  if (!existsSync(mainFile)) {
    fail(`the build did not produce ${rel(mainFile)} (functions/package.json "main")`);
    return false;
  }
  return true;
}

/** firebase-tools looks for node_modules/.bin/firebase-functions from the source dir upwards. */
function findFunctionsBinary() {
  for (let dir = FUNCTIONS_DIR; ; dir = dirname(dir)) {
    const bin = join(dir, "node_modules", ".bin", "firebase-functions");
    if (existsSync(bin)) return realpathSync(bin);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Runs the discovery the way firebase-tools 14 does (runtimes/node/index.js, spawnFunctionsProcess
 * and execAdmin): firebase-functions' binary imports the package "main" in a fresh process whose
 * environment holds only what the CLI passes (no emulator variables leak in from this shell), and
 * writes the wire manifest (endpoints with params as CEL, declaredParams as specs) to a file.
 */
async function discover() {
  const bin = findFunctionsBinary();
  if (!bin) throw new Error("functions/node_modules/.bin/firebase-functions not found (npm ci?)");
  const dir = mkdtempSync(join(tmpdir(), "deploy-check-"));
  const output = join(dir, "functions.yaml");
  const firebaseConfig = {
    projectId: DISCOVERY_PROJECT,
    storageBucket: `${DISCOVERY_PROJECT}.appspot.com`,
  };
  const env = {
    // prepare.js loadCodebases: loadFirebaseEnvs() + GOOGLE_CLOUD_QUOTA_PROJECT
    FIREBASE_CONFIG: JSON.stringify(firebaseConfig),
    GCLOUD_PROJECT: DISCOVERY_PROJECT,
    GOOGLE_CLOUD_QUOTA_PROJECT: DISCOVERY_PROJECT,
    // runtimes/node spawnFunctionsProcess
    FUNCTIONS_CONTROL_API: "true",
    HOME: process.env.HOME,
    PATH: process.env.PATH,
    NODE_ENV: process.env.NODE_ENV,
    CLOUD_RUNTIME_CONFIG: JSON.stringify({ firebase: firebaseConfig }),
    // execAdmin (FIREBASE_FUNCTIONS_DISCOVERY_OUTPUT_PATH mode): no port needed
    FUNCTIONS_MANIFEST_OUTPUT_PATH: output,
  };
  if (process.platform === "win32") {
    for (const k of ["SYSTEMROOT", "USERPROFILE", "APPDATA", "TEMP", "TMP"])
      env[k] = process.env[k];
  }
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  const t0 = Date.now();
  const child = spawn(process.execPath, [bin, FUNCTIONS_DIR], {
    cwd: FUNCTIONS_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, DISCOVERY_TIMEOUT_MS);
  const code = await new Promise((res, rej) => {
    child.on("error", rej);
    child.on("close", (c, signal) => res(c ?? signal));
  }).finally(() => clearTimeout(timer));
  const ms = Date.now() - t0;
  try {
    const wire = code === 0 && existsSync(output) ? readJson(output) : null;
    return { wire, code, ms, stdout, stderr, timedOut };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The manifest: what deploy-manifest.json holds and --print prints

function normalizeEndpoint(name, ep) {
  const triggerKey = Object.keys(TRIGGERS).find((k) => k in ep);
  const out = {
    trigger: TRIGGERS[triggerKey] ?? "unknown",
    region: ep.region,
    // null = the platform default (256 MiB, 60 s); a string is a param expression.
    availableMemoryMb: ep.availableMemoryMb ?? null,
    timeoutSeconds: ep.timeoutSeconds ?? null,
    secrets: (ep.secretEnvironmentVariables ?? []).map((s) => s.key).sort(),
  };
  const skip = new Set([
    ...Object.keys(out),
    "secretEnvironmentVariables",
    "entryPoint",
    "platform",
    triggerKey,
  ]);
  for (const k of Object.keys(ep).sort()) {
    if (skip.has(k)) continue;
    const v = prune(ep[k]);
    if (v !== undefined) out[k] = v;
  }
  const trigger = prune(ep[triggerKey]);
  if (trigger !== undefined) out[triggerKey] = trigger;
  return out;
}

function toManifest(wire) {
  const functions = {};
  for (const name of Object.keys(wire.endpoints).sort()) {
    functions[name] = normalizeEndpoint(name, wire.endpoints[name]);
  }
  const params = {};
  for (const p of wire.params ?? []) {
    params[p.name] =
      p.default === undefined ? { type: p.type } : { type: p.type, default: p.default };
  }
  return {
    $comment: [
      "Expected deployed set of the functions codebase; checked by `npm run deploy:check`.",
      "null memory/timeout = platform default (256 MiB, 60 s); null/empty options are omitted;",
      "'{{ params.X }}' = resolved from param X at deploy time; params list type and code default.",
      "Regenerate deliberately, after review: node scripts/deploy-check.mjs --print > scripts/deploy-manifest.json",
    ],
    functions,
    params,
  };
}

// ---------------------------------------------------------------------------------------------
// Checks

/** firebase-tools' own parse (v1alpha1), param resolution and endpoint validation. */
async function cliValidate(cli, wire, runtime, userEnvs) {
  const bd = cli.discovery.yamlToBuild(wire, DISCOVERY_PROJECT, POLICY.region, runtime);
  const { backend } = await cli.build.resolveBackend({
    build: bd,
    firebaseConfig: { projectId: DISCOVERY_PROJECT },
    userEnvs,
    nonInteractive: true,
    isEmulator: true, // resolve without Secret Manager calls; secrets are listed separately
  });
  cli.prepare.resolveCpuAndConcurrency(backend);
  cli.validate.endpointsAreValid(backend);
  return cli.backend.allEndpoints(backend);
}

function checkManifest(manifest, expectedPath) {
  section(`functions and params vs ${rel(expectedPath)}`);
  let expected;
  try {
    expected = readJson(expectedPath);
  } catch (e) {
    fail(
      `cannot read the expected manifest ${rel(expectedPath)}: ${e.message}\n` +
        "create it deliberately: node scripts/deploy-check.mjs --print > scripts/deploy-manifest.json",
    );
    return;
  }
  const want = Object.keys(expected.functions ?? {});
  const have = Object.keys(manifest.functions);
  const missing = want.filter((n) => !have.includes(n));
  const extra = have.filter((n) => !want.includes(n));
  if (missing.length)
    fail(`expected but not exported (would not be deployed): ${missing.join(", ")}`);
  if (extra.length)
    fail(`exported but not in the manifest (would be deployed): ${extra.join(", ")}`);
  if (!missing.length && !extra.length) ok(`function set: ${have.join(", ")}`);
  for (const name of have.filter((n) => want.includes(n))) {
    const diffs = diff(expected.functions[name], manifest.functions[name], name, []);
    if (diffs.length) for (const d of diffs) fail(d);
    else ok(`${name}: ${summarize(manifest.functions[name])}`);
  }
  const paramDiffs = diff(expected.params ?? {}, manifest.params, "params", []);
  for (const d of paramDiffs) fail(d);
  if (!paramDiffs.length)
    ok(`params: ${Object.keys(manifest.params).length} names, types and defaults`);
}

function summarize(fn) {
  const parts = [fn.trigger, fn.region.join(",")];
  parts.push(fn.availableMemoryMb === null ? "default memory" : `${fn.availableMemoryMb} MiB`);
  parts.push(
    fn.timeoutSeconds === null
      ? "default timeout"
      : typeof fn.timeoutSeconds === "number"
        ? `${fn.timeoutSeconds} s`
        : `timeout ${fn.timeoutSeconds}`,
  );
  if (fn.secrets.length) parts.push(`secrets ${fn.secrets.join(",")}`);
  return parts.join(", ");
}

function checkPolicy(wire, declared) {
  section("runbook rules");
  const endpoints = wire.endpoints;
  const badRegion = Object.entries(endpoints).filter(
    ([, ep]) => JSON.stringify(ep.region) !== JSON.stringify([POLICY.region]),
  );
  for (const [name, ep] of badRegion)
    fail(`${name}: region ${fmt(ep.region)}, must be ["${POLICY.region}"]`);
  if (!badRegion.length) ok(`every function is in ${POLICY.region}`);
  const badPlatform = Object.entries(endpoints).filter(([, ep]) => ep.platform !== POLICY.platform);
  for (const [name, ep] of badPlatform)
    fail(`${name}: platform ${ep.platform}, must be ${POLICY.platform}`);

  for (const [name, secrets] of Object.entries(POLICY.secrets)) {
    const have = (endpoints[name]?.secretEnvironmentVariables ?? []).map((s) => s.key);
    const lacking = secrets.filter((s) => !have.includes(s));
    if (!endpoints[name]) fail(`${name}: not exported, cannot check its secrets`);
    else if (lacking.length) fail(`${name}: missing secret ${lacking.join(", ")}`);
    else ok(`${name} binds secret ${secrets.join(", ")}`);
  }

  for (const [name, { prefix, fields }] of Object.entries(POLICY.paramDriven)) {
    if (!endpoints[name]) continue;
    const literal = fields.filter(
      (f) => !celParams(get(endpoints[name], f)).some((p) => p.startsWith(prefix)),
    );
    for (const f of literal) {
      fail(`${name}.${f} is ${fmt(get(endpoints[name], f))}: must reference a ${prefix}* param`);
    }
    if (!literal.length) {
      const shown = fields.map(
        (f) => `${f.split(".").pop()}=${celParams(get(endpoints[name], f))[0]}`,
      );
      ok(`${name} queue settings come from params: ${shown.join(", ")}`);
    }
  }

  const undeclared = new Set();
  for (const s of strings(endpoints))
    for (const p of celParams(s)) if (!declared.has(p)) undeclared.add(p);
  for (const p of undeclared) fail(`an endpoint references params.${p}, which no code declares`);
  for (const [name, ep] of Object.entries(endpoints)) {
    for (const { key } of ep.secretEnvironmentVariables ?? []) {
      if (declared.get(key)?.type !== "secret") {
        warn(`${name} binds secret ${key} without defineSecret(): the runbook check cannot see it`);
      }
    }
  }
}

/** Markdown tables of a document: header cells and row cells, as written. */
function markdownTables(text) {
  const tables = [];
  let rows = null;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t.startsWith("|")) {
      rows = null;
      continue;
    }
    const cells = t
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => c.trim());
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    if (!rows) tables.push({ header: cells, rows: (rows = []) });
    else rows.push(cells);
  }
  return tables;
}
const firstCode = (cell) => /`([^`]*)`/.exec(cell)?.[1] ?? cell.replace(/\*/g, "").trim();

/** The runbook's param table(s): name -> documented default, as text. */
function runbookParams(text) {
  const params = new Map();
  for (const t of markdownTables(text).filter((t) => /^param/i.test(t.header[0] ?? ""))) {
    for (const row of t.rows) params.set(firstCode(row[0] ?? ""), row[1] ?? "");
  }
  return params;
}

/** The runbook's function table: names in the first column of a table headed "function". */
function runbookFunctions(text) {
  return markdownTables(text)
    .filter((t) => /^function/i.test(t.header[0] ?? ""))
    .flatMap((t) => t.rows.map((r) => firstCode(r[0] ?? "")));
}

/** Whether a runbook default cell ("`300`", "empty", "secret", "`26214400` (25 MiB)") matches. */
function sameDefault(param, cell) {
  if (param.type === "secret") return /secret/i.test(cell);
  if (param.default === undefined) return false;
  const documented = /^empty\b/i.test(cell.trim()) ? "" : firstCode(cell);
  return documented === String(param.default);
}

function checkParams(wire, endpoints) {
  section("params (declared in code: firebase-functions/params declaredParams)");
  const params = wire.params ?? [];
  const width = Math.max(...params.map((p) => p.name.length), 4);
  const lines = params.map((p) => {
    const dflt =
      p.type === "secret"
        ? "(secret: Secret Manager)"
        : p.default === undefined
          ? "NO DEFAULT"
          : JSON.stringify(p.default);
    return `${p.name.padEnd(width)}  ${p.type.padEnd(7)} ${dflt}`;
  });
  info(`${params.length} params:\n${lines.join("\n")}`);
  const noDefault = params.filter((p) => p.default === undefined).map((p) => p.name);
  // Every non-secret param needs a production default, so that setup:project can write a
  // complete functions/.env.<id> and a deploy never stops to ask (issue 12).
  const noProductionDefault = params.filter((p) => p.type !== "secret" && p.default === undefined);
  if (noProductionDefault.length)
    fail(`params without a production default: ${noProductionDefault.map((p) => p.name).join(", ")}`);
  else ok("every non-secret param has a production default");
  if (!existsSync(RUNBOOK)) {
    warn(
      `${rel(RUNBOOK)} does not exist: cannot check that its param table lists the params ` +
        `without a default${noDefault.length ? ` (${noDefault.join(", ")})` : ""}`,
    );
    return;
  }
  const text = readFileSync(RUNBOOK, "utf8");
  const documented = runbookParams(text);
  if (!documented.size)
    warn(`${rel(RUNBOOK)} has no param table (a table whose first column is "param")`);
  const undocumented = noDefault.filter((n) => !documented.has(n));
  if (undocumented.length) {
    fail(`no default and not in the param table of ${rel(RUNBOOK)}: ${undocumented.join(", ")}`);
  } else if (noDefault.length) {
    ok(`params without a default are in the runbook's param table: ${noDefault.join(", ")}`);
  } else ok("every param has a default");
  const missing = params.filter((p) => p.default !== undefined && !documented.has(p.name));
  if (missing.length)
    warn(`not in the runbook's param table: ${missing.map((p) => p.name).join(", ")}`);
  const drift = params.filter(
    (p) => documented.has(p.name) && !sameDefault(p, documented.get(p.name)),
  );
  for (const p of drift) {
    warn(
      `runbook documents ${p.name} default as ${documented.get(p.name)}; code says ${fmt(p.default)}`,
    );
  }
  const declared = new Set(params.map((p) => p.name));
  const stale = [...documented.keys()].filter((n) => !declared.has(n));
  if (stale.length)
    warn(`the runbook's param table lists names no code declares: ${stale.join(", ")}`);
  if (!missing.length && !drift.length && !stale.length && documented.size) {
    ok(`the runbook's param table matches the code (${documented.size} params, same defaults)`);
  }
  const fns = runbookFunctions(text);
  const deployed = Object.keys(endpoints);
  const notInRunbook = deployed.filter((n) => !fns.includes(n));
  const notDeployed = fns.filter((n) => !deployed.includes(n));
  if (notInRunbook.length)
    warn(`deployed but not in the runbook's function table: ${notInRunbook.join(", ")}`);
  if (notDeployed.length)
    warn(`in the runbook's function table but not deployed: ${notDeployed.join(", ")}`);
}

function functionsCodebase(firebaseJson) {
  const fns = firebaseJson.functions;
  const list = Array.isArray(fns) ? fns : fns ? [fns] : [];
  return list.find((c) => (c.source ?? "functions").replace(/\/$/, "") === "functions");
}

function checkFirebaseJson(firebaseJson, codebase, endpoints) {
  section("firebase.json and .firebaserc");
  if (!codebase) {
    fail('firebase.json has no functions codebase with source "functions"');
  } else {
    const predeploy = [codebase.predeploy ?? []].flat();
    const buildStep = predeploy.find((c) => /\brun\s+build\b|\btsc\b/.test(c));
    if (buildStep) ok(`functions predeploy builds: ${buildStep}`);
    else fail(`functions predeploy does not build the code (found ${fmt(predeploy)})`);
    const engines = readJson(join(FUNCTIONS_DIR, "package.json")).engines?.node;
    if (!codebase.runtime)
      warn("functions codebase has no runtime: the CLI falls back to package.json engines");
    else if (engines && codebase.runtime !== `nodejs${engines}`) {
      warn(
        `firebase.json runtime ${codebase.runtime} differs from functions/package.json engines.node ${engines}`,
      );
    } else ok(`runtime ${codebase.runtime}`);
    const major = process.versions.node.split(".")[0];
    if (codebase.runtime && codebase.runtime !== `nodejs${major}`) {
      info(
        `discovery ran on Node ${process.versions.node}; the functions run on ${codebase.runtime}`,
      );
    }
  }

  const hostings = [firebaseJson.hosting ?? []].flat();
  const rewrites = hostings.flatMap((h) => h.rewrites ?? []);
  const index = rewrites.findIndex((r) => r.source === POLICY.rewrite.source && r.function);
  if (index < 0) {
    fail(`hosting has no rewrite of ${POLICY.rewrite.source} to a function`);
  } else {
    const fn = rewrites[index].function;
    const functionId = typeof fn === "string" ? fn : fn.functionId;
    const region = typeof fn === "string" ? POLICY.region : (fn.region ?? POLICY.region);
    const target = endpoints[functionId];
    if (functionId !== POLICY.rewrite.functionId || region !== POLICY.region) {
      fail(
        `hosting rewrites ${POLICY.rewrite.source} to ${functionId} in ${region}, must be ${POLICY.rewrite.functionId} in ${POLICY.region}`,
      );
    } else if (!target || !("httpsTrigger" in target) || !target.region?.includes(region)) {
      fail(
        `hosting rewrites ${POLICY.rewrite.source} to ${functionId} (${region}), which is not an https function there`,
      );
    } else ok(`hosting rewrites ${POLICY.rewrite.source} to function ${functionId} in ${region}`);
    const shadow = rewrites
      .slice(0, index)
      .find((r) => ["**", "/**", "/api/**"].includes(r.source));
    if (shadow)
      fail(`an earlier hosting rewrite (${shadow.source}) shadows ${POLICY.rewrite.source}`);
  }

  const rcPath = join(ROOT, ".firebaserc");
  let production;
  try {
    production = readJson(rcPath).projects?.production;
  } catch (e) {
    fail(`cannot read .firebaserc: ${e.message}`);
    return null;
  }
  if (!production) fail(".firebaserc has no `production` alias");
  else if (production.startsWith("demo-")) {
    fail(
      `.firebaserc production alias is ${production}: demo- projects exist only in the emulator`,
    );
  } else if (/your-|change-?me|example|placeholder|todo/i.test(production)) {
    ok(`.firebaserc has a production alias`);
    warn(
      `.firebaserc production alias is still a placeholder (${production}): set the real project id`,
    );
  } else ok(`.firebaserc production alias: ${production}`);
  return production ?? null;
}

/** The production .env files, as the CLI loads them for `firebase deploy -P production`. */
function productionEnvs(cli, production) {
  if (!production || cli.error) return { envs: {}, files: [] };
  const candidates = [".env", `.env.${production}`, ".env.production"];
  const files = candidates.filter((f) => existsSync(join(FUNCTIONS_DIR, f)));
  const envs = cli.env.loadUserEnvs({
    functionsSource: FUNCTIONS_DIR,
    projectId: production,
    projectAlias: "production",
    isEmulator: false,
  });
  return { envs, files };
}

function checkDotenv(cli, wire, production) {
  section("param values for production (functions/.env files)");
  if (cli.error) {
    warn("firebase-tools internals unavailable: .env files not checked");
    return {};
  }
  const declared = new Set((wire.params ?? []).map((p) => p.name));
  for (const f of readdirSync(FUNCTIONS_DIR).filter((n) => /^\.env(\.|$)/.test(n))) {
    let keys;
    try {
      keys = Object.keys(cli.env.parseStrict(readFileSync(join(FUNCTIONS_DIR, f), "utf8")));
    } catch (e) {
      fail(`functions/${f} is not a valid dotenv file for firebase-tools: ${e.message}`);
      continue;
    }
    const unknown = keys.filter((k) => !declared.has(k));
    if (unknown.length)
      warn(`functions/${f} sets ${unknown.join(", ")}, which no param declares (typo?)`);
  }
  let prod;
  try {
    prod = productionEnvs(cli, production);
  } catch (e) {
    fail(`the production .env files cannot be loaded: ${e.message}`);
    return {};
  }
  const needValue = (wire.params ?? []).filter(
    (p) => p.type !== "secret" && !(p.name in prod.envs),
  );
  const where = prod.files.length
    ? prod.files.map((f) => `functions/${f}`).join(", ")
    : `functions/.env, .env.${production ?? "<projectId>"} or .env.production (none exists)`;
  if (!needValue.length) ok(`every non-secret param has a production value in ${where}`);
  else {
    warn(
      `${needValue.length} of ${(wire.params ?? []).length} params have no value in ${where}:\n` +
        `a non-interactive deploy (CI, --non-interactive) stops with "In non-interactive mode but ` +
        `have no value for the following environment variables"\n(firebase-tools ${cli.version} ` +
        `does not fall back to code defaults there; an interactive deploy prompts for each).\n` +
        `Write functions/.env.<id> with every param: npm run setup:project -- --project <id>; missing: ` +
        needValue
          .map((p) => p.name)
          .slice(0, 6)
          .join(", ") +
        (needValue.length > 6 ? `, ... (${needValue.length - 6} more)` : ""),
    );
  }
  const effective = (name) => {
    const p = (wire.params ?? []).find((x) => x.name === name);
    if (name in prod.envs) return { value: prod.envs[name], from: "production .env" };
    return {
      value: p?.default === undefined ? undefined : String(p.default),
      from: "code default",
    };
  };
  const wrong = [];
  for (const [name, must] of Object.entries(POLICY.productionValues)) {
    const { value, from } = effective(name);
    if (value === undefined) continue; // not declared (any more): the manifest check reports it
    if (value.trim().toLowerCase() !== must)
      wrong.push(`${name}=${fmt(value)} (${from}), must be ${fmt(must)}`);
  }
  for (const w of wrong) fail(`production value: ${w}`);
  if (!wrong.length) {
    ok(
      `production values: ${Object.entries(POLICY.productionValues)
        .map(([k, v]) => `${k}=${fmt(v)}`)
        .join(", ")}`,
    );
  }
  const secrets = (wire.params ?? []).filter((p) => p.type === "secret").map((p) => p.name);
  if (secrets.length) {
    info(
      `secrets must exist in the production project's Secret Manager: ${secrets.map((s) => `firebase functions:secrets:set ${s} --project production`).join("; ")}`,
    );
  }
  return prod.envs;
}

/**
 * GEMINI_MODEL and OUTPUT_IMAGE_SIZE, as production would run them (production .env, else the
 * code default) and in every functions/.env* file, must be in the built model registry: a
 * shut-down or mistyped model is refused here, not discovered image by image after a deploy.
 */
async function checkGeminiModel(wire, prodEnvs) {
  section("Gemini model (functions/src/engines/modelRegistry.ts)");
  const registryPath = join(FUNCTIONS_DIR, "lib", "src", "engines", "modelRegistry.js");
  if (!existsSync(registryPath)) {
    fail("functions/lib has no model registry: build first");
    return;
  }
  const registry = await import(pathToFileURL(registryPath).href);
  const codeDefault = (name) => (wire.params ?? []).find((p) => p.name === name)?.default;
  const values = [
    [
      "production",
      prodEnvs.GEMINI_MODEL ?? codeDefault("GEMINI_MODEL"),
      prodEnvs.OUTPUT_IMAGE_SIZE ?? codeDefault("OUTPUT_IMAGE_SIZE"),
    ],
  ];
  for (const f of readdirSync(FUNCTIONS_DIR).filter((n) => /^\.env(\.|$)/.test(n))) {
    const text = readFileSync(join(FUNCTIONS_DIR, f), "utf8");
    const model = /^GEMINI_MODEL=(.*)$/m.exec(text)?.[1]?.trim();
    const size = /^OUTPUT_IMAGE_SIZE=(.*)$/m.exec(text)?.[1]?.trim();
    if (model !== undefined || size !== undefined) values.push([`functions/${f}`, model, size]);
  }
  for (const [where, model, size] of values) {
    try {
      if (model !== undefined) registry.requireModel(String(model));
      if (size !== undefined && !registry.isImageSize(String(size)))
        throw new Error(
          `OUTPUT_IMAGE_SIZE=${size} is not one of ${registry.IMAGE_SIZES.join(", ")}`,
        );
      ok(`${where}: GEMINI_MODEL=${model ?? "(default)"} OUTPUT_IMAGE_SIZE=${size ?? "(default)"}`);
    } catch (e) {
      fail(`${where}: ${e.message}`);
    }
  }
}

async function uploadFiles(cli, codebase) {
  // prepareFunctionsUpload.js packageSource: the codebase's ignore (or its default) plus these.
  const ignore = [
    ...(codebase?.ignore ?? ["node_modules", ".git"]),
    "firebase-debug.log",
    "firebase-debug.*.log",
    ".runtimeconfig.json",
  ];
  if (!cli.error) {
    const files = await cli.fsAsync.readdirRecursive({ path: FUNCTIONS_DIR, ignore });
    return { files: files.map((f) => f.name), exact: true };
  }
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === ".git") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(FUNCTIONS_DIR);
  return { files, exact: false };
}

async function checkUpload(cli, codebase, mainFile) {
  section("files firebase deploy would upload from functions/");
  const { files, exact } = await uploadFiles(cli, codebase);
  if (!exact)
    warn("firebase-tools internals unavailable: scanning every file except node_modules/.git");
  if (exact && !files.includes(mainFile)) {
    fail(`${rel(mainFile)} (package.json "main") is excluded by firebase.json functions.ignore`);
  }
  const hits = [];
  for (const file of files) {
    const name = relative(FUNCTIONS_DIR, file).split(sep).join("/");
    if (SECRET_FILE_NAMES.test(basename(file)))
      hits.push(`functions/${name}: a secrets file would be uploaded`);
    const size = statSync(file).size;
    if (size > 20 * 1024 * 1024) {
      warn(`functions/${name} is ${(size / 1048576).toFixed(0)} MB: not scanned`);
      continue;
    }
    const text = readFileSync(file, "latin1");
    for (const { what, re } of SECRET_PATTERNS) {
      for (const m of text.matchAll(re)) {
        const line = text.slice(0, m.index).split("\n").length;
        const shown = what === "private key" ? m[0] : `${m[0].slice(0, 4)}… redacted`;
        hits.push(`functions/${name}:${line}: looks like a ${what} (${shown})`);
      }
    }
  }
  for (const h of hits) fail(h);
  if (!hits.length)
    ok(`${files.length} files scanned: no Google API key (AIza…), no private key, no secrets file`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cli = loadCli();
  const pkg = readJson(join(FUNCTIONS_DIR, "package.json"));
  const mainFile = join(FUNCTIONS_DIR, pkg.main ?? "index.js");
  const firebaseJson = readJson(join(ROOT, "firebase.json"));
  const codebase = functionsCodebase(firebaseJson);
  const log = opts.print ? (s) => process.stderr.write(`${s}\n`) : (s) => console.log(s);

  log(
    `deploy:check — functions/ as firebase-tools ${cli.version ?? "(not installed)"} would deploy it`,
  );
  if (!build(opts, mainFile)) {
    printReport(log);
    process.exit(1);
  }
  section("discovery");
  if (cli.error)
    warn(`firebase-tools internals unavailable (${cli.error.message}): CLI validation skipped`);
  let found = null;
  try {
    found = await discover();
  } catch (e) {
    fail(`discovery could not start: ${e.message}`);
  }
  const output = found ? `${found.stdout}${found.stderr}`.trim() : "";
  if (found && !found.wire) {
    fail(
      found.timedOut
        ? `loading ${rel(mainFile)} took over ${DISCOVERY_TIMEOUT_MS / 1000} s: firebase deploy times out the same way`
        : `loading ${rel(mainFile)} failed (exit ${found.code}):\n${output.split("\n").slice(0, 12).join("\n")}`,
    );
  }
  if (!found?.wire) {
    printReport(log);
    process.exit(1);
  }
  const { wire } = found;
  ok(
    `${rel(mainFile)} loaded by firebase-functions' discovery in a child process in ` +
      `${(found.ms / 1000).toFixed(1)} s (FUNCTIONS_CONTROL_API=true, GCLOUD_PROJECT=${DISCOVERY_PROJECT}, ` +
      `only the CLI's environment): ${Object.keys(wire.endpoints).length} functions, ${(wire.params ?? []).length} params`,
  );
  if (found.ms > DISCOVERY_TIMEOUT_MS / 2) {
    warn(
      `loading took ${(found.ms / 1000).toFixed(1)} s; firebase deploy gives up after ${DISCOVERY_TIMEOUT_MS / 1000} s`,
    );
  }
  const early = [...output.matchAll(/([\w.]*)\.value\(\) invoked during function deployment/g)].map(
    (m) => m[1] || "a param",
  );
  for (const p of new Set(early)) {
    fail(
      `${p}.value() is read at module load: the deployed options would not use the param's value`,
    );
  }
  if (output && !early.length)
    info(`module load printed:\n${output.split("\n").slice(0, 10).join("\n")}`);

  const manifest = toManifest(wire);
  if (opts.print) {
    // The manifest is printed whatever else is wrong; problems found so far go to stderr.
    if (count("FAIL") || count("warn")) printReport(log, { printing: true });
    process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }

  const declared = new Map((wire.params ?? []).map((p) => [p.name, p]));
  checkManifest(manifest, opts.manifest);
  checkPolicy(wire, declared);
  checkParams(wire, wire.endpoints);
  const production = checkFirebaseJson(firebaseJson, codebase, wire.endpoints);
  const prodEnvs = checkDotenv(cli, wire, production);
  await checkGeminiModel(wire, prodEnvs);

  if (!cli.error) {
    section(`firebase-tools ${cli.version}: parse, resolve and validate (as in firebase deploy)`);
    const userEnvs = {};
    for (const p of wire.params ?? [])
      if (p.default !== undefined) userEnvs[p.name] = String(p.default);
    Object.assign(userEnvs, prodEnvs);
    try {
      const eps = await cliValidate(cli, wire, codebase?.runtime ?? "nodejs22", userEnvs);
      const source = Object.keys(prodEnvs).length
        ? "production .env values over code defaults"
        : "code defaults";
      ok(`valid; resolved with ${source}:\n${eps.map(describeResolved).join("\n")}`);
    } catch (e) {
      const children = (e.children ?? []).map((c) => c.message).join("; ");
      fail(`firebase-tools rejects the functions: ${e.message}${children ? ` (${children})` : ""}`);
    }
  }

  await checkUpload(cli, codebase, mainFile);
  checkIndexCoverage();
  process.exit(printReport(log, { strict: opts.strict }) ? 1 : 0);
}

/** Every query in the code has its index in firestore.indexes.json: the index coverage test. */
function checkIndexCoverage() {
  section("Firestore indexes for the code's queries (index coverage test)");
  if (!existsSync(INDEX_COVERAGE_TEST)) {
    const note = `${rel(INDEX_COVERAGE_TEST)} does not exist yet: index coverage not checked`;
    console.error(`deploy:check: ${note}`);
    warn(note);
    return;
  }
  const r = spawnSync(
    process.execPath,
    [
      "--experimental-vm-modules",
      join(FUNCTIONS_DIR, "node_modules", "jest", "bin", "jest.js"),
      "--selectProjects",
      "unit",
      "--runTestsByPath",
      INDEX_COVERAGE_TEST,
    ],
    { cwd: FUNCTIONS_DIR, encoding: "utf8" },
  );
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status === 0) ok(`${rel(INDEX_COVERAGE_TEST)} passed`);
  else {
    const failures = out.split("\n").filter((l) => /✕|●/.test(l)).slice(0, 12);
    fail(`${rel(INDEX_COVERAGE_TEST)} failed (exit ${r.status ?? r.signal}):\n${failures.join("\n") || out.slice(-2000)}`);
  }
}

function describeResolved(e) {
  const parts = [
    `${e.availableMemoryMb ?? 256} MiB`,
    `${e.timeoutSeconds ?? 60} s`,
    `cpu ${e.cpu}`,
    `concurrency ${e.concurrency}`,
  ];
  if (e.minInstances || e.maxInstances)
    parts.push(`instances ${e.minInstances ?? 0}..${e.maxInstances ?? "∞"}`);
  const q = e.taskQueueTrigger;
  if (q) {
    const r = q.retryConfig ?? {};
    const l = q.rateLimits ?? {};
    parts.push(
      `queue ${l.maxDispatchesPerSecond}/s x${l.maxConcurrentDispatches}, ${r.maxAttempts} attempts, ` +
        `backoff ${r.minBackoffSeconds}..${r.maxBackoffSeconds} s` +
        (r.maxDoublings !== null && r.maxDoublings !== undefined
          ? ` (${r.maxDoublings} doublings)`
          : ""),
    );
  }
  if (e.scheduleTrigger) parts.push(`schedule "${e.scheduleTrigger.schedule}"`);
  if (e.eventTrigger)
    parts.push(
      `${e.eventTrigger.eventType} ${Object.values(e.eventTrigger.eventFilterPathPatterns ?? {}).join(",")}`,
    );
  if (e.secretEnvironmentVariables?.length)
    parts.push(`secrets ${e.secretEnvironmentVariables.map((s) => s.key).join(",")}`);
  return `${e.id.padEnd(17)} ${parts.join(", ")}`;
}

const invokedDirectly = (() => {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  main().catch((e) => {
    console.error(`deploy-check: ${e.stack ?? e}`);
    process.exit(1);
  });
}

export { diff, normalizeEndpoint, prune, runbookParams, toManifest, SECRET_PATTERNS };
