/*
 * CIM datetime parsing and formatting, and conversions to Unix time and ISO 8601.
 *
 * All text is read and written byte by byte: no strtol, no scanf, no printf, so neither the
 * locale nor the time zone plays any part. The calendar arithmetic is the days-from-civil
 * algorithm for the proleptic Gregorian calendar, valid for every year used here.
 */
#include "cim_datetime.h"

#include <string.h>

#define US_PER_SEC INT64_C(1000000)
#define US_PER_MIN (60 * US_PER_SEC)
#define US_PER_HOUR (60 * US_PER_MIN)
#define US_PER_DAY (24 * US_PER_HOUR)

#define CIM_DT_MAX_DAYS 99999999u
#define CIM_DT_MAX_OFFSET 999
#define CIM_DT_TIME_DIGITS 14 /* digit positions before the '.' */

/* Longest text the ISO and duration parsers look at; anything longer is invalid anyway. */
#define CIM_DT_TEXT_MAX 64

static const uint32_t pow10_u32[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* A bounded writer for the text forms. The buffer is big enough for every form written. */
struct cim_dt_out {
    char buf[CIM_DT_TEXT_MAX];
    size_t len;
};

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_leap(uint32_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static uint32_t
days_in_month(uint32_t year, uint32_t month)
{
    static const uint8_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month == 2 && is_leap(year)) {
        return 29;
    }
    return len[month - 1];
}

/* Days from 1970-01-01 to the given proleptic Gregorian date (month 1..12, day 1..31). */
static int64_t
days_from_civil(int64_t year, uint32_t month, uint32_t day)
{
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    uint32_t yoe = (uint32_t)(y - era * 400);
    uint32_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse of days_from_civil(). */
static void
civil_from_days(int64_t days, int64_t *year, uint32_t *month, uint32_t *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    uint32_t doe = (uint32_t)(z - era * 146097);
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    uint32_t mp = (5 * doy + 2) / 153;

    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

/* Reads exactly n decimal digits. Returns 0, or -1 if any byte is not a digit. */
static int
read_digits(const char *p, size_t n, uint32_t *value)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return -1;
        }
        v = v * 10 + (uint32_t)(p[i] - '0');
    }
    *value = v;
    return 0;
}

static void
put_char(struct cim_dt_out *o, char c)
{
    if (o->len < sizeof o->buf) {
        o->buf[o->len++] = c;
    }
}

/* Writes v zero-padded to exactly width digits (v must fit). */
static void
put_fixed(struct cim_dt_out *o, uint32_t v, size_t width)
{
    char tmp[10];

    for (size_t i = width; i > 0; i--) {
        tmp[i - 1] = (char)('0' + v % 10);
        v /= 10;
    }
    for (size_t i = 0; i < width; i++) {
        put_char(o, tmp[i]);
    }
}

/* Writes v in as few digits as it takes. */
static void
put_uint(struct cim_dt_out *o, uint32_t v)
{
    size_t width = 1;

    for (uint32_t t = v; t >= 10; t /= 10) {
        width++;
    }
    put_fixed(o, v, width);
}

/* Copies the written text to dst (size bytes, NUL included), or fails if it does not fit. */
static enum job_err
out_finish(const struct cim_dt_out *o, char *dst, size_t size)
{
    if (o->len >= size || o->len >= sizeof o->buf) {
        dst[0] = '\0';
        return JOB_EINVAL;
    }
    memcpy(dst, o->buf, o->len);
    dst[o->len] = '\0';
    return JOB_OK;
}

/* The length of a NUL-terminated string, or max + 1 when it is longer than max. */
static size_t
bounded_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n <= max && s[n] != '\0') {
        n++;
    }
    return n;
}

static int
precision_legal(uint8_t kind, uint32_t p)
{
    if (p >= CIM_DT_TIME_DIGITS && p <= CIM_DT_DIGITS) {
        return 1;
    }
    if (p == 0 || p == 8 || p == 10 || p == 12) {
        return 1;
    }
    return kind == CIM_DT_TIMESTAMP && (p == 4 || p == 6);
}

