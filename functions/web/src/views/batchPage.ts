/**
 * One batch, live: the status is polled every 2 s (no reload) until the batch is finished, the
 * summary and the current page of images follow it. Actions: retry failed, cancel (after a
 * confirmation dialog), webhook redeliver, download one output or all as a zip, before/after.
 */
import { type BatchStatus, clientFor, type ImageView, unwrap } from "../api.js";
import { downloadAll, downloadOne } from "../downloads.js";
import { formatMs, formatTime, formatUsd, h, mount, progressBar, statusBadge } from "../dom.js";
import type { Cleanup, ViewContext } from "../main.js";
import { liveRegion, pageHeading, showError } from "./common.js";
import { renderCompare } from "./compare.js";
import { ImageRows } from "./imageRows.js";

const POLL_MS = 2000;
const IMAGE_PAGE = 50;
const IMAGE_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
type ImageStatus = (typeof IMAGE_STATUSES)[number];
const isFinished = (s: string) => s === "completed" || s === "failed" || s === "cancelled";

export function renderBatchPage(ctx: ViewContext, batchId: string): Cleanup {
  const api = clientFor(ctx.apiKey);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let latest: BatchStatus | undefined;
  let closeCompare: (() => void) | undefined;
  const tokens: Array<string | undefined> = [undefined];
  let page = 0;
  let imageStatus: ImageStatus | undefined;

  const heading = pageHeading("Batch");
  const meta = h("p", { class: "sub" }, batchId);
  const summary = h("section", { class: "card summary", "aria-label": "Batch summary" });
  const messages = liveRegion();
  const compareRegion = h("div");

  const retry = h("button", { type: "button", disabled: true }, "Retry failed");
  const cancel = h("button", { type: "button", class: "danger", disabled: true }, "Cancel batch");
  const redeliver = h("button", { type: "button", hidden: true }, "Redeliver webhook");
  const zip = h("button", { type: "button", disabled: true }, "Download all (zip)");

  const confirmCancel = h("button", { type: "button", class: "danger" }, "Yes, cancel the batch");
  const keep = h("button", { type: "button" }, "No, keep it running");
  const dialog = h(
    "dialog",
    { "aria-labelledby": "cancel-title", "aria-describedby": "cancel-text" },
    h("h2", { id: "cancel-title" }, "Cancel this batch?"),
    h(
      "p",
      { id: "cancel-text" },
      "Images that have not started are cancelled. Images already running finish and are kept. This cannot be undone.",
    ),
    h("div", { class: "dialog-buttons" }, keep, confirmCancel),
  );

  const rows = new ImageRows(h("tbody"), {
    compare: (image) => openCompare(image),
    download: (image, button) => {
      button.disabled = true;
      downloadOne(ctx.apiKey, batchId, image)
        .catch((e: unknown) => showError(ctx, messages, e))
        .finally(() => (button.disabled = false));
    },
  });
  const imageFilter = h(
    "select",
    { id: "image-filter" },
    h("option", { value: "" }, "All images"),
    IMAGE_STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const prev = h("button", { type: "button", disabled: true }, "Previous images");
  const next = h("button", { type: "button", disabled: true }, "Next images");
  const pageLabel = h("span", { class: "page-label" });

  function openCompare(image: ImageView): void {
    closeCompare?.();
    closeCompare = renderCompare(compareRegion, ctx.apiKey, batchId, image, () => {
      closeCompare?.();
      closeCompare = undefined;
      rows.tbody.querySelector<HTMLElement>(`tr[data-index="${image.index}"] button`)?.focus();
    });
  }

  function renderSummary(s: BatchStatus): void {
    heading.textContent = s.clientName;
    mount(
      meta,
      `${s.batchId} · ${s.designStyle} · ${s.roomType} · ${s.priority} priority · engine ${s.engine} `,
      statusBadge(s.status),
    );
    const stats = s.statistics;
    const item = (term: string, value: string) => [h("dt", {}, term), h("dd", {}, value)];
    mount(
      summary,
      progressBar(s.progress, "Batch progress"),
      h(
        "p",
        { class: "progress-text" },
        `${s.progress}% finished — ${s.completed} completed, ${s.failed} failed, ${s.cancelled} cancelled, ${s.processing} running, ${s.queued} queued of ${s.total}`,
      ),
      h(
        "dl",
        { class: "facts" },
        item("Success rate", stats.successRate === null ? "—" : `${stats.successRate}%`),
        item(
          "Time left",
          stats.estimatedRemainingMinutes === null ? "—" : `${stats.estimatedRemainingMinutes} min`,
        ),
        item("Avg. time per image", formatMs(stats.avgProcessingTimeMs)),
        item("Cost", formatUsd(stats.totalCostUsd)),
        item("Created", formatTime(s.createdAt)),
        item("Started", formatTime(s.startedAt)),
        item("Finished", formatTime(s.completedAt)),
        s.webhook ? item("Webhook", `${s.webhook.status} (${s.webhook.attempts} attempt(s))`) : [],
      ),
    );
    retry.disabled = s.failed === 0 || s.status === "cancelled";
    cancel.disabled = isFinished(s.status);
    redeliver.hidden = !s.webhook;
    redeliver.disabled = !s.completedAt;
    zip.disabled = s.completed === 0;
  }

  async function poll(): Promise<void> {
    if (timer) clearTimeout(timer);
    const s = unwrap(
      await api.GET("/batch/{batchId}/status", {
        params: {
          path: { batchId },
          query: { pageSize: IMAGE_PAGE, pageToken: tokens[page], imageStatus },
        },
      }),
    );
    if (stopped) return;
    latest = s;
    renderSummary(s);
    rows.update(s.images);
    tokens[page + 1] = s.nextPageToken ?? undefined;
    prev.disabled = page === 0;
    next.disabled = !s.nextPageToken;
    pageLabel.textContent = `Images page ${page + 1}`;
    // The status is derived from the counts a moment after they change (e.g. right after a
    // retry the status may still say completed while images are queued): poll on either.
    if (!isFinished(s.status) || s.queued + s.processing > 0) {
      timer = setTimeout(() => void poll().catch(onError), POLL_MS);
    }
  }
  const onError = (e: unknown) => {
    showError(ctx, messages, e);
    if (!stopped) timer = setTimeout(() => void poll().catch(onError), POLL_MS * 2);
  };
  const refresh = () => void poll().catch(onError);
  const say = (text: string) => mount(messages, h("p", {}, text));

  retry.addEventListener("click", () => {
    retry.disabled = true;
    api
      .POST("/batch/{batchId}/retry-failed", { params: { path: { batchId } } })
      .then((r) => say(unwrap(r).message))
      .then(refresh)
      .catch((e: unknown) => showError(ctx, messages, e));
  });
  cancel.addEventListener("click", () => dialog.showModal());
  keep.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => cancel.focus());
  confirmCancel.addEventListener("click", () => {
    dialog.close();
    cancel.disabled = true;
    api
      .POST("/batch/{batchId}/cancel", { params: { path: { batchId } } })
      .then((r) => say(unwrap(r).message))
      .then(refresh)
      .catch((e: unknown) => showError(ctx, messages, e));
  });
  redeliver.addEventListener("click", () => {
    redeliver.disabled = true;
    api
      .POST("/batch/{batchId}/webhook/redeliver", { params: { path: { batchId } } })
      .then((r) => say(unwrap(r).message))
      .then(refresh)
      .catch((e: unknown) => showError(ctx, messages, e));
  });
  zip.addEventListener("click", () => {
    zip.disabled = true;
    downloadAll(api, ctx.apiKey, batchId, (done, total) =>
      say(`Downloading outputs: ${done} of ${total}`),
    )
      .then((n) => say(`Downloaded ${n} staged photo(s) as ${batchId}.zip`))
      .catch((e: unknown) => showError(ctx, messages, e))
      .finally(() => (zip.disabled = (latest?.completed ?? 0) === 0));
  });
  imageFilter.addEventListener("change", () => {
    imageStatus = (imageFilter.value || undefined) as ImageStatus | undefined;
    tokens.length = 1;
    page = 0;
    refresh();
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    refresh();
  });
  next.addEventListener("click", () => {
    page++;
    refresh();
  });

  mount(
    ctx.main,
    h("p", {}, h("a", { href: "#/batches" }, "← All batches")),
    heading,
    meta,
    summary,
    h(
      "div",
      { class: "actions-bar", role: "group", "aria-label": "Batch actions" },
      retry,
      cancel,
      redeliver,
      zip,
    ),
    messages,
    compareRegion,
    h(
      "section",
      { "aria-labelledby": "images-title" },
      h("h2", { id: "images-title" }, "Images"),
      h("div", { class: "filters" }, h("label", { for: "image-filter" }, "Show"), imageFilter),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "images" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["#", "Property code", "Status", "Attempts", "Time", "Error", "Actions"].map((t) =>
                h("th", { scope: "col" }, t),
              ),
            ),
          ),
          rows.tbody,
        ),
      ),
      h("div", { class: "pager" }, prev, pageLabel, next),
    ),
    dialog,
  );
  refresh();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    closeCompare?.();
  };
}
