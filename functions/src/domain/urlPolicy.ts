/**
 * URL policy for partner-supplied URLs (source photos and webhook callbacks).
 *
 * PURE: no Firebase, no network. It is applied twice: when a batch is created (to refuse bad
 * URLs early with a clear code) and by the fetcher on the first URL and on every redirect.
 * A create-time check can never be sufficient on its own (a public hostname may resolve to a
 * private address, now or later: DNS rebinding), so the fetcher also vets every resolved address
 * at connect time with `isForbiddenAddress`.
 */
import ipaddr from "ipaddr.js";
import { isForbiddenAddress, isMetadataAddress } from "./forbiddenAddress.js";

export type UrlErrorCode =
  | "url_invalid"
  | "url_too_long"
  | "url_scheme_not_allowed"
  | "url_bucket_not_allowed"
  | "url_gcs_path_not_allowed"
  | "url_port_not_allowed"
  | "url_private_address"
  | "url_private_host";

export type UrlVerdict =
  { ok: true; url: URL } | { ok: false; code: UrlErrorCode; message: string };

export interface SourceUrlPolicy {
  /** Allow plain http: (emulator / local development only). */
  allowHttp: boolean;
  /**
   * Allow private/loopback addresses, intranet hostnames and any port (emulator / tests only).
   * In production this must be false.
   */
  allowPrivateHosts: boolean;
  /** The project's own bucket: the only one a gs:// URL may name. Absent: gs:// is refused. */
  gcsBucket?: string;
  /**
   * The only object prefix a gs:// URL may name (the partner's uploads/{partnerId}/). Absent:
   * any object of gcsBucket (only where the partner was already checked, e.g. the worker).
   */
  gcsPrefix?: string;
  /** Accept any explicit port even when allowPrivateHosts is false (tests only). */
  allowAnyPort?: boolean;
}

export interface CallbackUrlPolicy {
  allowHttp: boolean;
  allowPrivateHosts: boolean;
  allowAnyPort?: boolean;
}

export const MAX_URL_LENGTH = 2048;

/**
 * Explicit ports accepted outside the emulator. Default ports (443/80) are always fine; 8443 and
 * 8080 are common for image servers. Everything else is refused so the service cannot be used to
 * probe arbitrary ports (SSH, SMTP, databases...) on third-party hosts.
 */
export const ALLOWED_EXPLICIT_PORTS: ReadonlySet<number> = new Set([80, 443, 8080, 8443]);

/** Cloud metadata host names: never reachable, whatever the policy (they hand out credentials). */
const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  "metadata",
  "metadata.google.internal",
  "instance-data",
]);
/** Hostnames that only make sense inside a private network (exact names). */
const PRIVATE_HOSTNAMES: ReadonlySet<string> = new Set([
  "localhost",
  "metadata",
  "metadata.google.internal",
  "instance-data", // AWS metadata alias
]);

/** Suffixes reserved for private/internal use (RFC 6761, RFC 6762, RFC 8375, GCP internal DNS). */
const PRIVATE_SUFFIXES: readonly string[] = [
  ".localhost",
  ".internal",
  ".local",
  ".localdomain",
  ".home.arpa",
];

/** GCS bucket naming rules (simplified): lowercase, digits, -, _, . ; 3-222 chars. */
const GCS_BUCKET_RE = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

// C0 controls and DEL: the WHATWG parser silently strips tabs/newlines, which would make the URL
// we check differ from the text the partner sent (and from what lands in logs).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f]/;

const fail = (code: UrlErrorCode, message: string): UrlVerdict => ({ ok: false, code, message });

/** Hostname as a bare IP string when it is an IP literal (IPv6 without brackets), else null. */
function ipLiteral(hostname: string): string | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return hostname.slice(1, -1);
  // The WHATWG parser has already normalised decimal/hex/octal/short IPv4 forms for http(s)
  // (http://2130706433/, http://0x7f.1/ -> 127.0.0.1), so a dotted quad is all that remains.
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ? hostname : null;
}

/** True for names that only resolve inside a private network. */
export function isPrivateHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.+$/, "");
  if (h === "") return true;
  if (PRIVATE_HOSTNAMES.has(h)) return true;
  if (PRIVATE_SUFFIXES.some((suffix) => h.endsWith(suffix))) return true;
  // A single-label name ("intranet", "metadata") only resolves via search domains, i.e. internal.
  return !h.includes(".");
}

/** Bucket and object path of a gs:// URL (path percent-decoded), or null when malformed. */
export function parseGsUrl(url: URL): { bucket: string; path: string } | null {
  if (url.protocol !== "gs:") return null;
  if (url.search !== "" || url.hash !== "" || url.port !== "") return null;
  if (url.username !== "" || url.password !== "") return null;
  const bucket = url.hostname;
  if (!GCS_BUCKET_RE.test(bucket)) return null;
  if (!url.pathname.startsWith("/")) return null;
  let path: string;
  try {
    // gs:// paths are taken as percent-encoded (URL semantics): "a%20b" is the object "a b".
    path = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return null;
  }
  if (path === "" || path.endsWith("/") || CONTROL_CHARS_RE.test(path)) return null;
  return { bucket, path };
}

