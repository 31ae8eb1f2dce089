/* Integration: the real server, started in the test process on an ephemeral port with a
 * certificate made at test time, spoken to over HTTPS by a real TLS client. */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "auth.h"
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
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = 4;
    cfg.max_body = 4096;
    cfg.log_level = LOG_LEVEL_ERROR;
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
    start(ADMIN_PW);
    add_account("reader", "ReadOnly", "reader-pass-1");
    add_account("nobody", "NoSuchRole", "nobody-pass-1");
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin_auth, sizeof admin_auth),
                     0);
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

    req("GET", "/redfish/v1/JsonSchemas?$top=2", admin_auth, NULL, &r);
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

    memcpy(uuid, app->uuid, sizeof uuid);
    app_stop(app);
    app = NULL;
    start(NULL);
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

Suite *
https_suite(void)
{
    Suite *s = suite_create("https");
    TCase *tc = tcase_create("https");
    TCase *hostile_tc = tcase_create("hostile");
    TCase *lifecycle = tcase_create("lifecycle");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_service_root_without_credentials);
    tcase_add_test(tc, test_protected_route_needs_credentials);
    tcase_add_test(tc, test_error_statuses);
    tcase_add_test(tc, test_head_and_conditional_get);
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
    return s;
}