/* Digit positions where the fields start; an interval's days take positions 0..7. */
#define POS_MONTH 4
#define POS_DAY 6
#define POS_HOUR 8
#define POS_MINUTE 10
#define POS_SECOND 12

/* Checks hour, minute, second and usec, common to both kinds. */
static int
time_fields_valid(const struct cim_datetime *dt)
{
    uint32_t p = dt->precision;
    uint32_t usec_sig = p > CIM_DT_TIME_DIGITS ? p - CIM_DT_TIME_DIGITS : 0;

    if (dt->usec > 999999 || dt->usec % pow10_u32[6 - usec_sig] != 0) {
        return 0;
    }
    if (p >= POS_HOUR + 2 ? dt->hour > 23 : dt->hour != 0) {
        return 0;
    }
    if (p >= POS_MINUTE + 2 ? dt->minute > 59 : dt->minute != 0) {
        return 0;
    }
    if (p >= POS_SECOND + 2 ? dt->second > 59 : dt->second != 0) {
        return 0;
    }
    return 1;
}

enum job_err
cim_dt_validate(const struct cim_datetime *dt)
{
    uint32_t p;

    if (dt == NULL || dt->precision > CIM_DT_DIGITS || !time_fields_valid(dt)) {
        return JOB_EINVAL;
    }
    p = dt->precision;
    switch (dt->kind) {
    case CIM_DT_TIMESTAMP:
        if (!precision_legal(dt->kind, p) || dt->days != 0 || dt->year > 9999
            || dt->utc_offset < -CIM_DT_MAX_OFFSET || dt->utc_offset > CIM_DT_MAX_OFFSET) {
            return JOB_EINVAL;
        }
        if (p < POS_MONTH && dt->year != 0) {
            return JOB_EINVAL;
        }
        if (p >= POS_MONTH + 2 ? dt->month < 1 || dt->month > 12 : dt->month != 0) {
            return JOB_EINVAL;
        }
        if (p >= POS_DAY + 2 ? dt->day < 1 || dt->day > days_in_month(dt->year, dt->month)
                             : dt->day != 0) {
            return JOB_EINVAL;
        }
        return JOB_OK;
    case CIM_DT_INTERVAL:
        if (!precision_legal(dt->kind, p) || dt->year != 0 || dt->month != 0 || dt->day != 0
            || dt->utc_offset != 0 || dt->days > CIM_DT_MAX_DAYS) {
            return JOB_EINVAL;
        }
        if (p < POS_HOUR && dt->days != 0) {
            return JOB_EINVAL;
        }
        return JOB_OK;
    default:
        return JOB_EINVAL;
    }
}

/* The text index of digit position i (0..19): the '.' sits between positions 13 and 14. */
static size_t
text_index(uint32_t i)
{
    return i < CIM_DT_TIME_DIGITS ? i : i + 1;
}

enum job_err
cim_dt_parse_n(const char *text, size_t len, struct cim_datetime *out)
{
    struct cim_datetime dt;
    char digits[CIM_DT_DIGITS];
    uint32_t p = 0;
    uint32_t v;

    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (text == NULL || out == NULL || len != CIM_DT_LEN || text[14] != '.') {
        return JOB_EINVAL;
    }
    memset(&dt, 0, sizeof dt);
    switch (text[21]) {
    case '+':
    case '-':
        dt.kind = CIM_DT_TIMESTAMP;
        break;
    case ':':
        dt.kind = CIM_DT_INTERVAL;
        break;
    default:
        return JOB_EINVAL;
    }
    if (read_digits(text + 22, 3, &v) != 0) {
        return JOB_EINVAL;
    }
    if (dt.kind == CIM_DT_INTERVAL && v != 0) {
        return JOB_EINVAL;
    }
    dt.utc_offset = (int16_t)(text[21] == '-' ? -(int32_t)v : (int32_t)v);

    /* The significant positions are the digits before the first '*'; the rest must all be
       '*' and are read as '0'. */
    while (p < CIM_DT_DIGITS && is_digit(text[text_index(p)])) {
        digits[p] = text[text_index(p)];
        p++;
    }
    for (uint32_t i = p; i < CIM_DT_DIGITS; i++) {
        if (text[text_index(i)] != '*') {
            return JOB_EINVAL;
        }
        digits[i] = '0';
    }
    dt.precision = (uint8_t)p;

    if (dt.kind == CIM_DT_TIMESTAMP) {
        (void)read_digits(digits, 4, &v);
        dt.year = (uint16_t)v;
        (void)read_digits(digits + POS_MONTH, 2, &v);
        dt.month = (uint8_t)v;
        (void)read_digits(digits + POS_DAY, 2, &v);
        dt.day = (uint8_t)v;
    } else {
        (void)read_digits(digits, 8, &dt.days);
    }
    (void)read_digits(digits + POS_HOUR, 2, &v);
    dt.hour = (uint8_t)v;
    (void)read_digits(digits + POS_MINUTE, 2, &v);
    dt.minute = (uint8_t)v;
    (void)read_digits(digits + POS_SECOND, 2, &v);
    dt.second = (uint8_t)v;
    (void)read_digits(digits + CIM_DT_TIME_DIGITS, 6, &dt.usec);

    if (cim_dt_validate(&dt) != JOB_OK) {
        return JOB_EINVAL;
    }
    *out = dt;
    return JOB_OK;
}

