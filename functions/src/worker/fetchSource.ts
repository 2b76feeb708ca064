/**
 * Fetches a partner-supplied source photo, SSRF-safely, and proves it is a decodable
 * JPEG/PNG/WebP of sane dimensions.
 *
 * Why node:http/https and not global fetch: fetch cannot hook DNS per connection. Here every
 * connection uses the shared guard's `lookup` (net/outboundGuard.ts), which resolves the host
 * and refuses forbidden addresses at connect time, so a hostname that passed the URL policy and later resolves to 127.0.0.1 or
 * 169.254.169.254 (DNS rebinding) is still refused. Redirects are followed by hand so each hop is
 * re-checked with the URL policy and the same lookup.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import sharp, { type Metadata } from "sharp";
import { StagingError } from "../domain/stagingError.js";
import { checkSourceUrl, parseGsUrl } from "../domain/urlPolicy.js";
import {
  guardedLookup,
  isForbiddenAddressError,
  type ResolvedAddress,
} from "../net/outboundGuard.js";

export type SourceMimeType = "image/jpeg" | "image/png" | "image/webp";

export interface FetchedSource {
  bytes: Buffer;
  mimeType: SourceMimeType;
  /** Display dimensions (EXIF orientation applied). */
  width: number;
  height: number;
  /** The URL the bytes came from, after redirects. */
  finalUrl: string;
}

export type { ResolvedAddress };

export interface FetchSourceOptions {
  /** Whole-fetch deadline: DNS + connect + headers + body, across all redirects. */
  timeoutMs: number;
  /** Largest body accepted (after content decoding). */
  maxBytes: number;
  /** Emulator/tests only: skip the private-address and private-host checks. */
  allowPrivateHosts: boolean;
  allowHttp: boolean;
  maxRedirects: number;
  /** Reads gs:// objects; absent: gs:// URLs are refused. Should itself be bound to our bucket. */
  readGcsObject?: (bucket: string, path: string) => Promise<Buffer>;
  /** When set, a gs:// URL naming another bucket is refused (defence in depth). */
  gcsBucket?: string;
  /** When set, a gs:// URL outside this object prefix (the partner's uploads) is refused. */
  gcsPrefix?: string;
  /** Decompression-bomb guard: largest width*height accepted. Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
  /** DNS resolver override (tests: simulate a hostname resolving to a private IP). */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
  userAgent?: string;
  /**
   * TESTS ONLY, never set in production: the connect-time guard treats this one address as
   * public and any port is accepted, so a local server can stand in for a public host while the
   * rest of the policy (literal IPs, internal names, every other resolved address) stays on.
   */
  testPublicAddress?: string;
}

export const DEFAULT_MAX_PIXELS = 50_000_000;
export const DEFAULT_USER_AGENT = "VirtualStagingBot/1.0 (+virtual staging image fetcher)";

const permanent = (code: string, message: string, cause?: unknown): StagingError =>
  new StagingError(code, message, { retryable: false, cause });
const retryable = (
  code: string,
  message: string,
  extra: { retryAfterSeconds?: number; cause?: unknown } = {},
): StagingError => new StagingError(code, message, { retryable: true, ...extra });

/** Maps a transport-level error to a StagingError. */
function mapNetworkError(err: unknown, url: URL): StagingError {
  if (err instanceof StagingError) return err;
  if (isForbiddenAddressError(err)) {
    return permanent(
      "source_forbidden_address",
      `refused to connect to ${url.hostname}: it resolves to a private or reserved address`,
      err,
    );
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? "";
  const msg = err instanceof Error ? err.message : String(err);
  switch (code) {
    case "ENOTFOUND":
    case "ENODATA":
      return permanent("source_dns_failed", `host ${url.hostname} does not resolve`, err);
    case "EAI_AGAIN":
    case "ESERVFAIL":
    case "ETIMEOUT":
    case "EAI_FAIL":
      return retryable("source_dns_failed", `temporary DNS failure for ${url.hostname}`, {
        cause: err,
      });
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "EPIPE":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ECONNABORTED":
    case "ERR_STREAM_PREMATURE_CLOSE":
      return retryable("source_unavailable", `connection to ${url.host} failed: ${code}`, {
        cause: err,
      });
  }
  // TLS problems (expired, self-signed, wrong name, handshake failure) will not fix themselves
  // on a retry minutes later.
  if (
    code.startsWith("ERR_TLS_") ||
    code.startsWith("ERR_SSL_") ||
    code === "EPROTO" ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/.test(code)
  ) {
    return permanent("source_tls_error", `TLS error talking to ${url.host}: ${code}`, err);
  }
  if (code.startsWith("HPE_")) {
    return permanent("source_http_error", `malformed HTTP response from ${url.host}: ${code}`, err);
  }
  return retryable("source_unavailable", `fetching ${url.host} failed: ${code || msg}`, {
    cause: err,
  });
}

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), if sane. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), 86_400);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - Date.now()) / 1000)), 86_400);
}

