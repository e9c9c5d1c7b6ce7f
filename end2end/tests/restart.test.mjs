// A restart, as a learner's browser lives through it: SIGTERM closes the
// echo with 1001 ("going away"), ends the clock's stream cleanly, and the
// next process on the same port replays what the browser missed, so the
// clock's ids run on without a gap.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { launchBrowser } from "../support/browser.mjs";

describe("a restart", () => {
  let browser;
  let server;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // Closes sockets with 1001, and the clock resumes on the new process with consecutive ids.
  test("lesson4_close_code_1001_when_the_server_restarts", async () => {
    server = await startServer({ args: ["--no-lab"] });
    const addr = new URL(server.url).host;
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate(() => {
      window.seen = { ticks: [], hellos: [], close: null };
      const socket = new WebSocket(`ws://${location.host}/api/echo`);
      socket.onclose = (event) => (window.seen.close = { code: event.code, reason: event.reason, wasClean: event.wasClean });
      const clock = new EventSource("/api/clock");
      clock.addEventListener("hello", (event) => window.seen.hellos.push(JSON.parse(event.data)));
      clock.addEventListener("tick", (event) => window.seen.ticks.push(Number(event.lastEventId)));
    });
    await page.waitForFunction(() => window.seen.ticks.length >= 2, null, { timeout: 10_000 });

    const stopping = Date.now();
    await server.stop();
    const stopMs = Date.now() - stopping;
    server = await startServer({ args: ["--no-lab"], addr });
    await page.waitForFunction(() => window.seen.hellos.length >= 2 && window.seen.ticks.length >= 6, null, {
      timeout: 20_000,
    });
    const seen = await page.evaluate(() => window.seen);
    console.log(`  the old process stopped in ${stopMs} ms; the page saw ticks ${seen.ticks.join(", ")}`);

    assert.deepEqual(seen.close, { code: 1001, reason: "the server is restarting", wasClean: true });
    assert.ok(stopMs < 5_000, `stopped within the drain deadline (${stopMs} ms)`);
    const resumed = seen.hellos[1];
    assert.notEqual(resumed.resumed_after, null, "the browser sent Last-Event-ID to the new process");
    assert.equal(resumed.lost, 0, "nothing lost");
    for (let i = 1; i < seen.ticks.length; i++) {
      assert.equal(seen.ticks[i], seen.ticks[i - 1] + 1, `consecutive ids across the restart: ${seen.ticks}`);
    }
  });
});
