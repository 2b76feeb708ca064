// @ts-check
// npm run deploy:check: the pre-deploy check, as jest unit tests in functions/test/unit/:
// deployCheck (every function's options and param against the reviewed snapshot, and the
// deployment rules), deployConfig (firebase.json, runbook, .env values, secretlint) and
// store/indexCoverage. Exits 1 when one fails; `npm run regenerate` accepts a deliberate change.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

const tests = ["deployCheck", "deployConfig", "store/indexCoverage"];
ensureInstalled();
const cwd = join(ROOT, "functions");
const jest = [
  "--experimental-vm-modules",
  "node_modules/jest/bin/jest.js",
  "--selectProjects=unit",
];
const paths = tests.map((t) => `test/unit/${t}.test.ts`);
const { status } = spawnSync(process.execPath, [...jest, "--ci", "--runTestsByPath", ...paths], {
  cwd,
  stdio: "inherit",
});
const production = JSON.parse(readFileSync(join(ROOT, ".firebaserc"), "utf8")).projects.production;
if (/your-|placeholder|example/.test(production))
  console.log(`deploy:check note: .firebaserc production is still ${production}: set your project`);
console.log(status === 0 ? "deploy:check passed" : "deploy:check FAILED");
process.exit(status === 0 ? 0 : 1);
