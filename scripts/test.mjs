// @ts-check
// npm test: install, build, typecheck, lint, unit tests, then the emulator tests against the
// Emulator Suite (real functions, Firestore, task queues and Hosting), whose own log goes to
// .runtime/emulators-test.log so the console shows the test names and the summary.
//   npm test -- --unit        unit tests only (no emulator)
//   npm test -- --emulator    emulator tests only
//   npm test -- --emulator -- gemini   extra arguments after a second `--` go to jest (a path pattern)
// After the emulator tests (the suite stopped), scripts/test-lifecycle.mjs checks that a stopped
// `npm start` leaves every suite port free; it counts as one test in the summary line.
import { execSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureInstalled } from "./lib/install.mjs";
import { runWithEmulators } from "./lib/emulators.mjs";
import { ROOT, RUNTIME_DIR } from "./lib/paths.mjs";

const { values, tokens } = parseArgs({
  options: {
    unit: { type: "boolean", default: false },
    emulator: { type: "boolean", default: false },
  },
  allowPositionals: true,
  tokens: true,
});
// What follows the second `--` goes to jest, quoted for the shell, so a path pattern such as
// "dashboard|vstage" reaches jest intact.
const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
const passThrough =
  terminator < 0
    ? []
    : tokens.slice(terminator + 1).flatMap((t) => (t.kind === "positional" ? [t.value] : []));
const shellQuote = (/** @type {string} */ a) => `'${a.replace(/'/g, "'\\''")}'`;
const jestArgs = passThrough.map(shellQuote).join(" ");
const only = values.unit ? "unit" : values.emulator ? "emulator" : "all";
const functionsDir = join(ROOT, "functions");
const t0 = Date.now();
// Jest writes its counts here, so the run ends with one plain "passed, failed" line.
const reports = {
  unit: join(RUNTIME_DIR, "jest-unit.json"),
  emulator: join(RUNTIME_DIR, "jest-emulator.json"),
};
mkdirSync(RUNTIME_DIR, { recursive: true });
for (const f of Object.values(reports)) rmSync(f, { force: true });
/** The lifecycle check's outcome, counted with jest's. */
const lifecycle = { passed: 0, failed: 0, skipped: 0 };
function summary() {
  const totals = { ...lifecycle };
  for (const f of Object.values(reports)) {
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  console.log(
    `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
  );
}
/** @param {string} name @param {string} cmd */
const step = (name, cmd) => {
  const t = Date.now();
  console.log(`\n[test] ${name}: ${cmd}`);
  execSync(cmd, { cwd: functionsDir, stdio: "inherit" });
  console.log(`[test] ${name} ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
};

try {
  ensureInstalled();
  step("build", "npm run build --silent");
  step("typecheck", "npm run --silent typecheck && npx tsc -p ../scripts/tsconfig.json");
  // functions/ (src, tools, test, web) with its own config; scripts/ from the root, where
  // eslint.config.mjs applies the same rules to them.
  step(
    "lint",
    "npx eslint . --max-warnings 0 && cd .. && functions/node_modules/.bin/eslint --max-warnings 0 scripts",
  );
  step("format", "npx prettier --check --log-level warn . ../scripts ../eslint.config.mjs");
  if (only !== "emulator")
    step(
      "unit tests",
      `node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit --ci --json --outputFile=${reports.unit} ${jestArgs}`,
    );
} catch {
  summary();
  process.exit(1);
}
if (only !== "unit") {
  // The suite's own log goes to a file, so the console shows the test names and the summary.
  const emulatorLog = join(RUNTIME_DIR, "emulators-test.log");
  console.log(`\n[test] emulator tests (Emulator Suite log: .runtime/emulators-test.log)`);
  const code = await runWithEmulators(
    `npm --prefix functions run --silent test:emulator -- --ci --verbose --json --outputFile=${reports.emulator} ${jestArgs}`,
    { logFile: emulatorLog },
  );
  if (code !== 0) {
    summary();
    console.error(
      `[test] emulator tests failed (exit ${code}); the Emulator Suite's log: .runtime/emulators-test.log`,
    );
    process.exit(code);
  }
  // A jest pattern selects some tests; the lifecycle check runs with the whole suite or when named.
  if (passThrough.length === 0 || passThrough.some((a) => /lifecycle/.test(a))) {
    console.log("\n[test] lifecycle: node scripts/test-lifecycle.mjs");
    const ok = (await runLifecycle()) === 0;
    lifecycle[ok ? "passed" : "failed"] = 1;
    if (!ok) {
      summary();
      process.exit(1);
    }
  } else {
    console.log(
      "\n[test] lifecycle check skipped: a jest pattern was given (run it with `-- lifecycle`)",
    );
    lifecycle.skipped = 1;
  }
}
summary();
console.log(`[test] all green in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

/** Runs scripts/test-lifecycle.mjs; its own deadlines bound it, this one bounds the whole. */
function runLifecycle() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "test-lifecycle.mjs")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 360_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}
