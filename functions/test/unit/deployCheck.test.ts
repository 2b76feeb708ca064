/**
 * `npm run deploy:check` (scripts/deploy-check.mjs) loads the built functions the way the
 * Firebase CLI does and compares them with scripts/deploy-manifest.json. The committed code must
 * pass it, and a manifest that disagrees with the code must fail it, naming the difference.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { execSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const path = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const functionsDir = path("../../");
const script = path("../../../scripts/deploy-check.mjs");
const manifestPath = path("../../../scripts/deploy-manifest.json");
const builtEntry = path("../../lib/src/index.js");

const FUNCTIONS = [
  "api",
  "expandBatch",
  "stageImage",
  "deliverWebhook",
  "onBatchUpdated",
  "reconcileBatches",
  "submitEconomyJobs",
  "pollModelJob",
];

type Manifest = { functions: Record<string, { timeoutSeconds: unknown }> };

/** Runs `node ../scripts/deploy-check.mjs --skip-build ...args` from functions/. */
function deployCheck(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [script, "--skip-build", ...args], {
    cwd: functionsDir,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("deploy:check", () => {
  beforeAll(() => {
    // The test runner builds before the unit tests; build here only when run on its own.
    if (!existsSync(builtEntry)) execSync("npm run build --silent", { cwd: functionsDir });
  }, 180_000);

  it("passes on the committed code and names all six functions", () => {
    const { status, output } = deployCheck();
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
    expect(output).toContain("deploy:check passed");
    for (const name of FUNCTIONS) expect(output).toMatch(new RegExp(`\\b${name}\\b`));
  }, 120_000);

  it("fails on a manifest that disagrees with the code, naming the mismatch", () => {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
    expect(manifest.functions.expandBatch?.timeoutSeconds).toBe(300);
    manifest.functions.expandBatch!.timeoutSeconds = 301;
    const dir = mkdtempSync(join(tmpdir(), "deploy-manifest-"));
    const tampered = join(dir, "deploy-manifest.json");
    try {
      writeFileSync(tampered, JSON.stringify(manifest, null, 2));
      const { status, output } = deployCheck("--manifest", tampered);
      expect(status).toBe(1);
      expect(output).toContain("expandBatch.timeoutSeconds: expected 301, found 300");
      expect(output).toContain("deploy:check FAILED");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("--print prints the discovered manifest as JSON, equal to the committed one", () => {
    const r = spawnSync(process.execPath, [script, "--skip-build", "--print"], {
      cwd: functionsDir,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as Manifest;
    expect(Object.keys(printed.functions).sort()).toEqual([...FUNCTIONS].sort());
    expect(printed).toEqual(JSON.parse(readFileSync(manifestPath, "utf8")));
  }, 120_000);
});
