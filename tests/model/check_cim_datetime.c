#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../suites.h"
#include "cim_datetime.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Unix microseconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z. */
#define US_YEAR0 (INT64_C(-62167219200) * 1000000)
#define US_YEAR9999_END (INT64_C(253402300799) * 1000000 + 999999)
#define US_PER_MIN INT64_C(60000000)

/* A small deterministic generator (xorshift64*), so every run tests the same values. */
static uint64_t
rng_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(2685821657736338717);
}

static void
assert_same(const struct cim_datetime *a, const struct cim_datetime *b)
{
    ck_assert_uint_eq(a->kind, b->kind);
    ck_assert_uint_eq(a->precision, b->precision);
    ck_assert_uint_eq(a->year, b->year);
    ck_assert_uint_eq(a->month, b->month);
    ck_assert_uint_eq(a->day, b->day);
    ck_assert_uint_eq(a->days, b->days);
    ck_assert_uint_eq(a->hour, b->hour);
    ck_assert_uint_eq(a->minute, b->minute);
    ck_assert_uint_eq(a->second, b->second);
    ck_assert_uint_eq(a->usec, b->usec);
    ck_assert_int_eq(a->utc_offset, b->utc_offset);
}

/* Parses text, which must be valid, and checks that it formats back to the same text. */
static struct cim_datetime
parse_ok(const char *text)
{
    struct cim_datetime dt;
    char buf[CIM_DT_LEN + 1];

    ck_assert_msg(cim_dt_parse(text, &dt) == JOB_OK, "refused: %s", text);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_OK);
    ck_assert_str_eq(buf, text);
    return dt;
}

/* Values that must parse and format back identically, one per row. */
static const char *const round_trips[] = {
    "20261121134100.000000+000", "19980525133015.000000-300", "20220510113045.000***-480",
    "19980525133015.******-300", "199805251330**.******-300", "1998052513****.******+060",
    "19980525******.******+000", "199805********.******+000", "1998**********.******+000",
    "**************.******+000", "**************.******-720", "00000101000000.000000+000",
    "00000229000000.000000+000", "99991231235959.999999+999", "99991231235959.999999-999",
    "20000229120000.000000+330", "20240229235959.999999-999", "19000228000000.000000+000",
    "21000228000000.000000+000", "24000229000000.000000+000", "20261121134100.1*****+000",
    "20261121134100.12****+000", "20261121134100.123***+000", "20261121134100.1234**+000",
    "20261121134100.12345*+000", "20261121134100.123456+000", "20261121134100.0*****+000",
    "20261231000000.000000+001", "19700101000000.000000+000", "00000001132312.000000:000",
    "00000001132312.125***:000", "00000001132312.******:000", "000000011323**.******:000",
    "0000000113****.******:000", "00000001******.******:000", "**************.******:000",
    "99999999235959.999999:000", "00000000000000.000000:000", "00000000000000.5*****:000",
};

START_TEST(test_round_trip)
{
    (void)parse_ok(round_trips[_i]);
}
END_TEST

/* 25-character strings (and some others) that must be refused. */
static const char *const invalid[] = {
    "",
    "2026112113410.000000+000",
    "202611211341000.000000+000",
    "20261121134100.000000+000 ",
    " 20261121134100.000000+000",
    "20261121134100.000000+000\n",
    "19000229000000.000000+000", /* 1900 is not a leap year */
    "21000229000000.000000+000",
    "20230229000000.000000+000",
    "20240230000000.000000+000",
    "20240431000000.000000+000",
    "20240631000000.000000+000",
    "20240931000000.000000+000",
    "20241131000000.000000+000",
    "20240132000000.000000+000",
    "20240001000000.000000+000",
    "20241301000000.000000+000",
    "20240100000000.000000+000",
    "20240101240000.000000+000",
    "20240101006000.000000+000",
    "20240101000060.000000+000",
    "20240101000099.000000+000",
    "2026112113410*.******+000", /* half a field */
    "202611211341*0.******+000",
    "20261121134***.******+000",
    "2026112113****.*****0+000", /* digit after '*' */
    "20261121134100.0*0000+000",
    "20261121134100.*00000+000",
    "2026****134100.000000+000",
    "202*1121134100.000000+000",
    "19************.******+000",
    "***61121134100.000000+000",
    "*0261121134100.000000+000",
    "20261121134100.000000+***",
    "20261121134100.000000+0*0",
    "20261121134100.000000*000",
    "20261121134100.000000 000",
    "20261121134100.000000=000",
    "20261121134100,000000+000",
    "20261121134100*000000+000",
    "+0261121134100.000000+000",
    "-0261121134100.000000+000",
    "2026+121134100.000000+000",
    "2026 121134100.000000+000",
    "2026112113410O.000000+000",
    "20261121134100.000000+-01",
    "20261121134100.000000++01",
    "00000001132312.000000:001",
    "00000001132312.000000:***",
    "00000001132312.000000:-00",
    "00000001242312.000000:000",
    "00000001136012.000000:000",
    "00000001132360.000000:000",
    "0000000*132312.000000:000",
    "000000**132312.000000:000",
    "0000**********.******:000", /* a 4-digit prefix means nothing in an interval */
    "000000********.******:000",
    "00000001132312.000000+0000",
};

START_TEST(test_invalid)
{
    struct cim_datetime dt;

    memset(&dt, 0x5a, sizeof dt);
    ck_assert_msg(cim_dt_parse(invalid[_i], &dt) == JOB_EINVAL, "accepted: \"%s\"", invalid[_i]);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
}
END_TEST

