/* Integration: the real server, started in the test process on an ephemeral port with a
 * certificate made at test time, spoken to over HTTPS by a real TLS client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "router.h"
#include "sse.h"
#include "config.h"
#include "db.h"
#include "rf_buf.h"

#define HOST "127.0.0.1"
#define ADMIN_PW "admin-pass-1"

static char dir[256];
static struct tcert_paths certs;
static struct config cfg;
static struct app *app;
static char admin_auth[256];
static time_t clock_offset;

/* The service's clock moved on by clock_offset seconds. */
static time_t
offset_clock(void *arg)
{
    (void)arg;
    return time(NULL) + clock_offset;
}

static void
add_account(const char *user, const char *role, const char *pw)
{
    struct db_account a;

    memset(&a, 0, sizeof a);
    ck_assert_int_eq(rf_strlcpy(a.user, user, sizeof a.user), 0);
    ck_assert_int_eq(rf_strlcpy(a.role, role, sizeof a.role), 0);
    ck_assert_int_eq(auth_password_hash(pw, a.password_hash, sizeof a.password_hash), 0);
    a.enabled = 1;
    ck_assert_int_eq(db_account_insert(app->db, &a), DB_OK);
}

static void
start(const char *admin_pw)
{
    char err[CFG_ERR_MAX] = "";

    ck_assert_msg(app_start(&cfg, admin_pw, &app, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt(app->port, 0);
}

static void
configure(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = 8; /* four event streams at most: one per role of the route matrix */
    cfg.max_body = 4096;
    cfg.log_level = LOG_LEVEL_ERROR;
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
}

static void
accounts(void)
{
    add_account("reader", "ReadOnly", "reader-pass-1");
    add_account("operator", "Operator", "operator-pass-1");
    add_account("nobody", "NoSuchRole", "nobody-pass-1");
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin_auth, sizeof admin_auth),
                     0);
}

static void
setup(void)
{
    configure();
    start(ADMIN_PW);
    accounts();
}

/* With client certificates from the test CA accepted for login. */
static void
setup_mtls(void)
{
    configure();
    ck_assert_int_eq(rf_strlcpy(cfg.tls_client_ca, certs.ca, sizeof cfg.tls_client_ca), 0);
    start(ADMIN_PW);
    accounts();
}

static void
teardown(void)
{
    app_stop(app);
    app = NULL;
    tdir_remove(dir);
}

/* One request; the body is a string or NULL. */
static void
req(const char *method, const char *path, const char *headers, const char *body, struct tc_resp *r)
{
    int rc = tc_request(HOST, app->port, certs.ca, method, path, headers, body,
                        body ? strlen(body) : 0, r);

    ck_assert_msg(rc == 0, "%s %s: client error %d", method, path, rc);
}

/* The status of a GET whose answer may be an endless stream: only the status line is read. */
static void
stream_status(const char *path, const char *headers, struct tc_resp *r)
{
    char raw[2048];
    char buf[512];
    size_t len = 0;
    struct tc_stream *s;

    memset(r, 0, sizeof *r);
    ck_assert_int_eq(rf_fmt(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n", path,
                            headers ? headers : ""),
                     0);
    ck_assert_int_eq(tc_stream_open(HOST, app->port, certs.ca, raw, strlen(raw), &s), 0);
    for (int tries = 0; len < 12; tries++) {
        /* -2 also comes of a record without data (a TLS 1.3 ticket): read on. */
        int n = tc_stream_read(s, buf + len, sizeof buf - 1 - len, 10000);

        ck_assert_msg(n > 0 || (n == -2 && tries < 8), "GET %s: no status line (%d)", path, n);
        len += n > 0 ? (size_t)n : 0;
    }
    buf[len] = '\0';
    ck_assert_int_eq(strncmp(buf, "HTTP/1.1 ", 9), 0);
    r->status = (int)strtol(buf + 9, NULL, 10);
    tc_stream_close(s);
}

static cJSON *
json_of(const struct tc_resp *r)
{
    cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);

    ck_assert_msg(j != NULL, "not JSON: %.200s", r->body);
    return j;
}

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Asserts a Redfish error body whose code is Base.1.22.<key>. */
static void
assert_error(const struct tc_resp *r, int status, const char *key)
{
    cJSON *j = json_of(r);
    const cJSON *j_err = cJSON_GetObjectItemCaseSensitive(j, "error");
    char want[128];
    char h[64];

    ck_assert_int_eq(r->status, status);
    ck_assert_int_eq(rf_fmt(want, sizeof want, "Base.1.22.%s", key), 0);
    ck_assert_str_eq(str(j_err, "code"), want);
    ck_assert_int_eq(
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j_err, "@Message.ExtendedInfo")), 1);
    ck_assert_int_eq(tc_header(r, "OData-Version", h, sizeof h), 0);
    ck_assert_str_eq(h, "4.0");
    cJSON_Delete(j);
}

static void
header_is(const struct tc_resp *r, const char *name, const char *want)
{
    char h[512];

    ck_assert_msg(tc_header(r, name, h, sizeof h) == 0, "no %s header", name);
    ck_assert_str_eq(h, want);
}

