import { ApiError } from "@google/genai";
import { StagingError } from "../../../src/domain/stagingError.js";
import {
  GEMINI_ERROR_CODES,
  GeminiStagingError,
  fromHttpError,
  fromThrown,
  interpretResponse,
  parseGoogleErrorBody,
  redactSecrets,
  retryDelaySeconds,
  type GeminiResponseLike,
  type GoogleRpcDetail,
  type GoogleErrorBody,
} from "../../../src/engines/geminiErrors.js";

const body = (
  code: number,
  status: string,
  message: string,
  details?: GoogleRpcDetail[],
): GoogleErrorBody => ({
  error: { code, status, message, ...(details ? { details } : {}) },
});
const retryInfo = (retryDelay: unknown) => ({
  "@type": "type.googleapis.com/google.rpc.RetryInfo",
  retryDelay,
});
const errorInfo = (reason: string) => ({
  "@type": "type.googleapis.com/google.rpc.ErrorInfo",
  reason,
  domain: "googleapis.com",
});

describe("GEMINI_ERROR_CODES", () => {
  it("documents every code with a partner message", () => {
    for (const [code, info] of Object.entries(GEMINI_ERROR_CODES)) {
      expect(code).toMatch(/^[a-z_]+$/);
      expect(info.description.length).toBeGreaterThan(20);
      expect(info.message.length).toBeGreaterThan(20);
    }
  });

  it("marks only quota as quota", () => {
    const quota = Object.entries(GEMINI_ERROR_CODES)
      .filter(([, i]) => "quota" in i && i.quota)
      .map(([c]) => c);
    expect(quota).toEqual(["model_quota_exhausted"]);
  });
});

