// The copy button on code blocks, as a learner uses it: one per block, the
// code on the clipboard, "Copied" said on the button and to a screen reader;
// no button without JavaScript.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";

describe("copying code", () => {
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

  test("every code block gets a button that puts its code on the clipboard and says so", async () => {
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/production`);
    const blocks = await page.locator("pre.code").count();
    assert.ok(blocks >= 3, `the lesson has code blocks: ${blocks}`);
    assert.equal(await page.locator("button.copy-code").count(), blocks, "one button per block");

    const first = page.locator(".code-wrap").first();
    const code = await first.locator("pre.code").textContent();
    const button = first.getByRole("button", { name: "Copy this code" });
    await button.click();
    // The clipboard's write is a promise: the button says so once it resolves (and for 2 s).
    await page.waitForFunction(() => document.querySelector(".copy-code").textContent !== "Copy", null, { timeout: 1_500 });
    assert.equal(await button.textContent(), "Copied");
    assert.equal(await page.locator("[aria-live=polite]").filter({ hasText: "Code copied" }).count(), 1);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
    await page.waitForFunction(() => document.querySelector(".copy-code").textContent === "Copy", null, { timeout: 5_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("without JavaScript the code is there and no button is", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/production`);
    assert.ok((await page.locator("pre.code").count()) >= 3);
    assert.equal(await page.locator("button.copy-code").count(), 0);
    await context.close();
  });

  test("a page without code carries no copy script", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    assert.equal(await page.locator("button.copy-code").count(), 0);
    assert.doesNotMatch(await page.content(), /copy-code/);
    await page.close();
  });
});
