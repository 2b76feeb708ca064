/**
 * The folders of src/ are layers: each imports only the ones below it. Read from the import
 * statements, so a new import that breaks the order fails here rather than in review.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** What each folder may import (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  util: [],
  config: ["domain"],
  net: ["domain"],
  store: ["domain", "util"],
  engines: ["domain", "util"],
  outputs: ["config", "domain", "store"],
  queues: ["config", "domain", "engines", "store", "util"],
  notifications: ["config", "domain", "net", "queues", "store", "util"],
  lifecycle: ["domain", "notifications", "queues", "store", "util"],
  worker: [
    "config",
    "domain",
    "engines",
    "lifecycle",
    "net",
    "notifications",
    "outputs",
    "queues",
    "store",
    "util",
  ],
  api: [
    "config",
    "domain",
    "engines",
    "lifecycle",
    "notifications",
    "outputs",
    "queues",
    "store",
    "util",
  ],
  triggers: ["domain", "lifecycle"],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const folderOf = (file: string): string => relative(SRC, file).split(sep)[0] ?? "";

const imports = sources(SRC)
  .filter((file) => relative(SRC, file).includes(sep))
  .flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)"/g)].map((m) => ({
      file: relative(SRC, file),
      from: folderOf(file),
      to: folderOf(normalize(join(dirname(file), m[1]!))),
    })),
  )
  .filter((i) => i.from !== i.to);

test("every folder of src/ has a place in the layers", () => {
  const folders = new Set(imports.map((i) => i.from));
  for (const f of folders) expect(Object.keys(ALLOWED)).toContain(f);
  expect(folders.size).toBeGreaterThanOrEqual(10);
});

test("each folder imports only the layers below it (no cycle, no route into worker internals)", () => {
  const offending = imports
    .filter((i) => !(ALLOWED[i.from] ?? []).includes(i.to))
    .map((i) => `${i.file} imports ${i.to}/`);
  expect(offending).toEqual([]);
});

test("nothing below the HTTP layer imports from api/ (HTTP errors and statuses stay in api/)", () => {
  const below = ["domain", "store", "worker", "engines"];
  const offending = imports
    .filter((i) => below.includes(i.from) && i.to === "api")
    .map((i) => `${i.file} imports api/`);
  expect(offending).toEqual([]);
});

test("params are read only in config/ and index.ts; every other file is passed the values", () => {
  const readsParams = /from "(?:[^"]*\/config\/params\.js|firebase-functions\/params)"/;
  const offending = sources(SRC)
    .filter((file) => folderOf(file) !== "config" && relative(SRC, file) !== "index.ts")
    .filter((file) => readsParams.test(readFileSync(file, "utf8")))
    .map((file) => relative(SRC, file));
  expect(offending).toEqual([]);
});

test("every file of src/ stays small enough to read at once (300 lines at most)", () => {
  const long = sources(SRC)
    .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, "utf8").split("\n") }))
    .map(({ file, lines }) => ({
      file,
      count: lines.at(-1) === "" ? lines.length - 1 : lines.length,
    }))
    .filter(({ count }) => count > 300)
    .map(({ file, count }) => `${file}: ${count} lines`);
  expect(long).toEqual([]);
});
