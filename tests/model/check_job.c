/* The job object: property table, classes, qualifiers, copies and the status table. */
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "job.h"

static struct job_value
vint(enum cim_type t, int64_t i)
{
    struct job_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    v.u.i = i;
    return v;
}

static struct job_value
vstr(const char *s)
{
    struct job_value v;
    memset(&v, 0, sizeof v);
    v.type = CIM_T_STRING;
    v.u.s = s;
    v.is_null = s == NULL;
    return v;
}

static char *
repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return s;
}

START_TEST(test_property_table)
{
    size_t concrete = 0;
    size_t prov = 0;

    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        ck_assert_uint_eq(job_props[i].id, i);
        ck_assert_uint_eq(job_props[i].tag, i + 1); /* stored tags never change */
        ck_assert_ptr_eq(job_prop_find(job_props[i].name), &job_props[i]);
        concrete += (size_t)job_class_has(&job_class_concrete, (enum job_prop_id)i);
        prov += (size_t)job_class_has(&job_class_provisioning, (enum job_prop_id)i);
    }
    /* The class documents list 34 and 39 properties. */
    ck_assert_uint_eq(concrete, 34);
    ck_assert_uint_eq(prov, 39);
    ck_assert(!job_class_has(&job_class_concrete, JOB_P_PRIMARY_STATUS));
    ck_assert(!job_class_has(&job_class_concrete, JOB_P_ADDITIONAL_IDENTIFIER));
    ck_assert(job_class_has(&job_class_provisioning, JOB_P_OPERATING_STATUS));
    ck_assert_ptr_null(job_prop_find("jobstate"));
    ck_assert_ptr_eq(job_class_find("Msps_ProvisioningJob"), &job_class_provisioning);
    ck_assert_ptr_null(job_class_find("CIM_Job"));
    /* Access as the documents give it. */
    ck_assert(job_props[JOB_P_DELETE_ON_COMPLETION].flags & JOB_PF_RW);
    ck_assert(job_props[JOB_P_TIME_BEFORE_REMOVAL].flags & JOB_PF_RW);
    ck_assert(!(job_props[JOB_P_JOB_STATE].flags & JOB_PF_RW));
    ck_assert(!(job_props[JOB_P_NAME].flags & JOB_PF_RW));
    ck_assert(job_props[JOB_P_INSTANCE_ID].flags & JOB_PF_KEY);
}
END_TEST

START_TEST(test_defaults)
{
    struct job job;
    char text[CIM_DT_LEN + 1];
    struct job_value v;

    job_init(&job, &job_class_provisioning);
    ck_assert_uint_eq(job.job_state, JOB_STATE_NEW);
    ck_assert_uint_eq(job.job_run_times, 1);
    ck_assert(job.delete_on_completion);
    ck_assert_int_eq(cim_dt_format(&job.time_before_removal, text), JOB_OK);
    ck_assert_str_eq(text, "00000000000500.000000:000");
    ck_assert_int_eq(job_get(&job, JOB_P_RUN_MONTH, &v), JOB_OK);
    ck_assert(v.is_null);
    ck_assert_int_eq(job_get(&job, JOB_P_PERCENT_COMPLETE, &v), JOB_OK);
    ck_assert(!v.is_null);
    ck_assert_int_eq(v.u.i, 0);
    ck_assert_str_eq(job_state_name(&job), "New");
    job.job_state = 3;
    ck_assert_str_eq(job_state_name(&job), "PendingBoot");
    job.cls = &job_class_concrete;
    ck_assert_str_eq(job_state_name(&job), "Starting");
    job_cleanup(&job);
}
END_TEST

