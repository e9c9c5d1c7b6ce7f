#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) Realtime Lab needs, and
# only what is missing, so a second run takes seconds. Usage:
#   scripts/setup.sh         # to build and serve the site
#   scripts/setup.sh test    # also Chromium, nginx, redis-server and the browser-test packages
#
# On a new machine the two build tools (cargo-leptos, wasm-bindgen) are the
# long part: they compile from crates.io. They are built for build speed,
# not with their own release profiles (cargo-leptos asks for fat LTO and one
# codegen unit: 45 minutes here on 2 cores; 25 at opt-level 1 without LTO;
# 16 as below), and side by side, after the Debian and npm packages come
# down in one go. Each step's time is printed at the end.
#
# With REALTIME_LAB_TOOLS_BESIDE=1 (scripts/serve.sh and scripts/test.sh set
# it) the build tools are built in the background and setup returns at once:
# cargo-leptos's build keeps one core of two busy for 16 minutes, and the
# caller compiles the server (and lints it) on the other meanwhile, then
# waits for the tools (`wait_for_build_tools` in env.sh) before it needs
# them. Measured here: the two builds side by side took 19:48; one after
# the other, 26:00.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"
trap 'print_step_times setup' EXIT

CARGO_LEPTOS_VERSION=0.3.11
WANT_TESTS=$([ "${1:-}" = test ] && echo yes || echo no)
APT_PACKAGES=()

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

want_apt() { APT_PACKAGES+=("$@"); }

