// The theme control in every page's header, as a learner uses it: System,
// Light or Dark, remembered in this browser (`localStorage`), applied before
// the page first paints (no flash of the other theme on load), keyboard
// usable, clean for axe in both themes, and hidden without JavaScript (the
// page then follows the system).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, runAxe, waitForIslandsIfAny } from "../support/browser.mjs";

const LESSON = "/lessons/big-picture";
const KEY = "realtime-lab-theme";
// --bg of each palette in style/main.css, as a computed colour.
const LIGHT_BG = "rgb(251, 251, 253)";
const DARK_BG = "rgb(18, 20, 28)";
const PHONE_360 = { width: 360, height: 740 };

/** The page's background, as painted. */
const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** Which button of the control is pressed, by its text. */
const pressed = (page) =>
  page.$$eval("#theme-choice button[aria-pressed=true]", (buttons) => buttons.map((b) => b.textContent));

/** The control, and one of its buttons by its exact name. */
const control = (page) => page.getByRole("group", { name: "Theme", exact: true });
const themeButton = (page, name) => control(page).getByRole("button", { name, exact: true });

const stored = (page) => page.evaluate((key) => localStorage.getItem(key), KEY);

/**
 * Runs in every document of the context before its own scripts: records
 * whether `data-theme` was set while `<body>` did not exist yet (nothing of
 * the page can have been painted then), and the theme, the `color-scheme`
 * meta and `--bg` on the first animation frame and at DOMContentLoaded.
 */
function firstPaintProbe() {
  const probe = (window.__themeProbe = { setBeforeBody: null, firstFrame: null, domContentLoaded: null });
  const read = () => ({
    theme: document.documentElement.dataset.theme ?? null,
    meta: document.querySelector("meta[name=color-scheme]")?.content ?? null,
    bg: getComputedStyle(document.documentElement).getPropertyValue("--bg").trim(),
    background: document.body ? getComputedStyle(document.body).backgroundColor : null,
  });
  new MutationObserver((records) => {
    if (probe.setBeforeBody === null && records.some((r) => r.attributeName === "data-theme")) {
      probe.setBeforeBody = document.body === null;
    }
  }).observe(document, { attributes: true, attributeFilter: ["data-theme"], subtree: true });
  requestAnimationFrame(() => {
    probe.firstFrame = read();
  });
  document.addEventListener("DOMContentLoaded", () => (probe.domContentLoaded = read()), { once: true });
}

const probeOf = async (page) => {
  await page.waitForFunction(() => window.__themeProbe?.firstFrame && window.__themeProbe.domContentLoaded);
  return page.evaluate(() => window.__themeProbe);
};

