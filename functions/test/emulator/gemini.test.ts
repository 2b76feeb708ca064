/**
 * The whole pipeline with the production `gemini` engine, its real SDK adapter pointed at a
 * local fake of the Gemini REST API (GEMINI_BASE_URL in the emulator env is this port).
 */
import sharp from "sharp";
import { startFakeGemini, type FakeGemini, type FakeBehaviour } from "../fakes/fakeGemini.js";
import {
  allImages,
  getDb,
  imageCounts,
  newPartner,
  startSourceServer,
  waitFinished,
  type SourceServer,
} from "./harness.js";

const FAKE_GEMINI_PORT = 9590;
let sources: SourceServer;
let gemini: FakeGemini;

beforeAll(async () => {
  sources = await startSourceServer();
  gemini = await startFakeGemini({ port: FAKE_GEMINI_PORT });
});
afterAll(async () => {
  await gemini.close();
  await sources.close();
});
beforeEach(async () => {
  gemini.reset();
  await getDb().collection("system").doc("modelQuotaCircuit").delete();
});

const body = (indexes: number[]) => ({
  images: indexes.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
  designStyle: "scandinavian",
  roomType: "living_room",
  clientName: "Gemini Realty",
});

test("images are staged by the model; usage, model and cost are recorded", async () => {
  const p = await newPartner("Gemini partner", { engine: "gemini" });
  const created = await p.client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([0, 1, 2, 3, 5]),
  );
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 5 });
  expect(gemini.calls).toHaveLength(5);
  for (const call of gemini.calls) {
    expect(call.model).toBe("gemini-2.5-flash-image");
    expect(call.apiKeyPresent).toBe(true);
    expect(call.apiKeyInQuery).toBe(false);
    expect(call.image?.mimeType).toBe("image/jpeg");
    expect(call.image?.byteLength).toBeGreaterThan(1000);
    expect(call.promptText).toMatch(/Scandinavian/i);
  }
  const imgs = await allImages(p.client, created.body.batchId);
  let cost = 0;
  for (const img of imgs) {
    expect(img).toMatchObject({
      status: "completed",
      attempts: 1,
      model: "gemini-2.5-flash-image",
      preview: false,
      promptVersion: "staging-v1",
    });
    expect((img.usage as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    expect(img.costUsd as number).toBeGreaterThan(0);
    cost += img.costUsd as number;
  }
  expect(final.statistics.totalCostUsd).toBeCloseTo(cost, 5);
});

test("a quota burst opens the shared circuit; every image completes without spending an attempt", async () => {
  const p = await newPartner("Quota burst partner", { engine: "gemini" });
  gemini.script(
    Array.from({ length: 3 }, (): FakeBehaviour => ({ mode: "quota", retryDelaySeconds: 2 })),
  );
  const created = await p.client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([0, 1, 2, 3, 5, 6, 7, 8]),
  );
  const { batchId } = created.body;
  let sawWaiting = false;
  const { final } = await waitFinished(p.client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 8, failed: 0 });
  const quotaCalls = gemini.calls.filter((c) => c.behaviour === "quota").length;
  expect(quotaCalls).toBe(3);
  expect(gemini.calls.filter((c) => c.behaviour === "ok")).toHaveLength(8);
  const imgs = await allImages(p.client, batchId);
  for (const img of imgs) expect(img.attempts).toBe(1);
  const deferred = await getDb()
    .collection("batches")
    .doc(batchId)
    .collection("images")
    .where("quotaDeferrals", ">", 0)
    .get();
  sawWaiting = deferred.size > 0;
  expect(sawWaiting).toBe(true);
});

const SAFETY: Array<[FakeBehaviour, string]> = [
  ["blocked:SAFETY", "content_blocked_safety"],
  ["finish:IMAGE_SAFETY", "image_blocked_safety"],
  ["finish:PROHIBITED_CONTENT", "prohibited_content"],
  ["finish:RECITATION", "recitation_blocked"],
  ["text_only", "no_image_returned"],
  ["finish:NO_IMAGE", "no_image_returned"],
];

test("safety and refusal outcomes fail with their codes after one model call each", async () => {
  const p = await newPartner("Safety partner", { engine: "gemini" });
  // Sample room i has a distinct width for i in 0..7 (i % 5 != 4): use it as the marker.
  const indexes = [0, 1, 2, 3, 5, 6];
  const widthToBehaviour = new Map<number, FakeBehaviour>();
  for (const [k, i] of indexes.entries()) {
    const w = 1024 + ((i * 64) % 512);
    widthToBehaviour.set(w, SAFETY[k]![0]);
  }
  gemini.setSelector(async (req) =>
    req.image
      ? widthToBehaviour.get((await sharp(req.image.data).metadata()).width ?? 0)
      : undefined,
  );
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body(indexes));
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "failed", failed: 6, completed: 0 });
  expect(gemini.calls).toHaveLength(6);
  const imgs = await allImages(p.client, created.body.batchId);
  for (const [k, img] of imgs.entries()) {
    expect(img).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: SAFETY[k]![1], retryable: false },
    });
    expect(img.error!.message.length).toBeGreaterThan(10);
  }
  expect(await imageCounts(created.body.batchId)).toMatchObject({ failed: 6, documents: 6 });
});

test("a 500 from the model is retried by the queue and then succeeds", async () => {
  const p = await newPartner("Model 500 partner", { engine: "gemini" });
  gemini.script(["error500"]);
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body([2]));
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1 });
  const [img] = await allImages(p.client, created.body.batchId);
  expect(img!.attempts).toBe(2);
  expect(gemini.calls).toHaveLength(2);
});
