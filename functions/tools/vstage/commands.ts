/**
 * What each vstage command does, through the typed partner-API client (openapi-fetch over the
 * types generated from openapi.json). Output goes to the given writer so tests can read it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ApiClient, type ApiSchemas, FINISHED } from "../apiClient.js";
import { extensionOf, outputBaseNames, resultsCsv, type ResultRow } from "../client/outputNames.js";
import { parsePhotoList, PhotoListError } from "../client/photosCsv.js";
import type { Command } from "./args.js";
import { progressBar, progressLine } from "./progress.js";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface Output {
  out: (line: string) => void;
  /** Rewrites the current terminal line (only called when tty is true). */
  overwrite: (line: string) => void;
  tty: boolean;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a typed call, or a CliError that says what the API answered. */
function check<T>(r: Result<T>): T {
  if (r.response.ok && r.data !== undefined) return r.data;
  const e = (r.error ?? {}) as {
    code?: string;
    error?: string;
    details?: { fields?: ApiSchemas["FieldIssue"][] };
  };
  if (r.response.status === 401)
    throw new CliError(
      `the API key was refused (401 ${e.code ?? "unauthenticated"}): check VSTAGE_API_KEY or --key`,
    );
  const fields = (e.details?.fields ?? [])
    .map((f) => `\n  ${f.field || "body"}: ${f.code} (${f.message})`)
    .join("");
  throw new CliError(
    `the API answered ${r.response.status} ${e.code ?? ""}: ${e.error ?? r.response.statusText}${fields}`,
  );
}

async function call<T>(baseUrl: string, request: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await request;
  } catch (e) {
    throw new CliError(
      `cannot reach the API at ${baseUrl}: ${(e as Error).message} (is it running? set VSTAGE_API_URL)`,
    );
  }
  return check(r);
}

export async function run(cmd: Command, io: Output): Promise<number> {
  const client = new ApiClient(cmd.baseUrl, cmd.apiKey);
  const api = client.api;
  const get = <T>(p: Promise<Result<T>>) => call(cmd.baseUrl, p);
  const status = (batchId: string, pageSize: number, pageToken?: string) =>
    get(
      api.GET("/batch/{batchId}/status", {
        params: { path: { batchId }, query: { pageSize, pageToken } },
      }),
    );

  switch (cmd.name) {
    case "submit": {
      let images;
      try {
        images = parsePhotoList(await readFile(cmd.file, "utf8"));
      } catch (e) {
        if (e instanceof PhotoListError) throw new CliError(`${cmd.file}: ${e.message}`, 2);
        throw new CliError(`cannot read ${cmd.file}: ${(e as Error).message}`, 2);
      }
      const options = await get(api.GET("/batch/options"));
      const styles = options.designStyles.map((s) => s.id as string);
      const rooms = options.roomTypes.map((r) => r.id as string);
      if (!styles.includes(cmd.style))
        throw new CliError(`unknown style "${cmd.style}"; valid styles: ${styles.join(", ")}`, 2);
      if (!rooms.includes(cmd.room))
        throw new CliError(
          `unknown room type "${cmd.room}"; valid room types: ${rooms.join(", ")}`,
          2,
        );
      const created = await get(
        api.POST("/batch/staging/create", {
          body: {
            images,
            designStyle: cmd.style as ApiSchemas["CreateBatchRequest"]["designStyle"],
            roomType: cmd.room as ApiSchemas["CreateBatchRequest"]["roomType"],
            clientName: cmd.clientName,
            priority: cmd.priority,
            ...(cmd.callbackUrl ? { callbackUrl: cmd.callbackUrl } : {}),
          },
        }),
      );
      io.out(`batch ${created.batchId} accepted: ${created.total} image(s)`);
      if (!cmd.wait) return 0;
      const final = await waitForEnd(created.batchId, status, io);
      io.out(
        `batch ${final.status}: ${final.completed} completed, ${final.failed} failed, ${final.cancelled} cancelled`,
      );
      if (cmd.downloadDir) await download(created.batchId, cmd.downloadDir, client, status, io);
      return final.failed + final.cancelled > 0 ? 3 : 0;
    }
    case "status": {
      const s = await status(cmd.batchId, 1000);
      if (cmd.json) {
        io.out(JSON.stringify(s, null, 2));
        return 0;
      }
      io.out(`${s.batchId}  ${s.clientName}  ${s.designStyle} / ${s.roomType}`);
      io.out(
        progressLine({ ...s, estimatedRemainingMinutes: s.statistics.estimatedRemainingMinutes }),
      );
      io.out(
        `success rate ${s.statistics.successRate ?? "--"}%, cost $${s.statistics.totalCostUsd}, created ${s.createdAt}, finished ${s.completedAt ?? "--"}`,
      );
      for (const img of s.images.filter((i) => i.status === "failed"))
        io.out(
          `  #${img.index} ${img.propertyCode ?? ""} failed: ${img.error?.code} ${img.error?.message}`,
        );
      return 0;
    }
    case "list": {
      let pageToken: string | undefined;
      let shown = 0;
      do {
        const page = await get(
          api.GET("/batch", {
            params: {
              query: {
                pageSize: Math.min(100, cmd.limit - shown),
                pageToken,
                status: cmd.status as ApiSchemas["BatchSummary"]["status"] | undefined,
              },
            },
          }),
        );
        for (const b of page.batches) {
          io.out(
            `${b.batchId}  ${b.status.padEnd(10)} ${String(b.progress).padStart(5)}%  ${b.completed}/${b.total} ok, ${b.failed} failed  ${b.createdAt}  ${b.clientName}`,
          );
        }
        shown += page.batches.length;
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken && shown < cmd.limit);
      if (shown === 0) io.out("no batches");
      return 0;
    }
    case "retry": {
      const r = await get(
        api.POST("/batch/{batchId}/retry-failed", { params: { path: { batchId: cmd.batchId } } }),
      );
      io.out(r.message);
      return 0;
    }
    case "cancel": {
      const r = await get(
        api.POST("/batch/{batchId}/cancel", { params: { path: { batchId: cmd.batchId } } }),
      );
      io.out(r.message);
      return 0;
    }
    case "download":
      await download(cmd.batchId, cmd.dir, client, status, io);
      return 0;
  }
}

