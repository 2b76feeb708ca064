/**
 * The Files API part of the fake (mounted by fakeGemini.ts), as @google/genai 3.3.0 calls it in
 * Gemini Developer API mode (read from the SDK's ApiClient.uploadFile / fetchUploadUrl,
 * uploadBlobInternal, Files.get / delete and NodeDownloader):
 *  - POST /upload/{v}/files with X-Goog-Upload-Protocol: resumable, X-Goog-Upload-Command: start,
 *    X-Goog-Upload-Header-Content-Length / -Content-Type and body {file: {mimeType, displayName,
 *    sizeBytes}} -> 200, empty body, header X-Goog-Upload-URL (the session to send bytes to)
 *  - POST {upload url} with X-Goog-Upload-Command: "upload" | "upload, finalize" and
 *    X-Goog-Upload-Offset, the chunk as body -> header X-Goog-Upload-Status: active | final;
 *    when final the body is {file: File}
 *  - GET /{v}/files/ID -> File ; DELETE /{v}/files/ID -> {}
 *  - GET /{v}/files/ID:download?alt=media -> the bytes
 * A File is {name: "files/ID", displayName, mimeType, sizeBytes (string), createTime, updateTime,
 * expirationTime (48 h later, the documented retention), sha256Hash (base64), uri, state:
 * "ACTIVE", source: "UPLOADED" | "GENERATED"}. The batch part reads input files and writes
 * results files here (`source: "GENERATED"`).
 */
import { createHash, randomUUID } from "node:crypto";
import type http from "node:http";

export interface FakeFile {
  name: string;
  displayName: string;
  mimeType: string;
  bytes: Buffer;
  source: "UPLOADED" | "GENERATED";
  createTime: string;
  downloads: number;
}

export interface FakeFilesControl {
  files: Map<string, FakeFile>;
  /** Upload sessions started (start commands) and finalized. */
  uploads: { started: number; finalized: number };
  deleted: string[];
  /** Names of the files downloaded, one entry per download. */
  downloaded: string[];
}

interface Session {
  file: { mimeType: string; displayName: string; declaredBytes: number };
  chunks: Buffer[];
  received: number;
}

const RETENTION_MS = 48 * 3_600_000;

function fileJson(f: FakeFile, baseUrl: string): Record<string, unknown> {
  return {
    name: f.name,
    ...(f.displayName ? { displayName: f.displayName } : {}),
    mimeType: f.mimeType,
    sizeBytes: String(f.bytes.length),
    createTime: f.createTime,
    updateTime: f.createTime,
    expirationTime: new Date(Date.parse(f.createTime) + RETENTION_MS).toISOString(),
    sha256Hash: createHash("sha256").update(f.bytes).digest("base64"),
    uri: `${baseUrl}/v1beta/${f.name}`,
    state: "ACTIVE",
    source: f.source,
  };
}

