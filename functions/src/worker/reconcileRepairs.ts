/**
 * The reconciler's repairs of one open batch, each bounded (a page of images per run):
 * lost images (a worker died mid-attempt), a dispatch window left short, chunks whose
 * fan-out never finished, cancelled batches' stragglers, and - only for a batch with no image
 * activity for the stale window - a page of queued images re-enqueued under their original
 * task ids, so a task that still exists is not duplicated (the queue refuses the name).
 */
import { FUNCTION_NAMES } from "../config/region.js";
import type { BatchDoc } from "../store/batchStore.js";
import { getDb } from "../store/db.js";
import { dateOf } from "../store/firestoreDates.js";
import { cancelQueuedImages, markTasksEnqueued } from "../store/imageBulk.js";
import { imageConverter } from "../store/imageDoc.js";
import { failLostImage, type ImageDoc } from "../store/imageStore.js";
import { transitionImage } from "../store/imageTransition.js";
import {
  imagesByStatus,
  latestActivityQueries,
  lostImagesQuery,
  undispatchedImagesQuery,
  unenqueuedChunksQuery,
} from "../store/queries.js";
import { WAITING_FOR_MODEL_BATCH } from "../store/modelJobs.js";
import { noteWrite } from "../store/writeLog.js";
import { logEvent } from "../util/log.js";
import { unfinishedCount } from "../store/dispatchStore.js";
import { openBatchWindow, type DispatchConfig } from "../queues/dispatchWindow.js";
import { isEconomyBatch } from "../queues/economyLane.js";
import {
  enqueueOnce,
  enqueueStageTasks,
  expandTaskId,
  stageTaskId,
  stageTaskOf,
} from "../queues/taskQueues.js";

export interface RepairOptions {
  now: Date;
  processingDeadlineMs: number;
  staleBatchMs: number;
  maxAttempts: number;
  imagesPerBatch: number;
  dispatch: DispatchConfig;
}

export interface RepairReport {
  lostImagesRequeued: number;
  lostImagesFailed: number;
  chunksReenqueued: number;
  imagesWithoutTaskEnqueued: number;
  queuedImagesReenqueued: number;
  stragglersCancelled: number;
}

const repaired = (b: BatchDoc, repair: string, fields: Record<string, number> = {}) =>
  logEvent("reconciler.repaired", {
    batchId: b.batchId,
    partnerId: b.partnerId,
    repair,
    ...fields,
  });

export async function repairLostImages(
  b: BatchDoc,
  opts: RepairOptions,
  report: RepairReport,
): Promise<void> {
  const cutoff = new Date(opts.now.getTime() - opts.processingDeadlineMs);
  const stuck = await lostImagesQuery(b.batchId, cutoff, opts.imagesPerBatch).get();
  for (const doc of stuck.docs) {
    const outcome = await getDb().runTransaction(async (tx) => {
      const img = (await tx.get(doc.ref.withConverter(imageConverter))).data();
      if (!img || img.status !== "processing" || !img.startedAt || img.startedAt >= cutoff)
        return null;
      // An economy image waits for its Gemini batch job (up to 24 h): its poller owns it.
      if (img.waitingFor === WAITING_FOR_MODEL_BATCH) return null;
      if (img.attempts < opts.maxAttempts) {
        transitionImage(tx, doc.ref, img.data, "queued", {
          attemptId: null,
          taskEnqueuedAt: null,
          error: {
            code: "worker_lost",
            message: "The worker stopped during processing; retrying",
            retryable: true,
          },
        });
        return { kind: "requeued" as const, img };
      }
      failLostImage(tx, doc.ref, img.data, b.partnerId);
      return { kind: "failed" as const, img };
    });
    if (!outcome) continue;
    noteWrite(doc.ref.path);
    if (outcome.kind === "requeued") {
      report.lostImagesRequeued++;
      const { img } = outcome;
      await enqueueOnce(
        FUNCTION_NAMES.stageImage,
        stageTaskOf(b, img),
        stageTaskId(b.batchId, img.imageId, img.generation, `lost-${img.attempts}`),
      );
      await markTasksEnqueued(b.batchId, [img.imageId]);
    } else {
      report.lostImagesFailed++;
    }
    repaired(b, `lost_image_${outcome.kind}`, {
      imageIndex: outcome.img.index,
      attempt: outcome.img.attempts,
    });
  }
}

/** Chunks whose image tasks were never all enqueued, once the batch is older than the window. */
export async function repairFanOut(
  b: BatchDoc,
  opts: RepairOptions,
  report: RepairReport,
): Promise<void> {
  if (opts.now.getTime() - b.createdAt.getTime() < opts.staleBatchMs) return;
  const chunks = await unenqueuedChunksQuery(b.batchId).get();
  const bucket = Math.floor(opts.now.getTime() / 3_600_000);
  for (const c of chunks.docs) {
    const n = Number(c.id);
    // A new id per hour: the original task may have been dropped after its last retry. The
    // fan-out is idempotent and never re-enqueues the image tasks of an enqueued chunk.
    await enqueueOnce(
      FUNCTION_NAMES.expandBatch,
      { batchId: b.batchId, chunk: n },
      `${expandTaskId(b.batchId, n)}-r${bucket}`,
    );
    report.chunksReenqueued++;
    repaired(b, "fan_out_reenqueued", { chunk: n });
  }
}

