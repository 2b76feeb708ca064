import { jest } from "@jest/globals";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  COMPLETION_EVENT,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  buildCompletionPayload,
  signWebhook,
  signatureHeaderValue,
  verifyWebhook,
} from "../../../src/domain/webhookSignature.js";
import {
  checkWebhookTarget,
  sendWebhook,
  type SendWebhookOptions,
} from "../../../src/notifications/sendWebhook.js";

const SECRET = "whsec_test_0123456789";
const NOW = 1_750_000_000;
const BODY = JSON.stringify({ event: "batch.completed", batchId: "b1", total: 3 });

describe("signWebhook / verifyWebhook", () => {
  it("round-trips", () => {
    const header = signatureHeaderValue(SECRET, NOW, BODY);
    expect(header).toMatch(/^t=1750000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW })).toEqual({ ok: true, timestamp: NOW });
    // Raw bytes verify the same as the string.
    expect(verifyWebhook(SECRET, header, Buffer.from(BODY, "utf8"), { now: NOW }).ok).toBe(true);
  });

  it("is a hex HMAC-SHA256 over `${t}.${body}`", async () => {
    const { createHmac } = await import("node:crypto");
    const expected = createHmac("sha256", SECRET).update(`${NOW}.${BODY}`).digest("hex");
    expect(signWebhook(SECRET, NOW, BODY)).toBe(expected);
  });

  it("matches the test vector published in documentation/Public/webhook-verification.md", () => {
    const body = JSON.stringify(
      buildCompletionPayload({
        batchId: "b_7Hq2kX9",
        status: "completed",
        total: 12,
        completed: 11,
        failed: 1,
        cancelled: 0,
        completedAt: "2025-01-01T00:00:00.000Z",
      }),
    );
    const v1 = "0fdbfc2881f0c2d672bbeb3be50599c0669eebde0623fdca0ebe8a3ac7539b44";
    expect(signWebhook("whsec_example_secret", 1735689600, body)).toBe(v1);
    expect(
      verifyWebhook("whsec_example_secret", `t=1735689600,v1=${v1}`, body, { now: 1735689600 }).ok,
    ).toBe(true);
  });

  it("rejects a tampered body", () => {
    const header = signatureHeaderValue(SECRET, NOW, BODY);
    const tampered = BODY.replace('"total":3', '"total":4');
    expect(verifyWebhook(SECRET, header, tampered, { now: NOW })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("rejects the wrong secret", () => {
    const header = signatureHeaderValue("another-secret", NOW, BODY);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("rejects a tampered timestamp (the timestamp is inside the MAC)", () => {
    const sig = signWebhook(SECRET, NOW - 3600, BODY);
    const refreshed = `t=${NOW},v1=${sig}`;
    expect(verifyWebhook(SECRET, refreshed, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("rejects a stale timestamp (replay) and accepts the edge of the window", () => {
    const header = signatureHeaderValue(SECRET, NOW, BODY);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW + 300 }).ok).toBe(true);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW + 301 })).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW + 30, toleranceSeconds: 10 })).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
  });

  it("rejects a timestamp too far in the future", () => {
    const header = signatureHeaderValue(SECRET, NOW + 1000, BODY);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "future_timestamp",
    });
  });

  it("rejects missing and malformed headers", () => {
    expect(verifyWebhook(SECRET, undefined, BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "missing_header",
    });
    expect(verifyWebhook(SECRET, "", BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "missing_header",
    });
    for (const bad of [
      "garbage",
      `t=${NOW}`,
      "v1=abc",
      `t=abc,v1=${"0".repeat(64)}`,
      `t=${NOW},v1=zz`,
    ]) {
      expect(verifyWebhook(SECRET, bad, BODY, { now: NOW })).toEqual({
        ok: false,
        reason: "malformed_header",
      });
    }
    expect(verifyWebhook("", signatureHeaderValue(SECRET, NOW, BODY), BODY, { now: NOW })).toEqual({
      ok: false,
      reason: "missing_secret",
    });
  });

  it("accepts any of several v1 signatures (secret rotation)", () => {
    const oldSig = signWebhook("old-secret", NOW, BODY);
    const newSig = signWebhook(SECRET, NOW, BODY);
    const header = `t=${NOW}, v1=${oldSig}, v1=${newSig}`;
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW }).ok).toBe(true);
    expect(verifyWebhook("old-secret", header, BODY, { now: NOW }).ok).toBe(true);
  });

  it("refuses to sign with an empty secret or a bad timestamp", () => {
    expect(() => signWebhook("", NOW, BODY)).toThrow(TypeError);
    expect(() => signWebhook(SECRET, 1.5, BODY)).toThrow(TypeError);
    expect(() => signWebhook(SECRET, -1, BODY)).toThrow(TypeError);
  });
});

