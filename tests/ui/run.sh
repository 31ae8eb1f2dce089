#!/usr/bin/env bash
# The browser test of rfjobd's web page: starts the real server on a free port with a temporary
# data directory holding the shipped job documents, then drives the page in headless Chromium
# (ui-test.js, with playwright-core from this directory's package-lock.json).
#
# Usage: tests/ui/run.sh RFJOBD_BINARY MKCERT_SCRIPT DOCUMENTS_DIR OUT_DIR
#
# OUT_DIR receives the screenshot of the jobs table. Exits 0 when every check passes, 1 on a
# failure, 77 (CTest's SKIP_RETURN_CODE) when Node.js, Chromium or the test's node_modules
# (./test.sh runs npm ci) are missing; with RFJOBD_REQUIRE_BROWSER=1 (as ./test.sh sets it) a
# missing part is a failure instead.
set -euo pipefail

skip() {
    if [[ ${RFJOBD_REQUIRE_BROWSER:-} == 1 ]]; then
        echo "FAIL: $* (the browser test is required)" >&2
        exit 1
    fi
    echo "$*: skipped"
    exit 77
}

if [[ $# -ne 4 ]]; then
    echo "usage: ${0##*/} RFJOBD_BINARY MKCERT_SCRIPT DOCUMENTS_DIR OUT_DIR" >&2
    exit 2
fi
bin=$1
mkcert=$2
docs=$3
out=$4
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null 2>&1; then
    skip "node is not installed"
fi
if [[ ! -x $chromium ]]; then
    skip "$chromium is not installed"
fi
if [[ ! -d $here/node_modules/playwright-core ]]; then
    skip "playwright-core is not installed (run npm ci in tests/ui)"
fi

pw='ui-admin-pass-1'
tmp=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "--- server log" >&2
    cat "$tmp/log" >&2 || true
    exit 1
}

"$mkcert" "$tmp/certs" >/dev/null
mkdir -p "$tmp/var/documents" "$out"
cp "$docs"/*.json "$tmp/var/documents/"
RFJOBD_ADMIN_PASSWORD=$pw "$bin" --listen 127.0.0.1 --port 0 --cert "$tmp/certs/server.pem" \
    --key "$tmp/certs/server.key" --data-dir "$tmp/var" --log-level info >"$tmp/out" 2>"$tmp/log" &
pid=$!

# The bound port, from the start-up line (bounded wait).
port=
for _ in $(seq 100); do
    port=$(sed -n 's|.*serving https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/log" | head -n 1)
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || fail "rfjobd exited"
    sleep 0.1
done
[[ -n $port ]] || fail "rfjobd did not report its port"

RFJOBD_URL="https://127.0.0.1:$port" RFJOBD_USER=Administrator RFJOBD_PASSWORD=$pw \
    CHROMIUM=$chromium UI_OUT_DIR=$out node "$here/ui-test.js" || fail "browser test"