START_TEST(test_parse_fields)
{
    struct cim_datetime dt;

    dt = parse_ok("19980525133015.123456-300");
    ck_assert_uint_eq(dt.kind, CIM_DT_TIMESTAMP);
    ck_assert_uint_eq(dt.precision, CIM_DT_DIGITS);
    ck_assert_uint_eq(dt.year, 1998);
    ck_assert_uint_eq(dt.month, 5);
    ck_assert_uint_eq(dt.day, 25);
    ck_assert_uint_eq(dt.hour, 13);
    ck_assert_uint_eq(dt.minute, 30);
    ck_assert_uint_eq(dt.second, 15);
    ck_assert_uint_eq(dt.usec, 123456);
    ck_assert_int_eq(dt.utc_offset, -300);
    ck_assert_uint_eq(dt.days, 0);

    dt = parse_ok("20220510113045.123***-480");
    ck_assert_uint_eq(dt.precision, 17);
    ck_assert_uint_eq(dt.usec, 123000);

    /* Fields that are not significant are 0, month and day included. */
    dt = parse_ok("1998**********.******+060");
    ck_assert_uint_eq(dt.precision, 4);
    ck_assert_uint_eq(dt.year, 1998);
    ck_assert_uint_eq(dt.month, 0);
    ck_assert_uint_eq(dt.day, 0);
    ck_assert_int_eq(dt.utc_offset, 60);
    dt = parse_ok("**************.******+000");
    ck_assert_uint_eq(dt.precision, 0);
    ck_assert_uint_eq(dt.year, 0);

    dt = parse_ok("12345678132312.125***:000");
    ck_assert_uint_eq(dt.kind, CIM_DT_INTERVAL);
    ck_assert_uint_eq(dt.days, 12345678);
    ck_assert_uint_eq(dt.hour, 13);
    ck_assert_uint_eq(dt.minute, 23);
    ck_assert_uint_eq(dt.second, 12);
    ck_assert_uint_eq(dt.usec, 125000);
    ck_assert_uint_eq(dt.precision, 17);
    ck_assert_uint_eq(dt.year, 0);
    ck_assert_int_eq(dt.utc_offset, 0);
}
END_TEST

START_TEST(test_negative_zero_offset)
{
    struct cim_datetime dt;
    char buf[CIM_DT_LEN + 1];

    /* "-000" is valid CIM; the struct has no negative zero, so it is written as "+000". */
    ck_assert_int_eq(cim_dt_parse("20261121134100.000000-000", &dt), JOB_OK);
    ck_assert_int_eq(dt.utc_offset, 0);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_OK);
    ck_assert_str_eq(buf, "20261121134100.000000+000");
}
END_TEST

START_TEST(test_leap_years)
{
    static const struct {
        unsigned year;
        int leap;
    } years[] = {{0, 1},    {4, 1},    {100, 0},  {400, 1},  {1600, 1},
                 {1700, 0}, {1900, 0}, {1996, 1}, {2000, 1}, {2023, 0},
                 {2024, 1}, {2100, 0}, {2400, 1}, {9996, 1}, {9999, 0}};
    char text[CIM_DT_LEN + 1];
    struct cim_datetime dt;

    for (size_t k = 0; k < N_ELEMS(years); k++) {
        unsigned y = years[k].year;

        memcpy(text, "00000229000000.000000+000", sizeof text);
        text[0] = (char)('0' + y / 1000);
        text[1] = (char)('0' + y / 100 % 10);
        text[2] = (char)('0' + y / 10 % 10);
        text[3] = (char)('0' + y % 10);
        ck_assert_msg(cim_dt_parse(text, &dt) == (years[k].leap ? JOB_OK : JOB_EINVAL),
                      "Feb 29 of %u", y);
        text[7] = '8';
        ck_assert_int_eq(cim_dt_parse(text, &dt), JOB_OK);
        text[6] = '3';
        text[7] = '0';
        ck_assert_int_eq(cim_dt_parse(text, &dt), JOB_EINVAL);
    }
}
END_TEST

START_TEST(test_month_lengths)
{
    static const unsigned len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char text[CIM_DT_LEN + 1];
    struct cim_datetime dt;

    for (unsigned m = 1; m <= 12; m++) {
        for (unsigned d = 0; d <= 32; d++) {
            memcpy(text, "20230101000000.000000+000", sizeof text);
            text[4] = (char)('0' + m / 10);
            text[5] = (char)('0' + m % 10);
            text[6] = (char)('0' + d / 10);
            text[7] = (char)('0' + d % 10);
            ck_assert_int_eq(cim_dt_parse(text, &dt),
                             d >= 1 && d <= len[m - 1] ? JOB_OK : JOB_EINVAL);
        }
    }
}
END_TEST

/*
 * Every single-byte change of a valid string either is refused or parses to a value that
 * formats back to the changed text. The one exception is a zero offset written "-000", which
 * formats as "+000".
 */
static const char *const mutation_seeds[] = {
    "20261121134100.000000+000", "19980525133015.123456-300", "20240229235959.999999+999",
    "20220510113045.000***-480", "1998052513****.******+060", "**************.******+000",
    "00000001132312.125***:000", "99999999235959.999999:000", "00000000******.******:000",
    "00000229000000.000000-000",
};

