import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import sharp from "sharp";
import { StagingError } from "../../../src/domain/stagingError.js";
import { prepareInput } from "../../../src/worker/prepareInput.js";
import {
  fetchSource,
  inspectImage,
  sniffImageType,
  type FetchSourceOptions,
  type ResolvedAddress,
} from "../../../src/worker/fetchSource.js";

// ---------------------------------------------------------------------------------------------
// Fixtures

let jpeg: Buffer;
let png: Buffer;
let webp: Buffer;
let noisyJpeg: Buffer;

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 180, g: 150, b: 120 } } });

/** CRC-32 (PNG chunk checksum); node:zlib only gained crc32 in Node 22. */
function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/** A tiny file whose header claims 20000x20000 pixels: the classic decompression bomb shape. */
function pngBombHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type RGB
  const idat = zlib.deflateSync(Buffer.alloc(20000 * 3 + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", idat),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Local server

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes = new Map<string, Handler>();
const seen: http.IncomingHttpHeaders[] = [];
let server: http.Server;
let base: string;
let port: number;

const sendImage =
  (body: () => Buffer, type: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { "Content-Type": type, "Content-Length": body().length });
    res.end(body());
  };

const redirect =
  (location: string | (() => string), status = 302): Handler =>
  (_req, res) => {
    res.writeHead(status, { Location: typeof location === "string" ? location : location() });
    res.end();
  };

beforeAll(async () => {
  jpeg = await solid(640, 480).jpeg().toBuffer();
  png = await solid(300, 200).png().toBuffer();
  webp = await solid(120, 90).webp().toBuffer();
  const noise = Buffer.alloc(200 * 200 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  noisyJpeg = await sharp(noise, { raw: { width: 200, height: 200, channels: 3 } })
    .jpeg()
    .toBuffer();

  routes.set(
    "/ok.jpg",
    sendImage(() => jpeg, "image/jpeg"),
  );
  routes.set(
    "/ok.png",
    sendImage(() => png, "image/png"),
  );
  routes.set(
    "/ok.webp",
    sendImage(() => webp, "image/webp; charset=binary"),
  );
  routes.set(
    "/octet",
    sendImage(() => png, "application/octet-stream"),
  );
  routes.set("/no-type", (_req, res) => {
    res.writeHead(200);
    res.end(webp);
  });
  routes.set(
    "/wrong-type-header",
    sendImage(() => png, "image/jpeg"),
  );
  routes.set(
    "/html",
    sendImage(() => Buffer.from("<html>hi</html>"), "text/html"),
  );
  routes.set(
    "/fake.jpg",
    sendImage(() => Buffer.from("this is not a jpeg at all"), "image/jpeg"),
  );
  routes.set(
    "/svg",
    sendImage(() => Buffer.from("<svg xmlns='x'/>"), "image/svg+xml"),
  );
  routes.set(
    "/truncated.jpg",
    sendImage(() => noisyJpeg.subarray(0, 2000), "image/jpeg"),
  );
  routes.set("/bomb.png", sendImage(pngBombHeader, "image/png"));
  routes.set("/gzip.jpg", (_req, res) => {
    const gz = zlib.gzipSync(jpeg);
    res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Encoding": "gzip" });
    res.end(gz);
  });
  routes.set("/gzip-bomb", (_req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Encoding": "gzip" });
    res.end(zlib.gzipSync(Buffer.alloc(5_000_000)));
  });
  for (const status of [404, 410, 500, 503, 403, 400, 408, 429, 204]) {
    routes.set(`/status/${status}`, (_req, res) => {
      res.writeHead(status, status === 503 ? { "Retry-After": "120" } : {});
      res.end();
    });
  }
  routes.set("/hang", () => {
    // Never answers.
  });
  routes.set("/slow-body", (_req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg" });
    res.write(jpeg.subarray(0, 10));
    const t = setInterval(() => res.write(Buffer.alloc(1)), 50);
    res.on("close", () => clearInterval(t));
  });
  routes.set("/big-with-length", (_req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": 10_000_000 });
    res.flushHeaders(); // and then never sends the body: the length alone must suffice
  });
  routes.set("/big-chunked", (_req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg" });
    let sent = 0;
    const push = (): void => {
      while (sent < 5_000_000) {
        sent += 65536;
        if (!res.write(Buffer.alloc(65536, 0xff))) {
          res.once("drain", push);
          return;
        }
      }
      res.end();
    };
    res.on("error", () => undefined);
    push();
  });
  routes.set("/cut-short", (req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": jpeg.length });
    res.write(jpeg.subarray(0, 100));
    setTimeout(() => req.socket.destroy(), 20);
  });
  routes.set("/redirect-ok", redirect("/ok.jpg", 301));
  routes.set(
    "/redirect-abs",
    redirect(() => `${base}/ok.png`, 307),
  );
  routes.set("/loop", redirect("/loop"));
  routes.set("/r/3", redirect("/r/2"));
  routes.set("/r/2", redirect("/r/1"));
  routes.set("/r/1", redirect("/ok.jpg"));
  routes.set("/redirect-metadata", redirect("http://169.254.169.254/computeMetadata/v1/"));
  routes.set(
    "/redirect-loopback",
    redirect(() => `http://127.0.0.1:${port}/ok.jpg`),
  );
  routes.set(
    "/redirect-mapped",
    redirect(() => `http://[::ffff:7f00:1]:${port}/ok.jpg`),
  );
  routes.set(
    "/redirect-localhost",
    redirect(() => `http://localhost:${port}/ok.jpg`),
  );
  routes.set(
    "/redirect-rebind",
    redirect(() => `http://rebind.example.com:${port}/ok.jpg`),
  );
  routes.set("/redirect-gs", redirect("gs://my-bucket/secret.jpg"));
  routes.set("/redirect-file", redirect("file:///etc/passwd"));
  routes.set("/redirect-no-location", (_req, res) => {
    res.writeHead(302);
    res.end();
  });

  server = http.createServer((req, res) => {
    seen.push(req.headers);
    const handler = routes.get((req.url ?? "").split("?")[0] ?? "");
    if (handler) handler(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------------------------------------
// Helpers

const local: FetchSourceOptions = {
  timeoutMs: 5000,
  maxBytes: 1_000_000,
  allowPrivateHosts: true,
  allowHttp: true,
  maxRedirects: 3,
};

async function fetchError(
  url: string,
  options: Partial<FetchSourceOptions> = {},
): Promise<StagingError> {
  try {
    await fetchSource(url, { ...local, ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(StagingError);
    return err as StagingError;
  }
  throw new Error(`expected ${url} to fail`);
}

const resolveTo =
  (map: Record<string, string[]>) =>
  async (hostname: string): Promise<ResolvedAddress[]> => {
    const addresses = map[hostname];
    if (addresses === undefined) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = "ENOTFOUND";
      throw err;
    }
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

// ---------------------------------------------------------------------------------------------

describe("fetchSource: success", () => {
  it.each([
    ["/ok.jpg", "image/jpeg", 640, 480],
    ["/ok.png", "image/png", 300, 200],
    ["/ok.webp", "image/webp", 120, 90],
    ["/octet", "image/png", 300, 200],
    ["/no-type", "image/webp", 120, 90],
    ["/wrong-type-header", "image/png", 300, 200], // bytes win over the header
    ["/gzip.jpg", "image/jpeg", 640, 480],
  ])("%s -> %s %ix%i", async (path, mimeType, width, height) => {
    const got = await fetchSource(`${base}${path}`, local);
    expect(got).toMatchObject({ mimeType, width, height, finalUrl: `${base}${path}` });
    expect(got.bytes.length).toBeGreaterThan(0);
  });

  it("sends the bot User-Agent and asks for identity encoding", async () => {
    seen.length = 0;
    await fetchSource(`${base}/ok.jpg`, local);
    expect(seen[0]?.["user-agent"]).toMatch(/^VirtualStagingBot\/1\.0/);
    expect(seen[0]?.["accept-encoding"]).toBe("identity");
  });

  it("resolves hostnames with the system resolver", async () => {
    const got = await fetchSource(`http://localhost:${port}/ok.jpg`, local);
    expect(got.mimeType).toBe("image/jpeg");
  });

  it("uses the injected resolver for hostnames", async () => {
    const lookup = jest.fn(resolveTo({ "photos.test": ["127.0.0.1"] }));
    const got = await fetchSource(`http://photos.test:${port}/ok.png`, { ...local, lookup });
    expect(got.mimeType).toBe("image/png");
    expect(lookup).toHaveBeenCalledWith("photos.test");
  });
});

describe("fetchSource: HTTP status", () => {
  it.each([
    [404, "source_not_found", false],
    [410, "source_not_found", false],
    [500, "source_unavailable", true],
    [503, "source_unavailable", true],
    [408, "source_unavailable", true],
    [429, "source_unavailable", true],
    [403, "source_http_error", false],
    [400, "source_http_error", false],
    [204, "source_http_error", false],
  ])("HTTP %i -> %s (retryable %s)", async (status, code, retryableFlag) => {
    const err = await fetchError(`${base}/status/${status}`);
    expect(err.code).toBe(code);
    expect(err.retryable).toBe(retryableFlag);
  });

  it("passes Retry-After through", async () => {
    const err = await fetchError(`${base}/status/503`);
    expect(err.retryAfterSeconds).toBe(120);
  });
});

describe("fetchSource: transport", () => {
  it("times out a server that never answers", async () => {
    const started = Date.now();
    const err = await fetchError(`${base}/hang`, { timeoutMs: 300 });
    expect(err).toMatchObject({ code: "source_timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("the deadline covers the body too (slow drip)", async () => {
    const err = await fetchError(`${base}/slow-body`, { timeoutMs: 300 });
    expect(err).toMatchObject({ code: "source_timeout", retryable: true });
  });

  it("connection refused is retryable", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await fetchError(`http://127.0.0.1:${closedPort}/ok.jpg`);
    expect(err).toMatchObject({ code: "source_unavailable", retryable: true });
  });

  it("a body cut short is retryable", async () => {
    const err = await fetchError(`${base}/cut-short`);
    expect(err).toMatchObject({ code: "source_unavailable", retryable: true });
  });

  it("NXDOMAIN is permanent", async () => {
    const err = await fetchError("http://nowhere.test/ok.jpg", { lookup: resolveTo({}) });
    expect(err).toMatchObject({ code: "source_dns_failed", retryable: false });
  });

  it("EAI_AGAIN is retryable", async () => {
    const lookup = async (): Promise<ResolvedAddress[]> => {
      const err: NodeJS.ErrnoException = new Error("getaddrinfo EAI_AGAIN");
      err.code = "EAI_AGAIN";
      throw err;
    };
    const err = await fetchError("http://flaky.test/ok.jpg", { lookup });
    expect(err).toMatchObject({ code: "source_dns_failed", retryable: true });
  });
});

describe("fetchSource: size and content", () => {
  it("refuses a Content-Length over the cap without reading the body", async () => {
    const started = Date.now();
    const err = await fetchError(`${base}/big-with-length`, { timeoutMs: 5000 });
    expect(err).toMatchObject({ code: "source_too_large", retryable: false });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("aborts a chunked body once it passes the cap", async () => {
    const err = await fetchError(`${base}/big-chunked`, { maxBytes: 200_000 });
    expect(err).toMatchObject({ code: "source_too_large", retryable: false });
  });

  it("caps the decoded size of a compressed body (gzip bomb)", async () => {
    const err = await fetchError(`${base}/gzip-bomb`, { maxBytes: 200_000 });
    expect(err).toMatchObject({ code: "source_too_large", retryable: false });
  });

  it("exact cap is fine, one byte less is not", async () => {
    await expect(
      fetchSource(`${base}/ok.jpg`, { ...local, maxBytes: jpeg.length }),
    ).resolves.toBeTruthy();
    const err = await fetchError(`${base}/ok.jpg`, { maxBytes: jpeg.length - 1 });
    expect(err.code).toBe("source_too_large");
  });

  it.each([
    ["/html", "text/html Content-Type"],
    ["/fake.jpg", "image/jpeg header, non-image bytes"],
    ["/svg", "SVG"],
    ["/truncated.jpg", "truncated JPEG"],
  ])("%s (%s) -> unsupported_image", async (path) => {
    const err = await fetchError(`${base}${path}`);
    expect(err).toMatchObject({ code: "unsupported_image", retryable: false });
  });

  it("without the decode check a truncated JPEG is fetched, and the worker's preparation refuses it the same way", async () => {
    const fetched = await fetchSource(`${base}/truncated.jpg`, { ...local, decodeCheck: false });
    expect(fetched.mimeType).toBe("image/jpeg");
    await expect(prepareInput(fetched.bytes, { maxDimension: 2048 })).rejects.toMatchObject({
      code: "unsupported_image",
      retryable: false,
    });
    // The header checks stay: a non-image and a bomb are refused before any decode.
    expect((await fetchError(`${base}/fake.jpg`, { decodeCheck: false })).code).toBe(
      "unsupported_image",
    );
    expect((await fetchError(`${base}/bomb.png`, { decodeCheck: false })).code).toBe(
      "image_too_large",
    );
  });

  it("refuses a decompression bomb by its header", async () => {
    const err = await fetchError(`${base}/bomb.png`);
    expect(err).toMatchObject({ code: "image_too_large", retryable: false });
  });

  it("honours maxPixels", async () => {
    const err = await fetchError(`${base}/ok.jpg`, { maxPixels: 640 * 480 - 1 });
    expect(err.code).toBe("image_too_large");
  });
});

describe("fetchSource: redirects", () => {
  it("follows a relative redirect", async () => {
    const got = await fetchSource(`${base}/redirect-ok`, local);
    expect(got).toMatchObject({ mimeType: "image/jpeg", finalUrl: `${base}/ok.jpg` });
  });

  it("follows an absolute redirect", async () => {
    const got = await fetchSource(`${base}/redirect-abs`, local);
    expect(got.finalUrl).toBe(`${base}/ok.png`);
  });

  it("follows exactly maxRedirects", async () => {
    const got = await fetchSource(`${base}/r/3`, { ...local, maxRedirects: 3 });
    expect(got.finalUrl).toBe(`${base}/ok.jpg`);
  });

  it("too many redirects", async () => {
    const err = await fetchError(`${base}/r/3`, { maxRedirects: 2 });
    expect(err).toMatchObject({ code: "source_too_many_redirects", retryable: false });
  });

  it("redirect loop", async () => {
    const err = await fetchError(`${base}/loop`, { maxRedirects: 5 });
    expect(err).toMatchObject({ code: "source_too_many_redirects", retryable: false });
  });

  it("redirect without Location", async () => {
    const err = await fetchError(`${base}/redirect-no-location`);
    expect(err.code).toBe("source_http_error");
  });

  it.each([
    ["/redirect-gs", "url_scheme_not_allowed"], // a web server must never point us into GCS
    ["/redirect-file", "url_scheme_not_allowed"],
  ])("%s is refused even in the emulator -> %s", async (path, code) => {
    const err = await fetchError(`${base}${path}`, {
      readGcsObject: async () => jpeg,
      gcsBucket: "my-bucket",
    });
    expect(err).toMatchObject({ code, retryable: false });
  });
});

describe("fetchSource: SSRF guard (allowPrivateHosts: false)", () => {
  const prod: Partial<FetchSourceOptions> = { allowPrivateHosts: false };

  it.each([
    () => `http://127.0.0.1:${port}/ok.jpg`,
    () => `http://[::1]:${port}/ok.jpg`,
    () => `http://2130706433:${port}/ok.jpg`,
    () => "http://169.254.169.254/computeMetadata/v1/",
    () => "http://localhost/ok.jpg",
    () => "http://metadata.google.internal/computeMetadata/v1/",
  ])("refuses a private literal or internal name (%#)", async (url) => {
    const err = await fetchError(url(), { ...prod, testPublicAddress: "127.0.0.1" });
    expect(err).toMatchObject({ code: "source_forbidden_address", retryable: false });
  });

  it.each([
    [["127.0.0.1"]],
    [["::1"]],
    [["::ffff:127.0.0.1"]],
    [["169.254.169.254"]],
    [["10.0.0.7"]],
    [["93.184.216.34", "127.0.0.1"]], // one bad answer poisons the set
  ])("refuses at connect time a hostname resolving to %j", async (addresses) => {
    const lookup = jest.fn(resolveTo({ "photos.example.com": addresses }));
    // Port 8080 passes the URL policy; nothing listens there, and nothing must be dialled.
    const err = await fetchError("http://photos.example.com:8080/ok.jpg", { ...prod, lookup });
    expect(err).toMatchObject({ code: "source_forbidden_address", retryable: false });
    expect(lookup).toHaveBeenCalledWith("photos.example.com");
  });

  describe("redirects from a (simulated) public host", () => {
    // The test server stands in for a public host: photos.example.com "resolves" to it and the
    // guard treats only that one address as public. Everything else is the production policy.
    const asPublic = (extra: Record<string, string[]> = {}): Partial<FetchSourceOptions> => ({
      ...prod,
      testPublicAddress: "127.0.0.1",
      lookup: resolveTo({ "photos.example.com": ["127.0.0.1"], ...extra }),
    });
    const pub = (path: string) => `http://photos.example.com:${port}${path}`;

    it("control: the simulated public host is fetched", async () => {
      const got = await fetchSource(pub("/redirect-ok"), { ...local, ...asPublic() });
      expect(got.finalUrl).toBe(pub("/ok.jpg"));
    });

    it.each([
      "/redirect-metadata",
      "/redirect-loopback",
      "/redirect-mapped",
      "/redirect-localhost",
    ])("%s -> source_forbidden_address", async (path) => {
      const err = await fetchError(pub(path), asPublic());
      expect(err).toMatchObject({ code: "source_forbidden_address", retryable: false });
    });

    it("a redirect to a hostname that rebinds to a private IP is refused at connect", async () => {
      const err = await fetchError(
        pub("/redirect-rebind"),
        asPublic({ "rebind.example.com": ["10.1.2.3"] }),
      );
      expect(err).toMatchObject({ code: "source_forbidden_address", retryable: false });
    });
  });
});

describe("fetchSource: gs://", () => {
  const gsOptions = (read: (bucket: string, path: string) => Promise<Buffer>) => ({
    ...local,
    allowHttp: false,
    allowPrivateHosts: false,
    gcsBucket: "my-bucket",
    readGcsObject: read,
  });

  it("reads through readGcsObject", async () => {
    const read = jest.fn(async (_bucket: string, _path: string) => png);
    const got = await fetchSource("gs://my-bucket/uploads/p1/a%20b.png", gsOptions(read));
    expect(got).toMatchObject({ mimeType: "image/png", width: 300, height: 200 });
    expect(got.finalUrl).toBe("gs://my-bucket/uploads/p1/a%20b.png");
    expect(read).toHaveBeenCalledWith("my-bucket", "uploads/p1/a b.png");
  });

  it("without readGcsObject gs:// is refused", async () => {
    const err = await fetchError("gs://my-bucket/a.png");
    expect(err).toMatchObject({ code: "url_scheme_not_allowed", retryable: false });
  });

  it("another bucket is refused", async () => {
    const err = await fetchError(
      "gs://other-bucket/a.png",
      gsOptions(async () => png),
    );
    expect(err.code).toBe("url_bucket_not_allowed");
  });

  it("an object outside the partner's upload prefix is refused without a read", async () => {
    const read = jest.fn(async (_bucket: string, _path: string) => png);
    for (const url of ["gs://my-bucket/uploads/p2/a.png", "gs://my-bucket/staged/p2/b/0.jpg"]) {
      const err = await fetchError(url, { ...gsOptions(read), gcsPrefix: "uploads/p1/" });
      expect(err).toMatchObject({ code: "url_gcs_path_not_allowed", retryable: false });
    }
    expect(read).not.toHaveBeenCalled();
    await fetchSource("gs://my-bucket/uploads/p1/a.png", {
      ...gsOptions(read),
      gcsPrefix: "uploads/p1/",
    });
    expect(read).toHaveBeenCalledWith("my-bucket", "uploads/p1/a.png");
  });

  it("a missing object is source_not_found", async () => {
    const read = async (): Promise<Buffer> => {
      throw Object.assign(new Error("No such object"), { code: 404 });
    };
    const err = await fetchError("gs://my-bucket/a.png", gsOptions(read));
    expect(err).toMatchObject({ code: "source_not_found", retryable: false });
  });

  it("a transient storage error is retryable", async () => {
    const read = async (): Promise<Buffer> => {
      throw Object.assign(new Error("backend"), { code: 503 });
    };
    const err = await fetchError("gs://my-bucket/a.png", gsOptions(read));
    expect(err).toMatchObject({ code: "source_unavailable", retryable: true });
  });

  it("an oversized object is refused", async () => {
    const err = await fetchError("gs://my-bucket/a.jpg", {
      ...gsOptions(async () => jpeg),
      maxBytes: 100,
    });
    expect(err.code).toBe("source_too_large");
  });

  it("a slow read times out", async () => {
    const read = () => new Promise<Buffer>(() => undefined);
    const err = await fetchError("gs://my-bucket/a.jpg", { ...gsOptions(read), timeoutMs: 200 });
    expect(err).toMatchObject({ code: "source_timeout", retryable: true });
  });
});

describe("sniffing helpers", () => {
  it("sniffImageType", () => {
    expect(sniffImageType(jpeg)).toBe("image/jpeg");
    expect(sniffImageType(png)).toBe("image/png");
    expect(sniffImageType(webp)).toBe("image/webp");
    expect(sniffImageType(Buffer.from("GIF89a......"))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });

  it("inspectImage reports display (EXIF-oriented) dimensions, the orientation and alpha", async () => {
    const rotated = await solid(64, 32).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    await expect(inspectImage(rotated)).resolves.toEqual({
      mimeType: "image/jpeg",
      width: 32,
      height: 64,
      orientation: 6,
      hasAlpha: false,
    });
    const translucent = await solid(8, 4).ensureAlpha(0.5).png().toBuffer();
    await expect(inspectImage(translucent)).resolves.toMatchObject({
      mimeType: "image/png",
      orientation: 1,
      hasAlpha: true,
    });
  });

  it("refuses GIF even though sharp could read it", async () => {
    const gif = await solid(10, 10).gif().toBuffer();
    await expect(inspectImage(gif)).rejects.toMatchObject({ code: "unsupported_image" });
  });
});

describe("fetchSource: https", () => {
  // A throwaway self-signed certificate made at test time (no key material in the repo). Skipped
  // where the openssl binary is missing.
  let tls: { server: https.Server; port: number } | undefined;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "fetchsource-tls-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
          "-days",
          "2",
          "-subj",
          "/CN=photos.example.com",
          "-addext",
          "subjectAltName=DNS:photos.example.com",
        ],
        { stdio: "ignore" },
      );
      const server = https.createServer(
        { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
        (_req, res) => {
          res.writeHead(200, { "Content-Type": "image/jpeg" });
          res.end(jpeg);
        },
      );
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      tls = { server, port: (server.address() as AddressInfo).port };
    } catch {
      tls = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    if (tls) {
      tls.server.closeAllConnections();
      const s = tls.server;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it("an untrusted certificate is a permanent source_tls_error (https + guarded lookup)", async () => {
    if (!tls) return console.warn("openssl not available: https test skipped");
    const lookup = jest.fn(resolveTo({ "photos.example.com": ["127.0.0.1"] }));
    const err = await fetchError(`https://photos.example.com:${tls.port}/a.jpg`, {
      allowPrivateHosts: false,
      allowHttp: false,
      testPublicAddress: "127.0.0.1",
      lookup,
    });
    expect(err).toMatchObject({ code: "source_tls_error", retryable: false });
    expect(lookup).toHaveBeenCalledWith("photos.example.com");
  });

  it("the connect-time guard also covers https", async () => {
    if (!tls) return console.warn("openssl not available: https test skipped");
    const err = await fetchError(`https://photos.example.com:${tls.port}/a.jpg`, {
      allowPrivateHosts: false,
      allowHttp: false,
      testPublicAddress: "10.9.9.9", // trust something else: 127.0.0.1 stays forbidden
      lookup: resolveTo({ "photos.example.com": ["127.0.0.1"] }),
    });
    expect(err).toMatchObject({ code: "source_forbidden_address", retryable: false });
  });
});
