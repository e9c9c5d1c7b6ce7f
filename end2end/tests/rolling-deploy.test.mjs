// Lesson 8's rolling deploy in a real browser: what a learner reads for
// pub/sub alone, then for a shared log, run by the form without any
// script on the page; and the other demo's settings kept across runs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";

function figures(page) {
  return page.evaluate(() => {
    const demo = document.querySelector("#rolling-deploy");
    const number = (name) => Number(demo.querySelector(`[data-${name}]`).getAttribute(`data-${name}`));
    return {
      missed: number("missed"),
      clientsMissing: number("clients-missing"),
      mostAccepted: number("most-accepted"),
      atEnd: [...demo.querySelectorAll("tr[data-server]")].map((row) => Number(row.querySelector("[data-end]").textContent)),
      charts: demo.querySelectorAll("figure[data-server] svg[role=img]").length,
    };
  });
}

describe("the rolling deploy", () => {
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

  test("pub/sub loses what a reconnecting client missed, a shared log loses nothing, and the last server restarted ends empty", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/production`);
    const pubsub = await figures(page);
    assert.equal(pubsub.clientsMissing, 1000);
    assert.equal(pubsub.charts, 4);
    assert.equal(pubsub.atEnd[3], 0, JSON.stringify(pubsub.atEnd));
    assert.match(
      await page.locator("#rolling-deploy figure[data-server='4'] title").textContent(),
      /^Server 4: connections held each second; down from 35 s to 40 s; 0 at the end$/,
    );
    await page.getByLabel("How servers share events").selectOption({ label: "Pub/sub and a shared log" });
    await page.getByRole("button", { name: "Run this deploy" }).click();
    await page.waitForURL(/deploy-delivery=log/);
    assert.match(page.url(), /#rolling-deploy$/);
    const log = await figures(page);
    assert.equal(log.missed, 0);
    assert.equal(log.clientsMissing, 0);
    assert.equal(await page.locator("#rolling-deploy [data-missed]").textContent(), `0 of ${74 * 1000}`);
    assert.deepEqual(errors, []);
  });

  test("streams that age out let a least-connections balancer even the fleet out; the crowd's settings survive the run", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/production?crowd-clients=3000`);
    await page.getByLabel("Load balancer").selectOption({ label: "Least connections" });
    await page.getByLabel("End each stream after 10 to 30 s").check();
    await page.getByRole("button", { name: "Run this deploy" }).click();
    await page.waitForURL(/deploy-max-age=on/);
    const { atEnd } = await figures(page);
    assert.ok(Math.max(...atEnd) - Math.min(...atEnd) <= 3, JSON.stringify(atEnd));
    assert.equal(await page.getByLabel("Clients", { exact: true }).first().inputValue(), "3000");
    assert.match(page.url(), /crowd-clients=3000/);
    await context.close();
  });
});