START_TEST(test_service_root_without_credentials)
{
    struct tc_resp r;
    cJSON *j;
    char etag[64];

    req("GET", "/redfish/v1/", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.tls_version, "TLSv1.3");
    header_is(&r, "OData-Version", "4.0");
    header_is(&r, "Content-Type", "application/json; charset=utf-8");
    header_is(&r, "Cache-Control", "no-cache");
    header_is(&r, "Allow", "GET, HEAD");
    header_is(&r, "Link",
              "<http://redfish.dmtf.org/schemas/v1/ServiceRoot.v1_20_0.json>; "
              "rel=describedby");
    ck_assert_int_eq(tc_header(&r, "ETag", etag, sizeof etag), 0);
    ck_assert_int_eq(tc_header_count(&r, "Strict-Transport-Security"), 1);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "@odata.type"), "#ServiceRoot.v1_20_0.ServiceRoot");
    ck_assert_str_eq(str(j, "@odata.etag"), etag);
    ck_assert_str_eq(str(j, "UUID"), app->uuid);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);

    req("GET", "/redfish/v1", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    req("GET", "/redfish", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"v1\":\"/redfish/v1/\"}");
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/odata", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/$metadata", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    header_is(&r, "Content-Type", "application/xml; charset=utf-8");
    ck_assert_ptr_nonnull(strstr(r.body, "<edmx:Edmx"));
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_protected_route_needs_credentials)
{
    struct tc_resp r;
    char h[256];
    char bad[256];

    req("GET", "/redfish/v1/JsonSchemas", NULL, NULL, &r);
    assert_error(&r, 401, "AccessUnauthorized");
    ck_assert_int_eq(tc_header(&r, "WWW-Authenticate", h, sizeof h), 0);
    ck_assert_ptr_nonnull(strstr(h, "Basic"));
    tc_resp_cleanup(&r);

    ck_assert_int_eq(tc_basic_auth_header("Administrator", "wrong", bad, sizeof bad), 0);
    req("GET", "/redfish/v1/JsonSchemas", bad, NULL, &r);
    assert_error(&r, 401, "AccessUnauthorized");
    tc_resp_cleanup(&r);
    ck_assert_int_eq(tc_basic_auth_header("ghost", "wrong", bad, sizeof bad), 0);
    req("GET", "/redfish/v1/JsonSchemas", bad, NULL, &r);
    assert_error(&r, 401, "AccessUnauthorized");
    tc_resp_cleanup(&r);
    /* Unknown paths do not tell an anonymous client what exists. */
    req("GET", "/redfish/v1/Nope", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);

    req("GET", "/redfish/v1/JsonSchemas", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);

    /* Authenticated but without the route's privilege: 403. */
    ck_assert_int_eq(tc_basic_auth_header("nobody", "nobody-pass-1", bad, sizeof bad), 0);
    req("GET", "/redfish/v1/JsonSchemas", bad, NULL, &r);
    assert_error(&r, 403, "InsufficientPrivilege");
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_error_statuses)
{
    struct tc_resp r;
    char hdrs[512];
    char *big;

    req("GET", "/redfish/v1/Nope", admin_auth, NULL, &r);
    assert_error(&r, 404, "InvalidURI");
    tc_resp_cleanup(&r);

    req("PATCH", "/redfish/v1/JsonSchemas", admin_auth, "{}", &r);
    assert_error(&r, 405, "OperationNotAllowed");
    header_is(&r, "Allow", "GET, HEAD");
    tc_resp_cleanup(&r);
    req("DELETE", "/redfish/v1/", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);
    req("DELETE", "/redfish/v1/", admin_auth, NULL, &r);
    assert_error(&r, 405, "OperationNotAllowed");
    tc_resp_cleanup(&r);

    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sOData-Version: 4.1\r\n", admin_auth), 0);
    req("GET", "/redfish/v1/JsonSchemas", hdrs, NULL, &r);
    assert_error(&r, 412, "HeaderInvalid");
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/", "OData-Version: 4.0\r\n", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);

    big = malloc(8193);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', 8192);
    big[0] = '{';
    big[8191] = '}';
    big[8192] = '\0';
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n", big,
        &r);
    assert_error(&r, 413, "PayloadTooLarge");
    tc_resp_cleanup(&r);
    free(big);

    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"UserName\": ", &r);
    assert_error(&r, 400, "MalformedJSON");
    tc_resp_cleanup(&r);
    req("POST", "/redfish/v1/SessionService/Sessions", NULL, "{\"a\":1} trailing", &r);
    assert_error(&r, 400, "MalformedJSON");
    tc_resp_cleanup(&r);
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: text/plain\r\n", "{}", &r);
    assert_error(&r, 415, "HeaderInvalid");
    tc_resp_cleanup(&r);
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"UserName\": 7, \"Password\": \"x\"}", &r);
    assert_error(&r, 400, "PropertyValueTypeError");
    tc_resp_cleanup(&r);
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"Password\": \"x\"}", &r);
    assert_error(&r, 400, "PropertyMissing");
    tc_resp_cleanup(&r);
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"UserName\": \"a\", \"Password\": \"x\", \"Bogus\": 1}", &r);
    assert_error(&r, 400, "PropertyUnknown");
    tc_resp_cleanup(&r);

    req("GET", "/redfish/v1/JsonSchemas?$nosuch=2", admin_auth, NULL, &r);
    assert_error(&r, 501, "QueryParameterUnsupported");
    tc_resp_cleanup(&r);
    req("PATCH", "/redfish/v1/AccountService?$top=2", admin_auth, "{}", &r);
    assert_error(&r, 501, "QueryParameterUnsupported");
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/JsonSchemas?unknown=2", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_head_and_conditional_get)
{
    struct tc_resp r;
    char len_get[32];
    char len_head[32];
    char etag[64];
    char hdrs[128];

    req("GET", "/redfish/v1/", NULL, NULL, &r);
    ck_assert_int_eq(tc_header(&r, "Content-Length", len_get, sizeof len_get), 0);
    ck_assert_int_eq(tc_header(&r, "ETag", etag, sizeof etag), 0);
    tc_resp_cleanup(&r);

    req("HEAD", "/redfish/v1/", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 0);
    ck_assert_int_eq(tc_header(&r, "Content-Length", len_head, sizeof len_head), 0);
    ck_assert_str_eq(len_head, len_get);
    header_is(&r, "ETag", etag);
    tc_resp_cleanup(&r);

    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "If-None-Match: %s\r\n", etag), 0);
    req("GET", "/redfish/v1/", hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 304);
    ck_assert_uint_eq(r.body_len, 0);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/", "If-None-Match: \"other\"\r\n", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_tls_policy)
{
    char version[32];
    char buf[512];
    size_t n = 0;
    static const char plain[] = "GET /redfish/v1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    ck_assert_int_eq(tc_handshake(HOST, app->port, certs.ca, 0, 0, version, sizeof version), 0);
    ck_assert_str_eq(version, "TLSv1.3");
    ck_assert_int_eq(tc_handshake(HOST, app->port, certs.ca, TLS1_2_VERSION, TLS1_2_VERSION,
                                  version, sizeof version),
                     0);
    ck_assert_str_eq(version, "TLSv1.2");
    ck_assert_int_eq(tc_handshake(HOST, app->port, certs.ca, TLS1_1_VERSION, TLS1_1_VERSION,
                                  version, sizeof version),
                     -2);
    ck_assert_int_eq(tc_handshake(HOST, app->port, certs.ca, TLS1_VERSION, TLS1_VERSION, version,
                                  sizeof version),
                     -2);
    /* Plain HTTP to the TLS port gets no HTTP answer. */
    ck_assert_int_eq(
        tc_plain_exchange(HOST, app->port, plain, sizeof plain - 1, buf, sizeof buf - 1, &n), 0);
    buf[n] = '\0';
    ck_assert_ptr_null(strstr(buf, "HTTP/"));
}
END_TEST

/* A TLS connection of our own, to see how the service writes: one SSL_read returns the content
 * of one TLS record, and each write of the service makes at least one record. */
static SSL *
raw_connect(SSL_CTX **ctx_out, int *fd_out)
{
    struct sockaddr_in a;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(SSL_CTX_load_verify_locations(ctx, certs.ca, NULL), 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)app->port);
    ck_assert_int_eq(inet_pton(AF_INET, HOST, &a.sin_addr), 1);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ssl = SSL_new(ctx);
    ck_assert_ptr_nonnull(ssl);
    ck_assert_int_eq(SSL_set_fd(ssl, fd), 1);
    ck_assert_int_eq(SSL_connect(ssl), 1);
    *ctx_out = ctx;
    *fd_out = fd;
    return ssl;
}

/* Sends one request and reads once; returns the bytes of that one read (NUL-terminated). */
static int
one_read(SSL *ssl, const char *request, char *buf, int bufsz)
{
    int n;

    ck_assert_int_eq(SSL_write(ssl, request, (int)strlen(request)), (int)strlen(request));
    n = SSL_read(ssl, buf, bufsz - 1);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    return n;
}

/* The response to a GET arrives whole in one TLS record (one write), the connection stays open
 * for the next request, and "Connection: close" is honoured. */
