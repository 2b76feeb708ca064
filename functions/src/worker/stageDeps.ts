/**
 * What the image worker needs from its instance (stageImage.ts), and how long images wait
 * behind the shared circuits. Kept apart so the worker's steps share the types without cycles.
 */
import type { StagingEngine } from "../engines/engine.js";
import type { StageTaskData } from "../queues/taskQueues.js";
import type { StagingOptions } from "../domain/stagingOptions.js";
import type { OutputStore } from "../outputs/outputStore.js";
import type { OutputOptions } from "./encodeOutput.js";
import type { FetchedSource } from "./fetchSource.js";
import { OPERATOR_RECHECK_MS, type CircuitName } from "./quotaCircuit.js";
import type { ResultCacheConfig } from "./resultCacheSession.js";

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
  /** Tops up the batch's dispatch window after image `imageIndex` finished (queues/dispatchWindow.ts). */
  topUp?: (task: StageTaskData, imageIndex: number) => Promise<unknown>;
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

export type StageOutcome = "completed" | "failed" | "deferred" | "skipped";

/** The longest an image may wait behind `circuit` under `waits`. */
export const maxWaitFor = (waits: WaitPolicy, circuit: CircuitName): number =>
  circuit === "operator" ? waits.operatorMaxWaitMs : waits.maxWaitMs;
