/**
 * Per-batch staging options beyond style and room: `declutter` (remove loose clutter first;
 * default false keeps every existing object) and the disclosure `label` burned into outputs
 * (a partner default, overridable per batch; `null` on a batch turns the partner's off).
 * Resolved once at batch creation and recorded on the batch, so later partner changes do not
 * alter a running batch. Pure: no Firebase here.
 */
import { z } from "zod";

export const LABEL_POSITIONS = ["bottom-left", "bottom-right", "top-left", "top-right"] as const;
export type LabelPosition = (typeof LABEL_POSITIONS)[number];
export const MAX_LABEL_TEXT_LENGTH = 40;

export const labelSchema = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1)
    .max(MAX_LABEL_TEXT_LENGTH)
    // Printable text only: it is drawn into the photo.
    .regex(
      /^[\p{L}\p{N}\p{P}\p{Zs}]+$/u,
      "label.text may contain letters, digits, punctuation and spaces",
    )
    .optional(),
  position: z.enum(LABEL_POSITIONS).optional(),
});

export type DisclosureLabel = z.infer<typeof labelSchema>;

/**
 * Processing lane: `standard` (interactive model calls through the rate-limited image queue) or
 * `economy` (the Gemini Batch API: half the model price, results within 24 hours).
 */
export const LANES = ["standard", "economy"] as const;
export type Lane = (typeof LANES)[number];

export interface StagingOptions {
  declutter: boolean;
  label: DisclosureLabel | null;
  lane: Lane;
  /** Reuse an identical earlier result (result cache); false asks for a fresh variation. */
  cache: boolean;
}

/** The options a batch records: its own values, else the partner's defaults. */
export function resolveStagingOptions(
  request: {
    declutter?: boolean;
    label?: DisclosureLabel | null;
    lane?: Lane;
    cache?: boolean;
  },
  partnerDefaults: { label?: DisclosureLabel | null; lane?: Lane },
): StagingOptions {
  return {
    declutter: request.declutter ?? false,
    label: request.label === undefined ? (partnerDefaults.label ?? null) : request.label,
    lane: request.lane ?? partnerDefaults.lane ?? "standard",
    cache: request.cache ?? true,
  };
}

/** Reads recorded options defensively (older batches have none). */
export function readStagingOptions(raw: unknown): StagingOptions {
  const parsed = z
    .object({
      declutter: z.boolean().optional(),
      label: labelSchema.nullable().optional(),
      lane: z.enum(LANES).optional(),
      cache: z.boolean().optional(),
    })
    .safeParse(raw ?? {});
  return parsed.success
    ? {
        declutter: parsed.data.declutter ?? false,
        label: parsed.data.label ?? null,
        lane: parsed.data.lane ?? "standard",
        cache: parsed.data.cache ?? true,
      }
    : { declutter: false, label: null, lane: "standard", cache: true };
}
