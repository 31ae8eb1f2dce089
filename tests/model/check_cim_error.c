#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "cim_error.h"

/* ---- helpers ------------------------------------------------------------------------------- */

struct named {
    int32_t value;
    const char *text;
};

#define NAMED(name, value, text) {value, text},
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct named error_types[] = {CIM_ERRTYPE_MAP(NAMED)};
static const struct named severities[] = {CIM_SEV_MAP(NAMED)};
static const struct named causes[] = {CIM_CAUSE_MAP(NAMED)};
static const struct named source_formats[] = {CIM_ESF_MAP(NAMED)};
static const struct named status_codes[] = {CIM_STATUS_CODE_MAP(NAMED)};

static const struct {
    const struct cim_enum *table;
    const struct named *values;
    size_t n;
    const char *property;
} maps[] = {
    {&cim_enum_error_type, error_types, COUNT(error_types), "ErrorType"},
    {&cim_enum_perceived_severity, severities, COUNT(severities), "PerceivedSeverity"},
    {&cim_enum_probable_cause, causes, COUNT(causes), "ProbableCause"},
    {&cim_enum_error_source_format, source_formats, COUNT(source_formats), "ErrorSourceFormat"},
    {&cim_enum_cim_status_code, status_codes, COUNT(status_codes), "CIMStatusCode"},
};

static void
set(char **field, const char *value)
{
    ck_assert_int_eq(cim_error_set_str(field, value), JOB_OK);
}

static void
push(struct cim_strv *sv, const char *s)
{
    ck_assert_int_eq(cim_strv_push(sv, s), JOB_OK);
}

/* A valid instance with every property set. */
static void
make_full(struct cim_error *e)
{
    cim_error_init(e);
    e->error_type = CIM_ERRTYPE_OTHER;
    set(&e->other_error_type, "Provisioning Error");
    set(&e->owning_entity, "Msps");
    set(&e->message_id, "MSPS0042");
    set(&e->message, "The image vol-7 could not be written to disk 2.");
    push(&e->message_arguments, "vol-7");
    push(&e->message_arguments, "2");
    e->perceived_severity = CIM_SEV_MAJOR;
    e->probable_cause = CIM_CAUSE_DISK_FAILURE;
    set(&e->probable_cause_description, "Disk 2 reported a media error");
    push(&e->recommended_actions, "Replace disk 2.");
    push(&e->recommended_actions, "Run the job again.");
    push(&e->recommended_actions, "");
    set(&e->error_source, "root/cimv2:Msps_Disk.DeviceID=\"2\"");
    e->error_source_format = CIM_ESF_OTHER;
    set(&e->other_error_source_format, "Msps disk path \xc3\xa9");
    e->cim_status_code = CIM_STATUS_CODE_FAILED;
    set(&e->cim_status_code_description, "A general error occurred");
}

static int
is_empty(const struct cim_error *e)
{
    struct cim_error empty;

    cim_error_init(&empty);
    return cim_error_equal(e, &empty) && e->message_arguments.v == NULL
           && e->recommended_actions.v == NULL;
}

static void
encode_ok(const struct cim_error *e, struct cim_buf *b)
{
    ck_assert_int_eq(cim_error_encode(e, b), JOB_OK);
}

/* ---- value maps ---------------------------------------------------------------------------- */

START_TEST(test_enum_all_lists_every_table)
{
    size_t n = 0;

    while (cim_error_enum_all[n] != NULL)
        n++;
    ck_assert_uint_eq(n, COUNT(maps));
    for (size_t i = 0; i < COUNT(maps); i++) {
        ck_assert_ptr_eq(cim_error_enum_all[i], maps[i].table);
        ck_assert_str_eq(maps[i].table->property, maps[i].property);
    }
}
END_TEST

/* Every named value goes to its name and back (tcase loop over the five maps). */
START_TEST(test_enum_round_trip)
{
    const struct cim_enum *t = maps[_i].table;

    ck_assert_uint_eq(t->n_values, maps[_i].n);
    for (size_t k = 0; k < maps[_i].n; k++) {
        int32_t v = maps[_i].values[k].value;
        int32_t back = -1;
        const char *name = cim_enum_name(t, v);

        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, maps[_i].values[k].text);
        ck_assert_int_eq(cim_enum_value(t, name, &back), JOB_OK);
        ck_assert_int_eq(back, v);
        ck_assert(cim_enum_is_named(t, v));
        ck_assert(!cim_enum_is_vendor(t, v));
    }
}
END_TEST

/*
 * Shape of each table: values strictly ascending, ranges ascending inside the domain and apart
 * from the values, and together they cover the whole domain (each map ends in "..").
 */
START_TEST(test_enum_tables_cover_domain)
{
    const struct cim_enum *t = maps[_i].table;
    int64_t next = t->min; /* the lowest value not yet covered */
    size_t vi = 0;
    size_t ri = 0;

    ck_assert_int_eq(t->min, 0);
    for (size_t k = 1; k < t->n_values; k++)
        ck_assert_int_lt(t->values[k - 1].value, t->values[k].value);
    for (size_t k = 0; k < t->n_ranges; k++) {
        ck_assert_int_le(t->ranges[k].lo, t->ranges[k].hi);
        ck_assert_str_eq(t->ranges[k].name, "DMTF Reserved");
        for (size_t m = 0; m < t->n_values; m++) {
            ck_assert(t->values[m].value < t->ranges[k].lo || t->values[m].value > t->ranges[k].hi);
        }
    }
    /* Walk values and ranges in order: each must start where the previous one ended. */
    while (vi < t->n_values || ri < t->n_ranges) {
        if (ri >= t->n_ranges || (vi < t->n_values && t->values[vi].value < t->ranges[ri].lo)) {
            ck_assert_int_eq(t->values[vi].value, next);
            next = (int64_t)t->values[vi].value + 1;
            vi++;
        } else {
            ck_assert_int_eq(t->ranges[ri].lo, next);
            next = (int64_t)t->ranges[ri].hi + 1;
            ri++;
        }
    }
    ck_assert_int_eq(next, (int64_t)t->max + 1);
}
END_TEST