type StatusFn = (
  batchId: string,
  pageSize: number,
  pageToken?: string,
) => Promise<ApiSchemas["BatchStatusResponse"]>;

async function waitForEnd(batchId: string, status: StatusFn, io: Output) {
  let last = "";
  for (;;) {
    const s = await status(batchId, 1);
    const counts = { ...s, estimatedRemainingMinutes: s.statistics.estimatedRemainingMinutes };
    const finished = FINISHED.has(s.status) && s.queued + s.processing === 0;
    if (io.tty) io.overwrite(progressBar(counts));
    else {
      const line = progressLine(counts);
      if (line !== last) io.out(line);
      last = line;
    }
    if (finished) {
      if (io.tty) io.out("");
      return s;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function download(
  batchId: string,
  dir: string,
  client: ApiClient,
  status: StatusFn,
  io: Output,
): Promise<void> {
  const images: ApiSchemas["Image"][] = [];
  let pageToken: string | undefined;
  do {
    const page = await status(batchId, 1000, pageToken);
    images.push(...page.images);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  await mkdir(dir, { recursive: true });
  const names = outputBaseNames(images);
  const rows: ResultRow[] = [];
  let written = 0;
  for (const [i, img] of images.entries()) {
    let file = "";
    if (img.status === "completed") {
      const res = await fetchOutput(client, batchId, img);
      file = `${names[i]}.${extensionOf(res.headers.get("content-type"))}`;
      await writeFile(join(dir, file), Buffer.from(await res.arrayBuffer()));
      written++;
    }
    rows.push({ ...img, file });
  }
  await writeFile(join(dir, "results.csv"), resultsCsv(rows));
  io.out(
    `downloaded ${written} staged photo(s) to ${dir} (results.csv lists all ${images.length})`,
  );
}

/** The API route needs the key; any other outputUrl (a signed link) is fetched as it is. */
async function fetchOutput(
  client: ApiClient,
  batchId: string,
  img: ApiSchemas["Image"],
): Promise<Response> {
  const route = `${client.baseUrl}/batch/${encodeURIComponent(batchId)}/images/${img.index}/output`;
  const viaApi =
    !img.outputUrl || new URL(img.outputUrl).pathname.endsWith(`/images/${img.index}/output`);
  const res = viaApi
    ? await fetch(route, { headers: { authorization: `Bearer ${client.apiKey}` } })
    : await fetch(img.outputUrl!);
  if (!res.ok) throw new CliError(`output of image #${img.index}: HTTP ${res.status}`);
  return res;
}
