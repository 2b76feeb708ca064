/**
 * The economy lane's submission task (one per chunk of an economy batch, enqueued by the
 * fan-out instead of image tasks): groups the chunk's images into Gemini batch jobs of at most
 * ECONOMY_MAX_IMAGES_PER_JOB images, claims each group's images (processing, waiting for
 * "model_batch"), fetches and prepares their photos exactly like the standard lane, splits a
 * group further only at the Files API's 2 GB file limit, creates the jobs, records them
 * and starts one poller per job. A photo that cannot be fetched or prepared fails its image with
 * the standard lane's code. Retried by the queue: a group whose jobs are recorded is skipped,
 * and a retried group claims the same images (the attempt id is a function of the group). A job
 * is created idempotently: an intent is recorded before the create call, and a run that finds
 * an intent without a job first looks for the job at Gemini by its display name (a run that died
 * between creating and recording it must not make the partner pay twice). The requests of a
 * large job go through a JSONL file instead of inline (the engine decides, by size). A retry of
 * failed images (retry-failed) runs the same task with a `round`, which keeps its groups apart.
 */
import type { EconomySubmitTaskData } from "../queues/economyLane.js";
import { isStagingError } from "../domain/stagingError.js";
import type { StagingRequest } from "../engines/engine.js";
import {
  MAX_INPUT_FILE_BYTES,
  planModelJobs,
  type GeminiBatchEngine,
} from "../engines/geminiBatch.js";
import { getBatch } from "../store/batchStore.js";
import { failImage } from "../store/imageStore.js";
import {
  claimForModelJob,
  economyAttemptId,
  modelJobDisplayName,
  recordModelJob,
  recordSubmitIntent,
  submittedGroups,
  type ModelJobImage,
} from "../store/modelJobs.js";
import { OpCount } from "../store/opCount.js";
import { logEvent } from "../util/log.js";
import { batchStagingOptions } from "./batchOptions.js";
import { enqueuePoll } from "./economyPoll.js";
import type { FetchedSource } from "./fetchSource.js";
import { prepareInput } from "./prepareInput.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { toStagingError } from "./stageOutcome.js";

export interface EconomySubmitDeps {
  engine: () => GeminiBatchEngine;
  fetchSource: (url: string, partnerId: string) => Promise<FetchedSource>;
  inputMaxDimension: number;
  maxImagesPerJob: number;
  pollSeconds: number;
}

/** Returns how many model jobs this run created. */
export async function submitEconomyJobsTask(
  task: EconomySubmitTaskData,
  deps: EconomySubmitDeps,
): Promise<number> {
  const batch = await getBatch(task.batchId);
  if (!batch || batch.cancelRequested) return 0;
  const options = await batchStagingOptions(task.batchId);
  const engine = deps.engine();
  const round = task.round ?? null;
  const done = await submittedGroups(task.batchId, task.chunk, round);
  const groups = planModelJobs(task.images, () => 0, { maxRequests: deps.maxImagesPerJob });
  let created = 0;
  let failed = 0;
  for (const [g, group] of groups.entries()) {
    const groupId =
      (round ? `${round}-` : "") +
      `${String(task.chunk).padStart(4, "0")}-${String(g).padStart(3, "0")}`;
    // Every job of this group recorded (a retried task): nothing to claim or send again.
    if (done.get(groupId)?.complete) continue;
    const claimed = await claimForModelJob(task.batchId, groupId, group);
    const attemptId = economyAttemptId(task.batchId, groupId);
    const prepared: Array<{ image: ModelJobImage; request: StagingRequest; bytes: number }> = [];
    for (const img of group.filter((i) => claimed.has(i.imageId))) {
      const url = claimed.get(img.imageId)!;
      try {
        const source = await deps.fetchSource(url, batch.partnerId);
        const input = await prepareInput(
          source.bytes,
          { maxDimension: deps.inputMaxDimension },
          source,
        );
        const request: StagingRequest = {
          image: input.bytes,
          mimeType: input.mimeType,
          designStyle: batch.designStyle,
          roomType: batch.roomType,
          width: input.width,
          height: input.height,
          declutter: options.declutter,
          context: { batchId: task.batchId, imageIndex: Number(img.imageId) },
        };
        const facts = engine.requestFacts(request);
        prepared.push({
          image: {
            imageId: img.imageId,
            generation: img.generation,
            sourceWidth: source.width,
            sourceHeight: source.height,
            aspectRatio: facts.aspectRatio,
            inputBytes: facts.inputBytes,
          },
          request,
          bytes: facts.approxBytes,
        });
      } catch (e) {
        const err = toStagingError(e);
        // A transient fetch failure is retried by the task (the group is not recorded yet).
        if (!isStagingError(e) || (err.retryable && err.code !== "internal_error")) throw err;
        await failImage(
          task.batchId,
          img.imageId,
          attemptId,
          { code: err.code, message: err.message, retryable: err.retryable },
          0,
          new OpCount(),
          batch.partnerId,
        );
        failed++;
      }
    }
    // Large jobs go through a JSONL file (the engine decides), so only the file limit splits.
    const jobs = planModelJobs(prepared, (p) => p.bytes, {
      maxRequests: deps.maxImagesPerJob,
      maxBytes: MAX_INPUT_FILE_BYTES,
    });
    for (const [s, items] of jobs.entries()) {
      const jobId = `${groupId}-${s}`;
      if (done.get(groupId)?.jobIds.has(jobId)) continue;
      const displayName = modelJobDisplayName(task.batchId, jobId);
      const firstTry = await recordSubmitIntent(task.batchId, jobId);
      const found = firstTry ? null : await engine.findJob(displayName);
      if (found)
        logEvent("economy.job_adopted", { batchId: task.batchId, jobId, modelJob: found.name });
      const info =
        found ??
        (await engine.submit(
          items.map((p) => ({ key: p.image.imageId, request: p.request })),
          displayName,
        ));
      await recordModelJob(
        task.batchId,
        {
          jobId,
          name: info.name,
          inputFile: info.inputFile ?? null,
          state: info.state,
          attemptId,
          createTime: info.createTime,
          images: items.map((p) => p.image),
          settledAt: null,
        },
        { chunk: task.chunk, round, group: groupId, lastOfGroup: s === jobs.length - 1 },
      );
      await enqueuePoll({ batchId: task.batchId, jobId, tick: 0 }, deps.pollSeconds);
      created++;
      logEvent("economy.job_created", {
        batchId: task.batchId,
        partnerId: batch.partnerId,
        jobId,
        modelJob: info.name,
        images: items.length,
      });
    }
  }
  if (failed) await settleBatch(task.batchId);
  return created;
}
