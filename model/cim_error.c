/* CIM_Error: value maps, ownership, validation and the binary encoding; see cim_error.h. */
#include "cim_error.h"

#include <stdlib.h>
#include <string.h>

#define ENTRY(name, value, text) {value, text},
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define DMTF_RESERVED "DMTF Reserved"

/*
 * Each ValueMap ends in "..": every value it does not list is "DMTF Reserved", up to the top of
 * the property's type.
 */
static const struct cim_enum_value error_type_values[] = {CIM_ERRTYPE_MAP(ENTRY)};
static const struct cim_enum_range error_type_ranges[] = {
    {11, 65535, DMTF_RESERVED},
};
const struct cim_enum cim_enum_error_type = {"ErrorType",
                                             0,
                                             65535,
                                             error_type_values,
                                             COUNT(error_type_values),
                                             error_type_ranges,
                                             COUNT(error_type_ranges)};

static const struct cim_enum_value severity_values[] = {CIM_SEV_MAP(ENTRY)};
static const struct cim_enum_range severity_ranges[] = {
    {8, 65535, DMTF_RESERVED},
};
const struct cim_enum cim_enum_perceived_severity = {
    "PerceivedSeverity",   0, 65535, severity_values, COUNT(severity_values), severity_ranges,
    COUNT(severity_ranges)};

static const struct cim_enum_value cause_values[] = {CIM_CAUSE_MAP(ENTRY)};
static const struct cim_enum_range cause_ranges[] = {
    {131, 65535, DMTF_RESERVED},
};
const struct cim_enum cim_enum_probable_cause = {
    "ProbableCause",    0, 65535, cause_values, COUNT(cause_values), cause_ranges,
    COUNT(cause_ranges)};

static const struct cim_enum_value esf_values[] = {CIM_ESF_MAP(ENTRY)};
static const struct cim_enum_range esf_ranges[] = {
    {3, 65535, DMTF_RESERVED},
};
const struct cim_enum cim_enum_error_source_format = {
    "ErrorSourceFormat", 0, 65535, esf_values, COUNT(esf_values), esf_ranges, COUNT(esf_ranges)};

/* uint32, but the table type stops at INT32_MAX: cim_error_status_code_name() covers the rest. */
static const struct cim_enum_value status_code_values[] = {CIM_STATUS_CODE_MAP(ENTRY)};
static const struct cim_enum_range status_code_ranges[] = {
    {0, 0, DMTF_RESERVED},
    {30, INT32_MAX, DMTF_RESERVED},
};
const struct cim_enum cim_enum_cim_status_code = {"CIMStatusCode",
                                                  0,
                                                  INT32_MAX,
                                                  status_code_values,
                                                  COUNT(status_code_values),
                                                  status_code_ranges,
                                                  COUNT(status_code_ranges)};

const struct cim_enum *const cim_error_enum_all[] = {
    &cim_enum_error_type,          &cim_enum_perceived_severity, &cim_enum_probable_cause,
    &cim_enum_error_source_format, &cim_enum_cim_status_code,    NULL,
};

const char *
cim_error_status_code_name(uint32_t code)
{
    /* Codes past the table's end lie in the range that holds its last value. */
    if (code > (uint32_t)cim_enum_cim_status_code.max)
        code = (uint32_t)cim_enum_cim_status_code.max;
    return cim_enum_name(&cim_enum_cim_status_code, (int32_t)code);
}

const char *
cim_error_severity_word(uint16_t perceived_severity)
{
    switch (perceived_severity) {
    case CIM_SEV_INFORMATION:
        return "OK";
    case CIM_SEV_MAJOR:
    case CIM_SEV_CRITICAL:
    case CIM_SEV_FATAL:
        return "Critical";
    default: /* Unknown, Other, Degraded/Warning, Minor and reserved values */
        return "Warning";
    }
}

