/**
 * The partner API client shared by the CLI (vstage), the demo, the benchmark and the tests. It is
 * a thin layer over the typed client that openapi-fetch builds from the generated contract types
 * (tools/client/openapi.d.ts, generated from documentation/Public/openapi.json): `api` is that
 * typed client; `request`/`get`/`post` send any method and path through the same client, because
 * the tests also send what the contract does not allow (unknown paths, malformed bodies).
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./client/openapi.js";

export type ApiSchemas = components["schemas"];

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  ms: number;
}

/** The shape of openapi-fetch's method-and-path call when the path is not a typed route. */
type UntypedRequest = (
  method: string,
  url: string,
  init: {
    body?: unknown;
    headers?: Record<string, string>;
    parseAs: "text";
    bodySerializer: (body: unknown) => string;
  },
) => Promise<{ data?: string; error?: unknown; response: Response }>;

export class ApiClient {
  /** The typed client generated from the contract: paths, parameters and bodies are checked. */
  readonly api: Client<paths>;

  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {
    this.api = createClient<paths>({
      baseUrl,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    });
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const started = performance.now();
    const untyped = this.api.request as unknown as UntypedRequest;
    const { data, error, response } = await untyped(method.toLowerCase(), path, {
      body,
      headers,
      parseAs: "text",
      // Strings go out as they are, so tests can send bodies that are not valid JSON.
      bodySerializer: (b) => (typeof b === "string" ? b : JSON.stringify(b)),
    });
    // openapi-fetch hands back error bodies already JSON-parsed when it could.
    let parsed: unknown = response.ok ? (data ?? "") : (error ?? "");
    if (typeof parsed === "string") {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        // non-JSON answers (the platform's own 400 page) are returned as text
      }
    }
    return { status: response.status, body: parsed as T, ms: performance.now() - started };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>("GET", path);
  }
  post<T = Record<string, unknown>>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
}

/** The status response as the contract defines it. */
export type BatchStatusResponse = ApiSchemas["BatchStatusResponse"];
/** The status body the pollers read: the contract's status response. */
export type StatusBody = BatchStatusResponse;

export const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** Polls a batch until it finishes, calling onPoll with each status. */
export async function waitForBatch(
  client: ApiClient,
  batchId: string,
  options: { timeoutMs: number; intervalMs?: number; onPoll?: (s: StatusBody) => void },
): Promise<StatusBody> {
  const deadline = Date.now() + options.timeoutMs;
  let transient = 0;
  for (;;) {
    // A dropped connection under load is answered like a 5xx below: poll again.
    const r = await client
      .get<StatusBody>(`/batch/${batchId}/status?pageSize=1`)
      .catch((e: unknown) => ({
        status: 599,
        body: { error: String(e) } as unknown as StatusBody,
        ms: 0,
      }));
    // A loaded emulator occasionally answers 5xx (no free worker in time): poll again.
    if (r.status >= 500 && ++transient <= 10) {
      await new Promise((res) => setTimeout(res, 1000));
      continue;
    }
    if (r.status !== 200) throw new Error(`status ${r.status}: ${JSON.stringify(r.body)}`);
    transient = 0;
    options.onPoll?.(r.body);
    if (FINISHED.has(r.body.status)) return r.body;
    if (Date.now() > deadline)
      throw new Error(
        `batch ${batchId} not finished after ${options.timeoutMs} ms: ${JSON.stringify(r.body)}`,
      );
    await new Promise((res) => setTimeout(res, options.intervalMs ?? 500));
  }
}