START_TEST(test_mutations)
{
    static const char bytes[] = {
        '0', '1',  '2', '3', '4', '5', '6',  '9',  '*',        '+',        '-',        ':',   '.',
        ' ', '\0', 'A', 'e', '/', 'T', '\t', '\n', (char)0x80, (char)0xff, (char)0xb9, '\x7f'};
    const char *seed = mutation_seeds[_i];
    char text[CIM_DT_LEN + 1];
    char back[CIM_DT_LEN + 1];
    char longer[CIM_DT_LEN + 2];
    struct cim_datetime dt;
    unsigned accepted = 0;

    for (size_t pos = 0; pos < CIM_DT_LEN; pos++) {
        for (size_t b = 0; b < sizeof bytes; b++) {
            memcpy(text, seed, sizeof text);
            text[pos] = bytes[b];
            if (cim_dt_parse_n(text, CIM_DT_LEN, &dt) != JOB_OK) {
                ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
                continue;
            }
            accepted++;
            ck_assert_int_eq(cim_dt_format(&dt, back), JOB_OK);
            if (text[21] == '-' && memcmp(text + 22, "000", 3) == 0) {
                text[21] = '+';
            }
            ck_assert_msg(memcmp(back, text, CIM_DT_LEN) == 0, "%.25s formats as %s", text, back);
        }
        /* Dropping or inserting a byte changes the length: always refused. */
        memcpy(text, seed, sizeof text);
        memmove(text + pos, text + pos + 1, CIM_DT_LEN - pos);
        ck_assert_int_eq(cim_dt_parse(text, &dt), JOB_EINVAL);
        memcpy(longer, seed, pos);
        longer[pos] = seed[pos];
        memcpy(longer + pos + 1, seed + pos, CIM_DT_LEN - pos + 1);
        ck_assert_int_eq(cim_dt_parse(longer, &dt), JOB_EINVAL);
        ck_assert_int_eq(cim_dt_parse_n(seed, pos, &dt), JOB_EINVAL);
    }
    ck_assert_uint_gt(accepted, 0);
}
END_TEST

START_TEST(test_wildcards_everywhere)
{
    /* Replacing the digit positions from i to the end by '*' is legal exactly at field
       boundaries (every microsecond digit is one). */
    static const char ts[] = "20261121134159.123456+000";
    static const char iv[] = "12345678134159.123456:000";
    const int ts_legal[21] = {1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1};
    const int iv_legal[21] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1};
    char text[CIM_DT_LEN + 1];
    struct cim_datetime dt;

    for (unsigned p = 0; p <= CIM_DT_DIGITS; p++) {
        for (int kind = 0; kind < 2; kind++) {
            memcpy(text, kind == 0 ? ts : iv, sizeof text);
            for (unsigned i = p; i < CIM_DT_DIGITS; i++) {
                text[i < 14 ? i : i + 1] = '*';
            }
            if ((kind == 0 ? ts_legal : iv_legal)[p]) {
                dt = parse_ok(text);
                ck_assert_uint_eq(dt.precision, p);
            } else {
                ck_assert_msg(cim_dt_parse(text, &dt) == JOB_EINVAL, "accepted %s", text);
            }
            /* A single '*' anywhere before the last position, with digits after it, is
               never legal. */
            if (p < CIM_DT_DIGITS - 1) {
                memcpy(text, kind == 0 ? ts : iv, sizeof text);
                text[p < 14 ? p : p + 1] = '*';
                ck_assert_msg(cim_dt_parse(text, &dt) == JOB_EINVAL, "accepted %s", text);
            }
        }
    }
}
END_TEST

