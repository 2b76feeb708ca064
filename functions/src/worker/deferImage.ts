/**
 * Defers an image while the model's quota is exhausted: a new task (new id, same generation)
 * scheduled after the delay, so the image's retry attempts are kept for real failures. The
 * image is shown as `queued` with `waitingFor: "quota"`.
 */
import { FieldValue } from "firebase-admin/firestore";
import { FUNCTION_NAMES, isEmulator } from "../config/region.js";
import { getDb } from "../store/db.js";
import { imageRef } from "../store/imageStore.js";
import { enqueueOnce, stageTaskId, type StageTaskData } from "./taskQueues.js";

/** Returns false when the image is no longer queued (someone else owns or finished it). */
export async function deferImage(task: StageTaskData, delayMs: number): Promise<boolean> {
  const ref = imageRef(task.batchId, task.imageId);
  const deferral = await getDb().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (snap.get("status") !== "queued" || snap.get("generation") !== task.generation) return null;
    const n = ((snap.get("quotaDeferrals") as number | undefined) ?? 0) + 1;
    tx.update(ref, { waitingFor: "quota", quotaDeferrals: FieldValue.increment(1) });
    return n;
  });
  if (deferral === null) return false;
  // Spread the deferred tasks over a few seconds, so they do not all hit the model at the
  // instant the circuit closes.
  const jitterMs = Math.floor(Math.random() * 5000);
  if (isEmulator()) {
    // The Cloud Tasks emulator ignores scheduleTime and runs the task at once; a short pause
    // keeps the deferral from spinning at the queue's full rate there.
    await new Promise((r) => setTimeout(r, Math.min(delayMs, 1000)));
  }
  // One id per deferral of this image: unique, yet repeatable if this step itself is retried.
  await enqueueOnce(
    FUNCTION_NAMES.stageImage,
    task,
    stageTaskId(task.batchId, task.imageId, task.generation, `defer-${deferral}`),
    { scheduleDelaySeconds: Math.ceil((delayMs + jitterMs) / 1000) },
  );
  return true;
}
