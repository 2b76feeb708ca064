/**
 * One image task: fetch the source, stage it with the batch's engine, store the output and
 * record the outcome. Retries are the queue's: a retryable error on a non-final attempt puts the
 * image back to `queued` and throws; a permanent error or the last attempt (the image's own
 * budget, IMAGE_MAX_ATTEMPTS, not the queue's) marks it `failed` and returns. Quota exhaustion
 * defers the image without spending an attempt. A duplicate delivered during a live attempt is
 * sent back to the queue untouched; an output stored by an attempt whose commit failed is
 * recorded by the redelivery instead of staging again. After a terminal transition the worker
 * finishes the batch if it was the last image (settleBatch).
 */
import type { StagingEngine } from "../engines/engine.js";
import { isStagingError, StagingError } from "../domain/stagingError.js";
import type { OutputStore } from "../outputs/outputStore.js";
import { outputPath } from "../outputs/outputStore.js";
import { markBatchStarted } from "../store/batchLifecycle.js";
import {
  beginAttempt,
  completeImage,
  failImage,
  getImageStatus,
  recordStoredOutput,
  requeueImage,
  type ImageError,
  type SuccessRecord,
} from "../store/imageStore.js";
import { OpCount } from "../store/opCount.js";
import { logEvent } from "../util/log.js";
import { encodeOutput } from "./encodeOutput.js";
import type { FetchedSource } from "./fetchSource.js";
import { circuitOpenForMs, openCircuit } from "./quotaCircuit.js";
import { deferImage } from "./deferImage.js";
import { settleBatch } from "./settleBatch.js";
import type { StageTaskData } from "./taskQueues.js";

export interface StageDeps {
  /** The image's attempt budget (IMAGE_MAX_ATTEMPTS), independent of the queue's retries. */
  maxAttempts: number;
  /** How long an attempt owns its image before a redelivery may take it over (task timeout). */
  leaseMs: number;
  fetchSource: (url: string) => Promise<FetchedSource>;
  engine: (name: string) => StagingEngine;
  store: OutputStore;
  output: { format: "jpeg" | "webp"; quality: number; maxDimension: number };
  /** Default quota back-off when the model gives no retry delay. */
  quotaDefaultDelayMs?: number;
}

export type StageOutcome = "completed" | "failed" | "deferred" | "skipped";

const DEFAULT_QUOTA_DELAY_MS = 30_000;

export function toStagingError(e: unknown): StagingError {
  if (isStagingError(e)) return e;
  // An error we did not anticipate is most likely transient (a bug is fixed by a deploy, and
  // the queue's retries give it that chance); it fails the image on the last attempt.
  return new StagingError("internal_error", "Unexpected error while staging the image", {
    retryable: true,
    cause: e,
  });
}

/** Thrown to hand a task back to the queue without touching the image (it retries later). */
const retryLater = (code: string, message: string) =>
  new StagingError(code, message, { retryable: true });

/** The batch may be finished now: the worker that saw the last image finish completes it. */
async function settleAfterTerminal(batchId: string, log: Record<string, unknown>): Promise<void> {
  try {
    await settleBatch(batchId);
  } catch (e) {
    // The trigger and the reconciler finish it too; the image's outcome is already recorded.
    logEvent("batch.settle_failed", { ...log, batchId, error: String(e) }, "warn");
  }
}

