// @ts-check
// The Emulator Suite's ports, read from firebase.json (the one place they are written), so the
// scripts, the port check and the clients' environment never carry a copy of a number.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.mjs";

/** @typedef {{ host?: string, port?: number }} EmulatorConfig */

/** @type {Record<string, EmulatorConfig>} */
const emulators = JSON.parse(readFileSync(join(ROOT, "firebase.json"), "utf8")).emulators ?? {};

/** @param {string} name */
function portOf(name) {
  const port = emulators[name]?.port;
  if (typeof port !== "number") throw new Error(`firebase.json: emulators.${name}.port is not set`);
  return port;
}

/** Every port the suite binds when started with the emulators in `only` (plus hub, logging, eventarc). */
export const PORTS = {
  hosting: portOf("hosting"),
  functions: portOf("functions"),
  firestore: portOf("firestore"),
  tasks: portOf("tasks"),
  hub: portOf("hub"),
  logging: portOf("logging"),
  eventarc: portOf("eventarc"),
};

/** `host:port` of an emulator, as the client libraries' *_EMULATOR_HOST variables want it. */
/** @param {keyof typeof PORTS} name */
export const hostPort = (name) => `127.0.0.1:${PORTS[name]}`;

export const API_BASE = `http://${hostPort("hosting")}/api`;