START_TEST(test_response_one_record)
{
    SSL_CTX *ctx;
    int fd;
    SSL *ssl = raw_connect(&ctx, &fd);
    char *buf = malloc(65536);
    char get[512];
    char head[512];
    const char *body;
    unsigned long len;
    int n;

    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(rf_fmt(get, sizeof get,
                            "GET /redfish/v1/AccountService HTTP/1.1\r\nHost: x\r\n%s\r\n",
                            admin_auth),
                     0);
    for (int round = 0; round < 2; round++) {
        n = one_read(ssl, get, buf, 65536);
        ck_assert_int_eq(strncmp(buf, "HTTP/1.1 200 OK\r\n", 17), 0);
        ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: keep-alive\r\n"));
        body = strstr(buf, "\r\n\r\n");
        ck_assert_ptr_nonnull(body);
        body += 4;
        len = strtoul(strstr(buf, "\r\nContent-Length: ") + 18, NULL, 10);
        ck_assert_uint_gt(len, 100);
        /* Headers and the whole body in that one read. */
        ck_assert_uint_eq((unsigned long)(n - (body - buf)), len);
        ck_assert_int_eq(body[len - 1], '}');
    }
    /* HEAD: headers only, in one record. */
    ck_assert_int_eq(rf_fmt(head, sizeof head, "HEAD /redfish/v1/ HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
    n = one_read(ssl, head, buf, 65536);
    ck_assert_str_eq(buf + n - 4, "\r\n\r\n");
    /* Connection: close is answered in kind, and the service closes. */
    ck_assert_int_eq(rf_fmt(head, sizeof head,
                            "GET /redfish/v1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                     0);
    (void)one_read(ssl, head, buf, 65536);
    ck_assert_ptr_nonnull(strstr(buf, "\r\nConnection: close\r\n"));
    ck_assert_int_le(SSL_read(ssl, buf, 65535), 0);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    free(buf);
}
END_TEST

/* Query options over HTTPS: applied by the router to a route that does not implement them, with
 * links read as the requester. */
START_TEST(test_query_options_generic)
{
    struct tc_resp r;
    char hdrs[300];
    cJSON *j;

    ck_assert_int_eq(rf_strlcpy(hdrs, admin_auth, sizeof hdrs), 0);
    req("GET", "/redfish/v1/AccountService/Accounts?$top=1&$skip=1", hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 1);
    ck_assert_int_ge(
        (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "Members@odata.count")), 4);
    ck_assert_str_eq(str(j, "Members@odata.nextLink"),
                     "/redfish/v1/AccountService/Accounts?$skip=2&$top=1");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    /* The service root, served without credentials, expands as the requester. */
    req("GET", "/redfish/v1/?$expand=.", hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(j, "JobService"), "Id"), "JobService");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/?$expand=.", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(j, "JobService"), "Id"), "");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/?$levels=1", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 501);
    tc_resp_cleanup(&r);
}
END_TEST

static const char *const hostile[] = {
    "GET /redfish/v1/../v1/ HTTP/1.1\r\n",
    "GET /redfish/v1/%2e%2e/v1/ HTTP/1.1\r\n",
    "GET /redfish/v1/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd HTTP/1.1\r\n",
    "GET ////// HTTP/1.1\r\n",
    "GET /redfish//v1 HTTP/1.1\r\n",
    "GET /redfish/v1/%00 HTTP/1.1\r\n",
    "GET /redfish/v1/%01%02%1b[31m HTTP/1.1\r\n",
    "GET /redfish/v1/\x01\x02 HTTP/1.1\r\n",
    "GET /redfish/v1/\x7f HTTP/1.1\r\n",
    "GET /redfish/v1/%zz HTTP/1.1\r\n",
    "GET /redfish/v1/% HTTP/1.1\r\n",
    "GET redfish/v1 HTTP/1.1\r\n",
    "GET * HTTP/1.1\r\n",
    "GET http://evil.example/redfish/v1/ HTTP/1.1\r\n",
    "GET /redfish/v1/\xff\xfe HTTP/1.1\r\n",
};

static void
assert_not_server_error(const char *raw, size_t len)
{
    struct tc_resp r;
    int rc = tc_request_raw(HOST, app->port, certs.ca, raw, len, &r);

    /* The server may also just close a connection it cannot parse; it must never answer 5xx. */
    if (rc == 0) {
        ck_assert_msg(r.status >= 400 && r.status < 500, "%d for %.60s", r.status, raw);
        ck_assert_msg(r.status != 401 || strstr(raw, "http://"), "%d for %.60s", r.status, raw);
    }
    tc_resp_cleanup(&r);
    /* And it is still there. */
    req("GET", "/redfish/v1/", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}

START_TEST(test_hostile_paths)
{
    char raw[512];

    ck_assert_int_eq(rf_fmt(raw, sizeof raw, "%sHost: x\r\nConnection: close\r\n\r\n", hostile[_i]),
                     0);
    assert_not_server_error(raw, strlen(raw));
}
END_TEST

START_TEST(test_unknown_method)
{
    static const char raw[] = "FAKEMETHODFORTEST /redfish/v1/ HTTP/1.1\r\nHost: x\r\n"
                              "Connection: close\r\n\r\n";
    static const char brew[] = "BREW /redfish/v1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    struct tc_resp r;

    ck_assert_int_eq(tc_request_raw(HOST, app->port, certs.ca, raw, sizeof raw - 1, &r), 0);
    assert_error(&r, 501, "OperationNotAllowed");
    tc_resp_cleanup(&r);
    ck_assert_int_eq(tc_request_raw(HOST, app->port, certs.ca, brew, sizeof brew - 1, &r), 0);
    assert_error(&r, 501, "OperationNotAllowed");
    tc_resp_cleanup(&r);
    /* A known method the path does not support is 405 with Allow (see test_error_statuses). */
}
END_TEST

START_TEST(test_hostile_long_path)
{
    static const char tail[] = " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    size_t n = 8 * 1024;
    char *raw = malloc(n + 128);
    struct tc_resp r;
    size_t len;

    ck_assert_ptr_nonnull(raw);
    memcpy(raw, "GET /", 5);
    memset(raw + 5, 'a', n);
    len = 5 + n;
    memcpy(raw + len, tail, strlen(tail));
    len += strlen(tail);
    ck_assert_int_eq(tc_request_raw(HOST, app->port, certs.ca, raw, len, &r), 0);
    ck_assert_int_eq(r.status, 400);
    tc_resp_cleanup(&r);
    /* Many segments. */
    for (size_t i = 0; i + 2 < n; i += 2) {
        raw[5 + i] = 'a';
        raw[5 + i + 1] = '/';
    }
    assert_not_server_error(raw, len);
    free(raw);
}
END_TEST

START_TEST(test_sessions_login_use_logout)
{
    struct tc_resp r;
    char token[128];
    char location[256];
    char hdrs[256];
    cJSON *j;

    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"UserName\": \"Administrator\", \"Password\": \"wrong\"}", &r);
    assert_error(&r, 401, "AccessUnauthorized");
    ck_assert_int_eq(tc_header_count(&r, "X-Auth-Token"), 0);
    tc_resp_cleanup(&r);

    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n",
        "{\"UserName\": \"Administrator\", \"Password\": \"" ADMIN_PW "\"}", &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(tc_header(&r, "X-Auth-Token", token, sizeof token), 0);
    ck_assert_uint_ge(strlen(token), 22); /* at least 128 bits */
    ck_assert_int_eq(tc_header(&r, "Location", location, sizeof location), 0);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "@odata.id"), location);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "Password")));
    cJSON_Delete(j);
    tc_resp_cleanup(&r);

    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "X-Auth-Token: %s\r\n", token), 0);
    req("GET", location, hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "UserName"), "Administrator");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/JsonSchemas", hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);

    req("DELETE", location, hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 204);
    tc_resp_cleanup(&r);
    /* The token is dead after logout. */
    req("GET", "/redfish/v1/JsonSchemas", hdrs, NULL, &r);
    assert_error(&r, 401, "NoValidSession");
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/JsonSchemas", "X-Auth-Token: forged\r\n", NULL, &r);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);
}
END_TEST

