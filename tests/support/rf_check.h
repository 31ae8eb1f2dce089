/*
 * rf_check.h - the single place where tests include <check.h>.
 *
 * Every test source includes this header instead of <check.h> directly, so the
 * handling of compiler diagnostics for the Check framework lives in one spot.
 *
 * Declarations in check.h are wrapped in a diagnostic push/ignore/pop block.
 * That covers the header when it is picked up from a non-system include path
 * (with -isystem or /usr/include GCC already keeps quiet about it).
 *
 * Use sites: the ck_assert_* macros expand inside the test function, where the
 * push/pop around the #include no longer applies.  With Check 0.15.2 and GCC 12
 * under the project's warning flags (including -Wconversion, -Wsign-conversion,
 * -Wformat=2, -Wpedantic, -Wcast-qual, -Wnull-dereference, at -O0 and -O2 and
 * with -fsanitize=address,undefined) the supported macros expand without
 * warnings, because check.h already silences -Wformat-nonliteral inside its own
 * macros.  No use-site "ignored" pragma is installed here on purpose: the two
 * warnings that can appear at use sites point at real mistakes in the test:
 *
 *   -Wsign-conversion  ck_assert_int_* converts both operands to intmax_t and
 *                      ck_assert_uint_* to uintmax_t.  Compare size_t and other
 *                      unsigned values with ck_assert_uint_*, signed values with
 *                      ck_assert_int_*.
 *   -Wformat-extra-args  the deprecated fail_unless()/fail_if()/fail() append a
 *                      NULL argument to the message.  Use ck_assert(),
 *                      ck_assert_msg() and ck_abort_msg() instead.
 *
 * Suite factory convention: each module's test source defines one exported
 * factory
 *
 *     Suite *
 *     <module>_suite(void)
 *
 * that creates the Suite with its TCases and tests (START_TEST/END_TEST, test
 * functions and helpers static) and returns it; a NULL return is not allowed.
 * Ownership of the Suite passes to the SRunner (srunner_create() or
 * srunner_add_suite()), which frees it in srunner_free().  The prototype goes
 * into tests/suites.h (which keeps -Wmissing-prototypes satisfied) and the
 * factory into the table in tests/check_main.c, which runs every suite or the
 * one chosen with --suite NAME [--case NAME].  Tests run in Check's default
 * fork mode, so a crashing test is reported as a failure instead of taking
 * down the runner; CK_FORK=no in the environment disables forking for
 * debugging.
 */
#ifndef RF_CHECK_H
#define RF_CHECK_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wundef"
#pragma GCC diagnostic ignored "-Wshadow"

#include <check.h>

#pragma GCC diagnostic pop

#endif /* RF_CHECK_H */
