/**
 * The partner dashboard in a real browser (Chromium through playwright-core) against the
 * Emulator Suite, through Hosting like a partner: sign in, submit a batch from a CSV, watch it
 * finish, compare before and after, download all as a zip, retry a failed image, cancel a batch,
 * sign out; at phone width too. Screenshots go to .runtime/screenshots/.
 */
import { unzipSync, strFromU8 } from "fflate";
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { newPartner, submitBatch, useSourceServer, waitFinished } from "./harness.js";
import {
  DASHBOARD_URL,
  describeWithBrowser,
  launchBrowser,
  screenshot,
  signIn,
  waitForText,
} from "./browser.js";

const sources = useSourceServer();
const BROKEN = [2, 4];

describeWithBrowser("dashboard", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let partner: Awaited<ReturnType<typeof newPartner>>;
  let batchPath = "";

  beforeAll(async () => {
    browser = await launchBrowser();
    partner = await newPartner("Dashboard partner");
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test("signs in with an API key kept in session storage only", async () => {
    await signIn(page, partner.apiKey);
    expect(await page.evaluate("sessionStorage.getItem('vstage.apiKey')")).toBe(partner.apiKey);
    expect(await page.evaluate("localStorage.length")).toBe(0);
  });

  test("a wrong key is refused with the API's message", async () => {
    const other = await context.newPage();
    await other.goto(DASHBOARD_URL);
    await other.getByLabel("API key").fill("vsk_not_a_real_key");
    await other.getByRole("button", { name: "Sign in" }).click();
    await waitForText(other.getByRole("alert"), "unauthenticated");
    await other.close();
  });

  test("submits a batch from a CSV and lands on its page, which follows it to the end", async () => {
    const rows = Array.from({ length: 6 }, (_, i) =>
      BROKEN.includes(i)
        ? `${sources().url}/rooms/${i}.jpg?mode=404,LST-${i}`
        : `${sources().url}/rooms/${i}.jpg,LST-${i}`,
    );
    await page.getByRole("link", { name: "New batch" }).first().click();
    await page.getByLabel("…or a CSV file").setInputFiles({
      name: "photos.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(["url,propertyCode", ...rows].join("\n")),
    });
    await page.getByLabel("Design style").selectOption("scandinavian");
    await waitForText(page.locator("#style-help"), "light oak wood");
    await page.getByLabel("Room type").selectOption("living_room");
    await page.getByLabel("Client name").fill("Browser Realty");
    await page.getByRole("button", { name: "Submit batch" }).click();

    await page.waitForURL(/#\/batches\/b_[A-Za-z0-9_-]+$/);
    batchPath = new URL(page.url()).hash;
    await page.getByRole("heading", { name: "Browser Realty", level: 1 }).waitFor();
    // Live progress: the page reaches 100% without a reload.
    await waitForText(page.locator(".progress-text"), "100% finished", 150_000);
    await waitForText(page.locator(".progress-text"), "4 completed, 2 failed");
    const failedRow = page.locator('tr[data-index="2"]');
    await waitForText(failedRow, "source_not_found");
    await waitForText(failedRow.locator("td[data-label=Attempts]"), /^1$/);
    await waitForText(page.locator(".facts"), "66.67%");
    await screenshot(page, "batch-page");

    await page.getByRole("link", { name: "← All batches" }).click();
    const row = page.locator(`tr[data-batch-id="${batchPath.split("/").pop()}"]`);
    await waitForText(row, "4 done · 2 failed");
    await waitForText(row.locator(".badge"), /^completed$/);
    await screenshot(page, "batch-list");
    await page.getByLabel("Status").selectOption("cancelled");
    await waitForText(page.locator("tbody"), "No batches yet");
    await page.getByLabel("Status").selectOption("");
  });

  test("opens a before/after comparison driven by the keyboard", async () => {
    await page.goto(`${DASHBOARD_URL}${batchPath}`);
    await page.getByRole("button", { name: "Compare before and after of LST-0" }).click();
    await page.locator(".compare-frame[data-loaded=true]").waitFor();
    const slider = page.getByLabel("Before ◀ ▶ After");
    await slider.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    expect(await slider.inputValue()).toBe("55");
    expect(await page.locator(".compare-frame").getAttribute("style")).toMatch(/--pos:\s*55%/);
    const natural = await page.evaluate<number>(
      "document.querySelector('.compare-frame img.after').naturalWidth",
    );
    expect(natural).toBeGreaterThan(0);
    await page.locator(".compare").scrollIntoViewIfNeeded();
    await screenshot(page, "before-after");
    await page.getByRole("button", { name: "Close comparison" }).click();
  });

  test("downloads every output as a zip with a results.csv", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download all (zip)" }).click(),
    ]);
    const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    expect(Object.keys(files).sort()).toEqual(
      ["LST-0.jpg", "LST-1.jpg", "LST-3.jpg", "LST-5.jpg", "results.csv"].sort(),
    );
    const csv = strFromU8(files["results.csv"]!).trim().split("\n");
    expect(csv[0]).toBe("index,propertyCode,url,status,file,errorCode,errorMessage");
    expect(csv[3]).toMatch(/^2,LST-2,.*,failed,,source_not_found,/);
  });

  test("retries a failed image once its source is fixed", async () => {
    sources().fixAll(true);
    try {
      await page.getByRole("button", { name: "Retry failed" }).click();
      await waitForText(page.locator(".messages"), "2 failed image(s) queued again");
      await waitForText(page.locator(".progress-text"), "6 completed, 0 failed", 150_000);
      await waitForText(page.locator('tr[data-index="2"] .badge'), /^completed$/);
    } finally {
      sources().fixAll(false);
    }
  });

  test("cancels a running batch after a confirmation", async () => {
    const batchId = await submitBatch(partner.client, {
      images: Array.from({ length: 40 }, (_, i) => ({
        url: `${sources().url}/rooms/${i}.jpg?mode=slow&ms=3000`,
      })),
      designStyle: "modern",
      roomType: "bedroom",
      clientName: "Cancel Me Realty",
    });
    await page.goto(`${DASHBOARD_URL}#/batches/${batchId}`);
    // Wait until the fan-out wrote the image rows: a cancel that races the fan-out is not what
    // this test is about.
    await page.locator('tr[data-index="39"]').waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Cancel batch" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this batch?" });
    await dialog.waitFor({ state: "visible" });
    await dialog.getByRole("button", { name: "No, keep it running" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Cancel batch" }).click();
    await dialog.getByRole("button", { name: "Yes, cancel the batch" }).click();
    await waitForText(page.locator(".messages"), "queued image(s) cancelled");
    await waitForText(page.locator("main > p.sub .badge"), /^cancelled$/, 120_000);
    const { final } = await waitFinished(partner.client, batchId);
    expect(final.status).toBe("cancelled");
    expect(final.cancelled).toBeGreaterThan(0);
    await waitForText(page.locator(".progress-text"), `${final.cancelled} cancelled`);
  });

  test("is usable at phone width: no sideways scrolling, rows become labelled blocks", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    await signIn(small, partner.apiKey);
    await small.locator("tr[data-batch-id]").first().waitFor();
    const overflow = await small.evaluate<number>(
      "document.documentElement.scrollWidth - window.innerWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(small, "batch-list-phone");
    await phone.close();
  });

  test("signs out: the key is removed and the sign-in form is back", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('vstage.apiKey')")).toBeNull();
  });
});
