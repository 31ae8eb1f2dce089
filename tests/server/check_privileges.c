/* The route table against DMTF's privilege registry: every row's privileges must be exactly
 * the registry's OperationMap entry (plus its PropertyOverrides, and any SubordinateOverrides
 * whose targets all appear above the resource) for the row's resource type and method. Rows
 * are mapped to resource types by path; a new row with an unmapped path fails the test, so a
 * new resource family must be added to entity_map below. The registry file's path comes from
 * CMake (RF_PRIVILEGE_REGISTRY). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../suites.h"
#include "auth.h"
#include "router.h"

#ifndef RF_PRIVILEGE_REGISTRY
#error "RF_PRIVILEGE_REGISTRY must name the privilege registry JSON file"
#endif

/* Path template -> registry Entity. Jobs, tasks and events are mapped ahead of their routes. */
static const struct {
    const char *tpl;
    const char *entity;
} entity_map[] = {
    {"/redfish/v1", "ServiceRoot"},
    {"/redfish/v1/JsonSchemas", "JsonSchemaFileCollection"},
    {"/redfish/v1/JsonSchemas/{}", "JsonSchemaFile"},
    {"/redfish/v1/Schemas/{}", "JsonSchemaFile"},
    {"/redfish/v1/Registries", "MessageRegistryFileCollection"},
    {"/redfish/v1/Registries/{}", "MessageRegistryFile"},
    {"/redfish/v1/Registries/{}/{}", "MessageRegistry"},
    {"/redfish/v1/SessionService", "SessionService"},
    {"/redfish/v1/SessionService/Sessions", "SessionCollection"},
    {"/redfish/v1/SessionService/Sessions/{}", "Session"},
    {"/redfish/v1/AccountService", "AccountService"},
    {"/redfish/v1/AccountService/Accounts", "ManagerAccountCollection"},
    {"/redfish/v1/AccountService/Accounts/{}", "ManagerAccount"},
    {"/redfish/v1/AccountService/Roles", "RoleCollection"},
    {"/redfish/v1/AccountService/Roles/{}", "Role"},
    {"/redfish/v1/Managers", "ManagerCollection"},
    {"/redfish/v1/Managers/{}", "Manager"},
    {"/redfish/v1/Managers/{}/LogServices", "LogServiceCollection"},
    {"/redfish/v1/Managers/{}/LogServices/{}", "LogService"},
    {"/redfish/v1/Managers/{}/LogServices/{}/Entries", "LogEntryCollection"},
    {"/redfish/v1/Managers/{}/LogServices/{}/Entries/{}", "LogEntry"},
    {"/redfish/v1/JobService", "JobService"},
    {"/redfish/v1/JobService/Jobs", "JobCollection"},
    {"/redfish/v1/JobService/Jobs/{}", "Job"},
    {"/redfish/v1/JobService/Jobs/{}/{}", "ActionInfo"},
    {"/redfish/v1/JobService/Jobs/{}/Steps", "JobCollection"},
    {"/redfish/v1/JobService/Jobs/{}/Steps/{}", "Job"},
    {"/redfish/v1/JobService/Documents", "JobDocumentCollection"},
    {"/redfish/v1/JobService/Documents/{}", "JobDocument"},
    {"/redfish/v1/JobService/Documents/{}/{}", "ActionInfo"},
    {"/redfish/v1/JobService/Executors", "JobExecutorCollection"},
    {"/redfish/v1/JobService/Executors/{}", "JobExecutor"},
    {"/redfish/v1/JobService/Log", "LogService"},
    {"/redfish/v1/JobService/Log/Entries", "LogEntryCollection"},
    {"/redfish/v1/JobService/Log/Entries/{}", "LogEntry"},
    {"/redfish/v1/TaskService", "TaskService"},
    {"/redfish/v1/TaskService/Tasks", "TaskCollection"},
    {"/redfish/v1/TaskService/Tasks/{}", "Task"},
    {"/redfish/v1/EventService", "EventService"},
    {"/redfish/v1/EventService/SSE", "EventService"},
    {"/redfish/v1/EventService/Subscriptions", "EventDestinationCollection"},
    {"/redfish/v1/EventService/Subscriptions/{}", "EventDestination"},
};

/* What DSP0266 serves without credentials, whatever the registry says. */
static const struct {
    enum rf_method m;
    const char *path;
} noauth_ok[] = {
    {RF_GET, "/redfish"},
    {RF_GET, "/redfish/v1"},
    {RF_GET, "/redfish/v1/odata"},
    {RF_GET, "/redfish/v1/$metadata"},
    {RF_POST, "/redfish/v1/SessionService/Sessions"},
    {RF_POST, "/redfish/v1/SessionService/Sessions/Members"},
};

/* Paths outside the Redfish tree: the browser UI's static files, which hold no data and so have
 * no registry entity. Only GET (and HEAD) without authentication; every data request the page
 * makes is a Redfish request checked above. */
