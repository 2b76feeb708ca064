import { describe, expect, it, test } from "@jest/globals";
import type { FieldIssue } from "../../../src/domain/domainError.js";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "../../../src/domain/catalog.js";
import {
  MAX_CLIENT_NAME_LENGTH,
  MAX_IMAGES_PER_REQUEST,
  MAX_PROPERTY_CODE_LENGTH,
  MAX_URL_LENGTH,
  type UrlRules,
  validateCreateRequest,
} from "../../../src/domain/createRequest.js";

const RULES: UrlRules = { allowHttp: false, allowPrivateHosts: false, gcsBucket: "demo-bucket" };

const GOOD_URL = "https://photos.example.com/listing/1/living.jpg";

type Body = Record<string, unknown>;

/** The smallest valid body. A fresh object every time, so rows cannot leak into each other. */
const valid = (): Body => ({
  images: [{ url: GOOD_URL }],
  designStyle: "modern",
  roomType: "living_room",
  clientName: "Acme Realty",
});

const withBody = (over: Body): Body => ({ ...valid(), ...over });
const without = (key: string): Body => {
  const b = valid();
  delete b[key];
  return b;
};
const withImages = (...images: unknown[]): Body => withBody({ images });
const withUrl = (url: string): Body => withImages({ url });
/** Four good images and a bad one at index 3 (checks the reported path). */
const withUrlAt3 = (url: unknown): Body =>
  withImages({ url: GOOD_URL }, { url: GOOD_URL }, { url: GOOD_URL }, { url }, { url: GOOD_URL });
const urlOfLength = (n: number) => {
  const prefix = "https://photos.example.com/";
  return prefix + "a".repeat(n - prefix.length);
};

/** Parses a body after replacing a marker, so "__proto__" becomes a real own key. */
const parsedWith = (json: string): unknown => JSON.parse(json) as unknown;
const validJson = JSON.stringify(valid());

type Row = [name: string, body: unknown, field: string, code: string];

