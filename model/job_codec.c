/* The job's stored form; see job_codec.h. */
#include "job_codec.h"

#include <stdlib.h>
#include <string.h>

#define PBIT(id) (UINT64_C(1) << (id))

/* Tags beyond the CIM properties (which use their table tags, 1..127). */
enum {
    TAG_ERROR = 128,
    TAG_MESSAGES,
    TAG_END_TIME,
    TAG_PARENT_ID,
    TAG_MAX_EXEC_US,
    TAG_KIND,
    TAG_HOLD,
    TAG_FLAGS,
    TAG_CAPS,
    TAG_PAYLOAD,
    TAG_DOCUMENT,
    TAG_PARAMETERS,
    TAG_CREATED_RESOURCES,
    TAG_SCHED, /* enabled, recurrence, lifetime, days of month, months, days of week, runs */
    TAG_SCHED_INTERVALS,
};

#define MAX_ITEMS 65536u /* elements of one array or list */

/* Writing */

static enum job_err
put(struct cim_buf *b, const void *p, size_t n)
{
    if (n > b->cap - b->len) {
        size_t cap = b->cap != 0 ? b->cap : 256;
        unsigned char *np;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2)
                return JOB_ENOMEM;
            cap *= 2;
        }
        np = realloc(b->p, cap);
        if (np == NULL)
            return JOB_ENOMEM;
        b->p = np;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    return JOB_OK;
}

static enum job_err
put_u8(struct cim_buf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    return put(b, &c, 1);
}

static enum job_err
put_varint(struct cim_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;

    do {
        unsigned char c = (unsigned char)(v & 0x7F);
        v >>= 7;
        tmp[n++] = (unsigned char)(c | (v != 0 ? 0x80 : 0));
    } while (v != 0);
    return put(b, tmp, n);
}

