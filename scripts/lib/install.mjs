// @ts-check
// Installs what the project needs, once: the root (firebase-tools) and functions/ dependencies,
// from the committed lock files. Re-runs `npm ci` only when a lock file is newer than the
// install, so `npm start` and `npm test` stay fast after the first run.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

/** @param {string} dir */
function needsInstall(dir) {
  const marker = join(dir, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) return true;
  return statSync(join(dir, "package-lock.json")).mtimeMs > statSync(marker).mtimeMs;
}

export function ensureInstalled({ quiet = false } = {}) {
  for (const dir of [ROOT, join(ROOT, "functions")]) {
    if (!needsInstall(dir)) continue;
    if (!quiet) console.log(`[install] npm ci in ${dir} ...`);
    execSync("npm ci --no-audit --no-fund --loglevel=error", { cwd: dir, stdio: "inherit" });
  }
}

export function build() {
  execSync("npm run build --silent", { cwd: join(ROOT, "functions"), stdio: "inherit" });
}
