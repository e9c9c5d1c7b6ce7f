#!/usr/bin/env bash
# Lean under load (issue 11): what a connection costs realtime-lab, beside
# the minimal Node servers lesson 5 quotes, in one run on this machine.
#
#   benches/lean.sh                  # the full run (10k connections; a few minutes)
#   benches/lean.sh --quick          # 1k only, shorter windows (writes target/lean-under-load/)
#   benches/lean.sh --label after    # name the run; shows docs/lean-under-load-before.md beside it
#   benches/lean.sh --label before   # also writes docs/lean-under-load-before.md
#
# Needs the release binary: cargo leptos build --release --precompress --split.
# Installs the Node references' one package (ws, pinned in
# benches/lean/node/package-lock.json) into the cache when missing, builds
# the load generator (cargo bench --bench lean_load), then runs it pinned to
# CPU 1; it starts each server pinned to CPU 0. Writes
# docs/lean-under-load.md and .svg and prints the table. Traffic stays on
# 127.0.0.x; every phase is bounded in count and time, and the servers are
# killed on exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$REALTIME_LAB_ROOT"

for arg in "$@"; do
    case "$arg" in
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    esac
done

BINARY="${REALTIME_LAB_BIN:-target/release/realtime-lab}"
[ -x "$BINARY" ] || die "$BINARY is missing: build it first with cargo leptos build --release --precompress --split"
command -v node >/dev/null 2>&1 || die "node is missing: the Node references need Node.js 18 or newer"
command -v npm >/dev/null 2>&1 || die "npm is missing: it installs the Node references' package (ws)"

# The Node references' package, installed once per lock file into the cache
# (a second clone, or a new work tree on a kept machine, finds it again),
# and linked beside the scripts so that `import "ws"` finds it.
NODE_DIR=benches/lean/node
NODE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/realtime-lab/bench-node"
if ! cmp -s "$NODE_DIR/package-lock.json" "$NODE_CACHE/package-lock.json" ||
    [ ! -f "$NODE_CACHE/node_modules/ws/package.json" ]; then
    say "installing the Node references' package (ws, as $NODE_DIR/package-lock.json pins it) into $NODE_CACHE"
    mkdir -p "$NODE_CACHE"
    cp "$NODE_DIR/package.json" "$NODE_DIR/package-lock.json" "$NODE_CACHE/"
    npm ci --prefix "$NODE_CACHE" --no-audit --no-fund --loglevel=error >&2 ||
        die "npm ci failed in $NODE_CACHE"
fi
if [ -L "$NODE_DIR/node_modules" ] || [ ! -e "$NODE_DIR/node_modules" ]; then
    ln -sfn "$NODE_CACHE/node_modules" "$NODE_DIR/node_modules"
fi

command -v taskset >/dev/null 2>&1 || say "taskset is missing (util-linux): the servers and the load share the CPUs"
LOAD_CPU=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc --all)" -ge 2 ]; then
    LOAD_CPU=(taskset -c 1)
fi

# Open files: 10k connections of a kind, in the load generator and the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= 12000 )) || say "ulimit -n is $(ulimit -n): the 10k phases need about 12000 open files"

say "building the load generator (cargo bench --features ssr --bench lean_load --no-run)"
cargo bench --features ssr --bench lean_load --no-run --quiet

say "running benches/lean_load.rs (${LOAD_CPU[*]:-not pinned}); servers on CPU 0"
exec "${LOAD_CPU[@]}" cargo bench --features ssr --bench lean_load --quiet -- "$@"