enum job_err
cim_dt_parse(const char *text, struct cim_datetime *out)
{
    if (text == NULL) {
        return cim_dt_parse_n(NULL, 0, out);
    }
    return cim_dt_parse_n(text, bounded_len(text, CIM_DT_LEN), out);
}

enum job_err
cim_dt_format(const struct cim_datetime *dt, char out[CIM_DT_LEN + 1])
{
    struct cim_dt_out o = {.len = 0};
    uint32_t offset;

    if (out == NULL) {
        return JOB_EINVAL;
    }
    out[0] = '\0';
    if (cim_dt_validate(dt) != JOB_OK) {
        return JOB_EINVAL;
    }
    if (dt->kind == CIM_DT_TIMESTAMP) {
        put_fixed(&o, dt->year, 4);
        put_fixed(&o, dt->month, 2);
        put_fixed(&o, dt->day, 2);
    } else {
        put_fixed(&o, dt->days, 8);
    }
    put_fixed(&o, dt->hour, 2);
    put_fixed(&o, dt->minute, 2);
    put_fixed(&o, dt->second, 2);
    put_char(&o, '.');
    put_fixed(&o, dt->usec, 6);
    for (uint32_t i = dt->precision; i < CIM_DT_DIGITS; i++) {
        o.buf[text_index(i)] = '*';
    }
    if (dt->kind == CIM_DT_TIMESTAMP) {
        put_char(&o, dt->utc_offset < 0 ? '-' : '+');
        offset = (uint32_t)(dt->utc_offset < 0 ? -dt->utc_offset : dt->utc_offset);
        put_fixed(&o, offset, 3);
    } else {
        put_char(&o, ':');
        put_fixed(&o, 0, 3);
    }
    return out_finish(&o, out, CIM_DT_LEN + 1);
}

/* Microseconds since the epoch of a valid, fully significant timestamp. */
static int64_t
timestamp_us(const struct cim_datetime *dt)
{
    int64_t days = days_from_civil(dt->year, dt->month, dt->day);
    int64_t us = days * US_PER_DAY + dt->hour * US_PER_HOUR + dt->minute * US_PER_MIN
                 + dt->second * US_PER_SEC + (int64_t)dt->usec;

    return us - dt->utc_offset * US_PER_MIN;
}

/* Microseconds of a valid, fully significant interval. */
static uint64_t
interval_us(const struct cim_datetime *dt)
{
    return (uint64_t)dt->days * (uint64_t)US_PER_DAY + (uint64_t)dt->hour * (uint64_t)US_PER_HOUR
           + (uint64_t)dt->minute * (uint64_t)US_PER_MIN
           + (uint64_t)dt->second * (uint64_t)US_PER_SEC + dt->usec;
}

