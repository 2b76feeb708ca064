/**
 * Before/after comparison of one completed image: the source photo and the staged output
 * stacked, with a range slider (keyboard: arrow keys, Home, End) that reveals the output from
 * the left, or the two side by side.
 */
import { fetchOutput, type ImageView } from "../api.js";
import { h, mount } from "../dom.js";

export function renderCompare(
  region: HTMLElement,
  apiKey: string,
  batchId: string,
  image: ImageView,
  onClose: () => void,
): () => void {
  let objectUrl: string | undefined;
  const label = image.propertyCode ?? `image ${image.index + 1}`;
  const sourceViewable = /^https?:\/\//i.test(image.url);
  const before = sourceViewable
    ? h("img", { class: "before", src: image.url, alt: `Before: source photo of ${label}` })
    : h(
        "div",
        { class: "before placeholder" },
        "The source photo is not viewable in a browser (gs:// address).",
      );
  if (before instanceof HTMLImageElement) {
    before.addEventListener("error", () =>
      before.replaceWith(
        h("div", { class: "before placeholder" }, "The source photo could not be loaded."),
      ),
    );
  }
  const after = h("img", { class: "after", alt: `After: staged photo of ${label}` });
  const frame = h(
    "div",
    { class: "compare-frame", style: "--pos:50%" },
    before,
    after,
    h("div", { class: "divider", "aria-hidden": "true" }),
  );
  const slider = h("input", {
    id: "compare-range",
    type: "range",
    min: 0,
    max: 100,
    value: 50,
    "aria-valuetext": "50% of the photo shows the staged version",
  });
  slider.addEventListener("input", () => {
    frame.style.setProperty("--pos", `${slider.value}%`);
    slider.setAttribute("aria-valuetext", `${slider.value}% of the photo shows the staged version`);
  });
  const sideBySide = h("button", { type: "button", "aria-pressed": "false" }, "Side by side");
  sideBySide.addEventListener("click", () => {
    const on = frame.classList.toggle("side-by-side");
    sideBySide.setAttribute("aria-pressed", String(on));
  });
  const close = h("button", { type: "button", onclick: onClose }, "Close comparison");
  const status = h("p", { class: "sub", role: "status" }, "Loading the staged photo…");

  mount(
    region,
    h(
      "section",
      { class: "card compare", "aria-labelledby": "compare-title" },
      h(
        "h2",
        { id: "compare-title", tabindex: "-1" },
        `Before / after: ${label} (#${image.index})`,
      ),
      image.preview
        ? h(
            "p",
            { class: "note" },
            "Preview engine output: a labelled preview, not a real staging.",
          )
        : null,
      frame,
      h(
        "div",
        { class: "compare-controls" },
        h("label", { for: "compare-range" }, "Before ◀ ▶ After"),
        slider,
        sideBySide,
        close,
      ),
      status,
    ),
  );
  region.querySelector<HTMLElement>("#compare-title")?.focus();

  fetchOutput(apiKey, batchId, image)
    .then(({ blob }) => {
      objectUrl = URL.createObjectURL(blob);
      after.src = objectUrl;
      status.textContent = "Drag the slider or use the arrow keys to compare.";
      frame.dataset.loaded = "true";
    })
    .catch((e: unknown) => {
      status.textContent = e instanceof Error ? e.message : String(e);
    });
  return () => {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    mount(region);
  };
}
