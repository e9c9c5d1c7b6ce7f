// The course behind a real proxy: Debian's nginx, with the site file a host
// installs (deploy/nginx/realtime-lab.conf), in front of the release server.
// Event streams must pass unbuffered, WebSocket upgrades must pass with the
// Origin check still satisfied, and browsers must get HTTP/2.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { performance } from "node:perf_hooks";

import { startServer } from "../support/server.mjs";
import { collectErrors, launchBrowser } from "../support/browser.mjs";
import { findNginx, SITE_FILE, startNginx } from "../support/nginx.mjs";

const NGINX = findNginx();
// scripts/test.sh sets it, so a machine without nginx fails there instead of skipping.
const REQUIRED = Boolean(process.env.REALTIME_LAB_REQUIRE_NGINX);
const SKIP =
  NGINX || REQUIRED
    ? false
    : "nginx is not installed (looked on PATH and in /usr/sbin; NGINX_PATH names another). " +
      "`scripts/setup.sh test` installs Debian's; " +
      "scripts/test.sh sets REALTIME_LAB_REQUIRE_NGINX=1 to make this a failure";
if (SKIP) console.log(`proxy tests skipped: ${SKIP}`);

const ms = (value) => `${value.toFixed(1)} ms`;

/** One SSE event block (`event:`, `id:`, `data:` lines); `null` for a comment-only block such as a heartbeat. */
function parseEvent(block) {
  const event = { name: "message", id: null, data: "" };
  let fields = 0;
  for (const line of block.split("\n")) {
    const [, field, value] = line.match(/^([a-z]+): ?(.*)$/) ?? [];
    if (field === "event") event.name = value;
    if (field === "id") event.id = Number(value);
    if (field === "data") event.data = value;
    if (field) fields++;
  }
  return fields > 0 ? event : null;
}

/**
 * Reads `/api/clock` as a plain HTTPS client until `ticks` live ticks have
 * come. Each event carries `at`: ms from the request leaving on an open TLS
 * connection to the arrival of the chunk that completed it (events held back
 * and released together arrive with the same `at`); `wall`, the clock time
 * then; and `live`: a tick stamped after the request. The stream opens with
 * `hello` and the latest tick, stamped earlier; live ticks follow each second.
 */
function readClock(url, ca, ticks) {
  return new Promise((resolve, reject) => {
    let sentAt = null;
    let sentWall = null;
    let buffer = "";
    const events = [];
    const req = request(`${url}/api/clock`, { ca, agent: false, headers: { accept: "text/event-stream" } });
    req.setTimeout(15_000, () => {
      const got = events.length === 0 ? "no event at all (is nginx buffering the stream?)" : `${events.length} events`;
      req.destroy(new Error(`fewer than ${ticks} live clock ticks within 15 s: ${got}`));
    });
    req.on("socket", (socket) =>
      socket.once("secureConnect", () => {
        sentAt = performance.now();
        sentWall = Date.now();
      }),
    );
    req.on("error", reject);
    req.on("response", (response) => {
      const head = { status: response.statusCode, headers: response.headers, at: performance.now() - sentAt };
      response.on("error", () => {}); // ours: the stream is cut below once it has said enough
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        const at = performance.now() - sentAt;
        const wall = Date.now();
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          const live = event?.name === "tick" && Date.parse(event.data) >= sentWall;
          if (event) events.push({ ...event, at, wall, live });
        }
        if (events.filter((e) => e.live).length >= ticks) {
          resolve({ head, events });
          req.destroy();
        }
      });
    });
    req.end();
  });
}

