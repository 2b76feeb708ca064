/**
 * The rows of a batch's image table: status, attempts, time, error code and message, and the
 * actions of a completed image (compare, download). A row is rebuilt only when its image changed,
 * so polling does not steal keyboard focus from rows that stayed the same.
 */
import type { ImageView } from "../api.js";
import { formatMs, h, statusBadge } from "../dom.js";

export interface RowActions {
  compare: (image: ImageView) => void;
  download: (image: ImageView, button: HTMLButtonElement) => void;
}

function row(image: ImageView, actions: RowActions): HTMLTableRowElement {
  const label = image.propertyCode ?? `image ${image.index + 1}`;
  const compare = h(
    "button",
    { type: "button", "aria-label": `Compare before and after of ${label}` },
    "Compare",
  );
  compare.addEventListener("click", () => actions.compare(image));
  const download = h(
    "button",
    { type: "button", "aria-label": `Download staged photo of ${label}` },
    "Download",
  );
  download.addEventListener("click", () => actions.download(image, download));
  return h(
    "tr",
    { "data-index": image.index, "data-status": image.status },
    h("td", { "data-label": "#" }, String(image.index)),
    h("td", { "data-label": "Property code" }, image.propertyCode ?? "—"),
    h(
      "td",
      { "data-label": "Status" },
      statusBadge(image.status),
      image.waitingFor ? h("div", { class: "sub" }, `waiting for ${image.waitingFor}`) : null,
    ),
    h("td", { "data-label": "Attempts" }, String(image.attempts)),
    h("td", { "data-label": "Time" }, formatMs(image.processingTimeMs)),
    h(
      "td",
      { "data-label": "Error" },
      image.error ? h("span", {}, h("code", {}, image.error.code), " ", image.error.message) : "—",
    ),
    h(
      "td",
      { "data-label": "Actions", class: "actions" },
      image.status === "completed" ? [compare, download] : null,
    ),
  );
}

/** Keeps a tbody in step with the latest page of images. */
export class ImageRows {
  private readonly rendered = new Map<number, { key: string; tr: HTMLTableRowElement }>();

  constructor(
    readonly tbody: HTMLTableSectionElement,
    private readonly actions: RowActions,
  ) {}

  update(images: readonly ImageView[]): void {
    const seen = new Set<number>();
    let previous: HTMLTableRowElement | null = null;
    for (const image of images) {
      seen.add(image.index);
      const key = JSON.stringify([
        image.status,
        image.attempts,
        image.error,
        image.processingTimeMs,
        image.waitingFor,
      ]);
      let entry = this.rendered.get(image.index);
      if (!entry || entry.key !== key) {
        const tr = row(image, this.actions);
        if (entry) entry.tr.replaceWith(tr);
        entry = { key, tr };
        this.rendered.set(image.index, entry);
      }
      const expected: ChildNode | null = previous ? previous.nextSibling : this.tbody.firstChild;
      if (expected !== entry.tr) this.tbody.insertBefore(entry.tr, expected);
      previous = entry.tr;
    }
    for (const [index, entry] of this.rendered) {
      if (!seen.has(index)) {
        entry.tr.remove();
        this.rendered.delete(index);
      }
    }
    if (!images.length) {
      this.tbody.replaceChildren(h("tr", {}, h("td", { colspan: 7 }, "No images to show yet.")));
    } else {
      for (const child of [...this.tbody.children])
        if (!(child as HTMLElement).dataset.index) child.remove();
    }
  }
}
