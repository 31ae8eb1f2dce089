#!/usr/bin/env bash
# Project-specific source checks for rfjobd.
#
# Usage: scripts/checksrc.sh [REPO_ROOT]
#
# Scans the project's own C sources (*.c and *.h under server/, model/ and
# tests/) and reports every violation as "file:line: message". Exits 1 if
# there is any violation, 0 otherwise, 2 on usage errors.
#
# Rules:
#  a) banned calls: sprintf, vsprintf, strcpy, strcat, strtok, atoi, atol,
#     gets, localtime, gmtime, strerror, cJSON_GetErrorPtr, cJSON_GetObjectItem,
#     and mg_printf outside server/router.c. A call is the exact identifier
#     followed by optional blanks and "("; comments and string/character
#     literals are ignored.
#  b) nothing under model/ may include civetweb.h or cJSON.h.
#  c) only tests/support/rf_check.h may include check.h.

set -euo pipefail

prog=${0##*/}

usage() {
    echo "Usage: $prog [REPO_ROOT]"
    echo "Check the C sources under server/, model/ and tests/ for banned calls and include rules."
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

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=${1:-$script_dir/..}
if [[ ! -d $root ]]; then
    echo "$prog: $root: not a directory" >&2
    exit 2
fi
cd -- "$root"

dirs=()
for d in server model tests tasks bench; do
    [[ -d $d ]] && dirs+=("$d")
done

files=()
if [[ ${#dirs[@]} -gt 0 ]]; then
    # Build trees and hidden directories are never project sources.
    mapfile -d '' files < <(
        find "${dirs[@]}" \
            \( -type d \( -name 'build' -o -name 'build-*' -o -name '_deps' -o -name '.*' \) -prune \) \
            -o -type f \( -name '*.c' -o -name '*.h' \) -print0 | LC_ALL=C sort -z
    )
fi

if [[ ${#files[@]} -eq 0 ]]; then
    echo "checksrc: 0 files clean"
    exit 0
fi

# The scanner keeps lexical state across lines so that multi-line comments,
# continued // comments and continued literals are skipped. Code is reduced to
# a copy of the line in which comment text and literal contents are blanked.
# shellcheck disable=SC2016 # the awk program is meant to be literal
awk_prog='
function report(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg
    violations++
}

# Return the line with comments and the contents of string and character
# literals replaced by blanks. Uses and updates the global "state":
# 0 code, 1 block comment, 2 continued line comment, 3 string, 4 char literal.
function strip(line,    out, n, i, c, q) {
    out = ""
    n = length(line)
    if (state == 2) {
        if (line !~ /\\$/)
            state = 0
        return ""
    }
    i = 1
    while (i <= n) {
        c = substr(line, i, 1)
        if (state == 1) {
            if (c == "*" && substr(line, i + 1, 1) == "/") {
                state = 0
                out = out "  "
                i += 2
            } else {
                out = out " "
                i++
            }
            continue
        }
        if (state == 3 || state == 4) {
            q = (state == 3) ? "\"" : "\047"
            if (c == "\\") {
                out = out "  "
                i += 2
            } else if (c == q) {
                state = 0
                out = out c
                i++
            } else {
                out = out " "
                i++
            }
            continue
        }
        if (c == "/" && substr(line, i + 1, 1) == "/") {
            if (line ~ /\\$/)
                state = 2
            break
        }
        if (c == "/" && substr(line, i + 1, 1) == "*") {
            state = 1
            out = out "  "
            i += 2
            continue
        }
        if (c == "\"")
            state = 3
        else if (c == "\047")
            state = 4
        out = out c
        i++
    }
    # A literal only continues onto the next line after a backslash-newline.
    if ((state == 3 || state == 4) && line !~ /\\$/)
        state = 0
    return out
}

BEGIN {
    n = split("sprintf vsprintf strcpy strcat strtok atoi atol gets localtime gmtime strerror cJSON_GetErrorPtr cJSON_GetObjectItem mg_printf", names, " ")
    for (k = 1; k <= n; k++)
        banned[names[k]] = 1
    hint["sprintf"] = "use snprintf"
    hint["vsprintf"] = "use vsnprintf"
    hint["strcpy"] = "use snprintf or memcpy with an explicit length"
    hint["strcat"] = "use snprintf with an explicit length"
    hint["strtok"] = "use strtok_r"
    hint["atoi"] = "use strtol with error checking"
    hint["atol"] = "use strtol with error checking"
    hint["gets"] = "use fgets"
    hint["localtime"] = "use localtime_r"
    hint["gmtime"] = "use gmtime_r"
    hint["strerror"] = "use strerror_r"
    hint["cJSON_GetErrorPtr"] = "not thread-safe; use cJSON_ParseWithLengthOpts and its parse end pointer"
    hint["cJSON_GetObjectItem"] = "case-insensitive lookup; use cJSON_GetObjectItemCaseSensitive"
    hint["mg_printf"] = "only server/router.c may write responses directly"
    violations = 0
}

FNR == 1 {
    state = 0
}

{
    line = $0
    sub(/\r$/, "", line)

    if (state == 0 && line ~ /^[ \t]*#[ \t]*include[ \t]*[<"]/) {
        hdr = line
        sub(/^[ \t]*#[ \t]*include[ \t]*[<"]/, "", hdr)
        sub(/[>"].*$/, "", hdr)
        base = hdr
        sub(/^.*\//, "", base)
        lbase = tolower(base)
        if (FILENAME ~ /^model\// && (lbase == "civetweb.h" || lbase == "cjson.h"))
            report("model/ must not include " hdr " (keep the job model independent of HTTP and JSON libraries)")
        if (lbase == "check.h" && FILENAME != "tests/support/rf_check.h")
            report("include check.h only through tests/support/rf_check.h")
    }

    rest = strip(line)
    while (match(rest, /[A-Za-z0-9_]+/)) {
        id = substr(rest, RSTART, RLENGTH)
        rest = substr(rest, RSTART + RLENGTH)
        if (!(id in banned) || rest !~ /^[ \t]*\(/)
            continue
        if (id == "mg_printf" && FILENAME == "server/router.c")
            continue
        report("banned call " id "() (" hint[id] ")")
    }
}

END {
    exit violations > 0 ? 1 : 0
}
'

status=0
LC_ALL=C awk "$awk_prog" "${files[@]}" || status=$?

case $status in
0)
    echo "checksrc: ${#files[@]} files clean"
    ;;
1)
    echo "checksrc: violations found in ${#files[@]} files checked" >&2
    exit 1
    ;;
*)
    echo "$prog: awk failed (status $status)" >&2
    exit 2
    ;;
esac
