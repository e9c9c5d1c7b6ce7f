#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check: formatting, clippy for
# the server and the browser build, the Rust tests over the real server, the
# browser tests in end2end/ and the size budgets. Each step's time is printed
# at the end.
#
#   scripts/test.sh                 the full run (what CI runs)
#   scripts/test.sh --quick [NAME]  the edit-test loop: formatting, clippy and
#                                   the Rust tests (only those whose name holds
#                                   NAME, if given), without the browser tests,
#                                   the size budgets and the lean smoke test
#                                   (thousands of connections), which only a
#                                   change to an island, a page's weight or the
#                                   server's memory can fail
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
# A run that fails stops the build tools building beside it (env.sh).
trap 'print_step_times "scripts/test.sh" || stop_build_tools' EXIT
# On a new machine the build tools compile in the background, on one core,
# while the checks below compile on the other (scripts/setup.sh).
export REALTIME_LAB_TOOLS_BESIDE=1

QUICK=no
FILTER=()
if [ "${1:-}" = --quick ]; then
    QUICK=yes
    FILTER=("${@:2}")
fi

if [ "$QUICK" = yes ]; then
    step "setup" scripts/setup.sh
else
    step "setup" scripts/setup.sh test
fi

step "cargo fmt --check" cargo fmt --all -- --check

step "clippy, server build (ssr)" cargo clippy --features ssr --all-targets -- -D warnings

if has_rustup_wasm_std; then
    step "clippy, browser build (hydrate, wasm32)" \
        cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
else
    # Debian's rustc-web comes without clippy: lint the same code for the host
    # target; the wasm32 build below still compiles it for the browser.
    step "clippy, browser build (hydrate, host target: this toolchain has no wasm32 std)" \
        cargo clippy --lib --no-default-features --features hydrate -- -D warnings
fi

use_wasm_route
build_beside_build_tools

step "cargo leptos build --release --precompress --split" build_site

# The tests build with what `cargo leptos build` compiled the server with
# (env.sh sets the variable leptos reads at compile time), so only the test
# targets are compiled here.
step "Rust tests, build" cargo test --release --features ssr --no-run
if [ "$QUICK" = yes ]; then
    step "Rust tests (quick: without the lean smoke test)" \
        cargo test --release --features ssr -- --skip lean_smoke "${FILTER[@]}"
    exit 0
fi
step "Rust tests (unit, and integration over the real server)" \
    cargo test --release --features ssr -- --skip lean_smoke
# The lean smoke test measures a server's resident memory per connection
# against a target: run alone, so that the other tests' servers and
# clients do not share the two cores with it while it settles.
step "Rust tests: the lean smoke test, alone" \
    cargo test --release --features ssr --test it -- lean_smoke

# Setup installed nginx: without it the proxy test fails here rather than skip.
step "browser tests (Chromium; nginx in front for the proxy test)" \
    bash -c 'cd end2end && REALTIME_LAB_REQUIRE_NGINX=1 npm test'

step "size budgets (what each kind of page downloads)" bash -c 'cd end2end && npm run --silent size'
