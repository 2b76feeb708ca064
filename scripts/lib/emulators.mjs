// @ts-check
// Starting the Emulator Suite offline: Firestore via the launcher jar when needed, the UI and the
// Storage emulator off (both download at run time). Ports come from firebase.json (ports.mjs).
// Every suite started here is stopped with everything it started, on exit or on a signal.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createWriteStream, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firestoreEmulatorEnv } from "./firestoreJar.mjs";
import { FIREBASE_BIN, PROJECT_ID, ROOT, RUNTIME_DIR } from "./paths.mjs";
import { API_BASE, PORTS, hostPort } from "./ports.mjs";
import { commandLine, descendantsOf, isAlive, listenersOn, terminate } from "./processes.mjs";
import { onStop } from "./shutdown.mjs";

export { API_BASE, PORTS };
export const EMULATORS = "functions,firestore,tasks,hosting";

/** The emulator reads secrets from functions/.secret.local; a dummy key serves the local fake. */
export function ensureSecretLocal() {
  const file = join(ROOT, "functions", ".secret.local");
  if (!existsSync(file)) writeFileSync(file, "GEMINI_API_KEY=local-fake-gemini-key\n");
}

/** @param {Record<string, string>} [extra] */
export function emulatorEnv(extra = {}) {
  return {
    ...process.env,
    ...firestoreEmulatorEnv(),
    // Keep the CLI from asking questions or phoning home on an offline machine.
    FIREBASE_CLI_EXPERIMENTS: process.env.FIREBASE_CLI_EXPERIMENTS ?? "",
    CI: process.env.CI ?? "",
    ...extra,
  };
}

const portFree = (/** @type {number} */ port) =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });

/** The suite's ports that something listens on, each with who holds it (when readable). */
export async function busyPorts() {
  const busy = [];
  for (const [name, port] of Object.entries(PORTS)) {
    if (await portFree(port)) continue;
    const holders = listenersOn(port).map((p) => `pid ${p.pid}: ${p.command.slice(0, 160)}`);
    busy.push(
      `${name} ${port} (${holders.length ? holders.join("; ") : "held by another user's process"})`,
    );
  }
  return busy;
}

/** Fails fast, naming each busy port and the process holding it. */
export async function assertPortsFree() {
  const busy = await busyPorts();
  if (busy.length) {
    throw new Error(`ports in use, so another Emulator Suite is running:\n  ${busy.join("\n  ")}`);
  }
}

/** What `firebase emulators:exec` gives its script: where each emulator listens, the project. */
export function emulatorClientEnv() {
  return {
    GCLOUD_PROJECT: PROJECT_ID,
    FIREBASE_CONFIG: JSON.stringify({
      projectId: PROJECT_ID,
      storageBucket: `${PROJECT_ID}.appspot.com`,
      databaseURL: `https://${PROJECT_ID}.firebaseio.com`,
    }),
    FIRESTORE_EMULATOR_HOST: hostPort("firestore"),
    FIREBASE_FIRESTORE_EMULATOR_ADDRESS: hostPort("firestore"),
    FIREBASE_EMULATOR_HUB: hostPort("hub"),
    CLOUD_TASKS_EMULATOR_HOST: hostPort("tasks"),
    CLOUD_EVENTARC_EMULATOR_HOST: `http://${hostPort("eventarc")}`,
  };
}

/**
 * Runs `command` (a shell command) with the suite up; the suite's own log goes to `logFile` and
 * only the command's output reaches the console. Resolves with the command's exit code.
 * @param {string} command
 * @param {{ logFile: string, env?: Record<string, string>, only?: string }} options
 */
