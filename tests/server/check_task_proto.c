/* The line protocol of a job's command: the report parser and the bounded line splitter. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "task_proto.h"

/* The line under test; texts of the parsed report point into it. */
static char line_buf[2 * TASK_LINE_MAX + 2];

/* Parses len bytes of s (which may hold NUL) as one line. */
static enum task_kind
parse_n(const char *s, size_t len, struct task_line *tl)
{
    ck_assert_uint_lt(len, sizeof line_buf);
    memcpy(line_buf, s, len);
    return task_line_parse(line_buf, len, tl);
}

static enum task_kind
parse(const char *s, struct task_line *tl)
{
    return parse_n(s, strlen(s), tl);
}

/* Parses s, expects kind, and cleans up. */
static void
expect_kind(const char *s, enum task_kind kind)
{
    struct task_line tl;
    enum task_kind got = parse(s, &tl);

    ck_assert_msg(got == kind, "\"%s\": kind %d, expected %d", s, (int)got, (int)kind);
    ck_assert_int_eq((int)tl.kind, (int)got);
    task_line_cleanup(&tl);
}

START_TEST(test_ordinary_lines)
{
    static const char *const lines[] = {
        "",
        "hello world",
        "@rfjobd",
        "@rfjobdprogress 5",
        "@rfjobd\tprogress 5",
        " @rfjobd progress 5",
        "@RFJOBD progress 5",
        "rfjobd progress 5",
        "@rfjob progress 5",
        "\r",
        "plain text\r",
    };
    struct task_line tl;

    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        expect_kind(lines[i], TASK_NONE);
    /* Ordinary output may hold anything, NUL and invalid UTF-8 included. */
    ck_assert_int_eq(parse_n("a\0b\xff", 4, &tl), TASK_NONE);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjob\0 progress 5", 18, &tl), TASK_NONE);
    task_line_cleanup(&tl);
}
END_TEST

START_TEST(test_progress)
{
    static const struct {
        const char *line;
        enum task_kind kind;
        int percent;
    } cases[] = {
        {"@rfjobd progress 0", TASK_PROGRESS, 0},
        {"@rfjobd progress 1", TASK_PROGRESS, 1},
        {"@rfjobd progress 9", TASK_PROGRESS, 9},
        {"@rfjobd progress 10", TASK_PROGRESS, 10},
        {"@rfjobd progress 50", TASK_PROGRESS, 50},
        {"@rfjobd progress 99", TASK_PROGRESS, 99},
        {"@rfjobd progress 100", TASK_PROGRESS, 100},
        {"@rfjobd progress 42\r", TASK_PROGRESS, 42},
        {"@rfjobd progress 101", TASK_BAD, 0},
        {"@rfjobd progress 999", TASK_BAD, 0},
        {"@rfjobd progress 1000", TASK_BAD, 0},
        {"@rfjobd progress -1", TASK_BAD, 0},
        {"@rfjobd progress -0", TASK_BAD, 0},
        {"@rfjobd progress +5", TASK_BAD, 0},
        {"@rfjobd progress 050", TASK_BAD, 0},
        {"@rfjobd progress 00", TASK_BAD, 0},
        {"@rfjobd progress 0100", TASK_BAD, 0},
        {"@rfjobd progress 5 ", TASK_BAD, 0},
        {"@rfjobd progress  5", TASK_BAD, 0},
        {"@rfjobd progress 5x", TASK_BAD, 0},
        {"@rfjobd progress 5%", TASK_BAD, 0},
        {"@rfjobd progress 5.0", TASK_BAD, 0},
        {"@rfjobd progress 0x10", TASK_BAD, 0},
        {"@rfjobd progress 1e2", TASK_BAD, 0},
        {"@rfjobd progress \xef\xbc\x95", TASK_BAD, 0}, /* a fullwidth digit */
        {"@rfjobd progress ", TASK_BAD, 0},
        {"@rfjobd progress", TASK_BAD, 0},
        {"@rfjobd progress 5\r\r", TASK_BAD, 0},
        {"@rfjobd progress\t5", TASK_BAD, 0},
    };
    struct task_line tl;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum task_kind k = parse(cases[i].line, &tl);

        ck_assert_msg(k == cases[i].kind, "\"%s\": kind %d", cases[i].line, (int)k);
        if (k == TASK_PROGRESS)
            ck_assert_int_eq(tl.percent, cases[i].percent);
        task_line_cleanup(&tl);
    }
}
END_TEST

START_TEST(test_state)
{
    struct task_line tl;

    ck_assert_int_eq(parse("@rfjobd state Running", &tl), TASK_STATE);
    ck_assert_int_eq((int)tl.state, TASK_STATE_RUNNING);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd state PendingBoot", &tl), TASK_STATE);
    ck_assert_int_eq((int)tl.state, TASK_STATE_PENDING_BOOT);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd state QueryPending\r", &tl), TASK_STATE);
    ck_assert_int_eq((int)tl.state, TASK_STATE_QUERY_PENDING);
    task_line_cleanup(&tl);
    expect_kind("@rfjobd state running", TASK_BAD);
    expect_kind("@rfjobd state Running ", TASK_BAD);
    expect_kind("@rfjobd state  Running", TASK_BAD);
    expect_kind("@rfjobd state Pending Boot", TASK_BAD);
    expect_kind("@rfjobd state Completed", TASK_BAD);
    expect_kind("@rfjobd state Query Pending", TASK_BAD);
    expect_kind("@rfjobd state ", TASK_BAD);
    expect_kind("@rfjobd state", TASK_BAD);
}
END_TEST