describe(`behind nginx with ${SITE_FILE}`, { skip: SKIP }, () => {
  let server;
  let proxy;
  let browser;

  before(async () => {
    if (!NGINX) {
      throw new Error(
        "nginx is not installed, and REALTIME_LAB_REQUIRE_NGINX is set: install it with `scripts/setup.sh test` " +
          "(Debian's nginx package), or name the binary with NGINX_PATH",
      );
    }
    server = await startServer();
    proxy = await startNginx({ nginx: NGINX, upstream: new URL(server.url).host });
    browser = await launchBrowser({ trustTestCertificate: true });
  });
  after(async () => {
    await browser?.close();
    // nginx first: it holds the server's stream connections, which would keep the server from exiting.
    await proxy?.stop();
    await server?.stop();
  });

  test("the clock's first event passes at once, then a tick each second, not in bursts", async () => {
    const { head, events } = await readClock(proxy.url, proxy.ca, 5);
    assert.equal(head.status, 200);
    assert.match(head.headers["content-type"], /^text\/event-stream/);
    const first = events[0];
    const ticks = events.filter((e) => e.live);
    const gaps = ticks.slice(1).map((tick, i) => tick.at - ticks[i].at);
    const lags = ticks.map((tick) => tick.wall - Date.parse(tick.data));
    console.log(
      `clock through nginx: response head after ${ms(head.at)}, ` +
        `first event (${first.name}) after ${ms(first.at)}; ` +
        `live ticks ${gaps.map(ms).join(", ")} apart, each arriving ${lags.join(", ")} ms after its timestamp`,
    );
    assert.ok(first.at < 500, `the first event arrives within 500 ms of the request, not after ${ms(first.at)}`);
    for (const gap of gaps) {
      const why = `ticks arrive about 1 s apart, not held and released together: ${gaps.map(ms)}`;
      assert.ok(gap > 500 && gap < 1500, why);
    }
    for (const lag of lags) assert.ok(lag < 500, `each tick passes nginx as it is sent, not ${lag} ms later`);
    for (let i = 1; i < ticks.length; i++) {
      assert.equal(ticks[i].id, ticks[i - 1].id + 1, "tick ids go on without a gap");
    }
  });

  test("the lab page says when it came through a proxy", async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/demos/connection-lab`);
    const note = page.locator("#lab-proxy-note");
    await note.waitFor({ state: "visible" });
    assert.match(await note.textContent(), /must reach directly/);
    await page.goto(`${server.url}/demos/connection-lab`);
    assert.equal(await page.locator("#lab-proxy-note").isVisible(), false, "straight from the server: no note");
    await page.close();
  });

  test("pages arrive over HTTP/2", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const response = await page.goto(`${proxy.url}/`);
    assert.equal(response.status(), 200);
    const protocol = await page.evaluate(() => performance.getEntriesByType("navigation")[0].nextHopProtocol);
    console.log(`the home page through nginx came over ${protocol}`);
    assert.equal(protocol, "h2");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a WebSocket from a page on the proxy's origin echoes", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${proxy.url}/`);
    const echo = await page.evaluate(async (rounds) => {
      const withTimeout = (promise, what) => {
        const late = new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} within 5 s`)), 5000));
        return Promise.race([promise, late]);
      };
      const started = performance.now();
      const socket = new WebSocket(`wss://${location.host}/api/echo`);
      await withTimeout(
        new Promise((resolve, reject) => {
          socket.onopen = resolve;
          // A 403 from the Origin check shows as 1006 here: was Host forwarded with its port?
          socket.onclose = (event) => reject(new Error(`the socket closed with ${event.code} before it opened`));
        }),
        "no open",
      );
      const openMs = performance.now() - started;
      const rtts = [];
      const replies = [];
      for (let i = 0; i < rounds; i++) {
        const sent = performance.now();
        const reply = new Promise((resolve) => (socket.onmessage = (event) => resolve(event.data)));
        socket.send(`ping ${i} through nginx`);
        replies.push(await withTimeout(reply, `no echo of ping ${i}`));
        rtts.push(performance.now() - sent);
      }
      socket.onclose = null;
      socket.close(1000);
      return { openMs, rtts, replies };
    }, 5);
    console.log(`echo through nginx: open after ${ms(echo.openMs)}; round trips ${echo.rtts.map(ms).join(", ")}`);
    assert.deepEqual(echo.replies, [0, 1, 2, 3, 4].map((i) => `ping ${i} through nginx`));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the server sees the browser's host and scheme, and the client's address", async () => {
    const page = await browser.newPage();
    await page.goto(`${proxy.url}/`);
    const { elapsed, report } = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const started = performance.now();
          const source = new EventSource("/api/inspect/sse");
          const timer = setTimeout(() => reject(new Error("no handshake event within 5 s")), 5000);
          source.addEventListener("handshake", (event) => {
            clearTimeout(timer);
            source.close();
            resolve({ elapsed: performance.now() - started, report: JSON.parse(event.data) });
          });
        }),
    );
    const headers = Object.fromEntries(report.request.headers);
    console.log(
      `inspector stream through nginx (HTTP/2 from the browser): first event after ${ms(elapsed)}; ` +
        `the server received \`${report.request.start_line}\``,
    );
    assert.equal(headers.host, new URL(proxy.url).host, "Host keeps its port, for the WebSocket Origin check");
    assert.equal(headers["x-forwarded-proto"], "https");
    assert.equal(headers["x-forwarded-for"], "127.0.0.1");
    assert.match(report.request.start_line, /^GET \/api\/inspect\/sse HTTP\/1\.1$/, "nginx speaks HTTP/1.1 upstream");
    await page.close();
  });
});
