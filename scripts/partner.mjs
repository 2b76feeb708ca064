// npm run partner -- create --name "Acme CRM"   (see functions/tools/partner.ts)
// Talks to the running emulator by default; pass --project <id> to use a real project with
// application default credentials.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build, ensureInstalled } from "./lib/install.mjs";
import { PROJECT_ID, ROOT } from "./lib/paths.mjs";

const args = process.argv.slice(2);
const p = args.indexOf("--project");
let env = { ...process.env };
if (p >= 0) {
  env.GCLOUD_PROJECT = args[p + 1];
  args.splice(p, 2);
} else {
  env = { FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080", GCLOUD_PROJECT: PROJECT_ID, ...env };
}
ensureInstalled({ quiet: true });
build();
const r = spawnSync(process.execPath, [join(ROOT, "functions", "lib", "tools", "partner.js"), ...args], { env, stdio: "inherit" });
process.exit(r.status ?? 1);