static void
login(const char *user, const char *pw, char *hdrs, size_t hdrsz, char *location, size_t locsz)
{
    struct tc_resp r;
    char body[256];
    char token[128];

    ck_assert_int_eq(
        rf_fmt(body, sizeof body, "{\"UserName\": \"%s\", \"Password\": \"%s\"}", user, pw), 0);
    req("POST", "/redfish/v1/SessionService/Sessions", "Content-Type: application/json\r\n", body,
        &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(tc_header(&r, "X-Auth-Token", token, sizeof token), 0);
    ck_assert_int_eq(tc_header(&r, "Location", location, locsz), 0);
    ck_assert_int_eq(rf_fmt(hdrs, hdrsz, "X-Auth-Token: %s\r\n", token), 0);
    tc_resp_cleanup(&r);
}

START_TEST(test_sessions_are_private)
{
    char admin_h[256];
    char admin_loc[256];
    char reader_h[256];
    char reader_loc[256];
    struct tc_resp r;
    cJSON *j;

    login("Administrator", ADMIN_PW, admin_h, sizeof admin_h, admin_loc, sizeof admin_loc);
    login("reader", "reader-pass-1", reader_h, sizeof reader_h, reader_loc, sizeof reader_loc);

    req("GET", "/redfish/v1/SessionService/Sessions", reader_h, NULL, &r);
    j = json_of(&r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 1);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/SessionService/Sessions", admin_h, NULL, &r);
    j = json_of(&r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 2);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);

    /* A reader neither sees nor ends someone else's session. */
    req("GET", admin_loc, reader_h, NULL, &r);
    assert_error(&r, 404, "ResourceNotFound");
    tc_resp_cleanup(&r);
    req("DELETE", admin_loc, reader_h, NULL, &r);
    assert_error(&r, 404, "ResourceNotFound");
    tc_resp_cleanup(&r);
    req("GET", admin_loc, admin_h, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    /* An administrator may end it. */
    req("DELETE", reader_loc, admin_h, NULL, &r);
    ck_assert_int_eq(r.status, 204);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/JsonSchemas", reader_h, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_restart_keeps_state)
{
    char uuid[APP_UUID_LEN];
    struct tc_resp r;

    struct job tmpl;
    struct job j;
    char jobs_db[600];

    /* The job model runs in the server, over its own file beside the service database. */
    ck_assert_int_eq(rf_fmt(jobs_db, sizeof jobs_db, "%s/jobs.db", cfg.data_dir), 0);
    ck_assert_int_eq(access(jobs_db, F_OK), 0);
    job_init(&tmpl, &job_class_provisioning);
    job_init(&j, &job_class_concrete);
    ck_assert_int_eq(job_set_str(&tmpl.name, "kept across restarts"), JOB_OK);
    ck_assert_int_eq(job_service_create(app->jobs, &tmpl, &j, NULL), JOB_OK);
    memcpy(uuid, app->uuid, sizeof uuid);
    app_stop(app);
    app = NULL;
    start(NULL);
    ck_assert_int_eq(job_service_get(app->jobs, j.id, &j), JOB_OK);
    ck_assert_str_eq(j.name, "kept across restarts");
    job_cleanup(&j);
    job_cleanup(&tmpl);
    /* Same UUID, same accounts, and no new password was generated. */
    ck_assert_str_eq(app->uuid, uuid);
    ck_assert_str_eq(app->generated_password, "");
    req("GET", "/redfish/v1/JsonSchemas", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_first_start_generates_password)
{
    char other[300];
    char auth_h[256];
    char hdrs[512];
    char generated[64];
    struct tc_resp r;

    app_stop(app);
    app = NULL;
    ck_assert_int_eq(rf_fmt(other, sizeof other, "%s/var2", dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.data_dir, other, sizeof cfg.data_dir), 0);
    start(NULL);
    ck_assert_uint_eq(strlen(app->generated_password), 20);
    memcpy(generated, app->generated_password, sizeof generated);
    ck_assert_int_eq(tc_basic_auth_header("Administrator", generated, auth_h, sizeof auth_h), 0);
    /* A generated password must be changed before anything else. */
    req("GET", "/redfish/v1/JsonSchemas", auth_h, NULL, &r);
    assert_error(&r, 403, "PasswordChangeRequired");
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sContent-Type: application/json\r\n", auth_h), 0);
    req("PATCH", "/redfish/v1/AccountService/Accounts/Administrator", hdrs,
        "{\"Password\": \"a-new-pass-1234\"}", &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(
        tc_basic_auth_header("Administrator", "a-new-pass-1234", auth_h, sizeof auth_h), 0);
    req("GET", "/redfish/v1/JsonSchemas", auth_h, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/JsonSchemas", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_ipv6_listener)
{
    struct tc_resp r;

    app_stop(app);
    app = NULL;
    cfg.n_listen = 0;
    ck_assert_int_eq(rf_strlcpy(cfg.listen[cfg.n_listen++], "::1", CFG_ADDR_MAX), 0);
    start(NULL);
    ck_assert_int_eq(
        tc_request("::1", app->port, certs.ca, "GET", "/redfish/v1/", NULL, NULL, 0, &r), 0);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_bad_certificate_fails_start)
{
    char err[CFG_ERR_MAX] = "";
    struct app *other = NULL;
    struct config c = cfg;

    /* A key that does not match the certificate: no start, and the key path is not named. */
    ck_assert_int_eq(rf_strlcpy(c.key, certs.client_key, sizeof c.key), 0);
    ck_assert_int_ne(app_start(&c, NULL, &other, err, sizeof err), 0);
    ck_assert_ptr_null(other);
    ck_assert_ptr_null(strstr(err, certs.client_key));
}
END_TEST

/* ---- role x route matrix ------------------------------------------------------------------- */

static const char *
method_str(enum rf_method m)
{
    switch (m) {
    case RF_GET:
        return "GET";
    case RF_HEAD:
        return "HEAD";
    case RF_POST:
        return "POST";
    case RF_PATCH:
        return "PATCH";
    case RF_PUT:
        return "PUT";
    case RF_DELETE:
        return "DELETE";
    case RF_OPTIONS:
        return "OPTIONS";
    }
    return "GET";
}

/* A value for the capture that follows segment prev: an existing resource for reads where one
 * is known (known is cleared otherwise), and never one a DELETE could remove. */
static const char *
sample(const char *prev, enum rf_method m, const char *user, int *known)
{
    static const struct {
        const char *prev;
        const char *value;
    } samples[] = {
        {"JsonSchemas", "ServiceRoot"}, {"Schemas", "RfjobdJob.v1_0_0.json"},
        {"Registries", "Rfjobd"},       {"Rfjobd", "Rfjobd.1.0.0.json"},
        {"Roles", "ReadOnly"},          {"Managers", "rfjobd"},
        {"LogServices", "Audit"},       {"Entries", "1"},
    };

    if (strcmp(prev, "Accounts") == 0 && m != RF_DELETE) {
        return user[0] != '\0' ? user : "nosuch";
    }
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        if (strcmp(samples[i].prev, prev) == 0) {
            return samples[i].value;
        }
    }
    *known = 0;
    return "nosuch";
}

/* Fills a route's template with samples. Sets *known when every capture names something that
 * exists; *first receives the first capture. */
static void
route_path(const char *tpl, enum rf_method m, const char *user, char *out, size_t outsz, int *known,
           char *first, size_t firstsz)
{
    char prev[RF_SEG_LEN_MAX] = "";
    const char *last = "";
    size_t len = 0;
    const char *p = tpl;

    *known = 1;
    first[0] = '\0';
    out[0] = '\0';
    while (*p != '\0') {
        const char *end;
        size_t n;
        const char *seg;
        size_t sn;

        p++; /* '/' */
        end = strchr(p, '/');
        n = end ? (size_t)(end - p) : strlen(p);
        if (n == 2 && memcmp(p, "{}", 2) == 0) {
            seg = sample(prev, m, user, known);
            if (first[0] == '\0') {
                ck_assert_int_eq(rf_strlcpy(first, seg, firstsz), 0);
            }
        } else {
            seg = p;
        }
        sn = seg == p ? n : strlen(seg);
        ck_assert_uint_lt(len + 1 + sn, outsz);
        out[len++] = '/';
        memcpy(out + len, seg, sn);
        len += sn;
        out[len] = '\0';
        ck_assert_uint_lt(sn, sizeof prev);
        memcpy(prev, seg, sn);
        prev[sn] = '\0';
        last = prev;
        p += n;
    }
    (void)last;
}

/* Mirrors the router's rule: ConfigureSelf alone reaches only the requester's own account. */
static int
expect_allowed(const struct rf_route *r, rf_priv_t privs, const char *first, const char *user)
{
    int only_self = 1;

    if (!rf_priv_ok(&r->priv, privs)) {
        return 0;
    }
    if (!(r->flags & RF_ROUTE_SELF)) {
        return 1;
    }
    for (size_t i = 0; i < RF_PRIV_ALT; i++) {
        rf_priv_t alt = r->priv.any_of[i];

        if (alt != 0 && (alt & privs) == alt && !(alt & RF_PRIV_CONFIGURE_SELF)) {
            only_self = 0;
        }
    }
    return !only_self || strcmp(first, user) == 0;
}

START_TEST(test_role_route_matrix)
{
    static const struct {
        const char *user;
        const char *pw;
        const char *role;
    } who[] = {
        {"", "", ""},
        {"Administrator", ADMIN_PW, "Administrator"},
        {"operator", "operator-pass-1", "Operator"},
        {"reader", "reader-pass-1", "ReadOnly"},
    };

    for (size_t w = 0; w < sizeof who / sizeof who[0]; w++) {
        char hdrs[512] = "Content-Type: application/json\r\n";

        if (who[w].user[0] != '\0') {
            char a[256];

            ck_assert_int_eq(tc_basic_auth_header(who[w].user, who[w].pw, a, sizeof a), 0);
            ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sContent-Type: application/json\r\n", a),
                             0);
        }
        for (size_t i = 0; i < rf_routes_count; i++) {
            const struct rf_route *r = &rf_routes[i];
            const char *m = method_str(r->method);
            int has_body = r->method == RF_POST || r->method == RF_PATCH || r->method == RF_PUT;
            char path[RF_PATH_MAX];
            char first[RF_SEG_LEN_MAX];
            int known;
            struct tc_resp resp;

            route_path(r->path, r->method, who[w].user, path, sizeof path, &known, first,
                       sizeof first);
            if (strcmp(path, SSE_URI) == 0) {
                stream_status(path, hdrs, &resp); /* an event stream does not end */
            } else {
                req(m, path, hdrs, has_body ? "{}" : NULL, &resp);
            }
            if (r->priv.noauth) {
                ck_assert_msg(resp.status != 401 && resp.status != 403, "%s %s as '%s': %d", m,
                              path, who[w].user, resp.status);
            } else if (who[w].user[0] == '\0') {
                ck_assert_msg(resp.status == 401, "%s %s without credentials: %d", m, path,
                              resp.status);
            } else if (!expect_allowed(r, auth_role_privileges(who[w].role), first, who[w].user)) {
                ck_assert_msg(resp.status == 403, "%s %s as %s: %d, not 403", m, path, who[w].user,
                              resp.status);
            } else if (r->method == RF_GET && known) {
                ck_assert_msg(resp.status == 200, "%s %s as %s: %d, not 200", m, path, who[w].user,
                              resp.status);
            } else {
                ck_assert_msg(resp.status != 401 && resp.status != 403 && resp.status < 500,
                              "%s %s as %s: %d", m, path, who[w].user, resp.status);
            }
            tc_resp_cleanup(&resp);
        }
    }
}
END_TEST

/* ---- accounts, lockout, password change, audit -------------------------------------------- */

static void
json_req(const char *method, const char *path, const char *auth, const char *body,
         struct tc_resp *r)
{
    char hdrs[512];

    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sContent-Type: application/json\r\n", auth), 0);
    req(method, path, hdrs, body, r);
}

static int
status_of(const char *method, const char *path, const char *auth, const char *body)
{
    struct tc_resp r;
    int st;

    json_req(method, path, auth, body, &r);
    st = r.status;
    tc_resp_cleanup(&r);
    return st;
}

static int
bool_of(const struct tc_resp *r, const char *name)
{
    cJSON *j = json_of(r);
    int v = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, name));

    cJSON_Delete(j);
    return v;
}

START_TEST(test_accounts_lifecycle)
{
    struct tc_resp r;
    char alice[256];
    char etag[64];
    char hdrs[512];
    cJSON *j;

    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"alice\", \"Password\": \"alice-pass-01\", \"RoleId\": \"Operator\"}",
             &r);
    ck_assert_int_eq(r.status, 201);
    header_is(&r, "Location", "/redfish/v1/AccountService/Accounts/alice");
    j = json_of(&r);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "Password")));
    ck_assert_str_eq(str(j, "RoleId"), "Operator");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);

    /* Bad input: a Redfish error naming the property, never a 500. */
    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"alice\", \"Password\": \"alice-pass-01\", \"RoleId\": \"Operator\"}",
             &r);
    assert_error(&r, 409, "ResourceAlreadyExists");
    tc_resp_cleanup(&r);
    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"bob\", \"Password\": \"short\", \"RoleId\": \"Operator\"}", &r);
    assert_error(&r, 400, "PasswordIncorrectLength");
    ck_assert_ptr_null(strstr(r.body, "short"));
    tc_resp_cleanup(&r);
    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"bob\", \"Password\": \"bob-pass-0001\", \"RoleId\": \"Root\"}", &r);
    assert_error(&r, 400, "PropertyValueNotInList");
    ck_assert_ptr_nonnull(strstr(r.body, "RoleId"));
    tc_resp_cleanup(&r);
    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"../x\", \"Password\": \"bob-pass-0001\", \"RoleId\": \"ReadOnly\"}",
             &r);
    assert_error(&r, 400, "PropertyValueFormatError");
    tc_resp_cleanup(&r);
    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"bob\", \"RoleId\": \"ReadOnly\"}", &r);
    assert_error(&r, 400, "PropertyMissing");
    tc_resp_cleanup(&r);
    json_req("PATCH", "/redfish/v1/AccountService/Accounts/alice", admin_auth,
             "{\"Enabled\": \"yes\"}", &r);
    assert_error(&r, 400, "PropertyValueTypeError");
    tc_resp_cleanup(&r);
    json_req("PATCH", "/redfish/v1/AccountService/Accounts/alice", admin_auth, "{\"Bogus\": 1}",
             &r);
    assert_error(&r, 400, "PropertyUnknown");
    tc_resp_cleanup(&r);
    json_req("PATCH", "/redfish/v1/AccountService/Accounts/alice", admin_auth,
             "{\"@odata.id\": \"x\"}", &r);
    assert_error(&r, 400, "NoOperation");
    tc_resp_cleanup(&r);
    json_req("PATCH", "/redfish/v1/AccountService", admin_auth, "{\"AccountLockoutThreshold\": -1}",
             &r);
    assert_error(&r, 400, "PropertyValueOutOfRange");
    tc_resp_cleanup(&r);

    /* A user changes their own password, and nothing else. */
    ck_assert_int_eq(tc_basic_auth_header("alice", "alice-pass-01", alice, sizeof alice), 0);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/alice", alice,
                               "{\"RoleId\": \"Administrator\"}"),
                     403);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/reader", alice,
                               "{\"Password\": \"stolen-pass-01\"}"),
                     403);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService/Accounts/reader", alice, NULL),
                     403);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/alice", alice,
                               "{\"Password\": \"alice-pass-02\"}"),
                     200);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", alice, NULL), 401);
    ck_assert_int_eq(tc_basic_auth_header("alice", "alice-pass-02", alice, sizeof alice), 0);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", alice, NULL), 200);

    /* If-Match: a stale ETag is refused, the current one accepted. */
    json_req("GET", "/redfish/v1/AccountService/Accounts/alice", admin_auth, NULL, &r);
    ck_assert_int_eq(tc_header(&r, "ETag", etag, sizeof etag), 0);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sIf-Match: \"stale\"\r\n", admin_auth), 0);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/alice", hdrs,
                               "{\"Enabled\": false}"),
                     412);
    ck_assert_int_eq(rf_fmt(hdrs, sizeof hdrs, "%sIf-Match: %s\r\n", admin_auth, etag), 0);
    json_req("PATCH", "/redfish/v1/AccountService/Accounts/alice", hdrs, "{\"Enabled\": false}",
             &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(!bool_of(&r, "Enabled"));
    tc_resp_cleanup(&r);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", alice, NULL), 401);

    /* The last administrator cannot be removed or demoted. */
    ck_assert_int_eq(
        status_of("DELETE", "/redfish/v1/AccountService/Accounts/Administrator", admin_auth, NULL),
        409);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/Administrator",
                               admin_auth, "{\"RoleId\": \"ReadOnly\"}"),
                     409);
    ck_assert_int_eq(
        status_of("DELETE", "/redfish/v1/AccountService/Accounts/alice", admin_auth, NULL), 204);
    ck_assert_int_eq(
        status_of("GET", "/redfish/v1/AccountService/Accounts/alice", admin_auth, NULL), 404);

    /* Roles are the predefined ones, with the registry's privileges, and cannot change. */
    json_req("GET", "/redfish/v1/AccountService/Roles/Operator", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "AssignedPrivileges")),
                     3);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Roles/ReadOnly", admin_auth,
                               "{\"AssignedPrivileges\": [\"Login\"]}"),
                     405);
}
END_TEST

