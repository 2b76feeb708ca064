/**
 * The whole pipeline with the production `gemini` engine, its real SDK adapter pointed at a
 * local fake of the Gemini REST API (GEMINI_BASE_URL in the emulator env is this port). The
 * emulator env shortens the circuits (OUTAGE_CIRCUIT_SECONDS=1, OPERATOR_RECHECK_SECONDS=2), so
 * an outage or an operator pause plays out in seconds.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { PROMPT_VERSION } from "../../src/engines/prompts.js";
import { createPartner } from "../../src/store/partnerStore.js";
import { type FakeGemini, type FakeBehaviour } from "../fakes/fakeGemini.js";
import {
  API_BASE,
  ApiClient,
  allImages,
  getDb,
  imageCounts,
  newPartner,
  useFakeGemini,
  waitFinished,
  eventually,
  type SourceServer,
} from "./harness.js";

let sources: SourceServer;
let gemini: FakeGemini;
useFakeGemini((fixtures) => ({ sources, gemini } = fixtures));

const body = (indexes: number[], extra: object = {}) => ({
  images: indexes.map((i) => ({ url: `${sources.url}/rooms/${i}.jpg` })),
  designStyle: "scandinavian",
  roomType: "living_room",
  clientName: "Gemini Realty",
  ...extra,
});

/** The fake answers `behaviour` until `ms` after its first request, then normally. */
function failFor(ms: number, behaviour: FakeBehaviour): () => number {
  let first = 0;
  let failed = 0;
  gemini.setSelector(() => {
    first ||= Date.now();
    if (Date.now() - first < ms) {
      failed++;
      return behaviour;
    }
    return undefined;
  });
  return () => failed;
}

test("images are staged at 2K by gemini-3.1-flash-image; size, dims, input bytes and cost recorded", async () => {
  const p = await newPartner("Gemini partner", { engine: "gemini" });
  const created = await p.client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([0, 1, 2, 3, 5]),
  );
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 5 });
  expect(gemini.calls).toHaveLength(5);
  for (const call of gemini.calls) {
    expect(call.model).toBe("gemini-3.1-flash-image");
    expect(call.apiKeyPresent).toBe(true);
    expect(call.apiKeyInQuery).toBe(false);
    expect(call.image?.mimeType).toBe("image/jpeg");
    expect(call.image?.byteLength).toBeGreaterThan(1000);
    expect(call.input?.hasExif).toBe(false);
    expect(call.generationConfig).toMatchObject({ imageConfig: { imageSize: "2K" } });
    expect(call.promptText).toMatch(/Scandinavian/i);
  }
  const imgs = await allImages(p.client, created.body.batchId);
  let cost = 0;
  for (const [i, img] of imgs.entries()) {
    const call = gemini.calls.find((c) => c.image?.byteLength === img.inputBytes)!;
    expect(call).toBeDefined();
    expect(img).toMatchObject({
      status: "completed",
      attempts: 1,
      model: "gemini-3.1-flash-image",
      preview: false,
      promptVersion: PROMPT_VERSION,
      requestedImageSize: "2K",
      modelWidth: call.output!.width,
      modelHeight: call.output!.height,
    });
    // Never upscaled beyond the model's answer; cropped to the source's ratio at most.
    expect(img.width as number).toBeLessThanOrEqual(call.output!.width);
    expect(img.height as number).toBeLessThanOrEqual(call.output!.height);
    expect(img.resized).toBe(
      img.width !== call.output!.width || img.height !== call.output!.height,
    );
    // 2K flash image: $0.1008 for the image plus the input tokens.
    expect(img.costUsd as number).toBeGreaterThan(0.1008);
    expect(img.costUsd as number).toBeLessThan(0.103);
    cost += img.costUsd as number;
    expect(i).toBe(img.index);
  }
  expect(final.statistics.totalCostUsd).toBeCloseTo(cost, 5);
});

