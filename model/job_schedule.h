/*
 * A job's schedule in the shape of a Redfish Schedule (Schedule.v1_2), without JSON, and the two
 * ways between it and the job: the CIM_Job Run* properties and struct job_sched.
 *
 * Mapping rules (MAPPING.md, "Schedule"), where "exact" means that the CIM properties alone say
 * the same as the Redfish view; where they cannot, they are NULL (or a weaker statement that is
 * still true, as said per row) and job->sched holds the truth:
 *
 *   MaxOccurrences n            JobRunTimes n; absent = JobRunTimes 0 (unlimited). MaxOccurrences
 *                               0 is refused; so is MaxOccurrences > 1 without RecurrenceInterval
 *                               (nothing could recur).
 *   EnabledMonthsOfYear [m]     RunMonth m; none or several months: RunMonth NULL.
 *   EnabledDaysOfMonth [N]      RunDay N, RunDayOfWeek 0 (ExactDayOfMonth), when no day of week.
 *   [D] + days [N .. N+6]       RunDayOfWeek +D, RunDay N ("first D on or after N").
 *   [D] + days [N-6 .. N]       the same window as +D/(N-6), so written as +D; a job that already
 *                               holds -D/N for that window keeps it (round trips stay as written).
 *   [D] + a shorter run that    +D/N for [N .. 31] and -D/N for [1 .. N]: CIM clips its 7-day
 *   touches the month's edge    window to the month, so these are exact as well.
 *   anything else (weekdays, several days)   RunDay and RunDayOfWeek NULL.
 *   no RecurrenceInterval       RunMonth, RunDay, RunDayOfWeek and RunStartInterval NULL: the
 *                               Enabled* filters then only decide whether the single start at
 *                               InitialStartTime happens (CIM would read them as a calendar).
 *   RecurrenceInterval P1D      RunStartInterval = the time of day of InitialStartTime (at its
 *                               offset); any other recurrence: RunStartInterval NULL.
 *   InitialStartTime            ScheduledStartTime, with the same offset. LocalOrUtcTime is
 *                               "UTC Time" (2) when the offset is +00:00 and "Local Time" (1)
 *                               otherwise: "local" is always the fixed offset written in
 *                               InitialStartTime (the model knows no time zones, so no DST).
 *                               No InitialStartTime: ScheduledStartTime and LocalOrUtcTime NULL.
 *   EnabledIntervals            UntilTime = the latest end of the windows (exact for one window
 *                               starting at or before InitialStartTime; otherwise a true upper
 *                               bound), or, with Lifetime and InitialStartTime, the earlier of
 *                               that and InitialStartTime + Lifetime. Neither: UntilTime NULL, or
 *                               the job's all-nines "no end" value when it already had it.
 *   Lifetime                    only in job->sched (and in UntilTime as above).
 *   negative RunDay             no Redfish form: job_schedule_from_job() sets cim_only, leaves
 *                               EnabledDaysOfMonth empty and EnabledDaysOfWeek [|D|]; given such
 *                               a struct back unchanged, job_schedule_to_job() keeps RunDay and
 *                               RunDayOfWeek as they were.
 *
 * Meaning of the CIM Run* rule, as job_schedule_next() applies it: RunDay N > 0 with
 * RunDayOfWeek 0 is day N (a month without day N has no run); RunDay -N is day (length - N + 1);
 * with RunDayOfWeek +D the run is on the day of week D within the 7 days from that day on, with
 * -D within the 7 days up to it, the window clipped to the month (RunDay -1 with -Friday is the
 * last Friday). RunMonth keeps one month. The time of day is RunStartInterval, else the time of
 * day of ScheduledStartTime, else midnight; all in the zone LocalOrUtcTime names (UTC, or the
 * offset of ScheduledStartTime, else of UntilTime, for Local). A CIM job with any of RunMonth,
 * RunDay or RunStartInterval runs on the matching days (daily candidates); with none of them it
 * runs once at ScheduledStartTime. A ScheduledStartTime or UntilTime given as an interval counts
 * from TimeSubmitted.
 *
 * Occurrences of a Redfish schedule are InitialStartTime + k * RecurrenceInterval (k >= 0), kept
 * when their day (at the offset of InitialStartTime) is enabled, they fall inside an
 * EnabledIntervals window (both ends included) and before InitialStartTime + Lifetime. Without
 * InitialStartTime they are aligned to the zone's midnight of 1970-01-01 plus RunStartInterval.
 * Lifetime counts from InitialStartTime, else from the job's StartTime, else TimeSubmitted.
 * Both views limit the runs: JobRunTimes (0 = unlimited) against job->sched.runs.
 *
 * A service that writes a CIM Run* property of a job with job->sched.enabled should rebuild the
 * Redfish view (clear sched.enabled, then job_schedule_from_job and job_schedule_to_job), so that
 * the two views never disagree.
 *
 * Every function is pure: no global state, no clock, no locks; none allocates except where said.
 */
