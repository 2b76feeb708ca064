/** Reading image documents: a page of a batch's images, one image, one image's status. */
import type { Transaction } from "firebase-admin/firestore";
import { imageDocId } from "../domain/ids.js";
import type { ImageStatus } from "../domain/imageStatus.js";
import { getDb } from "./db.js";
import { imageConverter } from "./imageDoc.js";
import { imageRef, imagesCol, type ImageDoc } from "./imageStore.js";
import { imagesByStatus } from "./queries.js";

/**
 * A page of a batch's images in index order (optionally of one status). Read in `tx` when given,
 * so the page and the counts of a status call come from one snapshot. Without a status filter
 * the page is the next `pageSize` indexes, read by id (image ids are their zero-padded index):
 * no query over the batch's images at all, so a page costs the same in a 10,000-image batch as
 * in a 10-image one. Images the fan-out has not created yet are left out of such a page.
 */
export async function listImages(
  input: {
    batchId: string;
    status?: ImageStatus;
    pageSize: number;
    afterIndex?: number;
    /** The batch's size: bounds the page by index (required without a status filter). */
    total?: number;
  },
  tx?: Transaction,
): Promise<{ images: ImageDoc[]; nextAfterIndex: number | null }> {
  if (!input.status && input.total !== undefined) {
    const first = (input.afterIndex ?? -1) + 1;
    const last = Math.min(input.total - 1, first + input.pageSize - 1);
    if (last < first) return { images: [], nextAfterIndex: null };
    const refs = Array.from({ length: last - first + 1 }, (_, i) =>
      imageRef(input.batchId, imageDocId(first + i)).withConverter(imageConverter),
    );
    const snaps = tx ? await tx.getAll(...refs) : await getDb().getAll(...refs);
    const images = snaps.flatMap((d) => d.data() ?? []);
    return { images, nextAfterIndex: last < input.total - 1 ? last : null };
  }
  let q = input.status
    ? imagesByStatus(input.batchId, input.status)
    : imagesCol(input.batchId).orderBy("index");
  if (input.afterIndex !== undefined) q = q.startAfter(input.afterIndex);
  const page = q.limit(input.pageSize + 1).withConverter(imageConverter);
  const snap = tx ? await tx.get(page) : await page.get();
  const images = snap.docs.slice(0, input.pageSize).map((d) => d.data());
  const last = images[images.length - 1];
  return { images, nextAfterIndex: snap.docs.length > input.pageSize && last ? last.index : null };
}

export async function getImageByIndex(batchId: string, index: number): Promise<ImageDoc | null> {
  const snap = await imageRef(batchId, imageDocId(index)).withConverter(imageConverter).get();
  return snap.data() ?? null;
}

export async function getImageStatus(
  batchId: string,
  imageId: string,
): Promise<ImageStatus | null> {
  const snap = await imageRef(batchId, imageId).get();
  return snap.exists ? (snap.get("status") as ImageStatus) : null;
}
