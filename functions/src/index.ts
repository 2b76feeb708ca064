/**
 * The deployed functions. Each is one unit: the partner API, the fan-out and image task queues,
 * and the trigger that derives a batch's status. Options (rate limits, retries, timeouts) come
 * from params (config/params.ts), so operators tune them without code changes.
 */
import { onInit, setGlobalOptions } from "firebase-functions/v2";
import { onRequest } from "firebase-functions/v2/https";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { onDocumentUpdated } from "firebase-functions/v2/firestore";
import { onSchedule } from "firebase-functions/v2/scheduler";
import * as p from "./config/params.js";
import { REGION } from "./config/region.js";
import { taskQueueOptions } from "./config/taskQueueOptions.js";
import {
  dispatchConfig,
  engineSettings,
  fetchOptions,
  outputOptions,
  resultCacheConfig,
  urlRules,
  waitPolicy,
} from "./config/runtimeConfig.js";
import { buildApp } from "./api/app.js";
import { uploadPrefix } from "./domain/uploads.js";
import { configuredGemini, getEngine } from "./engines/selectEngine.js";
import { getOutputStore } from "./outputs/selectOutputStore.js";
import { ensureApp } from "./store/db.js";
import { onBatchChanged } from "./triggers/batchStatusUpdate.js";
import { expandBatchTask } from "./worker/expandBatch.js";
import { fetchSource } from "./worker/fetchSource.js";
import { readGcsObject } from "./worker/readGcsObject.js";
import { stageImageTask } from "./worker/stageImage.js";
import { withPlannedRetries } from "./worker/plannedRetry.js";
import { topUpAfterFinish } from "./queues/dispatchWindow.js";
import type { SchedulerTaskData } from "./queues/schedulerQueue.js";
import { schedulerTick } from "./worker/scheduler.js";
import type { ExpandTaskData, StageTaskData } from "./queues/taskQueues.js";
import { reconcile } from "./worker/reconcile.js";
import { logEvent } from "./util/log.js";
import { deliverWebhookTask, type WebhookTaskData } from "./notifications/webhookDelivery.js";
import { getBatchEngine } from "./engines/selectBatchEngine.js";
import { getBatch } from "./store/batchStore.js";
import type { EconomySubmitTaskData } from "./queues/economyLane.js";
import { submitEconomyJobsTask } from "./worker/economySubmit.js";
import { pollModelJobTask, type PollTaskData } from "./worker/economyPoll.js";

setGlobalOptions({ region: REGION });

// Start-up check: a GEMINI_MODEL the registry does not know (shut down, mistyped) or a bad
// OUTPUT_IMAGE_SIZE stops the instance with a message naming the param and the known ids,
// instead of failing images one by one. `npm run deploy:check` refuses it before a deploy.
onInit(() => {
  configuredGemini(engineSettings().gemini);
});
ensureApp();

/**
 * A source URL fetched with the runtime's rules; an uploaded file only from its partner's folder.
 * Both callers (stageImage, the economy submitter) decode the whole photo next (prepareInput).
 */
const fetchPartnerSource = (url: string, partnerId: string) =>
  fetchSource(url, {
    ...fetchOptions(),
    decodeCheck: false,
    readGcsObject,
    gcsBucket: urlRules().gcsBucket,
    gcsPrefix: uploadPrefix(partnerId),
  });

/** The Batch API engine of a batch's own engine (an economy task's batch; gone: Gemini's). */
const batchEngineOf = async (batchId: string) => {
  const batch = await getBatch(batchId);
  return () => getBatchEngine(batch?.engine ?? "gemini", engineSettings());
};

export const api = onRequest(
  { memory: "512MiB", timeoutSeconds: 60, concurrency: 80, cors: false },
  buildApp(),
);

export const expandBatch = onTaskDispatched<ExpandTaskData>(
  taskQueueOptions(
    { attempts: 10, backoffSeconds: [2, 60], concurrent: 5, perSecond: 20 },
    { memory: "512MiB", timeoutSeconds: 300 },
  ),
  async (req) => {
    await expandBatchTask(req.data, dispatchConfig());
  },
);

export const stageImage = onTaskDispatched<StageTaskData>(
  taskQueueOptions(
    {
      attempts: p.queueMaxAttempts,
      backoffSeconds: [p.queueMinBackoffSeconds, p.queueMaxBackoffSeconds],
      maxDoublings: p.queueMaxDoublings,
      maxRetrySeconds: p.queueMaxRetrySeconds,
      concurrent: p.queueMaxConcurrentDispatches,
      perSecond: p.queueMaxDispatchesPerSecond,
    },
    {
      timeoutSeconds: p.stageTimeoutSeconds,
      // Sized from the measured memory per in-flight image (bench `inProcess`, README
      // "Performance"): about 4.2 MB for a ~1 MP photo, so ~50 MB for a 12 MP one; 16 of those
      // plus the runtime's ~130 MB fit 1 GiB.
      memory: "1GiB",
      cpu: 1,
      concurrency: p.stageConcurrency,
      maxInstances: p.stageMaxInstances,
      secrets: [p.geminiApiKey],
    },
  ),
  async (req) => {
    await withPlannedRetries(() =>
      stageImageTask(req.data, {
        maxAttempts: p.imageMaxAttempts.value(),
        leaseMs: p.stageTimeoutSeconds.value() * 1000,
        fetchSource: (url) => fetchPartnerSource(url, req.data.partnerId),
        engine: (name) => getEngine(name, engineSettings()),
        store: getOutputStore(),
        output: outputOptions(),
        inputMaxDimension: p.inputMaxDimension.value(),
        waits: waitPolicy(),
        resultCache: resultCacheConfig(),
        topUp: (task, imageIndex) => topUpAfterFinish(task, imageIndex),
      }),
    );
  },
);