describe("buildCompletionPayload", () => {
  it("builds the batch.completed body from a plain object", () => {
    const payload = buildCompletionPayload({
      batchId: "batch_1",
      status: "completed",
      total: 10,
      completed: 8,
      failed: 1,
      cancelled: 1,
      completedAt: new Date("2025-01-02T03:04:05.678Z"),
    });
    expect(payload).toEqual({
      event: COMPLETION_EVENT,
      batchId: "batch_1",
      status: "completed",
      total: 10,
      completed: 8,
      failed: 1,
      cancelled: 1,
      completedAt: "2025-01-02T03:04:05.678Z",
    });
    expect(Object.keys(payload)[0]).toBe("event");
  });

  it("accepts Timestamp-like, epoch-ms and ISO completedAt", () => {
    const base = {
      batchId: "b",
      status: "failed" as const,
      total: 1,
      completed: 0,
      failed: 1,
      cancelled: 0,
    };
    const iso = "2025-05-06T07:08:09.000Z";
    const ms = Date.parse(iso);
    expect(
      buildCompletionPayload({ ...base, completedAt: { toDate: () => new Date(ms) } }).completedAt,
    ).toBe(iso);
    expect(buildCompletionPayload({ ...base, completedAt: ms }).completedAt).toBe(iso);
    expect(buildCompletionPayload({ ...base, completedAt: iso }).completedAt).toBe(iso);
  });

  it("rejects invalid input", () => {
    const base = {
      batchId: "b",
      status: "completed" as const,
      total: 1,
      completed: 1,
      failed: 0,
      cancelled: 0,
      completedAt: 0,
    };
    expect(() => buildCompletionPayload({ ...base, completedAt: "not a date" })).toThrow(
      RangeError,
    );
    expect(() => buildCompletionPayload({ ...base, total: -1 })).toThrow(RangeError);
    expect(() => buildCompletionPayload({ ...base, batchId: "" })).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// sendWebhook against a real HTTP receiver on loopback.

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function startReceiver(
  handler: Handler,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/staging`,
    received,
    close: async () => {
      // Hanging requests keep their sockets open; destroy them so close() returns.
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(h: IncomingMessage["headers"], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const payload = buildCompletionPayload({
  batchId: "batch_42",
  status: "completed",
  total: 2,
  completed: 2,
  failed: 0,
  cancelled: 0,
  completedAt: "2025-01-01T00:00:00.000Z",
});

/** A delivery of `payload` to a local receiver (private hosts allowed), with `overrides`. */
const deliver = (
  url: string,
  deliveryId: string,
  overrides: Partial<SendWebhookOptions> = {},
): ReturnType<typeof sendWebhook> =>
  sendWebhook({
    url,
    secret: SECRET,
    payload,
    deliveryId,
    timeoutMs: 5000,
    allowPrivateHosts: true,
    ...overrides,
  });

describe("sendWebhook", () => {
  it("delivers a signed JSON body that the receiver verifies", async () => {
    const receiver = await startReceiver((req, res, body) => {
      const check = verifyWebhook(SECRET, header(req.headers, SIGNATURE_HEADER), body);
      res.writeHead(check.ok ? 204 : 401).end();
    });
    try {
      const result = await deliver(receiver.url, "batch_42:batch.completed");
      expect(result).toEqual({ ok: true, status: 204, durationMs: expect.any(Number) });
      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received;
      expect(JSON.parse(got.body)).toEqual(payload);
      expect(header(got.headers, "content-type")).toBe("application/json");
      expect(header(got.headers, EVENT_HEADER)).toBe("batch.completed");
      expect(header(got.headers, DELIVERY_HEADER)).toBe("batch_42:batch.completed");
      expect(header(got.headers, SIGNATURE_HEADER)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    } finally {
      await receiver.close();
    }
  });

  it("signs with the given timestamp, so a receiver rejects an old delivery as stale", async () => {
    const verdicts: string[] = [];
    const receiver = await startReceiver((req, res, body) => {
      const check = verifyWebhook(SECRET, header(req.headers, SIGNATURE_HEADER), body);
      verdicts.push(check.ok ? "ok" : check.reason);
      res.writeHead(check.ok ? 200 : 401).end();
    });
    try {
      const result = await deliver(receiver.url, "d1", {
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(result).toMatchObject({ ok: false, status: 401, error: "HTTP 401" });
      expect(verdicts).toEqual(["stale_timestamp"]);
    } finally {
      await receiver.close();
    }
  });

  it("reports a 500 as not ok with the status", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(500).end("boom"));
    try {
      const result = await deliver(receiver.url, "d2");
      expect(result).toMatchObject({ ok: false, status: 500, error: "HTTP 500" });
    } finally {
      await receiver.close();
    }
  });

  it("does not follow redirects", async () => {
    let hits = 0;
    const receiver = await startReceiver((req, res) => {
      hits += 1;
      res.writeHead(302, { Location: "/elsewhere" }).end();
    });
    try {
      const result = await deliver(receiver.url, "d3");
      expect(result).toMatchObject({ ok: false, status: 302 });
      expect(result.error).toMatch(/redirect/);
      expect(hits).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it("gives up on a receiver that hangs, within the timeout", async () => {
    const receiver = await startReceiver(() => {
      /* never respond */
    });
    try {
      const started = Date.now();
      const result = await deliver(receiver.url, "d4", { timeoutMs: 300 });
      const took = Date.now() - started;
      expect(result.ok).toBe(false);
      expect(result.status).toBeUndefined();
      expect(result.error).toMatch(/timeout/);
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(3000);
      expect(result.durationMs).toBeLessThan(3000);
    } finally {
      await receiver.close();
    }
  });

  it("reports a refused connection as not ok", async () => {
    // Listen then close to get a port on loopback that nothing listens on.
    const probe = await startReceiver(() => undefined);
    const url = probe.url;
    await probe.close();
    const result = await deliver(url, "d5", { timeoutMs: 3000 });
    expect(result.ok).toBe(false);
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it("refuses private, loopback and plain-http targets unless allowPrivateHosts", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end());
    try {
      const result = await sendWebhook({
        url: receiver.url,
        secret: SECRET,
        payload,
        deliveryId: "d6",
        timeoutMs: 2000,
      });
      expect(result.ok).toBe(false);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
    for (const url of [
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://10.1.2.3/hook",
      "https://169.254.169.254/computeMetadata/v1/",
      "https://[::1]/hook",
      "https://[::ffff:192.168.0.1]/hook",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://8.8.8.8:22/hook",
    ]) {
      const check = await checkWebhookTarget(url);
      expect(check).toMatchObject({ ok: false });
    }
    expect(await checkWebhookTarget("http://8.8.8.8/hook")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/https/),
    });
    expect(await checkWebhookTarget("https://user:pw@8.8.8.8/hook")).toMatchObject({ ok: false });
    expect(await checkWebhookTarget("not a url")).toMatchObject({ ok: false });
    // A public literal address passes the check (no request is made by the check itself).
    expect(await checkWebhookTarget("https://8.8.8.8/hook")).toMatchObject({ ok: true });
  });

  it("rejects a delivery id that could inject headers", async () => {
    const result = await sendWebhook({
      url: "https://8.8.8.8/hook",
      secret: SECRET,
      payload,
      deliveryId: "x\r\nX-Evil: 1",
      timeoutMs: 1000,
    });
    expect(result).toMatchObject({ ok: false, error: "invalid deliveryId" });
  });
});

describe("sendWebhook: connect-time address checks (shared outbound guard)", () => {
  // The local receiver stands in for a public host: only 127.0.0.1 is trusted as public, and
  // the partner's host name resolves through an injected resolver. Everything else is production.
  const hostUrl = (url: string) => url.replace("127.0.0.1", "hooks.partner.example");

  it("a host that rebinds from public to private is refused at connect, without a request", async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(204).end());
    const answers = [["127.0.0.1"], ["10.0.0.9"]];
    const lookup = jest.fn(async (host: string) => {
      expect(host).toBe("hooks.partner.example");
      return (answers.shift() ?? ["10.0.0.9"]).map((address) => ({ address, family: 4 }));
    });
    const send = (deliveryId: string) =>
      sendWebhook({
        url: hostUrl(receiver.url),
        secret: SECRET,
        payload,
        deliveryId,
        timeoutMs: 3000,
        lookup,
        testPublicAddress: "127.0.0.1",
      });
    try {
      expect(await send("first")).toMatchObject({ ok: true, status: 204 });
      const second = await send("second");
      expect(second).toMatchObject({
        ok: false,
        error: "url_private_address: hooks.partner.example resolves to a non-public address",
      });
      expect(second.status).toBeUndefined();
      // One resolution per connection, and it is the one that was checked.
      expect(lookup).toHaveBeenCalledTimes(2);
      expect(receiver.received.map((r) => header(r.headers, DELIVERY_HEADER))).toEqual(["first"]);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    [["169.254.169.254"]],
    [["::1"]],
    [["127.0.0.1", "10.1.2.3"]],
    [["::ffff:192.168.1.1"]],
  ])("refuses a host resolving to %j", async (addresses) => {
    const receiver = await startReceiver((_req, res) => res.writeHead(204).end());
    try {
      const result = await sendWebhook({
        url: hostUrl(receiver.url),
        secret: SECRET,
        payload,
        deliveryId: "d",
        timeoutMs: 3000,
        lookup: async () =>
          addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
        testPublicAddress: "127.0.0.1",
      });
      expect(result).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^url_private_address/),
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it("refuses the metadata server even where private hosts are allowed (emulator)", async () => {
    const result = await sendWebhook({
      url: "http://metadata-alias.example:8080/hook",
      secret: SECRET,
      payload,
      deliveryId: "d",
      timeoutMs: 3000,
      allowPrivateHosts: true,
      lookup: async () => [{ address: "169.254.169.254", family: 4 }],
    });
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^url_private_address/),
    });
  });
});
