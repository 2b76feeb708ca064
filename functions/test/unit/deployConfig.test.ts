/**
 * The deployment's configuration around the code (`npm run deploy:check` runs this file):
 * firebase.json and .firebaserc, the runbook's function and param tables, the values of every
 * functions/.env* file and of production, and (secretlint) that no secret is committed.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { isImageSize, requireModel } from "../../src/engines/modelRegistry.js";
import { loadCodebase, type Codebase } from "./deployedCodebase.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, "utf8");
const firebaseJson = JSON.parse(read("firebase.json"));
const codebase = firebaseJson.functions.find((c: { source: string }) => c.source === "functions");
const production: string = JSON.parse(read(".firebaserc")).projects.production;
const envFiles = readdirSync(`${ROOT}functions`).filter((n) => /^\.env(\.|$)/.test(n));
const envOf = (file: string) => parseEnv(read(`functions/${file}`));
/** The values the runbook's param table says production must have. */
const PRODUCTION_SAFE = {
  ALLOW_PRIVATE_SOURCE_HOSTS: "false",
  ALLOW_HTTP_URLS: "false",
  GEMINI_BASE_URL: "",
  OUTPUT_STORE: "gcs",
};
/** What production runs: its .env files, as the CLI loads them, over the code defaults. */
const productionValue = (name: string) =>
  [".env", `.env.${production}`, ".env.production"]
    .filter((f) => envFiles.includes(f))
    .reduce((v, f) => envOf(f)[name] ?? v, code.params[name]?.default?.toString());

/** Rows (cells, first backticked word only) of the runbook table under `header`. */
function runbookTable(header: string): string[][] {
  const lines = read("documentation/Private/RUNBOOK.md").split("\n");
  const rows = lines.slice(lines.indexOf(header) + 2);
  rows.length = rows.findIndex((l) => !l.startsWith("|")); // the table ends at its first non-row
  return rows.map((l) => l.split(" | ").map((c) => c.replace(/^\|? *`([^`]*)`.*$/, "$1")));
}

let code: Codebase;
beforeAll(async () => {
  code = await loadCodebase();
}, 60_000);

describe("firebase.json and .firebaserc", () => {
  it("build before a deploy, on package.json's runtime, never uploading .secret.local", () => {
    const node = JSON.parse(read("functions/package.json")).engines.node;
    const build = 'npm --prefix "$RESOURCE_DIR" run build';
    const got = [codebase.predeploy.at(-1), codebase.runtime, codebase.ignore.includes("*.local")];
    expect(got).toEqual([build, `nodejs${node}`, true]);
  });

  it("rewrite /api/** to the api function in us-central1, before any other rewrite", () => {
    expect(firebaseJson.hosting.rewrites[0]).toEqual({
      source: "/api/**",
      function: { functionId: "api", region: "us-central1" },
    });
  });

  it("name a production project that is not an emulator-only demo- project", () => {
    expect(production).toMatch(/^(?!demo-)[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
  });
});

describe("the runbook (documentation/Private/RUNBOOK.md)", () => {
  it("lists every deployed function in its function table", () => {
    const listed = runbookTable("| function | trigger | job |").map(([name]) => name);
    expect(listed.sort()).toEqual(Object.keys(code.endpoints));
  });

  it("lists every param with the code's default in its param table", () => {
    const documented = runbookTable("| param | default | meaning |").map(([n, d]) => [n, d]);
    const shown = (d: unknown) => (d === undefined ? "secret" : d === "" ? "empty" : String(d));
    const params = Object.values(code.params).map((p) => [p.name, shown(p.default)]);
    expect(documented.sort()).toEqual(params.sort());
  });
});

describe("param values", () => {
  it("set only declared params; the emulator's file sets every non-secret one", () => {
    const unknown = envFiles.flatMap((f) => Object.keys(envOf(f)).filter((k) => !code.params[k]));
    expect(unknown).toEqual([]);
    const nonSecret = Object.values(code.params).flatMap((p) =>
      p.type === "secret" ? [] : p.name,
    );
    expect(Object.keys(envOf(".env.demo-virtual-staging")).sort()).toEqual(nonSecret.sort());
  });

  it("name a registered Gemini model and image size, in production and in every file", () => {
    const settings = [
      ["production", productionValue("GEMINI_MODEL"), productionValue("OUTPUT_IMAGE_SIZE")],
      ...envFiles.map((f) => [f, envOf(f).GEMINI_MODEL, envOf(f).OUTPUT_IMAGE_SIZE]),
    ];
    for (const [where, model, size] of settings) {
      expect(() => model && requireModel(model, `${where} GEMINI_MODEL`)).not.toThrow();
      expect([where, size, !size || isImageSize(size)]).toEqual([where, size, true]);
    }
  });

  it("keep production safe: no private hosts, https only, Google's Gemini, Cloud Storage", () => {
    const names = Object.keys(PRODUCTION_SAFE);
    const actual = names.map((k) => [k, productionValue(k)?.trim().toLowerCase()]);
    expect(Object.fromEntries(actual)).toEqual(PRODUCTION_SAFE);
  });
});

it("no committed or committable file holds a secret (secretlint, .secretlintrc.json)", () => {
  const git = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const files = execFileSync("git", git, { cwd: ROOT, encoding: "utf8" }).split("\0");
  const args = ["--secretlintrc", ".secretlintrc.json", "--maskSecrets", ...files.filter(Boolean)];
  const scan = spawnSync(`${ROOT}functions/node_modules/.bin/secretlint`, args, { cwd: ROOT });
  expect([scan.status, `${scan.stdout}${scan.stderr}`.trim()]).toEqual([0, ""]);
});
