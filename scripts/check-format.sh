#!/usr/bin/env bash
# Check that the project's own C sources match .clang-format.
#
# Usage: scripts/check-format.sh [REPO_ROOT]
#
# Runs "clang-format --dry-run -Werror" on every *.c and *.h file under
# server/, model/ and tests/ (build trees, hidden directories and *.def
# tables are skipped) and lists the files that need reformatting.
# Exit status: 0 all files formatted, 1 some files need formatting,
# 2 clang-format missing or failing, or a usage error.
# Set CLANG_FORMAT to use a specific clang-format binary.

set -euo pipefail

prog=${0##*/}

usage() {
    echo "Usage: $prog [REPO_ROOT]"
    echo "Check the formatting of the C sources under server/, model/ and tests/ with clang-format."
}

case "${1:-}" in
-h | --help)
    usage
    exit 0
    ;;
-*)
    usage >&2
    exit 2
    ;;
esac
if [[ $# -gt 1 ]]; then
    usage >&2
    exit 2
fi

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
    echo "$prog: error: '$clang_format' not found; install clang-format (Debian: apt-get install clang-format) or set CLANG_FORMAT" >&2
    exit 2
fi

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=${1:-$script_dir/..}
if [[ ! -d $root ]]; then
    echo "$prog: error: $root: not a directory" >&2
    exit 2
fi
cd -- "$root"

if [[ ! -f .clang-format ]]; then
    echo "$prog: error: no .clang-format in $(pwd)" >&2
    exit 2
fi

dirs=()
for d in server model tests tasks bench; do
    [[ -d $d ]] && dirs+=("$d")
done

files=()
if [[ ${#dirs[@]} -gt 0 ]]; then
    mapfile -d '' files < <(
        find "${dirs[@]}" \
            \( -type d \( -name 'build' -o -name 'build-*' -o -name '_deps' -o -name '.*' \) -prune \) \
            -o -type f \( -name '*.c' -o -name '*.h' \) ! -name '*.def' ! -name '*.def.*' -print0 \
            | LC_ALL=C sort -z
    )
fi

errlog=$(mktemp)
trap 'rm -f -- "$errlog"' EXIT

bad=0
for f in "${files[@]}"; do
    if "$clang_format" --style=file --dry-run -Werror -- "$f" >/dev/null 2>"$errlog"; then
        continue
    fi
    if grep -q -- '-Wclang-format-violations' "$errlog"; then
        echo "$f"
        bad=$((bad + 1))
    else
        echo "$prog: error: $clang_format failed on $f:" >&2
        cat -- "$errlog" >&2
        exit 2
    fi
done

if [[ $bad -gt 0 ]]; then
    echo "check-format: $bad of ${#files[@]} files need formatting (fix with: $clang_format -i FILE)" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
