/**
 * The economy lane's poller: one self-rescheduling task per model job. Its task id is a function
 * of the job and the tick (`econpoll-{batch}-{job}-{tick}`), so a tick delivered twice enqueues
 * the same next tick (the queue refuses the duplicate) and applies the same outcome (the image
 * transitions only act for the job's own attempt id, so a second run changes nothing).
 * While the job runs the poller reschedules itself every ECONOMY_POLL_SECONDS. On success each
 * answer is encoded and stored like the standard lane's and the image completes through
 * completeImage (cost at the batch price); a per-request error fails the image with the standard
 * lane's code (a retryable one goes to the standard lane when fallback is on). A job that fails,
 * expires or is cancelled (not by the partner) sends its images to the standard lane
 * (ECONOMY_FALLBACK_TO_STANDARD) or fails them with model_batch_failed / model_batch_expired.
 */
import { successRecord } from "./successRecord.js";
import { FUNCTION_NAMES } from "../config/region.js";
import { taskId } from "../domain/ids.js";
import { FINAL_JOB_STATES, type GeminiBatchEngine } from "../engines/geminiBatch.js";
import type { OutputStore } from "../outputs/outputStore.js";
import { outputPath } from "../outputs/outputStore.js";
import { getBatch } from "../store/batchStore.js";
import { completeImage, failImage, requeueImage, type ImageError } from "../store/imageStore.js";
import {
  getModelJob,
  openModelJobs,
  updateModelJobState,
  type ModelJobDoc,
} from "../store/modelJobs.js";
import { OpCount } from "../store/opCount.js";
import { logEvent } from "../util/log.js";
import { batchStagingOptions } from "./batchOptions.js";
import { encodeOutput, type OutputOptions } from "./encodeOutput.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { enqueueBatchImages, enqueueOnce } from "../queues/taskQueues.js";

export interface PollTaskData {
  batchId: string;
  jobId: string;
  tick: number;
}

export interface EconomyPollDeps {
  engine: () => GeminiBatchEngine;
  store: OutputStore;
  output: OutputOptions;
  pollSeconds: number;
  fallbackToStandard: boolean;
}

export const pollTaskId = (t: PollTaskData) => taskId("econpoll", t.batchId, t.jobId, t.tick);

export function enqueuePoll(t: PollTaskData, delaySeconds: number) {
  return enqueueOnce(FUNCTION_NAMES.pollModelJob, t, pollTaskId(t), {
    scheduleDelaySeconds: delaySeconds,
  });
}

const JOB_END_ERRORS: Record<string, ImageError> = {
  JOB_STATE_FAILED: {
    code: "model_batch_failed",
    message:
      "The economy lane's model job failed before staging this image. Retry the failed images (POST /retry-failed).",
    retryable: true,
  },
  JOB_STATE_EXPIRED: {
    code: "model_batch_expired",
    message:
      "The economy lane's model job did not finish within the Batch API's window. Retry the failed images (POST /retry-failed).",
    retryable: true,
  },
  JOB_STATE_CANCELLED: {
    code: "model_batch_failed",
    message: "The economy lane's model job was cancelled before staging this image.",
    retryable: true,
  },
};

/** A job unpolled this long has lost its poller (its task ran out of retries). */
export const POLLER_STALL_MS = 30 * 60_000;

/**
 * Reconciler: starts a new poller for each unsettled job of the batch not polled for
 * POLLER_STALL_MS. Its tick is a time bucket, so runs within one bucket enqueue it once.
 */
export async function restartStalledPollers(
  batch: { batchId: string },
  now: Date,
): Promise<number> {
  let restarted = 0;
  for (const job of await openModelJobs(batch.batchId)) {
    const last = job.polledAt ?? job.recordedAt;
    if (last && now.getTime() - last.getTime() < POLLER_STALL_MS) continue;
    const bucket = Math.floor(now.getTime() / POLLER_STALL_MS);
    const r = await enqueuePoll(
      { batchId: batch.batchId, jobId: job.jobId, tick: 1_000_000 + bucket },
      0,
    );
    if (r === "enqueued") {
      restarted++;
      logEvent("reconciler.repaired", {
        batchId: batch.batchId,
        repair: "economy_poller_restarted",
        modelJob: job.name,
      });
    }
  }
  return restarted;
}

export type PollOutcome = "running" | "settled" | "gone";

