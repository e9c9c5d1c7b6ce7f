// What each kind of page costs to download, and a failure when it costs too much.
//
//   cd end2end && npm run size                 # or: node size-budget.mjs --out sizes.md
//
// Starts the release server (target/release/realtime-lab over target/site, as the
// browser tests do), reads `/`, every lesson the home page lists and one demo page,
// finds the CSS, JS and WebAssembly each page loads from its HTML (`<link>`,
// `<script src>`, and the paths an inline script imports), fetches each file
// uncompressed (`Accept-Encoding: identity`), compresses it here with gzip -9 and
// brotli 11, and prints a Markdown table per kind of page. It also checks that the
// server's own precompressed wasm is served for `Accept-Encoding: br`.
//
// Budgets (brotli 11 sizes; 1 KiB = 1024 bytes):
//   text-only page (home, every lesson without a demo or a check)  0 bytes of JS files and of wasm;
//                      inline script ≤ 1792 bytes, raw (the theme, the page's protocol, the theme
//                      control, the learner's progress). It was 1024 until the theme control,
//                      whose two scripts are 720 B raw.
//   SIZE_BUDGET_DEMO_KIB  default 138  JS + wasm of each lesson with exactly one demo (or
//                                      none), its knowledge checks included. It was 120 until
//                                      lesson 8's misbehaving proxy: the lab's lesson then came
//                                      to 120.0 KiB with a few bytes either side from one build
//                                      to the next (the same source compresses ±50 B apart), so
//                                      the gate would have failed at random. The proxy adds no
//                                      island; what grew is code every island page shares.
//                                      121 became 128 with presenter mode's island (issue 13): the
//                                      lab's lesson went from 120.8 to 127.5 KiB. The island's own
//                                      code is a lazy chunk (11.3 KiB, loaded only while a room
//                                      runs), but wasm-split leaves every island's loader, string
//                                      data and browser imports in the module all island pages load.
//                                      128 became 132 with lesson 3's streamed answer (issue 14):
//                                      the lab's lesson went from 127.6 to 131.2 KiB, +0.6 in the
//                                      main module, +0.7 in wasm-split's table (__wasm_split.js, 13 KB
//                                      raw more), the rest in the lab's own code cut into more chunks
//                                      where it shares helpers with the new island. Its notes are
//                                      already in the page (demo_frame.rs), which saved 0.5 KiB.
//                                      132 became 136 with lesson 4's resumable echo (issue 14):
//                                      the lab's lesson went from 131.2 to 135.1 KiB, though it
//                                      does not show that demo. The island's own code is a lazy
//                                      chunk (14.2 KiB, loaded only where it is shown); what every
//                                      island page pays is its loader and split-table entry, its
//                                      view's static text and serde's messages for its wire types
//                                      (wasm-split keeps all static data in the main module), and
//                                      the lab's helpers cut into more, smaller shared chunks.
//                                      136 became 137 with the copy button on code blocks (issue
//                                      36): its inline script is 362 B brotli on every lesson with
//                                      code, and took the lab's lesson from 135.9 to 136.3 KiB.
//                                      137 became 138 with issue 36's second half: the theme's two
//                                      inline scripts on every page (+0.2 KiB), and presenter
//                                      mode's timer, done/stuck and questions, whose code is the
//                                      room island's lazy chunk but whose serde messages and
//                                      browser imports sit in the module every island page loads.
//                                      The lab's lesson went from 136.4 to 137.0-137.1 KiB (after
//                                      the loader's trailing comments and the lab's proxy note left
//                                      the inline script, -0.1), with about 0.1 KiB between two
//                                      builds of the same source: at 137 the gate would fail at random.
//   SIZE_BUDGET_CSS_KIB   default 12   the CSS a page loads
//   SIZE_BUDGET_HTML_KIB  default 15   the HTML of the longest lesson
//   SIZE_BUDGET_EDITOR_KIB  default 150  the exercises' editor and runner (CodeMirror), all its files
//   SIZE_BUDGET_WIRE_KIB    default 8    the wire view under the demos, all its files
//   SIZE_BUDGET_WEBTRANSPORT_KIB  default 6  lesson 9's WebTransport demos' script
// The variables are there to lower a budget and watch the check fail, e.g.
//   SIZE_BUDGET_CSS_KIB=1 npm run size
// A budget exceeded prints the budget, the figure and the limit, and the exit status is 1.
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import { islandDemos, lessonsFromContent } from "./support/content.mjs";
import { startServer } from "./support/server.mjs";