START_TEST(test_password_change_required)
{
    struct tc_resp r;
    char carol[256];
    char body[256];
    cJSON *j;
    const cJSON *j_info;

    json_req("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
             "{\"UserName\": \"carol\", \"Password\": \"carol-pass-01\", \"RoleId\": "
             "\"Administrator\", \"PasswordChangeRequired\": true}",
             &r);
    ck_assert_int_eq(r.status, 201);
    tc_resp_cleanup(&r);
    /* Login works and says why nothing else will. */
    ck_assert_int_eq(rf_fmt(body, sizeof body, "{\"UserName\": \"carol\", \"Password\": \"%s\"}",
                            "carol-pass-01"),
                     0);
    json_req("POST", "/redfish/v1/SessionService/Sessions", "", body, &r);
    ck_assert_int_eq(r.status, 201);
    j = json_of(&r);
    j_info = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "@Message.ExtendedInfo"), 0);
    ck_assert_str_eq(str(j_info, "MessageId"), "Base.1.22.PasswordChangeRequired");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(tc_basic_auth_header("carol", "carol-pass-01", carol, sizeof carol), 0);
    json_req("GET", "/redfish/v1/SessionService/Sessions", carol, NULL, &r);
    assert_error(&r, 403, "PasswordChangeRequired");
    ck_assert_ptr_nonnull(strstr(r.body, "/redfish/v1/AccountService/Accounts/carol"));
    tc_resp_cleanup(&r);
    /* Not even an administrator's other powers apply meanwhile. */
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService/Accounts/reader", carol, NULL),
                     403);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService/Accounts/carol", carol, NULL),
                     200);
    json_req("PATCH", "/redfish/v1/AccountService/Accounts/carol", carol,
             "{\"Password\": \"carol-pass-02\"}", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(!bool_of(&r, "PasswordChangeRequired"));
    tc_resp_cleanup(&r);
    ck_assert_int_eq(tc_basic_auth_header("carol", "carol-pass-02", carol, sizeof carol), 0);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/SessionService/Sessions", carol, NULL), 200);
}
END_TEST

