#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "rf_buf.h"
#include "router.h"

static enum rf_path_rc
parse(const char *raw, struct rf_req *req, char *norm, size_t normsz)
{
    memset(req, 0, sizeof *req);
    return rf_path_parse(raw, req, norm, normsz);
}

static const struct {
    const char *raw;
    const char *norm;
    size_t nseg;
} good_paths[] = {
    {"/redfish", "/redfish", 1},
    {"/redfish/", "/redfish", 1},
    {"/redfish/v1", "/redfish/v1/", 2},
    {"/redfish/v1/", "/redfish/v1/", 2},
    {"/redfish/v1/$metadata", "/redfish/v1/$metadata", 3},
    {"/redfish/v1/JsonSchemas/", "/redfish/v1/JsonSchemas", 3},
    {"/redfish/v1/Jobs/a%2Db", "/redfish/v1/Jobs/a-b", 4},
    {"/redfish/v1/Registries/Rfjobd/Rfjobd.1.0.0.json",
     "/redfish/v1/Registries/Rfjobd/Rfjobd.1.0.0.json", 5},
};

START_TEST(test_path_good)
{
    struct rf_req req;
    char norm[RF_PATH_MAX + 2];

    ck_assert_int_eq(parse(good_paths[_i].raw, &req, norm, sizeof norm), RF_PATH_OK);
    ck_assert_str_eq(req.path, good_paths[_i].norm);
    ck_assert_uint_eq(req.nseg, good_paths[_i].nseg);
}
END_TEST

static const char *const bad_paths[] = {
    "",
    "redfish/v1",
    "/redfish/v1/..",
    "/redfish/v1/../v1",
    "/redfish/./v1",
    "/redfish/v1/%2e%2e",
    "/redfish/v1/%2E%2E/x",
    "/redfish/v1/%2e",
    "//////",
    "/redfish//v1",
    "//redfish/v1",
    "/redfish/v1/a%2Fb",
    "/redfish/v1/a%5cb",
    "/redfish/v1/a%00b",
    "/redfish/v1/a%01b",
    "/redfish/v1/a%7f",
    "/redfish/v1/a\x01z",
    "/redfish/v1/a\x7fz",
    "/redfish/v1/a b",
    "/redfish/v1/a%zz",
    "/redfish/v1/a%4",
    "/redfish/v1/a%",
    "/redfish/v1/a\"b",
    "/redfish/v1/<script>",
    "/redfish/v1/\xc3\xa9",
    "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q",
};

START_TEST(test_path_bad)
{
    struct rf_req req;
    char norm[RF_PATH_MAX + 2];

    ck_assert_int_ne(parse(bad_paths[_i], &req, norm, sizeof norm), RF_PATH_OK);
}
END_TEST

START_TEST(test_path_long)
{
    struct rf_req req;
    char norm[RF_PATH_MAX + 2];
    char *raw = malloc(8193);
    char seg[RF_SEG_LEN_MAX + 2];

    ck_assert_ptr_nonnull(raw);
    raw[0] = '/';
    memset(raw + 1, 'a', 8191);
    raw[8192] = '\0';
    ck_assert_int_eq(parse(raw, &req, norm, sizeof norm), RF_PATH_TOO_LONG);
    /* A segment one byte over the limit is refused; one at the limit is not. */
    seg[0] = '/';
    memset(seg + 1, 'b', RF_SEG_LEN_MAX);
    seg[RF_SEG_LEN_MAX + 1] = '\0';
    ck_assert_int_eq(parse(seg, &req, norm, sizeof norm), RF_PATH_BAD);
    seg[RF_SEG_LEN_MAX] = '\0';
    ck_assert_int_eq(parse(seg, &req, norm, sizeof norm), RF_PATH_OK);
    /* The normalised path never overflows a small buffer. */
    ck_assert_int_ne(parse("/redfish/v1/JsonSchemas", &req, norm, 8), RF_PATH_OK);
    free(raw);
}
END_TEST

