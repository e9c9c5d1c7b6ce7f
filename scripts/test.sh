#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check: formatting, clippy for
# the server and the browser build, the Rust tests over the real server, and
# the browser tests in end2end/. The first run on a new machine installs the
# tools (about 35 minutes); later runs take a few minutes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
scripts/setup.sh test

say "cargo fmt --check"
cargo fmt --all -- --check

say "clippy, server build (ssr)"
cargo clippy --features ssr --all-targets -- -D warnings

if has_rustup_wasm_std; then
    say "clippy, browser build (hydrate, wasm32)"
    cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
else
    # Debian's rustc-web comes without clippy: lint the same code for the host
    # target; the wasm32 build below still compiles it for the browser.
    say "clippy, browser build (hydrate, host target: this toolchain has no wasm32 std)"
    cargo clippy --lib --no-default-features --features hydrate -- -D warnings
fi

use_wasm_route

say "cargo leptos build --release --precompress --split"
cargo leptos build --release --precompress --split "${LEPTOS_BUILD_ARGS[@]}"

say "Rust tests (unit, and integration over the real server)"
cargo test --release --features ssr

say "browser tests (Chromium; nginx in front for the proxy test)"
# Setup installed nginx: without it the proxy test fails here rather than skip.
(cd end2end && REALTIME_LAB_REQUIRE_NGINX=1 npm test)

say "size budgets (what each kind of page downloads)"
(cd end2end && npm run --silent size)
