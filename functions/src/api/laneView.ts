/**
 * The lane fields of an image in the status: its lane, the Gemini batch job it is in (for
 * operators and support), and for an image waiting for that job an honest ETA: the Batch API's
 * target is 24 hours from the job's creation (most jobs finish far sooner; it is a target, not a
 * promise). Absent fields keep standard-lane images as they were.
 */
import type { ImageDoc } from "../store/imageStore.js";

export const ECONOMY_TARGET_MS = 24 * 3_600_000;
export const ECONOMY_ETA_NOTE =
  "Economy lane: the Gemini Batch API's target is within 24 hours of the job's creation; most jobs finish much sooner. Not a guarantee: a job that expires is retried in the standard lane.";

const millis = (v: unknown): number | null =>
  v && typeof (v as { toMillis?: unknown }).toMillis === "function"
    ? (v as { toMillis: () => number }).toMillis()
    : null;

export function laneView(img: ImageDoc) {
  const d = img.data;
  const created = millis(d.modelJobCreatedAt);
  const waiting = img.status === "processing" && img.waitingFor === "model_batch";
  return {
    lane: d.lane === "economy" ? ("economy" as const) : ("standard" as const),
    ...(typeof d.modelJob === "string" ? { modelJob: d.modelJob } : {}),
    ...(waiting && created !== null
      ? {
          estimatedCompletionBy: new Date(created + ECONOMY_TARGET_MS).toISOString(),
          etaNote: ECONOMY_ETA_NOTE,
        }
      : {}),
  };
}
