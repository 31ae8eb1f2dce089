/* The Redfish Schedule view of a job: both mappings, the next start, and refused schedules. */
#include <stdint.h>
#include <string.h>

#include "../suites.h"
#include "job_schedule.h"

#define PB(id) (UINT64_C(1) << (id))
#define HOUR (INT64_C(3600000000))
#define DAY (24 * HOUR)

/* Microseconds since the epoch of an ISO 8601 date-time. */
static int64_t
us(const char *iso)
{
    struct cim_datetime dt;
    int64_t v = 0;

    ck_assert_int_eq(cim_dt_from_iso8601(iso, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_to_unix_us(&dt, &v), JOB_OK);
    return v;
}

static struct cim_datetime
iso(const char *text)
{
    struct cim_datetime dt;
    ck_assert_int_eq(cim_dt_from_iso8601(text, &dt), JOB_OK);
    return dt;
}

static struct cim_datetime
cim(const char *text)
{
    struct cim_datetime dt;
    ck_assert_int_eq(cim_dt_parse(text, &dt), JOB_OK);
    return dt;
}

static void
set_int(struct job *job, enum job_prop_id id, int64_t v)
{
    job->null_mask &= ~PB(id);
    switch (id) {
    case JOB_P_JOB_RUN_TIMES:
        job->job_run_times = (uint32_t)v;
        break;
    case JOB_P_RUN_MONTH:
        job->run_month = (uint8_t)v;
        break;
    case JOB_P_RUN_DAY:
        job->run_day = (int8_t)v;
        break;
    case JOB_P_RUN_DAY_OF_WEEK:
        job->run_day_of_week = (int8_t)v;
        break;
    case JOB_P_LOCAL_OR_UTC_TIME:
        job->local_or_utc_time = (uint16_t)v;
        break;
    default:
        ck_abort_msg("not an integer schedule property");
    }
}

static int
is_null(const struct job *job, enum job_prop_id id)
{
    return (job->null_mask & PB(id)) != 0;
}

/* The next start after `after`, which must exist. */
static int64_t
next_after(const struct job *job, int64_t after)
{
    int64_t n = 0;
    ck_assert_int_eq(job_schedule_next(job, after, &n), JOB_OK);
    return n;
}

static void
assert_next(const struct job *job, const char *after, const char *want)
{
    ck_assert_msg(next_after(job, us(after)) == us(want), "after %s: want %s", after, want);
}

static void
assert_none(const struct job *job, const char *after)
{
    int64_t n = 7;
    ck_assert_int_eq(job_schedule_next(job, us(after), &n), JOB_ENOTFOUND);
    ck_assert_int_eq(n, 7);
}

/* Writes s into a fresh job; must succeed. */
static void
to_job_ok(const struct job_schedule *s, struct job *job)
{
    const char *bad = "x";
    ck_assert_int_eq(job_schedule_to_job(s, job, &bad), JOB_OK);
    ck_assert_ptr_null(bad);
}

/* The same Redfish schedule, field by field. */
static void
assert_same(const struct job_schedule *a, const struct job_schedule *b)
{
    ck_assert_int_eq(a->has_initial_start, b->has_initial_start);
    if (a->has_initial_start) {
        char ta[CIM_DT_LEN + 1], tb[CIM_DT_LEN + 1];
        ck_assert_int_eq(cim_dt_format(&a->initial_start, ta), JOB_OK);
        ck_assert_int_eq(cim_dt_format(&b->initial_start, tb), JOB_OK);
        ck_assert_str_eq(ta, tb);
    }
    ck_assert_uint_eq(a->recurrence_us, b->recurrence_us);
    ck_assert_int_eq(a->has_max_occurrences, b->has_max_occurrences);
    if (a->has_max_occurrences)
        ck_assert_uint_eq(a->max_occurrences, b->max_occurrences);
    ck_assert_uint_eq(a->days_of_week, b->days_of_week);
    ck_assert_uint_eq(a->days_of_month, b->days_of_month);
    ck_assert_uint_eq(a->months, b->months);
    ck_assert(cim_strv_equal(&a->intervals, &b->intervals));
    ck_assert_uint_eq(a->lifetime_us, b->lifetime_us);
    ck_assert_int_eq(a->cim_only, b->cim_only);
}

/* Redfish -> job -> Redfish gives the same schedule back. */
static void
redfish_round_trip(const struct job_schedule *s, struct job *job)
{
    struct job_schedule back;

    job_init(job, &job_class_concrete);
    to_job_ok(s, job);
    ck_assert_int_eq(job_schedule_from_job(job, &back), JOB_OK);
    assert_same(s, &back);
    job_schedule_cleanup(&back);
}

/*
 * CIM -> Redfish -> a fresh job: the same next starts and, when same_form, the same Run*
 * properties.
 */
static void
cim_round_trip_as(const struct job *src, struct job_schedule *s, struct job *dst, int same_form)
{
    ck_assert_int_eq(job_schedule_from_job(src, s), JOB_OK);
    job_init(dst, &job_class_concrete);
    dst->time_submitted = src->time_submitted;
    to_job_ok(s, dst);
    const uint64_t m = PB(JOB_P_RUN_MONTH) | PB(JOB_P_RUN_DAY) | PB(JOB_P_RUN_DAY_OF_WEEK);
    ck_assert_uint_eq(src->null_mask & m, dst->null_mask & m);
    if (same_form && !is_null(src, JOB_P_RUN_MONTH))
        ck_assert_uint_eq(src->run_month, dst->run_month);
    if (same_form && !is_null(src, JOB_P_RUN_DAY)) {
        ck_assert_int_eq(src->run_day, dst->run_day);
        ck_assert_int_eq(src->run_day_of_week, dst->run_day_of_week);
    }
    int64_t t = us("2026-11-21T13:41:00Z");
    for (int i = 0; i < 12; i++) {
        int64_t a = 0, b = 0;
        enum job_err ea = job_schedule_next(src, t, &a);
        enum job_err eb = job_schedule_next(dst, t, &b);
        ck_assert_int_eq(ea, eb);
        if (ea != JOB_OK)
            break;
        ck_assert_msg(a == b, "run %d differs", i);
        t = a;
    }
}

static void
cim_round_trip(const struct job *src, struct job_schedule *s, struct job *dst)
{
    cim_round_trip_as(src, s, dst, 1);
}

/* A CIM-only job on the given calendar rule. */
static void
cim_job(struct job *job, int month, int day, int dow, const char *rsi)
{
    job_init(job, &job_class_concrete);
    job->time_submitted = cim("20261121134100.000000+000");
    set_int(job, JOB_P_JOB_RUN_TIMES, 0);
    set_int(job, JOB_P_LOCAL_OR_UTC_TIME, CIM_TIME_UTC);
    if (month >= 0)
        set_int(job, JOB_P_RUN_MONTH, month);
    if (day != 0) {
        set_int(job, JOB_P_RUN_DAY, day);
        set_int(job, JOB_P_RUN_DAY_OF_WEEK, dow);
    }
    if (rsi != NULL)
        job->run_start_interval = cim(rsi);
}

/* ---- Mapping rows, both ways ---- */

START_TEST(map_max_occurrences)
{
    struct job_schedule s, back;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T02:00:00Z");
    s.recurrence_us = (uint64_t)DAY;
    s.has_max_occurrences = 1;
    s.max_occurrences = 5;
    redfish_round_trip(&s, &job);
    ck_assert_uint_eq(job.job_run_times, 5);
    ck_assert(!is_null(&job, JOB_P_JOB_RUN_TIMES));
    job_cleanup(&job);

    s.has_max_occurrences = 0; /* absent: unlimited */
    redfish_round_trip(&s, &job);
    ck_assert_uint_eq(job.job_run_times, 0);
    job_cleanup(&job);

    /* A CIM job processed once by default shows MaxOccurrences 1. */
    job_init(&job, &job_class_concrete);
    job.scheduled_start_time = cim("20261122020000.000000+000");
    ck_assert_int_eq(job_schedule_from_job(&job, &back), JOB_OK);
    ck_assert_int_eq(back.has_max_occurrences, 1);
    ck_assert_uint_eq(back.max_occurrences, 1);
    ck_assert_int_eq(back.has_initial_start, 1);
    ck_assert_uint_eq(back.recurrence_us, 0);
    job_schedule_cleanup(&back);
    job_cleanup(&job);
}
END_TEST

START_TEST(map_run_month)
{
    struct job_schedule s;
    struct job job, dst;

    job_schedule_init(&s);
    s.recurrence_us = (uint64_t)DAY;
    s.months = 1u << 2; /* March */
    redfish_round_trip(&s, &job);
    ck_assert(!is_null(&job, JOB_P_RUN_MONTH));
    ck_assert_uint_eq(job.run_month, 2);
    job_cleanup(&job);

    s.months = (1u << 2) | (1u << 5); /* two months: not a CIM RunMonth */
    redfish_round_trip(&s, &job);
    ck_assert(is_null(&job, JOB_P_RUN_MONTH));
    job_cleanup(&job);

    cim_job(&job, 2, 1, 0, "00000000000000.000000:000");
    cim_round_trip(&job, &s, &dst);
    ck_assert_uint_eq(s.months, 1u << 2);
    ck_assert_uint_eq(s.days_of_month, 1u << 1);
    ck_assert_uint_eq(s.recurrence_us, (uint64_t)DAY);
    ck_assert_int_eq(s.cim_only, 0);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
    job_cleanup(&dst);
}
END_TEST

START_TEST(map_run_day)
{
    struct job_schedule s;
    struct job job, dst;

    job_schedule_init(&s);
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_month = 1u << 15;
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_day, 15);
    ck_assert_int_eq(job.run_day_of_week, 0);
    ck_assert(!is_null(&job, JOB_P_RUN_DAY_OF_WEEK));
    job_cleanup(&job);

    s.days_of_month = (1u << 1) | (1u << 15); /* two days: only in the Redfish view */
    redfish_round_trip(&s, &job);
    ck_assert(is_null(&job, JOB_P_RUN_DAY));
    ck_assert(is_null(&job, JOB_P_RUN_DAY_OF_WEEK));
    ck_assert_uint_eq(job.sched.days_of_month, s.days_of_month);
    job_cleanup(&job);

    cim_job(&job, -1, 15, 0, NULL);
    cim_round_trip(&job, &s, &dst);
    ck_assert_uint_eq(s.days_of_month, 1u << 15);
    ck_assert_uint_eq(s.days_of_week, 0);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
    job_cleanup(&dst);
}
END_TEST