START_TEST(test_embedded_nul)
{
    static const char with_nul[] = "20261121\0134100.000000+000";
    struct cim_datetime dt;

    ck_assert_int_eq(cim_dt_parse(with_nul, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_parse_n(with_nul, CIM_DT_LEN, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_parse_n("20261121134100.000000+000", CIM_DT_LEN, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_parse_n("20261121134100.000000+0000", CIM_DT_LEN, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_parse_n("20261121134100.000000+0000", CIM_DT_LEN + 1, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_iso8601_n("2026-11-21T13:41:00Z\0", 21, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_iso8601_n("2026-11-21T13:41:00Z\0", 20, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_from_iso8601_n("2026-11-21T13:41:00\0Z", 21, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_duration_n("P1D\0", 4, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_duration_n("P1D\0", 3, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_from_duration_n("PT1\0S", 5, &dt), JOB_EINVAL);
}
END_TEST

START_TEST(test_null_arguments)
{
    struct cim_datetime dt;
    char buf[64];
    int64_t s64;
    uint64_t u64;
    int r;

    dt = parse_ok("20261121134100.000000+000");
    ck_assert_int_eq(cim_dt_parse(NULL, &dt), JOB_EINVAL);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
    ck_assert_int_eq(cim_dt_parse("20261121134100.000000+000", NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_parse_n(NULL, CIM_DT_LEN, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_validate(NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_format(NULL, buf), JOB_EINVAL);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(cim_dt_format(&dt, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_to_unix_us(NULL, &s64), JOB_EINVAL);
    dt = parse_ok("20261121134100.000000+000");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(0, 0, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_interval_to_us(NULL, &u64), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_interval_from_us(0, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_iso8601(NULL, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_iso8601("2026-11-21T13:41:00Z", NULL), JOB_EINVAL);
    dt = parse_ok("20261121134100.000000+000");
    ck_assert_int_eq(cim_dt_to_iso8601(NULL, buf, sizeof buf), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, NULL, sizeof buf), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, buf, 0), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_duration(NULL, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_duration("P1D", NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_to_duration(NULL, buf, sizeof buf), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_is_forever(NULL), 0);
    cim_dt_forever(NULL);
    ck_assert_int_eq(cim_dt_compare(NULL, &dt, &r), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_compare(&dt, NULL, &r), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_compare(&dt, &dt, NULL), JOB_EINVAL);
}
END_TEST

START_TEST(test_invalid_structs)
{
    struct cim_datetime good = parse_ok("20240229120000.000000+000");
    struct cim_datetime dt;
    char buf[CIM_DT_LEN + 1];

    memset(&dt, 0, sizeof dt);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_EINVAL); /* the NULL kind */
    ck_assert_str_eq(buf, "");
    dt = good;
    dt.kind = 3;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.precision = CIM_DT_DIGITS + 1;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.precision = 5;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.year = 2023; /* Feb 29 */
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.year = 10000;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.month = 0;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.usec = 1000000;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.utc_offset = 1000;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.utc_offset = -1000;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.days = 1;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    /* A value in a field that is not significant. */
    dt = good;
    dt.precision = 8;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt.hour = 0;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_OK);
    dt = good;
    dt.usec = 100;
    dt.precision = 17;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);

    good = parse_ok("00000001132312.000000:000");
    dt = good;
    dt.year = 1;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.utc_offset = 1;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.days = 100000000;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.hour = 24;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
    dt = good;
    dt.precision = 4;
    ck_assert_int_eq(cim_dt_validate(&dt), JOB_EINVAL);
}
END_TEST

/* Known instants: CIM text and microseconds since the Unix epoch. */
static const struct {
    const char *cim;
    int64_t us;
} known[] = {
    {"19700101000000.000000+000", 0},
    {"19700101000000.000001+000", 1},
    {"19691231235959.999999+000", -1},
    {"19700101010000.000000+060", 0},
    {"19691231190000.000000-300", 0},
    {"19700101000000.000000+060", -INT64_C(3600000000)},
    {"20000229120000.000000+330", INT64_C(951805800) * 1000000},
    {"20000229063000.000000+000", INT64_C(951805800) * 1000000},
    {"20231231235900.000000-001", INT64_C(1704067200) * 1000000},
    {"20240101163900.000000+999", INT64_C(1704067200) * 1000000},
    {"20231231072100.000000-999", INT64_C(1704067200) * 1000000},
    {"20380119031408.000000+000", INT64_C(2147483648) * 1000000},
    {"00000101000000.000000+000", US_YEAR0},
    {"99991231235959.999999+000", US_YEAR9999_END},
    {"00000101000000.000000+999", US_YEAR0 - 999 * US_PER_MIN},
    {"99991231235959.999999-999", US_YEAR9999_END + 999 * US_PER_MIN},
};

START_TEST(test_unix_known)
{
    struct cim_datetime dt, back;
    char buf[CIM_DT_LEN + 1];
    int64_t us;

    dt = parse_ok(known[_i].cim);
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &us), JOB_OK);
    ck_assert_int_eq(us, known[_i].us);
    ck_assert_int_eq(cim_dt_from_unix_us(known[_i].us, dt.utc_offset, &back), JOB_OK);
    ck_assert_int_eq(cim_dt_format(&back, buf), JOB_OK);
    ck_assert_str_eq(buf, known[_i].cim);
}
END_TEST

START_TEST(test_unix_edges)
{
    struct cim_datetime dt;
    char buf[CIM_DT_LEN + 1];
    int64_t us = 42;

    /* Only fully significant timestamps have an instant. */
    dt = parse_ok("20261121134100.******+000");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &us), JOB_EINVAL);
    ck_assert_int_eq(us, 42);
    dt = parse_ok("20261121134100.00000*+000");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &us), JOB_EINVAL);
    dt = parse_ok("00000001132312.000000:000");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &us), JOB_EINVAL);

    /* Local years outside 0000..9999, offsets CIM cannot hold, int64 overflow. */
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR0 - 1, 0, &dt), JOB_EINVAL);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR0, -1, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR0, 1, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR9999_END + 1, 0, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR9999_END, 1, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(US_YEAR9999_END, -1, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_from_unix_us(0, 1000, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(0, -1000, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_MAX, 999, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_MIN, -999, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_MAX, 0, &dt), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_MIN, 0, &dt), JOB_EINVAL);

    /* A negative offset crossing a year boundary, and a positive one crossing back. */
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_C(1704067200) * 1000000 + 59999999, -1, &dt),
                     JOB_OK);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_OK);
    ck_assert_str_eq(buf, "20231231235959.999999-001");
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_C(1704067199) * 1000000, 1, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_OK);
    ck_assert_str_eq(buf, "20240101000059.000000+001");
    /* Feb 29 of a leap year reached through a negative offset. */
    ck_assert_int_eq(cim_dt_from_unix_us(INT64_C(951782400) * 1000000, -60, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_format(&dt, buf), JOB_OK);
    ck_assert_str_eq(buf, "20000228230000.000000-060");
}
END_TEST

START_TEST(test_unix_ignores_tz)
{
    struct cim_datetime dt;
    int64_t us;

    /* Nothing depends on the process time zone. */
    ck_assert_int_eq(setenv("TZ", "America/New_York", 1), 0);
    tzset();
    dt = parse_ok("20000229120000.000000+330");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &us), JOB_OK);
    ck_assert_int_eq(us, INT64_C(951805800) * 1000000);
    ck_assert_int_eq(cim_dt_from_unix_us(0, 0, &dt), JOB_OK);
    ck_assert_uint_eq(dt.year, 1970);
    ck_assert_uint_eq(dt.hour, 0);
}
END_TEST

