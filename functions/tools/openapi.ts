/**
 * Renders the partner API's OpenAPI 3.1 document (documentation/Public/openapi.json) from the
 * HTTP contract in src/api/contract/ with zod-openapi. Only presentation happens here: zod's
 * JSON Schema noise is dropped and keys are sorted so the file is byte-stable. The unit test
 * test/unit/openapi.test.ts checks the checked-in file against this generator and every route of
 * the express router against the document.
 *
 *   node functions/lib/tools/openapi.js            print the document
 *   node functions/lib/tools/openapi.js --write    write documentation/Public/openapi.json
 *   node functions/lib/tools/openapi.js --check    exit 1 when the checked-in file is stale
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createDocument } from "zod-openapi";
import { apiContract } from "../src/api/contract/index.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Removes what zod adds for standalone JSON Schema documents but is noise inside OpenAPI:
 * `$schema` / `$id`, the safe-integer bounds of `.int()`, the long regex next to
 * `format: date-time`.
 */
function tidy(node: Json): Json {
  if (Array.isArray(node)) return node.map(tidy);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "minimum" && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === "maximum" && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === "pattern" && node.format === "date-time") continue;
    out[key] = tidy(value);
  }
  return out;
}

/**
 * Parameters as the document always showed them: `required` stated also when false, and the
 * description said once, on the parameter, not again on its schema.
 */
function tidyParameters(doc: JsonObject): void {
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(isObject(item) ? item : {})) {
      const parameters = isObject(operation) ? operation.parameters : undefined;
      for (const p of Array.isArray(parameters) ? parameters : []) {
        if (!isObject(p)) continue;
        p.required = p.required === true;
        if (isObject(p.schema) && p.schema.description === p.description) {
          delete p.schema.description;
        }
      }
    }
  }
}

/** Recursively sorts object keys, so the file is byte-stable whatever the build order. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
  return out;
}

export function buildOpenApi(): object {
  const doc = createDocument(apiContract, {
    // Responses may gain fields; clients must ignore unknown ones, so response objects stay open.
    override: ({ jsonSchema, io }) => {
      if (io === "output" && jsonSchema.additionalProperties === false) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  const json = tidy(JSON.parse(JSON.stringify(doc)) as Json) as JsonObject;
  tidyParameters(json);
  return sortKeys(json) as JsonObject;
}

/** The file's exact text: 2-space JSON, sorted keys, trailing newline. */
export function renderOpenApi(doc: object = buildOpenApi()): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The repository root: the nearest ancestor holding firebase.json (works from src and lib). */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "firebase.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`openapi: no firebase.json above ${start}`);
    dir = parent;
  }
}

export function openApiPath(): string {
  return join(repoRoot(), "documentation", "Public", "openapi.json");
}

function main(argv: string[]): number {
  const file = openApiPath();
  const text = renderOpenApi();
  if (argv.includes("--write")) {
    writeFileSync(file, text);
    console.log(`openapi: wrote ${file}`);
    return 0;
  }
  if (argv.includes("--check")) {
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current === text) {
      console.log(`openapi: ${file} is up to date`);
      return 0;
    }
    console.error(
      `openapi: ${file} is stale; regenerate it with\n` +
        "  npm --prefix functions run build && node functions/lib/tools/openapi.js --write",
    );
    return 1;
  }
  process.stdout.write(text);
  return 0;
}

const invokedAs = process.argv[1] ? resolve(process.argv[1]) : "";
if (invokedAs === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
