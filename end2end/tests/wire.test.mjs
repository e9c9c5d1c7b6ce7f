// The wire view in Chromium: the learner opens it under a demo, the demo's
// connection is opened again with a tap, and the learner reads their own
// bytes as the server decoded them: on the echo, their browser's masking
// key and the text it unmasks to; on the clock, one chunk per event; on
// the lab's HTTP/2 lane, SETTINGS and a WebSocket inside HTTP/2.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser, runAxe } from "../support/browser.mjs";

/** Opens the wire view of the demo on `path` and waits for its first record. */
async function openWire(page, url, path, wire) {
  await page.goto(`${url}${path}`);
  const view = page.locator(`details.wire-view[data-wire='${wire}']`);
  await view.locator("summary").focus();
  await page.keyboard.press("Enter"); // by keyboard
  await view
    .locator(".wire-record")
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(async (error) => {
      throw new Error(`no record in the wire view on ${path}: "${await view.locator(".wire-status").textContent()}" (${error.message})`);
    });
  return view;
}

/** The field `name`'s values in the records whose line matches `title`. */
async function fieldsOf(view, title, name) {
  return view.locator(".wire-record").evaluateAll(
    (items, [title, name]) =>
      items
        .filter((li) => new RegExp(title).test(li.querySelector("summary").textContent))
        .map((li) => {
          const dts = [...li.querySelectorAll("dt")];
          const dt = dts.find((d) => d.textContent.trim().toLowerCase() === name.toLowerCase());
          return dt?.nextElementSibling.textContent;
        }),
    [title, name],
  );
}

