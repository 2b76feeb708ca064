/**
 * A real browser for the dashboard tests: Debian's Chromium driven by playwright-core (no
 * browser download). When no Chromium is installed the tests are skipped and say why.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { emulatorOrigin } from "../../tools/emulatorPorts.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DASHBOARD_URL = process.env.DASHBOARD_URL ?? `${emulatorOrigin("hosting")}/`;
export const SCREENSHOTS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".runtime",
  "screenshots",
);

/** `describe`, or `describe.skip` with the reason printed when there is no browser. */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  console.warn(
    `[${name}] SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it with ` +
      "`apt-get install -y chromium` (or set CHROMIUM_PATH); .ci/run installs it in CI.",
  );
  describe.skip(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox"] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the form, as a partner does. */
export async function signIn(page: Page, apiKey: string): Promise<void> {
  await page.goto(DASHBOARD_URL);
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Batches", level: 1 }).waitFor();
}

/**
 * Waits until the element's text contains `text` (a string) or matches it (a RegExp): the
 * positive signal the page shows. On timeout the error says what the element showed instead.
 */
export async function waitForText(
  locator: Locator,
  text: string | RegExp,
  timeout = 15_000,
): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout });
  } catch {
    const shown = await locator
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => "(no such element)");
    throw new Error(`expected ${String(locator)} to show ${String(text)}; it shows: ${shown}`);
  }
}