const KIB = 1024;
const DEMO_PAGE = "/demos/counter";

// The theme (app.rs), the protocol line and the theme control (site_header.rs) and
// the learner's progress (progress.rs).
const INLINE_SCRIPT_BUDGET = 1792;

const budgets = {
  demo: budgetKib("SIZE_BUDGET_DEMO_KIB", 138),
  css: budgetKib("SIZE_BUDGET_CSS_KIB", 12),
  html: budgetKib("SIZE_BUDGET_HTML_KIB", 15),
  editor: budgetKib("SIZE_BUDGET_EDITOR_KIB", 150),
  wire: budgetKib("SIZE_BUDGET_WIRE_KIB", 8),
  webtransport: budgetKib("SIZE_BUDGET_WEBTRANSPORT_KIB", 6),
};

const { values: flags } = parseArgs({ options: { out: { type: "string" } } });

function budgetKib(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const kib = Number(text);
  if (!Number.isFinite(kib) || kib < 0) {
    console.error(`${name}=${text} is not a size: give a number of KiB, such as ${name}=${fallback}`);
    process.exit(2);
  }
  if (kib > fallback) console.error(`note: ${name}=${kib} raises the project's budget of ${fallback} KiB`);
  return kib;
}

// ---- HTTP ------------------------------------------------------------------

/** GET with the given Accept-Encoding; the body exactly as sent (never decoded). */
function get(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer from ${url} within 20 s`)));
    req.on("error", reject);
    req.end();
  });
}

/** The uncompressed body; a server that compresses anyway cannot be measured. */
async function getRaw(url) {
  const response = await get(url, "identity");
  if (response.status !== 200) throw new Error(`GET ${url}: status ${response.status}`);
  const encoding = response.headers["content-encoding"];
  if (encoding && encoding !== "identity") {
    throw new Error(`GET ${url} with Accept-Encoding: identity came back with Content-Encoding: ${encoding}`);
  }
  return response.body;
}

// ---- What a page loads ---------------------------------------------------------

const ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g;

function attributes(tag) {
  const found = {};
  for (const m of tag.matchAll(ATTRIBUTE)) found[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4];
  return found;
}

/**
 * The files the page's HTML makes the browser fetch: stylesheets, module
 * preloads and scripts, preloaded wasm, and the `/pkg/…` paths inside inline
 * scripts (an island's loader imports the JS and names the wasm). Inline
 * scripts that are code, not JSON data, are counted as JS bytes of their own.
 */
function assetsOf(html, base) {
  const urls = new Set();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const { rel = "", href } = attributes(tag);
    if (href && /\b(stylesheet|modulepreload|preload)\b/i.test(rel)) urls.add(new URL(href, base).href);
  }
  let inline = "";
  for (const [, open, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const { src, type = "" } = attributes(open);
    if (/json/i.test(type)) continue;
    if (src) urls.add(new URL(src, base).href);
    else inline += body;
    for (const [, path] of body.matchAll(/["'`](\/pkg\/[^"'`\s]+\.(?:js|wasm|css))["'`]/g)) {
      urls.add(new URL(path, base).href);
    }
  }
  const byKind = { css: [], js: [], wasm: [] };
  for (const href of urls) {
    const kind = new URL(href).pathname.match(/\.(css|js|mjs|wasm)$/)?.[1]?.replace("mjs", "js");
    if (kind) byKind[kind].push(href);
  }
  return { ...byKind, inlineScript: Buffer.from(inline.trim()) };
}

// ---- Sizes ---------------------------------------------------------------------

function sizes(body, { text = true } = {}) {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    br: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }).length,
  };
}

const ZERO = { raw: 0, gzip: 0, br: 0 };
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, br: a.br + b.br });
const sum = (list) => list.reduce(add, ZERO);

/** Sizes of each file, fetched and compressed once however many pages load it. */
function fileSizer() {
  const cache = new Map();
  return (url) => {
    if (!cache.has(url)) {
      cache.set(url, getRaw(url).then((body) => ({ url, ...sizes(body, { text: !url.endsWith(".wasm") }) })));
    }
    return cache.get(url);
  };
}

/**
 * The lazily loaded parts of the bundle (`cargo leptos build --split`): each
 * island's own wasm and the chunks it shares, from the split manifest, and
 * the split loader's JS. Their hashed names are in cargo-leptos's hash.txt.
 */