#ifndef JOB_SCHEDULE_H
#define JOB_SCHEDULE_H

#include <stdint.h>

#include "cim_datetime.h"
#include "cim_types.h"
#include "job.h"
#include "job_err.h"

/* EnabledIntervals windows a schedule may hold. */
#define JOB_SCHEDULE_MAX_INTERVALS 64

/* The Redfish Schedule of a job. Initialise with job_schedule_init(), free with
 * job_schedule_cleanup(). */
struct job_schedule {
    int has_initial_start;
    struct cim_datetime initial_start; /* InitialStartTime: full timestamp with its offset */
    uint64_t recurrence_us;            /* RecurrenceInterval, 0 = none */
    int has_max_occurrences;
    uint32_t max_occurrences;  /* MaxOccurrences */
    uint8_t days_of_week;      /* EnabledDaysOfWeek: bit d (0 = Sunday .. 6); 0 = every day */
    uint32_t days_of_month;    /* EnabledDaysOfMonth: bit d (1..31); 0 = every day */
    uint16_t months;           /* EnabledMonthsOfYear: bit m (0 = January .. 11); 0 = every month */
    struct cim_strv intervals; /* EnabledIntervals, ISO 8601 "start/end" or "start/duration" */
    uint64_t lifetime_us;      /* Lifetime, 0 = none */
    int cim_only; /* from_job: the CIM Run* properties say more than this view (negative RunDay) */
};

/* Sets *s to the empty schedule (nothing enabled, nothing set). Does not allocate. */
void job_schedule_init(struct job_schedule *s);

/* Frees what *s owns (the intervals) and leaves it as job_schedule_init() does. NULL-safe. */
void job_schedule_cleanup(struct job_schedule *s);

/*
 * Checks the Redfish schedule *s and writes it into the job: job->sched (enabled, with every
 * field; job->sched.runs is kept) and the CIM Run* properties, ScheduledStartTime and UntilTime
 * by the rules at the top of this file. Returns JOB_OK; JOB_EINVAL with *bad (when bad is not
 * NULL) naming the offending Redfish property ("InitialStartTime", "RecurrenceInterval",
 * "MaxOccurrences", "EnabledDaysOfWeek", "EnabledDaysOfMonth", "EnabledMonthsOfYear",
 * "EnabledIntervals", "Lifetime"), or "Schedule" for a NULL argument; JOB_ENOMEM. On any error
 * the job is unchanged. The job keeps no pointer into *s. Takes no lock.
 */
enum job_err job_schedule_to_job(const struct job_schedule *s, struct job *job, const char **bad)
    __attribute__((warn_unused_result));

/*
 * Fills *s (initialised or not; its old content is not freed, so pass an empty or cleaned-up
 * struct) with the job's Redfish schedule: from job->sched when it is enabled (with
 * InitialStartTime from ScheduledStartTime and MaxOccurrences from JobRunTimes), otherwise derived
 * from the CIM Run* properties alone. Sets s->cim_only when the CIM properties hold a rule the
 * Redfish view cannot show (negative RunDay). Returns JOB_OK; JOB_EINVAL for a NULL argument or
 * a job whose Run* properties are inconsistent; JOB_ENOMEM. On error *s is left empty. The caller
 * owns *s and frees it with job_schedule_cleanup(). Takes no lock.
 */
enum job_err job_schedule_from_job(const struct job *job, struct job_schedule *s)
    __attribute__((warn_unused_result));

/*
 * Finds the job's next start strictly after after_us (microseconds since the Unix epoch),
 * honouring both views as described at the top of this file. Returns JOB_OK with *next_us;
 * JOB_ENOTFOUND when there is no further run (the runs are used up, past UntilTime, Lifetime
 * or the last EnabledIntervals window, no schedule at all, or no enabled day within 400 years);
 * JOB_EINVAL for a NULL argument or an inconsistent job (for example RunDayOfWeek without
 * RunDay, RunStartInterval of a day or more, or a P1D recurrence whose time of day differs from
 * RunStartInterval). *next_us is untouched on error. The search is bounded (by days, by windows)
 * and never loops without end. Takes no lock, does not allocate.
 */
enum job_err job_schedule_next(const struct job *job, int64_t after_us, int64_t *next_us)
    __attribute__((warn_unused_result));

#endif
