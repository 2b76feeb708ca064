/**
 * `npm run setup:project` (scripts/setup-project.mjs) against a fake `gcloud` and `firebase` on
 * PATH that record their calls: --dry-run runs nothing and prints the full command list; a real
 * run on a fresh project creates and grants everything; a re-run changes nothing it need not.
 */
import { afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUCKET_ROLES,
  PROJECT_ROLES,
  REQUIRED_APIS,
  SELF_ROLES,
  // @ts-expect-error: a plain .mjs module without types
} from "../../../scripts/lib/setupPlan.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = join(root, "scripts", "setup-project.mjs");
const PROJECT = "acme-staging-test";
const SA = "123456789012-compute@developer.gserviceaccount.com";
const envFile = join(root, "functions", `.env.${PROJECT}`);
type Role = [string, string];

let fakeBin = "";
beforeAll(() => {
  fakeBin = mkdtempSync(join(tmpdir(), "fake-gcloud-"));
  for (const name of ["gcloud", "firebase"]) {
    const file = join(fakeBin, name);
    writeFileSync(
      file,
      `#!/bin/sh
printf '%s\\n' "${name} $*" >> "$FAKE_LOG"
case "${name} $*" in
  *"projects describe"*) echo 123456789012 ;;
  *"backups schedules list"*) echo "$FAKE_SCHEDULES" ;;
esac
if [ -n "$FAKE_MISSING" ] && printf '%s' "${name} $*" | grep -qE "$FAKE_MISSING"; then exit 1; fi
exit 0
`,
    );
    chmodSync(file, 0o755);
  }
});
afterEach(() => rmSync(envFile, { force: true }));