async function splitBundle(origin) {
  let hashes;
  try {
    hashes = readFileSync(new URL("../target/release/hash.txt", import.meta.url), "utf8");
  } catch {
    return null;
  }
  const hash = (kind) => hashes.match(new RegExp(`^${kind}: *(\\S+)`, "m"))?.[1];
  if (!hash("manifest")) return null;
  const manifest = JSON.parse(
    (await getRaw(`${origin}/pkg/__wasm_split_manifest.${hash("manifest")}.json`)).toString("utf8"),
  );
  return { manifest, loaderJs: `${origin}/pkg/__wasm_split.${hash("split")}.js` };
}

/**
 * Islands declared `#[island]`, not `#[island(lazy)]`: their code is in the
 * main wasm, which every page with an island loads, so they have no chunks.
 */
const EAGER_ISLANDS = ["KnowledgeChecks"];

/** The chunks an island needs: its component name `SseClock_123` is the loader `sse_clock_loader_456`. */
function islandChunks(split, origin, component) {
  const name = component.replace(/_\d+$/, "");
  if (EAGER_ISLANDS.includes(name)) return [];
  const snake = name.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();
  const key = Object.keys(split.manifest).find((k) => k.startsWith(`${snake}_loader_`));
  if (!key) {
    throw new Error(
      `the split manifest has no loader for the island ${component}: if it is not lazy, add ${name} to EAGER_ISLANDS`,
    );
  }
  return split.manifest[key].map((chunk) => `${origin}/pkg/${chunk}.wasm`);
}

