/* The stored form of a job: exact round trips, and damaged records refused without a crash. */
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "job_codec.h"

/* A job with every kind of field filled. */
static void
make_full(struct job *job, const struct job_class *cls)
{
    struct cim_error e;

    job_init(job, cls);
    job->id = 4242;
    ck_assert_int_eq(job_set_str(&job->instance_id, "rfjobd:4242"), JOB_OK);
    ck_assert_int_eq(job_set_str(&job->name, "Provision \xe2\x9c\x93 node-7"), JOB_OK);
    ck_assert_int_eq(job_set_str(&job->caption, "cap"), JOB_OK);
    ck_assert_int_eq(job_set_str(&job->owner, "admin"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&job->status_descriptions, "first"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&job->status_descriptions, ""), JOB_OK);
    job->job_state = JOB_STATE_EXCEPTION;
    ck_assert_int_eq(job_derive_status(job, false), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("20261121134100.123456-300", &job->time_submitted), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("20261121******.******+000", &job->install_date), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("00000000020000.000000:000", &job->run_start_interval), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("99991231235959.999999+999", &job->until_time), JOB_OK);
    ck_assert_int_eq(cim_dt_parse("20261121140000.000000+000", &job->end_time), JOB_OK);
    job->run_month = 10;
    job->run_day = -1;
    job->run_day_of_week = -6;
    job->local_or_utc_time = 2;
    job->null_mask &=
        ~((UINT64_C(1) << JOB_P_RUN_MONTH) | (UINT64_C(1) << JOB_P_RUN_DAY)
          | (UINT64_C(1) << JOB_P_RUN_DAY_OF_WEEK) | (UINT64_C(1) << JOB_P_LOCAL_OR_UTC_TIME));
    job->priority = 4000000000u;
    job->percent_complete = 101;
    job->delete_on_completion = false;
    job->parent_id = 7;
    job->max_exec_us = 3600000000u;
    job->kind = JOB_KIND_DOCUMENT;
    job->flags = JOB_F_HIDE_PAYLOAD;
    ck_assert_int_eq(job_set_str(&job->payload, "{\"TargetUri\":\"/redfish/v1\"}"), JOB_OK);
    ck_assert_int_eq(job_set_str(&job->document, "ShieldedVmProvisioning"), JOB_OK);
    ck_assert_int_eq(job_set_str(&job->parameters, "a=b"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&job->created_resources, "/redfish/v1/JobService/Jobs/9"),
                     JOB_OK);
    cim_error_init(&e);
    ck_assert_int_eq(cim_error_set_str(&e.message_id, "JobFailed"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e.owning_entity, "Rfjobd"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&e.message_arguments, "3"), JOB_OK);
    e.perceived_severity = 5;
    ck_assert_int_eq(job_add_message(job, &e), JOB_OK);
    ck_assert_int_eq(job_add_message(job, &e), JOB_OK);
    job->error = cim_error_dup(&e);
    ck_assert_ptr_nonnull(job->error);
    cim_error_cleanup(&e);
    job->sched.enabled = 1;
    job->sched.recurrence_us = 86400000000u;
    job->sched.days_of_week = 0x3E;
    job->sched.days_of_month = 1u << 15;
    job->sched.months = 0xFFF;
    job->sched.runs = 3;
    ck_assert_int_eq(
        cim_strv_push(&job->sched.intervals, "2026-11-21T00:00:00+00:00/2027-01-01T00:00:00+00:00"),
        JOB_OK);
    if (job_class_has(cls, JOB_P_ADDITIONAL_IDENTIFIER))
        ck_assert_int_eq(job_set_str(&job->additional_identifier, "vm-17"), JOB_OK);
    ck_assert_int_eq(job_validate(job, NULL), JOB_OK);
}

