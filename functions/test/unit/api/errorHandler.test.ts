/**
 * The error handler is where domain refusals get their HTTP status: each DomainError code
 * answers with the status and envelope partners have always received.
 */
import type { NextFunction, Request, Response } from "express";
import { ApiError } from "../../../src/api/apiError.js";
import { errorHandler } from "../../../src/api/errorHandler.js";
import { DomainError, type DomainErrorCode } from "../../../src/domain/domainError.js";

function respond(err: unknown): { status: number; body: unknown } {
  const sent = { status: 0, body: undefined as unknown };
  const res = {
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  const req = { path: "/v1/batches", method: "POST" } as Request;
  errorHandler(err, req, res, (() => undefined) as NextFunction);
  return sent;
}

test.each<[DomainErrorCode, number]>([
  ["invalid_request", 400],
  ["not_found", 404],
  ["idempotency_conflict", 409],
  ["quota_exceeded", 429],
])("a DomainError %s answers %i with its code, message and details", (code, status) => {
  const sent = respond(new DomainError(code, "Refused", { limit: 3 }));

  expect(sent).toEqual({
    status,
    body: { success: false, error: "Refused", code, details: { limit: 3 } },
  });
});

test("DomainError.invalid carries the offending fields as details.fields", () => {
  const fields = [{ field: "pageToken", code: "invalid_value", message: "Invalid pageToken" }];

  const sent = respond(DomainError.invalid("Invalid pageToken", fields));

  expect(sent).toEqual({
    status: 400,
    body: {
      success: false,
      error: "Invalid pageToken",
      code: "invalid_request",
      details: { fields },
    },
  });
});

test("DomainError.notFound names what is missing and has no details", () => {
  expect(respond(DomainError.notFound("Batch"))).toEqual({
    status: 404,
    body: { success: false, error: "Batch not found", code: "not_found" },
  });
});

test("an ApiError keeps its own status", () => {
  expect(respond(ApiError.unauthenticated())).toEqual({
    status: 401,
    body: {
      success: false,
      error: "A valid API key is required: Authorization: Bearer <key>",
      code: "unauthenticated",
    },
  });
});
