#!/usr/bin/env bash
# How soon the release server answers its first page after it starts: the
# time from starting the process to its "running" line on standard output,
# and to the first `200` for `/` (the home page) and for a lesson with the
# most code (its code may still be uncoloured then: the server colours the
# lessons on a thread after it starts). Each figure is RUNS starts.
#
#   benches/first_page.sh             # 5 starts
#   RUNS=10 benches/first_page.sh
#   REALTIME_LAB_BIN=path/to/realtime-lab benches/first_page.sh
#
# Build first (scripts/serve.sh or cargo leptos build --release). The server
# listens on a free port of 127.0.0.1 with --no-lab, and is stopped after
# each start.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$REALTIME_LAB_ROOT"

RUNS="${RUNS:-5}"
BINARY="${REALTIME_LAB_BIN:-target/release/realtime-lab}"
[ -x "$BINARY" ] || die "no $BINARY: build it first (scripts/serve.sh, or cargo leptos build --release)"
command -v curl >/dev/null || die "curl is needed"

now_ms() { date +%s%3N; }

first_200() { # first_200 URL: waits for a 200, prints nothing
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ]; do sleep 0.005; done
}

printf '| start | running line | first page `/` | `/lessons/event-stream` |\n|---:|---:|---:|---:|\n'
for run in $(seq 1 "$RUNS"); do
    out="$(mktemp)"
    start=$(now_ms)
    "$BINARY" --addr 127.0.0.1:0 --no-lab >"$out" 2>/dev/null &
    pid=$!
    until grep -q 'open http://' "$out"; do sleep 0.002; done
    line=$(now_ms)
    base="$(grep -o 'http://[0-9.:]*' "$out" | head -n1)"
    first_200 "$base/"
    home=$(now_ms)
    first_200 "$base/lessons/event-stream"
    lesson=$(now_ms)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$out"
    printf '| %d | %d ms | %d ms | %d ms |\n' "$run" $((line - start)) $((home - start)) $((lesson - start))
done
