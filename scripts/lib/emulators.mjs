// Starting the Emulator Suite offline: Firestore via the launcher jar when needed, the UI and the
// Storage emulator off (both download at run time). Fixed ports are in firebase.json.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createWriteStream, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { firestoreEmulatorEnv } from "./firestoreJar.mjs";
import { FIREBASE_BIN, PROJECT_ID, ROOT } from "./paths.mjs";

export const EMULATORS = "functions,firestore,tasks,hosting";
export const PORTS = { hosting: 5000, functions: 5001, firestore: 8080, tasks: 9499, hub: 4400 };
export const API_BASE = `http://127.0.0.1:${PORTS.hosting}/api`;

/** The emulator reads secrets from functions/.secret.local; a dummy key serves the local fake. */
export function ensureSecretLocal() {
  const file = join(ROOT, "functions", ".secret.local");
  if (!existsSync(file)) writeFileSync(file, "GEMINI_API_KEY=local-fake-gemini-key\n");
}

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

/** Fails fast, naming the port, when another process (often an orphaned emulator) holds one. */
export async function assertPortsFree() {
  const busy = [];
  for (const [name, port] of Object.entries(PORTS)) {
    const free = await new Promise((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (!free) busy.push(`${name} ${port}`);
  }
  if (busy.length) {
    throw new Error(
      `ports in use: ${busy.join(", ")}. Another Emulator Suite (or an orphaned Firestore emulator: \`pkill -f launcher.jar\`) is running.`,
    );
  }
}

/** Runs `command` with the suite up (firebase emulators:exec); resolves with its exit code. */
export async function execWithEmulators(command, { env = {}, only = EMULATORS } = {}) {
  ensureSecretLocal();
  await assertPortsFree();
  return new Promise((resolve) => {
    const child = spawn(
      FIREBASE_BIN,
      ["--non-interactive", "emulators:exec", "--project", PROJECT_ID, "--only", only, command],
      { cwd: ROOT, env: emulatorEnv(env), stdio: "inherit" },
    );
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** What `firebase emulators:exec` gives its script: where each emulator listens, the project. */
export function emulatorClientEnv() {
  const at = (port) => `127.0.0.1:${port}`;
  return {
    GCLOUD_PROJECT: PROJECT_ID,
    FIREBASE_CONFIG: JSON.stringify({
      projectId: PROJECT_ID,
      storageBucket: `${PROJECT_ID}.appspot.com`,
      databaseURL: `https://${PROJECT_ID}.firebaseio.com`,
    }),
    FIRESTORE_EMULATOR_HOST: at(PORTS.firestore),
    FIREBASE_FIRESTORE_EMULATOR_ADDRESS: at(PORTS.firestore),
    FIREBASE_EMULATOR_HUB: at(PORTS.hub),
    CLOUD_TASKS_EMULATOR_HOST: at(PORTS.tasks),
    CLOUD_EVENTARC_EMULATOR_HOST: "http://127.0.0.1:9299",
  };
}

/**
 * Like execWithEmulators, but the suite's own log goes to `logFile` and only the command's
 * output reaches the console (readable test runs). Resolves with the command's exit code.
 */
export async function runWithEmulators(command, { logFile, env = {}, only = EMULATORS }) {
  await assertPortsFree();
  const log = createWriteStream(logFile);
  const emu = startEmulators({ env, only, log: (s) => log.write(s) });
  try {
    await emu.ready;
  } catch (e) {
    console.error(String(e));
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
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  await stopEmulators(emu.child);
  log.end();
  return code;
}

/** Starts the suite in the background; resolves once every emulator is ready. Callers check
 * the ports first (assertPortsFree), before the CLI binds them. */
export function startEmulators({ env = {}, only = EMULATORS, log = () => {} } = {}) {
  ensureSecretLocal();
  const child = spawn(FIREBASE_BIN, ["--non-interactive", "emulators:start", "--project", PROJECT_ID, "--only", only], {
    cwd: ROOT,
    env: emulatorEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const onData = (buf) => {
      const text = buf.toString();
      output += text;
      log(text);
      if (/All emulators ready/.test(output)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`emulators exited (${code}) before ready:\n${output.slice(-3000)}`)));
  });
  return { child, ready, output: () => output };
}

export async function stopEmulators(child) {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGINT");
  await new Promise((r) => {
    const t = setTimeout(() => {
      child.kill("SIGKILL");
      r();
    }, 15000);
    child.on("exit", () => {
      clearTimeout(t);
      r();
    });
  });
}
