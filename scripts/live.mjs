// @ts-check
// npm run live   (see functions/tools/geminiLive.ts): stages the sample rooms with the real
// Gemini API when GEMINI_API_KEY is set; prints why it is skipped otherwise.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build, ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

ensureInstalled({ quiet: true });
build();
const r = spawnSync(process.execPath, [join(ROOT, "functions", "lib", "tools", "geminiLive.js")], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