START_TEST(test_random_instants)
{
    /* Instants whose local time stays inside 0000..9999 for every offset. */
    const int64_t lo = US_YEAR0 + 999 * US_PER_MIN;
    const uint64_t span = (uint64_t)(US_YEAR9999_END - 999 * US_PER_MIN - lo) + 1;
    uint64_t state = UINT64_C(0x9e3779b97f4a7c15);

    for (int n = 0; n < 20000; n++) {
        uint64_t r = rng_next(&state);
        int64_t us = lo + (int64_t)(r % span);
        int16_t offset = (int16_t)((int)(rng_next(&state) % 1999) - 999);
        struct cim_datetime dt, parsed, from_iso;
        char text[CIM_DT_LEN + 1];
        char iso[CIM_DT_ISO8601_SIZE];
        int64_t back;
        int cmp;

        /* Also try whole seconds, which take the no-fraction ISO form. */
        if (n % 4 == 0) {
            us -= (us % 1000000 + 1000000) % 1000000;
        }
        ck_assert_int_eq(cim_dt_from_unix_us(us, offset, &dt), JOB_OK);
        ck_assert_int_eq(dt.utc_offset, offset);
        ck_assert_int_eq(cim_dt_format(&dt, text), JOB_OK);
        ck_assert_int_eq(cim_dt_parse(text, &parsed), JOB_OK);
        assert_same(&dt, &parsed);
        ck_assert_int_eq(cim_dt_to_unix_us(&parsed, &back), JOB_OK);
        ck_assert_int_eq(back, us);

        ck_assert_int_eq(cim_dt_to_iso8601(&parsed, iso, sizeof iso), JOB_OK);
        ck_assert_int_eq(cim_dt_from_iso8601(iso, &from_iso), JOB_OK);
        assert_same(&parsed, &from_iso);

        /* The same instant at UTC compares equal. */
        ck_assert_int_eq(cim_dt_from_unix_us(us, 0, &from_iso), JOB_OK);
        ck_assert_int_eq(cim_dt_compare(&dt, &from_iso, &cmp), JOB_OK);
        ck_assert_int_eq(cmp, 0);
    }
}
END_TEST

START_TEST(test_random_intervals)
{
    uint64_t state = UINT64_C(0x0123456789abcdef);

    for (int n = 0; n < 20000; n++) {
        uint64_t us = rng_next(&state) % (CIM_DT_INTERVAL_MAX_US + 1);
        struct cim_datetime dt, parsed, from_dur;
        char text[CIM_DT_LEN + 1];
        char dur[CIM_DT_DURATION_SIZE];
        uint64_t back;

        /* Mix in short intervals, where most components are zero. */
        if (n % 3 == 1) {
            us %= UINT64_C(86400000000);
        } else if (n % 3 == 2) {
            us %= UINT64_C(100000000);
        }
        ck_assert_int_eq(cim_dt_interval_from_us(us, &dt), JOB_OK);
        ck_assert_int_eq(cim_dt_format(&dt, text), JOB_OK);
        ck_assert_int_eq(cim_dt_parse(text, &parsed), JOB_OK);
        assert_same(&dt, &parsed);
        ck_assert_int_eq(cim_dt_interval_to_us(&parsed, &back), JOB_OK);
        ck_assert_uint_eq(back, us);
        ck_assert_int_eq(cim_dt_to_duration(&parsed, dur, sizeof dur), JOB_OK);
        ck_assert_int_eq(cim_dt_from_duration(dur, &from_dur), JOB_OK);
        assert_same(&parsed, &from_dur);
    }
}
END_TEST

/* ISO 8601 text that parses, and the CIM text and ISO text it gives. */
static const struct {
    const char *iso;
    const char *cim;
    const char *iso_out;
} iso_good[] = {
    {"2026-11-21T13:41:00+00:00", "20261121134100.000000+000", "2026-11-21T13:41:00+00:00"},
    {"2026-11-21T13:41:00Z", "20261121134100.000000+000", "2026-11-21T13:41:00+00:00"},
    {"2026-11-21t13:41:00z", "20261121134100.000000+000", "2026-11-21T13:41:00+00:00"},
    {"2026-11-21T13:41:00-00:00", "20261121134100.000000+000", "2026-11-21T13:41:00+00:00"},
    {"2000-02-29T12:00:00+05:30", "20000229120000.000000+330", "2000-02-29T12:00:00+05:30"},
    {"2026-11-21T13:41:00.5-05:30", "20261121134100.500000-330",
     "2026-11-21T13:41:00.500000-05:30"},
    {"2026-11-21T13:41:00.000001Z", "20261121134100.000001+000",
     "2026-11-21T13:41:00.000001+00:00"},
    {"2026-11-21T13:41:00.123456+01:00", "20261121134100.123456+060",
     "2026-11-21T13:41:00.123456+01:00"},
    {"2026-11-21T13:41:00.000Z", "20261121134100.000000+000", "2026-11-21T13:41:00+00:00"},
    {"2026-11-21T13:41:00+16:39", "20261121134100.000000+999", "2026-11-21T13:41:00+16:39"},
    {"2026-11-21T13:41:00-16:39", "20261121134100.000000-999", "2026-11-21T13:41:00-16:39"},
    {"0000-01-01T00:00:00Z", "00000101000000.000000+000", "0000-01-01T00:00:00+00:00"},
    {"9999-12-31T23:59:59.999999+16:39", "99991231235959.999999+999",
     "9999-12-31T23:59:59.999999+16:39"},
    {"2024-02-29T23:59:59-00:01", "20240229235959.000000-001", "2024-02-29T23:59:59-00:01"},
};

START_TEST(test_iso_good)
{
    struct cim_datetime dt;
    char text[CIM_DT_LEN + 1];
    char iso[CIM_DT_ISO8601_SIZE];

    ck_assert_msg(cim_dt_from_iso8601(iso_good[_i].iso, &dt) == JOB_OK, "refused %s",
                  iso_good[_i].iso);
    ck_assert_uint_eq(dt.precision, CIM_DT_DIGITS);
    ck_assert_int_eq(cim_dt_format(&dt, text), JOB_OK);
    ck_assert_str_eq(text, iso_good[_i].cim);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_OK);
    ck_assert_str_eq(iso, iso_good[_i].iso_out);
}
END_TEST

