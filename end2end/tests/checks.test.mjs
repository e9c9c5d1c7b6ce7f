// Knowledge checks: a learner answers a lesson's checks with the keyboard,
// hears why, and finds their progress on the home page after a reload.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { lessonsFromContent } from "../support/content.mjs";
import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, waitForHydration } from "../support/browser.mjs";

const LESSON = lessonsFromContent().find((lesson) => lesson.checks >= 2);

/**
 * Chooses option `index` (0-based) of a check as the keyboard does: focus
 * lands where Tab would put it in the radio group (the checked radio, else
 * the first), Space checks it, the arrow keys move the choice; then Tab to
 * the button and Enter.
 */
async function answerByKeyboard(page, check, index) {
  const radios = check.locator("input[type=radio]");
  const checked = await radios.evaluateAll((all) => all.findIndex((r) => r.checked));
  const from = Math.max(checked, 0);
  await radios.nth(from).focus();
  if (checked < 0) await page.keyboard.press("Space");
  for (let i = from; i < index; i++) await page.keyboard.press("ArrowDown");
  for (let i = from; i > index; i--) await page.keyboard.press("ArrowUp");
  assert.equal(await radios.nth(index).isChecked(), true, `option ${index + 1} is chosen`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Check my answer");
  await page.keyboard.press("Enter");
}

describe("knowledge checks", () => {
  let server;
  let browser;

  before(async () => {
    assert.ok(LESSON, "content/ has a lesson with two or more checks");
    server = await startServer({ args: ["--no-lab"] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("answered by keyboard, each check explains the answer, and the home page shows the progress after a reload", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/${LESSON.slug}`);
    await waitForHydration(page);

    const checks = page.locator("section.check");
    assert.equal(await checks.count(), LESSON.checks);
    for (let n = 0; n < LESSON.checks; n++) {
      const check = checks.nth(n);
      const options = check.locator(".check-options > li");
      const right = await options.evaluateAll((all) => all.findIndex((li) => li.hasAttribute("data-right")));
      const why = (i) => options.nth(i).locator(".check-why");
      const result = check.locator(".check-result");

      if (n === 0) {
        // A wrong answer first: told so, with that answer's explanation.
        const wrong = right === 0 ? 1 : 0;
        await answerByKeyboard(page, check, wrong);
        await page.waitForFunction((el) => el.textContent.startsWith("Not this one."), await result.elementHandle());
        assert.equal(await check.getAttribute("data-answered"), "wrong");
        assert.equal(await why(wrong).isVisible(), true, "the wrong answer's explanation shows");
        assert.ok((await result.textContent()).includes(await why(wrong).textContent()), "the status repeats it");
      }
      await answerByKeyboard(page, check, right);
      await page.waitForFunction((el) => el.textContent.startsWith("Right."), await result.elementHandle());
      assert.equal(await check.getAttribute("data-answered"), "right");
      assert.equal(await result.getAttribute("role"), "status", "a screen reader hears the verdict");
      const shown = await options.evaluateAll((all) =>
        all.map((li) => !li.querySelector(".check-why").hidden),
      );
      assert.deepEqual(shown, shown.map((_, i) => i === right), "only the chosen answer's explanation shows");
    }
    // Reading to the end marks the lesson read.
    await page.locator("[data-lesson-end]").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("realtime-lab.read:")));
    assert.deepEqual(errors, []);

    await page.goto(server.url);
    await page.reload();
    const entry = page.locator(".course-path li.path-step", {
      has: page.locator(`a[href="/lessons/${LESSON.slug}"]`),
    });
    assert.equal(
      (await entry.locator(".lesson-progress").textContent()).trim(),
      `(read, ${LESSON.checks} of ${LESSON.checks} checks passed)`,
    );
    // The other lessons show nothing yet.
    const others = await page
      .locator(".course-path li.path-step .lesson-progress")
      .evaluateAll((all) => all.map((span) => span.textContent).filter((text) => text !== ""));
    assert.equal(others.length, 1, `only the answered lesson shows progress: ${others}`);
    // And the lesson list beside a lesson shows it too.
    await page.goto(`${server.url}/lessons/${LESSON.slug}`);
    const inNav = page.locator(`nav.course-nav a[href="/lessons/${LESSON.slug}"] .lesson-progress`);
    assert.match(await inNav.textContent(), new RegExp(`${LESSON.checks} of ${LESSON.checks} checks passed`));
    await context.close();
  });

  test("without JavaScript a check still reads, and its answers open in a <details>", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/${LESSON.slug}`);
    const check = page.locator("section.check").first();
    assert.equal(await check.locator("legend").isVisible(), true);
    assert.equal(await check.locator(".check-answers li").first().isVisible(), false);
    await check.locator(".check-answers summary").click();
    const answers = await check.locator(".check-answers li").allTextContents();
    assert.ok(answers.some((a) => a.startsWith("Right:")), `${answers}`);
    await context.close();
  });
});
