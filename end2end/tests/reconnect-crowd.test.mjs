// Lesson 8's crowd in a real browser: the three policies' figures side by
// side, and a crowd of the learner's own, run by the form without any
// script on the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";

const seconds = (text) => (text.endsWith(" s") ? Number(text.slice(0, -2)) : Infinity);

function figures(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll(".crowd-table tr[data-policy]")].map((row) => [
        row.dataset.policy,
        {
          half: row.querySelector("[data-half]").textContent,
          all: row.querySelector("[data-all]").textContent,
          peak: Number(row.querySelector("[data-peak]").textContent),
          attempts: Number(row.querySelector("[data-attempts]").textContent),
        },
      ]),
    ),
  );
}

describe("the reconnecting crowd", () => {
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

  test("jittered reconnects spread out: the server meets a fraction of the herd, and the crowd is back sooner", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/production`);
    const { fixed, backoff, jitter } = await figures(page);
    assert.ok(seconds(jitter.all) < seconds(fixed.all), `${jitter.all} against ${fixed.all}`);
    assert.equal(backoff.half, "not within the minute");
    assert.ok(fixed.peak >= 5 * jitter.peak && backoff.peak >= 5 * jitter.peak, JSON.stringify({ fixed, backoff, jitter }));
    // Each policy draws its own chart, on one scale, with a title for screen readers.
    const charts = page.locator(".crowd-policy svg[role=img]");
    assert.equal(await charts.count(), 3);
    assert.match(await charts.nth(2).locator("title").textContent(), /full jitter.*everyone back after \d+\.\d s/);
    assert.deepEqual(errors, []);
  });

  test("the learner's own crowd: the form reruns it, with no script on the page", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/demos/reconnect-crowd`);
    const before = await figures(page);
    await page.getByLabel("Clients").fill("3000");
    await page.getByRole("button", { name: "Run this crowd" }).click();
    await page.waitForURL(/crowd-clients=3000/);
    assert.match(page.url(), /#reconnect-crowd$/);
    const after = await figures(page);
    assert.ok(after.jitter.attempts > 2 * before.jitter.attempts, JSON.stringify({ before: before.jitter, after: after.jitter }));
    assert.equal(await page.getByLabel("Clients").inputValue(), "3000");
    await context.close();
  });
});