START_TEST(test_status)
{
    struct task_line tl;

    ck_assert_int_eq(parse("@rfjobd status Waiting for the VM to boot", &tl), TASK_STATUS);
    ck_assert_str_eq(tl.text, "Waiting for the VM to boot");
    ck_assert_ptr_eq(tl.text, line_buf + strlen("@rfjobd status "));
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd status \xc3\x9c"
                           "berpr\xc3\xbc"
                           "fung \xe2\x9c\x93 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
                           &tl),
                     TASK_STATUS);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd status  leading blank is text", &tl), TASK_STATUS);
    ck_assert_str_eq(tl.text, " leading blank is text");
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd status x\r", &tl), TASK_STATUS);
    ck_assert_str_eq(tl.text, "x");
    task_line_cleanup(&tl);
    expect_kind("@rfjobd status ", TASK_BAD);
    expect_kind("@rfjobd status    ", TASK_BAD);
    expect_kind("@rfjobd status", TASK_BAD);
    expect_kind("@rfjobd status a\tb", TASK_BAD);
    expect_kind("@rfjobd status a\x7f", TASK_BAD);
    expect_kind("@rfjobd status a\x1b[31m", TASK_BAD);
    expect_kind("@rfjobd status a\xc2\x85", TASK_BAD); /* C1: NEL */
    expect_kind("@rfjobd status a\xc2\x9f", TASK_BAD);
    expect_kind("@rfjobd status a\xc2\xa0", TASK_STATUS); /* U+00A0 is no control */
    expect_kind("@rfjobd status a\r\r", TASK_BAD);
    expect_kind("@rfjobd status a\rb", TASK_BAD);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    static const char *const bad[] = {
        "\x80",                     /* a stray continuation byte */
        "\xbf",                     /* another */
        "\xc0\xaf",                 /* overlong "/" */
        "\xc1\xbf",                 /* overlong */
        "\xe0\x80\xaf",             /* overlong three-byte "/" */
        "\xe0\x9f\xbf",             /* overlong three-byte */
        "\xf0\x80\x80\xaf",         /* overlong four-byte "/" */
        "\xf0\x8f\xbf\xbf",         /* overlong four-byte */
        "\xed\xa0\x80",             /* U+D800, a surrogate */
        "\xed\xbf\xbf",             /* U+DFFF */
        "\xed\xa0\xbd\xed\xb8\x80", /* a surrogate pair in UTF-8 (CESU-8) */
        "\xf4\x90\x80\x80",         /* U+110000 */
        "\xf5\x80\x80\x80",         /* F5 never appears */
        "\xf8\x88\x80\x80\x80",     /* five-byte forms */
        "\xfe",
        "\xff",
        "\xe2\x82",     /* truncated */
        "\xe2",         /* truncated */
        "\xf0\x9f\x98", /* truncated */
        "\xc3\x28",     /* a bad continuation */
        "\xe2\x28\xa1",
    };
    char s[64];
    struct task_line tl;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int n = snprintf(s, sizeof s, "@rfjobd status ok %s ok", bad[i]);

        ck_assert_int_gt(n, 0);
        expect_kind(s, TASK_BAD);
        n = snprintf(s, sizeof s, "@rfjobd message Warning %s", bad[i]);
        ck_assert_int_gt(n, 0);
        expect_kind(s, TASK_BAD);
        /* At the very end of the line, too. */
        n = snprintf(s, sizeof s, "@rfjobd created /x%s", bad[i]);
        ck_assert_int_gt(n, 0);
        expect_kind(s, TASK_BAD);
        /* Invalid UTF-8 after a valid report makes it bad. */
        n = snprintf(s, sizeof s, "@rfjobd progress 5%s", bad[i]);
        ck_assert_int_gt(n, 0);
        expect_kind(s, TASK_BAD);
    }
    /* The same bytes in ordinary output are fine. */
    ck_assert_int_eq(parse("\xff\xfe ordinary", &tl), TASK_NONE);
    task_line_cleanup(&tl);
}
END_TEST

