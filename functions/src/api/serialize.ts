/**
 * The JSON shapes partners see, typed by the HTTP contract (api/contract/): a field the contract
 * does not declare, or one of the wrong type, fails to compile. Dates are ISO strings; internal
 * fields stay internal.
 */
import { laneView } from "./laneView.js";
import { parseEngineSpec } from "../engines/engineNames.js";
import { readStagingOptions } from "../domain/stagingOptions.js";
import type { Request } from "express";
import { Timestamp } from "firebase-admin/firestore";
import { computeStatistics, progressPercent } from "../domain/progress.js";
import type { BatchDoc } from "../store/batchStore.js";
import type { ImageDoc } from "../store/imageStore.js";
import type {
  BatchDetailsBody,
  BatchSummaryBody,
  ImageBody,
  WebhookStateBody,
} from "./contract/index.js";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Where this API is reachable from the partner's side (for output links): the configured
 * PUBLIC_API_BASE_URL, or when that is empty the host the request came through.
 */
export function apiBaseUrl(req: Request, configured: string): string {
  if (configured) return configured.replace(/\/+$/, "");
  const host = req.get("x-forwarded-host") ?? req.get("host") ?? "localhost";
  const proto = req.get("x-forwarded-proto") ?? req.protocol;
  return `${proto}://${host}/api`;
}

export function batchSummary(b: BatchDoc): BatchSummaryBody {
  return {
    batchId: b.batchId,
    status: b.status,
    clientName: b.clientName,
    // Stored from a validated create request, so within the contract's enums.
    designStyle: b.designStyle as BatchSummaryBody["designStyle"],
    roomType: b.roomType as BatchSummaryBody["roomType"],
    priority: b.priority as BatchSummaryBody["priority"],
    total: b.total,
    queued: b.counters.queued,
    processing: b.counters.processing,
    completed: b.counters.completed,
    failed: b.counters.failed,
    cancelled: b.counters.cancelled,
    progress: progressPercent(b.total, b.counters),
    createdAt: b.createdAt.toISOString(),
    startedAt: iso(b.startedAt),
    completedAt: iso(b.completedAt),
  };
}

/** The completion-webhook record, without internal fields, with ISO dates. */
function webhookView(w: Record<string, unknown>): WebhookStateBody {
  const date = (v: unknown) => (v instanceof Timestamp ? v.toDate().toISOString() : null);
  return {
    // Written only by notifications/webhookDelivery.ts, with the contract's values.
    status: (w.status ?? "pending") as WebhookStateBody["status"],
    attempts: typeof w.attempts === "number" ? w.attempts : 0,
    lastStatusCode: typeof w.lastStatusCode === "number" ? w.lastStatusCode : null,
    deliveredAt: date(w.deliveredAt),
    lastError: typeof w.lastError === "string" ? w.lastError : null,
  };
}

export function batchStatus(b: BatchDoc, now: Date): BatchSummaryBody & BatchDetailsBody {
  const stats = computeStatistics({
    total: b.total,
    counters: b.counters,
    processingMsSum: b.processingMsSum,
    startedAt: b.startedAt,
    completedAt: b.completedAt,
    now,
  });
  return {
    ...batchSummary(b),
    // The batch records an engine spec ("gemini:gemini-3-pro-image"): name and model apart.
    engine: (parseEngineSpec(b.engine)?.engine ?? b.engine) as BatchDetailsBody["engine"],
    ...(parseEngineSpec(b.engine)?.model ? { model: parseEngineSpec(b.engine)?.model } : {}),
    ...stagingOptionsView(b.stagingOptions),
    updatedAt: iso(b.updatedAt),
    statistics: { ...stats, totalCostUsd: Math.round(b.costUsd * 1e6) / 1e6 },
    ...(b.webhook ? { webhook: webhookView(b.webhook) } : {}),
  };
}

/** declutter, label and lane as the batch recorded them (older batches: absent). */
function stagingOptionsView(
  raw: unknown,
): Pick<BatchDetailsBody, "declutter" | "label" | "lane" | "cache"> {
  if (raw === undefined || raw === null) return {};
  const o = readStagingOptions(raw);
  return { declutter: o.declutter, label: o.label, lane: o.lane, cache: o.cache };
}

/**
 * `link` is the expiring download link of a completed image (outputs/outputLinks.ts); without
 * one, the API's output route, which needs the partner's key. A URL stored on the image (old
 * permanent download-token URLs) is never shown.
 */
export function imageView(
  img: ImageDoc,
  batchId: string,
  base: string,
  link: { url: string; expiresAt: Date } | null = null,
): ImageBody {
  const d = img.data;
  const completed = img.status === "completed";
  const outputUrl = completed
    ? (link?.url ?? `${base}/batch/${batchId}/images/${img.index}/output`)
    : null;
  return {
    index: img.index,
    url: img.url,
    propertyCode: img.propertyCode,
    status: img.status,
    // Set only by the worker, with the contract's values (engines/geminiErrors.ts, economy lane).
    ...(img.waitingFor ? { waitingFor: img.waitingFor as ImageBody["waitingFor"] } : {}),
    ...laneView(img),
    outputUrl,
    outputUrlExpiresAt: completed && link ? link.expiresAt.toISOString() : null,
    error: img.error,
    attempts: img.attempts,
    queuedAt: iso(img.queuedAt),
    startedAt: img.status === "queued" ? null : iso(img.startedAt),
    completedAt: iso(img.completedAt),
    processingTimeMs: img.processingTimeMs,
    ...(img.status === "completed"
      ? ({
          model: d.model ?? null,
          preview: d.preview === true,
          width: d.width ?? null,
          height: d.height ?? null,
          bytes: d.bytes ?? null,
          costUsd: d.costUsd ?? 0,
          // A result cache hit: the output of an identical earlier request, no model call.
          cached: d.cached === true,
          usage: d.usage ?? null,
          promptVersion: d.promptVersion ?? null,
          // Gemini engine: what was asked of the model and what it returned.
          requestedImageSize: d.requestedImageSize ?? null,
          modelWidth: d.modelWidth ?? null,
          modelHeight: d.modelHeight ?? null,
          resized: d.resized ?? null,
          inputBytes: d.inputBytes ?? null,
          labelled: d.labelled ?? null,
        } satisfies Partial<ImageBody>)
      : {}),
  };
}
