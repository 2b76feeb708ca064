/** retry-failed counts against the daily image quota like a create. */
import {
  getDb,
  imageCounts,
  newPartner,
  submitBatch,
  useSourceServer,
  waitFinished,
} from "./harness.js";

const sources = useSourceServer();

async function usedToday(partnerId: string): Promise<number> {
  const day = new Date().toISOString().slice(0, 10);
  const snap = await getDb().doc(`partners/${partnerId}/usage/${day}`).get();
  return (snap.data()?.images as number | undefined) ?? 0;
}

/** A 3-image batch whose images 1 and 2 fail for good (404). */
async function batchWithTwoFailures(limit: number) {
  const partner = await newPartner("retry quota", { quotas: { maxImagesPerDay: limit } });
  const batchId = await submitBatch(partner.client, {
    images: [0, 1, 2].map((i) => ({
      url: `${sources().url}/rooms/${i}.jpg${i > 0 ? `?mode=404&q=${partner.partnerId}` : ""}`,
    })),
    designStyle: "modern",
    roomType: "bedroom",
    clientName: "Quota",
  });
  await waitFinished(partner.client, batchId);
  expect(await imageCounts(batchId)).toMatchObject({ completed: 1, failed: 2, documents: 3 });
  expect(await usedToday(partner.partnerId)).toBe(3);
  return { ...partner, batchId };
}

test("over the daily quota, retry-failed is 429 quota_exceeded (create's shape) and requeues nothing", async () => {
  const p = await batchWithTwoFailures(4);
  const r = await p.client.post<{ code: string; details: Record<string, unknown> }>(
    `/batch/${p.batchId}/retry-failed`,
  );
  expect(r.status).toBe(429);
  expect(r.body.code).toBe("quota_exceeded");
  expect(r.body.details).toEqual({
    quota: "maxImagesPerDay",
    limit: 4,
    usedToday: 3,
    freesAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/),
  });
  expect(await imageCounts(p.batchId)).toMatchObject({ completed: 1, failed: 2, documents: 3 });
  expect(await usedToday(p.partnerId)).toBe(3);
});

test("within the quota, retry-failed books the retried images on today's usage", async () => {
  const p = await batchWithTwoFailures(5);
  const r = await p.client.post<{ retriedCount: number }>(`/batch/${p.batchId}/retry-failed`);
  expect(r.status).toBe(200);
  expect(r.body.retriedCount).toBe(2);
  expect(await usedToday(p.partnerId)).toBe(5);
  // The sources still answer 404, so both fail again; the next retry would pass the limit.
  await waitFinished(p.client, p.batchId);
  expect(await imageCounts(p.batchId)).toMatchObject({ completed: 1, failed: 2 });
  const again = await p.client.post<{ code: string }>(`/batch/${p.batchId}/retry-failed`);
  expect(again.status).toBe(429);
  expect(again.body.code).toBe("quota_exceeded");
});
