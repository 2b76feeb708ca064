/**
 * Dispatch by share: the one place image tasks of the standard lane (the stageImage queue) are
 * enqueued for a batch's images. Each open batch keeps at most its window of tasks outstanding
 * (enqueued and not finished); the queue runs FIFO, so a batch's share of dispatches is its
 * window's share of the tasks waiting (domain/fairShare.ts). Windows are topped up by the
 * pipeline itself: one finished image in a quarter window tops up its own batch once a quarter of
 * its window is free (domain/fairShare.ts finisherTopsUp, minTopUp), a batch tops itself up when
 * it opens (fan-out, retry-failed), and the scheduler (worker/scheduler.ts) rebalances every few
 * seconds. Economy batches have no window: their images go to Gemini batch jobs (economyLane.ts).
 *
 * Cost per finished image: the dispatch state (1 read per instance per second at most); for a
 * batch larger than its window, one finish in a quarter window also counts the outstanding tasks
 * (1 aggregation, ~1 read) and claims (a page query, then one conditional write per image
 * claimed), then one enqueue per image.
 */
import {
  finisherTopsUp,
  minTopUp,
  schedulingView,
  windowOnOpen,
  type Priority,
  type SchedulingView,
  type ShareClaimant,
} from "../domain/fairShare.js";
import { openBatchesCreatedSince, type BatchDoc } from "../store/batchStore.js";
import {
  claimUndispatched,
  readDispatchState,
  recentDispatchState,
  releaseClaims,
} from "../store/dispatchStore.js";
import { getPartner } from "../store/partnerStore.js";
import { logEvent } from "../util/log.js";
import { enqueueOnce, stageTaskId, type StageTaskData } from "./taskQueues.js";
import { FUNCTION_NAMES } from "../config/region.js";
import { isEconomyBatch } from "./economyLane.js";

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

/**
 * Brings a batch back to `window` outstanding tasks (when at least `minClaim` are missing).
 * Returns how many it dispatched. A claim whose enqueue fails is released (and the error
 * rethrown), so the image is dispatched later.
 */
export async function topUpBatch(
  t: BatchTaskTemplate,
  window: number,
  minClaim = 1,
): Promise<number> {
  if (window <= 0) return 0;
  const claimed = await claimUndispatched(t.batchId, window, minClaim);
  const results = await Promise.allSettled(
    claimed.map((img) =>
      enqueueOnce(
        FUNCTION_NAMES.stageImage,
        {
          ...t,
          imageId: img.imageId,
          generation: img.generation,
          ...(img.ticket ? { ticket: img.ticket } : {}),
        } satisfies StageTaskData,
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

/** A finisher's view of the dispatch state may be this old: it changes only at a tick. */
const FINISHER_STATE_MAX_AGE_MS = 1000;

/**
 * After image `imageIndex` of a batch finished: the batch's window from the dispatch state,
 * topped up by one finisher in a quarter window (domain/fairShare.ts finisherTopsUp) once a
 * quarter of it is free. A batch the state does not hold (an economy batch's image that fell back
 * to the standard lane, a batch opened since the last tick, or one the scheduler found finished)
 * is left to the tick, as is one whose window holds all its unfinished images (most batches are
 * small): they were all dispatched when the window opened, and the count would be spent for
 * nothing.
 */
export async function topUpAfterFinish(t: BatchTaskTemplate, imageIndex: number): Promise<number> {
  const state = await recentDispatchState(FINISHER_STATE_MAX_AGE_MS);
  const window = state.windows[t.batchId];
  if (!window) return 0;
  const demand = state.claimants.find((c) => c.batchId === t.batchId)?.demand;
  if (demand !== undefined && demand <= window) return 0;
  if (!finisherTopsUp(window, imageIndex)) return 0;
  return topUpBatch(t, window, minTopUp(window));
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
 * How far back before the dispatch state's last write a batch opening looks for batches the
 * state does not hold yet (a tick may have measured one before its first images existed).
 */
const NEWCOMER_LOOKBACK_MS = 60_000;
/** Newcomers one opening batch counts (more than this many batches opening at once is rare). */
const NEWCOMERS_MAX = 50;

/**
 * A batch (re)opens (its fan-out, or retry-failed): it dispatches its window, its share among
 * the batches the dispatch state holds and those opened since the state's last write
 * (domain/fairShare.ts windowOnOpen). Nothing is written but the claims: the next scheduler tick
 * stores the new windows, shrinking the others'. Reads: the state, a query of the newcomers
 * (usually none), and the partner documents of the newcomers.
 */
export async function openBatchWindow(
  b: BatchDoc,
  cfg: DispatchConfig,
  demand: number,
): Promise<number> {
  if (b.cancelRequested || isEconomyBatch(b)) return 0;
  const state = await readDispatchState();
  const since = new Date((state.updatedAt?.getTime() ?? Date.now()) - NEWCOMER_LOOKBACK_MS);
  const newcomers = await Promise.all(
    (await openBatchesCreatedSince(since, NEWCOMERS_MAX))
      .filter((o) => o.batchId !== b.batchId && !o.cancelRequested && !isEconomyBatch(o))
      .map((o) => claimantOf(o, o.total)),
  );
  const window = windowOnOpen(state, newcomers, await claimantOf(b, demand), cfg.totalWindow, {
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

/**
 * What a partner sees of a batch's scheduling: its share of the image queue and its ETA among
 * the open batches, from its exact unfinished count (`demand`) and the state (1 read).
 */
export async function schedulingOf(
  b: BatchDoc,
  cfg: DispatchConfig,
  demand: number,
): Promise<SchedulingView> {
  const [state, self] = await Promise.all([readDispatchState(), claimantOf(b, demand)]);
  return schedulingView(state.claimants, self, cfg.ratePerSecond, {
    highPriorityWeight: cfg.highPriorityWeight,
  });
}
