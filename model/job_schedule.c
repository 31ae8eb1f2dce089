/*
 * A job's Redfish Schedule and the CIM Run* properties: both ways, and the next start.
 *
 * The scheduler works on one internal rule built from the whole job (struct rule): candidate
 * instants base + k * step (one day for a CIM calendar rule, RecurrenceInterval for a Redfish
 * one, none for a single start), filtered by the day rules of both views in the schedule's zone,
 * the EnabledIntervals windows and a hard end (UntilTime, Lifetime, year 9999).
 */
#include "job_schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_MIN (60 * US_PER_SEC)
#define US_PER_DAY (86400 * US_PER_SEC)
#define PBIT(id) (UINT64_C(1) << (id))

/* Days searched at most: 400 Gregorian years, after which every calendar pattern repeats. */
#define SEARCH_DAYS 146097

struct window {
    int64_t start, end; /* both included */
};

struct rule {
    int64_t off_us; /* the zone: offset east of UTC */
    int16_t off_min;
    int has_anchor;
    int64_t anchor; /* InitialStartTime / ScheduledStartTime; also the lower bound */
    uint64_t step;  /* 0: a single start at the anchor */
    int64_t base;   /* first candidate */
    int calendar;   /* step is the CIM calendar's day */
    int64_t end;    /* no start after this instant */
    /* Redfish day filters (0 = all) */
    uint32_t dm;
    uint16_t months;
    uint8_t dw;
    /* CIM day rule */
    int has_month;
    int month; /* 0..11 */
    int has_day;
    int run_day;
    int run_dow;
    int has_rsi;
    int64_t rsi;
    uint32_t run_times; /* 0 = unlimited */
    size_t nwin;
    struct window win[JOB_SCHEDULE_MAX_INTERVALS];
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t
month_len(int64_t y, int64_t m)
{
    static const int8_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        return 29;
    return len[m - 1];
}

/* The first and last instants the model can show (years 0000 and 9999, any offset). */
static int64_t
min_us(void)
{
    return (days_from_civil(0, 1, 1) - 1) * US_PER_DAY;
}

static int64_t
max_us(void)
{
    return (days_from_civil(10000, 1, 1) + 1) * US_PER_DAY - 1;
}

static int
prop_null(const struct job *job, enum job_prop_id id)
{
    return (job->null_mask & PBIT(id)) != 0;
}

static int
popcount32(uint32_t v)
{
    int n = 0;
    for (; v != 0; v &= v - 1)
        n++;
    return n;
}

static int
lowest_bit(uint32_t v)
{
    int i = 0;
    while (i < 32 && (v & (UINT32_C(1) << i)) == 0)
        i++;
    return i;
}

/* Bits lo..hi (inclusive) of days 1..31, clipped. */
static uint32_t
day_bits(int lo, int hi)
{
    uint32_t b = 0;
    if (lo < 1)
        lo = 1;
    if (hi > 31)
        hi = 31;
    for (int d = lo; d <= hi; d++)
        b |= UINT32_C(1) << d;
    return b;
}

/* An absolute instant for a timestamp, or for an interval counted from TimeSubmitted. */
static enum job_err
dt_abs(const struct job *job, const struct cim_datetime *dt, int64_t *us)
{
    if (dt->kind == CIM_DT_TIMESTAMP)
        return cim_dt_to_unix_us(dt, us);
    if (dt->kind == CIM_DT_INTERVAL) {
        uint64_t iv;
        int64_t sub;
        if (cim_dt_interval_to_us(dt, &iv) != JOB_OK
            || cim_dt_to_unix_us(&job->time_submitted, &sub) != JOB_OK
            || iv > (uint64_t)(max_us() - sub))
            return JOB_EINVAL;
        *us = sub + (int64_t)iv;
        return JOB_OK;
    }
    return JOB_EINVAL;
}

/* Parses one EnabledIntervals text, "start/end" or "start/duration". */
static enum job_err
parse_window(const char *text, struct window *w)
{
    struct cim_datetime a, b;
    const char *slash = text != NULL ? strchr(text, '/') : NULL;

    if (slash == NULL || cim_dt_from_iso8601_n(text, (size_t)(slash - text), &a) != JOB_OK
        || cim_dt_to_unix_us(&a, &w->start) != JOB_OK)
        return JOB_EINVAL;
    if (slash[1] == 'P') {
        uint64_t dur;
        if (cim_dt_from_duration(slash + 1, &b) != JOB_OK
            || cim_dt_interval_to_us(&b, &dur) != JOB_OK || dur > (uint64_t)(max_us() - w->start))
            return JOB_EINVAL;
        w->end = w->start + (int64_t)dur;
    } else if (cim_dt_from_iso8601(slash + 1, &b) != JOB_OK
               || cim_dt_to_unix_us(&b, &w->end) != JOB_OK) {
        return JOB_EINVAL;
    }
    return w->end < w->start ? JOB_EINVAL : JOB_OK;
}

static enum job_err
parse_windows(const struct cim_strv *sv, struct window *win, size_t *n)
{
    if (sv->n > JOB_SCHEDULE_MAX_INTERVALS || (sv->n > 0 && sv->v == NULL))
        return JOB_EINVAL;
    for (size_t i = 0; i < sv->n; i++)
        if (parse_window(sv->v[i], &win[i]) != JOB_OK)
            return JOB_EINVAL;
    *n = sv->n;
    return JOB_OK;
}

/* Time of day of t in the rule's zone. */
static int64_t
tod_of(const struct rule *r, int64_t t)
{
    const int64_t local = t + r->off_us;
    return local - floor_div(local, US_PER_DAY) * US_PER_DAY;
}

/* Builds the rule of a job; JOB_EINVAL for an inconsistent job. */
static enum job_err
rule_build(const struct job *job, struct rule *r)
{
    const struct job_sched *sc = &job->sched;
    const int64_t hard_end = max_us();
    int lut = prop_null(job, JOB_P_LOCAL_OR_UTC_TIME) ? 0 : job->local_or_utc_time;
    int64_t until;

    memset(r, 0, sizeof *r);
    r->end = hard_end;
    r->has_month = !prop_null(job, JOB_P_RUN_MONTH);
    r->month = job->run_month;
    r->has_day = !prop_null(job, JOB_P_RUN_DAY);
    r->run_day = job->run_day;
    r->run_dow = prop_null(job, JOB_P_RUN_DAY_OF_WEEK) ? 0 : job->run_day_of_week;
    r->run_times = prop_null(job, JOB_P_JOB_RUN_TIMES) ? 1 : job->job_run_times;
    if ((r->has_month && r->month > 11)
        || (r->has_day && (r->run_day == 0 || r->run_day > 31 || r->run_day < -31))
        || r->run_dow > 7 || r->run_dow < -7 || (!r->has_day && r->run_dow != 0)
        || (lut != 0 && lut != CIM_TIME_LOCAL && lut != CIM_TIME_UTC))
        return JOB_EINVAL;

    if (job->scheduled_start_time.kind != CIM_DT_NULL) {
        if (dt_abs(job, &job->scheduled_start_time, &r->anchor) != JOB_OK)
            return JOB_EINVAL;
        r->has_anchor = 1;
    }
    if (job->until_time.kind != CIM_DT_NULL && !cim_dt_is_forever(&job->until_time)) {
        if (dt_abs(job, &job->until_time, &until) != JOB_OK)
            return JOB_EINVAL;
        if (until < r->end)
            r->end = until;
    }
    if (lut == CIM_TIME_LOCAL) {
        if (job->scheduled_start_time.kind == CIM_DT_TIMESTAMP)
            r->off_min = job->scheduled_start_time.utc_offset;
        else if (job->until_time.kind == CIM_DT_TIMESTAMP)
            r->off_min = job->until_time.utc_offset;
    }
    r->off_us = r->off_min * US_PER_MIN;

    if (job->run_start_interval.kind != CIM_DT_NULL) {
        uint64_t iv;
        if (cim_dt_interval_to_us(&job->run_start_interval, &iv) != JOB_OK
            || iv >= (uint64_t)US_PER_DAY)
            return JOB_EINVAL;
        r->has_rsi = 1;
        r->rsi = (int64_t)iv;
    }

    if (sc->enabled) {
        if ((sc->days_of_month & 1u) != 0 || sc->months > 0xFFFu || sc->days_of_week > 0x7Fu)
            return JOB_EINVAL;
        r->dm = sc->days_of_month;
        r->months = sc->months;
        r->dw = sc->days_of_week;
        if (parse_windows(&sc->intervals, r->win, &r->nwin) != JOB_OK)
            return JOB_EINVAL;
        if (sc->lifetime_us != 0) {
            int64_t from;
            if (r->has_anchor)
                from = r->anchor;
            else if (cim_dt_to_unix_us(&job->start_time, &from) != JOB_OK
                     && cim_dt_to_unix_us(&job->time_submitted, &from) != JOB_OK)
                return JOB_EINVAL;
            if (sc->lifetime_us <= (uint64_t)(hard_end - from)
                && from + (int64_t)sc->lifetime_us < r->end)
                r->end = from + (int64_t)sc->lifetime_us;
        }
        r->step = sc->recurrence_us;
        if (r->step != 0 && r->has_rsi
            && (r->step != (uint64_t)US_PER_DAY
                || (r->has_anchor && tod_of(r, r->anchor) != r->rsi)))
            return JOB_EINVAL;
        if (r->has_anchor)
            r->base = r->anchor;
        else
            r->base = -r->off_us + (r->has_rsi ? r->rsi : 0);
    } else if (r->has_month || r->has_day || r->has_rsi) {
        int64_t tod = r->has_rsi ? r->rsi : r->has_anchor ? tod_of(r, r->anchor) : 0;
        r->calendar = 1;
        r->step = (uint64_t)US_PER_DAY;
        if (r->has_anchor)
            r->base = floor_div(r->anchor + r->off_us, US_PER_DAY) * US_PER_DAY - r->off_us + tod;
        else
            r->base = -r->off_us + tod;
    } else {
        r->step = 0;
        r->base = r->anchor;
    }
    return JOB_OK;
}

/* Whether a local day passes the day filters of both views. */
static int
day_ok(const struct rule *r, int64_t day)
{
    int64_t y, m, d;
    const int64_t wd = day - floor_div(day + 4, 7) * 7 + 4; /* 1970-01-01 was a Thursday */

    civil_from_days(day, &y, &m, &d);
    if ((r->months != 0 && (r->months & (1u << (m - 1))) == 0)
        || (r->dm != 0 && (r->dm & (UINT32_C(1) << d)) == 0)
        || (r->dw != 0 && (r->dw & (1u << wd)) == 0))
        return 0;
    if (r->has_month && m - 1 != r->month)
        return 0;
    if (r->has_day) {
        const int64_t len = month_len(y, m);
        const int64_t ref = r->run_day > 0 ? r->run_day : len + 1 + r->run_day;
        if (r->run_dow == 0)
            return d == ref;
        if (r->run_dow > 0)
            return wd == r->run_dow - 1 && d >= ref && d <= ref + 6;
        return wd == -r->run_dow - 1 && d >= ref - 6 && d <= ref;
    }
    return 1;
}

/* First candidate instant at or after t; 0 when there is none. */
static int
candidate(const struct rule *r, int64_t t, int64_t *c)
{
    const uint64_t span = (uint64_t)(max_us() - min_us());

    if (t <= r->base) {
        *c = r->base;
        return 1;
    }
    if (r->step == 0 || r->step > span)
        return 0;
    const uint64_t diff = (uint64_t)(t - r->base);
    const uint64_t k = diff / r->step + (diff % r->step != 0);
    *c = r->base + (int64_t)(k * r->step);
    return 1;
}

/* The first start strictly after after_us, ignoring the run count. */
static enum job_err
rule_search(const struct rule *r, int64_t after_us, int64_t *out)
{
    int64_t t;
    const long limit = SEARCH_DAYS + 4 * JOB_SCHEDULE_MAX_INTERVALS + 16;

    if (r->step == 0 && !r->has_anchor)
        return JOB_ENOTFOUND;
    if (after_us >= r->end)
        return JOB_ENOTFOUND;
    t = after_us < min_us() ? min_us() : after_us + 1;
    if (r->has_anchor && t < r->anchor)
        t = r->anchor;
    for (long iter = 0; iter < limit; iter++) {
        int64_t c, we = 0;
        if (t > r->end)
            return JOB_ENOTFOUND;
        if (r->nwin > 0) {
            int in = 0;
            int64_t next = 0;
            int has_next = 0;
            for (size_t i = 0; i < r->nwin; i++) {
                const struct window *w = &r->win[i];
                if (w->start <= t && t <= w->end) {
                    if (!in || w->end > we)
                        we = w->end;
                    in = 1;
                } else if (w->start > t && (!has_next || w->start < next)) {
                    next = w->start;
                    has_next = 1;
                }
            }
            if (!in) {
                if (!has_next)
                    return JOB_ENOTFOUND;
                t = next;
                continue;
            }
        }
        if (!candidate(r, t, &c) || c > r->end)
            return JOB_ENOTFOUND;
        if (r->nwin > 0 && c > we) {
            t = we + 1;
            continue;
        }
        const int64_t day = floor_div(c + r->off_us, US_PER_DAY);
        if (day_ok(r, day)) {
            *out = c;
            return JOB_OK;
        }
        t = (day + 1) * US_PER_DAY - r->off_us;
    }
    return JOB_ENOTFOUND;
}

void
job_schedule_init(struct job_schedule *s)
{
    memset(s, 0, sizeof *s);
    cim_strv_init(&s->intervals);
}

void
job_schedule_cleanup(struct job_schedule *s)
{
    if (s == NULL)
        return;
    cim_strv_cleanup(&s->intervals);
    job_schedule_init(s);
}

/* Does the job's current -D/N rule describe the window [lo .. hi] with day of week bit dw? */
static int
keeps_minus_form(const struct job *job, uint8_t dw, uint32_t dm)
{
    if (prop_null(job, JOB_P_RUN_DAY) || prop_null(job, JOB_P_RUN_DAY_OF_WEEK) || job->run_day <= 0
        || job->run_day_of_week >= 0 || job->run_day_of_week < -7)
        return 0;
    return dw == (1u << (-job->run_day_of_week - 1))
           && dm == day_bits(job->run_day - 6, job->run_day);
}

/* Whether v is one run of consecutive set bits; *lo and *hi get its ends. */
static int
one_run(uint32_t v, int *lo, int *hi)
{
    if (v == 0)
        return 0;
    *lo = lowest_bit(v);
    *hi = *lo + popcount32(v) - 1;
    return day_bits(*lo, *hi) == v;
}

enum job_err
job_schedule_to_job(const struct job_schedule *s, struct job *job, const char **bad)
{
    const char *dummy;
    struct window win[JOB_SCHEDULE_MAX_INTERVALS];
    size_t nwin = 0;
    int64_t anchor = 0;
    struct cim_strv iv;
    struct cim_datetime rsi, until;
    int has_month = 0, has_day = 0;
    uint8_t month = 0;
    int8_t run_day = 0, run_dow = 0;
    uint16_t lut = 0;

    if (bad == NULL)
        bad = &dummy;
    *bad = NULL;
    if (s == NULL || job == NULL) {
        *bad = "Schedule";
        return JOB_EINVAL;
    }
    if (s->has_initial_start
        && (s->initial_start.kind != CIM_DT_TIMESTAMP
            || cim_dt_to_unix_us(&s->initial_start, &anchor) != JOB_OK))
        *bad = "InitialStartTime";
    else if (s->recurrence_us > CIM_DT_INTERVAL_MAX_US)
        *bad = "RecurrenceInterval";
    else if (s->has_max_occurrences
             && (s->max_occurrences == 0 || (s->max_occurrences > 1 && s->recurrence_us == 0)))
        *bad = "MaxOccurrences";
    else if (s->days_of_week > 0x7Fu)
        *bad = "EnabledDaysOfWeek";
    else if ((s->days_of_month & 1u) != 0)
        *bad = "EnabledDaysOfMonth";
    else if (s->months > 0xFFFu)
        *bad = "EnabledMonthsOfYear";
    else if (parse_windows(&s->intervals, win, &nwin) != JOB_OK)
        *bad = "EnabledIntervals";
    else if (s->lifetime_us > CIM_DT_INTERVAL_MAX_US)
        *bad = "Lifetime";
    if (*bad != NULL)
        return JOB_EINVAL;

    /* The CIM day rules, only for a recurring schedule (else they would make one start many). */
    memset(&rsi, 0, sizeof rsi);
    memset(&until, 0, sizeof until);
    if (s->recurrence_us != 0) {
        const uint32_t dm = s->days_of_month;
        const uint8_t dw = s->days_of_week;
        int lo, hi;
        if (popcount32(s->months) == 1) {
            has_month = 1;
            month = (uint8_t)lowest_bit(s->months);
        }
        if (s->cim_only && dm == 0 && !prop_null(job, JOB_P_RUN_DAY) && job->run_day < 0) {
            const int8_t d = prop_null(job, JOB_P_RUN_DAY_OF_WEEK) ? 0 : job->run_day_of_week;
            const uint8_t want = (uint8_t)(d == 0 ? 0u : 1u << (d > 0 ? d - 1 : -d - 1));
            if (dw == want) {
                has_day = 1;
                run_day = job->run_day;
                run_dow = d;
            }
        } else if (dw == 0 && popcount32(dm) == 1) {
            has_day = 1;
            run_day = (int8_t)lowest_bit(dm);
        } else if (popcount32(dw) == 1 && one_run(dm, &lo, &hi) && hi - lo <= 6
                   && (hi - lo == 6 || hi == 31 || lo == 1)) {
            const int8_t d = (int8_t)(lowest_bit(dw) + 1);
            has_day = 1;
            if (keeps_minus_form(job, dw, dm)) {
                run_day = job->run_day;
                run_dow = (int8_t)-d;
            } else if (hi - lo == 6 || hi == 31) {
                run_day = (int8_t)lo;
                run_dow = d;
            } else {
                run_day = (int8_t)hi;
                run_dow = (int8_t)-d;
            }
        }
        if (s->recurrence_us == (uint64_t)US_PER_DAY && s->has_initial_start) {
            const struct cim_datetime *a = &s->initial_start;
            const uint64_t tod = (uint64_t)a->hour * 3600u * (uint64_t)US_PER_SEC
                                 + (uint64_t)a->minute * (uint64_t)US_PER_MIN
                                 + (uint64_t)a->second * (uint64_t)US_PER_SEC + a->usec;
            if (cim_dt_interval_from_us(tod, &rsi) != JOB_OK)
                return JOB_EINVAL;
        }
    }
    if (s->has_initial_start)
        lut = s->initial_start.utc_offset == 0 ? CIM_TIME_UTC : CIM_TIME_LOCAL;

    /* UntilTime: the latest window end, or the end of the Lifetime, whichever is earlier. */
    {
        int has_end = 0;
        int64_t end = 0;
        const int16_t off = s->has_initial_start ? s->initial_start.utc_offset : 0;
        for (size_t i = 0; i < nwin; i++) {
            if (!has_end || win[i].end > end)
                end = win[i].end;
            has_end = 1;
        }
        if (s->lifetime_us != 0 && s->has_initial_start
            && s->lifetime_us <= (uint64_t)(max_us() - anchor)) {
            const int64_t le = anchor + (int64_t)s->lifetime_us;
            if (!has_end || le < end)
                end = le;
            has_end = 1;
        }
        if (has_end) {
            if (cim_dt_from_unix_us(end, off, &until) != JOB_OK)
                memset(&until, 0, sizeof until); /* beyond year 9999: no end to show */
        } else if (cim_dt_is_forever(&job->until_time)) {
            until = job->until_time;
        }
    }

    cim_strv_init(&iv);
    if (cim_strv_copy(&iv, &s->intervals) != JOB_OK)
        return JOB_ENOMEM;

    /* Commit: nothing below fails. */
    cim_strv_cleanup(&job->sched.intervals);
    job->sched.intervals = iv;
    job->sched.enabled = 1;
    job->sched.recurrence_us = s->recurrence_us;
    job->sched.lifetime_us = s->lifetime_us;
    job->sched.days_of_month = s->days_of_month;
    job->sched.months = s->months;
    job->sched.days_of_week = s->days_of_week;

    job->null_mask &= ~(PBIT(JOB_P_JOB_RUN_TIMES) | PBIT(JOB_P_RUN_MONTH) | PBIT(JOB_P_RUN_DAY)
                        | PBIT(JOB_P_RUN_DAY_OF_WEEK) | PBIT(JOB_P_LOCAL_OR_UTC_TIME));
    job->job_run_times = s->has_max_occurrences ? s->max_occurrences : 0;
    job->run_month = month;
    job->run_day = run_day;
    job->run_day_of_week = run_dow;
    job->local_or_utc_time = lut;
    if (!has_month)
        job->null_mask |= PBIT(JOB_P_RUN_MONTH);
    if (!has_day)
        job->null_mask |= PBIT(JOB_P_RUN_DAY) | PBIT(JOB_P_RUN_DAY_OF_WEEK);
    if (lut == 0)
        job->null_mask |= PBIT(JOB_P_LOCAL_OR_UTC_TIME);
    job->run_start_interval = rsi;
    job->until_time = until;
    if (s->has_initial_start)
        job->scheduled_start_time = s->initial_start;
    else
        memset(&job->scheduled_start_time, 0, sizeof job->scheduled_start_time);
    return JOB_OK;
}

/* Appends "start/end" for the window, both at offset off. */
static enum job_err
push_window(struct cim_strv *sv, int64_t start, int64_t end, int16_t off)
{
    struct cim_datetime a, b;
    char sa[CIM_DT_ISO8601_SIZE], sb[CIM_DT_ISO8601_SIZE];
    char text[2 * CIM_DT_ISO8601_SIZE + 2];
    int n;

    if (cim_dt_from_unix_us(start, off, &a) != JOB_OK || cim_dt_from_unix_us(end, off, &b) != JOB_OK
        || cim_dt_to_iso8601(&a, sa, sizeof sa) != JOB_OK
        || cim_dt_to_iso8601(&b, sb, sizeof sb) != JOB_OK)
        return JOB_EINVAL;
    n = snprintf(text, sizeof text, "%s/%s", sa, sb);
    if (n < 0 || (size_t)n >= sizeof text)
        return JOB_EINVAL;
    return cim_strv_push(sv, text);
}

/* The Redfish view of a job without job->sched: from the CIM Run* properties. */
static enum job_err
from_cim(const struct job *job, const struct rule *r, struct job_schedule *s)
{
    int64_t first = 0, from = 0;
    int has_first = 0;

    if (r->calendar) {
        s->recurrence_us = (uint64_t)US_PER_DAY;
        /* InitialStartTime: the first occurrence, so that its time of day is RunStartInterval. */
        if (r->has_anchor)
            from = r->anchor;
        else if (cim_dt_to_unix_us(&job->time_submitted, &from) != JOB_OK)
            from = INT64_MIN;
        if (from != INT64_MIN) {
            struct rule open = *r;
            open.end = max_us();
            open.nwin = 0;
            has_first = rule_search(&open, from - 1, &first) == JOB_OK;
        }
        if (!has_first && r->has_anchor) {
            first = r->anchor;
            has_first = 1;
            s->cim_only = r->has_rsi; /* the time of day cannot be shown */
        } else if (!has_first && r->has_rsi) {
            s->cim_only = 1;
        }
    } else if (r->has_anchor) {
        first = r->anchor;
        has_first = 1;
    }
    if (has_first) {
        if (cim_dt_from_unix_us(first, r->off_min, &s->initial_start) != JOB_OK)
            return JOB_EINVAL;
        s->has_initial_start = 1;
    }
    if (r->has_month)
        s->months = (uint16_t)(1u << r->month);
    if (r->has_day) {
        if (r->run_dow != 0)
            s->days_of_week = (uint8_t)(1u << (r->run_dow > 0 ? r->run_dow - 1 : -r->run_dow - 1));
        if (r->run_day < 0)
            s->cim_only = 1;
        else if (r->run_dow == 0)
            s->days_of_month = UINT32_C(1) << r->run_day;
        else if (r->run_dow > 0)
            s->days_of_month = day_bits(r->run_day, r->run_day + 6);
        else
            s->days_of_month = day_bits(r->run_day - 6, r->run_day);
    }
    if (job->until_time.kind != CIM_DT_NULL && !cim_dt_is_forever(&job->until_time)) {
        int64_t start;
        if (has_first)
            start = first;
        else if (cim_dt_to_unix_us(&job->time_submitted, &start) != JOB_OK)
            start = 0;
        if (start > r->end)
            start = r->end;
        if (push_window(&s->intervals, start, r->end, r->off_min) != JOB_OK)
            return JOB_EINVAL;
    }
    return JOB_OK;
}

enum job_err
job_schedule_from_job(const struct job *job, struct job_schedule *s)
{
    struct rule r;
    enum job_err err;

    if (s == NULL)
        return JOB_EINVAL;
    job_schedule_init(s);
    if (job == NULL || rule_build(job, &r) != JOB_OK)
        return JOB_EINVAL;
    if (r.run_times != 0) {
        s->has_max_occurrences = 1;
        s->max_occurrences = r.run_times;
    }
    if (!job->sched.enabled) {
        err = from_cim(job, &r, s);
    } else {
        const struct job_sched *sc = &job->sched;
        if (job->scheduled_start_time.kind == CIM_DT_TIMESTAMP) {
            s->initial_start = job->scheduled_start_time;
            s->has_initial_start = 1;
        } else if (r.has_anchor) {
            if (cim_dt_from_unix_us(r.anchor, r.off_min, &s->initial_start) != JOB_OK)
                return JOB_EINVAL;
            s->has_initial_start = 1;
        }
        s->recurrence_us = sc->recurrence_us;
        s->lifetime_us = sc->lifetime_us;
        s->days_of_month = sc->days_of_month;
        s->months = sc->months;
        s->days_of_week = sc->days_of_week;
        s->cim_only = r.has_day && r.run_day < 0;
        err = cim_strv_copy(&s->intervals, &sc->intervals);
    }
    if (err != JOB_OK)
        job_schedule_cleanup(s);
    return err;
}

enum job_err
job_schedule_next(const struct job *job, int64_t after_us, int64_t *next_us)
{
    struct rule r;
    int64_t c;
    enum job_err err;

    if (job == NULL || next_us == NULL || rule_build(job, &r) != JOB_OK)
        return JOB_EINVAL;
    if (r.run_times != 0 && job->sched.runs >= r.run_times)
        return JOB_ENOTFOUND;
    err = rule_search(&r, after_us, &c);
    if (err == JOB_OK)
        *next_us = c;
    return err;
}
