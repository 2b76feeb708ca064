/**
 * Defers an image while the model's quota is exhausted: a new task (new id, same generation)
 * scheduled after the delay, so the image's retry attempts are kept for real failures. The
 * image is shown as `queued` with `waitingFor: "quota"`.
 */
import { FieldValue } from "firebase-admin/firestore";
import { getDb } from "../store/db.js";
import { imageRef } from "../store/imageStore.js";
import { FUNCTION_NAMES } from "../config/region.js";
import { enqueueOnce, stageTaskId, type StageTaskData } from "./taskQueues.js";

export async function deferImage(
  task: StageTaskData,
  delayMs: number,
  opts: { alreadyQueued?: boolean } = {},
): Promise<void> {
  // Spread the deferred tasks over a few seconds, so they do not all hit the model at the
  // instant the circuit closes.
  const jitterMs = Math.floor(Math.random() * 5000);
  const delaySeconds = Math.ceil((delayMs + jitterMs) / 1000);
  const slot = Math.floor((Date.now() + delayMs) / 1000);
  if (!opts.alreadyQueued) {
    const ref = imageRef(task.batchId, task.imageId);
    await getDb().runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.data()?.status !== "queued") return;
      tx.update(ref, { waitingFor: "quota", quotaDeferrals: FieldValue.increment(1) });
    });
  }
  await enqueueOnce(
    FUNCTION_NAMES.stageImage,
    task,
    stageTaskId(task.batchId, task.imageId, task.generation, `defer-${slot}`),
    {
      scheduleDelaySeconds: delaySeconds,
    },
  );
}