void
cim_error_init(struct cim_error *e)
{
    e->error_type = CIM_ERRTYPE_UNKNOWN;
    e->other_error_type = NULL;
    e->owning_entity = NULL;
    e->message_id = NULL;
    e->message = NULL;
    cim_strv_init(&e->message_arguments);
    e->perceived_severity = CIM_SEV_UNKNOWN;
    e->probable_cause = CIM_CAUSE_UNKNOWN;
    e->probable_cause_description = NULL;
    cim_strv_init(&e->recommended_actions);
    e->error_source = NULL;
    e->error_source_format = CIM_ESF_UNKNOWN;
    e->other_error_source_format = NULL;
    e->cim_status_code = 0;
    e->cim_status_code_description = NULL;
}

void
cim_error_cleanup(struct cim_error *e)
{
    if (e == NULL)
        return;
    free(e->other_error_type);
    free(e->owning_entity);
    free(e->message_id);
    free(e->message);
    cim_strv_cleanup(&e->message_arguments);
    free(e->probable_cause_description);
    cim_strv_cleanup(&e->recommended_actions);
    free(e->error_source);
    free(e->other_error_source_format);
    free(e->cim_status_code_description);
    cim_error_init(e);
}

struct cim_error *
cim_error_new(void)
{
    struct cim_error *e = malloc(sizeof *e);

    if (e != NULL)
        cim_error_init(e);
    return e;
}

void
cim_error_free(struct cim_error *e)
{
    if (e == NULL)
        return;
    cim_error_cleanup(e);
    free(e);
}

enum job_err
cim_error_set_str(char **field, const char *value)
{
    char *copy = NULL;

    if (field == NULL)
        return JOB_EINVAL;
    if (value != NULL) {
        copy = strdup(value);
        if (copy == NULL)
            return JOB_ENOMEM;
    }
    free(*field);
    *field = copy;
    return JOB_OK;
}

/* Copies a nullable string: JOB_OK with *dst NULL for a NULL src, JOB_ENOMEM. */
static enum job_err
dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (src == NULL)
        return JOB_OK;
    *dst = strdup(src);
    return *dst != NULL ? JOB_OK : JOB_ENOMEM;
}

enum job_err
cim_error_copy(struct cim_error *dst, const struct cim_error *src)
{
    struct cim_error tmp;
    enum job_err err;

    if (dst == NULL)
        return JOB_EINVAL;
    if (dst == src)
        return JOB_OK;
    if (src == NULL) {
        cim_error_cleanup(dst);
        return JOB_EINVAL;
    }
    cim_error_init(&tmp);
    tmp.error_type = src->error_type;
    tmp.perceived_severity = src->perceived_severity;
    tmp.probable_cause = src->probable_cause;
    tmp.error_source_format = src->error_source_format;
    tmp.cim_status_code = src->cim_status_code;
    if ((err = dup_str(&tmp.other_error_type, src->other_error_type)) != JOB_OK
        || (err = dup_str(&tmp.owning_entity, src->owning_entity)) != JOB_OK
        || (err = dup_str(&tmp.message_id, src->message_id)) != JOB_OK
        || (err = dup_str(&tmp.message, src->message)) != JOB_OK
        || (err = cim_strv_copy(&tmp.message_arguments, &src->message_arguments)) != JOB_OK
        || (err = dup_str(&tmp.probable_cause_description, src->probable_cause_description))
               != JOB_OK
        || (err = cim_strv_copy(&tmp.recommended_actions, &src->recommended_actions)) != JOB_OK
        || (err = dup_str(&tmp.error_source, src->error_source)) != JOB_OK
        || (err = dup_str(&tmp.other_error_source_format, src->other_error_source_format)) != JOB_OK
        || (err = dup_str(&tmp.cim_status_code_description, src->cim_status_code_description))
               != JOB_OK) {
        cim_error_cleanup(&tmp);
        cim_error_cleanup(dst);
        return err;
    }
    cim_error_cleanup(dst);
    *dst = tmp;
    return JOB_OK;
}

