/**
 * Completion webhooks: one delivery task per finished batch (deterministic id per completion,
 * so a trigger that runs twice enqueues once), retried by its own queue on non-2xx and
 * timeouts, and recorded on the batch (`webhook`). A refused receiver never blocks the batch.
 */
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { FUNCTION_NAMES } from "../config/region.js";
import { buildCompletionPayload } from "../domain/webhookSignature.js";
import { taskId } from "../domain/ids.js";
import { batchRef, getBatch } from "../store/batchStore.js";
import { getPartner } from "../store/partnerStore.js";
import { noteWrite } from "../store/writeLog.js";
import { logEvent } from "../util/log.js";
import { enqueueOnce } from "../queues/taskQueues.js";
import { sendWebhook } from "./sendWebhook.js";

export interface WebhookTaskData {
  batchId: string;
  /** Identifies one completion (a batch reopened by retry-failed completes again). */
  completionId: string;
}

export function completionIdOf(completedAt: Date): string {
  return String(completedAt.getTime());
}

/** The webhook record written with the completion itself (batchLifecycle.finishBatchIfDone). */
export function pendingWebhookRecord(completionId: string) {
  return {
    status: "pending",
    completionId,
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    deliveredAt: null,
    enqueuedAt: null,
  };
}

/**
 * Enqueues the delivery of one completion exactly once, whichever paths call it (the worker
 * that finished the batch, the trigger, the reconciler): the task id is deterministic per
 * completion, and `webhook.enqueuedAt` records it, so a later call (after Cloud Tasks has
 * freed the name, about an hour) does not enqueue it again.
 */
/** Returns true when this call created the task (false: nothing to do, or it already existed). */
export async function enqueueCompletionWebhook(batchId: string): Promise<boolean> {
  const snap = await batchRef(batchId).get();
  const w = snap.get("webhook") as Record<string, unknown> | undefined;
  if (!snap.get("callbackUrl") || !w || typeof w.completionId !== "string") return false;
  if (w.enqueuedAt || w.status !== "pending" || (w.attempts as number) > 0) return false;
  const r = await enqueueOnce(
    FUNCTION_NAMES.deliverWebhook,
    { batchId, completionId: w.completionId } satisfies WebhookTaskData,
    taskId("webhook", batchId, w.completionId, ""),
  );
  await batchRef(batchId).update({ "webhook.enqueuedAt": FieldValue.serverTimestamp() });
  noteWrite(batchRef(batchId).path);
  return r === "enqueued";
}

/** Enqueues a new delivery of one completion (partner-requested redelivery) and marks it pending. */
export async function enqueueWebhook(
  batchId: string,
  completionId: string,
  suffix = "",
): Promise<void> {
  await batchRef(batchId).update({
    webhook: { ...pendingWebhookRecord(completionId), enqueuedAt: FieldValue.serverTimestamp() },
  });
  await enqueueOnce(
    FUNCTION_NAMES.deliverWebhook,
    { batchId, completionId } satisfies WebhookTaskData,
    taskId("webhook", batchId, completionId, suffix),
  );
}

export class WebhookRetry extends Error {}

export async function deliverWebhookTask(
  task: WebhookTaskData,
  ctx: { retryCount: number; maxAttempts: number; timeoutMs: number; allowPrivateHosts: boolean },
): Promise<"delivered" | "failed" | "skipped"> {
  const batch = await getBatch(task.batchId);
  if (!batch || !batch.callbackUrl || !batch.completedAt) return "skipped";
  const partner = await getPartner(batch.partnerId);
  if (!partner) return "skipped";
  const attempt = ctx.retryCount + 1;
  const result = await sendWebhook({
    url: batch.callbackUrl,
    secret: partner.webhookSecret,
    payload: buildCompletionPayload({
      ...batch,
      ...batch.counters,
      completedAt: batch.completedAt,
    }),
    deliveryId: `${batch.batchId}.${task.completionId}`,
    timeoutMs: ctx.timeoutMs,
    allowPrivateHosts: ctx.allowPrivateHosts,
  });
  const base = {
    batchId: batch.batchId,
    partnerId: batch.partnerId,
    attempt,
    durationMs: result.durationMs,
  };
  const record = {
    "webhook.attempts": FieldValue.increment(1),
    "webhook.lastStatusCode": result.status ?? null,
    "webhook.lastAttemptAt": Timestamp.now(),
  };
  if (result.ok) {
    await batchRef(batch.batchId).update({
      ...record,
      "webhook.status": "delivered",
      "webhook.deliveredAt": Timestamp.now(),
      "webhook.lastError": null,
    });
    logEvent("webhook.delivered", { ...base, statusCode: result.status });
    return "delivered";
  }
  const last = attempt >= ctx.maxAttempts;
  await batchRef(batch.batchId).update({
    ...record,
    "webhook.status": last ? "failed" : "pending",
    "webhook.lastError": result.error ?? `HTTP ${result.status}`,
  });
  logEvent(
    "webhook.failed",
    {
      ...base,
      statusCode: result.status,
      errorCode: result.error ? "network" : `http_${result.status}`,
      final: last,
    },
    "warn",
  );
  if (!last)
    throw new WebhookRetry(
      `webhook delivery failed (${result.error ?? result.status}); the queue retries`,
    );
  return "failed";
}