START_TEST(test_route_match)
{
    struct rf_req req;
    char norm[RF_PATH_MAX + 2];
    const struct rf_route *r;
    int exists;
    unsigned allow;

    ck_assert_int_eq(parse("/redfish/v1/JsonSchemas/ServiceRoot", &req, norm, sizeof norm),
                     RF_PATH_OK);
    r = rf_route_match(&req, RF_GET, &exists, &allow);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(r->path, "/redfish/v1/JsonSchemas/{}");
    ck_assert_uint_eq(req.nparams, 1);
    ck_assert_str_eq(req.params[0], "ServiceRoot");
    ck_assert_uint_eq(allow, RF_GET | RF_HEAD);

    r = rf_route_match(&req, RF_PATCH, &exists, &allow);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(exists, 1);

    ck_assert_int_eq(parse("/redfish/v1/SessionService/Sessions", &req, norm, sizeof norm),
                     RF_PATH_OK);
    r = rf_route_match(&req, RF_POST, &exists, &allow);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->priv.noauth, 1);
    ck_assert_uint_eq(allow, RF_GET | RF_HEAD | RF_POST);

    /* Matching is exact and case-sensitive. */
    ck_assert_int_eq(parse("/redfish/v1/jsonschemas", &req, norm, sizeof norm), RF_PATH_OK);
    ck_assert_ptr_null(rf_route_match(&req, RF_GET, &exists, &allow));
    ck_assert_int_eq(exists, 0);
    ck_assert_int_eq(parse("/redfish/v1/JsonSchemas/a/b/c", &req, norm, sizeof norm), RF_PATH_OK);
    ck_assert_ptr_null(rf_route_match(&req, RF_GET, &exists, &allow));
}
END_TEST

/* The browser UI's static files: the only routes outside /redfish. */
static int
ui_route(const struct rf_route *r)
{
    return r->method == RF_GET
           && (strcmp(r->path, "/") == 0 || strcmp(r->path, "/ui") == 0
               || strcmp(r->path, "/ui/{}") == 0);
}

/* Routes that DSP0266 lets anyone reach without credentials, and the UI's static files; nothing
 * else may be RF_NOAUTH. */
static int
noauth_allowed(const struct rf_route *r)
{
    static const char *const get_ok[] = {"/redfish", "/redfish/v1", "/redfish/v1/odata",
                                         "/redfish/v1/$metadata"};

    if (ui_route(r)) {
        return 1;
    }
    if (r->method == RF_GET) {
        for (size_t i = 0; i < sizeof get_ok / sizeof get_ok[0]; i++) {
            if (strcmp(r->path, get_ok[i]) == 0) {
                return 1;
            }
        }
        return 0;
    }
    return r->method == RF_POST
           && (strcmp(r->path, "/redfish/v1/SessionService/Sessions") == 0
               || strcmp(r->path, "/redfish/v1/SessionService/Sessions/Members") == 0);
}

START_TEST(test_route_table_invariants)
{
    ck_assert_uint_gt(rf_routes_count, 0);
    for (size_t i = 0; i < rf_routes_count; i++) {
        const struct rf_route *r = &rf_routes[i];
        int any = 0;

        ck_assert_msg(strncmp(r->path, "/redfish", 8) == 0 || ui_route(r), "%s", r->path);
        ck_assert_msg(r->handler != NULL, "%s has no handler", r->path);
        ck_assert_msg(strstr(r->path, "//") == NULL, "%s", r->path);
        ck_assert_msg(strcmp(r->path, "/") == 0 || r->path[strlen(r->path) - 1] != '/',
                      "%s ends in /", r->path);
        for (size_t k = 0; k < RF_PRIV_ALT; k++) {
            any |= r->priv.any_of[k] != 0;
        }
        ck_assert_msg(r->priv.noauth ? noauth_allowed(r) : any,
                      "%s: privilege requirement is wrong", r->path);
        for (size_t k = i + 1; k < rf_routes_count; k++) {
            ck_assert_msg(
                !(rf_routes[k].method == r->method && strcmp(rf_routes[k].path, r->path) == 0),
                "%s listed twice", r->path);
        }
    }
}
END_TEST

