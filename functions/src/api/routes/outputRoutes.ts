/**
 * Output downloads through the API: GET /batch/:batchId/images/:index/output.
 * With `expires` and `signature` in the query (the links the status returns when outputs are
 * kept in the local folder) the link itself is the credential, checked before any other work;
 * without them the partner's API key is required (requirePartner runs first).
 */
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "../apiError.js";
import { DomainError } from "../../domain/domainError.js";
import { verifyOutputLink } from "../../domain/outputLinkSignature.js";
import { LocalOutputStore } from "../../outputs/localOutputStore.js";
import { getOutputStore } from "../../outputs/selectOutputStore.js";
import { getBatch, getBatchForPartner, type BatchDoc } from "../../store/batchStore.js";
import { getImageByIndex } from "../../store/imageReads.js";
import { partnerOf } from "../auth.js";

const BATCH_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;
const INDEX_RE = /^[0-9]{1,6}$/;

async function sendOutput(batch: BatchDoc, rawIndex: string, res: Response): Promise<void> {
  const index = INDEX_RE.test(rawIndex) ? Number(rawIndex) : -1;
  if (index < 0 || index >= batch.total) throw DomainError.notFound("Image");
  const image = await getImageByIndex(batch.batchId, index);
  if (!image || image.status !== "completed" || !image.outputPath)
    throw DomainError.notFound("Output");
  const file = await getOutputStore().read(image.outputPath);
  if (!file) throw DomainError.notFound("Output");
  res.set("Content-Type", file.contentType);
  res.set("Cache-Control", "private, max-age=3600");
  if (image.data.preview === true) res.set("X-Staging-Preview", "true");
  res.send(file.bytes);
}

/** Mounted before authentication: serves signed links, passes unsigned requests on. */
export function signedOutputRoute(req: Request, res: Response, next: NextFunction): void {
  if (req.query.signature === undefined && req.query.expires === undefined) {
    next();
    return;
  }
  serveSigned(req, res).catch(next);
}

async function serveSigned(req: Request, res: Response): Promise<void> {
  const store = getOutputStore();
  const batchId = String(req.params.batchId);
  const rawIndex = String(req.params.index);
  const invalid = new ApiError(
    403,
    "output_link_invalid",
    "The output link is not valid: request a fresh one from the batch status",
  );
  // Only the local store issues API links; production's links are Cloud Storage signed URLs.
  if (!(store instanceof LocalOutputStore)) throw invalid;
  if (!BATCH_ID_RE.test(batchId) || !INDEX_RE.test(rawIndex)) throw invalid;
  const verdict = verifyOutputLink(
    await store.linkSigningKey(),
    { batchId, index: Number(rawIndex) },
    req.query.expires,
    req.query.signature,
    Math.floor(Date.now() / 1000),
  );
  if (!verdict.ok) throw new ApiError(403, verdict.code, verdict.message);
  const batch = await getBatch(batchId);
  if (!batch) throw DomainError.notFound("Output");
  await sendOutput(batch, rawIndex, res);
}

/** With the partner's API key. */
export async function outputRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const batch = await getBatchForPartner(String(req.params.batchId), partner.partnerId);
  await sendOutput(batch, String(req.params.index), res);
}
