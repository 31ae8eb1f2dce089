#!/usr/bin/env bash
# Self-test for scripts/checksrc.sh.
#
# Usage: scripts/checksrc-selftest.sh
#
# Builds throw-away source trees with known-good and known-bad snippets and
# checks that checksrc.sh reports exactly the bad lines. In the fixtures every
# line that must be reported carries the marker EXPECT in a trailing comment;
# comments are ignored by checksrc.sh, so the marker does not influence the
# result.

set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
checksrc=$script_dir/checksrc.sh

passed=0
failed=0

pass() {
    passed=$((passed + 1))
}

fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

# put ROOT PATH: write stdin to ROOT/PATH.
put() {
    mkdir -p -- "$(dirname -- "$1/$2")"
    cat >"$1/$2"
}

# Run checksrc.sh on ROOT; sets out, err and rc.
run() {
    rc=0
    out=$("$checksrc" "$@" 2>"$tmp/stderr") || rc=$?
    err=$(cat "$tmp/stderr")
}

expect_eq() { # NAME EXPECTED ACTUAL
    if [[ $2 == "$3" ]]; then
        pass
    else
        fail "$1: expected [$2], got [$3]"
    fi
}

# Every "file:line" marked EXPECT under ROOT, sorted.
expected_locations() {
    (cd -- "$1" && grep -rn --include='*.c' --include='*.h' 'EXPECT' server model tests 2>/dev/null \
        | grep -v '/build/' | cut -d: -f1,2 | LC_ALL=C sort) || true
}

# The "file:line" part of every reported violation, sorted.
reported_locations() {
    printf '%s\n' "$out" | grep -E '^[^:]+:[0-9]+: ' | cut -d: -f1,2 | LC_ALL=C sort || true
}

# ---------------------------------------------------------------------------
# Known-good sources: nothing in here may be reported.