START_TEST(test_qualifiers)
{
    struct job job;
    struct job_value v;
    char *s;

    job_init(&job, &job_class_provisioning);
    /* MaxLen counts characters: 64 two-byte characters fit Caption, 65 do not. */
    s = repeat("\xc3\xa9", 64);
    v = vstr(s);
    ck_assert_int_eq(job_set(&job, JOB_P_CAPTION, &v), JOB_OK);
    free(s);
    s = repeat("a", 65);
    v = vstr(s);
    ck_assert_int_eq(job_set(&job, JOB_P_CAPTION, &v), JOB_EINVAL);
    ck_assert_uint_eq(strlen(job.caption), 128); /* unchanged */
    free(s);
    s = repeat("n", 1024);
    v = vstr(s);
    ck_assert_int_eq(job_set(&job, JOB_P_NAME, &v), JOB_OK);
    free(s);
    s = repeat("n", 1025);
    v = vstr(s);
    ck_assert_int_eq(job_set(&job, JOB_P_NAME, &v), JOB_EINVAL);
    free(s);
    v = vstr(NULL);
    ck_assert_int_eq(job_set(&job, JOB_P_NAME, &v), JOB_EINVAL); /* Required */
    v = vstr("0123456789");
    ck_assert_int_eq(job_set(&job, JOB_P_STATUS, &v), JOB_OK);
    v = vstr("0123456789A");
    ck_assert_int_eq(job_set(&job, JOB_P_STATUS, &v), JOB_EINVAL);
    v = vstr("bad \xff utf-8");
    ck_assert_int_eq(job_set(&job, JOB_P_DESCRIPTION, &v), JOB_EINVAL);
    v = vstr("\xed\xa0\x80"); /* a UTF-16 surrogate */
    ck_assert_int_eq(job_set(&job, JOB_P_DESCRIPTION, &v), JOB_EINVAL);
    v = vstr("\xc0\xaf"); /* overlong */
    ck_assert_int_eq(job_set(&job, JOB_P_DESCRIPTION, &v), JOB_EINVAL);

    v = vint(CIM_T_UINT16, 101);
    ck_assert_int_eq(job_set(&job, JOB_P_PERCENT_COMPLETE, &v), JOB_OK);
    v = vint(CIM_T_UINT16, 102);
    ck_assert_int_eq(job_set(&job, JOB_P_PERCENT_COMPLETE, &v), JOB_EINVAL);
    v = vint(CIM_T_UINT8, 11);
    ck_assert_int_eq(job_set(&job, JOB_P_RUN_MONTH, &v), JOB_OK);
    v = vint(CIM_T_UINT8, 12);
    ck_assert_int_eq(job_set(&job, JOB_P_RUN_MONTH, &v), JOB_EINVAL);
    for (int d = -32; d <= 32; d++) {
        v = vint(CIM_T_SINT8, d);
        ck_assert_int_eq(job_set(&job, JOB_P_RUN_DAY, &v),
                         d >= -31 && d <= 31 ? JOB_OK : JOB_EINVAL);
        v = vint(CIM_T_SINT8, d);
        ck_assert_int_eq(job_set(&job, JOB_P_RUN_DAY_OF_WEEK, &v),
                         d >= -7 && d <= 7 ? JOB_OK : JOB_EINVAL);
    }
    /* Value maps: DMTF-reserved values are refused, vendor values taken. */
    v = vint(CIM_T_UINT16, 7);
    ck_assert_int_eq(job_set(&job, JOB_P_HEALTH_STATE, &v), JOB_EINVAL);
    v = vint(CIM_T_UINT16, 13);
    ck_assert_int_eq(job_set(&job, JOB_P_JOB_STATE, &v), JOB_EINVAL);
    v = vint(CIM_T_UINT16, 32770);
    ck_assert_int_eq(job_set(&job, JOB_P_JOB_STATE, &v), JOB_OK);
    v = vint(CIM_T_UINT16, 6);
    ck_assert_int_eq(job_set(&job, JOB_P_RECOVERY_ACTION, &v), JOB_EINVAL);
    v = vint(CIM_T_UINT16, 3);
    ck_assert_int_eq(job_set(&job, JOB_P_LOCAL_OR_UTC_TIME, &v), JOB_EINVAL);
    /* Wrong type. */
    v = vint(CIM_T_UINT32, 1);
    ck_assert_int_eq(job_set(&job, JOB_P_RUN_MONTH, &v), JOB_EINVAL);

    /* Datetime kinds: TimeBeforeRemoval is a required interval. */
    memset(&v, 0, sizeof v);
    v.type = CIM_T_DATETIME;
    ck_assert_int_eq(cim_dt_parse("20261121134100.000000+000", &v.u.dt), JOB_OK);
    ck_assert_int_eq(job_set(&job, JOB_P_TIME_BEFORE_REMOVAL, &v), JOB_EINVAL);
    ck_assert_int_eq(job_set(&job, JOB_P_INSTALL_DATE, &v), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("00000001000000.000000:000", &v.u.dt), JOB_OK);
    ck_assert_int_eq(job_set(&job, JOB_P_TIME_BEFORE_REMOVAL, &v), JOB_OK);
    ck_assert_int_eq(job_set(&job, JOB_P_INSTALL_DATE, &v), JOB_EINVAL);
    v.is_null = true;
    ck_assert_int_eq(job_set(&job, JOB_P_TIME_BEFORE_REMOVAL, &v), JOB_EINVAL);

    /* A property the class does not have. */
    job_cleanup(&job);
    job_init(&job, &job_class_concrete);
    v = vint(CIM_T_UINT16, 1);
    ck_assert_int_eq(job_set(&job, JOB_P_PRIMARY_STATUS, &v), JOB_ENOTSUP);
    ck_assert_int_eq(job_get(&job, JOB_P_PRIMARY_STATUS, &v), JOB_ENOTSUP);
    job_cleanup(&job);
}
END_TEST

