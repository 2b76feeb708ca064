/** Errors the HTTP API answers with: a stable `code`, an HTTP status and optional details. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "images.3.url". */
  field: string;
  code: string;
  message: string;
}

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

  static invalid(message: string, fields: FieldIssue[]): ApiError {
    return new ApiError(400, "invalid_request", message, { fields });
  }
  static unauthenticated(
    message = "A valid API key is required: Authorization: Bearer <key>",
  ): ApiError {
    return new ApiError(401, "unauthenticated", message);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, "not_found", `${what} not found`);
  }
}
