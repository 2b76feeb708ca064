/**
 * The partner's batches, newest first: status, progress, counts, cost, created and finished
 * times; a status filter and paging (the API's cursor; earlier cursors are kept for "Previous").
 * Refreshes itself while a batch on the page is still running.
 */
import { type BatchSummary, clientFor, unwrap } from "../api.js";
import { formatTime, formatUsd, h, mount, progressBar, statusBadge } from "../dom.js";
import type { Cleanup, ViewContext } from "../main.js";
import { liveRegion, pageHeading, showError } from "./common.js";

const STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
type BatchStatusFilter = (typeof STATUSES)[number];
const PAGE_SIZE = 20;
const REFRESH_MS = 3000;

export function renderBatchList(ctx: ViewContext): Cleanup {
  const api = clientFor(ctx.apiKey);
  const tokens: Array<string | undefined> = [undefined];
  let page = 0;
  let status: BatchStatusFilter | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const filter = h(
    "select",
    { id: "status-filter", name: "status" },
    h("option", { value: "" }, "All statuses"),
    STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const tableBody = h("tbody");
  const messages = liveRegion();
  const prev = h("button", { type: "button", disabled: true }, "Previous page");
  const next = h("button", { type: "button", disabled: true }, "Next page");
  const pageLabel = h("span", { class: "page-label" });

  const costs = new Map<string, number>();
  async function fillCost(batchId: string, cell: HTMLElement): Promise<void> {
    const known = costs.get(batchId);
    if (known !== undefined) {
      cell.textContent = formatUsd(known);
      return;
    }
    const r = await api.GET("/batch/{batchId}/status", {
      params: { path: { batchId }, query: { pageSize: 1 } },
    });
    if (r.data) {
      cell.textContent = formatUsd(r.data.statistics.totalCostUsd);
      if (r.data.completedAt) costs.set(batchId, r.data.statistics.totalCostUsd);
    }
  }

  function row(b: BatchSummary): HTMLElement {
    const cost = h("td", { "data-label": "Cost" }, "…");
    void fillCost(b.batchId, cost).catch(() => (cost.textContent = "—"));
    return h(
      "tr",
      { "data-batch-id": b.batchId },
      h(
        "td",
        { "data-label": "Batch" },
        h("a", { href: `#/batches/${b.batchId}` }, b.clientName),
        h("div", { class: "sub" }, `${b.designStyle} · ${b.roomType}`),
      ),
      h("td", { "data-label": "Status" }, statusBadge(b.status)),
      h(
        "td",
        { "data-label": "Progress" },
        progressBar(b.progress, `Progress of ${b.clientName}`),
        h("div", { class: "sub" }, `${b.progress}%`),
      ),
      h(
        "td",
        { "data-label": "Images" },
        `${b.completed} done · ${b.failed} failed · ${b.cancelled} cancelled · ${b.total} total`,
      ),
      cost,
      h("td", { "data-label": "Created" }, formatTime(b.createdAt)),
      h("td", { "data-label": "Finished" }, formatTime(b.completedAt)),
    );
  }

  async function load(): Promise<void> {
    if (timer) clearTimeout(timer);
    const result = unwrap(
      await api.GET("/batch", {
        params: { query: { pageSize: PAGE_SIZE, pageToken: tokens[page], status } },
      }),
    );
    if (stopped) return;
    mount(
      tableBody,
      result.batches.length
        ? result.batches.map(row)
        : h("tr", {}, h("td", { colspan: 7 }, "No batches yet. Start one with “New batch”.")),
    );
    tokens[page + 1] = result.nextPageToken ?? undefined;
    prev.disabled = page === 0;
    next.disabled = !result.nextPageToken;
    pageLabel.textContent = `Page ${page + 1}`;
    const running = (b: BatchSummary) =>
      b.status === "queued" || b.status === "processing" || b.queued + b.processing > 0;
    if (result.batches.some(running)) {
      timer = setTimeout(() => void load().catch(() => undefined), REFRESH_MS);
    }
  }
  const reload = () => void load().catch((e: unknown) => showError(ctx, messages, e));

  filter.addEventListener("change", () => {
    status = (filter.value || undefined) as BatchStatusFilter | undefined;
    tokens.length = 1;
    page = 0;
    reload();
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    reload();
  });
  next.addEventListener("click", () => {
    page++;
    reload();
  });

  mount(
    ctx.main,
    h(
      "div",
      { class: "toolbar" },
      pageHeading("Batches"),
      h("a", { class: "button", href: "#/new" }, "New batch"),
    ),
    h(
      "div",
      { class: "filters" },
      h("label", { for: "status-filter" }, "Status"),
      filter,
      h("button", { type: "button", onclick: reload }, "Refresh"),
    ),
    messages,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "batches" },
        h("caption", { class: "visually-hidden" }, "Your batches, newest first"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Batch", "Status", "Progress", "Images", "Cost", "Created", "Finished"].map((t) =>
              h("th", { scope: "col" }, t),
            ),
          ),
        ),
        tableBody,
      ),
    ),
    h("div", { class: "pager" }, prev, pageLabel, next),
  );
  reload();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