START_TEST(test_priv_ok)
{
    struct rf_privreq login = RF_NEED(RF_PRIV_LOGIN);
    struct rf_privreq both = RF_NEED(RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER);
    struct rf_privreq any = RF_NEED_ANY2(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_SELF);
    struct rf_privreq none = RF_NOAUTH;

    ck_assert(rf_priv_ok(&login, RF_PRIV_LOGIN));
    ck_assert(!rf_priv_ok(&login, 0));
    ck_assert(!rf_priv_ok(&both, RF_PRIV_LOGIN));
    ck_assert(rf_priv_ok(&both, RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER));
    ck_assert(rf_priv_ok(&any, RF_PRIV_CONFIGURE_SELF));
    ck_assert(rf_priv_ok(&any, RF_PRIV_CONFIGURE_MANAGER));
    ck_assert(!rf_priv_ok(&any, RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_USERS));
    ck_assert(rf_priv_ok(&none, 0));
}
END_TEST

START_TEST(test_query_check)
{
    char bad[64];

    ck_assert_int_eq(rf_query_check(NULL, 0, bad, sizeof bad), 0);
    ck_assert_int_eq(rf_query_check("", 0, bad, sizeof bad), 0);
    /* Unknown parameters without '$' are ignored. */
    ck_assert_int_eq(rf_query_check("foo=1&bar", 0, bad, sizeof bad), 0);
    ck_assert_int_eq(rf_query_check("$top=2", 0, bad, sizeof bad), -1);
    ck_assert_str_eq(bad, "$top");
    ck_assert_int_eq(rf_query_check("$top=2&$skip=1", RF_Q_TOP | RF_Q_SKIP, bad, sizeof bad), 0);
    ck_assert_int_eq(rf_query_check("x=1&$levels=3", RF_Q_TOP, bad, sizeof bad), -1);
    ck_assert_str_eq(bad, "$levels");
    ck_assert_int_eq(rf_query_check("only", 0, bad, sizeof bad), -1);
    ck_assert_str_eq(bad, "only");
    ck_assert_int_eq(rf_query_check("excerpt", RF_Q_EXCERPT, bad, sizeof bad), 0);
}
END_TEST

START_TEST(test_allow_string)
{
    char out[96];

    ck_assert_int_eq(rf_allow_string(RF_GET | RF_HEAD | RF_PATCH, out, sizeof out), 0);
    ck_assert_str_eq(out, "GET, HEAD, PATCH");
    ck_assert_int_eq(rf_allow_string(RF_POST, out, sizeof out), 0);
    ck_assert_str_eq(out, "POST");
    ck_assert_int_eq(rf_allow_string(RF_GET | RF_HEAD | RF_POST, out, 5), -1);
}
END_TEST

/* ---- the response on the wire --------------------------------------------------------------- */

/* A resource as a handler builds it. */
static cJSON *
resource(void)
{
    cJSON *j = cJSON_CreateObject();

    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_nonnull(cJSON_AddStringToObject(j, "@odata.id", "/redfish/v1/Things/1"));
    ck_assert_ptr_nonnull(cJSON_AddStringToObject(j, "@odata.type", "#Thing.v1_0_0.Thing"));
    ck_assert_ptr_nonnull(cJSON_AddStringToObject(j, "Name", "quote \" and \\ and \xc3\xa9"));
    ck_assert_ptr_nonnull(cJSON_AddNumberToObject(j, "Count", 3));
    return j;
}

/* The value of a header in a built response, or "" (bounded copy). */
static void
wire_header(const char *wire, const char *name, char *out, size_t outsz)
{
    char key[64];
    const char *p;
    const char *end = strstr(wire, "\r\n\r\n");

    out[0] = '\0';
    ck_assert_int_eq(rf_fmt(key, sizeof key, "\r\n%s: ", name), 0);
    p = strstr(wire, key);
    if (p == NULL || end == NULL || p > end) {
        return;
    }
    p += strlen(key);
    ck_assert_int_eq(rf_fmt(out, outsz, "%.*s", (int)strcspn(p, "\r"), p), 0);
}

static void
get_req(struct rf_req *req)
{
    memset(req, 0, sizeof *req);
    req->method = RF_GET;
    req->path = "/redfish/v1/Things/1";
}

