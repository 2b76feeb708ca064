/**
 * The result cache against the fake Gemini server (same port and fake as gemini.test.ts): an
 * identical request is staged once per partner, whether its twin is in the same batch or a later
 * one; a different style, another partner or `cache: false` pays for a new call.
 */
import { type FakeGemini } from "../fakes/fakeGemini.js";
import {
  allImages,
  newPartner,
  useFakeGemini,
  waitFinished,
  type SourceServer,
} from "./harness.js";

let sources: SourceServer;
let gemini: FakeGemini;
useFakeGemini((fixtures) => ({ sources, gemini } = fixtures));

const body = (indexes: number[], extra: object = {}) => ({
  images: indexes.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
  designStyle: "scandinavian",
  roomType: "living_room",
  clientName: "Cache Realty",
  ...extra,
});

type Client = Awaited<ReturnType<typeof newPartner>>["client"];

async function run(client: Client, request: object) {
  const created = await client.post<{ batchId: string }>("/batch/staging/create", request);
  expect(created.status).toBe(202);
  const { final } = await waitFinished(client, created.body.batchId);
  return { final, images: await allImages(client, created.body.batchId) };
}

async function outputBytes(url: string, apiKey: string): Promise<Buffer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

test("the same photo twice in a batch and again in a later batch costs one model call; a new style costs one more", async () => {
  const p = await newPartner("Cache partner", { engine: "gemini" });
  const first = await run(p.client, body([4, 4]));
  expect(first.final).toMatchObject({ status: "completed", completed: 2, failed: 0 });
  expect(gemini.calls).toHaveLength(1);
  const paid = first.images.filter((i) => i.cached === false);
  const reused = first.images.filter((i) => i.cached === true);
  expect(paid).toHaveLength(1);
  expect(reused).toHaveLength(1);
  expect(paid[0]!.costUsd as number).toBeGreaterThan(0.1);
  expect(reused[0]).toMatchObject({
    status: "completed",
    costUsd: 0,
    usage: null,
    model: "gemini-3.1-flash-image",
    requestedImageSize: "2K",
    width: paid[0]!.width,
    height: paid[0]!.height,
    bytes: paid[0]!.bytes,
  });
  // The batch total counts only what was paid.
  expect(first.final.statistics.totalCostUsd).toBeCloseTo(paid[0]!.costUsd as number, 6);

  const later = await run(p.client, body([4]));
  expect(later.final).toMatchObject({ status: "completed", completed: 1 });
  expect(later.images[0]).toMatchObject({ cached: true, costUsd: 0 });
  expect(later.final.statistics.totalCostUsd).toBe(0);
  expect(gemini.calls).toHaveLength(1);
  // A copy in the later batch's own output, byte for byte the paid one.
  expect(later.images[0]!.outputUrl).not.toBe(paid[0]!.outputUrl);
  expect(await outputBytes(later.images[0]!.outputUrl!, p.apiKey)).toEqual(
    await outputBytes(paid[0]!.outputUrl!, p.apiKey),
  );

  const restyled = await run(p.client, body([4], { designStyle: "modern" }));
  expect(restyled.images[0]).toMatchObject({ status: "completed", cached: false });
  expect(gemini.calls).toHaveLength(2);
  expect(gemini.calls[1]!.promptText).toMatch(/modern/i);
});

test("cache: false stages afresh, and another partner never sees this partner's results", async () => {
  const p = await newPartner("Cache owner", { engine: "gemini" });
  await run(p.client, body([6]));
  expect(gemini.calls).toHaveLength(1);

  const fresh = await run(p.client, body([6], { cache: false }));
  expect(fresh.final).toMatchObject({ status: "completed", cache: false });
  expect(fresh.images[0]).toMatchObject({ cached: false });
  expect(fresh.images[0]!.costUsd as number).toBeGreaterThan(0.1);
  expect(gemini.calls).toHaveLength(2);

  const other = await newPartner("Cache stranger", { engine: "gemini" });
  const theirs = await run(other.client, body([6]));
  expect(theirs.images[0]).toMatchObject({ cached: false });
  expect(gemini.calls).toHaveLength(3);
});

test("a failed staging leaves no entry: the retried image calls the model again", async () => {
  const p = await newPartner("Cache failure", { engine: "gemini" });
  gemini.setBehaviour("safety");
  const failed = await run(p.client, body([7]));
  expect(failed.final).toMatchObject({ status: "failed", failed: 1 });
  const callsAfterFailure = gemini.calls.length;
  expect(callsAfterFailure).toBe(1); // a safety block is permanent: no retry
  gemini.setBehaviour("ok");
  const again = await run(p.client, body([7]));
  expect(again.images[0]).toMatchObject({ status: "completed", cached: false });
  expect(gemini.calls).toHaveLength(callsAfterFailure + 1);
});
