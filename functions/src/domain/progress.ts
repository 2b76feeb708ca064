/** Progress and time-remaining maths for the status response. Pure. */
import { type Counters, finishedCount } from "./imageStatus.js";

export interface BatchStatistics {
  /** Mean processing time of completed images (fetch + model + store), ms. */
  avgProcessingTimeMs: number | null;
  /** From the observed throughput since the batch started; null until something finished. */
  estimatedRemainingMinutes: number | null;
  /**
   * Percentage 0..100 (two decimals) of finished images that completed: completed / (completed +
   * failed) x 100, as in the original plan; cancelled images are not judged. Null until an image
   * completed or failed.
   */
  successRate: number | null;
  /** Images finished per minute since the batch started. */
  throughputPerMinute: number | null;
}

/**
 * Finished (completed + failed + cancelled) over total, as a percentage with one decimal,
 * capped at 99.9 so it never shows 100 while an image is unfinished.
 */
export function progressPercent(total: number, c: Counters): number {
  if (total <= 0) return 100;
  const finished = finishedCount(c);
  const percent = Math.round((finished / total) * 1000) / 10;
  return finished < total ? Math.min(percent, 99.9) : percent;
}

export function computeStatistics(input: {
  total: number;
  counters: Counters;
  processingMsSum: number;
  startedAt: Date | null;
  completedAt: Date | null;
  now: Date;
}): BatchStatistics {
  const c = input.counters;
  const finished = finishedCount(c);
  const judged = c.completed + c.failed;
  const avgProcessingTimeMs =
    c.completed > 0 ? Math.round(input.processingMsSum / c.completed) : null;
  const successRate = judged > 0 ? Math.round((c.completed / judged) * 10000) / 100 : null;

  let throughputPerMinute: number | null = null;
  let estimatedRemainingMinutes: number | null = null;
  if (input.startedAt && finished > 0) {
    const end = input.completedAt ?? input.now;
    const elapsedMs = Math.max(1, end.getTime() - input.startedAt.getTime());
    throughputPerMinute = Math.round((finished / elapsedMs) * 60000 * 10) / 10;
    // Images run in parallel at the queue's rate, so remaining / observed throughput is the
    // estimate; average time x remaining would overstate it by the queue's concurrency.
    const remaining = Math.max(0, input.total - finished);
    estimatedRemainingMinutes =
      remaining === 0 ? 0 : Math.round((remaining / finished) * (elapsedMs / 60000) * 10) / 10;
  }
  return { avgProcessingTimeMs, estimatedRemainingMinutes, successRate, throughputPerMinute };
}
