// Where a page's main-thread time goes at load on a slow phone: Chromium's
// own trace of each page, loaded with the CPU slowed 4x (as Lighthouse's
// mobile run does) and a cold cache, and for every task over 50 ms, what ran
// inside it. Prints, per page, the long tasks and the blocking time they
// add up to (each task's time over 50 ms, as Lighthouse's Total Blocking
// Time counts it, though Lighthouse simulates the slowdown where this
// measures it).
//
//   cd end2end && node long-tasks.mjs /demos/sse-clock /demos/misbehaving-proxy
//   RUNS=3 SLOWDOWN=4 node long-tasks.mjs /demos/answer-stream
//
// Starts the release server (target/release/realtime-lab) on a free port of
// 127.0.0.1, as the browser tests do, and stops it at the end.
import { startServer } from "./support/server.mjs";
import { launchBrowser, PHONE } from "./support/browser.mjs";

const RUNS = Number(process.env.RUNS ?? 1);
const SLOWDOWN = Number(process.env.SLOWDOWN ?? 4);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 6000);
const pages = process.argv.slice(2);
if (!pages.length) {
  console.error("Name the pages to trace, as /demos/sse-clock");
  process.exit(2);
}

/**
 * Trace events under a task's span on its thread, by name, their total
 * duration in ms: inclusive (an event inside another counts in both), and
 * of complete ("X") events only, which is how Chromium writes these.
 */
function inside(events, task) {
  const end = task.ts + task.dur;
  const totals = new Map();
  for (const e of events) {
    if (e.ph !== "X" || e.pid !== task.pid || e.tid !== task.tid || e === task || e.ts < task.ts || e.ts + (e.dur ?? 0) > end) continue;
    const name = e.name === "FunctionCall" || e.name === "EvaluateScript"
      ? `${e.name} ${(e.args?.data?.url ?? "").split("/").pop()}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ""}`
      : e.name;
    totals.set(name, (totals.get(name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 6);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const path of pages) {
    for (let run = 1; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: SLOWDOWN });
      await browser.startTracing(page, { categories: ["devtools.timeline", "v8.execute", "v8.wasm", "disabled-by-default-devtools.timeline"] });
      await page.goto(`${server.url}${path}`, { waitUntil: "load" });
      await page.waitForTimeout(SETTLE_MS);
      const trace = JSON.parse((await browser.stopTracing()).toString());
      const events = trace.traceEvents;
      // The page's main thread: the one that parsed this page's HTML.
      const main = events.find((e) => e.name === "ParseHTML" && (e.args?.beginData?.url ?? "").startsWith(`${server.url}${path}`));
      if (!main) throw new Error(`no ParseHTML of ${path} in the trace: which thread is the page's?`);
      const tasks = events
        .filter((e) => e.ph === "X" && e.name === "RunTask" && e.pid === main.pid && e.tid === main.tid && e.dur > 50_000)
        .sort((a, b) => a.ts - b.ts);
      const start = events.reduce((first, e) => (e.pid === main.pid && e.ts > 0 && e.ts < first ? e.ts : first), Infinity);
      const blocking = tasks.reduce((sum, t) => sum + (t.dur / 1000 - 50), 0);
      console.log(`\n${path} (run ${run}, ${SLOWDOWN}x): ${tasks.length} long tasks, ${Math.round(blocking)} ms over 50 ms`);
      for (const task of tasks) {
        const parts = inside(events, task).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join("; ");
        console.log(`  at ${((task.ts - start) / 1000).toFixed(0)} ms: ${(task.dur / 1000).toFixed(0)} ms; inside (inclusive, ms): ${parts}`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
