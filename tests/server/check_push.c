/* push subscriptions without a server: the Destination parser, the filters, the stored form and
 * the HTTPS delivery client against a test subscriber. */
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_server.h"
#include "../support/tmpdir.h"
#include "push.h"
#include "rf_buf.h"

/* ---- Destination URLs ----------------------------------------------------------------------- */

static const struct {
    const char *text;
    const char *host;
    int port;
    const char *path;
} good_urls[] = {
    {"https://example.com", "example.com", 443, "/"},
    {"https://example.com/", "example.com", 443, "/"},
    {"HTTPS://example.com:8443/events", "example.com", 8443, "/events"},
    {"https://127.0.0.1:9000/a/b?x=1&y=2", "127.0.0.1", 9000, "/a/b?x=1&y=2"},
    {"https://[::1]:444/e", "::1", 444, "/e"},
    {"https://[fe80::1]", "fe80::1", 443, "/"},
    {"https://host-1.example.org?q", "host-1.example.org", 443, "/?q"},
    {"https://a:65535/", "a", 65535, "/"},
};

static const char *const bad_urls[] = {
    "http://example.com/events",
    "ftp://example.com",
    "https://",
    "https:///path",
    "https://user:pw@example.com/",
    "https://example.com:0/",
    "https://example.com:65536/",
    "https://example.com:/",
    "https://example.com:12a/",
    "https://exa mple.com/",
    "https://-bad.example.com/",
    "https://bad-.example.com/",
    "https://bad..example.com/",
    "https://example.com/a b",
    "https://example.com/a#frag",
    "https://[::1/",
    "https://[not-ip]:80/",
    "https://ex_ample.com/",
    "example.com/events",
    "",
};

START_TEST(test_url_parse)
{
    struct push_url u;
    char longer[PUSH_DEST_MAX + 8];

    for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++) {
        ck_assert_msg(push_url_parse(good_urls[i].text, &u) == 0, "%s refused", good_urls[i].text);
        ck_assert_str_eq(u.host, good_urls[i].host);
        ck_assert_int_eq(u.port, good_urls[i].port);
        ck_assert_str_eq(u.path, good_urls[i].path);
    }
    ck_assert_int_eq(push_url_parse("https://127.0.0.1/", &u), 0);
    ck_assert_int_eq(u.is_ip, 1);
    ck_assert_int_eq(push_url_parse("https://localhost/", &u), 0);
    ck_assert_int_eq(u.is_ip, 0);
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        ck_assert_msg(push_url_parse(bad_urls[i], &u) != 0, "%s accepted", bad_urls[i]);
        ck_assert_str_eq(u.host, "");
    }
    /* Bounded: a Destination of PUSH_DEST_MAX bytes or more is refused. */
    memcpy(longer, "https://a.example/", 18);
    memset(longer + 18, 'x', sizeof longer - 19);
    longer[sizeof longer - 1] = '\0';
    ck_assert_int_ne(push_url_parse(longer, &u), 0);
    longer[PUSH_DEST_MAX - 1] = '\0';
    ck_assert_int_eq(push_url_parse(longer, &u), 0);
    ck_assert_int_ne(push_url_parse(NULL, &u), 0);
}
END_TEST

/* ---- filters -------------------------------------------------------------------------------- */

static struct ev_record
rec_of(const char *msgid, const char *origin, const char *type)
{
    struct ev_record r;

    memset(&r, 0, sizeof r);
    ck_assert_int_eq(rf_strlcpy(r.message_id, msgid, sizeof r.message_id), 0);
    ck_assert_int_eq(rf_strlcpy(r.origin, origin, sizeof r.origin), 0);
    ck_assert_int_eq(rf_strlcpy(r.resource_type, type, sizeof r.resource_type), 0);
    return r;
}

static void
add(char *first, size_t stride, size_t *n, const char *v)
{
    ck_assert_int_eq(rf_strlcpy(first + *n * stride, v, stride), 0);
    (*n)++;
}

