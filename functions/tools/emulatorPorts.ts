/**
 * The Emulator Suite's addresses for the tools (demo, bench, smoke, vstage) and the tests, read
 * from the repository's firebase.json, the one place the ports are written (the scripts read it
 * through scripts/lib/ports.mjs). Found by walking up from this file, so the same code works from
 * tools/ (ts-jest) and from the build in lib/tools/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Emulators = Record<string, { host?: string; port?: number }>;

function firebaseJsonEmulators(): Emulators {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, "firebase.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).emulators ?? {};
    if (dirname(dir) === dir) throw new Error("firebase.json not found above functions/tools");
  }
}

/** `http://host:port` of one emulator, as firebase.json configures it. */
export function emulatorOrigin(name: string): string {
  const config = firebaseJsonEmulators()[name];
  if (typeof config?.port !== "number")
    throw new Error(`firebase.json: emulators.${name}.port is not set`);
  return `http://${config.host ?? "127.0.0.1"}:${config.port}`;
}

/** The partner API through the Hosting emulator's /api/** rewrite, as partners call it. */
export const localApiBase = (): string => `${emulatorOrigin("hosting")}/api`;