START_TEST(test_response_one_buffer)
{
    struct rf_req req;
    struct rf_resp resp;
    struct rf_buf out;
    char h[128];
    char etag[64];
    const char *body;
    cJSON *j_plain = resource();
    char *plain = cJSON_PrintUnformatted(j_plain);
    cJSON *j_sent;

    get_req(&req);
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    resp.j_body = resource();
    rf_buf_init(&out, RF_RESPONSE_MAX);
    ck_assert_int_eq(rf_response_build(&req, &resp, RF_GET | RF_HEAD, 1, &out), 0);
    /* Status line, headers, blank line and body in one buffer: what the router writes once. */
    ck_assert_int_eq(strncmp(out.data, "HTTP/1.1 200 OK\r\n", 17), 0);
    body = strstr(out.data, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    body += 4;
    wire_header(out.data, "Content-Length", h, sizeof h);
    ck_assert_uint_eq(strtoul(h, NULL, 10), out.len - (size_t)(body - out.data));
    wire_header(out.data, "OData-Version", h, sizeof h);
    ck_assert_str_eq(h, "4.0");
    wire_header(out.data, "Connection", h, sizeof h);
    ck_assert_str_eq(h, "keep-alive");
    wire_header(out.data, "Allow", h, sizeof h);
    ck_assert_str_eq(h, "GET, HEAD");
    wire_header(out.data, "Link", h, sizeof h);
    ck_assert_str_eq(h, "<http://redfish.dmtf.org/schemas/v1/Thing.v1_0_0.json>; rel=describedby");
    wire_header(out.data, "Date", h, sizeof h);
    ck_assert_uint_gt(strlen(h), 20);
    wire_header(out.data, "ETag", etag, sizeof etag);
    ck_assert_uint_eq(strlen(etag), 34);
    /* The body is the resource with @odata.etag spliced in as its last member, the same bytes
     * cJSON prints for the tree with that member added; the ETag covers the text without it. */
    ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_plain, "@odata.etag", etag));
    {
        char *again = cJSON_PrintUnformatted(j_plain);

        ck_assert_str_eq(body, again);
        cJSON_free(again);
    }
    j_sent = cJSON_Parse(body);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j_sent, "@odata.etag")->valuestring, etag);
    cJSON_Delete(j_sent);
    ck_assert_uint_gt(strlen(plain), 10);

    /* HEAD: the same headers, no body. */
    req.is_head = 1;
    ck_assert_int_eq(rf_response_build(&req, &resp, RF_GET | RF_HEAD, 0, &out), 0);
    ck_assert_str_eq(strstr(out.data, "\r\n\r\n"), "\r\n\r\n");
    wire_header(out.data, "Connection", h, sizeof h);
    ck_assert_str_eq(h, "close");
    wire_header(out.data, "ETag", h, sizeof h);
    ck_assert_str_eq(h, etag);

    /* If-None-Match naming the ETag: 304 without a body. */
    req.is_head = 0;
    req.if_none_match = etag;
    ck_assert_int_eq(rf_response_build(&req, &resp, RF_GET | RF_HEAD, 1, &out), 0);
    ck_assert_int_eq(strncmp(out.data, "HTTP/1.1 304 Not Modified\r\n", 27), 0);
    ck_assert_str_eq(strstr(out.data, "\r\n\r\n"), "\r\n\r\n");
    wire_header(out.data, "Content-Type", h, sizeof h);
    ck_assert_str_eq(h, "");

    rf_buf_cleanup(&out);
    rf_resp_reset(&resp);
    cJSON_free(plain);
    cJSON_Delete(j_plain);
}
END_TEST