START_TEST(test_filter_empty_passes_everything)
{
    struct push_filter f;
    struct ev_record r = rec_of("JobEvent.1.1.JobStarted", "/redfish/v1/JobService/Jobs/1", "Job");

    memset(&f, 0, sizeof f);
    ck_assert_int_eq(push_filter_match(&f, &r), 1);
    r = rec_of("Base.1.22.Success", "", "");
    ck_assert_int_eq(push_filter_match(&f, &r), 1);
}
END_TEST

START_TEST(test_filter_registry_prefixes)
{
    struct push_filter f;
    struct ev_record a = rec_of("JobEvent.1.1.JobStarted", "", "");
    struct ev_record b = rec_of("Rfjobd.1.0.JobCreated", "", "");
    struct ev_record c = rec_of("JobEventX.1.0.JobStarted", "", "");

    memset(&f, 0, sizeof f);
    add(f.prefixes[0], sizeof f.prefixes[0], &f.n_prefixes, "JobEvent");
    ck_assert_int_eq(push_filter_match(&f, &a), 1);
    ck_assert_int_eq(push_filter_match(&f, &b), 0);
    ck_assert_int_eq(push_filter_match(&f, &c), 0);
    add(f.prefixes[0], sizeof f.prefixes[0], &f.n_prefixes, "Rfjobd");
    ck_assert_int_eq(push_filter_match(&f, &b), 1);
}
END_TEST

START_TEST(test_filter_message_ids)
{
    struct push_filter f;
    struct ev_record started = rec_of("JobEvent.1.1.JobStarted", "", "");
    struct ev_record done = rec_of("JobEvent.1.1.JobCompletedOK", "", "");
    struct ev_record other_version = rec_of("JobEvent.2.0.JobStarted", "", "");

    memset(&f, 0, sizeof f);
    add(f.message_ids[0], sizeof f.message_ids[0], &f.n_message_ids, "JobEvent.JobStarted");
    ck_assert_int_eq(push_filter_match(&f, &started), 1);
    ck_assert_int_eq(push_filter_match(&f, &other_version), 1);
    ck_assert_int_eq(push_filter_match(&f, &done), 0);

    memset(&f, 0, sizeof f);
    add(f.message_ids[0], sizeof f.message_ids[0], &f.n_message_ids, "JobEvent.1.1.JobStarted");
    ck_assert_int_eq(push_filter_match(&f, &started), 1);
    ck_assert_int_eq(push_filter_match(&f, &other_version), 0);
    ck_assert_int_eq(push_filter_match(&f, &done), 0);

    memset(&f, 0, sizeof f);
    add(f.message_ids[0], sizeof f.message_ids[0], &f.n_message_ids, "JobEvent.1.0.JobStarted");
    ck_assert_int_eq(push_filter_match(&f, &started), 0);
    add(f.message_ids[0], sizeof f.message_ids[0], &f.n_message_ids, "JobEvent.JobCompletedOK");
    ck_assert_int_eq(push_filter_match(&f, &done), 1);
    /* A key alone, or another registry's key, matches nothing. */
    memset(&f, 0, sizeof f);
    add(f.message_ids[0], sizeof f.message_ids[0], &f.n_message_ids, "Rfjobd.JobStarted");
    ck_assert_int_eq(push_filter_match(&f, &started), 0);
}
END_TEST

START_TEST(test_filter_origins)
{
    struct push_filter f;
    struct ev_record job =
        rec_of("JobEvent.1.1.JobStarted", "/redfish/v1/JobService/Jobs/12", "Job");
    struct ev_record job1 =
        rec_of("JobEvent.1.1.JobStarted", "/redfish/v1/JobService/Jobs/1", "Job");
    struct ev_record none = rec_of("JobEvent.1.1.JobStarted", "", "");

    memset(&f, 0, sizeof f);
    add(f.origins[0], sizeof f.origins[0], &f.n_origins, "/redfish/v1/JobService/Jobs/1");
    ck_assert_int_eq(push_filter_match(&f, &job1), 1);
    ck_assert_int_eq(push_filter_match(&f, &job), 0);
    ck_assert_int_eq(push_filter_match(&f, &none), 0);

    memset(&f, 0, sizeof f);
    add(f.origins[0], sizeof f.origins[0], &f.n_origins, "/redfish/v1/JobService/Jobs");
    ck_assert_int_eq(push_filter_match(&f, &job), 0);
    f.subordinate = 1;
    ck_assert_int_eq(push_filter_match(&f, &job), 1);
    ck_assert_int_eq(push_filter_match(&f, &job1), 1);
    /* "Jobs" is not a parent of "JobsX". */
    job = rec_of("JobEvent.1.1.JobStarted", "/redfish/v1/JobService/JobsX/1", "Job");
    ck_assert_int_eq(push_filter_match(&f, &job), 0);
}
END_TEST

