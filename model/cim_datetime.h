/*
 * CIM datetime values (DMTF DSP0004, the datetime type) and their ISO 8601 counterparts.
 *
 * A CIM datetime is 25 characters, in one of two forms:
 *
 *   timestamp  yyyymmddhhmmss.mmmmmmsutc   s is '+' (east of UTC) or '-', utc is minutes
 *   interval   ddddddddhhmmss.mmmmmm:000   the ':' marks an interval; "000" is fixed
 *
 * Timestamps use the proleptic Gregorian calendar with astronomical year numbering: year 0000
 * is 1 BCE and, being divisible by 400, a leap year.
 *
 * Digits that are not significant are written as '*'. They replace a contiguous run of digit
 * positions ending at the least significant one (the last microsecond digit), a whole field
 * at a time except in the microsecond field, where single digits may be replaced. The UTC
 * offset never holds a '*'. The same rules apply to intervals. So the significant digit
 * positions are always a prefix of the 20 positions (14 before the '.', 6 after it), and
 * `precision` counts them. The legal values are 0, 4, 6, 8, 10, 12, 14..20 for timestamps
 * and 0, 8, 10, 12, 14..20 for intervals.
 *
 * Every field that is not significant holds 0 in struct cim_datetime (month and day too), and
 * the non-significant digits of usec are 0; the fields a kind does not use (days for a
 * timestamp; year, month, day and utc_offset for an interval) are 0. That makes the struct
 * canonical: one struct per text, apart from the sign of a zero offset (see cim_dt_parse).
 *
 * Every function is pure: no global state, no locale, no time zone database, no locks; all
 * are safe to call from any thread. No function allocates, so nothing is ever to be freed.
 */
#ifndef CIM_DATETIME_H
#define CIM_DATETIME_H

#include <stdint.h>
#include <stddef.h>
#include "job_err.h"

enum cim_dt_kind { CIM_DT_NULL = 0, CIM_DT_TIMESTAMP = 1, CIM_DT_INTERVAL = 2 };

#define CIM_DT_LEN 25    /* characters in the CIM text form, without the NUL */
#define CIM_DT_DIGITS 20 /* digit positions that may be significant (14 + 6) */

/* Buffer sizes, NUL included, that hold any text cim_dt_to_iso8601/cim_dt_to_duration write. */
#define CIM_DT_ISO8601_SIZE 33  /* "yyyy-mm-ddThh:mm:ss.ffffff+hh:mm" */
#define CIM_DT_DURATION_SIZE 28 /* "P99999999DT23H59M59.999999S" */

/* The largest number of microseconds an interval holds: 99999999 days less one microsecond. */
#define CIM_DT_INTERVAL_MAX_US UINT64_C(8639999999999999999)

struct cim_datetime {
    uint32_t usec;      /* 0..999999 */
    uint32_t days;      /* interval only: 0..99999999 */
    uint16_t year;      /* timestamp only: 0..9999 */
    int16_t utc_offset; /* timestamp only: minutes east of UTC, -999..999 */
    uint8_t month;      /* 1..12 */
    uint8_t day;        /* 1..31, checked against the month and leap years */
    uint8_t hour, minute, second;
    uint8_t kind;      /* enum cim_dt_kind */
    uint8_t precision; /* leading significant digit positions, 0..CIM_DT_DIGITS; CIM_DT_DIGITS = no
                          '*' */
};

#define CIM_DT_WUR __attribute__((warn_unused_result))

/*
 * Parses the 25-character CIM form of a NUL-terminated string. Returns JOB_OK, or JOB_EINVAL
 * for anything else: a NULL argument, a wrong length, a byte other than a digit or a legal '*'
 * in a digit position, a field out of range (month 13, hour 24, Feb 30, Feb 29 in 1900, ...),
 * asterisks that do not follow the rules above, a '*' in the offset, a sign other than '+',
 * '-' or ':', or an interval whose offset is not "000". Both "+000" and "-000" are accepted
 * for a zero offset; the struct cannot tell them apart, so cim_dt_format() writes "+000".
 * On error *out is set to the NULL kind (all zero) when out is not NULL.
 */