START_TEST(test_enum_uint16_domains)
{
    const struct cim_enum *const tables[] = {&cim_enum_error_type, &cim_enum_perceived_severity,
                                             &cim_enum_probable_cause,
                                             &cim_enum_error_source_format};

    for (size_t k = 0; k < COUNT(tables); k++) {
        const struct cim_enum *t = tables[k];

        ck_assert_int_eq(t->max, 65535);
        for (int32_t v = 0; v <= 65535; v++)
            ck_assert_ptr_nonnull(cim_enum_name(t, v));
        ck_assert_ptr_null(cim_enum_name(t, -1));
        ck_assert_ptr_null(cim_enum_name(t, 65536));
        ck_assert_ptr_null(cim_enum_name(t, INT32_MIN));
        ck_assert_ptr_null(cim_enum_name(t, INT32_MAX));
    }
}
END_TEST

static void
check_reserved(const struct cim_enum *t, int32_t last_named, int32_t first_reserved)
{
    int32_t v = 0;

    ck_assert(cim_enum_is_named(t, last_named));
    ck_assert_str_eq(cim_enum_name(t, first_reserved), "DMTF Reserved");
    ck_assert(!cim_enum_is_named(t, first_reserved));
    ck_assert(!cim_enum_is_vendor(t, first_reserved));
    ck_assert_str_eq(cim_enum_name(t, t->max), "DMTF Reserved");
    ck_assert(!cim_enum_is_vendor(t, t->max));
    ck_assert_int_eq(cim_enum_value(t, "DMTF Reserved", &v), JOB_EINVAL);
    ck_assert_int_eq(cim_enum_value(t, "Vendor Reserved", &v), JOB_EINVAL);
    ck_assert_int_eq(cim_enum_value(t, NULL, &v), JOB_EINVAL);
}

START_TEST(test_enum_reserved_boundaries)
{
    check_reserved(&cim_enum_error_type, CIM_ERRTYPE_UNSUPPORTED_OPERATION, 11);
    check_reserved(&cim_enum_perceived_severity, CIM_SEV_FATAL, 8);
    check_reserved(&cim_enum_probable_cause, CIM_CAUSE_UNEXPECTED_INFORMATION, 131);
    check_reserved(&cim_enum_error_source_format, CIM_ESF_CIM_OBJECT_PATH, 3);
    check_reserved(&cim_enum_cim_status_code, CIM_STATUS_CODE_QUERY_FEATURE_NOT_SUPPORTED, 30);
    /* CIMStatusCode names no 0: it falls in the "..". */
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 0), "DMTF Reserved");
    ck_assert(cim_enum_is_named(&cim_enum_cim_status_code, 1));
    ck_assert_ptr_null(cim_enum_name(&cim_enum_cim_status_code, -1));
    ck_assert_int_eq(cim_enum_cim_status_code.max, INT32_MAX);
}
END_TEST

/* Values checked one by one against the class's MOF, independently of the X-macros. */
START_TEST(test_enum_transcription)
{
    const struct cim_enum *pc = &cim_enum_probable_cause;

    ck_assert_uint_eq(cim_enum_error_type.n_values, 11);
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_type, 0), "Unknown");
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_type, 1), "Other");
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_type, 3), "Quality of Service Error");
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_type, 4), "Software Error");
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_type, 10), "Unsupported Operation Error");

    ck_assert_uint_eq(cim_enum_perceived_severity.n_values, 8);
    ck_assert_str_eq(cim_enum_name(&cim_enum_perceived_severity, 2), "Information");
    ck_assert_str_eq(cim_enum_name(&cim_enum_perceived_severity, 3), "Degraded/Warning");
    ck_assert_str_eq(cim_enum_name(&cim_enum_perceived_severity, 7), "Fatal/NonRecoverable");

    /* 0..130; the MOF marks 31, 60, 91 and 115 with comments. */
    ck_assert_uint_eq(pc->n_values, 131);
    ck_assert_str_eq(cim_enum_name(pc, 2), "Adapter/Card Error");
    ck_assert_str_eq(cim_enum_name(pc, 14), "DTE-DCE Interface Error");
    ck_assert_str_eq(cim_enum_name(pc, 30), "Loss of Signal");
    ck_assert_str_eq(cim_enum_name(pc, 31), "Material Supply Exhausted");
    ck_assert_str_eq(cim_enum_name(pc, 38), "Processor Problem (Internal Machine Error)");
    ck_assert_str_eq(cim_enum_name(pc, 47), "Software Error");
    ck_assert_str_eq(cim_enum_name(pc, 59), "Previous Alert Cleared");
    ck_assert_str_eq(cim_enum_name(pc, 60), "Login Attempts Failed");
    ck_assert_str_eq(cim_enum_name(pc, 90), "Signal Quality Problem");
    ck_assert_str_eq(cim_enum_name(pc, 91), "Battery Discharging");
    ck_assert_str_eq(cim_enum_name(pc, 114), "Protection Mechanism Failure");
    ck_assert_str_eq(cim_enum_name(pc, 115), "Protecting Resource Failure");
    ck_assert_str_eq(cim_enum_name(pc, 130), "Unexpected Information");

    ck_assert_uint_eq(cim_enum_error_source_format.n_values, 3);
    ck_assert_str_eq(cim_enum_name(&cim_enum_error_source_format, 2), "CIMObjectPath");

    ck_assert_uint_eq(cim_enum_cim_status_code.n_values, 29);
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 1), "CIM_ERR_FAILED");
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 13), "CIM_ERR_TYPE_MISMATCH");
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 17), "CIM_ERR_METHOD_NOT_FOUND");
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 28),
                     "CIM_ERR_SERVER_IS_SHUTTING_DOWN");
    ck_assert_str_eq(cim_enum_name(&cim_enum_cim_status_code, 29),
                     "CIM_ERR_QUERY_FEATURE_NOT_SUPPORTED");
}
END_TEST

