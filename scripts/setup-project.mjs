// @ts-check
// npm run setup:project -- --project <id> [--region us-central1] [--dry-run] — prepares a Firebase
// project (Blaze plan) for `firebase deploy`: enables the APIs, creates the Firestore database
// (native mode) if missing, turns on point-in-time recovery and a daily backup schedule, grants
// the functions' runtime service account its roles, sets the bucket's retention rule, stores the
// GEMINI_API_KEY secret and writes functions/.env.<id>. Every step is idempotent (checks first, or
// uses commands that are no-ops when already done), so it can be re-run after any failure.
// --dry-run prints every gcloud/firebase command it would run, checks included, and changes nothing.
//
//   --project ID                 the Firebase / Google Cloud project (required)
//   --region R                   Firestore location (default us-central1, where the functions run)
//   --service-account EMAIL      the functions' runtime account (default: PROJECT_NUMBER-compute@...)
//   --bucket NAME                the project's default Storage bucket (default: detected)
//   --public-api-base-url URL    written as PUBLIC_API_BASE_URL (default https://ID.web.app/api)
//   --output-retention-days N    outputs and uploads are deleted after N days (default 90)
//   --backup-retention D         daily Firestore backups kept this long (default 7d, at most 7d)
//   --gemini-key-file FILE       read the GEMINI_API_KEY from FILE instead of a prompt
//   --skip-secret                leave GEMINI_API_KEY alone
//   --reset-secret               set GEMINI_API_KEY even when it exists
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, delimiter } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { declaredParams } from "./lib/declaredParams.mjs";
import { FIREBASE_BIN, ROOT, RUNTIME_DIR } from "./lib/paths.mjs";
import {
  BUCKET_ROLES,
  DEFAULTS,
  PROJECT_ROLES,
  REQUIRED_APIS,
  SELF_ROLES,
  defaultRuntimeServiceAccount,
  envFileText,
  lifecycleRule,
  parseEnv,
} from "./lib/setupPlan.mjs";

const { values: opt } = parseArgs({
  options: {
    project: { type: "string" },
    region: { type: "string", default: DEFAULTS.region },
    "dry-run": { type: "boolean", default: false },
    "service-account": { type: "string" },
    bucket: { type: "string" },
    "public-api-base-url": { type: "string" },
    "output-retention-days": { type: "string", default: String(DEFAULTS.outputRetentionDays) },
    "backup-retention": { type: "string", default: DEFAULTS.backupRetention },
    "gemini-key-file": { type: "string" },
    "skip-secret": { type: "boolean", default: false },
    "reset-secret": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opt.help) {
  console.log(readFileSync(new URL(import.meta.url), "utf8").split("\nimport ")[0]);
  process.exit(0);
}
const project = opt.project;
if (!project || !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)) {
  console.error("setup:project: --project <id> is required (a Google Cloud project id)");
  process.exit(2);
}
if (project.startsWith("demo-")) {
  console.error(`setup:project: ${project} is a demo project (emulator only); nothing to set up`);
  process.exit(2);
}
const retentionDays = Number(opt["output-retention-days"]);
if (!Number.isInteger(retentionDays) || retentionDays < 1) {
  console.error("setup:project: --output-retention-days must be a whole number of days >= 1");
  process.exit(2);
}
const dryRun = opt["dry-run"];
const isHttpsBase = (/** @type {string} */ u) => /^https:\/\/[^/\s]+(\/[^\s]*)?$/.test(u);
if (opt["public-api-base-url"] && !isHttpsBase(opt["public-api-base-url"])) {
  console.error("setup:project: --public-api-base-url must be https://host/...");
  process.exit(2);
}

const onPath = (/** @type {string} */ bin) =>
  (process.env.PATH ?? "").split(delimiter).some((d) => d && existsSync(join(d, bin)));
const FIREBASE = onPath("firebase") ? "firebase" : FIREBASE_BIN;
const quote = (/** @type {string} */ a) =>
  /^[\w@%+=:,./()-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`;
const show = (/** @type {string} */ cmd, /** @type {string[]} */ args) =>
  [cmd === FIREBASE ? "firebase" : cmd, ...args].map(quote).join(" ");

/**
 * A read-only check. In a dry run it is printed and not run (the answer is unknown: null).
 * @param {string} cmd @param {string[]} args
 */
function check(cmd, args) {
  if (dryRun) {
    console.log(`  (check) ${show(cmd, args)}`);
    return null;
  }
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim() };
}

/**
 * A change. Printed, and run unless this is a dry run; a failure stops the set-up.
 * @param {string} cmd @param {string[]} args
 */
function change(cmd, args, { interactive = false } = {}) {
  console.log(`  $ ${show(cmd, args)}`);
  if (dryRun) return;
  const r = spawnSync(cmd, args, {
    stdio: interactive ? "inherit" : ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) {
    console.error(
      `setup:project: the command above failed (exit ${r.status ?? r.signal}); fix it and re-run`,
    );
    process.exit(1);
  }
}
const step = (/** @type {string} */ title) => console.log(`\n${title}`);
const P = ["--project", project];

console.log(`setup:project for ${project}${dryRun ? " (dry run: nothing is changed)" : ""}`);

step("1. APIs");
change("gcloud", ["services", "enable", ...REQUIRED_APIS.map(([api]) => api), ...P]);

step("2. Firestore database (native mode), point-in-time recovery, daily backups");
const db = check("gcloud", [
  "firestore",
  "databases",
  "describe",
  "--database=(default)",
  ...P,
  "--format=value(name)",
]);
if (db?.ok) console.log("  the (default) database exists");
else {
  if (dryRun) console.log("  if it does not exist:");
  change("gcloud", [
    "firestore",
    "databases",
    "create",
    "--database=(default)",
    `--location=${opt.region}`,
    "--type=firestore-native",
    ...P,
  ]);
}
change("gcloud", [
  "firestore",
  "databases",
  "update",
  "--database=(default)",
  "--enable-pitr",
  ...P,
]);
const schedules = check("gcloud", [
  "firestore",
  "backups",
  "schedules",
  "list",
  "--database=(default)",
  ...P,
  "--format=json",
]);
if (schedules?.ok && /dailyRecurrence/.test(schedules.out))
  console.log("  a daily backup schedule exists");
else {
  if (dryRun) console.log("  if no daily schedule exists:");
  change("gcloud", [
    "firestore",
    "backups",
    "schedules",
    "create",
    "--database=(default)",
    "--recurrence=daily",
    `--retention=${opt["backup-retention"]}`,
    ...P,
  ]);
}

step("3. The functions' runtime service account and its roles");
let sa = opt["service-account"];
if (!sa) {
  const number = check("gcloud", [
    "projects",
    "describe",
    project,
    "--format=value(projectNumber)",
  ]);
  if (number && !number.ok) {
    console.error(
      `setup:project: cannot read project ${project} (gcloud auth login? the right account?)`,
    );
    process.exit(1);
  }
  sa = defaultRuntimeServiceAccount(number?.out || "PROJECT_NUMBER");
}
console.log(`  runtime service account: ${sa}`);
const member = `--member=serviceAccount:${sa}`;
for (const [role] of PROJECT_ROLES)
  change("gcloud", [
    "projects",
    "add-iam-policy-binding",
    project,
    member,
    `--role=${role}`,
    "--condition=None",
    "--quiet",
    "--format=none",
  ]);
for (const [role] of SELF_ROLES)
  change("gcloud", [
    "iam",
    "service-accounts",
    "add-iam-policy-binding",
    sa,
    member,
    `--role=${role}`,
    ...P,
    "--quiet",
    "--format=none",
  ]);

step(
  `4. Storage bucket: access and retention (outputs and uploads deleted after ${retentionDays} days)`,
);
let bucket = opt.bucket;
if (!bucket) {
  for (const candidate of [`${project}.firebasestorage.app`, `${project}.appspot.com`]) {
    const found = check("gcloud", [
      "storage",
      "buckets",
      "describe",
      `gs://${candidate}`,
      ...P,
      "--format=value(name)",
    ]);
    if (found === null || found.ok) {
      bucket = candidate;
      break;
    }
  }
  if (!bucket) {
    console.error(
      "setup:project: the project has no default Storage bucket: open the Firebase console, Storage, Get started; then re-run",
    );
    process.exit(1);
  }
}
for (const [role] of BUCKET_ROLES)
  change("gcloud", [
    "storage",
    "buckets",
    "add-iam-policy-binding",
    `gs://${bucket}`,
    member,
    `--role=${role}`,
    ...P,
    "--format=none",
  ]);
