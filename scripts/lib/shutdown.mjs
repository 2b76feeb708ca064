// @ts-check
// One place that stops what a script started when it gets Ctrl-C (SIGINT) or SIGTERM: each
// start registers a cleanup, the first signal runs them all, then the process exits.

/** @type {Set<() => unknown>} */
const cleanups = new Set();
let installed = false;
let stopping = false;
/** Exit code after a signal; `npm start` exits 0 on Ctrl-C, its normal way to stop. */
let exitCodeOnSignal = 130;

/** Registers `fn` to run on SIGINT/SIGTERM; returns a function that unregisters it. */
export function onStop(/** @type {() => unknown} */ fn) {
  install();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export function setExitCodeOnSignal(/** @type {number} */ code) {
  exitCodeOnSignal = code;
}

/** Runs every registered cleanup (latest first), once. */
export async function stopAll() {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      await fn();
    } catch (e) {
      console.error(`[stop] ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function install() {
  if (installed) return;
  installed = true;
  for (const signal of /** @type {NodeJS.Signals[]} */ (["SIGINT", "SIGTERM"])) {
    process.on(signal, async () => {
      if (stopping) {
        console.error("[stop] still stopping the processes this script started...");
        return;
      }
      stopping = true;
      await stopAll();
      process.exit(exitCodeOnSignal);
    });
  }
}
