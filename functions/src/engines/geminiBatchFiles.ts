/**
 * The Batch API's file route (https://ai.google.dev/gemini-api/docs/batch-api#input-file), used
 * when a job's requests are too large to inline: the requests go up as a JSON Lines file through
 * the Files API (`ai.files.upload`, the resumable upload protocol), the job is created with
 * `src: "files/..."`, and its answers come back as another JSONL file (`dest.fileName`) read with
 * `ai.files.download`. Each input line is `{"key", "request": GenerateContentRequest}` (the REST
 * shape: `generationConfig`, not the SDK's `config`); each output line is `{"key", "response":
 * GenerateContentResponse}` or `{"key", "error": google.rpc.Status}`. Also reads the raw answers of
 * an inlined job, so both routes are read by one function (the SDK's conversion drops
 * `finishMessage`; see rawResponse.ts).
 */
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GenerateContentResponse, GoogleGenAI } from "@google/genai";
import { GeminiStagingError, type GeminiResponseLike } from "./geminiErrors.js";
import type { StagingContent } from "./geminiRequest.js";

/** The MIME type the docs give for a batch input file. */
export const JSONL_MIME_TYPE = "jsonl";

/** The parts of an answer that are read (interpretResponse, toBilledUsage). */
export type BatchResponse = GeminiResponseLike & Pick<GenerateContentResponse, "usageMetadata">;

/** One answer of a batch job, inlined or from its results file, as sent on the wire. */
export interface RawBatchAnswer {
  key?: string;
  /** A GenerateContentResponse in its REST form (the SDK type names the same fields). */
  response?: BatchResponse;
  error?: { code?: number; message?: string; details?: unknown[] };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** One line of the input file. */
export function requestLine(key: string, built: StagingContent): string {
  return JSON.stringify({
    key,
    request: { contents: built.contents, generationConfig: built.generation },
  });
}

/** Uploads the lines as one JSONL file; returns its name ("files/..."). */
export async function uploadRequestsFile(
  client: GoogleGenAI,
  lines: string[],
  displayName: string,
): Promise<string> {
  const file = await client.files.upload({
    file: new Blob([lines.join("\n") + "\n"], { type: JSONL_MIME_TYPE }),
    config: { mimeType: JSONL_MIME_TYPE, displayName },
  });
  if (!file.name) throw new GeminiStagingError("model_bad_response", {});
  return file.name;
}

/**
 * Downloads a results file. The SDK's Node downloader writes to a path, so it goes through a
 * temporary file (in Cloud Functions, memory) that is removed at once.
 */
export async function downloadResultsFile(client: GoogleGenAI, fileName: string): Promise<string> {
  const path = join(tmpdir(), `vstage-${randomUUID()}.jsonl`);
  try {
    await client.files.download({ file: fileName, downloadPath: path });
    return await readFile(path, "utf8");
  } finally {
    await rm(path, { force: true });
  }
}

/** Best effort: a file left behind expires on its own after 48 hours (Files API). */
export async function deleteFileQuietly(client: GoogleGenAI, fileName: string): Promise<void> {
  try {
    await client.files.delete({ name: fileName });
  } catch {
    // Nothing depends on it.
  }
}

function toAnswer(v: unknown): RawBatchAnswer {
  if (!isRecord(v)) return {};
  const metadata = isRecord(v.metadata) ? v.metadata : {};
  const key = typeof v.key === "string" ? v.key : metadata.key;
  return {
    key: typeof key === "string" ? key : undefined,
    // Wire JSON: the fields interpretResponse and toBilledUsage read have the SDK's names.
    response: isRecord(v.response) ? (v.response as BatchResponse) : undefined,
    error: isRecord(v.error) ? (v.error as RawBatchAnswer["error"]) : undefined,
  };
}

/** The answers of a results file, in file order; an unreadable line has no key. */
export function parseResultLines(text: string): RawBatchAnswer[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return toAnswer(JSON.parse(line));
      } catch {
        return {};
      }
    });
}

/**
 * The inlined answers of a batches.get body (Operation JSON: metadata.output.inlinedResponses
 * .inlinedResponses[], each {response | error, metadata: {key}}); undefined if there are none.
 */
export function inlinedAnswersOf(body: string | undefined): RawBatchAnswer[] | undefined {
  if (!body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const metadata = isRecord(parsed) && isRecord(parsed.metadata) ? parsed.metadata : {};
  const output = isRecord(metadata.output) ? metadata.output : {};
  const wrapper = isRecord(output.inlinedResponses) ? output.inlinedResponses : {};
  return Array.isArray(wrapper.inlinedResponses)
    ? wrapper.inlinedResponses.map(toAnswer)
    : undefined;
}
