/**
 * Defers an image while the model cannot serve (quota, outage, or an operator problem; see
 * quotaCircuit.ts): a new task (new id, same generation) scheduled after the delay, so the
 * image's retry attempts are kept for real failures. The image is shown as `queued` with
 * `waitingFor` set to the reason. Waiting is capped per image and generation: `waitSince` marks
 * when this generation began to wait, and past `maxWaitMs` the deferral is refused ("expired")
 * so the worker fails the image instead of deferring it for ever.
 */
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { FUNCTION_NAMES, isEmulator } from "../config/region.js";
import { getDb } from "../store/db.js";
import { imageRef } from "../store/imageStore.js";
import { enqueueOnce, stageTaskId, type StageTaskData } from "../queues/taskQueues.js";

export type DeferOutcome =
  | { kind: "deferred"; waitedMs: number }
  | { kind: "expired"; waitedMs: number }
  /** The image is no longer queued in this generation (someone else owns or finished it). */
  | { kind: "gone" };

export interface DeferOptions {
  reason?: "quota" | "outage" | "operator";
  /** Longest total wait for this generation; no cap when undefined. */
  maxWaitMs?: number;
  now?: number;
}

export async function deferImage(
  task: StageTaskData,
  delayMs: number,
  options: DeferOptions = {},
): Promise<DeferOutcome> {
  const ref = imageRef(task.batchId, task.imageId);
  const now = options.now ?? Date.now();
  // Spread the deferred tasks over a few seconds, so they do not all hit the model at the
  // instant the circuit closes.
  const jitterMs = Math.floor(Math.random() * 5000);
  const runAtMs = now + delayMs + jitterMs;
  const decision = await getDb().runTransaction(
    async (tx): Promise<DeferOutcome & { n?: number }> => {
      const snap = await tx.get(ref);
      if (snap.get("status") !== "queued" || snap.get("generation") !== task.generation) {
        return { kind: "gone" };
      }
      const sameGeneration = snap.get("waitGeneration") === task.generation;
      const since = sameGeneration ? Number(snap.get("waitSince") ?? now) : now;
      const waitedMs = Math.max(0, now - since);
      if (
        options.maxWaitMs !== undefined &&
        waitedMs + delayMs > options.maxWaitMs &&
        waitedMs > 0
      ) {
        return { kind: "expired", waitedMs };
      }
      const n = ((snap.get("quotaDeferrals") as number | undefined) ?? 0) + 1;
      tx.update(ref, {
        waitingFor: options.reason ?? "quota",
        quotaDeferrals: FieldValue.increment(1),
        waitSince: since,
        waitGeneration: task.generation,
        // When the deferred task runs: the reconciler leaves the image to that task until it
        // is overdue (worker/reconcileRepairs.ts), instead of enqueueing a second one.
        deferredUntil: Timestamp.fromMillis(runAtMs),
      });
      return { kind: "deferred", waitedMs, n };
    },
  );
  if (decision.kind !== "deferred") return decision;
  if (isEmulator()) {
    // The Cloud Tasks emulator ignores scheduleTime and runs the task at once; a short pause
    // keeps the deferral from spinning at the queue's full rate there.
    await new Promise((r) => setTimeout(r, Math.min(delayMs, 1000)));
  }
  // One id per deferral of this image: unique, yet repeatable if this step itself is retried.
  await enqueueOnce(
    FUNCTION_NAMES.stageImage,
    task,
    stageTaskId(task.batchId, task.imageId, task.generation, `defer-${decision.n}`),
    { scheduleDelaySeconds: Math.ceil((runAtMs - now) / 1000) },
  );
  return { kind: "deferred", waitedMs: decision.waitedMs };
}
