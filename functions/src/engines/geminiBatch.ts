/**
 * The economy lane's engine: stages photos through the Gemini Batch API (half the standard
 * price, results "within 24 hours", the docs' target turnaround) with @google/genai
 * `ai.batches`. Each request is the same GenerateContent request the interactive engine sends
 * (geminiRequest.ts); each answer is read by the same code (interpretResponse, fromHttpError),
 * so an economy image fails with the same error codes as a standard one. Requests are inlined:
 * the docs allow inlined requests up to 20 MB per batch create call (planModelJobs splits a
 * larger set into several jobs); the JSONL-file route (Files API) is not used.
 */
import { GoogleGenAI, type BatchJob, type InlinedResponse } from "@google/genai";
import type { StagingRequest, StagingResult } from "./engine.js";
import {
  GeminiStagingError,
  fromHttpError,
  interpretResponse,
  parseGoogleErrorBody,
} from "./geminiErrors.js";
import { buildStagingContent } from "./geminiRequest.js";
import { reportedUsage, toBilledUsage } from "./gemini.js";
import { callCostUsd, requireModel, type ImageModel, type ImageSize } from "./modelRegistry.js";
import { PROMPT_VERSION } from "./prompts.js";
import type { StagingError } from "../domain/stagingError.js";

/** The docs' limit for inlined requests in one batch create call. */
export const MAX_INLINE_BATCH_BYTES = 20 * 1024 * 1024;
/** Our cap on requests per job: keeps one job's results (images, base64) fetchable in one get. */
export const DEFAULT_MAX_REQUESTS_PER_JOB = 50;

/** States a job can be in (the SDK's JobState names; Gemini sends BATCH_STATE_*). */
export type ModelJobState =
  | "JOB_STATE_PENDING"
  | "JOB_STATE_RUNNING"
  | "JOB_STATE_SUCCEEDED"
  | "JOB_STATE_FAILED"
  | "JOB_STATE_CANCELLED"
  | "JOB_STATE_EXPIRED";

export const FINAL_JOB_STATES: ReadonlySet<string> = new Set([
  "JOB_STATE_SUCCEEDED",
  "JOB_STATE_FAILED",
  "JOB_STATE_CANCELLED",
  "JOB_STATE_EXPIRED",
]);

export interface BatchItem {
  /** Ours, echoed back in the response's metadata (the image id). */
  key: string;
  request: StagingRequest;
}

/** Facts about a submitted request, recorded with the job (StagingResult fields). */
export interface RequestFacts {
  aspectRatio: string;
  inputBytes: number;
}

export interface ModelJobInfo {
  name: string;
  state: string;
  createTime: string | null;
  endTime: string | null;
}

export type BatchItemResult =
  | { key: string; kind: "image"; result: StagingResult }
  | { key: string; kind: "error"; error: StagingError };

export interface ModelJobPoll extends ModelJobInfo {
  /** Per-request outcomes, when the job SUCCEEDED. */
  results?: BatchItemResult[];
}

export interface GeminiBatchEngineOptions {
  apiKey: string;
  model: string;
  imageSize: ImageSize;
  baseUrl?: string;
  timeoutMs: number;
  apiVersion?: string;
}

/**
 * Groups items into jobs: at most `maxRequests` each and under the inline byte limit (with a
 * margin for the JSON around the requests). Pure; order kept.
 */
export function planModelJobs<T>(
  items: T[],
  bytesOf: (item: T) => number,
  limits: { maxRequests: number; maxBytes?: number },
): T[][] {
  const maxBytes = (limits.maxBytes ?? MAX_INLINE_BATCH_BYTES) - 64 * 1024;
  const jobs: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item) + 1024;
    if (current.length > 0 && (current.length >= limits.maxRequests || bytes + size > maxBytes)) {
      jobs.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}

// google.rpc.Code -> the HTTP status the interactive API would have answered with.
const GRPC_TO_HTTP: Record<number, number> = {
  3: 400,
  4: 504,
  5: 404,
  7: 403,
  8: 429,
  13: 500,
  14: 503,
  16: 401,
};

export class GeminiBatchEngine {
  private readonly client: GoogleGenAI;
  private readonly model: ImageModel;
  private readonly imageSize: ImageSize;