START_TEST(test_filter_resource_types_and_all)
{
    struct push_filter f;
    struct ev_record job =
        rec_of("JobEvent.1.1.JobStarted", "/redfish/v1/JobService/Jobs/3", "Job");
    struct ev_record other = rec_of("JobEvent.1.1.JobStarted", "/redfish/v1", "");

    memset(&f, 0, sizeof f);
    add(f.resource_types[0], sizeof f.resource_types[0], &f.n_types, "Job");
    ck_assert_int_eq(push_filter_match(&f, &job), 1);
    ck_assert_int_eq(push_filter_match(&f, &other), 0);
    memset(&f, 0, sizeof f);
    add(f.resource_types[0], sizeof f.resource_types[0], &f.n_types, "Job.v1_3_0");
    ck_assert_int_eq(push_filter_match(&f, &job), 1);
    /* Every list must match. */
    add(f.prefixes[0], sizeof f.prefixes[0], &f.n_prefixes, "Rfjobd");
    ck_assert_int_eq(push_filter_match(&f, &job), 0);
}
END_TEST

START_TEST(test_message_id_syntax)
{
    ck_assert_int_eq(push_message_id_ok("JobEvent.JobStarted"), 1);
    ck_assert_int_eq(push_message_id_ok("JobEvent.1.1.JobStarted"), 1);
    ck_assert_int_eq(push_message_id_ok("JobEvent.1.1.1.JobStarted"), 1);
    ck_assert_int_eq(push_message_id_ok("JobEvent"), 0);
    ck_assert_int_eq(push_message_id_ok("JobEvent.1.JobStarted"), 0);
    ck_assert_int_eq(push_message_id_ok("JobEvent.x.1.JobStarted"), 0);
    ck_assert_int_eq(push_message_id_ok("JobEvent..JobStarted"), 0);
    ck_assert_int_eq(push_message_id_ok("Job-Event.JobStarted"), 0);
    ck_assert_int_eq(push_message_id_ok(".JobStarted"), 0);
}
END_TEST

START_TEST(test_policies_and_headers)
{
    enum push_policy p;

    ck_assert_int_eq(push_policy_parse("SuspendRetries", &p), 0);
    ck_assert_int_eq(p, PUSH_SUSPEND_RETRIES);
    ck_assert_str_eq(push_policy_name(PUSH_RETRY_FOREVER_WITH_BACKOFF), "RetryForeverWithBackoff");
    ck_assert_int_ne(push_policy_parse("Never", &p), 0);
    ck_assert_int_eq(push_header_name_ok("X-Token"), 1);
    ck_assert_int_eq(push_header_name_ok("Authorization"), 1);
    ck_assert_int_eq(push_header_name_ok("Content-Length"), 0);
    ck_assert_int_eq(push_header_name_ok("host"), 0);
    ck_assert_int_eq(push_header_name_ok("Bad Name"), 0);
    ck_assert_int_eq(push_header_name_ok("Bad:Name"), 0);
    ck_assert_int_eq(push_header_name_ok(""), 0);
    ck_assert_int_eq(push_header_value_ok("Bearer abc"), 1);
    ck_assert_int_eq(push_header_value_ok("a\r\nInjected: 1"), 0);
}
END_TEST

