// Exercises graded on the wire, in Chromium: for every exercise of the
// course, the reference solution typed into the editor and run turns every
// rule green from what the server saw; the starter code fails the rules it
// should, each with the server's evidence; the comparison shows both
// programs and changes nothing; and the page is usable by keyboard and
// clean under axe.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT, startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, runAxe } from "../support/browser.mjs";

/** `[{ slug, id, rules }]`: every ```exercise block in content/, as the lessons declare them. */
function exercisesFromContent() {
  const dir = join(ROOT, "content");
  const found = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".md")).sort()) {
    const slug = name.replace(/^\d+-/, "").replace(/\.md$/, "");
    const text = readFileSync(join(dir, name), "utf8");
    for (const [, block] of text.matchAll(/^```exercise\n([\s\S]*?)^```$/gm)) {
      const field = (key) => block.match(new RegExp(`^${key}: (.*)$`, "m"))?.[1].trim();
      found.push({ slug, id: field("id"), rules: field("rules").split(",").map((r) => r.trim()) });
    }
  }
  return found;
}

const EXERCISES = exercisesFromContent();
// The rules each starter passes already (it is partly right); it fails the rest.
const STARTER_PASSES = { "fetch-reader": ["posts-with-bearer"] };

/** Text with its runs of white space as one space: how the editor's lines compare. */
const squeeze = (text) => text.replace(/[\s\u00a0]+/g, " ").trim();

/** What the editor shows, its lines as they are drawn. */
async function editorText(section) {
  return squeeze((await section.locator(".exercise-editor .cm-line").allTextContents()).join("\n"));
}

/** Replaces the editor's text, as a paste would. */
async function type(page, section, text) {
  await section.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
  assert.equal(await editorText(section), squeeze(text), "the editor holds the code as given");
}

/** Every rule's standing, once none is waiting (or after `ms`). */
async function standings(section, ms = 40_000) {
  await section
    .locator(".exercise-rules li[data-standing='waiting']")
    .first()
    .waitFor({ state: "detached", timeout: ms })
    .catch(() => {});
  return section.locator(".exercise-rules li").evaluateAll((items) =>
    Object.fromEntries(items.map((li) => [li.dataset.rule, { standing: li.dataset.standing, evidence: li.querySelector(".verdict-evidence").textContent }])),
  );
}

