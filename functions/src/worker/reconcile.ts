/**
 * The reconciler: repairs what at-least-once delivery and crashes can leave behind. Run on a
 * schedule (index.ts) and directly by tests.
 *  1. Images `processing` for longer than the task deadline plus a margin lost their worker:
 *     re-enqueued while attempts remain, else `failed` with `worker_lost`.
 *  2. Chunks whose fan-out never ran (batch older than the stale window) are re-enqueued.
 *  3. Stale unfinished batches: queued images get a fresh task (their task may be gone), and the
 *     counters are recomputed from the image documents in one transaction (drift repair).
 *  4. Finished batches with a callback URL but no webhook record get their delivery enqueued.
 * Every repair is logged as `reconciler.repaired`.
 */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import { FUNCTION_NAMES } from "../config/region.js";
import { IMAGE_STATUSES, type Counters } from "../domain/imageStatus.js";
import { batchFromData, batchRef, type BatchDoc } from "../store/batchStore.js";
import { COLLECTIONS, getDb } from "../store/db.js";
import { imageFromData, imagesCol } from "../store/imageStore.js";
import { completionIdOf, enqueueWebhook } from "../notifications/webhookDelivery.js";
import { logEvent } from "../util/log.js";
import { enqueueOnce, expandTaskId, stageTaskId, type StageTaskData } from "./taskQueues.js";

export interface ReconcileOptions {
  now: Date;
  /** Image task deadline (the function timeout) plus margin, in ms. */
  processingDeadlineMs: number;
  staleBatchMs: number;
  maxAttempts: number;
  /** Only these batches (tests); default: every unfinished batch. */
  batchIds?: string[];
}

export interface ReconcileReport {
  lostImagesRequeued: number;
  lostImagesFailed: number;
  chunksReenqueued: number;
  queuedImagesReenqueued: number;
  countersRepaired: number;
  webhooksEnqueued: number;
}

const stageTask = (b: BatchDoc, imageId: string, generation: number): StageTaskData => ({
  batchId: b.batchId,
  imageId,
  generation,
  partnerId: b.partnerId,
  designStyle: b.designStyle,
  roomType: b.roomType,
  engine: b.engine,
});

async function loadBatches(opts: ReconcileOptions, statuses: string[]): Promise<BatchDoc[]> {
  const db = getDb();
  if (opts.batchIds) {
    const snaps = await db.getAll(...opts.batchIds.map((id) => batchRef(id)));
    return snaps
      .filter((s) => s.exists && statuses.includes(s.get("status")))
      .map((s) => batchFromData(s.id, s.data()!));
  }
  const snap = await db
    .collection(COLLECTIONS.batches)
    .where("status", "in", statuses)
    .limit(500)
    .get();
  return snap.docs.map((d) => batchFromData(d.id, d.data()));
}

/** Finished in the last day (a bounded scan; older completions are not re-notified). */
async function recentlyFinished(opts: ReconcileOptions): Promise<BatchDoc[]> {
  if (opts.batchIds) return loadBatches(opts, ["completed", "failed", "cancelled"]);
  const since = Timestamp.fromMillis(opts.now.getTime() - 86_400_000);
  const snap = await getDb()
    .collection(COLLECTIONS.batches)
    .where("completedAt", ">", since)
    .limit(1000)
    .get();
  return snap.docs
    .map((d) => batchFromData(d.id, d.data()))
    .filter((b) => b.status !== "queued" && b.status !== "processing");
}

async function repairLostImages(
  b: BatchDoc,
  opts: ReconcileOptions,
  report: ReconcileReport,
): Promise<void> {
  const cutoff = Timestamp.fromMillis(opts.now.getTime() - opts.processingDeadlineMs);
  const stuck = await imagesCol(b.batchId)
    .where("status", "==", "processing")
    .where("startedAt", "<", cutoff)
    .get();
  for (const doc of stuck.docs) {
    const outcome = await getDb().runTransaction(async (tx) => {
      const snap = await tx.get(doc.ref);
      const img = imageFromData(snap.id, snap.data()!);
      if (
        img.status !== "processing" ||
        !img.startedAt ||
        img.startedAt.getTime() >= cutoff.toMillis()
      )
        return null;
      const counters: DocumentData = {
        processing: FieldValue.increment(-1),
        updatedAt: FieldValue.serverTimestamp(),
      };
      if (img.attempts < opts.maxAttempts) {
        tx.update(doc.ref, {
          status: "queued",
          attemptId: null,
          error: {
            code: "worker_lost",
            message: "The worker stopped during processing; retrying",
            retryable: true,
          },
        });
        tx.update(batchRef(b.batchId), { ...counters, queued: FieldValue.increment(1) });
        return { kind: "requeued" as const, img };
      }
      tx.update(doc.ref, {
        status: "failed",
        attemptId: null,
        completedAt: FieldValue.serverTimestamp(),
        error: {
          code: "worker_lost",
          message: "The worker stopped during processing on every attempt",
          retryable: false,
        },
      });
      tx.update(batchRef(b.batchId), { ...counters, failed: FieldValue.increment(1) });
      return { kind: "failed" as const, img };
    });
    if (!outcome) continue;
    if (outcome.kind === "requeued") {
      report.lostImagesRequeued++;
      await enqueueOnce(
        FUNCTION_NAMES.stageImage,
        stageTask(b, outcome.img.imageId, outcome.img.generation),
        stageTaskId(
          b.batchId,
          outcome.img.imageId,
          outcome.img.generation,
          `lost-${outcome.img.attempts}`,
        ),
      );
    } else {
      report.lostImagesFailed++;
    }
    logEvent("reconciler.repaired", {
      batchId: b.batchId,
      partnerId: b.partnerId,
      imageIndex: outcome.img.index,
      repair: `lost_image_${outcome.kind}`,
      attempt: outcome.img.attempts,
    });
  }
}

