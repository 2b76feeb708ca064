/**
 * The fair-share scheduler's task chain (its tick is worker/scheduler.ts): one task per time
 * bucket of SCHEDULER_INTERVAL_SECONDS under a deterministic id, so the chains started by
 * fan-outs, retry-failed, the reconciler and the tick itself collapse into one.
 */
import { FUNCTION_NAMES } from "../config/region.js";
import { taskId } from "../domain/ids.js";
import type { DispatchConfig } from "./dispatchWindow.js";
import { enqueueOnce } from "./taskQueues.js";

export interface SchedulerTaskData {
  bucket: number;
}

export const schedulerTaskId = (bucket: number) => taskId("scheduler", bucket);

const bucketAt = (ms: number, cfg: DispatchConfig) => Math.floor(ms / 1000 / cfg.intervalSeconds);

/**
 * Makes sure a tick runs within one interval (idempotent: one task per time bucket). Returns
 * whether this call enqueued it. A tick passes its own bucket: a queue may deliver a task a
 * little before its schedule time (the emulator does), and a tick that computed its own bucket
 * again would find its own id taken and end the chain.
 */
export async function ensureScheduler(
  cfg: DispatchConfig,
  nowMs = Date.now(),
  afterBucket = -1,
): Promise<boolean> {
  const bucket = Math.max(bucketAt(nowMs, cfg), afterBucket) + 1;
  const r = await enqueueOnce(
    FUNCTION_NAMES.dispatchScheduler,
    { bucket } satisfies SchedulerTaskData,
    schedulerTaskId(bucket),
    { scheduleDelaySeconds: cfg.intervalSeconds },
  );
  return r === "enqueued";
}
