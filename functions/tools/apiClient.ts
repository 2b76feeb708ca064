/** A small client of the partner API, shared by the demo, the tests and the benchmark. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  ms: number;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const started = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // non-JSON answers (the platform's own 400 page) are returned as text
    }
    return { status: res.status, body: parsed as T, ms: performance.now() - started };
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

export interface StatusBody {
  success: boolean;
  batchId: string;
  status: string;
  total: number;
  queued: number;
  processing: number;
  completed: number;
  failed: number;
  cancelled: number;
  progress: number;
  statistics: {
    avgProcessingTimeMs: number | null;
    estimatedRemainingMinutes: number | null;
    successRate: number | null;
    totalCostUsd: number;
  };
  images: Array<{
    index: number;
    url: string;
    status: string;
    outputUrl: string | null;
    attempts: number;
    error: { code: string; message: string; retryable: boolean } | null;
    waitingFor?: string;
    [k: string]: unknown;
  }>;
  nextPageToken: string | null;
}

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