export function createFakeFiles(baseUrl: () => string) {
  const control: FakeFilesControl = {
    files: new Map(),
    uploads: { started: 0, finalized: 0 },
    deleted: [],
    downloaded: [],
  };
  const sessions = new Map<string, Session>();

  const put = (
    bytes: Buffer,
    meta: { mimeType: string; displayName?: string; source: FakeFile["source"]; id?: string },
  ): FakeFile => {
    const file: FakeFile = {
      name: `files/${meta.id ?? randomUUID().replace(/-/g, "").slice(0, 12)}`,
      displayName: meta.displayName ?? "",
      mimeType: meta.mimeType,
      bytes,
      source: meta.source,
      createTime: new Date().toISOString(),
      downloads: 0,
    };
    control.files.set(file.name, file);
    return file;
  };

  const sendJson = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=UTF-8",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const error = (res: http.ServerResponse, code: number, status: string, message: string) =>
    sendJson(res, code, { error: { code, message, status } });

  /** Answers a Files API path; returns false for other paths. */
  const handle = (
    req: http.IncomingMessage,
    url: URL,
    raw: Buffer,
    res: http.ServerResponse,
  ): boolean => {
    const path = url.pathname;
    const uploadPath = /^\/upload\/[^/]+\/files$/.test(path);
    const one = /^\/[^/]+\/files\/([a-z0-9-]+)(:download)?$/.exec(path);
    if (!uploadPath && !one) return false;
    const command = String(req.headers["x-goog-upload-command"] ?? "");
    const sessionId = url.searchParams.get("upload_id");
    // The upload session URL is the capability; everything else needs the key.
    if (!sessionId && !req.headers["x-goog-api-key"]) {
      error(res, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
      return true;
    }

    if (uploadPath && req.method === "POST" && !sessionId) {
      if (req.headers["x-goog-upload-protocol"] !== "resumable" || command !== "start") {
        error(res, 400, "INVALID_ARGUMENT", "Expected a resumable upload start.");
        return true;
      }
      let body: { file?: { mimeType?: string; displayName?: string } } = {};
      try {
        body = JSON.parse(raw.toString("utf8") || "{}") as typeof body;
      } catch {
        error(res, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        return true;
      }
      const id = randomUUID().replace(/-/g, "");
      sessions.set(id, {
        file: {
          mimeType: String(
            body.file?.mimeType ?? req.headers["x-goog-upload-header-content-type"] ?? "",
          ),
          displayName: body.file?.displayName ?? "",
          declaredBytes: Number(req.headers["x-goog-upload-header-content-length"] ?? -1),
        },
        chunks: [],
        received: 0,
      });
      control.uploads.started += 1;
      res.writeHead(200, {
        "x-goog-upload-url": `${baseUrl()}/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`,
        "x-goog-upload-status": "active",
        "content-length": 0,
      });
      res.end();
      return true;
    }

    if (uploadPath && req.method === "POST" && sessionId) {
      const session = sessions.get(sessionId);
      const offset = Number(req.headers["x-goog-upload-offset"] ?? -1);
      if (!session || !command.startsWith("upload") || offset !== session.received) {
        error(res, 400, "INVALID_ARGUMENT", "Bad upload session, command or offset.");
        return true;
      }
      session.chunks.push(raw);
      session.received += raw.length;
      if (!command.includes("finalize")) {
        res.writeHead(200, { "x-goog-upload-status": "active", "content-length": 0 });
        res.end();
        return true;
      }
      sessions.delete(sessionId);
      const bytes = Buffer.concat(session.chunks);
      if (session.file.declaredBytes >= 0 && bytes.length !== session.file.declaredBytes) {
        error(res, 400, "INVALID_ARGUMENT", "Upload size does not match the declared length.");
        return true;
      }
      const file = put(bytes, { ...session.file, source: "UPLOADED" });
      control.uploads.finalized += 1;
      sendJson(res, 200, { file: fileJson(file, baseUrl()) }, { "x-goog-upload-status": "final" });
      return true;
    }

    const file = one ? control.files.get(`files/${one[1]}`) : undefined;
    if (!file) {
      error(res, 404, "NOT_FOUND", "Requested entity was not found.");
      return true;
    }
    if (one?.[2] === ":download" && req.method === "GET") {
      if (url.searchParams.get("alt") !== "media") {
        error(res, 400, "INVALID_ARGUMENT", "Download requires alt=media.");
        return true;
      }
      file.downloads += 1;
      control.downloaded.push(file.name);
      res.writeHead(200, {
        "content-type": file.mimeType || "application/octet-stream",
        "content-length": file.bytes.length,
      });
      res.end(file.bytes);
      return true;
    }
    if (req.method === "DELETE") {
      control.files.delete(file.name);
      control.deleted.push(file.name);
      sendJson(res, 200, {});
      return true;
    }
    if (req.method === "GET") {
      sendJson(res, 200, fileJson(file, baseUrl()));
      return true;
    }
    error(res, 404, "NOT_FOUND", "Requested entity was not found.");
    return true;
  };

  const reset = () => {
    control.files.clear();
    control.deleted.length = 0;
    control.downloaded.length = 0;
    control.uploads.started = 0;
    control.uploads.finalized = 0;
    sessions.clear();
  };

  return { control, handle, put, reset };
}

export type FakeFiles = ReturnType<typeof createFakeFiles>;
