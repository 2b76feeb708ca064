/**
 * Refusals only the HTTP layer knows (authentication, media type, link signatures, route-level
 * conflicts): a stable `code`, an HTTP status and optional details. Invalid input and missing
 * resources are DomainErrors, whose statuses the error handler assigns (api/errorHandler.ts).
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  static unauthenticated(
    message = "A valid API key is required: Authorization: Bearer <key>",
  ): ApiError {
    return new ApiError(401, "unauthenticated", message);
  }
}