static const char *const iso_bad[] = {
    "",
    "2026-11-21T13:41:00",
    "2026-11-21T13:41+00:00",
    "2026-11-21",
    "2026-11-21T13:41:00.+00:00",
    "2026-11-21T13:41:00.1234567Z",
    "2026-11-21T13:41:00.0000000Z",
    "2026-11-21T13:41:00,5Z",
    "2026-11-21T13:41:00+16:40",
    "2026-11-21T13:41:00-16:40",
    "2026-11-21T13:41:00+24:00",
    "2026-11-21T13:41:00+01:60",
    "2026-11-21T13:41:00+1:00",
    "2026-11-21T13:41:00+01:0",
    "2026-11-21T13:41:00+0100",
    "2026-11-21T13:41:00+01",
    "2026-11-21T13:41:00ZZ",
    "2026-11-21T13:41:00Z ",
    " 2026-11-21T13:41:00Z",
    "2026-11-21 13:41:00Z",
    "2026-11-21T13:41:60Z",
    "2026-11-21T24:00:00Z",
    "2026-11-21T13:60:00Z",
    "2026-02-29T13:41:00Z",
    "1900-02-29T13:41:00Z",
    "2026-04-31T13:41:00Z",
    "2026-13-01T13:41:00Z",
    "2026-00-01T13:41:00Z",
    "2026-01-00T13:41:00Z",
    "20261121T134100Z",
    "+2026-11-21T13:41:00Z",
    "12026-11-21T13:41:00Z",
    "2026-1-21T13:41:00Z",
    "2026-11-21T13:41:0Z",
    "2026-11-21T+3:41:00Z",
    "2026-W47-6T13:41:00Z",
    "2026-325T13:41:00Z",
    "2026-11-21T13:41:00.5",
    "2026-11-21T13:41:00.5 Z",
    "2026-11-21T13:41:00.-5Z",
    "2026-11-21T13:41:00.12345678901234567890123456789012345678901234567890Z",
};

START_TEST(test_iso_bad)
{
    struct cim_datetime dt;

    ck_assert_msg(cim_dt_from_iso8601(iso_bad[_i], &dt) == JOB_EINVAL, "accepted \"%s\"",
                  iso_bad[_i]);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
}
END_TEST

START_TEST(test_iso_precision)
{
    static const struct {
        const char *cim;
        const char *iso;
    } rows[] = {
        {"20220510113045.000***-480", "2022-05-10T11:30:45.000-08:00"},
        {"20220510113045.12345*-480", "2022-05-10T11:30:45.12345-08:00"},
        {"20220510113045.1*****+000", "2022-05-10T11:30:45.1+00:00"},
        {"19980525133015.******-300", "1998-05-25T13:30:15-05:00"},
        {"199805251330**.******-300", "1998-05-25T13:30-05:00"},
        {"1998052513****.******+090", "1998-05-25T13+01:30"},
        {"19980525******.******-300", "1998-05-25"},
        {"199805********.******-300", "1998-05"},
        {"1998**********.******-300", "1998"},
    };
    struct cim_datetime dt, back;
    char iso[CIM_DT_ISO8601_SIZE];
    int64_t a, b;

    for (size_t k = 0; k < N_ELEMS(rows); k++) {
        dt = parse_ok(rows[k].cim);
        ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_OK);
        ck_assert_str_eq(iso, rows[k].iso);
    }
    /* Second and sub-second precisions read back as the same instant, fully significant. */
    dt = parse_ok("20220510113045.123***-480");
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_OK);
    ck_assert_int_eq(cim_dt_from_iso8601(iso, &back), JOB_OK);
    ck_assert_uint_eq(back.precision, CIM_DT_DIGITS);
    ck_assert_int_eq(cim_dt_to_unix_us(&back, &b), JOB_OK);
    dt = parse_ok("20220510113045.123000-480");
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &a), JOB_OK);
    ck_assert_int_eq(a, b);

    /* Nothing significant, intervals: nothing ISO can say. */
    dt = parse_ok("**************.******+000");
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_EINVAL);
    ck_assert_str_eq(iso, "");
    dt = parse_ok("00000001132312.000000:000");
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_EINVAL);
}
END_TEST

START_TEST(test_iso_buffer)
{
    struct cim_datetime dt = parse_ok("99991231235959.999999-999");
    char iso[CIM_DT_ISO8601_SIZE];

    /* The longest form fills CIM_DT_ISO8601_SIZE exactly. */
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso), JOB_OK);
    ck_assert_str_eq(iso, "9999-12-31T23:59:59.999999-16:39");
    ck_assert_uint_eq(strlen(iso) + 1, CIM_DT_ISO8601_SIZE);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, sizeof iso - 1), JOB_EINVAL);
    ck_assert_str_eq(iso, "");
    dt = parse_ok("1998**********.******-300");
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, 5), JOB_OK);
    ck_assert_str_eq(iso, "1998");
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, 4), JOB_EINVAL);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, iso, 1), JOB_EINVAL);
    ck_assert_str_eq(iso, "");
}
END_TEST