START_TEST(test_nul_inside)
{
    struct task_line tl;

    ck_assert_int_eq(parse_n("@rfjobd status a\0b", 18, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjobd progress 5\0", 19, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjobd \0progress 5", 19, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjobd error {}\0", 17, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjobd error {\"Message\":\"a\0b\"}", 31, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse_n("@rfjobd message OK a\0", 21, &tl), TASK_BAD);
    task_line_cleanup(&tl);
}
END_TEST

START_TEST(test_message)
{
    struct task_line tl;

    ck_assert_int_eq(parse("@rfjobd message OK Created disks/d1.img (3 MiB)", &tl), TASK_MESSAGE);
    ck_assert_uint_eq(tl.severity, 2);
    ck_assert_str_eq(tl.text, "Created disks/d1.img (3 MiB)");
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd message Warning Licence needed", &tl), TASK_MESSAGE);
    ck_assert_uint_eq(tl.severity, 3);
    ck_assert_str_eq(tl.text, "Licence needed");
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd message Critical x\r", &tl), TASK_MESSAGE);
    ck_assert_uint_eq(tl.severity, 6);
    ck_assert_str_eq(tl.text, "x");
    task_line_cleanup(&tl);
    expect_kind("@rfjobd message OK", TASK_BAD);
    expect_kind("@rfjobd message OK ", TASK_BAD);
    expect_kind("@rfjobd message OK  ", TASK_BAD);
    expect_kind("@rfjobd message ok text", TASK_BAD);
    expect_kind("@rfjobd message warning text", TASK_BAD);
    expect_kind("@rfjobd message Info text", TASK_BAD);
    expect_kind("@rfjobd message Information text", TASK_BAD);
    expect_kind("@rfjobd message  OK text", TASK_BAD);
    expect_kind("@rfjobd message", TASK_BAD);
    expect_kind("@rfjobd message ", TASK_BAD);
    expect_kind("@rfjobd message OK\ttext", TASK_BAD);
    expect_kind("@rfjobd message OK te\x01xt", TASK_BAD);
}
END_TEST

START_TEST(test_created)
{
    struct task_line tl;

    ck_assert_int_eq(parse("@rfjobd created /redfish/v1/Systems/vm1", &tl), TASK_CREATED);
    ck_assert_str_eq(tl.text, "/redfish/v1/Systems/vm1");
    task_line_cleanup(&tl);
    expect_kind("@rfjobd created /", TASK_CREATED);
    expect_kind("@rfjobd created /a\r", TASK_CREATED);
    expect_kind("@rfjobd created redfish/v1", TASK_BAD);
    expect_kind("@rfjobd created https://x/redfish/v1", TASK_BAD);
    expect_kind("@rfjobd created /a b", TASK_BAD);
    expect_kind("@rfjobd created /a ", TASK_BAD);
    expect_kind("@rfjobd created  /a", TASK_BAD);
    expect_kind("@rfjobd created /a\tb", TASK_BAD);
    expect_kind("@rfjobd created ", TASK_BAD);
    expect_kind("@rfjobd created", TASK_BAD);
}
END_TEST

START_TEST(test_unknown_verbs)
{
    expect_kind("@rfjobd ", TASK_BAD);
    expect_kind("@rfjobd  ", TASK_BAD);
    expect_kind("@rfjobd \r", TASK_BAD);
    expect_kind("@rfjobd  progress 5", TASK_BAD);
    expect_kind("@rfjobd progres 5", TASK_BAD);
    expect_kind("@rfjobd Progress 5", TASK_BAD);
    expect_kind("@rfjobd PROGRESS 5", TASK_BAD);
    expect_kind("@rfjobd percent 5", TASK_BAD);
    expect_kind("@rfjobd hello", TASK_BAD);
    expect_kind("@rfjobd hello world", TASK_BAD);
    expect_kind("@rfjobd errors {}", TASK_BAD);
    expect_kind("@rfjobd error", TASK_BAD);
    expect_kind("@rfjobd error ", TASK_BAD);
}
END_TEST

/* A long line: the report right up to TASK_LINE_MAX bytes. */
START_TEST(test_long_report)
{
    char *s = malloc(TASK_LINE_MAX + 1);
    size_t p = strlen("@rfjobd status ");
    struct task_line tl;

    ck_assert_ptr_nonnull(s);
    memcpy(s, "@rfjobd status ", p);
    memset(s + p, 'x', TASK_LINE_MAX - p);
    ck_assert_int_eq(parse_n(s, TASK_LINE_MAX, &tl), TASK_STATUS);
    ck_assert_uint_eq(strlen(tl.text), TASK_LINE_MAX - p);
    task_line_cleanup(&tl);
    /* Cut inside a multibyte character: no longer valid UTF-8. */
    memcpy(s + TASK_LINE_MAX - 2, "\xe2\x82", 2);
    ck_assert_int_eq(parse_n(s, TASK_LINE_MAX, &tl), TASK_BAD);
    task_line_cleanup(&tl);
    free(s);
}
END_TEST

/* Error reports */

static const char full_error[] =
    "@rfjobd error {\"ErrorType\":1,\"OtherErrorType\":\"Provisioning\","
    "\"OwningEntity\":\"RfjobdTask\",\"MessageID\":\"RfjobdTask.1.0.BootTimeout\","
    "\"Message\":\"The VM vm1 did not boot.\",\"MessageArguments\":[\"vm1\",\"1000\"],"
    "\"PerceivedSeverity\":5,\"ProbableCause\":111,\"ProbableCauseDescription\":\"No boot\","
    "\"RecommendedActions\":[\"Check the VM.\",\"Retry.\"],\"ErrorSource\":\"vm1\","
    "\"ErrorSourceFormat\":1,\"OtherErrorSourceFormat\":\"VM name\",\"CIMStatusCode\":1,"
    "\"CIMStatusCodeDescription\":\"CIM_ERR_FAILED\",\"ErrorCode\":10,"
    "\"ErrorDescription\":\"Boot timeout\"}";

START_TEST(test_error_full)
{
    struct task_line tl;
    const struct cim_error *e = &tl.error;

    ck_assert_int_eq(parse(full_error, &tl), TASK_ERROR);
    ck_assert_uint_eq(e->error_type, 1);
    ck_assert_str_eq(e->other_error_type, "Provisioning");
    ck_assert_str_eq(e->owning_entity, "RfjobdTask");
    ck_assert_str_eq(e->message_id, "RfjobdTask.1.0.BootTimeout");
    ck_assert_str_eq(e->message, "The VM vm1 did not boot.");
    ck_assert_uint_eq(e->message_arguments.n, 2);
    ck_assert_str_eq(e->message_arguments.v[0], "vm1");
    ck_assert_str_eq(e->message_arguments.v[1], "1000");
    ck_assert_uint_eq(e->perceived_severity, 5);
    ck_assert_uint_eq(e->probable_cause, 111);
    ck_assert_str_eq(e->probable_cause_description, "No boot");
    ck_assert_uint_eq(e->recommended_actions.n, 2);
    ck_assert_str_eq(e->recommended_actions.v[0], "Check the VM.");
    ck_assert_str_eq(e->recommended_actions.v[1], "Retry.");
    ck_assert_str_eq(e->error_source, "vm1");
    ck_assert_uint_eq(e->error_source_format, 1);
    ck_assert_str_eq(e->other_error_source_format, "VM name");
    ck_assert_uint_eq(e->cim_status_code, 1);
    ck_assert_str_eq(e->cim_status_code_description, "CIM_ERR_FAILED");
    ck_assert_int_eq(tl.has_error_code, 1);
    ck_assert_uint_eq(tl.error_code, 10);
    ck_assert_str_eq(tl.error_description, "Boot timeout");
    ck_assert_int_eq(cim_error_validate(e, NULL), JOB_OK);
    task_line_cleanup(&tl);
    ck_assert_int_eq((int)tl.kind, TASK_NONE);
    ck_assert_ptr_null(tl.error_description);
    ck_assert_ptr_null(tl.error.message_id);
    task_line_cleanup(&tl); /* twice is fine */
    task_line_cleanup(NULL);
}
END_TEST

START_TEST(test_error_defaults)
{
    static const char *const lines[] = {
        "@rfjobd error {}",
        "@rfjobd error { }\r",
        "@rfjobd error \t{ }\t",
        "@rfjobd error {\"ErrorType\":null,\"PerceivedSeverity\":null,\"MessageID\":null,"
        "\"CIMStatusCode\":null,\"Message\":null,\"ErrorCode\":null,\"ErrorDescription\":null,"
        "\"MessageArguments\":null}",
    };
    struct task_line tl;

    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        ck_assert_msg(parse(lines[i], &tl) == TASK_ERROR, "%s", lines[i]);
        ck_assert_uint_eq(tl.error.error_type, 4);
        ck_assert_uint_eq(tl.error.perceived_severity, 6);
        ck_assert_uint_eq(tl.error.cim_status_code, 1);
        ck_assert_str_eq(tl.error.message_id, "Rfjobd.1.0.CommandFailed");
        ck_assert_uint_eq(tl.error.probable_cause, 0);
        ck_assert_uint_eq(tl.error.error_source_format, 0);
        ck_assert_ptr_null(tl.error.message);
        ck_assert_ptr_null(tl.error.other_error_type);
        ck_assert_uint_eq(tl.error.message_arguments.n, 0);
        ck_assert_int_eq(tl.has_error_code, 0);
        ck_assert_ptr_null(tl.error_description);
        task_line_cleanup(&tl);
    }
}
END_TEST

