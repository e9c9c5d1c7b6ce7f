// What the lessons claim a browser does, checked in Chromium against the
// real server. A test named `lessonN_…` is marked in lesson N next to the
// claim it checks (tests/it/claims_marked.rs keeps the two in step). The
// server misbehaves on request: `/api/clock?fault=…`, `/api/echo?fault=…`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startServer } from "../support/server.mjs";
import { launchBrowser, waitForHydration } from "../support/browser.mjs";

/**
 * Opens an EventSource on `path` in the page for `ms` milliseconds and
 * returns what the page saw: every event (type, data, lastEventId, time),
 * every error with the readyState after it, and the final readyState.
 */
function watchEventSource(page, path, ms) {
  return page.evaluate(
    ({ path, ms }) =>
      new Promise((resolve) => {
        const start = performance.now();
        const seen = [];
        const source = new EventSource(path);
        const record = (event) =>
          seen.push({ type: event.type, data: event.data, id: event.lastEventId, at: performance.now() - start });
        for (const type of ["hello", "tick", "gap", "message"]) source.addEventListener(type, record);
        source.onopen = () => seen.push({ type: "open", at: performance.now() - start });
        source.onerror = () => seen.push({ type: "error", readyState: source.readyState, at: performance.now() - start });
        setTimeout(() => {
          const readyState = source.readyState;
          source.close();
          resolve({ seen, readyState });
        }, ms);
      }),
    { path, ms },
  );
}

/**
 * Requests the page made to a URL containing `fragment`. (What a request
 * carried is read from the server's side: each clock stream's `hello` says
 * which `Last-Event-ID` arrived.)
 */
function recordRequests(page, fragment) {
  const requests = [];
  page.on("request", (request) => {
    if (request.url().includes(fragment)) requests.push({ at: Date.now() });
  });
  return requests;
}

/** The bytes of `path` as the page's `fetch` reads them for `ms` milliseconds. */
function readRaw(page, path, ms) {
  return page.evaluate(
    async ({ path, ms }) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), ms);
      const response = await fetch(path, { signal: controller.signal });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
        }
      } catch {}
      return text;
    },
    { path, ms },
  );
}

const hellos = ({ seen }) => seen.filter((e) => e.type === "hello").map((e) => JSON.parse(e.data));
const ticks = ({ seen }) => seen.filter((e) => e.type === "tick");

