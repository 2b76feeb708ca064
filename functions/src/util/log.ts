/**
 * One structured log line per state change (never per poll), with the fields the log-based
 * metrics in monitoring/ extract. The events and their fields are declared in logEvents.ts; this
 * accepts no other. Never pass keys, secrets or image bytes here.
 */
import { logger } from "firebase-functions";
import type { BatchFailureEvent, LogEventFields, LogEventName } from "./logEvents.js";

export function logEvent<E extends LogEventName>(
  event: E,
  fields: LogEventFields[E],
  level: "info" | "warn" | "error" = "info",
): void {
  logger[level](event, { event, ...fields });
}

/**
 * One batch's step that must not stop the work around it (the reconciler's and the scheduler's
 * loops over batches, the fan-out's early window): a failure is logged as `failure.event` with
 * the batch's ids and the error, and answered false.
 */
export async function tryBatchStep(
  batch: { batchId: string; partnerId?: string },
  step: () => Promise<unknown>,
  failure: { event: BatchFailureEvent; level: "warn" | "error" },
): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (e) {
    const { batchId, partnerId } = batch;
    logEvent(failure.event, { batchId, partnerId, error: String(e) }, failure.level);
    return false;
  }
}