function setup(args: string[], env: Record<string, string> = {}) {
  const log = join(mkdtempSync(join(tmpdir(), "fake-log-")), "calls.log");
  const r = spawnSync(process.execPath, [script, "--project", PROJECT, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}`, FAKE_LOG: log, ...env },
  });
  const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  return { status: r.status, out: `${r.stdout}${r.stderr}`, calls };
}

const FRESH = {
  FAKE_MISSING: "firestore databases describe|functions:secrets:get|appspot",
  FAKE_SCHEDULES: "[]",
};

describe("setup:project", () => {
  it("--dry-run runs nothing, writes nothing, and prints every command", () => {
    const { status, out, calls } = setup(["--dry-run"]);
    expect(status).toBe(0);
    expect(calls).toEqual([]);
    expect(existsSync(envFile)).toBe(false);
    expect(out).toContain(
      `$ gcloud services enable ${REQUIRED_APIS.map(([api]: Role) => api).join(" ")} --project ${PROJECT}`,
    );
    for (const api of [
      "cloudfunctions",
      "run",
      "cloudbuild",
      "artifactregistry",
      "cloudtasks",
      "eventarc",
      "pubsub",
      "cloudscheduler",
      "firestore",
      "storage",
      "secretmanager",
      "generativelanguage",
    ])
      expect(out).toContain(` ${api}.googleapis.com `);
    expect(out).toContain(
      `$ gcloud firestore databases create --database=(default) --location=us-central1 --type=firestore-native --project ${PROJECT}`,
    );
    expect(out).toContain("--enable-pitr");
    expect(out).toContain(
      "backups schedules create --database=(default) --recurrence=daily --retention=7d",
    );
    for (const [role] of [...PROJECT_ROLES, ...SELF_ROLES, ...BUCKET_ROLES] as Role[])
      expect(out).toContain(`--role=${role}`);
    expect(out).toContain(`--lifecycle-file=`);
    expect(out).toContain('"age":90,"matchesPrefix":["staged/","uploads/"]');
    expect(out).toContain(`$ firebase functions:secrets:set GEMINI_API_KEY --project ${PROJECT}`);
    expect(out).toContain("OUTPUT_URL_TTL_SECONDS=604800");
  });

  it("on a fresh project creates the database, the backup schedule, the grants and the secret", () => {
    const { status, out, calls } = setup(
      ["--gemini-key-file", "/dev/null", "--output-retention-days", "30"],
      FRESH,
    );
    expect({ status, out }).toMatchObject({ status: 0 });
    expect(calls).toContain(
      `gcloud firestore databases create --database=(default) --location=us-central1 --type=firestore-native --project ${PROJECT}`,
    );
    expect(calls).toContain(
      `gcloud firestore backups schedules create --database=(default) --recurrence=daily --retention=7d --project ${PROJECT}`,
    );
    for (const [role] of PROJECT_ROLES as Role[])
      expect(calls).toContain(
        `gcloud projects add-iam-policy-binding ${PROJECT} --member=serviceAccount:${SA} --role=${role} --condition=None --quiet --format=none`,
      );
    for (const [role] of SELF_ROLES as Role[])
      expect(calls).toContain(
        `gcloud iam service-accounts add-iam-policy-binding ${SA} --member=serviceAccount:${SA} --role=${role} --project ${PROJECT} --quiet --format=none`,
      );
    expect(calls).toContain(
      `gcloud storage buckets add-iam-policy-binding gs://${PROJECT}.firebasestorage.app --member=serviceAccount:${SA} --role=roles/storage.objectAdmin --project ${PROJECT} --format=none`,
    );
    const lifecycle = calls.find((c) => c.includes("buckets update"));
    const ruleFile = /--lifecycle-file=(\S+)/.exec(lifecycle ?? "")?.[1] ?? "";
    expect(JSON.parse(readFileSync(ruleFile, "utf8"))).toEqual({
      rule: [
        {
          action: { type: "Delete" },
          condition: { age: 30, matchesPrefix: ["staged/", "uploads/"] },
        },
      ],
    });
    expect(calls).toContain(
      `firebase functions:secrets:set GEMINI_API_KEY --data-file /dev/null --project ${PROJECT}`,
    );
    const env = readFileSync(envFile, "utf8");
    expect(env).toContain(`PUBLIC_API_BASE_URL=https://${PROJECT}.web.app/api`);
    expect(env).toContain("OUTPUT_STORE=gcs");
    expect(env).toContain("ALLOW_PRIVATE_SOURCE_HOSTS=false");
  });

  it("is idempotent: a re-run creates nothing that exists and keeps the operator's env edits", () => {
    writeFileSync(envFile, "QUEUE_MAX_DISPATCHES_PER_SECOND=7\n");
    const { status, calls } = setup([], {
      FAKE_MISSING: "",
      FAKE_SCHEDULES: '[{"dailyRecurrence":{}}]',
    });
    expect(status).toBe(0);
    expect(calls.filter((c) => / create |secrets:set/.test(c))).toEqual([]);
    expect(readFileSync(envFile, "utf8")).toContain("QUEUE_MAX_DISPATCHES_PER_SECOND=7\n");
  });

  it("writes a custom domain given as a flag, and refuses a non-https one", () => {
    const custom = setup([
      "--skip-secret",
      "--public-api-base-url",
      "https://api.acme.example/api/",
    ]);
    expect(custom.status).toBe(0);
    expect(readFileSync(envFile, "utf8")).toContain(
      "PUBLIC_API_BASE_URL=https://api.acme.example/api\n",
    );
    const refused = setup(["--public-api-base-url", "http://api.acme.example/api"]);
    expect({ status: refused.status, calls: refused.calls }).toEqual({ status: 2, calls: [] });
  });

  it("refuses a demo- project and a missing --project", () => {
    expect(setup([]).status).toBe(0); // control: the fake project is accepted
    const demo = spawnSync(process.execPath, [script, "--project", "demo-virtual-staging"], {
      encoding: "utf8",
    });
    expect(demo.status).toBe(2);
    expect(spawnSync(process.execPath, [script], { encoding: "utf8" }).status).toBe(2);
  });
});
