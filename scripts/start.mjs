// @ts-check
// npm start: install, build, start the Emulator Suite offline, run the demo batch, keep running.
//   npm start -- --no-demo   suite + source-photo server only
//   npm start -- --once      exit after the demo batch
// Ctrl-C (or SIGTERM) stops the demo and the whole suite, leaving every port free.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build, ensureInstalled } from "./lib/install.mjs";
import { assertPortsFree, startEmulators, API_BASE, PORTS } from "./lib/emulators.mjs";
import { PROJECT_ID, ROOT, RUNTIME_DIR } from "./lib/paths.mjs";
import { hostPort } from "./lib/ports.mjs";
import { onStop, setExitCodeOnSignal, stopAll } from "./lib/shutdown.mjs";

const DASHBOARD_URL = new URL("/", API_BASE).href;
const { values } = parseArgs({
  options: {
    once: { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
  },
});
const once = values.once;
const noDemo = values["no-demo"];
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
// Ctrl-C is the normal way to stop `npm start`, so it exits 0.
setExitCodeOnSignal(0);
const emu = startEmulators({ log: (s) => log.write(s) });
/** @param {number} code */
const shutdown = async (code) => {
  await stopAll();
  process.exit(code);
};
try {
  await emu.ready;
} catch (e) {
  console.error(String(e));
  await shutdown(1);
}
console.log(
  `[start] suite ready (${since()}): API ${API_BASE}, functions :${PORTS.functions}, firestore :${PORTS.firestore}, tasks :${PORTS.tasks}`,
);
console.log(
  `[start] partner dashboard: ${DASHBOARD_URL} (sign in with the API key the demo prints)`,
);

const demoArgs = [join(ROOT, "functions", "lib", "tools", "demo.js")];
if (noDemo) demoArgs.push("--serve-only");
if (once) demoArgs.push("--once");
const demo = spawn(process.execPath, demoArgs, {
  env: {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: hostPort("firestore"),
    GCLOUD_PROJECT: PROJECT_ID,
    STAGING_API_BASE: API_BASE,
  },
  stdio: "inherit",
});
onStop(() => demo.exitCode === null && demo.kill("SIGINT"));
demo.on("exit", async (code) => {
  console.log(`[start] demo finished (${since()})`);
  if (once) await shutdown(code ?? 1);
  else console.log("[start] the suite keeps running; Ctrl-C to stop");
});
