#!/usr/bin/env bash
# Page throughput of the release server: requests per second, latency and
# bytes per request for the home page and every lesson, measured with wrk.
#
#   benches/pages.sh               # 5 s per page
#   DURATION=10 benches/pages.sh   # 1 to 60 s per page
#
# Build first (cargo leptos build --release). The server listens on a free
# port of 127.0.0.1 only (--no-lab: no HTTPS lanes), pinned to CPU 0; wrk runs
# pinned to CPU 1 with one thread and 64 connections, so the load generator
# does not take the server's core. Each page is loaded first as a browser asks
# (Accept-Encoding: gzip, deflate, br, zstd), then one lesson without
# Accept-Encoding, for the cost of sending it uncompressed. Prints a Markdown
# table; the server is stopped on exit, whatever happens.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$REALTIME_LAB_ROOT"

DURATION="${DURATION:-5}"
[[ "$DURATION" =~ ^[0-9]+$ ]] && ((DURATION >= 1 && DURATION <= 60)) ||
    die "DURATION=$DURATION: give whole seconds from 1 to 60"
BINARY="${REALTIME_LAB_BIN:-target/release/realtime-lab}"
[ -x "$BINARY" ] || die "$BINARY does not exist: build it first with cargo leptos build --release"
BROWSER_ENCODINGS="gzip, deflate, br, zstd"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v wrk >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "wrk is missing: install it with your package manager"
    say "wrk is missing: installing Debian's package wrk (apt-get update, apt-get install wrk)"
    as_root apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q wrk >/dev/null
fi

# Server on CPU 0, wrk on CPU 1; one core cannot be split, so say so.
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU=(taskset -c 0)
    WRK_CPU=(taskset -c 1)
    PINNING="server on CPU 0, wrk on CPU 1"
else
    say "fewer than 2 CPUs or no taskset: server and wrk share the CPUs, so the figures say less"
    SERVER_CPU=()
    WRK_CPU=()
    PINNING="not pinned"
fi

source "$REALTIME_LAB_ROOT/benches/server.sh"

# 1. The server.
say "starting $BINARY ($PINNING)"
start_server "${SERVER_CPU[@]}" -- --no-lab

# 2. The pages: home, then each lesson's slug (front matter `slug`, else the
# file name without its number), in file order.
PAGES=(/)
for file in content/*.md; do
    slug="$(sed -n '2,/^+++$/ s/^slug *= *"\([^"]*\)".*/\1/p' "$file" | head -n1)"
    [ -n "$slug" ] || slug="$(basename "$file" .md | sed 's/^[0-9]*-//')"
    PAGES+=("/lessons/$slug")
done
[ "${#PAGES[@]}" -gt 1 ] || die "no lessons in content/"

# wrk's --latency distribution gives p50 and p99 and its summary the requests
# per second; bytes and errors come from its done() hook, unrounded ("1.23GB
# read" is not precise enough to divide).
cat >"$WORK/totals.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("TOTALS %d %d %d\n", summary.requests, summary.bytes,
    e.connect + e.read + e.write + e.status + e.timeout))
end
EOF

# One wrk run: prints a Markdown row. $1 label, $2 path, $3 Accept-Encoding or "".
bench() {
    local label="$1" path="$2" encoding="$3" out="$WORK/wrk.txt"
    local headers=()
    [ -n "$encoding" ] && headers=(-H "Accept-Encoding: $encoding")
    say "wrk $label (${DURATION}s)"
    "${WRK_CPU[@]}" wrk -t1 -c64 -d"${DURATION}s" --timeout 5s --latency "${headers[@]}" \
        -s "$WORK/totals.lua" "$BASE$path" >"$out" 2>&1 || die "wrk failed on $path: $(cat "$out")"
    local rps p50 p99 requests bytes errors
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
    p50="$(awk '$1 == "50%" { print $2 }' "$out")"
    p99="$(awk '$1 == "99%" { print $2 }' "$out")"
    read -r requests bytes errors < <(awk '$1 == "TOTALS" { print $2, $3, $4 }' "$out")
    [ -n "$rps" ] && [ -n "$p99" ] && [ -n "${requests:-}" ] ||
        die "could not read wrk's output for $path: $(cat "$out")"
    ((requests > 0)) || die "wrk completed no request on $path: $(cat "$out")"
    printf '| %s | %.0f | %s | %s | %d | %d |\n' \
        "$label" "$rps" "$p50" "$p99" $((bytes / requests)) "$errors" >>"$WORK/rows.md"
}

for path in "${PAGES[@]}"; do
    bench "\`$path\`" "$path" "$BROWSER_ENCODINGS"
done
bench "\`${PAGES[1]}\`, no Accept-Encoding" "${PAGES[1]}" ""

# 3. The table.
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
cat <<EOF

### Page throughput ($COMMIT, $(date -u +%Y-%m-%d))

wrk -t1 -c64 -d${DURATION}s, Accept-Encoding: $BROWSER_ENCODINGS unless said; $PINNING; $(nproc) CPUs.
Bytes per request include the response headers. Errors: connect, read, write, timeout, and non-2xx/3xx statuses.

| page | requests/s | p50 | p99 | bytes/request | errors |
|---|---:|---:|---:|---:|---:|
EOF
cat "$WORK/rows.md"
