// Debian's Chromium, driven by playwright-core (no browser download).
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const PHONE = { width: 390, height: 844 };

const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * `trustTestCertificate`: accept the lab lanes' self-signed certificate, as a
 * learner does by clicking through the warning once.
 */
export function launchBrowser({ trustTestCertificate = false } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...(trustTestCertificate ? ["--ignore-certificate-errors"] : []),
    ],
  });
}

/** Every console error and uncaught exception of a page, to assert on. */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** The page's islands, each named by the demo around it, and whether its WebAssembly has taken over. */
function islandStates(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("leptos-island")].map((island) => ({
      demo: island.closest("[data-demo]")?.dataset.demo ?? "(outside any section.demo)",
      hydrated: island.querySelector("[data-hydrated=true]") !== null,
    })),
  );
}

/**
 * Resolves once every island of the page is hydrated: the page has at least
 * one `<leptos-island>`, and each holds an element with `data-hydrated="true"`
 * (set by the island's root when its WebAssembly has taken over).
 * An island hydrates when it comes near the screen (src/ui/components/island_loader.js),
 * so this scrolls to each island still waiting, one at a time, as a learner
 * reading down the page would, and back to the top at the end.
 * Only pages with a live demo have islands; a text page has nothing to wait for.
 */
export async function waitForHydration(page, { timeout = 15_000 } = {}) {
  try {
    await page.waitForFunction(
      () => {
        const islands = [...document.querySelectorAll("leptos-island")];
        const waiting = islands.filter((island) => !island.querySelector("[data-hydrated=true]"));
        // An island with no box of its own (the checks' listener) starts by itself.
        const next = waiting.find((island) => island.offsetHeight > 0);
        if (next) next.scrollIntoView({ block: "center" });
        return islands.length > 0 && waiting.length === 0;
      },
      null,
      { timeout, polling: 100 },
    );
    await page.evaluate(() => window.scrollTo(0, 0));
  } catch (error) {
    // Say which island is stuck, or that there is none to wait for.
    const states = await islandStates(page).catch(() => []);
    const detail =
      states.length === 0
        ? "the page has no <leptos-island> (is this a page with a live demo?)"
        : `not hydrated: ${states.filter((s) => !s.hydrated).map((s) => s.demo).join(", ")}`;
    throw new Error(`${page.url()} did not hydrate within ${timeout} ms: ${detail}`, { cause: error });
  }
}

/** Waits for the islands if the page has any; a page without demos resolves at once. */
export async function waitForIslandsIfAny(page) {
  if ((await page.locator("leptos-island").count()) > 0) await waitForHydration(page);
}

const SERIOUS = new Set(["serious", "critical"]);

/**
 * Runs axe-core on the whole document and returns its serious and critical
 * violations, one readable line each (`[]` when there are none), so
 * `assert.deepEqual(await runAxe(page, { context }), [])` says what to fix.
 * `context` names the page and its conditions in those lines (default: the URL).
 * Needs JavaScript enabled in the page's context; wait for hydration first on
 * pages with islands, so axe checks what a learner gets.
 */
export async function runAxe(page, { context = page.url() } = {}) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
      id,
      impact,
      help,
      helpUrl,
      count: nodes.length,
      targets: nodes.slice(0, 3).map((node) => node.target.flat().join(" >>> ")),
      // For contrast and names this says the ratio or the missing label.
      summary: nodes[0]?.failureSummary ?? "",
    }));
  });
  return violations.filter((v) => SERIOUS.has(v.impact)).map((v) => formatViolation(context, v));
}

function formatViolation(context, { id, impact, help, helpUrl, count, targets, summary }) {
  const more = count > targets.length ? ` and ${count - targets.length} more` : "";
  // "Fix any of the following:\n  reason\n  reason" on one line.
  const [head = "", ...reasons] = summary.split("\n").map((line) => line.trim()).filter(Boolean);
  const why = `${head} ${reasons.join("; ")}`.trim().slice(0, 300);
  const elements = `${count} element${count === 1 ? "" : "s"}: ${targets.join(", ")}${more}`;
  return `${context}: ${impact} ${id}: ${help} (${elements}). ${why} ${helpUrl}`;
}
