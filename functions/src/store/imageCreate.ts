/**
 * Creating the image documents of a chunk (the fan-out): each image `queued`, with its counter
 * shard and the shard's size (store/counterShards.ts).
 */
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import type { SourceImage } from "../domain/chunking.js";
import { shardOf, shardSize } from "../domain/counterShards.js";
import { imageDocId } from "../domain/ids.js";
import type { ImageStatus } from "../domain/imageStatus.js";
import { chunkRef } from "./batchStore.js";
import { getDb } from "./db.js";
import { imageRef, imagesCol } from "./imageStore.js";
import { statusFields } from "./imageTransition.js";
import { noteWrite } from "./writeLog.js";

/** gRPC status of a create() on an existing document. */
const ALREADY_EXISTS = 6;

export interface ExpandedImage {
  imageId: string;
  index: number;
  generation: number;
}

/**
 * Runs once the chunk's first `count` images are written, before the rest are: the fan-out
 * dispatches a window from them, so a batch's first image does not wait for 500 creates.
 */
export interface AfterHead {
  count: number;
  run: () => Promise<unknown>;
}

/**
 * Creates the image documents of one chunk, `queued` (idempotent: a re-run after a crash skips
 * the ones that exist). Returns the chunk's images for task enqueue. A chunk of a cancelled
 * batch is created queued too and cancelled right after by the caller through the ordinary
 * transition (imageBulk.cancelQueuedImages), which counts the move on the counter shards.
 */
export async function expandChunk(
  batchId: string,
  chunkNo: number,
  lane: "window" | "economy" = "window",
  afterHead?: AfterHead,
): Promise<ExpandedImage[]> {
  const db = getDb();
  const snap = await chunkRef(batchId, chunkNo).get();
  if (!snap.exists) throw new Error(`chunk ${chunkNo} of batch ${batchId} does not exist`);
  const chunk = snap.data()!;
  const start = chunk.start as number;
  const images = chunk.images as SourceImage[];
  // Absent on chunks written before counter shards: those images are counted by aggregation.
  const shards = typeof chunk.counterShards === "number" ? chunk.counterShards : null;
  const total = typeof chunk.total === "number" ? chunk.total : null;
  const out: ExpandedImage[] = images.map((_, i) => ({
    imageId: imageDocId(start + i),
    index: start + i,
    generation: 0,
  }));
  if (chunk.expandedAt) return out;

  const status: ImageStatus = "queued";
  const now = Timestamp.now();
  const writer = db.bulkWriter();
  const failures: unknown[] = [];
  writer.onWriteError((err) => {
    // ALREADY_EXISTS: an earlier run of this chunk created it; anything else is retried.
    if (err.code === ALREADY_EXISTS) return false;
    return err.failedAttempts < 5;
  });
  for (const [i, img] of images.entries()) {
    if (afterHead && i === afterHead.count) {
      await writer.flush();
      await afterHead.run();
    }
    const index = start + i;
    void writer
      .create(imagesCol(batchId).doc(imageDocId(index)), {
        index,
        url: img.url,
        propertyCode: img.propertyCode ?? null,
        ...statusFields(status),
        ...(shards ? { counterShard: shardOf(index, shards) } : {}),
        // How many images share the shard: a finished shard is what makes the completion check
        // worth running (store/counterShards.ts, shardStillRunning).
        ...(shards && total ? { shardSize: shardSize(total, shards, shardOf(index, shards)) } : {}),
        attempts: 0,
        generation: 0,
        queuedAt: now,
        // A standard-lane image waits for its batch's dispatch window (queues/dispatchWindow.ts);
        // an economy one belongs to its chunk's submission task (enqueued with the chunk's
        // retries until `enqueuedAt`), so the window never takes it.
        taskEnqueuedAt: lane === "economy" ? now : null,
        // Summed with the status indicators (see statusFields): present on every image.
        completedProcessingMs: 0,
        startedAt: null,
        completedAt: null,
        error: null,
        outputUrl: null,
      })
      .catch((e: { code?: number }) => {
        if (e.code !== ALREADY_EXISTS) failures.push(e);
      });
  }
  await writer.close();
  // The chunk is marked expanded only when every image exists; otherwise the task is retried.
  if (failures.length)
    throw new Error(`${failures.length} image documents of chunk ${chunkNo} were not written`);

  noteWrite(...out.map((img) => imageRef(batchId, img.imageId).path));
  // Only the chunk is marked: the batch document is not written per chunk, and a retried chunk
  // has no counter to apply twice (the counts are aggregated from the image documents).
  await chunkRef(batchId, chunkNo).update({ expandedAt: FieldValue.serverTimestamp() });
  return out;
}
