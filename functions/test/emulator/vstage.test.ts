/**
 * The partner CLI end to end: the compiled `vstage` is spawned as a partner runs it (no TTY, so
 * plain progress lines) against the Emulator Suite through Hosting.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DESIGN_STYLE_IDS } from "../../src/domain/catalog.js";
import { API_BASE, newPartner, useSourceServer } from "./harness.js";

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../../lib/tools/vstage/cli.js");
const sources = useSourceServer();
const work = mkdtempSync(join(tmpdir(), "vstage-"));
let apiKey = "";

beforeAll(async () => {
  apiKey = (await newPartner("CLI partner")).apiKey;
});

function vstage(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, VSTAGE_API_KEY: apiKey, VSTAGE_API_URL: API_BASE, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

function csvFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

let batchId = "";

test("submit --wait --download: progress lines, then staged photos and results.csv", async () => {
  const rows = [0, 1, 2, 3, 4].map((i) =>
    i === 3
      ? `${sources().url}/rooms/${i}.jpg?mode=404,LST-${i}`
      : `${sources().url}/rooms/${i}.jpg,LST-${i}`,
  );
  const file = csvFile("photos.csv", ["url,propertyCode", ...rows].join("\n"));
  const out = join(work, "out");
  const r = await vstage([
    "submit",
    file,
    "--style",
    "modern",
    "--room",
    "bedroom",
    "--wait",
    "--download",
    out,
  ]);
  expect(r.stderr).toBe("");
  const accepted = /^batch (b_[A-Za-z0-9_-]+) accepted: 5 image\(s\)$/m.exec(r.stdout);
  expect(accepted).not.toBeNull();
  batchId = accepted![1]!;
  expect(r.stdout).toMatch(/^completed: 5\/5 done, 4 completed, 1 failed, 0 cancelled, ETA 0s$/m);
  expect(r.stdout).toContain("batch completed: 4 completed, 1 failed, 0 cancelled");
  expect(r.stdout).toContain(`downloaded 4 staged photo(s) to ${out} (results.csv lists all 5)`);
  expect(r.code).toBe(3); // finished, with a failed image
  expect(readdirSync(out).sort()).toEqual([
    "LST-0.jpg",
    "LST-1.jpg",
    "LST-2.jpg",
    "LST-4.jpg",
    "results.csv",
  ]);
  const jpeg = readFileSync(join(out, "LST-0.jpg"));
  expect(jpeg.subarray(0, 2).toString("hex")).toBe("ffd8");
  const results = readFileSync(join(out, "results.csv"), "utf8").trim().split("\n");
  expect(results).toHaveLength(6);
  expect(results[4]).toMatch(/^3,LST-3,.*\?mode=404,failed,,source_not_found,/);
  expect(results[1]).toMatch(/^0,LST-0,.*,completed,LST-0\.jpg,,$/);
});

test("status, list, download and retry of that batch", async () => {
  const status = await vstage(["status", batchId]);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain("completed: 5/5 done, 4 completed, 1 failed, 0 cancelled");
  expect(status.stdout).toContain("success rate 80%");
  expect(status.stdout).toMatch(/#3 LST-3 failed: source_not_found/);

  const list = await vstage(["list", "--limit", "5"]);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(
    new RegExp(`^${batchId}\\s+completed\\s+100%\\s+4/5 ok, 1 failed`, "m"),
  );

  const dir = join(work, "again");
  const download = await vstage(["download", batchId, dir]);
  expect(download.code).toBe(0);
  expect(readdirSync(dir)).toHaveLength(5);

  const retry = await vstage(["retry", batchId]);
  expect(retry.code).toBe(0);
  expect(retry.stdout.trim()).toBe("1 failed image(s) queued again");
});

test("cancel of a finished batch is refused with the API's code", async () => {
  const other = await vstage([
    "submit",
    csvFile("one.csv", `url\n${sources().url}/rooms/7.jpg\n`),
    "--style",
    "modern",
    "--room",
    "bedroom",
    "--wait",
  ]);
  expect(other.code).toBe(0);
  const id = /batch (b_[A-Za-z0-9_-]+) accepted/.exec(other.stdout)![1]!;
  const r = await vstage(["cancel", id]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("the API answered 409 batch_finished: The batch is already completed");
});

test("bad input: a clear message and a non-zero exit, and nothing is submitted", async () => {
  const noUrl = await vstage([
    "submit",
    csvFile("nourl.csv", "link,code\nhttps://x.example/a.jpg,A\n"),
    "--style",
    "modern",
    "--room",
    "bedroom",
  ]);
  expect(noUrl.code).toBe(2);
  expect(noUrl.stderr).toContain('nourl.csv: line 1: the CSV has no "url" column');

  const badRow = await vstage([
    "submit",
    csvFile("badrow.csv", `url\n${sources().url}/rooms/1.jpg\nnot a url\n`),
    "--style",
    "modern",
    "--room",
    "bedroom",
  ]);
  expect(badRow.code).toBe(2);
  expect(badRow.stderr).toContain('badrow.csv: line 3: "not a url" is not a URL');

  const good = csvFile("good.csv", `url\n${sources().url}/rooms/1.jpg\n`);
  const style = await vstage(["submit", good, "--style", "gothic", "--room", "bedroom"]);
  expect(style.code).toBe(2);
  expect(style.stderr.trim()).toBe(
    `vstage: unknown style "gothic"; valid styles: ${DESIGN_STYLE_IDS.join(", ")}`,
  );

  const key = await vstage(["submit", good, "--style", "modern", "--room", "bedroom"], {
    VSTAGE_API_KEY: "vsk_wrong",
  });
  expect(key.code).toBe(1);
  expect(key.stderr.trim()).toBe(
    "vstage: the API key was refused (401 unauthenticated): check VSTAGE_API_KEY or --key",
  );

  const list = await vstage(["list"]);
  expect(list.stdout.split("\n").filter((l) => l.startsWith("b_"))).toHaveLength(2);
});
