/**
 * One image task: fetch the source, stage it with the batch's engine, store the output and
 * record the outcome. Retries are the queue's: a retryable error on a non-final attempt puts the
 * image back to `queued` and throws; a permanent error or the last attempt (the image's own
 * budget, IMAGE_MAX_ATTEMPTS, not the queue's) marks it `failed` and returns. When the model
 * cannot serve anyone (quota, outage, operator problem) the image waits behind a shared circuit
 * without spending an attempt, up to a per-image limit (waitPolicy). The photo sent is prepared
 * first (upright, metadata stripped, downscaled: prepareInput.ts). A duplicate delivered during
 * a live attempt is sent back to the queue untouched; an output stored by an attempt whose
 * commit failed is recorded by the redelivery instead of staging again. After a terminal
 * transition the worker finishes the batch if it was the last image (settleBatch).
 */
import { markBatchStarted } from "../store/batchLifecycle.js";
import { beginAttempt } from "../store/attemptBegin.js";
import { completeImage, type SuccessRecord } from "../store/imageStore.js";
import { getImageStatus } from "../store/imageReads.js";
import { OpCount } from "../store/opCount.js";
import type { StageTaskData } from "../queues/taskQueues.js";
import { outputPath } from "../outputs/outputStore.js";
import { logEvent } from "../util/log.js";
import { batchStagingOptions } from "./batchOptions.js";
import { deferImage } from "./deferImage.js";
import { encodeOutput } from "./encodeOutput.js";
import { outputMarker, previousAttemptOutput } from "./outputMarker.js";
import { fetchAndPrepare, type ReadySource } from "./prepareInput.js";
import { openCircuitNow } from "./quotaCircuit.js";
import { successRecord } from "./successRecord.js";
import { resultCacheSession, type ResultCacheSession } from "./resultCacheSession.js";
import {
  DEFAULT_INPUT_MAX_DIMENSION,
  DEFAULT_WAITS,
  maxWaitFor,
  type StageDeps,
  type StageOutcome,
} from "./stageDeps.js";
import {
  commitOutput,
  CommitFailed,
  failAfterWaiting,
  recordStagingFailure,
  retryLater,
  settleAfterTerminal,
  toStagingError,
} from "./stageOutcome.js";

export type { StageDeps, StageOutcome, WaitPolicy } from "./stageDeps.js";
export { DEFAULT_WAITS, DEFAULT_INPUT_MAX_DIMENSION } from "./stageDeps.js";

