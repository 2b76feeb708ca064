/**
 * Wire shapes of the fake Batch API (fakeGeminiBatch.ts): the long-running Operation a batch
 * job is read as, google.rpc.Status for per-request errors, the error envelope.
 */
type Json = Record<string, unknown>;

export type FakeBatchState =
  | "BATCH_STATE_PENDING"
  | "BATCH_STATE_RUNNING"
  | "BATCH_STATE_SUCCEEDED"
  | "BATCH_STATE_FAILED"
  | "BATCH_STATE_CANCELLED"
  | "BATCH_STATE_EXPIRED";

export interface FakeBatchJob {
  /** "batches/ID". */
  name: string;
  model: string;
  displayName: string;
  state: FakeBatchState;
  createTime: string;
  updateTime: string;
  endTime?: string;
  /** The JSONL input file ("files/ID") of a job created from a file; its results file. */
  inputFile?: string;
  resultsFile?: string;
  requests: Array<{ request: Json; metadata?: Json; key?: string }>;
  responses?: Json[];
  gets: number;
  cancelCalls: number;
}

export const LIVE: ReadonlySet<FakeBatchState> = new Set([
  "BATCH_STATE_PENDING",
  "BATCH_STATE_RUNNING",
]);
const isRecord = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function googleError(code: number, status: string, message: string) {
  return { status: code, body: { error: { code, message, status } } };
}

const GRPC_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
};

export function toRpcStatus(httpStatus: number, body: Json): Json {
  const error = isRecord(body.error) ? body.error : {};
  const status = typeof error.status === "string" ? error.status : "UNKNOWN";
  return {
    code: GRPC_CODES[status] ?? 2,
    message: typeof error.message === "string" ? error.message : `HTTP ${httpStatus}`,
    ...(Array.isArray(error.details) ? { details: error.details } : {}),
  };
}

export function operation(job: FakeBatchJob): Json {
  const done = !LIVE.has(job.state);
  const output = job.resultsFile
    ? {
        "@type":
          "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput",
        responsesFile: job.resultsFile,
      }
    : job.responses !== undefined
      ? {
          "@type":
            "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput",
          inlinedResponses: { inlinedResponses: job.responses },
        }
      : undefined;
  const failed = job.responses?.filter((r) => "error" in r).length ?? 0;
  const metadata: Json = {
    "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
    model: `models/${job.model}`,
    displayName: job.displayName,
    createTime: job.createTime,
    updateTime: job.updateTime,
    ...(job.endTime ? { endTime: job.endTime } : {}),
    batchStats: {
      requestCount: String(job.requests.length),
      ...(job.responses
        ? {
            successfulRequestCount: String(job.responses.length - failed),
            failedRequestCount: String(failed),
          }
        : { pendingRequestCount: String(job.requests.length) }),
    },
    state: job.state,
    name: job.name,
    ...(output ? { output } : {}),
  };
  // The real API repeats the output in `response` of the done operation.
  return {
    name: job.name,
    metadata,
    ...(done ? { done: true } : {}),
    ...(output ? { response: output } : {}),
  };
}
