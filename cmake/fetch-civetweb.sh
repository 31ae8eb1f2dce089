#!/usr/bin/env bash
# fetch-civetweb.sh DEST_DIR
#
# Fetches Debian's civetweb source package (with Debian's patches applied) into DEST_DIR/src.
# The system's apt configuration is not changed: a private sources list with deb-src entries,
# derived from the system's own apt sources, and a private package list directory are used.
# Idempotent: does nothing when DEST_DIR/src/src/civetweb.c already exists.
set -euo pipefail

dest=${1:?usage: fetch-civetweb.sh DEST_DIR}
pkg=civetweb
if [ -f "$dest/src/src/civetweb.c" ]; then
    exit 0
fi
mkdir -p "$dest"
work=$(mktemp -d "$dest/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/dl"

# deb822 sources: turn every "Types: deb" stanza into deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -E 's/^Types:.*$/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
done
# One-line sources: turn "deb " lines into "deb-src ".
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' "$f" > "$work/parts/$(basename "$f").list"
done

apt_opts=(-q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts"
          -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
echo "fetch-civetweb: updating a private deb-src package list"
apt-get "${apt_opts[@]}" update >"$work/update.log" 2>&1 || {
    cat "$work/update.log" >&2
    echo "fetch-civetweb: apt-get update failed" >&2
    exit 1
}
(cd "$work/dl" && apt-get "${apt_opts[@]}" source --download-only "$pkg") >"$work/source.log" 2>&1 || {
    cat "$work/source.log" >&2
    echo "fetch-civetweb: could not download the $pkg source package" >&2
    exit 1
}
dsc=$(find "$work/dl" -maxdepth 1 -name "${pkg}_*.dsc" | head -n 1)
[ -n "$dsc" ] || { echo "fetch-civetweb: no .dsc downloaded" >&2; exit 1; }
rm -rf "$dest/src"
dpkg-source --no-check -x "$dsc" "$work/unpacked" >"$work/unpack.log" 2>&1 || {
    cat "$work/unpack.log" >&2
    exit 1
}
mv "$work/unpacked" "$dest/src"
basename "$dsc" .dsc > "$dest/src/.rfjobd-source"
echo "fetch-civetweb: $(cat "$dest/src/.rfjobd-source") unpacked"