static const char *const static_ok[] = {"/", "/ui", "/ui/{}"};

static int
is_static_path(const char *path)
{
    for (size_t i = 0; i < sizeof static_ok / sizeof static_ok[0]; i++) {
        if (strcmp(static_ok[i], path) == 0) {
            return 1;
        }
    }
    return 0;
}

static cJSON *j_registry;

static void
setup(void)
{
    FILE *f = fopen(RF_PRIVILEGE_REGISTRY, "rb");
    char *text;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", RF_PRIVILEGE_REGISTRY);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
    text = malloc((size_t)n);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    j_registry = cJSON_ParseWithLength(text, (size_t)n);
    free(text);
    ck_assert_ptr_nonnull(j_registry);
}

static void
teardown(void)
{
    cJSON_Delete(j_registry);
    j_registry = NULL;
}

static const char *
entity_of(const char *tpl)
{
    for (size_t i = 0; i < sizeof entity_map / sizeof entity_map[0]; i++) {
        if (strcmp(entity_map[i].tpl, tpl) == 0) {
            return entity_map[i].entity;
        }
    }
    return NULL;
}

/* The resource a row acts on: "/Members" (a POST to a collection) and "/Actions/<name>" (an
 * action on the resource) are stripped. Writes the template into out. */
static void
resource_template(const char *path, char *out, size_t outsz)
{
    const char *act = strstr(path, "/Actions/");
    size_t n = act != NULL ? (size_t)(act - path) : strlen(path);
    static const char members[] = "/Members";

    ck_assert_uint_lt(n, outsz);
    memcpy(out, path, n);
    out[n] = '\0';
    if (n > sizeof members - 1 && strcmp(out + n - (sizeof members - 1), members) == 0) {
        out[n - (sizeof members - 1)] = '\0';
    }
}

static const char *
method_name(enum rf_method m)
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
    return "?";
}

static rf_priv_t
priv_bit(const char *name)
{
    for (size_t i = 0; auth_priv_name(i) != NULL; i++) {
        if (strcmp(auth_priv_name(i), name) == 0) {
            return 1u << i;
        }
    }
    ck_abort_msg("privilege %s is not known to the service", name);
    return 0;
}

/* Adds the alternatives of an operation list ([{"Privilege": [...]}, ...]) to set; NoAuth sets
 * *noauth. */
static void
collect(const cJSON *j_ops, rf_priv_t *set, size_t *n, size_t max, int *noauth)
{
    const cJSON *j_alt;

    cJSON_ArrayForEach(j_alt, j_ops)
    {
        const cJSON *j_p;
        rf_priv_t mask = 0;
        int is_noauth = 0;

        cJSON_ArrayForEach(j_p, cJSON_GetObjectItemCaseSensitive(j_alt, "Privilege"))
        {
            ck_assert(cJSON_IsString(j_p));
            if (strcmp(j_p->valuestring, "NoAuth") == 0) {
                is_noauth = 1;
            } else {
                mask |= priv_bit(j_p->valuestring);
            }
        }
        if (is_noauth) {
            *noauth = 1;
            continue;
        }
        for (size_t i = 0; i < *n; i++) {
            if (set[i] == mask) {
                mask = 0;
            }
        }
        if (mask != 0) {
            ck_assert_uint_lt(*n, max);
            set[(*n)++] = mask;
        }
    }
}

static const cJSON *
mapping_of(const char *entity)
{
    const cJSON *j_m;

    cJSON_ArrayForEach(j_m, cJSON_GetObjectItemCaseSensitive(j_registry, "Mappings"))
    {
        const cJSON *j_e = cJSON_GetObjectItemCaseSensitive(j_m, "Entity");

        if (cJSON_IsString(j_e) && strcmp(j_e->valuestring, entity) == 0) {
            return j_m;
        }
    }
    return NULL;
}

/* Do all of an override's Targets appear among the entities above tpl? */
static int
targets_above(const cJSON *j_targets, const char *tpl)
{
    const cJSON *j_t;

    cJSON_ArrayForEach(j_t, j_targets)
    {
        char prefix[RF_PATH_MAX];
        int found = 0;

        ck_assert_int_lt((int)strlen(tpl), (int)sizeof prefix);
        memcpy(prefix, tpl, strlen(tpl) + 1);
        for (char *slash = strrchr(prefix, '/'); slash != NULL && slash != prefix;
             slash = strrchr(prefix, '/')) {
            const char *e;

            *slash = '\0';
            e = entity_of(prefix);
            if (e != NULL && strcmp(e, j_t->valuestring) == 0) {
                found = 1;
            }
        }
        if (!found) {
            return 0;
        }
    }
    return 1;
}

