// Lesson 8's misbehaving proxy, as a learner uses it: pick a behaviour, watch what reaches the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const number = (page, selector) => page.$eval(selector, (el) => Number(el.textContent));
const logText = (page) => page.$eval(".proxy-log", (el) => el.textContent);

/** Waits until the proxy's log (read back once a second) says `pattern`. */
const waitForLog = (page, pattern, timeout = 5_000) =>
  page.waitForFunction((source) => new RegExp(source).test(document.querySelector(".proxy-log").textContent), pattern.source, {
    timeout,
  });

/** Waits until `selector`'s number is at least `least`. */
const waitForCount = (page, selector, least, timeout) =>
  page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.textContent) >= n, [selector, least], { timeout });

describe("the misbehaving proxy", () => {
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

  async function open() {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/production#try-a-misbehaving-proxy`);
    await waitForHydration(page);
    return { page, errors };
  }

  const choose = (page, label) => page.getByRole("radio", { name: label }).check();

  test("behaving, it passes ticks one by one and echoes; buffering, ticks come in bursts", async () => {
    const { page, errors } = await open();
    await waitForCount(page, ".proxy-stream .tick-count", 3, 10_000);
    await page.waitForFunction(() => /Open: the upgrade came through/.test(document.querySelector(".socket-status").textContent));
    const longestWait = await page.textContent(".proxy-stream .longest-wait");
    assert.ok(parseInt(longestWait, 10) < 2_000, `one tick a second, not ${longestWait}`);
    await waitForLog(page, /GET \/api\/echo: forwarded with `Upgrade` and `Connection: upgrade`/);

    await choose(page, /^Buffers/);
    await page.waitForFunction(() => document.querySelector(".proxy-demo").dataset.behaviour === "buffers");
    // 512 bytes are about nine ticks: wait for the first burst.
    await waitForCount(page, ".proxy-stream .bunched", 3, 20_000);
    const longest = parseInt(await page.textContent(".proxy-stream .longest-wait"), 10);
    assert.ok(longest >= 3_000 || (await number(page, ".proxy-stream .tick-count")) >= 4, "held back, then several at once");
    await waitForLog(page, /the buffer is full: passing on \d+ bytes/);
    assert.match(await page.textContent(".socket-status"), /Open/, "a tunnel is not buffered");
    assert.deepEqual(errors, []);
  });

  test("closing idle connections cuts the quiet stream and the silent socket, until heartbeats flow", async () => {
    const { page } = await open();
    await choose(page, /^Closes idle connections/);
    // Cut after 5 s of silence; EventSource reconnects, and is cut again. The
    // quiet stream ticks on each tenth second since the epoch, so a tick may
    // reset the proxy's timer first: the cut comes within 10 s of opening.
    await waitForCount(page, ".proxy-stream .stream-drops", 1, 20_000);
    await waitForCount(page, ".proxy-socket .socket-closes", 1, 20_000);
    assert.equal(await page.textContent(".close-code"), "1006");
    // The page opens the socket again 3 s after each close: catch the status in between.
    await page.waitForFunction(() => /Closed with code 1006 after \d+ ms open/.test(document.querySelector(".socket-status").textContent), null, {
      timeout: 12_000,
    });
    await waitForLog(page, /5 s without a byte from the server: closing the connection/);
    await waitForLog(page, /5 s without a byte from the server: closing the tunnel/);

    await page.getByRole("checkbox", { name: "Heartbeat every 2 s" }).check();
    await page.waitForFunction(() => document.querySelector(".proxy-stream code").textContent.includes("heartbeat=2"));
    await page.waitForTimeout(8_000);
    assert.equal(await number(page, ".proxy-stream .stream-drops"), 0, "the heartbeat resets the proxy's timer");
    assert.equal(await number(page, ".proxy-socket .socket-closes"), 0);
    assert.ok((await number(page, ".proxy-socket .echo-count")) >= 3, "the page's own heartbeats are echoed");
    assert.doesNotMatch(await logText(page), /closing/);
  });

  test("stripping the upgrade fails the WebSocket with 1006 and a 400 in the log; the event stream still ticks", async () => {
    const { page, errors } = await open();
    await choose(page, /^Strips the upgrade/);
    await waitForCount(page, ".proxy-socket .socket-closes", 1, 10_000);
    assert.equal(await page.textContent(".close-code"), "1006");
    assert.match(await page.textContent(".socket-status"), /The upgrade failed: no 101 came back, so the browser reports close code 1006/);
    await waitForLog(page, /forwarded without `Upgrade: websocket` and `Connection: upgrade`/);
    await waitForLog(page, /the server answered 400 Bad Request: Connection header did not include 'upgrade'/);
    await waitForCount(page, ".proxy-stream .tick-count", 2, 10_000);
    assert.equal(await number(page, ".proxy-stream .stream-drops"), 0);
    // The browser reports the failed handshake in the console, as it would behind a real proxy.
    assert.ok(errors.every((e) => /WebSocket connection to .* failed/.test(e)), errors.join("\n"));
  });

  test("capping a request's life cuts the busy stream and socket after 15 s, heartbeat or not; the stream resumes", async () => {
    const { page } = await open();
    await page.getByRole("checkbox", { name: "Heartbeat every 2 s" }).check();
    await choose(page, /^Caps a request's life/);
    await page.waitForFunction(() => document.querySelector(".proxy-demo").dataset.behaviour === "caps-life");
    await waitForCount(page, ".proxy-stream .tick-count", 10, 15_000);
    await waitForCount(page, ".proxy-stream .stream-drops", 1, 25_000);
    await waitForCount(page, ".proxy-socket .socket-closes", 1, 25_000);
    assert.equal(await page.textContent(".close-code"), "1006");
    await waitForLog(page, /the response has lived 15 s, the most this proxy allows: cutting it, busy or not/);
    await waitForLog(page, /the tunnel has lived 15 s, the most this proxy allows: closing it, busy or not/);
    // EventSource came back with Last-Event-ID: the ticks go on.
    const ticks = await number(page, ".proxy-stream .tick-count");
    await waitForCount(page, ".proxy-stream .tick-count", ticks + 2, 10_000);
  });
});