describe("theme", () => {
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

  test("Dark on a light system turns a lesson dark, and a reload is dark from its first frame", async () => {
    const context = await browser.newContext({ colorScheme: "light" });
    await context.addInitScript(firstPaintProbe);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}${LESSON}`);
    assert.ok(await control(page).isVisible(), "the control is shown once its script ran");
    assert.deepEqual(await pressed(page), ["System"]);
    assert.equal(await background(page), LIGHT_BG);

    await themeButton(page, "Dark").click();
    assert.equal(await background(page), DARK_BG);
    assert.deepEqual(await pressed(page), ["Dark"]);
    assert.equal(await stored(page), "dark");
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), "dark");

    await page.reload();
    const probe = await probeOf(page);
    assert.equal(probe.setBeforeBody, true, "data-theme is set in <head>, before the body exists");
    assert.equal(probe.firstFrame.theme, "dark", `first frame: ${JSON.stringify(probe.firstFrame)}`);
    assert.equal(probe.firstFrame.meta, "dark", "the browser's own parts are dark before the CSS is in");
    assert.equal(probe.firstFrame.background, DARK_BG);
    assert.equal(probe.domContentLoaded.bg, "#12141c");
    assert.equal(probe.domContentLoaded.background, DARK_BG);
    assert.deepEqual(await pressed(page), ["Dark"]);

    // Paper stays white: the print rules outrank a picked theme.
    await page.emulateMedia({ media: "print" });
    assert.equal(await background(page), "rgb(255, 255, 255)");
    assert.equal(await page.locator("#theme-choice").isHidden(), true, "no control on paper");
    await page.emulateMedia({ media: "screen" });

    // Another page of the site: the same theme, from its first frame.
    await page.goto(server.url);
    assert.equal((await probeOf(page)).firstFrame.theme, "dark");
    assert.equal(await background(page), DARK_BG);
    assert.deepEqual(errors, [], "no console error (a CSP refusal would be one)");
    await context.close();
  });

  test("Light on a dark system stays light, across a reload; System follows the system again", async () => {
    const context = await browser.newContext({ colorScheme: "dark" });
    await context.addInitScript(firstPaintProbe);
    const page = await context.newPage();
    await page.goto(`${server.url}${LESSON}`);
    assert.equal(await background(page), DARK_BG, "System: the system's dark");
    assert.equal((await probeOf(page)).setBeforeBody, null, "no choice, no data-theme");

    // By keyboard: focus the button and press Space, as with any button.
    await themeButton(page, "Light").focus();
    await page.keyboard.press("Space");
    assert.equal(await background(page), LIGHT_BG);
    assert.deepEqual(await pressed(page), ["Light"]);
    assert.equal(await stored(page), "light");
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), "light");

    await page.reload();
    const probe = await probeOf(page);
    assert.equal(probe.setBeforeBody, true);
    assert.equal(probe.firstFrame.theme, "light");
    assert.equal(probe.firstFrame.meta, "light");
    assert.equal(probe.firstFrame.background, LIGHT_BG);
    assert.equal(probe.domContentLoaded.background, LIGHT_BG);
    assert.equal(await background(page), LIGHT_BG);

    await themeButton(page, "System").focus();
    await page.keyboard.press("Enter");
    assert.equal(await stored(page), null, "System is no key at all");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? null), null);
    assert.equal(await background(page), DARK_BG);
    await page.emulateMedia({ colorScheme: "light" });
    assert.equal(await background(page), LIGHT_BG, "and follows the system when it changes");
    await context.close();
  });

  test("a theme picked in one tab reaches the site's other open tabs", async () => {
    const context = await browser.newContext({ colorScheme: "light" });
    const [one, two] = [await context.newPage(), await context.newPage()];
    await one.goto(`${server.url}${LESSON}`);
    await two.goto(server.url);
    await themeButton(one, "Dark").click();
    await two.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    assert.equal(await background(two), DARK_BG);
    assert.deepEqual(await pressed(two), ["Dark"]);
    await themeButton(one, "System").click();
    await two.waitForFunction(() => document.documentElement.dataset.theme === undefined);
    assert.equal(await background(two), LIGHT_BG);
    await context.close();
  });

  test("the picked dark palette is the system's dark palette, colour for colour", async () => {
    // Every custom property the stylesheet sets on :root, as computed.
    const palette = (page) =>
      page.evaluate(() => {
        const names = new Set();
        const walk = (rules) => {
          for (const rule of rules) {
            if (rule.cssRules) walk(rule.cssRules);
            if (rule.style && rule.selectorText?.startsWith(":root")) {
              for (const name of rule.style) if (name.startsWith("--")) names.add(name);
            }
          }
        };
        for (const sheet of document.styleSheets) walk(sheet.cssRules);
        const style = getComputedStyle(document.documentElement);
        return Object.fromEntries([...names].sort().map((name) => [name, style.getPropertyValue(name).trim()]));
      });
    const system = await browser.newContext({ colorScheme: "dark" });
    const systemPage = await system.newPage();
    await systemPage.goto(`${server.url}${LESSON}`);
    const picked = await browser.newContext({ colorScheme: "light" });
    await picked.addInitScript((key) => localStorage.setItem(key, "dark"), KEY);
    const pickedPage = await picked.newPage();
    await pickedPage.goto(`${server.url}${LESSON}`);

    const expected = await palette(systemPage);
    assert.ok(Object.keys(expected).length >= 20, `the palette: ${Object.keys(expected).join(" ")}`);
    assert.equal(expected["--bg"], "#12141c");
    assert.deepEqual(await palette(pickedPage), expected, "style/main.css: the two dark blocks differ");
    await system.close();
    await picked.close();
  });

  test("with storage blocked the page follows the system and the control still switches it", async () => {
    const context = await browser.newContext({ colorScheme: "dark" });
    await context.addInitScript(() => {
      const refuse = () => {
        throw new DOMException("storage is off", "SecurityError");
      };
      Object.defineProperty(window, "localStorage", { get: refuse });
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}${LESSON}`);
    assert.equal(await background(page), DARK_BG);
    await themeButton(page, "Light").click();
    assert.equal(await background(page), LIGHT_BG);
    assert.deepEqual(await pressed(page), ["Light"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("without JavaScript the control is hidden and the page follows the system", async () => {
    for (const [colorScheme, bg] of [["light", LIGHT_BG], ["dark", DARK_BG]]) {
      const context = await browser.newContext({ javaScriptEnabled: false, colorScheme });
      const page = await context.newPage();
      await page.goto(`${server.url}${LESSON}`);
      assert.equal(await page.locator("#theme-choice").count(), 1, "in the HTML");
      assert.equal(await page.locator("#theme-choice").isHidden(), true, colorScheme);
      assert.equal(await themeButton(page, "Dark").count(), 0, "no button to reach");
      assert.equal(
        await page.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor),
        bg,
        colorScheme,
      );
      await context.close();
    }
  });

  test("on a 360 px phone the header holds the control without overflowing", async () => {
    const context = await browser.newContext({ viewport: PHONE_360, colorScheme: "light" });
    const page = await context.newPage();
    await page.goto(`${server.url}${LESSON}`);
    const box = await control(page).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE_360.width, `the control: ${JSON.stringify(box)}`);
    const header = await page.evaluate(() => {
      const h = document.querySelector(".site-header");
      return { scrollWidth: h.scrollWidth, clientWidth: h.clientWidth, page: document.documentElement.scrollWidth };
    });
    assert.ok(header.scrollWidth <= header.clientWidth, `the header overflows: ${JSON.stringify(header)}`);
    assert.ok(header.page <= PHONE_360.width, `the page scrolls sideways: ${JSON.stringify(header)}`);
    for (const name of ["System", "Light", "Dark"]) {
      const button = await themeButton(page, name).boundingBox();
      assert.ok(button.height >= 44, `${name} is a ${button.height} px tall target`);
    }
    await context.close();
  });

  test("axe finds nothing serious or critical with Light or Dark picked against the system", async () => {
    const found = [];
    for (const [system, pick] of [["dark", "Light"], ["light", "Dark"]]) {
      // axe is injected as a script: let it past the page's Content-Security-Policy.
      const context = await browser.newContext({ bypassCSP: true, colorScheme: system });
      const page = await context.newPage();
      await page.goto(`${server.url}${LESSON}`);
      await waitForIslandsIfAny(page);
      await themeButton(page, pick).click();
      assert.equal(await background(page), pick === "Dark" ? DARK_BG : LIGHT_BG);
      assert.ok(await control(page).isVisible());
      found.push(...(await runAxe(page, { context: `${LESSON} (${pick} picked, system ${system})` })));
      await context.close();
    }
    assert.deepEqual(found, []);
  });
});
