/** At-least-once delivery made effectively-once: the same image task delivered twice counts once. */
import { stageTaskId, enqueueOnce, type StageTaskData } from "../../src/worker/taskQueues.js";
import {
  allImages,
  getDb,
  imageCounts,
  newPartner,
  useSourceServer,
  waitFinished,
  submitBatch,
  expectAllCompleted,
} from "./harness.js";

const sources = useSourceServer();

async function waitForImageDocs(batchId: string, total: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await imageCounts(batchId)).documents === total) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("fan-out did not create the image documents");
}

test("duplicate deliveries of image tasks (during and after processing) count once", async () => {
  const { client, partnerId } = await newPartner();
  const total = 30;
  const images = Array.from({ length: total }, (_, i) => ({
    url: `${sources().url}/rooms/${i}.jpg`,
  }));
  const batchId = await submitBatch(client, {
    images,
    designStyle: "coastal",
    roomType: "bathroom",
    clientName: "Dup Test",
  });
  await waitForImageDocs(batchId, total);

  const batch = (await getDb().collection("batches").doc(batchId).get()).data()!;
  const task = (i: number): StageTaskData => ({
    batchId,
    imageId: String(i).padStart(6, "0"),
    generation: 0,
    partnerId,
    designStyle: batch.designStyle,
    roomType: batch.roomType,
    engine: batch.engine,
  });
  // A second delivery of every image task while the first ones are queued or running.
  const dupes = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      enqueueOnce("stageImage", task(i), stageTaskId(batchId, task(i).imageId, 0, "dup")),
    ),
  );
  expect(dupes.every((d) => d === "enqueued")).toBe(true);
  // The same task id again is refused by the queue (deterministic ids make enqueue idempotent).
  expect(
    await enqueueOnce("stageImage", task(0), stageTaskId(batchId, task(0).imageId, 0, "dup")),
  ).toBe("exists");

  const { final } = await waitFinished(client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: total, failed: 0 });

  // Duplicates that arrive after the image finished change nothing.
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      enqueueOnce("stageImage", task(i), stageTaskId(batchId, task(i).imageId, 0, "late")),
    ),
  );
  await new Promise((r) => setTimeout(r, 6000));
  await expectAllCompleted(batchId, total);
  const imgs = await allImages(client, batchId);
  // Each image was staged by exactly one attempt that counted (a concurrent duplicate that took
  // an image over records a second attempt, but the counters move once).
  expect(imgs.every((i) => i.status === "completed" && i.attempts >= 1)).toBe(true);
  const processingSum = (await getDb().collection("batches").doc(batchId).get()).get(
    "processingMsSum",
  ) as number;
  const perImage = imgs.reduce((s, i) => s + (i.processingTimeMs as number), 0);
  expect(processingSum).toBe(perImage);
});
