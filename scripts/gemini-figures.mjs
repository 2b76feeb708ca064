// @ts-check
// npm run gemini:figures [-- --write]   (see functions/tools/geminiFigures.ts)
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build, ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

ensureInstalled({ quiet: true });
build();
const r = spawnSync(
  process.execPath,
  [join(ROOT, "functions", "lib", "tools", "geminiFigures.js"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
