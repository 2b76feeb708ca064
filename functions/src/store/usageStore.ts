/**
 * A partner's daily image usage (partners/{id}/usage/{yyyy-mm-dd}, UTC days): what the
 * maxImagesPerDay quota counts. A create books its images inside its own transaction
 * (batchCreate.ts, with this file's usageRef and dailyQuotaError); a retry of failed images books
 * them here, before anything is requeued, and gives back what it did not requeue. Both refuse
 * with the same 429 `quota_exceeded`.
 */
import { FieldValue } from "firebase-admin/firestore";
import { DomainError } from "../domain/domainError.js";
import { COLLECTIONS, getDb } from "./db.js";
import { imageCountQuery } from "./queries.js";

const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

const nextUtcMidnight = (d: Date): string =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();

export function usageRef(partnerId: string, now: Date) {
  return getDb()
    .collection(COLLECTIONS.partners)
    .doc(partnerId)
    .collection("usage")
    .doc(utcDay(now));
}

/** The daily quota's 429: quota, limit, freesAt (next UTC midnight), usedToday. */
export function dailyQuotaError(limit: number, usedToday: number, now: Date): DomainError {
  return new DomainError(
    "quota_exceeded",
    `At most ${limit} images per day (${usedToday} used today, UTC)`,
    { quota: "maxImagesPerDay", limit, freesAt: nextUtcMidnight(now), usedToday },
  );
}

/** Books `count` images on today's usage, or throws the 429 and books nothing. */
export async function reserveDailyImages(
  partnerId: string,
  count: number,
  maxImagesPerDay: number,
  now: Date = new Date(),
): Promise<void> {
  if (count <= 0) return;
  const ref = usageRef(partnerId, now);
  await getDb().runTransaction(async (tx) => {
    const usedToday = ((await tx.get(ref)).data()?.images as number | undefined) ?? 0;
    if (usedToday + count > maxImagesPerDay) throw dailyQuotaError(maxImagesPerDay, usedToday, now);
    tx.set(
      ref,
      { images: FieldValue.increment(count), retriedImages: FieldValue.increment(count) },
      { merge: true },
    );
  });
}

/**
 * Corrects a booking to what was actually used: gives back images that were not requeued, or
 * books the few that failed between the count and the requeue (never refused: they ran anyway).
 */
export async function settleDailyImages(
  partnerId: string,
  booked: number,
  used: number,
  bookedAt: Date,
): Promise<void> {
  const delta = used - booked;
  if (delta === 0) return;
  await usageRef(partnerId, bookedAt).set(
    { images: FieldValue.increment(delta), retriedImages: FieldValue.increment(delta) },
    { merge: true },
  );
}

/** How many images of a batch are failed now (an aggregation: one read per 1,000 images). */
export async function countFailedImages(batchId: string): Promise<number> {
  const agg = await imageCountQuery(batchId, "failed").get();
  return agg.data().count;
}
