// @ts-check
// Regenerates every checked-in file derived from the code, after a change to the API schemas,
// the functions' options or their params: documentation/Public/openapi.json (from the zod
// schemas), functions/tools/client/openapi.d.ts (the typed client, from openapi.json) and the
// deploy snapshot (functions/test/unit/__snapshots__/deployCheck.test.ts.snap: every function's
// endpoint options and every param, which deploy:check compares with the code). Unit tests fail
// while any is stale; review the diff before committing.
import { execSync } from "node:child_process";
import { join } from "node:path";
import { ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

const functionsDir = join(ROOT, "functions");
const run = (/** @type {string} */ cmd) =>
  execSync(cmd, { cwd: functionsDir, stdio: ["ignore", "inherit", "inherit"] });

ensureInstalled();
run("npm run build --silent");
run("node lib/tools/openapi.js --write");
run("npm run --silent client:generate");
run(
  "node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit " +
    "--ci=false --updateSnapshot --runTestsByPath test/unit/deployCheck.test.ts",
);
console.log("[regenerate] openapi.json, tools/client/openapi.d.ts, deploy snapshot written");
