/**
 * How an image attempt ends, apart from the staging itself (stageImage.ts): recording a stored
 * output (with the storedOutput fallback when the commit fails), a failure (wait behind a
 * circuit, retry, or fail), an image that waited too long, and finishing the batch after a
 * terminal transition.
 */
import type { DocumentData } from "firebase-admin/firestore";
import { isStagingError, StagingError } from "../domain/stagingError.js";
import { settleBatch } from "../lifecycle/settleBatch.js";
import type { StageTaskData } from "../queues/taskQueues.js";
import { shardStillRunning } from "../store/counterShards.js";
import { beginAttempt, type AttemptOwner } from "../store/attemptBegin.js";
import {
  completeImage,
  failImage,
  recordStoredOutput,
  requeueImage,
  type ImageDoc,
  type ImageError,
  type SuccessRecord,
} from "../store/imageStore.js";
import { OpCount } from "../store/opCount.js";
import { logEvent } from "../util/log.js";
import { deferImage } from "./deferImage.js";
import { openCircuit, type CircuitName } from "./quotaCircuit.js";
import { maxWaitFor, type StageDeps, type StageOutcome, type WaitPolicy } from "./stageDeps.js";

type ImageLog = { batchId: string; partnerId: string; imageIndex: number };

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
export const retryLater = (code: string, message: string) =>
  new StagingError(code, message, { retryable: true });

/** After a terminal transition: the batch's window is topped up, and the batch may be finished. */
export async function settleAfterTerminal(
  task: StageTaskData,
  deps: Pick<StageDeps, "topUp">,
  log: { partnerId: string; imageIndex: number },
  image?: DocumentData,
): Promise<void> {
  const batchId = task.batchId;
  // Independent, side by side: the window's top-up and whether this image's shard is done.
  const [, shardRunning] = await Promise.all([
    deps.topUp?.(task, log.imageIndex).catch((e: unknown) =>
      // The scheduler tops the window up at its next tick.
      logEvent("dispatch.top_up_failed", { ...log, batchId, error: String(e) }, "warn"),
    ),
    image ? shardStillRunning(batchId, image).catch(() => false) : false,
  ]);
  // Another image of this one's shard is still to finish: its worker will check.
  if (shardRunning) return;
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

/** One attempt's context, for recording how it ended. */
export interface AttemptContext {
  task: StageTaskData;
  deps: StageDeps;
  waits: WaitPolicy;
  log: ImageLog;
  attempt: number;
  attemptId: string;
  image: ImageDoc;
  started: number;
  ops: OpCount;
}

/**
 * A staging attempt failed with `err`: wait behind the circuit it names (no attempt spent),
 * retry (image back to queued, the task throws), or fail the image.
 */
export async function recordStagingFailure(
  err: StagingError,
  ctx: AttemptContext,
): Promise<StageOutcome> {
  const { task, deps, waits, log, attempt, attemptId, image, started, ops } = ctx;
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
      maxWaitMs: maxWaitFor(waits, circuit),
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
  await settleAfterTerminal(task, deps, log, image.data);
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
}

/** The completion commit failed after the output was stored: the task retries, not the model. */
export class CommitFailed extends Error {}

/**
 * Records a stored output. If the commit fails, the output is recorded on the image as
 * `storedOutput` (a plain update) and the task is retried: the redelivery finds it and
 * completes the image without calling the model again (beginAttempt's "recover").
 */
export async function commitOutput(
  task: StageTaskData,
  attemptId: string,
  record: SuccessRecord,
  ops: OpCount,
  owner?: AttemptOwner,
): Promise<boolean> {
  const { batchId, imageId, partnerId } = task;
  try {
    return await completeImage(batchId, imageId, attemptId, record, ops, partnerId, owner);
  } catch (commitError) {
    await recordStoredOutput(batchId, imageId, attemptId, record);
    logEvent(
      "image.commit_failed",
      { batchId, imageIndex: Number(imageId), error: String(commitError) },
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
export async function failAfterWaiting(
  task: StageTaskData,
  circuit: CircuitName,
  circuitCode: string,
  waitedMs: number,
  deps: Pick<StageDeps, "leaseMs" | "maxAttempts" | "topUp">,
  log: ImageLog,
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
  await settleAfterTerminal(task, deps, log, begin.image.data);
  logEvent(
    "image.failed",
    { ...log, attempt: begin.attempt, errorCode: code, waitedMs, circuit, retryable: true },
    "warn",
  );
  return "failed";
}
