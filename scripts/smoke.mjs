// npm run smoke -- --project <id> [--base-url https://<host>/api] [--engine gemini|preview]
// npm run smoke -- --emulator          (against a running Emulator Suite: npm start)
// The first smoke test of a deployment (see functions/tools/smoke.ts): a sandbox partner, two
// fixture rooms uploaded and staged, the output links and the cost printed, the key revoked.
// With --project, Firestore is reached with application default credentials
// (`gcloud auth application-default login`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build, ensureInstalled } from "./lib/install.mjs";
import { PROJECT_ID, ROOT } from "./lib/paths.mjs";

const args = process.argv.slice(2);
const p = args.indexOf("--project");
const env = { ...process.env };
if (args.includes("--emulator")) {
  Object.assign(env, { FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080", GCLOUD_PROJECT: PROJECT_ID });
} else if (p >= 0 && args[p + 1]) {
  env.GCLOUD_PROJECT = args[p + 1];
  delete env.FIRESTORE_EMULATOR_HOST;
} else {
  console.error("usage: npm run smoke -- --project <id> [--base-url URL] [--engine gemini|preview] | --emulator");
  process.exit(2);
}
ensureInstalled({ quiet: true });
build();
const r = spawnSync(process.execPath, [join(ROOT, "functions", "lib", "tools", "smoke.js"), ...args], {
  env,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
