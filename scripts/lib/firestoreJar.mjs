// @ts-check
// Makes the Firestore emulator start offline (see shared notes TOOLCHAIN.md): when the Firebase
// CLI has no cached emulator jar and cannot download one, point FIRESTORE_EMULATOR_BINARY_PATH at
// a tiny launcher jar whose manifest runs the jar from Debian's google-cloud-cli-firestore-emulator
// package. On a machine with internet (or a cached jar) nothing is overridden.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { RUNTIME_DIR } from "./paths.mjs";

const GCLOUD_JAR_CANDIDATES = [
  "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
  "/usr/share/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar",
];
const MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

function cliHasCachedJar() {
  const dir = join(homedir(), ".cache", "firebase", "emulators");
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /^cloud-firestore-emulator.*\.jar$/.test(f));
}

function findGcloudJar() {
  for (const p of GCLOUD_JAR_CANDIDATES) if (existsSync(p)) return p;
  try {
    const out = execSync("dpkg -L google-cloud-cli-firestore-emulator 2>/dev/null", {
      encoding: "utf8",
    });
    return out.split("\n").find((l) => l.endsWith("cloud-firestore-emulator.jar")) ?? null;
  } catch {
    return null;
  }
}

/** Returns env additions for the Firebase CLI (empty when the normal download path applies). */
export function firestoreEmulatorEnv({ log = console.log } = {}) {
  if (process.env.FIRESTORE_EMULATOR_BINARY_PATH) return {};
  if (cliHasCachedJar()) return {};
  const gcloudJar = findGcloudJar();
  if (!gcloudJar) {
    log("[emulators] no cached Firestore jar and no gcloud jar: the CLI will try to download it");
    return {};
  }
  const dir = join(RUNTIME_DIR, "firestore-launcher");
  const launcher = join(dir, "launcher.jar");
  if (!existsSync(launcher)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "MANIFEST.MF"),
      `Main-Class: ${MAIN_CLASS}\nClass-Path: ${gcloudJar}\n`,
    );
    execSync(`jar cfm ${launcher} MANIFEST.MF`, { cwd: dir });
  }
  log(`[emulators] offline Firestore emulator via ${gcloudJar}`);
  return { FIRESTORE_EMULATOR_BINARY_PATH: launcher };
}