START_TEST(map_day_of_week_after)
{
    struct job_schedule s;
    struct job job, dst;
    uint32_t days = 0;

    for (int d = 15; d <= 21; d++)
        days |= UINT32_C(1) << d;
    job_schedule_init(&s);
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_week = 1u << 6; /* Saturday */
    s.days_of_month = days;
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_day, 15);
    ck_assert_int_eq(job.run_day_of_week, 7); /* +Saturday */
    job_cleanup(&job);

    cim_job(&job, -1, 15, 7, NULL);
    cim_round_trip(&job, &s, &dst);
    ck_assert_uint_eq(s.days_of_week, 1u << 6);
    ck_assert_uint_eq(s.days_of_month, days);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
    job_cleanup(&dst);
}
END_TEST

START_TEST(map_day_of_week_before)
{
    struct job_schedule s;
    struct job job, dst;
    uint32_t days = 0;
    const char *bad = NULL;

    for (int d = 14; d <= 20; d++)
        days |= UINT32_C(1) << d;
    cim_job(&job, -1, 20, -7, NULL); /* first Saturday on or before the 20th */
    cim_round_trip_as(&job, &s, &dst, 0);
    ck_assert_uint_eq(s.days_of_week, 1u << 6);
    ck_assert_uint_eq(s.days_of_month, days);
    /* A fresh job gets the equivalent +Saturday/14 ... */
    ck_assert_int_eq(dst.run_day, 14);
    ck_assert_int_eq(dst.run_day_of_week, 7);
    /* ... and the job that held -Saturday/20 keeps it. */
    ck_assert_int_eq(job_schedule_to_job(&s, &job, &bad), JOB_OK);
    ck_assert_int_eq(job.run_day, 20);
    ck_assert_int_eq(job.run_day_of_week, -7);
    job_schedule_cleanup(&s);
    job_cleanup(&dst);
    job_cleanup(&job);

    /* Runs touching the month's ends are exact too. */
    job_schedule_init(&s);
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_week = 1u << 1;
    s.days_of_month = (1u << 1) | (1u << 2) | (1u << 3);
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_day, 3);
    ck_assert_int_eq(job.run_day_of_week, -2);
    job_cleanup(&job);
    s.days_of_month = (1u << 29) | (1u << 30) | (1u << 31);
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_day, 29);
    ck_assert_int_eq(job.run_day_of_week, 2);
    job_cleanup(&job);
    s.days_of_month = (1u << 10) | (1u << 11); /* short run in mid-month: not CIM */
    redfish_round_trip(&s, &job);
    ck_assert(is_null(&job, JOB_P_RUN_DAY));
    job_cleanup(&job);
}
END_TEST

