# Sourced by the other scripts: where the tools are, and how to build the
# browser bundle on this machine. Sets:
#   PATH               scripts/bin (wasm-opt's wrapper), npm's binaryen; /usr/bin first on the Debian route
#   WASM_ROUTE         "rustup" (prebuilt wasm32 std) or "debian" (std built from rust-web-src)
#   LEPTOS_BUILD_ARGS  extra arguments for `cargo leptos build`
#   LEPTOS_OUTPUT_NAME as cargo-leptos sets it (see below)
# and defines `step`, which times a step for the table printed at the end.

REALTIME_LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REALTIME_LAB_TOOLS="${REALTIME_LAB_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/realtime-lab/tools}"
# scripts/bin/wasm-opt runs npm's wasm-opt with two flags of this project's.
export PATH="$REALTIME_LAB_ROOT/scripts/bin:$REALTIME_LAB_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# cargo-leptos compiles the server with LEPTOS_OUTPUT_NAME set, and leptos
# reads it at compile time (option_env!): every cargo command here sets the
# same value, so `cargo test` reuses the server `cargo leptos build` compiled
# instead of compiling leptos and everything above it again.
export LEPTOS_OUTPUT_NAME=realtime-lab

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Each step's time, printed as a table when the script ends (pass or fail),
# so the next slow step shows. `step NAME COMMAND...` runs and times one; a
# failing command ends the script (errexit) and the table marks its step.
STEP_TIMES=()
STEP_CLOCK_START=$SECONDS
STEP_NOW=""
minutes() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
step() {
    local name="$1" start=$SECONDS
    shift
    say "$name"
    STEP_NOW="$name"
    STEP_NOW_START=$start
    "$@"
    STEP_NOW=""
    STEP_TIMES+=("$(printf '%7s  %s' "$(minutes $((SECONDS - start)))" "$name")")
}
print_step_times() { # the EXIT trap: print_step_times TITLE
    local status=$? title="$1"
    if [ -n "$STEP_NOW" ]; then
        STEP_TIMES+=("$(printf '%7s  %s' "$(minutes $((SECONDS - STEP_NOW_START)))" "$STEP_NOW (failed)")")
    fi
    if [ "${#STEP_TIMES[@]}" -gt 0 ]; then
        {
            printf '\n%s, step by step (m:ss):\n' "$title"
            printf '%s\n' "${STEP_TIMES[@]}"
            printf '%7s  %s\n' "$(minutes $((SECONDS - STEP_CLOCK_START)))" "$title in all"
        } >&2
    fi
    return "$status"
}

has_rustup_wasm_std() {
    command -v rustup >/dev/null 2>&1 &&
        rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

use_wasm_route() {
    # The browser bundle leaves out the file, line and column of each panic
    # site (some 140 source paths in the main wasm alone) and the bodies of
    # Debug formatting (`{:?}` prints nothing there; the islands never use
    # it): 4 to 6 KiB brotli on every page with an island. A panic in the
    # browser still says what went wrong, only not where. The flags are
    # unstable on both routes, so RUSTC_BOOTSTRAP lets a stable rustc take
    # them; they apply to the wasm target only, and the server keeps both.
    export RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none -Zfmt-debug=none"
    if has_rustup_wasm_std; then
        WASM_ROUTE=rustup
        LEPTOS_BUILD_ARGS=()
    else
        # Debian's rustc-web has no prebuilt wasm32 std: build it from rust-web-src.
        WASM_ROUTE=debian
        # The wasm-opt wrapper stays first: Debian's binaryen must not be used.
        export PATH="$REALTIME_LAB_ROOT/scripts/bin:/usr/bin:$PATH"
        LEPTOS_BUILD_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
    fi
}

# The build tools, when scripts/setup.sh builds them in the background
# (REALTIME_LAB_TOOLS_BESIDE=1): its log, how it ended (an exit status),
# and its process, which leads a process group of its own.
BUILD_TOOLS_LOG="$REALTIME_LAB_TOOLS/build-tools.log"
BUILD_TOOLS_STATUS="$REALTIME_LAB_TOOLS/build-tools.status"
BUILD_TOOLS_PID="$REALTIME_LAB_TOOLS/build-tools.pid"
build_tools_running() { # prints the process id while the build runs
    local pid
    pid="$(cat "$BUILD_TOOLS_PID" 2>/dev/null || true)"
    if [ -n "$pid" ] && [ ! -f "$BUILD_TOOLS_STATUS" ] && kill -0 "$pid" 2>/dev/null; then
        echo "$pid"
    fi
}
wait_for_build_tools() {
    [ -f "$BUILD_TOOLS_PID" ] || return 0
    if [ -n "$(build_tools_running)" ]; then
        say "waiting for cargo-leptos and wasm-bindgen, building in the background (log: $BUILD_TOOLS_LOG)"
    fi
    while [ -n "$(build_tools_running)" ]; do sleep 2; done
    local status
    status="$(cat "$BUILD_TOOLS_STATUS" 2>/dev/null || echo "none (it was stopped)")"
    rm -f "$BUILD_TOOLS_PID"
    if [ "$status" != 0 ]; then
        tail -n 40 "$BUILD_TOOLS_LOG" >&2
        die "building cargo-leptos and wasm-bindgen failed, exit status $status (above: the end of $BUILD_TOOLS_LOG)"
    fi
    tail -n 3 "$BUILD_TOOLS_LOG" >&2
}
# For the callers' EXIT trap: a run that ends early stops the background build
# (an interrupted install resumes where it stopped, see setup.sh).
stop_build_tools() {
    local pid
    pid="$(build_tools_running)"
    if [ -n "$pid" ]; then
        kill -- "-$pid" 2>/dev/null || true
        rm -f "$BUILD_TOOLS_PID"
    fi
}

# What `cargo leptos build` will compile for the server, short of the crate
# itself, which embeds the site that build writes and so compiles after it:
# every dependency in release mode, with the features and variables
# cargo-leptos uses (call use_wasm_route first: RUSTC_BOOTSTRAP, which it
# sets, reruns some build scripts when it changes), so that its build finds
# them done. The crate itself is only checked (`-Zno-codegen`, taken under
# RUSTC_BOOTSTRAP): 22 s here instead of 2.5 minutes of code generation.
build_server_dependencies() {
    cargo rustc --release --no-default-features --features ssr --lib -- -Zno-codegen
}

# serve.sh and test.sh, after setup: while setup's build tools compile in
# the background, the server's dependencies compile beside them; then wait
# for the tools (and say so if their build failed, even if it is over).
build_beside_build_tools() {
    if [ -n "$(build_tools_running)" ]; then
        step "server's dependencies, release build (beside the build tools)" build_server_dependencies
    fi
    if [ -f "$BUILD_TOOLS_PID" ]; then
        step "waiting for the build tools" wait_for_build_tools
    fi
}

# The wasm-bindgen version Cargo.lock pins; the CLI must be exactly it.
locked_wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$REALTIME_LAB_ROOT/Cargo.lock"
}