START_TEST(test_status_code_name_uint32)
{
    ck_assert_str_eq(cim_error_status_code_name(0), "DMTF Reserved");
    ck_assert_str_eq(cim_error_status_code_name(1), "CIM_ERR_FAILED");
    ck_assert_str_eq(cim_error_status_code_name(29), "CIM_ERR_QUERY_FEATURE_NOT_SUPPORTED");
    ck_assert_str_eq(cim_error_status_code_name(30), "DMTF Reserved");
    ck_assert_str_eq(cim_error_status_code_name((uint32_t)INT32_MAX), "DMTF Reserved");
    ck_assert_str_eq(cim_error_status_code_name((uint32_t)INT32_MAX + 1u), "DMTF Reserved");
    ck_assert_str_eq(cim_error_status_code_name(UINT32_MAX), "DMTF Reserved");
}
END_TEST

START_TEST(test_severity_words)
{
    static const char *const words[] = {"Warning", "Warning",  "OK",       "Warning",
                                        "Warning", "Critical", "Critical", "Critical"};

    for (size_t s = 0; s < COUNT(words); s++)
        ck_assert_str_eq(cim_error_severity_word((uint16_t)s), words[s]);
    ck_assert_str_eq(cim_error_severity_word(CIM_SEV_INFORMATION), "OK");
    ck_assert_str_eq(cim_error_severity_word(CIM_SEV_DEGRADED), "Warning");
    ck_assert_str_eq(cim_error_severity_word(CIM_SEV_FATAL), "Critical");
    for (uint32_t s = COUNT(words); s <= 65535; s++)
        ck_assert_str_eq(cim_error_severity_word((uint16_t)s), "Warning");
}
END_TEST

/* ---- lifecycle ----------------------------------------------------------------------------- */

START_TEST(test_init_and_cleanup)
{
    struct cim_error e;

    cim_error_init(&e);
    ck_assert_uint_eq(e.error_type, CIM_ERRTYPE_UNKNOWN);
    ck_assert_uint_eq(e.perceived_severity, CIM_SEV_UNKNOWN);
    ck_assert_uint_eq(e.probable_cause, CIM_CAUSE_UNKNOWN);
    ck_assert_uint_eq(e.error_source_format, CIM_ESF_UNKNOWN);
    ck_assert_uint_eq(e.cim_status_code, 0);
    ck_assert_ptr_null(e.message_id);
    ck_assert_ptr_null(e.message_arguments.v);
    ck_assert_uint_eq(e.recommended_actions.n, 0);

    make_full(&e);
    ck_assert(!is_empty(&e));
    cim_error_cleanup(&e);
    ck_assert(is_empty(&e));
    cim_error_cleanup(&e); /* cleaning an empty instance again is harmless */
    ck_assert(is_empty(&e));
    cim_error_cleanup(NULL);
}
END_TEST

START_TEST(test_new_free)
{
    struct cim_error *e = cim_error_new();

    ck_assert_ptr_nonnull(e);
    ck_assert(is_empty(e));
    set(&e->message_id, "X1");
    push(&e->recommended_actions, "retry");
    cim_error_free(e);
    cim_error_free(NULL);
}
END_TEST