START_TEST(map_negative_run_day)
{
    struct job_schedule s;
    struct job job;
    const char *bad = NULL;

    cim_job(&job, -1, -1, -6, "00000000020000.000000:000"); /* last Friday, 02:00 UTC */
    ck_assert_int_eq(job_schedule_from_job(&job, &s), JOB_OK);
    ck_assert_int_eq(s.cim_only, 1);
    ck_assert_uint_eq(s.days_of_month, 0);
    ck_assert_uint_eq(s.days_of_week, 1u << 5);
    ck_assert_uint_eq(s.recurrence_us, (uint64_t)DAY);
    ck_assert_int_eq(s.has_initial_start, 1);
    ck_assert_int_eq(cim_dt_to_unix_us(&s.initial_start, &(int64_t){0}), JOB_OK);
    /* The first occurrence after submission: Friday 2026-11-27 02:00Z. */
    int64_t first = 0;
    ck_assert_int_eq(cim_dt_to_unix_us(&s.initial_start, &first), JOB_OK);
    ck_assert(first == us("2026-11-27T02:00:00Z"));
    /* Given back unchanged, the CIM rule stays. */
    ck_assert_int_eq(job_schedule_to_job(&s, &job, &bad), JOB_OK);
    ck_assert_int_eq(job.run_day, -1);
    ck_assert_int_eq(job.run_day_of_week, -6);
    ck_assert_int_eq(job.sched.enabled, 1);
    assert_next(&job, "2026-11-27T02:00:00Z", "2026-12-25T02:00:00Z");
    job_schedule_cleanup(&s);
    ck_assert_int_eq(job_schedule_from_job(&job, &s), JOB_OK);
    ck_assert_int_eq(s.cim_only, 1);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(map_start_interval_and_zone)
{
    struct job_schedule s;
    struct job job, dst;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T02:00:00Z");
    s.recurrence_us = (uint64_t)DAY;
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_start_interval.kind, CIM_DT_INTERVAL);
    ck_assert_uint_eq(job.run_start_interval.hour, 2);
    ck_assert_uint_eq(job.local_or_utc_time, CIM_TIME_UTC);
    ck_assert_int_eq(job.scheduled_start_time.kind, CIM_DT_TIMESTAMP);
    job_cleanup(&job);

    s.initial_start = iso("2026-11-21T02:30:00-05:00");
    redfish_round_trip(&s, &job);
    ck_assert_uint_eq(job.local_or_utc_time, CIM_TIME_LOCAL);
    ck_assert_uint_eq(job.run_start_interval.hour, 2);
    ck_assert_uint_eq(job.run_start_interval.minute, 30);
    ck_assert_int_eq(job.scheduled_start_time.utc_offset, -300);
    job_cleanup(&job);

    s.recurrence_us = (uint64_t)HOUR; /* not P1D: no RunStartInterval */
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(job.run_start_interval.kind, CIM_DT_NULL);
    job_cleanup(&job);

    /* CIM: RunStartInterval 02:00 with ScheduledStartTime at midnight. */
    cim_job(&job, -1, 0, 0, "00000000020000.000000:000");
    job.scheduled_start_time = cim("20261122000000.000000+000");
    cim_round_trip(&job, &s, &dst);
    ck_assert_int_eq(s.has_initial_start, 1);
    ck_assert_uint_eq(s.initial_start.hour, 2);
    ck_assert_uint_eq(s.initial_start.day, 22);
    ck_assert_uint_eq(dst.run_start_interval.hour, 2);
    ck_assert_uint_eq(dst.local_or_utc_time, CIM_TIME_UTC);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
    job_cleanup(&dst);
}
END_TEST

