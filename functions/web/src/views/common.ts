/** Helpers shared by the views: error messages (and sign-out on a refused key). */
import { ApiFailure } from "../api.js";
import { h, mount } from "../dom.js";
import type { ViewContext } from "../main.js";

/** Shows an error in a live region; a refused key (401) signs the partner out. */
export function showError(ctx: ViewContext | null, region: HTMLElement, e: unknown): void {
  if (ctx && e instanceof ApiFailure && e.status === 401) {
    ctx.signOut();
    return;
  }
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof ApiFailure ? e.code : null;
  const fields = e instanceof ApiFailure ? e.fields : [];
  mount(
    region,
    h(
      "div",
      { class: "error" },
      h("p", {}, code ? h("strong", {}, `${code}: `) : null, message),
      fields.length
        ? h(
            "ul",
            {},
            fields.map((f) =>
              h("li", {}, h("code", {}, f.field || "body"), ` ${f.code}: ${f.message}`),
            ),
          )
        : null,
    ),
  );
}

export function pageHeading(text: string): HTMLHeadingElement {
  return h("h1", { tabindex: "-1" }, text);
}

/** A polite live region for status messages. */
export function liveRegion(): HTMLElement {
  return h("div", { class: "messages", role: "status", "aria-live": "polite" });
}
