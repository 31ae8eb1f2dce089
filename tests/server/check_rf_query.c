#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "rf_query.h"
#include "router.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static const cJSON *
first_message(const struct rf_resp *resp)
{
    const cJSON *j_err = cJSON_GetObjectItemCaseSensitive(resp->j_body, "error");
    const cJSON *j_info = cJSON_GetObjectItemCaseSensitive(j_err, "@Message.ExtendedInfo");

    return cJSON_GetArrayItem(j_info, 0);
}

static const char *
message_id(const struct rf_resp *resp)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(first_message(resp), "MessageId");

    return cJSON_IsString(j) ? j->valuestring : "";
}

static const char *
message_arg(const struct rf_resp *resp, int i)
{
    const cJSON *j_args = cJSON_GetObjectItemCaseSensitive(first_message(resp), "MessageArgs");
    const cJSON *j = cJSON_GetArrayItem(j_args, i);

    return cJSON_IsString(j) ? j->valuestring : NULL;
}

/* Expects rf_query_parse(raw) to fail with status and Base.1.22.<key>; when param is not NULL,
 * the message's parameter argument (index argi) must name it. */
static void
expect_error(const char *raw, int status, const char *key, int argi, const char *param)
{
    struct rf_query q;
    struct rf_resp resp;
    char id[96];

    memset(&resp, 0, sizeof resp);
    ck_assert_msg(rf_query_parse(raw, &q, &resp) == -1, "accepted: %.80s", raw);
    ck_assert_msg(resp.status == status, "%.80s: status %d, want %d", raw, resp.status, status);
    ck_assert_int_eq(rf_fmt(id, sizeof id, "Base.1.22.%s", key), 0);
    ck_assert_msg(strcmp(message_id(&resp), id) == 0, "%.80s: %s, want %s", raw, message_id(&resp),
                  id);
    if (param != NULL) {
        const char *a = message_arg(&resp, argi);

        ck_assert_msg(a != NULL && strcmp(a, param) == 0, "%.80s: argument %s, want %s", raw,
                      a ? a : "(none)", param);
    }
    ck_assert_ptr_null(q.select);
    ck_assert_ptr_null(q.filter);
    rf_query_cleanup(&q);
    rf_resp_reset(&resp);
}

static struct rf_query
parse_ok(const char *raw)
{
    struct rf_query q;
    struct rf_resp resp;

    memset(&resp, 0, sizeof resp);
    ck_assert_msg(rf_query_parse(raw, &q, &resp) == 0, "refused %.80s: %d %s", raw ? raw : "",
                  resp.status, message_id(&resp));
    ck_assert_ptr_null(resp.j_body);
    return q;
}

/* A string of n copies of unit followed by tail; the caller frees it. */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head);
    size_t ul = strlen(unit);
    size_t tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    char *p = s;

    ck_assert_ptr_nonnull(s);
    memcpy(p, head, hl);
    p += hl;
    for (size_t i = 0; i < n; i++) {
        memcpy(p, unit, ul);
        p += ul;
    }
    memcpy(p, tail, tl);
    p[tl] = '\0';
    return s;
}

/* ---- parsing: good queries ---------------------------------------------------------------- */

