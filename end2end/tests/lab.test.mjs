// The connection lab, measured in a real browser: HTTP/1.1's six connections
// per host against HTTP/2's one multiplexed connection.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const counts = (page) =>
  page.evaluate(() => ({
    open: Number(document.querySelector(".open-count")?.textContent),
    connections: Number(document.querySelector(".connection-count")?.textContent),
    waiting: Number(document.querySelector(".waiting-count")?.textContent),
  }));

async function waitForCounts(page, expected) {
  await page.waitForFunction(
    (e) =>
      Number(document.querySelector(".open-count")?.textContent) === e.open &&
      Number(document.querySelector(".waiting-count")?.textContent) === e.waiting,
    expected,
    { timeout: 15_000 },
  );
}

async function openLab(browser, url) {
  const context = await browser.newContext(); // a fresh connection pool
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${url}/demos/connection-lab`);
  await waitForHydration(page);
  return { page, errors, context };
}

describe("the connection lab", () => {
  let server;
  let browser;
  let untrusting;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ trustTestCertificate: true });
    untrusting = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await untrusting?.close();
    await server?.stop();
  });

  test("an untrusted certificate is explained, with links to accept it", async () => {
    const { page, context } = await openLab(untrusting, server.url);
    const notice = page.getByRole("alert");
    await notice.waitFor({ timeout: 15_000 });
    assert.match(await notice.textContent(), /does not trust the lab's certificate yet/);
    assert.equal(await page.locator(".lane-links a").count(), 2);
    await page.getByLabel("Simulate instead").check();
    assert.deepEqual(await counts(page), { open: 6, connections: 6, waiting: 2 });
    await context.close();
  });

  test("over HTTP/1.1, 8 streams: exactly 6 open, 2 wait, and the server agrees", async () => {
    const { page, errors, context } = await openLab(browser, server.url);
    const open = page.getByRole("button", { name: "Open 8 streams on HTTP/1.1" });
    await page.waitForFunction(() => !document.querySelector(".lab-demo .button")?.disabled, null, { timeout: 15_000 });
    await open.click();
    await waitForCounts(page, { open: 6, waiting: 2 });
    await page.waitForTimeout(1500); // and it stays that way
    assert.deepEqual(await counts(page), { open: 6, connections: 6, waiting: 2 });
    assert.equal(await page.locator("tr[data-state=waiting]").count(), 2);
    await page.waitForFunction(
      () => document.querySelectorAll(".server-view li[data-lane=Http1][data-streams='1']").length === 6,
    );

    await page.getByRole("button", { name: "Send an ordinary request" }).click();
    await page.waitForTimeout(1500);
    assert.match(await page.locator(".lab-ping").textContent(), /is on its way/, "the ordinary request waits too");

    await page.locator("tr[data-state=open] button").first().click();
    await waitForCounts(page, { open: 6, waiting: 1 });
    const late = await page.locator("tr[data-state=open] td:nth-child(3)").allTextContents();
    assert.ok(late.some((t) => parseInt(t) >= 1000), `the stream that waited shows its wait: ${late}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("over HTTP/1.1, with all six connections taken, a WebSocket opens at once beside them", async () => {
    const { page, errors, context } = await openLab(browser, server.url);
    await page.waitForFunction(() => !document.querySelector(".lab-demo .button")?.disabled, null, { timeout: 15_000 });
    await page.getByRole("button", { name: "Open 8 streams on HTTP/1.1" }).click();
    await waitForCounts(page, { open: 6, waiting: 2 });
    await page.getByRole("button", { name: "Open a WebSocket on HTTP/1.1" }).click();
    // Open while the two streams still wait: the socket is not in their queue.
    await waitForCounts(page, { open: 7, waiting: 2 });
    assert.deepEqual(await counts(page), { open: 7, connections: 7, waiting: 2 });
    const socket = page.locator("tr[data-state=open]", { hasText: "WS 1" });
    assert.match(await socket.textContent(), /WebSocket over HTTP\/1\.1/);
    assert.ok(parseInt(await socket.locator("td:nth-child(3)").textContent()) < 1000, "no wait for a free connection");
    assert.equal(await page.locator(".tcp-lane .chip", { hasText: "WS 1" }).count(), 1);
    await page.waitForFunction(
      () => document.querySelectorAll(".server-view li[data-lane=Http1][data-sockets='1']").length === 1,
    );
    // Closing it closes its connection in the server's view too.
    await socket.getByRole("button", { name: "Close" }).click();
    await waitForCounts(page, { open: 6, waiting: 2 });
    await page.waitForFunction(() => document.querySelectorAll(".server-view li[data-sockets='1']").length === 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the latency waterfall: over HTTP/1.1 thirty requests queue on six connections, over HTTP/2 they go out at once on one", async () => {
    const { page, errors, context } = await openLab(browser, server.url);
    const waterfall = page.locator("details.lab-waterfall");
    await waterfall.locator("summary").click();
    const run = async (latency, lane) => {
      await waterfall.getByRole("radio", { name: `${latency} ms` }).check();
      await waterfall.getByRole("radio", { name: lane }).check();
      await page.evaluate(() => delete document.querySelector("details.lab-waterfall").dataset.result);
      await waterfall.getByRole("button", { name: "Send 30 requests" }).click();
      await page.waitForFunction(() => document.querySelector("details.lab-waterfall").dataset.result, null, { timeout: 30_000 });
      const result = JSON.parse(await waterfall.getAttribute("data-result"));
      console.log(`# waterfall, ${lane}, ${latency} ms: ${await waterfall.locator(".waterfall-summary").textContent()}`);
      return result;
    };
    // HTTP/1.1 at 30 and at 200 ms: at most six connections, so one carried
    // five requests or more, one after another, each held by the server:
    // the queue costs five round trips, whatever the round trip.
    for (const latency of [30, 200]) {
      const h1 = await run(latency, "HTTP/1.1");
      assert.equal(h1.rows.length, 30);
      assert.ok(h1.rows.every((r) => r.protocol === "HTTP/1.1"));
      assert.ok(h1.connections <= 6, `${h1.connections} connections`);
      const perConnection = new Map();
      for (const r of h1.rows) perConnection.set(r.connection, (perConnection.get(r.connection) ?? 0) + 1);
      const busiest = Math.max(...perConnection.values());
      assert.ok(busiest >= 5, `the busiest connection carried ${busiest}`);
      assert.ok(Math.max(...h1.rows.map((r) => r.first)) >= 5 * latency, "the last answer is five round trips in at least");
      assert.ok(h1.rows.some((r) => r.sent - r.asked >= latency), "some requests waited for a connection (grey)");
    }
    // HTTP/2 at 1000 ms: one connection, and every request went out before
    // the first answer came back: none waited for another.
    const h2 = await run(1000, "HTTP/2");
    assert.equal(h2.connections, 1);
    assert.ok(h2.rows.every((r) => r.protocol === "HTTP/2"));
    assert.ok(Math.max(...h2.rows.map((r) => r.sent)) < Math.min(...h2.rows.map((r) => r.first)), "all thirty sent before any answer");
    assert.equal(await waterfall.locator("svg rect.waterfall-sent").count(), 30);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("over HTTP/2, 8 streams all open on one connection", async () => {
    const { page, errors, context } = await openLab(browser, server.url);
    await page.getByRole("radio", { name: "HTTP/2" }).check();
    await page.waitForFunction(() => !document.querySelector(".lab-demo .button")?.disabled, null, { timeout: 15_000 });
    await page.getByRole("button", { name: "Open 8 streams on HTTP/2" }).click();
    await waitForCounts(page, { open: 8, waiting: 0 });
    assert.deepEqual(await counts(page), { open: 8, connections: 1, waiting: 0 });
    const protocols = await page.locator("tr[data-state=open] td:nth-child(5)").allTextContents();
    assert.deepEqual([...new Set(protocols)], ["HTTP/2"]);
    await page.waitForFunction(
      () => document.querySelectorAll(".server-view li[data-lane=Http2][data-streams='8']").length === 1,
    );
    await page.getByRole("button", { name: "Send an ordinary request" }).click();
    await page.waitForFunction(() => /answered after \d+ ms on connection/.test(document.querySelector(".lab-ping")?.textContent));
    // A WebSocket to the same lane, from this page on the site's origin:
    // the lane allows RFC 8441, yet Chromium opens a connection of its own
    // over HTTP/1.1, since the streams went without credentials and a
    // WebSocket goes with them (lesson 6 says so; claims.test.mjs shows a
    // page on the HTTP/2 origin itself riding its connection).
    await page.getByRole("button", { name: "Open a WebSocket on HTTP/2" }).click();
    await waitForCounts(page, { open: 9, waiting: 0 });
    assert.deepEqual(await counts(page), { open: 9, connections: 2, waiting: 0 });
    const socket = page.locator("tr[data-state=open]", { hasText: "WS 1" });
    assert.match(await socket.textContent(), /WebSocket over HTTP\/1\.1/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
