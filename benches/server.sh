# Sourced by the benchmark scripts: start the release server on a free port
# of 127.0.0.1 and stop it on exit, whatever happens.
#   start_server [COMMAND PREFIX...] -- [SERVER FLAGS...]
# sets BASE (http://127.0.0.1:PORT) and SERVER_PID. A prefix such as
# `taskset -c 0` pins the server; $BINARY is the server to run.

WORK="$(mktemp -d)"
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server() {
    local prefix=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do prefix+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    RUST_LOG=warn "${prefix[@]}" "$BINARY" --addr 127.0.0.1:0 --no-watch "$@" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    BASE=""
    # Its first "open http://…" line says where it listens.
    for _ in $(seq 200); do
        BASE="$(sed -n 's|.*open \(http://[^ /]*\).*|\1|p' "$WORK/server.log" | head -n1)"
        [ -n "$BASE" ] && return
        kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited: $(cat "$WORK/server.log")"
        sleep 0.1
    done
    die "the server printed no \"open http://…\" line within 20 s"
}
