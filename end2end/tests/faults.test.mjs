// "Break it": each fault the clock and the echo can be asked for, picked in
// the demo as a learner would, and what the browser then did.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { launchBrowser, waitForHydration } from "../support/browser.mjs";

const text = (page, selector) => page.locator(selector).first().textContent();
const count = async (page) => Number(await text(page, ".connection-count"));

/** The `hello` each connection opened with, newest last, as the log shows it (the notes change too fast to read). */
const hellos = (page) =>
  page.$$eval(".event-log li[data-kind=hello] .event-data", (all) => all.map((d) => JSON.parse(d.textContent)).reverse());

/** Waits for a `hello` that resumed after an id, and returns that id. */
async function resumedAfter(page) {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll(".event-log li[data-kind=hello] .event-data")].some(
        (d) => JSON.parse(d.textContent).resumed_after !== null,
      ),
    null,
    { timeout: 15_000 },
  );
  return (await hellos(page)).find((h) => h.resumed_after !== null).resumed_after;
}

/** The clock demo, hydrated and ticking, with `fault` picked in its control. */
async function clockWith(browser, server, fault) {
  const page = await browser.newPage();
  await page.goto(`${server.url}/demos/sse-clock`);
  await waitForHydration(page);
  await page.waitForFunction(() => Number(document.querySelector(".tick-count")?.textContent) >= 1);
  const before = await count(page);
  await page.selectOption(".fault-select", fault);
  assert.equal(await page.locator(".fault-why").isVisible(), true, "the demo says why");
  return { page, before };
}

/** Stays for `ms`, then tells whether the connection count moved. */
async function reconnectedWithin(page, ms, from) {
  await page.waitForTimeout(ms);
  return (await count(page)) !== from;
}

describe("break the clock", () => {
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

  for (const [fault, why] of [
    ["no-content", /A 204 is how a server tells EventSource to stop/],
    ["server-error", /Any status but 200 fails the connection for good/],
    ["wrong-type", /A 200 that is not text\/event-stream fails the connection too/],
  ]) {
    test(`${fault}: EventSource gives up for good, readyState 2`, async () => {
      const { page } = await clockWith(browser, server, fault);
      assert.match(await text(page, ".fault-why"), why);
      await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("CLOSED"));
      assert.match(await text(page, ".demo-note"), /The browser gave up: readyState is 2 \(CLOSED\)/);
      const after = await count(page);
      // Longer than Chromium's 3 s reconnection delay: nothing reconnects.
      assert.equal(await reconnectedWithin(page, 4_000, after), false, "no reconnect");
      assert.match(await text(page, ".ready-state"), /CLOSED/);
      await page.close();
    });
  }

  test("end-body: the browser reconnects by itself and resumes with Last-Event-ID", async () => {
    const { page, before } = await clockWith(browser, server, "end-body");
    await page.waitForFunction((n) => Number(document.querySelector(".connection-count")?.textContent) >= n + 2, before, {
      timeout: 15_000,
    });
    assert.ok(Number.isInteger(await resumedAfter(page)), "a reconnect sent Last-Event-ID");
    assert.ok((await page.locator(".event-log li[data-kind=error]").count()) >= 1, "the end shows as an error event");
    await page.close();
  });

  test("end-before-id: the reconnect carries no Last-Event-ID, so a fresh stream starts", async () => {
    const { page, before } = await clockWith(browser, server, "end-before-id");
    await page.waitForFunction((n) => Number(document.querySelector(".connection-count")?.textContent) >= n + 2, before, {
      timeout: 15_000,
    });
    // Never a resume: no id: arrived, so nothing names where to resume.
    const said = await hellos(page);
    assert.ok(said.length >= 3, `hellos: ${JSON.stringify(said)}`);
    assert.deepEqual(said.map((h) => h.resumed_after), said.map(() => null));
    await page.close();
  });

  test("cut-off: the unfinished event is thrown away and the reconnect names the tick before it", async () => {
    const { page, before } = await clockWith(browser, server, "cut-off");
    await page.waitForFunction((n) => Number(document.querySelector(".connection-count")?.textContent) >= n + 2, before, {
      timeout: 15_000,
    });
    const after = await resumedAfter(page);
    assert.ok(Number.isInteger(after), "resumed after a numeric id, not the cut event's");
    const ticks = await page.$$eval(".event-log li[data-kind=tick]", (all) => all.map((li) => Number(li.dataset.id)));
    assert.ok(ticks.includes(after), `the id it resumed after is the last whole tick: ${after} in ${ticks}`);
    assert.match(await text(page, ".raw-bytes"), /id: cut-off\nevent: tick\ndata: this tick is cut off/);
    const data = await page.$$eval(".event-log .event-data", (all) => all.map((d) => d.textContent));
    assert.ok(!data.some((d) => d.includes("cut off")), "EventSource never dispatched the cut event");
    await page.close();
  });

  test("slow-retry: after the end the browser waits the 10 s that retry: asked for", async () => {
    const { page, before } = await clockWith(browser, server, "slow-retry");
    // The broken stream's hello, then its end: CONNECTING, for 10 s.
    await page.waitForFunction((n) => Number(document.querySelector(".connection-count")?.textContent) > n, before);
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("CONNECTING"), null, {
      timeout: 10_000,
    });
    const ended = Date.now();
    const waiting = await count(page);
    await page.waitForFunction((n) => Number(document.querySelector(".connection-count")?.textContent) > n, waiting, {
      timeout: 20_000,
    });
    const waited = Date.now() - ended;
    assert.ok(waited >= 9_000, `reconnected after ${waited} ms, not about 10 s`);
    await page.close();
  });

  test("chatty: comment lines reach the raw bytes but never the page as events", async () => {
    const { page } = await clockWith(browser, server, "chatty");
    await page.waitForFunction(() => (document.querySelector(".raw-bytes")?.textContent.match(/^: chatter/gm) ?? []).length >= 10);
    const ticks = Number(await text(page, ".tick-count"));
    await page.waitForFunction((n) => Number(document.querySelector(".tick-count")?.textContent) >= n + 2, ticks);
    const kinds = await page.$$eval(".event-log li", (all) => [...new Set(all.map((li) => li.dataset.kind))]);
    assert.deepEqual(kinds.filter((k) => !["hello", "tick", "error"].includes(k)), [], `events: ${kinds}`);
    await page.close();
  });

  test("buffered: the ticks arrive in bursts, several within a few milliseconds", async () => {
    const { page } = await clockWith(browser, server, "buffered");
    // The stream holds ticks for 4 s, then releases them together.
    await page.waitForFunction(() => document.querySelectorAll(".event-log li[data-kind=tick]").length >= 8, null, {
      timeout: 15_000,
    });
    const arrivals = await page.$$eval(".event-log li[data-kind=tick] .event-at", (all) =>
      all.map((at) => {
        const [h, m, s] = at.textContent.split(":");
        return (Number(h) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
      }),
    );
    const sorted = arrivals.sort((a, b) => a - b);
    const close = sorted.slice(1).filter((t, i) => t - sorted[i] < 50).length;
    assert.ok(close >= 2, `ticks a second apart, not in bursts: ${sorted.join(", ")}`);
    await page.close();
  });

  test("late-head: readyState stays 0 until the head comes, 5 s later, then open", async () => {
    const { page } = await clockWith(browser, server, "late-head");
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("CONNECTING"));
    const waiting = Date.now();
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("OPEN"), null, {
      timeout: 15_000,
    });
    const waited = Date.now() - waiting;
    assert.ok(waited >= 4_000, `open came with the head, 5 s after the request, not after ${waited} ms`);
    await page.close();
  });
});

