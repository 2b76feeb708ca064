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
import type { DocumentData } from "firebase-admin/firestore";
import { shardStillRunning } from "../store/counterShards.js";
import { outputMarker, previousAttemptOutput } from "./outputMarker.js";
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
import { encodeOutput, type OutputOptions } from "./encodeOutput.js";
import type { FetchedSource } from "./fetchSource.js";
import { prepareInput } from "./prepareInput.js";
import { batchStagingOptions } from "./batchOptions.js";
import type { StagingOptions } from "../domain/stagingOptions.js";
import {
  OPERATOR_RECHECK_MS,
  openCircuit,
  openCircuitNow,
  type CircuitName,
} from "./quotaCircuit.js";
import { deferImage } from "./deferImage.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import type { StageTaskData } from "../queues/taskQueues.js";
import {
  resultCacheSession,
  type ResultCacheConfig,
  type ResultCacheSession,
} from "./resultCacheSession.js";

export interface StageDeps {
  /** The image's attempt budget (IMAGE_MAX_ATTEMPTS), independent of the queue's retries. */
  maxAttempts: number;
  /** How long an attempt owns its image before a redelivery may take it over (task timeout). */
  leaseMs: number;
  fetchSource: (url: string) => Promise<FetchedSource>;
  engine: (name: string) => StagingEngine;
  store: OutputStore;
  output: OutputOptions;
  /** Longest side of the photo sent to the model. Default DEFAULT_INPUT_MAX_DIMENSION. */
  inputMaxDimension?: number;
  /** Default quota back-off when the model gives no retry delay. */
  quotaDefaultDelayMs?: number;
  waits?: Partial<WaitPolicy>;
  /** The batch's declutter/label options. Default: read from the batch (batchOptions.ts). */
  stagingOptions?: (batchId: string) => Promise<StagingOptions>;
  /** Result cache settings (runtimeConfig.resultCacheConfig); absent or null: no cache. */
  resultCache?: ResultCacheConfig | null;
}

/** How long images wait behind each circuit. */
export interface WaitPolicy {
  /** Longest total wait of one image for quota or an outage (QUOTA_MAX_WAIT_MINUTES). */
  maxWaitMs: number;
  /** Longest total wait of one image behind the operator circuit (OPERATOR_PAUSE_MAX_MINUTES). */
  operatorMaxWaitMs: number;
  /** How long the outage circuit stays open after a 5xx/timeout (OUTAGE_CIRCUIT_SECONDS). */
  outageMs: number;
  /** How long the operator circuit stays open per probe. */
  operatorRecheckMs: number;
}

export const DEFAULT_WAITS: WaitPolicy = {
  maxWaitMs: 360 * 60_000,
  operatorMaxWaitMs: 60 * 60_000,
  outageMs: 60_000,
  operatorRecheckMs: OPERATOR_RECHECK_MS,
};

export const DEFAULT_INPUT_MAX_DIMENSION = 2048;

/** The code an image fails with when it waited too long behind a circuit. */
const EXPIRED_CODE: Record<CircuitName, string> = {
  quota: "model_quota_exhausted",
  outage: "model_unavailable",
  operator: "model_access_denied",
};