const hostile: Row[] = [
  // --- The body itself ---
  ["array body", [valid()], "", "invalid_type"],
  ["null body", null, "", "invalid_type"],
  ["string body", validJson, "", "invalid_type"],
  ["number body", 42, "", "invalid_type"],
  ["boolean body", true, "", "invalid_type"],
  ["undefined body", undefined, "", "invalid_type"],
  ["empty object", {}, "images", "invalid_type"],

  // --- Missing fields ---
  ["missing images", without("images"), "images", "invalid_type"],
  ["missing designStyle", without("designStyle"), "designStyle", "invalid_value"],
  ["missing roomType", without("roomType"), "roomType", "invalid_value"],
  ["missing clientName", without("clientName"), "clientName", "invalid_type"],
  ["image without url", withImages({ propertyCode: "A1" }), "images.0.url", "invalid_type"],

  // --- Wrong types for every field ---
  ["images is a string", withBody({ images: GOOD_URL }), "images", "invalid_type"],
  ["images is an object", withBody({ images: { 0: { url: GOOD_URL } } }), "images", "invalid_type"],
  ["images is null", withBody({ images: null }), "images", "invalid_type"],
  [
    "images is JSON text",
    withBody({ images: JSON.stringify([{ url: GOOD_URL }]) }),
    "images",
    "invalid_type",
  ],
  ["image entry is a string", withImages(GOOD_URL), "images.0", "invalid_type"],
  ["image entry is null", withImages(null), "images.0", "invalid_type"],
  ["image entry is an array", withImages([GOOD_URL]), "images.0", "invalid_type"],
  ["image entry is a number", withImages({ url: GOOD_URL }, 7), "images.1", "invalid_type"],
  ["url is a number", withUrlAt3(12345), "images.3.url", "invalid_type"],
  ["url is an object", withUrlAt3({ href: GOOD_URL }), "images.3.url", "invalid_type"],
  ["url is null", withUrlAt3(null), "images.3.url", "invalid_type"],
  [
    "propertyCode is a number",
    withImages({ url: GOOD_URL, propertyCode: 42 }),
    "images.0.propertyCode",
    "invalid_type",
  ],
  [
    "propertyCode is null",
    withImages({ url: GOOD_URL, propertyCode: null }),
    "images.0.propertyCode",
    "invalid_type",
  ],
  ["designStyle is a number", withBody({ designStyle: 1 }), "designStyle", "invalid_value"],
  [
    "designStyle is an array",
    withBody({ designStyle: ["modern"] }),
    "designStyle",
    "invalid_value",
  ],
  ["roomType is null", withBody({ roomType: null }), "roomType", "invalid_value"],
  ["clientName is a number", withBody({ clientName: 123 }), "clientName", "invalid_type"],
  ["clientName is an array", withBody({ clientName: ["Acme"] }), "clientName", "invalid_type"],
  ["priority is a number", withBody({ priority: 1 }), "priority", "invalid_value"],
  ["priority is null", withBody({ priority: null }), "priority", "invalid_value"],
  ["priority is a boolean", withBody({ priority: true }), "priority", "invalid_value"],
  ["callbackUrl is a number", withBody({ callbackUrl: 443 }), "callbackUrl", "invalid_type"],
  ["callbackUrl is null", withBody({ callbackUrl: null }), "callbackUrl", "invalid_type"],
  [
    "callbackUrl is an object",
    withBody({ callbackUrl: { url: "https://h.example/x" } }),
    "callbackUrl",
    "invalid_type",
  ],

  // --- Array sizes ---
  ["empty images", withBody({ images: [] }), "images", "too_short"],
  [
    "10,001 images",
    withBody({
      images: Array.from({ length: MAX_IMAGES_PER_REQUEST + 1 }, () => ({ url: GOOD_URL })),
    }),
    "images",
    "too_long",
  ],

  // --- Unknown fields, prototype keys ---
  ["unknown top-level field", withBody({ webhookSecret: "x" }), "webhookSecret", "unknown_field"],
  ["unknown top-level field: status", withBody({ status: "completed" }), "status", "unknown_field"],
  [
    "unknown image field",
    withImages({ url: GOOD_URL, width: 1024 }),
    "images.0.width",
    "unknown_field",
  ],
  [
    "unknown field on 4th image",
    withImages(
      { url: GOOD_URL },
      { url: GOOD_URL },
      { url: GOOD_URL },
      { url: GOOD_URL, isAdmin: true },
    ),
    "images.3.isAdmin",
    "unknown_field",
  ],
  [
    "top-level __proto__ (JSON.parse)",
    parsedWith(validJson.replace("{", '{"__proto__":{"isAdmin":true},')),
    "__proto__",
    "unknown_field",
  ],
  [
    "top-level constructor (JSON.parse)",
    parsedWith(validJson.replace("{", '{"constructor":{"prototype":{"x":1}},')),
    "constructor",
    "unknown_field",
  ],
  [
    "nested __proto__ in an image (JSON.parse)",
    parsedWith(validJson.replace('{"url"', '{"__proto__":{"x":1},"url"')),
    "images.0.__proto__",
    "unknown_field",
  ],

  // --- Enums ---
  ["unknown designStyle", withBody({ designStyle: "gothic" }), "designStyle", "invalid_value"],
  [
    "designStyle with wrong case",
    withBody({ designStyle: "Modern" }),
    "designStyle",
    "invalid_value",
  ],
  [
    "designStyle with padding",
    withBody({ designStyle: " modern " }),
    "designStyle",
    "invalid_value",
  ],
  [
    "designStyle is a label, not an id",
    withBody({ designStyle: "Mid-century modern" }),
    "designStyle",
    "invalid_value",
  ],
  ["unknown roomType", withBody({ roomType: "garage" }), "roomType", "invalid_value"],
  ["roomType empty", withBody({ roomType: "" }), "roomType", "invalid_value"],
  ["unknown priority", withBody({ priority: "urgent" }), "priority", "invalid_value"],
  ["priority upper case", withBody({ priority: "HIGH" }), "priority", "invalid_value"],

  // --- clientName ---
  [
    "clientName over 200 chars",
    withBody({ clientName: "a".repeat(MAX_CLIENT_NAME_LENGTH + 1) }),
    "clientName",
    "too_long",
  ],
  ["clientName empty", withBody({ clientName: "" }), "clientName", "too_short"],
  ["clientName only spaces", withBody({ clientName: "     " }), "clientName", "too_short"],
  [
    "clientName only tabs/newlines",
    withBody({ clientName: "\t\n \r\n" }),
    "clientName",
    "too_short",
  ],
  [
    "clientName with U+202E (RLO)",
    withBody({ clientName: "Acme \u202Egpj.exe" }),
    "clientName",
    "invalid_value",
  ],
  [
    "clientName with U+2066 (LRI)",
    withBody({ clientName: "Acme\u2066Realty" }),
    "clientName",
    "invalid_value",
  ],
  [
    "clientName with U+200B (ZWSP)",
    withBody({ clientName: "Ac\u200Bme" }),
    "clientName",
    "invalid_value",
  ],
  [
    "clientName with a BOM",
    withBody({ clientName: "Acme\uFEFFRealty" }),
    "clientName",
    "invalid_value",
  ],
  ["clientName with NUL", withBody({ clientName: "Acme\u0000" }), "clientName", "invalid_value"],
  [
    "clientName with an inner newline",
    withBody({ clientName: "Acme\nINFO forged log line" }),
    "clientName",
    "invalid_value",
  ],
  [
    "clientName with ESC (ANSI)",
    withBody({ clientName: "Acme\u001b[31mRed" }),
    "clientName",
    "invalid_value",
  ],
  ["clientName with DEL", withBody({ clientName: "Acme\u007f" }), "clientName", "invalid_value"],

  // --- propertyCode ---
  [
    "propertyCode over 100 chars",
    withImages({ url: GOOD_URL, propertyCode: "A".repeat(MAX_PROPERTY_CODE_LENGTH + 1) }),
    "images.0.propertyCode",
    "too_long",
  ],
  [
    "propertyCode with <script>",
    withImages({ url: GOOD_URL, propertyCode: "<script>alert(1)</script>" }),
    "images.0.propertyCode",
    "invalid_format",
  ],
  [
    "propertyCode with inner newline",
    withImages({ url: GOOD_URL, propertyCode: "A1\nB2" }),
    "images.0.propertyCode",
    "invalid_format",
  ],
  [
    "propertyCode CSV formula",
    withImages({ url: GOOD_URL, propertyCode: "=HYPERLINK(1)" }),
    "images.0.propertyCode",
    "invalid_format",
  ],
  [
    "propertyCode with quote",
    withImages({ url: GOOD_URL, propertyCode: 'A"1' }),
    "images.0.propertyCode",
    "invalid_format",
  ],
  [
    "propertyCode with U+202E",
    withImages({ url: GOOD_URL, propertyCode: "A\u202E1" }),
    "images.0.propertyCode",
    "invalid_format",
  ],
  [
    "propertyCode empty",
    withImages({ url: GOOD_URL, propertyCode: "" }),
    "images.0.propertyCode",
    "too_short",
  ],
  [
    "propertyCode only spaces",
    withImages({ url: GOOD_URL, propertyCode: "   " }),
    "images.0.propertyCode",
    "too_short",
  ],

  // --- Source URLs: schema ---
  ["url empty", withUrlAt3(""), "images.3.url", "too_short"],
  ["url over 2048 chars", withUrlAt3(urlOfLength(MAX_URL_LENGTH + 1)), "images.3.url", "too_long"],

  // --- Source URLs: policy ---
  ["url not a URL", withUrlAt3("not a url"), "images.3.url", "url_invalid"],
  ["url relative path", withUrl("/photos/a.jpg"), "images.0.url", "url_invalid"],
  ["url only whitespace", withUrl("   "), "images.0.url", "too_short"],
  [
    "url javascript:",
    withUrlAt3("javascript:alert(document.cookie)"),
    "images.3.url",
    "url_scheme_not_allowed",
  ],
  [
    "url data:",
    withUrl("data:image/png;base64,iVBORw0KGgo="),
    "images.0.url",
    "url_scheme_not_allowed",
  ],
  ["url file:", withUrl("file:///etc/passwd"), "images.0.url", "url_scheme_not_allowed"],
  ["url ftp:", withUrl("ftp://photos.example.com/a.jpg"), "images.0.url", "url_scheme_not_allowed"],
  [
    "url http: (allowHttp false)",
    withUrlAt3("http://photos.example.com/a.jpg"),
    "images.3.url",
    "url_scheme_not_allowed",
  ],
  [
    "url with user:pass",
    withUrl("https://user:secret@photos.example.com/a.jpg"), // secretlint-disable-line -- a fake credential the policy refuses
    "images.0.url",
    "url_invalid",
  ],
  [
    "url with user only",
    withUrl("https://admin@photos.example.com/a.jpg"),
    "images.0.url",
    "url_invalid",
  ],
  [
    "url with a control character",
    withUrl("https://photos.example.com/a\u0000.jpg"),
    "images.0.url",
    "url_invalid",
  ],
  ["url 10.x private IP", withUrl("https://10.0.0.5/a.jpg"), "images.0.url", "url_private_address"],
  [
    "url 192.168.x private IP",
    withUrl("https://192.168.1.20/a.jpg"),
    "images.0.url",
    "url_private_address",
  ],
  [
    "url 172.16.x private IP",
    withUrl("https://172.16.0.1/a.jpg"),
    "images.0.url",
    "url_private_address",
  ],
  ["url loopback IP", withUrl("https://127.0.0.1/a.jpg"), "images.0.url", "url_private_address"],
  [
    "url loopback as decimal",
    withUrl("https://2130706433/a.jpg"),
    "images.0.url",
    "url_private_address",
  ],
  ["url IPv6 loopback", withUrl("https://[::1]/a.jpg"), "images.0.url", "url_private_address"],
  [
    "url metadata IP",
    withUrlAt3("https://169.254.169.254/computeMetadata/v1/"),
    "images.3.url",
    "url_private_address",
  ],
  [
    "url metadata host",
    withUrl("https://metadata.google.internal/computeMetadata/v1/"),
    "images.0.url",
    "url_private_host",
  ],
  ["url localhost", withUrl("https://localhost/a.jpg"), "images.0.url", "url_private_host"],
  [
    "url localhost with port",
    withUrl("https://localhost:8080/a.jpg"),
    "images.0.url",
    "url_private_host",
  ],
  [
    "url single-label intranet host",
    withUrl("https://intranet/a.jpg"),
    "images.0.url",
    "url_private_host",
  ],
  [
    "url odd port",
    withUrl("https://photos.example.com:22/a.jpg"),
    "images.0.url",
    "url_port_not_allowed",
  ],
  [
    "gs:// of another bucket",
    withUrlAt3("gs://other-bucket/x.jpg"),
    "images.3.url",
    "url_bucket_not_allowed",
  ],
  ["gs:// bucket without object", withUrl("gs://demo-bucket/"), "images.0.url", "url_invalid"],

  // --- callbackUrl ---
  [
    "callbackUrl http:",
    withBody({ callbackUrl: "http://hooks.example.com/vs" }),
    "callbackUrl",
    "url_scheme_not_allowed",
  ],
  [
    "callbackUrl private IP",
    withBody({ callbackUrl: "https://10.1.2.3/hook" }),
    "callbackUrl",
    "url_private_address",
  ],
  [
    "callbackUrl metadata IP",
    withBody({ callbackUrl: "https://169.254.169.254/hook" }),
    "callbackUrl",
    "url_private_address",
  ],
  [
    "callbackUrl localhost",
    withBody({ callbackUrl: "https://localhost/hook" }),
    "callbackUrl",
    "url_private_host",
  ],
  [
    "callbackUrl gs:// (never allowed)",
    withBody({ callbackUrl: "gs://demo-bucket/hook" }),
    "callbackUrl",
    "url_scheme_not_allowed",
  ],
  [
    "callbackUrl javascript:",
    withBody({ callbackUrl: "javascript:alert(1)" }),
    "callbackUrl",
    "url_scheme_not_allowed",
  ],
  [
    "callbackUrl with credentials",
    withBody({ callbackUrl: "https://u:p@hooks.example.com/" }),
    "callbackUrl",
    "url_invalid",
  ],
  [
    "callbackUrl over 2048 chars",
    withBody({ callbackUrl: urlOfLength(MAX_URL_LENGTH + 1) }),
    "callbackUrl",
    "too_long",
  ],
  ["callbackUrl empty", withBody({ callbackUrl: "" }), "callbackUrl", "url_invalid"],
];

