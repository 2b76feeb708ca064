// @ts-check
// npm run smoke -- --project <id> [--base-url https://<host>/api] [--engine gemini|preview]
// npm run smoke -- --emulator          (against a running Emulator Suite: npm start)
// The first smoke test of a deployment (see functions/tools/smoke.ts): a sandbox partner, two
// fixture rooms uploaded and staged, the output links and the cost printed, the key revoked.
// With --project, Firestore is reached with application default credentials
// (`gcloud auth application-default login`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build, ensureInstalled } from "./lib/install.mjs";
import { PROJECT_ID, ROOT } from "./lib/paths.mjs";
import { hostPort } from "./lib/ports.mjs";

// Every argument also goes to tools/smoke.ts, which validates them; here only the target matters.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: { project: { type: "string" }, emulator: { type: "boolean" } },
  strict: false,
  allowPositionals: true,
});
const env = { ...process.env };
if (values.emulator) {
  Object.assign(env, {
    FIRESTORE_EMULATOR_HOST: hostPort("firestore"),
    GCLOUD_PROJECT: PROJECT_ID,
  });
} else if (typeof values.project === "string" && values.project) {
  env.GCLOUD_PROJECT = values.project;
  delete env.FIRESTORE_EMULATOR_HOST;
} else {
  console.error(
    "usage: npm run smoke -- --project <id> [--base-url URL] [--engine gemini|preview] | --emulator",
  );
  process.exit(2);
}
ensureInstalled({ quiet: true });
build();
const r = spawnSync(
  process.execPath,
  [join(ROOT, "functions", "lib", "tools", "smoke.js"), ...args],
  {
    env,
    stdio: "inherit",
  },
);
process.exit(r.status ?? 1);
