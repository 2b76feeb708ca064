/**
 * The links partners download outputs with: a V4 signed Cloud Storage URL in production, an
 * HMAC-signed link to the API's output route with the local store (Emulator Suite). Both expire
 * after the OUTPUT_URL_TTL_SECONDS param and are issued afresh on each status call. Signing in
 * production costs one IAM signBlob call per URL, so signed URLs are reused per instance while
 * they still have at least 90 % of their life (or all but an hour) left, and signed a few at a time.
 */
import { LRUCache } from "lru-cache";
import { outputLinkQuery } from "../domain/outputLinkSignature.js";
import { GcsOutputStore } from "./gcsOutputStore.js";
import { LocalOutputStore } from "./localOutputStore.js";
import type { OutputStore } from "./outputStore.js";

/** Cloud Storage V4 signatures are valid for at most 7 days. */
export const MAX_OUTPUT_URL_TTL_SECONDS = 7 * 24 * 3600;
export const MIN_OUTPUT_URL_TTL_SECONDS = 60;
const SIGNING_CONCURRENCY = 16;

export interface OutputLink {
  url: string;
  expiresAt: Date;
}

export interface OutputLinkRequest {
  batchId: string;
  /** The API's public base URL (…/api), for links to its own output route. */
  apiBase: string;
  ttlSeconds: number;
  now: Date;
}

export function clampTtlSeconds(ttl: number): number {
  return Math.min(MAX_OUTPUT_URL_TTL_SECONDS, Math.max(MIN_OUTPUT_URL_TTL_SECONDS, ttl));
}

const signedUrls = new LRUCache<string, OutputLink>({ max: 20_000 });

async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Links for the given completed images (index and stored output path), keyed by index. */
export async function outputLinks(
  store: OutputStore,
  images: ReadonlyArray<{ index: number; outputPath: string }>,
  req: OutputLinkRequest,
): Promise<Map<number, OutputLink>> {
  const links = new Map<number, OutputLink>();
  if (images.length === 0) return links;
  const ttlMs = clampTtlSeconds(req.ttlSeconds) * 1000;
  const nowMs = req.now.getTime();

  if (store instanceof GcsOutputStore) {
    const reuseAboveMs = ttlMs - Math.min(ttlMs * 0.1, 3600_000);
    const signed = await mapLimited([...images], SIGNING_CONCURRENCY, async (img) => {
      const cached = signedUrls.get(img.outputPath);
      if (cached && cached.expiresAt.getTime() - nowMs >= reuseAboveMs) return cached;
      const expiresAt = new Date(nowMs + ttlMs);
      const link = { url: await store.signedReadUrl(img.outputPath, expiresAt), expiresAt };
      signedUrls.set(img.outputPath, link);
      return link;
    });
    images.forEach((img, i) => links.set(img.index, signed[i]!));
    return links;
  }

  if (store instanceof LocalOutputStore) {
    const key = await store.linkSigningKey();
    const expires = Math.floor((nowMs + ttlMs) / 1000);
    const expiresAt = new Date(expires * 1000);
    for (const img of images) {
      const query = outputLinkQuery(key, {
        batchId: req.batchId,
        index: img.index,
        expires,
      });
      links.set(img.index, {
        url: `${req.apiBase}/batch/${req.batchId}/images/${img.index}/output?${query}`,
        expiresAt,
      });
    }
    return links;
  }
  throw new Error(`output store ${store.kind} has no links`);
}
