#!/usr/bin/env bash
# deps.sh [--test]
#
# Installs the Debian 12 packages rfjobd needs to build and run (and, with --test, to run its
# tests), when any is missing. Needs root, or sudo.
set -euo pipefail

pkgs=(build-essential cmake pkg-config libcjson-dev libssl-dev libsqlite3-dev check
      dpkg-dev xz-utils openssl ca-certificates)
if [ "${1:-}" = "--test" ]; then
    pkgs+=(clang-format redfishtool chromium)
    # The browser test runs on Node.js; a node that did not come from Debian's package is used
    # as it is.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        pkgs+=(nodejs npm)
    fi
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "deps: missing packages (${missing[*]}) and not root; install them as root" >&2
        exit 1
    fi
fi
echo "deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