START_TEST(test_lockout_over_https)
{
    struct tc_resp r;
    char bad[256];
    char good[256];
    char unknown_body[2048];

    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService", admin_auth,
                               "{\"AccountLockoutThreshold\": 3, \"AccountLockoutDuration\": 600, "
                               "\"AccountLockoutCounterResetAfter\": 600}"),
                     200);
    ck_assert_int_eq(tc_basic_auth_header("reader", "wrong-pass-1", bad, sizeof bad), 0);
    ck_assert_int_eq(tc_basic_auth_header("reader", "reader-pass-1", good, sizeof good), 0);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", good, NULL), 200);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", bad, NULL), 401);
    }
    /* Locked: the right password is refused with the very same answer as a wrong one. */
    req("GET", "/redfish/v1/AccountService", bad, NULL, &r);
    ck_assert_int_lt((int)r.body_len, (int)sizeof unknown_body);
    memcpy(unknown_body, r.body, r.body_len + 1);
    tc_resp_cleanup(&r);
    req("GET", "/redfish/v1/AccountService", good, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.body, unknown_body);
    tc_resp_cleanup(&r);
    json_req("GET", "/redfish/v1/AccountService/Accounts/reader", admin_auth, NULL, &r);
    ck_assert(bool_of(&r, "Locked"));
    tc_resp_cleanup(&r);
    /* Only an unlock may be written; then the account works again. */
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/reader", admin_auth,
                               "{\"Locked\": true}"),
                     400);
    ck_assert_int_eq(status_of("PATCH", "/redfish/v1/AccountService/Accounts/reader", admin_auth,
                               "{\"Locked\": false}"),
                     200);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", good, NULL), 200);
}
END_TEST

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
timed_get(const char *user, const char *pw, struct tc_resp *r)
{
    char h[256];
    struct timespec t0;
    struct timespec t1;

    ck_assert_int_eq(tc_basic_auth_header(user, pw, h, sizeof h), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    req("GET", "/redfish/v1/AccountService", h, NULL, r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

START_TEST(test_basic_timing_and_messages)
{
    enum { N = 5 };
    double right[N];
    double wrong[N];
    double ghost[N];
    char user[32];
    char first_401[2048] = "";
    struct tc_resp r;

    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_fmt(user, sizeof user, "timing%d", i), 0);
        add_account(user, "ReadOnly", "timing-pass-01");
    }
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rf_fmt(user, sizeof user, "timing%d", i), 0);
        /* First use of each credential: no cache to make the right one faster. */
        right[i] = timed_get(user, "timing-pass-01", &r);
        ck_assert_int_eq(r.status, 200);
        tc_resp_cleanup(&r);
        wrong[i] = timed_get(user, "timing-pass-02", &r);
        ck_assert_int_eq(r.status, 401);
        if (first_401[0] == '\0') {
            ck_assert_int_lt((int)r.body_len, (int)sizeof first_401);
            memcpy(first_401, r.body, r.body_len + 1);
        }
        tc_resp_cleanup(&r);
        ck_assert_int_eq(rf_fmt(user, sizeof user, "ghost%d", i), 0);
        ghost[i] = timed_get(user, "timing-pass-02", &r);
        ck_assert_int_eq(r.status, 401);
        /* No enumeration by message: an unknown user reads exactly like a wrong password. */
        ck_assert_str_eq(r.body, first_401);
        tc_resp_cleanup(&r);
    }
    qsort(right, N, sizeof right[0], cmp_double);
    qsort(wrong, N, sizeof wrong[0], cmp_double);
    qsort(ghost, N, sizeof ghost[0], cmp_double);
    /* Medians within a factor of two of each other: the same password work every time. */
    ck_assert_msg(wrong[N / 2] < 2 * right[N / 2] && right[N / 2] < 2 * wrong[N / 2],
                  "right %.3f s, wrong %.3f s", right[N / 2], wrong[N / 2]);
    ck_assert_msg(ghost[N / 2] < 2 * wrong[N / 2] && wrong[N / 2] < 2 * ghost[N / 2],
                  "unknown user %.3f s, wrong password %.3f s", ghost[N / 2], wrong[N / 2]);
}
END_TEST

