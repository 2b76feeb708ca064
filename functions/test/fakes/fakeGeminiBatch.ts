/**
 * The Gemini Batch API part of the fake (mounted by fakeGemini.ts): the REST endpoints
 * @google/genai 3.3.0 calls for `ai.batches.*` in Gemini Developer API mode, with its wire shapes
 * (read from the SDK's converters: createBatchJobParametersToMldev, batchJobFromMldev,
 * inlinedResponseFromMldev, listBatchJobsResponseFromMldev):
 *  - POST /{v}/models/{model}:batchGenerateContent  body {batch:{displayName, inputConfig:
 *    {requests:{requests:[{request: GenerateContentRequest, metadata:{key}}]}}}} -> an Operation
 *    {name:"batches/ID", metadata:{@type GenerateContentBatch, name, model, displayName, state:
 *    "BATCH_STATE_*", createTime, updateTime, batchStats}}
 *  - GET /{v}/batches/ID (the same Operation; when done also `done`, metadata.output and
 *    `response` with inlinedResponses.inlinedResponses[] = {response | error, metadata})
 *  - GET /{v}/batches?pageSize=&pageToken= -> {operations:[...], nextPageToken}
 *  - POST /{v}/batches/ID:cancel -> {} ; DELETE /{v}/batches/ID -> {}
 * The SDK maps BATCH_STATE_X to JOB_STATE_X. Documented limits checked here: inlined requests
 * must total under 20 MB (https://ai.google.dev/gemini-api/docs/batch-api).
 *
 * Jobs do not finish by themselves: the test decides (`complete`, `fail`, `expire`, or
 * `autoComplete` after N gets). Completing runs every request through the fake's own
 * generateContent handler, so behaviours, selectors and refusals apply per request, and an
 * error answer becomes that request's `error` (a google.rpc.Status), like the real API.
 */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import {
  LIVE,
  googleError,
  operation,
  toRpcStatus,
  type FakeBatchJob,
  type FakeBatchState,
} from "./fakeBatchWire.js";
import type { FakeFiles } from "./fakeGeminiFiles.js";

export type { FakeBatchJob, FakeBatchState };

type Json = Record<string, unknown>;

export const FAKE_BATCH_INLINE_LIMIT_BYTES = 20 * 1024 * 1024;

/** Runs one GenerateContentRequest through the fake's generateContent handler. */
export type GenerateOne = (model: string, request: Json) => Promise<{ status: number; body: Json }>;

export interface FakeBatchControl {
  jobs: Map<string, FakeBatchJob>;
  /** Runs the job's requests and marks it SUCCEEDED (all jobs when no name). */
  complete(name?: string): Promise<void>;
  /** Ends the job in FAILED / EXPIRED without results (all live jobs when no name). */
  fail(name?: string): void;
  expire(name?: string): void;
  /** Complete each job on its Nth get (0 = never; the default). */
  setAutoComplete(afterGets: number): void;
  /** The next N creates make their job, then drop the connection (the answer is lost). */
  loseCreateAnswers(n: number): void;
  reset(): void;
}

