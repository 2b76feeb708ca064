/**
 * One image task: fetch the source, stage it with the batch's engine, store the output and
 * record the outcome. Retries are the queue's: a retryable error on a non-final attempt puts the
 * image back to `queued` and throws; a permanent error or the last attempt marks it `failed` and
 * returns. Quota exhaustion defers the image without spending an attempt.
 */
import type { StagingEngine } from "../engines/engine.js";
import { isStagingError, StagingError } from "../domain/stagingError.js";
import type { OutputStore } from "../outputs/outputStore.js";
import { outputPath } from "../outputs/outputStore.js";
import {
  beginAttempt,
  completeImage,
  failImage,
  requeueImage,
  type ImageError,
} from "../store/imageStore.js";
import { OpCount } from "../store/opCount.js";
import { logEvent } from "../util/log.js";
import { encodeOutput } from "./encodeOutput.js";
import type { FetchedSource } from "./fetchSource.js";
import { circuitOpenForMs, openCircuit } from "./quotaCircuit.js";
import { deferImage } from "./deferImage.js";
import type { StageTaskData } from "./taskQueues.js";

export interface StageDeps {
  maxAttempts: number;
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

export async function stageImageTask(task: StageTaskData, deps: StageDeps): Promise<StageOutcome> {
  const receivedAt = Date.now();
  const log = {
    batchId: task.batchId,
    partnerId: task.partnerId,
    imageIndex: Number(task.imageId),
  };
  const quotaWait = await circuitOpenForMs();
  if (quotaWait > 0) {
    await deferImage(task, quotaWait);
    logEvent("image.quota_deferred", { ...log, delayMs: quotaWait, source: "circuit" });
    return "deferred";
  }

  const ops = new OpCount();
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops);
  if (begin.kind === "skip") {
    logEvent("image.duplicate_ignored", { ...log, reason: begin.reason });
    return "skipped";
  }
  const { image, attempt, attemptId } = begin;
  const started = Date.now();
  logEvent("image.started", { ...log, attempt });

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
    const stored = await deps.store.save(
      outputPath(task.partnerId, task.batchId, task.imageId, encoded.ext),
      encoded.bytes,
      encoded.contentType,
    );
    const processingTimeMs = Date.now() - started;
    const recorded = await completeImage(
      task.batchId,
      task.imageId,
      attemptId,
      {
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
      },
      ops,
    );
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
    return "completed";
  } catch (e) {
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
      await requeueImage(
        task.batchId,
        task.imageId,
        attemptId,
        record,
        { refundAttempt: false },
        ops,
      );
      logEvent(
        "image.retry_scheduled",
        { ...log, attempt, durationMs, errorCode: err.code },
        "warn",
      );
      throw err;
    }
    await failImage(task.batchId, task.imageId, attemptId, record, durationMs, ops);
    logEvent(
      "image.failed",
      { ...log, attempt, durationMs, errorCode: err.code, retryable: err.retryable },
      "warn",
    );
    return "failed";
  }
}
