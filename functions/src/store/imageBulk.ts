/**
 * Transitions of many images of one batch at once, in pages of 200 per transaction: retry-failed
 * (failed -> queued, new generation), cancel (queued -> cancelled), and the record that image
 * tasks were enqueued. Like single-image transitions, they write the image documents only (the
 * reopen of a finished batch aside), so the counts stay those of the documents.
 */
import { FieldValue } from "firebase-admin/firestore";
import { canTransition } from "../domain/imageStatus.js";
import { batchRef } from "./batchStore.js";
import { getDb } from "./db.js";
import { ShardDeltas } from "./counterShards.js";
import type { ExpandedImage } from "./imageCreate.js";
import { imageConverter } from "./imageDoc.js";
import { imageRef } from "./imageStore.js";
import { transitionImage } from "./imageTransition.js";
import { imagesByStatus } from "./queries.js";
import { noteWrite } from "./writeLog.js";

/**
 * Moves failed images back to queued under a new generation, reopening a finished batch in
 * the same transaction (so no reader sees queued images in a finished batch). Their tasks are
 * not enqueued yet (`taskEnqueuedAt: null`): the caller enqueues them and records it; the
 * reconciler enqueues any the caller did not get to. Returns the moved images.
 */
export async function requeueFailedImages(batchId: string): Promise<ExpandedImage[]> {
  const db = getDb();
  const moved: ExpandedImage[] = [];
  for (;;) {
    const page = await imagesByStatus(batchId, "failed").limit(200).get();
    if (page.empty) break;
    const done = await db.runTransaction(async (tx) => {
      const snaps = await tx.getAll(...page.docs.map((d) => d.ref.withConverter(imageConverter)));
      const now = FieldValue.serverTimestamp();
      const these: ExpandedImage[] = [];
      const shared = new ShardDeltas(batchId);
      for (const s of snaps) {
        const img = s.data();
        if (!img || !canTransition(img.status, "queued") || img.status !== "failed") continue;
        const generation = img.generation + 1;
        transitionImage(
          tx,
          s.ref,
          img.data,
          "queued",
          {
            generation,
            attempts: 0,
            attemptId: null,
            previousError: img.error,
            error: null,
            queuedAt: now,
            taskEnqueuedAt: null,
            startedAt: null,
            completedAt: null,
            completedProcessingMs: 0,
          },
          { shared },
        );
        these.push({ imageId: img.imageId, index: img.index, generation });
      }
      shared.writeTo(tx);
      if (these.length) {
        tx.update(batchRef(batchId), {
          status: "processing",
          completedAt: null,
          generation: FieldValue.increment(1),
          updatedAt: now,
        });
      }
      return these;
    });
    noteWrite(...done.map((img) => imageRef(batchId, img.imageId).path));
    if (done.length) noteWrite(batchRef(batchId).path);
    moved.push(...done);
    if (done.length === 0) break;
  }
  return moved;
}

/** Records that these images' tasks are enqueued (the reconciler skips them). */
export async function markTasksEnqueued(batchId: string, imageIds: string[]): Promise<void> {
  if (imageIds.length === 0) return;
  const writer = getDb().bulkWriter();
  const now = FieldValue.serverTimestamp();
  for (const id of imageIds) void writer.update(imageRef(batchId, id), { taskEnqueuedAt: now });
  await writer.close();
  noteWrite(...imageIds.map((id) => imageRef(batchId, id).path));
}

/** Cancels every image still `queued`. Returns how many. */
export async function cancelQueuedImages(batchId: string): Promise<number> {
  const db = getDb();
  let total = 0;
  for (;;) {
    const page = await imagesByStatus(batchId, "queued").limit(200).get();
    if (page.empty) break;
    const ids = await db.runTransaction(async (tx) => {
      const snaps = await tx.getAll(...page.docs.map((d) => d.ref));
      const cancelled: string[] = [];
      const shared = new ShardDeltas(batchId);
      for (const s of snaps) {
        if (s.data()?.status !== "queued") continue;
        transitionImage(
          tx,
          s.ref,
          s.data()!,
          "cancelled",
          { completedAt: FieldValue.serverTimestamp(), waitingFor: null },
          { shared },
        );
        cancelled.push(s.ref.path);
      }
      shared.writeTo(tx);
      return cancelled;
    });
    noteWrite(...ids);
    total += ids.length;
    if (ids.length === 0) break;
  }
  return total;
}