describe("break the echo", () => {
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

  async function echoWith(fault) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/demos/ws-echo`);
    await waitForHydration(page);
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("OPEN"));
    await page.selectOption(".fault-select", fault);
    assert.equal(await page.locator(".fault-why").isVisible(), true, "the demo says why");
    return page;
  }

  test("drop: TCP closes without a close frame, and the browser reports 1006", async () => {
    const page = await echoWith("drop");
    await page.waitForFunction(() => document.querySelector(".close-info")?.textContent.includes("1006"));
    const said = await text(page, ".close-info");
    assert.match(said, /Closed with code 1006 \(no close handshake\)\. 1006 is never sent/);
    assert.match(await text(page, ".fault-why"), /code 1006, a code no endpoint ever sends/);
    await page.close();
  });

  test("server-error: a close frame with 1011, answered: a clean close", async () => {
    const page = await echoWith("server-error");
    await page.waitForFunction(() => document.querySelector(".close-info")?.textContent.includes("1011"));
    assert.match(
      await text(page, ".close-info"),
      /Closed with code 1011, reason “server error, asked for with \?fault=server-error” \(clean close handshake\)\. 1011 means the server hit an unexpected error\./,
    );
    await page.close();
  });

  test("ping-storm: the browser answers 50 pings by itself, the page sees only the server's report, and the echo goes on", async () => {
    const page = await echoWith("ping-storm");
    const report = page.locator("tr[data-direction=event]", { hasText: "50 pongs came back" });
    await report.waitFor();
    assert.match(await report.textContent(), /the server sent 50 pings at once; 50 pongs came back in \d+ ms/);
    assert.equal(await page.locator("tr[data-direction=received]").count(), 0, "no ping or pong reached the page as a message");
    await page.getByLabel("Text message").fill("after the storm");
    await page.getByRole("button", { name: "Send text" }).click();
    const received = page.locator("tr[data-direction=received]").first();
    await received.waitFor();
    assert.equal(await received.locator(".preview").textContent(), "after the storm");
    await page.close();
  });

  test("expire: the socket echoes, then the server closes it with 1008 when its login expires", async () => {
    const page = await echoWith("expire");
    await page.waitForFunction(() => document.querySelector(".close-info")?.textContent.includes("1008"), null, {
      timeout: 20_000,
    });
    assert.match(
      await text(page, ".close-info"),
      /Closed with code 1008, reason “token expired: get a new one, then reconnect” \(clean close handshake\)\. 1008 is a policy violation/,
    );
    await page.close();
  });
});