CIM_DT_WUR enum job_err cim_dt_parse(const char *text, struct cim_datetime *out);

/*
 * As cim_dt_parse(), for len bytes that need not be NUL-terminated. A NUL byte anywhere in
 * the len bytes is an invalid character, so JOB_EINVAL.
 */
CIM_DT_WUR enum job_err cim_dt_parse_n(const char *text, size_t len, struct cim_datetime *out);

/*
 * Checks that dt is a canonical timestamp or interval as described at the top of this file.
 * Returns JOB_OK, or JOB_EINVAL for NULL, the NULL kind, an unknown kind or any violation.
 */
CIM_DT_WUR enum job_err cim_dt_validate(const struct cim_datetime *dt);

/*
 * Writes the CIM form (NUL-terminated) into out[CIM_DT_LEN + 1]. Returns JOB_OK, or
 * JOB_EINVAL for a NULL argument or a struct cim_dt_validate() refuses; out is then the
 * empty string (when not NULL).
 */
CIM_DT_WUR enum job_err cim_dt_format(const struct cim_datetime *dt, char out[CIM_DT_LEN + 1]);

/*
 * Converts a fully significant timestamp to microseconds since 1970-01-01T00:00:00Z. Returns
 * JOB_OK, or JOB_EINVAL for a NULL argument, an interval, a struct cim_dt_validate() refuses
 * or a timestamp with any '*'. *us is untouched on error.
 */
CIM_DT_WUR enum job_err cim_dt_to_unix_us(const struct cim_datetime *dt, int64_t *us);

/*
 * Builds the fully significant timestamp for the instant us (microseconds since the Unix
 * epoch), shown as local time at utc_offset minutes east of UTC and carrying that offset.
 * Returns JOB_OK, or JOB_EINVAL for a NULL out, an offset outside -999..999 or an instant
 * whose local year falls outside 0000..9999 (*out is then the NULL kind).
 */
CIM_DT_WUR enum job_err cim_dt_from_unix_us(int64_t us, int16_t utc_offset,
                                            struct cim_datetime *out);

/*
 * Converts a fully significant interval to microseconds. Returns JOB_OK, or JOB_EINVAL for a
 * NULL argument, a timestamp, an invalid struct or an interval with any '*'.
 */
CIM_DT_WUR enum job_err cim_dt_interval_to_us(const struct cim_datetime *dt, uint64_t *us);

/*
 * Builds the fully significant interval of us microseconds. Returns JOB_OK, or JOB_EINVAL for
 * a NULL out or us above CIM_DT_INTERVAL_MAX_US (beyond 99999999 days); *out is then the NULL
 * kind.
 */
CIM_DT_WUR enum job_err cim_dt_interval_from_us(uint64_t us, struct cim_datetime *out);

/*
 * Parses an RFC 3339 / ISO 8601 extended date-time as Redfish writes it, from a NUL-terminated
 * string: "yyyy-mm-ddThh:mm:ss" with an optional fraction of 1 to 6 digits after a '.', then
 * "Z" or "+hh:mm" / "-hh:mm" ('t' and 'z' are accepted as RFC 3339 allows). The result is a
 * fully significant timestamp carrying the offset ("Z" and "-00:00" give +000).
 * Returns JOB_OK, or JOB_EINVAL for anything else: a missing offset or seconds, more than 6
 * fraction digits (never rounded), a leap second (ss = 60) or 24:00, an invalid date, an offset
 * beyond 999 minutes (CIM cannot hold it), other date-time forms (basic format, week or
 * ordinal dates, reduced precision) and leading or trailing bytes, spaces included.
 * On error *out is the NULL kind (when not NULL).
 */
CIM_DT_WUR enum job_err cim_dt_from_iso8601(const char *text, struct cim_datetime *out);

/* As cim_dt_from_iso8601(), for len bytes that need not be NUL-terminated (a NUL is invalid). */
CIM_DT_WUR enum job_err cim_dt_from_iso8601_n(const char *text, size_t len,
                                              struct cim_datetime *out);