/** One page: its HTML and every file it loads, measured. */
async function measurePage(origin, path, sizeOf, expectedDemos, split) {
  const html = await getRaw(`${origin}${path}`);
  const text = html.toString("utf8");
  const assets = assetsOf(text, `${origin}${path}`);
  const islands = [...text.matchAll(/<leptos-island\b[^>]*\bdata-component=["']?(\w+)/gi)].map((m) => m[1]);
  if (split && islands.length > 0) {
    assets.js = [...new Set([...assets.js, split.loaderJs])];
    const chunks = islands.flatMap((island) => islandChunks(split, origin, island));
    assets.wasm = [...new Set([...assets.wasm, ...chunks])];
  }
  const files = async (urls) => Promise.all(urls.map(sizeOf));
  const page = {
    path,
    text,
    html: sizes(html),
    css: await files(assets.css),
    js: await files(assets.js),
    wasm: await files(assets.wasm),
    inlineScript: assets.inlineScript.length > 0 ? sizes(assets.inlineScript) : ZERO,
    demos: [...text.matchAll(/<section\b[^>]*\bdata-demo=["']?([\w-]+)/gi)].map((m) => m[1]),
    checks: [...text.matchAll(/<section\b[^>]*\bdata-check=/gi)].length,
    expectedDemos,
  };
  page.code = add(add(sum(page.js), sum(page.wasm)), page.inlineScript);
  return page;
}

// ---- Markdown ------------------------------------------------------------------

const bytes = (n) => `${n.toLocaleString("en")} B (${(n / KIB).toFixed(1)} KiB)`;
const kib = (n) => `${(n / KIB).toFixed(1)} KiB`;
const row = (label, s) => `| ${label} | ${bytes(s.raw)} | ${bytes(s.gzip)} | ${bytes(s.br)} |`;
const HEAD = ["| file | raw | gzip -9 | brotli 11 |", "|---|---:|---:|---:|"];
const fileName = (url) => `\`${new URL(url).pathname}\``;

function pageTable(title, page) {
  const lines = [`### ${title}`, "", ...HEAD, row(`HTML \`${page.path}\``, page.html)];
  for (const [kind, label] of [["css", "CSS"], ["js", "JS"], ["wasm", "wasm"]]) {
    if (page[kind].length === 0) lines.push(row(`${label}: none`, ZERO));
    for (const file of page[kind]) lines.push(row(`${label} ${fileName(file.url)}`, file));
  }
  if (page.inlineScript.raw > 0) lines.push(row("inline script", page.inlineScript));
  const total = sum([page.html, ...page.css, ...page.js, ...page.wasm, page.inlineScript]);
  lines.push(row("**total**", total), "");
  return lines;
}

/**
 * One failure per budget: the pages over the limit, grouped by figure (pages
 * that share one file share its size), e.g.
 * `budget "CSS of a page, brotli, <= 12 KiB": 13.1 KiB on /, /lessons/choosing`.
 */
function overBudget(failures, budget, pages, figure, limit, describe) {
  const groups = new Map();
  for (const page of pages.filter((p) => figure(p) > limit)) {
    const text = describe(page);
    groups.set(text, [...(groups.get(text) ?? []), page.path]);
  }
  if (groups.size === 0) return;
  const found = [...groups].map(([text, paths]) => `${text} on ${paths.join(", ")}`).join("; ");
  failures.push(`budget "${budget}": ${found}`);
}

// ---- The run -------------------------------------------------------------------

async function main() {
  const server = await startServer({ args: ["--no-lab"] });
  try {
    const failures = [];
    const site = await measureSite(server.url, failures);
    const markdown = [
      "# Size budget",
      "",
      "Sizes of what the release server sends; gzip -9 and brotli 11 computed here from the uncompressed files.",
      "",
      ...textOnlySection(site, failures),
      ...oneDemoSection(site, failures),
      ...pageTable(`Demo page: ${site.demoPage.path}`, site.demoPage),
      ...cssSection(site, failures),
      ...htmlSection(site, failures),
      ...(await editorSection(server.url, site, failures)),
      ...(await wireSection(server.url, site, failures)),
      ...(await webtransportSection(site.lessons, failures)),
      ...(await servedVariants(site.all, failures)),
    ].join("\n");
    return { markdown, failures };
  } finally {
    await server.stop();
  }
}

/** `/`, every lesson the home page lists, and the demo page, each with the demos its Markdown declares. */
async function measureSite(origin, failures) {
  const sizeOf = fileSizer();
  const split = await splitBundle(origin);
  const content = new Map(lessonsFromContent().map((l) => [`/lessons/${l.slug}`, l.demos]));
  const home = await measurePage(origin, "/", sizeOf, [], split);
  const coursePath = home.text.match(/<ol\b[^>]*class=["'][^"']*\bcourse-path\b[\s\S]*?<\/ol>/i)?.[0] ?? "";
  const lessonPaths = [...new Set([...coursePath.matchAll(/href=["'](\/lessons\/[^"'#?]+)/g)].map((m) => m[1]))];
  if (lessonPaths.length === 0) throw new Error("the home page lists no lesson (no ol.course-path with /lessons/ links)");

  const lessons = [];
  for (const path of lessonPaths) {
    if (!content.has(path)) failures.push(`the home page links ${path}, which content/ does not declare`);
    lessons.push(await measurePage(origin, path, sizeOf, content.get(path) ?? [], split));
  }
  const demoPage = await measurePage(origin, DEMO_PAGE, sizeOf, [DEMO_PAGE.split("/").pop()], split);
  for (const page of [...lessons, demoPage]) {
    if (page.demos.join() !== page.expectedDemos.join()) {
      failures.push(`${page.path} renders demos [${page.demos}] but its Markdown has [${page.expectedDemos}]`);
    }
  }
  // A lesson with knowledge checks has their island even without a demo.
  const textOnly = [home, ...lessons.filter((p) => islandDemos(p.expectedDemos).length === 0 && p.checks === 0)];
  const withDemos = lessons.filter((p) => !textOnly.includes(p));
  return { lessons, textOnly, withDemos, demoPage, all: [...textOnly, ...withDemos, demoPage] };
}

const heaviest = (pages, key) => pages.reduce((a, b) => (key(b) > key(a) ? b : a));
const paths = (pages) => pages.map((p) => p.path).join(", ");

/**
 * Home and the lessons without a demo: no script file and no wasm; only the
 * few inline bytes that state the protocol the page arrived over.
 */
function textOnlySection({ textOnly }, failures) {
  overBudget(failures, "text-only page: JS files + wasm = 0 B", textOnly, (p) => sum(p.js).raw + sum(p.wasm).raw, 0, (p) =>
    `${bytes(sum(p.js).raw + sum(p.wasm).raw)} raw (JS ${sum(p.js).raw} B, wasm ${sum(p.wasm).raw} B)`,
  );
  overBudget(failures, `text-only page: inline script ≤ ${INLINE_SCRIPT_BUDGET} B`, textOnly, (p) => p.inlineScript.raw, INLINE_SCRIPT_BUDGET, (p) =>
    `${p.inlineScript.raw} B of inline script`,
  );
  const worst = heaviest(textOnly, (p) => p.code.raw * 1e9 + p.html.br);
  return [
    ...pageTable(`Text-only page: ${worst.path}`, worst),
    `The heaviest of ${textOnly.length}: ${paths(textOnly)}.`,
    "",
  ];
}

/**
 * A lesson with exactly one demo, or with none but knowledge checks: its JS
 * and wasm together (the checks' island included).
 */
function oneDemoSection({ withDemos }, failures) {
  const oneDemo = withDemos.filter((p) => islandDemos(p.expectedDemos).length <= 1);
  if (oneDemo.length === 0) {
    return ["### Lesson with one demo", "", "No lesson in content/ has exactly one demo: budget not checked.", ""];
  }
  for (const page of oneDemo) {
    if (page.wasm.length === 0) failures.push(`${page.path} has an island but its HTML names no .wasm file to measure`);
  }
  const budget = `lesson with one demo: JS + wasm, brotli, <= ${budgets.demo} KiB (SIZE_BUDGET_DEMO_KIB)`;
  overBudget(failures, budget, oneDemo, (p) => p.code.br, budgets.demo * KIB, (p) => bytes(p.code.br));
  const worst = heaviest(oneDemo, (p) => p.code.br);
  const perLesson = oneDemo.map((p) => {
    const over = p.code.br > budgets.demo * KIB;
    return `| ${p.path} | ${p.expectedDemos.join(", ") || "none"} | ${p.checks} | ${bytes(p.code.br)} | ${over ? `**over** the ${budgets.demo} KiB budget` : "within"} |`;
  });
  return [
    ...pageTable(`Lesson with one demo: ${worst.path}`, worst),
    `JS + wasm, brotli: ${kib(worst.code.br)} (budget ${budgets.demo} KiB); the heaviest of ${paths(oneDemo)}.`,
    "",
    "| lesson | demo | checks | JS + wasm, brotli | budget |",
    "|---|---|---:|---:|---|",
    ...perLesson,
    "",
  ];
}

/** Every stylesheet, and the CSS each page loads. */
function cssSection({ all }, failures) {
  for (const page of all) {
    if (page.css.length === 0) failures.push(`${page.path} loads no stylesheet: is the <link rel="stylesheet"> missing?`);
  }
  const budget = `CSS of a page, brotli, <= ${budgets.css} KiB (SIZE_BUDGET_CSS_KIB)`;
  overBudget(failures, budget, all, (p) => sum(p.css).br, budgets.css * KIB, (p) => bytes(sum(p.css).br));
  const files = [...new Map(all.flatMap((p) => p.css).map((f) => [f.url, f])).values()];
  const worst = heaviest(all, (p) => sum(p.css).br);
  return [
    "### CSS",
    "",
    ...HEAD,
    ...files.map((f) => row(fileName(f.url), f)),
    "",
    `The most CSS a page loads: ${kib(sum(worst.css).br)} brotli, on ${worst.path} (budget ${budgets.css} KiB).`,
    "",
  ];
}

/**
 * A script bundled from editor/ that a page names in a `<script src>`, and
 * every file it imports, at once or later: the exercises' editor and runner
 * (CodeMirror 6), when an exercise comes near the screen; the wire view,
 * when a learner opens one.
 */
async function bundleSection(origin, pages, failures, { what, marker, entryPath, budget, budgetName, when }) {
  const page = pages.find((p) => marker.test(p.text));
  if (!page) {
    failures.push(`no page has ${what}, so its budget cannot be checked`);
    return [];
  }
  const entry = assetsOf(page.text, `${origin}${page.path}`).js.find((url) => new URL(url).pathname === entryPath);
  if (!entry) {
    failures.push(`${page.path} has ${what} but does not load ${entryPath}`);
    return [];
  }
  const seen = new Map();
  const visit = async (url) => {
    if (seen.has(url)) return;
    const body = await getRaw(url);
    seen.set(url, sizes(body));
    const imports = [...body.toString("utf8").matchAll(/(?:import\(|from\s*)["'](\.\/[^"']+\.js)["']/g)];
    for (const [, path] of imports) await visit(new URL(path, url).href);
  };
  await visit(entry);
  const total = sum([...seen.values()]);
  overBudget(failures, `${what}, brotli, <= ${budget} KiB (${budgetName})`, [{ path: page.path, total }], (p) => p.total.br, budget * KIB, (p) => bytes(p.total.br));
  return [
    `### ${what[0].toUpperCase()}${what.slice(1)}`,
    "",
    `Loaded on ${page.path} and others: the entry at once, the rest ${when}.`,
    "",
    ...HEAD,
    ...[...seen].map(([url, s]) => row(fileName(url), s)),
    row("**total**", total),
    "",
    `Budget ${budget} KiB brotli.`,
    "",
  ];
}

function editorSection(origin, { lessons }, failures) {
  return bundleSection(origin, lessons, failures, {
    what: "the exercises' editor",
    marker: /<section\b[^>]*\bdata-exercise=/,
    entryPath: "/exercise/exercise.js",
    budget: budgets.editor,
    budgetName: "SIZE_BUDGET_EDITOR_KIB",
    when: "when an exercise comes near the screen",
  });
}

function wireSection(origin, { lessons }, failures) {
  return bundleSection(origin, lessons, failures, {
    what: "the wire view",
    marker: /<details\b[^>]*\bclass="wire-view"/,
    entryPath: "/wire/wire.js",
    budget: budgets.wire,
    budgetName: "SIZE_BUDGET_WIRE_KIB",
    when: "when a learner opens a wire view",
  });
}

/**
 * Lesson 9's script. The rest of this run serves with `--no-lab`, where the
 * WebTransport demos only say the lane is off and load nothing: this one
 * asks a server with its lanes for the pages that place them.
 */
async function webtransportSection(lessons, failures) {
  const server = await startServer();
  try {
    const pages = [];
    for (const { path } of lessons) pages.push({ path, text: (await getRaw(`${server.url}${path}`)).toString("utf8") });
    return await bundleSection(server.url, pages, failures, {
      what: "the WebTransport demos' script",
      marker: /<div\b[^>]*\bdata-wt=/,
      entryPath: "/webtransport/webtransport.js",
      budget: budgets.webtransport,
      budgetName: "SIZE_BUDGET_WEBTRANSPORT_KIB",
      when: "with the page (it connects when a demo comes near the screen)",
    });
  } finally {
    await server.stop();
  }
}

/** The HTML of the longest lesson (by raw size). */
function htmlSection({ lessons }, failures) {
  const longest = heaviest(lessons, (p) => p.html.raw);
  const budget = `HTML of the longest lesson, brotli, <= ${budgets.html} KiB (SIZE_BUDGET_HTML_KIB)`;
  overBudget(failures, budget, [longest], (p) => p.html.br, budgets.html * KIB, (p) => bytes(p.html.br));
  return [
    "### Longest lesson HTML",
    "",
    ...HEAD,
    row(`\`${longest.path}\``, longest.html),
    "",
    `Budget ${budgets.html} KiB brotli.`,
    "",
  ];
}

/** Asks the server for each file with `Accept-Encoding: br`; the wasm must come back brotli-encoded. */
async function servedVariants(pages, failures) {
  const files = [...new Map(pages.flatMap((p) => [...p.css, ...p.js, ...p.wasm]).map((f) => [f.url, f])).values()];
  const lines = [
    "### Served with `Accept-Encoding: br`",
    "",
    "| file | Content-Encoding | bytes sent | brotli 11 here |",
    "|---|---|---:|---:|",
  ];
  if (!files.some((f) => f.url.endsWith(".wasm"))) failures.push("no page loads a .wasm file: nothing to check for br");
  for (const file of files) {
    const response = await get(file.url, "br");
    const encoding = response.headers["content-encoding"] ?? "none";
    lines.push(`| ${fileName(file.url)} | ${encoding} | ${bytes(response.body.length)} | ${bytes(file.br)} |`);
    if (file.url.endsWith(".wasm") && (response.status !== 200 || encoding !== "br")) {
      failures.push(
        `the server's br variant of ${fileName(file.url)}: asked with Accept-Encoding: br, got status ` +
          `${response.status} with Content-Encoding: ${encoding} (is the site built with precompression, -P?)`,
      );
    }
  }
  return [...lines, ""];
}

const { markdown, failures } = await main().catch((error) => {
  console.error(`size budget: ${error.message}`);
  process.exit(2);
});
console.log(markdown);
if (flags.out) writeFileSync(flags.out, `${markdown}\n`);
if (failures.length > 0) {
  console.error(`\n${failures.length} size check${failures.length === 1 ? "" : "s"} failed:`);
  for (const failure of failures) console.error(`- ${failure}`);
  process.exit(1);
}
console.log("All size budgets met.");