START_TEST(test_set_str)
{
    char *f = NULL;

    ck_assert_int_eq(cim_error_set_str(NULL, "x"), JOB_EINVAL);
    set(&f, "first");
    ck_assert_str_eq(f, "first");
    set(&f, "second");
    ck_assert_str_eq(f, "second");
    set(&f, f + 3); /* a value inside the field itself */
    ck_assert_str_eq(f, "ond");
    set(&f, "");
    ck_assert_str_eq(f, "");
    set(&f, NULL);
    ck_assert_ptr_null(f);
    set(&f, NULL);
    ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_strv)
{
    struct cim_strv a;
    struct cim_strv b;

    cim_strv_init(&a);
    cim_strv_init(&b);
    ck_assert(cim_strv_equal(&a, &b));
    ck_assert_int_eq(cim_strv_push(&a, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_strv_push(NULL, "x"), JOB_EINVAL);
    ck_assert_uint_eq(a.n, 0);
    push(&a, "one");
    push(&a, "");
    push(&a, "three");
    ck_assert_uint_eq(a.n, 3);
    ck_assert_str_eq(a.v[2], "three");
    ck_assert(!cim_strv_equal(&a, &b));

    push(&b, "stale");
    ck_assert_int_eq(cim_strv_copy(&b, &a), JOB_OK);
    ck_assert(cim_strv_equal(&a, &b));
    ck_assert_ptr_ne(a.v, b.v);
    ck_assert_ptr_ne(a.v[0], b.v[0]);
    b.v[0][0] = 'O';
    ck_assert_str_eq(a.v[0], "one");
    ck_assert(!cim_strv_equal(&a, &b));
    ck_assert_int_eq(cim_strv_copy(&a, &a), JOB_OK);
    ck_assert_uint_eq(a.n, 3);

    /* NULL elements copy as NULL and compare equal only to NULL. */
    free(a.v[1]);
    a.v[1] = NULL;
    ck_assert_int_eq(cim_strv_copy(&b, &a), JOB_OK);
    ck_assert_ptr_null(b.v[1]);
    ck_assert(cim_strv_equal(&a, &b));
    ck_assert_int_eq(cim_strv_copy(&b, NULL), JOB_EINVAL);
    ck_assert_uint_eq(b.n, 0);
    ck_assert_int_eq(cim_strv_copy(NULL, &a), JOB_EINVAL);
    ck_assert(cim_strv_equal(NULL, NULL));
    ck_assert(!cim_strv_equal(&a, NULL));

    cim_strv_cleanup(&a);
    cim_strv_cleanup(&b);
    ck_assert_ptr_null(a.v);
    ck_assert_uint_eq(a.n, 0);
    cim_strv_cleanup(NULL);
}
END_TEST

START_TEST(test_buf)
{
    struct cim_buf b;
    unsigned char big[1000];

    memset(big, 0xA5, sizeof big);
    cim_buf_init(&b);
    ck_assert_int_eq(cim_buf_append(&b, NULL, 0), JOB_OK);
    ck_assert_int_eq(cim_buf_append(&b, NULL, 1), JOB_EINVAL);
    ck_assert_int_eq(cim_buf_append(NULL, "x", 1), JOB_EINVAL);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_int_eq(cim_buf_append(&b, "ab", 2), JOB_OK);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(cim_buf_append(&b, big, sizeof big), JOB_OK);
    ck_assert_uint_eq(b.len, 2 + 20 * sizeof big);
    ck_assert_uint_ge(b.cap, b.len);
    ck_assert_int_eq(memcmp(b.p, "ab", 2), 0);
    ck_assert_int_eq(b.p[b.len - 1], 0xA5);
    ck_assert_int_eq(cim_buf_append(&b, big, SIZE_MAX), JOB_EINVAL);
    ck_assert_uint_eq(b.len, 2 + 20 * sizeof big);
    cim_buf_cleanup(&b);
    ck_assert_ptr_null(b.p);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    cim_buf_cleanup(NULL);
}
END_TEST

/* ---- copy and dup -------------------------------------------------------------------------- */

START_TEST(test_copy_is_deep)
{
    struct cim_error src;
    struct cim_error ref;
    struct cim_error dst;

    make_full(&src);
    make_full(&ref);
    cim_error_init(&dst);
    set(&dst.message, "old content, freed by the copy");
    push(&dst.message_arguments, "old");

    ck_assert_int_eq(cim_error_copy(&dst, &src), JOB_OK);
    ck_assert(cim_error_equal(&dst, &src));
    ck_assert_ptr_ne(dst.message_id, src.message_id);
    ck_assert_ptr_ne(dst.message_arguments.v, src.message_arguments.v);
    ck_assert_ptr_ne(dst.recommended_actions.v[0], src.recommended_actions.v[0]);

    /* Change every part of the copy; the source keeps its values. */
    dst.message_id[0] = 'X';
    dst.other_error_type[0] = 'X';
    dst.message_arguments.v[0][0] = 'X';
    dst.recommended_actions.v[1][0] = 'X';
    push(&dst.recommended_actions, "added");
    set(&dst.error_source, NULL);
    set(&dst.cim_status_code_description, "changed");
    dst.perceived_severity = CIM_SEV_MINOR;
    dst.cim_status_code = CIM_STATUS_CODE_NOT_FOUND;
    ck_assert(cim_error_equal(&src, &ref));
    ck_assert(!cim_error_equal(&dst, &src));
    ck_assert_str_eq(src.message_id, "MSPS0042");
    ck_assert_str_eq(src.message_arguments.v[0], "vol-7");
    ck_assert_uint_eq(src.recommended_actions.n, 3);

    /* Copying onto itself changes nothing. */
    ck_assert_int_eq(cim_error_copy(&src, &src), JOB_OK);
    ck_assert(cim_error_equal(&src, &ref));

    cim_error_cleanup(&src);
    cim_error_cleanup(&ref);
    cim_error_cleanup(&dst);
}
END_TEST

START_TEST(test_copy_errors)
{
    struct cim_error src;
    struct cim_error dst;
    char **saved;

    make_full(&src);
    make_full(&dst);
    ck_assert_int_eq(cim_error_copy(&dst, NULL), JOB_EINVAL);
    ck_assert(is_empty(&dst));
    ck_assert_int_eq(cim_error_copy(NULL, &src), JOB_EINVAL);

    /* An array that claims elements without holding any cannot be copied. */
    make_full(&dst);
    saved = src.recommended_actions.v;
    src.recommended_actions.v = NULL;
    ck_assert_int_eq(cim_error_copy(&dst, &src), JOB_EINVAL);
    ck_assert(is_empty(&dst));
    ck_assert_ptr_null(cim_error_dup(&src));
    src.recommended_actions.v = saved;

    cim_error_cleanup(&src);
    cim_error_cleanup(&dst);
}
END_TEST

START_TEST(test_dup)
{
    struct cim_error src;
    struct cim_error *d;
    struct cim_error *e;

    ck_assert_ptr_null(cim_error_dup(NULL));
    make_full(&src);
    d = cim_error_dup(&src);
    ck_assert_ptr_nonnull(d);
    ck_assert(cim_error_equal(d, &src));
    set(&d->message, "changed");
    d->message_arguments.v[1][0] = '9';
    ck_assert_str_eq(src.message, "The image vol-7 could not be written to disk 2.");
    ck_assert_str_eq(src.message_arguments.v[1], "2");

    cim_error_cleanup(&src);
    e = cim_error_dup(&src); /* an empty instance duplicates too */
    ck_assert_ptr_nonnull(e);
    ck_assert(is_empty(e));
    cim_error_free(d);
    cim_error_free(e);
}
END_TEST

START_TEST(test_equal)
{
    struct cim_error a;
    struct cim_error b;

    make_full(&a);
    make_full(&b);
    ck_assert(cim_error_equal(&a, &b));
    ck_assert(cim_error_equal(NULL, NULL));
    ck_assert(!cim_error_equal(&a, NULL));
    ck_assert(!cim_error_equal(NULL, &b));
    set(&b.owning_entity, NULL); /* NULL differs from any string, "" included */
    ck_assert(!cim_error_equal(&a, &b));
    set(&b.owning_entity, "");
    ck_assert(!cim_error_equal(&a, &b));
    set(&b.owning_entity, "Msps");
    ck_assert(cim_error_equal(&a, &b));
    b.error_source_format = CIM_ESF_CIM_OBJECT_PATH;
    ck_assert(!cim_error_equal(&a, &b));
    b.error_source_format = a.error_source_format;
    cim_strv_cleanup(&b.message_arguments);
    ck_assert(!cim_error_equal(&a, &b));
    cim_error_cleanup(&a);
    cim_error_cleanup(&b);
}
END_TEST

/* ---- validate ------------------------------------------------------------------------------ */

static const char *
fails_on(const struct cim_error *e)
{
    const char *prop = "untouched";

    ck_assert_int_eq(cim_error_validate(e, &prop), JOB_EINVAL);
    ck_assert_ptr_nonnull(prop);
    return prop;
}

static void
passes(const struct cim_error *e)
{
    const char *prop = "untouched";

    ck_assert_int_eq(cim_error_validate(e, &prop), JOB_OK);
    ck_assert_ptr_null(prop);
    ck_assert_int_eq(cim_error_validate(e, NULL), JOB_OK);
}

START_TEST(test_validate_rules)
{
    struct cim_error e;
    const char *prop = "untouched";
    char *saved;
    char **saved_v;

    ck_assert_int_eq(cim_error_validate(NULL, &prop), JOB_EINVAL);
    ck_assert_ptr_null(prop);

    make_full(&e);
    passes(&e);

    /* MessageID is Required. */
    saved = e.message_id;
    e.message_id = NULL;
    ck_assert_str_eq(fails_on(&e), "MessageID");
    ck_assert_int_eq(cim_error_validate(&e, NULL), JOB_EINVAL);
    e.message_id = saved;

    /* OtherErrorType exactly when ErrorType is Other. */
    set(&e.other_error_type, NULL);
    ck_assert_str_eq(fails_on(&e), "OtherErrorType");
    e.error_type = CIM_ERRTYPE_SOFTWARE;
    passes(&e);
    set(&e.other_error_type, "stray");
    ck_assert_str_eq(fails_on(&e), "OtherErrorType");
    e.error_type = CIM_ERRTYPE_OTHER;
    passes(&e);

    /* OtherErrorSourceFormat exactly when ErrorSourceFormat is Other. */
    set(&e.other_error_source_format, NULL);
    ck_assert_str_eq(fails_on(&e), "OtherErrorSourceFormat");
    e.error_source_format = CIM_ESF_CIM_OBJECT_PATH;
    passes(&e);
    set(&e.other_error_source_format, "stray");
    ck_assert_str_eq(fails_on(&e), "OtherErrorSourceFormat");
    e.error_source_format = CIM_ESF_UNKNOWN;
    ck_assert_str_eq(fails_on(&e), "OtherErrorSourceFormat");
    set(&e.other_error_source_format, NULL);
    passes(&e);

    /* Array elements are never NULL, and a count has an array behind it. */
    saved = e.message_arguments.v[1];
    e.message_arguments.v[1] = NULL;
    ck_assert_str_eq(fails_on(&e), "MessageArguments");
    e.message_arguments.v[1] = saved;
    saved_v = e.message_arguments.v;
    e.message_arguments.v = NULL;
    ck_assert_str_eq(fails_on(&e), "MessageArguments");
    e.message_arguments.v = saved_v;
    saved = e.recommended_actions.v[2];
    e.recommended_actions.v[2] = NULL;
    ck_assert_str_eq(fails_on(&e), "RecommendedActions");
    e.recommended_actions.v[2] = saved;
    passes(&e);

    /* Several faults: the first in the class's property order is named. */
    saved = e.recommended_actions.v[0];
    e.recommended_actions.v[0] = NULL;
    set(&e.other_error_source_format, "stray");
    ck_assert_str_eq(fails_on(&e), "RecommendedActions");
    e.error_type = CIM_ERRTYPE_OTHER;
    set(&e.other_error_type, NULL);
    ck_assert_str_eq(fails_on(&e), "OtherErrorType");
    e.recommended_actions.v[0] = saved;

    cim_error_cleanup(&e);
}
END_TEST

/*
 * The enumeration rule: a value is valid when named or reserved by the class. Every map of
 * CIM_Error 2.22.1 ends in "..", so no value of these types can fail it; prove it over the domains.
 */
START_TEST(test_validate_enum_domains)
{
    struct cim_error e;
    static const uint32_t codes[] = {
        0, 1, 29, 30, 65535, 65536, (uint32_t)INT32_MAX, (uint32_t)INT32_MAX + 1u, UINT32_MAX};

    cim_error_init(&e);
    set(&e.message_id, "M1");
    passes(&e); /* an initialised instance with only MessageID set is valid */
    for (uint32_t v = 0; v <= 65535; v++) {
        e.perceived_severity = (uint16_t)v;
        e.probable_cause = (uint16_t)v;
        e.error_type = v == 1 ? 0 : (uint16_t)v;
        e.error_source_format = v == 1 ? 0 : (uint16_t)v;
        passes(&e);
    }
    for (size_t k = 0; k < COUNT(codes); k++) {
        e.cim_status_code = codes[k];
        passes(&e);
    }
    cim_error_cleanup(&e);
}
END_TEST

/* ---- encoding ------------------------------------------------------------------------------ */

static void
round_trip(const struct cim_error *e)
{
    struct cim_buf b;
    struct cim_error out;

    cim_buf_init(&b);
    make_full(&out); /* decode replaces whatever out held */
    encode_ok(e, &b);
    ck_assert_int_eq(cim_error_decode(b.p, b.len, &out), JOB_OK);
    ck_assert(cim_error_equal(&out, e));
    cim_error_cleanup(&out);
    cim_buf_cleanup(&b);
}

START_TEST(test_round_trip_full_and_empty)
{
    struct cim_error e;

    make_full(&e);
    round_trip(&e);
    cim_error_cleanup(&e);
    round_trip(&e);

    /* Empty strings stay empty strings, NULL elements stay NULL, extremes stay extremes. */
    set(&e.message_id, "");
    set(&e.message, "");
    push(&e.message_arguments, "");
    push(&e.message_arguments, "x");
    free(e.message_arguments.v[0]);
    e.message_arguments.v[0] = NULL;
    e.error_type = 65535;
    e.perceived_severity = 65535;
    e.probable_cause = 0x1234;
    e.error_source_format = 0x8000;
    e.cim_status_code = UINT32_MAX;
    round_trip(&e);
    cim_error_cleanup(&e);
}
END_TEST

/* The layout is the store's on-disk format: pin the encoding of an empty instance. */
START_TEST(test_encoding_of_empty)
{
    struct cim_error e;
    struct cim_buf b;
    unsigned char want[55];

    memset(want, 0, sizeof want);
    want[0] = 'C';
    want[1] = 'E';
    want[2] = 1;
    /* 12 bytes of integers, then eight null strings and two empty arrays in class order. */
    memset(want + 15, 0xFF, 16); /* OtherErrorType .. Message */
    memset(want + 35, 0xFF, 4);  /* ProbableCauseDescription */
    memset(want + 43, 0xFF, 12); /* ErrorSource .. CIMStatusCodeDescription */
    cim_error_init(&e);
    cim_buf_init(&b);
    encode_ok(&e, &b);
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert_int_eq(memcmp(b.p, want, sizeof want), 0);

    e.cim_status_code = 0x04030201u;
    e.error_type = 0x0201;
    b.len = 0;
    encode_ok(&e, &b);
    ck_assert_int_eq(b.p[3], 0x01);
    ck_assert_int_eq(b.p[4], 0x02);
    ck_assert_int_eq(b.p[11], 0x01);
    ck_assert_int_eq(b.p[14], 0x04);
    cim_buf_cleanup(&b);
}
END_TEST

START_TEST(test_encode_appends)
{
    struct cim_error a;
    struct cim_error b;
    struct cim_error out;
    struct cim_buf buf;
    size_t first;

    make_full(&a);
    cim_error_init(&b);
    set(&b.message_id, "SECOND");
    cim_error_init(&out);
    cim_buf_init(&buf);
    encode_ok(&a, &buf);
    first = buf.len;
    encode_ok(&b, &buf);
    ck_assert_int_eq(cim_error_decode(buf.p, first, &out), JOB_OK);
    ck_assert(cim_error_equal(&out, &a));
    ck_assert_int_eq(cim_error_decode(buf.p + first, buf.len - first, &out), JOB_OK);
    ck_assert(cim_error_equal(&out, &b));
    /* Both together are one encoding followed by trailing bytes. */
    ck_assert_int_eq(cim_error_decode(buf.p, buf.len, &out), JOB_EINVAL);
    ck_assert(is_empty(&out));
    cim_error_cleanup(&a);
    cim_error_cleanup(&b);
    cim_buf_cleanup(&buf);
}
END_TEST

START_TEST(test_encode_errors)
{
    struct cim_error e;
    struct cim_buf b;
    char **saved;

    make_full(&e);
    cim_buf_init(&b);
    ck_assert_int_eq(cim_error_encode(NULL, &b), JOB_EINVAL);
    ck_assert_int_eq(cim_error_encode(&e, NULL), JOB_EINVAL);
    ck_assert_int_eq(cim_buf_append(&b, "keep", 4), JOB_OK);
    saved = e.recommended_actions.v;
    e.recommended_actions.v = NULL;
    ck_assert_int_eq(cim_error_encode(&e, &b), JOB_EINVAL);
    ck_assert_uint_eq(b.len, 4); /* nothing of the failed encoding is left */
    ck_assert_int_eq(memcmp(b.p, "keep", 4), 0);
    e.recommended_actions.v = saved;
    cim_error_cleanup(&e);
    cim_buf_cleanup(&b);
}
END_TEST

/* Decodes a private copy of exactly len bytes, so ASan sees any read past the end. */
static enum job_err
decode_exact(const unsigned char *p, size_t len, struct cim_error *out)
{
    unsigned char *copy = malloc(len > 0 ? len : 1);
    enum job_err err;

    ck_assert_ptr_nonnull(copy);
    if (len > 0)
        memcpy(copy, p, len);
    err = cim_error_decode(copy, len, out);
    free(copy);
    return err;
}

START_TEST(test_decode_truncations)
{
    struct cim_error e;
    struct cim_error out;
    struct cim_buf b;

    make_full(&e);
    cim_buf_init(&b);
    encode_ok(&e, &b);
    cim_error_init(&out);
    for (size_t len = 0; len < b.len; len++) {
        make_full(&out);
        ck_assert_int_eq(decode_exact(b.p, len, &out), JOB_EINVAL);
        ck_assert(is_empty(&out));
    }
    ck_assert_int_eq(decode_exact(b.p, b.len, &out), JOB_OK);
    ck_assert(cim_error_equal(&out, &e));
    ck_assert_int_eq(cim_error_decode(NULL, 0, &out), JOB_EINVAL);
    ck_assert(is_empty(&out));
    ck_assert_int_eq(cim_error_decode(NULL, 10, &out), JOB_EINVAL);
    ck_assert_int_eq(cim_error_decode(b.p, b.len, NULL), JOB_EINVAL);
    cim_error_cleanup(&e);
    cim_error_cleanup(&out);
    cim_buf_cleanup(&b);
}
END_TEST

static void
put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFFu);
    p[1] = (unsigned char)((v >> 8) & 0xFFu);
    p[2] = (unsigned char)((v >> 16) & 0xFFu);
    p[3] = (unsigned char)(v >> 24);
}

