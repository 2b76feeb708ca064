/**
 * The staging options a batch recorded at creation (declutter, disclosure label), read by the
 * worker. They never change after creation, so each instance reads a batch's options once and
 * keeps them (bounded cache): one Firestore read per batch per instance, not per image.
 */
import { readStagingOptions, type StagingOptions } from "../domain/stagingOptions.js";
import { COLLECTIONS, getDb } from "../store/db.js";

const MAX_CACHED = 500;
const cache = new Map<string, StagingOptions>();

export async function batchStagingOptions(batchId: string): Promise<StagingOptions> {
  const hit = cache.get(batchId);
  if (hit) return hit;
  const snap = await getDb().collection(COLLECTIONS.batches).doc(batchId).get();
  const options = readStagingOptions(snap.get("stagingOptions"));
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(batchId, options);
  return options;
}
