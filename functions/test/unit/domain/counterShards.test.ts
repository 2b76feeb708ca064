import {
  addDelta,
  counterShardsFor,
  DEFAULT_COUNTER_SHARDS,
  shardDelta,
  shardOf,
  shardsForRate,
  shardSize,
  sumShards,
  type ShardCounts,
} from "../../../src/domain/counterShards.js";
import { IMAGE_STATUSES, type ImageStatus } from "../../../src/domain/imageStatus.js";

describe("shard sizing", () => {
  test("the default holds R = 20 under one write per second per shard", () => {
    expect(shardsForRate(20)).toBe(DEFAULT_COUNTER_SHARDS);
    expect((2 * 20) / DEFAULT_COUNTER_SHARDS).toBeLessThanOrEqual(0.8);
    expect(shardsForRate(100)).toBe(250);
  });
  test("a batch never gets more shards than images, nor fewer than one", () => {
    expect(counterShardsFor(10_000, 50)).toBe(50);
    expect(counterShardsFor(7, 50)).toBe(7);
    expect(counterShardsFor(1, 0)).toBe(1);
    expect(counterShardsFor(100_000, 10_000)).toBe(500);
  });
  test("consecutive indexes spread over every shard evenly", () => {
    const hits = new Array<number>(50).fill(0);
    for (let i = 0; i < 1000; i++) hits[shardOf(i, 50)]!++;
    expect(new Set(hits)).toEqual(new Set([20]));
  });
});

describe("shard sizes", () => {
  test("the images of every shard add up to the batch, and each size is its count of indexes", () => {
    for (const [total, shards] of [
      [10_000, 50],
      [7, 7],
      [103, 50],
      [1, 1],
    ] as const) {
      let sum = 0;
      for (let k = 0; k < shards; k++) {
        const size = shardSize(total, shards, k);
        let count = 0;
        for (let i = 0; i < total; i++) if (shardOf(i, shards) === k) count++;
        expect(size).toBe(count);
        sum += size;
      }
      expect(sum).toBe(total);
    }
    expect(shardSize(3, 50, 7)).toBe(0);
  });
});

describe("shard deltas", () => {
  test("a move takes one from the old status and gives one to the new; queued is implicit", () => {
    expect(shardDelta("queued", "processing")).toEqual({ processing: 1 });
    expect(shardDelta("processing", "completed", { processingMs: 1200, costUsd: 0.1 })).toEqual({
      processing: -1,
      completed: 1,
      processingMs: 1200,
      costUsd: 0.1,
    });
    expect(shardDelta("processing", "queued")).toEqual({ processing: -1 });
    expect(shardDelta("failed", "queued")).toEqual({ failed: -1 });
    expect(shardDelta("processing", "processing")).toEqual({});
  });
  test("the sums only count for completed images", () => {
    expect(shardDelta("processing", "failed", { processingMs: 50, costUsd: 0.1 })).toEqual({
      processing: -1,
      failed: 1,
    });
  });
  test("deltas merge per shard and zeros drop out", () => {
    const a = addDelta(shardDelta("queued", "processing"), shardDelta("processing", "completed"));
    expect(a).toEqual({ completed: 1 });
  });
});

describe("summing shards", () => {
  test("every walk of images through the statuses keeps the five counts adding up to the total", () => {
    // A deterministic pseudo-random walk of 40 images over 600 moves.
    const total = 40;
    const shards = 7;
    const status: ImageStatus[] = new Array<ImageStatus>(total).fill("queued");
    const store: Partial<ShardCounts>[] = Array.from({ length: shards }, () => ({}));
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 600; step++) {
      const i = rand(total);
      const to = IMAGE_STATUSES[rand(IMAGE_STATUSES.length)]!;
      const s = shardOf(i, shards);
      store[s] = addDelta(
        store[s]!,
        shardDelta(status[i]!, to, { processingMs: 10, costUsd: 0.5 }),
      );
      status[i] = to;
      const { counters } = sumShards(store, total);
      for (const st of IMAGE_STATUSES)
        expect(counters[st]).toBe(status.filter((x) => x === st).length);
    }
  });
  test("missing shards count zero and the cost sum is rounded to micro-dollars", () => {
    const r = sumShards([{ completed: 3, costUsd: 0.1 + 0.2 }, {}], 5);
    expect(r.counters).toEqual({ queued: 2, processing: 0, completed: 3, failed: 0, cancelled: 0 });
    expect(r.costUsd).toBe(0.3);
  });
});