START_TEST(test_decode_malformed)
{
    struct cim_error e;
    struct cim_error out;
    struct cim_buf b;
    unsigned char *p;

    cim_error_init(&e);
    cim_error_init(&out);
    cim_buf_init(&b);
    encode_ok(&e, &b); /* 55 bytes; OtherErrorType's length at 15, MessageArguments' count at 31 */
    p = b.p;

    p[0] = 'c';
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    p[0] = 'C';
    p[2] = 2; /* an unknown version */
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    p[2] = 1;
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_OK);

    put_le32(p + 31, 0xFFFFFFF0u); /* a count the bytes left cannot hold */
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    put_le32(p + 31, 6); /* six null elements take 24 bytes; 20 are left */
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    put_le32(p + 31, 0);

    put_le32(p + 15, 3); /* a 3-byte OtherErrorType: "\xFF\xFF\xFF" then misaligned */
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    put_le32(p + 15, 0xFFFFFFFEu); /* longer than the input */
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_EINVAL);
    put_le32(p + 15, 0xFFFFFFFFu);
    ck_assert_int_eq(decode_exact(p, b.len, &out), JOB_OK);

    /* A NUL byte inside a string. */
    cim_buf_cleanup(&b);
    set(&e.message_id, "ab");
    encode_ok(&e, &b);
    ck_assert_int_eq(decode_exact(b.p, b.len, &out), JOB_OK);
    ck_assert_str_eq(out.message_id, "ab");
    b.p[27] = '\0'; /* MessageID's length at 23, its bytes at 27 */
    ck_assert_int_eq(decode_exact(b.p, b.len, &out), JOB_EINVAL);
    ck_assert(is_empty(&out));

    cim_error_cleanup(&e);
    cim_error_cleanup(&out);
    cim_buf_cleanup(&b);
}
END_TEST

