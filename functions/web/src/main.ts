/**
 * The partner dashboard: sign in with an API key, list batches, follow one batch live, compare
 * before and after, retry, cancel, redeliver the webhook, download, and submit a new batch.
 * Hash routes (#/batches, #/batches/{id}, #/new) so Hosting serves one static page.
 */
import "./styles.css";
import { h, mount } from "./dom.js";
import { session } from "./session.js";
import { renderSignIn } from "./views/signIn.js";
import { renderBatchList } from "./views/batchList.js";
import { renderBatchPage } from "./views/batchPage.js";
import { renderNewBatch } from "./views/newBatch.js";

/** What a view returns: a function that stops its timers when the route changes. */
export type Cleanup = () => void;

const root = document.getElementById("app")!;
let cleanup: Cleanup | undefined;

export function navigate(hash: string): void {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

function signOut(): void {
  session.clear();
  navigate("#/signin");
}

function shell(main: HTMLElement): HTMLElement[] {
  const nav = h(
    "nav",
    { "aria-label": "Main" },
    h("a", { href: "#/batches" }, "Batches"),
    h("a", { href: "#/new" }, "New batch"),
    h("button", { type: "button", class: "link", onclick: signOut }, "Sign out"),
  );
  return [
    h("header", { class: "top" }, h("span", { class: "brand" }, "Virtual Staging"), nav),
    main,
  ];
}

async function route(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const apiKey = session.get();
  const path = location.hash.replace(/^#/, "") || "/batches";
  const main = h("main", { id: "main", tabindex: "-1" });
  if (!apiKey || path === "/signin") {
    mount(root, main);
    cleanup = renderSignIn(main, (key) => {
      session.set(key);
      navigate("#/batches");
    });
  } else {
    mount(root, ...shell(main));
    const batch = /^\/batches\/([A-Za-z0-9_-]+)$/.exec(path);
    const ctx = { apiKey, main, navigate, signOut };
    if (batch) cleanup = renderBatchPage(ctx, batch[1]!);
    else if (path === "/new") cleanup = renderNewBatch(ctx);
    else cleanup = renderBatchList(ctx);
  }
  // Move focus to the new page's heading so keyboard and screen-reader users start there.
  requestAnimationFrame(() => (main.querySelector("h1") ?? main).focus?.());
}

export interface ViewContext {
  apiKey: string;
  main: HTMLElement;
  navigate: (hash: string) => void;
  signOut: () => void;
}

window.addEventListener("hashchange", () => void route());
void route();