export async function runWithEmulators(command, { logFile, env = {}, only = EMULATORS }) {
  await assertPortsFree();
  const log = createWriteStream(logFile);
  const emu = startEmulators({ env, only, log: (s) => log.write(s) });
  try {
    await emu.ready;
  } catch (e) {
    console.error(String(e));
    await stopEmulators(emu.child);
    log.end();
    return 1;
  }
  const code = await new Promise((resolve) => {
    const child = spawn(command, {
      cwd: ROOT,
      shell: true,
      stdio: "inherit",
      env: { ...process.env, ...env, ...emulatorClientEnv() },
    });
    const forget = onStop(() => child.exitCode === null && child.kill("SIGTERM"));
    child.on("exit", (c, signal) => {
      forget();
      resolve(c ?? (signal ? 1 : 0));
    });
  });
  await stopEmulators(emu.child);
  log.end();
  return code;
}

/**
 * Starts the suite in the background; `ready` resolves once every emulator is ready. Callers
 * check the ports first (assertPortsFree), before the CLI binds them. The CLI runs in a process
 * group of its own (so a terminal's Ctrl-C reaches this script, which stops it in order); a
 * signal to this script stops it (shutdown.mjs).
 * @param {{ env?: Record<string, string>, only?: string, log?: (text: string) => void }} [options]
 */
export function startEmulators({ env = {}, only = EMULATORS, log = () => {} } = {}) {
  ensureSecretLocal();
  const child = spawn(
    FIREBASE_BIN,
    ["--non-interactive", "emulators:start", "--project", PROJECT_ID, "--only", only],
    {
      cwd: ROOT,
      env: emulatorEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  forgetOnStop.set(
    child,
    onStop(() => stopEmulators(child)),
  );
  let output = "";
  /** @type {Promise<void>} */
  const ready = new Promise((resolve, reject) => {
    const onData = (/** @type {Buffer} */ buf) => {
      const text = buf.toString();
      output += text;
      log(text);
      if (/All emulators ready/.test(output)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) =>
      reject(new Error(`emulators exited (${code}) before ready:\n${output.slice(-3000)}`)),
    );
  });
  return { child, ready, output: () => output };
}

/** @type {WeakMap<import("node:child_process").ChildProcess, () => unknown>} */
const forgetOnStop = new WeakMap();

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Signals a process group, ignoring one that is already gone. */
function signalGroup(/** @type {number} */ pgid, /** @type {NodeJS.Signals} */ signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

/**
 * Stops a suite started by startEmulators and every process it started: SIGINT to the CLI's
 * group (the CLI then stops its emulators), SIGKILL after 15 s; then whatever the CLI started
 * that is still alive (the Firestore emulator's Java process runs in a session of its own), and
 * any process on the suite's ports running this checkout's launcher jar (an orphan of ours).
 * @param {import("node:child_process").ChildProcess} child
 */
export async function stopEmulators(child) {
  const pid = child?.pid;
  if (!pid || !forgetOnStop.has(child)) return; // not ours, or already stopped
  forgetOnStop.get(child)?.();
  forgetOnStop.delete(child);
  /** Descendants seen while the CLI ran, with their command lines (guards against pid reuse). */
  const started = new Map();
  const remember = () => {
    for (const d of descendantsOf(pid)) if (!started.has(d)) started.set(d, commandLine(d));
  };
  remember();
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (!exited()) {
    signalGroup(pid, "SIGINT");
    const until = Date.now() + 15000;
    while (!exited() && Date.now() < until) {
      remember();
      await sleep(200);
    }
    if (!exited()) signalGroup(pid, "SIGKILL");
  }
  signalGroup(pid, "SIGKILL"); // anything left in the CLI's own group
  const leftovers = [...started]
    .filter(([p, cmd]) => isAlive(p) && commandLine(p) === cmd)
    .map(([p]) => p);
  const launcherDir = join(RUNTIME_DIR, "firestore-launcher");
  for (const port of Object.values(PORTS)) {
    for (const l of listenersOn(port)) if (l.command.includes(launcherDir)) leftovers.push(l.pid);
  }
  if (leftovers.length) await terminate([...new Set(leftovers)]);
}