START_TEST(test_instance_id)
{
    ck_assert(job_instance_id_ok("rfjobd:42"));
    ck_assert(job_instance_id_ok("org:a:b")); /* the first colon separates */
    ck_assert(!job_instance_id_ok(":42"));
    ck_assert(!job_instance_id_ok("rfjobd:"));
    ck_assert(!job_instance_id_ok("rfjobd"));
    ck_assert(!job_instance_id_ok(NULL));
}
END_TEST

START_TEST(test_copy_is_deep)
{
    struct job a;
    struct job b;
    struct cim_error msg;

    job_init(&a, &job_class_provisioning);
    job_init(&b, &job_class_concrete);
    ck_assert_int_eq(job_set_str(&a.name, "provision"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&a.status_descriptions, "one"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&a.created_resources, "/redfish/v1/x"), JOB_OK);
    ck_assert_int_eq(job_set_str(&a.payload, "{}"), JOB_OK);
    cim_error_init(&msg);
    ck_assert_int_eq(cim_error_set_str(&msg.message_id, "Failed"), JOB_OK);
    ck_assert_int_eq(job_add_message(&a, &msg), JOB_OK);
    a.error = cim_error_dup(&msg);
    ck_assert_ptr_nonnull(a.error);
    cim_error_cleanup(&msg);

    ck_assert_int_eq(job_copy(&b, &a), JOB_OK);
    ck_assert_ptr_eq(b.cls, &job_class_provisioning);
    ck_assert_ptr_ne(b.name, a.name);
    ck_assert_str_eq(b.name, "provision");
    b.name[0] = 'P';
    ck_assert_str_eq(a.name, "provision");
    ck_assert_ptr_ne(b.status_descriptions.v, a.status_descriptions.v);
    ck_assert_ptr_ne(b.error, a.error);
    ck_assert_str_eq(b.error->message_id, "Failed");
    ck_assert_uint_eq(b.messages.n, 1);
    ck_assert_ptr_ne(b.messages.v, a.messages.v);
    ck_assert_str_eq(b.created_resources.v[0], "/redfish/v1/x");
    job_cleanup(&a);
    ck_assert_str_eq(b.payload, "{}"); /* b survives a's cleanup */
    job_cleanup(&b);
}
END_TEST

struct status_want {
    uint16_t state;
    uint8_t flags;
    uint16_t op0, op1;
    uint16_t health, primary;
    const char *status;
    const char *concrete_js, *prov_js;
    enum job_health rf;
};

/* MAPPING.md's health table, row by row. */
static const struct status_want status_rows[] = {
    {2, 0, 15, 0, 5, 1, "OK", "New", "InProgress", JOB_HEALTH_OK},
    {3, 0, 8, 0, 5, 1, "Starting", "Starting", "PendingBoot", JOB_HEALTH_OK},
    {4, 0, 2, 0, 5, 1, "OK", "Running", "InProgress", JOB_HEALTH_OK},
    {5, 0, 15, 0, 5, 1, "Stopped", "Suspended", "InProgress", JOB_HEALTH_OK},
    {6, 0, 9, 0, 5, 1, "Stopping", "Shutting Down", "InProgress", JOB_HEALTH_OK},
    {7, 0, 17, 2, 5, 1, "OK", "Completed", "Complete", JOB_HEALTH_OK},
    {7, JOB_F_WARNINGS, 17, 3, 10, 2, "Degraded", "Completed with warnings", "Complete",
     JOB_HEALTH_WARNING},
    {8, 0, 17, 10, 5, 1, "Stopped", "Terminated", "Failed", JOB_HEALTH_WARNING},
    {9, 0, 17, 14, 10, 2, "Stopped", "Killed", "Failed", JOB_HEALTH_WARNING},
    {10, 0, 17, 6, 20, 3, "Error", "Exception", "Failed", JOB_HEALTH_CRITICAL},
    {11, 0, 11, 0, 5, 1, "Service", "Service", "InProgress", JOB_HEALTH_OK},
    {12, 0, 2, 0, 5, 1, "OK", "Query Pending", "InProgress", JOB_HEALTH_WARNING},
};

