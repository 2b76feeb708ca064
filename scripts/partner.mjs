// @ts-check
// npm run partner -- create --name "Acme CRM"   (see functions/tools/partner.ts)
// Talks to the running emulator by default; pass --project <id> to use a real project with
// application default credentials.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build, ensureInstalled } from "./lib/install.mjs";
import { PROJECT_ID, ROOT } from "./lib/paths.mjs";
import { hostPort } from "./lib/ports.mjs";

// --project is ours; every other argument goes to tools/partner.ts unchanged, in order.
const args = process.argv.slice(2);
const { values, tokens } = parseArgs({
  args,
  options: { project: { type: "string" } },
  strict: false,
  allowPositionals: true,
  tokens: true,
});
const projectToken = tokens.find((t) => t.kind === "option" && t.name === "project");
if (projectToken?.kind === "option")
  args.splice(projectToken.index, projectToken.inlineValue ? 1 : 2);
let env = { ...process.env };
if (typeof values.project === "string") {
  env.GCLOUD_PROJECT = values.project;
} else {
  env = { FIRESTORE_EMULATOR_HOST: hostPort("firestore"), GCLOUD_PROJECT: PROJECT_ID, ...env };
}
ensureInstalled({ quiet: true });
build();
const r = spawnSync(
  process.execPath,
  [join(ROOT, "functions", "lib", "tools", "partner.js"), ...args],
  { env, stdio: "inherit" },
);
process.exit(r.status ?? 1);
