// npm test: install, build, typecheck, lint, unit tests, then the emulator tests inside
// `firebase emulators:exec` (real functions, Firestore, task queues and Hosting).
//   npm test -- --unit        unit tests only (no emulator)
//   npm test -- --emulator    emulator tests only
import { execSync } from "node:child_process";
import { join } from "node:path";
import { ensureInstalled } from "./lib/install.mjs";
import { execWithEmulators } from "./lib/emulators.mjs";
import { ROOT } from "./lib/paths.mjs";

const args = process.argv.slice(2);
const only = args.includes("--unit") ? "unit" : args.includes("--emulator") ? "emulator" : "all";
const functionsDir = join(ROOT, "functions");
const t0 = Date.now();
const step = (name, cmd) => {
  const t = Date.now();
  console.log(`\n[test] ${name}: ${cmd}`);
  execSync(cmd, { cwd: functionsDir, stdio: "inherit" });
  console.log(`[test] ${name} ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
};

try {
  ensureInstalled();
  step("build", "npm run build --silent");
  step("typecheck", "npx tsc -p tsconfig.json --noEmit");
  step("lint", "npx eslint . --max-warnings 0");
  step("format", "npx prettier --check --log-level warn .");
  if (only !== "emulator") step("unit tests", "node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit --ci");
} catch {
  process.exit(1);
}
if (only !== "unit") {
  console.log("\n[test] emulator tests (firebase emulators:exec)");
  const code = await execWithEmulators(
    "npm --prefix functions run --silent test:emulator -- --ci",
  );
  if (code !== 0) {
    console.error(`[test] emulator tests failed (exit ${code})`);
    process.exit(code);
  }
}
console.log(`\n[test] all green in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
