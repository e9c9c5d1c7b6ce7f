#!/usr/bin/env bash
# Lighthouse in its default mobile mode (Moto G Power emulation, simulated
# slow 4G, 4x CPU slowdown) on the release server: performance, accessibility
# and best-practices scores, the paint and interactivity metrics, and the bytes
# sent, for every page kind: the home page, the guide, a search, every lesson
# and every demo page (as linked from the home page, the guide and the
# lessons). Each page is loaded RUNS times and every figure is the median of
# those runs.
#
#   benches/lighthouse.sh          # 3 runs per page
#   RUNS=5 benches/lighthouse.sh   # 1 to 15 runs per page
#
# Build first (cargo leptos build --release); run from anywhere, it works from
# the repository root. Overrides, for measuring a copy of a build:
#   REALTIME_LAB_BIN  the server binary (default target/release/realtime-lab;
#                     its hash.txt must sit beside it)
#   SITE_ROOT         the built site (default target/site)
#   CONTENT_DIR       the lessons (default content)
#   PAGES             space-separated paths (default: every page kind, above)
#   REPORT_DIR        where the JSON reports go (default target/lighthouse)
#   CHROME_PATH       the browser (default Debian's /usr/bin/chromium)
#   LIGHTHOUSE_FLAGS  extra Lighthouse flags, split on spaces
#
# Lighthouse comes from npm into ~/.cache/realtime-lab/tools (installed there if
# missing, never into the repository). The server listens on a free port of
# 127.0.0.1 only and is stopped on exit, whatever happens. Prints a Markdown
# table of medians, then every accessibility or best-practices audit that
# failed in any run, with the offending elements, and Lighthouse's warnings.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$REALTIME_LAB_ROOT"

RUNS="${RUNS:-3}"
[[ "$RUNS" =~ ^[0-9]+$ ]] && ((RUNS >= 1 && RUNS <= 15)) ||
    die "RUNS=$RUNS: give a whole number of runs from 1 to 15"
BINARY="${REALTIME_LAB_BIN:-target/release/realtime-lab}"
SITE_ROOT="${SITE_ROOT:-target/site}"
CONTENT_DIR="${CONTENT_DIR:-content}"
REPORT_DIR="${REPORT_DIR:-target/lighthouse}"
LIGHTHOUSE_VERSION="${LIGHTHOUSE_VERSION:-12}"
read -r -a PAGES <<<"${PAGES:-}"
read -r -a EXTRA_FLAGS <<<"${LIGHTHOUSE_FLAGS:-}"
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"

[ -x "$BINARY" ] || die "$BINARY does not exist: build it first with cargo leptos build --release"
[ -f "$(dirname "$BINARY")/hash.txt" ] ||
    die "no hash.txt beside $BINARY: the server needs it to name the hashed bundle files"
[ -d "$SITE_ROOT/pkg" ] || die "$SITE_ROOT/pkg does not exist: build the site first"
[ -d "$CONTENT_DIR" ] || die "$CONTENT_DIR does not exist"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The browser: Debian's Chromium, never a downloaded one.
if [ -z "${CHROME_PATH:-}" ]; then
    for candidate in /usr/bin/chromium chromium chromium-browser; do
        if command -v "$candidate" >/dev/null 2>&1; then
            CHROME_PATH="$(command -v "$candidate")"
            break
        fi
    done
fi
if [ -z "${CHROME_PATH:-}" ]; then
    command -v apt-get >/dev/null 2>&1 || die "Chromium is missing: install it, or set CHROME_PATH"
    say "Chromium is missing: installing Debian's package chromium (apt-get update, apt-get install chromium)"
    as_root apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium >/dev/null
    CHROME_PATH=/usr/bin/chromium
fi
[ -x "$CHROME_PATH" ] || die "CHROME_PATH=$CHROME_PATH is not an executable"
export CHROME_PATH

