/**
 * POST /uploads: a V4 signed PUT URL for one new object under the partner's own prefix
 * (uploads/{partnerId}/), which its batches may then name as gs:// sources. The content type
 * and a size range are signed, so the URL cannot upload anything else. The local output store
 * (Emulator Suite, where the Storage emulator cannot run offline) has no bucket to sign for:
 * there the route answers 501 `uploads_unavailable` and partners use https:// sources.
 */
import type { Request, Response } from "express";
import { apiSettings, urlRules } from "../../config/runtimeConfig.js";
import { ApiError } from "../apiError.js";
import { createUploadSchema, uploadObjectPath } from "../../domain/uploads.js";
import { GcsOutputStore } from "../../outputs/gcsOutputStore.js";
import { getOutputStore } from "../../outputs/selectOutputStore.js";
import { logEvent } from "../../util/log.js";
import { partnerOf } from "../auth.js";
import { parseInput } from "../parseInput.js";
import type { Body, UploadResponse } from "../contract/index.js";

/** The upload URL is for one prompt upload, not for keeping. */
const UPLOAD_URL_TTL_SECONDS = 15 * 60;

export async function createUploadRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const upload = parseInput(createUploadSchema, req.body ?? {}, "Invalid upload request");
  const store = getOutputStore();
  const bucket = urlRules().gcsBucket;
  if (!(store instanceof GcsOutputStore) || bucket === undefined) {
    throw new ApiError(
      501,
      "uploads_unavailable",
      "Uploads need Cloud Storage, which this deployment does not use (emulator): send https:// source URLs",
    );
  }
  const now = new Date();
  const path = uploadObjectPath(partner.partnerId, upload, now);
  const maxBytes = apiSettings().uploadMaxBytes;
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_TTL_SECONDS * 1000);
  const signed = await store.signedUploadUrl(path, upload.contentType, maxBytes, expiresAt);
  logEvent("upload.url_issued", { partnerId: partner.partnerId, path });
  res.status(201).json({
    success: true,
    uploadUrl: signed.url,
    method: "PUT",
    headers: signed.headers,
    maxBytes,
    expiresAt: expiresAt.toISOString(),
    sourceUrl: `gs://${bucket}/${path}`,
  } satisfies Body<typeof UploadResponse>);
}