static enum job_err
put_sint(struct cim_buf *b, int64_t v)
{
    return put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static enum job_err
put_str(struct cim_buf *b, const char *s)
{
    size_t n = strlen(s);
    enum job_err err = put_varint(b, n);
    return err != JOB_OK ? err : put(b, s, n);
}

static enum job_err
put_strv(struct cim_buf *b, const struct cim_strv *sv)
{
    enum job_err err = put_varint(b, sv->n);

    for (size_t i = 0; i < sv->n && err == JOB_OK; i++)
        err = put_str(b, sv->v[i]);
    return err;
}

static enum job_err
put_dt(struct cim_buf *b, const struct cim_datetime *dt)
{
    enum job_err err = put_u8(b, dt->kind);

    if (err == JOB_OK)
        err = put_u8(b, dt->precision);
    if (err != JOB_OK)
        return err;
    if (dt->kind == CIM_DT_TIMESTAMP) {
        unsigned char f[5] = {dt->month, dt->day, dt->hour, dt->minute, dt->second};
        err = put_varint(b, dt->year);
        if (err == JOB_OK)
            err = put(b, f, sizeof f);
        if (err == JOB_OK)
            err = put_varint(b, dt->usec);
        if (err == JOB_OK)
            err = put_sint(b, dt->utc_offset);
    } else {
        unsigned char f[3] = {dt->hour, dt->minute, dt->second};
        err = put_varint(b, dt->days);
        if (err == JOB_OK)
            err = put(b, f, sizeof f);
        if (err == JOB_OK)
            err = put_varint(b, dt->usec);
    }
    return err;
}

static enum job_err
put_error(struct cim_buf *b, const struct cim_error *e)
{
    struct cim_buf tmp = {NULL, 0, 0};
    enum job_err err = cim_error_encode(e, &tmp);

    if (err == JOB_OK)
        err = put_varint(b, tmp.len);
    if (err == JOB_OK)
        err = put(b, tmp.p, tmp.len);
    cim_buf_cleanup(&tmp);
    return err;
}

static enum job_err
put_prop(struct cim_buf *b, const struct job *job, const struct job_prop *p)
{
    struct job_value v;
    enum job_err err;

    if (job_get(job, p->id, &v) != JOB_OK || v.is_null)
        return JOB_OK;
    err = put_u8(b, p->tag);
    if (err != JOB_OK)
        return err;
    switch (p->type) {
    case CIM_T_STRING:
        return put_str(b, v.u.s);
    case CIM_T_STRINGV:
        return put_strv(b, v.u.sv);
    case CIM_T_UINT16V:
        err = put_varint(b, v.u.u16v.n);
        for (size_t i = 0; i < v.u.u16v.n && err == JOB_OK; i++)
            err = put_varint(b, v.u.u16v.v[i]);
        return err;
    case CIM_T_DATETIME:
        return put_dt(b, &v.u.dt);
    case CIM_T_BOOLEAN:
        return put_varint(b, v.u.b ? 1 : 0);
    case CIM_T_UINT8:
    case CIM_T_SINT8:
    case CIM_T_UINT16:
    case CIM_T_UINT32:
        return put_sint(b, v.u.i);
    }
    return JOB_EINVAL;
}

enum job_err
job_encode(const struct job *job, struct cim_buf *out)
{
    size_t start = out->len;
    enum job_err err = put_u8(out, JOB_CODEC_VERSION);

    if (err == JOB_OK)
        err = put_str(out, job->cls->name);
    if (err == JOB_OK)
        err = put_varint(out, job->id);
    for (size_t i = 0; i < JOB_P_COUNT && err == JOB_OK; i++)
        err = put_prop(out, job, &job_props[i]);
    if (err == JOB_OK && job->error != NULL) {
        err = put_u8(out, TAG_ERROR);
        if (err == JOB_OK)
            err = put_error(out, job->error);
    }
    if (err == JOB_OK && job->messages.n > 0) {
        err = put_u8(out, TAG_MESSAGES);
        if (err == JOB_OK)
            err = put_varint(out, job->messages.n);
        for (size_t i = 0; i < job->messages.n && err == JOB_OK; i++)
            err = put_error(out, &job->messages.v[i]);
    }
    if (err == JOB_OK && job->end_time.kind != CIM_DT_NULL) {
        err = put_u8(out, TAG_END_TIME);
        if (err == JOB_OK)
            err = put_dt(out, &job->end_time);
    }
    {
        const struct {
            unsigned tag;
            uint64_t v;
        } nums[] = {{TAG_PARENT_ID, job->parent_id}, {TAG_MAX_EXEC_US, job->max_exec_us},
                    {TAG_KIND, job->kind},           {TAG_HOLD, job->hold},
                    {TAG_FLAGS, job->flags},         {TAG_CAPS, job->caps}};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0] && err == JOB_OK; i++) {
            if (nums[i].v == 0 && nums[i].tag != TAG_CAPS)
                continue;
            err = put_u8(out, nums[i].tag);
            if (err == JOB_OK)
                err = put_varint(out, nums[i].v);
        }
    }
    {
        const struct {
            unsigned tag;
            const char *s;
        } strs[] = {{TAG_PAYLOAD, job->payload},
                    {TAG_DOCUMENT, job->document},
                    {TAG_PARAMETERS, job->parameters}};
        for (size_t i = 0; i < sizeof strs / sizeof strs[0] && err == JOB_OK; i++) {
            if (strs[i].s == NULL)
                continue;
            err = put_u8(out, strs[i].tag);
            if (err == JOB_OK)
                err = put_str(out, strs[i].s);
        }
    }
    if (err == JOB_OK && job->created_resources.n > 0) {
        err = put_u8(out, TAG_CREATED_RESOURCES);
        if (err == JOB_OK)
            err = put_strv(out, &job->created_resources);
    }
    if (err == JOB_OK && job->sched.enabled) {
        const uint64_t f[] = {job->sched.enabled,     job->sched.recurrence_us,
                              job->sched.lifetime_us, job->sched.days_of_month,
                              job->sched.months,      job->sched.days_of_week,
                              job->sched.runs};
        err = put_u8(out, TAG_SCHED);
        for (size_t i = 0; i < sizeof f / sizeof f[0] && err == JOB_OK; i++)
            err = put_varint(out, f[i]);
    }
    if (err == JOB_OK && job->sched.intervals.n > 0) {
        err = put_u8(out, TAG_SCHED_INTERVALS);
        if (err == JOB_OK)
            err = put_strv(out, &job->sched.intervals);
    }
    if (err != JOB_OK)
        out->len = start;
    return err;
}

