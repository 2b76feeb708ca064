/**
 * The reconciler: repairs what at-least-once delivery and crashes can leave behind, in bounded
 * steps. Run on a schedule (index.ts) and directly by tests. Each run checks at most
 * `batchesPerRun` open batches, resuming after the last one checked by the previous run (a
 * cursor in system/reconciler) and stopping early at its time budget, and restarts the fair-share
 * scheduler while any batch is open; each batch is repaired in
 * its own try/catch, so one failure is logged and does not stop the others. Per batch (see
 * reconcileRepairs.ts): lost images, missing image tasks, interrupted fan-outs, cancelled
 * stragglers, stale queued images (one page), then completion (settleBatch), which finishes
 * every open batch whose images are all finished. Finished batches whose completion webhook
 * was never enqueued get it enqueued (once per completion).
 */
import { OPEN_BATCH_STATUSES } from "../domain/batchStatus.js";
import { FieldValue } from "firebase-admin/firestore";
import { enqueueCompletionWebhook } from "../notifications/webhookDelivery.js";
import { batchConverter, batchRef, type BatchDoc } from "../store/batchStore.js";
import { COLLECTIONS, getDb } from "../store/db.js";
import { finishedSinceQuery, openBatchesQuery } from "../store/queries.js";
import { tryBatchStep } from "../util/log.js";
import { isEconomyBatch } from "../queues/economyLane.js";
import { restartStalledPollers } from "./economyPoll.js";
import {
  cancelStragglers,
  enqueueMissingTasks,
  reenqueueStaleQueued,
  repairFanOut,
  repairLostImages,
  type RepairOptions,
  type RepairReport,
} from "./reconcileRepairs.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import { dispatchConfig } from "../config/runtimeConfig.js";
import type { DispatchConfig } from "../queues/dispatchWindow.js";
import { ensureScheduler } from "../queues/schedulerQueue.js";

export interface ReconcileOptions {
  now: Date;
  /** Image task deadline (the function timeout) plus margin, in ms. */
  processingDeadlineMs: number;
  staleBatchMs: number;
  /** The image's attempt budget (IMAGE_MAX_ATTEMPTS). */
  maxAttempts: number;
  batchesPerRun?: number;
  imagesPerBatch?: number;
  /** Stop starting new batches after this long (the schedule's timeout minus a margin). */
  timeBudgetMs?: number;
  /** Only these batches (tests); default: open batches from the stored cursor. */
  batchIds?: string[];
  /** Fair-share dispatch settings; default: the params (config/runtimeConfig.ts). */
  dispatch?: DispatchConfig;
}

export interface ReconcileReport extends RepairReport {
  batchesChecked: number;
  batchesFinished: number;
  batchErrors: number;
  webhooksEnqueued: number;
  /** Where the next run resumes (null: from the start). */
  nextCursor: string | null;
}

const cursorRef = () => getDb().collection(COLLECTIONS.system).doc("reconciler");

/** A batch the run could not repair or notify: logged, counted, and the run goes on. */
const FAILED = { event: "reconciler.batch_failed", level: "error" } as const;

async function openBatches(
  opts: ReconcileOptions,
  limit: number,
): Promise<{ batches: BatchDoc[]; start: string | null; next: string | null }> {
  if (opts.batchIds) {
    const snaps = await getDb().getAll(
      ...opts.batchIds.map((id) => batchRef(id).withConverter(batchConverter)),
    );
    const batches = snaps
      .map((s) => s.data())
      .filter((b): b is BatchDoc => !!b && OPEN_BATCH_STATUSES.includes(b.status));
    return { batches, start: null, next: null };
  }
  const cursor = ((await cursorRef().get()).get("cursor") as string | undefined) ?? null;
  const snap = await openBatchesQuery(cursor, limit).withConverter(batchConverter).get();
  const batches = snap.docs.map((d) => d.data());
  const next = snap.size === limit ? batches[batches.length - 1]!.batchId : null;
  return { batches, start: cursor, next };
}

async function repairBatch(
  b: BatchDoc,
  opts: RepairOptions,
  report: ReconcileReport,
): Promise<void> {
  await repairLostImages(b, opts, report);
  await enqueueMissingTasks(b, opts, report);
  await repairFanOut(b, opts, report);
  await cancelStragglers(b, report);
  if (isEconomyBatch(b)) await restartStalledPollers(b, opts.now);
  const stored = (await batchRef(b.batchId).get()).get("reconcileCursor") as number | undefined;
  const next = await reenqueueStaleQueued(b, opts, report, stored ?? null);
  if ((next ?? null) !== (stored ?? null))
    await batchRef(b.batchId).update({ reconcileCursor: next ?? FieldValue.delete() });
  if (await settleBatch(b.batchId)) report.batchesFinished++;
}

export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const started = Date.now();
  const repairOpts: RepairOptions = {
    ...opts,
    imagesPerBatch: opts.imagesPerBatch ?? 200,
    dispatch: opts.dispatch ?? dispatchConfig(),
  };
  const report: ReconcileReport = {
    lostImagesRequeued: 0,
    lostImagesFailed: 0,
    chunksReenqueued: 0,
    imagesWithoutTaskEnqueued: 0,
    queuedImagesReenqueued: 0,
    stragglersCancelled: 0,
    batchesChecked: 0,
    batchesFinished: 0,
    batchErrors: 0,
    webhooksEnqueued: 0,
    nextCursor: null,
  };
  const { batches, start, next } = await openBatches(opts, opts.batchesPerRun ?? 200);
  report.nextCursor = next;
  // The scheduler chain restarts here if it ever stopped while batches are open.
  if (batches.length) await ensureScheduler(repairOpts.dispatch);
  for (const b of batches) {
    if (Date.now() - started > (opts.timeBudgetMs ?? 420_000)) {
      // Resume after the last batch checked (or where this run started, if none was).
      report.nextCursor = report.batchesChecked
        ? batches[report.batchesChecked - 1]!.batchId
        : start;
      break;
    }
    report.batchesChecked++;
    const repaired = await tryBatchStep(b, () => repairBatch(b, repairOpts, report), FAILED);
    if (!repaired) report.batchErrors++;
  }
  if (!opts.batchIds) await cursorRef().set({ cursor: report.nextCursor }, { merge: true });

  // Finished batches whose completion webhook was never enqueued (a path that died after
  // finishing): bounded to the last day.
  const finished = opts.batchIds
    ? (
        await getDb().getAll(
          ...opts.batchIds.map((id) => batchRef(id).withConverter(batchConverter)),
        )
      ).flatMap((s) => s.data() ?? [])
    : (
        await finishedSinceQuery(new Date(opts.now.getTime() - 86_400_000), 1000)
          .withConverter(batchConverter)
          .get()
      ).docs.map((d) => d.data());
  for (const b of finished) {
    if (!b.callbackUrl || !b.completedAt) continue;
    if (opts.now.getTime() - b.completedAt.getTime() < 60_000) continue;
    const enqueued = await tryBatchStep(
      b,
      async () => {
        if (await enqueueCompletionWebhook(b.batchId)) report.webhooksEnqueued++;
      },
      FAILED,
    );
    if (!enqueued) report.batchErrors++;
  }
  return report;
}