export async function pollModelJobTask(
  task: PollTaskData,
  deps: EconomyPollDeps,
): Promise<PollOutcome> {
  const job = await getModelJob(task.batchId, task.jobId);
  if (!job || job.settledAt) return "gone";
  const batch = await getBatch(task.batchId);
  if (!batch) return "gone";
  const log = { batchId: task.batchId, jobId: task.jobId, modelJob: job.name, tick: task.tick };
  if (job.cancelRequested) {
    // The batch was cancelled (its images already are): stop paying for the job's remainder.
    await deps.engine().cancel(job.name);
    await updateModelJobState(task.batchId, task.jobId, "JOB_STATE_CANCELLED", true);
    logEvent("economy.job_cancelled", log);
    await settleBatch(task.batchId);
    return "settled";
  }
  const facts = new Map(job.images.map((i) => [i.imageId, i]));
  const engine = deps.engine();
  const polled = await engine.poll(job.name, facts);
  if (!FINAL_JOB_STATES.has(polled.state)) {
    await updateModelJobState(task.batchId, task.jobId, polled.state, false);
    await enqueuePoll({ ...task, tick: task.tick + 1 }, deps.pollSeconds);
    return "running";
  }
  if (polled.state === "JOB_STATE_SUCCEEDED") {
    const options = await batchStagingOptions(task.batchId);
    const seen = new Set<string>();
    for (const r of polled.results ?? []) {
      const img = facts.get(r.key);
      if (!img) continue;
      seen.add(r.key);
      if (r.kind === "error") {
        const record = {
          code: r.error.code,
          message: r.error.message,
          retryable: r.error.retryable,
        };
        // Quota and outages inside a job are the job's business, not the photo's: the standard
        // lane retries them; a refusal or a rejected photo fails as it would there.
        if (deps.fallbackToStandard && (r.error.wait || r.error.code === "model_unavailable"))
          await toStandardLane(batch, job, [img.imageId], record);
        else await failJobImage(batch, job, img.imageId, record);
        continue;
      }
      const result = r.result;
      const label = options.label ?? undefined;
      const encoded = await encodeOutput(
        result.image,
        { width: img.sourceWidth, height: img.sourceHeight },
        { ...deps.output, label },
      );
      const stored = await deps.store.save(
        outputPath(batch.partnerId, task.batchId, `${img.imageId}-e${img.generation}`, encoded.ext),
        encoded.bytes,
        encoded.contentType,
      );
      const record = successRecord({ ...result, preview: false }, encoded, {
        outputPath: stored.path,
        outputUrl: stored.downloadUrl ?? "",
        processingTimeMs: job.createTime ? Date.now() - Date.parse(job.createTime) : 0,
        receivedAtMs: Date.now(),
        inputBytes: result.inputBytes,
        labelled: label !== undefined,
        // Billed at the Batch API price: the usage report keeps it apart from standard calls.
        lane: "economy",
      });
      await completeImage(
        task.batchId,
        img.imageId,
        job.attemptId,
        record,
        new OpCount(),
        batch.partnerId,
      );
    }
    // A request the job did not answer is treated like a failed job for that image.
    const missing = job.images.filter((i) => !seen.has(i.imageId)).map((i) => i.imageId);
    if (missing.length) await endImages(batch, job, missing, "JOB_STATE_FAILED", deps);
  } else {
    const ids = job.images.map((i) => i.imageId);
    // A job we cancelled for the partner: its images were cancelled with the batch.
    if (!batch.cancelRequested) await endImages(batch, job, ids, polled.state, deps);
  }
  await updateModelJobState(task.batchId, task.jobId, polled.state, true);
  // The JSONL files (file route) are no longer needed once the outcome is recorded.
  for (const file of [job.inputFile, polled.resultsFile]) if (file) await engine.deleteFile(file);
  logEvent(
    "economy.job_settled",
    { ...log, state: polled.state },
    polled.state === "JOB_STATE_SUCCEEDED" ? "info" : "warn",
  );
  await settleBatch(task.batchId);
  return "settled";
}

type BatchInfo = NonNullable<Awaited<ReturnType<typeof getBatch>>>;

async function endImages(
  batch: BatchInfo,
  job: ModelJobDoc,
  imageIds: string[],
  state: string,
  deps: Pick<EconomyPollDeps, "fallbackToStandard">,
): Promise<void> {
  const error = JOB_END_ERRORS[state] ?? JOB_END_ERRORS.JOB_STATE_FAILED!;
  if (deps.fallbackToStandard) return toStandardLane(batch, job, imageIds, error);
  for (const id of imageIds) await failJobImage(batch, job, id, error);
}

/** Fails one of the job's images for good; the job's attempt id makes a repeated tick a no-op. */
function failJobImage(batch: BatchInfo, job: ModelJobDoc, imageId: string, error: ImageError) {
  return failImage(batch.batchId, imageId, job.attemptId, error, 0, new OpCount(), batch.partnerId);
}

/** Back to `queued` (attempt refunded) and an image task each: the standard lane takes over. */
async function toStandardLane(
  batch: BatchInfo,
  job: ModelJobDoc,
  imageIds: string[],
  error: ImageError,
): Promise<void> {
  const moved: Array<{ imageId: string; generation: number }> = [];
  for (const id of imageIds) {
    const ok = await requeueImage(
      batch.batchId,
      id,
      job.attemptId,
      error,
      { refundAttempt: true, waitingFor: undefined },
      new OpCount(),
    );
    const img = job.images.find((i) => i.imageId === id);
    if (ok && img) moved.push({ imageId: id, generation: img.generation });
  }
  // Also when the requeue happened in an earlier run of this tick: the ids dedupe the tasks.
  const all = imageIds
    .map((id) => job.images.find((i) => i.imageId === id))
    .filter((i): i is NonNullable<typeof i> => i !== undefined);
  await enqueueBatchImages(batch, all);
  logEvent("economy.fallback_to_standard", {
    batchId: batch.batchId,
    modelJob: job.name,
    images: moved.length,
    reason: error.code,
  });
}
