/** At-least-once delivery made effectively-once: the same image task delivered twice counts once. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stageTaskId, enqueueOnce, type StageTaskData } from "../../src/queues/taskQueues.js";
import {
  allImages,
  getDb,
  imageCounts,
  newPartner,
  useSourceServer,
  waitFinished,
  submitBatch,
  expectAllCompleted,
  eventually,
} from "./harness.js";

const sources = useSourceServer();
const OUTPUT_DIR = fileURLToPath(new URL("../../../.runtime/outputs", import.meta.url));

async function lateDeliveries(batchId: string): Promise<number> {
  const snap = await getDb().collection(`batches/${batchId}/images`).select("lateDeliveries").get();
  return snap.docs.reduce((n, d) => n + ((d.get("lateDeliveries") as number | undefined) ?? 0), 0);
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
  await eventually(
    "the fan-out to create the image documents",
    async () => (await imageCounts(batchId)).documents === total,
    20_000,
  );

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

  // Duplicates that arrive after the image finished change nothing. Each delivery that finds
  // its image finished is counted on it (lateDeliveries): the "late" one of every image, and
  // for every image the dispatch window also gave an original task (`taskEnqueuedAt` set), the
  // one of the pair (original, "dup") that did not stage it. An image whose "dup" staged it
  // before the window reached it was never claimed, so it has no original task.
  const windowDispatched = (
    await getDb().collection(`batches/${batchId}/images`).where("taskEnqueuedAt", "!=", null).get()
  ).size;
  const expectedLate = total + windowDispatched;
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      enqueueOnce("stageImage", task(i), stageTaskId(batchId, task(i).imageId, 0, "late")),
    ),
  );
  await eventually(
    "every late duplicate",
    async () => (await lateDeliveries(batchId)) >= expectedLate,
  );
  expect(await lateDeliveries(batchId)).toBe(expectedLate);
  await expectAllCompleted(batchId, total);
  // One output file per image, its first attempt's: the model was called once per image.
  // (Source fetches are no proxy for that: a duplicate carrying its claim ticket may fetch
  // while its start commits, and then find the image busy.)
  const outputs = readdirSync(join(OUTPUT_DIR, "staged", partnerId, batchId)).filter(
    (f) => !f.endsWith(".record.json"),
  );
  expect(outputs.sort()).toEqual(images.map((_, i) => `${String(i).padStart(6, "0")}-a1.jpg`));
  expect(images.every((img) => sources().requests.has(new URL(img.url).pathname))).toBe(true);
  const imgs = await allImages(client, batchId);
  // A duplicate that arrives during an attempt is sent back to the queue (the attempt's lease),
  // so every image was staged by exactly one attempt.
  expect(imgs.map((i) => [i.status, i.attempts])).toEqual(imgs.map(() => ["completed", 1]));
  const processingSum = (await getDb().collection("batches").doc(batchId).get()).get(
    "processingMsSum",
  ) as number;
  const perImage = imgs.reduce((s, i) => s + (i.processingTimeMs as number), 0);
  expect(processingSum).toBe(perImage);
});
