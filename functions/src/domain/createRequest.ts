/**
 * The create-batch request: its zod schema (the API contract; the OpenAPI file is generated from
 * it) and the validation that turns a body into a typed request or a list of field issues.
 * Pure: no Firebase here.
 */
import { z } from "zod";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "./catalog.js";
import type { FieldIssue } from "./domainError.js";
import { checkCallbackUrl, checkSourceUrl } from "./urlPolicy.js";
import { LANES, labelSchema } from "./stagingOptions.js";

export const MAX_IMAGES_PER_REQUEST = 10000;
export const MAX_URL_LENGTH = 2048;
export const MAX_CLIENT_NAME_LENGTH = 200;
export const MAX_PROPERTY_CODE_LENGTH = 100;
/** Letters, digits and a few separators: codes end up in file names, logs and CSV exports. */
export const PROPERTY_CODE_PATTERN = /^[\p{L}\p{N} _.,:#/()-]+$/u;

// Control and bidirectional-override characters are exactly what this rejects.
const noControlChars = (s: string) =>
  // eslint-disable-next-line no-control-regex
  !/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/.test(s);

export const sourceImageSchema = z.strictObject({
  url: z.string().trim().min(1).max(MAX_URL_LENGTH),
  propertyCode: z
    .string()
    .trim()
    .min(1)
    .max(MAX_PROPERTY_CODE_LENGTH)
    .regex(
      PROPERTY_CODE_PATTERN,
      "propertyCode may contain letters, digits, spaces and _ . , : # / ( ) -",
    )
    .optional(),
});

export const createBatchSchema = z.strictObject({
  images: z.array(sourceImageSchema).min(1).max(MAX_IMAGES_PER_REQUEST),
  designStyle: z.enum(DESIGN_STYLE_IDS),
  roomType: z.enum(ROOM_TYPE_IDS),
  clientName: z
    .string()
    .trim()
    .min(1)
    .max(MAX_CLIENT_NAME_LENGTH)
    .refine(noControlChars, "clientName must not contain control or bidirectional characters"),
  priority: z.enum(["normal", "high"]).default("normal"),
  callbackUrl: z.string().max(MAX_URL_LENGTH).optional(),
  /** A Gemini model id for this batch; only models the partner is allowed (checked by the API). */
  model: z.string().trim().min(1).max(100).optional(),
  /** Remove loose clutter before staging; default false keeps every existing object. */
  declutter: z.boolean().optional(),
  /** Disclosure label burned into outputs; absent: the account's default; null: none. */
  label: labelSchema.nullable().optional(),
  /** `economy`: the Gemini Batch API, half the model price, results within 24 h. */
  lane: z.enum(LANES).optional(),
  /** Reuse an identical earlier result at no model cost (default true); false: a fresh one. */
  cache: z.boolean().optional(),
});

export type CreateBatchRequest = z.infer<typeof createBatchSchema>;

/** The propertyCode of an image sent without one: `IMG-{n}`, n 1-based, as in the original plan. */
export const defaultPropertyCode = (index: number): string => `IMG-${index + 1}`;

export interface UrlRules {
  allowHttp: boolean;
  allowPrivateHosts: boolean;
  gcsBucket?: string;
  /** The partner's upload prefix: the only objects its gs:// sources may name. */
  gcsPrefix?: string;
}

const issueCode = (zodCode: string): string =>
  ({
    invalid_type: "invalid_type",
    too_big: "too_long",
    too_small: "too_short",
    invalid_value: "invalid_value",
    unrecognized_keys: "unknown_field",
    invalid_format: "invalid_format",
    invalid_union: "invalid_value",
    custom: "invalid_value",
  })[zodCode] ?? "invalid_value";

export type CreateValidation =
  { ok: true; value: CreateBatchRequest } | { ok: false; issues: FieldIssue[] };

/** At most this many field issues are reported (a 10,000-image body could list 10,000). */
const MAX_ISSUES = 50;

export function validateCreateRequest(body: unknown, rules: UrlRules): CreateValidation {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return {
      ok: false,
      issues: [{ field: "", code: "invalid_type", message: "The body must be a JSON object" }],
    };
  }
  const parsed = createBatchSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((i): FieldIssue => {
      const keys = "keys" in i && Array.isArray(i.keys) ? (i.keys as string[]) : [];
      const base = i.path.map(String).join(".");
      const field = keys.length ? [base, keys[0]].filter(Boolean).join(".") : base;
      return { field, code: issueCode(i.code), message: i.message };
    });
    return { ok: false, issues };
  }
  const issues: FieldIssue[] = [];
  parsed.data.images.forEach((img, i) => {
    if (issues.length >= MAX_ISSUES) return;
    const verdict = checkSourceUrl(img.url, rules);
    if (!verdict.ok)
      issues.push({ field: `images.${i}.url`, code: verdict.code, message: verdict.message });
  });
  if (parsed.data.callbackUrl !== undefined && issues.length < MAX_ISSUES) {
    const verdict = checkCallbackUrl(parsed.data.callbackUrl, rules);
    if (!verdict.ok)
      issues.push({ field: "callbackUrl", code: verdict.code, message: verdict.message });
  }
  if (issues.length) return { ok: false, issues };
  const images = parsed.data.images.map((img, i) => ({
    ...img,
    propertyCode: img.propertyCode ?? defaultPropertyCode(i),
  }));
  return { ok: true, value: { ...parsed.data, images } };
}
