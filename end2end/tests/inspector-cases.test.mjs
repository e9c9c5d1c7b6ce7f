// Lesson 2's inspector cases in a real browser: what Chromium does with an
// event stream on another origin (the lab's HTTP/1.1 lane), with and without
// CORS headers and credentials, with a socket on another origin, and with a
// subprotocol that is or is not answered. Each case also shows what the
// server received and answered, even when the browser withheld it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { PHONE, collectErrors, launchBrowser, runAxe, waitForHydration } from "../support/browser.mjs";

async function runCase(page, id) {
  await page.locator(`.case-buttons [data-case=${id}]`).click();
  const result = page.locator(`.case-result[data-case=${id}]:not([data-outcome=running])`);
  await result.waitFor({ timeout: 15_000 });
  // Read at once: a part the run did not show is "", not a wait.
  return result.evaluate((section) => {
    const text = (selector) => section.querySelector(selector)?.textContent ?? "";
    return {
      outcome: section.dataset.outcome,
      seen: text(".case-seen"),
      request: text(".raw-request"),
      response: text(".raw-response"),
      why: text(".case-why"),
    };
  });
}

describe("the inspector's cases", () => {
  let server;
  let browser;
  let untrusting;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ trustTestCertificate: true });
    untrusting = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await untrusting?.close();
    await server?.stop();
  });

  async function open(from = browser) {
    const page = await from.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/lessons/headers-and-handshakes`);
    await waitForHydration(page);
    return { page, errors };
  }

  // An event stream on another origin: refused without CORS headers, read
  // with *, refused again with credentials and *, read with the exact origin.
  test("lesson2_chromium_withholds_a_stream_without_cors_headers_and_a_credentialed_one_answered_with_a_wildcard", async () => {
    const { page, errors } = await open();
    const origin = new URL(server.url).origin;

    const none = await runCase(page, "cors-none");
    assert.equal(none.outcome, "refused");
    assert.match(none.seen, /an error event, with readyState 2 \(CLOSED/);
    // The server did answer: the page shows its 200, and the Origin it got.
    assert.match(none.response, /^HTTP\/1\.1 200 OK/);
    assert.doesNotMatch(none.response, /access-control-allow-origin/);
    assert.ok(none.request.includes(`origin: ${origin}`), none.request);
    assert.match(none.why, /CORS request/);

    const any = await runCase(page, "cors-any");
    assert.equal(any.outcome, "opened");
    assert.match(any.response, /access-control-allow-origin: \*/);

    const credentialsAny = await runCase(page, "credentials-any");
    assert.equal(credentialsAny.outcome, "refused");
    assert.match(credentialsAny.response, /access-control-allow-origin: \*/);

    const exact = await runCase(page, "credentials-exact");
    assert.equal(exact.outcome, "opened");
    assert.ok(exact.response.includes(`access-control-allow-origin: ${origin}`), exact.response);
    assert.match(exact.response, /access-control-allow-credentials: true/);

    // Chromium says why in the console only: the page cannot tell.
    const cors = errors.filter((e) => /CORS policy/.test(e));
    assert.equal(cors.length, 2, errors.join("\n"));
    assert.ok(cors.some((e) => /wildcard '\*' when the request's credentials mode is 'include'/.test(e)), cors.join("\n"));
    assert.deepEqual(errors.filter((e) => !/CORS policy|net::ERR_FAILED/.test(e)), []);
  });

  test("a socket on another origin is sent, and refused by the server's Origin check with 403, seen as 1006", async () => {
    const { page } = await open();
    const socket = await runCase(page, "socket-other-origin");
    assert.equal(socket.outcome, "refused");
    assert.match(socket.seen, /close with code 1006/);
    assert.match(socket.response, /^HTTP\/1\.1 403 Forbidden/);
    assert.ok(socket.request.includes(`origin: ${new URL(server.url).origin}`), socket.request);
    assert.doesNotMatch(socket.response, /access-control/);
  });

  // A subprotocol offered must be answered: socket.protocol when it is, 1006
  // when the 101 leaves it out.
  test("lesson2_chromium_fails_a_socket_whose_101_leaves_out_the_offered_subprotocol", async () => {
    const { page } = await open();
    const answered = await runCase(page, "subprotocol-answered");
    assert.equal(answered.outcome, "opened");
    assert.match(answered.seen, /socket\.protocol is "inspector\.v1"/);
    assert.match(answered.response, /sec-websocket-protocol: inspector\.v1/);

    const ignored = await runCase(page, "subprotocol-ignored");
    assert.equal(ignored.outcome, "refused");
    assert.match(ignored.seen, /close with code 1006/);
    // The server switched protocols: only the browser said no.
    assert.match(ignored.response, /^HTTP\/1\.1 101 Switching Protocols/);
    assert.doesNotMatch(ignored.response, /sec-websocket-protocol/);
    assert.match(ignored.request, /sec-websocket-protocol: inspector\.v1/);
  });

  test("a case's result, with the server's report, passes axe on a phone", async () => {
    // axe is injected as a script, which the site's CSP would refuse.
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/lessons/headers-and-handshakes`);
    await waitForHydration(page);
    await runCase(page, "credentials-any");
    const found = [];
    for (const colorScheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await runAxe(page, { context: `a refused case (phone, ${colorScheme})` })));
    }
    assert.deepEqual(found, []);
    await context.close();
  });

  test("an untrusted lane certificate is said plainly, not taken for a CORS failure", async () => {
    const { page } = await open(untrusting);
    const result = await runCase(page, "cors-any");
    assert.equal(result.outcome, "unreachable");
    assert.match(result.seen, /accept its certificate/);
  });
});