describe("what the lessons claim, in Chromium", () => {
  let server;
  let browser;
  let context;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser({ trustTestCertificate: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function freshPage(origin = server.url) {
    await context?.close();
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    return page;
  }

  async function assertStopsForGood(fault, why) {
    const page = await freshPage();
    const requests = recordRequests(page, `fault=${fault}`);
    // Longer than Chromium's default reconnection delay (3 s) and the clock's (2 s).
    const result = await watchEventSource(page, `/api/clock?fault=${fault}`, 4_500);
    assert.equal(result.readyState, 2, `CLOSED for good after ${why}: ${JSON.stringify(result.seen)}`);
    assert.deepEqual(result.seen.map((e) => e.type), ["error"], "one error, no open, no event");
    assert.equal(requests.length, 1, "no second request: EventSource gave up");
  }

  test("lesson3_eventsource_stops_on_204", () => assertStopsForGood("no-content", "204"));
  test("lesson3_eventsource_stops_on_500", () => assertStopsForGood("server-error", "500"));
  test("lesson3_eventsource_stops_on_wrong_content_type", () => assertStopsForGood("wrong-type", "text/plain"));

  test("lesson3_reconnects_after_clean_end_with_last_event_id", async () => {
    const page = await freshPage();
    const requests = recordRequests(page, "fault=end-body");
    const result = await watchEventSource(page, "/api/clock?fault=end-body", 3_500);
    const [first, second] = hellos(result);
    const firstTick = ticks(result)[0];
    assert.ok(second, `the browser reconnected by itself: ${JSON.stringify(result.seen)}`);
    assert.equal(first.resumed_after, null);
    assert.equal(String(second.resumed_after), firstTick.id, "the server got Last-Event-ID: the last id received");
    assert.ok(requests.length >= 2);
    const error = result.seen.find((e) => e.type === "error");
    assert.equal(error.readyState, 0, "CONNECTING, not CLOSED, after a cleanly ended body");
  });

  test("lesson3_no_last_event_id_before_an_id", async () => {
    const page = await freshPage();
    const requests = recordRequests(page, "fault=end-before-id");
    const result = await watchEventSource(page, "/api/clock?fault=end-before-id", 3_500);
    const resumedAfter = hellos(result).map((h) => h.resumed_after);
    assert.ok(requests.length >= 2 && resumedAfter.length >= 2, `the browser reconnected: ${JSON.stringify(result.seen)}`);
    assert.deepEqual(resumedAfter, resumedAfter.map(() => null), "no id received, no Last-Event-ID sent");
  });

  test("lesson3_cut_off_event_is_discarded", async () => {
    const page = await freshPage();
    const requests = recordRequests(page, "fault=cut-off");
    const result = await watchEventSource(page, "/api/clock?fault=cut-off", 3_500);
    const all = ticks(result);
    assert.ok(all.length >= 1 && requests.length >= 2, JSON.stringify(result.seen));
    assert.ok(!all.some((t) => t.data.includes("cut off")), "the cut-off tick never reached the page");
    const second = hellos(result)[1];
    assert.equal(String(second?.resumed_after), all[0].id, "nor did its id: Last-Event-ID is the last whole tick's");
  });

  test("lesson3_retry_sets_the_reconnect_delay", async () => {
    const page = await freshPage();
    const result = await watchEventSource(page, "/api/clock?fault=slow-retry", 12_500);
    const error = result.seen.find((e) => e.type === "error");
    const reopened = result.seen.find((e) => e.type === "open" && e.at > error.at);
    assert.ok(reopened, `reconnected within 12.5 s: ${JSON.stringify(result.seen)}`);
    const waited = reopened.at - error.at;
    console.log(`  retry: 10000 → the browser waited ${Math.round(waited)} ms before reconnecting`);
    assert.ok(waited >= 9_500 && waited < 12_000, `waited ${waited} ms`);
  });

  test("lesson3_comments_never_reach_the_page", async () => {
    const page = await freshPage();
    const [result, comments] = await Promise.all([
      watchEventSource(page, "/api/clock?fault=chatty", 1_500),
      // The same stream read raw, to count the comments that were sent.
      readRaw(page, "/api/clock?fault=chatty", 1_500).then(
        (text) => text.split("\n").filter((line) => line.startsWith(":")).length,
      ),
    ]);
    assert.ok(comments >= 8, `the server sent comments (${comments})`);
    const types = new Set(result.seen.map((e) => e.type));
    assert.deepEqual([...types].sort(), ["hello", "open", "tick"], JSON.stringify(result.seen));
    assert.ok(!result.seen.some((e) => String(e.data ?? "").includes("chatter")));
  });

  test("lesson8_a_ping_event_without_data_never_reaches_its_listener", async () => {
    const page = await freshPage();
    // Two streams side by side, each with an `event: ping` every second: one
    // with `data: {}`, one with no `data:` line. Both are read raw as well, to
    // show the bare pings were sent.
    const [[withData, bare], raw] = await Promise.all([
      page.evaluate(() => {
        const heard = (path) =>
          new Promise((resolve) => {
            const source = new EventSource(path);
            let count = 0;
            source.addEventListener("ping", () => count++);
            setTimeout(() => {
              source.close();
              resolve(count);
            }, 3_500);
          });
        return Promise.all([heard("/api/clock?ping=1"), heard("/api/clock?bare_ping=1")]);
      }),
      readRaw(page, "/api/clock?bare_ping=1", 3_500),
    ]);
    assert.ok(raw.split("event: ping\n\n").length - 1 >= 2, `bare pings were sent: ${JSON.stringify(raw)}`);
    assert.ok(withData >= 2, `pings with data were heard (${withData})`);
    assert.equal(bare, 0, "a ping with no data: line is never dispatched");
  });

  test("lesson3_eventsource_cannot_send_a_header", async () => {
    const page = await freshPage();
    const sent = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/answer")) sent.push({ method: request.method(), headers: request.headers() });
    });
    const [fromEventSource, fromFetch] = await page.evaluate(async () => {
      // Headers and a method asked of EventSource: its constructor reads only withCredentials.
      const asked = new Promise((resolve) => {
        const source = new EventSource("/api/answer?question=Why%3F", {
          method: "POST",
          headers: { Authorization: "Bearer demo-token" },
        });
        source.onerror = () => resolve({ readyState: source.readyState });
      });
      const response = await fetch("/api/answer", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer demo-token" },
        body: JSON.stringify({ question: "Why?" }),
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const chunks = [];
      const start = performance.now();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks.push({ at: performance.now() - start, tokens: (value.match(/event: token/g) ?? []).length });
      }
      return [await asked, { status: response.status, type: response.headers.get("content-type"), chunks }];
    });
    assert.equal(fromEventSource.readyState, 2, "refused (401) and given up: the header was never sent");
    const gets = sent.filter((r) => r.method === "GET");
    const post = sent.find((r) => r.method === "POST");
    assert.equal(gets.length, 1, "EventSource asked once, with a GET, whatever method it was given");
    const [get] = gets;
    assert.equal(get.headers.authorization, undefined, "EventSource sent no Authorization header");
    assert.equal(post.headers.authorization, "Bearer demo-token");
    assert.equal(fromFetch.status, 200);
    assert.equal(fromFetch.type, "text/event-stream");
    const { chunks } = fromFetch;
    assert.ok(chunks.length > 10, `the answer came in many chunks: ${chunks.length}`);
    assert.ok(chunks.at(-1).at - chunks[0].at > 1_000, "the first tokens arrived long before the last");
  });

  test("lesson4_close_code_1006_when_the_connection_drops", async () => {
    const page = await freshPage();
    const closed = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/api/echo?fault=drop`);
          socket.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
        }),
    );
    assert.deepEqual(closed, { code: 1006, wasClean: false });
  });

  test("lesson4_close_code_1005_without_a_status", async () => {
    const page = await freshPage();
    const closed = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/api/echo`);
          socket.onopen = () => socket.close(); // a close frame with no status code
          socket.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
        }),
    );
    assert.deepEqual(closed, { code: 1005, wasClean: true });
  });

  test("lesson4_send_throws_before_open_and_discards_after_close", async () => {
    const page = await freshPage();
    const result = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/api/echo`);
          let connecting;
          try {
            socket.send("too early");
            connecting = "no exception";
          } catch (error) {
            connecting = error.name;
          }
          socket.onopen = () => socket.close(1000);
          socket.onclose = () => {
            const before = socket.bufferedAmount;
            let closed = "no exception";
            try {
              socket.send("too late");
            } catch (error) {
              closed = error.name;
            }
            resolve({ connecting, closed, grew: socket.bufferedAmount - before });
          };
        }),
    );
    assert.deepEqual(result, { connecting: "InvalidStateError", closed: "no exception", grew: "too late".length });
  });

  /** `count` pages of one browser context, each loaded with `/` of this site. */
  async function tabs(count) {
    await context?.close();
    context = await browser.newContext();
    const pages = [];
    for (let i = 0; i < count; i++) {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      pages.push(page);
    }
    return pages;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  test("lesson6_the_six_connections_are_shared_by_every_tab", async () => {
    const pages = await tabs(7);
    for (const page of pages) {
      await page.evaluate(() => {
        window.hellos = 0;
        window.source = new EventSource("/api/clock");
        window.source.addEventListener("hello", () => window.hellos++);
      });
    }
    await sleep(2_500);
    const hellos = await Promise.all(pages.map((page) => page.evaluate(() => window.hellos)));
    // Which tab waits is Chromium's to choose (a tab's request can be queued
    // behind another tab's late page load): six open and one waiting is the claim.
    assert.deepEqual(
      [...hellos].sort().reverse(),
      [1, 1, 1, 1, 1, 1, 0],
      `six tabs' streams open, the seventh tab's waits: ${hellos}`,
    );
    const waiting = pages[hellos.indexOf(0)];
    assert.equal(await waiting.evaluate(() => window.source.readyState), 0, "CONNECTING");
    await pages[hellos.indexOf(1)].close();
    await waiting.waitForFunction(() => window.hellos === 1, null, { timeout: 5_000 });
  });

  test("lesson6_one_stream_shared_by_seven_tabs_through_a_lock_and_a_broadcast_channel", async () => {
    const pages = await tabs(7);
    for (const page of pages) {
      // The lesson's code, with `show` counting what each tab sees.
      await page.evaluate(() => {
        window.seen = [];
        window.leader = false;
        const show = (data) => window.seen.push(data);
        const channel = new BroadcastChannel("clock");
        channel.onmessage = (event) => show(event.data);
        navigator.locks.request("clock-leader", () => {
          window.leader = true;
          const source = new EventSource("/api/clock");
          source.addEventListener("tick", (event) => {
            show(event.data);
            channel.postMessage(event.data);
          });
          return new Promise(() => {});
        });
      });
    }
    const state = () =>
      Promise.all(pages.map((page) => page.evaluate(() => ({ leader: window.leader, seen: window.seen.length }))));
    await sleep(3_500);
    const first = await state();
    assert.equal(first.filter((tab) => tab.leader).length, 1, `one leader: ${JSON.stringify(first)}`);
    assert.ok(first.every((tab) => tab.seen >= 2), `every tab saw the ticks: ${JSON.stringify(first)}`);
    // The other tab first: a tick may land between the two reads, and the
    // leader, which forwards it, is never behind.
    const other = await pages.find((_, i) => !first[i].leader).evaluate(() => window.seen);
    const ticks = await pages.find((_, i) => first[i].leader).evaluate(() => window.seen);
    const at = ticks.lastIndexOf(other.at(-1));
    assert.ok(at >= 1, `the other tab's last tick is the leader's: ${JSON.stringify({ other, ticks })}`);
    assert.deepEqual(other.slice(-2), ticks.slice(at - 1, at + 1), "the same ticks in every tab");

    const leaderAt = first.findIndex((tab) => tab.leader);
    await pages[leaderAt].close();
    pages.splice(leaderAt, 1);
    const counts = (await state()).map((tab) => tab.seen);
    await sleep(3_500);
    const later = await state();
    assert.equal(later.filter((tab) => tab.leader).length, 1, `a new leader: ${JSON.stringify(later)}`);
    later.forEach((tab, i) => assert.ok(tab.seen >= counts[i] + 2, `tab ${i} goes on: ${JSON.stringify(later)}`));
  });

  test("lesson6_websocket_does_not_take_an_http1_slot", async () => {
    const lane = server.lanes.http1.replace("localhost", "127.0.0.1");
    const page = await freshPage(lane);
    const result = await page.evaluate(async () => {
      const opened = (path) =>
        new Promise((resolve) => {
          const source = new EventSource(path);
          source.addEventListener("hello", () => resolve(source), { once: true });
        });
      // Six event streams take the six HTTP/1.1 connections to this origin.
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => opened(`/api/lab/stream?label=${i}`)));
      let seventhOpened = false;
      opened("/api/lab/stream?label=7").then(() => (seventhOpened = true));
      const start = performance.now();
      const echoed = await new Promise((resolve, reject) => {
        const socket = new WebSocket(`wss://${location.host}/api/echo`);
        socket.onopen = () => socket.send("beside the six");
        socket.onmessage = (event) => resolve({ data: event.data, ms: performance.now() - start });
        socket.onclose = (event) => reject(new Error(`closed with ${event.code}`));
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { ...echoed, seventhOpened };
    });
    console.log(`  a WebSocket beside six open HTTP/1.1 streams echoed after ${Math.round(result.ms)} ms`);
    assert.equal(result.data, "beside the six");
    assert.ok(result.ms < 2_000, `${result.ms} ms`);
    assert.equal(result.seventhOpened, false, "a seventh event stream still waits for a slot");
  });

  test("on the HTTP/2 origin, a WebSocket rides the HTTP/2 connection (RFC 8441)", async () => {
    const lane = server.lanes.http2.replace("localhost", "127.0.0.1");
    const page = await freshPage(lane);
    const report = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const socket = new WebSocket(`wss://${location.host}/api/inspect/ws`);
          socket.onmessage = (event) => resolve(JSON.parse(event.data));
          socket.onclose = (event) => reject(new Error(`closed with ${event.code}`));
        }),
    );
    console.log(`  the inspector saw: ${report.request.start_line}`);
    assert.match(report.request.start_line, /^CONNECT \/api\/inspect\/ws HTTP\/2\.0$/);
    assert.deepEqual(report.request.headers[0], [":protocol", "websocket"]);
    assert.match(report.response.start_line, /^HTTP\/2\.0 200 OK$/);

    // The echo demo on the same origin says so in its log, from the server's side.
    await page.goto(`${lane}/demos/ws-echo`);
    await waitForHydration(page);
    const transport = page.locator("tr[data-direction=event]", { hasText: "extended CONNECT (RFC 8441" });
    await transport.waitFor({ timeout: 10_000 });
  });

  test("each page states the protocol it arrived over", async () => {
    for (const [origin, expected] of [
      [server.url, "HTTP/1.1"],
      [server.lanes.http2.replace("localhost", "127.0.0.1"), "HTTP/2"],
    ]) {
      const page = await freshPage(origin);
      const line = page.locator("#page-protocol");
      await line.waitFor({ state: "visible" });
      assert.equal(await line.textContent(), `This page arrived over ${expected}`);
    }
  });
});
