/** Param values read at run time into plain objects, so the domain code never sees params. */
import { totalWindowSize } from "../domain/fairShare.js";
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

/** The result cache's settings (worker/resultCacheSession.ts); null when the TTL is 0 (off). */
export function resultCacheConfig() {
  const ttlDays = p.resultCacheTtlDays.value();
  if (ttlDays <= 0) return null;
  const scope = p.resultCacheScope.value();
  if (scope !== "partner" && scope !== "project")
    throw new Error(`RESULT_CACHE_SCOPE: "${scope}" is not one of partner, project.`);
  const leaseMs = p.stageTimeoutSeconds.value() * 1000;
  return {
    scope,
    ttlDays,
    // A claim lives as long as the attempt that holds it may; a twin waits at most a quarter
    // of its own task time (then it stages itself rather than risk its timeout).
    claimMs: leaseMs,
    waitMs: Math.min(60_000, Math.floor(leaseMs / 4)),
  } as const;
}

/**
 * What the engines are built from (engines/selectEngine.ts EngineSettings). The API key is a
 * function so that the secret is read only when a Gemini engine is built, never for preview.
 */
export function engineSettings() {
  return {
    gemini: {
      model: p.geminiModel.value(),
      imageSize: p.outputImageSize.value(),
      baseUrl: p.geminiBaseUrl.value() || undefined,
      timeoutMs: p.geminiTimeoutMs.value(),
      apiKey: () => p.geminiApiKey.value(),
    },
    previewLatencyMs: p.previewLatencyMs.value(),
    economyInlineMaxBytes: p.economyInlineMaxBytes.value(),
  };
}

/** Where outputs are written (outputs/selectOutputStore.ts): a local folder, or Cloud Storage. */
export function outputStoreSettings() {
  return p.outputStore.value() === "local"
    ? ({ kind: "local", dir: p.outputLocalDir.value() } as const)
    : ({ kind: "gcs" } as const);
}

/** The values the partner API reads per request (api/auth.ts and the routes). */
export function apiSettings() {
  return {
    /** The engine of partners without their own (STAGING_ENGINE). */
    defaultEngine: p.defaultEngine.value(),
    counterShards: p.counterShards.value(),
    /** Empty: output links are built from the request's host. */
    publicApiBaseUrl: p.publicApiBaseUrl.value(),
    outputUrlTtlSeconds: p.outputUrlTtlSeconds.value(),
    /** An upload may be as large as a fetched source may be. */
    uploadMaxBytes: p.sourceMaxBytes.value(),
    partnerCache: {
      maxEntries: p.apiKeyCacheMaxEntries.value(),
      ttlMs: p.apiKeyCacheSeconds.value() * 1000,
      negativeTtlMs: p.apiKeyNegativeCacheSeconds.value() * 1000,
    },
  };
}

/** Fair-share dispatch settings (queues/dispatchWindow.ts, worker/scheduler.ts). */
export function dispatchConfig() {
  const rate = p.queueMaxDispatchesPerSecond.value();
  return {
    totalWindow: totalWindowSize({
      ratePerSecond: rate,
      maxConcurrent: p.queueMaxConcurrentDispatches.value(),
      windowSeconds: p.dispatchWindowSeconds.value(),
      minWindow: p.dispatchWindowMin.value(),
    }),
    ratePerSecond: rate,
    highPriorityWeight: p.priorityHighWeight.value(),
    intervalSeconds: Math.max(1, p.schedulerIntervalSeconds.value()),
  };
}
