/**
 * The options of a task queue function (index.ts), in the terms a queue's definition decides:
 * how often a failed task is tried and how long it waits between tries, how many tasks run at
 * once and start per second, then the resources. Cloud Tasks' option names are spelled here once,
 * so each definition states only its own numbers (or params).
 */
import type { Expression } from "firebase-functions/params";
import type { RetryConfig, TaskQueueOptions } from "firebase-functions/v2/tasks";

type Setting = number | Expression<number>;

/** A queue's retries and dispatch limits; the optional retry settings are Cloud Tasks' own. */
export interface QueuePolicy extends Pick<RetryConfig, "maxDoublings" | "maxRetrySeconds"> {
  /** Deliveries of one task in all, the first included. */
  attempts: Setting;
  /** The wait before the first retry and the longest wait, in seconds. */
  backoffSeconds: [min: Setting, max: Setting];
  /** Tasks running at once, at most. */
  concurrent: Setting;
  /** Tasks started per second, at most. */
  perSecond: Setting;
}

/** The resources (memory, timeout, secrets, ...) of the function that runs the tasks. */
export type QueueResources = Omit<TaskQueueOptions, "retryConfig" | "rateLimits">;

export function taskQueueOptions(
  { attempts, backoffSeconds: [min, max], concurrent, perSecond, ...retry }: QueuePolicy,
  resources: QueueResources,
): TaskQueueOptions {
  return {
    retryConfig: {
      maxAttempts: attempts,
      minBackoffSeconds: min,
      maxBackoffSeconds: max,
      ...retry,
    },
    rateLimits: { maxConcurrentDispatches: concurrent, maxDispatchesPerSecond: perSecond },
    ...resources,
  };
}
