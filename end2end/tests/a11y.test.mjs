// axe-core on every page a learner can reach, in light and dark, on a desktop
// and a phone: no serious or critical violation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { SERVER_ONLY_DEMOS, islandDemos, lessonsFromContent } from "../support/content.mjs";
import { startServer } from "../support/server.mjs";
import { PHONE, launchBrowser, runAxe, waitForHydration } from "../support/browser.mjs";

const DESKTOP = { width: 1280, height: 800 };
const DEMOS = [
  "sse-clock", "ws-echo", "ws-resume", "answer-stream", "handshake-inspector", "connection-lab", "buffered-clock", "misbehaving-proxy", "leaky-server",
  "reconnect-crowd", "rolling-deploy", "which-fits", "webtransport", "head-of-line", "counter",
];
const HAS_ISLANDS = new Set(
  lessonsFromContent()
    .filter((l) => islandDemos(l.demos).length > 0 || l.checks > 0)
    .map((l) => `/lessons/${l.slug}`),
);

describe("accessibility", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ trustTestCertificate: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("axe finds nothing serious or critical on any page, light or dark, desktop or phone", async (t) => {
    // axe is injected as a script: let it past the pages' Content-Security-Policy.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(server.url);
    const lessons = await page.$$eval(".course-path h3 a[href^='/lessons/']", (found) =>
      found.map((a) => a.getAttribute("href")),
    );
    assert.ok(lessons.length > 0, "the home page lists lessons");
    const pages = [
      ...["/", ...lessons].map((path) => ({ path, status: 200 })),
      ...DEMOS.map((name) => ({ path: `/demos/${name}`, status: 200, islands: !SERVER_ONLY_DEMOS.has(name) })),
      { path: "/guide", status: 200 },
      { path: "/search?q=stream", status: 200 },
      { path: "/search?q=qwzxvb", status: 200 },
      { path: "/no-such-page", status: 404 },
    ].map((p) => ({ ...p, islands: p.islands || HAS_ISLANDS.has(p.path) }));

    for (const { path, status, islands } of pages) {
      await t.test(path, async () => {
        const found = [];
        // One load per screen size; the colour scheme switches in place, as
        // when the system theme changes under an open page.
        for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
          await page.setViewportSize(viewport);
          await page.emulateMedia({ colorScheme: "light" });
          const response = await page.goto(`${server.url}${path}`);
          assert.equal(response.status(), status, path);
          if (islands) await waitForHydration(page);
          // What a learner unfolds counts too: the terminal twins, the lab's
          // waterfall, the course list (not the wire views: opening one
          // starts it).
          await page.evaluate(() => document.querySelectorAll("details:not(.wire-view)").forEach((d) => (d.open = true)));
          for (const colorScheme of ["light", "dark"]) {
            await page.emulateMedia({ colorScheme });
            found.push(...(await runAxe(page, { context: `${path} (${colorScheme}, ${size})` })));
          }
        }
        assert.deepEqual(found, []);
      });
    }
    await context.close();
  });
});
