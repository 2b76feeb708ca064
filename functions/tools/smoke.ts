/**
 * The first smoke test of a deployment (`npm run smoke -- --project <id>`, scripts/smoke.mjs):
 * creates a sandbox partner, uploads two fixture rooms with POST /uploads (signed PUT URLs) and
 * stages them as one batch, then prints the output links and the cost, and revokes the
 * partner's key. Against the Emulator Suite (`--emulator`), where uploads answer 501, the rooms
 * are served by a local source-photo server instead. Exits 1 unless both images completed.
 *   --project ID        Firestore via application default credentials; API https://ID.web.app/api
 *   --base-url URL      the API's base URL (…/api), e.g. a custom domain
 *   --engine E          gemini (default: proves the model key works, a few cents) or preview
 *   --emulator          the local Emulator Suite (Hosting's /api, port from firebase.json)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createPartner, revokeApiKeys } from "../src/store/partnerStore.js";
import { ApiClient, waitForBatch } from "./apiClient.js";
import { localApiBase } from "./emulatorPorts.js";
import { startSourceServer, type SourceServer } from "./sourceServer.js";

const FIXTURES = ["room-000.jpg", "room-003.jpg"];
const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));

interface UploadAnswer {
  uploadUrl: string;
  headers: Record<string, string>;
  sourceUrl: string;
  code?: string;
}

/** gs:// URLs of the fixtures uploaded with signed PUT URLs, or null when uploads are off. */
async function uploadFixtures(client: ApiClient): Promise<string[] | null> {
  const urls: string[] = [];
  for (const name of FIXTURES) {
    const r = await client.post<UploadAnswer>("/uploads", {
      contentType: "image/jpeg",
      fileName: name,
    });
    if (r.status === 501 && r.body.code === "uploads_unavailable") return null;
    if (r.status !== 201)
      throw new Error(`POST /uploads answered ${r.status}: ${JSON.stringify(r.body)}`);
    const put = await fetch(r.body.uploadUrl, {
      method: "PUT",
      headers: r.body.headers,
      body: fixture(name),
    });
    if (!put.ok) throw new Error(`upload PUT answered ${put.status}: ${await put.text()}`);
    urls.push(r.body.sourceUrl);
  }
  return urls;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: "string" },
      "base-url": { type: "string" },
      engine: { type: "string", default: "gemini" },
      emulator: { type: "boolean", default: false },
    },
  });
  const engine = values.engine === "preview" ? "preview" : "gemini";
  const base = (
    values["base-url"] ??
    (values.emulator ? localApiBase() : `https://${values.project}.web.app/api`)
  ).replace(/\/+$/, "");
  if (!values.emulator && !values.project)
    throw new Error("--project <id> (or --emulator) is required");

  const health = await fetch(`${base}/health`);
  console.log(`[smoke] ${base}/health -> ${health.status}`);
  if (!health.ok) throw new Error("the API is not healthy");

  const partner = await createPartner({
    name: `Smoke test ${new Date().toISOString()}`,
    engine,
    quotas: { maxImagesPerDay: 10, maxOpenBatches: 2, maxImagesPerBatch: 2 },
  });
  console.log(`[smoke] sandbox partner ${partner.partnerId} (engine ${engine})`);
  const client = new ApiClient(base, partner.apiKey);
  let sources: SourceServer | undefined;
  try {
    let urls = await uploadFixtures(client);
    if (urls) console.log(`[smoke] uploaded ${urls.length} rooms with signed PUT URLs`);
    else {
      sources = await startSourceServer({ port: 0, host: "127.0.0.1" });
      urls = [0, 3].map((i) => `${sources!.url}/rooms/${i}.jpg`);
      console.log(`[smoke] uploads unavailable here (emulator): rooms served from ${sources.url}`);
    }
    const created = await client.post<{ batchId: string }>("/batch/staging/create", {
      images: urls.map((url, i) => ({ url, propertyCode: `SMOKE-${i}` })),
      designStyle: "modern",
      roomType: "living_room",
      clientName: "Smoke test",
    });
    if (created.status !== 202)
      throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const batchId = created.body.batchId;
    console.log(`[smoke] batch ${batchId} created`);
    const final = await waitForBatch(client, batchId, { timeoutMs: 600_000, intervalMs: 2000 });
    const page = await client.get<{
      images: Array<{
        index: number;
        status: string;
        outputUrl: string | null;
        outputUrlExpiresAt: string | null;
        costUsd?: number;
      }>;
    }>(`/batch/${batchId}/status`);
    for (const img of page.body.images)
      console.log(
        `[smoke] #${img.index} ${img.status} ${img.outputUrl ?? ""}${img.outputUrlExpiresAt ? ` (until ${img.outputUrlExpiresAt})` : ""}`,
      );
    console.log(
      `[smoke] ${final.status}: ${final.completed}/${final.total} completed, cost $${final.statistics.totalCostUsd.toFixed(4)}`,
    );
    if (final.completed !== FIXTURES.length) process.exitCode = 1;
  } finally {
    await sources?.close();
    await revokeApiKeys(partner.partnerId);
    console.log(`[smoke] the sandbox partner's key is revoked (its links work until they expire)`);
  }
}

main().catch((e: unknown) => {
  console.error(`[smoke] FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