/* ---- fuzz ---------------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t
rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32);
}

/*
 * Decodes len bytes and checks the outcome: either JOB_EINVAL with out empty, or JOB_OK with a
 * well-formed instance whose encoding is exactly the input. Returns the status.
 */
static enum job_err
fuzz_one(const unsigned char *p, size_t len)
{
    struct cim_error out;
    struct cim_error *dup;
    struct cim_buf again;
    enum job_err err;
    const char *prop = NULL;

    make_full(&out);
    err = decode_exact(p, len, &out);
    if (err != JOB_OK) {
        ck_assert_int_eq(err, JOB_EINVAL);
        ck_assert(is_empty(&out));
        return err;
    }
    cim_buf_init(&again);
    encode_ok(&out, &again);
    ck_assert_uint_eq(again.len, len);
    ck_assert_int_eq(memcmp(again.p, p, len), 0);
    if (cim_error_validate(&out, &prop) == JOB_OK)
        ck_assert_ptr_null(prop);
    else
        ck_assert_ptr_nonnull(prop);
    (void)cim_error_severity_word(out.perceived_severity);
    (void)cim_error_status_code_name(out.cim_status_code);
    dup = cim_error_dup(&out);
    ck_assert_ptr_nonnull(dup);
    ck_assert(cim_error_equal(dup, &out));
    cim_error_free(dup);
    cim_buf_cleanup(&again);
    cim_error_cleanup(&out);
    return err;
}

