// Lesson 9's WebTransport demos in Debian's Chromium, on the server's real
// QUIC lane: the browser trusts the lane's self-signed certificate only by
// the hash the page names (this browser does not skip certificate errors).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";

const stat = (page, name) => page.locator(`[data-wt-stat="${name}"]`).textContent();

describe("WebTransport on the QUIC lane", () => {
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

  test("the demo echoes on a new stream per message and shows the clock's datagrams and the server's view", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/webtransport`);
    const demo = page.locator('.wt-demo[data-wt="echo"]');
    await page.waitForSelector('.wt-demo[data-transport="webtransport"]', { timeout: 10_000 });
    assert.equal(await demo.locator(".wt-nojs").isVisible(), false, "the no-JS words give way");
    await page.waitForFunction(() => Number(document.querySelector('[data-wt-stat="datagrams"]').textContent) >= 2, null, { timeout: 10_000 });
    assert.match(await stat(page, "clock"), /^\d\d:\d\d:\d\d$/);
    assert.match(await stat(page, "connection"), /^#\d+$/);
    for (const text of ["hello from Chromium", "a second stream"]) {
      await page.getByLabel("Message").fill(text);
      await page.getByRole("button", { name: "Send on a new stream" }).click();
      await page.waitForFunction((text) => document.querySelector("[data-wt-echoes] tr td:nth-child(2)")?.textContent === text, text, { timeout: 10_000 });
    }
    // The server's view, in the next datagrams: two streams opened on this one connection.
    await page.waitForFunction(() => document.querySelector('[data-wt-stat="streams"]').textContent === "2", null, { timeout: 10_000 });
    assert.match(await stat(page, "transport"), /HTTP\/3 over QUIC/);
    assert.equal(await page.locator("[data-wt-fallback]").isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("lesson9_when_udp_is_blocked_the_echo_falls_back_to_the_websocket", async () => {
    // A network that drops UDP answers nothing: a session whose `ready` never settles.
    const context = await browser.newContext();
    await context.addInitScript(() => {
      window.WebTransport = class {
        ready = new Promise(() => {});
        closed = new Promise(() => {});
        close() {}
      };
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/webtransport`);
    const started = Date.now();
    await page.waitForSelector('.wt-demo[data-transport="websocket"]', { timeout: 15_000 });
    const waited = Date.now() - started;
    assert.ok(waited >= 3_500, `fell back after ${waited} ms, before the 4 s of silence`);
    assert.match(await page.locator("[data-wt-fallback]").textContent(), /no answer over UDP in 4 s: this network may block UDP\. The echo falls back to the WebSocket/);
    assert.match(await stat(page, "transport"), /WebSocket over TCP/);
    await page.getByLabel("Message").fill("over the WebSocket instead");
    await page.getByRole("button", { name: "Send on a new stream" }).click();
    await page.waitForFunction(() => document.querySelector("[data-wt-echoes] tr td:nth-child(2)")?.textContent === "over the WebSocket instead", null, { timeout: 10_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a page that is not a secure context says why and links the same page on the HTTPS lane, and still echoes", async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(window, "isSecureContext", { value: false }));
    const page = await context.newPage();
    await page.goto(`${server.url}/demos/webtransport`);
    await page.waitForSelector('.wt-demo[data-transport="websocket"]', { timeout: 10_000 });
    const note = page.locator("[data-wt-fallback]");
    assert.match(await note.textContent(), /not a secure context/);
    const port = new URL(server.lanes.http2).port;
    assert.equal(await note.locator("a").getAttribute("href"), `https://127.0.0.1:${port}/demos/webtransport`);
    await context.close();
  });

  test("the head-of-line demo plots one stream delayed more than a stream each, and datagrams lost", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/head-of-line`);
    const demo = page.locator('.wt-demo[data-wt="loss"]');
    await page.getByLabel("Packets dropped").selectOption("0.3");
    await page.getByLabel("Path delay").selectOption("100");
    const run = page.getByRole("button", { name: /Send 50 messages, one every 20 ms, three ways/ });
    await run.click();
    await page.waitForSelector('.wt-demo[data-wt="loss"][data-done]', { timeout: 30_000 });
    const result = await demo.evaluate((root) => ({ ...root.dataset }));
    const status = await demo.locator("[data-wt-status]").textContent();
    console.log(`head-of-line demo in Chromium, 50 messages every 20 ms, 30% dropped, 100 ms late: ${status}`);
    assert.equal(Number(result.cameOneStream), 50, status);
    assert.equal(Number(result.cameOwnStream), 50, status);
    assert.ok(Number(result.cameDatagram) < 50, status);
    assert.ok(Number(result.meanOneStream) > Number(result.meanOwnStream), status);
    assert.match(status, /^Done\. The server dropped [1-9]\d* of the \d+ packets it sent you\./);
    assert.equal(await demo.locator("[data-hol-chart] circle").count(), 50);
    assert.equal(await demo.locator("[data-hol-chart] rect").count(), 50);
    assert.equal(await demo.locator("[data-hol-chart] .hol-lost").count(), 50 - Number(result.cameDatagram));
    assert.equal(await demo.locator("[data-hol-rows] tr").count(), 3);
    assert.equal(await run.isEnabled(), true, "the demo can run again");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