# Lighthouse, from npm, in the shared tools folder.
command -v node >/dev/null 2>&1 || die "node is missing: install Debian's nodejs and npm"
LIGHTHOUSE="$REALTIME_LAB_TOOLS/node_modules/.bin/lighthouse"
if [ ! -x "$LIGHTHOUSE" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is missing: install Debian's npm"
    say "Lighthouse is missing: installing lighthouse@$LIGHTHOUSE_VERSION from npm into $REALTIME_LAB_TOOLS"
    mkdir -p "$REALTIME_LAB_TOOLS"
    npm install --prefix "$REALTIME_LAB_TOOLS" --no-audit --no-fund "lighthouse@$LIGHTHOUSE_VERSION" >&2
    [ -x "$LIGHTHOUSE" ] || die "npm did not install $LIGHTHOUSE"
fi

source "$REALTIME_LAB_ROOT/benches/server.sh"

# 1. The server.
say "starting $BINARY (site $SITE_ROOT, lessons $CONTENT_DIR)"
start_server -- --site-root "$SITE_ROOT" --content-dir "$CONTENT_DIR"
# Every page kind, found as a learner finds them: the lessons the home page
# lists, the demo pages the lessons link to, and every demo the guide's
# table names (some are on no lesson).
links() { curl -fsS "$BASE$1" | grep -o "href=\"/$2/[a-z0-9-]*\"" | sed 's/^href="//; s/"$//' || true; }
guide_demos() {
    curl -fsS "$BASE/guide" | grep -o '<td><code>[a-z0-9-]*</code>' | sed 's|<td><code>|/demos/|; s|</code>||' |
        while read -r page; do
            [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$page")" = 200 ] && echo "$page"
        done
}
if [ "${#PAGES[@]}" -eq 0 ]; then
    lessons=($(links / lessons | awk '!seen[$0]++'))
    demos=($({ for page in "${lessons[@]}"; do links "$page" demos; done; guide_demos; } | awk '!seen[$0]++'))
    ((${#lessons[@]} > 0)) || die "the home page at $BASE links to no lesson"
    PAGES=(/ /guide "/search?q=reconnect" "${lessons[@]}" "${demos[@]}")
fi
for path in "${PAGES[@]}"; do
    status="$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path" || true)"
    [ "$status" = 200 ] || die "$BASE$path answered $status, not 200"
done

# 2. Lighthouse, RUNS times per page, pages interleaved run by run so that a
# burst of load elsewhere on the machine does not land on one page only.
mkdir -p "$REPORT_DIR"
slug() { local s="${1#/}"; s="${s//\//_}"; echo "${s:-home}"; }
for path in "${PAGES[@]}"; do rm -f "$REPORT_DIR/$(slug "$path")".*.json; done
START=$SECONDS
for run in $(seq "$RUNS"); do
    for path in "${PAGES[@]}"; do
        out="$REPORT_DIR/$(slug "$path").$run.json"
        say "lighthouse $path, run $run of $RUNS"
        t0=$SECONDS
        "$LIGHTHOUSE" "$BASE$path" --quiet \
            --only-categories=performance,accessibility,best-practices \
            --output=json --output-path="$out" --chrome-flags="$CHROME_FLAGS" \
            "${EXTRA_FLAGS[@]}" >"$WORK/lighthouse.log" 2>&1 ||
            die "lighthouse failed on $path: $(tail -n 20 "$WORK/lighthouse.log")"
        echo "$path $((SECONDS - t0))" >>"$WORK/times.txt"
    done
done
ELAPSED=$((SECONDS - START))

# 3. The figures: medians per page, then failures and warnings.
cat >"$WORK/summarize.js" <<'EOF'
const fs = require("fs");
const [reportDir, runs, timesFile, ...pages] = process.argv.slice(2);
const slug = p => p.replace(/^\//, "").replace(/\//g, "_") || "home";
const median = xs => {
  const s = xs.filter(x => typeof x === "number").sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = ms => (ms / 1000).toFixed(2) + " s";
const kib = b => (b / 1024).toFixed(1) + " KiB";
const score = s => (s == null ? "n/a" : String(Math.round(s * 100)));
const isCode = r =>
  r.resourceType === "Script" || /wasm/.test(r.mimeType || "") || /\.wasm(\?|$)/.test(r.url);
const times = {};
for (const line of fs.readFileSync(timesFile, "utf8").trim().split("\n")) {
  const [p, t] = line.split(" ");
  (times[p] = times[p] || []).push(Number(t));
}

const rows = [], failures = [], warnings = [], informative = new Map();
let version = "", benchmark = [];
for (const page of pages) {
  const figures = [];
  const failed = new Map();
  for (let run = 1; run <= Number(runs); run++) {
    const r = JSON.parse(fs.readFileSync(`${reportDir}/${slug(page)}.${run}.json`, "utf8"));
    version = r.lighthouseVersion;
    benchmark.push(r.environment && r.environment.benchmarkIndex);
    if (r.runtimeError) warnings.push(`\`${page}\` run ${run}: ${r.runtimeError.code} ${r.runtimeError.message}`);
    for (const w of r.runWarnings || []) warnings.push(`\`${page}\` run ${run}: ${w}`);
    // A request that never ends at High priority (other than an EventSource or
    // a WebSocket, which Lighthouse leaves out) keeps it from ever seeing the
    // network "critical-idle", so it waits for its 45 s limit.
    if ((r.runWarnings || []).length) {
      const open = (r.audits["network-requests"].details.items || [])
        .filter(x => !x.finished && /High/.test(x.priority || "") &&
          x.resourceType !== "EventSource" && x.resourceType !== "WebSocket")
        .map(x => `${x.resourceType || "?"} ${x.url.replace(/^https?:\/\/[^/]*/, "")} (${x.priority})`);
      if (open.length) warnings.push(`\`${page}\`: never finished, at high priority (Lighthouse waits for these): ${[...new Set(open)].join(", ")}`);
    }
    for (const cat of ["accessibility", "best-practices"]) {
      for (const ref of r.categories[cat].auditRefs) {
        const au = r.audits[ref.id];
        if (!au || au.scoreDisplayMode !== "informative" || !(au.details && au.details.items || []).length) continue;
        const it = au.details.items[0];
        const what = it.node ? `\`${it.node.selector}\`` : (it.description || "").slice(0, 160);
        const key = `${cat} \`${ref.id}\``;
        const entry = informative.get(key) || { pages: new Set(), what };
        entry.pages.add(`\`${page}\``);
        informative.set(key, entry);
      }
    }
    const a = id => (r.audits[id] ? r.audits[id].numericValue : undefined);
    const code = (r.audits["network-requests"].details.items || []).filter(isCode);
    figures.push({
      perf: r.categories.performance.score,
      a11y: r.categories.accessibility.score,
      bp: r.categories["best-practices"].score,
      fcp: a("first-contentful-paint"),
      lcp: a("largest-contentful-paint"),
      tbt: a("total-blocking-time"),
      tti: a("interactive"),
      si: a("speed-index"),
      bytes: a("total-byte-weight"),
      codeCount: code.length,
      codeBytes: code.reduce((n, x) => n + (x.transferSize || 0), 0),
    });
    for (const cat of ["accessibility", "best-practices"]) {
      for (const ref of r.categories[cat].auditRefs) {
        const au = r.audits[ref.id];
        if (!au || au.score === null || au.score >= 1) continue;
        if (["notApplicable", "informative", "manual"].includes(au.scoreDisplayMode)) continue;
        const key = `${cat} \`${ref.id}\``;
        const entry = failed.get(key) || { title: au.title, runs: 0, items: new Set() };
        entry.runs++;
        for (const it of (au.details && au.details.items) || []) {
          if (it.node) entry.items.add(`\`${it.node.selector}\` ${(it.node.snippet || "").slice(0, 160)}`);
          else if (it.description) entry.items.add(`${it.source || ""} ${it.description}`.trim().slice(0, 240) +
            (it.sourceLocation && it.sourceLocation.url ? ` (${it.sourceLocation.url})` : ""));
          else if (it.url) entry.items.add(it.url);
          else entry.items.add(JSON.stringify(it).slice(0, 240));
        }
        failed.set(key, entry);
      }
    }
  }
  const m = k => median(figures.map(f => f[k]));
  rows.push(`| \`${page}\` | ${score(m("perf"))} | ${score(m("a11y"))} | ${score(m("bp"))} | ` +
    `${secs(m("fcp"))} | ${secs(m("lcp"))} | ${Math.round(m("tbt"))} ms | ${secs(m("tti"))} | ` +
    `${secs(m("si"))} | ${kib(m("bytes"))} | ${m("codeCount")} | ${kib(m("codeBytes"))} | ` +
    `${times[page] ? median(times[page]) + " s" : "n/a"} |`);
  for (const [key, e] of failed) {
    failures.push(`- \`${page}\`, ${key} (${e.title}): failed in ${e.runs} of ${runs} runs`);
    for (const item of e.items) failures.push(`  - ${item}`);
  }
}
console.log(`Lighthouse ${version}, mobile (default emulation and simulated throttling), median of ${runs} runs per page; ` +
  `Chromium benchmark index median ${Math.round(median(benchmark))}.`);
console.log("Scores out of 100. TTI is the `interactive` audit. Script/wasm: JS and WebAssembly requests, bytes as transferred.\n");
console.log("| page | performance | accessibility | best practices | FCP | LCP | TBT | TTI | Speed Index | transferred | script/wasm requests | script/wasm bytes | time per run |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(row);
console.log("\n#### Accessibility and best-practices failures\n");
console.log(failures.length ? failures.join("\n") : "None: every audit passed in every run.");
if (informative.size) {
  console.log("\n#### Informative findings (not scored)\n");
  for (const [key, e] of informative) console.log(`- ${key} on ${[...e.pages].join(", ")}: ${e.what}`);
}
if (warnings.length) {
  console.log("\n#### Lighthouse warnings\n");
  console.log([...new Set(warnings)].map(w => `- ${w}`).join("\n"));
}
EOF

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo
echo "### Lighthouse ($COMMIT, $(date -u +%Y-%m-%d), $(basename "$BINARY") from $(dirname "$BINARY"))"
echo
node "$WORK/summarize.js" "$REPORT_DIR" "$RUNS" "$WORK/times.txt" "${PAGES[@]}"
echo
echo "$((RUNS * ${#PAGES[@]})) Lighthouse runs took ${ELAPSED} s; the reports are in $REPORT_DIR."
