/**
 * The economy lane's engine: stages photos through the Gemini Batch API (half the standard
 * price, results "within 24 hours", the docs' target turnaround) with @google/genai
 * `ai.batches`. Each request is the same GenerateContent request the interactive engine sends
 * (geminiRequest.ts); each answer is read by the same code (interpretResponse, fromHttpError),
 * so an economy image fails with the same error codes as a standard one, the model's
 * finishMessage included. Requests are inlined while they fit the docs' 20 MB inline limit (or
 * the operator's lower ECONOMY_INLINE_MAX_BYTES); a larger job goes through a JSONL file and the
 * Files API (geminiBatchFiles.ts). Jobs carry a display name of ours, so a submission that lost
 * the create call's answer can find its job again (findJob) instead of paying twice.
 */
import { geminiClient, requireEngineModel } from "./geminiClient.js";
import { GoogleGenAI, type BatchJob } from "@google/genai";
import type { StagingRequest } from "./engine.js";
import { readBatchAnswer, type BatchItemResult, type RequestFacts } from "./geminiBatchAnswers.js";
import { GeminiStagingError } from "./geminiErrors.js";
import {
  deleteFileQuietly,
  downloadResultsFile,
  inlinedAnswersOf,
  parseResultLines,
  requestLine,
  uploadRequestsFile,
  type RawBatchAnswer,
} from "./geminiBatchFiles.js";
import { buildStagingContent } from "./geminiRequest.js";
import { captureRawText } from "./rawResponse.js";
import type { ImageModel, ImageSize } from "./modelRegistry.js";

export type { BatchItemResult, RequestFacts };

/** The docs' limit for inlined requests in one batch create call. */
export const MAX_INLINE_BATCH_BYTES = 20 * 1024 * 1024;
/** The Files API's limit per file (a JSONL input file is one file). */
export const MAX_INPUT_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Jobs findJob reads at most when it looks for one by display name (every page up to this many). */
export const MAX_JOBS_LISTED = 2_000;
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

export interface ModelJobInfo {
  name: string;
  /** The JSONL input file, when the requests went through the Files API. */
  inputFile?: string | null;
  state: string;
  createTime: string | null;
  endTime: string | null;
}

export interface ModelJobPoll extends ModelJobInfo {
  /** Per-request outcomes, when the job SUCCEEDED. */
  results?: BatchItemResult[];
  /** The results file they were read from (file route), to delete once applied. */
  resultsFile?: string | null;
}

export interface GeminiBatchEngineOptions {
  apiKey: string;
  model: string;
  imageSize: ImageSize;
  baseUrl?: string;
  timeoutMs: number;
  apiVersion?: string;
  /** Requests above this many bytes go through a JSONL file (default: the 20 MB inline limit). */
  inlineMaxBytes?: number;
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

export class GeminiBatchEngine {
  private readonly client: GoogleGenAI;
  private readonly model: ImageModel;
  private readonly imageSize: ImageSize;
  private readonly inlineMaxBytes: number;

  constructor(options: GeminiBatchEngineOptions) {
    this.model = requireEngineModel("GeminiBatchEngine", options);
    this.imageSize = options.imageSize;
    this.inlineMaxBytes = Math.min(
      options.inlineMaxBytes ?? MAX_INLINE_BATCH_BYTES,
      MAX_INLINE_BATCH_BYTES,
    );
    this.client = geminiClient({
      ...options,
      // A plain fetch of our own: the SDK then does not look for undici's global dispatcher
      // (see rawResponse.ts), so this runs the same under jest's VM sandbox as in Node.
      fetch: (input, init) => fetch(input, init),
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

  /**
   * Creates one job for the items: inlined requests when they fit, else a JSONL file uploaded
   * through the Files API (the file route has no 20 MB limit).
   */
  async submit(items: BatchItem[], displayName: string): Promise<ModelJobInfo> {
    const built = items.map((item) => ({
      key: item.key,
      content: buildStagingContent(item.request, this.model, this.imageSize),
    }));
    // The request JSON around the photos and prompts stays far below this margin.
    const bytes = built.reduce((sum, b) => sum + b.content.approxBytes + 1024, 64 * 1024);
    if (bytes <= this.inlineMaxBytes) {
      const job = await this.client.batches.create({
        model: this.model.id,
        src: built.map((b) => ({
          contents: b.content.contents,
          config: b.content.generation,
          metadata: { key: b.key },
        })),
        config: { displayName },
      });
      return { ...info(job), inputFile: null };
    }
    const fileName = await uploadRequestsFile(
      this.client,
      built.map((b) => requestLine(b.key, b.content)),
      displayName,
    );
    const job = await this.client.batches.create({
      model: this.model.id,
      src: fileName,
      config: { displayName },
    });
    return { ...info(job), inputFile: fileName };
  }

  /**
   * The job created with this display name, if any: after a submission lost the create call's
   * answer (a crash, a timeout), its retry adopts that job instead of creating a second one.
   */
  async findJob(displayName: string): Promise<ModelJobInfo | null> {
    const pager = await this.client.batches.list({ config: { pageSize: 100 } });
    let seen = 0;
    for await (const job of pager) {
      if (job.displayName === displayName) return info(job);
      if (++seen >= MAX_JOBS_LISTED) break;
    }
    return null;
  }

  /**
   * Reads a job; on success also decodes every request's answer, from the inlined answers or
   * from the job's results file. Answers are read from the raw JSON (the SDK's conversion drops
   * candidates[].finishMessage, which the error message carries).
   */
  async poll(name: string, requests: Map<string, RequestFacts>): Promise<ModelJobPoll> {
    const raw: { text?: string } = {};
    const job = await this.client.batches.get({
      name,
      config: { httpOptions: { fetch: captureRawText(raw) } },
    });
    const out: ModelJobPoll = info(job);
    if (out.state === "JOB_STATE_SUCCEEDED") {
      let answers: RawBatchAnswer[];
      if (job.dest?.fileName) {
        answers = parseResultLines(await downloadResultsFile(this.client, job.dest.fileName));
      } else answers = inlinedAnswersOf(raw.text) ?? [];
      out.results = answers.map((r, i) =>
        readBatchAnswer(r, i, { model: this.model, imageSize: this.imageSize, requests }),
      );
      out.resultsFile = job.dest?.fileName ?? null;
    }
    return out;
  }

  /** Removes a job's input or results file once it was read (they also expire by themselves). */
  async deleteFile(fileName: string): Promise<void> {
    await deleteFileQuietly(this.client, fileName);
  }

  async cancel(name: string): Promise<void> {
    await this.client.batches.cancel({ name });
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