START_TEST(test_session_timeout_and_tokens)
{
    struct tc_resp r;
    char hdrs[256];
    char loc[256];
    char forged[256];
    cJSON *j;

    json_req("PATCH", "/redfish/v1/SessionService", admin_auth, "{\"SessionTimeout\": 45}", &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_int_eq(
        (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "SessionTimeout")), 45);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(
        status_of("PATCH", "/redfish/v1/SessionService", admin_auth, "{\"SessionTimeout\": 29}"),
        400);
    ck_assert_int_eq(
        status_of("PATCH", "/redfish/v1/SessionService", admin_auth, "{\"ServiceEnabled\": false}"),
        400);
    login("reader", "reader-pass-1", hdrs, sizeof hdrs, loc, sizeof loc);
    req("GET", "/redfish/v1/AccountService", hdrs, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    /* A truncated token and one with a changed character are refused. */
    ck_assert_int_eq(rf_fmt(forged, sizeof forged, "%.*s\r\n", (int)strlen(hdrs) - 3, hdrs), 0);
    req("GET", "/redfish/v1/AccountService", forged, NULL, &r);
    assert_error(&r, 401, "NoValidSession");
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_strlcpy(forged, hdrs, sizeof forged), 0);
    forged[20] = forged[20] == 'A' ? 'B' : 'A';
    req("GET", "/redfish/v1/AccountService", forged, NULL, &r);
    assert_error(&r, 401, "NoValidSession");
    tc_resp_cleanup(&r);
    /* Idle past the timeout (the service's clock is moved on): the session is gone. */
    clock_offset = 46;
    auth_set_clock(app->auth, offset_clock, NULL);
    req("GET", "/redfish/v1/AccountService", hdrs, NULL, &r);
    assert_error(&r, 401, "NoValidSession");
    tc_resp_cleanup(&r);
    auth_set_clock(app->auth, NULL, NULL);
}
END_TEST

START_TEST(test_audit_log)
{
    struct tc_resp r;
    char path[600];
    char line[1024];
    int saw_failed = 0;
    int saw_created = 0;
    FILE *f;
    cJSON *j;
    const cJSON *j_m;
    int n;

    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", "", NULL), 401);
    ck_assert_int_eq(tc_basic_auth_header("reader", "not-it-at-all", path, sizeof path), 0);
    ck_assert_int_eq(status_of("GET", "/redfish/v1/AccountService", path, NULL), 401);
    ck_assert_int_eq(status_of("POST", "/redfish/v1/AccountService/Accounts", admin_auth,
                               "{\"UserName\": \"dave\", \"Password\": \"dave-pass-001\", "
                               "\"RoleId\": \"ReadOnly\"}"),
                     201);
    ck_assert_int_eq(audit_record(app->audit, "job-owner", "198.51.100.7", "created job %d", 42),
                     0);
    json_req("GET", "/redfish/v1/Managers/rfjobd/LogServices/Audit/Entries", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members"));
    ck_assert_int_ge(n, 3);
    j_m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "Members"), n - 1);
    ck_assert_int_eq(rf_strlcpy(path, str(j_m, "@odata.id"), sizeof path), 0);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    json_req("GET", path, admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "Message"), "created job 42 (user job-owner, from 198.51.100.7)");
    ck_assert_str_eq(str(j, "EntryType"), "Oem");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    /* The same records, in the append-only file. */
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/%s", cfg.data_dir, AUDIT_FILE), 0);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        saw_failed |= strstr(line, "user=reader") != NULL && strstr(line, "login failed") != NULL;
        saw_created |= strstr(line, "user=Administrator") != NULL
                       && strstr(line, "created account dave") != NULL;
        ck_assert_ptr_null(strstr(line, "not-it-at-all"));
        ck_assert_ptr_null(strstr(line, "dave-pass-001"));
    }
    fclose(f);
    ck_assert(saw_failed);
    ck_assert(saw_created);
}
END_TEST