function statusError(status: number, url: URL, retryAfter: string | undefined): StagingError {
  if (status === 404 || status === 410) {
    return permanent("source_not_found", `source photo not found (HTTP ${status})`);
  }
  if (status === 408 || status === 429 || status >= 500) {
    return retryable("source_unavailable", `source host ${url.host} answered HTTP ${status}`, {
      retryAfterSeconds: parseRetryAfter(retryAfter),
    });
  }
  return permanent("source_http_error", `source host ${url.host} answered HTTP ${status}`);
}

const ACCEPTED_GENERIC_TYPES = new Set(["application/octet-stream", "binary/octet-stream"]);

function isAcceptableContentType(header: string | undefined): boolean {
  if (header === undefined || header.trim() === "") return true; // sniffing decides
  const type = (header.split(";")[0] ?? "").trim().toLowerCase();
  return type.startsWith("image/") || ACCEPTED_GENERIC_TYPES.has(type);
}

type HopResult = { kind: "redirect"; location: string } | { kind: "body"; bytes: Buffer };

interface HopContext {
  deadline: number;
  maxBytes: number;
  lookup: net.LookupFunction;
  userAgent: string;
}

/** One HTTP(S) GET: resolves to a redirect target or the (size-capped) body. */
function requestOnce(url: URL, ctx: HopContext): Promise<HopResult> {
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

const tooLarge = (maxBytes: number): StagingError =>
  permanent("source_too_large", `source photo is larger than ${maxBytes} bytes`);

/** Magic-number sniff: the header is only a hint; the bytes decide. */
export function sniffImageType(bytes: Buffer): SourceMimeType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "image/jpeg";
  }
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return "image/png";
  }
  if (
    bytes.length >= 12 &&
    bytes.toString("latin1", 0, 4) === "RIFF" &&
    bytes.toString("latin1", 8, 12) === "WEBP"
  ) {
    return "image/webp";
  }
  return null;
}

const SHARP_FORMAT: Record<SourceMimeType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
};

/**
 * Sniffs, reads dimensions, refuses decompression bombs, then decodes a thumbnail to prove the
 * pixel data is actually readable (metadata alone only parses the header).
 */
