/**
 * Every error becomes `{success: false, error, code, details?}`; internals never leak. The one
 * place that decides which HTTP status a DomainError (thrown by domain and store) answers with.
 */
import type { NextFunction, Request, Response } from "express";
import { DomainError, type DomainErrorCode } from "../domain/domainError.js";
import { logEvent } from "../util/log.js";
import { ApiError } from "./apiError.js";

/** A Record, so a new DomainErrorCode does not compile until it has a status. */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, number> = {
  invalid_request: 400,
  not_found: 404,
  idempotency_conflict: 409,
  quota_exceeded: 429,
};

export function toApiError(err: DomainError): ApiError {
  return new ApiError(DOMAIN_ERROR_STATUS[err.code], err.code, err.message, err.details);
}

export function sendError(res: Response, err: ApiError): void {
  res.status(err.status).json({
    success: false,
    error: err.message,
    code: err.code,
    ...(err.details ? { details: err.details } : {}),
  });
}

// Express recognises error handlers by their four parameters, so `_next` must stay.
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof ApiError) return sendError(res, err);
  if (err instanceof DomainError) return sendError(res, toApiError(err));
  const type = (err as { type?: string }).type;
  if (type === "entity.too.large")
    return sendError(res, new ApiError(413, "payload_too_large", "The request body is too large"));
  if (type === "entity.parse.failed")
    return sendError(res, new ApiError(400, "invalid_json", "The request body is not valid JSON"));
  logEvent(
    "api.internal_error",
    { path: req.path, method: req.method, error: String(err), stack: (err as Error)?.stack },
    "error",
  );
  sendError(
    res,
    new ApiError(
      500,
      "internal",
      "Internal error; it has been logged. Retry later or contact support.",
    ),
  );
}

export function notFoundHandler(req: Request, res: Response): void {
  sendError(
    res,
    toApiError(new DomainError("not_found", `No route for ${req.method} ${req.path}`)),
  );
}