struct cim_error *
cim_error_dup(const struct cim_error *src)
{
    struct cim_error *e;

    if (src == NULL)
        return NULL;
    e = cim_error_new();
    if (e == NULL)
        return NULL;
    if (cim_error_copy(e, src) != JOB_OK) {
        cim_error_free(e);
        return NULL;
    }
    return e;
}

static int
enum_ok(const struct cim_enum *t, int32_t v)
{
    return cim_enum_name(t, v) != NULL;
}

static int
strv_ok(const struct cim_strv *sv)
{
    if (sv->n > 0 && sv->v == NULL)
        return 0;
    for (size_t i = 0; i < sv->n; i++)
        if (sv->v[i] == NULL)
            return 0;
    return 1;
}

/* Nonzero when an "Other..." string is present exactly when its enumeration says Other. */
static int
other_ok(uint16_t value, const char *other)
{
    return (value == 1) == (other != NULL);
}

enum job_err
cim_error_validate(const struct cim_error *e, const char **prop)
{
    const char *bad = NULL;

    if (e == NULL)
        bad = NULL;
    else if (!enum_ok(&cim_enum_error_type, e->error_type))
        bad = "ErrorType";
    else if (!other_ok(e->error_type, e->other_error_type))
        bad = "OtherErrorType";
    else if (e->message_id == NULL)
        bad = "MessageID";
    else if (!strv_ok(&e->message_arguments))
        bad = "MessageArguments";
    else if (!enum_ok(&cim_enum_perceived_severity, e->perceived_severity))
        bad = "PerceivedSeverity";
    else if (!enum_ok(&cim_enum_probable_cause, e->probable_cause))
        bad = "ProbableCause";
    else if (!strv_ok(&e->recommended_actions))
        bad = "RecommendedActions";
    else if (!enum_ok(&cim_enum_error_source_format, e->error_source_format))
        bad = "ErrorSourceFormat";
    else if (!other_ok(e->error_source_format, e->other_error_source_format))
        bad = "OtherErrorSourceFormat";
    else if (cim_error_status_code_name(e->cim_status_code) == NULL)
        bad = "CIMStatusCode";
    if (prop != NULL)
        *prop = bad;
    return e != NULL && bad == NULL ? JOB_OK : JOB_EINVAL;
}

static int
str_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int
cim_error_equal(const struct cim_error *a, const struct cim_error *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return a->error_type == b->error_type && str_equal(a->other_error_type, b->other_error_type)
           && str_equal(a->owning_entity, b->owning_entity)
           && str_equal(a->message_id, b->message_id) && str_equal(a->message, b->message)
           && cim_strv_equal(&a->message_arguments, &b->message_arguments)
           && a->perceived_severity == b->perceived_severity
           && a->probable_cause == b->probable_cause
           && str_equal(a->probable_cause_description, b->probable_cause_description)
           && cim_strv_equal(&a->recommended_actions, &b->recommended_actions)
           && str_equal(a->error_source, b->error_source)
           && a->error_source_format == b->error_source_format
           && str_equal(a->other_error_source_format, b->other_error_source_format)
           && a->cim_status_code == b->cim_status_code
           && str_equal(a->cim_status_code_description, b->cim_status_code_description);
}

/*
 * The encoding, format version 1. Integers are little-endian.
 *
 *   "CE" 0x01                       magic and version (3 bytes)
 *   u16 ErrorType, u16 PerceivedSeverity, u16 ProbableCause, u16 ErrorSourceFormat,
 *   u32 CIMStatusCode
 *   str OtherErrorType, str OwningEntity, str MessageID, str Message,
 *   strv MessageArguments, str ProbableCauseDescription, strv RecommendedActions,
 *   str ErrorSource, str OtherErrorSourceFormat, str CIMStatusCodeDescription
 *
 * str:  u32 length, then that many bytes (no NUL among them, none after); the length
 *       0xFFFFFFFF stands for a null string.
 * strv: u32 count, then count str.
 *
 * Every instance has exactly one encoding, and a decoder consumes all of it.
 */
