/**
 * The content marker saved with every output (OutputStore.save's `marker`): the image's success
 * record, so that an attempt whose completion commit failed, and whose fallback write of
 * `storedOutput` failed too (Firestore unreachable), is still recorded without calling the
 * model again. The attempt that takes the image over after the lease finds the previous
 * attempt's output at its per-attempt path and records it from the marker.
 */
import type { ImageDoc, SuccessRecord } from "../store/imageStore.js";
import { outputPath, type OutputStore } from "../outputs/outputStore.js";
import { outputExtension, type OutputOptions } from "./encodeOutput.js";

const MARKER_VERSION = 1;

export function outputMarker(record: SuccessRecord): string {
  return JSON.stringify({ v: MARKER_VERSION, record });
}

function parseMarker(text: string, path: string): SuccessRecord | null {
  try {
    const parsed = JSON.parse(text) as { v?: number; record?: SuccessRecord };
    const r = parsed.record;
    if (parsed.v !== MARKER_VERSION || !r || r.outputPath !== path) return null;
    if (typeof r.model !== "string" || typeof r.bytes !== "number") return null;
    return r;
  } catch {
    return null;
  }
}

/**
 * The output a previous attempt on `image` stored before it lost the image (its worker died or
 * its commit failed), or null. Only the attempt just before this one is looked at: older ones
 * were taken over already.
 */
export async function previousAttemptOutput(
  store: OutputStore,
  output: Pick<OutputOptions, "format">,
  task: { partnerId: string; batchId: string; imageId: string },
  image: ImageDoc,
): Promise<SuccessRecord | null> {
  if (image.status !== "processing" || image.attempts < 1) return null;
  const path = outputPath(
    task.partnerId,
    task.batchId,
    `${task.imageId}-a${image.attempts}`,
    outputExtension(output.format),
  );
  const marker = await store.readMarker(path);
  return marker ? parseMarker(marker, path) : null;
}
