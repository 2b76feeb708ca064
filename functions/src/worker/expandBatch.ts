/** Fan-out of one chunk: creates its image documents and enqueues one image task each. */
import { FieldValue } from "firebase-admin/firestore";
import { chunkRef, getBatch } from "../store/batchStore.js";
import { expandChunk } from "../store/imageStore.js";
import { logEvent } from "../util/log.js";
import { enqueueStageTasks, type ExpandTaskData } from "./taskQueues.js";

export async function expandBatchTask(task: ExpandTaskData): Promise<void> {
  const started = Date.now();
  const batch = await getBatch(task.batchId);
  if (!batch) {
    logEvent("batch.expand_missing", { batchId: task.batchId, chunk: task.chunk }, "warn");
    return;
  }
  const images = await expandChunk(task.batchId, task.chunk, batch.cancelRequested);
  if (batch.cancelRequested) return;
  const enqueued = await enqueueStageTasks(
    images.map((img) => ({
      batchId: batch.batchId,
      imageId: img.imageId,
      generation: img.generation,
      partnerId: batch.partnerId,
      designStyle: batch.designStyle,
      roomType: batch.roomType,
      engine: batch.engine,
    })),
  );
  await chunkRef(task.batchId, task.chunk).update({ enqueuedAt: FieldValue.serverTimestamp() });
  logEvent("batch.chunk_expanded", {
    batchId: batch.batchId,
    partnerId: batch.partnerId,
    chunk: task.chunk,
    images: images.length,
    enqueued,
    durationMs: Date.now() - started,
  });
}
