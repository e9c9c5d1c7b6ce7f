# Sourced by the other scripts: where the tools are, and how to build the
# browser bundle on this machine. Sets:
#   PATH               scripts/bin (wasm-opt's wrapper), npm's binaryen; /usr/bin first on the Debian route
#   WASM_ROUTE         "rustup" (prebuilt wasm32 std) or "debian" (std built from rust-web-src)
#   LEPTOS_BUILD_ARGS  extra arguments for `cargo leptos build`

REALTIME_LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REALTIME_LAB_TOOLS="${REALTIME_LAB_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/realtime-lab/tools}"
# scripts/bin/wasm-opt runs npm's wasm-opt with two flags of this project's.
export PATH="$REALTIME_LAB_ROOT/scripts/bin:$REALTIME_LAB_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

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

# The wasm-bindgen version Cargo.lock pins; the CLI must be exactly it.
locked_wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$REALTIME_LAB_ROOT/Cargo.lock"
}
