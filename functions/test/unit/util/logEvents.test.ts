/** The declared log events are the ones the code writes: no stale name stays in the list. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOG_EVENT_NAMES } from "../../../src/util/logEvents.js";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const code = sources(SRC)
  .filter((p) => !p.endsWith(join("util", "logEvents.ts")))
  .map((p) => readFileSync(p, "utf8"))
  .join("\n");

test.each(LOG_EVENT_NAMES)("%s is written somewhere in src", (name) => {
  expect(code).toContain(`"${name}"`);
});

test("every logEvent call names a declared event (checked by the compiler; counted here)", () => {
  const calls = [...code.matchAll(/logEvent\(\s*"([a-z_.]+)"/g)].map((m) => m[1]);
  expect(calls.length).toBeGreaterThan(20);
  for (const name of calls) expect(LOG_EVENT_NAMES).toContain(name);
});