START_TEST(test_stored_form_round_trip)
{
    struct push_sub *a = calloc(1, sizeof *a);
    struct push_sub *b = calloc(1, sizeof *b);
    char filter[16384];
    char headers[8192];

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    add(a->filter.prefixes[0], sizeof a->filter.prefixes[0], &a->filter.n_prefixes, "JobEvent");
    add(a->filter.message_ids[0], sizeof a->filter.message_ids[0], &a->filter.n_message_ids,
        "Rfjobd.JobCreated");
    add(a->filter.origins[0], sizeof a->filter.origins[0], &a->filter.n_origins,
        "/redfish/v1/JobService/Jobs/\"7\"");
    add(a->filter.resource_types[0], sizeof a->filter.resource_types[0], &a->filter.n_types, "Job");
    a->filter.subordinate = 1;
    a->headers.n = 2;
    ck_assert_int_eq(rf_strlcpy(a->headers.name[0], "X-A", PUSH_HDR_NAME_MAX), 0);
    ck_assert_int_eq(rf_strlcpy(a->headers.value[0], "one \"two\"", PUSH_HDR_VALUE_MAX), 0);
    ck_assert_int_eq(rf_strlcpy(a->headers.name[1], "Authorization", PUSH_HDR_NAME_MAX), 0);
    ck_assert_int_eq(rf_strlcpy(a->headers.value[1], "Bearer t", PUSH_HDR_VALUE_MAX), 0);
    ck_assert_int_eq(push__encode(a, filter, sizeof filter, headers, sizeof headers), 0);
    ck_assert_int_eq(push__decode(filter, headers, b), 0);
    ck_assert_mem_eq(&a->filter, &b->filter, sizeof a->filter);
    ck_assert_mem_eq(&a->headers, &b->headers, sizeof a->headers);
    ck_assert_int_ne(push__decode("{", headers, b), 0);
    ck_assert_int_ne(push__decode(filter, "{}", b), 0);
    free(a);
    free(b);
}
END_TEST

/* ---- the HTTPS client ----------------------------------------------------------------------- */

static char dir[256];
static struct tcert_paths certs;
static struct ts_server *subscriber;

static void
http_setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    subscriber = ts_start(certs.cert, certs.key, 0);
    ck_assert_ptr_nonnull(subscriber);
}

static void
http_teardown(void)
{
    ts_stop(subscriber);
    subscriber = NULL;
    tdir_remove(dir);
}

static int
post(struct push_tls *t, const char *dest, int verify, const struct push_headers *h, int *status)
{
    struct push_url u;
    char err[256] = "";
    static const char body[] = "{\"Id\":\"1\"}";

    ck_assert_int_eq(push_url_parse(dest, &u), 0);
    return push_http_post(t, &u, verify, h, body, sizeof body - 1, 2000, status, err, sizeof err);
}

START_TEST(test_http_post_delivers)
{
    char err[256] = "";
    struct push_tls *t = push_tls_new(certs.ca, err, sizeof err);
    struct push_headers h;
    struct ts_request r;
    char dest[128];
    int status = 0;

    ck_assert_msg(t != NULL, "%s", err);
    memset(&h, 0, sizeof h);
    h.n = 1;
    ck_assert_int_eq(rf_strlcpy(h.name[0], "X-Secret", PUSH_HDR_NAME_MAX), 0);
    ck_assert_int_eq(rf_strlcpy(h.value[0], "s3cr3t", PUSH_HDR_VALUE_MAX), 0);
    /* Verified against the test CA, by IP address and by name (SNI). */
    ck_assert_int_eq(rf_fmt(dest, sizeof dest, "https://127.0.0.1:%d/ev?a=1", ts_port(subscriber)),
                     0);
    ck_assert_int_eq(post(t, dest, 1, &h, &status), 0);
    ck_assert_int_eq(status, 200);
    ck_assert_int_eq(ts_get(subscriber, 0, &r), 0);
    ck_assert_str_eq(r.method, "POST");
    ck_assert_str_eq(r.path, "/ev?a=1");
    ck_assert_str_eq(r.body, "{\"Id\":\"1\"}");
    ck_assert_ptr_nonnull(strstr(r.head, "\r\nX-Secret: s3cr3t"));
    ck_assert_ptr_nonnull(strstr(r.head, "\r\nContent-Type: application/json"));
    free(r.body);
    ck_assert_int_eq(rf_fmt(dest, sizeof dest, "https://localhost:%d/", ts_port(subscriber)), 0);
    ck_assert_int_eq(post(t, dest, 1, NULL, &status), 0);
    ck_assert_int_eq(status, 200);
    /* The status the destination answers is reported. */
    ts_set_status(subscriber, 503);
    ck_assert_int_eq(post(t, dest, 1, NULL, &status), 0);
    ck_assert_int_eq(status, 503);
    push_tls_free(t);
}
END_TEST

