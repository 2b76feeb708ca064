/**
 * Fair share through the real pipeline (API, fan-out, dispatch windows, scheduler, worker). The
 * emulator's image queue runs 4 at a time (.env.demo-virtual-staging), so the total window is 8;
 * sources answer after 300 ms so images take long enough for the windows to matter. Dispatch
 * order is read from the image documents' `startedAt`.
 */
import { allocateWindows, type ShareClaimant } from "../../src/domain/fairShare.js";
import type { ApiClient } from "../../tools/apiClient.js";
import {
  assertCountersSum,
  getDb,
  newPartner,
  useSourceServer,
  waitFinished,
  eventually,
} from "./harness.js";

const sources = useSourceServer();
const SLOW_MS = 300;

function body(n: number, tag: string, priority?: "high" | "normal") {
  return {
    images: Array.from({ length: n }, (_, i) => ({
      url: `${sources().url}/rooms/${i % 10}.jpg?mode=slow&ms=${SLOW_MS}&f=${tag}-${i}`,
    })),
    designStyle: "modern",
    roomType: "living_room",
    clientName: "Fairness",
    ...(priority ? { priority } : {}),
  };
}

async function create(client: ApiClient, b: object): Promise<string> {
  const r = await client.post<{ batchId: string }>("/batch/staging/create", b);
  expect(r.status).toBe(202);
  return r.body.batchId;
}

interface ImageTimes {
  status: string;
  startedAt: number | null;
  completedAt: number | null;
  taskEnqueuedAt: number | null;
}

const ms = (v: unknown) => (v as { toMillis?: () => number } | null)?.toMillis?.() ?? null;

async function imageTimes(batchId: string): Promise<ImageTimes[]> {
  const snap = await getDb().collection(`batches/${batchId}/images`).get();
  return snap.docs.map((d) => ({
    status: d.get("status") as string,
    startedAt: ms(d.get("startedAt")),
    completedAt: ms(d.get("completedAt")),
    taskEnqueuedAt: ms(d.get("taskEnqueuedAt")),
  }));
}

async function dispatchState() {
  const d = (await getDb().collection("system").doc("dispatch").get()).data() ?? {};
  return {
    claimants: (d.claimants ?? []) as ShareClaimant[],
    windows: (d.windows ?? {}) as Record<string, number>,
    total: d.totalWindow as number,
    salt: (d.salt ?? 0) as number,
  };
}

test("one open batch gets the whole window left by the others (alone: all of it) and completes", async () => {
  const { client } = await newPartner("Fair alone");
  const batchId = await create(client, body(60, "alone"));
  // Other test files may leave batches open (lost tasks waiting for the reconciler): the
  // window is work-conserving, so this batch gets everything the water-filling does not give
  // them, and the whole total window when it is the only claimant.
  let seen: Awaited<ReturnType<typeof dispatchState>> | null = null;
  await eventually("the batch in the dispatch state", async () => {
    const s = await dispatchState();
    if (s.windows[batchId] === undefined) return false;
    seen = s;
    return true;
  });
  const s = seen!;
  expect(s.total).toBe(8); // 2 x QUEUE_MAX_CONCURRENT_DISPATCHES (4)
  const expected = allocateWindows(s.claimants, s.total, { highPriorityWeight: 3 }, s.salt);
  expect(s.windows[batchId]).toBe(expected.get(batchId));
  if (s.claimants.length === 1) expect(s.windows[batchId]).toBe(8);
  expect(Object.values(s.windows).reduce((a, b) => a + b, 0)).toBe(Math.max(8, s.claimants.length));
  const { final } = await waitFinished(client, batchId, 90_000);
  expect(final).toMatchObject({ status: "completed", completed: 60, queued: 0 });
  assertCountersSum(final);
}, 120_000);

test('a "high" batch gets about 3/4 of the dispatches against a "normal" one of its partner', async () => {
  const { client } = await newPartner("Fair priority");
  const normal = await create(client, body(80, "normal", "normal"));
  const high = await create(client, body(80, "high", "high"));
  const [a, b] = await Promise.all([
    waitFinished(client, high, 120_000),
    waitFinished(client, normal, 120_000),
  ]);
  expect(a.final.completed).toBe(80);
  expect(b.final.completed).toBe(80);
  const highStarts = (await imageTimes(high)).map((i) => i.startedAt!);
  const normalStarts = (await imageTimes(normal)).map((i) => i.startedAt!);
  // While both are open: from the high batch's first start to the first batch's last start.
  const from = Math.min(...highStarts);
  const to = Math.min(Math.max(...highStarts), Math.max(...normalStarts));
  const inBoth = (t: number) => t >= from && t <= to;
  const h = highStarts.filter(inBoth).length;
  const n = normalStarts.filter(inBoth).length;
  const share = h / (h + n);
  console.log(`priority: high share ${share.toFixed(3)} (${h} high, ${n} normal starts)`);
  expect(share).toBeGreaterThan(0.6);
  expect(share).toBeLessThan(0.9);
}, 150_000);

test("10 images of partner B finish while partner A's 300 have done less than half; cancel stops A's dispatch", async () => {
  const a = await newPartner("Fair A");
  const b = await newPartner("Fair B");
  const batchA = await create(a.client, body(300, "A"));
  await eventually("A to start", async () =>
    (await imageTimes(batchA)).some((i) => i.startedAt !== null),
  );
  const batchB = await create(b.client, body(10, "B"));
  const { final: finalB } = await waitFinished(b.client, batchB, 90_000);
  expect(finalB).toMatchObject({ status: "completed", completed: 10 });
  const bDone = Math.max(...(await imageTimes(batchB)).map((i) => i.completedAt!));
  const aDone = (await imageTimes(batchA)).filter(
    (i) => i.completedAt !== null && i.completedAt <= bDone,
  ).length;
  console.log(`fairness: A had completed ${aDone}/300 when B's 10 finished`);
  expect(aDone).toBeLessThan(150);

  // Cancel A mid-way: no image of A is dispatched after the cancel answered.
  const cancel = await a.client.post(`/batch/${batchA}/cancel`, {});
  expect(cancel.status).toBe(200);
  const cancelledAt = Date.now();
  const { final: finalA } = await waitFinished(a.client, batchA, 90_000);
  expect(finalA.status).toBe("cancelled");
  assertCountersSum(finalA);
  const imgs = await imageTimes(batchA);
  const dispatchedAfter = imgs.filter((i) => (i.taskEnqueuedAt ?? 0) > cancelledAt);
  expect(dispatchedAfter).toEqual([]);
  // Every cancelled image never started, and the counts are those of the documents.
  expect(imgs.filter((i) => i.status === "cancelled" && i.startedAt !== null)).toEqual([]);
  expect(finalA.cancelled).toBe(imgs.filter((i) => i.status === "cancelled").length);
  expect(finalA.completed + finalA.failed + finalA.cancelled).toBe(300);
  expect(finalA.cancelled).toBeGreaterThan(0);
}, 180_000);