export async function stageImageTask(task: StageTaskData, deps: StageDeps): Promise<StageOutcome> {
  const receivedAt = Date.now();
  const log = {
    batchId: task.batchId,
    partnerId: task.partnerId,
    imageIndex: Number(task.imageId),
  };
  const quotaWait = await circuitOpenForMs();
  if (quotaWait > 0) {
    const deferred = await deferImage(task, quotaWait);
    // A redelivery for an image still `processing` (its attempt died or its commit failed)
    // must not be acknowledged: nothing else would carry the image on.
    if (!deferred && (await getImageStatus(task.batchId, task.imageId)) === "processing")
      throw retryLater("quota_circuit_open", "The model's quota is exhausted; retrying later");
    logEvent("image.quota_deferred", { ...log, delayMs: quotaWait, source: "circuit" });
    return "deferred";
  }

  const ops = new OpCount();
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops, {
    leaseMs: deps.leaseMs,
    maxAttempts: deps.maxAttempts,
  });
  if (begin.kind === "skip") {
    logEvent("image.duplicate_ignored", { ...log, reason: begin.reason });
    if (begin.reason === "exhausted") await settleAfterTerminal(task.batchId, log);
    return "skipped";
  }
  if (begin.kind === "busy") {
    logEvent("image.duplicate_busy", { ...log, attempt: begin.image.attempts });
    throw retryLater("attempt_in_progress", "Another attempt is staging this image");
  }
  if (begin.kind === "recover") {
    const recorded = await completeImage(
      task.batchId,
      task.imageId,
      begin.attemptId,
      begin.record,
      ops,
    );
    logEvent("image.output_recovered", { ...log, attempt: begin.image.attempts, recorded });
    if (recorded) await settleAfterTerminal(task.batchId, log);
    return recorded ? "completed" : "skipped";
  }
  const { image, attempt, attemptId } = begin;
  const started = Date.now();
  logEvent("image.started", { ...log, attempt });
  // Off the image's critical path (it runs while the source is fetched), awaited before the
  // task ends.
  const marking = markBatchStarted(task.batchId).catch((e: unknown) =>
    logEvent("batch.start_mark_failed", { ...log, error: String(e) }, "warn"),
  );

  try {
    const source = await deps.fetchSource(image.url);
    const result = await deps.engine(task.engine).stage({
      image: source.bytes,
      mimeType: source.mimeType,
      designStyle: task.designStyle,
      roomType: task.roomType,
      width: source.width,
      height: source.height,
      context: { batchId: task.batchId, imageIndex: image.index },
    });
    const encoded = await encodeOutput(result.image, source, deps.output);
    // One file per attempt: an attempt that lost the image never overwrites the winner's file.
    const stored = await deps.store.save(
      outputPath(task.partnerId, task.batchId, `${task.imageId}-a${attempt}`, encoded.ext),
      encoded.bytes,
      encoded.contentType,
    );
    const processingTimeMs = Date.now() - started;
    const record: SuccessRecord = {
      outputPath: stored.path,
      outputUrl: stored.downloadUrl ?? "",
      processingTimeMs,
      engineMs: result.engineMs,
      model: result.model,
      promptVersion: result.promptVersion,
      usage: result.usage ? { ...result.usage } : null,
      costUsd: result.costUsd,
      width: encoded.width,
      height: encoded.height,
      bytes: encoded.bytes.length,
      format: encoded.ext,
      preview: result.preview,
      receivedAtMs: receivedAt,
    };
    const recorded = await commitOutput(task, attemptId, record, ops);
    if (!recorded) {
      logEvent("image.duplicate_ignored", { ...log, reason: "superseded" });
      return "skipped";
    }
    logEvent("image.completed", {
      ...log,
      attempt,
      durationMs: processingTimeMs,
      engineMs: result.engineMs,
      costUsd: result.costUsd,
      model: result.model,
      firestoreReads: ops.reads,
      firestoreWrites: ops.writes + 1,
    });
    await settleAfterTerminal(task.batchId, log);
    return "completed";
  } catch (e) {
    if (e instanceof CommitFailed) throw e.cause;
    const err = toStagingError(e);
    const durationMs = Date.now() - started;
    const record: ImageError = { code: err.code, message: err.message, retryable: err.retryable };

    if (err.quota) {
      const delayMs =
        (err.retryAfterSeconds ?? 0) * 1000 || deps.quotaDefaultDelayMs || DEFAULT_QUOTA_DELAY_MS;
      const until = await openCircuit(delayMs, err.code);
      await requeueImage(
        task.batchId,
        task.imageId,
        attemptId,
        record,
        { refundAttempt: true, waitingFor: "quota" },
        ops,
      );
      await deferImage(task, Math.max(delayMs, until - Date.now()));
      logEvent("image.quota_deferred", { ...log, attempt, errorCode: err.code, delayMs }, "warn");
      return "deferred";
    }
    if (err.retryable && attempt < deps.maxAttempts) {
      const requeued = await requeueImage(
        task.batchId,
        task.imageId,
        attemptId,
        record,
        { refundAttempt: false },
        ops,
      );
      if (!requeued) {
        // Another attempt owns the image now: retrying this task would steal it back.
        logEvent("image.duplicate_ignored", { ...log, attempt, reason: "superseded" });
        return "skipped";
      }
      logEvent(
        "image.retry_scheduled",
        { ...log, attempt, durationMs, errorCode: err.code },
        "warn",
      );
      throw err;
    }
    const failed = await failImage(task.batchId, task.imageId, attemptId, record, durationMs, ops);
    if (!failed) {
      logEvent("image.duplicate_ignored", { ...log, attempt, reason: "superseded" });
      return "skipped";
    }
    await settleAfterTerminal(task.batchId, log);
    logEvent(
      "image.failed",
      { ...log, attempt, durationMs, errorCode: err.code, retryable: err.retryable },
      "warn",
    );
    return "failed";
  } finally {
    await marking;
  }
}

/** The completion commit failed after the output was stored: the task retries, not the model. */
class CommitFailed extends Error {}

/**
 * Records a stored output. If the commit fails, the output is recorded on the image as
 * `storedOutput` (a plain update) and the task is retried: the redelivery finds it and
 * completes the image without calling the model again (beginAttempt's "recover").
 */
async function commitOutput(
  task: StageTaskData,
  attemptId: string,
  record: SuccessRecord,
  ops: OpCount,
): Promise<boolean> {
  try {
    return await completeImage(task.batchId, task.imageId, attemptId, record, ops);
  } catch (commitError) {
    await recordStoredOutput(task.batchId, task.imageId, attemptId, record);
    logEvent(
      "image.commit_failed",
      { batchId: task.batchId, imageIndex: Number(task.imageId), error: String(commitError) },
      "warn",
    );
    throw new CommitFailed("completion commit failed; output recorded for the retry", {
      cause: retryLater("commit_failed", "Recording the staged image failed; retrying"),
    });
  }
}