/* Durations that parse: text, microseconds, and the shortest form written back. */
static const struct {
    const char *text;
    uint64_t us;
    const char *out;
} dur_good[] = {
    {"PT0S", 0, "PT0S"},
    {"P0D", 0, "PT0S"},
    {"PT0H0M0.000000S", 0, "PT0S"},
    {"P1D", UINT64_C(86400000000), "P1D"},
    {"PT1H", UINT64_C(3600000000), "PT1H"},
    {"PT1M", UINT64_C(60000000), "PT1M"},
    {"PT1S", UINT64_C(1000000), "PT1S"},
    {"PT90M", UINT64_C(5400000000), "PT1H30M"},
    {"PT36H", UINT64_C(129600000000), "P1DT12H"},
    {"PT1H0M", UINT64_C(3600000000), "PT1H"},
    {"P1DT2H3M4.5S", UINT64_C(93784500000), "P1DT2H3M4.5S"},
    {"P2DT0.5S", UINT64_C(172800500000), "P2DT0.5S"},
    {"PT0.000001S", 1, "PT0.000001S"},
    {"PT0.1S", 100000, "PT0.1S"},
    {"PT1.120S", 1120000, "PT1.12S"},
    {"PT61S", UINT64_C(61000000), "PT1M1S"},
    {"P0001D", UINT64_C(86400000000), "P1D"},
    {"P99999999DT23H59M59.999999S", CIM_DT_INTERVAL_MAX_US, "P99999999DT23H59M59.999999S"},
    {"PT8639999999999.999999S", CIM_DT_INTERVAL_MAX_US, "P99999999DT23H59M59.999999S"},
    {"P99999999DT86399.999999S", CIM_DT_INTERVAL_MAX_US, "P99999999DT23H59M59.999999S"},
};

START_TEST(test_duration_good)
{
    struct cim_datetime dt;
    char out[CIM_DT_DURATION_SIZE];
    uint64_t us;

    ck_assert_msg(cim_dt_from_duration(dur_good[_i].text, &dt) == JOB_OK, "refused %s",
                  dur_good[_i].text);
    ck_assert_uint_eq(dt.kind, CIM_DT_INTERVAL);
    ck_assert_uint_eq(dt.precision, CIM_DT_DIGITS);
    ck_assert_int_eq(cim_dt_interval_to_us(&dt, &us), JOB_OK);
    ck_assert_uint_eq(us, dur_good[_i].us);
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_OK);
    ck_assert_str_eq(out, dur_good[_i].out);
}
END_TEST

static const char *const dur_bad[] = {
    "",
    "P",
    "PT",
    "T1H",
    "1D",
    "P1DT",
    "P1W",
    "P1Y",
    "P1M",
    "P1Y2M3D",
    "P1DT1H1M1S1",
    "-P1D",
    "P-1D",
    "P+1D",
    "PT+1S",
    "PT-1S",
    "P 1D",
    "P1D ",
    " P1D",
    "PT1,5S",
    "PT.5S",
    "PT5.S",
    "PT1.5M",
    "PT1.5H",
    "P1.5D",
    "PT1.1234567S",
    "PT1.0000000S",
    "PT1S1M",
    "PT1M1H",
    "PT1H1H",
    "PT1S1S",
    "P1D1D",
    "P1DT1D",
    "pT1S",
    "Pt1S",
    "PT1s",
    "p1d",
    "PT1",
    "P1",
    "P100000000D",
    "PT8640000000000S",
    "P99999999DT24H",
    "P99999999DT86400S",
    "PT99999999999999999999999999S",
    "P18446744073709551616D",
    "PT18446744073709551615H",
    "P1DT1H1M1.5S0",
};

START_TEST(test_duration_bad)
{
    struct cim_datetime dt;

    ck_assert_msg(cim_dt_from_duration(dur_bad[_i], &dt) == JOB_EINVAL, "accepted \"%s\"",
                  dur_bad[_i]);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
}
END_TEST

START_TEST(test_duration_write)
{
    struct cim_datetime dt;
    char out[CIM_DT_DURATION_SIZE];

    /* Significant value only: '*' positions count as zero. */
    dt = parse_ok("00000001******.******:000");
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_OK);
    ck_assert_str_eq(out, "P1D");
    dt = parse_ok("00000001132312.125***:000");
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_OK);
    ck_assert_str_eq(out, "P1DT13H23M12.125S");
    dt = parse_ok("**************.******:000");
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_EINVAL);
    ck_assert_str_eq(out, "");
    dt = parse_ok("20261121134100.000000+000");
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_EINVAL);

    /* The longest form fills CIM_DT_DURATION_SIZE exactly. */
    ck_assert_int_eq(cim_dt_interval_from_us(CIM_DT_INTERVAL_MAX_US, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out), JOB_OK);
    ck_assert_uint_eq(strlen(out) + 1, CIM_DT_DURATION_SIZE);
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, sizeof out - 1), JOB_EINVAL);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(cim_dt_interval_from_us(0, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, 5), JOB_OK);
    ck_assert_str_eq(out, "PT0S");
    ck_assert_int_eq(cim_dt_to_duration(&dt, out, 4), JOB_EINVAL);
}
END_TEST