const isRecord = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function createFakeBatch(
  generateOne: GenerateOne,
  files: FakeFiles,
): {
  control: FakeBatchControl;
  /** Answers a batch/file path; returns false for paths that are not its own. */
  handle(
    req: http.IncomingMessage,
    url: URL,
    body: unknown,
    respond: (status: number, body: unknown) => void,
  ): Promise<boolean>;
} {
  const jobs = new Map<string, FakeBatchJob>();
  let autoCompleteAfter = 0;
  let loseCreates = 0;

  const finish = (job: FakeBatchJob, state: FakeBatchState) => {
    const now = new Date().toISOString();
    job.state = state;
    job.updateTime = now;
    job.endTime = now;
  };

  const run = async (job: FakeBatchJob) => {
    if (!LIVE.has(job.state)) return;
    job.state = "BATCH_STATE_RUNNING";
    const responses: Json[] = [];
    for (const item of job.requests) {
      const answer = await generateOne(job.model, item.request);
      // File jobs answer with the line's key, inlined ones with the request's metadata.
      const metadata =
        item.key !== undefined
          ? { key: item.key }
          : item.metadata
            ? { metadata: item.metadata }
            : {};
      if (answer.status === 200) responses.push({ response: answer.body, ...metadata });
      // Per-request errors are google.rpc.Status objects: a gRPC code number, message, details.
      else responses.push({ error: toRpcStatus(answer.status, answer.body), ...metadata });
    }
    // A cancel that arrived while the requests ran wins.
    if (job.state !== "BATCH_STATE_RUNNING") return;
    job.responses = responses;
    if (job.inputFile) {
      const id = `batch-${job.name.slice("batches/".length)}`;
      const text = responses.map((r) => JSON.stringify(r)).join("\n") + "\n";
      files.put(Buffer.from(text), { mimeType: "application/json", source: "GENERATED", id });
      job.resultsFile = `files/${id}`;
    }
    finish(job, "BATCH_STATE_SUCCEEDED");
  };

  const pick = (name?: string) =>
    [...jobs.values()].filter((j) => (name ? j.name === name : LIVE.has(j.state)));

  const control: FakeBatchControl = {
    jobs,
    async complete(name) {
      for (const job of pick(name)) await run(job);
    },
    fail(name) {
      for (const job of pick(name)) finish(job, "BATCH_STATE_FAILED");
    },
    expire(name) {
      for (const job of pick(name)) finish(job, "BATCH_STATE_EXPIRED");
    },
    setAutoComplete(afterGets) {
      autoCompleteAfter = afterGets;
    },
    loseCreateAnswers(n) {
      loseCreates = n;
    },
    reset() {
      jobs.clear();
      autoCompleteAfter = 0;
      loseCreates = 0;
    },
  };

  const handle = async (
    req: http.IncomingMessage,
    url: URL,
    body: unknown,
    respond: (status: number, body: unknown) => void,
  ): Promise<boolean> => {
    const path = url.pathname;
    const create = /^\/[^/]+\/models\/([^/:]+):batchGenerateContent$/.exec(path);
    const one = /^\/[^/]+\/batches\/([^/:]+)(:cancel)?$/.exec(path);
    const list = /^\/[^/]+\/batches$/.test(path);
    if (!create && !one && !list) return false;
    if (!req.headers["x-goog-api-key"]) {
      const e = googleError(
        400,
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.",
      );
      respond(e.status, e.body);
      return true;
    }

    if (create && req.method === "POST") {
      const batch = isRecord(body) && isRecord(body.batch) ? body.batch : {};
      const input = isRecord(batch.inputConfig) ? batch.inputConfig : {};
      const fail = (message: string) => {
        const e = googleError(400, "INVALID_ARGUMENT", message);
        respond(e.status, e.body);
        return true;
      };
      let items: FakeBatchJob["requests"];
      const inputFile = typeof input.fileName === "string" ? input.fileName : undefined;
      if (inputFile !== undefined) {
        const file = files.control.files.get(inputFile);
        if (!file) return fail(`File ${inputFile} not found.`);
        const lines = file.bytes
          .toString("utf8")
          .split("\n")
          .filter((l) => l.trim() !== "");
        try {
          items = lines.map((line) => {
            const parsed: unknown = JSON.parse(line);
            if (!isRecord(parsed) || !isRecord(parsed.request)) throw new Error("no request");
            return {
              request: parsed.request,
              key: typeof parsed.key === "string" ? parsed.key : undefined,
            };
          });
        } catch {
          return fail(`Invalid JSONL in ${inputFile}.`);
        }
      } else {
        const wrapper = isRecord(input.requests) ? input.requests : {};
        const inlined = Array.isArray(wrapper.requests) ? wrapper.requests.filter(isRecord) : [];
        // The documented inline limit (the file route has none of its own here).
        if (Buffer.byteLength(JSON.stringify(body)) > FAKE_BATCH_INLINE_LIMIT_BYTES)
          return fail("Request payload size exceeds the limit: 20971520 bytes.");
        items = inlined.map((it) => ({
          request: isRecord(it.request) ? it.request : {},
          metadata: isRecord(it.metadata) ? it.metadata : undefined,
        }));
      }
      if (items.length === 0) return fail("Batch input config must contain requests.");
      const now = new Date().toISOString();
      const job: FakeBatchJob = {
        name: `batches/${randomUUID().replace(/-/g, "").slice(0, 20)}`,
        model: create[1]!,
        displayName: typeof batch.displayName === "string" ? batch.displayName : "",
        state: "BATCH_STATE_PENDING",
        createTime: now,
        updateTime: now,
        ...(inputFile ? { inputFile } : {}),
        requests: items,
        gets: 0,
        cancelCalls: 0,
      };
      jobs.set(job.name, job);
      if (loseCreates > 0) {
        // Created at "Google", but the caller never hears of it.
        loseCreates -= 1;
        req.socket.destroy();
        return true;
      }
      respond(200, operation(job));
      return true;
    }

    if (list && req.method === "GET") {
      const size = Number(url.searchParams.get("pageSize") ?? 50) || 50;
      const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
      const all = [...jobs.values()];
      const page = all.slice(start, start + size);
      respond(200, {
        operations: page.map(operation),
        ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}),
      });
      return true;
    }

    const job = one ? jobs.get(`batches/${one[1]}`) : undefined;
    if (!job) {
      const e = googleError(404, "NOT_FOUND", `Requested entity was not found.`);
      respond(e.status, e.body);
      return true;
    }
    if (one?.[2] === ":cancel" && req.method === "POST") {
      job.cancelCalls += 1;
      if (LIVE.has(job.state)) finish(job, "BATCH_STATE_CANCELLED");
      respond(200, {});
      return true;
    }
    if (req.method === "DELETE") {
      jobs.delete(job.name);
      respond(200, {});
      return true;
    }
    job.gets += 1;
    if (autoCompleteAfter > 0 && job.gets >= autoCompleteAfter) await run(job);
    respond(200, operation(job));
    return true;
  };

  return { control, handle };
}
