#!/usr/bin/env bash
# Sets up whatever is missing, builds the site, and serves it. Flags go to
# the server: scripts/serve.sh --addr 0.0.0.0:3000 (see --help). Each step's
# time is printed before the server starts.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
trap 'print_step_times "scripts/serve.sh"' EXIT
step "setup" scripts/setup.sh
use_wasm_route

step "cargo leptos build --release --precompress --split" build_site
trap - EXIT
print_step_times "scripts/serve.sh"
# The binary carries the site and the lessons it was built with. Here it
# serves content/ instead, so a saved lesson shows at once (a --content-dir
# flag, or the variable already set, wins).
export REALTIME_LAB_CONTENT="${REALTIME_LAB_CONTENT:-content}"
exec target/release/realtime-lab "$@"