START_TEST(test_interval_us)
{
    struct cim_datetime dt;
    char text[CIM_DT_LEN + 1];
    uint64_t us = 7;

    ck_assert_int_eq(cim_dt_interval_from_us(CIM_DT_INTERVAL_MAX_US, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_format(&dt, text), JOB_OK);
    ck_assert_str_eq(text, "99999999235959.999999:000");
    ck_assert_int_eq(cim_dt_interval_from_us(CIM_DT_INTERVAL_MAX_US + 1, &dt), JOB_EINVAL);
    ck_assert_uint_eq(dt.kind, CIM_DT_NULL);
    ck_assert_int_eq(cim_dt_interval_from_us(UINT64_MAX, &dt), JOB_EINVAL);

    dt = parse_ok("00000001132312.000000:000");
    ck_assert_int_eq(cim_dt_interval_to_us(&dt, &us), JOB_OK);
    ck_assert_uint_eq(us, UINT64_C(134592000000));
    dt = parse_ok("00000001132312.******:000");
    ck_assert_int_eq(cim_dt_interval_to_us(&dt, &us), JOB_EINVAL);
    dt = parse_ok("20261121134100.000000+000");
    ck_assert_int_eq(cim_dt_interval_to_us(&dt, &us), JOB_EINVAL);
}
END_TEST

START_TEST(test_forever)
{
    struct cim_datetime dt;
    char text[CIM_DT_LEN + 1];

    cim_dt_forever(&dt);
    ck_assert_int_eq(cim_dt_format(&dt, text), JOB_OK);
    ck_assert_str_eq(text, "99991231235959.999999+999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 1);
    dt = parse_ok("99991231235959.999999+999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 1);
    dt = parse_ok("99999999235959.999999:000");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 1);

    dt = parse_ok("99991231235959.999999+000");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    dt = parse_ok("99991231235959.999999-999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    dt = parse_ok("99991231235959.99999*+999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    dt = parse_ok("9999**********.******+999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    dt = parse_ok("99991231235958.999999+999");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    dt = parse_ok("99999998235959.999999:000");
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
    memset(&dt, 0, sizeof dt);
    ck_assert_int_eq(cim_dt_is_forever(&dt), 0);
}
END_TEST

START_TEST(test_compare)
{
    static const struct {
        const char *a, *b;
        int result;
    } rows[] = {
        {"20000101000000.000000+000", "19991231230000.000000-060", 0},
        {"20000101000000.000000+000", "20000101010000.000000+060", 0},
        {"20000101000000.000000+000", "20000101000000.000001+000", -1},
        {"20000101000000.000001+000", "20000101000000.000000+000", 1},
        {"20000101000000.000000+001", "20000101000000.000000+000", -1},
        {"00000101000000.000000+999", "99991231235959.999999-999", -1},
        {"99991231235959.999999+999", "99991231235959.999999+000", -1},
        {"00000001000000.000000:000", "00000000235959.999999:000", 1},
        {"00000000000000.000000:000", "00000000000000.000000:000", 0},
        {"00000000000000.000000:000", "99999999235959.999999:000", -1},
    };
    static const struct {
        const char *a, *b;
    } bad[] = {
        {"20000101000000.000000+000", "00000001000000.000000:000"},
        {"20000101000000.******+000", "20000101000000.000000+000"},
        {"20000101000000.000000+000", "2000**********.******+000"},
        {"00000001******.******:000", "00000001000000.000000:000"},
    };
    struct cim_datetime a, b;
    int r;

    for (size_t k = 0; k < N_ELEMS(rows); k++) {
        a = parse_ok(rows[k].a);
        b = parse_ok(rows[k].b);
        r = 7;
        ck_assert_int_eq(cim_dt_compare(&a, &b, &r), JOB_OK);
        ck_assert_msg(r == rows[k].result, "%s vs %s: %d", rows[k].a, rows[k].b, r);
        ck_assert_int_eq(cim_dt_compare(&b, &a, &r), JOB_OK);
        ck_assert_int_eq(r, -rows[k].result);
    }
    for (size_t k = 0; k < N_ELEMS(bad); k++) {
        a = parse_ok(bad[k].a);
        b = parse_ok(bad[k].b);
        r = 7;
        ck_assert_int_eq(cim_dt_compare(&a, &b, &r), JOB_EINVAL);
        ck_assert_int_eq(r, 7);
    }
}
END_TEST

Suite *
cim_datetime_suite(void)
{
    Suite *s = suite_create("cim_datetime");
    TCase *cim = tcase_create("cim_text");
    TCase *unix_tc = tcase_create("unix");
    TCase *iso = tcase_create("iso8601");
    TCase *dur = tcase_create("duration");
    TCase *misc = tcase_create("misc");

    tcase_set_timeout(cim, 30);
    tcase_add_loop_test(cim, test_round_trip, 0, (int)N_ELEMS(round_trips));
    tcase_add_loop_test(cim, test_invalid, 0, (int)N_ELEMS(invalid));
    tcase_add_test(cim, test_parse_fields);
    tcase_add_test(cim, test_negative_zero_offset);
    tcase_add_test(cim, test_leap_years);
    tcase_add_test(cim, test_month_lengths);
    tcase_add_loop_test(cim, test_mutations, 0, (int)N_ELEMS(mutation_seeds));
    tcase_add_test(cim, test_wildcards_everywhere);
    tcase_add_test(cim, test_embedded_nul);
    tcase_add_test(cim, test_invalid_structs);
    suite_add_tcase(s, cim);

    tcase_set_timeout(unix_tc, 60);
    tcase_add_loop_test(unix_tc, test_unix_known, 0, (int)N_ELEMS(known));
    tcase_add_test(unix_tc, test_unix_edges);
    tcase_add_test(unix_tc, test_unix_ignores_tz);
    tcase_add_test(unix_tc, test_random_instants);
    tcase_add_test(unix_tc, test_random_intervals);
    suite_add_tcase(s, unix_tc);

    tcase_set_timeout(iso, 30);
    tcase_add_loop_test(iso, test_iso_good, 0, (int)N_ELEMS(iso_good));
    tcase_add_loop_test(iso, test_iso_bad, 0, (int)N_ELEMS(iso_bad));
    tcase_add_test(iso, test_iso_precision);
    tcase_add_test(iso, test_iso_buffer);
    suite_add_tcase(s, iso);

    tcase_set_timeout(dur, 30);
    tcase_add_loop_test(dur, test_duration_good, 0, (int)N_ELEMS(dur_good));
    tcase_add_loop_test(dur, test_duration_bad, 0, (int)N_ELEMS(dur_bad));
    tcase_add_test(dur, test_duration_write);
    tcase_add_test(dur, test_interval_us);
    suite_add_tcase(s, dur);

    tcase_set_timeout(misc, 30);
    tcase_add_test(misc, test_null_arguments);
    tcase_add_test(misc, test_forever);
    tcase_add_test(misc, test_compare);
    suite_add_tcase(s, misc);
    return s;
}
