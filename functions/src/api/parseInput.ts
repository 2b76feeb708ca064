/**
 * A request's query or body checked against its contract schema: the parsed value, or the 400
 * `invalid_request` that names each offending field (an unknown field as `unknown_field`, any
 * other problem as `invalid_value`). The create body has its own finer codes
 * (domain/createRequest.ts), the usage query too (domain/usageReport.ts).
 */
import type { z } from "zod";
import { DomainError } from "../domain/domainError.js";

export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  message: string,
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw DomainError.invalid(
      message,
      parsed.error.issues.map((i) => ({
        field: i.path.join(".") || ("keys" in i && Array.isArray(i.keys) ? String(i.keys[0]) : ""),
        code: i.code === "unrecognized_keys" ? "unknown_field" : "invalid_value",
        message: i.message,
      })),
    );
  }
  return parsed.data;
}