START_TEST(test_routes_follow_the_registry)
{
    for (size_t r = 0; r < rf_routes_count; r++) {
        const struct rf_route *route = &rf_routes[r];
        const char *m = method_name(route->method);
        char tpl[RF_PATH_MAX];
        const char *entity;
        const cJSON *j_map;
        const cJSON *j_o;
        rf_priv_t want[8];
        size_t nwant = 0;
        int noauth = 0;
        size_t nhave = 0;

        if (strcmp(route->path, "/redfish") != 0 && strncmp(route->path, "/redfish/", 9) != 0) {
            ck_assert_msg(is_static_path(route->path),
                          "%s %s: outside /redfish, only the UI's static files may be routed", m,
                          route->path);
            ck_assert_msg(route->method == RF_GET && route->priv.noauth,
                          "%s %s: a static file is GET without authentication only", m,
                          route->path);
            continue;
        }
        ck_assert_msg(!is_static_path(route->path), "%s is exempt but in the Redfish tree",
                      route->path);
        if (route->priv.noauth) {
            int ok = 0;

            for (size_t i = 0; i < sizeof noauth_ok / sizeof noauth_ok[0]; i++) {
                ok |=
                    noauth_ok[i].m == route->method && strcmp(noauth_ok[i].path, route->path) == 0;
            }
            ck_assert_msg(ok, "%s %s needs no authentication, which DSP0266 does not allow", m,
                          route->path);
            continue;
        }
        resource_template(route->path, tpl, sizeof tpl);
        entity = entity_of(tpl);
        ck_assert_msg(entity != NULL, "%s %s: no registry entity is mapped for %s", m, route->path,
                      tpl);
        j_map = mapping_of(entity);
        ck_assert_msg(j_map != NULL, "the registry has no entity %s", entity);
        collect(cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(j_map, "OperationMap"), m),
                want, &nwant, 8, &noauth);
        cJSON_ArrayForEach(j_o, cJSON_GetObjectItemCaseSensitive(j_map, "SubordinateOverrides"))
        {
            if (targets_above(cJSON_GetObjectItemCaseSensitive(j_o, "Targets"), tpl)) {
                nwant = 0;
                collect(cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(j_o, "OperationMap"), m),
                        want, &nwant, 8, &noauth);
            }
        }
        cJSON_ArrayForEach(j_o, cJSON_GetObjectItemCaseSensitive(j_map, "PropertyOverrides"))
        {
            collect(cJSON_GetObjectItemCaseSensitive(
                        cJSON_GetObjectItemCaseSensitive(j_o, "OperationMap"), m),
                    want, &nwant, 8, &noauth);
        }
        ck_assert_msg(nwant > 0, "%s %s: the registry has no %s for %s", m, route->path, m, entity);
        for (size_t i = 0; i < RF_PRIV_ALT; i++) {
            rf_priv_t have = route->priv.any_of[i];
            int listed = 0;

            if (have == 0) {
                continue;
            }
            nhave++;
            for (size_t k = 0; k < nwant; k++) {
                listed |= want[k] == have;
            }
            ck_assert_msg(listed, "%s %s: alternative 0x%x is not in the registry's %s %s", m,
                          route->path, have, entity, m);
        }
        ck_assert_msg(nhave == nwant, "%s %s: %zu alternatives, the registry's %s %s has %zu", m,
                      route->path, nhave, entity, m, nwant);
    }
}
END_TEST

/* Every exempt static path is routed, so the exemption list cannot outgrow the table. */
START_TEST(test_static_paths_are_routed)
{
    for (size_t i = 0; i < sizeof static_ok / sizeof static_ok[0]; i++) {
        int found = 0;

        for (size_t r = 0; r < rf_routes_count; r++) {
            found |= strcmp(rf_routes[r].path, static_ok[i]) == 0;
        }
        ck_assert_msg(found, "%s is exempt but has no route", static_ok[i]);
    }
}
END_TEST

START_TEST(test_roles_use_registry_privileges)
{
    const cJSON *j_used = cJSON_GetObjectItemCaseSensitive(j_registry, "PrivilegesUsed");
    const cJSON *j_p;
    rf_priv_t all = 0;

    cJSON_ArrayForEach(j_p, j_used)
    {
        all |= priv_bit(j_p->valuestring);
    }
    for (size_t i = 0; i < auth_role_count(); i++) {
        rf_priv_t p = auth_role_privileges(auth_role_name(i));

        ck_assert_uint_ne(p, 0);
        ck_assert_uint_eq(p & ~all, 0);
    }
}
END_TEST

Suite *
privileges_suite(void)
{
    Suite *s = suite_create("privileges");
    TCase *tc = tcase_create("registry");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_routes_follow_the_registry);
    tcase_add_test(tc, test_static_paths_are_routed);
    tcase_add_test(tc, test_roles_use_registry_privileges);
    suite_add_tcase(s, tc);
    return s;
}
