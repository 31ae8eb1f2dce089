#include <string.h>

#include "../suites.h"
#include "job_err.h"

START_TEST(test_names_and_texts)
{
    ck_assert_str_eq(job_err_name(JOB_OK), "JOB_OK");
    ck_assert_str_eq(job_err_name(JOB_ESTATE), "JOB_ESTATE");
    ck_assert_str_eq(job_strerror(JOB_ENOTFOUND), "no such job");
    ck_assert_str_eq(job_strerror((enum job_err)999), "unknown error");
    ck_assert_str_eq(job_err_name((enum job_err)999), "JOB_UNKNOWN");
}
END_TEST

START_TEST(test_values_are_stable)
{
    /* Values are part of the API and never renumbered. */
    ck_assert_int_eq(JOB_OK, 0);
    ck_assert_int_eq(JOB_ENOMEM, 1);
    ck_assert_int_eq(JOB_EINVAL, 2);
    ck_assert_int_eq(JOB_ENOTFOUND, 3);
    ck_assert_int_eq(JOB_EEXIST, 4);
    ck_assert_int_eq(JOB_ESTATE, 5);
    ck_assert_int_eq(JOB_ESTORE, 6);
    ck_assert_int_eq(JOB_EBUSY, 7);
}
END_TEST

Suite *
job_err_suite(void)
{
    Suite *s = suite_create("job_err");
    TCase *tc = tcase_create("codes");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_names_and_texts);
    tcase_add_test(tc, test_values_are_stable);
    suite_add_tcase(s, tc);
    return s;
}
