/**
 * Shared set-up of the emulator tests: they run inside `firebase emulators:exec`, which sets
 * FIRESTORE_EMULATOR_HOST; the API is reached through the Hosting rewrite like a partner does.
 */
import { validateCreateRequest } from "../../src/domain/createRequest.js";
import type { DocumentData, DocumentReference } from "firebase-admin/firestore";
import { canTransition, type ImageStatus } from "../../src/domain/imageStatus.js";
import { createBatch } from "../../src/store/batchCreate.js";
import { getBatch } from "../../src/store/batchStore.js";
import { readShardTally } from "../../src/store/counterShards.js";
import { transitionImage } from "../../src/store/imageTransition.js";
import { getDb } from "../../src/store/db.js";
import type { StageTaskData } from "../../src/queues/taskQueues.js";
import { createPartner } from "../../src/store/partnerStore.js";
import { ApiClient, waitForBatch, type StatusBody } from "../../tools/apiClient.js";
import { localApiBase } from "../../tools/emulatorPorts.js";
import { startSourceServer, type SourceServer } from "../../tools/sourceServer.js";
import { startFakeGemini, type FakeGemini } from "../fakes/fakeGemini.js";

export const API_BASE = process.env.STAGING_API_BASE ?? localApiBase();
export const PROJECT_ID = process.env.GCLOUD_PROJECT ?? "demo-virtual-staging";

if (!process.env.FIRESTORE_EMULATOR_HOST) {
  throw new Error(
    "Emulator tests need the Emulator Suite: run them with `npm test` (firebase emulators:exec)",
  );
}
process.env.GCLOUD_PROJECT = PROJECT_ID;

export { ApiClient, getDb, startSourceServer, type SourceServer, type StatusBody };

export async function newPartner(
  name = "Test partner",
  options: { engine?: string; quotas?: Record<string, number> } = {},
) {
  const p = await createPartner({
    name,
    engine: options.engine ?? "preview",
    quotas: options.quotas,
  });
  return { ...p, client: new ApiClient(API_BASE, p.apiKey) };
}

export const COUNTERS = ["queued", "processing", "completed", "failed", "cancelled"] as const;

export function assertCountersSum(
  s: Pick<StatusBody, "total" | "queued" | "processing" | "completed" | "failed" | "cancelled">,
): void {
  const sum = s.queued + s.processing + s.completed + s.failed + s.cancelled;
  if (sum !== s.total)
    throw new Error(`invariant broken: ${JSON.stringify(s)} sums to ${sum}, total ${s.total}`);
}

/**
 * Polls until finished, checking at every poll what the counts could get wrong: the sum equals
 * the total, no count is negative, and the finished images never go down (no image leaves a
 * terminal state without retry-failed). At the end the reported counts must equal the image
 * documents counted directly.
 */
export async function waitFinished(
  client: ApiClient,
  batchId: string,
  timeoutMs = 150_000,
): Promise<{ final: StatusBody; polls: number }> {
  let polls = 0;
  let finishedBefore = 0;
  const final = await waitForBatch(client, batchId, {
    timeoutMs,
    intervalMs: 400,
    onPoll: (s) => {
      polls++;
      assertCountersSum(s);
      const negative = COUNTERS.filter((c) => s[c] < 0);
      if (negative.length) throw new Error(`negative counts ${negative.join(", ")}`);
      const finished = s.completed + s.failed + s.cancelled;
      if (finished < finishedBefore)
        throw new Error(`finished images went down: ${finishedBefore} -> ${finished}`);
      finishedBefore = finished;
    },
  });
  const docs = await imageCounts(batchId);
  const reported = Object.fromEntries(COUNTERS.map((c) => [c, final[c]]));
  const counted = Object.fromEntries(COUNTERS.map((c) => [c, docs[c]]));
  if (JSON.stringify(reported) !== JSON.stringify(counted))
    throw new Error(`status ${JSON.stringify(reported)} != documents ${JSON.stringify(counted)}`);
  return { final, polls };
}

