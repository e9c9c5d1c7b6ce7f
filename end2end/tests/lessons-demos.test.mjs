// The demos of lessons 5 and 7, used as a learner would: the leaky server's
// timers outlive the page's streams, the shared ticker's do not; "which one
// fits?" answers every choice, by mouse or keyboard.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const stat = (page, name) => page.locator(`[data-stat="${name}"]`).textContent();

async function waitForStat(page, name, value, timeout = 10_000) {
  await page.waitForFunction(
    ([name, value]) => document.querySelector(`[data-stat="${name}"]`)?.textContent === value,
    [name, value],
    { timeout },
  );
}

describe("the demos of lessons 5 and 7", () => {
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

  test("lesson 5: naive timers go on firing after their streams close; the shared ticker leaves nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/writing-the-server`);
    await waitForHydration(page);

    await page.getByRole("button", { name: "Open 3 streams, a timer each" }).click();
    await waitForStat(page, "naive_timers", "3");
    await page.waitForFunction(() => Number(document.querySelector('[data-stat="ticks"]')?.textContent) >= 3);
    assert.equal(await stat(page, "orphaned"), "0");
    assert.match(await page.locator("[data-leaky-status]").textContent(), /3 streams open/);

    await page.getByRole("button", { name: "Close my streams" }).click();
    // The page holds no stream any more, and the server's three timers fire on.
    await waitForStat(page, "orphaned", "3");
    assert.equal(await stat(page, "naive_timers"), "3");
    assert.match(await stat(page, "next_cleanup"), /^\d+ s$/);
    const ticks = await stat(page, "ticks");
    await page.waitForTimeout(1500);
    assert.equal(await stat(page, "ticks"), ticks, "no tick reaches the page after closing");
    assert.match(await page.locator("[data-leaky-status]").textContent(), /still fire once a second/);

    await page.getByRole("button", { name: "Open 3 streams on the shared ticker" }).click();
    await waitForStat(page, "shared_streams", "3");
    assert.equal(await stat(page, "naive_timers"), "3", "the leaked timers are still there");
    await page.getByRole("button", { name: "Close my streams" }).click();
    await waitForStat(page, "shared_streams", "0");
    assert.match(await page.locator("[data-leaky-status]").textContent(), /nothing of them is left/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("lesson 7: every choice of every scenario gives its verdict and reasoning, by keyboard too", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/choosing`);
    await waitForHydration(page);
    const scenarios = page.locator(".fits-scenario");
    assert.equal(await scenarios.count(), 4);

    const first = scenarios.nth(0);
    const result = first.locator("[data-fits-result]");
    assert.equal(await result.textContent(), "", "nothing is shown before a choice");
    await first.getByLabel("Server-Sent Events").check();
    assert.equal(await result.getAttribute("data-verdict"), "fits");
    assert.match(await result.textContent(), /^Fits\. The traffic goes one way/);
    // Arrow keys move through a radio group: the next choice answers too.
    await first.getByLabel("Server-Sent Events").focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await result.getAttribute("data-verdict"), "at-a-cost");
    assert.match(await result.textContent(), /^Works, at a cost\. It works, but the upward direction/);
    assert.equal(await result.getAttribute("aria-live"), "polite");

    for (let n = 0; n < 4; n++) {
      const scenario = scenarios.nth(n);
      const verdicts = [];
      for (const label of ["Server-Sent Events", "WebSockets", "Long polling", "WebTransport"]) {
        await scenario.getByLabel(label).check();
        verdicts.push(await scenario.locator("[data-fits-result]").getAttribute("data-verdict"));
        assert.ok((await scenario.locator("[data-fits-result]").textContent()).length > 40);
      }
      assert.equal(verdicts.filter((v) => v === "fits").length, 1, `one fits in scenario ${n + 1}: ${verdicts}`);
    }
    const game = scenarios.nth(2);
    await game.getByLabel("WebTransport").check();
    assert.match(await game.locator("[data-fits-result]").textContent(), /unreliable datagrams/);
    assert.deepEqual(errors, []);
  });
});
