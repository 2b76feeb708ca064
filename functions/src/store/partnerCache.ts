/**
 * The per-instance cache of API-key lookups: bounded (least recently used entries go first, so
 * a flood of distinct keys cannot grow memory), with a short life for failed lookups so random
 * keys cannot cost one Firestore read each, and one shared read for concurrent misses of a key.
 * No Firebase here: the loader is passed in, so the cache is unit tested on its own.
 */
import { LRUCache } from "lru-cache";

export interface PartnerCacheSettings {
  /** Most keys remembered at once. */
  maxEntries: number;
  /** Life of a found partner: a revocation takes effect within it. 0 disables caching. */
  ttlMs: number;
  /** Life of a failed lookup (unknown or revoked key). 0: failures are not cached. */
  negativeTtlMs: number;
}

/** Entries are boxed because the cache cannot hold null (a remembered "no such key"). */
interface Entry<V> {
  value: V | null;
}

export class PartnerCache<V extends object> {
  private readonly entries: LRUCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<V | null>>();

  /** `clock` (milliseconds) is for tests; the default is the cache's monotonic clock. */
  constructor(
    readonly settings: PartnerCacheSettings,
    clock?: () => number,
  ) {
    this.entries = new LRUCache<string, Entry<V>>({
      max: Math.max(1, settings.maxEntries),
      ttl: Math.max(1, settings.ttlMs),
      ...(clock ? { perf: { now: clock }, ttlResolution: 0 } : {}),
    });
  }

  sameSettings(s: PartnerCacheSettings): boolean {
    return (
      s.maxEntries === this.settings.maxEntries &&
      s.ttlMs === this.settings.ttlMs &&
      s.negativeTtlMs === this.settings.negativeTtlMs
    );
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  async get(key: string, load: (key: string) => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const loading = load(key)
      .then((value) => {
        const ttl = value === null ? this.settings.negativeTtlMs : this.settings.ttlMs;
        if (ttl > 0) this.entries.set(key, { value }, { ttl });
        return value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }
}
