#include <stdio.h>
#include <string.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "config.h"
#include "rf_buf.h"

static char dir[256];

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
}

static void
teardown(void)
{
    tdir_remove(dir);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_defaults)
{
    struct config c;
    char err[CFG_ERR_MAX];

    cfg_defaults(&c);
    ck_assert_uint_eq(c.n_listen, 1);
    ck_assert_str_eq(c.listen[0], "127.0.0.1");
    ck_assert_int_eq(c.port, 8443);
    ck_assert_str_eq(c.data_dir, "var");
    ck_assert_str_eq(c.tls_min_version, "1.2");
    ck_assert_int_eq(c.log_level, LOG_LEVEL_INFO);
    ck_assert_int_eq(cfg_validate(&c, err, sizeof err), 0);
}
END_TEST

START_TEST(test_file_and_flags)
{
    struct config c;
    char path[512];
    char err[CFG_ERR_MAX];
    char cfgarg[] = "--config";
    char port[] = "--port=9443";
    char threads[] = "--threads";
    char four[] = "4";
    char prog[] = "rfjobd";
    char *argv[] = {prog, port, cfgarg, path, threads, four};
    int help;
    int version;

    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/rfjobd.conf", dir), 0);
    write_file(path, "# comment\nport = 1234\nlisten = ::1\nlisten = 127.0.0.1 # both\n"
                     "log-level = debug\nthreads = 2\n");
    cfg_defaults(&c);
    ck_assert_int_eq(cfg_parse_args(&c, 6, argv, &help, &version, err, sizeof err), 0);
    /* Flags win over the file wherever --config stands. */
    ck_assert_int_eq(c.port, 9443);
    ck_assert_int_eq(c.threads, 4);
    ck_assert_int_eq(c.log_level, LOG_LEVEL_DEBUG);
    ck_assert_uint_eq(c.n_listen, 2);
    ck_assert_str_eq(c.listen[0], "::1");
    ck_assert_int_eq(help, 0);
}
END_TEST

START_TEST(test_file_errors_name_the_line)
{
    struct config c;
    char path[512];
    char err[CFG_ERR_MAX];

    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/bad.conf", dir), 0);
    write_file(path, "port = 1\nbogus = 3\n");
    cfg_defaults(&c);
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2:"));
    ck_assert_ptr_nonnull(strstr(err, "bogus"));

    write_file(path, "port = 70000\n");
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1:"));
    ck_assert_ptr_nonnull(strstr(err, "70000"));

    write_file(path, "listen = example.com\n");
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
    write_file(path, "tls-min-version = 1.1\n");
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
    write_file(path, "threads = 4x\n");
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
    write_file(path, "just words\n");
    ck_assert_int_eq(cfg_load_file(&c, path, err, sizeof err), -1);
}
END_TEST

START_TEST(test_bad_flags)
{
    struct config c;
    char err[CFG_ERR_MAX];
    char prog[] = "rfjobd";
    char unknown[] = "--nope";
    char port[] = "--port";
    char *argv1[] = {prog, unknown};
    char *argv2[] = {prog, port};
    int help;
    int version;

    cfg_defaults(&c);
    ck_assert_int_eq(cfg_parse_args(&c, 2, argv1, &help, &version, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nope"));
    ck_assert_int_eq(cfg_parse_args(&c, 2, argv2, &help, &version, err, sizeof err), -1);
}
END_TEST

START_TEST(test_civetweb_options)
{
    struct config c;
    struct cfg_civetweb_opts o;
    char err[CFG_ERR_MAX];
    char prog[] = "rfjobd";
    char l1[] = "--listen=127.0.0.1";
    char l2[] = "--listen=::1";
    char *argv[] = {prog, l1, l2};
    int help;
    int version;
    const char *ports = NULL;
    const char *decode = NULL;

    cfg_defaults(&c);
    ck_assert_int_eq(cfg_parse_args(&c, 3, argv, &help, &version, err, sizeof err), 0);
    ck_assert_int_eq(cfg_to_civetweb_options(&c, &o), 0);
    for (size_t i = 0; o.argv[i] != NULL; i += 2) {
        if (strcmp(o.argv[i], "listening_ports") == 0) {
            ports = o.argv[i + 1];
        }
        if (strcmp(o.argv[i], "decode_url") == 0) {
            decode = o.argv[i + 1];
        }
        /* civetweb never serves files. */
        ck_assert_str_ne(o.argv[i], "document_root");
    }
    /* Every listener is TLS ('s'). */
    ck_assert_str_eq(ports, "127.0.0.1:8443s,[::1]:8443s");
    ck_assert_str_eq(decode, "no");
}
END_TEST

Suite *
config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");

    tcase_set_timeout(tc, 10);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_file_and_flags);
    tcase_add_test(tc, test_file_errors_name_the_line);
    tcase_add_test(tc, test_bad_flags);
    tcase_add_test(tc, test_civetweb_options);
    suite_add_tcase(s, tc);
    return s;
}
