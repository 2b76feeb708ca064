/**
 * One HTTP(S) GET of a source photo through the outbound guard's lookup: a redirect target or
 * the body, capped in size and time, decompressed when the host compressed it. The redirect
 * loop and the URL policy per hop are in fetchSource.ts.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import type { StagingError } from "../domain/stagingError.js";
import { mapNetworkError, permanent, retryable, statusError, tooLarge } from "./sourceErrors.js";

const ACCEPTED_GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream"]);

function isAcceptableContentType(header: string | undefined): boolean {
  if (header === undefined || header.trim() === "") return true; // sniffing decides
  const type = (header.split(";")[0] ?? "").trim().toLowerCase();
  return type.startsWith("image/") || ACCEPTED_GENERIC_TYPES.has(type);
}

export type HopResult = { kind: "redirect"; location: string } | { kind: "body"; bytes: Buffer };

export interface HopContext {
  deadline: number;
  maxBytes: number;
  lookup: net.LookupFunction;
  userAgent: string;
}

/** One HTTP(S) GET: resolves to a redirect target or the (size-capped) body. */
export function requestOnce(url: URL, ctx: HopContext): Promise<HopResult> {
  return new Promise<HopResult>((resolve, reject) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    let body: Readable | undefined;

    const remaining = ctx.deadline - Date.now();
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const failWith = (err: StagingError): void =>
      finish(() => {
        reject(err);
        body?.destroy();
        req?.destroy();
      });

    const timer = setTimeout(
      () => failWith(retryable("source_timeout", `fetching ${url.host} timed out`)),
      Math.max(0, remaining),
    );
    if (remaining <= 0) return;

    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const isHttps = url.protocol === "https:";
    const options: https.RequestOptions = {
      protocol: url.protocol,
      hostname,
      port: url.port === "" ? (isHttps ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      // No pooling: a pooled socket could have been opened under a different policy.
      agent: false,
      lookup: ctx.lookup,
      headers: {
        "User-Agent": ctx.userAgent,
        Accept: "image/jpeg, image/png, image/webp, image/*;q=0.8, */*;q=0.1",
        "Accept-Encoding": "identity",
      },
    };
    if (isHttps && net.isIP(hostname) === 0) options.servername = hostname;

    try {
      req = (isHttps ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && status !== 304) {
          const location = res.headers.location;
          if (location === undefined || location === "") {
            failWith(permanent("source_http_error", `HTTP ${status} redirect without Location`));
          } else {
            finish(() => {
              res.destroy();
              req?.destroy();
              resolve({ kind: "redirect", location });
            });
          }
          return;
        }
        if (status !== 200 && status !== 203) {
          failWith(
            status >= 200 && status < 300
              ? permanent("source_http_error", `unexpected HTTP ${status} for a photo`)
              : statusError(status, url, res.headers["retry-after"]),
          );
          return;
        }
        if (!isAcceptableContentType(res.headers["content-type"])) {
          failWith(
            permanent(
              "unsupported_image",
              `source is not an image (Content-Type: ${res.headers["content-type"] ?? ""})`,
            ),
          );
          return;
        }
        const declared = res.headers["content-length"];
        if (declared !== undefined && Number(declared) > ctx.maxBytes) {
          failWith(tooLarge(ctx.maxBytes));
          return;
        }

        // We ask for identity, but some servers compress anyway; decode with the same cap so a
        // small compressed body cannot expand into a huge one.
        const encoding = (res.headers["content-encoding"] ?? "identity").trim().toLowerCase();
        let stream: Readable = res;
        if (encoding === "gzip" || encoding === "x-gzip") stream = res.pipe(zlib.createGunzip());
        else if (encoding === "deflate") stream = res.pipe(zlib.createInflate());
        else if (encoding === "br") stream = res.pipe(zlib.createBrotliDecompress());
        else if (encoding !== "identity" && encoding !== "") {
          failWith(permanent("source_http_error", `unsupported Content-Encoding ${encoding}`));
          return;
        }
        body = stream;
        if (stream !== res) {
          stream.on("error", (err) =>
            failWith(permanent("unsupported_image", `could not decode ${encoding} body`, err)),
          );
        }

        const chunks: Buffer[] = [];
        let total = 0;
        stream.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > ctx.maxBytes) {
            failWith(tooLarge(ctx.maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        stream.on("end", () => {
          if (res.complete === false) {
            failWith(retryable("source_unavailable", `connection to ${url.host} closed early`));
            return;
          }
          finish(() => resolve({ kind: "body", bytes: Buffer.concat(chunks, total) }));
        });
        res.on("aborted", () =>
          failWith(retryable("source_unavailable", `connection to ${url.host} closed early`)),
        );
        res.on("error", (err) => failWith(mapNetworkError(err, url)));
      });
    } catch (err) {
      // http.request throws synchronously on invalid options (e.g. bad characters in the path).
      failWith(permanent("url_invalid", "URL cannot be requested", err));
      return;
    }
    req.on("error", (err) => failWith(mapNetworkError(err, url)));
    req.end();
  });
}
