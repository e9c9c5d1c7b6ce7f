// What lessons can hold beyond plain Markdown, as a learner meets it: code
// tabs worked by the keyboard and remembered, notes, the search box in
// every page's header, the authors' guide, and a lesson printed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

// Lesson 5 shows its fixed server as tabs: Node, and Rust (axum).
const TABS_LESSON = "/lessons/writing-the-server";

describe("authoring features, in the browser", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ["--no-lab"] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("code tabs: one panel shows, arrow keys and Home/End move, and the choice is remembered on the next visit", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}${TABS_LESSON}`);
    await waitForHydration(page);
    const group = page.locator(".code-tabs").first();
    const tabs = group.getByRole("tab");
    assert.deepEqual(await tabs.allTextContents(), ["Node", "Rust (axum)"]);
    const panels = group.locator("[role=tabpanel]");
    const visible = async () => {
      const shown = [];
      for (let i = 0; i < (await panels.count()); i++) shown.push(await panels.nth(i).isVisible());
      return shown;
    };
    assert.deepEqual(await visible(), [true, false], "the first tab's code alone");
    assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");

    await tabs.nth(0).focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Rust (axum)", "focus follows");
    assert.deepEqual(await visible(), [false, true]);
    assert.match(await panels.nth(1).innerText(), /IntervalStream/);
    await page.keyboard.press("ArrowRight");
    assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true", "ArrowRight wraps to the first");
    await page.keyboard.press("End");
    assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true");
    await page.keyboard.press("Home");
    assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");
    assert.equal(await tabs.nth(1).getAttribute("tabindex"), "-1", "one tab stop per group");

    await tabs.nth(1).click();
    await page.reload();
    await waitForHydration(page);
    assert.equal(await tabs.nth(1).getAttribute("aria-selected"), "true", "remembered after a reload");
    assert.deepEqual(await visible(), [false, true]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("code tabs without JavaScript: every tab's code shows, under its label", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}${TABS_LESSON}`);
    const group = page.locator(".code-tabs").first();
    assert.equal(await group.getByRole("tablist").isVisible(), false);
    assert.deepEqual(await group.locator(".code-tab-label").allTextContents(), ["Node", "Rust (axum)"]);
    for (const panel of await group.locator(".code-tab").all()) assert.ok(await panel.isVisible());
    await context.close();
  });

  test("a note is announced as a note with its kind", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${TABS_LESSON}`);
    const note = page.getByRole("note").first();
    assert.equal(await note.locator(".admonition-title").innerText(), "Note");
    assert.match(await note.innerText(), /one timer for everyone/);
    await context.close();
  });

  test("search from the header: results link to sections, the words are marked, and nothing is found for gibberish", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/event-stream`);
    const box = page.getByRole("search").getByRole("searchbox", { name: "Search the lessons" });
    await box.fill("multiplexing");
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=multiplexing/);
    const results = page.locator(".search-results > li");
    assert.ok((await results.count()) > 0);
    assert.match(await results.first().locator(".search-result-lesson").innerText(), /HTTP\/1\.1 versus HTTP\/2/);
    assert.match(await results.first().locator("mark").first().innerText(), /^multiplex/i);
    assert.equal(await page.getByRole("searchbox").inputValue(), "multiplexing", "the box keeps the query");
    await results.first().getByRole("link").click();
    await page.waitForURL(/\/lessons\/http1-vs-http2#/);

    await page.goto(`${server.url}/search?q=qwzxvb`);
    assert.equal(await page.locator(".search-results").count(), 0);
    assert.match(await page.getByRole("status").innerText(), /No section of any lesson matches “qwzxvb”/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the authors' guide shows each example as typed and as it renders, and its tabs work", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server.url);
    await page.getByRole("link", { name: "authors' guide" }).click();
    await page.waitForURL(/\/guide$/);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Writing a lesson");
    assert.ok((await page.locator(".guide-example").count()) >= 10);
    assert.match(
      await page.locator(".guide-example-error").first().innerText(),
      /content\/09-draft\.md:3: invalid front matter: unknown field `summery`/,
    );
    const tabs = page.locator(".guide-example .code-tabs").first().getByRole("tab");
    await tabs.nth(2).click();
    assert.equal(await tabs.nth(2).getAttribute("aria-selected"), "true");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("printed, a lesson keeps its text and drops the controls, and links show where they go", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}${TABS_LESSON}`);
    await waitForHydration(page);
    await page.emulateMedia({ media: "print" });
    const hidden = async (selector) =>
      page.locator(selector).first().evaluate((e) => getComputedStyle(e).display === "none");
    for (const selector of [".site-search", ".course-nav", ".toc", ".demo button", ".code-tabs-list"]) {
      assert.ok(await hidden(selector), `${selector} is not printed`);
    }
    assert.equal(await hidden(".lesson h1"), false);
    // Both tabs' code prints, whichever is chosen.
    for (const panel of await page.locator(".code-tabs").first().locator(".code-tab").all()) {
      assert.ok(await panel.isVisible());
    }
    const after = await page
      .locator(".prose a[href^='http']")
      .first()
      .evaluate((a) => getComputedStyle(a, "::after").content);
    assert.match(after, /^" \(" attr\(href\) "\)"$|^" \(https?:/);
    await context.close();
  });
});