START_TEST(test_response_errors_and_extras)
{
    struct rf_req req;
    struct rf_resp resp;
    struct rf_buf out;
    char h[128];

    get_req(&req);
    req.method = RF_POST;
    memset(&resp, 0, sizeof resp);
    resp.status = 201;
    resp.j_body = resource();
    ck_assert_int_eq(rf_strlcpy(resp.location, "/redfish/v1/Things/1", sizeof resp.location), 0);
    ck_assert_int_eq(rf_resp_header(&resp, "X-Auth-Token", "tok"), 0);
    rf_buf_init(&out, RF_RESPONSE_MAX);
    ck_assert_int_eq(rf_response_build(&req, &resp, RF_POST, 1, &out), 0);
    ck_assert_int_eq(strncmp(out.data, "HTTP/1.1 201 Created\r\n", 22), 0);
    wire_header(out.data, "Location", h, sizeof h);
    ck_assert_str_eq(h, "/redfish/v1/Things/1");
    wire_header(out.data, "X-Auth-Token", h, sizeof h);
    ck_assert_str_eq(h, "tok");
    /* No ETag on anything but a GET of a resource, and the body untouched. */
    wire_header(out.data, "ETag", h, sizeof h);
    ck_assert_str_eq(h, "");
    ck_assert_ptr_null(strstr(out.data, "@odata.etag"));
    rf_resp_reset(&resp);

    resp.status = 401;
    ck_assert_int_eq(rf_response_build(&req, &resp, 0, 1, &out), 0);
    ck_assert_int_eq(strncmp(out.data, "HTTP/1.1 401 Unauthorized\r\n", 27), 0);
    wire_header(out.data, "WWW-Authenticate", h, sizeof h);
    ck_assert_str_eq(h, "Basic realm=\"rfjobd\", charset=\"UTF-8\"");
    wire_header(out.data, "Content-Length", h, sizeof h);
    ck_assert_str_eq(h, "0");

    /* A buffer too small for the response: an error, never a truncated response. */
    rf_buf_cleanup(&out);
    rf_buf_init(&out, 64);
    resp.status = 200;
    resp.j_body = resource();
    ck_assert_int_eq(rf_response_build(&req, &resp, 0, 1, &out), -1);
    rf_buf_cleanup(&out);
    rf_resp_reset(&resp);
}
END_TEST

/* ---- query options applied by the router ---------------------------------------------------- */

static struct app app;
static char dir[256];

static void
q_setup(void)
{
    struct auth_policy p = {1800, 64, 5, 300, 300, 1, 12, 128};
    struct job_service_opts o;
    char err[256];
    char data[300];

    memset(&app, 0, sizeof app);
    memcpy(app.uuid, "0b0a8e4c-1d2e-4f3a-9b8c-7d6e5f4a3b2c", APP_UUID_LEN);
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(rf_fmt(data, sizeof data, "%s/var", dir), 0);
    ck_assert_int_eq(db_open(data, &app.db, err, sizeof err), DB_OK);
    ck_assert_int_eq(audit_open(data, app.db, 100, &app.audit, err, sizeof err), 0);
    app.auth = auth_new(app.db, &p, app.audit);
    ck_assert_ptr_nonnull(app.auth);
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(store_mem_open(&app.job_store), JOB_OK);
    o.store = app.job_store;
    o.manual_housekeeping = true;
    ck_assert_int_eq(job_service_open(&o, &app.jobs), JOB_OK);
    app.jobs_enabled = 1;
}

static void
q_teardown(void)
{
    job_service_close(app.jobs);
    store_close(app.job_store);
    auth_free(app.auth);
    audit_close(app.audit);
    db_close(app.db);
    tdir_remove(dir);
}

/* GETs path?query through router_dispatch as a principal with privs (0: anonymous). Returns the
 * body (the caller deletes it) after checking the status. */
static cJSON *
q_get(const char *path, const char *query, rf_priv_t privs, int want_status)
{
    struct rf_req req;
    struct rf_resp resp;
    char norm[RF_PATH_MAX + 2];
    cJSON *j;

    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    ck_assert_int_eq(rf_path_parse(path, &req, norm, sizeof norm), RF_PATH_OK);
    req.app = &app;
    req.method = RF_GET;
    req.query = query;
    if (privs != 0) {
        req.who.authenticated = 1;
        req.who.privs = privs;
        ck_assert_int_eq(rf_strlcpy(req.who.user, "Administrator", sizeof req.who.user), 0);
    }
    router_dispatch(&req, &resp);
    ck_assert_msg(resp.status == want_status, "%s?%s: %d", path, query ? query : "", resp.status);
    j = resp.j_body;
    resp.j_body = NULL;
    rf_resp_reset(&resp);
    return j;
}