  constructor(options: GeminiBatchEngineOptions) {
    if (!options.apiKey) throw new Error("GeminiBatchEngine: apiKey is required");
    this.model = requireModel(options.model);
    if (!this.model.sizes.includes(options.imageSize)) {
      throw new Error(
        `GeminiBatchEngine: ${options.model} does not offer imageSize ${options.imageSize}`,
      );
    }
    this.imageSize = options.imageSize;
    this.client = new GoogleGenAI({
      apiKey: options.apiKey,
      vertexai: false,
      apiVersion: options.apiVersion ?? "v1beta",
      httpOptions: {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        timeout: options.timeoutMs,
        // A plain fetch of our own: the SDK then does not look for undici's global dispatcher
        // (see rawResponse.ts), so this runs the same under jest's VM sandbox as in Node.
        fetch: (input, init) => fetch(input, init),
        // No retryOptions: one fetch per call; the poller task retries on its own schedule.
      },
    });
  }

  get modelId(): string {
    return this.model.id;
  }

  /** What is recorded per request at submit (the result needs it; the photo is not kept). */
  requestFacts(request: StagingRequest): RequestFacts & { approxBytes: number } {
    const built = buildStagingContent(request, this.model, this.imageSize);
    return {
      aspectRatio: built.aspectRatio,
      inputBytes: request.image.length,
      approxBytes: built.approxBytes,
    };
  }

  /** Creates one job for the items (inlined requests). */
  async submit(items: BatchItem[], displayName: string): Promise<ModelJobInfo> {
    const inlinedRequests = items.map((item) => {
      const built = buildStagingContent(item.request, this.model, this.imageSize);
      return { contents: built.contents, config: built.generation, metadata: { key: item.key } };
    });
    const job = await this.client.batches.create({
      model: this.model.id,
      src: inlinedRequests,
      config: { displayName },
    });
    return info(job);
  }

  /** Reads a job; on success also decodes every request's answer. */
  async poll(name: string, requests: Map<string, RequestFacts>): Promise<ModelJobPoll> {
    const job = await this.client.batches.get({ name });
    const out: ModelJobPoll = info(job);
    if (out.state === "JOB_STATE_SUCCEEDED") {
      out.results = (job.dest?.inlinedResponses ?? []).map((r, i) => this.readOne(r, i, requests));
    }
    return out;
  }

  async cancel(name: string): Promise<void> {
    await this.client.batches.cancel({ name });
  }

  private readOne(
    r: InlinedResponse,
    position: number,
    requests: Map<string, RequestFacts>,
  ): BatchItemResult {
    const key = r.metadata?.key ?? String(position);
    if (r.error) {
      const httpStatus = GRPC_TO_HTTP[r.error.code ?? -1] ?? 500;
      return {
        key,
        kind: "error",
        // The Status carries the same details (QuotaFailure, RetryInfo, ErrorInfo) as an
        // interactive error body; the SDK types them as strings but passes the objects through.
        error: fromHttpError(
          httpStatus,
          parseGoogleErrorBody({
            error: { code: httpStatus, message: r.error.message, details: r.error.details },
          }),
        ),
      };
    }
    const response = r.response;
    if (!response) {
      return { key, kind: "error", error: new GeminiStagingError("model_bad_response", {}) };
    }
    const outcome = interpretResponse(response);
    if (outcome.kind === "refused") return { key, kind: "error", error: outcome.error };
    const image = Buffer.from(outcome.data, "base64");
    if (image.length === 0) {
      return { key, kind: "error", error: new GeminiStagingError("model_bad_response", {}) };
    }
    const billed = toBilledUsage(response);
    const request = requests.get(key);
    return {
      key,
      kind: "image",
      result: {
        image,
        mimeType: outcome.mimeType,
        model: this.model.id,
        promptVersion: PROMPT_VERSION,
        usage: reportedUsage(billed),
        // The Batch API price (half the standard one), from the registry.
        costUsd: callCostUsd(this.model, this.imageSize, "batch", billed),
        engineMs: 0,
        preview: false,
        requestedImageSize: this.imageSize,
        aspectRatio: request?.aspectRatio,
        inputBytes: request?.inputBytes,
      },
    };
  }
}

function info(job: BatchJob): ModelJobInfo {
  if (!job.name) throw new GeminiStagingError("model_bad_response", {});
  return {
    name: job.name,
    state: job.state ?? "JOB_STATE_UNSPECIFIED",
    createTime: job.createTime ?? null,
    endTime: job.endTime ?? null,
  };
}