enum job_err
cim_dt_to_unix_us(const struct cim_datetime *dt, int64_t *us)
{
    if (us == NULL || cim_dt_validate(dt) != JOB_OK || dt->kind != CIM_DT_TIMESTAMP
        || dt->precision != CIM_DT_DIGITS) {
        return JOB_EINVAL;
    }
    *us = timestamp_us(dt);
    return JOB_OK;
}

enum job_err
cim_dt_from_unix_us(int64_t us, int16_t utc_offset, struct cim_datetime *out)
{
    struct cim_datetime dt;
    int64_t off_us = utc_offset * US_PER_MIN;
    int64_t local, days, rem, year;
    uint32_t month, day;

    if (out == NULL) {
        return JOB_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (utc_offset < -CIM_DT_MAX_OFFSET || utc_offset > CIM_DT_MAX_OFFSET) {
        return JOB_EINVAL;
    }
    if ((off_us > 0 && us > INT64_MAX - off_us) || (off_us < 0 && us < INT64_MIN - off_us)) {
        return JOB_EINVAL;
    }
    local = us + off_us;
    days = local / US_PER_DAY;
    rem = local % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, &year, &month, &day);
    if (year < 0 || year > 9999) {
        return JOB_EINVAL;
    }
    memset(&dt, 0, sizeof dt);
    dt.kind = CIM_DT_TIMESTAMP;
    dt.precision = CIM_DT_DIGITS;
    dt.year = (uint16_t)year;
    dt.month = (uint8_t)month;
    dt.day = (uint8_t)day;
    dt.hour = (uint8_t)(rem / US_PER_HOUR);
    dt.minute = (uint8_t)(rem % US_PER_HOUR / US_PER_MIN);
    dt.second = (uint8_t)(rem % US_PER_MIN / US_PER_SEC);
    dt.usec = (uint32_t)(rem % US_PER_SEC);
    dt.utc_offset = utc_offset;
    *out = dt;
    return JOB_OK;
}

enum job_err
cim_dt_interval_to_us(const struct cim_datetime *dt, uint64_t *us)
{
    if (us == NULL || cim_dt_validate(dt) != JOB_OK || dt->kind != CIM_DT_INTERVAL
        || dt->precision != CIM_DT_DIGITS) {
        return JOB_EINVAL;
    }
    *us = interval_us(dt);
    return JOB_OK;
}

