/**
 * scripts/lib/processes.mjs and ports.mjs, which let `npm start`, `npm test` and `npm run bench`
 * stop everything they started: a process started in a session of its own by a child (as the
 * Firebase CLI starts the Firestore emulator's Java process) is found among the child's
 * descendants and on its port, outlives the child, and is terminated. Ports come from firebase.json.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs module without types
import { descendantsOf, isAlive, listenersOn, terminate } from "../../../scripts/lib/processes.mjs";
// @ts-expect-error: a plain .mjs module without types
import { PORTS, API_BASE } from "../../../scripts/lib/ports.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const started: number[] = [];
afterEach(async () => {
  await terminate(started.splice(0), 1000);
});

/** A parent whose child runs detached (its own session) and listens on a free port. */
function parentWithDetachedListener(): Promise<{ parent: ChildProcess; port: number }> {
  const grandchild =
    "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))";
  const parent = spawn(
    process.execPath,
    [
      "-e",
      `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { detached: true, stdio: ["ignore", "inherit", "inherit"] }); setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  started.push(parent.pid as number);
  return new Promise((resolve) => {
    let out = "";
    parent.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ parent, port: Number(m[1]) });
    });
  });
}

describe("processes", () => {
  it("finds a detached grandchild by ancestry and by port, and terminates it after its parent is gone", async () => {
    const { parent, port } = await parentWithDetachedListener();
    const descendants: number[] = descendantsOf(parent.pid);
    expect(descendants).toHaveLength(1);
    const [grandchild] = descendants;
    started.push(grandchild);
    const listeners: { pid: number; command: string }[] = listenersOn(port);
    expect(listeners.map((l) => l.pid)).toEqual([grandchild]);
    expect(listeners[0].command).toContain("createServer");

    const exited = new Promise((r) => parent.once("exit", r));
    parent.kill("SIGKILL");
    await exited;
    expect(isAlive(grandchild)).toBe(true); // killing the parent alone leaves it listening

    await terminate([grandchild], 2000);
    expect(isAlive(grandchild)).toBe(false);
    expect(listenersOn(port)).toEqual([]);
  });
});

describe("ports", () => {
  it("are firebase.json's emulator ports", () => {
    const emulators = JSON.parse(readFileSync(`${root}firebase.json`, "utf8")).emulators;
    for (const name of [
      "hosting",
      "functions",
      "firestore",
      "tasks",
      "hub",
      "logging",
      "eventarc",
    ]) {
      expect(PORTS[name]).toBe(emulators[name].port);
    }
    expect(API_BASE).toBe(`http://127.0.0.1:${emulators.hosting.port}/api`);
  });
});
