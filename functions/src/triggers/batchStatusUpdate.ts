/**
 * The batch trigger: one more path to completion (worker and reconciler are the others). It
 * is deployed with `retry: true` and is idempotent (settleBatch), so a failed or repeated
 * event neither loses nor duplicates a completion. Batch documents are written only a few
 * times per batch (create, start, cancel, finish, webhook records), so it runs rarely.
 */
import type { DocumentData } from "firebase-admin/firestore";
import { isFinishedBatchStatus, type BatchStatus } from "../domain/batchStatus.js";
import { settleBatch } from "../lifecycle/settleBatch.js";

export async function onBatchChanged(
  batchId: string,
  after: DocumentData | undefined,
): Promise<void> {
  if (!after) return;
  const webhook = after.webhook as { enqueuedAt?: unknown } | null | undefined;
  const webhookDone = !after.callbackUrl || !!webhook?.enqueuedAt;
  // Finished and notified: nothing for this path to do (the common case of webhook updates).
  if (isFinishedBatchStatus(after.status as BatchStatus) && webhookDone) return;
  await settleBatch(batchId);
}
