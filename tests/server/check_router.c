#include <stdlib.h>
#include <string.h>

#include "../suites.h"
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

/* Routes that DSP0266 lets anyone reach without credentials; nothing else may be RF_NOAUTH. */
static int
noauth_allowed(const struct rf_route *r)
{
    static const char *const get_ok[] = {"/redfish", "/redfish/v1", "/redfish/v1/odata",
                                         "/redfish/v1/$metadata"};

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

        ck_assert_msg(strncmp(r->path, "/redfish", 8) == 0, "%s", r->path);
        ck_assert_msg(r->handler != NULL, "%s has no handler", r->path);
        ck_assert_msg(strstr(r->path, "//") == NULL, "%s", r->path);
        ck_assert_msg(r->path[strlen(r->path) - 1] != '/', "%s ends in /", r->path);
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

Suite *
router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *paths = tcase_create("paths");
    TCase *routes = tcase_create("routes");

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
    return s;
}