/**
 * Queued images not dispatched: the batch's window is topped up (a request or worker that died
 * before dispatching leaves it short); the rest follow as its images finish, never all at once.
 */
export async function enqueueMissingTasks(
  b: BatchDoc,
  opts: RepairOptions,
  report: RepairReport,
): Promise<void> {
  if (b.cancelRequested) return;
  if (isEconomyBatch(b)) {
    await enqueueEconomyStragglers(b, opts, report);
    return;
  }
  const n = await openBatchWindow(b, opts.dispatch, await unfinishedCount(b.batchId));
  report.imagesWithoutTaskEnqueued += n;
  if (n) repaired(b, "window_topped_up", { images: n });
}

/**
 * An economy batch has no dispatch window (its images go to Gemini batch jobs): queued images
 * that nothing picked up for a minute (a retry-failed request that died before enqueueing them)
 * get their standard-lane tasks here.
 */
async function enqueueEconomyStragglers(
  b: BatchDoc,
  opts: RepairOptions,
  report: RepairReport,
): Promise<void> {
  const snap = await undispatchedImagesQuery(b.batchId, opts.imagesPerBatch, true)
    .withConverter(imageConverter)
    .get();
  // Give the request that moved them a minute to enqueue them itself.
  const graceMs = 60_000;
  const images: ImageDoc[] = snap.docs
    .map((d) => d.data())
    .filter((img) => (img.queuedAt?.getTime() ?? 0) < opts.now.getTime() - graceMs);
  if (images.length === 0) return;
  await enqueueStageTasks(images.map((img) => stageTaskOf(b, img)));
  await markTasksEnqueued(
    b.batchId,
    images.map((img) => img.imageId),
  );
  report.imagesWithoutTaskEnqueued += images.length;
  repaired(b, "missing_tasks_enqueued", { images: images.length });
}

/** When the batch's images last started or finished (two one-entry queries). */
async function lastActivity(b: BatchDoc): Promise<number> {
  const [started, completed] = await Promise.all(
    latestActivityQueries(b.batchId).map((q) => q.get()),
  );
  const t = (field: string, s: typeof started) => {
    const v = s?.docs[0]?.get(field) as { toMillis?: () => number } | undefined;
    return v?.toMillis?.() ?? 0;
  };
  return Math.max(
    t("startedAt", started),
    t("completedAt", completed),
    (b.startedAt ?? b.createdAt).getTime(),
  );
}

/**
 * A batch with no image started or finished for the stale window may have lost tasks (e.g. a
 * task whose queue deliveries ran out). One page of its queued images is re-enqueued per run,
 * under the ids their tasks were created with: a task that still exists is refused by the
 * queue, so a live backlog is never duplicated, and never all of it at once.
 */
export async function reenqueueStaleQueued(
  b: BatchDoc,
  opts: RepairOptions,
  report: RepairReport,
  cursor: number | null,
): Promise<number | null> {
  if (b.cancelRequested) return null;
  if (opts.now.getTime() - (await lastActivity(b)) < opts.staleBatchMs) return null;
  let q = imagesByStatus(b.batchId, "queued");
  if (cursor !== null) q = q.startAfter(cursor);
  const page = await q.limit(opts.imagesPerBatch).withConverter(imageConverter).get();
  const images = page.docs.map((d) => d.data());
  let enqueued = 0;
  // Undispatched images are the window's to dispatch, not the repair's.
  // A deferred image has its task scheduled (deferImage.ts): it is the repair's only once that
  // task is overdue by the stale window.
  const overdue = opts.now.getTime() - opts.staleBatchMs;
  for (const img of images) {
    if (img.data.taskEnqueuedAt == null) continue;
    if ((dateOf(img.data.deferredUntil)?.getTime() ?? 0) > overdue) continue;
    const r = await enqueueOnce(
      FUNCTION_NAMES.stageImage,
      stageTaskOf(b, img),
      stageTaskId(b.batchId, img.imageId, img.generation),
    );
    if (r === "enqueued") enqueued++;
  }
  report.queuedImagesReenqueued += enqueued;
  if (images.length) repaired(b, "stale_queued_checked", { images: images.length, enqueued });
  return images.length === opts.imagesPerBatch ? images[images.length - 1]!.index : null;
}

/** Images created queued after a cancel (a fan-out that read the batch before it). */
export async function cancelStragglers(b: BatchDoc, report: RepairReport): Promise<void> {
  if (!b.cancelRequested) return;
  const n = await cancelQueuedImages(b.batchId);
  report.stragglersCancelled += n;
  if (n) repaired(b, "stragglers_cancelled", { images: n });
}
