/**
 * Fetches a partner-supplied source photo, SSRF-safely, and proves it is a decodable
 * JPEG/PNG/WebP of sane dimensions.
 *
 * Why node:http/https and not global fetch: fetch cannot hook DNS per connection. Here every
 * connection uses the shared guard's `lookup` (net/outboundGuard.ts), which resolves the host
 * and refuses forbidden addresses at connect time, so a hostname that passed the URL policy and
 * later resolves to 127.0.0.1 or 169.254.169.254 (DNS rebinding) is still refused. Redirects are followed by hand so each hop is
 * re-checked with the URL policy and the same lookup.
 */
import { StagingError } from "../domain/stagingError.js";
import { checkSourceUrl, parseGsUrl } from "../domain/urlPolicy.js";
import { guardedLookup, type ResolvedAddress } from "../net/outboundGuard.js";
import { DEFAULT_MAX_PIXELS, inspectImage, type ImageHeader } from "./imageInspection.js";
import { permanent, retryable, tooLarge } from "./sourceErrors.js";
import { requestOnce, type HopContext } from "./sourceHttp.js";

export { DEFAULT_MAX_PIXELS, inspectImage, sniffImageType } from "./imageInspection.js";
export type { ImageHeader, SourceMimeType } from "./imageInspection.js";

/** A fetched photo and its header as inspected (type, display size, orientation, alpha). */
export interface FetchedSource extends ImageHeader {
  bytes: Buffer;
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
  /**
   * Prove the pixels decodable with a thumbnail decode (default true). Off for a caller that
   * decodes the whole photo right after anyway (the worker's prepareInput, which refuses an
   * undecodable photo with the same `unsupported_image`): one decode per image less.
   */
  decodeCheck?: boolean;
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

export const DEFAULT_USER_AGENT = "VirtualStagingBot/1.0 (+virtual staging image fetcher)";

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
 * API docs); never returns bytes that are not a JPEG/PNG/WebP within the limits, decodable unless
 * `decodeCheck` is off.
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

  const info = await inspectImage(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS, {
    decode: options.decodeCheck ?? true,
  });
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
