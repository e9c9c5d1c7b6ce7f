#!/usr/bin/env bash
# Sets up whatever is missing, builds the site, and serves it. Flags go to
# the server: scripts/serve.sh --addr 0.0.0.0:3000 (see --help).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
scripts/setup.sh
use_wasm_route

say "cargo leptos build --release --precompress --split"
cargo leptos build --release --precompress --split "${LEPTOS_BUILD_ARGS[@]}"
exec target/release/realtime-lab "$@"