const rule = lifecycleRule(retentionDays);
const ruleFile = join(RUNTIME_DIR, `lifecycle-${project}.json`);
if (dryRun) console.log(`  ${ruleFile}: ${JSON.stringify(rule)}`);
else {
  mkdirSync(RUNTIME_DIR, { recursive: true });
  writeFileSync(ruleFile, `${JSON.stringify(rule, null, 2)}\n`);
}
change("gcloud", [
  "storage",
  "buckets",
  "update",
  `gs://${bucket}`,
  `--lifecycle-file=${ruleFile}`,
  ...P,
]);

step("5. The GEMINI_API_KEY secret (Secret Manager)");
if (opt["skip-secret"]) console.log("  --skip-secret: left alone");
else {
  const secret = check(FIREBASE, ["functions:secrets:get", "GEMINI_API_KEY", ...P]);
  if (secret?.ok && !opt["reset-secret"])
    console.log("  GEMINI_API_KEY exists (--reset-secret to replace it)");
  else {
    if (dryRun) console.log("  if it does not exist (prompts for the key, input hidden):");
    const file = opt["gemini-key-file"] ? ["--data-file", opt["gemini-key-file"]] : [];
    change(FIREBASE, ["functions:secrets:set", "GEMINI_API_KEY", ...file, ...P], {
      interactive: true,
    });
  }
}

step(`6. functions/.env.${project} (every param, production defaults)`);
const envPath = join(ROOT, "functions", `.env.${project}`);
const params = await declaredParams();
const existing = existsSync(envPath) ? parseEnv(readFileSync(envPath, "utf8")) : {};
existing.PUBLIC_API_BASE_URL ??= `https://${project}.web.app/api`;
let publicBase = opt["public-api-base-url"];
// The one value without a safe default (a custom domain): asked on a terminal, else a flag.
if (!publicBase && !dryRun && process.stdin.isTTY) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    `  Public API base URL (custom domain) [${existing.PUBLIC_API_BASE_URL}]: `,
  );
  rl.close();
  publicBase = answer.trim() || undefined;
}
if (publicBase && !isHttpsBase(publicBase)) {
  console.error(
    `setup:project: the public API base URL must be https://host/... (got ${publicBase})`,
  );
  process.exit(2);
}
/** @type {Record<string, string>} */
const answers = publicBase ? { PUBLIC_API_BASE_URL: publicBase.replace(/\/+$/, "") } : {};
const text = envFileText({ params, existing, answers, projectId: project });
if (dryRun) console.log(`  would write functions/.env.${project}:\n${text.replace(/^/gm, "    ")}`);
else {
  writeFileSync(envPath, text);
  console.log(`  wrote functions/.env.${project} (${text.split("\n").length - 1} lines)`);
}

step("Next");
console.log(`  npm run deploy:check
  npx firebase deploy --project ${project}
  npm run smoke -- --project ${project}`);
