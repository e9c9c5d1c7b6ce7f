// Live preview, as an author sees it: save a lesson and the open page shows
// the change by itself; save a broken one and the page lists the problem
// with its file and line; fix it and the list goes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { ROOT, startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";

describe("live preview", () => {
  let server;
  let browser;
  let dir;
  let lesson;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "realtime-lab-preview-"));
    // The lessons; not content/guide/, which is not one.
    for (const name of fs.readdirSync(path.join(ROOT, "content")).filter((n) => n.endsWith(".md"))) {
      fs.copyFileSync(path.join(ROOT, "content", name), path.join(dir, name));
    }
    lesson = path.join(dir, "07-choosing.md");
    server = await startServer({ contentDir: dir, watch: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a save shows within 2 s; a broken save names file and line until it is fixed", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    // The server subscribes the page before it answers the stream's head, so
    // once that head is in, every later save reaches the page.
    const listening = page.waitForResponse((response) => response.url().endsWith("/api/live-preview"));
    await page.goto(`${server.url}/lessons/choosing`);
    await listening;
    const original = fs.readFileSync(lesson, "utf8");

    fs.writeFileSync(lesson, original.replace("## The neighbours", "## The neighbours, edited live"));
    await page.getByRole("heading", { name: "The neighbours, edited live" }).waitFor({ timeout: 2_000 });

    const broken = original.replace("::demo[which-fits]", "::demo[which-fit]");
    fs.writeFileSync(lesson, broken);
    const overlay = page.getByRole("alert").filter({ hasText: "Not reloaded" });
    await overlay.waitFor({ timeout: 2_000 });
    const line = broken.split("\n").findIndex((l) => l.includes("which-fit]")) + 1;
    assert.match(await overlay.textContent(), new RegExp(`07-choosing\\.md:${line}: unknown demo \`which-fit\``));
    assert.equal(
      await page.getByRole("heading", { name: "The neighbours, edited live" }).count(),
      1,
      "the last good version stays on the page",
    );

    fs.writeFileSync(lesson, original.replace("## The neighbours", "## The neighbours, fixed"));
    await page.getByRole("heading", { name: "The neighbours, fixed" }).waitFor({ timeout: 2_000 });
    assert.equal(await page.locator("#live-preview-problems").count(), 0);
    assert.deepEqual(errors, []);
  });

  test("without a watched folder no page carries the script and the endpoint is 404", async () => {
    const plain = await startServer();
    try {
      const html = await (await fetch(`${plain.url}/lessons/choosing`)).text();
      assert.doesNotMatch(html, /live-preview/);
      assert.equal((await fetch(`${plain.url}/api/live-preview`)).status, 404);
    } finally {
      await plain.stop();
    }
  });
});