describe("fromHttpError", () => {
  it.each([
    // [status, body, code, retryable, quota, retryAfterSeconds]
    [
      429,
      body(429, "RESOURCE_EXHAUSTED", "quota", [retryInfo("12s")]),
      "model_quota_exhausted",
      true,
      true,
      12,
    ],
    [
      429,
      body(429, "RESOURCE_EXHAUSTED", "quota", [retryInfo("0.4s")]),
      "model_quota_exhausted",
      true,
      true,
      1,
    ],
    [
      429,
      body(429, "RESOURCE_EXHAUSTED", "quota", [retryInfo({ seconds: "30", nanos: 5e8 })]),
      "model_quota_exhausted",
      true,
      true,
      31,
    ],
    [
      429,
      body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota. Please retry in 56.06s."),
      "model_quota_exhausted",
      true,
      true,
      57,
    ],
    [429, undefined, "model_quota_exhausted", true, true, undefined],
    [
      500,
      body(500, "INTERNAL", "An internal error has occurred."),
      "model_unavailable",
      true,
      false,
      undefined,
    ],
    [502, undefined, "model_unavailable", true, false, undefined],
    [
      503,
      body(503, "UNAVAILABLE", "The model is overloaded."),
      "model_unavailable",
      true,
      false,
      undefined,
    ],
    [
      503,
      body(503, "UNAVAILABLE", "overloaded", [retryInfo("5s")]),
      "model_unavailable",
      true,
      false,
      5,
    ],
    [
      504,
      body(504, "DEADLINE_EXCEEDED", "Deadline expired"),
      "model_unavailable",
      true,
      false,
      undefined,
    ],
    [409, body(409, "ABORTED", "aborted"), "model_unavailable", true, false, undefined],
    [408, undefined, "model_timeout", true, false, undefined],
    [
      400,
      body(400, "INVALID_ARGUMENT", "Unable to process input image."),
      "model_rejected_request",
      false,
      false,
      undefined,
    ],
    [
      400,
      body(400, "INVALID_ARGUMENT", "API key not valid.", [errorInfo("API_KEY_INVALID")]),
      "model_access_denied",
      false,
      false,
      undefined,
    ],
    [
      400,
      body(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),
      "model_access_denied",
      false,
      false,
      undefined,
    ],
    [
      401,
      body(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
      "model_access_denied",
      false,
      false,
      undefined,
    ],
    [
      403,
      body(403, "PERMISSION_DENIED", "API has not been used in project 1", [
        errorInfo("SERVICE_DISABLED"),
      ]),
      "model_access_denied",
      false,
      false,
      undefined,
    ],
    [
      404,
      body(404, "NOT_FOUND", "models/x is not found"),
      "model_not_found",
      false,
      false,
      undefined,
    ],
    [413, undefined, "image_too_large_for_model", false, false, undefined],
    [422, undefined, "model_rejected_request", false, false, undefined],
  ] as const)("HTTP %i -> %s", (status, errBody, code, retryable, quota, retryAfter) => {
    const e = fromHttpError(status, errBody);
    expect(e).toBeInstanceOf(StagingError);
    expect(e).toMatchObject({ code, retryable, quota });
    expect(e.retryAfterSeconds).toBe(retryAfter);
    expect(e.message).toContain(GEMINI_ERROR_CODES[code].message);
  });

  it("keeps provider details for logs but out of partner messages for access errors", () => {
    const e = fromHttpError(
      403,
      body(403, "PERMISSION_DENIED", "API has not been used in project 123456789", [
        errorInfo("SERVICE_DISABLED"),
      ]),
    );
    expect(e.provider).toMatchObject({
      httpStatus: 403,
      googleStatus: "PERMISSION_DENIED",
      reason: "SERVICE_DISABLED",
    });
    expect(e.provider.providerMessage).toContain("123456789");
    expect(e.message).not.toContain("123456789");
  });

  it("tells the partner why a 400 rejected their photo", () => {
    const e = fromHttpError(400, body(400, "INVALID_ARGUMENT", "Unable to process input image."));
    expect(e.message).toContain("Unable to process input image.");
  });
});

describe("parseGoogleErrorBody / retryDelaySeconds", () => {
  it("parses the SDK's ApiError message (JSON of the body)", () => {
    const b = body(429, "RESOURCE_EXHAUSTED", "q", [retryInfo("12s")]);
    const parsed = parseGoogleErrorBody(JSON.stringify(b));
    expect(parsed?.error?.status).toBe("RESOURCE_EXHAUSTED");
    expect(retryDelaySeconds(parsed)).toBe(12);
  });

  it("accepts the array-wrapped form", () => {
    expect(parseGoogleErrorBody([body(503, "UNAVAILABLE", "x")])?.error?.code).toBe(503);
  });

  it("unwraps a body whose message is itself the error JSON (text/plain from a proxy)", () => {
    const inner = JSON.stringify(body(429, "RESOURCE_EXHAUSTED", "q", [retryInfo("7s")]));
    const outer = { error: { message: inner, code: 429, status: "Too Many Requests" } };
    expect(retryDelaySeconds(parseGoogleErrorBody(JSON.stringify(outer)))).toBe(7);
  });

  it.each(["<html>502</html>", "", "null", "{}", '{"error":"x"}'])(
    "returns undefined for %j",
    (raw) => {
      expect(parseGoogleErrorBody(raw)).toBeUndefined();
    },
  );
});

describe("fromThrown", () => {
  const apiError = (status: number, b: unknown) =>
    new ApiError({ status, message: JSON.stringify(b) });

  it("maps the SDK's real ApiError by status and body", () => {
    const e = fromThrown(apiError(429, body(429, "RESOURCE_EXHAUSTED", "q", [retryInfo("12s")])));
    expect(e).toMatchObject({
      code: "model_quota_exhausted",
      retryable: true,
      quota: true,
      retryAfterSeconds: 12,
    });
    expect(e.cause).toBeInstanceOf(ApiError);
  });

  it("maps an ApiError with a non-JSON body by status alone", () => {
    const e = fromThrown(new ApiError({ status: 502, message: "Bad Gateway" }));
    expect(e).toMatchObject({ code: "model_unavailable", retryable: true });
  });

  const withCause = (message: string, code: string) =>
    new TypeError(message, { cause: Object.assign(new Error(code), { code }) });

  it.each([
    [new DOMException("This operation was aborted", "AbortError"), "model_timeout"],
    [new DOMException("The operation timed out", "TimeoutError"), "model_timeout"],
    [withCause("fetch failed", "ETIMEDOUT"), "model_timeout"],
    [withCause("fetch failed", "UND_ERR_CONNECT_TIMEOUT"), "model_timeout"],
    [withCause("fetch failed", "ECONNRESET"), "model_unavailable"],
    [withCause("fetch failed", "ECONNREFUSED"), "model_unavailable"],
    [withCause("fetch failed", "UND_ERR_SOCKET"), "model_unavailable"],
    [withCause("fetch failed", "ENOTFOUND"), "model_unavailable"],
    [new TypeError("fetch failed"), "model_unavailable"],
    [new TypeError("terminated"), "model_unavailable"],
    [new SyntaxError("Unexpected end of JSON input"), "model_bad_response"],
    [new Error("something odd"), "model_unknown_error"],
    ["a string", "model_unknown_error"],
  ] as const)("%s -> %s (retryable)", (err, code) => {
    const e = fromThrown(err);
    expect(e).toMatchObject({ code, retryable: true, quota: false });
  });

  // When a fetch error comes from another realm (jest's VM sandbox), `instanceof Error` fails
  // and the SDK wraps it as Error("exception <err> sending request", { cause: err }).
  it.each([
    [new TypeError("fetch failed", { cause: { code: "ECONNRESET" } }), "model_unavailable"],
    [new DOMException("This operation was aborted", "AbortError"), "model_timeout"],
  ])("sees through the SDK's 'exception ... sending request' wrapper (%s)", (inner, code) => {
    const wrapped = new Error(`exception ${String(inner)} sending request`, { cause: inner });
    expect(fromThrown(wrapped)).toMatchObject({ code, retryable: true });
  });

  it("passes StagingErrors through untouched", () => {
    const original = new StagingError("invalid_room_type", "x", { retryable: false });
    expect(fromThrown(original)).toBe(original);
  });
});

describe("interpretResponse", () => {
  const image = { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } };

  it("returns the first final image part", () => {
    const r = interpretResponse({
      candidates: [
        {
          finishReason: "STOP",
          content: {
            parts: [
              { text: "Here you go" },
              { inlineData: { mimeType: "image/png", data: "dGhvdWdodA==" }, thought: true },
              image,
              { inlineData: { mimeType: "image/jpeg", data: "c2Vjb25k" } },
            ],
          },
        },
      ],
    });
    expect(r).toEqual({ kind: "image", mimeType: "image/png", data: "iVBORw0KGgo=" });
  });

  const refused = (response: GeminiResponseLike) => {
    const r = interpretResponse(response);
    if (r.kind !== "refused") throw new Error("expected a refusal");
    return r.error;
  };

  it.each([
    ["SAFETY", "content_blocked_safety"],
    ["BLOCKLIST", "content_blocked_safety"],
    ["OTHER", "content_blocked_safety"],
    ["PROHIBITED_CONTENT", "prohibited_content"],
    ["IMAGE_SAFETY", "image_blocked_safety"],
  ])("promptFeedback.blockReason %s -> %s, permanent", (blockReason, code) => {
    const e = refused({ promptFeedback: { blockReason } });
    expect(e).toMatchObject({ code, retryable: false, quota: false });
    expect(e.provider.blockReason).toBe(blockReason);
  });

  it.each([
    ["SAFETY", "content_blocked_safety"],
    ["BLOCKLIST", "content_blocked_safety"],
    ["SPII", "content_blocked_safety"],
    ["IMAGE_SAFETY", "image_blocked_safety"],
    ["PROHIBITED_CONTENT", "prohibited_content"],
    ["IMAGE_PROHIBITED_CONTENT", "prohibited_content"],
    ["RECITATION", "recitation_blocked"],
    ["IMAGE_RECITATION", "recitation_blocked"],
  ])("finishReason %s without an image -> %s, permanent", (finishReason, code) => {
    const e = refused({ candidates: [{ finishReason }] });
    expect(e).toMatchObject({ code, retryable: false });
    expect(e.provider.finishReason).toBe(finishReason);
  });

  it.each(["NO_IMAGE", "IMAGE_OTHER", "OTHER", "MAX_TOKENS", "STOP", "SOMETHING_NEW"])(
    "finishReason %s without an image -> no_image_returned, retried once",
    (finishReason) => {
      const e = refused({ candidates: [{ finishReason }] });
      expect(e).toMatchObject({ code: "no_image_returned", retryable: true, maxAttempts: 2 });
      expect(e.provider.finishReason).toBe(finishReason);
    },
  );

  it("treats an image flagged with a safety finishReason as refused", () => {
    const e = refused({
      candidates: [{ finishReason: "IMAGE_SAFETY", content: { parts: [image] } }],
    });
    expect(e.code).toBe("image_blocked_safety");
  });

  it("MALFORMED_RESPONSE is retryable", () => {
    expect(refused({ candidates: [{ finishReason: "MALFORMED_RESPONSE" }] })).toMatchObject({
      code: "model_bad_response",
      retryable: true,
    });
  });

  it("text-only answer -> no_image_returned, the model's text ending the message", () => {
    const e = refused({
      candidates: [
        { finishReason: "STOP", content: { parts: [{ text: "I cannot edit photos of people." }] } },
      ],
    });
    expect(e).toMatchObject({ code: "no_image_returned", retryable: true, maxAttempts: 2 });
    expect(e.provider.providerMessage).toBe("I cannot edit photos of people.");
    expect(e.message).toMatch(/\(model said: I cannot edit photos of people\.\)$/);
  });

  it("a 429 with quotaValue 0 or a per-day quota waits behind the operator circuit", () => {
    const body = (quotaId: string, quotaValue: string) => ({
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        message: "You exceeded your current quota",
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaId, quotaValue }],
          },
        ],
      },
    });
    expect(fromHttpError(429, body("GenerateRequestsPerMinutePerProjectPerModel", "0")).wait).toBe(
      "operator",
    );
    expect(fromHttpError(429, body("GenerateRequestsPerDayPerProjectPerModel", "1000")).wait).toBe(
      "operator",
    );
    expect(fromHttpError(429, body("GenerateRequestsPerMinutePerProjectPerModel", "10")).wait).toBe(
      "quota",
    );
  });

  it("no candidates at all -> no_image_returned", () => {
    expect(refused({})).toMatchObject({
      code: "no_image_returned",
      provider: { finishReason: "NO_CANDIDATES" },
    });
  });

  it("an empty image part -> model_bad_response (retryable)", () => {
    const e = refused({
      candidates: [
        {
          finishReason: "STOP",
          content: { parts: [{ inlineData: { mimeType: "image/png", data: "" } }] },
        },
      ],
    });
    expect(e).toMatchObject({ code: "model_bad_response", retryable: true });
  });

  it("GeminiStagingError is a StagingError", () => {
    expect(new GeminiStagingError("model_timeout", {})).toBeInstanceOf(StagingError);
  });
});

describe("redactSecrets", () => {
  it("removes given secrets and anything shaped like a Google API key", () => {
    const key = "AIzaSyD-0123456789abcdefghijklmnopqrstu"; // secretlint-disable-line -- a fake key, redacted
    expect(redactSecrets(`bad key ${key} and my-secret-value`, ["my-secret-value"])).toBe(
      "bad key [REDACTED] and [REDACTED]",
    );
  });

  it("ignores very short secrets", () => {
    expect(redactSecrets("a b c", ["a"])).toBe("a b c");
  });
});