#define ENC_MAGIC0 'C'
#define ENC_MAGIC1 'E'
#define ENC_VERSION 1
#define ENC_NULL UINT32_C(0xFFFFFFFF)
#define ENC_STR_MAX (ENC_NULL - 1)

static enum job_err
put_u16(struct cim_buf *out, uint16_t v)
{
    unsigned char b[2] = {(unsigned char)(v & 0xFFu), (unsigned char)(v >> 8)};

    return cim_buf_append(out, b, sizeof b);
}

static enum job_err
put_u32(struct cim_buf *out, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v & 0xFFu), (unsigned char)((v >> 8) & 0xFFu),
                          (unsigned char)((v >> 16) & 0xFFu), (unsigned char)(v >> 24)};

    return cim_buf_append(out, b, sizeof b);
}

static enum job_err
put_str(struct cim_buf *out, const char *s)
{
    size_t n;
    enum job_err err;

    if (s == NULL)
        return put_u32(out, ENC_NULL);
    n = strlen(s);
    if (n > ENC_STR_MAX)
        return JOB_EINVAL;
    err = put_u32(out, (uint32_t)n);
    return err != JOB_OK ? err : cim_buf_append(out, s, n);
}

static enum job_err
put_strv(struct cim_buf *out, const struct cim_strv *sv)
{
    enum job_err err;

    if ((sv->n > 0 && sv->v == NULL) || sv->n > ENC_STR_MAX)
        return JOB_EINVAL;
    err = put_u32(out, (uint32_t)sv->n);
    for (size_t i = 0; err == JOB_OK && i < sv->n; i++)
        err = put_str(out, sv->v[i]);
    return err;
}

enum job_err
cim_error_encode(const struct cim_error *e, struct cim_buf *out)
{
    static const unsigned char magic[3] = {ENC_MAGIC0, ENC_MAGIC1, ENC_VERSION};
    size_t old_len;
    enum job_err err;

    if (e == NULL || out == NULL)
        return JOB_EINVAL;
    old_len = out->len;
    if ((err = cim_buf_append(out, magic, sizeof magic)) != JOB_OK
        || (err = put_u16(out, e->error_type)) != JOB_OK
        || (err = put_u16(out, e->perceived_severity)) != JOB_OK
        || (err = put_u16(out, e->probable_cause)) != JOB_OK
        || (err = put_u16(out, e->error_source_format)) != JOB_OK
        || (err = put_u32(out, e->cim_status_code)) != JOB_OK
        || (err = put_str(out, e->other_error_type)) != JOB_OK
        || (err = put_str(out, e->owning_entity)) != JOB_OK
        || (err = put_str(out, e->message_id)) != JOB_OK
        || (err = put_str(out, e->message)) != JOB_OK
        || (err = put_strv(out, &e->message_arguments)) != JOB_OK
        || (err = put_str(out, e->probable_cause_description)) != JOB_OK
        || (err = put_strv(out, &e->recommended_actions)) != JOB_OK
        || (err = put_str(out, e->error_source)) != JOB_OK
        || (err = put_str(out, e->other_error_source_format)) != JOB_OK
        || (err = put_str(out, e->cim_status_code_description)) != JOB_OK) {
        out->len = old_len;
        return err;
    }
    return JOB_OK;
}

/* A bounded reader over the bytes being decoded. */
struct reader {
    const unsigned char *p;
    size_t len;
    size_t off;
};

static size_t
left(const struct reader *r)
{
    return r->len - r->off;
}

static enum job_err
get_u16(struct reader *r, uint16_t *v)
{
    if (left(r) < 2)
        return JOB_EINVAL;
    *v = (uint16_t)(r->p[r->off] | (unsigned)r->p[r->off + 1] << 8);
    r->off += 2;
    return JOB_OK;
}