test("an EXIF-rotated phone photo is sent upright, without metadata, and staged upright", async () => {
  // Stored 4032 x 3024 with orientation 6: upright it is a 3024 x 4032 portrait.
  const stored = await sharp({
    create: { width: 4032, height: 3024, channels: 3, background: { r: 180, g: 170, b: 150 } },
  })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const host = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "image/jpeg", "content-length": stored.length });
    res.end(stored);
  });
  await new Promise<void>((r) => host.listen(0, "127.0.0.1", () => r()));
  try {
    const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}/portrait.jpg`;
    const p = await newPartner("EXIF partner", { engine: "gemini" });
    const created = await p.client.post<{ batchId: string }>("/batch/staging/create", {
      ...body([]),
      images: [{ url }],
    });
    const { final } = await waitFinished(p.client, created.body.batchId);
    expect(final).toMatchObject({ status: "completed", completed: 1 });
    const [call] = gemini.calls;
    // The fake does not read EXIF (like the model): what it got must already be upright.
    expect(call!.input).toMatchObject({ width: 1536, height: 2048, hasExif: false });
    expect(call!.generationConfig).toMatchObject({ imageConfig: { aspectRatio: "3:4" } });
    expect(call!.output).toMatchObject({ width: 1792, height: 2400 });
    const [img] = await allImages(p.client, created.body.batchId);
    expect(img).toMatchObject({ width: 1792, height: 2389, modelWidth: 1792, modelHeight: 2400 });
  } finally {
    await new Promise<void>((r) => host.close(() => r()));
  }
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
  const { final } = await waitFinished(p.client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 8, failed: 0 });
  expect(gemini.calls.filter((c) => c.behaviour === "quota")).toHaveLength(3);
  expect(gemini.calls.filter((c) => c.behaviour === "ok")).toHaveLength(8);
  const imgs = await allImages(p.client, batchId);
  for (const img of imgs) expect(img.attempts).toBe(1);
  const deferred = await getDb()
    .collection("batches")
    .doc(batchId)
    .collection("images")
    .where("quotaDeferrals", ">", 0)
    .get();
  expect(deferred.size).toBeGreaterThan(0);
});

test("a model outage (503 for 8 s) defers the images: none fails, no attempt is spent", async () => {
  const p = await newPartner("Outage partner", { engine: "gemini" });
  const failed = failFor(8000, "error503");
  const indexes = Array.from({ length: 20 }, (_, i) => i);
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body(indexes));
  const { batchId } = created.body;
  const { final } = await waitFinished(p.client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 20, failed: 0 });
  const imgs = await allImages(p.client, batchId);
  for (const img of imgs) expect(img.attempts).toBe(1);
  expect(gemini.calls.filter((c) => c.behaviour === "ok")).toHaveLength(20);
  // The circuit let only probes through: far fewer 503s than deferrals.
  const deferrals = (
    await getDb().collection("batches").doc(batchId).collection("images").get()
  ).docs.reduce((n, d) => n + ((d.get("quotaDeferrals") as number | undefined) ?? 0), 0);
  expect(failed()).toBeGreaterThan(0);
  expect(deferrals).toBeGreaterThan(failed());
  const circuit = await getDb().collection("system").doc("modelOutageCircuit").get();
  expect(circuit.get("reason")).toBe("model_unavailable");
  console.log(
    `[outage] 20 images, 503 for 8 s: ${failed()} model calls answered 503, ${deferrals} deferrals, 0 failed, 0 attempts spent`,
  );
});

test.each([
  ["forbidden", "model_access_denied"],
  ["quota_limit0", "model_quota_exhausted"],
] as const)(
  "%s pauses every image behind the operator circuit and raises one alert; they complete once fixed",
  async (mode, code) => {
    const p = await newPartner(`Operator ${mode} partner`, { engine: "gemini" });
    const failed = failFor(5000, mode);
    const created = await p.client.post<{ batchId: string }>(
      "/batch/staging/create",
      body([0, 1, 2, 3, 5, 6]),
    );
    const { final } = await waitFinished(p.client, created.body.batchId);
    expect(final).toMatchObject({ status: "completed", completed: 6, failed: 0 });
    for (const img of await allImages(p.client, created.body.batchId)) {
      expect(img.attempts).toBe(1);
    }
    expect(failed()).toBeGreaterThan(0);
    const circuit = await getDb().collection("system").doc("modelOperatorCircuit").get();
    expect(circuit.get("reason")).toBe(code);
    expect(circuit.get("lastAlertAt")).toBeDefined();
  },
);

const REFUSALS: Array<[FakeBehaviour, string, number]> = [
  ["blocked:SAFETY", "content_blocked_safety", 1],
  ["finish:IMAGE_SAFETY", "image_blocked_safety", 1],
  ["finish:PROHIBITED_CONTENT", "prohibited_content", 1],
  ["finish:RECITATION", "recitation_blocked", 1],
  ["text_only", "no_image_returned", 2],
  [
    { mode: "finish", finishReason: "NO_IMAGE", finishMessage: "I cannot add a counter." },
    "no_image_returned",
    2,
  ],
];

test("safety refusals are final at once; no-image answers are retried once, then final with the model's words", async () => {
  const p = await newPartner("Safety partner", { engine: "gemini" });
  // Sample room i has a distinct width for i in 0..7 (i % 5 != 4): use it as the marker (the
  // prepared input keeps the width while it is under INPUT_MAX_DIMENSION).
  const indexes = [0, 1, 2, 3, 5, 6];
  const widthToBehaviour = new Map<number, FakeBehaviour>();
  for (const [k, i] of indexes.entries()) {
    const w = 1024 + ((i * 64) % 512);
    widthToBehaviour.set(w, REFUSALS[k]![0]);
  }
  gemini.setSelector(async (req) =>
    req.image
      ? widthToBehaviour.get((await sharp(req.image.data).metadata()).width ?? 0)
      : undefined,
  );
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body(indexes));
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "failed", failed: 6, completed: 0 });
  expect(gemini.calls).toHaveLength(8);
  const imgs = await allImages(p.client, created.body.batchId);
  for (const [k, img] of imgs.entries()) {
    const [, code, attempts] = REFUSALS[k]!;
    expect(img).toMatchObject({ status: "failed", attempts, error: { code } });
    expect(img.error!.message.length).toBeGreaterThan(10);
  }
  expect(imgs[5]!.error!.message).toContain("(model said: I cannot add a counter.)");
  expect(await imageCounts(created.body.batchId)).toMatchObject({ failed: 6, documents: 6 });
});

test("a 500 from the model defers the image (outage circuit) and it then succeeds on its first attempt", async () => {
  const p = await newPartner("Model 500 partner", { engine: "gemini" });
  gemini.script(["error500"]);
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body([2]));
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1 });
  const [img] = await allImages(p.client, created.body.batchId);
  expect(img!.attempts).toBe(1);
  expect(gemini.calls).toHaveLength(2);
});

test("a partner allowed to choose gets gemini-3-pro-image per batch; others get 403 model_not_allowed", async () => {
  const chooser = await createPartner({
    name: "Model chooser",
    engine: "gemini",
    allowedModels: ["gemini-3.1-flash-image", "gemini-3-pro-image"],
  });
  const client = new ApiClient(API_BASE, chooser.apiKey);
  const created = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([1], { model: "gemini-3-pro-image" }),
  );
  expect(created.status).toBe(202);
  const { final } = await waitFinished(client, created.body.batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1, model: "gemini-3-pro-image" });
  expect(gemini.calls.map((c) => c.model)).toEqual(["gemini-3-pro-image"]);
  const [img] = await allImages(client, created.body.batchId);
  // Pro at 2K: $0.1344 for the image plus input tokens at $2 / 1M.
  expect(img!.costUsd as number).toBeGreaterThan(0.1344);
  expect(img!.costUsd as number).toBeLessThan(0.14);

  const plain = await newPartner("No choice", { engine: "gemini" });
  const refused = await plain.client.post<{ code: string }>(
    "/batch/staging/create",
    body([1], { model: "gemini-3-pro-image" }),
  );
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe("model_not_allowed");
});

test("declutter and the partner's disclosure label reach the prompt and the output; null turns the label off", async () => {
  const partner = await createPartner({
    name: "Labelled partner",
    engine: "gemini",
    label: { text: "Virtually staged", position: "bottom-left" },
  });
  const client = new ApiClient(API_BASE, partner.apiKey);
  const labelled = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([1], { declutter: true }),
  );
  const plain = await client.post<{ batchId: string }>(
    "/batch/staging/create",
    body([2], { label: null }),
  );
  const { final } = await waitFinished(client, labelled.body.batchId);
  expect(final).toMatchObject({
    status: "completed",
    declutter: true,
    label: { text: "Virtually staged", position: "bottom-left" },
  });
  const { final: finalPlain } = await waitFinished(client, plain.body.batchId);
  expect(finalPlain).toMatchObject({ status: "completed", declutter: false, label: null });

  const prompts = gemini.calls.map((c) => c.promptText);
  expect(prompts.filter((t) => t.includes("First clear away loose clutter"))).toHaveLength(1);
  expect(prompts.filter((t) => t.includes("Every object already in the room stays"))).toHaveLength(
    1,
  );

  const [img] = await allImages(client, labelled.body.batchId);
  const [imgPlain] = await allImages(client, plain.body.batchId);
  expect(img).toMatchObject({ labelled: true });
  expect(imgPlain).toMatchObject({ labelled: false });
  // The label's plate is in the bottom-left corner of the stored output: dark, with white text.
  const res = await fetch(img!.outputUrl!, {
    headers: { authorization: `Bearer ${partner.apiKey}` },
  });
  expect(res.status).toBe(200);
  const output = Buffer.from(await res.arrayBuffer());
  const { data, info } = await sharp(output)
    .extract({ left: 60, top: (img!.height as number) - 90, width: 300, height: 40 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let white = 0;
  for (let i = 0; i < data.length; i += info.channels)
    if (data[i]! > 220 && data[i + 2]! > 220) white++;
  expect(white).toBeGreaterThan(100);
});

test("images paused behind the operator circuit fail after the pause limit; retry-failed brings them back", async () => {
  const p = await newPartner("Operator expiry partner", { engine: "gemini" });
  gemini.setBehaviour("forbidden");
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", body([0, 1]));
  const { batchId } = created.body;
  const images = getDb().collection("batches").doc(batchId).collection("images");
  // Wait until both images wait behind the circuit, then let an hour and a bit "pass" for them.
  await eventually(
    "both images to wait behind the operator circuit",
    async () => (await images.where("waitingFor", "==", "operator").get()).size === 2,
  );
  const snap = await images.get();
  for (const doc of snap.docs) await doc.ref.update({ waitSince: Date.now() - 61 * 60_000 });
  const { final } = await waitFinished(p.client, batchId);
  expect(final).toMatchObject({ status: "failed", failed: 2 });
  for (const img of await allImages(p.client, batchId)) {
    expect(img).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "model_access_denied", retryable: true },
    });
    expect(img.error!.message).toMatch(
      /could not use its model for over an hour.*\(waited 6\d min\)/,
    );
  }
  // The operator fixes the key; the partner retries; a new generation gets a new wait budget.
  gemini.setBehaviour("ok");
  await getDb().collection("system").doc("modelOperatorCircuit").delete();
  const retried = await p.client.post(`/batch/${batchId}/retry-failed`, {});
  expect(retried.status).toBe(200);
  const { final: after } = await waitFinished(p.client, batchId);
  expect(after).toMatchObject({ status: "completed", completed: 2, failed: 0 });
});
