/**
 * Load tests (correctness, not timing; timings are in `npm run bench`): the original plan's
 * 1,000-image batch, and 5 batches of 200 at once, at the emulator env's test rate.
 */
import { getDb, newPartner, useSourceServer, waitFinished, expectAllCompleted } from "./harness.js";

// Small photos: the load tests exercise the pipeline, not pixel throughput.
const sources = useSourceServer({ sizes: { width: 320, height: 240 } });

const body = (n: number, tag: string) => ({
  images: Array.from({ length: n }, (_, i) => ({
    url: `${sources().url}/rooms/${i % 40}.jpg?b=${tag}&i=${i}`,
  })),
  designStyle: "contemporary",
  roomType: "living_room",
  clientName: `Load ${tag}`,
});

async function assertExact(batchId: string, total: number): Promise<void> {
  await expectAllCompleted(batchId, total);
  // No image processed twice: one attempt each, and the batch's processing-time sum equals the
  // sum over its images (a double count would add an image's time twice).
  const snap = await getDb()
    .collection("batches")
    .doc(batchId)
    .collection("images")
    .select("attempts", "processingTimeMs")
    .get();
  expect(snap.docs.filter((d) => d.get("attempts") !== 1)).toHaveLength(0);
  const sum = snap.docs.reduce((s, d) => s + (d.get("processingTimeMs") as number), 0);
  expect((await getDb().collection("batches").doc(batchId).get()).get("processingMsSum")).toBe(sum);
}

test("1,000 images in one batch: all complete, counters exact", async () => {
  const p = await newPartner("Load 1000", { quotas: { maxOpenBatches: 10 } });
  const created = await p.client.post<{ batchId: string }>(
    "/batch/staging/create",
    body(1000, "one"),
  );
  expect(created.status).toBe(202);
  const { final } = await waitFinished(p.client, created.body.batchId, 900_000);
  expect(final).toMatchObject({ status: "completed", total: 1000, completed: 1000, failed: 0 });
  await assertExact(created.body.batchId, 1000);
});

test("5 batches of 200 at once: all complete, counters exact, no image processed twice", async () => {
  const p = await newPartner("Load 5x200", { quotas: { maxOpenBatches: 10 } });
  const ids = await Promise.all(
    Array.from({ length: 5 }, async (_, k) => {
      const r = await p.client.post<{ batchId: string }>(
        "/batch/staging/create",
        body(200, `five${k}`),
      );
      expect(r.status).toBe(202);
      return r.body.batchId;
    }),
  );
  const finals = await Promise.all(ids.map((id) => waitFinished(p.client, id, 900_000)));
  for (const [k, { final }] of finals.entries()) {
    expect(final).toMatchObject({ status: "completed", total: 200, completed: 200, failed: 0 });
    await assertExact(ids[k]!, 200);
  }
});