static enum job_err
get_u32(struct reader *r, uint32_t *v)
{
    if (left(r) < 4)
        return JOB_EINVAL;
    *v = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8 | (uint32_t)r->p[r->off + 2] << 16
         | (uint32_t)r->p[r->off + 3] << 24;
    r->off += 4;
    return JOB_OK;
}

/* Reads a str into *s (NULL for a null string); *s must be NULL on entry. */
static enum job_err
get_str(struct reader *r, char **s)
{
    uint32_t n;
    enum job_err err = get_u32(r, &n);

    if (err != JOB_OK || n == ENC_NULL)
        return err;
    if (n > left(r) || memchr(r->p + r->off, '\0', n) != NULL)
        return JOB_EINVAL;
    *s = malloc((size_t)n + 1);
    if (*s == NULL)
        return JOB_ENOMEM;
    memcpy(*s, r->p + r->off, n);
    (*s)[n] = '\0';
    r->off += n;
    return JOB_OK;
}

/* Reads a strv into the empty array *sv. */
static enum job_err
get_strv(struct reader *r, struct cim_strv *sv)
{
    uint32_t n;
    enum job_err err = get_u32(r, &n);

    if (err != JOB_OK || n == 0)
        return err;
    /* Each element takes at least its 4-byte length: refuse counts the input cannot hold. */
    if (n > left(r) / 4)
        return JOB_EINVAL;
    sv->v = calloc(n, sizeof *sv->v);
    if (sv->v == NULL)
        return JOB_ENOMEM;
    sv->n = n;
    for (size_t i = 0; err == JOB_OK && i < sv->n; i++)
        err = get_str(r, &sv->v[i]);
    return err;
}

enum job_err
cim_error_decode(const unsigned char *p, size_t len, struct cim_error *out)
{
    struct reader r = {p, len, 0};
    struct cim_error tmp;
    enum job_err err;

    if (out == NULL)
        return JOB_EINVAL;
    cim_error_init(&tmp);
    if (p == NULL || len < 3 || p[0] != ENC_MAGIC0 || p[1] != ENC_MAGIC1 || p[2] != ENC_VERSION) {
        err = JOB_EINVAL;
        goto fail;
    }
    r.off = 3;
    if ((err = get_u16(&r, &tmp.error_type)) != JOB_OK
        || (err = get_u16(&r, &tmp.perceived_severity)) != JOB_OK
        || (err = get_u16(&r, &tmp.probable_cause)) != JOB_OK
        || (err = get_u16(&r, &tmp.error_source_format)) != JOB_OK
        || (err = get_u32(&r, &tmp.cim_status_code)) != JOB_OK
        || (err = get_str(&r, &tmp.other_error_type)) != JOB_OK
        || (err = get_str(&r, &tmp.owning_entity)) != JOB_OK
        || (err = get_str(&r, &tmp.message_id)) != JOB_OK
        || (err = get_str(&r, &tmp.message)) != JOB_OK
        || (err = get_strv(&r, &tmp.message_arguments)) != JOB_OK
        || (err = get_str(&r, &tmp.probable_cause_description)) != JOB_OK
        || (err = get_strv(&r, &tmp.recommended_actions)) != JOB_OK
        || (err = get_str(&r, &tmp.error_source)) != JOB_OK
        || (err = get_str(&r, &tmp.other_error_source_format)) != JOB_OK
        || (err = get_str(&r, &tmp.cim_status_code_description)) != JOB_OK)
        goto fail;
    if (left(&r) != 0) {
        err = JOB_EINVAL;
        goto fail;
    }
    cim_error_cleanup(out);
    *out = tmp;
    return JOB_OK;

fail:
    cim_error_cleanup(&tmp);
    cim_error_cleanup(out);
    return err;
}
