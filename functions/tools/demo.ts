/**
 * The main job of `npm start`: a real batch through the real pipeline in the Emulator Suite.
 * Starts the local source-photo server, creates a demo partner, submits the sample rooms as one
 * batch through the public API (Hosting rewrite), shows progress until the batch finishes and
 * prints where the outputs are. `--serve-only` only runs the source server; `--once` exits after
 * the batch instead of keeping the source server up.
 */
import { parseArgs } from "node:util";
import { createPartner } from "../src/store/partnerStore.js";
import { ApiClient, waitForBatch, type StatusBody } from "./apiClient.js";
import { localApiBase } from "./emulatorPorts.js";
import { startSourceServer } from "./sourceServer.js";

const SOURCE_PORT = 9500;
const API = process.env.STAGING_API_BASE ?? localApiBase();

function bar(s: StatusBody, startedAt: number): string {
  const width = 30;
  const done = s.completed + s.failed + s.cancelled;
  const filled = Math.round((done / s.total) * width);
  const eta = s.statistics.estimatedRemainingMinutes;
  const etaText = eta === null ? "ETA --" : `ETA ${Math.round(eta * 60)}s`;
  const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${s.total} done (${s.completed} ok, ${s.failed} failed, ${s.processing} running) ${s.status} ${etaText} ${secs}s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "serve-only": { type: "boolean" },
      once: { type: "boolean" },
      images: { type: "string" },
    },
  });
  const sources = await startSourceServer({ port: SOURCE_PORT });
  console.log(`[demo] sample room photos served at ${sources.url}/rooms/{n}.jpg`);
  if (values["serve-only"]) return; // keeps running: the server holds the event loop

  const count = Number(values.images ?? 24);
  const partner = await createPartner({ name: "Demo partner", engine: "preview" });
  console.log(`[demo] partner ${partner.partnerId} created (sandbox: preview engine)`);
  console.log(`[demo] API key for your own calls: ${partner.apiKey}`);
  console.log(`[demo] dashboard: ${new URL("/", API).href} (sign in with this key)`);
  const client = new ApiClient(API, partner.apiKey);
  const images = Array.from({ length: count }, (_, i) => ({
    url: `${sources.url}/rooms/${i}.jpg`,
    propertyCode: `DEMO-${100 + (i % 6)}`,
  }));
  const startedAt = Date.now();
  const created = await client.post<{ batchId: string; total: number }>("/batch/staging/create", {
    images,
    designStyle: "scandinavian",
    roomType: "living_room",
    clientName: "Demo Realty",
  });
  if (created.status !== 202)
    throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { batchId } = created.body;
  console.log(`[demo] batch ${batchId} accepted in ${created.ms.toFixed(0)} ms: ${count} images`);

  const tty = process.stdout.isTTY;
  let last = "";
  const final = await waitForBatch(client, batchId, {
    timeoutMs: 10 * 60_000,
    intervalMs: 400,
    onPoll: (s) => {
      const line = bar(s, startedAt);
      if (tty) process.stdout.write(`\r${line}`);
      else if (line.replace(/ [\d.]+s$/, "") !== last.replace(/ [\d.]+s$/, "")) console.log(line);
      last = line;
    },
  });
  if (tty) process.stdout.write("\n");
  console.log(
    `[demo] batch ${final.status}: ${final.completed} completed, ${final.failed} failed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  const page = await client.get<StatusBody>(`/batch/${batchId}/status?pageSize=3`);
  console.log(
    `[demo] status:   curl -H "Authorization: Bearer ${partner.apiKey}" ${API}/batch/${batchId}/status`,
  );
  for (const img of page.body.images) console.log(`[demo] output #${img.index}: ${img.outputUrl}`);
  console.log(`[demo] files:    .runtime/outputs/staged/${partner.partnerId}/${batchId}/`);
  if (final.status !== "completed") process.exitCode = 1;
  if (values.once) await sources.close();
}

main().catch((e: unknown) => {
  console.error(`[demo] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
