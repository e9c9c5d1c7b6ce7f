#!/usr/bin/env bash
# Sets up whatever is missing, builds the site, and serves it. Flags go to
# the server: scripts/serve.sh --addr 0.0.0.0:3000 (see --help). Each step's
# time is printed before the server starts.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
# A run that fails stops the build tools building beside it (env.sh).
trap 'print_step_times "scripts/serve.sh" || stop_build_tools' EXIT
# On a new machine the build tools compile in the background, on one core,
# while the server's dependencies compile on the other (scripts/setup.sh).
export REALTIME_LAB_TOOLS_BESIDE=1
step "setup" scripts/setup.sh
use_wasm_route
build_beside_build_tools

step "cargo leptos build --release --precompress --split" build_site
trap - EXIT
print_step_times "scripts/serve.sh"
# The binary carries the site and the lessons it was built with. Here it
# serves content/ instead, so a saved lesson shows at once (a --content-dir
# flag, or the variable already set, wins).
export REALTIME_LAB_CONTENT="${REALTIME_LAB_CONTENT:-content}"
exec target/release/realtime-lab "$@"
