#!/usr/bin/env bash
# run.sh [rfjobd options...]
#
# Installs what is missing, builds rfjobd, creates a development certificate under certs/ if
# there is none, installs the shipped job documents (documents/) into var/documents, and starts
# rfjobd on https://127.0.0.1:8443 with its data in ./var.
# Options pass through to rfjobd (see: build/release/server/rfjobd --help), e.g. --port 9443.
# RFJOBD_ADMIN_PASSWORD sets the first Administrator password; without it one is generated and
# printed once at the first start.
set -euo pipefail
cd "$(dirname "$0")"

scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
certs/mkcert.sh certs
# The shipped job documents, installed once: an administrator's own edits are kept.
mkdir -p var/documents
for doc in documents/*.json; do
    [ -e "var/documents/$(basename "$doc")" ] || install -m 0644 "$doc" var/documents/
done
exec build/release/server/rfjobd --data-dir var --cert certs/server.pem --key certs/server.key "$@"
