#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) Realtime Lab needs, and
# only what is missing, so a second run takes seconds. Usage:
#   scripts/setup.sh         # to build and serve the site
#   scripts/setup.sh test    # also Chromium, nginx, redis-server and the browser-test packages
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REALTIME_LAB_ROOT"

CARGO_LEPTOS_VERSION=0.3.11
WANT_TESTS=$([ "${1:-}" = test ] && echo yes || echo no)
APT_UPDATED=no

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    command -v apt-get >/dev/null 2>&1 ||
        die "missing $*, and this machine has no apt-get: install them with your package manager"
    if [ "$APT_UPDATED" = no ]; then
        say "apt-get update"
        as_root apt-get update -q >/dev/null
        APT_UPDATED=yes
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >/dev/null
}

version_at_least() { # $1 >= $2, both dotted
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

cargo_version() { "$1" --version 2>/dev/null | awk '{ print $2 }'; }

# 1. A wasm32 standard library: rustup's if it can be had, else Debian's route.
setup_wasm_std() {
    if has_rustup_wasm_std; then
        return
    fi
    if command -v rustup >/dev/null 2>&1; then
        say "rustup target add wasm32-unknown-unknown"
        if rustup target add wasm32-unknown-unknown; then return; fi
        say "rustup could not fetch the wasm32 std; using Debian's rustc-web and building std from source"
    fi
    dpkg -s rustc-web cargo-web rust-web-src lld-22 >/dev/null 2>&1 ||
        apt_install rustc-web cargo-web rust-web-src lld-22
}

# A cargo of at least 1.96 (cargo-leptos 0.3.11's dependencies need it), with
# its own rustc first on PATH. Prints the directory to put first on PATH.
new_enough_cargo_dir() {
    local candidate
    for candidate in "$(command -v cargo || true)" /usr/bin/cargo; do
        if [ -x "$candidate" ] && version_at_least "$(cargo_version "$candidate")" 1.96.0; then
            dirname "$candidate"
            return
        fi
    done
    if command -v apt-get >/dev/null 2>&1; then
        apt_install rustc-web cargo-web
        dirname /usr/bin/cargo
        return
    fi
    die "cargo-leptos $CARGO_LEPTOS_VERSION needs cargo 1.96 or newer; run 'rustup update' and try again"
}

# 2. cargo-leptos, the build tool.
setup_cargo_leptos() {
    if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
        return
    fi
    local dir
    dir="$(new_enough_cargo_dir)"
    say "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes on 2 cores)"
    PATH="$dir:$PATH" cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --root "$HOME/.cargo"
}

# 3. The wasm-bindgen CLI of exactly the version in Cargo.lock. Not --locked:
#    one of its locked dependencies is no longer on crates.io.
setup_wasm_bindgen() {
    local want
    want="$(locked_wasm_bindgen_version)"
    [ -n "$want" ] || die "Cargo.lock names no wasm-bindgen version"
    if wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
        return
    fi
    say "cargo install wasm-bindgen-cli $want (about 4 minutes)"
    cargo install wasm-bindgen-cli --version "$want" --root "$HOME/.cargo" --force
}

# 4. wasm-opt from npm's binaryen. Debian's binaryen 108 corrupts the module
#    (hydration fails with "WebAssembly.Table.set(): Argument 1 is invalid").
setup_wasm_opt() {
    if [ -x "$REALTIME_LAB_TOOLS/node_modules/.bin/wasm-opt" ]; then
        return
    fi
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    say "npm install binaryen (wasm-opt) into $REALTIME_LAB_TOOLS"
    mkdir -p "$REALTIME_LAB_TOOLS"
    npm install --prefix "$REALTIME_LAB_TOOLS" --no-audit --no-fund --silent binaryen@132
}

# nginx for end2end/tests/proxy.test.mjs, which starts its own as this user
# on loopback ports: the system service is not needed, and if apt starts it,
# the test does not use it. Debian's `nginx` package, or `nginx-light` on a
# release that only has that. Debian puts it in /usr/sbin, often not on PATH.
setup_nginx() {
    if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
        return
    fi
    local package=nginx
    if ! apt-cache show nginx >/dev/null 2>&1 && apt-cache show nginx-light >/dev/null 2>&1; then
        package=nginx-light
    fi
    apt_install "$package"
}

# Debian's redis-server for presenter mode on several servers
# (tests/room_redis.rs, end2end/tests/room.test.mjs), which start their own
# on loopback ports: as with nginx, the system service is not used.
setup_redis() {
    if command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
        return
    fi
    apt_install redis-server
}

# 5. For the tests: Chromium, nginx, redis-server and the browser-test packages.
setup_browser_tests() {
    command -v chromium >/dev/null 2>&1 || apt_install chromium
    setup_nginx
    setup_redis
    command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    # Again whenever package-lock.json changed since the last install (npm
    # records that install in node_modules/.package-lock.json).
    if [ ! -d end2end/node_modules/playwright-core ] ||
        [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
        say "npm ci in end2end/"
        (cd end2end && npm ci --no-audit --no-fund --silent)
    fi
}

setup_wasm_std
setup_cargo_leptos
setup_wasm_bindgen
setup_wasm_opt
if [ "$WANT_TESTS" = yes ]; then
    setup_browser_tests
fi
use_wasm_route
say "ready (wasm std: $WASM_ROUTE route; $(cargo leptos --version); $(wasm-bindgen --version); wasm-opt $(wasm-opt --version | awk '{print $3}'))"
