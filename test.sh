#!/usr/bin/env bash
# test.sh
#
# Installs what is missing, builds, and runs every test: the unit suites, the integration suite
# (the real server over HTTPS on an ephemeral port), the source checks, and all of it again
# under AddressSanitizer and UndefinedBehaviorSanitizer. Exits non-zero on any failure. The
# browser test's npm packages are installed from tests/ui/package-lock.json first (npm ci, from
# npm's cache when it holds them).
set -euo pipefail
cd "$(dirname "$0")"

scripts/deps.sh --test
jobs=$(nproc)

echo "== browser test packages (tests/ui)"
(cd tests/ui && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
# The browser test runs for real here: a missing browser or package fails it, never skips it.
export RFJOBD_REQUIRE_BROWSER=1

echo "== release build: every test"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== ASan+UBSan build: unit and integration suites"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -L 'unit|integration'
