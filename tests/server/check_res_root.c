/* Handler tests: the res_* functions called directly with a built request, no server. */
#include <stdio.h>
#include <string.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_embedded.h"
#include "router.h"

static struct app app;
static char dir[256];

static void
setup(void)
{
    struct auth_policy p = {1800, 64, 5, 300, 300, 1, 12, 128};
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
    {
        struct job_service_opts o;
        memset(&o, 0, sizeof o);
        ck_assert_int_eq(store_mem_open(&app.job_store), JOB_OK);
        o.store = app.job_store;
        o.manual_housekeeping = true;
        ck_assert_int_eq(job_service_open(&o, &app.jobs), JOB_OK);
        app.jobs_enabled = 1;
    }
}

static void
teardown(void)
{
    job_service_close(app.jobs);
    store_close(app.job_store);
    auth_free(app.auth);
    audit_close(app.audit);
    db_close(app.db);
    tdir_remove(dir);
}

/* Calls a handler for path through the route table, as an administrator. */
static cJSON *
get(const char *path, int want_status)
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
    req.who.authenticated = 1;
    req.who.privs = RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_MANAGER;
    router_dispatch(&req, &resp);
    ck_assert_int_eq(resp.status, want_status);
    j = resp.j_body;
    resp.j_body = NULL;
    rf_resp_reset(&resp);
    return j;
}

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *
link_of(const cJSON *j, const char *name)
{
    return str(cJSON_GetObjectItemCaseSensitive(j, name), "@odata.id");
}

START_TEST(test_service_root)
{
    cJSON *j = get("/redfish/v1/", 200);
    const cJSON *j_pf;

    ck_assert_str_eq(str(j, "@odata.id"), "/redfish/v1/");
    ck_assert_str_eq(str(j, "@odata.type"), "#ServiceRoot.v1_20_0.ServiceRoot");
    ck_assert_str_eq(str(j, "RedfishVersion"), RF_REDFISH_VERSION);
    ck_assert_str_eq(str(j, "UUID"), app.uuid);
    ck_assert_str_eq(link_of(j, "JsonSchemas"), "/redfish/v1/JsonSchemas");
    ck_assert_str_eq(link_of(j, "Registries"), "/redfish/v1/Registries");
    ck_assert_str_eq(link_of(cJSON_GetObjectItemCaseSensitive(j, "Links"), "Sessions"),
                     "/redfish/v1/SessionService/Sessions");
    /* Links.Sessions and SessionService.Sessions are the same URI. */
    cJSON *j_ss = get(link_of(j, "SessionService"), 200);
    ck_assert_str_eq(link_of(j_ss, "Sessions"), "/redfish/v1/SessionService/Sessions");
    cJSON_Delete(j_ss);
    /* The query options every GET accepts (the router applies those a route does not implement;
     * check_router.c tests them); deep operations are not implemented and not claimed. */
    j_pf = cJSON_GetObjectItemCaseSensitive(j, "ProtocolFeaturesSupported");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_pf, "FilterQuery")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_pf, "SelectQuery")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_pf, "TopSkipQuery")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_pf, "OnlyMemberQuery")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_pf, "ExcerptQuery")));
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j_pf, "ExpandQuery"), "ExpandAll")));
    ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(j_pf, "ExpandQuery"), "MaxLevels")),
                     3);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j_pf, "DeepOperations"), "DeepPATCH")));
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_versions_and_odata)
{
    cJSON *j = get("/redfish", 200);
    const cJSON *j_v;
    int n;

    ck_assert_int_eq(cJSON_GetArraySize(j), 1);
    ck_assert_str_eq(str(j, "v1"), "/redfish/v1/");
    cJSON_Delete(j);

    j = get("/redfish/v1/odata", 200);
    ck_assert_str_eq(str(j, "@odata.context"), "/redfish/v1/$metadata");
    j_v = cJSON_GetObjectItemCaseSensitive(j, "value");
    n = cJSON_GetArraySize(j_v);
    ck_assert_int_ge(n, 2);
    ck_assert_str_eq(str(cJSON_GetArrayItem(j_v, 0), "url"), "/redfish/v1/");
    /* Every entry resolves to a resource this service serves. */
    for (int i = 1; i < n; i++) {
        cJSON *j_r = get(str(cJSON_GetArrayItem(j_v, i), "url"), 200);

        cJSON_Delete(j_r);
    }
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_metadata_lists_every_type_served)
{
    const struct rf_embedded *f = rf_embedded_find("metadata.xml");
    cJSON *j_coll = get("/redfish/v1/JsonSchemas", 200);
    const cJSON *j_m;

    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr((const char *)f->data, "<edmx:Edmx"));
    ck_assert_ptr_nonnull(strstr((const char *)f->data, "EntityContainer"));
    /* Every schema in JsonSchemas has its versioned namespace referenced by $metadata. */
    cJSON_ArrayForEach(j_m, cJSON_GetObjectItemCaseSensitive(j_coll, "Members"))
    {
        cJSON *j_s = get(str(j_m, "@odata.id"), 200);
        const char *schema = str(j_s, "Schema");
        char ns[128];
        char needle[160];
        const char *dot = strrchr(schema, '.');

        ck_assert_ptr_nonnull(dot);
        ck_assert_int_lt((int)(dot - schema), (int)sizeof ns);
        memcpy(ns, schema + 1, (size_t)(dot - schema - 1));
        ns[dot - schema - 1] = '\0';
        snprintf(needle, sizeof needle, "Namespace=\"%s\"", ns);
        ck_assert_msg(strstr((const char *)f->data, needle) != NULL, "$metadata lacks %s", ns);
        cJSON_Delete(j_s);
    }
    cJSON_Delete(j_coll);
}
END_TEST

START_TEST(test_registries)
{
    cJSON *j = get("/redfish/v1/Registries", 200);
    cJSON *j_r;
    cJSON *j_file;
    const cJSON *j_loc;

    ck_assert_int_eq(
        (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "Members@odata.count")),
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Members")));
    cJSON_Delete(j);
    j_r = get("/redfish/v1/Registries/Base", 200);
    j_loc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j_r, "Location"), 0);
    ck_assert_str_eq(str(j_loc, "PublicationUri"),
                     "http://redfish.dmtf.org/registries/Base.1.22.1.json");
    cJSON_Delete(j_r);
    /* Our OEM registry is hosted here, and its file is a real MessageRegistry. */
    j_r = get("/redfish/v1/Registries/Rfjobd", 200);
    j_loc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j_r, "Location"), 0);
    j_file = get(str(j_loc, "Uri"), 200);
    ck_assert_str_eq(str(j_file, "RegistryPrefix"), "Rfjobd");
    ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(j_file, "Messages"));
    cJSON_Delete(j_file);
    cJSON_Delete(j_r);
    cJSON_Delete(get("/redfish/v1/Registries/Nope", 404));
    cJSON_Delete(get("/redfish/v1/Registries/Base/Base.1.22.1.json", 404));
    cJSON_Delete(get("/redfish/v1/JsonSchemas/Nope", 404));
}
END_TEST

Suite *
res_root_suite(void)
{
    Suite *s = suite_create("res_root");
    TCase *tc = tcase_create("resources");

    tcase_set_timeout(tc, 10);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_service_root);
    tcase_add_test(tc, test_versions_and_odata);
    tcase_add_test(tc, test_metadata_lists_every_type_served);
    tcase_add_test(tc, test_registries);
    suite_add_tcase(s, tc);
    return s;
}
