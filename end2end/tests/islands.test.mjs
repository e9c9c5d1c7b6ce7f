// Islands: only a live demo, or a lesson's knowledge checks, bring
// JavaScript and WebAssembly to a page.
// Everything else is server-rendered HTML and one stylesheet, and reads in
// full with JavaScript switched off.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { islandDemos, lessonsFromContent } from "../support/content.mjs";
import { startServer } from "../support/server.mjs";
import { PHONE, collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const LESSONS = lessonsFromContent();
const TEXT_ONLY = LESSONS.filter((lesson) => islandDemos(lesson.demos).length === 0 && lesson.checks === 0);
const WITH_ISLANDS = LESSONS.filter((lesson) => !TEXT_ONLY.includes(lesson));

/** Every request the page makes from now on, as `{ path, type }`. */
function recordRequests(page) {
  const requests = [];
  page.on("request", (request) => {
    requests.push({ path: new URL(request.url()).pathname, type: request.resourceType() });
  });
  return requests;
}

const isCode = ({ path, type }) => type === "script" || path.endsWith(".wasm") || /^\/pkg\/.*\.js$/.test(path);

describe("islands", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    // Lesson 6's lab probes the HTTPS lanes: trust them, as course.test.mjs does.
    browser = await launchBrowser({ trustTestCertificate: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a page without a demo or a check is HTML and one stylesheet: no script file, no WebAssembly, no island", async () => {
    // The home page always; a lesson too while one has neither.
    const paths = ["/", ...TEXT_ONLY.map((lesson) => `/lessons/${lesson.slug}`)];
    for (const path of paths) {
      const page = await browser.newPage();
      const requests = recordRequests(page);
      const response = await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
      assert.equal(response.status(), 200, path);
      assert.deepEqual(requests.filter(isCode), [], `${path} loads code`);
      assert.equal(requests.filter((r) => r.type === "stylesheet").length, 1, `${path} loads one stylesheet`);
      assert.equal(await page.locator("leptos-island").count(), 0, `${path} has an island`);
      const scripts = await page.$$eval("script", (found) =>
        found
          .filter((s) => !/json/.test(s.type)) // data, not code
          .map((s) => s.src || s.textContent.trim().slice(0, 80)),
      );
      // Inline: the learner's theme (in <head>), the protocol the page
      // arrived over, the theme control, and the learner's progress beside
      // each lesson.
      assert.deepEqual(
        scripts.map((s) => s.slice(0, 40)),
        [
          'try{let t=localStorage.getItem("realtime',
          "(()=>{let p=performance.getEntriesByType",
          '(()=>{let g=document.getElementById("the',
          '(()=>{try{let s=localStorage,R="realtime',
        ],
        `${path} has a script of its own`,
      );
      await page.close();
    }
  });

  test("/demos/counter hydrates its island, and the counter counts a click", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/counter`);
    await waitForHydration(page);
    const button = page.locator("section.demo[data-demo=counter] leptos-island button");
    assert.equal(await button.textContent(), "Clicked 0 times");
    await button.click();
    assert.equal(await button.textContent(), "Clicked 1 times");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("each lesson with a demo has one island per demo (and one for its checks), loads the WebAssembly, and hydrates without errors", async () => {
    assert.ok(WITH_ISLANDS.length > 0, "content/ has a lesson with a demo to check");
    for (const lesson of WITH_ISLANDS) {
      const path = `/lessons/${lesson.slug}`;
      const page = await browser.newPage();
      const errors = collectErrors(page);
      const requests = recordRequests(page);
      await page.goto(`${server.url}${path}`);
      await waitForHydration(page);
      const demos = await page.$$eval("section.demo[data-demo]", (sections) =>
        sections.map((s) => `${s.dataset.demo}: ${s.querySelectorAll("leptos-island").length} island(s)`),
      );
      const islands = (name) => (islandDemos([name]).length === 1 ? 1 : 0);
      assert.deepEqual(demos, lesson.demos.map((name) => `${name}: ${islands(name)} island(s)`), `${path}: the demos of its Markdown`);
      assert.equal(
        await page.locator("leptos-island").count(),
        islandDemos(lesson.demos).length + (lesson.checks > 0 ? 1 : 0),
        `${path}: an island outside section.demo, or not one for its checks`,
      );
      assert.equal(await page.locator("section.check").count(), lesson.checks, `${path}: its checks`);
      assert.ok(requests.some((r) => r.path.endsWith(".wasm")), `${path} loaded no .wasm`);
      assert.deepEqual(errors, [], `${path} logged errors`);
      await page.close();
    }
  });

  test("on a phone, a demo further down a lesson is neither fetched nor hydrated until the learner scrolls near it", async () => {
    // The first lesson whose first demo starts well below a phone's screen.
    const context = await browser.newContext({ viewport: PHONE });
    let found = null;
    for (const lesson of WITH_ISLANDS) {
      const page = await context.newPage();
      const requests = recordRequests(page);
      const errors = collectErrors(page);
      await page.goto(`${server.url}/lessons/${lesson.slug}`, { waitUntil: "networkidle" });
      const below = await page.evaluate(() => {
        const island = [...document.querySelectorAll("section.demo leptos-island")][0];
        return island && island.getBoundingClientRect().top > window.innerHeight + 600 ? island.dataset.component : null;
      });
      if (below) {
        found = { page, requests, errors, lesson, component: below };
        break;
      }
      await page.close();
    }
    assert.ok(found, "no lesson has a demo far enough down a phone's screen to test this");
    const { page, requests, errors, lesson, component } = found;
    const demo = page.locator("section.demo leptos-island").first();
    // A lazy island's code is a chunk of its own, named after the island.
    const chunk = component.replace(/^(.*?)_[0-9a-f]*$/i, "$1").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    const chunkFetched = () => requests.some((r) => r.path.includes(`split_${chunk}`));
    await page.waitForTimeout(500); // a second idle moment: nothing starts by itself
    assert.equal(await demo.locator("[data-hydrated=true]").count(), 0, `${lesson.slug}: ${component} hydrated off screen`);
    assert.ok(!chunkFetched(), `${lesson.slug}: the chunk of ${component} was fetched off screen`);

    await demo.scrollIntoViewIfNeeded();
    await demo.locator("[data-hydrated=true]").first().waitFor({ timeout: 15_000 });
    assert.ok(chunkFetched(), `${lesson.slug}: ${component} hydrated without its chunk (${requests.map((r) => r.path).join(", ")})`);
    assert.deepEqual(errors, [], `${lesson.slug} logged errors`);
    await context.close();
  });

  test("a ticking demo scrolled out of view is not drawn, keeps its stream, and is drawn as it stands when it comes back", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/event-stream`);
    const frame = page.locator('section.demo[data-demo="sse-clock"]');
    await frame.scrollIntoViewIfNeeded();
    await frame.locator("[data-hydrated=true]").waitFor({ timeout: 15_000 });
    const ticks = `section.demo[data-demo="sse-clock"] .tick-count`;
    await page.waitForFunction((sel) => Number(document.querySelector(sel).textContent) >= 1, ticks);
    // Chromium says when it starts and stops skipping a content-visibility: auto box.
    await frame.evaluate((demo) => {
      window.skipped = [];
      demo.addEventListener("contentvisibilityautostatechange", (e) => window.skipped.push(e.skipped));
    });

    // Far away from the demo, above or below it, whichever is further.
    await frame.evaluate((demo) => {
      const top = demo.getBoundingClientRect().top + window.scrollY;
      window.scrollTo(0, top > document.documentElement.scrollHeight / 2 ? 0 : document.documentElement.scrollHeight);
    });
    await page.waitForFunction(() => window.skipped.at(-1) === true, null, { timeout: 5_000 });
    const away = await page.$eval(ticks, (dd) => Number(dd.textContent));
    // Out of view, the ticks still arrive (the stream is the lesson): only the drawing stops.
    await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).textContent) > n, [ticks, away], { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.skipped.at(-1)), true, "the demo was drawn while out of view");

    await frame.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => window.skipped.at(-1) === false, null, { timeout: 5_000 });
    assert.ok(await frame.locator(".clock-time").isVisible());
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("with JavaScript off, the course path and every lesson read in full", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url);
    const links = await page.$$eval("ol.course-path li.path-step h3 a[href^='/lessons/']", (found) =>
      found.map((a) => ({ href: a.getAttribute("href"), title: a.textContent.trim() })),
    );
    assert.deepEqual(
      links.map((link) => link.href),
      LESSONS.map((lesson) => `/lessons/${lesson.slug}`),
      "the home page lists every lesson of content/, in order",
    );
    await assertNoLoadingText(page, "/");

    for (const [i, { href, title }] of links.entries()) {
      const response = await page.goto(`${server.url}${href}`);
      assert.equal(response.status(), 200, href);
      assert.equal((await page.locator("h1#lesson-title").textContent()).trim(), title, `${href}: h1`);
      const bodyParagraphs = await page.$$eval("article p", (found) =>
        found.filter((p) => !p.closest("header, section.demo") && p.textContent.trim() !== "").length,
      );
      assert.ok(bodyParagraphs >= 1, `${href}: no paragraph of the lesson body`);
      assert.equal(await page.locator("nav.course-nav a").count(), links.length, `${href}: the course nav`);
      const prevNext = await page.$$eval("nav.prev-next a[rel]", (found) => found.map((a) => a.rel));
      const expected = [...(i > 0 ? ["prev"] : []), ...(i < links.length - 1 ? ["next"] : [])];
      assert.deepEqual(prevNext, expected, `${href}: previous and next`);
      await assertNoLoadingText(page, href);
    }
    await context.close();
  });

  test("with JavaScript off, the phone's lesson list still opens", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/${TEXT_ONLY[0]?.slug ?? LESSONS[0].slug}`);
    const details = page.locator("nav.course-nav details, details:has(nav.course-nav)").first();
    assert.equal(await details.locator("ol").isVisible(), false);
    await details.locator("summary", { hasText: "All lessons" }).click();
    assert.equal(await details.locator("ol").isVisible(), true);
    await context.close();
  });
});

async function assertNoLoadingText(page, path) {
  const text = await page.locator("body").innerText();
  assert.doesNotMatch(text, /Loading/, `${path} shows a loading fallback`);
  assert.equal(await page.locator(".loading").count(), 0, `${path} has a .loading element`);
}
