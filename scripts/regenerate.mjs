// @ts-check
// Regenerates every checked-in file derived from the code, after a change to the API schemas,
// the functions' options or their params: documentation/Public/openapi.json (from the zod
// schemas), functions/tools/client/openapi.d.ts (the typed client, from openapi.json) and
// scripts/deploy-manifest.json (the reviewed deploy manifest). Unit tests fail while any is stale.
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

const functionsDir = join(ROOT, "functions");
const run = (/** @type {string} */ cmd, cwd = functionsDir) => execSync(cmd, { cwd, stdio: ["ignore", "pipe", "inherit"] });

ensureInstalled();
run("npm run build --silent");
run("node lib/tools/openapi.js --write");
run("npm run --silent client:generate");
const manifest = run("node scripts/deploy-check.mjs --print", ROOT);
writeFileSync(join(ROOT, "scripts", "deploy-manifest.json"), manifest);
console.log("[regenerate] openapi.json, tools/client/openapi.d.ts, deploy-manifest.json written");
