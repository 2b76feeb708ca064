/**
 * Which IP addresses the service never connects to (pure): everything that is not a globally
 * routable unicast address, and the cloud metadata endpoints. The URL policy (urlPolicy.ts)
 * applies it to IP literals; the outbound guard (net/outboundGuard.ts) to every resolved
 * address at connect time.
 */
import ipaddr from "ipaddr.js";

/** Cloud metadata addresses: never reachable, whatever the policy (they hand out credentials). */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set([
  "169.254.169.254",
  "169.254.170.2",
  "fd00:ec2::254",
]);

/** True for a cloud metadata server's address (also in IPv4-mapped IPv6 form). */
export function isMetadataAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  return METADATA_ADDRESSES.has(addr.toString());
}

/**
 * True when a connection to this IP must not be made: anything that is not a globally routable
 * unicast address (private, loopback, link-local incl. 169.254.169.254 metadata, CGNAT,
 * multicast, broadcast, unspecified, reserved/documentation, unique-local, site-local,
 * IPv4-compatible, Teredo...). IPv4 embedded in IPv6 (mapped, 6to4, NAT64) is judged by the
 * embedded IPv4. Not an IP at all: true (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  let s = ip.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (!ipaddr.isValid(s)) return true;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(s);
  } catch {
    return true;
  }
  return addr.kind() === "ipv4"
    ? isForbiddenV4(addr as ipaddr.IPv4)
    : isForbiddenV6(addr as ipaddr.IPv6);
}

function isForbiddenV4(addr: ipaddr.IPv4): boolean {
  // Allow-list: only plain unicast. ipaddr.js classifies private, loopback, linkLocal,
  // carrierGradeNat, multicast, broadcast, unspecified (0/8), reserved (TEST-NETs, 192.0.0/24,
  // 198.18/15, 240/4), as112 and amt separately; none of those is a photo server.
  return addr.range() !== "unicast";
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");

function embeddedV4(parts: number[], hiIndex: number): ipaddr.IPv4 {
  const hi = parts[hiIndex] ?? 0;
  const lo = parts[hiIndex + 1] ?? 0;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function isForbiddenV6(addr: ipaddr.IPv6): boolean {
  if (addr.isIPv4MappedAddress()) return isForbiddenV4(addr.toIPv4Address());
  const range = addr.range();
  // 6to4 (2002:V4ADDR::/48) and NAT64 (64:ff9b::V4ADDR) reach the embedded IPv4.
  if (range === "6to4") return isForbiddenV4(embeddedV4(addr.parts, 1));
  if (range === "rfc6052") {
    return addr.match(NAT64_WELL_KNOWN) ? isForbiddenV4(embeddedV4(addr.parts, 6)) : true;
  }
  // Only 2000::/3 is global unicast; "unicast" outside it includes ::a.b.c.d (IPv4-compatible).
  return !(range === "unicast" && addr.match(GLOBAL_UNICAST_V6));
}
