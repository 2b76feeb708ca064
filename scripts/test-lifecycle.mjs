// @ts-check
// The stop test of `npm start`: starts `node scripts/start.mjs --no-demo`, waits until the suite
// is ready, sends Ctrl-C (SIGINT to its process group, as a terminal does) and checks that every
// suite port in firebase.json is free within 15 s. Exit 0 = pass. Starts a suite, so it runs
// under the emulator lock (scripts/test.mjs runs it after the emulator tests). Never hangs: every
// wait has a deadline, and on failure whatever it started is killed.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { busyPorts } from "./lib/emulators.mjs";
import { ROOT } from "./lib/paths.mjs";
import { descendantsOf, terminate } from "./lib/processes.mjs";

const READY_TIMEOUT_MS = 240_000;
const PORTS_FREE_TIMEOUT_MS = 15_000;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @returns {Promise<string | null>} null on pass, else why it failed */
async function run() {
  const before = await busyPorts();
  if (before.length) return `suite ports busy before the start:\n  ${before.join("\n  ")}`;
  const start = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs"), "--no-demo"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own group, so Ctrl-C can be sent to it as a terminal would
  });
  const pid = /** @type {number} */ (start.pid);
  /** Every process start.mjs started, seen while it ran: killed if the test fails. */
  const seen = new Set();
  const watch = setInterval(() => descendantsOf(pid).forEach((d) => seen.add(d)), 500);
  let output = "";
  const onData = (/** @type {Buffer} */ b) => (output += b.toString());
  start.stdout.on("data", onData);
  start.stderr.on("data", onData);
  /** @type {Promise<number | null>} */
  const exited = new Promise((r) => start.on("exit", (code) => r(code)));
  const cleanUp = async () => {
    clearInterval(watch);
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
    await terminate([...seen], 2000);
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!/\[start\] suite ready/.test(output)) {
      if (start.exitCode !== null)
        return `start.mjs exited (${start.exitCode}) before ready:\n${output.slice(-2000)}`;
      if (Date.now() > deadline)
        return `not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.slice(-2000)}`;
      await sleep(250);
    }
    descendantsOf(pid).forEach((d) => seen.add(d));
    const stoppedAt = Date.now();
    process.kill(-pid, "SIGINT");
    let busy = await busyPorts();
    while (busy.length && Date.now() - stoppedAt < PORTS_FREE_TIMEOUT_MS) {
      await sleep(250);
      busy = await busyPorts();
    }
    if (busy.length)
      return `ports still busy ${PORTS_FREE_TIMEOUT_MS / 1000} s after Ctrl-C:\n  ${busy.join("\n  ")}`;
    const code = await Promise.race([exited, sleep(PORTS_FREE_TIMEOUT_MS).then(() => "timeout")]);
    if (code !== 0) return `start.mjs did not exit 0 after Ctrl-C (${code})`;
    console.log(
      `[lifecycle] every suite port free ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after Ctrl-C`,
    );
    return null;
  } finally {
    await cleanUp();
  }
}

const failure = await run();
if (failure) console.error(`[lifecycle] FAIL: ${failure}`);
else
  console.log("[lifecycle] PASS: npm start -- --no-demo stops every process it started on Ctrl-C");
process.exit(failure ? 1 : 0);
