/**
 * The result cache as one image attempt sees it (store/resultCache.ts holds the documents,
 * domain/cacheKey.ts the key). `lookup` returns a cached output's bytes, or null after claiming
 * the key, so the attempt stages the image and `fill`s the entry once its output is recorded;
 * a failed attempt `release`s its claim. When a twin of this image is being staged right now,
 * lookup waits for its entry (bounded), so the same photo twice in one batch costs one call.
 *
 * Off (every method a no-op) when the cache is not configured, the batch said `cache: false`, or
 * the engine declares no resultIdentity (the free preview engine: nothing to save, and its
 * injected failures in tests must stay per image).
 */
import {
  resultCacheDocId,
  resultCacheKey,
  sha256Hex,
  type CacheScope,
} from "../domain/cacheKey.js";
import type { StagingOptions } from "../domain/stagingOptions.js";
import type { StagingEngine } from "../engines/engine.js";
import { PROMPT_VERSION } from "../engines/prompts.js";
import type { OutputStore } from "../outputs/outputStore.js";
import type { OutputOptions } from "./encodeOutput.js";
import {
  dropEntry,
  fillCache,
  lookupOrClaim,
  readCached,
  releaseClaim,
  type CachedOutput,
} from "../store/resultCache.js";
import type { SuccessRecord } from "../store/imageStore.js";
import { logEvent } from "../util/log.js";
import { outputFacts } from "./successRecord.js";

export interface ResultCacheConfig {
  scope: CacheScope;
  ttlDays: number;
  /** How long a claim keeps twins waiting (the attempt's lease). */
  claimMs: number;
  /** Longest wait of a twin for the claimed entry before it stages by itself. */
  waitMs: number;
  /** Poll interval while waiting. Default 250 ms. */
  pollMs?: number;
}

export interface CacheHit {
  output: CachedOutput;
  bytes: Buffer;
}

export interface ResultCacheSession {
  lookup(): Promise<CacheHit | null>;
  fill(record: SuccessRecord, contentType: string): Promise<void>;
  release(): Promise<void>;
}

const OFF: ResultCacheSession = {
  lookup: () => Promise.resolve(null),
  fill: () => Promise.resolve(),
  release: () => Promise.resolve(),
};

export interface SessionContext {
  config: ResultCacheConfig | null | undefined;
  engine: StagingEngine;
  options: StagingOptions;
  input: Buffer;
  designStyle: string;
  roomType: string;
  partnerId: string;
  batchId: string;
  imageId: string;
  output: Omit<OutputOptions, "label">;
  /** The attempt's id: the claim's owner. */
  attemptId: string;
  store: OutputStore;
}

export function resultCacheSession(ctx: SessionContext): ResultCacheSession {
  const { config, engine, options } = ctx;
  if (!config || !options.cache || !engine.resultIdentity) return OFF;
  const key = resultCacheKey({
    inputSha256: sha256Hex(ctx.input),
    designStyle: ctx.designStyle,
    roomType: ctx.roomType,
    model: engine.resultIdentity.model,
    imageSize: engine.resultIdentity.imageSize,
    promptVersion: PROMPT_VERSION,
    declutter: options.declutter,
    label: options.label,
    output: { ...ctx.output, upscale: ctx.output.upscale ?? false },
  });
  const docId = resultCacheDocId(config.scope, ctx.partnerId, key);
  let claimed = false;
  const log = { batchId: ctx.batchId, partnerId: ctx.partnerId, imageIndex: Number(ctx.imageId) };

  /** The entry's bytes, or null (and the entry dropped) when its output object is gone. */
  async function bytesOf(output: CachedOutput): Promise<CacheHit | null> {
    const stored = await ctx.store.read(output.outputPath);
    if (stored) return { output, bytes: stored.bytes };
    logEvent("cache.output_missing", { ...log, outputPath: output.outputPath }, "warn");
    await dropEntry(docId);
    return null;
  }

  return {
    async lookup() {
      const first = await lookupOrClaim(docId, ctx.attemptId, config.claimMs);
      if (first.kind === "hit") return bytesOf(first.entry);
      if (first.kind === "claimed") {
        claimed = true;
        return null;
      }
      // A twin is being staged: wait for its entry rather than pay for the same result.
      const until = Math.min(first.claimUntilMs, Date.now() + config.waitMs);
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, config.pollMs ?? 250));
        const entry = await readCached(docId);
        if (entry) return bytesOf(entry);
      }
      logEvent("cache.wait_expired", log);
      return null;
    },

    async fill(record, contentType) {
      // The claimed path and a twin that gave up waiting both record their result; an entry
      // written twice holds the same kind of output either way.
      try {
        await fillCache(
          docId,
          {
            outputPath: record.outputPath,
            contentType,
            ...outputFacts(record, record),
            labelled: record.labelled ?? false,
            partnerId: ctx.partnerId,
            batchId: ctx.batchId,
            imageId: ctx.imageId,
          },
          config.ttlDays,
        );
        claimed = false;
      } catch (e) {
        // The image is completed already; a missing entry only costs a later model call.
        logEvent("cache.fill_failed", { ...log, error: String(e) }, "warn");
      }
    },

    async release() {
      if (!claimed) return;
      claimed = false;
      await releaseClaim(docId, ctx.attemptId).catch((e: unknown) =>
        logEvent("cache.release_failed", { ...log, error: String(e) }, "warn"),
      );
    },
  };
}
