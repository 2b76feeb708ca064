/**
 * Errors the domain and store layers refuse a request with: a stable `code` and the details a
 * caller needs (offending fields, quota figures), but no transport concept. The API layer
 * decides what HTTP status each code answers with (api/errorHandler.ts).
 */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "images.3.url". */
  field: string;
  code: string;
  message: string;
}

/** Every refusal the layers below the API can raise; each code is also the public `code`. */
export type DomainErrorCode =
  "invalid_request" | "not_found" | "idempotency_conflict" | "quota_exceeded";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }

  static invalid(message: string, fields: FieldIssue[]): DomainError {
    return new DomainError("invalid_request", message, { fields });
  }
  static notFound(what: string): DomainError {
    return new DomainError("not_found", `${what} not found`);
  }
}
