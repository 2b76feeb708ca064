import { describe, expect, it } from "@jest/globals";
import {
  checkCallbackUrl,
  checkSourceUrl,
  isPrivateHostname,
  MAX_URL_LENGTH,
  parseGsUrl,
  type UrlErrorCode,
} from "../../../src/domain/urlPolicy.js";
import { isForbiddenAddress } from "../../../src/domain/forbiddenAddress.js";

const prod = { allowHttp: false, allowPrivateHosts: false, gcsBucket: "my-project.appspot.com" };
const emulator = { allowHttp: true, allowPrivateHosts: true, gcsBucket: "my-project.appspot.com" };

type Row = [url: string, expected: "ok" | UrlErrorCode];

// Production policy (https only, no private targets, gs:// only for our own bucket).
const productionTable: Row[] = [
  ["https://photos.example.com/listing/123/living-room.jpg", "ok"],
  ["https://photos.example.com/a.jpg?size=large&sig=abc", "ok"],
  ["HTTPS://Photos.Example.COM/a.jpg", "ok"],
  ["https://photos.example.com:443/a.jpg", "ok"],
  ["https://photos.example.com:8443/a.jpg", "ok"],
  ["https://bücher.example/a.jpg", "ok"], // IDN, punycoded by the parser
  ["  https://photos.example.com/a.jpg  ", "ok"], // surrounding whitespace trimmed
  ["https://8.8.8.8/a.jpg", "ok"], // public IP literal
  ["https://[2001:4860:4860::8888]/a.jpg", "ok"], // public IPv6 literal
  ["https://[::ffff:8.8.8.8]/a.jpg", "ok"], // mapped public IPv4
  ["gs://my-project.appspot.com/uploads/p1/photo.jpg", "ok"],
  // Schemes
  ["http://photos.example.com/a.jpg", "url_scheme_not_allowed"],
  ["javascript:alert(1)", "url_scheme_not_allowed"],
  ["data:image/png;base64,iVBORw0KGgo=", "url_scheme_not_allowed"],
  ["file:///etc/passwd", "url_scheme_not_allowed"],
  ["ftp://photos.example.com/a.jpg", "url_scheme_not_allowed"],
  ["ws://photos.example.com/a", "url_scheme_not_allowed"],
  ["blob:https://photos.example.com/uuid", "url_scheme_not_allowed"],
  ["gs://someone-elses-bucket/photo.jpg", "url_bucket_not_allowed"],
  ["gs://my-project.appspot.com/", "url_invalid"],
  ["gs://my-project.appspot.com/a.jpg#123", "url_invalid"],
  // Malformed / credentials / length
  ["not a url", "url_invalid"],
  ["", "url_invalid"],
  ["https://", "url_invalid"],
  ["https://user:pass@photos.example.com/a.jpg", "url_invalid"], // secretlint-disable-line -- a fake credential the policy refuses
  ["https://user@photos.example.com/a.jpg", "url_invalid"],
  ["https://:pass@photos.example.com/a.jpg", "url_invalid"],
  ["https://photos.example.com/a\n.jpg", "url_invalid"],
  ["https://photos.example.com/a\t.jpg", "url_invalid"],
  [`https://photos.example.com/${"a".repeat(MAX_URL_LENGTH)}`, "url_too_long"],
  // Ports
  ["https://photos.example.com:22/a.jpg", "url_port_not_allowed"],
  ["https://photos.example.com:6379/a.jpg", "url_port_not_allowed"],
  // Private IPv4 classes
  ["https://127.0.0.1/a.jpg", "url_private_address"],
  ["https://127.255.255.254/a.jpg", "url_private_address"],
  ["https://10.0.0.1/a.jpg", "url_private_address"],
  ["https://172.16.0.1/a.jpg", "url_private_address"],
  ["https://172.31.255.255/a.jpg", "url_private_address"],
  ["https://192.168.1.1/a.jpg", "url_private_address"],
  ["https://169.254.169.254/computeMetadata/v1/", "url_private_address"],
  ["https://169.254.0.1/a.jpg", "url_private_address"],
  ["https://100.64.0.1/a.jpg", "url_private_address"], // CGNAT
  ["https://0.0.0.0/a.jpg", "url_private_address"],
  ["https://224.0.0.1/a.jpg", "url_private_address"], // multicast
  ["https://255.255.255.255/a.jpg", "url_private_address"],
  ["https://192.0.2.10/a.jpg", "url_private_address"], // TEST-NET-1
  ["https://198.18.0.1/a.jpg", "url_private_address"], // benchmarking
  ["https://240.0.0.1/a.jpg", "url_private_address"], // reserved
  // Encoded IPv4 forms (normalised by the WHATWG parser to 127.0.0.1 / 169.254.169.254)
  ["https://2130706433/a.jpg", "url_private_address"],
  ["https://0x7f.1/a.jpg", "url_private_address"],
  ["https://0x7f000001/a.jpg", "url_private_address"],
  ["https://0177.0.0.1/a.jpg", "url_private_address"],
  ["https://127.1/a.jpg", "url_private_address"],
  ["https://0/a.jpg", "url_private_address"],
  ["https://127.0.0.1./a.jpg", "url_private_address"],
  ["https://2852039166/latest/meta-data/", "url_private_address"], // 169.254.169.254
  ["https://０x7f.1/a.jpg", "url_private_address"], // full-width digits
  // IPv6
  ["https://[::1]/a.jpg", "url_private_address"],
  ["https://[::]/a.jpg", "url_private_address"],
  ["https://[fe80::1]/a.jpg", "url_private_address"],
  ["https://[fc00::1]/a.jpg", "url_private_address"],
  ["https://[fd00:ec2::254]/a.jpg", "url_private_address"], // AWS IPv6 metadata
  ["https://[ff02::1]/a.jpg", "url_private_address"],
  ["https://[fec0::1]/a.jpg", "url_private_address"], // site-local
  ["https://[2001:db8::1]/a.jpg", "url_private_address"], // documentation
  ["https://[::ffff:127.0.0.1]/a.jpg", "url_private_address"],
  ["https://[::ffff:7f00:1]/a.jpg", "url_private_address"],
  ["https://[0:0:0:0:0:ffff:a9fe:a9fe]/a.jpg", "url_private_address"],
  ["https://[::ffff:10.0.0.1]/a.jpg", "url_private_address"],
  ["https://[::127.0.0.1]/a.jpg", "url_private_address"], // IPv4-compatible
  ["https://[64:ff9b::10.0.0.1]/a.jpg", "url_private_address"], // NAT64 of a private IPv4
  ["https://[2002:7f00:1::]/a.jpg", "url_private_address"], // 6to4 of 127.0.0.1
  ["https://[2001::1]/a.jpg", "url_private_address"], // Teredo
  // Internal hostnames
  ["https://localhost/a.jpg", "url_private_host"],
  ["https://LOCALHOST./a.jpg", "url_private_host"],
  ["https://api.localhost/a.jpg", "url_private_host"],
  ["https://%6c%6fcalhost/a.jpg", "url_private_host"],
  ["https://metadata.google.internal/computeMetadata/v1/", "url_private_host"],
  ["https://metadata/computeMetadata/v1/", "url_private_host"],
  ["https://db.c.my-project.internal/", "url_private_host"],
  ["https://printer.local/a.jpg", "url_private_host"],
  ["https://nas.home.arpa/a.jpg", "url_private_host"],
  ["https://intranet/a.jpg", "url_private_host"],
];

