// npm start: install, build, start the Emulator Suite offline, run the demo batch, keep running.
//   npm start -- --no-demo   suite + source-photo server only
//   npm start -- --once      exit after the demo batch
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { build, ensureInstalled } from "./lib/install.mjs";
import { assertPortsFree, startEmulators, stopEmulators, API_BASE } from "./lib/emulators.mjs";

const DASHBOARD_URL = new URL("/", API_BASE).href;
import { PROJECT_ID, ROOT, RUNTIME_DIR } from "./lib/paths.mjs";

const args = process.argv.slice(2);
const once = args.includes("--once");
const noDemo = args.includes("--no-demo");
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

ensureInstalled();
console.log(`[start] building functions (${since()})`);
build();
mkdirSync(RUNTIME_DIR, { recursive: true });
const logFile = join(RUNTIME_DIR, "emulators.log");
const log = createWriteStream(logFile);
console.log(`[start] starting the Emulator Suite (log: .runtime/emulators.log) (${since()})`);
await assertPortsFree().catch((e) => {
  console.error(`[start] ${e.message}`);
  process.exit(1);
});
const emu = startEmulators({ log: (s) => log.write(s) });
let demo;
const shutdown = async (code) => {
  demo?.kill("SIGINT");
  await stopEmulators(emu.child);
  process.exit(code);
};
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
try {
  await emu.ready;
} catch (e) {
  console.error(String(e));
  process.exit(1);
}
console.log(`[start] suite ready (${since()}): API ${API_BASE}, functions :5001, firestore :8080, tasks :9499`);
console.log(`[start] partner dashboard: ${DASHBOARD_URL} (sign in with the API key the demo prints)`);

const demoArgs = [join(ROOT, "functions", "lib", "tools", "demo.js")];
if (noDemo) demoArgs.push("--serve-only");
if (once) demoArgs.push("--once");
demo = spawn(process.execPath, demoArgs, {
  env: { ...process.env, FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080", GCLOUD_PROJECT: PROJECT_ID },
  stdio: "inherit",
});
demo.on("exit", async (code) => {
  console.log(`[start] demo finished (${since()})`);
  if (once) await shutdown(code ?? 1);
  else console.log("[start] the suite keeps running; Ctrl-C to stop");
});