#define ADMIN (RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER | RF_PRIV_CONFIGURE_USERS)
#define ROLES "/redfish/v1/AccountService/Roles"

static const cJSON *
member(const cJSON *j, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "Members"), i);
}

static const char *
str_of(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int
count_of(const cJSON *j)
{
    return (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "Members@odata.count"));
}

START_TEST(test_query_top_skip)
{
    cJSON *j_all = q_get(ROLES, NULL, ADMIN, 200);
    cJSON *j = q_get(ROLES, "$skip=1&$top=1&unknown=1", ADMIN, 200);

    ck_assert_int_eq(count_of(j_all), 3);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 1);
    ck_assert_int_eq(count_of(j), 3); /* the total, not the page */
    ck_assert_str_eq(str_of(member(j, 0), "@odata.id"), str_of(member(j_all, 1), "@odata.id"));
    ck_assert_str_eq(str_of(j, "Members@odata.nextLink"), ROLES "?$skip=2&$top=1&unknown=1");
    cJSON_Delete(j);
    /* The last page has no next link; $skip past the end is an empty page. */
    j = q_get(ROLES, "$skip=1", ADMIN, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 2);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "Members@odata.nextLink"));
    cJSON_Delete(j);
    j = q_get(ROLES, "$skip=9", ADMIN, 200);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 0);
    ck_assert_int_eq(count_of(j), 3);
    cJSON_Delete(j);
    /* Bad values and unknown '$' options are refused before the handler runs. */
    cJSON_Delete(q_get(ROLES, "$top=-1", ADMIN, 400));
    cJSON_Delete(q_get(ROLES, "$nosuch=1", ADMIN, 501));
    cJSON_Delete(j_all);
}
END_TEST

START_TEST(test_query_filter_expand_select)
{
    cJSON *j = q_get(ROLES, "$filter=Id%20eq%20'ReadOnly'%20or%20Id%20eq%20'Operator'", ADMIN, 200);
    const cJSON *j_m;

    ck_assert_int_eq(count_of(j), 2);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")), 2);
    /* Filtered members stay references unless expanded. */
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(member(j, 0), "Id"));
    cJSON_Delete(j);

    j = q_get(ROLES, "$filter=Id%20eq%20'ReadOnly'&$expand=.&$select=Id", ADMIN, 200);
    ck_assert_int_eq(count_of(j), 1);
    j_m = member(j, 0);
    ck_assert_str_eq(str_of(j_m, "Id"), "ReadOnly");
    ck_assert_str_eq(str_of(j_m, "@odata.id"), ROLES "/ReadOnly");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j_m, "AssignedPrivileges"));
    cJSON_Delete(j);

    /* $select on a resource. */
    j = q_get("/redfish/v1/AccountService/Roles/Operator", "$select=RoleId", ADMIN, 200);
    ck_assert_str_eq(str_of(j, "RoleId"), "Operator");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "AssignedPrivileges"));
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_query_expand_kinds)
{
    cJSON *j = q_get("/redfish/v1/", "$expand=.", ADMIN, 200);
    const cJSON *j_links;

    /* ".": subordinate resources, not those under Links. */
    ck_assert_str_eq(str_of(cJSON_GetObjectItemCaseSensitive(j, "AccountService"), "Id"),
                     "AccountService");
    j_links = cJSON_GetObjectItemCaseSensitive(j, "Links");
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j_links, "Sessions"), "Members"));
    /* One level: the expanded AccountService keeps its own links as references. */
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "AccountService"),
                                         "Accounts"),
        "Members"));
    cJSON_Delete(j);

    /* "~": only those under Links. */
    j = q_get("/redfish/v1/", "$expand=~", ADMIN, 200);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "AccountService"), "Id"));
    ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "Links"), "Sessions"),
        "Members"));
    cJSON_Delete(j);

    /* "*" with two levels: the roles collection inside the AccountService is expanded too. */
    j = q_get("/redfish/v1/AccountService", "$expand=*($levels=2)", ADMIN, 200);
    ck_assert_str_eq(str_of(member(cJSON_GetObjectItemCaseSensitive(j, "Roles"), 0), "RoleId"),
                     "Administrator");
    cJSON_Delete(j);
    cJSON_Delete(q_get("/redfish/v1/", "$expand=*($levels=9)", ADMIN, 501));

    /* Links are read as the requester: an anonymous one keeps references. */
    j = q_get("/redfish/v1/", "$expand=*", 0, 200);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "AccountService"), "Id"));
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_query_only_and_excerpt)
{
    /* only: the Managers collection has one member, which is returned instead. */
    cJSON *j = q_get("/redfish/v1/Managers", "only", ADMIN, 200);

    ck_assert_str_eq(str_of(j, "@odata.id"), "/redfish/v1/Managers/rfjobd");
    cJSON_Delete(j);
    /* Several members: the collection. */
    j = q_get(ROLES, "only", ADMIN, 200);
    ck_assert_int_eq(count_of(j), 3);
    cJSON_Delete(j);
    cJSON_Delete(q_get(ROLES, "only=foo", ADMIN, 400));
    cJSON_Delete(q_get(ROLES, "only&$top=1", ADMIN, 400));
    /* excerpt on a resource that defines none: the whole resource; a value is an error. */
    j = q_get("/redfish/v1/", "excerpt", 0, 200);
    ck_assert_str_eq(str_of(j, "Id"), "RootService");
    cJSON_Delete(j);
    cJSON_Delete(q_get("/redfish/v1/", "excerpt=foo", 0, 400));
}
END_TEST

