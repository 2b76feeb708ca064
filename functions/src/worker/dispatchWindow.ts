/**
 * Dispatch by share: the one place image tasks of the standard lane (the stageImage queue) are
 * enqueued for a batch's images. Each open batch keeps at most its window of tasks outstanding
 * (enqueued and not finished); the queue runs FIFO, so a batch's share of dispatches is its
 * window's share of the tasks waiting (domain/fairShare.ts). Windows are topped up by the
 * pipeline itself: a finished image tops up its own batch, a batch tops itself up when it opens
 * (fan-out, retry-failed), and the scheduler (scheduler.ts) rebalances every few seconds.
 *
 * Cost of one top-up: the dispatch state (1 read, skipped when the caller knows the window), the
 * outstanding count (1 aggregation, ~1 read), the next undispatched images (1 query, a read per
 * image) and their claim (1 transaction: a read and a write per image), then one enqueue each.
 */
import { topUpCount, type Priority, type ShareClaimant } from "../domain/fairShare.js";
import type { BatchDoc } from "../store/batchStore.js";
import {
  claimUndispatched,
  outstandingCount,
  readDispatchState,
  registerClaimant,
  releaseClaims,
  type DispatchState,
} from "../store/dispatchStore.js";
import { getPartner } from "../store/partnerStore.js";
import { logEvent } from "../util/log.js";
import { enqueueOnce, stageTaskId, type StageTaskData } from "./taskQueues.js";
import { FUNCTION_NAMES } from "../config/region.js";

export interface DispatchConfig {
  /** All open batches' windows together (totalWindowSize). */
  totalWindow: number;
  ratePerSecond: number;
  highPriorityWeight: number;
  intervalSeconds: number;
}

/** What every image task of a batch carries besides the image. */
export type BatchTaskTemplate = Omit<StageTaskData, "imageId" | "generation">;

export const taskTemplate = (b: BatchDoc): BatchTaskTemplate => ({
  batchId: b.batchId,
  partnerId: b.partnerId,
  designStyle: b.designStyle,
  roomType: b.roomType,
  engine: b.engine,
});

export const asPriority = (p: string): Priority => (p === "high" ? "high" : "normal");

/** A batch's window from the state; one the state does not know yet gets an equal share. */
export function windowOf(state: DispatchState, batchId: string, cfg: DispatchConfig): number {
  const known = state.windows[batchId];
  if (known !== undefined) return known;
  const total = state.totalWindow || cfg.totalWindow;
  return Math.max(1, Math.floor(total / (state.claimants.length + 1)));
}

/**
 * Brings a batch back to `window` outstanding tasks. Returns how many it dispatched. A claim
 * whose enqueue fails is released (and the error rethrown), so the image is dispatched later.
 */
export async function topUpBatch(t: BatchTaskTemplate, window: number): Promise<number> {
  const outstanding = await outstandingCount(t.batchId);
  const want = topUpCount(window, outstanding, Number.MAX_SAFE_INTEGER);
  if (want === 0) return 0;
  const claimed = await claimUndispatched(t.batchId, want);
  const results = await Promise.allSettled(
    claimed.map((img) =>
      enqueueOnce(
        FUNCTION_NAMES.stageImage,
        { ...t, imageId: img.imageId, generation: img.generation } satisfies StageTaskData,
        stageTaskId(t.batchId, img.imageId, img.generation),
      ),
    ),
  );
  const failed = claimed.filter((_, i) => results[i]!.status === "rejected");
  if (failed.length) {
    await releaseClaims(
      t.batchId,
      failed.map((img) => img.imageId),
    );
    const first = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    throw first.reason;
  }
  return claimed.length;
}

/** After one of its images finished: the batch's window from the state, topped up. */
export async function topUpAfterFinish(t: BatchTaskTemplate, cfg: DispatchConfig): Promise<number> {
  const state = await readDispatchState();
  return topUpBatch(t, windowOf(state, t.batchId, cfg));
}

async function partnerWeight(partnerId: string): Promise<number> {
  return (await getPartner(partnerId))?.weight ?? 1;
}

export async function claimantOf(b: BatchDoc, demand: number): Promise<ShareClaimant> {
  return {
    batchId: b.batchId,
    partnerId: b.partnerId,
    partnerWeight: await partnerWeight(b.partnerId),
    priority: asPriority(b.priority),
    demand,
  };
}

/**
 * A batch (re)opens (its fan-out, or retry-failed): it joins the dispatch state, which shrinks
 * the other batches' windows at once, and dispatches its own window.
 */
export async function openBatchWindow(
  b: BatchDoc,
  cfg: DispatchConfig,
  demand: number,
): Promise<number> {
  if (b.cancelRequested) return 0;
  const window = await registerClaimant(await claimantOf(b, demand), cfg.totalWindow, {
    highPriorityWeight: cfg.highPriorityWeight,
  });
  const dispatched = await topUpBatch(taskTemplate(b), window);
  logEvent("dispatch.batch_opened", {
    batchId: b.batchId,
    partnerId: b.partnerId,
    window,
    dispatched,
  });
  return dispatched;
}
