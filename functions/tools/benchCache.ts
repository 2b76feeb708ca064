/**
 * Bench scenario `cache`: one batch with the gemini engine against the local fake Gemini server
 * (GEMINI_BASE_URL of the emulator env), where 20 % of the images repeat photos of the same
 * batch. Reports the result cache's hit ratio (cached / completed), the model calls made and the
 * cost per image with and without the cache.
 */
import { startFakeGemini } from "../test/fakes/fakeGemini.js";
import { getDb } from "../src/store/db.js";
import { createPartner } from "../src/store/partnerStore.js";
import { ApiClient, waitForBatch } from "./apiClient.js";
import type { SourceServer } from "./sourceServer.js";

const FAKE_GEMINI_PORT = 9590;
export const REPEATED_SHARE = 0.2;

export async function scenarioCache(api: string, sources: SourceServer, n: number) {
  const gemini = await startFakeGemini({ port: FAKE_GEMINI_PORT });
  try {
    const partner = await createPartner({
      name: "Bench cache",
      engine: "gemini",
      quotas: { maxOpenBatches: 1000, maxImagesPerDay: 10_000_000 },
    });
    const client = new ApiClient(api, partner.apiKey);
    const distinct = Math.round(n * (1 - REPEATED_SHARE));
    // Photos 100000.. are this scenario's own; the last 20 % repeat the first ones.
    const images = Array.from({ length: n }, (_, i) => ({
      url: `${sources.url}/rooms/${100000 + (i < distinct ? i : i - distinct)}.jpg?i=${i}`,
    }));
    const created = await client.post<{ batchId: string }>("/batch/staging/create", {
      images,
      designStyle: "modern",
      roomType: "living_room",
      clientName: "Bench cache",
    });
    if (created.status !== 202) throw new Error(`create: ${created.status}`);
    const batchId = created.body.batchId;
    await waitForBatch(client, batchId, { timeoutMs: 30 * 60_000 });
    const snap = await getDb().collection("batches").doc(batchId).collection("images").get();
    const done = snap.docs.map((d) => d.data()).filter((d) => d.status === "completed");
    const cached = done.filter((d) => d.cached === true).length;
    const cost = done.reduce((s, d) => s + ((d.costUsd as number | undefined) ?? 0), 0);
    const paid = done.filter((d) => d.cached === false);
    return {
      images: n,
      repeatedShare: REPEATED_SHARE,
      completed: done.length,
      cached,
      modelCalls: gemini.calls.length,
      cacheHitRatio: done.length ? Math.round((cached / done.length) * 1000) / 1000 : 0,
      costPerImageUsd: done.length ? Math.round((cost / done.length) * 1e6) / 1e6 : 0,
      costPerPaidImageUsd: paid.length ? Math.round((cost / paid.length) * 1e6) / 1e6 : 0,
    };
  } finally {
    await gemini.close();
  }
}