START_TEST(test_status_table)
{
    const struct status_want *w = &status_rows[_i];

    for (int c = 0; c < 2; c++) {
        struct job job;
        job_init(&job, c == 0 ? &job_class_concrete : &job_class_provisioning);
        job.job_state = w->state;
        job.flags = w->flags;
        ck_assert_int_eq(job_derive_status(&job, false), JOB_OK);
        ck_assert_uint_eq(job.operational_status[0], w->op0);
        ck_assert_uint_eq(job.n_operational_status, w->op1 != 0 ? 2 : 1);
        if (w->op1 != 0)
            ck_assert_uint_eq(job.operational_status[1], w->op1);
        ck_assert_uint_eq(job.health_state, w->health);
        ck_assert_uint_eq(job.primary_status, w->primary);
        ck_assert_str_eq(job.status, w->status);
        ck_assert_str_eq(job.job_status, c == 0 ? w->concrete_js : w->prov_js);
        ck_assert_int_eq(job_health_of(&job), w->rf);
        ck_assert_int_eq(job_validate(&job, NULL), JOB_EINVAL); /* no InstanceID or Name yet */
        ck_assert_int_eq(job_set_str(&job.instance_id, "rfjobd:1"), JOB_OK);
        ck_assert_int_eq(job_set_str(&job.name, "n"), JOB_OK);
        ck_assert_int_eq(job_validate(&job, NULL), JOB_OK);
        job_cleanup(&job);
    }
}
END_TEST

START_TEST(test_free_form_job_status)
{
    struct job job;

    job_init(&job, &job_class_concrete);
    job.job_state = JOB_STATE_RUNNING;
    ck_assert_int_eq(job_set_str(&job.job_status, "copying disk 2 of 3"), JOB_OK);
    ck_assert_int_eq(job_derive_status(&job, true), JOB_OK);
    ck_assert_str_eq(job.job_status, "copying disk 2 of 3");
    job.cls = &job_class_provisioning; /* a closed set keeps no free text */
    ck_assert_int_eq(job_derive_status(&job, true), JOB_OK);
    ck_assert_str_eq(job.job_status, "InProgress");
    job_cleanup(&job);
}
END_TEST

START_TEST(test_elapsed_and_removal)
{
    struct job job;
    char text[CIM_DT_LEN + 1];
    int64_t t0 = INT64_C(1790000000) * 1000000;

    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_compute_elapsed(&job, t0), JOB_OK);
    ck_assert_uint_eq(job.elapsed_time.kind, CIM_DT_NULL);
    ck_assert_int_eq(cim_dt_from_unix_us(t0, 0, &job.start_time), JOB_OK);
    ck_assert_int_eq(job_compute_elapsed(&job, t0 + 90061000001), JOB_OK);
    ck_assert_int_eq(cim_dt_format(&job.elapsed_time, text), JOB_OK);
    ck_assert_str_eq(text, "00000001010101.000001:000");
    ck_assert_int_eq(job_removal_due(&job), 0); /* not finished */
    job.job_state = JOB_STATE_COMPLETED;
    ck_assert_int_eq(cim_dt_from_unix_us(t0 + 1000000, 0, &job.end_time), JOB_OK);
    ck_assert_int_eq(job_removal_due(&job), t0 + 1000000 + 300 * INT64_C(1000000));
    job.delete_on_completion = false;
    ck_assert_int_eq(job_removal_due(&job), 0);
    job_cleanup(&job);
}
END_TEST

Suite *
job_suite(void)
{
    Suite *s = suite_create("job");
    TCase *tc = tcase_create("properties");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_property_table);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_qualifiers);
    tcase_add_test(tc, test_instance_id);
    tcase_add_test(tc, test_copy_is_deep);
    suite_add_tcase(s, tc);
    tc = tcase_create("status");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_status_table, 0,
                        (int)(sizeof status_rows / sizeof status_rows[0]));
    tcase_add_test(tc, test_free_form_job_status);
    tcase_add_test(tc, test_elapsed_and_removal);
    suite_add_tcase(s, tc);
    return s;
}