export async function stageImageTask(task: StageTaskData, deps: StageDeps): Promise<StageOutcome> {
  const receivedAt = Date.now();
  const log = {
    batchId: task.batchId,
    partnerId: task.partnerId,
    imageIndex: Number(task.imageId),
  };
  const waits = { ...DEFAULT_WAITS, ...deps.waits };
  const open = await openCircuitNow();
  if (open) {
    const deferred = await deferImage(task, open.waitMs, {
      reason: open.name,
      maxWaitMs: maxWaitFor(waits, open.name),
    });
    if (deferred.kind === "expired") {
      return failAfterWaiting(task, open.name, open.code, deferred.waitedMs, deps, log);
    }
    // A redelivery for an image still `processing` (its attempt died or its commit failed)
    // must not be acknowledged: nothing else would carry the image on.
    if (
      deferred.kind === "gone" &&
      (await getImageStatus(task.batchId, task.imageId)) === "processing"
    )
      throw retryLater("circuit_open", "The model cannot take requests now; retrying later");
    logEvent("image.quota_deferred", {
      ...log,
      delayMs: open.waitMs,
      source: "circuit",
      circuit: open.name,
    });
    return "deferred";
  }

  const ops = new OpCount();
  // The source is fetched and prepared while the start commits; awaited (and its error handled)
  // below. Not for a takeover: the attempt it takes over may have stored its output
  // (previousAttemptOutput).
  const ready = (url: string) =>
    fetchAndPrepare(deps.fetchSource, url, {
      maxDimension: deps.inputMaxDimension ?? DEFAULT_INPUT_MAX_DIMENSION,
    });
  let preparing: Promise<ReadySource> | undefined;
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops, {
    leaseMs: deps.leaseMs,
    maxAttempts: deps.maxAttempts,
    partnerId: task.partnerId,
    ticket: task.ticket,
    onStart: (img) => {
      if (img.status === "processing") return;
      preparing ??= ready(img.url);
      preparing.catch(() => undefined);
    },
  });
  if (begin.kind === "skip") {
    logEvent("image.duplicate_ignored", { ...log, reason: begin.reason });
    if (begin.reason === "exhausted") await settleAfterTerminal(task, deps, log, begin.image?.data);
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
      task.partnerId,
    );
    logEvent("image.output_recovered", { ...log, attempt: begin.image.attempts, recorded });
    if (recorded) await settleAfterTerminal(task, deps, log, begin.image.data);
    return recorded ? "completed" : "skipped";
  }
  const { image, attempt, attemptId, owner } = begin;
  const started = Date.now();
  logEvent("image.started", { ...log, attempt });
  // Off the image's critical path (it runs while the source is fetched), awaited before the
  // task ends.
  const marking = markBatchStarted(task.batchId).catch((e: unknown) =>
    logEvent("batch.start_mark_failed", { ...log, error: String(e) }, "warn"),
  );

  let cache: ResultCacheSession | undefined;
  try {
    // Taking over from an attempt that stored its output but never recorded it: record that.
    const earlier = await previousAttemptOutput(deps.store, deps.output, task, image);
    if (earlier) {
      const recorded = await commitOutput(task, attemptId, earlier, ops, owner);
      logEvent("image.output_recovered", { ...log, attempt, recorded, source: "output_marker" });
      if (!recorded) return "skipped";
      await settleAfterTerminal(task, deps, log, image.data);
      return "completed";
    }
    // Independent, side by side: the batch's options (a document read, cached per instance)
    // and the source photo, fetched and prepared for the model.
    const [options, { source, input }] = await Promise.all([
      (deps.stagingOptions ?? batchStagingOptions)(task.batchId),
      preparing ?? ready(image.url),
    ]);
    const engine = deps.engine(task.engine);
    cache = resultCacheSession({
      ...task,
      config: deps.resultCache,
      engine,
      options,
      input: input.bytes,
      attemptId,
      store: deps.store,
      output: deps.output,
    });
    const hit = await cache.lookup();
    if (hit) {
      // Same transitions as a staged image; no model call, cost 0, the output copied into this
      // image's own path (its owner's prefix and its batch's lifetime).
      const stored = await deps.store.save(
        outputPath(task.partnerId, task.batchId, `${task.imageId}-a${attempt}`, hit.output.format),
        hit.bytes,
        hit.output.contentType,
      );
      const { outputPath: _source, contentType: _type, ...same } = hit.output;
      const record: SuccessRecord = {
        ...same,
        outputPath: stored.path,
        outputUrl: stored.downloadUrl ?? "",
        processingTimeMs: Date.now() - started,
        engineMs: 0,
        usage: null,
        costUsd: 0,
        bytes: hit.bytes.length,
        preview: false,
        receivedAtMs: receivedAt,
        inputBytes: input.bytes.length,
        cached: true,
      };
      const recorded = await commitOutput(task, attemptId, record, ops, owner);
      logEvent(recorded ? "image.completed" : "image.duplicate_ignored", {
        ...log,
        attempt,
        cached: true,
        durationMs: record.processingTimeMs,
        costUsd: 0,
        model: record.model,
        ...(recorded ? {} : { reason: "superseded" }),
      });
      if (!recorded) return "skipped";
      await settleAfterTerminal(task, deps, log, image.data);
      return "completed";
    }
    const result = await engine.stage({
      image: input.bytes,
      mimeType: input.mimeType,
      designStyle: task.designStyle,
      roomType: task.roomType,
      width: input.width,
      height: input.height,
      declutter: options.declutter,
      context: { batchId: task.batchId, imageIndex: image.index },
    });
    // Previews carry their own "preview" band; the disclosure label is for real stagings.
    const label = options.label && !result.preview ? options.label : undefined;
    const encoded = await encodeOutput(result.image, source, { ...deps.output, label });
    // One file per attempt: an attempt that lost the image never overwrites the winner's file.
    const path = outputPath(
      task.partnerId,
      task.batchId,
      `${task.imageId}-a${attempt}`,
      encoded.ext,
    );
    const draft = successRecord(result, encoded, {
      outputPath: path,
      outputUrl: "",
      processingTimeMs: Date.now() - started,
      receivedAtMs: receivedAt,
      inputBytes: input.bytes.length,
      labelled: label !== undefined,
      cached: false,
    });
    // The record travels with the file, so even a lost commit never calls the model again.
    const stored = await deps.store.save(
      path,
      encoded.bytes,
      encoded.contentType,
      outputMarker(draft),
    );
    const processingTimeMs = Date.now() - started;
    const record: SuccessRecord = {
      ...draft,
      outputUrl: stored.downloadUrl ?? "",
      processingTimeMs,
    };
    const recorded = await commitOutput(task, attemptId, record, ops, owner);
    await (recorded ? cache.fill(record, encoded.contentType) : cache.release());
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
    await settleAfterTerminal(task, deps, log, image.data);
    return "completed";
  } catch (e) {
    await cache?.release();
    if (e instanceof CommitFailed) throw e.cause;
    return await recordStagingFailure(toStagingError(e), {
      task,
      deps,
      waits,
      log,
      attempt,
      attemptId,
      image,
      started,
      ops,
    });
  } finally {
    await marking;
  }
}