/* Reading */

struct rd {
    const unsigned char *p;
    size_t left;
};

static int
get_u8(struct rd *r, unsigned *v)
{
    if (r->left < 1)
        return -1;
    *v = *r->p++;
    r->left--;
    return 0;
}

static int
get_varint(struct rd *r, uint64_t *v)
{
    uint64_t x = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
        unsigned c;
        if (get_u8(r, &c) != 0)
            return -1;
        if (shift == 63 && (c & 0x7E) != 0)
            return -1;
        x |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

static int
get_sint(struct rd *r, int64_t *v)
{
    uint64_t u;

    if (get_varint(r, &u) != 0)
        return -1;
    *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

/* Reads a length-prefixed string into a new NUL-terminated copy; NUL bytes inside are refused. */
static enum job_err
get_str(struct rd *r, char **out)
{
    uint64_t n;
    char *s;

    if (get_varint(r, &n) != 0 || n > r->left || memchr(r->p, 0, (size_t)n) != NULL)
        return JOB_EINVAL;
    s = malloc((size_t)n + 1);
    if (s == NULL)
        return JOB_ENOMEM;
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->p += n;
    r->left -= (size_t)n;
    free(*out);
    *out = s;
    return JOB_OK;
}

static enum job_err
get_strv(struct rd *r, struct cim_strv *sv)
{
    uint64_t n;

    cim_strv_cleanup(sv);
    if (get_varint(r, &n) != 0 || n > MAX_ITEMS || n > r->left)
        return JOB_EINVAL;
    for (uint64_t i = 0; i < n; i++) {
        char *s = NULL;
        enum job_err err = get_str(r, &s);
        if (err == JOB_OK) {
            err = cim_strv_push(sv, s);
        }
        free(s);
        if (err != JOB_OK)
            return err;
    }
    return JOB_OK;
}

static int
get_small(struct rd *r, uint8_t *v, unsigned max)
{
    unsigned c;

    if (get_u8(r, &c) != 0 || c > max)
        return -1;
    *v = (uint8_t)c;
    return 0;
}

static enum job_err
get_dt(struct rd *r, struct cim_datetime *dt)
{
    uint64_t a;
    uint64_t usec;

    memset(dt, 0, sizeof *dt);
    if (get_small(r, &dt->kind, CIM_DT_INTERVAL) != 0 || dt->kind == CIM_DT_NULL
        || get_small(r, &dt->precision, CIM_DT_DIGITS) != 0 || get_varint(r, &a) != 0)
        return JOB_EINVAL;
    if (dt->kind == CIM_DT_TIMESTAMP) {
        int64_t off;
        if (a > 9999 || get_small(r, &dt->month, 12) != 0 || get_small(r, &dt->day, 31) != 0
            || get_small(r, &dt->hour, 23) != 0 || get_small(r, &dt->minute, 59) != 0
            || get_small(r, &dt->second, 60) != 0 || get_varint(r, &usec) != 0 || usec > 999999
            || get_sint(r, &off) != 0 || off < -999 || off > 999)
            return JOB_EINVAL;
        dt->year = (uint16_t)a;
        dt->utc_offset = (int16_t)off;
    } else {
        if (a > 99999999 || get_small(r, &dt->hour, 23) != 0 || get_small(r, &dt->minute, 59) != 0
            || get_small(r, &dt->second, 59) != 0 || get_varint(r, &usec) != 0 || usec > 999999)
            return JOB_EINVAL;
        dt->days = (uint32_t)a;
    }
    dt->usec = (uint32_t)usec;
    /* The datetime module has the last word on what is a valid value. */
    return cim_dt_validate(dt) == JOB_OK ? JOB_OK : JOB_EINVAL;
}

static enum job_err
get_error(struct rd *r, struct cim_error *e)
{
    uint64_t n;
    enum job_err err;

    if (get_varint(r, &n) != 0 || n > r->left)
        return JOB_EINVAL;
    err = cim_error_decode(r->p, (size_t)n, e);
    r->p += n;
    r->left -= (size_t)n;
    return err;
}

static enum job_err
get_prop(struct rd *r, struct job *job, const struct job_prop *p)
{
    struct job_value v;
    enum job_err err;

    memset(&v, 0, sizeof v);
    v.type = p->type;
    switch (p->type) {
    case CIM_T_STRING: {
        char *s = NULL;
        err = get_str(r, &s);
        if (err == JOB_OK && (err = job_set_owned_str(job, p->id, s)) == JOB_OK)
            return JOB_OK;
        free(s);
        return err;
    }
    case CIM_T_STRINGV: {
        struct cim_strv sv = {NULL, 0};
        err = get_strv(r, &sv);
        if (err == JOB_OK) {
            v.u.sv = &sv;
            err = job_set(job, p->id, &v);
        }
        cim_strv_cleanup(&sv);
        return err;
    }
    case CIM_T_UINT16V: {
        uint64_t n;
        uint16_t vals[JOB_OPSTATUS_MAX];
        if (get_varint(r, &n) != 0 || n > JOB_OPSTATUS_MAX)
            return JOB_EINVAL;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t x;
            if (get_varint(r, &x) != 0 || x > 65535)
                return JOB_EINVAL;
            vals[i] = (uint16_t)x;
        }
        v.u.u16v.v = vals;
        v.u.u16v.n = (size_t)n;
        return job_set(job, p->id, &v);
    }
    case CIM_T_DATETIME:
        err = get_dt(r, &v.u.dt);
        return err != JOB_OK ? err : job_set(job, p->id, &v);
    case CIM_T_BOOLEAN: {
        uint64_t x;
        if (get_varint(r, &x) != 0 || x > 1)
            return JOB_EINVAL;
        v.u.b = x != 0;
        return job_set(job, p->id, &v);
    }
    case CIM_T_UINT8:
    case CIM_T_SINT8:
    case CIM_T_UINT16:
    case CIM_T_UINT32:
        if (get_sint(r, &v.u.i) != 0)
            return JOB_EINVAL;
        return job_set(job, p->id, &v);
    }
    return JOB_EINVAL;
}

static const struct job_prop *
prop_by_tag(unsigned tag)
{
    /* Tags are the table's order plus one. */
    if (tag >= 1 && tag <= JOB_P_COUNT && job_props[tag - 1].tag == tag)
        return &job_props[tag - 1];
    return NULL;
}

static enum job_err
decode_ext(struct rd *r, struct job *job, unsigned tag)
{
    uint64_t x;

    switch (tag) {
    case TAG_ERROR:
        if (job->error != NULL)
            return JOB_EINVAL;
        job->error = cim_error_new();
        return job->error == NULL ? JOB_ENOMEM : get_error(r, job->error);
    case TAG_MESSAGES: {
        if (job->messages.n != 0 || get_varint(r, &x) != 0 || x == 0 || x > MAX_ITEMS
            || x > r->left)
            return JOB_EINVAL;
        job->messages.v = calloc((size_t)x, sizeof *job->messages.v);
        if (job->messages.v == NULL)
            return JOB_ENOMEM;
        for (uint64_t i = 0; i < x; i++) {
            enum job_err err;
            cim_error_init(&job->messages.v[i]);
            job->messages.n = (size_t)i + 1;
            err = get_error(r, &job->messages.v[i]);
            if (err != JOB_OK)
                return err;
        }
        return JOB_OK;
    }
    case TAG_END_TIME:
        return get_dt(r, &job->end_time);
    case TAG_PAYLOAD:
        return get_str(r, &job->payload);
    case TAG_DOCUMENT:
        return get_str(r, &job->document);
    case TAG_PARAMETERS:
        return get_str(r, &job->parameters);
    case TAG_CREATED_RESOURCES:
        return get_strv(r, &job->created_resources);
    case TAG_SCHED_INTERVALS:
        return get_strv(r, &job->sched.intervals);
    case TAG_SCHED: {
        uint64_t f[7];
        for (size_t i = 0; i < 7; i++)
            if (get_varint(r, &f[i]) != 0)
                return JOB_EINVAL;
        if (f[0] > 1 || f[3] > 0xFFFFFFFEu || (f[3] & 1) || f[4] > 0xFFF || f[5] > 0x7F
            || f[6] > UINT32_MAX)
            return JOB_EINVAL;
        job->sched.enabled = (uint8_t)f[0];
        job->sched.recurrence_us = f[1];
        job->sched.lifetime_us = f[2];
        job->sched.days_of_month = (uint32_t)f[3];
        job->sched.months = (uint16_t)f[4];
        job->sched.days_of_week = (uint8_t)f[5];
        job->sched.runs = (uint32_t)f[6];
        return JOB_OK;
    }
    default:
        break;
    }
    if (get_varint(r, &x) != 0)
        return JOB_EINVAL;
    switch (tag) {
    case TAG_PARENT_ID:
        job->parent_id = x;
        return JOB_OK;
    case TAG_MAX_EXEC_US:
        job->max_exec_us = x;
        return JOB_OK;
    case TAG_KIND:
        if (x > JOB_KIND_DOCUMENT)
            return JOB_EINVAL;
        job->kind = (uint8_t)x;
        return JOB_OK;
    case TAG_HOLD:
        if (x > JOB_HOLD_QUEUED)
            return JOB_EINVAL;
        job->hold = (uint8_t)x;
        return JOB_OK;
    case TAG_FLAGS:
        if (x > 0xFF)
            return JOB_EINVAL;
        job->flags = (uint8_t)x;
        return JOB_OK;
    case TAG_CAPS:
        if (x > 0xFF)
            return JOB_EINVAL;
        job->caps = (uint8_t)x;
        return JOB_OK;
    default:
        return JOB_EINVAL;
    }
}

enum job_err
job_decode(const unsigned char *data, size_t len, struct job *job)
{
    struct rd r = {data, len};
    unsigned version;
    char *cls_name = NULL;
    const struct job_class *cls;
    uint64_t id;
    uint64_t seen = 0;
    unsigned last_tag = 0;
    enum job_err err = JOB_EINVAL;

    job_cleanup(job);
    job_init(job, &job_class_concrete);
    if (get_u8(&r, &version) != 0 || version != JOB_CODEC_VERSION)
        return JOB_EINVAL;
    err = get_str(&r, &cls_name);
    if (err != JOB_OK)
        return err;
    cls = job_class_find(cls_name);
    free(cls_name);
    if (cls == NULL || get_varint(&r, &id) != 0 || id == 0)
        return JOB_EINVAL;
    job_init(job, cls);
    job->id = id;
    job->caps = 0;
    /* Absent integer properties are NULL. */
    job->null_mask = ~UINT64_C(0);
    while (r.left > 0) {
        unsigned tag;
        const struct job_prop *p;

        if (get_u8(&r, &tag) != 0 || tag <= last_tag) {
            err = JOB_EINVAL; /* tags appear once each, in ascending order */
            goto fail;
        }
        last_tag = tag;
        p = prop_by_tag(tag);
        if (p != NULL) {
            seen |= PBIT(p->id);
            err = get_prop(&r, job, p);
        } else {
            err = decode_ext(&r, job, tag);
        }
        if (err != JOB_OK)
            goto fail;
    }
    /* A property that was not written is NULL. */
    if (!(seen & PBIT(JOB_P_TIME_BEFORE_REMOVAL)))
        memset(&job->time_before_removal, 0, sizeof job->time_before_removal);
    if (!(seen & PBIT(JOB_P_OPERATIONAL_STATUS)))
        job->n_operational_status = 0;
    /* Every property went through job_set's checks; what remains is what must be present. */
    if (job->name != NULL && job->instance_id != NULL
        && job->time_before_removal.kind != CIM_DT_NULL)
        return JOB_OK;
    err = JOB_EINVAL;
fail:
    job_cleanup(job);
    job_init(job, &job_class_concrete);
    return err;
}