interface CheckOptions {
  allowHttp: boolean;
  allowPrivateHosts: boolean;
  /** undefined: gs:// refused outright (callbacks, redirects). */
  gcsBucket: string | undefined;
  gcsPrefix: string | undefined;
  allowGs: boolean;
  allowAnyPort: boolean;
}

function check(raw: string, opts: CheckOptions): UrlVerdict {
  if (typeof raw !== "string") return fail("url_invalid", "URL must be a string");
  const text = raw.trim();
  if (text.length > MAX_URL_LENGTH) {
    return fail("url_too_long", `URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  if (text === "") return fail("url_invalid", "URL is empty");
  if (CONTROL_CHARS_RE.test(text)) return fail("url_invalid", "URL contains control characters");

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("url_invalid", "URL cannot be parsed");
  }
  // Checked again after parsing: normalisation (IDN to punycode, percent-encoding) can lengthen it.
  if (url.href.length > MAX_URL_LENGTH) {
    return fail("url_too_long", `URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  if (url.username !== "" || url.password !== "") {
    return fail("url_invalid", "URL must not contain credentials (user:pass@)");
  }

  if (url.protocol === "gs:") {
    if (!opts.allowGs || opts.gcsBucket === undefined) {
      return fail("url_scheme_not_allowed", "gs:// URLs are not accepted here");
    }
    const gs = parseGsUrl(url);
    if (gs === null)
      return fail("url_invalid", "malformed gs:// URL (expected gs://bucket/object)");
    if (gs.bucket !== opts.gcsBucket) {
      return fail("url_bucket_not_allowed", "gs:// URLs must name this project's bucket");
    }
    if (opts.gcsPrefix !== undefined && !gs.path.startsWith(opts.gcsPrefix)) {
      return fail(
        "url_gcs_path_not_allowed",
        `gs:// sources must be objects under gs://${gs.bucket}/${opts.gcsPrefix} (POST /api/uploads)`,
      );
    }
    return { ok: true, url };
  }

  if (url.protocol === "http:") {
    if (!opts.allowHttp) return fail("url_scheme_not_allowed", "only https:// URLs are accepted");
  } else if (url.protocol !== "https:") {
    return fail("url_scheme_not_allowed", `scheme ${url.protocol} is not accepted`);
  }

  const hostname = url.hostname;
  if (hostname === "") return fail("url_invalid", "URL has no host");

  const anyPort = opts.allowPrivateHosts || opts.allowAnyPort;
  if (url.port !== "" && !anyPort && !ALLOWED_EXPLICIT_PORTS.has(Number(url.port))) {
    return fail(
      "url_port_not_allowed",
      `port ${url.port} is not accepted (allowed: default, ${[...ALLOWED_EXPLICIT_PORTS].join(", ")})`,
    );
  }

  const ip = ipLiteral(hostname);
  if (ip !== null) {
    if (!ipaddr.isValid(ip)) return fail("url_invalid", "URL host is not a valid IP address");
    // Cloud metadata servers hand out credentials: refused even where private hosts are allowed.
    if (isMetadataAddress(ip)) {
      return fail("url_private_address", "URL points to a cloud metadata server");
    }
    if (!opts.allowPrivateHosts && isForbiddenAddress(ip)) {
      return fail("url_private_address", "URL points to a private or reserved IP address");
    }
    return { ok: true, url };
  }

  if (METADATA_HOSTNAMES.has(hostname.toLowerCase().replace(/\.$/, ""))) {
    return fail("url_private_host", "URL host is a cloud metadata server");
  }
  if (!opts.allowPrivateHosts && isPrivateHostname(hostname)) {
    return fail("url_private_host", "URL host is a local or internal name");
  }
  return { ok: true, url };
}

/**
 * Create-time (and redirect-time) policy for a source photo URL: https (http only when
 * allowHttp), gs:// only for `policy.gcsBucket`, no credentials, at most 2048 chars, no private
 * IP literal or internal hostname, default ports or 8080/8443 (any port when allowPrivateHosts).
 */
export function checkSourceUrl(raw: string, policy: SourceUrlPolicy): UrlVerdict {
  return check(raw, {
    allowHttp: policy.allowHttp,
    allowPrivateHosts: policy.allowPrivateHosts,
    gcsBucket: policy.gcsBucket,
    gcsPrefix: policy.gcsPrefix,
    allowGs: true,
    allowAnyPort: policy.allowAnyPort ?? false,
  });
}

/** Same rules for a webhook callback URL, but never gs://. */
export function checkCallbackUrl(raw: string, policy: CallbackUrlPolicy): UrlVerdict {
  return check(raw, {
    allowHttp: policy.allowHttp,
    allowPrivateHosts: policy.allowPrivateHosts,
    gcsBucket: undefined,
    gcsPrefix: undefined,
    allowGs: false,
    allowAnyPort: policy.allowAnyPort ?? false,
  });
}