/** A local source-photo server for the tests of one file (started and closed around them). */
export function useSourceServer(
  options?: Parameters<typeof startSourceServer>[0],
): () => SourceServer {
  let server: SourceServer | undefined;
  beforeAll(async () => {
    server = await startSourceServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("source server not started");
    return server;
  };
}

/** The emulator env's GEMINI_BASE_URL points the gemini engine at this port. */
export const FAKE_GEMINI_PORT = 9590;
const MODEL_CIRCUITS = ["modelQuotaCircuit", "modelOutageCircuit", "modelOperatorCircuit"];

/**
 * A source-photo server and the fake Gemini API for the tests of one file. Each test starts
 * with a fresh fake and the model circuits closed (one test's outage must not defer the next).
 */
export function useFakeGemini(
  onStarted: (fixtures: { sources: SourceServer; gemini: FakeGemini }) => void,
): void {
  let sources: SourceServer | undefined;
  let gemini: FakeGemini | undefined;
  beforeAll(async () => {
    sources = await startSourceServer();
    gemini = await startFakeGemini({ port: FAKE_GEMINI_PORT });
    onStarted({ sources, gemini });
  });
  afterAll(async () => {
    await gemini?.close();
    await sources?.close();
  });
  beforeEach(async () => {
    gemini?.reset();
    for (const doc of MODEL_CIRCUITS) await getDb().collection("system").doc(doc).delete();
  });
}

/** Counts image documents per status and compares with the batch counters (the brief's invariant). */
export async function imageCounts(batchId: string): Promise<Record<string, number>> {
  const snap = await getDb()
    .collection("batches")
    .doc(batchId)
    .collection("images")
    .select("status")
    .get();
  const counts: Record<string, number> = {
    queued: 0,
    processing: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  };
  for (const d of snap.docs)
    counts[d.get("status") as string] = (counts[d.get("status") as string] ?? 0) + 1;
  counts.documents = snap.size;
  return counts;
}

/**
 * Puts images in `status` the way the store does (the image and its counter shard in one
 * transaction): for tests that stage a situation by hand (a worker that died, a lost request).
 */
export async function setImageStatus(
  refs: DocumentReference[],
  status: ImageStatus,
  fields: DocumentData = {},
): Promise<void> {
  for (const ref of refs) {
    const from = (await ref.get()).get("status") as ImageStatus;
    // Only legal moves: a queued image finishes through processing, as in the worker.
    const steps: ImageStatus[] =
      from === "queued" && status !== "processing" && !canTransition(from, status)
        ? ["processing", status]
        : [status];
    for (const step of steps) {
      await getDb().runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        transitionImage(tx, ref, snap.data()!, step, fields);
      });
    }
  }
}

/** The batch's counter shards against its image documents: what a status call shows. */
export async function shardCountsVsImages(
  batchId: string,
): Promise<{ shards: Record<string, number>; images: Record<string, number> }> {
  const batch = await getBatch(batchId);
  if (!batch?.counterShards) throw new Error(`batch ${batchId} has no counter shards`);
  const tally = await readShardTally(batchId, batch.counterShards, batch.total);
  const { documents, ...images } = await imageCounts(batchId);
  // Images the fan-out has not created yet are queued in both views.
  images.queued = (images.queued ?? 0) + batch.total - (documents ?? 0);
  return { shards: { ...tally.counters }, images };
}

export async function batchCounters(batchId: string): Promise<Record<string, number>> {
  const d = (await getDb().collection("batches").doc(batchId).get()).data()!;
  return Object.fromEntries(COUNTERS.map((c) => [c, d[c] as number]));
}

/** Every image of a batch through the paged status API. */
export async function allImages(
  client: ApiClient,
  batchId: string,
  query = "",
): Promise<StatusBody["images"]> {
  const images: StatusBody["images"] = [];
  let token: string | null = null;
  do {
    const r: { status: number; body: StatusBody } = await client.get<StatusBody>(
      `/batch/${batchId}/status?pageSize=1000${token ? `&pageToken=${token}` : ""}${query}`,
    );
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    images.push(...r.body.images);
    token = r.body.nextPageToken;
  } while (token);
  return images;
}

export async function countBatchesOf(partnerId: string): Promise<number> {
  const agg = await getDb().collection("batches").where("partnerId", "==", partnerId).count().get();
  return agg.data().count;
}

/** Submits a create request and returns the batch id, asserting the 202. */
export async function submitBatch(client: ApiClient, body: object): Promise<string> {
  const created = await client.post<{ batchId: string }>("/batch/staging/create", body);
  if (created.status !== 202) {
    throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  return created.body.batchId;
}

/** The brief's invariant for a batch whose every image completed: counters and documents agree. */
export async function expectAllCompleted(batchId: string, total: number): Promise<void> {
  expect(await batchCounters(batchId)).toEqual({
    queued: 0,
    processing: 0,
    completed: total,
    failed: 0,
    cancelled: 0,
  });
  expect(await imageCounts(batchId)).toMatchObject({ completed: total, documents: total });
}

/**
 * The one wait of the emulator tests: polls `probe` until it returns a value other than
 * `undefined` or `false` (the positive signal the test waits for, never a fixed sleep), and
 * returns that value; after `timeoutMs` it fails naming `what` and the last value seen.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A batch written by the store exactly as the API writes it, with no fan-out task enqueued. */
export async function storeBatch(partnerId: string, urls: string[]) {
  const body = {
    images: urls.map((url) => ({ url })),
    designStyle: "japandi",
    roomType: "bedroom",
    clientName: "Fault injection",
  };
  const v = validateCreateRequest(body, { allowHttp: true, allowPrivateHosts: true });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return createBatch({
    partnerId,
    request: v.value,
    engine: "preview",
    quotas: { maxImagesPerBatch: 10000, maxOpenBatches: 100, maxImagesPerDay: 1_000_000 },
  });
}

/** The image task of image `index` of a batch created by storeBatch. */
export function stageTaskOf(batchId: string, partnerId: string, index: number): StageTaskData {
  return {
    batchId,
    imageId: String(index).padStart(6, "0"),
    generation: 0,
    partnerId,
    designStyle: "japandi",
    roomType: "bedroom",
    engine: "preview",
  };
}
