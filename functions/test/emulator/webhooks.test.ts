/** Completion webhooks against a local receiver: signed, retried, one per batch, redeliverable. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "../../src/domain/webhookSignature.js";
import {
  eventually,
  getDb,
  newPartner,
  startSourceServer,
  waitFinished,
  type SourceServer,
} from "./harness.js";

interface Received {
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  verified: boolean;
}

let sources: SourceServer;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let failNext = 0;
let secretFor: (partnerBatch: string) => string = () => "";

beforeAll(async () => {
  sources = await startSourceServer();
  receiver = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      const verified = verifyWebhook(
        secretFor(String(body.batchId)),
        req.headers["x-staging-signature"] as string,
        raw,
      ).ok;
      received.push({ body, headers: req.headers, verified });
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end("down");
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/staging`;
});
afterAll(async () => {
  await sources.close();
  await new Promise((r) => receiver.close(r));
});

const webhookOf = async (batchId: string) =>
  (await getDb().collection("batches").doc(batchId).get()).get("webhook") as
    Record<string, unknown> | undefined;

test("a finished batch is notified once, signed; 500s are retried; redeliver sends it again", async () => {
  const p = await newPartner("Webhook partner");
  secretFor = () => p.webhookSecret;
  failNext = 1;
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", {
    images: [{ url: `${sources.url}/rooms/1.jpg` }, { url: `${sources.url}/rooms/2.jpg?mode=404` }],
    designStyle: "bohemian",
    roomType: "guest_room",
    clientName: "Hooked",
    callbackUrl: receiverUrl,
  });
  const { batchId } = created.body;
  const { final } = await waitFinished(p.client, batchId);
  expect(final).toMatchObject({ status: "completed", completed: 1, failed: 1 });

  const hook = await eventually("the webhook to be delivered", async () => {
    const w = await webhookOf(batchId);
    return w?.status === "delivered" && w;
  });
  expect(hook.attempts).toBe(2);
  const status = await p.client.get<{ webhook: Record<string, unknown> }>(
    `/batch/${batchId}/status?pageSize=1`,
  );
  expect(status.body.webhook).toEqual({
    status: "delivered",
    attempts: 2,
    lastStatusCode: 204,
    deliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    lastError: null,
  });
  const mine = received.filter((r) => r.body.batchId === batchId);
  expect(mine).toHaveLength(2); // one 500, one success: exactly one delivery task
  for (const r of mine) {
    expect(r.verified).toBe(true);
    expect(r.headers["x-staging-event"]).toBe("batch.completed");
    expect(r.body).toMatchObject({
      event: "batch.completed",
      batchId,
      status: "completed",
      total: 2,
      completed: 1,
      failed: 1,
      cancelled: 0,
    });
  }
  expect(mine[0]!.headers["x-staging-delivery"]).toBe(mine[1]!.headers["x-staging-delivery"]);

  // Redeliver sends the same completion once more (its record starts again at pending). When the
  // redelivery is recorded, the receiver has had exactly three deliveries of that one completion:
  // no other delivery task ran for it, though the batch document kept changing.
  const redeliver = await p.client.post(`/batch/${batchId}/webhook/redeliver`);
  expect(redeliver.status).toBe(202);
  const again = await eventually("the redelivery to be recorded", async () => {
    const w = await webhookOf(batchId);
    return w?.status === "delivered" && w;
  });
  expect(again.attempts).toBe(1);
  const all = received.filter((r) => r.body.batchId === batchId);
  expect(all.map((r) => r.headers["x-staging-delivery"])).toEqual(
    Array(3).fill(mine[0]!.headers["x-staging-delivery"]),
  );
  expect(all.every((r) => r.verified)).toBe(true);
});

test("a refused receiver never blocks the batch; the failure is recorded after the last attempt", async () => {
  const p = await newPartner("Dead receiver partner");
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", {
    images: [{ url: `${sources.url}/rooms/3.jpg` }],
    designStyle: "modern",
    roomType: "kitchen",
    clientName: "Nobody listens",
    callbackUrl: "http://127.0.0.1:9/closed",
  });
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final.status).toBe("completed");
  const hook = await eventually("the webhook to fail for good", async () => {
    const w = await webhookOf(created.body.batchId);
    return w?.status === "failed" && w;
  });
  expect(hook.attempts).toBe(3); // WEBHOOK_MAX_ATTEMPTS in the emulator env
  expect(String(hook.lastError)).toMatch(/ECONNREFUSED|fetch failed|refused/i);
});

test("redeliver without a callbackUrl is 409", async () => {
  const p = await newPartner("No hook partner");
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", {
    images: [{ url: `${sources.url}/rooms/4.jpg` }],
    designStyle: "modern",
    roomType: "kitchen",
    clientName: "Silent",
  });
  await waitFinished(p.client, created.body.batchId);
  const r = await p.client.post<{ code: string }>(
    `/batch/${created.body.batchId}/webhook/redeliver`,
  );
  expect(r.status).toBe(409);
  expect(r.body.code).toBe("no_callback_url");
});