describe("checkSourceUrl (production policy)", () => {
  it.each(productionTable)("%s -> %s", (url, expected) => {
    const verdict = checkSourceUrl(url, prod);
    if (expected === "ok") {
      expect(verdict).toMatchObject({ ok: true });
    } else {
      expect(verdict).toMatchObject({ ok: false, code: expected });
      if (!verdict.ok) expect(verdict.message.length).toBeGreaterThan(0);
    }
  });

  it("has a table of at least 30 URLs", () => {
    expect(productionTable.length).toBeGreaterThanOrEqual(30);
  });

  it("returns the normalised URL", () => {
    const verdict = checkSourceUrl("HTTPS://Bücher.Example:443/a b.jpg", prod);
    expect(verdict.ok && verdict.url.href).toBe("https://xn--bcher-kva.example/a%20b.jpg");
  });

  it("accepts exactly 2048 characters", () => {
    const base = "https://photos.example.com/";
    const url = base + "a".repeat(MAX_URL_LENGTH - base.length);
    expect(url.length).toBe(MAX_URL_LENGTH);
    expect(checkSourceUrl(url, prod).ok).toBe(true);
    expect(checkSourceUrl(url + "a", prod)).toMatchObject({ code: "url_too_long" });
  });

  it("refuses gs:// when no bucket is configured", () => {
    const { gcsBucket: _unused, ...noBucket } = prod;
    expect(checkSourceUrl("gs://my-project.appspot.com/a.jpg", noBucket)).toMatchObject({
      ok: false,
      code: "url_scheme_not_allowed",
    });
  });

  it("refuses non-strings without throwing", () => {
    expect(checkSourceUrl(42 as unknown as string, prod)).toMatchObject({ code: "url_invalid" });
  });
});

