/**
 * Building blocks of the HTTP contract: field helpers, the error envelope every refusal uses, and
 * `documented`, which adds partner-facing descriptions to a validation schema without copying it.
 * Every schema with a `meta({ id })` becomes a named component of documentation/Public/openapi.json.
 */
import { z } from "zod";

export const success = z.literal(true);
/** An ISO 8601 time that is null until the event happened. */
export const when = (d: string) => z.iso.datetime().nullable().describe(d);
export const count = (d: string) => z.number().int().nonnegative().describe(d);

/**
 * The same object schema with descriptions on some of its fields. Validation is unchanged (each
 * field keeps its checks; `.meta` only attaches documentation), so the API keeps validating with
 * the very schema the document shows. Keys are checked at compile time.
 */
export function documented<S extends z.ZodObject>(
  schema: S,
  docs: Partial<Record<keyof S["shape"] & string, string>>,
): S {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, description] of Object.entries(docs)) {
    const field = schema.shape[key] as z.ZodType;
    fields[key] = field.meta({ description });
  }
  // extend() keeps the object's strictness; the field types are unchanged, so the type is S.
  return schema.extend(fields) as unknown as S;
}

export const FieldIssue = z
  .object({
    field: z
      .string()
      .describe('Dotted path of the offending field, e.g. "images.3.url"; "" for the body.'),
    code: z.string().describe("Stable issue code (see the API reference)."),
    message: z.string(),
  })
  .meta({ id: "FieldIssue" });

export const ErrorResponse = z
  .object({
    success: z.literal(false),
    error: z.string().describe("Human-readable message."),
    code: z.string().describe("Stable error code; branch on this, not on the message."),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "invalid_request: {fields: FieldIssue[]}; quota_exceeded: {quota, limit, freesAt?, " +
          "usedToday?}; payload_too_large: {limitBytes}; idempotency_conflict: {batchId}.",
      ),
  })
  .meta({ id: "ErrorResponse" });

export const ValidationErrorResponse = ErrorResponse.extend({
  code: z.literal("invalid_request"),
  details: z.object({ fields: z.array(FieldIssue) }),
}).meta({ id: "ValidationErrorResponse" });

export const QuotaErrorResponse = ErrorResponse.extend({
  code: z.literal("quota_exceeded"),
  details: z.object({
    quota: z.enum(["maxImagesPerBatch", "maxOpenBatches", "maxImagesPerDay"]),
    limit: z.number().int(),
    freesAt: z
      .string()
      .optional()
      .describe(
        "maxImagesPerDay: next UTC midnight (ISO 8601). maxOpenBatches: a sentence " +
          '("when one of your batches finishes"). Absent for maxImagesPerBatch.',
      ),
    usedToday: z.number().int().optional().describe("maxImagesPerDay only."),
  }),
}).meta({ id: "QuotaErrorResponse" });

export type ErrorBody = z.infer<typeof ErrorResponse>;

/** The body a route sends for a response schema: `res.json({...} satisfies Body<typeof X>)`. */
export type Body<S extends z.ZodType> = z.infer<S>;