/**
 * The fair-share scheduler (worker/scheduler.ts): one tick per SCHEDULER_INTERVAL_SECONDS while
 * a batch is open, rebalancing the image queue's dispatch windows. One at a time; a failed tick
 * is retried briefly, and the next fan-out or the reconciler restarts a chain that stopped.
 */
export const dispatchScheduler = onTaskDispatched<SchedulerTaskData>(
  taskQueueOptions(
    { attempts: 3, backoffSeconds: [1, 5], concurrent: 1, perSecond: 5 },
    { memory: "256MiB", timeoutSeconds: 60 },
  ),
  async (req) => {
    await schedulerTick(dispatchConfig(), req.data.bucket);
  },
);

/** One of three paths to completion (worker, trigger, reconciler); retried, idempotent. */
export const onBatchUpdated = onDocumentUpdated(
  { document: "batches/{batchId}", retry: true },
  async (event) => {
    await onBatchChanged(event.params.batchId, event.data?.after.data());
  },
);

export const deliverWebhook = onTaskDispatched<WebhookTaskData>(
  taskQueueOptions(
    {
      attempts: p.webhookMaxAttempts,
      backoffSeconds: [p.webhookMinBackoffSeconds, p.webhookMaxBackoffSeconds],
      concurrent: 2,
      perSecond: 10,
    },
    { timeoutSeconds: 60 },
  ),
  async (req) => {
    await deliverWebhookTask(req.data, {
      retryCount: req.retryCount,
      maxAttempts: p.webhookMaxAttempts.value(),
      timeoutMs: p.webhookTimeoutMs.value(),
      allowPrivateHosts: p.allowPrivateSourceHosts.value(),
    });
  },
);

/** Repairs lost images and tasks, interrupted fan-outs, unfinished batches, missing webhooks. */
export const reconcileBatches = onSchedule(
  { schedule: "every 5 minutes", timeoutSeconds: 540 },
  async () => {
    const report = await reconcile({
      now: new Date(),
      processingDeadlineMs:
        (p.stageTimeoutSeconds.value() + p.reconcileMarginSeconds.value()) * 1000,
      staleBatchMs: p.reconcileStaleBatchSeconds.value() * 1000,
      maxAttempts: p.imageMaxAttempts.value(),
      batchesPerRun: p.reconcileBatchesPerRun.value(),
      imagesPerBatch: p.reconcileImagesPerBatch.value(),
      // The schedule's 540 s timeout minus room for the batch in progress and the webhooks.
      timeBudgetMs: 420_000,
    });
    logEvent("reconciler.run", { ...report });
  },
);

/** Economy lane: groups a chunk's images into Gemini Batch API jobs (worker/economySubmit.ts). */
export const submitEconomyJobs = onTaskDispatched<EconomySubmitTaskData>(
  taskQueueOptions(
    { attempts: 10, backoffSeconds: [10, 300], concurrent: 2, perSecond: 5 },
    { memory: "1GiB", timeoutSeconds: 540, secrets: [p.geminiApiKey] },
  ),
  async (req) => {
    await submitEconomyJobsTask(req.data, {
      engine: await batchEngineOf(req.data.batchId),
      fetchSource: fetchPartnerSource,
      inputMaxDimension: p.inputMaxDimension.value(),
      maxImagesPerJob: p.economyMaxImagesPerJob.value(),
      pollSeconds: p.economyPollSeconds.value(),
    });
  },
);

/** Economy lane: follows one model job, one tick per task (worker/economyPoll.ts). */
export const pollModelJob = onTaskDispatched<PollTaskData>(
  taskQueueOptions(
    { attempts: 20, backoffSeconds: [10, 600], concurrent: 4, perSecond: 10 },
    { memory: "1GiB", timeoutSeconds: 540, secrets: [p.geminiApiKey] },
  ),
  async (req) => {
    await pollModelJobTask(req.data, {
      engine: await batchEngineOf(req.data.batchId),
      store: getOutputStore(),
      output: outputOptions(),
      pollSeconds: p.economyPollSeconds.value(),
      fallbackToStandard: p.economyFallbackToStandard.value(),
    });
  },
);
