/**
 * Response objects of the document: JSON answers with examples, error answers built from their
 * cases, and the shared error responses (components/responses) most routes refer to.
 */
import type { z } from "zod";
import type { ZodOpenApiResponseObject } from "zod-openapi";
import { ErrorResponse, ValidationErrorResponse } from "./common.js";
import { errorExample } from "./examples.js";

export interface ErrorCase {
  /** Example key; defaults to the code. */
  name?: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  summary: string;
}

/** A response whose examples are error bodies. */
export function errorResponse(
  description: string,
  schema: z.ZodType,
  cases: ErrorCase[],
): ZodOpenApiResponseObject {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const c of cases) {
    examples[c.name ?? c.code] = {
      summary: c.summary,
      value: errorExample(c.code, c.message, c.details),
    };
  }
  return { description, content: { "application/json": { schema, examples } } };
}

export function jsonResponse<S extends z.ZodType>(
  description: string,
  schema: S,
  example: z.output<S>,
): ZodOpenApiResponseObject {
  return { description, content: { "application/json": { schema, example } } };
}

export const NOT_FOUND_BATCH: ErrorCase = {
  code: "not_found",
  message: "Batch not found",
  summary: "No such batch, or it belongs to another partner",
};

/** The daily image quota refusal, as create and retry-failed answer it. */
export const dailyQuotaExceeded = (usedToday: number): ErrorCase => ({
  name: "maxImagesPerDay",
  code: "quota_exceeded",
  message: `At most 50000 images per day (${usedToday} used today, UTC)`,
  details: {
    quota: "maxImagesPerDay",
    limit: 50000,
    freesAt: "2025-06-03T00:00:00.000Z",
    usedToday,
  },
  summary: "Daily image quota",
});

export const Unauthenticated: ZodOpenApiResponseObject = {
  id: "Unauthenticated",
  ...errorResponse("Missing, malformed, unknown or revoked API key.", ErrorResponse, [
    {
      code: "unauthenticated",
      message: "The API key is not valid or has been revoked",
      summary: "Bad API key",
    },
  ]),
};

export const BatchNotFound: ZodOpenApiResponseObject = {
  id: "BatchNotFound",
  ...errorResponse(
    "No such batch for this partner (another partner's batch is a 404 too).",
    ErrorResponse,
    [NOT_FOUND_BATCH],
  ),
};

export const InvalidQuery: ZodOpenApiResponseObject = {
  id: "InvalidQuery",
  ...errorResponse("Invalid query parameters.", ValidationErrorResponse, [
    {
      code: "invalid_request",
      message: "Invalid query parameters",
      details: {
        fields: [
          {
            field: "pageSize",
            code: "invalid_value",
            message: "Too big: expected number to be <=1000",
          },
        ],
      },
      summary: "pageSize out of range",
    },
  ]),
};

export const InternalError: ZodOpenApiResponseObject = {
  id: "InternalError",
  ...errorResponse("Unexpected error; it has been logged. Retry later.", ErrorResponse, [
    {
      code: "internal",
      message: "Internal error; it has been logged. Retry later or contact support.",
      summary: "Internal error",
    },
  ]),
};

/** Every authenticated route can answer these. */
export const authErrors = { "401": Unauthenticated, "500": InternalError };
/** Every per-batch route can also answer 404. */
export const batchErrors = { ...authErrors, "404": BatchNotFound };
