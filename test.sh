#!/usr/bin/env bash
# test.sh
#
# Installs what is missing, builds, and runs every test: the unit suites, the integration suite
# (the real server over HTTPS on an ephemeral port), the source checks, and all of it again
# under AddressSanitizer and UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

scripts/deps.sh --test
jobs=$(nproc)

echo "== release build: every test"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== ASan+UBSan build: unit and integration suites"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -L 'unit|integration'