START_TEST(test_query_route_own_options)
{
    /* The Jobs collection implements $top itself: the router does not page it again. */
    cJSON *j = q_get("/redfish/v1/JobService/Jobs", "$top=1", ADMIN, 200);

    ck_assert_int_eq(count_of(j), 0);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "Members@odata.nextLink"));
    cJSON_Delete(j);
    /* Non-GET routes accept no query option. */
    {
        struct rf_req req;
        struct rf_resp resp;
        char norm[RF_PATH_MAX + 2];

        memset(&req, 0, sizeof req);
        memset(&resp, 0, sizeof resp);
        ck_assert_int_eq(
            rf_path_parse("/redfish/v1/SessionService/Sessions/x", &req, norm, sizeof norm),
            RF_PATH_OK);
        req.app = &app;
        req.method = RF_DELETE;
        req.query = "$top=1";
        req.who.authenticated = 1;
        req.who.privs = ADMIN;
        router_dispatch(&req, &resp);
        ck_assert_int_eq(resp.status, 501);
        rf_resp_reset(&resp);
    }
}
END_TEST

Suite *
router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *paths = tcase_create("paths");
    TCase *routes = tcase_create("routes");
    TCase *wire = tcase_create("wire");
    TCase *query = tcase_create("query");

    tcase_set_timeout(paths, 10);
    tcase_add_loop_test(paths, test_path_good, 0, (int)(sizeof good_paths / sizeof good_paths[0]));
    tcase_add_loop_test(paths, test_path_bad, 0, (int)(sizeof bad_paths / sizeof bad_paths[0]));
    tcase_add_test(paths, test_path_long);
    suite_add_tcase(s, paths);
    tcase_set_timeout(routes, 10);
    tcase_add_test(routes, test_route_match);
    tcase_add_test(routes, test_route_table_invariants);
    tcase_add_test(routes, test_priv_ok);
    tcase_add_test(routes, test_query_check);
    tcase_add_test(routes, test_allow_string);
    suite_add_tcase(s, routes);

    tcase_set_timeout(wire, 10);
    tcase_add_test(wire, test_response_one_buffer);
    tcase_add_test(wire, test_response_errors_and_extras);
    suite_add_tcase(s, wire);
    tcase_set_timeout(query, 30);
    tcase_add_checked_fixture(query, q_setup, q_teardown);
    tcase_add_test(query, test_query_top_skip);
    tcase_add_test(query, test_query_filter_expand_select);
    tcase_add_test(query, test_query_expand_kinds);
    tcase_add_test(query, test_query_only_and_excerpt);
    tcase_add_test(query, test_query_route_own_options);
    suite_add_tcase(s, query);
    return s;
}