describe("checkSourceUrl (emulator policy)", () => {
  const table: Row[] = [
    ["http://photos.example.com/a.jpg", "ok"],
    ["http://127.0.0.1:9199/v0/b/bucket/o/a.jpg", "ok"],
    ["http://localhost:5001/a.jpg", "ok"],
    ["http://[::1]:8080/a.jpg", "ok"],
    ["https://photos.example.com:12345/a.jpg", "ok"],
    ["javascript:alert(1)", "url_scheme_not_allowed"],
    ["file:///etc/passwd", "url_scheme_not_allowed"],
    ["http://user:pass@localhost/a.jpg", "url_invalid"],
    ["gs://other-bucket/a.jpg", "url_bucket_not_allowed"],
  ];
  it.each(table)("%s -> %s", (url, expected) => {
    const verdict = checkSourceUrl(url, emulator);
    if (expected === "ok") expect(verdict.ok).toBe(true);
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });

  it("allowAnyPort lifts only the port rule", () => {
    const policy = { ...prod, allowAnyPort: true };
    expect(checkSourceUrl("https://photos.example.com:12345/a.jpg", policy).ok).toBe(true);
    expect(checkSourceUrl("https://127.0.0.1:12345/a.jpg", policy)).toMatchObject({
      code: "url_private_address",
    });
  });
});

describe("checkCallbackUrl", () => {
  const table: Row[] = [
    ["https://partner.example.com/hooks/staging", "ok"],
    ["http://partner.example.com/hooks/staging", "url_scheme_not_allowed"],
    ["gs://my-project.appspot.com/hook", "url_scheme_not_allowed"],
    ["https://10.1.2.3/hook", "url_private_address"],
    ["https://[::ffff:169.254.169.254]/hook", "url_private_address"],
    ["https://metadata.google.internal/hook", "url_private_host"],
    ["https://u:p@partner.example.com/hook", "url_invalid"],
    ["https://partner.example.com:2375/hook", "url_port_not_allowed"],
  ];
  it.each(table)("%s -> %s", (url, expected) => {
    const verdict = checkCallbackUrl(url, { allowHttp: false, allowPrivateHosts: false });
    if (expected === "ok") expect(verdict.ok).toBe(true);
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });

  it("accepts http and local targets in the emulator", () => {
    const policy = { allowHttp: true, allowPrivateHosts: true };
    expect(checkCallbackUrl("http://127.0.0.1:8123/hook", policy).ok).toBe(true);
    expect(checkCallbackUrl("gs://b/x", policy)).toMatchObject({ code: "url_scheme_not_allowed" });
  });
});

describe("isForbiddenAddress", () => {
  const forbidden = [
    "127.0.0.1",
    "10.255.0.3",
    "172.20.1.1",
    "192.168.0.10",
    "169.254.169.254",
    "100.100.100.100",
    "0.0.0.0",
    "255.255.255.255",
    "239.1.2.3",
    "::1",
    "::",
    "fe80::abcd",
    "fe80::1%eth0",
    "fd12:3456::1",
    "ff05::2",
    "::ffff:127.0.0.1",
    "::ffff:192.168.1.1",
    "[::1]",
    "2130706433",
    "0x7f.0.0.1",
    "not-an-ip",
    "",
  ];
  const allowed = [
    "8.8.8.8",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "2001:4860:4860::8888",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ];
  it.each(forbidden)("forbids %s", (ip) => expect(isForbiddenAddress(ip)).toBe(true));
  it.each(allowed)("allows %s", (ip) => expect(isForbiddenAddress(ip)).toBe(false));
});

