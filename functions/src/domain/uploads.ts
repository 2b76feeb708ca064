/**
 * Partner uploads: where a partner's own photos live in the project's bucket and what an upload
 * request may ask for. A partner's gs:// sources must lie under its own prefix, so one partner
 * can neither stage another's photos or outputs nor probe whether such objects exist.
 * Pure: no Firebase, no network.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";

/** The only place in the bucket a partner's gs:// sources may name. */
export function uploadPrefix(partnerId: string): string {
  return `uploads/${partnerId}/`;
}

export const UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

const EXTENSION: Record<UploadContentType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
};

export const createUploadSchema = z.strictObject({
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  /** Optional, for the partner's own bookkeeping: kept in the object name (sanitised). */
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, "fileName may contain letters, digits and . _ -")
    .optional(),
});
export type CreateUploadRequest = z.infer<typeof createUploadSchema>;

/** The object a new upload goes to: uploads/{partnerId}/{yyyy-mm-dd}/{random}[-name].{ext}. */
export function uploadObjectPath(
  partnerId: string,
  request: CreateUploadRequest,
  now: Date,
  random: string = randomBytes(12).toString("hex"),
): string {
  const day = now.toISOString().slice(0, 10);
  const stem = request.fileName ? request.fileName.replace(/\.[A-Za-z0-9]{1,5}$/, "") : "";
  const name = stem ? `${random}-${stem}` : random;
  return `${uploadPrefix(partnerId)}${day}/${name}.${EXTENSION[request.contentType]}`;
}