START_TEST(test_round_trip)
{
    struct job a;
    struct job b;
    struct cim_buf e1 = {NULL, 0, 0};
    struct cim_buf e2 = {NULL, 0, 0};
    char text[CIM_DT_LEN + 1];

    make_full(&a, _i == 0 ? &job_class_concrete : &job_class_provisioning);
    job_init(&b, &job_class_concrete);
    ck_assert_int_eq(job_encode(&a, &e1), JOB_OK);
    ck_assert_int_eq(job_decode(e1.p, e1.len, &b), JOB_OK);
    ck_assert_int_eq(job_encode(&b, &e2), JOB_OK);
    ck_assert_uint_eq(e1.len, e2.len);
    ck_assert_mem_eq(e1.p, e2.p, e1.len);
    ck_assert_ptr_eq(b.cls, a.cls);
    ck_assert_uint_eq(b.id, 4242);
    ck_assert_str_eq(b.name, a.name);
    ck_assert_uint_eq(b.priority, 4000000000u);
    ck_assert_int_eq(b.run_day, -1);
    ck_assert_int_eq(b.run_day_of_week, -6);
    ck_assert_uint_eq(b.percent_complete, 101);
    ck_assert(!b.delete_on_completion);
    ck_assert_int_eq(cim_dt_format(&b.install_date, text), JOB_OK);
    ck_assert_str_eq(text, "20261121******.******+000");
    ck_assert_int_eq(cim_dt_format(&b.time_submitted, text), JOB_OK);
    ck_assert_str_eq(text, "20261121134100.123456-300");
    ck_assert_uint_eq(b.status_descriptions.n, 2);
    ck_assert_str_eq(b.status_descriptions.v[1], "");
    ck_assert_uint_eq(b.messages.n, 2);
    ck_assert(cim_error_equal(b.error, a.error));
    ck_assert_str_eq(b.payload, a.payload);
    ck_assert_uint_eq(b.max_exec_us, 3600000000u);
    ck_assert_uint_eq(b.kind, JOB_KIND_DOCUMENT);
    ck_assert_uint_eq(b.sched.recurrence_us, 86400000000u);
    ck_assert_uint_eq(b.sched.days_of_week, 0x3E);
    ck_assert_uint_eq(b.sched.runs, 3);
    ck_assert_str_eq(b.sched.intervals.v[0], a.sched.intervals.v[0]);
    ck_assert_uint_eq(b.null_mask & (UINT64_C(1) << JOB_P_RUN_MONTH), 0);
    ck_assert_uint_ne(b.null_mask & (UINT64_C(1) << JOB_P_ERROR_CODE), 0); /* stays NULL */
    job_cleanup(&a);
    job_cleanup(&b);
    cim_buf_cleanup(&e1);
    cim_buf_cleanup(&e2);
}
END_TEST

START_TEST(test_damage_refused)
{
    struct job a;
    struct job b;
    struct cim_buf enc = {NULL, 0, 0};
    unsigned seed = 12345;
    unsigned char *copy;

    make_full(&a, &job_class_provisioning);
    ck_assert_int_eq(job_encode(&a, &enc), JOB_OK);
    job_init(&b, &job_class_concrete);
    /* Every truncation is refused. */
    for (size_t len = 0; len < enc.len; len++) {
        enum job_err err = job_decode(enc.p, len, &b);
        /* A cut exactly between two fields can still be a valid, shorter job. */
        ck_assert(err == JOB_EINVAL || err == JOB_OK);
        if (err == JOB_OK)
            ck_assert_int_eq(job_validate(&b, NULL), JOB_OK);
    }
    /* Random damage never crashes, and what decodes is a valid job. */
    copy = malloc(enc.len);
    ck_assert_ptr_nonnull(copy);
    for (int round = 0; round < 5000; round++) {
        memcpy(copy, enc.p, enc.len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % enc.len] = (unsigned char)(seed >> 16);
        }
        if (job_decode(copy, enc.len, &b) == JOB_OK)
            ck_assert_int_eq(job_validate(&b, NULL), JOB_OK);
    }
    /* Format version, unknown class, id 0. */
    memcpy(copy, enc.p, enc.len);
    copy[0] = 2;
    ck_assert_int_eq(job_decode(copy, enc.len, &b), JOB_EINVAL);
    ck_assert_int_eq(job_decode((const unsigned char *)"\x01\x07"
                                                       "CIM_Job\x01",
                                10, &b),
                     JOB_EINVAL);
    free(copy);
    job_cleanup(&a);
    job_cleanup(&b);
    cim_buf_cleanup(&enc);
}
END_TEST

Suite *
job_codec_suite(void)
{
    Suite *s = suite_create("job_codec");
    TCase *tc = tcase_create("codec");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_round_trip, 0, 2);
    tcase_add_test(tc, test_damage_refused);
    suite_add_tcase(s, tc);
    return s;
}