describe("helpers", () => {
  it("isPrivateHostname", () => {
    expect(isPrivateHostname("localhost")).toBe(true);
    expect(isPrivateHostname("x.internal.")).toBe(true);
    expect(isPrivateHostname("photos.example.com")).toBe(false);
    expect(isPrivateHostname("internal.example.com")).toBe(false);
  });

  it("parseGsUrl percent-decodes the object path", () => {
    expect(parseGsUrl(new URL("gs://my-bucket/a/b%20c.jpg"))).toEqual({
      bucket: "my-bucket",
      path: "a/b c.jpg",
    });
    expect(parseGsUrl(new URL("gs://my-bucket/a/b c.jpg"))?.path).toBe("a/b c.jpg");
    expect(parseGsUrl(new URL("gs://Bad_Bucket!/a.jpg"))).toBeNull();
    expect(parseGsUrl(new URL("gs://my-bucket/%zz"))).toBeNull();
    expect(parseGsUrl(new URL("https://my-bucket/a.jpg"))).toBeNull();
  });
});

describe("cloud metadata endpoints are refused even when private hosts are allowed", () => {
  const lax = { allowHttp: true, allowPrivateHosts: true };
  test.each([
    ["http://169.254.169.254/computeMetadata/v1/", "url_private_address"],
    ["http://[::ffff:169.254.169.254]/", "url_private_address"],
    ["http://[fd00:ec2::254]/", "url_private_address"],
    ["http://metadata.google.internal/computeMetadata/v1/", "url_private_host"],
    ["http://METADATA.google.internal./", "url_private_host"],
    ["http://metadata/", "url_private_host"],
  ])("%s -> %s", (url, code) => {
    const source = checkSourceUrl(url, lax);
    expect(source.ok ? null : source.code).toBe(code);
    const callback = checkCallbackUrl(url, lax);
    expect(callback.ok ? null : callback.code).toBe(code);
  });

  test("loopback stays allowed with allowPrivateHosts (the emulator's sources)", () => {
    expect(checkSourceUrl("http://127.0.0.1:9500/rooms/1.jpg", lax).ok).toBe(true);
  });
});

describe("gs:// sources are limited to the partner's upload prefix", () => {
  const policy = {
    allowHttp: false,
    allowPrivateHosts: false,
    gcsBucket: "my-project.appspot.com",
    gcsPrefix: "uploads/partnerA/",
  };
  it.each([
    ["gs://my-project.appspot.com/uploads/partnerA/2026-11-30/a.jpg", "ok"],
    // Another partner's uploads or outputs: refused (also as a probe for their existence).
    ["gs://my-project.appspot.com/uploads/partnerB/a.jpg", "url_gcs_path_not_allowed"],
    ["gs://my-project.appspot.com/staged/partnerB/batch1/000001.jpg", "url_gcs_path_not_allowed"],
    ["gs://my-project.appspot.com/uploads/partnerAB/a.jpg", "url_gcs_path_not_allowed"],
    // Dot segments are resolved by the URL parser before the prefix is compared.
    ["gs://my-project.appspot.com/uploads/partnerA/../partnerB/a.jpg", "url_gcs_path_not_allowed"],
    [
      "gs://my-project.appspot.com/uploads/partnerA/%2e%2e/partnerB/a.jpg",
      "url_gcs_path_not_allowed",
    ],
    ["gs://my-project.appspot.com/uploads/partnerA", "url_gcs_path_not_allowed"],
    ["gs://other-bucket/uploads/partnerA/a.jpg", "url_bucket_not_allowed"],
  ])("%s -> %s", (url, expected) => {
    const verdict = checkSourceUrl(url, policy);
    if (expected === "ok") expect(verdict.ok).toBe(true);
    else expect(verdict).toMatchObject({ ok: false, code: expected });
  });
});