START_TEST(map_until_time)
{
    struct job_schedule s;
    struct job job, dst;
    char until[CIM_DT_LEN + 1];

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T02:00:00Z");
    s.recurrence_us = (uint64_t)DAY;
    ck_assert_int_eq(
        cim_strv_push(&s.intervals, "2026-11-21T00:00:00+00:00/2026-12-31T00:00:00+00:00"), JOB_OK);
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(cim_dt_format(&job.until_time, until), JOB_OK);
    ck_assert_str_eq(until, "20261231000000.000000+000");
    job_cleanup(&job);

    /* With Lifetime, UntilTime is the earlier end. */
    s.lifetime_us = (uint64_t)(10 * DAY);
    redfish_round_trip(&s, &job);
    ck_assert_int_eq(cim_dt_format(&job.until_time, until), JOB_OK);
    ck_assert_str_eq(until, "20261201020000.000000+000");
    job_cleanup(&job);
    job_schedule_cleanup(&s);

    /* CIM UntilTime shows as one window from the first start. */
    cim_job(&job, -1, 0, 0, "00000000020000.000000:000");
    job.until_time = cim("20261231000000.000000+000");
    cim_round_trip(&job, &s, &dst);
    ck_assert_uint_eq(s.intervals.n, 1);
    ck_assert_str_eq(s.intervals.v[0], "2026-11-22T02:00:00+00:00/2026-12-31T00:00:00+00:00");
    ck_assert_int_eq(cim_dt_format(&dst.until_time, until), JOB_OK);
    ck_assert_str_eq(until, "20261231000000.000000+000");
    job_schedule_cleanup(&s);
    job_cleanup(&dst);

    /* All nines: no end, no window; a job holding it keeps it. */
    cim_dt_forever(&job.until_time);
    ck_assert_int_eq(job_schedule_from_job(&job, &s), JOB_OK);
    ck_assert_uint_eq(s.intervals.n, 0);
    ck_assert_int_eq(job_schedule_to_job(&s, &job, &(const char *){NULL}), JOB_OK);
    ck_assert(cim_dt_is_forever(&job.until_time));
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(map_full_redfish)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T08:15:00.5-05:00");
    s.recurrence_us = (uint64_t)(15 * 60) * 1000000u;
    s.has_max_occurrences = 1;
    s.max_occurrences = 1000;
    s.days_of_week = 0x3E;
    s.days_of_month = 0xFFFEu;
    s.months = 0x0F0;
    s.lifetime_us = (uint64_t)(400 * DAY);
    ck_assert_int_eq(cim_strv_push(&s.intervals, "2026-11-21T08:00:00-05:00/PT10H"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&s.intervals, "2027-01-01T00:00:00Z/2027-06-01T00:00:00Z"),
                     JOB_OK);
    redfish_round_trip(&s, &job);
    job.sched.runs = 3;
    to_job_ok(&s, &job); /* a rewrite keeps the run count */
    ck_assert_uint_eq(job.sched.runs, 3);
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

/* ---- Next start ---- */

START_TEST(next_daily_utc)
{
    struct job job;

    cim_job(&job, -1, 0, 0, "00000000020000.000000:000");
    assert_next(&job, "2026-11-21T13:41:00Z", "2026-11-22T02:00:00Z");
    assert_next(&job, "2026-11-22T01:59:59.999999Z", "2026-11-22T02:00:00Z");
    assert_next(&job, "2026-11-22T02:00:00Z", "2026-11-23T02:00:00Z");
    assert_next(&job, "2026-12-31T02:00:00Z", "2027-01-01T02:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_every_15_minutes)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T00:00:00Z");
    s.recurrence_us = 15u * 60u * 1000000u;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    assert_next(&job, "2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z");
    assert_next(&job, "2026-11-21T13:41:00Z", "2026-11-21T13:45:00Z");
    assert_next(&job, "2026-11-21T13:45:00Z", "2026-11-21T14:00:00Z");
    assert_next(&job, "2026-11-21T23:59:00Z", "2026-11-22T00:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(next_first_saturday_after_15th)
{
    struct job job;

    cim_job(&job, -1, 15, 7, "00000000020000.000000:000");
    assert_next(&job, "2026-11-01T00:00:00Z", "2026-11-21T02:00:00Z");
    assert_next(&job, "2026-11-21T02:00:00Z", "2026-12-19T02:00:00Z");
    assert_next(&job, "2026-12-19T02:00:00Z", "2027-01-16T02:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_last_friday)
{
    static const char *const want[] = {
        "2027-11-26T00:00:00Z", "2027-12-31T00:00:00Z", "2028-01-28T00:00:00Z",
        "2028-02-25T00:00:00Z", "2028-03-31T00:00:00Z", "2028-04-28T00:00:00Z",
    };
    struct job job;
    int64_t t = us("2027-11-01T00:00:00Z");

    cim_job(&job, -1, -1, -6, NULL);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        t = next_after(&job, t);
        ck_assert_msg(t == us(want[i]), "last Friday %zu", i);
    }
    job_cleanup(&job);

    /* The last day of the month: 29 February in the leap year 2028. */
    cim_job(&job, -1, -1, 0, NULL);
    assert_next(&job, "2028-02-01T00:00:00Z", "2028-02-29T00:00:00Z");
    assert_next(&job, "2027-02-01T00:00:00Z", "2027-02-28T00:00:00Z");
    assert_next(&job, "2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_weekdays_only)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-20T09:00:00Z"); /* a Friday */
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_week = 0x3E; /* Monday .. Friday */
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    ck_assert(is_null(&job, JOB_P_RUN_DAY)); /* not a CIM form */
    assert_next(&job, "2026-11-19T00:00:00Z", "2026-11-20T09:00:00Z");
    assert_next(&job, "2026-11-20T09:00:00Z", "2026-11-23T09:00:00Z");
    assert_next(&job, "2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(next_only_march)
{
    struct job_schedule s;
    struct job job;

    cim_job(&job, 2, 1, 0, NULL); /* 1 March, midnight UTC */
    assert_next(&job, "2026-11-21T13:41:00Z", "2027-03-01T00:00:00Z");
    assert_next(&job, "2027-03-01T00:00:00Z", "2028-03-01T00:00:00Z");
    job_cleanup(&job);

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T06:00:00Z");
    s.recurrence_us = (uint64_t)DAY;
    s.months = 1u << 2;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    assert_next(&job, "2026-11-21T13:41:00Z", "2027-03-01T06:00:00Z");
    assert_next(&job, "2027-03-31T06:00:00Z", "2028-03-01T06:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(next_enabled_intervals)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-12-01T00:00:00Z");
    s.recurrence_us = (uint64_t)HOUR;
    ck_assert_int_eq(cim_strv_push(&s.intervals, "2026-12-01T08:00:00Z/2026-12-01T10:00:00Z"),
                     JOB_OK);
    ck_assert_int_eq(cim_strv_push(&s.intervals, "2026-12-02T08:00:00Z/PT30M"), JOB_OK);
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    assert_next(&job, "2026-11-30T00:00:00Z", "2026-12-01T08:00:00Z");
    assert_next(&job, "2026-12-01T08:00:00Z", "2026-12-01T09:00:00Z");
    assert_next(&job, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z");
    assert_next(&job, "2026-12-01T10:00:00Z", "2026-12-02T08:00:00Z");
    assert_none(&job, "2026-12-02T08:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(next_max_occurrences)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T00:00:00Z");
    s.recurrence_us = (uint64_t)HOUR;
    s.has_max_occurrences = 1;
    s.max_occurrences = 3;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    job.sched.runs = 2;
    assert_next(&job, "2026-11-21T01:00:00Z", "2026-11-21T02:00:00Z");
    job.sched.runs = 3;
    assert_none(&job, "2026-11-21T01:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);

    /* CIM JobRunTimes 1 with only ScheduledStartTime: once. */
    job_init(&job, &job_class_concrete);
    job.scheduled_start_time = cim("20261122020000.000000+000");
    assert_next(&job, "2026-11-21T00:00:00Z", "2026-11-22T02:00:00Z");
    assert_none(&job, "2026-11-22T02:00:00Z");
    job.sched.runs = 1;
    assert_none(&job, "2026-11-21T00:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_until_time)
{
    struct job job;

    cim_job(&job, -1, 0, 0, "00000000020000.000000:000");
    job.until_time = cim("20261125000000.000000+000");
    assert_next(&job, "2026-11-23T02:00:00Z", "2026-11-24T02:00:00Z");
    assert_none(&job, "2026-11-24T02:00:00Z");
    assert_none(&job, "2026-11-26T00:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_lifetime)
{
    struct job_schedule s;
    struct job job;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T00:00:00Z");
    s.recurrence_us = (uint64_t)HOUR;
    s.lifetime_us = (uint64_t)(3 * HOUR);
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    assert_next(&job, "2026-11-21T02:00:00Z", "2026-11-21T03:00:00Z");
    assert_none(&job, "2026-11-21T03:00:00Z");
    /* Without InitialStartTime, Lifetime counts from StartTime. */
    s.has_initial_start = 0;
    to_job_ok(&s, &job);
    job.start_time = cim("20261121003000.000000+000");
    assert_next(&job, "2026-11-21T02:00:00Z", "2026-11-21T03:00:00Z");
    assert_none(&job, "2026-11-21T03:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);
}
END_TEST

START_TEST(next_local_offset)
{
    struct job_schedule s;
    struct job job;

    /* Mondays at 22:00 at -05:00, which is Tuesday 03:00 UTC. */
    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-20T22:00:00-05:00");
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_week = 1u << 1;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    ck_assert_uint_eq(job.local_or_utc_time, CIM_TIME_LOCAL);
    assert_next(&job, "2026-11-21T00:00:00Z", "2026-11-24T03:00:00Z");
    assert_next(&job, "2026-11-24T03:00:00Z", "2026-12-01T03:00:00Z");
    job_schedule_cleanup(&s);
    job_cleanup(&job);

    /* The CIM view alone: Local time, day 1 at 22:00, offset from ScheduledStartTime. */
    cim_job(&job, -1, 1, 0, "00000000220000.000000:000");
    set_int(&job, JOB_P_LOCAL_OR_UTC_TIME, CIM_TIME_LOCAL);
    job.scheduled_start_time = cim("20261121000000.000000-300");
    assert_next(&job, "2026-11-21T00:00:00Z", "2026-12-02T03:00:00Z");
    set_int(&job, JOB_P_LOCAL_OR_UTC_TIME, CIM_TIME_UTC);
    assert_next(&job, "2026-11-21T00:00:00Z", "2026-12-01T22:00:00Z");
    job_cleanup(&job);
}
END_TEST

START_TEST(next_bounded)
{
    struct job_schedule s;
    struct job job;
    int64_t n = 0;

    /* 30 February never comes: the search ends, without a result. */
    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T00:00:00Z");
    s.recurrence_us = 1; /* every microsecond */
    s.months = 1u << 1;
    s.days_of_month = 1u << 30;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    assert_none(&job, "2026-11-21T00:00:00Z");
    ck_assert_int_eq(job_schedule_next(&job, INT64_MAX, &n), JOB_ENOTFOUND);
    /* 29 February on a Saturday: 2048, far beyond four years. */
    s.recurrence_us = (uint64_t)DAY;
    s.days_of_month = 1u << 29;
    s.days_of_week = 1u << 6;
    to_job_ok(&s, &job);
    assert_next(&job, "2026-11-21T00:00:00Z", "2048-02-29T00:00:00Z");
    ck_assert_int_eq(job_schedule_next(&job, INT64_MIN, &n), JOB_OK);
    ck_assert(n == us("2048-02-29T00:00:00Z"));
    job_schedule_cleanup(&s);
    job_cleanup(&job);

    /* No schedule at all. */
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_schedule_next(&job, 0, &n), JOB_ENOTFOUND);
    job_cleanup(&job);
}
END_TEST

/* ---- Refused input ---- */

static void
assert_bad(const struct job_schedule *s, const char *prop)
{
    struct job job;
    const char *bad = NULL;

    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_schedule_to_job(s, &job, &bad), JOB_EINVAL);
    ck_assert_ptr_nonnull(bad);
    ck_assert_str_eq(bad, prop);
    /* Nothing changed. */
    ck_assert_int_eq(job.sched.enabled, 0);
    ck_assert_uint_eq(job.job_run_times, 1);
    ck_assert_int_eq(job.scheduled_start_time.kind, CIM_DT_NULL);
    ck_assert(is_null(&job, JOB_P_RUN_DAY));
    job_cleanup(&job);
}

START_TEST(invalid_schedules)
{
    struct job_schedule s;

    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T00:00:00Z");
    s.has_max_occurrences = 1;
    s.max_occurrences = 3; /* more than once, without RecurrenceInterval */
    assert_bad(&s, "MaxOccurrences");
    s.recurrence_us = (uint64_t)DAY;
    s.max_occurrences = 0;
    assert_bad(&s, "MaxOccurrences");
    s.has_max_occurrences = 0;

    s.days_of_month = 1u; /* bit 0 */
    assert_bad(&s, "EnabledDaysOfMonth");
    s.days_of_month = 0;
    s.days_of_week = 0x80;
    assert_bad(&s, "EnabledDaysOfWeek");
    s.days_of_week = 0;
    s.months = 0x1000;
    assert_bad(&s, "EnabledMonthsOfYear");
    s.months = 0;

    s.recurrence_us = CIM_DT_INTERVAL_MAX_US + 1;
    assert_bad(&s, "RecurrenceInterval");
    s.recurrence_us = (uint64_t)DAY;
    s.lifetime_us = CIM_DT_INTERVAL_MAX_US + 1;
    assert_bad(&s, "Lifetime");
    s.lifetime_us = 0;

    ck_assert_int_eq(cim_strv_push(&s.intervals, "2026-12-02T00:00:00Z/2026-12-01T00:00:00Z"),
                     JOB_OK); /* end before start */
    assert_bad(&s, "EnabledIntervals");
    cim_strv_cleanup(&s.intervals);
    ck_assert_int_eq(cim_strv_push(&s.intervals, "2026-12-01T00:00:00Z"), JOB_OK);
    assert_bad(&s, "EnabledIntervals");
    cim_strv_cleanup(&s.intervals);

    s.initial_start = cim("00000001000000.000000:000"); /* an interval, not a date-time */
    assert_bad(&s, "InitialStartTime");
    s.initial_start = cim("20261121******.******+000"); /* not fully significant */
    assert_bad(&s, "InitialStartTime");
    job_schedule_cleanup(&s);

    struct job job;
    const char *bad = NULL;
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_schedule_to_job(NULL, &job, &bad), JOB_EINVAL);
    ck_assert_str_eq(bad, "Schedule");
    job_cleanup(&job);
}
END_TEST

START_TEST(inconsistent_jobs)
{
    struct job job;
    struct job_schedule s;
    int64_t n = 0;

    /* RunDayOfWeek without RunDay. */
    job_init(&job, &job_class_concrete);
    set_int(&job, JOB_P_RUN_DAY_OF_WEEK, 3);
    ck_assert_int_eq(job_schedule_next(&job, 0, &n), JOB_EINVAL);
    ck_assert_int_eq(job_schedule_from_job(&job, &s), JOB_EINVAL);
    job_schedule_cleanup(&s);
    job_cleanup(&job);

    /* RunStartInterval of a whole day. */
    cim_job(&job, -1, 0, 0, "00000001000000.000000:000");
    ck_assert_int_eq(job_schedule_next(&job, 0, &n), JOB_EINVAL);
    job_cleanup(&job);

    /* P1D whose time of day differs from RunStartInterval. */
    job_schedule_init(&s);
    s.has_initial_start = 1;
    s.initial_start = iso("2026-11-21T02:00:00Z");
    s.recurrence_us = (uint64_t)DAY;
    job_init(&job, &job_class_concrete);
    to_job_ok(&s, &job);
    job.run_start_interval = cim("00000000030000.000000:000");
    ck_assert_int_eq(job_schedule_next(&job, 0, &n), JOB_EINVAL);
    job_schedule_cleanup(&s);
    job_cleanup(&job);

    /* A damaged stored window. */
    job_init(&job, &job_class_concrete);
    job.sched.enabled = 1;
    job.scheduled_start_time = cim("20261122020000.000000+000");
    ck_assert_int_eq(cim_strv_push(&job.sched.intervals, "garbage"), JOB_OK);
    ck_assert_int_eq(job_schedule_next(&job, 0, &n), JOB_EINVAL);
    ck_assert_int_eq(job_schedule_next(NULL, 0, &n), JOB_EINVAL);
    job_cleanup(&job);
}
END_TEST

Suite *
job_schedule_suite(void)
{
    Suite *s = suite_create("job_schedule");
    TCase *tc = tcase_create("mapping");

    tcase_add_test(tc, map_max_occurrences);
    tcase_add_test(tc, map_run_month);
    tcase_add_test(tc, map_run_day);
    tcase_add_test(tc, map_day_of_week_after);
    tcase_add_test(tc, map_day_of_week_before);
    tcase_add_test(tc, map_negative_run_day);
    tcase_add_test(tc, map_start_interval_and_zone);
    tcase_add_test(tc, map_until_time);
    tcase_add_test(tc, map_full_redfish);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("next");
    tcase_add_test(tc, next_daily_utc);
    tcase_add_test(tc, next_every_15_minutes);
    tcase_add_test(tc, next_first_saturday_after_15th);
    tcase_add_test(tc, next_last_friday);
    tcase_add_test(tc, next_weekdays_only);
    tcase_add_test(tc, next_only_march);
    tcase_add_test(tc, next_enabled_intervals);
    tcase_add_test(tc, next_max_occurrences);
    tcase_add_test(tc, next_until_time);
    tcase_add_test(tc, next_lifetime);
    tcase_add_test(tc, next_local_offset);
    tcase_add_test(tc, next_bounded);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("invalid");
    tcase_add_test(tc, invalid_schedules);
    tcase_add_test(tc, inconsistent_jobs);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