START_TEST(test_error_values)
{
    struct task_line tl;

    /* The value maps claim every uint16 (DMTF Reserved above the named values). */
    expect_kind("@rfjobd error {\"ErrorType\":0}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorType\":10}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorType\":11}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorType\":65535}", TASK_ERROR);
    expect_kind("@rfjobd error {\"PerceivedSeverity\":0}", TASK_ERROR);
    expect_kind("@rfjobd error {\"PerceivedSeverity\":7}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ProbableCause\":130}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ProbableCause\":131}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorSourceFormat\":2}", TASK_ERROR);
    expect_kind("@rfjobd error {\"CIMStatusCode\":0}", TASK_ERROR);
    expect_kind("@rfjobd error {\"CIMStatusCode\":4294967295}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorCode\":0}", TASK_ERROR);
    expect_kind("@rfjobd error {\"ErrorCode\":65535}", TASK_ERROR);
    /* Integral numbers in any JSON spelling. */
    ck_assert_int_eq(parse("@rfjobd error {\"ProbableCause\":1.11e2,\"ErrorCode\":7.0}", &tl),
                     TASK_ERROR);
    ck_assert_uint_eq(tl.error.probable_cause, 111);
    ck_assert_uint_eq(tl.error_code, 7);
    task_line_cleanup(&tl);
    /* Empty arrays, escapes that decode to valid UTF-8. */
    ck_assert_int_eq(parse("@rfjobd error {\"MessageArguments\":[],\"RecommendedActions\":[],"
                           "\"Message\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\"}",
                           &tl),
                     TASK_ERROR);
    ck_assert_str_eq(tl.error.message, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ /");
    ck_assert_uint_eq(tl.error.message_arguments.n, 0);
    task_line_cleanup(&tl);
    /* A literal backslash followed by u0000 is text, not a NUL escape. */
    ck_assert_int_eq(parse("@rfjobd error {\"Message\":\"\\\\u0000\"}", &tl), TASK_ERROR);
    ck_assert_str_eq(tl.error.message, "\\u0000");
    task_line_cleanup(&tl);
    /* Member names may hold escapes and still match. */
    expect_kind("@rfjobd error {\"Error\\u0054ype\":3}", TASK_ERROR);
}
END_TEST

START_TEST(test_error_bad)
{
    static const char *const bad[] = {
        /* Not a JSON object, or not only one. */
        "[]",
        "1",
        "\"x\"",
        "null",
        "true",
        "{",
        "{}}",
        "{} x",
        "{}{}",
        "{},",
        "{\"ErrorType\":4,}",
        "{'ErrorType':4}",
        "{ErrorType:4}",
        "{\"ErrorType\":NaN}",
        /* Unknown, misspelt or repeated members. */
        "{\"Foo\":1}",
        "{\"errortype\":4}",
        "{\"ErrorType \":4}",
        "{\"ErrorType\":4,\"ErrorType\":4}",
        "{\"Message\":\"a\",\"Message\":\"b\"}",
        "{\"ErrorType\":null,\"ErrorType\":4}",
        /* Numbers out of range or not integers, wrong types. */
        "{\"ErrorType\":-1}",
        "{\"ErrorType\":65536}",
        "{\"ErrorType\":1.5}",
        "{\"ErrorType\":\"4\"}",
        "{\"ErrorType\":true}",
        "{\"ErrorType\":[4]}",
        "{\"ErrorType\":1e300}",
        "{\"PerceivedSeverity\":70000}",
        "{\"PerceivedSeverity\":-0.5}",
        "{\"ProbableCause\":-3}",
        "{\"ProbableCause\":\"Timeout\"}",
        "{\"ErrorSourceFormat\":65536}",
        "{\"CIMStatusCode\":4294967296}",
        "{\"CIMStatusCode\":-1}",
        "{\"ErrorCode\":65536}",
        "{\"ErrorCode\":-1}",
        "{\"ErrorCode\":\"10\"}",
        /* The rules of the class. */
        "{\"ErrorType\":1}",
        "{\"OtherErrorType\":\"x\"}",
        "{\"ErrorType\":4,\"OtherErrorType\":\"x\"}",
        "{\"ErrorSourceFormat\":1}",
        "{\"ErrorSourceFormat\":2,\"OtherErrorSourceFormat\":\"x\"}",
        /* Strings and arrays of strings that are not texts. */
        "{\"Message\":\"\"}",
        "{\"Message\":\"  \"}",
        "{\"Message\":5}",
        "{\"Message\":[\"x\"]}",
        "{\"Message\":\"a\\u0000b\"}",
        "{\"Message\":\"\\u0000\"}",
        "{\"Message\":\"a\\u0001\"}",
        "{\"Message\":\"a\\n\"}",
        "{\"Message\":\"a\\t\"}",
        "{\"Message\":\"a\\u007f\"}",
        "{\"Message\":\"a\\u0085\"}",
        "{\"Message\":\"a\tb\"}",
        "{\"Message\":\"\\ud800\"}",
        "{\"Message\":\"\\udc00\"}",
        "{\"Message\":\"\\ud800x\"}",
        "{\"Message\":\"\xc0\xaf\"}",
        "{\"Message\":\"\xed\xa0\x80\"}",
        "{\"MessageID\":\"\"}",
        "{\"ErrorSource\":\"\"}",
        "{\"ErrorDescription\":5}",
        "{\"ErrorDescription\":\"\"}",
        "{\"MessageArguments\":\"x\"}",
        "{\"MessageArguments\":[1]}",
        "{\"MessageArguments\":[\"\"]}",
        "{\"MessageArguments\":[null]}",
        "{\"MessageArguments\":[[\"x\"]]}",
        "{\"MessageArguments\":{\"a\":\"x\"}}",
        "{\"RecommendedActions\":\"Retry.\"}",
        "{\"RecommendedActions\":[\"ok\",\"\\u0007\"]}",
    };
    char s[512];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int n = snprintf(s, sizeof s, "@rfjobd error %s", bad[i]);

        ck_assert_int_gt(n, 0);
        expect_kind(s, TASK_BAD);
    }
}
END_TEST

