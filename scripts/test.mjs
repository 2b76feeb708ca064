// npm test: install, build, typecheck, lint, unit tests, then the emulator tests against the
// Emulator Suite (real functions, Firestore, task queues and Hosting), whose own log goes to
// .runtime/emulators-test.log so the console shows the test names and the summary.
//   npm test -- --unit        unit tests only (no emulator)
//   npm test -- --emulator    emulator tests only
//   npm test -- --emulator -- gemini   extra arguments after a second `--` go to jest (a path pattern)
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "./lib/install.mjs";
import { runWithEmulators } from "./lib/emulators.mjs";
import { ROOT, RUNTIME_DIR } from "./lib/paths.mjs";

const args = process.argv.slice(2);
const passIndex = args.indexOf("--");
// Quoted for the shell, so a path pattern such as "dashboard|vstage" reaches jest intact.
const shellQuote = (a) => `'${a.replace(/'/g, "'\\''")}'`;
const jestArgs = passIndex >= 0 ? args.slice(passIndex + 1).map(shellQuote).join(" ") : "";
const only = args.includes("--unit") ? "unit" : args.includes("--emulator") ? "emulator" : "all";
const functionsDir = join(ROOT, "functions");
const t0 = Date.now();
// Jest writes its counts here, so the run ends with one plain "passed, failed" line.
const reports = { unit: join(RUNTIME_DIR, "jest-unit.json"), emulator: join(RUNTIME_DIR, "jest-emulator.json") };
mkdirSync(RUNTIME_DIR, { recursive: true });
for (const f of Object.values(reports)) rmSync(f, { force: true });
function summary() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const f of Object.values(reports)) {
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}
const step = (name, cmd) => {
  const t = Date.now();
  console.log(`\n[test] ${name}: ${cmd}`);
  execSync(cmd, { cwd: functionsDir, stdio: "inherit" });
  console.log(`[test] ${name} ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
};

try {
  ensureInstalled();
  step("build", "npm run build --silent");
  step("typecheck", "npm run --silent typecheck");
  step("lint", "npx eslint . --max-warnings 0");
  step("format", "npx prettier --check --log-level warn .");
  if (only !== "emulator") step("unit tests", `node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit --ci --json --outputFile=${reports.unit} ${jestArgs}`);
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
    console.error(`[test] emulator tests failed (exit ${code}); the Emulator Suite's log: .runtime/emulators-test.log`);
    process.exit(code);
  }
}
summary();
console.log(`[test] all green in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