describe("exercises", () => {
  let server;
  let browser;

  before(async () => {
    assert.ok(EXERCISES.length >= 8, `the course has eight exercises or more (found ${EXERCISES.length})`);
    server = await startServer({ args: ["--no-lab"] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const exercise of EXERCISES) {
    test(`${exercise.id}: the reference passes every rule, the starter fails with evidence`, async () => {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await page.goto(`${server.url}/lessons/${exercise.slug}`);
      const section = page.locator(`section.exercise[data-exercise='${exercise.id}']`);
      await section.scrollIntoViewIfNeeded();
      await section.locator(".exercise-editor .cm-editor").waitFor({ timeout: 15_000 });
      const starter = await section.locator(".exercise-code pre code").textContent();
      const reference = await section.locator(".exercise-reference pre code").textContent();
      assert.equal(await editorText(section), squeeze(starter), "the editor starts with the starter code");

      await type(page, section, reference);
      await section.getByRole("button", { name: "Run" }).click();
      const passed = await standings(section);
      for (const rule of exercise.rules) {
        assert.equal(passed[rule]?.standing, "passed", `${rule} with the reference: ${passed[rule]?.evidence}`);
        assert.ok(passed[rule].evidence.length > 0, `${rule} says what the server saw`);
      }
      assert.match(await section.locator(".exercise-status").textContent(), /^Passed/);
      const key = `realtime-lab.exercise:${exercise.slug}/${exercise.id}`;
      assert.equal(await page.evaluate((key) => localStorage.getItem(key), key), "1", "the pass is kept with the lesson's progress");
      await section.getByRole("button", { name: "Stop" }).click();

      await section.getByRole("button", { name: "Reset" }).click();
      await section.getByRole("button", { name: "Run" }).click();
      const passes = STARTER_PASSES[exercise.id] ?? [];
      await section.locator(".exercise-rules li[data-standing='failed']").first().waitFor({ timeout: 30_000 });
      const failed = await standings(section, 15_000);
      for (const rule of exercise.rules) {
        const expected = passes.includes(rule) ? "passed" : "failed";
        assert.equal(failed[rule]?.standing, expected, `${rule} with the starter: ${failed[rule]?.evidence}`);
        assert.ok(failed[rule].evidence.length > 0, `${rule} says what the server saw`);
      }
      await section.getByRole("button", { name: "Stop" }).click();
      assert.deepEqual(errors.filter((e) => !/WebSocket|EventSource|503|net::ERR/.test(e)), [], "no error in the page's own console");
      await page.goto(server.url);
      assert.match(
        await page.locator(`.course-path [data-progress-of='${exercise.slug}']`).textContent(),
        /\b1 of \d+ exercises? passed/,
        "the home page counts the pass",
      );
      await page.close();
    });
  }

  test("hints come one at a time, and the comparison shows the learner's code beside the reference and leaves the editor alone", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/lessons/websocket-frames`);
    const section = page.locator("section.exercise[data-exercise='close-with-intent']");
    await section.scrollIntoViewIfNeeded();
    await section.locator(".exercise-editor .cm-editor").waitFor({ timeout: 15_000 });
    const hints = section.locator(".exercise-hint");
    assert.equal(await hints.nth(1).isHidden(), true, "the second hint waits for the first");
    await hints.nth(0).locator("summary").click();
    await hints.nth(1).waitFor({ state: "visible" });
    const compare = section.getByRole("button", { name: "Compare with the reference" });
    await compare.click();
    assert.equal(await compare.getAttribute("aria-expanded"), "true");
    const merge = section.locator(".exercise-compare .cm-mergeView");
    await merge.waitFor();
    const sides = await merge.locator(".cm-editor").count();
    assert.equal(sides, 2, "two programs side by side");
    assert.ok((await merge.locator(".cm-changedLine, .cm-changedText").count()) > 0, "the lines that differ are marked");
    const mine = (await section.locator(".exercise-editor .cm-line").allTextContents()).join("\n");
    assert.match(mine, /socket\.close\(\);/, "the learner's code is still the starter");
    await compare.click();
    assert.equal(await section.locator(".exercise-compare").isHidden(), true);
    await page.close();
  });

  test("keyboard users can leave the editor, and axe finds nothing serious on an exercise, light or dark, on a phone", async () => {
    for (const colorScheme of ["light", "dark"]) {
      const context = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/lessons/websocket-frames`);
      const section = page.locator("section.exercise[data-exercise='close-with-intent']");
      await section.scrollIntoViewIfNeeded();
      await section.locator(".exercise-editor .cm-editor").waitFor({ timeout: 15_000 });
      await section.locator(".cm-content").click();
      await page.keyboard.press("Tab");
      // The editor lives in a shadow root (editor/src/editor.js): the page's focus is its host.
      const focused = () => page.evaluate(() => {
        const active = document.activeElement;
        return (active.shadowRoot?.activeElement ?? active).className;
      });
      assert.match(await focused(), /\bcm-content\b/, "Tab indents inside the editor");
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement.textContent), "Run", "Escape then Tab moves on to Run");
      const violations = await runAxe(page, { context: "section.exercise" });
      assert.deepEqual(violations, [], `${colorScheme}: ${JSON.stringify(violations, null, 1)}`);
      await context.close();
    }
  });

  test("without JavaScript the task, the rules and the terminal's commands are in the page", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/event-stream`);
    const section = page.locator("section.exercise[data-exercise='resume-without-loss']");
    assert.match(await section.locator(".exercise-task").textContent(), /three numbered events/);
    assert.equal(await section.locator(".exercise-rules li").count(), 2);
    assert.match(await section.locator(".exercise-terminal").textContent(), /curl -s -X POST "\$SITE\/api\/exercises\/resume-without-loss\/token\?as=text"/);
    assert.equal(await section.locator(".cm-editor").count(), 0);
    await context.close();
  });
});