static const struct {
    const char *raw;
    int has_top;
    size_t top;
    int has_skip;
    size_t skip;
    int only;
    int excerpt;
    int expand;
    int levels;
    size_t nselect;
    int filter;
} good[] = {
    {NULL, 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$top=10&$skip=5", 1, 10, 1, 5, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$top=0", 1, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$skip=007", 0, 0, 1, 7, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$top=2147483647", 1, 2147483647u, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"%24top=3", 1, 3, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$top=%33", 1, 3, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"only", 0, 0, 0, 0, 1, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"only=", 0, 0, 0, 0, 1, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"excerpt", 0, 0, 0, 0, 0, 1, RF_EXPAND_NONE, 1, 0, 0},
    {"excerpt&$select=Id", 0, 0, 0, 0, 0, 1, RF_EXPAND_NONE, 1, 1, 0},
    {"$expand=.", 0, 0, 0, 0, 0, 0, RF_EXPAND_DOT, 1, 0, 0},
    {"$expand=*", 0, 0, 0, 0, 0, 0, RF_EXPAND_ASTERISK, 1, 0, 0},
    {"$expand=~", 0, 0, 0, 0, 0, 0, RF_EXPAND_TILDE, 1, 0, 0},
    {"$expand=*($levels=3)", 0, 0, 0, 0, 0, 0, RF_EXPAND_ASTERISK, 3, 0, 0},
    {"$expand=~($levels=1)", 0, 0, 0, 0, 0, 0, RF_EXPAND_TILDE, 1, 0, 0},
    {"%24expand=%2E%28%24levels%3D2%29", 0, 0, 0, 0, 0, 0, RF_EXPAND_DOT, 2, 0, 0},
    {"$select=JobState,Status/Health", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 2, 0},
    {"$select=Job%53tate", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 1, 0},
    {"$filter=JobState+eq+%27Running%27", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 1},
    {"$filter=(A eq 1)", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 1},
    {"foo=bar&$top=1&x", 1, 1, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"&&$top=1&&=x&", 1, 1, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"foo=%zz%00&bar", 0, 0, 0, 0, 0, 0, RF_EXPAND_NONE, 1, 0, 0},
    {"$top=1&$skip=2&$select=Id&$expand=.&$filter=Id eq '1'&excerpt", 1, 1, 1, 2, 0, 1,
     RF_EXPAND_DOT, 1, 1, 1},
};

START_TEST(test_parse_good)
{
    struct rf_query q = parse_ok(good[_i].raw);

    ck_assert_int_eq(q.has_top, good[_i].has_top);
    ck_assert_uint_eq(q.top, good[_i].top);
    ck_assert_int_eq(q.has_skip, good[_i].has_skip);
    ck_assert_uint_eq(q.skip, good[_i].skip);
    ck_assert_int_eq(q.only, good[_i].only);
    ck_assert_int_eq(q.excerpt, good[_i].excerpt);
    ck_assert_int_eq(q.expand, good[_i].expand);
    ck_assert_int_eq(q.expand_levels, good[_i].levels);
    ck_assert_uint_eq(rf_select_count(q.select), good[_i].nselect);
    ck_assert_int_eq(q.filter != NULL, good[_i].filter);
    rf_query_cleanup(&q);
    ck_assert_ptr_null(q.select);
    ck_assert_ptr_null(q.filter);
    rf_query_cleanup(&q);
    rf_query_cleanup(NULL);
}
END_TEST

/* ---- parsing: bad queries ----------------------------------------------------------------- */

#define TYPE "QueryParameterValueTypeError"
#define FMT "QueryParameterValueFormatError"
#define RANGE "QueryParameterOutOfRange"
#define COMBO "QueryCombinationInvalid"
#define NOTSUP "QueryNotSupported"
#define UNSUP "QueryParameterUnsupported"

static const struct {
    const char *raw;
    int status;
    const char *key;
    int argi;          /* index of the argument naming the parameter */
    const char *param; /* NULL: not checked */
} bad[] = {
    {"$top=abc", 400, TYPE, 1, "$top"},
    {"$top=-1", 400, TYPE, 1, "$top"},
    {"$top=", 400, TYPE, 1, "$top"},
    {"$top", 400, TYPE, 1, "$top"},
    {"$top=+1", 400, TYPE, 1, "$top"},
    {"$top=1.5", 400, TYPE, 1, "$top"},
    {"$top=1%20", 400, TYPE, 1, "$top"},
    {"$skip=x", 400, TYPE, 1, "$skip"},
    {"$top=2147483648", 400, RANGE, 1, "$top"},
    {"$skip=99999999999999999999999999", 400, RANGE, 1, "$skip"},
    {"$top=1&$top=2", 400, FMT, 1, "$top"},
    {"$filter=A eq 1&%24filter=A eq 2", 400, FMT, 1, "$filter"},
    {"$top=1%", 400, FMT, 1, "$top"},
    {"$top=1%2", 400, FMT, 1, "$top"},
    {"$top=%zz", 400, FMT, 1, "$top"},
    {"$top=%001", 400, FMT, 1, "$top"},
    {"only=foo", 400, FMT, 1, "only"},
    {"excerpt=1", 400, FMT, 1, "excerpt"},
    {"only&$top=1", 400, COMBO, 0, NULL},
    {"$filter=A eq 1&only", 400, COMBO, 0, NULL},
    {"only&excerpt", 400, COMBO, 0, NULL},
    {"$expand=", 400, FMT, 1, "$expand"},
    {"$expand", 400, FMT, 1, "$expand"},
    {"$expand=.($levels=0)", 400, FMT, 1, "$expand"},
    {"$expand=.($levels=x)", 400, FMT, 1, "$expand"},
    {"$expand=.($levels=2", 400, FMT, 1, "$expand"},
    {"$expand=.($levels=2)x", 400, FMT, 1, "$expand"},
    {"$expand=.foo", 400, FMT, 1, "$expand"},
    {"$expand=%2B", 400, FMT, 1, "$expand"},
    {"$expand=*($levels=4)", 501, NOTSUP, 0, NULL},
    {"$expand=.($levels=99999999999999999999)", 501, NOTSUP, 0, NULL},
    {"$expand=Members", 501, NOTSUP, 0, NULL},
    {"$select=", 400, FMT, 1, "$select"},
    {"$select=A,,B", 400, FMT, 1, "$select"},
    {"$select=A,", 400, FMT, 1, "$select"},
    {"$select=A/", 400, FMT, 1, "$select"},
    {"$select=/A", 400, FMT, 1, "$select"},
    {"$select=A+B", 400, FMT, 1, "$select"},
    {"$select=*", 400, FMT, 1, "$select"},
    {"$select=A/B/C/D/E/F/G/H/I", 400, FMT, 1, "$select"},
    {"$foo=1", 501, UNSUP, 0, "$foo"},
    {"%24foo=1", 501, UNSUP, 0, "$foo"},
    {"$TOP=1", 501, UNSUP, 0, "$TOP"},
    {"$levels=2", 501, UNSUP, 0, "$levels"},
    {"$filter=", 400, FMT, 1, "$filter"},
    {"$filter=JobState", 400, FMT, 1, "$filter"},
    {"$filter=JobState eq", 400, FMT, 1, "$filter"},
    {"$filter=eq 'x'", 400, FMT, 1, "$filter"},
    {"$filter=JobState eq 'Running", 400, FMT, 1, "$filter"},
    {"$filter=JobState eq 'it''s", 400, FMT, 1, "$filter"},
    {"$filter=JobState == 'x'", 400, FMT, 1, "$filter"},
    {"$filter=(JobState eq 'x'", 400, FMT, 1, "$filter"},
    {"$filter=JobState eq 'x')", 400, FMT, 1, "$filter"},
    {"$filter=()", 400, FMT, 1, "$filter"},
    {"$filter=JobState eq 'x' and", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1 eq 2", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1 B eq 2", 400, FMT, 1, "$filter"},
    {"$filter=A eq 'x' or or B eq 1", 400, FMT, 1, "$filter"},
    {"$filter=not", 400, FMT, 1, "$filter"},
    {"$filter=not A", 400, FMT, 1, "$filter"},
    {"$filter=true", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1.", 400, FMT, 1, "$filter"},
    {"$filter=A eq .5", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1e5", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1.2.3", 400, FMT, 1, "$filter"},
    {"$filter=A eq --1", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1234567890123456789", 400, FMT, 1, "$filter"},
    {"$filter=A/ eq 1", 400, FMT, 1, "$filter"},
    {"$filter=/A eq 1", 400, FMT, 1, "$filter"},
    {"$filter=A//B eq 1", 400, FMT, 1, "$filter"},
    {"$filter=A eq \"x\"", 400, FMT, 1, "$filter"},
    {"$filter=A eq 'x'%00", 400, FMT, 1, "$filter"},
    {"$filter=A eq 'x%00y'", 400, FMT, 1, "$filter"},
    {"$filter=A eq 'x%0a'", 400, FMT, 1, "$filter"},
    {"$filter=A%09eq 1", 400, FMT, 1, "$filter"},
    {"$filter=A Eq 1", 400, FMT, 1, "$filter"},
    {"$filter=A eq 1 AND B eq 2", 400, FMT, 1, "$filter"},
};

START_TEST(test_parse_bad)
{
    expect_error(bad[_i].raw, bad[_i].status, bad[_i].key, bad[_i].argi, bad[_i].param);
}
END_TEST

START_TEST(test_parse_mask)
{
    struct rf_query q;
    struct rf_resp resp;

    /* The router does not decode names: an encoded option the route lacks still gets 501. */
    memset(&resp, 0, sizeof resp);
    ck_assert_int_eq(rf_query_parse_mask("%24filter=A eq 1", RF_Q_TOP, &q, &resp), -1);
    ck_assert_int_eq(resp.status, 501);
    ck_assert_str_eq(message_id(&resp), "Base.1.22.QueryParameterUnsupported");
    ck_assert_str_eq(message_arg(&resp, 0), "$filter");
    rf_resp_reset(&resp);
    ck_assert_int_eq(rf_query_parse_mask("$top=2&x=1", RF_Q_TOP, &q, &resp), 0);
    ck_assert_uint_eq(q.top, 2);
    rf_query_cleanup(&q);
}
END_TEST

START_TEST(test_parse_echo)
{
    struct rf_query q;
    struct rf_resp resp;
    const char *a;

    /* Echoed values are printable ASCII and cut. */
    memset(&resp, 0, sizeof resp);
    ck_assert_int_eq(rf_query_parse("$top=%C3%A9%7F", &q, &resp), -1);
    ck_assert_str_eq(message_arg(&resp, 0), "%C3%A9%7F"); /* the escape is refused: raw echo */
    rf_resp_reset(&resp);
    ck_assert_int_eq(rf_query_parse("$top=%C3%A9", &q, &resp), -1);
    ck_assert_str_eq(message_id(&resp), "Base.1.22." TYPE);
    ck_assert_str_eq(message_arg(&resp, 0), "??");
    rf_resp_reset(&resp);
    ck_assert_int_eq(
        rf_query_parse("$select=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                       "AAAAAAAAAAAAAAAAAAAAA,,",
                       &q, &resp),
        -1);
    a = message_arg(&resp, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(strlen(a), 67);
    ck_assert_str_eq(a + 64, "...");
    rf_resp_reset(&resp);
}
END_TEST

/* ---- hostile input ------------------------------------------------------------------------ */

START_TEST(test_hostile_long_filter)
{
    char *raw = repeat("$filter=A eq '", "x", 100000, "'");

    expect_error(raw, 400, FMT, 1, "$filter");
    free(raw);
    raw = repeat("$filter=", "(", 100000, "");
    expect_error(raw, 400, FMT, 1, "$filter");
    free(raw);
}
END_TEST

START_TEST(test_hostile_long_query)
{
    /* Over RF_QUERY_LEN_MAX in total, even in a parameter that would be ignored. */
    char *raw = repeat("$top=1&foo=", "y", RF_QUERY_LEN_MAX, "");

    expect_error(raw, 400, FMT, 1, "foo");
    free(raw);
    raw = repeat("$top=1", "&a=1", RF_QUERY_PARAMS_MAX, "");
    expect_error(raw, 400, FMT, 1, "a");
    free(raw);
    raw = repeat("$top=1", "&a=1", RF_QUERY_PARAMS_MAX - 1, "");
    {
        struct rf_query q = parse_ok(raw);

        rf_query_cleanup(&q);
    }
    free(raw);
    /* A very long unknown name is ignored, a '$' one refused. */
    raw = repeat("", "n", 1000, "=1&$top=1");
    {
        struct rf_query q = parse_ok(raw);

        ck_assert_uint_eq(q.top, 1);
        rf_query_cleanup(&q);
    }
    free(raw);
    raw = repeat("$", "n", 1000, "=1");
    expect_error(raw, 501, UNSUP, 0, NULL);
    free(raw);
}
END_TEST

START_TEST(test_hostile_nesting)
{
    char *head;
    char *raw;
    size_t n = RF_FILTER_DEPTH_MAX;

    /* Exactly the limit parses; one more level is refused. */
    head = repeat("$filter=", "(", n, "A eq 1");
    raw = repeat(head, ")", n, "");
    free(head);
    {
        struct rf_query q = parse_ok(raw);
        cJSON *j = cJSON_Parse("{\"A\":1}");

        ck_assert_int_eq(rf_filter_eval_json(q.filter, j), 1);
        cJSON_Delete(j);
        rf_query_cleanup(&q);
    }
    free(raw);
    head = repeat("$filter=", "(", n + 1, "A eq 1");
    raw = repeat(head, ")", n + 1, "");
    free(head);
    expect_error(raw, 400, FMT, 1, "$filter");
    free(raw);
    raw = repeat("$filter=", "not ", 1000, "A eq 1");
    expect_error(raw, 400, FMT, 1, "$filter");
    free(raw);
    raw = repeat("$filter=", "not (", n / 2, "A eq 1");
    head = raw;
    raw = repeat(head, ")", n / 2, "");
    free(head);
    {
        struct rf_query q = parse_ok(raw);
        cJSON *j = cJSON_Parse("{\"A\":1}");

        ck_assert_int_eq(rf_filter_eval_json(q.filter, j), 1); /* 16 nots */
        cJSON_Delete(j);
        rf_query_cleanup(&q);
    }
    free(raw);
}
END_TEST

START_TEST(test_hostile_nodes)
{
    /* A long flat chain is one n-ary node: no recursion per term, but the node count is
     * bounded. */
    char *raw = repeat("$filter=A eq 0", " or A eq 1", RF_FILTER_NODES_MAX, "");

    expect_error(raw, 400, FMT, 1, "$filter");
    free(raw);
    raw = repeat("$filter=A eq 0", " and A ne 2", RF_FILTER_NODES_MAX - 2, "");
    {
        struct rf_query q = parse_ok(raw);
        cJSON *j = cJSON_Parse("{\"A\":0}");

        ck_assert_int_eq(rf_filter_eval_json(q.filter, j), 1);
        cJSON_Delete(j);
        rf_query_cleanup(&q);
    }
    free(raw);
}
END_TEST

/* ---- $filter evaluation over a table of members -------------------------------------------- */

static const char *const members_json[] = {
    "{\"Id\":\"1\",\"JobState\":\"Running\",\"PercentComplete\":50,\"Hidden\":false,"
    "\"CreationTime\":\"2026-11-21T01:30:00+02:00\",\"Name\":null,"
    "\"Oem\":{\"Rfjobd\":{\"JobState\":\"Running\"}},\"Status\":{\"Health\":\"OK\"}}",
    "{\"Id\":\"2\",\"JobState\":\"Completed\",\"PercentComplete\":100,\"Hidden\":true,"
    "\"CreationTime\":\"2026-11-21T00:30:00Z\",\"Name\":\"Job two\","
    "\"Oem\":{\"Rfjobd\":{\"JobState\":\"Done\"}},\"Tags\":[1,2]}",
    "{\"Id\":\"3\",\"JobState\":\"New\",\"PercentComplete\":0,"
    "\"CreationTime\":\"2026-11-20T19:00:00-05:00\",\"Name\":\"O'Brien\"}",
    "{\"Id\":\"10\",\"JobState\":\"Running\",\"PercentComplete\":7.5,\"Hidden\":false,"
    "\"CreationTime\":\"2026-11-21T00:00:00.5+00:00\",\"Name\":\"x\"}",
};
#define NMEMBERS (sizeof members_json / sizeof members_json[0])

/* Instants of CreationTime: m0 2026-11-20T23:30Z, m1 2026-11-21T00:30Z, m2 2026-11-21T00:00Z,
 * m3 2026-11-21T00:00:00.5Z. */
static const struct {
    const char *filter; /* as it appears in a URL (percent-encoded where needed) */
    unsigned match;     /* bit i: member i matches */
} evals[] = {
    {"JobState eq 'Running'", 0x9},
    {"JobState ne 'Running'", 0x6},
    {"PercentComplete gt 50", 0x2},
    {"PercentComplete ge 50", 0x3},
    {"PercentComplete lt 7.5", 0x4},
    {"PercentComplete le 7.5", 0xc},
    {"PercentComplete eq -1", 0x0},
    {"PercentComplete gt -1.25", 0xf},
    {"PercentComplete eq 50.0", 0x1},
    {"PercentComplete eq 0", 0x4},
    {"PercentComplete eq 0.0", 0x4},
    {"Hidden eq true", 0x2},
    {"Hidden eq false", 0x9},
    {"Hidden ne true", 0xd},
    {"Hidden gt false", 0x0},
    {"Name eq null", 0x1},
    {"Name ne null", 0xe},
    {"Name gt null", 0x0},
    {"Name eq 'O''Brien'", 0x4},
    {"Name eq %27Job%20two%27", 0x2},
    {"Name eq 'Job+two'", 0x2},
    {"Oem/Rfjobd/JobState eq 'Done'", 0x2},
    {"Status/Health eq 'OK'", 0x1},
    {"Oem/Rfjobd eq 'x'", 0x0},
    {"Tags eq 1", 0x0},
    {"NoSuch eq 1", 0x0},
    {"NoSuch ne 1", 0xf},
    {"NoSuch eq null", 0x0},
    {"Id gt '2'", 0x4},
    {"Id lt '2'", 0x9},
    {"Id eq 1", 0x0},
    {"Id ne 1", 0xf},
    {"PercentComplete eq '50'", 0x0},
    {"CreationTime gt '2026-11-21T00:00:00+00:00'", 0xa},
    {"CreationTime eq '2026-11-21T00:00:00Z'", 0x4},
    {"CreationTime eq '2026-11-21T09:00:00%2B09:00'", 0x4},
    {"CreationTime gt '2026-11-21T00:00:00%2B00:00'", 0xa},
    {"CreationTime lt '2026-11-21T00:00:00.5+00:00'", 0x5}, /* '+' decoded to ' ' */
    {"CreationTime ge '2026-11-21T00:00:00.5Z'", 0xa},
    {"CreationTime lt '2026-11-21T02:00:00+01:00'", 0xf},
    {"CreationTime le '2026-11-20T23:30:00Z'", 0x1},
    {"CreationTime le '2026-11-20T18:30:00-05:00'", 0x1},
    {"CreationTime gt '2026-11-21'", 0xb}, /* not a date-time: byte-wise */
    {"JobState eq 'New' or JobState eq 'Running' and PercentComplete gt 10", 0x5},
    {"(JobState eq 'New' or JobState eq 'Running') and PercentComplete gt 10", 0x1},
    {"JobState eq 'Running' and PercentComplete gt 10 or JobState eq 'New'", 0x5},
    {"not JobState eq 'Running'", 0x6},
    {"not (JobState eq 'Running') and Hidden eq true", 0x2},
    {"not(JobState eq 'Running')", 0x6},
    {"not not JobState eq 'Running'", 0x9},
    {"not (PercentComplete lt 10 or Hidden eq true)", 0x1},
    {"JobState eq 'Running' and Hidden eq false and PercentComplete ge 50", 0x1},
    {"Id eq '1' or Id eq '2' or Id eq '3'", 0x7},
    {"((Id eq '1') or ((Id eq '10')))", 0x9},
    {"'Running' eq JobState", 0x9},
    {"50 lt PercentComplete", 0x2},
    {"  JobState   eq   'New'  ", 0x4},
};

START_TEST(test_filter_eval)
{
    char raw[256];
    struct rf_query q;
    unsigned got = 0;

    ck_assert_int_eq(rf_fmt(raw, sizeof raw, "$filter=%s", evals[_i].filter), 0);
    q = parse_ok(raw);
    ck_assert_ptr_nonnull(q.filter);
    for (size_t m = 0; m < NMEMBERS; m++) {
        cJSON *j = cJSON_Parse(members_json[m]);

        ck_assert_ptr_nonnull(j);
        if (rf_filter_eval_json(q.filter, j)) {
            got |= 1u << m;
        }
        cJSON_Delete(j);
    }
    ck_assert_msg(got == evals[_i].match, "%s: matched 0x%x, want 0x%x", evals[_i].filter, got,
                  evals[_i].match);
    rf_query_cleanup(&q);
}
END_TEST

struct fake_member {
    const char *state;
    double pct;
    int calls;
};

static int
fake_get(void *arg, const char *prop, struct rf_qval *out)
{
    struct fake_member *m = arg;

    m->calls++;
    if (strcmp(prop, "Oem/Rfjobd/JobState") == 0) {
        out->type = RF_QV_STRING;
        out->s = m->state;
        return 0;
    }
    if (strcmp(prop, "PercentComplete") == 0) {
        out->type = RF_QV_NUMBER;
        out->n = m->pct;
        return 0;
    }
    return -1;
}

START_TEST(test_filter_getter)
{
    struct rf_query q = parse_ok("$filter=Oem/Rfjobd/JobState eq 'Running' or PercentComplete "
                                 "ge 99.5");
    struct fake_member a = {"Running", 0, 0};
    struct fake_member b = {"New", 99.5, 0};
    struct fake_member c = {NULL, 1, 0};

    ck_assert_int_eq(rf_filter_eval(q.filter, fake_get, &a), 1);
    ck_assert_int_eq(a.calls, 1); /* "or" stops at the first true term */
    ck_assert_int_eq(rf_filter_eval(q.filter, fake_get, &b), 1);
    ck_assert_int_eq(rf_filter_eval(q.filter, fake_get, &c), 0); /* NULL string: missing */
    ck_assert_int_eq(rf_filter_eval(NULL, fake_get, &c), 1);
    ck_assert_int_eq(rf_filter_eval_json(NULL, NULL), 1);
    ck_assert_int_eq(rf_filter_eval_json(q.filter, NULL), 0);
    rf_query_cleanup(&q);
}
END_TEST

START_TEST(test_filter_check_props)
{
    static const char *const allowed[] = {"JobState", "PercentComplete", "Oem/Rfjobd/JobState",
                                          NULL};
    struct rf_query q = parse_ok("$filter=JobState eq 'x' and not (PercentComplete gt 1) or "
                                 "Oem/Rfjobd/JobState eq 'y'");
    struct rf_resp resp;

    memset(&resp, 0, sizeof resp);
    ck_assert_int_eq(rf_filter_check_props(q.filter, allowed, &resp), 0);
    ck_assert_int_eq(rf_filter_check_props(NULL, allowed, &resp), 0);
    ck_assert_ptr_null(resp.j_body);
    rf_query_cleanup(&q);
    q = parse_ok("$filter=JobState eq 'x' or 'y' eq Oem/Foo");
    ck_assert_int_eq(rf_filter_check_props(q.filter, allowed, &resp), -1);
    ck_assert_int_eq(resp.status, 400);
    ck_assert_str_eq(message_id(&resp), "Base.1.22.PropertyUnknown");
    ck_assert_str_eq(message_arg(&resp, 0), "Oem/Foo");
    rf_resp_reset(&resp);
    rf_query_cleanup(&q);
}
END_TEST

/* ---- $select ---------------------------------------------------------------------------- */

static const struct {
    const char *select;
    const char *in;
    const char *want;
} selects[] = {
    {"JobState,Status/Health,Members/Id,Oem/Missing,Name/Sub",
     "{\"@odata.id\":\"/x\",\"@odata.type\":\"#Job\",\"@odata.etag\":\"W/\\\"1\\\"\","
     "\"@odata.context\":\"c\",\"Id\":\"1\",\"Name\":\"n\",\"JobState\":\"Running\","
     "\"JobState@Redfish.AllowableValues\":[\"a\"],\"Status\":{\"Health\":\"OK\",\"State\":"
     "\"Enabled\"},\"Schedule\":{\"InitialStartTime\":\"t\"},\"Members\":[{\"Id\":\"a\","
     "\"Name\":\"x\"},{\"Id\":\"b\",\"Name\":\"y\"},3],\"@Message.ExtendedInfo\":[],\"Oem\":"
     "{\"Rfjobd\":{\"A\":1}},\"Members@odata.count\":2}",
     "{\"@odata.id\":\"/x\",\"@odata.type\":\"#Job\",\"@odata.etag\":\"W/\\\"1\\\"\","
     "\"@odata.context\":\"c\",\"JobState\":\"Running\","
     "\"JobState@Redfish.AllowableValues\":[\"a\"],\"Status\":{\"Health\":\"OK\"},"
     "\"Members\":[{\"Id\":\"a\"},{\"Id\":\"b\"},3],\"Members@odata.count\":2}"},
    {"Schedule", "{\"Id\":\"1\",\"Schedule\":{\"InitialStartTime\":\"t\",\"Lifetime\":\"l\"}}",
     "{\"Schedule\":{\"InitialStartTime\":\"t\",\"Lifetime\":\"l\"}}"},
    {"Schedule/Lifetime,Schedule",
     "{\"Id\":\"1\",\"Schedule\":{\"InitialStartTime\":\"t\",\"Lifetime\":\"l\"}}",
     "{\"Schedule\":{\"InitialStartTime\":\"t\",\"Lifetime\":\"l\"}}"},
    {"Oem/Rfjobd/A", "{\"Oem\":{\"Rfjobd\":{\"A\":1,\"B\":2},\"Other\":{}}}",
     "{\"Oem\":{\"Rfjobd\":{\"A\":1}}}"},
    {"Nothing", "{\"@odata.id\":\"/x\",\"Id\":\"1\"}", "{\"@odata.id\":\"/x\"}"},
    {"JobStat", "{\"JobState\":\"x\",\"JobStat\":1}", "{\"JobStat\":1}"},
};

START_TEST(test_select_apply)
{
    char raw[128];
    struct rf_query q;
    cJSON *j_in = cJSON_Parse(selects[_i].in);
    cJSON *j_want = cJSON_Parse(selects[_i].want);
    char *got;

    ck_assert_ptr_nonnull(j_in);
    ck_assert_ptr_nonnull(j_want);
    ck_assert_int_eq(rf_fmt(raw, sizeof raw, "$select=%s", selects[_i].select), 0);
    q = parse_ok(raw);
    rf_select_apply(q.select, j_in);
    got = cJSON_PrintUnformatted(j_in);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(cJSON_Compare(j_in, j_want, 1), "%s: got %s", selects[_i].select, got);
    cJSON_free(got);
    rf_query_cleanup(&q);
    cJSON_Delete(j_in);
    cJSON_Delete(j_want);
}
END_TEST

START_TEST(test_select_noop)
{
    cJSON *j = cJSON_Parse("{\"A\":1}");
    cJSON *j_arr = cJSON_Parse("[1]");
    struct rf_query q = parse_ok("$select=B");

    rf_select_apply(NULL, j);
    ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(j, "A"));
    rf_select_apply(q.select, j_arr);
    ck_assert_int_eq(cJSON_GetArraySize(j_arr), 1);
    rf_select_apply(q.select, NULL);
    ck_assert_uint_eq(rf_select_count(NULL), 0);
    rf_query_cleanup(&q);
    cJSON_Delete(j);
    cJSON_Delete(j_arr);
}
END_TEST

Suite *
rf_query_suite(void)
{
    Suite *s = suite_create("rf_query");
    TCase *tc_parse = tcase_create("parse");
    TCase *tc_hostile = tcase_create("hostile");
    TCase *tc_filter = tcase_create("filter");
    TCase *tc_select = tcase_create("select");

    tcase_set_timeout(tc_parse, 30);
    tcase_set_timeout(tc_hostile, 30);
    tcase_set_timeout(tc_filter, 30);
    tcase_set_timeout(tc_select, 30);
    tcase_add_loop_test(tc_parse, test_parse_good, 0, (int)(sizeof good / sizeof good[0]));
    tcase_add_loop_test(tc_parse, test_parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc_parse, test_parse_mask);
    tcase_add_test(tc_parse, test_parse_echo);
    tcase_add_test(tc_hostile, test_hostile_long_filter);
    tcase_add_test(tc_hostile, test_hostile_long_query);
    tcase_add_test(tc_hostile, test_hostile_nesting);
    tcase_add_test(tc_hostile, test_hostile_nodes);
    tcase_add_loop_test(tc_filter, test_filter_eval, 0, (int)(sizeof evals / sizeof evals[0]));
    tcase_add_test(tc_filter, test_filter_getter);
    tcase_add_test(tc_filter, test_filter_check_props);
    tcase_add_loop_test(tc_select, test_select_apply, 0, (int)(sizeof selects / sizeof selects[0]));
    tcase_add_test(tc_select, test_select_noop);
    suite_add_tcase(s, tc_parse);
    suite_add_tcase(s, tc_hostile);
    suite_add_tcase(s, tc_filter);
    suite_add_tcase(s, tc_select);
    return s;
}