START_TEST(test_security_headers)
{
    static const char *const paths[] = {"/redfish/v1/", "/redfish/v1/AccountService",
                                        "/redfish/v1/Nope"};

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (int authed = 0; authed < 2; authed++) {
            struct tc_resp r;
            char h[128];

            req("GET", paths[i], authed ? admin_auth : NULL, NULL, &r);
            header_is(&r, "OData-Version", "4.0");
            header_is(&r, "Strict-Transport-Security", "max-age=31536000");
            header_is(&r, "X-Content-Type-Options", "nosniff");
            header_is(&r, "X-Frame-Options", "DENY");
            header_is(&r, "Cache-Control", "no-cache");
            ck_assert_int_eq(tc_header(&r, "Content-Security-Policy", h, sizeof h), 0);
            ck_assert_int_eq(tc_header_count(&r, "Set-Cookie"), 0);
            if (r.status == 401) {
                ck_assert_int_eq(tc_header(&r, "WWW-Authenticate", h, sizeof h), 0);
            }
            tc_resp_cleanup(&r);
        }
    }
}
END_TEST

/* ---- TLS: reload and client certificates -------------------------------------------------- */

static void
copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    char buf[4096];
    size_t n;

    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
}

START_TEST(test_certificate_reload)
{
    char other[300];
    struct tcert_paths next;
    struct tc_resp r;
    FILE *f;

    ck_assert_int_eq(rf_fmt(other, sizeof other, "%s/next", dir), 0);
    ck_assert_int_eq(mkdir(other, 0700), 0);
    ck_assert_int_eq(tcert_make(other, &next), 0);
    copy_file(next.cert, certs.cert);
    copy_file(next.key, certs.key);
    ck_assert_int_eq(app_reload_tls(app), 0);
    /* New connections get the new certificate; the service never stopped. */
    ck_assert_int_eq(tc_request(HOST, app->port, next.ca, "GET", "/redfish/v1/", NULL, NULL, 0, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(
        tc_request(HOST, app->port, certs.ca, "GET", "/redfish/v1/", NULL, NULL, 0, &r), -2);
    /* A broken file is refused and the current certificate stays. */
    f = fopen(certs.cert, "w");
    ck_assert_ptr_nonnull(f);
    fputs("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n", f);
    fclose(f);
    ck_assert_int_eq(app_reload_tls(app), -1);
    copy_file(certs.client_cert, certs.cert); /* a certificate that does not match the key */
    ck_assert_int_eq(app_reload_tls(app), -1);
    ck_assert_int_eq(tc_request(HOST, app->port, next.ca, "GET", "/redfish/v1/", NULL, NULL, 0, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
}
END_TEST

START_TEST(test_client_certificate)
{
    char other[300];
    struct tcert_paths foreign;
    struct tc_resp r;

    /* The certificate's CN names an account: that account is logged in. */
    add_account("client-test", "Operator", "client-pass-01");
    ck_assert_int_eq(tc_request_cert(HOST, app->port, certs.ca, certs.client_cert, certs.client_key,
                                     "GET", "/redfish/v1/AccountService", NULL, NULL, 0, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(tc_request_cert(HOST, app->port, certs.ca, certs.client_cert, certs.client_key,
                                     "PATCH", "/redfish/v1/SessionService",
                                     "Content-Type: application/json\r\n",
                                     "{\"SessionTimeout\": 60}", 22, &r),
                     0);
    ck_assert_int_eq(r.status, 403); /* an Operator's privileges, no more */
    tc_resp_cleanup(&r);
    /* Clients without a certificate still use passwords. */
    req("GET", "/redfish/v1/AccountService", admin_auth, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    tc_resp_cleanup(&r);
    /* A certificate from another CA is refused in the handshake... */
    ck_assert_int_eq(rf_fmt(other, sizeof other, "%s/foreign", dir), 0);
    ck_assert_int_eq(mkdir(other, 0700), 0);
    ck_assert_int_eq(tcert_make(other, &foreign), 0);
    ck_assert_int_lt(tc_request_cert(HOST, app->port, certs.ca, foreign.client_cert,
                                     foreign.client_key, "GET", "/redfish/v1/AccountService", NULL,
                                     NULL, 0, &r),
                     0);
    /* ...and one whose CN names no account (any longer) gets 401. */
    ck_assert_int_eq(
        status_of("DELETE", "/redfish/v1/AccountService/Accounts/client-test", admin_auth, NULL),
        204);
    ck_assert_int_eq(tc_request_cert(HOST, app->port, certs.ca, certs.client_cert, certs.client_key,
                                     "GET", "/redfish/v1/AccountService", NULL, NULL, 0, &r),
                     0);
    ck_assert_int_eq(r.status, 401);
    tc_resp_cleanup(&r);
}
END_TEST

Suite *
https_suite(void)
{
    Suite *s = suite_create("https");
    TCase *tc = tcase_create("https");
    TCase *hostile_tc = tcase_create("hostile");
    TCase *lifecycle = tcase_create("lifecycle");
    TCase *security = tcase_create("security");
    TCase *matrix = tcase_create("matrix");
    TCase *mtls = tcase_create("mtls");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_service_root_without_credentials);
    tcase_add_test(tc, test_protected_route_needs_credentials);
    tcase_add_test(tc, test_error_statuses);
    tcase_add_test(tc, test_head_and_conditional_get);
    tcase_add_test(tc, test_response_one_record);
    tcase_add_test(tc, test_query_options_generic);
    tcase_add_test(tc, test_tls_policy);
    tcase_add_test(tc, test_sessions_login_use_logout);
    tcase_add_test(tc, test_sessions_are_private);
    suite_add_tcase(s, tc);

    tcase_set_timeout(hostile_tc, 120);
    tcase_add_checked_fixture(hostile_tc, setup, teardown);
    tcase_add_loop_test(hostile_tc, test_hostile_paths, 0,
                        (int)(sizeof hostile / sizeof hostile[0]));
    tcase_add_test(hostile_tc, test_hostile_long_path);
    tcase_add_test(hostile_tc, test_unknown_method);
    suite_add_tcase(s, hostile_tc);

    tcase_set_timeout(lifecycle, 120);
    tcase_add_checked_fixture(lifecycle, setup, teardown);
    tcase_add_test(lifecycle, test_restart_keeps_state);
    tcase_add_test(lifecycle, test_first_start_generates_password);
    tcase_add_test(lifecycle, test_ipv6_listener);
    tcase_add_test(lifecycle, test_bad_certificate_fails_start);
    suite_add_tcase(s, lifecycle);

    tcase_set_timeout(security, 240);
    tcase_add_checked_fixture(security, setup, teardown);
    tcase_add_test(security, test_accounts_lifecycle);
    tcase_add_test(security, test_password_change_required);
    tcase_add_test(security, test_lockout_over_https);
    tcase_add_test(security, test_basic_timing_and_messages);
    tcase_add_test(security, test_session_timeout_and_tokens);
    tcase_add_test(security, test_audit_log);
    tcase_add_test(security, test_security_headers);
    suite_add_tcase(s, security);

    tcase_set_timeout(matrix, 300);
    tcase_add_checked_fixture(matrix, setup, teardown);
    tcase_add_test(matrix, test_role_route_matrix);
    suite_add_tcase(s, matrix);

    tcase_set_timeout(mtls, 120);
    tcase_add_checked_fixture(mtls, setup_mtls, teardown);
    tcase_add_test(mtls, test_certificate_reload);
    tcase_add_test(mtls, test_client_certificate);
    suite_add_tcase(s, mtls);
    return s;
}