/* A bad report leaves nothing behind: no owned memory (ASan checks) and an empty line. */
START_TEST(test_error_bad_clears)
{
    struct task_line tl;

    ck_assert_int_eq(parse("@rfjobd error {\"Message\":\"m\",\"ErrorDescription\":\"d\","
                           "\"MessageArguments\":[\"a\"],\"ErrorCode\":3,\"ErrorType\":99999}",
                           &tl),
                     TASK_BAD);
    ck_assert_ptr_null(tl.error.message);
    ck_assert_ptr_null(tl.error.message_id);
    ck_assert_ptr_null(tl.error_description);
    ck_assert_uint_eq(tl.error.message_arguments.n, 0);
    ck_assert_int_eq(tl.has_error_code, 0);
    ck_assert_ptr_null(tl.text);
    task_line_cleanup(&tl);
    /* A status report after an error report in the same struct: initialised anew. */
    ck_assert_int_eq(parse(full_error, &tl), TASK_ERROR);
    task_line_cleanup(&tl);
    ck_assert_int_eq(parse("@rfjobd status s", &tl), TASK_STATUS);
    ck_assert_ptr_null(tl.error.message);
    task_line_cleanup(&tl);
}
END_TEST

/* A report as rfjobd-task writes it. */
START_TEST(test_error_from_task)
{
    struct task_line tl;

    ck_assert_int_eq(
        parse("@rfjobd error {\"ErrorType\":4,\"ProbableCause\":8,\"ProbableCauseDescription\":"
              "\"Configuration/Customization Error\",\"ErrorSource\":\"vm1\",\"ErrorSourceFormat\":"
              "1,\"OtherErrorSourceFormat\":\"Virtual machine name\",\"MessageID\":"
              "\"RfjobdTask.1.0.ConfigurationFailed\",\"Message\":\"The configuration of the VM "
              "'vm1' from the template 'Ubuntu 22.04' failed.\",\"MessageArguments\":[\"vm1\","
              "\"Ubuntu 22.04\"],\"RecommendedActions\":[\"Check the template.\"],"
              "\"PerceivedSeverity\":6,\"CIMStatusCode\":1,\"ErrorCode\":12,\"ErrorDescription\":"
              "\"Configuration failed\"}",
              &tl),
        TASK_ERROR);
    ck_assert_uint_eq(tl.error.probable_cause, 8);
    ck_assert_uint_eq(tl.error_code, 12);
    task_line_cleanup(&tl);
}
END_TEST

/* The splitter */