START_TEST(test_decode_fuzz)
{
    struct cim_error e;
    struct cim_buf valid;
    unsigned char buf[512];
    size_t ok = 0;
    size_t bad = 0;

    rng_state = UINT64_C(0x9E3779B97F4A7C15);
    make_full(&e);
    cim_buf_init(&valid);
    encode_ok(&e, &valid);
    ck_assert_uint_le(valid.len, sizeof buf);

    /* Mutations of a valid encoding: they get past the header and deep into the parser. */
    for (int i = 0; i < 6000; i++) {
        size_t len = valid.len;
        int edits = 1 + (int)(rng() % 4);

        memcpy(buf, valid.p, valid.len);
        for (int k = 0; k < edits; k++) {
            switch (rng() % 5) {
            case 0:
                buf[rng() % len] = (unsigned char)rng();
                break;
            case 1:
                buf[rng() % len] ^= (unsigned char)(1u << (rng() % 8));
                break;
            case 2: /* a small length or count somewhere */
                if (len >= 4) {
                    size_t at = rng() % (len - 3);
                    put_le32(buf + at, rng() % 8);
                }
                break;
            case 3:
                len = 1 + rng() % len;
                break;
            default: /* an integer field: never breaks the framing */
                buf[3 + rng() % 12] = (unsigned char)rng();
                break;
            }
        }
        if (fuzz_one(buf, len) == JOB_OK)
            ok++;
        else
            bad++;
    }

    /* Random bytes, half of them behind a valid header. */
    for (int i = 0; i < 4000; i++) {
        size_t len = rng() % 200;

        for (size_t k = 0; k < len; k++)
            buf[k] = (unsigned char)rng();
        if (i % 2 == 0 && len >= 3) {
            buf[0] = 'C';
            buf[1] = 'E';
            buf[2] = 1;
        }
        if (fuzz_one(buf, len) == JOB_OK)
            ok++;
        else
            bad++;
    }

    ck_assert_uint_eq(ok + bad, 10000);
    ck_assert_uint_gt(ok, 0);
    ck_assert_uint_gt(bad, 0);
    cim_error_cleanup(&e);
    cim_buf_cleanup(&valid);
}
END_TEST

