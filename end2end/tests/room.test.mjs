// Presenter mode as a workshop uses it: one presenter, several learners, each in its own browser context.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startRedis } from "../support/redis.mjs";
import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, PHONE, runAxe, waitForHydration } from "../support/browser.mjs";

const TOKEN = "end2end-presenter-token-0123";

/** A presenter's browser, logged in with the link, on `slug`'s presenter page of the server at `url`. */
async function presenterAt(browser, url, slug) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${url}/room/present?token=${TOKEN}`);
  assert.doesNotMatch(page.url(), /token/, "the token leaves the address bar");
  await page.goto(`${url}/present/${slug}`);
  await waitForHydration(page);
  return { context, page, errors };
}

/** A learner who joins by the room's link at `url`; every document it gets is kept to search for the token. */
async function learnerAt(browser, url) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const documents = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() === "document") documents.push(await response.text().catch(() => ""));
  });
  await page.goto(`${url}/room`);
  await waitForHydration(page);
  return { context, page, errors, documents };
}

/** Resolves to when the presenter's page next sends a move. */
const posting = (page) => page.waitForRequest(/\/api\/room\/position$/, { timeout: 5_000 }).then(() => Date.now());
const waitForCount = (page, n) =>
  page.waitForFunction((n) => document.querySelector("[data-room-count]")?.textContent === String(n), n, { timeout: 5_000 });

/** Clicks "Bring everyone here" on `host` and resolves to how many ms after its POST each learner's page asked for `slug`. */
async function bringEveryone(host, learners, slug) {
  const posted = posting(host.page);
  const moved = learners.map(({ page }) =>
    page
      .waitForRequest((r) => r.isNavigationRequest() && r.url().includes(`/lessons/${slug}`), { timeout: 5_000 })
      .then(() => Date.now()),
  );
  await host.page.getByRole("button", { name: "Bring everyone here" }).click();
  const start = await posted;
  const arrivals = (await Promise.all(moved)).map((at) => at - start);
  await Promise.all(learners.map(({ page }) => page.waitForURL(new RegExp(`/lessons/${slug}`))));
  await Promise.all(learners.map(({ page }) => waitForHydration(page)));
  return arrivals;
}

/** The presenter asks `question`; each learner answers with its entry of `answers`. */
async function askAndAnswer(host, learners, question, options, answers) {
  const form = host.page.locator(".room-ask");
  await form.getByText("Ask the room a question").click();
  await form.getByLabel("Question").fill(question);
  await form.getByLabel("Options, one per line (2 to 6)").fill(options.join("\n"));
  await form.getByRole("button", { name: "Ask", exact: true }).click();
  for (const [i, { page }] of learners.entries()) {
    await page.getByText(question).waitFor({ timeout: 5_000 });
    await page.getByRole("button", { name: answers[i], exact: true }).click();
    await page.locator("[data-room-poll-note]", { hasText: "Answer sent" }).waitFor();
  }
}

/** Asserts that no document a learner got holds the token, nor the room's stream as its page reads it. */
async function assertNoToken(learners) {
  for (const { documents } of learners) {
    assert.ok(documents.length >= 2, "the join page and the lesson");
    for (const html of documents) assert.ok(!html.includes(TOKEN));
  }
  const stream = await learners[0].page.evaluate(async () => {
    const reader = (await fetch("/api/room/events")).body.getReader();
    let text = "";
    while (!/event: poll/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    reader.cancel();
    return text;
  });
  assert.match(stream, /event: position/);
  assert.ok(!stream.includes(TOKEN));
}

describe("presenter mode", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ["--no-lab", "--presenter-token", TOKEN] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const presenter = (slug) => presenterAt(browser, server.url, slug);
  const learner = () => learnerAt(browser, server.url);

  test("bring everyone here, follow off and jump back, the count, a poll, and no token anywhere a learner looks", async () => {
    const host = await presenter("event-stream");
    const learners = [await learner(), await learner(), await learner()];
    await waitForCount(host.page, 3);

    // Bring everyone to the presenter's lesson: each page navigates there. Timed from the
    // presenter's POST leaving the browser to each learner's page asking for the lesson.
    const arrivals = await bringEveryone(host, learners, "event-stream");
    console.log(`# bring everyone here: the learners' pages moved ${arrivals.join(", ")} ms after the presenter's POST`);
    assert.ok(Math.max(...arrivals) < 500, `every page moves within 500 ms: ${arrivals}`);

    // One learner stops following; the presenter moves on a section.
    const [free, ...following] = learners;
    await free.page.getByRole("checkbox", { name: "Follow the presenter" }).uncheck();
    await free.page.locator("[data-room-status]", { hasText: "Browsing on your own" }).waitFor();
    const freeScroll = await free.page.evaluate(() => window.scrollY);
    const posted = posting(host.page);
    const scrolling = following.map(({ page }) =>
      page.waitForFunction(() => window.scrollY > 200, null, { timeout: 5_000, polling: 10 }).then(() => Date.now()),
    );
    await host.page.getByRole("button", { name: "Next section" }).click();
    const next = await posted;
    const scrolled = (await Promise.all(scrolling)).map((at) => at - next);
    console.log(`# next section: the following pages scrolled ${scrolled.join(", ")} ms after the presenter's POST`);
    assert.ok(Math.max(...scrolled) < 500, `within 500 ms: ${scrolled}`);
    const section = await host.page.textContent("[data-room-at]");
    assert.match(section, /^event-stream § \S+/);
    await free.page.waitForTimeout(300);
    assert.equal(await free.page.evaluate(() => window.scrollY), freeScroll, "a learner who stopped following stays put");
    await free.page.getByRole("button", { name: "Jump to where the presenter is" }).click();
    await free.page.waitForFunction(() => window.scrollY > 200, null, { timeout: 5_000 });
    assert.equal(await free.page.getByRole("checkbox", { name: "Follow the presenter" }).isChecked(), true);

    // A poll: asked, answered once per browser, counted live, revealed to everyone.
    await askAndAnswer(host, learners, "Which one sends binary frames?", ["SSE", "WebSocket"], ["SSE", "WebSocket", "WebSocket"]);
    await host.page.getByRole("button", { name: "WebSocket: 2" }).waitFor({ timeout: 5_000 });
    await host.page.getByRole("button", { name: "SSE: 1" }).waitFor();
    assert.equal(await learners[1].page.getByRole("button", { name: /^WebSocket/ }).isDisabled(), true, "one answer per browser");
    await host.page.getByRole("button", { name: "Show the counts to everyone" }).click();
    await Promise.all(learners.map(({ page }) => page.getByRole("button", { name: "WebSocket: 2" }).waitFor({ timeout: 5_000 })));

    // The count falls as a learner leaves.
    await learners[2].context.close();
    await waitForCount(host.page, 2);

    // The token is in no page a learner got, nor in the room's stream as a learner's page reads it.
    await assertNoToken(learners);

    // The presenter leaves: the learners are told.
    await host.context.close();
    await learners[0].page.getByText("The presenter has left").waitFor({ timeout: 10_000 });
    for (const { errors } of learners.slice(0, 2)) assert.deepEqual(errors, []);
    assert.deepEqual(host.errors, []);
    for (const { context } of learners.slice(0, 2)) await context.close();
  });

  test("without the presenter's cookie the presenter's page says so, and drives nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/present/event-stream`);
    assert.equal(response.status(), 403);
    await page.getByRole("heading", { name: "Presenter only" }).waitFor();
    assert.equal(await page.locator("[data-room]").count(), 0);
    await context.close();
  });

  test("the presenter's strip and the learner's pass axe, the projector view shows the join code", async () => {
    const host = await presenter("production");
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/production`);
    await waitForHydration(page);
    const unfold = (page) => page.evaluate(() => document.querySelectorAll("details.room-questions").forEach((d) => (d.open = true)));
    await unfold(page);
    const found = [];
    for (const colorScheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await runAxe(page, { context: `a learner's strip (phone, ${colorScheme})` })));
    }
    await host.page.getByRole("button", { name: "Projector view" }).click();
    const qr = host.page.getByRole("img", { name: "QR code of the join link" });
    await qr.waitFor();
    assert.match(await host.page.textContent(".room-join"), /\/room$/);
    const hostAxe = await browser.newContext({ bypassCSP: true });
    const axePage = await hostAxe.newPage();
    await axePage.goto(`${server.url}/room/present?token=${TOKEN}`);
    await axePage.goto(`${server.url}/present/production`);
    await waitForHydration(axePage);
    await unfold(axePage);
    found.push(...(await runAxe(axePage, { context: "the presenter's strip" })));
    assert.deepEqual(found, []);
    await Promise.all([host.context.close(), context.close(), hostAxe.close()]);
  });

  test("learners mark the section done or stuck; the presenter sees the counts, from zero after each move", async () => {
    // Another lesson than the room is at, so that the learners' pages move.
    const host = await presenter("websocket-frames");
    const learners = [await learner(), await learner()];
    await bringEveryone(host, learners, "websocket-frames");
    const counts = () => host.page.evaluate(() => [document.querySelector("[data-room-done]").textContent, document.querySelector("[data-room-stuck]").textContent]);
    const waitCounts = (done, stuck) =>
      host.page.waitForFunction(
        ([done, stuck]) => document.querySelector("[data-room-done]").textContent === done && document.querySelector("[data-room-stuck]").textContent === stuck,
        [String(done), String(stuck)],
        { timeout: 5_000 },
      );
    const done = (l) => l.page.getByRole("button", { name: "I'm done" });
    const stuck = (l) => l.page.getByRole("button", { name: "I'm stuck" });
    await done(learners[0]).click();
    await stuck(learners[1]).click();
    await waitCounts(1, 1);
    assert.equal(await done(learners[0]).getAttribute("aria-pressed"), "true");
    await done(learners[1]).click();
    await waitCounts(2, 0);
    await done(learners[0]).click();
    await waitCounts(1, 0);
    assert.equal(await done(learners[0]).getAttribute("aria-pressed"), "false", "pressed again: taken back");

    await host.page.getByRole("button", { name: "Next section" }).click();
    await waitCounts(0, 0);
    await learners[1].page.waitForFunction(() => document.querySelector("[data-mark=done]").getAttribute("aria-pressed") === "false", null, { timeout: 5_000 });
    assert.deepEqual(await counts(), ["0", "0"]);
    for (const l of learners) assert.deepEqual(l.errors, []);
    assert.deepEqual(host.errors, []);
    await Promise.all([host.context.close(), ...learners.map((l) => l.context.close())]);
  });

  test("questions from the room: learners ask and vote once, the presenter marks them answered or hides them", async () => {
    const host = await presenter("choosing");
    const learners = [await learner(), await learner()];
    const open = async (page) => {
      const box = page.locator("details.room-questions");
      if (!(await box.evaluate((d) => d.open))) await box.locator("summary").click();
      return box;
    };
    const [mine, theirs] = await Promise.all(learners.map((l) => open(l.page)));
    await mine.getByLabel("Your question").fill("Is long polling ever the better choice?");
    await mine.getByRole("button", { name: "Send the question" }).click();
    await mine.getByText("Question sent").waitFor({ timeout: 5_000 });
    await theirs.getByText("Is long polling ever the better choice?").waitFor({ timeout: 5_000 });
    await theirs.getByRole("button", { name: "Vote (0)" }).click();
    await theirs.getByRole("button", { name: "Vote (1)" }).waitFor({ timeout: 5_000 });
    assert.equal(await theirs.getByRole("button", { name: "Vote (1)" }).getAttribute("aria-pressed"), "true");
    assert.ok(await theirs.getByRole("button", { name: "Vote (1)" }).isDisabled(), "one vote per browser");
    await mine.getByRole("button", { name: "Vote (1)" }).click();

    const hostBox = await open(host.page);
    await hostBox.getByText("2 votes").waitFor({ timeout: 5_000 });
    await hostBox.getByRole("button", { name: "Answered" }).click();
    await theirs.locator("li[data-state=answered]").waitFor({ timeout: 5_000 });
    await hostBox.getByRole("button", { name: "Hide" }).click();
    await theirs.locator("li").first().waitFor({ state: "detached", timeout: 5_000 });
    assert.equal(await mine.locator("li").count(), 0, "a hidden question leaves every learner's list");
    await hostBox.locator("li[data-state=hidden]").waitFor();
    for (const l of learners) assert.deepEqual(l.errors, []);
    assert.deepEqual(host.errors, []);
    await Promise.all([host.context.close(), ...learners.map((l) => l.context.close())]);
  });

  test("speaker notes on the presenter's page only, hidden on the projector; the timer counts the lesson and the workshop down", async () => {
    const host = await presenter("event-stream");
    const notes = host.page.locator(".speaker-notes");
    assert.match(await notes.textContent(), /Pause there until most of the room has found it/);
    assert.ok(await notes.isVisible());

    await host.page.getByRole("button", { name: "Restart the clock" }).click();
    const clock = (which) =>
      host.page.evaluate((which) => {
        const clock = document.querySelector(`[data-room-clock=${which}]`);
        const shown = (selector) => !clock.querySelector(selector).hidden;
        return {
          elapsed: clock.querySelector("[data-elapsed]").textContent,
          left: clock.querySelector("[data-left]").textContent,
          word: shown("[data-left-word]") ? "left" : shown("[data-over-word]") ? "over" : "",
        };
      }, which);
    // 25 minutes for this lesson, 3 h 15 min for the nine lessons' durations.
    await host.page.waitForFunction(() => document.querySelector("[data-room-clock=lesson] [data-elapsed]").textContent === "0:02", null, { timeout: 5_000 });
    assert.deepEqual(await clock("lesson"), { elapsed: "0:02", left: "24:58", word: "left" });
    assert.match(JSON.stringify(await clock("workshop")), /\{"elapsed":"0:0[23]","left":"3:14:5[78]","word":"left"\}/);

    await host.page.getByRole("button", { name: "Projector view" }).click();
    assert.equal(await notes.isVisible(), false, "the projector never shows the notes");
    await host.page.getByRole("button", { name: "Projector view" }).click();
    assert.ok(await notes.isVisible());

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/event-stream`);
    assert.equal(await page.locator(".speaker-notes").count(), 0);
    assert.doesNotMatch(await page.content(), /Pause there until/);
    assert.deepEqual(host.errors, []);
    await Promise.all([host.context.close(), context.close()]);
  });
});

describe("presenter mode on two servers sharing one redis-server", () => {
  let redis;
  let servers = [];
  let browser;

  before(async () => {
    redis = await startRedis();
    const args = ["--no-lab", "--presenter-token", TOKEN, "--redis-url", redis.url];
    servers = [await startServer({ args }), await startServer({ args })];
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  });

  test("the presenter on one server moves, counts and polls the learners on the other", async () => {
    const [a, b] = servers;
    const host = await presenterAt(browser, a.url, "event-stream");
    const learners = [await learnerAt(browser, b.url), await learnerAt(browser, b.url)];
    await waitForCount(host.page, 2);

    const arrivals = await bringEveryone(host, learners, "event-stream");
    console.log(`# bring everyone here across servers: the learners' pages moved ${arrivals.join(", ")} ms after the presenter's POST`);
    assert.ok(Math.max(...arrivals) < 500, `every page on the other server moves within 500 ms: ${arrivals}`);

    await askAndAnswer(host, learners, "Which one reconnects by itself?", ["EventSource", "WebSocket"], ["EventSource", "EventSource"]);
    await host.page.getByRole("button", { name: "EventSource: 2" }).waitFor({ timeout: 5_000 });
    await host.page.getByRole("button", { name: "WebSocket: 0" }).waitFor();
    await host.page.getByRole("button", { name: "Show the counts to everyone" }).click();
    await Promise.all(learners.map(({ page }) => page.getByRole("button", { name: "EventSource: 2" }).waitFor({ timeout: 5_000 })));

    await learners[1].context.close();
    await waitForCount(host.page, 1);
    await assertNoToken(learners);

    await host.context.close();
    await learners[0].page.getByText("The presenter has left").waitFor({ timeout: 10_000 });
    assert.deepEqual(learners[0].errors, []);
    assert.deepEqual(host.errors, []);
    await learners[0].context.close();
  });
});
