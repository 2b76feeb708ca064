/** The plan's 10-image batch through the real pipeline: API, fan-out, worker, trigger. */
import sharp from "sharp";
import { expandChunk } from "../../src/store/imageCreate.js";
import {
  allImages,
  batchCounters,
  getDb,
  imageCounts,
  newPartner,
  setImageStatus,
  shardCountsVsImages,
  storeBatch,
  useSourceServer,
  waitFinished,
  type StatusBody,
} from "./harness.js";

const sources = useSourceServer();

test("a 10-image batch completes with exact counters and fetchable outputs", async () => {
  const { client } = await newPartner();
  // Odd images come without a propertyCode: the API names them IMG-{n} (1-based), as the plan says.
  const images = Array.from({ length: 10 }, (_, i) => ({
    url: `${sources().url}/rooms/${i}.jpg`,
    ...(i % 2 === 0 ? { propertyCode: `P-${i}` } : {}),
  }));
  const created = await client.post<{
    success: boolean;
    batchId: string;
    total: number;
    status: string;
  }>("/batch/staging/create", {
    images,
    designStyle: "modern",
    roomType: "bedroom",
    clientName: "Ten Images Realty",
  });
  expect(created.status).toBe(202);
  expect(created.body).toMatchObject({ success: true, total: 10, status: "queued" });
  const { batchId } = created.body;

  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({
    status: "completed",
    total: 10,
    completed: 10,
    failed: 0,
    queued: 0,
    processing: 0,
    progress: 100,
  });
  expect(final.statistics.successRate).toBe(100);
  expect(final.statistics.estimatedRemainingMinutes).toBe(0);
  expect(final.statistics.avgProcessingTimeMs).toBeGreaterThan(0);
  expect(final).toMatchObject({
    clientName: "Ten Images Realty",
    designStyle: "modern",
    roomType: "bedroom",
  });
  expect(typeof (final as unknown as { completedAt: string }).completedAt).toBe("string");

  expect(await imageCounts(batchId)).toMatchObject({ completed: 10, documents: 10 });
  expect(await batchCounters(batchId)).toEqual({
    queued: 0,
    processing: 0,
    completed: 10,
    failed: 0,
    cancelled: 0,
  });

  const imgs = await allImages(client, batchId);
  expect(imgs.map((i) => i.index)).toEqual([...Array(10).keys()]);
  for (const img of imgs) {
    expect(img).toMatchObject({
      status: "completed",
      attempts: 1,
      error: null,
      propertyCode: img.index % 2 === 0 ? `P-${img.index}` : `IMG-${img.index + 1}`,
    });
    // An expiring signed link (the emulator's stand-in for a V4 signed URL): no key needed.
    expect(img.outputUrl).toMatch(
      new RegExp(
        `/api/batch/${batchId}/images/${img.index}/output\\?expires=\\d+&signature=[0-9a-f]{64}$`,
      ),
    );
    const res = await fetch(img.outputUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBe(img.width);
    expect(meta.height).toBe(img.height);
    // Without the signature the route needs the partner's key.
    const unsigned = img.outputUrl!.split("?")[0]!;
    expect((await fetch(unsigned)).status).toBe(401);
    const keyed = await fetch(unsigned, { headers: { authorization: `Bearer ${client.apiKey}` } });
    expect(keyed.status).toBe(200);
  }
});

test("status counts and the page come from one snapshot; pages follow the index without a query", async () => {
  const { client } = await newPartner("Status snapshot partner");
  const images = Array.from({ length: 25 }, (_, i) => ({
    url: `${sources().url}/rooms/${i}.jpg?mode=slow&ms=300&snap=1`,
  }));
  const created = await client.post<{ batchId: string }>("/batch/staging/create", {
    images,
    designStyle: "modern",
    roomType: "bedroom",
    clientName: "Snapshot",
  });
  const { batchId } = created.body;
  // While the batch runs, a page holding every image agrees with the counts of the same call:
  // the page's statuses and the counter shards are read in one read-only transaction.
  let polls = 0;
  let sawRunning = false;
  for (;;) {
    const s = await client.get<StatusBody>(`/batch/${batchId}/status?pageSize=25`);
    expect(s.status).toBe(200);
    polls++;
    const seen = { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const img of s.body.images) seen[img.status as keyof typeof seen]++;
    // Images the fan-out has not created yet are queued in the counts, absent from the page.
    seen.queued += 25 - s.body.images.length;
    expect(seen).toEqual({
      queued: s.body.queued,
      processing: s.body.processing,
      completed: s.body.completed,
      failed: s.body.failed,
      cancelled: s.body.cancelled,
    });
    if (s.body.processing > 0) sawRunning = true;
    if (s.body.status === "completed") break;
    expect(polls).toBeLessThan(400);
  }
  expect(sawRunning).toBe(true);

  // Pages of 10 by index: 0-9, 10-19, 20-24, then no token.
  const pages: number[][] = [];
  let token: string | null = null;
  do {
    const res: { body: StatusBody } = await client.get<StatusBody>(
      `/batch/${batchId}/status?pageSize=10${token ? `&pageToken=${token}` : ""}`,
    );
    pages.push(res.body.images.map((i) => i.index));
    token = res.body.nextPageToken;
  } while (token);
  expect(pages).toEqual([
    Array.from({ length: 10 }, (_, i) => i),
    Array.from({ length: 10 }, (_, i) => i + 10),
    Array.from({ length: 5 }, (_, i) => i + 20),
  ]);
  const view = await shardCountsVsImages(batchId);
  expect(view.shards).toEqual(view.images);
  expect(view.shards.completed).toBe(25);
});

test("the batch list counts an open batch exactly, as its status does (by aggregation: fewer reads than the shards)", async () => {
  const { client, partnerId } = await newPartner("List counts partner");
  const urls = Array.from({ length: 12 }, (_, i) => `${sources().url}/rooms/${i}.jpg?list=1`);
  // Created and expanded without tasks: the batch stays open with the states set below.
  const { batchId } = await storeBatch(partnerId, urls);
  await expandChunk(batchId, 0);
  // Marked dispatched, so a running scheduler does not claim and stage them meanwhile.
  const docs = await getDb().collection(`batches/${batchId}/images`).get();
  await Promise.all(docs.docs.map((d) => d.ref.update({ taskEnqueuedAt: new Date() })));
  const ref = (i: number) => getDb().doc(`batches/${batchId}/images/${String(i).padStart(6, "0")}`);
  await setImageStatus([ref(0), ref(1)], "completed", { completedAt: new Date() });
  await setImageStatus([ref(2)], "failed", { completedAt: new Date() });
  await setImageStatus([ref(3)], "processing", { startedAt: new Date(), attempts: 1 });
  const expected = { queued: 8, processing: 1, completed: 2, failed: 1, cancelled: 0 };

  const list = await client.get<{ batches: Array<Record<string, unknown>> }>("/batch");
  expect(list.status).toBe(200);
  const summary = list.body.batches.find((b) => b.batchId === batchId);
  expect(summary).toMatchObject({ status: "processing", total: 12, ...expected });
  const status = await client.get<StatusBody>(`/batch/${batchId}/status?pageSize=1`);
  expect(status.body).toMatchObject(expected);
});
