/** Sign-in: the partner pastes an API key; it is checked against the API before it is kept. */
import { clientFor, unwrap } from "../api.js";
import { h, mount } from "../dom.js";
import type { Cleanup } from "../main.js";
import { pageHeading, showError } from "./common.js";

export function renderSignIn(main: HTMLElement, onSignedIn: (apiKey: string) => void): Cleanup {
  const errors = h("div", { role: "alert" });
  const input = h("input", {
    id: "api-key",
    name: "apiKey",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
    "aria-describedby": "api-key-help",
  });
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card narrow" },
    pageHeading("Sign in"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h(
      "p",
      { id: "api-key-help", class: "help" },
      "Your partner API key (starts with vsk_). It stays in this browser tab only and is removed when you sign out or close the tab.",
    ),
    submit,
    errors,
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    mount(errors);
    clientFor(key)
      .GET("/batch/options")
      .then((r) => {
        unwrap(r);
        onSignedIn(key);
      })
      .catch((e: unknown) => {
        submit.disabled = false;
        showError(null, errors, e);
        input.focus();
      });
  });
  mount(main, form);
  return () => {};
}