enum job_err
cim_dt_interval_from_us(uint64_t us, struct cim_datetime *out)
{
    uint64_t rem;

    if (out == NULL) {
        return JOB_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (us > CIM_DT_INTERVAL_MAX_US) {
        return JOB_EINVAL;
    }
    rem = us % (uint64_t)US_PER_DAY;
    out->kind = CIM_DT_INTERVAL;
    out->precision = CIM_DT_DIGITS;
    out->days = (uint32_t)(us / (uint64_t)US_PER_DAY);
    out->hour = (uint8_t)(rem / (uint64_t)US_PER_HOUR);
    out->minute = (uint8_t)(rem % (uint64_t)US_PER_HOUR / (uint64_t)US_PER_MIN);
    out->second = (uint8_t)(rem % (uint64_t)US_PER_MIN / (uint64_t)US_PER_SEC);
    out->usec = (uint32_t)(rem % (uint64_t)US_PER_SEC);
    return JOB_OK;
}

/* A read cursor over len bytes for the ISO parsers. */
struct cim_dt_in {
    const char *p;
    size_t len;
    size_t i;
};

static int
in_char(struct cim_dt_in *in, char c)
{
    if (in->i < in->len && in->p[in->i] == c) {
        in->i++;
        return 1;
    }
    return 0;
}

/* Reads exactly n digits. Returns 0, or -1 (cursor unchanged) if they are not there. */
static int
in_fixed(struct cim_dt_in *in, size_t n, uint32_t *value)
{
    if (in->len - in->i < n || read_digits(in->p + in->i, n, value) != 0) {
        return -1;
    }
    in->i += n;
    return 0;
}

/* Counts the digits at the cursor without consuming them. */
static size_t
in_digit_run(const struct cim_dt_in *in)
{
    size_t n = 0;

    while (in->i + n < in->len && is_digit(in->p[in->i + n])) {
        n++;
    }
    return n;
}

/* Reads a fraction of 1..6 digits after the separator as microseconds. */
static int
in_fraction(struct cim_dt_in *in, uint32_t *usec)
{
    size_t n = in_digit_run(in);
    uint32_t v;

    if (n < 1 || n > 6 || in_fixed(in, n, &v) != 0) {
        return -1;
    }
    *usec = v * pow10_u32[6 - n];
    return 0;
}

enum job_err
cim_dt_from_iso8601_n(const char *text, size_t len, struct cim_datetime *out)
{
    struct cim_dt_in in = {.p = text, .len = len, .i = 0};
    struct cim_datetime dt;
    uint32_t year, month, day, hour, minute, second, usec = 0;
    uint32_t off_h, off_m;
    int32_t offset = 0;

    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (text == NULL || out == NULL) {
        return JOB_EINVAL;
    }
    if (in_fixed(&in, 4, &year) != 0 || !in_char(&in, '-') || in_fixed(&in, 2, &month) != 0
        || !in_char(&in, '-') || in_fixed(&in, 2, &day) != 0
        || !(in_char(&in, 'T') || in_char(&in, 't')) || in_fixed(&in, 2, &hour) != 0
        || !in_char(&in, ':') || in_fixed(&in, 2, &minute) != 0 || !in_char(&in, ':')
        || in_fixed(&in, 2, &second) != 0) {
        return JOB_EINVAL;
    }
    if (in_char(&in, '.') && in_fraction(&in, &usec) != 0) {
        return JOB_EINVAL;
    }
    if (in_char(&in, 'Z') || in_char(&in, 'z')) {
        offset = 0;
    } else if (in.i < in.len && (in.p[in.i] == '+' || in.p[in.i] == '-')) {
        int negative = in.p[in.i] == '-';

        in.i++;
        if (in_fixed(&in, 2, &off_h) != 0 || !in_char(&in, ':') || in_fixed(&in, 2, &off_m) != 0
            || off_h > 23 || off_m > 59) {
            return JOB_EINVAL;
        }
        offset = (int32_t)(off_h * 60 + off_m);
        if (offset > CIM_DT_MAX_OFFSET) {
            return JOB_EINVAL;
        }
        if (negative) {
            offset = -offset;
        }
    } else {
        return JOB_EINVAL;
    }
    if (in.i != in.len || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59
        || second > 59) {
        return JOB_EINVAL;
    }
    memset(&dt, 0, sizeof dt);
    dt.kind = CIM_DT_TIMESTAMP;
    dt.precision = CIM_DT_DIGITS;
    dt.year = (uint16_t)year;
    dt.month = (uint8_t)month;
    dt.day = (uint8_t)day;
    dt.hour = (uint8_t)hour;
    dt.minute = (uint8_t)minute;
    dt.second = (uint8_t)second;
    dt.usec = usec;
    dt.utc_offset = (int16_t)offset;
    if (cim_dt_validate(&dt) != JOB_OK) {
        return JOB_EINVAL;
    }
    *out = dt;
    return JOB_OK;
}

enum job_err
cim_dt_from_iso8601(const char *text, struct cim_datetime *out)
{
    if (text == NULL) {
        return cim_dt_from_iso8601_n(NULL, 0, out);
    }
    return cim_dt_from_iso8601_n(text, bounded_len(text, CIM_DT_TEXT_MAX), out);
}

enum job_err
cim_dt_to_iso8601(const struct cim_datetime *dt, char *out, size_t size)
{
    struct cim_dt_out o = {.len = 0};
    uint32_t p, offset;

    if (out == NULL || size == 0) {
        return JOB_EINVAL;
    }
    out[0] = '\0';
    if (cim_dt_validate(dt) != JOB_OK || dt->kind != CIM_DT_TIMESTAMP || dt->precision == 0) {
        return JOB_EINVAL;
    }
    p = dt->precision;
    put_fixed(&o, dt->year, 4);
    if (p >= POS_MONTH + 2) {
        put_char(&o, '-');
        put_fixed(&o, dt->month, 2);
    }
    if (p >= POS_DAY + 2) {
        put_char(&o, '-');
        put_fixed(&o, dt->day, 2);
    }
    if (p >= POS_HOUR + 2) {
        put_char(&o, 'T');
        put_fixed(&o, dt->hour, 2);
    }
    if (p >= POS_MINUTE + 2) {
        put_char(&o, ':');
        put_fixed(&o, dt->minute, 2);
    }
    if (p >= POS_SECOND + 2) {
        put_char(&o, ':');
        put_fixed(&o, dt->second, 2);
    }
    if (p == CIM_DT_DIGITS && dt->usec != 0) {
        put_char(&o, '.');
        put_fixed(&o, dt->usec, 6);
    } else if (p > CIM_DT_TIME_DIGITS && p < CIM_DT_DIGITS) {
        put_char(&o, '.');
        put_fixed(&o, dt->usec / pow10_u32[CIM_DT_DIGITS - p], p - CIM_DT_TIME_DIGITS);
    }
    if (p >= POS_HOUR + 2) {
        put_char(&o, dt->utc_offset < 0 ? '-' : '+');
        offset = (uint32_t)(dt->utc_offset < 0 ? -dt->utc_offset : dt->utc_offset);
        put_fixed(&o, offset / 60, 2);
        put_char(&o, ':');
        put_fixed(&o, offset % 60, 2);
    }
    return out_finish(&o, out, size);
}

/* Reads an unsigned decimal number of at least one digit; values past limit fail. */
static int
in_number(struct cim_dt_in *in, uint64_t limit, uint64_t *value)
{
    size_t n = in_digit_run(in);
    uint64_t v = 0;

    if (n == 0) {
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        uint64_t d = (uint64_t)(in->p[in->i + k] - '0');

        if (v > (limit - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    in->i += n;
    *value = v;
    return 0;
}

/* Adds n units of unit_us microseconds to *total. Returns 0, or -1 past the interval range. */
static int
add_units(uint64_t *total, uint64_t n, uint64_t unit_us)
{
    uint64_t add;

    if (n > CIM_DT_INTERVAL_MAX_US / unit_us) {
        return -1;
    }
    add = n * unit_us;
    if (add > CIM_DT_INTERVAL_MAX_US - *total) {
        return -1;
    }
    *total += add;
    return 0;
}

enum job_err
cim_dt_from_duration_n(const char *text, size_t len, struct cim_datetime *out)
{
    static const char designators[] = {'H', 'M', 'S'};
    static const uint64_t units[] = {(uint64_t)US_PER_HOUR, (uint64_t)US_PER_MIN,
                                     (uint64_t)US_PER_SEC};
    struct cim_dt_in in = {.p = text, .len = len, .i = 0};
    uint64_t total = 0;
    uint64_t n;
    size_t next = 0; /* the first of H, M, S still allowed */
    int any = 0;

    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (text == NULL || out == NULL || !in_char(&in, 'P')) {
        return JOB_EINVAL;
    }
    if (in_digit_run(&in) > 0) {
        if (in_number(&in, CIM_DT_INTERVAL_MAX_US, &n) != 0 || !in_char(&in, 'D')
            || add_units(&total, n, (uint64_t)US_PER_DAY) != 0) {
            return JOB_EINVAL;
        }
        any = 1;
    }
    if (in_char(&in, 'T')) {
        int any_time = 0;

        while (in.i < in.len) {
            uint32_t usec = 0;
            int fraction = 0;
            size_t k;

            if (in_number(&in, CIM_DT_INTERVAL_MAX_US, &n) != 0) {
                return JOB_EINVAL;
            }
            if (in_char(&in, '.')) {
                if (in_fraction(&in, &usec) != 0) {
                    return JOB_EINVAL;
                }
                fraction = 1;
            }
            for (k = next; k < sizeof designators; k++) {
                if (in_char(&in, designators[k])) {
                    break;
                }
            }
            if (k == sizeof designators || (fraction && designators[k] != 'S')
                || add_units(&total, n, units[k]) != 0 || add_units(&total, usec, 1) != 0) {
                return JOB_EINVAL;
            }
            next = k + 1;
            any_time = 1;
        }
        if (!any_time) {
            return JOB_EINVAL;
        }
        any = 1;
    }
    if (!any || in.i != in.len) {
        return JOB_EINVAL;
    }
    return cim_dt_interval_from_us(total, out);
}

enum job_err
cim_dt_from_duration(const char *text, struct cim_datetime *out)
{
    if (text == NULL) {
        return cim_dt_from_duration_n(NULL, 0, out);
    }
    return cim_dt_from_duration_n(text, bounded_len(text, CIM_DT_TEXT_MAX), out);
}

enum job_err
cim_dt_to_duration(const struct cim_datetime *dt, char *out, size_t size)
{
    struct cim_dt_out o = {.len = 0};

    if (out == NULL || size == 0) {
        return JOB_EINVAL;
    }
    out[0] = '\0';
    if (cim_dt_validate(dt) != JOB_OK || dt->kind != CIM_DT_INTERVAL || dt->precision == 0) {
        return JOB_EINVAL;
    }
    put_char(&o, 'P');
    if (dt->days != 0) {
        put_uint(&o, dt->days);
        put_char(&o, 'D');
    }
    if (dt->hour != 0 || dt->minute != 0 || dt->second != 0 || dt->usec != 0) {
        put_char(&o, 'T');
        if (dt->hour != 0) {
            put_uint(&o, dt->hour);
            put_char(&o, 'H');
        }
        if (dt->minute != 0) {
            put_uint(&o, dt->minute);
            put_char(&o, 'M');
        }
        if (dt->second != 0 || dt->usec != 0) {
            put_uint(&o, dt->second);
            if (dt->usec != 0) {
                uint32_t frac = dt->usec;
                size_t width = 6;

                while (frac % 10 == 0) {
                    frac /= 10;
                    width--;
                }
                put_char(&o, '.');
                put_fixed(&o, frac, width);
            }
            put_char(&o, 'S');
        }
    }
    if (o.len == 1) {
        put_char(&o, 'T');
        put_char(&o, '0');
        put_char(&o, 'S');
    }
    return out_finish(&o, out, size);
}

int
cim_dt_is_forever(const struct cim_datetime *dt)
{
    if (cim_dt_validate(dt) != JOB_OK || dt->precision != CIM_DT_DIGITS || dt->hour != 23
        || dt->minute != 59 || dt->second != 59 || dt->usec != 999999) {
        return 0;
    }
    if (dt->kind == CIM_DT_TIMESTAMP) {
        return dt->year == 9999 && dt->month == 12 && dt->day == 31
               && dt->utc_offset == CIM_DT_MAX_OFFSET;
    }
    return dt->days == CIM_DT_MAX_DAYS;
}

void
cim_dt_forever(struct cim_datetime *out)
{
    if (out == NULL) {
        return;
    }
    memset(out, 0, sizeof *out);
    out->kind = CIM_DT_TIMESTAMP;
    out->precision = CIM_DT_DIGITS;
    out->year = 9999;
    out->month = 12;
    out->day = 31;
    out->hour = 23;
    out->minute = 59;
    out->second = 59;
    out->usec = 999999;
    out->utc_offset = CIM_DT_MAX_OFFSET;
}

enum job_err
cim_dt_compare(const struct cim_datetime *a, const struct cim_datetime *b, int *result)
{
    if (result == NULL || cim_dt_validate(a) != JOB_OK || cim_dt_validate(b) != JOB_OK
        || a->kind != b->kind || a->precision != CIM_DT_DIGITS || b->precision != CIM_DT_DIGITS) {
        return JOB_EINVAL;
    }
    if (a->kind == CIM_DT_TIMESTAMP) {
        int64_t x = timestamp_us(a);
        int64_t y = timestamp_us(b);

        *result = x < y ? -1 : x > y ? 1 : 0;
    } else {
        uint64_t x = interval_us(a);
        uint64_t y = interval_us(b);

        *result = x < y ? -1 : x > y ? 1 : 0;
    }
    return JOB_OK;
}
