/** Bad input: 4xx with a stable code, and nothing written. Auth and partner isolation. */
import {
  ApiClient,
  API_BASE,
  countBatchesOf,
  getDb,
  newPartner,
  useSourceServer,
} from "./harness.js";

const sources = useSourceServer();
let partner: Awaited<ReturnType<typeof newPartner>>;
beforeAll(async () => {
  partner = await newPartner("Validation partner");
});

const good = () => ({
  images: [{ url: `${sources().url}/rooms/1.jpg` }],
  designStyle: "modern",
  roomType: "bedroom",
  clientName: "Valid Client",
});

const cases: Array<[string, () => unknown, string, string?]> = [
  [
    "url without a host",
    () => ({ ...good(), images: [{ url: "https://" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url with a space in the host",
    () => ({ ...good(), images: [{ url: "https://exa mple.com/a.jpg" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "metadata server as callbackUrl",
    () => ({ ...good(), callbackUrl: "http://169.254.169.254/latest/meta-data/" }),
    "invalid_request",
    "callbackUrl",
  ],
  ["image entry is null", () => ({ ...good(), images: [null] }), "invalid_request", "images.0"],
  ["empty object", () => ({}), "invalid_request", "images"],
  ["images missing", () => ({ ...good(), images: undefined }), "invalid_request", "images"],
  ["images empty", () => ({ ...good(), images: [] }), "invalid_request", "images"],
  [
    "images not array",
    () => ({ ...good(), images: "http://x/y.jpg" }),
    "invalid_request",
    "images",
  ],
  [
    "image is a string",
    () => ({ ...good(), images: ["http://x/y.jpg"] }),
    "invalid_request",
    "images.0",
  ],
  ["image without url", () => ({ ...good(), images: [{}] }), "invalid_request", "images.0.url"],
  [
    "url is a number",
    () => ({ ...good(), images: [{ url: 42 }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url not a URL",
    () => ({ ...good(), images: [{ url: "not a url" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url ftp",
    () => ({ ...good(), images: [{ url: "ftp://example.com/a.jpg" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url javascript",
    () => ({ ...good(), images: [{ url: "javascript:alert(1)" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url file",
    () => ({ ...good(), images: [{ url: "file:///etc/passwd" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url data",
    () => ({ ...good(), images: [{ url: "data:image/png;base64,AAAA" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url with credentials",
    () => ({ ...good(), images: [{ url: "https://user:pw@example.com/a.jpg" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url too long",
    () => ({ ...good(), images: [{ url: `https://example.com/${"a".repeat(2100)}` }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "unknown image field",
    () => ({ ...good(), images: [{ url: "https://example.com/a.jpg", color: "red" }] }),
    "invalid_request",
    "images.0.color",
  ],
  [
    "propertyCode too long",
    () => ({
      ...good(),
      images: [{ url: "https://example.com/a.jpg", propertyCode: "x".repeat(101) }],
    }),
    "invalid_request",
    "images.0.propertyCode",
  ],
  [
    "propertyCode markup",
    () => ({ ...good(), images: [{ url: "https://example.com/a.jpg", propertyCode: "<script>" }] }),
    "invalid_request",
    "images.0.propertyCode",
  ],
  [
    "designStyle unknown",
    () => ({ ...good(), designStyle: "baroque-disco" }),
    "invalid_request",
    "designStyle",
  ],
  [
    "designStyle missing",
    () => ({ ...good(), designStyle: undefined }),
    "invalid_request",
    "designStyle",
  ],
  ["roomType unknown", () => ({ ...good(), roomType: "dungeon" }), "invalid_request", "roomType"],
  ["roomType number", () => ({ ...good(), roomType: 3 }), "invalid_request", "roomType"],
  ["priority unknown", () => ({ ...good(), priority: "urgent" }), "invalid_request", "priority"],
  [
    "clientName missing",
    () => ({ ...good(), clientName: undefined }),
    "invalid_request",
    "clientName",
  ],
  ["clientName empty", () => ({ ...good(), clientName: "   " }), "invalid_request", "clientName"],
  [
    "clientName too long",
    () => ({ ...good(), clientName: "n".repeat(201) }),
    "invalid_request",
    "clientName",
  ],
  [
    "clientName bidi override",
    () => ({ ...good(), clientName: "abc\u202edcba" }),
    "invalid_request",
    "clientName",
  ],
  [
    "callbackUrl not a URL",
    () => ({ ...good(), callbackUrl: "call me" }),
    "invalid_request",
    "callbackUrl",
  ],
  [
    "callbackUrl ftp",
    () => ({ ...good(), callbackUrl: "ftp://example.com/hook" }),
    "invalid_request",
    "callbackUrl",
  ],
  ["unknown top-level field", () => ({ ...good(), admin: true }), "invalid_request", "admin"],
  [
    "__proto__ key",
    () =>
      `{"images":[{"url":"https://example.com/a.jpg"}],"designStyle":"modern","roomType":"bedroom","clientName":"x","__proto__":{"admin":true}}`,
    "invalid_request",
  ],
  ["body is an array", () => [good()], "invalid_request"],
  [
    "too deep",
    () => ({
      ...good(),
      images: [{ url: "https://example.com/a.jpg", propertyCode: undefined }],
      x: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } },
    }),
    "invalid_request",
  ],
  [
    "duplicated top-level key",
    () =>
      `{"images":[{"url":"https://example.com/a.jpg"}],"designStyle":"modern","designStyle":"bedroom","roomType":"bedroom","clientName":"x"}`,
    "invalid_request",
    "designStyle",
  ],
  [
    "duplicated key inside an image",
    () =>
      `{"images":[{"url":"https://example.com/a.jpg","url":"http://169.254.169.254/"}],"designStyle":"modern","roomType":"bedroom","clientName":"x"}`,
    "invalid_request",
    "url",
  ],
  [
    "constructor key",
    () =>
      `{"images":[{"url":"https://example.com/a.jpg"}],"designStyle":"modern","roomType":"bedroom","clientName":"x","constructor":{"prototype":{"admin":true}}}`,
    "invalid_request",
  ],
  [
    "__proto__ inside an image",
    () =>
      `{"images":[{"url":"https://example.com/a.jpg","__proto__":{"polluted":1}}],"designStyle":"modern","roomType":"bedroom","clientName":"x"}`,
    "invalid_request",
  ],
  [
    "homoglyph designStyle (Cyrillic e)",
    () => ({ ...good(), designStyle: "mod\u0435rn" }),
    "invalid_request",
    "designStyle",
  ],
  [
    "designStyle with trailing space",
    () => ({ ...good(), designStyle: "modern " }),
    "invalid_request",
    "designStyle",
  ],
  [
    "designStyle upper case",
    () => ({ ...good(), designStyle: "MODERN" }),
    "invalid_request",
    "designStyle",
  ],
  [
    "zero-width space in clientName",
    () => ({ ...good(), clientName: "Ac\u200bme" }),
    "invalid_request",
    "clientName",
  ],
  [
    "NUL in clientName",
    () => ({ ...good(), clientName: "Acme\u0000Corp" }),
    "invalid_request",
    "clientName",
  ],
  [
    "newline in propertyCode",
    () => ({ ...good(), images: [{ url: "https://example.com/a.jpg", propertyCode: "A\nB" }] }),
    "invalid_request",
    "images.0.propertyCode",
  ],
  ["images is null", () => ({ ...good(), images: null }), "invalid_request", "images"],
  [
    "images nested arrays",
    () => ({ ...good(), images: [[{ url: "https://example.com/a.jpg" }]] }),
    "invalid_request",
    "images.0",
  ],
  [
    "clientName is an object",
    () => ({ ...good(), clientName: { first: "A" } }),
    "invalid_request",
    "clientName",
  ],
  ["priority is a number", () => ({ ...good(), priority: 1 }), "invalid_request", "priority"],
  [
    "designStyle is an array",
    () => ({ ...good(), designStyle: ["modern"] }),
    "invalid_request",
    "designStyle",
  ],
  [
    "url to the metadata server",
    () => ({ ...good(), images: [{ url: "http://169.254.169.254/computeMetadata/v1/" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "url to metadata.google.internal",
    () => ({ ...good(), images: [{ url: "https://metadata.google.internal/a.jpg" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "gs:// of another bucket",
    () => ({ ...good(), images: [{ url: "gs://someone-elses-bucket/a.jpg" }] }),
    "invalid_request",
    "images.0.url",
  ],
  [
    "10,001 images",
    () => ({
      ...good(),
      images: Array.from({ length: 10001 }, (_, i) => ({ url: `https://example.com/${i}.jpg` })),
    }),
    "invalid_request",
    "images",
  ],
];

describe("malformed create bodies", () => {
  const table = cases.map(([name, body, code, field]) => ({ name, body, code, field }));
  test.each(table)("$name -> 400 $code, nothing written", async ({ body, code, field }) => {
    const before = await countBatchesOf(partner.partnerId);
    const r = await partner.client.post<{
      success: boolean;
      code: string;
      error: string;
      details?: { fields: Array<{ field: string; code: string }> };
    }>("/batch/staging/create", body());
    expect(r.status).toBe(400);
    expect(r.body.success).toBe(false);
    expect(r.body.code).toBe(code);
    expect(r.body.error.length).toBeGreaterThan(5);
    if (field) expect(r.body.details?.fields.map((f) => f.field)).toContain(field);
    expect(await countBatchesOf(partner.partnerId)).toBe(before);
  });

  test("the table has at least 40 hostile bodies", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test("a body over 8 MiB is refused (413 from the API, or the platform's own limit), nothing written", async () => {
    const before = await countBatchesOf(partner.partnerId);
    const big = {
      ...good(),
      images: Array.from({ length: 9000 }, (_, i) => ({
        url: `https://example.com/${"x".repeat(1000)}/${i}.jpg`,
      })),
    };
    const r = await partner.client.post<{ code?: string }>("/batch/staging/create", big);
    expect(r.status).toBe(413);
    expect(await countBatchesOf(partner.partnerId)).toBe(before);
  });

  test.each(["42", "null", "true"])(
    "a top-level %s is refused by the platform's body parser, nothing written",
    async (text) => {
      const before = await countBatchesOf(partner.partnerId);
      const r = await partner.client.post("/batch/staging/create", text);
      expect(r.status).toBe(400);
      expect(await countBatchesOf(partner.partnerId)).toBe(before);
    },
  );

  test("a top-level JSON string is refused by the platform's body parser (documented), nothing written", async () => {
    const before = await countBatchesOf(partner.partnerId);
    const r = await partner.client.post("/batch/staging/create", JSON.stringify("hello"));
    expect(r.status).toBe(400);
    expect(await countBatchesOf(partner.partnerId)).toBe(before);
  });

  test("a body that is not JSON content is 415", async () => {
    const res = await fetch(`${API_BASE}/batch/staging/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${partner.apiKey}`, "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe("unsupported_media_type");
  });

  test("invalid query parameters on status are 400", async () => {
    const r = await partner.client.get<{ code: string }>("/batch/some-id/status?pageSize=5000");
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_request");
  });
});

describe("authentication and isolation", () => {
  test("missing, malformed and unknown keys are 401", async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Basic abc" },
      { authorization: "Bearer short" },
      { authorization: `Bearer vsk_${"A".repeat(43)}` },
    ]) {
      const res = await fetch(`${API_BASE}/batch`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe("unauthenticated");
    }
    const anon = new ApiClient(API_BASE);
    expect((await anon.post("/batch/staging/create", good())).status).toBe(401);
  });

  test("another partner's batch is 404 on every route", async () => {
    const other = await newPartner("Other partner");
    const created = await partner.client.post<{ batchId: string }>("/batch/staging/create", good());
    expect(created.status).toBe(202);
    const id = created.body.batchId;
    for (const [method, path] of [
      ["GET", `/batch/${id}/status`],
      ["POST", `/batch/${id}/retry-failed`],
      ["POST", `/batch/${id}/cancel`],
      ["GET", `/batch/${id}/images/0/output`],
    ] as const) {
      const r = await other.client.request<{ code: string }>(
        method,
        path,
        method === "POST" ? {} : undefined,
      );
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    const list = await other.client.get<{ batches: Array<{ batchId: string }> }>("/batch");
    expect(list.body.batches.map((b) => b.batchId)).not.toContain(id);
    const mine = await partner.client.get<{ batches: Array<{ batchId: string }> }>("/batch");
    expect(mine.body.batches.map((b) => b.batchId)).toContain(id);
  });

  test("the API never stores a clear API key", async () => {
    const keys = await getDb()
      .collection("apiKeys")
      .where("partnerId", "==", partner.partnerId)
      .get();
    expect(keys.size).toBe(1);
    expect(keys.docs[0]!.id).not.toContain(partner.apiKey);
    expect(JSON.stringify(keys.docs[0]!.data())).not.toContain(partner.apiKey);
  });
});
