/** Param values read at run time into plain objects, so the domain code never sees params. */
import { uploadPrefix } from "../domain/uploads.js";
import * as p from "./params.js";

/** URL rules; with a partner id, gs:// sources are limited to that partner's upload prefix. */
export function urlRules(partnerId?: string) {
  return {
    ...(partnerId !== undefined ? { gcsPrefix: uploadPrefix(partnerId) } : {}),
    allowHttp: p.allowHttpUrls.value(),
    allowPrivateHosts: p.allowPrivateSourceHosts.value(),
    gcsBucket: process.env.FIREBASE_CONFIG
      ? (JSON.parse(process.env.FIREBASE_CONFIG).storageBucket as string | undefined)
      : undefined,
  };
}

export function defaultQuotas() {
  return {
    maxImagesPerBatch: p.defaultMaxImagesPerBatch.value(),
    maxOpenBatches: p.defaultMaxOpenBatches.value(),
    maxImagesPerDay: p.defaultMaxImagesPerDay.value(),
  };
}

export function fetchOptions() {
  return {
    timeoutMs: p.sourceTimeoutMs.value(),
    maxBytes: p.sourceMaxBytes.value(),
    maxRedirects: p.sourceMaxRedirects.value(),
    allowPrivateHosts: p.allowPrivateSourceHosts.value(),
    allowHttp: p.allowHttpUrls.value(),
  };
}

export function outputOptions() {
  const format = p.outputFormat.value() === "webp" ? "webp" : "jpeg";
  return {
    format,
    quality: p.outputQuality.value(),
    maxDimension: p.outputMaxDimension.value(),
    upscale: p.outputUpscale.value(),
  } as const;
}

/** How long images wait behind the model circuits (worker/stageImage.ts WaitPolicy). */
export function waitPolicy() {
  return {
    maxWaitMs: p.quotaMaxWaitMinutes.value() * 60_000,
    operatorMaxWaitMs: p.operatorPauseMaxMinutes.value() * 60_000,
    outageMs: p.outageCircuitSeconds.value() * 1000,
    operatorRecheckMs: p.operatorRecheckSeconds.value() * 1000,
  };
}