/*
 * Writes a timestamp as ISO 8601 into out (size bytes, NUL included; CIM_DT_ISO8601_SIZE is
 * always enough). The form follows the precision:
 *
 *   20      yyyy-mm-ddThh:mm:ss+hh:mm, with ".ffffff" (always 6 digits) before the offset
 *           only when usec != 0; the offset is always +hh:mm or -hh:mm, never "Z"
 *   15..19  yyyy-mm-ddThh:mm:ss.f+hh:mm with exactly the significant fraction digits
 *   14      yyyy-mm-ddThh:mm:ss+hh:mm
 *   12      yyyy-mm-ddThh:mm+hh:mm      (ISO 8601 reduced precision; not RFC 3339)
 *   10      yyyy-mm-ddThh+hh:mm
 *   8, 6, 4 yyyy-mm-dd, yyyy-mm, yyyy  (a calendar date carries no offset in ISO 8601)
 *
 * Only the precision-20 and 14..19 forms parse back with cim_dt_from_iso8601(), as fully
 * significant timestamps of the same instant. Returns JOB_OK, or JOB_EINVAL for a NULL
 * argument, an interval, an invalid struct, precision 0 (nothing to write) or a buffer too
 * small; out is then the empty string when size > 0.
 */
CIM_DT_WUR enum job_err cim_dt_to_iso8601(const struct cim_datetime *dt, char *out, size_t size);

/*
 * Parses an ISO 8601 duration as Redfish uses it, from a NUL-terminated string:
 * P[nD][T[nH][nM][n[.f]S]] with at least one component, a 'T' only when a time component
 * follows, digits only (no sign, no spaces) and a fraction of 1 to 6 digits on the seconds
 * only. Components may exceed their natural range ("PT36H" is 1 day 12 hours). Returns JOB_OK
 * with a fully significant interval, or JOB_EINVAL for years, months or weeks (not fixed
 * lengths), a negative duration, a decimal comma, a fraction longer than 6 digits (never
 * rounded), a total beyond 99999999 days, lower-case designators, an empty "P" or "PT", or any
 * other byte. On error *out is the NULL kind (when not NULL).
 */
CIM_DT_WUR enum job_err cim_dt_from_duration(const char *text, struct cim_datetime *out);

/* As cim_dt_from_duration(), for len bytes that need not be NUL-terminated (a NUL is invalid). */
CIM_DT_WUR enum job_err cim_dt_from_duration_n(const char *text, size_t len,
                                               struct cim_datetime *out);

/*
 * Writes an interval as the shortest exact ISO 8601 duration into out (size bytes, NUL
 * included; CIM_DT_DURATION_SIZE is always enough): zero components are left out, the
 * fraction of the seconds has its trailing zeros trimmed, and zero is "PT0S". Examples:
 * "P1D", "PT1H30M", "P2DT0.5S". Asterisks are not representable in a duration: an interval
 * with some significant digits is written with its significant value (the '*' positions count
 * as 0). Returns JOB_OK, or JOB_EINVAL for a NULL argument, a timestamp, an invalid struct,
 * precision 0 or a buffer too small; out is then the empty string when size > 0.
 */
CIM_DT_WUR enum job_err cim_dt_to_duration(const struct cim_datetime *dt, char *out, size_t size);

/*
 * Returns 1 when dt is the "no end" value of the CIM schema: the fully significant timestamp
 * 99991231235959.999999+999 (the all-nines value CIM_Job.UntilTime and
 * CIM_Credential.Expires use), or the largest fully significant interval,
 * 99999999235959.999999:000. Returns 0 for anything else, NULL included.
 */
int cim_dt_is_forever(const struct cim_datetime *dt);

/* Sets *out to the timestamp 99991231235959.999999+999. NULL-safe. */
void cim_dt_forever(struct cim_datetime *out);

/*
 * Compares two fully significant values of the same kind: timestamps by the instant they name
 * (whatever their offsets), intervals by length. Stores -1, 0 or 1 in *result and returns
 * JOB_OK, or returns JOB_EINVAL (leaving *result untouched) for a NULL argument, an invalid
 * struct, different kinds or any '*'.
 */
CIM_DT_WUR enum job_err cim_dt_compare(const struct cim_datetime *a, const struct cim_datetime *b,
                                       int *result);

#endif