function issuesOf(body: unknown, rules: UrlRules = RULES): FieldIssue[] {
  const r = validateCreateRequest(body, rules);
  if (r.ok) throw new Error(`expected the body to be refused, but it was accepted`);
  return r.issues;
}

describe("validateCreateRequest: hostile and malformed bodies", () => {
  it("has a big enough table", () => {
    expect(hostile.length).toBeGreaterThanOrEqual(45);
    expect(new Set(hostile.map((r) => r[0])).size).toBe(hostile.length); // unique names
  });

  test.each(hostile)("%s => %s %s", (_name, body, field, code) => {
    const r = validateCreateRequest(body, RULES);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues).toContainEqual(expect.objectContaining({ field, code }));
    for (const issue of r.issues) {
      expect(typeof issue.field).toBe("string");
      expect(typeof issue.code).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });

  it("a non-object body reports exactly one issue on the empty path", () => {
    for (const body of [null, [], "x", 1, undefined]) {
      expect(issuesOf(body)).toEqual([
        { field: "", code: "invalid_type", message: "The body must be a JSON object" },
      ]);
    }
  });

  it("a JSON-parsed __proto__ key is refused and does not reach the value or Object.prototype", () => {
    const body = parsedWith(validJson.replace("{", '{"__proto__":{"polluted":"yes"},'));
    const issues = issuesOf(body);
    expect(issues).toEqual([
      expect.objectContaining({ field: "__proto__", code: "unknown_field" }),
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports every problem of a body with several bad fields, each on its own path", () => {
    const issues = issuesOf({
      images: [{ url: GOOD_URL }, { url: 5 }, { url: GOOD_URL, propertyCode: "<b>" }],
      designStyle: "gothic",
      roomType: "living_room",
      clientName: "",
      extra: 1,
    });
    const fields = issues.map((i) => `${i.field}:${i.code}`).sort();
    expect(fields).toEqual(
      [
        "images.1.url:invalid_type",
        "images.2.propertyCode:invalid_format",
        "designStyle:invalid_value",
        "clientName:too_short",
        "extra:unknown_field",
      ].sort(),
    );
  });

  it("field paths are dotted with numeric indexes, like images.3.url", () => {
    const images = Array.from({ length: 12 }, (_, i) => ({
      url: i === 3 || i === 11 ? "http://photos.example.com/a.jpg" : GOOD_URL,
    }));
    const issues = issuesOf(withBody({ images }));
    expect(issues.map((i) => i.field)).toEqual(["images.3.url", "images.11.url"]);
    for (const i of issues) expect(i.field).toMatch(/^images\.\d+\.url$/);
  });

  it("reports at most 50 issues for 10,000 bad URLs (policy stage), the first 50 in order", () => {
    const images = Array.from({ length: MAX_IMAGES_PER_REQUEST }, (_, i) => ({
      url: `http://photos.example.com/${i}.jpg`,
    }));
    const issues = issuesOf(withBody({ images }));
    expect(issues).toHaveLength(50);
    expect(issues.map((i) => i.field)).toEqual(
      Array.from({ length: 50 }, (_, i) => `images.${i}.url`),
    );
    expect(issues.every((i) => i.code === "url_scheme_not_allowed")).toBe(true);
  });

  it("reports at most 50 issues for 10,000 bad URLs (schema stage)", () => {
    const images = Array.from({ length: MAX_IMAGES_PER_REQUEST }, () => ({ url: "" }));
    const issues = issuesOf(withBody({ images }));
    expect(issues).toHaveLength(50);
    expect(issues[0]).toMatchObject({ field: "images.0.url", code: "too_short" });
    expect(issues[49]).toMatchObject({ field: "images.49.url", code: "too_short" });
  });

  // The callbackUrl is checked after the images: the cap must hold across both.
  test("never reports more than 50 issues, even with a bad callbackUrl too", () => {
    const images = Array.from({ length: MAX_IMAGES_PER_REQUEST }, (_, i) => ({
      url: `http://photos.example.com/${i}.jpg`,
    }));
    const issues = issuesOf(withBody({ images, callbackUrl: "http://hooks.example.com/x" }));
    expect(issues).toHaveLength(50);
  });

  // U+009B is the 8-bit CSI (an ANSI escape introducer in many terminals and log viewers);
  // U+0085 is NEL (a line break): C1 controls are refused like C0 ones and DEL.
  test("refuses C1 control characters (U+0085 NEL, U+009B CSI) in clientName", () => {
    for (const clientName of ["Acme\u0085INFO forged", "Acme\u009b31mRed"]) {
      expect(issuesOf(withBody({ clientName }))).toContainEqual(
        expect.objectContaining({ field: "clientName", code: "invalid_value" }),
      );
    }
  });
});

describe("validateCreateRequest: accepted bodies", () => {
  function accept(body: unknown, rules: UrlRules = RULES) {
    const r = validateCreateRequest(body, rules);
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.issues)}`);
    return r.value;
  }

  it("accepts the minimal body, defaults priority to normal and propertyCode to IMG-1", () => {
    const v = accept(valid());
    expect(v).toEqual({
      images: [{ url: GOOD_URL, propertyCode: "IMG-1" }],
      designStyle: "modern",
      roomType: "living_room",
      clientName: "Acme Realty",
      priority: "normal",
    });
    expect(v).not.toHaveProperty("callbackUrl");
  });

  it("keeps priority high and a valid https callbackUrl", () => {
    const v = accept(
      withBody({ priority: "high", callbackUrl: "https://hooks.example.com/vs?x=1" }),
    );
    expect(v.priority).toBe("high");
    expect(v.callbackUrl).toBe("https://hooks.example.com/vs?x=1");
  });

  it("defaults a missing propertyCode to IMG-{n}, n 1-based, and keeps the ones sent", () => {
    const v = accept(
      withImages({ url: GOOD_URL }, { url: GOOD_URL, propertyCode: "A-7" }, { url: GOOD_URL }),
    );
    expect(v.images.map((i) => i.propertyCode)).toEqual(["IMG-1", "A-7", "IMG-3"]);
  });

  it("trims clientName and propertyCode", () => {
    const v = accept(
      withBody({
        clientName: "  Acme Realty \n",
        images: [{ url: GOOD_URL, propertyCode: "  A-12 / 3 (north)  " }],
      }),
    );
    expect(v.clientName).toBe("Acme Realty");
    expect(v.images[0]!.propertyCode).toBe("A-12 / 3 (north)");
  });

  it("accepts unicode letters and digits in propertyCode and clientName", () => {
    const v = accept(
      withBody({
        clientName: "Immobilien Müller & Söhne – Zürich",
        images: [{ url: GOOD_URL, propertyCode: "Büro 3.2, Nr. #5: 東京_1" }],
      }),
    );
    expect(v.images[0]!.propertyCode).toBe("Büro 3.2, Nr. #5: 東京_1");
  });

  it("accepts gs:// URLs of the project's own bucket", () => {
    const v = accept(withUrl("gs://demo-bucket/x.jpg"));
    expect(v.images[0]!.url).toBe("gs://demo-bucket/x.jpg");
  });

  it("accepts the allowed explicit ports and public IPs", () => {
    accept(withUrl("https://photos.example.com:8443/a.jpg"));
    accept(withUrl("https://8.8.8.8/a.jpg"));
  });

  it("accepts http when allowHttp is true (and only then)", () => {
    const body = withUrl("http://photos.example.com/a.jpg");
    accept(body, { ...RULES, allowHttp: true });
    expect(validateCreateRequest(body, RULES).ok).toBe(false);
    accept(withBody({ callbackUrl: "http://hooks.example.com/" }), { ...RULES, allowHttp: true });
  });

  it("accepts localhost and private IPs when allowPrivateHosts is true (and only then)", () => {
    const rules = { ...RULES, allowPrivateHosts: true };
    for (const url of [
      "https://localhost/a.jpg",
      "https://localhost:9199/a.jpg",
      "https://10.0.0.5/a.jpg",
      "https://127.0.0.1:5001/a.jpg",
    ]) {
      accept(withUrl(url), rules);
      expect(validateCreateRequest(withUrl(url), RULES).ok).toBe(false);
    }
    accept(withBody({ callbackUrl: "https://localhost:3000/hook" }), rules);
  });

  it("accepts every catalog style and room type", () => {
    for (const designStyle of DESIGN_STYLE_IDS) accept(withBody({ designStyle }));
    for (const roomType of ROOM_TYPE_IDS) accept(withBody({ roomType }));
  });

  it("accepts the limits exactly: 10,000 images, 2048-char URL, 200-char name, 100-char code", () => {
    const images = Array.from({ length: MAX_IMAGES_PER_REQUEST }, (_, i) => ({
      url: `https://photos.example.com/${i}.jpg`,
    }));
    expect(accept(withBody({ images })).images).toHaveLength(MAX_IMAGES_PER_REQUEST);
    expect(urlOfLength(MAX_URL_LENGTH)).toHaveLength(MAX_URL_LENGTH);
    accept(withUrl(urlOfLength(MAX_URL_LENGTH)));
    accept(withBody({ clientName: "n".repeat(MAX_CLIENT_NAME_LENGTH) }));
    accept(withImages({ url: GOOD_URL, propertyCode: "c".repeat(MAX_PROPERTY_CODE_LENGTH) }));
  });

  it("does not mutate the input body", () => {
    const body = withBody({ clientName: "  Acme  " });
    const before = JSON.stringify(body);
    accept(body);
    expect(JSON.stringify(body)).toBe(before);
  });
});
