/* The CIM value maps: round trips, reserved ranges, domains. */
#include <string.h>

#include "../suites.h"
#include "cim_enum.h"

START_TEST(test_every_table_round_trips)
{
    for (size_t t = 0; cim_enum_all[t] != NULL; t++) {
        const struct cim_enum *e = cim_enum_all[t];
        ck_assert_uint_gt(e->n_values, 0);
        for (size_t i = 0; i < e->n_values; i++) {
            int32_t v = -1;
            ck_assert_str_eq(cim_enum_name(e, e->values[i].value), e->values[i].name);
            ck_assert_int_eq(cim_enum_value(e, e->values[i].name, &v), JOB_OK);
            ck_assert_int_eq(v, e->values[i].value);
            ck_assert(cim_enum_is_named(e, e->values[i].value));
            if (i > 0) /* ascending, as the lookup requires */
                ck_assert_int_lt(e->values[i - 1].value, e->values[i].value);
        }
        for (size_t i = 0; i < e->n_ranges; i++) {
            const struct cim_enum_range *r = &e->ranges[i];
            ck_assert_str_eq(cim_enum_name(e, r->lo), r->name);
            ck_assert_str_eq(cim_enum_name(e, r->hi), r->name);
            ck_assert(!cim_enum_is_named(e, r->lo));
            /* A range name is not a value. */
            int32_t v;
            ck_assert_int_eq(cim_enum_value(e, r->name, &v), JOB_EINVAL);
        }
        ck_assert_ptr_null(cim_enum_name(e, e->min - 1));
        ck_assert_ptr_null(cim_enum_name(e, e->max + 1));
    }
}
END_TEST

START_TEST(test_known_values)
{
    int32_t v;

    ck_assert_str_eq(cim_enum_name(&cim_enum_job_state, 6), "Shutting Down");
    ck_assert_str_eq(cim_enum_name(&cim_enum_job_state, 13), "DMTF Reserved");
    ck_assert_str_eq(cim_enum_name(&cim_enum_job_state, 32767), "DMTF Reserved");
    ck_assert_str_eq(cim_enum_name(&cim_enum_job_state, 32768), "Vendor Reserved");
    ck_assert_ptr_null(cim_enum_name(&cim_enum_job_state, 0));
    ck_assert_ptr_null(cim_enum_name(&cim_enum_job_state, 1));
    ck_assert(cim_enum_is_vendor(&cim_enum_job_state, 40000));
    ck_assert(!cim_enum_is_vendor(&cim_enum_job_state, 20));
    /* HealthState reserves the gaps between its named values. */
    ck_assert_str_eq(cim_enum_name(&cim_enum_health_state, 7), "DMTF Reserved");
    ck_assert_str_eq(cim_enum_name(&cim_enum_health_state, 10), "Degraded/Warning");
    ck_assert_str_eq(cim_enum_name(&cim_enum_health_state, 32768), "Vendor Specific");
    /* RequestStateChange return codes, with the method-reserved range. */
    ck_assert_str_eq(cim_enum_name(&cim_enum_rsc_return, 4096),
                     "Method Parameters Checked - Transition Started");
    ck_assert_str_eq(cim_enum_name(&cim_enum_rsc_return, 4100), "Method Reserved");
    ck_assert_str_eq(cim_enum_name(&cim_enum_rsc_return, 7), "DMTF Reserved");
    /* KillJob and GetError number their codes differently from 5 on. */
    ck_assert_str_eq(cim_enum_name(&cim_enum_kill_job_return, 6), "Access Denied");
    ck_assert_str_eq(cim_enum_name(&cim_enum_kill_job_return, 7), "Not Found");
    ck_assert_ptr_null(cim_enum_name(&cim_enum_kill_job_return, 5));
    ck_assert_str_eq(cim_enum_name(&cim_enum_get_error_return, 5), "Invalid Parameter");
    ck_assert_str_eq(cim_enum_name(&cim_enum_get_error_return, 6), "Access Denied");
    ck_assert_str_eq(cim_enum_name(&cim_enum_get_error_return, 7), "DMTF Reserved");
    ck_assert_int_eq(cim_enum_value(&cim_enum_requested_state, "Kill", &v), JOB_OK);
    ck_assert_int_eq(v, JOB_REQ_KILL);
    ck_assert_int_eq(cim_enum_value(&cim_enum_requested_state, "kill", &v), JOB_EINVAL);
    ck_assert_int_eq(cim_enum_value(&cim_enum_requested_state, NULL, &v), JOB_EINVAL);
    /* RunDayOfWeek is signed; RunMonth is 0-based. */
    ck_assert_str_eq(cim_enum_name(&cim_enum_run_day_of_week, -7), "-Saturday");
    ck_assert_str_eq(cim_enum_name(&cim_enum_run_day_of_week, 0), "ExactDayOfMonth");
    ck_assert_ptr_null(cim_enum_name(&cim_enum_run_day_of_week, 8));
    ck_assert_str_eq(cim_enum_name(&cim_enum_run_month, 0), "January");
    ck_assert_ptr_null(cim_enum_name(&cim_enum_run_month, 12));
    /* RecoveryAction and LocalOrUtcTime have no reserved ranges. */
    ck_assert_ptr_null(cim_enum_name(&cim_enum_recovery_action, 6));
    ck_assert_ptr_null(cim_enum_name(&cim_enum_local_or_utc_time, 0));
    ck_assert_str_eq(cim_enum_name(&cim_enum_local_or_utc_time, 2), "UTC Time");
}
END_TEST

Suite *
cim_enum_suite(void)
{
    Suite *s = suite_create("cim_enum");
    TCase *tc = tcase_create("tables");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_every_table_round_trips);
    tcase_add_test(tc, test_known_values);
    suite_add_tcase(s, tc);
    return s;
}