make_good_tree() {
    local r=$1

    put "$r" server/good_calls.c <<'EOF'
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <civetweb.h>

void good_calls(char *buf, size_t n, const char *s, cJSON *obj)
{
    char *save = NULL;
    struct tm tm;
    time_t now = 0;
    snprintf(buf, n, "%s", s);
    vsnprintf(buf, n, "%s", NULL);
    strncat(buf, s, n - strlen(buf) - 1);
    strncpy(buf, s, n);
    strtok_r(buf, ",", &save);
    strtol(s, NULL, 10);
    strtoul(s, NULL, 10);
    fgets(buf, (int)n, stdin);
    localtime_r(&now, &tm);
    gmtime_r(&now, &tm);
    strerror_r(0, buf, n);
    cJSON_GetObjectItemCaseSensitive(obj, "Id");
    cJSON_GetArrayItem(obj, 0);
    my_sprintf(buf);
    xatoi(s);
    atoi_checked(s);
    sprintf_helper(buf);
    mg_printf_data(NULL);
    gets_line(buf);
    utf8strcpy(buf, s);
    base64atoi(s);
    v2_sprintf(buf);
}
EOF

    put "$r" server/good_comments.c <<'EOF'
/* sprintf(buf, "x"); at the start of a file */
// strcpy(a, b);
int x; /* strcat(a, b); */ int y;
/*
 * atoi(s);
 * gets(buf);
 */
int z; // localtime(&t);
/* gmtime(&t); */ /* strerror(errno); */
// continued line comment \
   strtok(buf, ",");
int w;
// comment continued twice \
   more comment \
   strcpy(a, b);
int v;
/** cJSON_GetObjectItem(o, "a"); cJSON_GetErrorPtr(); */
EOF

    put "$r" server/good_strings.c <<'EOF'
const char *a = "sprintf(";
const char *b = "escaped \" strcpy(a, b) \"";
const char *c = "atoi(s) // not a comment";
const char *d = "/* strcat(a, b) */";
const char e = '"';
const char f = '\'';
const char *g = "backslash \\";
const char *h = "continued \
gets(buf) still inside the string";
const char *i = u8"localtime(&t)";
const char j[] = "gmtime(" "strerror(";
EOF

    # CRLF line endings: the continued comment still ends at the backslash.
    printf '// windows comment \\\r\n   strcat(a, b);\r\nint crlf;\r\n' | put "$r" server/good_crlf.c

    put "$r" server/good_nocall.c <<'EOF'
#include <stdio.h>

typedef int (*printer)(char *, const char *, ...);
/* Mentioning a banned name without calling it is fine. */
static printer p = sprintf;
static void *q = (void *)strcpy;
int sprintf_count;
int atoi_calls = 0;
EOF

    put "$r" server/router.c <<'EOF'
#include <civetweb.h>

void send_body(struct mg_connection *conn)
{
    mg_printf(conn, "HTTP/1.1 204 No Content\r\n\r\n");
    mg_printf (conn, "%s", "");
}
EOF

    put "$r" model/job.h <<'EOF'
#ifndef JOB_H
#define JOB_H
#include <stddef.h>
#include <sqlite3.h>
#include "model/job_state.h"
#include "cjson_compat.h"
#include "my_civetweb.h"
// #include <cJSON.h>
/* #include <civetweb.h> */
/*
#include <cjson/cJSON.h>
*/
#endif
EOF

    put "$r" model/job.c <<'EOF'
#include "job.h"

int job_parse(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
EOF

    put "$r" tests/support/rf_check.h <<'EOF'
#ifndef RF_CHECK_H
#define RF_CHECK_H
#include <check.h>
#endif
EOF

    put "$r" tests/test_job.c <<'EOF'
#include "support/rf_check.h"
#include "rf_check.h"
#include "check_helpers.h"

START_TEST(test_parse)
{
    ck_assert_int_eq(strtol("1", NULL, 10), 1);
}
END_TEST
EOF

    # Not project sources: build trees, hidden directories, other suffixes.
    put "$r" server/build/generated.c <<'EOF'
void generated(char *b) { sprintf(b, "x"); }
EOF
    put "$r" tests/.cache/x.c <<'EOF'
void cached(char *b) { strcpy(b, "x"); }
EOF
    put "$r" server/notes.txt <<'EOF'
sprintf(b, "x");
EOF
    put "$r" server/routes.def <<'EOF'
ROUTE(sprintf(b, "x"))
EOF
    put "$r" build/release/x.c <<'EOF'
void built(char *b) { strcpy(b, "x"); }
EOF
}

# Number of files checksrc.sh is expected to scan in the good tree.
good_tree_files=10

# ---------------------------------------------------------------------------
# Known-bad sources: exactly the lines marked EXPECT must be reported.

make_bad_tree() {
    local r=$1

    put "$r" server/bad_calls.c <<'EOF'
#include <stdio.h>

void bad_calls(char *buf, const char *s, cJSON *o, struct tm *tm, time_t t)
{
    sprintf(buf, "%s", s); /* EXPECT */
    vsprintf(buf, "%s", NULL); /* EXPECT */
    strcpy(buf, s); /* EXPECT */
    strcat(buf, s); /* EXPECT */
    strtok(buf, ","); /* EXPECT */
    atoi(s); /* EXPECT */
    atol(s); /* EXPECT */
    gets(buf); /* EXPECT */
    tm = localtime(&t); /* EXPECT */
    tm = gmtime(&t); /* EXPECT */
    s = strerror(1); /* EXPECT */
    s = cJSON_GetErrorPtr(); /* EXPECT */
    o = cJSON_GetObjectItem(o, "Id"); /* EXPECT */
    mg_printf(conn, "x"); /* EXPECT */
}
EOF

    put "$r" server/bad_tricky.c <<'EOF'
void bad_tricky(char *buf, const char *s)
{
    sprintf (buf, "%s", s); /* EXPECT */
	strcpy	(buf, s); /* EXPECT */
    snprintf(buf, 4, "x"); strcat(buf, s); /* EXPECT */
    /* comment */ strcpy(buf, s); /* EXPECT */
    const char *q = "strcpy(" ; atoi(s); /* EXPECT */
    const char c = '"'; atol(s); /* EXPECT */
    /* a block comment
       that ends here */ gets(buf); /* EXPECT */
    x = (int)atoi(s) + 1; /* EXPECT */
    if (!strtok(buf, ",")) { /* EXPECT */
    }
    return;
}
EOF

    put "$r" server/crlf.c <<'EOF'
void crlf(char *buf) { sprintf(buf, "x"); } /* EXPECT */
EOF
    sed -i 's/$/\r/' "$r/server/crlf.c"

    # An unterminated quote ends at the end of its line.
    put "$r" server/bad_quotes.c <<'EOF'
#if 0
#error this isn't supported
#error missing closing quote: "
#endif
void f(char *b) { strcpy(b, "x"); } /* EXPECT */
EOF

    put "$r" tests/test_bad.c <<'EOF'
#include <check.h> /* EXPECT */
#include "support/rf_check.h"

void t(char *b) { mg_printf(NULL, "x"); } /* EXPECT */
EOF

    put "$r" server/uses_check.c <<'EOF'
#  include "check.h" /* EXPECT */
EOF

    put "$r" model/bad_includes.h <<'EOF'
#include <civetweb.h> /* EXPECT */
#include "cJSON.h" /* EXPECT */
#include <cjson/cJSON.h> /* EXPECT */
#  include "../third_party/civetweb/include/civetweb.h" /* EXPECT */
#include <stddef.h>
#include <check.h> /* EXPECT */
EOF

    put "$r" model/bad_call.c <<'EOF'
#include "bad_includes.h"
int f(const char *s) { return atoi(s); } /* EXPECT */
EOF
}

bad_tree_files=8

# ---------------------------------------------------------------------------

# 1. Known-good tree: clean, exit 0, exact summary.
good=$tmp/good
make_good_tree "$good"
run "$good"
expect_eq "good tree: exit status" 0 "$rc"
expect_eq "good tree: summary" "checksrc: $good_tree_files files clean" "$out"
expect_eq "good tree: stderr" "" "$err"

# 2. Known-bad tree: exit 1, exactly the marked lines, one report per line.
bad=$tmp/bad
make_bad_tree "$bad"
run "$bad"
expect_eq "bad tree: exit status" 1 "$rc"
expected=$(expected_locations "$bad")
reported=$(reported_locations)
expect_eq "bad tree: reported locations" "$expected" "$reported"
expect_eq "bad tree: violation count" "$(printf '%s\n' "$expected" | grep -c .)" \
    "$(printf '%s\n' "$out" | grep -cE '^[^:]+:[0-9]+: ')"
expect_eq "bad tree: no summary on stdout" "" "$(printf '%s\n' "$out" | grep 'files clean' || true)"
expect_eq "bad tree: files checked" "checksrc: violations found in $bad_tree_files files checked" "$err"

# 3. Good and bad together: still exactly the bad lines.
both=$tmp/both
make_good_tree "$both"
make_bad_tree "$both"
run "$both"
expect_eq "combined tree: exit status" 1 "$rc"
expect_eq "combined tree: reported locations" "$(expected_locations "$both")" "$(reported_locations)"

# 4. Each banned identifier is reported by name.
for name in sprintf vsprintf strcpy strcat strtok atoi atol gets localtime gmtime strerror \
    cJSON_GetErrorPtr cJSON_GetObjectItem mg_printf; do
    r=$tmp/one-$name
    printf 'void f(void)\n{\n    %s(0);\n}\n' "$name" | put "$r" server/one.c
    run "$r"
    expect_eq "$name: exit status" 1 "$rc"
    expect_eq "$name: report" "server/one.c:3: banned call $name()" "${out%% (*}"
done

# 5. mg_printf is allowed in server/router.c only (not in another router.c).
r=$tmp/router
printf 'void f(void) { mg_printf(c, "x"); }\n' | put "$r" server/router.c
printf 'void f(void) { mg_printf(c, "x"); }\n' | put "$r" server/sub/router.c
run "$r"
expect_eq "router: exit status" 1 "$rc"
expect_eq "router: only the nested router.c" "server/sub/router.c:1" "$(reported_locations)"

# 6. check.h is allowed in tests/support/rf_check.h only.
r=$tmp/checkh
printf '#include <check.h>\n' | put "$r" tests/support/rf_check.h
printf '#include <check.h>\n' | put "$r" tests/rf_check.h
run "$r"
expect_eq "check.h: exit status" 1 "$rc"
expect_eq "check.h: only the other rf_check.h" "tests/rf_check.h:1" "$(reported_locations)"

# 7. civetweb.h and cJSON.h are fine outside model/.
r=$tmp/outside
printf '#include <civetweb.h>\n#include "cJSON.h"\n' | put "$r" server/http.c
printf '#include <cjson/cJSON.h>\n' | put "$r" tests/test_json.c
run "$r"
expect_eq "outside model: exit status" 0 "$rc"
expect_eq "outside model: summary" "checksrc: 2 files clean" "$out"

# 8. Empty tree and usage errors.
mkdir -p "$tmp/empty"
run "$tmp/empty"
expect_eq "empty tree: exit status" 0 "$rc"
expect_eq "empty tree: summary" "checksrc: 0 files clean" "$out"
run "$tmp/does-not-exist"
expect_eq "missing root: exit status" 2 "$rc"
run "$tmp/empty" extra-argument
expect_eq "too many arguments: exit status" 2 "$rc"

echo "checksrc-selftest: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