START_TEST(test_http_post_verifies)
{
    char err[256] = "";
    char other_dir[256];
    struct tcert_paths other;
    struct push_tls *t;
    char dest[128];
    int status = 0;

    /* A CA that did not sign the destination's certificate: refused unless VerifyCertificate
     * is false. */
    ck_assert_int_eq(tdir_make(other_dir, sizeof other_dir), 0);
    ck_assert_int_eq(tcert_make(other_dir, &other), 0);
    t = push_tls_new(other.ca, err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    ck_assert_int_eq(rf_fmt(dest, sizeof dest, "https://127.0.0.1:%d/", ts_port(subscriber)), 0);
    ck_assert_int_eq(post(t, dest, 1, NULL, &status), -1);
    ck_assert_uint_eq(ts_count(subscriber), 0);
    ck_assert_int_eq(post(t, dest, 0, NULL, &status), 0);
    ck_assert_int_eq(status, 200);
    push_tls_free(t);
    /* The right CA, but a name the certificate does not carry. */
    t = push_tls_new(certs.ca, err, sizeof err);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(rf_fmt(dest, sizeof dest, "https://127.0.0.2:%d/", ts_port(subscriber)), 0);
    ck_assert_int_eq(post(t, dest, 1, NULL, &status), -1);
    push_tls_free(t);
    ck_assert_ptr_null(push_tls_new("/nonexistent/ca.pem", err, sizeof err));
    tdir_remove(other_dir);
}
END_TEST

START_TEST(test_http_post_closed_port)
{
    char err[256] = "";
    struct push_tls *t = push_tls_new(certs.ca, err, sizeof err);
    char dest[128];
    int port = ts_port(subscriber);
    int status = -5;

    ts_stop(subscriber);
    subscriber = NULL;
    ck_assert_int_eq(rf_fmt(dest, sizeof dest, "https://127.0.0.1:%d/", port), 0);
    ck_assert_int_eq(post(t, dest, 1, NULL, &status), -1);
    ck_assert_int_eq(status, 0);
    push_tls_free(t);
}
END_TEST

Suite *
push_suite(void)
{
    Suite *s = suite_create("push");
    TCase *parse = tcase_create("parse");
    TCase *filter = tcase_create("filter");
    TCase *http = tcase_create("http");

    tcase_set_timeout(parse, 30);
    tcase_add_test(parse, test_url_parse);
    tcase_add_test(parse, test_message_id_syntax);
    tcase_add_test(parse, test_policies_and_headers);
    tcase_add_test(parse, test_stored_form_round_trip);
    suite_add_tcase(s, parse);
    tcase_set_timeout(filter, 30);
    tcase_add_test(filter, test_filter_empty_passes_everything);
    tcase_add_test(filter, test_filter_registry_prefixes);
    tcase_add_test(filter, test_filter_message_ids);
    tcase_add_test(filter, test_filter_origins);
    tcase_add_test(filter, test_filter_resource_types_and_all);
    suite_add_tcase(s, filter);
    tcase_set_timeout(http, 60);
    tcase_add_checked_fixture(http, http_setup, http_teardown);
    tcase_add_test(http, test_http_post_delivers);
    tcase_add_test(http, test_http_post_verifies);
    tcase_add_test(http, test_http_post_closed_port);
    suite_add_tcase(s, http);
    return s;
}
