/** Health, the catalogue of options, signed uploads and the usage report. */
import { z } from "zod";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "../../domain/catalog.js";
import { Priority } from "./batches.js";
import { count, success } from "./common.js";

export const Health = z
  .object({ success, status: z.literal("ok"), time: z.iso.datetime() })
  .meta({ id: "Health" });

export const DesignStyle = z
  .object({ id: z.enum(DESIGN_STYLE_IDS), label: z.string(), description: z.string() })
  .meta({ id: "DesignStyle" });

export const RoomType = z
  .object({ id: z.enum(ROOM_TYPE_IDS), label: z.string(), description: z.string() })
  .meta({ id: "RoomType" });

export const Options = z
  .object({
    success,
    designStyles: z.array(DesignStyle),
    roomTypes: z.array(RoomType),
    priorities: z.array(Priority),
  })
  .meta({ id: "Options" });

export const UploadResponse = z
  .object({
    success,
    uploadUrl: z.string().describe("V4 signed URL: PUT the photo's bytes here within 15 minutes."),
    method: z.literal("PUT"),
    headers: z
      .record(z.string(), z.string())
      .describe(
        "Send exactly these headers with the PUT (Content-Type and x-goog-content-length-range)",
      ),
    maxBytes: z.number().int().describe("Largest accepted photo, in bytes."),
    expiresAt: z.iso.datetime(),
    sourceUrl: z
      .string()
      .describe("The gs:// URL to put in images[].url once the upload has succeeded."),
  })
  .meta({ id: "UploadResponse" });

export const LaneCost = z
  .object({
    images: count("Model calls billed in this lane (completed, not cached)."),
    costUsd: z.number().describe("Their cost in USD (list price of the model registry)."),
  })
  .meta({ id: "LaneCost" });

const usageCounts = {
  submitted: count("Images booked on the day: created, plus retried (retry-failed)."),
  completed: count("Images that completed on the day (cached ones included)."),
  failed: count("Images that failed on the day (retried images may count again later)."),
  cached: count("Completed images served from the result cache (no model call, cost 0)."),
  costUsd: z.number().describe("Sum of the costs below, USD."),
  byModel: z
    .record(z.string(), z.record(z.string(), LaneCost))
    .describe('Cost by model id, then by lane ("standard", "economy").'),
};

export const UsageDay = z
  .object({ date: z.string().describe("UTC day, YYYY-MM-DD."), ...usageCounts })
  .meta({ id: "UsageDay" });

export const UsageResponse = z
  .object({
    success,
    partnerId: z.string(),
    from: z.string(),
    to: z.string(),
    days: z.array(UsageDay).describe("Every day of the range in order, zeros included."),
    total: z.object(usageCounts).describe("The range's sums."),
  })
  .meta({ id: "UsageResponse" });
