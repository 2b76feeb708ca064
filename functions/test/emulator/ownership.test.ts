/**
 * Outputs and sources only for their owner (hostile inputs): another partner's gs://
 * path is refused at create time, output links expire and cannot be altered, and uploads say
 * honestly that the emulator has no bucket.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { outputLinkQuery } from "../../src/domain/outputLinkSignature.js";
import {
  allImages,
  countBatchesOf,
  expectAllCompleted,
  newPartner,
  PROJECT_ID,
  submitBatch,
  useSourceServer,
  waitFinished,
} from "./harness.js";

const sources = useSourceServer();
/** OUTPUT_LOCAL_DIR of functions/.env.demo-virtual-staging, seen from functions/. */
const LINK_KEY = fileURLToPath(
  new URL("../../../.runtime/outputs/.link-signing-key", import.meta.url),
);
const BUCKET = `${PROJECT_ID}.appspot.com`;

type ErrorBody = {
  success: boolean;
  code: string;
  details?: { fields?: Array<{ field: string; code: string }> };
};

describe("gs:// sources", () => {
  test.each([
    ["another partner's upload", (other: string) => `gs://${BUCKET}/uploads/${other}/photo.jpg`],
    [
      "another partner's output",
      (other: string) => `gs://${BUCKET}/staged/${other}/b_x/000000.jpg`,
    ],
    ["a dot-segment escape", (_o: string, me: string) => `gs://${BUCKET}/uploads/${me}/../x/a.jpg`],
  ])("%s is refused with 400 url_gcs_path_not_allowed, nothing written", async (_name, url) => {
    const me = await newPartner("gs owner");
    const other = await newPartner("gs victim");
    const before = await countBatchesOf(me.partnerId);
    const r = await me.client.post<ErrorBody>("/batch/staging/create", {
      images: [{ url: url(other.partnerId, me.partnerId) }],
      designStyle: "modern",
      roomType: "bedroom",
      clientName: "Probe",
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_request");
    expect(r.body.details?.fields).toEqual([
      expect.objectContaining({ field: "images.0.url", code: "url_gcs_path_not_allowed" }),
    ]);
    expect(await countBatchesOf(me.partnerId)).toBe(before);
  });
});

describe("uploads", () => {
  test("POST /uploads answers 501 uploads_unavailable where outputs are local (emulator)", async () => {
    const { client } = await newPartner("uploader");
    const r = await client.post<ErrorBody>("/uploads", { contentType: "image/jpeg" });
    expect(r.status).toBe(501);
    expect(r.body.code).toBe("uploads_unavailable");
  });

  test("POST /uploads validates first: 400 for a content type that is not an image", async () => {
    const { client } = await newPartner("uploader");
    const r = await client.post<ErrorBody>("/uploads", { contentType: "text/html" });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_request");
  });
});

describe("output links", () => {
  let link = "";
  let batchId = "";
  let owner: Awaited<ReturnType<typeof newPartner>>;

  beforeAll(async () => {
    owner = await newPartner("link owner");
    batchId = await submitBatch(owner.client, {
      images: [{ url: `${sources().url}/rooms/0.jpg` }],
      designStyle: "modern",
      roomType: "bedroom",
      clientName: "Links",
    });
    await waitFinished(owner.client, batchId);
    await expectAllCompleted(batchId, 1);
    const [img] = await allImages(owner.client, batchId);
    link = img!.outputUrl!;
  });

  test("the status gives an expiring link that works without a key until it expires", async () => {
    const status = await owner.client.get<{
      images: Array<{ outputUrl: string; outputUrlExpiresAt: string }>;
    }>(`/batch/${batchId}/status`);
    const expiresAt = Date.parse(status.body.images[0]!.outputUrlExpiresAt);
    // OUTPUT_URL_TTL_SECONDS is the production default (7 days) in the emulator too.
    expect(Math.abs(expiresAt - (Date.now() + 7 * 24 * 3600 * 1000))).toBeLessThan(60_000);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
  });

  test("a tampered link is 403 output_link_invalid", async () => {
    const url = new URL(link);
    const sig = url.searchParams.get("signature")!;
    const variants = [
      link.replace(
        `signature=${sig}`,
        `signature=${sig.slice(0, -1)}${sig.endsWith("a") ? "b" : "a"}`,
      ),
      link.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`),
      link.replace(`/images/0/output`, `/images/1/output`),
      link.replace(/signature=[0-9a-f]+/, "signature="),
    ];
    for (const v of variants) {
      const r = await fetch(v);
      expect({ v, status: r.status, body: (await r.json()) as ErrorBody }).toMatchObject({
        status: 403,
        body: { code: "output_link_invalid" },
      });
    }
  });

  test("an expired link (correctly signed) is 403 output_link_expired", async () => {
    const key = readFileSync(LINK_KEY);
    const expired = Math.floor(Date.now() / 1000) - 1;
    const url = `${link.split("?")[0]}?${outputLinkQuery(key, { batchId, index: 0, expires: expired })}`;
    const r = await fetch(url);
    expect(r.status).toBe(403);
    expect(((await r.json()) as ErrorBody).code).toBe("output_link_expired");
  });

  test("another partner's key cannot use the keyed route (404)", async () => {
    const stranger = await newPartner("stranger");
    const r = await fetch(link.split("?")[0]!, {
      headers: { authorization: `Bearer ${stranger.apiKey}` },
    });
    expect(r.status).toBe(404);
  });
});
