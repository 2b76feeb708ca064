/**
 * Generates the typed partner-API client's types (tools/client/openapi.d.ts) from the public
 * contract documentation/Public/openapi.json with openapi-typescript. The file is committed so
 * the CLI, the demo, the benchmark and the tests type-check without a generation step; the unit
 * test test/unit/apiClientTypes.test.ts fails when it no longer matches openapi.json.
 *
 *   node functions/lib/tools/client/generate.js           write tools/client/openapi.d.ts
 *   node functions/lib/tools/client/generate.js --check   exit 1 when the committed file is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const HEADER =
  "/**\n * Generated from documentation/Public/openapi.json by tools/client/generate.ts " +
  "(openapi-typescript).\n * Do not edit by hand: run `npm --prefix functions run client:generate`.\n */\n\n";

/** functions/ (this file runs from tools/client/ under ts-jest and from lib/tools/client/). */
function functionsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith("functions") && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const OPENAPI_FILE = resolve(
  functionsDir(),
  "..",
  "documentation",
  "Public",
  "openapi.json",
);
export const TYPES_FILE = join(functionsDir(), "tools", "client", "openapi.d.ts");

export async function generateClientTypes(openapiFile = OPENAPI_FILE): Promise<string> {
  const ast = await openapiTS(pathToFileURL(openapiFile), { silent: true });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const fresh = await generateClientTypes();
  if (process.argv.includes("--check")) {
    if (readFileSync(TYPES_FILE, "utf8") !== fresh) {
      console.error(`${TYPES_FILE} is stale: run npm --prefix functions run client:generate`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(TYPES_FILE, fresh);
  console.log(`client types: wrote ${TYPES_FILE}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
