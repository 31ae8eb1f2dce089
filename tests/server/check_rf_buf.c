#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "rf_buf.h"

START_TEST(test_buf_bounded)
{
    struct rf_buf b;
    char *s;

    rf_buf_init(&b, 10);
    ck_assert_int_eq(rf_buf_puts(&b, "hello"), 0);
    ck_assert_int_eq(rf_buf_printf(&b, "%d", 12345), 0);
    ck_assert_str_eq(b.data, "hello12345");
    /* Over the maximum: refused, and the buffer is unchanged. */
    ck_assert_int_eq(rf_buf_puts(&b, "x"), -1);
    ck_assert_int_eq(rf_buf_printf(&b, "%s", "y"), -1);
    ck_assert_str_eq(b.data, "hello12345");
    s = rf_buf_steal(&b);
    ck_assert_str_eq(s, "hello12345");
    ck_assert_ptr_null(b.data);
    free(s);
    rf_buf_cleanup(&b);
    rf_buf_cleanup(NULL);
}
END_TEST

START_TEST(test_fmt_truncation)
{
    char small[4];

    ck_assert_int_eq(rf_fmt(small, sizeof small, "%s", "abc"), 0);
    ck_assert_int_eq(rf_fmt(small, sizeof small, "%s", "abcd"), -1);
    ck_assert_str_eq(small, "abc");
    ck_assert_int_eq(rf_strlcpy(small, "xy", sizeof small), 0);
    ck_assert_int_eq(rf_strlcpy(small, "wxyz", sizeof small), -1);
    ck_assert_str_eq(small, "wxy");
}
END_TEST

Suite *
rf_buf_suite(void)
{
    Suite *s = suite_create("rf_buf");
    TCase *tc = tcase_create("buffers");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_buf_bounded);
    tcase_add_test(tc, test_fmt_truncation);
    suite_add_tcase(s, tc);
    return s;
}