/* Collects every line of a stream, fed in the pieces that cuts[] marks; returns their count. */
static size_t
split_all(const char *data, size_t n, const size_t *cuts, size_t ncuts, char **out, size_t *lens,
          size_t max_out, uint64_t *cut_count)
{
    struct task_lines sp;
    size_t got = 0;
    size_t pos = 0;
    char *line;
    size_t len;

    task_lines_init(&sp);
    for (size_t c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;

        while (pos < end) {
            size_t used = task_lines_feed(&sp, data + pos, end - pos, &line, &len);

            ck_assert_uint_le(used, end - pos);
            ck_assert_uint_gt(used, 0);
            pos += used;
            if (line != NULL) {
                ck_assert_uint_le(len, TASK_LINE_MAX);
                ck_assert_int_eq(line[len], '\0');
                ck_assert_uint_lt(got, max_out);
                out[got] = malloc(len + 1);
                ck_assert_ptr_nonnull(out[got]);
                memcpy(out[got], line, len + 1);
                lens[got++] = len;
            } else {
                ck_assert_uint_eq(pos, end); /* no line: everything consumed */
            }
        }
        /* A feed of nothing consumes nothing and hands out nothing. */
        ck_assert_uint_eq(task_lines_feed(&sp, data, 0, &line, &len), 0);
        ck_assert_ptr_null(line);
    }
    line = task_lines_finish(&sp, &len);
    if (line != NULL) {
        ck_assert_uint_lt(got, max_out);
        out[got] = malloc(len + 1);
        ck_assert_ptr_nonnull(out[got]);
        memcpy(out[got], line, len + 1);
        lens[got++] = len;
    }
    ck_assert_ptr_null(task_lines_finish(&sp, &len));
    *cut_count = sp.cut;
    return got;
}

static void
free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
}

START_TEST(test_lines_basic)
{
    static const char data[] = "a\nbb\n\n@rfjobd progress 5\r\nlast";
    char *lines[8];
    size_t lens[8];
    uint64_t cut;
    size_t n = split_all(data, sizeof data - 1, NULL, 0, lines, lens, 8, &cut);

    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(lines[0], "a");
    ck_assert_str_eq(lines[1], "bb");
    ck_assert_str_eq(lines[2], "");
    ck_assert_str_eq(lines[3], "@rfjobd progress 5\r");
    ck_assert_str_eq(lines[4], "last");
    ck_assert_uint_eq(cut, 0);
    free_lines(lines, n);
}
END_TEST

START_TEST(test_lines_finish)
{
    struct task_lines sp;
    char *line;
    size_t len;

    task_lines_init(&sp);
    ck_assert_ptr_null(task_lines_finish(&sp, &len));
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(task_lines_feed(&sp, "abc", 3, &line, &len), 3);
    ck_assert_ptr_null(line);
    line = task_lines_finish(&sp, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_eq(len, 3);
    ck_assert_str_eq(line, "abc");
    ck_assert_ptr_null(task_lines_finish(&sp, &len));
    /* A terminated last line leaves nothing for the end. */
    ck_assert_uint_eq(task_lines_feed(&sp, "x\n", 2, &line, &len), 2);
    ck_assert_str_eq(line, "x");
    ck_assert_ptr_null(task_lines_finish(&sp, &len));
    /* NUL bytes are line content. */
    ck_assert_uint_eq(task_lines_feed(&sp, "a\0b\n", 4, &line, &len), 4);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(line, "a\0b", 4), 0);
    /* A line from the splitter parses in place. */
    ck_assert_uint_eq(task_lines_feed(&sp, "@rfjobd status ok\r\n", 19, &line, &len), 19);
    {
        struct task_line tl;

        ck_assert_int_eq(task_line_parse(line, len, &tl), TASK_STATUS);
        ck_assert_str_eq(tl.text, "ok");
        task_line_cleanup(&tl);
    }
}
END_TEST

