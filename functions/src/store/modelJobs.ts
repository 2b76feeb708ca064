/**
 * Economy-lane model jobs (Gemini Batch API jobs) and the image transitions around them. A job
 * document (batches/{id}/modelJobs/{jobId}) records the Gemini job name, its images and state;
 * the image documents stay the source of truth for counts. An image in a job is `processing`
 * with `waitingFor: "model_batch"`, `lane: "economy"` and `modelJob`, under an attempt id that
 * is a function of the job (so a retried submission claims the same images again, never others'),
 * and leaves through the same completeImage / failImage / requeueImage as the standard lane.
 */
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { batchRef } from "./batchStore.js";
import { getDb } from "./db.js";
import { ShardDeltas } from "./counterShards.js";
import { imageConverter } from "./imageDoc.js";
import { imageRef } from "./imageStore.js";
import { transitionImage } from "./imageTransition.js";
import { noteWrite } from "./writeLog.js";

export const WAITING_FOR_MODEL_BATCH = "model_batch";

export interface ModelJobImage {
  imageId: string;
  generation: number;
  /** Display size of the source (the output keeps its ratio). */
  sourceWidth: number;
  sourceHeight: number;
  aspectRatio: string;
  inputBytes: number;
}

export interface ModelJobDoc {
  jobId: string;
  /** Gemini's job name ("batches/..."): what operators look up. */
  name: string;
  /** The JSONL input file ("files/..."), when the requests went through the Files API. */
  inputFile?: string | null;
  state: string;
  attemptId: string;
  createTime: string | null;
  images: ModelJobImage[];
  /** Set once the job's outcome was applied to its images. */
  settledAt: Date | null;
  /** The partner cancelled the batch: the poller cancels the job at Gemini. */
  cancelRequested?: boolean;
  /** Last poll and creation of the record (the reconciler restarts stalled pollers). */
  polledAt?: Date | null;
  recordedAt?: Date | null;
}

const dateOf = (v: unknown): Date | null => (v instanceof Timestamp ? v.toDate() : null);

export const modelJobsCol = (batchId: string) => batchRef(batchId).collection("modelJobs");
export const modelJobRef = (batchId: string, jobId: string) => modelJobsCol(batchId).doc(jobId);

/** The display name a job gets at Gemini: a submission that lost its job finds it by this. */
export const modelJobDisplayName = (batchId: string, jobId: string) => `vstage-${batchId}-${jobId}`;

/**
 * Records that a job is about to be created at Gemini (before the create call). Returns false
 * when an earlier run already recorded it: that run may have created the job and died before
 * recordModelJob, so the caller looks for the job by its display name before creating one.
 */
export async function recordSubmitIntent(batchId: string, jobId: string): Promise<boolean> {
  const ref = batchRef(batchId).collection("modelJobIntents").doc(jobId);
  try {
    await ref.create({
      displayName: modelJobDisplayName(batchId, jobId),
      at: FieldValue.serverTimestamp(),
    });
  } catch (e) {
    // gRPC ALREADY_EXISTS.
    if ((e as { code?: unknown }).code === 6) return false;
    throw e;
  }
  noteWrite(ref.path);
  return true;
}

/** The attempt id of every image of one job group (deterministic: retries claim the same). */
export const economyAttemptId = (batchId: string, group: string) => `econ-${batchId}-${group}`;

/**
 * Claims queued images of the current generation for a job group: one transaction, at most a
 * job's worth of images. Images already claimed by this group (a retried submission) count as
 * claimed; anything else (cancelled, finished, another attempt) is left alone.
 */
export async function claimForModelJob(
  batchId: string,
  group: string,
  images: Array<{ imageId: string; generation: number }>,
): Promise<Map<string, string>> {
  const attemptId = economyAttemptId(batchId, group);
  const refs = images.map((i) => imageRef(batchId, i.imageId));
  const claimed = await getDb().runTransaction(async (tx) => {
    const snaps = await tx.getAll(...refs.map((r) => r.withConverter(imageConverter)));
    // Image id -> its source URL, for the images this group owns.
    const out = new Map<string, string>();
    const shared = new ShardDeltas(batchId);
    snaps.forEach((snap, i) => {
      const img = snap.data();
      if (!img) return;
      if (img.status === "processing" && img.attemptId === attemptId) {
        out.set(img.imageId, img.url);
        return;
      }
      if (img.status !== "queued" || img.generation !== images[i]!.generation) return;
      transitionImage(
        tx,
        refs[i]!,
        img.data,
        "processing",
        {
          attempts: FieldValue.increment(1),
          attemptId,
          startedAt: FieldValue.serverTimestamp(),
          waitingFor: WAITING_FOR_MODEL_BATCH,
          lane: "economy",
          modelJob: null,
        },
        { shared },
      );
      out.set(img.imageId, img.url);
    });
    shared.writeTo(tx);
    return out;
  });
  noteWrite(...[...claimed.keys()].map((id) => imageRef(batchId, id).path));
  return claimed;
}