Suite *
cim_error_suite(void)
{
    Suite *s = suite_create("cim_error");
    TCase *tc_enum = tcase_create("enums");
    TCase *tc_life = tcase_create("lifecycle");
    TCase *tc_copy = tcase_create("copy");
    TCase *tc_valid = tcase_create("validate");
    TCase *tc_enc = tcase_create("encoding");
    TCase *tc_fuzz = tcase_create("fuzz");

    tcase_set_timeout(tc_enum, 30);
    tcase_add_test(tc_enum, test_enum_all_lists_every_table);
    tcase_add_loop_test(tc_enum, test_enum_round_trip, 0, (int)COUNT(maps));
    tcase_add_loop_test(tc_enum, test_enum_tables_cover_domain, 0, (int)COUNT(maps));
    tcase_add_test(tc_enum, test_enum_uint16_domains);
    tcase_add_test(tc_enum, test_enum_reserved_boundaries);
    tcase_add_test(tc_enum, test_enum_transcription);
    tcase_add_test(tc_enum, test_status_code_name_uint32);
    tcase_add_test(tc_enum, test_severity_words);
    suite_add_tcase(s, tc_enum);

    tcase_set_timeout(tc_life, 10);
    tcase_add_test(tc_life, test_init_and_cleanup);
    tcase_add_test(tc_life, test_new_free);
    tcase_add_test(tc_life, test_set_str);
    tcase_add_test(tc_life, test_strv);
    tcase_add_test(tc_life, test_buf);
    suite_add_tcase(s, tc_life);

    tcase_set_timeout(tc_copy, 10);
    tcase_add_test(tc_copy, test_copy_is_deep);
    tcase_add_test(tc_copy, test_copy_errors);
    tcase_add_test(tc_copy, test_dup);
    tcase_add_test(tc_copy, test_equal);
    suite_add_tcase(s, tc_copy);

    tcase_set_timeout(tc_valid, 30);
    tcase_add_test(tc_valid, test_validate_rules);
    tcase_add_test(tc_valid, test_validate_enum_domains);
    suite_add_tcase(s, tc_valid);

    tcase_set_timeout(tc_enc, 30);
    tcase_add_test(tc_enc, test_round_trip_full_and_empty);
    tcase_add_test(tc_enc, test_encoding_of_empty);
    tcase_add_test(tc_enc, test_encode_appends);
    tcase_add_test(tc_enc, test_encode_errors);
    tcase_add_test(tc_enc, test_decode_truncations);
    tcase_add_test(tc_enc, test_decode_malformed);
    suite_add_tcase(s, tc_enc);

    tcase_set_timeout(tc_fuzz, 120);
    tcase_add_test(tc_fuzz, test_decode_fuzz);
    suite_add_tcase(s, tc_fuzz);
    return s;
}