describe("the wire view", () => {
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

  test("the clock's terminal twin: its commands name this server, and a tapped curl shows up decoded under it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/demos/sse-clock`);
    const twin = page.locator("details.terminal-twin");
    await twin.locator("summary").click();
    const first = (await twin.locator("pre code").first().textContent()).trim();
    assert.equal(first, `curl -N ${server.url}/api/clock`);
    assert.equal(await twin.getByRole("button", { name: "Copy this code" }).count(), 2, "each command has its copy button");

    await twin.getByRole("button", { name: "Show my terminal's bytes" }).click();
    const tapped = twin.locator("[data-twin-tapped] pre code");
    await page.waitForFunction(() => /\?tap=/.test(document.querySelector("[data-twin-tapped] pre code").textContent), null, { timeout: 5_000 });
    const command = (await tapped.textContent()).trim();
    assert.match(command, new RegExp(`^curl -N ${server.url}/api/clock\\?tap=[\\w-]+$`));
    await twin.locator(".wire-status").filter({ hasText: "Waiting for your terminal" }).waitFor({ timeout: 5_000 });
    const output = await new Promise((resolve) =>
      execFile("sh", ["-c", `${command} --max-time 3 --silent`], (_, stdout) => resolve(stdout)),
    );
    assert.match(output, /event: tick/);
    const records = twin.locator(".wire-record summary");
    await records.nth(2).waitFor({ timeout: 5_000 });
    const lines = await records.allTextContents();
    assert.match(lines[0], /Your terminal → GET \/api\/clock\?tap=\S+ HTTP\/1\.1/);
    assert.match(lines[1], /Server → HTTP\/1\.1 200 OK/);
    assert.ok(lines.slice(2).some((line) => /Server → chunk of \d+ bytes/.test(line)), lines.join("\n"));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("on the echo: the learner sends a message and reads its masking key and unmasked text", async () => {
    const context = await browser.newContext({ bypassCSP: true }); // for axe's script
    const page = await context.newPage();
    const errors = collectErrors(page);
    const view = await openWire(page, server.url, "/demos/ws-echo", "echo");
    await view.locator(".wire-actions input").fill("hello wire");
    await view.getByRole("button", { name: "Send" }).click();
    await page.waitForFunction(() => /Server → WebSocket text frame/.test(document.querySelector(".wire-view .wire-records").textContent), null, { timeout: 10_000 });
    const keys = await fieldsOf(view, "Your browser → WebSocket text frame, masked", "masking key");
    const texts = await fieldsOf(view, "Your browser → WebSocket text frame, masked", "payload unmasked");
    assert.equal(texts.at(-1), "hello wire");
    assert.match(keys.at(-1), /^[0-9a-f]{2}( [0-9a-f]{2}){3}$/, "four bytes of masking key");
    const sent = await fieldsOf(view, "Your browser → WebSocket text frame, masked", "payload as sent (masked)");
    assert.notEqual(sent.at(-1), "68 65 6c 6c 6f 20 77 69 72 65", "the bytes on the wire are masked");
    assert.match(await view.locator(".wire-cost").textContent(), /10 bytes of the application's, 12 on the wire/);
    await view.getByRole("button", { name: "Close with 4000" }).click();
    await page.waitForFunction(() => /connection ended/.test(document.querySelector(".wire-view .wire-status").textContent), null, { timeout: 10_000 });
    const close = await fieldsOf(view, "Your browser → WebSocket close frame", "close code and reason");
    assert.equal(close[0], '4000 "done with the wire view"');
    assert.match(await view.locator(".wire-download").getAttribute("href"), /^\/api\/wire\/taps\/[^/]+\/capture\.pcapng$/);
    assert.deepEqual(await runAxe(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("on the clock: each event is one chunk, its size line in hex", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const view = await openWire(page, server.url, "/demos/sse-clock", "clock");
    await page.waitForFunction(() => document.querySelectorAll(".wire-view .wire-record summary").length >= 4, null, { timeout: 15_000 });
    const lines = await fieldsOf(view, "Server → chunk of", "size line");
    const data = await fieldsOf(view, "Server → chunk of", "data");
    assert.ok(lines.length >= 1);
    const [hex, decimal] = lines[0].match(/^([0-9a-f]+) \(hex for (\d+)\)$/).slice(1);
    assert.equal(parseInt(hex, 16), Number(decimal));
    assert.equal(new TextEncoder().encode(data[0]).length, Number(decimal), "the chunk is the event, whole");
    await view.getByRole("button", { name: "Stop" }).click();
    await context.close();
  });

  test("through the proxy that buffers: each chunk carries several events", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const view = await openWire(page, server.url, "/demos/misbehaving-proxy", "proxy");
    await page.waitForFunction(() => /Server → chunk of/.test(document.querySelector(".wire-view[data-wire='proxy'] .wire-records").textContent), null, { timeout: 20_000 });
    const text = await view.locator(".wire-records").textContent();
    assert.match(text, /Your browser → GET \/api\/proxy\/buffers\/clock\?tap=\S+ HTTP\/1\.1/);
    const data = await fieldsOf(view, "Server → chunk of", "data");
    const ticks = data[0].match(/event: tick/g)?.length ?? 0;
    assert.ok(ticks >= 2, `one chunk holds several events, not one: ${ticks} in ${JSON.stringify(data[0])}`);
    assert.match(await view.locator(".wire-cost").textContent(), /^Last chunk: \d+ events, \d+ bytes of the application's, \d+ on the wire \(\d+ of framing, once for all \d+\)\./);
    await view.getByRole("button", { name: "Stop" }).click();
    await context.close();
  });

  test("on the answer stream: the POST, its body, and each token as a chunk", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const view = await openWire(page, server.url, "/demos/answer-stream", "answer");
    await page.waitForFunction(() => /chunk of 0 bytes \(the last chunk\)/.test(document.querySelector(".wire-view[data-wire='answer'] .wire-records").textContent), null, { timeout: 20_000 });
    const text = await view.locator(".wire-records").textContent();
    assert.match(text, /Your browser → POST \/api\/answer\?tap=\S+ HTTP\/1\.1/);
    const authorization = await fieldsOf(view, "Your browser → POST", "authorization");
    assert.deepEqual(authorization, ["…"], "the bearer token is not shown");
    const body = await fieldsOf(view, "Your browser → body", "data");
    assert.deepEqual(body, ['{"question":"Why stream an answer?"}']);
    const data = await fieldsOf(view, "Server → chunk of", "data");
    assert.ok(data.some((d) => d.startsWith("event: token")), "each token in a chunk");
    assert.ok(data.some((d) => d.startsWith("event: done")));
    await context.close();
  });

  test("on the lab's HTTP/2 lane: SETTINGS, and a WebSocket inside HTTP/2 frames", async () => {
    const context = await browser.newContext({ bypassCSP: true }); // for axe's script
    const page = await context.newPage();
    const view = await openWire(page, server.url, "/demos/connection-lab", "lab-h2");
    await page.waitForFunction(() => /carrying 1 WebSocket frame/.test(document.querySelector(".wire-view .wire-records").textContent), null, { timeout: 20_000 });
    const text = await view.locator(".wire-records").textContent();
    assert.match(text, /Your browser → HTTP\/2 connection preface/);
    const connect = await fieldsOf(view, "Server → SETTINGS", "SETTINGS_ENABLE_CONNECT_PROTOCOL");
    assert.ok(connect.includes("1"), "the server offers RFC 8441's extended CONNECT");
    const protocol = await fieldsOf(view, "Your browser → HEADERS", ":protocol");
    assert.ok(protocol.includes("websocket"), "the socket opened with :protocol = websocket");
    await view.getByRole("button", { name: "Three requests at once" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".wire-view[data-wire='lab-h2'] .wire-record summary").length > 0 &&
      [...document.querySelectorAll(".wire-view[data-wire='lab-h2'] .wire-record summary")].filter((s) => /Your browser → HEADERS/.test(s.textContent)).length >= 5, null, { timeout: 15_000 });
    const hpack = await fieldsOf(view, "Your browser → HEADERS", "HPACK");
    const sizes = hpack.filter(Boolean).map((text) => Number(text.match(/^(\d+) bytes?/)[1]));
    assert.ok(sizes.at(-1) < sizes[0] / 2, `a repeated request's header block is far smaller than the first's: ${sizes.join(", ")}`);
    assert.deepEqual(await runAxe(page), []);
    await context.close();
  });

  test("on the lab's HTTP/1.1 lane: the heads and each event as a chunk, inside TLS", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const view = await openWire(page, server.url, "/demos/connection-lab", "lab-h1");
    await page.waitForFunction(() => /Server → chunk of/.test(document.querySelector(".wire-view[data-wire='lab-h1'] .wire-records").textContent), null, { timeout: 15_000 });
    const text = await view.locator(".wire-records").textContent();
    assert.match(text, /Your browser → GET \/api\/lab\/stream\?label=wire&tap=\S+ HTTP\/1\.1/);
    const data = await fieldsOf(view, "Server → chunk of", "data");
    assert.ok(data.some((d) => d.startsWith("event: hello")), `the lab stream's hello in a chunk: ${data}`);
    await context.close();
  });
});