version_at_least() { # $1 >= $2, both dotted
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

cargo_version() { "$1" --version 2>/dev/null | awk '{ print $2 }'; }

# The build tools are run a few times per build: they are compiled without
# link-time optimisation, in 16 codegen units (both cores busy), with no
# debug info, at the optimisation level given. Cargo's CARGO_PROFILE_RELEASE_*
# variables override the crate's own [profile.release] for this install
# only. Each tool builds in a folder of its own under the tools cache, so an
# interrupted install picks up where it stopped; the folder goes once the
# tool is installed.
install_tool() { # install_tool CARGO OPT_LEVEL NAME ARGS...
    local cargo="$1" opt_level="$2" name="$3"
    shift 3
    CARGO_PROFILE_RELEASE_LTO=false \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" \
        CARGO_PROFILE_RELEASE_DEBUG=false \
        CARGO_PROFILE_RELEASE_INCREMENTAL=false \
        "$cargo" install "$name" --root "$HOME/.cargo" \
        --target-dir "$REALTIME_LAB_TOOLS/build/$name" "$@"
    rm -rf "$REALTIME_LAB_TOOLS/build/$name"
}

# 1. A wasm32 standard library: rustup's if it can be had, else Debian's
#    route (rustc-web, which builds std from source).
plan_wasm_std() {
    has_rustup_wasm_std && return
    if command -v rustup >/dev/null 2>&1; then
        say "rustup target add wasm32-unknown-unknown"
        if rustup target add wasm32-unknown-unknown; then return; fi
        say "rustup could not fetch the wasm32 std; using Debian's rustc-web and building std from source"
    fi
    dpkg -s rustc-web cargo-web rust-web-src lld-22 >/dev/null 2>&1 ||
        want_apt rustc-web cargo-web rust-web-src lld-22
}

has_cargo_leptos() { cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; }

wanted_wasm_bindgen() {
    local want
    want="$(locked_wasm_bindgen_version)"
    [ -n "$want" ] || die "Cargo.lock names no wasm-bindgen version"
    echo "$want"
}

has_wasm_bindgen() { wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(wanted_wasm_bindgen)"; }

# A cargo of at least 1.96 (cargo-leptos 0.3.11's dependencies need it), with
# its own rustc first on PATH. Prints the directory to put first on PATH, or
# nothing when there is none yet.
new_enough_cargo_dir() {
    local candidate
    for candidate in "$(command -v cargo || true)" /usr/bin/cargo; do
        if [ -x "$candidate" ] && version_at_least "$(cargo_version "$candidate")" 1.96.0; then
            dirname "$candidate"
            return
        fi
    done
}

# 2. What cargo-leptos needs to be built: Debian's cargo-web where the
#    default cargo is older than 1.96.
plan_cargo_leptos() {
    has_cargo_leptos && return
    [ -n "$(new_enough_cargo_dir)" ] && return
    command -v apt-get >/dev/null 2>&1 ||
        die "cargo-leptos $CARGO_LEPTOS_VERSION needs cargo 1.96 or newer; run 'rustup update' and try again"
    want_apt rustc-web cargo-web
}

# 3. For the tests: Chromium; nginx for end2end/tests/proxy.test.mjs and
#    redis-server for presenter mode on several servers (tests/it/room_redis.rs,
#    end2end/tests/room.test.mjs); tshark reads the wire view's .pcapng
#    (tests/it/wire.rs); curl runs the terminal twins' commands as printed
#    (tests/it/terminal_twins.rs). The tests start their own nginx and
#    redis-server as this user on loopback ports: the system services are not
#    used. Debian puts nginx in /usr/sbin, often not on PATH.
plan_browser_tests() {
    command -v chromium >/dev/null 2>&1 || want_apt chromium
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || want_apt nginx
    command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || want_apt redis-server
    command -v tshark >/dev/null 2>&1 || want_apt tshark
    command -v curl >/dev/null 2>&1 || want_apt curl
}

# Every Debian package at once: one update, one install. A release that has
# only `nginx-light` gets that instead.
install_debian_packages() {
    local packages=() package
    for package in $(printf '%s\n' "${APT_PACKAGES[@]}" | sort -u); do
        packages+=("$package")
    done
    command -v apt-get >/dev/null 2>&1 ||
        die "missing ${packages[*]}, and this machine has no apt-get: install them with your package manager"
    say "apt-get update"
    as_root apt-get update -q >/dev/null
    if [[ " ${packages[*]} " == *" nginx "* ]] && ! apt-cache show nginx >/dev/null 2>&1 &&
        apt-cache show nginx-light >/dev/null 2>&1; then
        packages=("${packages[@]/#nginx/nginx-light}")
    fi
    say "apt-get install ${packages[*]}"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${packages[@]}" >/dev/null
}

# 4. wasm-opt from npm's binaryen (Debian's binaryen 108 corrupts the module:
#    hydration fails with "WebAssembly.Table.set(): Argument 1 is invalid"),
#    the exercises' editor and its bundler in editor/ (CodeMirror 6 and
#    esbuild, which build_site bundles into public/exercise/), and for the
#    tests the browser-test packages in end2end/; each again whenever its
#    package-lock.json changed since the last install (npm records that
#    install in node_modules/.package-lock.json).
install_npm_packages() {
    if [ ! -x "$REALTIME_LAB_TOOLS/node_modules/.bin/wasm-opt" ]; then
        say "npm install binaryen (wasm-opt) into $REALTIME_LAB_TOOLS"
        mkdir -p "$REALTIME_LAB_TOOLS"
        npm install --prefix "$REALTIME_LAB_TOOLS" --no-audit --no-fund --silent binaryen@132
    fi
    if [ ! -x editor/node_modules/.bin/esbuild ] ||
        [ editor/package-lock.json -nt editor/node_modules/.package-lock.json ]; then
        say "npm ci in editor/"
        (cd editor && npm ci --no-audit --no-fund --silent)
    fi
    if [ "$WANT_TESTS" = yes ] && { [ ! -d end2end/node_modules/playwright-core ] ||
        [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; }; then
        say "npm ci in end2end/"
        (cd end2end && npm ci --no-audit --no-fund --silent)
    fi
}

# 5. The two build tools, side by side: the wasm-bindgen CLI of exactly the
#    version in Cargo.lock (not --locked: one of its locked dependencies is no
#    longer on crates.io) in the background, cargo-leptos in front. With two
#    cores, each fills the other's single-threaded stretches.
install_build_tools() {
    local log="$REALTIME_LAB_TOOLS/wasm-bindgen-install.log" bindgen_pid="" started=$SECONDS
    mkdir -p "$REALTIME_LAB_TOOLS"
    if ! has_wasm_bindgen; then
        say "cargo install wasm-bindgen-cli $(wanted_wasm_bindgen), in the background (log: $log)"
        (install_tool cargo 1 wasm-bindgen-cli --version "$(wanted_wasm_bindgen)" --force >"$log" 2>&1) &
        bindgen_pid=$!
    fi
    if ! has_cargo_leptos; then
        say "cargo install cargo-leptos $CARGO_LEPTOS_VERSION, built for build speed (no LTO, 16 codegen units, optimised only where it works hard): about 15 minutes on 2 cores"
        # Unoptimised but for the crates that do its work at run time: brotli
        # and gzip (miniz_oxide) on the bundle, walrus and wasmparser for
        # wasm-split. Measured here: 16 minutes to build instead of 25 at
        # opt-level 1 everywhere, and 9 s for a site build whose wasm is
        # cached (precompression 5 s instead of 2.6, splitting 0.7 s).
        local hot=() crate
        for crate in brotli miniz_oxide walrus wasmparser; do
            hot+=(--config "profile.release.package.$crate.opt-level=2")
        done
        PATH="$(new_enough_cargo_dir):$PATH" install_tool cargo 0 cargo-leptos \
            --locked --version "$CARGO_LEPTOS_VERSION" "${hot[@]}"
        say "cargo-leptos installed after $(minutes $((SECONDS - started)))"
    fi
    if [ -n "$bindgen_pid" ]; then
        if ! wait "$bindgen_pid"; then
            tail -n 40 "$log" >&2
            die "cargo install wasm-bindgen-cli failed (above: the end of $log)"
        fi
        say "wasm-bindgen-cli installed after $(minutes $((SECONDS - started)))"
    fi
}

plan_wasm_std
plan_cargo_leptos
command -v npm >/dev/null 2>&1 || want_apt nodejs npm
if [ "$WANT_TESTS" = yes ]; then
    plan_browser_tests
fi
if [ "${#APT_PACKAGES[@]}" -gt 0 ]; then
    step "Debian packages" install_debian_packages
fi
step "npm packages" install_npm_packages
if [ -n "$(build_tools_running)" ]; then
    say "cargo-leptos and wasm-bindgen are already being built (log: $BUILD_TOOLS_LOG)"
elif ! has_cargo_leptos || ! has_wasm_bindgen; then
    if [ "${REALTIME_LAB_TOOLS_BESIDE:-0}" = 1 ]; then
        say "cargo-leptos and wasm-bindgen: built in the background while the next steps go on (log: $BUILD_TOOLS_LOG)"
        mkdir -p "$REALTIME_LAB_TOOLS"
        rm -f "$BUILD_TOOLS_STATUS"
        # In a process group of its own (job control on), so that the caller
        # can stop all of it; its status file says how it ended, since the
        # caller is not its parent.
        set -m
        (
            set +e +m # its own jobs (wasm-bindgen's build) stay in its group
            (install_build_tools)
            echo "$?" >"$BUILD_TOOLS_STATUS"
        ) >"$BUILD_TOOLS_LOG" 2>&1 </dev/null &
        echo "$!" >"$BUILD_TOOLS_PID"
        exit 0
    fi
    step "build tools (cargo-leptos, wasm-bindgen)" install_build_tools
fi
use_wasm_route
if [ -z "$(build_tools_running)" ]; then
    say "ready (wasm std: $WASM_ROUTE route; $(cargo leptos --version); $(wasm-bindgen --version); wasm-opt $(wasm-opt --version | awk '{print $3}'))"
fi