# The exercises' editor and runner (editor/src, CodeMirror 6 from npm) and the wire view,
# bundled by esbuild into public/exercise/, public/wire/ and public/webtransport/, which cargo-leptos copies into
# the site with the other public files (precompressed, and embedded in the
# binary). Takes a tenth of a second; its output is the same for the same
# sources, so the site's fingerprint below does not move.
build_editor() {
    [ -x "$REALTIME_LAB_ROOT/editor/node_modules/.bin/esbuild" ] ||
        die "editor/node_modules is missing: run scripts/setup.sh (it runs npm ci in editor/)"
    rm -rf "$REALTIME_LAB_ROOT/public/exercise" "$REALTIME_LAB_ROOT/public/wire" "$REALTIME_LAB_ROOT/public/webtransport"
    (cd "$REALTIME_LAB_ROOT/editor" && npm run --silent build) >/dev/null
}

# `cargo leptos build --release --precompress --split` with this machine's
# arguments, skipped when nothing it reads has changed since it last
# succeeded. cargo-leptos rewrites every file of target/site on each run (new
# dates, new gzip headers, a new name for the split loader), and the server,
# which embeds that folder, then compiles again: three and a half minutes
# here for a build that changes nothing. The fingerprint covers the sources,
# the lessons, the manifests, the tools' versions and the build's variables;
# the binary and the bundle must still be the ones that build wrote.
# REALTIME_LAB_REBUILD=1 builds anyway.
SITE_BUILD_STAMP=target/site-build.fingerprint
site_build_fingerprint() {
    {
        printf '%s\n' "$@"
        cargo leptos --version
        wasm-bindgen --version
        rustc -vV
        env | { grep -E '^(RUSTFLAGS|RUSTC_BOOTSTRAP|CARGO_TARGET_[A-Z0-9_]*_RUSTFLAGS|CARGO_PROFILE_|LEPTOS_)' || true; } | sort
        find Cargo.toml Cargo.lock build.rs .cargo src style public content editor/src \
            editor/package.json editor/package-lock.json -type f -print0 |
            sort -z | xargs -0 sha256sum
    } | sha256sum | cut -d' ' -f1
}
site_build_outputs() { # what the build wrote, by size and date
    stat -c '%n %s %Y' target/release/realtime-lab target/release/hash.txt target/site/pkg/* 2>/dev/null
}
build_site() {
    local args=(--release --precompress --split "${LEPTOS_BUILD_ARGS[@]}") fingerprint
    build_editor
    fingerprint="$(site_build_fingerprint "${args[@]}")"
    if [ "${REALTIME_LAB_REBUILD:-0}" != 1 ] && [ -f "$SITE_BUILD_STAMP" ] &&
        [ "$(cat "$SITE_BUILD_STAMP")" = "$fingerprint
$(site_build_outputs)" ]; then
        say "the site and server are built from these very sources: not built again (REALTIME_LAB_REBUILD=1 builds anyway)"
        return
    fi
    rm -f "$SITE_BUILD_STAMP"
    cargo leptos build "${args[@]}"
    printf '%s\n%s\n' "$fingerprint" "$(site_build_outputs)" >"$SITE_BUILD_STAMP"
}