const EXPIRED_MESSAGE: Record<CircuitName, string> = {
  quota:
    "The staging model's quota was used up for longer than this image could wait. Retry the failed images later (POST /retry-failed).",
  outage:
    "The staging model was unavailable for longer than this image could wait. Retry the failed images later (POST /retry-failed).",
  operator:
    "The staging service could not use its model for over an hour (a configuration problem on our side; our team was alerted). Retry the failed images later (POST /retry-failed).",
};

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
async function settleAfterTerminal(
  batchId: string,
  log: { partnerId: string; imageIndex: number },
  image?: DocumentData,
): Promise<void> {
  // Another image of this one's shard is still to finish: its worker will check.
  if (image && (await shardStillRunning(batchId, image).catch(() => false))) return;
  // No image transition writes the batch document, so no trigger follows the last image: this
  // worker finishes the batch, with a few tries (a contended finishing transaction can fail
  // with errors the SDK does not retry); after that the reconciler's pass finishes it.
  for (let attempt = 1; ; attempt++) {
    try {
      await settleBatch(batchId);
      return;
    } catch (e) {
      if (attempt >= SETTLE_TRIES) {
        logEvent("batch.settle_failed", { ...log, batchId, error: String(e) }, "warn");
        return;
      }
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

const SETTLE_TRIES = 3;

export async function stageImageTask(task: StageTaskData, deps: StageDeps): Promise<StageOutcome> {
  const receivedAt = Date.now();
  const log = {
    batchId: task.batchId,
    partnerId: task.partnerId,
    imageIndex: Number(task.imageId),
  };
  const waits = { ...DEFAULT_WAITS, ...deps.waits };
  const maxWaitFor = (c: CircuitName) =>
    c === "operator" ? waits.operatorMaxWaitMs : waits.maxWaitMs;
  const open = await openCircuitNow();
  if (open) {
    const deferred = await deferImage(task, open.waitMs, {
      reason: open.name,
      maxWaitMs: maxWaitFor(open.name),
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
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops, {
    leaseMs: deps.leaseMs,
    maxAttempts: deps.maxAttempts,
    partnerId: task.partnerId,
  });
  if (begin.kind === "skip") {
    logEvent("image.duplicate_ignored", { ...log, reason: begin.reason });
    if (begin.reason === "exhausted")
      await settleAfterTerminal(task.batchId, log, begin.image?.data);
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
    if (recorded) await settleAfterTerminal(task.batchId, log, begin.image.data);
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

  let cache: ResultCacheSession | undefined;
  try {
    // Taking over from an attempt that stored its output but never recorded it: record that.
    const earlier = await previousAttemptOutput(deps.store, deps.output, task, image);
    if (earlier) {
      const recorded = await commitOutput(task, attemptId, earlier, ops);
      logEvent("image.output_recovered", { ...log, attempt, recorded, source: "output_marker" });
      if (!recorded) return "skipped";
      await settleAfterTerminal(task.batchId, log, image.data);
      return "completed";
    }
    const options = await (deps.stagingOptions ?? batchStagingOptions)(task.batchId);
    const source = await deps.fetchSource(image.url);
    const input = await prepareInput(source.bytes, {
      maxDimension: deps.inputMaxDimension ?? DEFAULT_INPUT_MAX_DIMENSION,
    });
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
      const recorded = await commitOutput(task, attemptId, record, ops);
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
      await settleAfterTerminal(task.batchId, log, image.data);
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
    const draft: SuccessRecord = {
      outputPath: path,
      outputUrl: "",
      processingTimeMs: Date.now() - started,
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
      requestedImageSize: result.requestedImageSize ?? null,
      aspectRatio: result.aspectRatio ?? null,
      modelWidth: encoded.modelWidth,
      modelHeight: encoded.modelHeight,
      resized: encoded.resized,
      inputBytes: input.bytes.length,
      labelled: label !== undefined,
      cached: false,
    };
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
    const recorded = await commitOutput(task, attemptId, record, ops);
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
    await settleAfterTerminal(task.batchId, log, image.data);
    return "completed";
  } catch (e) {
    await cache?.release();
    if (e instanceof CommitFailed) throw e.cause;
    const err = toStagingError(e);
    const durationMs = Date.now() - started;
    const record: ImageError = { code: err.code, message: err.message, retryable: err.retryable };

    if (err.wait) {
      const circuit = err.wait;
      const delayMs =
        circuit === "outage"
          ? waits.outageMs
          : circuit === "operator"
            ? waits.operatorRecheckMs
            : (err.retryAfterSeconds ?? 0) * 1000 ||
              deps.quotaDefaultDelayMs ||
              DEFAULT_QUOTA_DELAY_MS;
      const opened = await openCircuit(delayMs, err.code, Date.now(), circuit);
      if (opened.alert) {
        // Alert-worthy (monitoring/ alerts on this event): nothing heals without a person.
        logEvent(
          "model.operator_action_required",
          {
            ...log,
            errorCode: err.code,
            message: err.message,
            pausedSinceMs: opened.since,
            failsAfterMinutes: Math.round(waits.operatorMaxWaitMs / 60_000),
          },
          "error",
        );
      }
      await requeueImage(
        task.batchId,
        task.imageId,
        attemptId,
        record,
        { refundAttempt: true, waitingFor: circuit },
        ops,
      );
      const deferred = await deferImage(task, Math.max(delayMs, opened.until - Date.now()), {
        reason: circuit,
        maxWaitMs: maxWaitFor(circuit),
      });
      if (deferred.kind === "expired") {
        return failAfterWaiting(task, circuit, err.code, deferred.waitedMs, deps, log);
      }
      logEvent(
        "image.quota_deferred",
        { ...log, attempt, errorCode: err.code, delayMs, circuit },
        "warn",
      );
      return "deferred";
    }
    if (err.retryable && attempt < Math.min(deps.maxAttempts, err.maxAttempts ?? Infinity)) {
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
        { ...log, attempt, durationMs, errorCode: err.code, costUsd: err.billedUsd },
        "warn",
      );
      throw err;
    }
    const failed = await failImage(
      task.batchId,
      task.imageId,
      attemptId,
      record,
      durationMs,
      ops,
      task.partnerId,
    );
    if (!failed) {
      logEvent("image.duplicate_ignored", { ...log, attempt, reason: "superseded" });
      return "skipped";
    }
    await settleAfterTerminal(task.batchId, log, image.data);
    logEvent(
      "image.failed",
      {
        ...log,
        attempt,
        durationMs,
        errorCode: err.code,
        retryable: err.retryable,
        costUsd: err.billedUsd,
      },
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
    return await completeImage(task.batchId, task.imageId, attemptId, record, ops, task.partnerId);
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

/**
 * Fails an image that waited behind a circuit for longer than its limit. The circuit code is
 * kept when it is more precise (a 403 stays model_access_denied, a limit-0 429 stays
 * model_quota_exhausted). Retry-failed starts a new generation, and with it a new wait.
 */
async function failAfterWaiting(
  task: StageTaskData,
  circuit: CircuitName,
  circuitCode: string,
  waitedMs: number,
  deps: Pick<StageDeps, "leaseMs" | "maxAttempts">,
  log: { batchId: string; partnerId: string; imageIndex: number },
): Promise<StageOutcome> {
  const ops = new OpCount();
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops, {
    leaseMs: deps.leaseMs,
    // The wait spent no attempt: failing it must not be refused for an exhausted budget.
    maxAttempts: Infinity,
  });
  if (begin.kind === "busy")
    throw retryLater("attempt_in_progress", "Another attempt is staging this image");
  if (begin.kind !== "start") return "skipped";
  const code = circuitCode.startsWith("model_") ? circuitCode : EXPIRED_CODE[circuit];
  const minutes = Math.round(waitedMs / 60_000);
  const record: ImageError = {
    code,
    message: `${EXPIRED_MESSAGE[circuit]} (waited ${minutes} min)`,
    retryable: true,
  };
  const failed = await failImage(
    task.batchId,
    task.imageId,
    begin.attemptId,
    record,
    0,
    ops,
    task.partnerId,
  );
  if (!failed) return "skipped";
  await settleAfterTerminal(task.batchId, log, begin.image.data);
  logEvent(
    "image.failed",
    { ...log, attempt: begin.attempt, errorCode: code, waitedMs, circuit, retryable: true },
    "warn",
  );
  return "failed";
}
