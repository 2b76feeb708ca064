/**
 * The "new batch" form: photo URLs pasted (one per line, optionally `url,propertyCode`) or a CSV
 * file (`url,propertyCode`), style and room type from GET /batch/options with their descriptions,
 * client name, priority, optional callback URL. On success it opens the new batch's page.
 */
import { parsePhotoList, PhotoListError } from "../../../tools/client/photosCsv.js";
import { clientFor, type Options, type Schemas, unwrap } from "../api.js";
import { h, mount } from "../dom.js";
import type { Cleanup, ViewContext } from "../main.js";
import { pageHeading, showError } from "./common.js";

function field(id: string, label: string, control: HTMLElement, help?: HTMLElement): HTMLElement {
  if (help) control.setAttribute("aria-describedby", help.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, help ?? null);
}

type CatalogEntry = { id: string; label: string; description: string };
type CreateBody = Schemas["CreateBatchRequest"];

function catalogSelect(
  id: string,
  entries: readonly CatalogEntry[],
  help: HTMLElement,
): HTMLSelectElement {
  const select = h(
    "select",
    { id, name: id, required: true },
    entries.map((e) => h("option", { value: e.id }, e.label)),
  );
  const describe = () => {
    help.textContent = entries.find((e) => e.id === select.value)?.description ?? "";
  };
  select.addEventListener("change", describe);
  describe();
  return select;
}

export function renderNewBatch(ctx: ViewContext): Cleanup {
  const api = clientFor(ctx.apiKey);
  const errors = h("div", { role: "alert" });
  mount(
    ctx.main,
    pageHeading("New batch"),
    h("p", {}, "Loading the styles and room types…"),
    errors,
  );

  api
    .GET("/batch/options")
    .then((r) => build(unwrap(r)))
    .catch((e: unknown) => showError(ctx, errors, e));

  function build(options: Options): void {
    const urls = h("textarea", { id: "urls", name: "urls", rows: 6, spellcheck: "false" });
    const csv = h("input", {
      id: "csv",
      name: "csv",
      type: "file",
      accept: ".csv,text/csv,text/plain",
    });
    const styleHelp = h("p", { id: "style-help", class: "help" });
    const roomHelp = h("p", { id: "room-help", class: "help" });
    const style = catalogSelect("designStyle", options.designStyles, styleHelp);
    const room = catalogSelect("roomType", options.roomTypes, roomHelp);
    const clientName = h("input", {
      id: "clientName",
      name: "clientName",
      required: true,
      maxlength: 200,
      value: "My listings",
    });
    const priority = h(
      "select",
      { id: "priority", name: "priority" },
      options.priorities.map((p) => h("option", { value: p }, p)),
    );
    const callback = h("input", {
      id: "callbackUrl",
      name: "callbackUrl",
      type: "url",
      placeholder: "https://crm.example.com/hooks/staging",
    });
    const submit = h("button", { type: "submit" }, "Submit batch");
    const photosHelp = h(
      "p",
      { id: "urls-help", class: "help" },
      "One photo per line: a URL, or url,propertyCode. Or choose a CSV file with a url column (and optionally propertyCode); the file is used when both are given.",
    );

    const form = h(
      "form",
      { class: "card", novalidate: true },
      field("urls", "Photo URLs", urls, photosHelp),
      field("csv", "…or a CSV file", csv),
      field("designStyle", "Design style", style, styleHelp),
      field("roomType", "Room type", room, roomHelp),
      field("clientName", "Client name", clientName),
      field("priority", "Priority", priority),
      field("callbackUrl", "Callback URL (optional)", callback),
      submit,
      errors,
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      mount(errors);
      void send().finally(() => (submit.disabled = false));
    });

    async function send(): Promise<void> {
      try {
        const file = csv.files?.[0];
        const text = file ? await file.text() : urls.value;
        const images = parsePhotoList(text);
        const created = unwrap(
          await api.POST("/batch/staging/create", {
            body: {
              images,
              designStyle: style.value as CreateBody["designStyle"],
              roomType: room.value as CreateBody["roomType"],
              clientName: clientName.value.trim(),
              priority: priority.value as CreateBody["priority"],
              ...(callback.value.trim() ? { callbackUrl: callback.value.trim() } : {}),
            },
          }),
        );
        ctx.navigate(`#/batches/${created.batchId}`);
      } catch (e) {
        if (e instanceof PhotoListError)
          mount(errors, h("div", { class: "error" }, h("p", {}, e.message)));
        else showError(ctx, errors, e);
        errors.querySelector<HTMLElement>(".error")?.setAttribute("tabindex", "-1");
        errors.querySelector<HTMLElement>(".error")?.focus();
      }
    }
    mount(ctx.main, pageHeading("New batch"), form);
  }
  return () => {};
}