export async function inspectImage(
  bytes: Buffer,
  maxPixels: number = DEFAULT_MAX_PIXELS,
): Promise<{ mimeType: SourceMimeType; width: number; height: number }> {
  const mimeType = sniffImageType(bytes);
  if (mimeType === null) {
    throw permanent("unsupported_image", "source is not a JPEG, PNG or WebP image");
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw permanent("unsupported_image", "source image cannot be read", err);
  }
  if (meta.format !== SHARP_FORMAT[mimeType]) {
    throw permanent("unsupported_image", `source image format mismatch (${meta.format})`);
  }
  const { width, height } = meta;
  if (!(width > 0 && height > 0)) {
    throw permanent("unsupported_image", "source image has no dimensions");
  }
  if (width * height > maxPixels) {
    throw permanent(
      "image_too_large",
      `source image is ${width}x${height}; at most ${maxPixels} pixels are accepted`,
    );
  }
  try {
    // failOn "truncated": refuse cut-off files, tolerate the harmless warnings real cameras emit.
    await sharp(bytes, { failOn: "truncated", limitInputPixels: maxPixels })
      .resize(32, 32, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (err) {
    throw permanent("unsupported_image", "source image cannot be decoded", err);
  }
  const oriented = meta.autoOrient ?? { width, height };
  return { mimeType, width: oriented.width, height: oriented.height };
}

async function fetchGcs(url: URL, options: FetchSourceOptions, deadline: number): Promise<Buffer> {
  const read = options.readGcsObject;
  if (read === undefined) {
    throw permanent("url_scheme_not_allowed", "gs:// URLs are not accepted here");
  }
  const gs = parseGsUrl(url);
  if (gs === null) throw permanent("url_invalid", "malformed gs:// URL");
  if (options.gcsBucket !== undefined && gs.bucket !== options.gcsBucket) {
    throw permanent("url_bucket_not_allowed", "gs:// URLs must name this project's bucket");
  }
  if (options.gcsPrefix !== undefined && !gs.path.startsWith(options.gcsPrefix)) {
    throw permanent("url_gcs_path_not_allowed", `gs:// sources must be under ${options.gcsPrefix}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(retryable("source_timeout", "reading the source object timed out")),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([read(gs.bucket, gs.path), timeout]);
  } catch (err) {
    if (err instanceof StagingError) throw err;
    // @google-cloud/storage ApiError carries the HTTP status as a numeric `code`.
    const status = (err as { code?: unknown } | null)?.code;
    if (status === 404) throw permanent("source_not_found", "source object not found", err);
    if (status === 401 || status === 403) {
      throw permanent("source_http_error", `source object not readable (${status})`, err);
    }
    throw retryable("source_unavailable", "reading the source object failed", { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches and validates one source photo. Throws StagingError (see the codes above and in the
 * API docs); never returns bytes that are not a decodable JPEG/PNG/WebP within the limits.
 */
export async function fetchSource(
  url: string,
  options: FetchSourceOptions,
): Promise<FetchedSource> {
  const deadline = Date.now() + options.timeoutMs;
  const policy = {
    allowHttp: options.allowHttp,
    allowPrivateHosts: options.allowPrivateHosts,
    allowAnyPort: options.testPublicAddress !== undefined,
  };

  // The first URL may be gs:// (validated against our bucket at create time); redirects never.
  const first = checkSourceUrl(url, {
    ...policy,
    gcsBucket:
      options.readGcsObject === undefined ? undefined : (options.gcsBucket ?? gsBucketOf(url)),
  });
  if (!first.ok) throw policyError(first.code, first.message);
  let current = first.url;

  let bytes: Buffer;
  if (current.protocol === "gs:") {
    bytes = await fetchGcs(current, options, deadline);
    if (bytes.length > options.maxBytes) throw tooLarge(options.maxBytes);
  } else {
    const ctx: HopContext = {
      deadline,
      maxBytes: options.maxBytes,
      lookup: guardedLookup({
        resolve: options.lookup,
        checkAddresses: !options.allowPrivateHosts,
        trustedAddress: options.testPublicAddress,
      }),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    };
    let redirects = 0;
    for (;;) {
      const hop = await requestOnce(current, ctx);
      if (hop.kind === "body") {
        bytes = hop.bytes;
        break;
      }
      redirects += 1;
      if (redirects > options.maxRedirects) {
        throw permanent("source_too_many_redirects", `more than ${options.maxRedirects} redirects`);
      }
      let next: URL;
      try {
        next = new URL(hop.location, current);
      } catch (err) {
        throw permanent("source_http_error", "redirect Location cannot be parsed", err);
      }
      // gcsBucket undefined: a web server must never be able to point us into our own bucket.
      const verdict = checkSourceUrl(next.href, { ...policy, gcsBucket: undefined });
      if (!verdict.ok) throw policyError(verdict.code, `redirect refused: ${verdict.message}`);
      current = verdict.url;
    }
  }

  const info = await inspectImage(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  return { bytes, ...info, finalUrl: current.href };
}

/** The bucket named by a gs:// URL (so the bucket check is left to options.gcsBucket). */
function gsBucketOf(raw: string): string | undefined {
  try {
    const u = new URL(raw.trim());
    return u.protocol === "gs:" ? u.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** URL-policy failures at fetch time; private targets share one code with connect-time refusals. */
function policyError(code: string, message: string): StagingError {
  if (code === "url_private_address" || code === "url_private_host") {
    return permanent("source_forbidden_address", message);
  }
  return permanent(code, message);
}
