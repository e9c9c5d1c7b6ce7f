// The live demos, used as a learner would: the protocol happens in the browser.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const tickIds = (page) =>
  page.$$eval(".event-log li[data-kind=tick]", (items) => items.map((li) => Number(li.dataset.id)).reverse());

function assertConsecutive(ids) {
  for (let i = 1; i < ids.length; i++) {
    assert.equal(ids[i], ids[i - 1] + 1, `ids go on without a gap or repeat: ${ids.join(", ")}`);
  }
}

describe("the live demos", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the SSE clock ticks with growing ids, and resumes without a gap after a forced drop", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/sse-clock`);
    await waitForHydration(page);
    await page.waitForFunction(() => Number(document.querySelector(".tick-count")?.textContent) >= 3, null, {
      timeout: 10_000,
    });
    const before = await tickIds(page);
    assert.ok(before.length >= 3);
    assertConsecutive(before);
    assert.match(await page.locator(".ready-state").textContent(), /readyState 1 OPEN/);
    assert.match(await page.locator(".raw-bytes").textContent(), /event: tick\nid: \d+\ndata: /);

    await page.getByRole("button", { name: "Make the server drop this connection" }).click();
    await page.waitForFunction(() => document.querySelector(".connection-count")?.textContent === "2", null, {
      timeout: 10_000,
    });
    assert.match(await page.locator(".demo-note").textContent(), /Last-Event-ID: \d+/);
    const lastBefore = (await tickIds(page)).at(-1);
    await page.waitForFunction(
      (last) => Number(document.querySelector(".last-id")?.textContent) >= last + 2,
      lastBefore,
      { timeout: 10_000 },
    );
    const after = await tickIds(page);
    assert.ok(after.length > before.length);
    assertConsecutive(after);
    assert.deepEqual(errors, []);
  });

  test("the streamed answer: a POST cut after ten tokens resumes with no word lost, and EventSource needs the token in its URL", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/answer-stream`);
    await waitForHydration(page);
    const fetchSide = page.locator("[data-side=fetch]");
    const esSide = page.locator("[data-side=event-source]");
    const posts = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/api/answer")) posts.push(request.headers());
    });

    await fetchSide.getByRole("button", { name: "Ask with fetch" }).click();
    // The answer grows while it streams: some tokens, not yet done.
    await page.waitForFunction(() => Number(document.querySelector("[data-side=fetch] .answer-tokens")?.textContent) >= 3);
    assert.doesNotMatch(await fetchSide.locator(".demo-note").textContent(), /^Done/);
    await fetchSide.locator(".demo-note", { hasText: /^Done: \d+ tokens in 2 requests/ }).waitFor({ timeout: 15_000 });
    assert.equal(posts.length, 2);
    assert.equal(posts[0].authorization, "Bearer demo-token");
    assert.equal(posts[0]["last-event-id"], undefined);
    assert.equal(posts[1]["last-event-id"], "10", "the resume names the last token seen");
    const raw = await fetchSide.locator(".raw-bytes").textContent();
    assert.match(raw, /\[POST \/api\/answer with Last-Event-ID: 10: 200\]\nevent: token\nid: 11\n/);
    const viaFetch = await fetchSide.locator(".answer-text").textContent();

    await esSide.getByRole("button", { name: "Ask with EventSource" }).click();
    await esSide.locator(".demo-note", { hasText: "EventSource gave up" }).waitFor({ timeout: 10_000 });
    assert.match(await esSide.locator(".demo-note").textContent(), /cannot send an Authorization header/);
    await esSide.getByRole("checkbox", { name: "Put the token in the URL" }).check();
    await esSide.getByRole("button", { name: "Ask with EventSource" }).click();
    await esSide.locator(".demo-note", { hasText: /^Done/ }).waitFor({ timeout: 15_000 });
    assert.equal(await esSide.locator(".answer-text").textContent(), viaFetch, "the same answer, whole, both ways");
    assert.deepEqual(errors.filter((e) => !/401/.test(e)), []);
  });

  test("the echo shows a round trip with its time, and 1009 over the limit", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/ws-echo`);
    await waitForHydration(page);
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("OPEN"));

    await page.getByLabel("Text message").fill("ping from the test");
    await page.getByRole("button", { name: "Send text" }).click();
    const received = page.locator("tr[data-direction=received]").first();
    await received.waitFor();
    assert.equal(await received.locator(".preview").textContent(), "ping from the test");
    assert.match(await received.locator(".rtt").textContent(), /^\d+\.\d ms$/);
    const transport = page.locator("tr[data-direction=event]", { hasText: "HTTP/1.1 Upgrade" });
    assert.equal(await transport.count(), 1, "the server said how the socket reached it");

    await page.getByRole("button", { name: "Send one byte over the server's limit" }).click();
    await page.waitForFunction(() => document.querySelector(".close-info")?.textContent.includes("1009"));
    assert.match(await page.locator(".close-info").textContent(), /Closed with code 1009/);
    await page.getByRole("button", { name: "Reconnect" }).click();
    await page.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("OPEN"));
    assert.deepEqual(errors, []);
  });

  test("lesson4_a_resumed_echo_loses_nothing_and_repeats_nothing", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/ws-resume`);
    await waitForHydration(page);
    const stat = (name) => page.locator(`.resume-${name}`).textContent().then(Number);
    const burst = page.getByRole("button", { name: "Send 6, losing the link after 3" });
    await burst.waitFor();
    await page.waitForFunction(() => !document.querySelector(".resume-demo button.button").disabled);

    await burst.click();
    await page.waitForFunction(() => document.querySelector(".resume-echoed")?.textContent === "6", null, {
      timeout: 15_000,
    });
    assert.equal(await stat("connections"), 2, "one drop, one reconnect");
    assert.deepEqual(
      [await stat("sent"), await stat("lost"), await stat("missing"), await stat("twice"), await stat("seen")],
      [6, 0, 0, 0, 6],
      "six sent, none lost, no gap in the server's numbers, none twice",
    );
    assert.match(await page.locator(".resume-demo .demo-note").textContent(), /^Resumed: the server had the page's messages up to number 3, so the page sent 3 again/);
    const rows = await page.$$eval(".resume-log tbody tr", (trs) =>
      trs.map((tr) => ({ status: tr.dataset.status, cells: [...tr.cells].map((td) => td.textContent) })),
    );
    assert.deepEqual(rows.map((r) => r.cells[0]), ["1", "2", "3", "4", "5", "6"]);
    assert.deepEqual(rows.map((r) => r.cells[2]), ["1", "1", "1", "2", "2", "2"], "4 to 6 were sent again");
    rows.forEach((row, i) => {
      assert.equal(row.status, "echoed");
      assert.equal(row.cells[3], `#${i + 1} on connection 2 (after the reconnect)`, "every echo came after the reconnect, in order");
    });

    // A naive page: it reconnects to a new session, and what was in flight is gone.
    await page.getByRole("checkbox", { name: /Resume after reconnecting/ }).uncheck();
    await burst.click();
    await page.waitForFunction(() => document.querySelector(".resume-lost")?.textContent === "6", null, {
      timeout: 15_000,
    });
    assert.equal(await stat("connections"), 3);
    assert.equal(await stat("echoed"), 6, "only the first six");
    assert.match(await page.locator(".resume-demo .demo-note").textContent(), /^Connected to a new session/);
    assert.deepEqual(errors, []);
  });

  test("the inspector shows this browser's own headers and an Accept that matches its key", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/handshake-inspector`);
    await waitForHydration(page);
    const userAgent = await page.evaluate(() => navigator.userAgent);

    await page.getByRole("button", { name: "Inspect an EventSource request" }).click();
    const sse = page.locator(".handshake-sse");
    await sse.waitFor();
    assert.equal(await sse.locator(".raw-request [data-header=user-agent]").textContent(), `user-agent: ${userAgent}`);
    assert.equal(await sse.locator(".raw-request [data-header=accept]").textContent(), "accept: text/event-stream");
    assert.equal(
      await sse.locator(".raw-response [data-header=content-type]").textContent(),
      "content-type: text/event-stream",
    );

    await page.getByRole("button", { name: "Inspect a WebSocket upgrade" }).click();
    const ws = page.locator(".handshake-ws");
    await ws.waitFor();
    const key = (await ws.locator(".raw-request [data-header=sec-websocket-key]").textContent()).split(": ")[1];
    const answered = (await ws.locator(".raw-response [data-header=sec-websocket-accept]").textContent()).split(": ")[1];
    assert.equal(await ws.locator(".accept-key").textContent(), key);
    assert.equal(await ws.locator(".accept-computed").textContent(), answered);
    assert.equal(await ws.locator(".verdict").getAttribute("data-matches"), "true");
    assert.match(await ws.locator(".raw-response").textContent(), /^HTTP\/1\.1 101 Switching Protocols/);
    assert.deepEqual(errors, []);
  });

  test("the buffered clock: the proxy demo started on \"buffers\", ticks held back and passed on in bursts", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/buffered-clock`);
    await waitForHydration(page);
    assert.equal(await page.getByRole("radio", { name: /^Buffers/ }).isChecked(), true);
    assert.match(await page.textContent(".proxy-stream code"), /^\/api\/proxy\/buffers\/clock\?log=proxy-\d+$/);
    // 512 bytes are about eight ticks: the wait before the second burst is the first one measured.
    await page.waitForFunction(() => parseInt(document.querySelector(".proxy-stream .longest-wait")?.textContent, 10) >= 3_000, null, {
      timeout: 25_000,
    });
    assert.ok(Number(await page.textContent(".proxy-stream .bunched")) >= 3, "several ticks at once");
    // Nothing lost: the ids in the list follow on from each other.
    const ids = await page.$$eval(".proxy-stream .event-log li", (items) => items.map((li) => Number(li.dataset.id)).reverse());
    assertConsecutive(ids);
    assert.deepEqual(errors, []);
  });

  test("the first lesson shows the clock and the echo side by side", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/big-picture`);
    await waitForHydration(page);
    const row = page.locator(".demo-row");
    assert.deepEqual(await row.locator(".demo").evaluateAll((d) => d.map((e) => e.dataset.demo)), ["sse-clock", "ws-echo"]);
    const [clock, echo] = await row.locator(".demo").evaluateAll((d) => d.map((e) => e.getBoundingClientRect().top));
    assert.equal(clock, echo, "side by side on a wide screen");
    await page.waitForFunction(() => Number(document.querySelector(".tick-count")?.textContent) >= 1);
    assert.deepEqual(errors, []);
  });
});

describe("a learner over their share", () => {
  let server;
  let browser;

  before(async () => {
    // A clock page holds two streams (its EventSource and the raw fetch reader), an echo page
    // one socket: with these shares, a second page of each is over its share.
    server = await startServer({ args: ["--no-lab", "--clock-per-client", "2", "--echo-per-client", "1"] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("a second clock and a second echo from the same address are refused, and the demos say why in words", async () => {
    const first = await browser.newPage();
    await first.goto(`${server.url}/demos/sse-clock`);
    await waitForHydration(first);
    await first.waitForFunction(() => Number(document.querySelector(".tick-count")?.textContent) >= 1);
    const firstEcho = await browser.newPage();
    await firstEcho.goto(`${server.url}/demos/ws-echo`);
    await waitForHydration(firstEcho);
    await firstEcho.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("OPEN"));

    const second = await browser.newPage();
    await second.goto(`${server.url}/demos/sse-clock`);
    await waitForHydration(second);
    await second.waitForFunction(() => document.querySelector(".ready-state")?.textContent.includes("CLOSED"));
    assert.match(
      await second.locator(".demo-note").textContent(),
      /The browser gave up: EventSource stays CLOSED after a non-200 answer, such as 429 \(your address already holds its share of clock streams\)/,
    );
    const secondEcho = await browser.newPage();
    await secondEcho.goto(`${server.url}/demos/ws-echo`);
    await waitForHydration(secondEcho);
    await secondEcho.waitForFunction(() => document.querySelector(".close-info")?.textContent.includes("1006"));
    assert.match(await secondEcho.locator(".close-info").textContent(), /429: your address already holds its share of echo sockets/);

    // The first learner's clock still ticks.
    const ticks = Number(await first.locator(".tick-count").textContent());
    await first.waitForFunction((n) => Number(document.querySelector(".tick-count")?.textContent) > n, ticks);
  });
});
