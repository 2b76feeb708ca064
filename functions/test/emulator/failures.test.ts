/**
 * 100 images where some sources answer 404 (failed at once, never retried) and some answer 503
 * once (retried, then completed); then retry-failed after the sources are fixed.
 */
import {
  allImages,
  expectAllCompleted,
  imageCounts,
  newPartner,
  useSourceServer,
  waitFinished,
  submitBatch,
  shardCountsVsImages,
} from "./harness.js";

const sources = useSourceServer();

const BROKEN = new Set([3, 17, 28, 41, 56, 77, 90]);
const FLAKY = new Set([5, 12, 33, 48, 61, 84]);

test("permanent failures fail at once, transient ones are retried, retry-failed recovers the rest", async () => {
  const { client } = await newPartner();
  const images = Array.from({ length: 100 }, (_, i) => ({
    url: BROKEN.has(i)
      ? `${sources().url}/rooms/${i}.jpg?mode=404`
      : FLAKY.has(i)
        ? `${sources().url}/rooms/${i}.jpg?mode=503once&key=k${i}`
        : `${sources().url}/rooms/${i}.jpg`,
  }));
  const batchId = await submitBatch(client, {
    images,
    designStyle: "industrial",
    roomType: "home_office",
    clientName: "Flaky Hosts Inc",
  });

  const { final, polls } = await waitFinished(client, batchId, 240_000);
  expect(polls).toBeGreaterThan(1);
  expect(final).toMatchObject({
    status: "completed",
    total: 100,
    completed: 100 - BROKEN.size,
    failed: BROKEN.size,
    queued: 0,
    processing: 0,
  });
  expect(final.statistics.successRate).toBe(100 - BROKEN.size);
  expect(await imageCounts(batchId)).toMatchObject({
    completed: 100 - BROKEN.size,
    failed: BROKEN.size,
    documents: 100,
  });

  const imgs = await allImages(client, batchId);
  for (const img of imgs) {
    if (BROKEN.has(img.index)) {
      expect(img).toMatchObject({
        status: "failed",
        attempts: 1,
        error: { code: "source_not_found", retryable: false },
      });
    } else if (FLAKY.has(img.index)) {
      expect(img).toMatchObject({ status: "completed", attempts: 2, error: null });
    } else {
      expect(img).toMatchObject({ status: "completed", attempts: 1 });
    }
  }
  // 404s were fetched exactly once: no retry of a permanent error.
  for (const i of BROKEN) expect(sources().requests.get(`/rooms/${i}.jpg?mode=404`)).toBe(1);

  const failedOnly = await allImages(client, batchId, "&imageStatus=failed");
  expect(failedOnly.map((i) => i.index).sort((a, b) => a - b)).toEqual(
    [...BROKEN].sort((a, b) => a - b),
  );

  // The partner fixes its links and retries what failed.
  sources().fixAll(true);
  const retried = await client.post<{ success: boolean; retriedCount: number }>(
    `/batch/${batchId}/retry-failed`,
  );
  expect(retried.status).toBe(200);
  expect(retried.body).toMatchObject({ success: true, retriedCount: BROKEN.size });
  const again = await waitFinished(client, batchId, 120_000);
  expect(again.final).toMatchObject({
    status: "completed",
    completed: 100,
    failed: 0,
    progress: 100,
  });
  await expectAllCompleted(batchId, 100);
  // Failed -> queued (retry-failed) and every other move reached the counter shards.
  const view = await shardCountsVsImages(batchId);
  expect(view.shards).toEqual(view.images);
  expect(view.shards).toMatchObject({ completed: 100, failed: 0, processing: 0, queued: 0 });

  const second = await client.post<{ retriedCount: number }>(`/batch/${batchId}/retry-failed`);
  expect(second.body.retriedCount).toBe(0);
  sources().fixAll(false);
});