async function repairFanOut(b: BatchDoc, report: ReconcileReport): Promise<boolean> {
  const chunks = await batchRef(b.batchId)
    .collection(COLLECTIONS.chunks)
    .where("expandedAt", "==", null)
    .select()
    .get();
  const bucket = Math.floor(Date.now() / 3_600_000);
  for (const c of chunks.docs) {
    const n = Number(c.id);
    // A new id per hour: the original task may have been dropped after its last retry.
    await enqueueOnce(
      FUNCTION_NAMES.expandBatch,
      { batchId: b.batchId, chunk: n },
      `${expandTaskId(b.batchId, n)}-r${bucket}`,
    );
    report.chunksReenqueued++;
    logEvent("reconciler.repaired", {
      batchId: b.batchId,
      partnerId: b.partnerId,
      repair: "fan_out_reenqueued",
      chunk: n,
    });
  }
  return chunks.empty;
}

async function reenqueueQueued(b: BatchDoc, report: ReconcileReport): Promise<void> {
  const queued = await imagesCol(b.batchId)
    .where("status", "==", "queued")
    .select("generation", "index")
    .get();
  const bucket = Math.floor(Date.now() / 3_600_000);
  for (const d of queued.docs) {
    const gen = (d.get("generation") as number) ?? 0;
    const r = await enqueueOnce(
      FUNCTION_NAMES.stageImage,
      stageTask(b, d.id, gen),
      stageTaskId(b.batchId, d.id, gen, `stale-${bucket}`),
    );
    if (r === "enqueued") report.queuedImagesReenqueued++;
  }
  if (!queued.empty)
    logEvent("reconciler.repaired", {
      batchId: b.batchId,
      partnerId: b.partnerId,
      repair: "queued_reenqueued",
      images: queued.size,
    });
}

/** Recomputes the counters from the image documents, in one consistent transaction. */
export async function repairCounters(batchId: string): Promise<Counters | null> {
  const col = imagesCol(batchId);
  return getDb().runTransaction(async (tx) => {
    const snap = await tx.get(batchRef(batchId));
    if (!snap.exists) return null;
    const counts = await Promise.all(
      IMAGE_STATUSES.map((s) => tx.get(col.where("status", "==", s).count())),
    );
    const actual = Object.fromEntries(
      IMAGE_STATUSES.map((s, i) => [s, counts[i]!.data().count]),
    ) as Counters;
    const stored = Object.fromEntries(
      IMAGE_STATUSES.map((s) => [s, (snap.get(s) as number) ?? 0]),
    ) as Counters;
    const documents = IMAGE_STATUSES.reduce((n, s) => n + actual[s], 0);
    // Before the fan-out has created every image document the counters are ahead by design.
    if (documents !== snap.get("total")) return null;
    if (IMAGE_STATUSES.every((s) => actual[s] === stored[s])) return null;
    tx.update(snap.ref, { ...actual, updatedAt: FieldValue.serverTimestamp() });
    logEvent(
      "reconciler.repaired",
      {
        batchId,
        partnerId: snap.get("partnerId"),
        repair: "counters",
        before: JSON.stringify(stored),
        after: JSON.stringify(actual),
      },
      "warn",
    );
    return actual;
  });
}

export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    lostImagesRequeued: 0,
    lostImagesFailed: 0,
    chunksReenqueued: 0,
    queuedImagesReenqueued: 0,
    countersRepaired: 0,
    webhooksEnqueued: 0,
  };
  const open = await loadBatches(opts, ["queued", "processing"]);
  for (const b of open) {
    await repairLostImages(b, opts, report);
    const lastChange = (b.updatedAt ?? b.createdAt).getTime();
    const stale = opts.now.getTime() - lastChange > opts.staleBatchMs;
    if (!stale) continue;
    const expanded = await repairFanOut(b, report);
    if (!expanded) continue;
    if (await repairCounters(b.batchId)) report.countersRepaired++;
    await reenqueueQueued(b, report);
  }
  // Finished batches whose completion webhook was never enqueued (a trigger that died).
  const finished = await recentlyFinished(opts);
  for (const b of finished) {
    if (!b.callbackUrl || b.webhook || !b.completedAt) continue;
    if (opts.now.getTime() - b.completedAt.getTime() < 60_000) continue;
    await enqueueWebhook(b.batchId, completionIdOf(b.completedAt));
    report.webhooksEnqueued++;
  }
  return report;
}
