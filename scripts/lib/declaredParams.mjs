// @ts-check
// The params the functions code declares (firebase-functions' `declaredParams`), with their type
// and production default, read from the built code (functions/lib, built when missing): the
// code is the one source; setup:project writes functions/.env.<id> from it.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./paths.mjs";

/** @typedef {{ type: string, default?: string | number | boolean }} ParamSummary */

/** @returns {Promise<Record<string, ParamSummary>>} name -> type and default */
export async function declaredParams() {
  const functionsDir = join(ROOT, "functions");
  const built = join(functionsDir, "lib", "src", "config", "params.js");
  if (!existsSync(built))
    execSync("npm run build --silent", { cwd: functionsDir, stdio: "inherit" });
  // The same firebase-functions instance as the built code's, so its registry is the one filled.
  const paramsModule = createRequire(join(functionsDir, "package.json")).resolve(
    "firebase-functions/params",
  );
  const { declaredParams: declared } = await import(pathToFileURL(paramsModule).href);
  await import(pathToFileURL(built).href);
  /** @type {Record<string, ParamSummary>} */
  const out = {};
  for (const p of declared) {
    const spec = p.toSpec();
    out[spec.name] =
      spec.default === undefined ? { type: spec.type } : { type: spec.type, default: spec.default };
  }
  return out;
}
