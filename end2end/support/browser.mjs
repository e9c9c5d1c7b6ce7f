// Debian's Chromium, driven by playwright-core (no browser download).
import { chromium } from "playwright-core";

export const PHONE = { width: 390, height: 844 };

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

/** Resolves once the WebAssembly has taken over the page. */
export async function waitForHydration(page) {
  await page.waitForSelector("html[data-hydrated=true]", { timeout: 15_000 });
}
