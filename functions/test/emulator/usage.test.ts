/**
 * GET /usage after a small batch with the gemini engine (fake Gemini server): exact counts of
 * submitted, completed, failed and cached images and the exact cost by model and lane; and the
 * query's 400s.
 */
import { partnerUsage } from "../../tools/partnerUsage.js";
import { type FakeGemini } from "../fakes/fakeGemini.js";
import {
  allImages,
  API_BASE,
  newPartner,
  useFakeGemini,
  waitFinished,
  type SourceServer,
} from "./harness.js";

let sources: SourceServer;
let gemini: FakeGemini;
useFakeGemini((fixtures) => ({ sources, gemini } = fixtures));

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

interface Counts {
  submitted: number;
  completed: number;
  failed: number;
  cached: number;
  costUsd: number;
  byModel: Record<string, Record<string, { images: number; costUsd: number }>>;
}

test("usage counts a batch's submitted, completed, failed and cached images and its cost exactly", async () => {
  const p = await newPartner("Usage partner", { engine: "gemini" });
  const created = await p.client.post<{ batchId: string }>("/batch/staging/create", {
    images: [
      { url: `${sources.url}/rooms/8.jpg` },
      { url: `${sources.url}/rooms/8.jpg` },
      { url: `${sources.url}/rooms/9.jpg` },
      { url: `${sources.url}/rooms/10.jpg?mode=404` },
    ],
    designStyle: "modern",
    roomType: "bedroom",
    clientName: "Usage Realty",
  });
  expect(created.status).toBe(202);
  const { final } = await waitFinished(p.client, created.body.batchId);
  expect(final).toMatchObject({ completed: 3, failed: 1 });
  expect(gemini.calls).toHaveLength(2);
  const images = await allImages(p.client, created.body.batchId);
  const paid = images.filter((i) => i.cached === false).map((i) => i.costUsd as number);
  expect(paid).toHaveLength(2);
  const cost = Math.round((paid[0]! + paid[1]!) * 1e6) / 1e6;

  // Yesterday too, so a run across midnight UTC still sees everything in the total.
  const res = await p.client.get<{ days: Array<Counts & { date: string }>; total: Counts }>(
    `/usage?from=${day(-1)}&to=${day(0)}`,
  );
  expect(res.status).toBe(200);
  expect(res.body.days.map((d) => d.date)).toEqual([day(-1), day(0)]);
  expect(res.body.total).toEqual({
    submitted: 4,
    completed: 3,
    failed: 1,
    cached: 1,
    costUsd: cost,
    byModel: { "gemini-3.1-flash-image": { standard: { images: 2, costUsd: cost } } },
  });

  // The operator's report (npm run partner -- usage --json) has the same numbers.
  const operator = JSON.parse(
    await partnerUsage({ partner: p.partnerId, from: day(-1), to: day(0), json: true }),
  ) as { partners: Array<{ partnerId: string; total: Counts }> };
  expect(operator.partners).toEqual([
    expect.objectContaining({ partnerId: p.partnerId, total: res.body.total }),
  ]);

  // Another partner sees none of it.
  const other = await newPartner("Usage stranger", { engine: "gemini" });
  const theirs = await other.client.get<{ total: Counts }>(`/usage?from=${day(-1)}&to=${day(0)}`);
  expect(theirs.body.total).toMatchObject({ submitted: 0, completed: 0, costUsd: 0 });
});

test("bad dates and too long a range are 400 invalid_request with the field", async () => {
  const p = await newPartner("Usage validation");
  const bad = await p.client.get<{ code: string; details: { fields: unknown[] } }>(
    "/usage?from=2026-02-30&to=2026-03-01",
  );
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe("invalid_request");
  expect(bad.body.details.fields).toEqual([
    { field: "from", code: "invalid_date", message: "from must be a date YYYY-MM-DD (UTC)" },
  ]);
  const long = await p.client.get<{ code: string; details: { fields: Array<{ code: string }> } }>(
    "/usage?from=2026-01-01&to=2026-06-01",
  );
  expect(long.status).toBe(400);
  expect(long.body.details.fields[0]!.code).toBe("range_too_long");
  const anonymous = await fetch(`${API_BASE}/usage?from=2026-01-01&to=2026-01-02`);
  expect(anonymous.status).toBe(401);
});