START_TEST(test_lines_overlong)
{
    struct task_lines sp;
    size_t big = 3 * TASK_LINE_MAX + 7;
    char *data = malloc(big + 16);
    char *line;
    size_t len;
    size_t used;

    ck_assert_ptr_nonnull(data);
    /* Exactly TASK_LINE_MAX bytes and a newline: not cut. */
    task_lines_init(&sp);
    memset(data, 'a', TASK_LINE_MAX);
    data[TASK_LINE_MAX] = '\n';
    used = task_lines_feed(&sp, data, TASK_LINE_MAX + 1, &line, &len);
    ck_assert_uint_eq(used, TASK_LINE_MAX + 1);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_eq(len, TASK_LINE_MAX);
    ck_assert_uint_eq(sp.cut, 0);
    /* One byte more: cut at TASK_LINE_MAX, the rest up to the newline dropped. */
    memset(data, 'b', TASK_LINE_MAX + 1);
    memcpy(data + TASK_LINE_MAX + 1, "\nnext\n", 6);
    used = task_lines_feed(&sp, data, TASK_LINE_MAX + 7, &line, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_eq(len, TASK_LINE_MAX);
    ck_assert_int_eq(line[0], 'b');
    ck_assert_int_eq(line[TASK_LINE_MAX], '\0');
    ck_assert_uint_eq(sp.cut, 1);
    used += task_lines_feed(&sp, data + used, TASK_LINE_MAX + 7 - used, &line, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(line, "next");
    ck_assert_uint_eq(used, TASK_LINE_MAX + 7);
    /* Far too long and never terminated: one cut line, nothing at the end. */
    task_lines_init(&sp);
    memset(data, 'c', big);
    used = task_lines_feed(&sp, data, big, &line, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_eq(len, TASK_LINE_MAX);
    used += task_lines_feed(&sp, data + used, big - used, &line, &len);
    ck_assert_ptr_null(line);
    ck_assert_uint_eq(used, big);
    ck_assert_ptr_null(task_lines_finish(&sp, &len));
    ck_assert_uint_eq(sp.cut, 1);
    /* Exactly TASK_LINE_MAX bytes at the end of the stream: handed out whole by finish. */
    task_lines_init(&sp);
    ck_assert_uint_eq(task_lines_feed(&sp, data, TASK_LINE_MAX, &line, &len), TASK_LINE_MAX);
    ck_assert_ptr_null(line);
    line = task_lines_finish(&sp, &len);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_eq(len, TASK_LINE_MAX);
    ck_assert_uint_eq(sp.cut, 0);
    /* A report cut short is bad (here: the JSON is incomplete). */
    task_lines_init(&sp);
    memcpy(data, "@rfjobd error {\"Message\":\"", 26);
    memset(data + 26, 'm', big - 26);
    used = task_lines_feed(&sp, data, big, &line, &len);
    ck_assert_ptr_nonnull(line);
    {
        struct task_line tl;

        ck_assert_int_eq(task_line_parse(line, len, &tl), TASK_BAD);
        task_line_cleanup(&tl);
    }
    free(data);
}
END_TEST

/* A stream of short, empty, boundary-length and overlong lines. */
static char *
make_stream(size_t *n)
{
    static const size_t lens[] = {0,
                                  1,
                                  17,
                                  TASK_LINE_MAX - 1,
                                  TASK_LINE_MAX,
                                  TASK_LINE_MAX + 1,
                                  0,
                                  TASK_LINE_MAX + 2,
                                  2 * TASK_LINE_MAX + 3,
                                  5};
    size_t total = 0;
    size_t p = 0;
    char *s;

    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        total += lens[i] + 1;
    total += 9; /* an unterminated last line */
    s = malloc(total);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        for (size_t k = 0; k < lens[i]; k++)
            s[p++] = (char)('A' + (i + k) % 26);
        s[p++] = '\n';
    }
    memcpy(s + p, "last line", 9);
    p += 9;
    *n = p;
    return s;
}

START_TEST(test_lines_every_split)
{
    enum { MAXL = 16 };
    size_t n;
    char *data = make_stream(&n);
    char *ref[MAXL];
    size_t ref_lens[MAXL];
    uint64_t ref_cut;
    size_t nref = split_all(data, n, NULL, 0, ref, ref_lens, MAXL, &ref_cut);

    /* The reference, fed in one piece, is what the stream holds. */
    ck_assert_uint_eq(nref, 11);
    ck_assert_uint_eq(ref_cut, 3);
    ck_assert_uint_eq(ref_lens[0], 0);
    ck_assert_uint_eq(ref_lens[3], TASK_LINE_MAX - 1);
    ck_assert_uint_eq(ref_lens[4], TASK_LINE_MAX);
    ck_assert_uint_eq(ref_lens[5], TASK_LINE_MAX);
    ck_assert_uint_eq(ref_lens[7], TASK_LINE_MAX);
    ck_assert_uint_eq(ref_lens[8], TASK_LINE_MAX);
    ck_assert_uint_eq(ref_lens[9], 5);
    ck_assert_str_eq(ref[10], "last line");
    /* Split in two at every byte position, and in three around it: the same lines. */
    for (size_t at = 0; at <= n; at++) {
        size_t cuts[2] = {at, at + 1 <= n ? at + 1 : n};
        char *got[MAXL];
        size_t lens[MAXL];
        uint64_t cut;
        size_t ng = split_all(data, n, cuts, at % 2 == 0 ? 1 : 2, got, lens, MAXL, &cut);

        ck_assert_uint_eq(ng, nref);
        ck_assert_uint_eq(cut, ref_cut);
        for (size_t i = 0; i < ng; i++) {
            ck_assert_uint_eq(lens[i], ref_lens[i]);
            ck_assert_int_eq(memcmp(got[i], ref[i], lens[i]), 0);
        }
        free_lines(got, ng);
    }
    /* One byte at a time. */
    {
        size_t *cuts = malloc(n * sizeof *cuts);
        char *got[MAXL];
        size_t lens[MAXL];
        uint64_t cut;
        size_t ng;

        ck_assert_ptr_nonnull(cuts);
        for (size_t i = 0; i < n; i++)
            cuts[i] = i + 1;
        ng = split_all(data, n, cuts, n, got, lens, MAXL, &cut);
        ck_assert_uint_eq(ng, nref);
        ck_assert_uint_eq(cut, ref_cut);
        for (size_t i = 0; i < ng; i++) {
            ck_assert_uint_eq(lens[i], ref_lens[i]);
            ck_assert_int_eq(memcmp(got[i], ref[i], lens[i]), 0);
        }
        free_lines(got, ng);
        free(cuts);
    }
    free_lines(ref, nref);
    free(data);
}
END_TEST

START_TEST(test_lines_many)
{
    enum { N = 1000 };
    char *data = malloc(N * 24);
    size_t n = 0;
    struct task_lines sp;
    size_t pos = 0;
    int seen = 0;

    ck_assert_ptr_nonnull(data);
    for (int i = 0; i < N; i++) {
        int k = snprintf(data + n, 24, "@rfjobd progress %d\n", i % 101);

        ck_assert_int_gt(k, 0);
        n += (size_t)k;
    }
    task_lines_init(&sp);
    while (pos < n) {
        char *line;
        size_t len;
        struct task_line tl;

        pos += task_lines_feed(&sp, data + pos, n - pos, &line, &len);
        if (line == NULL)
            continue;
        ck_assert_int_eq(task_line_parse(line, len, &tl), TASK_PROGRESS);
        ck_assert_int_eq(tl.percent, seen % 101);
        task_line_cleanup(&tl);
        seen++;
    }
    ck_assert_int_eq(seen, N);
    free(data);
}
END_TEST

/* Random input */

static uint64_t rng_state;

static uint32_t
rng(void)
{
    /* xorshift64*: deterministic, so a failure can be replayed. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

#define FRAG(s)                                                                                    \
    {                                                                                              \
        s, sizeof s - 1                                                                            \
    }

static const struct {
    const char *s;
    size_t n;
} fragments[] = {
    FRAG("@rfjobd "),
    FRAG("progress "),
    FRAG("state "),
    FRAG("status "),
    FRAG("message "),
    FRAG("error "),
    FRAG("created "),
    FRAG("OK "),
    FRAG("Warning "),
    FRAG("Critical "),
    FRAG("Running"),
    FRAG("PendingBoot"),
    FRAG("100"),
    FRAG("050"),
    FRAG("{"),
    FRAG("}"),
    FRAG("\"ErrorType\":"),
    FRAG("\"Message\":\""),
    FRAG("\"MessageArguments\":[\""),
    FRAG("\""),
    FRAG(":"),
    FRAG(","),
    FRAG("["),
    FRAG("]"),
    FRAG("\\u0000"),
    FRAG("\\ud800"),
    FRAG("\n"),
    FRAG("\r\n"),
    FRAG("\r"),
    FRAG("\0"),
    FRAG("\xc3\xa9"),
    FRAG("\xed\xa0\x80"),
    FRAG("\xf4\x90\x80\x80"),
    FRAG("/"),
    FRAG(" "),
    FRAG("1"),
    FRAG("-"),
    FRAG("null"),
};

/* Fills buf with up to max random bytes, mostly protocol fragments. Returns the length. */
static size_t
random_buffer(char *buf, size_t max)
{
    size_t n = rng() % (max + 1);
    size_t p = 0;

    while (p < n) {
        uint32_t r = rng();

        if (r % 3 == 0) {
            buf[p++] = (char)(r >> 8);
        } else {
            size_t f = (r >> 8) % (sizeof fragments / sizeof fragments[0]);

            for (size_t k = 0; k < fragments[f].n && p < n; k++)
                buf[p++] = fragments[f].s[k];
        }
    }
    return n;
}

START_TEST(test_random_input)
{
    enum { ROUNDS = 10000, MAXBUF = 3 * TASK_LINE_MAX };
    char *buf = malloc(MAXBUF);
    size_t kinds[TASK_CREATED + 1] = {0};

    ck_assert_ptr_nonnull(buf);
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < ROUNDS; round++) {
        struct task_lines sp;
        size_t n = random_buffer(buf, round % 100 == 0 ? MAXBUF : 600);
        size_t pos = 0;
        char *line;
        size_t len;

        task_lines_init(&sp);
        for (;;) {
            struct task_line tl;
            enum task_kind k;

            if (pos < n) {
                size_t piece = 1 + rng() % (n - pos);

                pos += task_lines_feed(&sp, buf + pos, piece, &line, &len);
            } else {
                line = task_lines_finish(&sp, &len);
            }
            if (line == NULL) {
                if (pos >= n)
                    break;
                continue;
            }
            ck_assert_uint_le(len, TASK_LINE_MAX);
            k = task_line_parse(line, len, &tl);
            ck_assert_int_ge((int)k, TASK_NONE);
            ck_assert_int_le((int)k, TASK_CREATED);
            kinds[k]++;
            if (k == TASK_STATUS || k == TASK_MESSAGE || k == TASK_CREATED)
                ck_assert_ptr_nonnull(tl.text);
            if (k == TASK_ERROR)
                ck_assert_int_eq(cim_error_validate(&tl.error, NULL), JOB_OK);
            if (k == TASK_PROGRESS)
                ck_assert(tl.percent >= 0 && tl.percent <= 100);
            task_line_cleanup(&tl);
        }
    }
    /* The input reached the parser's interesting paths, not just its first check. */
    ck_assert_uint_gt(kinds[TASK_NONE], 0);
    ck_assert_uint_gt(kinds[TASK_BAD], 0);
    free(buf);
}
END_TEST

Suite *
task_proto_suite(void)
{
    Suite *s = suite_create("task_proto");
    TCase *tc = tcase_create("reports");
    TCase *te = tcase_create("errors");
    TCase *tl = tcase_create("splitter");
    TCase *tr = tcase_create("random");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_ordinary_lines);
    tcase_add_test(tc, test_progress);
    tcase_add_test(tc, test_state);
    tcase_add_test(tc, test_status);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_nul_inside);
    tcase_add_test(tc, test_message);
    tcase_add_test(tc, test_created);
    tcase_add_test(tc, test_unknown_verbs);
    tcase_add_test(tc, test_long_report);
    suite_add_tcase(s, tc);
    tcase_set_timeout(te, 10);
    tcase_add_test(te, test_error_full);
    tcase_add_test(te, test_error_defaults);
    tcase_add_test(te, test_error_values);
    tcase_add_test(te, test_error_bad);
    tcase_add_test(te, test_error_bad_clears);
    tcase_add_test(te, test_error_from_task);
    suite_add_tcase(s, te);
    tcase_set_timeout(tl, 60);
    tcase_add_test(tl, test_lines_basic);
    tcase_add_test(tl, test_lines_finish);
    tcase_add_test(tl, test_lines_overlong);
    tcase_add_test(tl, test_lines_every_split);
    tcase_add_test(tl, test_lines_many);
    suite_add_tcase(s, tl);
    tcase_set_timeout(tr, 120);
    tcase_add_test(tr, test_random_input);
    suite_add_tcase(s, tr);
    return s;
}
