// A learner opens the site, follows the course path, and the pages come alive.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { lessonsFromContent } from "../support/content.mjs";
import { startServer } from "../support/server.mjs";
import { PHONE, collectErrors, launchBrowser, waitForHydration, waitForIslandsIfAny } from "../support/browser.mjs";

// The lesson list beside a lesson is a <details> in nav.course-nav (the
// contract leaves the nesting open: the <details> may hold the <nav> instead).
const courseNavDetails = (page) => page.locator("nav.course-nav details, details:has(nav.course-nav)").first();
const courseNavSummary = (page) => courseNavDetails(page).locator("summary", { hasText: "All lessons" });
const courseNavList = (page) => courseNavDetails(page).locator("ol");

describe("the course", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    // Lesson 6's lab probes the HTTPS lanes; an untrusted certificate makes
    // Chromium log the failed probe (tests/lab.test.mjs covers that case).
    browser = await launchBrowser({ trustTestCertificate: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the home page lists the path, and 'next' leads through every lesson", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(server.url); // a text page: nothing to hydrate
    assert.equal(await page.title(), "Realtime Lab");
    const steps = await page.locator(".course-path h3").allTextContents();
    const lessons = lessonsFromContent().length;
    assert.equal(steps.length, lessons);
    assert.equal(steps[0], "The big picture");

    await page.getByRole("link", { name: "The big picture" }).click();
    await page.waitForURL(/\/lessons\/big-picture$/);
    const visited = [await page.locator("h1").textContent()];
    for (let i = 1; i < steps.length; i++) {
      await page.locator("a[rel=next]").click();
      await page.waitForFunction((n) => document.querySelector(".lesson-number")?.textContent === `Lesson ${n.i} of ${n.lessons}`, { i: i + 1, lessons });
      visited.push(await page.locator("h1").textContent());
      assert.equal(await page.title(), `${visited.at(-1)} · Realtime Lab`);
    }
    assert.deepEqual(visited, steps);
    assert.equal(await page.locator("a[rel=next]").count(), 0, "the last lesson has no next link");
    assert.deepEqual(errors, []);
  });

  test("on a phone the lesson list is folded; its summary opens it and its links work", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/event-stream`);
    await waitForHydration(page); // the page's clock demo, so its errors are counted too
    const list = courseNavList(page);
    assert.equal(await courseNavDetails(page).evaluate((details) => details.open), false, "closed on a phone");
    assert.equal(await list.isVisible(), false);

    await courseNavSummary(page).click();
    assert.equal(await courseNavDetails(page).evaluate((details) => details.open), true);
    assert.equal(await list.isVisible(), true);
    assert.equal(await list.locator("[aria-current=page]").textContent(), "3The event stream and EventSource");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page scrolls sideways: ${width}px wide`);

    await list.getByRole("link", { name: "The WebSocket API and frames" }).click();
    await page.waitForURL(/\/lessons\/websocket-frames$/);
    assert.equal(await page.locator("h1").textContent(), "The WebSocket API and frames");
    assert.deepEqual(errors, []);
  });

  test("no page scrolls sideways on a phone", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(server.url);
    const paths = [
      "/",
      ...(await page.$$eval(".course-path h3 a", (links) => links.map((a) => a.getAttribute("href")))),
      "/demos/sse-clock",
      "/demos/ws-echo",
      "/demos/handshake-inspector",
    ];
    assert.equal(paths.length, lessonsFromContent().length + 4);
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      await waitForIslandsIfAny(page); // a hydrated demo may lay itself out wider
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE.width, `${path} is ${width}px wide on a ${PHONE.width}px screen`);
    }
  });

  test("the keyboard reaches the content through the skip link", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/lessons/big-picture`);
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.textContent);
    assert.equal(focused, "Skip to content");
    await page.keyboard.press("Enter");
    // A same-document navigation reaches Playwright as an event, a moment later.
    await page.waitForURL(/#main$/, { timeout: 5_000 });
    assert.match(page.url(), /#main$/);
  });

  test("an unknown address shows the 404 page with a way back", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/lessons/no-such-lesson`);
    assert.equal(response.status(), 404);
    assert.equal(await page.locator("h1").textContent(), "Page not found");
    await page.getByRole("link", { name: "Go to the course path" }).click();
    await page.waitForURL(`${server.url}/`);
  });
});

describe("a lesson with a demo directive", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ contentDir: "tests/fixtures/valid" });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the embedded demo is live: the counter counts clicks", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/first`);
    await waitForHydration(page);
    const island = page.locator("section.demo[data-demo=counter] leptos-island");
    assert.equal(await island.locator("[data-hydrated=true]").count(), 1, "the counter's own island is hydrated");
    const button = island.locator("button");
    assert.equal(await button.textContent(), "Clicked 0 times");
    await button.click();
    await button.click();
    assert.equal(await button.textContent(), "Clicked 2 times");
    assert.deepEqual(errors, []);
  });
});
