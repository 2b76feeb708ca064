/**
 * Enqueueing Cloud Tasks with deterministic ids: a duplicate enqueue is refused by the queue
 * (`functions/task-already-exists`), which we treat as success. That makes every enqueue safe
 * to repeat after a crash.
 */
import { getFunctions } from "firebase-admin/functions";
import { FUNCTION_NAMES, REGION } from "../config/region.js";
import { taskId } from "../domain/ids.js";
import type { BatchDoc } from "../store/batchStore.js";
import type { ClaimTicket } from "../store/claimTicket.js";
import { ensureApp } from "../store/db.js";

export interface StageTaskData {
  batchId: string;
  imageId: string;
  generation: number;
  partnerId: string;
  designStyle: string;
  roomType: string;
  engine: string;
  /** The image as its dispatcher's claim left it: the start commits on it without a read. */
  ticket?: ClaimTicket;
}

export interface ExpandTaskData {
  batchId: string;
  chunk: number;
}

function queue(fn: string) {
  ensureApp();
  return getFunctions().taskQueue(`locations/${REGION}/functions/${fn}`);
}

function alreadyExists(e: unknown): boolean {
  const code =
    (e as { code?: string; errorInfo?: { code?: string } })?.code ??
    (e as { errorInfo?: { code?: string } })?.errorInfo?.code;
  return code === "functions/task-already-exists" || code === "task-already-exists";
}

export async function enqueueOnce(
  fn: string,
  data: object,
  id: string,
  options: { scheduleDelaySeconds?: number } = {},
): Promise<"enqueued" | "exists"> {
  try {
    await queue(fn).enqueue(data as Record<string, unknown>, { id, ...options });
    return "enqueued";
  } catch (e) {
    if (alreadyExists(e)) return "exists";
    throw e;
  }
}

/** Enqueues many tasks with bounded parallelism. */
export async function enqueueAll<T>(
  items: T[],
  toTask: (item: T) => { fn: string; data: object; id: string },
  parallel = 32,
): Promise<number> {
  let next = 0;
  let enqueued = 0;
  const workers = Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) {
      const t = toTask(items[next++]!);
      if ((await enqueueOnce(t.fn, t.data, t.id)) === "enqueued") enqueued++;
    }
  });
  await Promise.all(workers);
  return enqueued;
}

export const expandTaskId = (batchId: string, chunk: number) => taskId("expand", batchId, chunk);
export const stageTaskId = (batchId: string, imageId: string, generation: number, suffix = "") =>
  taskId("stage", batchId, imageId, generation, suffix);

export function enqueueExpandTasks(batchId: string, chunkCount: number): Promise<number> {
  const chunks = Array.from({ length: chunkCount }, (_, i) => i);
  return enqueueAll(chunks, (chunk) => ({
    fn: FUNCTION_NAMES.expandBatch,
    data: { batchId, chunk } satisfies ExpandTaskData,
    id: expandTaskId(batchId, chunk),
  }));
}

/**
 * Enqueues these exact image tasks under their deterministic ids, outside any dispatch window:
 * a redelivery of tasks already dispatched. New work goes through dispatchWindow.ts.
 */
export function enqueueStageTasks(tasks: StageTaskData[]): Promise<number> {
  return enqueueAll(tasks, (t) => ({
    fn: FUNCTION_NAMES.stageImage,
    data: t,
    id: stageTaskId(t.batchId, t.imageId, t.generation),
  }));
}

type BatchTaskFields = Pick<
  BatchDoc,
  "batchId" | "partnerId" | "designStyle" | "roomType" | "engine"
>;

/** The task of one image of a batch: the batch's style, room type and engine travel with it. */
export const stageTaskOf = (
  b: BatchTaskFields,
  img: { imageId: string; generation: number },
): StageTaskData => ({
  batchId: b.batchId,
  imageId: img.imageId,
  generation: img.generation,
  partnerId: b.partnerId,
  designStyle: b.designStyle,
  roomType: b.roomType,
  engine: b.engine,
});

/** Enqueues the image tasks of some of a batch's images. */
export const enqueueBatchImages = (
  b: BatchTaskFields,
  images: ReadonlyArray<{ imageId: string; generation: number }>,
): Promise<number> => enqueueStageTasks(images.map((img) => stageTaskOf(b, img)));
