/**
 * One image task: fetch the source, stage it with the batch's engine, store the output and
 * record the outcome. Retries are the queue's: a retryable error on a non-final attempt puts the
 * image back to `queued` and throws; a permanent error or the last attempt marks it `failed` and
 * returns. When the model cannot serve anyone (quota, outage, operator problem) the image waits
 * behind a shared circuit without spending an attempt, up to a per-image limit (waitPolicy).
 * The photo sent is prepared first (upright, metadata stripped, downscaled: prepareInput.ts).
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
import type { StageTaskData } from "./taskQueues.js";

export interface StageDeps {
  maxAttempts: number;
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
      return failAfterWaiting(task, open.name, open.code, deferred.waitedMs, log);
    }
    logEvent("image.quota_deferred", {
      ...log,
      delayMs: open.waitMs,
      source: "circuit",
      circuit: open.name,
    });
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
    const options = await (deps.stagingOptions ?? batchStagingOptions)(task.batchId);
    const source = await deps.fetchSource(image.url);
    const input = await prepareInput(source.bytes, {
      maxDimension: deps.inputMaxDimension ?? DEFAULT_INPUT_MAX_DIMENSION,
    });
    const result = await deps.engine(task.engine).stage({
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
        requestedImageSize: result.requestedImageSize ?? null,
        aspectRatio: result.aspectRatio ?? null,
        modelWidth: encoded.modelWidth,
        modelHeight: encoded.modelHeight,
        resized: encoded.resized,
        inputBytes: input.bytes.length,
        labelled: label !== undefined,
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
        return failAfterWaiting(task, circuit, err.code, deferred.waitedMs, log);
      }
      logEvent(
        "image.quota_deferred",
        { ...log, attempt, errorCode: err.code, delayMs, circuit },
        "warn",
      );
      return "deferred";
    }
    if (err.retryable && attempt < Math.min(deps.maxAttempts, err.maxAttempts ?? Infinity)) {
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
  log: { batchId: string; partnerId: string; imageIndex: number },
): Promise<StageOutcome> {
  const ops = new OpCount();
  const begin = await beginAttempt(task.batchId, task.imageId, task.generation, ops);
  if (begin.kind === "skip") return "skipped";
  const code = circuitCode.startsWith("model_") ? circuitCode : EXPIRED_CODE[circuit];
  const minutes = Math.round(waitedMs / 60_000);
  const record: ImageError = {
    code,
    message: `${EXPIRED_MESSAGE[circuit]} (waited ${minutes} min)`,
    retryable: true,
  };
  await failImage(task.batchId, task.imageId, begin.attemptId, record, 0, ops);
  logEvent(
    "image.failed",
    { ...log, attempt: begin.attempt, errorCode: code, waitedMs, circuit, retryable: true },
    "warn",
  );
  return "failed";
}