/** Records a created job and names it on its images (operators look images up by it). */
export async function recordModelJob(
  batchId: string,
  job: ModelJobDoc,
  origin: { chunk: number; round: string | null; group: string; lastOfGroup: boolean },
): Promise<void> {
  const db = getDb();
  const writes = db.batch();
  writes.set(modelJobRef(batchId, job.jobId), {
    ...job,
    ...origin,
    settledAt: null,
    createdAt: FieldValue.serverTimestamp(),
    createTime: job.createTime,
    estimatedCompletionBy: job.createTime
      ? Timestamp.fromMillis(Date.parse(job.createTime) + 24 * 3_600_000)
      : null,
  });
  for (const img of job.images) {
    writes.update(imageRef(batchId, img.imageId), {
      modelJob: job.name,
      modelJobCreatedAt: job.createTime ? Timestamp.fromMillis(Date.parse(job.createTime)) : null,
    });
  }
  await writes.commit();
  noteWrite(modelJobRef(batchId, job.jobId).path);
}

export async function getModelJob(batchId: string, jobId: string): Promise<ModelJobDoc | null> {
  const snap = await modelJobRef(batchId, jobId).get();
  if (!snap.exists) return null;
  const d = snap.data()!;
  return {
    jobId: snap.id,
    name: d.name,
    state: d.state,
    attemptId: d.attemptId,
    createTime: d.createTime ?? null,
    images: d.images ?? [],
    inputFile: d.inputFile ?? null,
    settledAt: d.settledAt instanceof Timestamp ? d.settledAt.toDate() : null,
    cancelRequested: d.cancelRequested === true,
  };
}

/**
 * The jobs of a chunk (of the fan-out, or of a retry round) already recorded, by group;
 * `complete` once the group's last job is (its images must not be claimed or sent again).
 */
export async function submittedGroups(
  batchId: string,
  chunk: number,
  round: string | null,
): Promise<Map<string, { jobIds: Set<string>; complete: boolean }>> {
  // One equality filter each (single-field indexes): a round is unique to one retry request.
  const query = round
    ? modelJobsCol(batchId).where("round", "==", round)
    : modelJobsCol(batchId).where("chunk", "==", chunk);
  const snap = await query.select("group", "lastOfGroup", "chunk", "round").get();
  const out = new Map<string, { jobIds: Set<string>; complete: boolean }>();
  for (const d of snap.docs) {
    if (d.get("chunk") !== chunk || (d.get("round") ?? null) !== round) continue;
    const g = String(d.get("group"));
    const entry = out.get(g) ?? { jobIds: new Set<string>(), complete: false };
    entry.jobIds.add(d.id);
    entry.complete ||= d.get("lastOfGroup") === true;
    out.set(g, entry);
  }
  return out;
}

export async function updateModelJobState(
  batchId: string,
  jobId: string,
  state: string,
  settled: boolean,
): Promise<void> {
  await modelJobRef(batchId, jobId).update({
    state,
    polledAt: FieldValue.serverTimestamp(),
    ...(settled ? { settledAt: FieldValue.serverTimestamp() } : {}),
  });
}

/** Unsettled jobs of a batch (cancel). */
export async function openModelJobs(batchId: string): Promise<ModelJobDoc[]> {
  const snap = await modelJobsCol(batchId).where("settledAt", "==", null).get();
  return snap.docs.map((d) => ({
    jobId: d.id,
    name: d.get("name"),
    state: d.get("state"),
    attemptId: d.get("attemptId"),
    createTime: d.get("createTime") ?? null,
    images: d.get("images") ?? [],
    settledAt: null,
    polledAt: dateOf(d.get("polledAt")),
    recordedAt: dateOf(d.get("createdAt")),
  }));
}

/**
 * Cancels a job's images still waiting for it (the partner cancelled the batch). Only images
 * under the job's own attempt: one the standard lane took over is left to finish there.
 */
export async function cancelModelJobImages(
  batchId: string,
  attemptId: string,
  imageIds: string[],
): Promise<number> {
  if (imageIds.length === 0) return 0;
  const refs = imageIds.map((id) => imageRef(batchId, id));
  const cancelled = await getDb().runTransaction(async (tx) => {
    const snaps = await tx.getAll(...refs);
    const out: string[] = [];
    const shared = new ShardDeltas(batchId);
    for (const s of snaps) {
      if (s.get("status") !== "processing" || s.get("attemptId") !== attemptId) continue;
      transitionImage(
        tx,
        s.ref,
        s.data()!,
        "cancelled",
        { attemptId: null, completedAt: FieldValue.serverTimestamp(), waitingFor: null },
        { shared },
      );
      out.push(s.ref.path);
    }
    shared.writeTo(tx);
    return out;
  });
  noteWrite(...cancelled);
  return cancelled.length;
}
