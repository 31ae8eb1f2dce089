/* /redfish/v1/JsonSchemas, /redfish/v1/Registries and the schema and registry files this
 * service defines itself. Standard DMTF schemas and registries are not copied: their entries
 * point at DMTF's published URIs. */
#include <string.h>

#include "res.h"
#include "rf_buf.h"
#include "rf_embedded.h"
#include "rf_msg.h"

#define DMTF_SCHEMAS "http://redfish.dmtf.org/schemas/v1/"
#define DMTF_REGISTRIES "http://redfish.dmtf.org/registries/"

/* Every schema whose resources this service serves. local_file names a file hosted under
 * /redfish/v1/Schemas/ instead of a DMTF publication. */
static const struct schema_entry {
    const char *id;   /* member Id */
    const char *ns;   /* namespace of @odata.type: "ServiceRoot.v1_20_0" */
    const char *type; /* entity type: "ServiceRoot" */
    const char *local_file;
} schemas[] = {
    {"ServiceRoot", "ServiceRoot.v1_20_0", "ServiceRoot", NULL},
    {"JsonSchemaFileCollection", "JsonSchemaFileCollection", "JsonSchemaFileCollection", NULL},
    {"JsonSchemaFile", "JsonSchemaFile.v1_1_5", "JsonSchemaFile", NULL},
    {"MessageRegistryFileCollection", "MessageRegistryFileCollection",
     "MessageRegistryFileCollection", NULL},
    {"MessageRegistryFile", "MessageRegistryFile.v1_1_5", "MessageRegistryFile", NULL},
    {"MessageRegistry", "MessageRegistry.v1_7_0", "MessageRegistry", NULL},
    {"SessionService", "SessionService.v1_2_0", "SessionService", NULL},
    {"SessionCollection", "SessionCollection", "SessionCollection", NULL},
    {"Session", "Session.v1_8_0", "Session", NULL},
    {"AccountService", "AccountService.v1_18_1", "AccountService", NULL},
    {"ManagerAccountCollection", "ManagerAccountCollection", "ManagerAccountCollection", NULL},
    {"ManagerAccount", "ManagerAccount.v1_14_1", "ManagerAccount", NULL},
    {"RoleCollection", "RoleCollection", "RoleCollection", NULL},
    {"Role", "Role.v1_3_3", "Role", NULL},
    {"ManagerCollection", "ManagerCollection", "ManagerCollection", NULL},
    {"Manager", "Manager.v1_24_0", "Manager", NULL},
    {"LogServiceCollection", "LogServiceCollection", "LogServiceCollection", NULL},
    {"LogService", "LogService.v1_9_0", "LogService", NULL},
    {"LogEntryCollection", "LogEntryCollection", "LogEntryCollection", NULL},
    {"LogEntry", "LogEntry.v1_21_0", "LogEntry", NULL},
    {"JobService", "JobService.v1_1_0", "JobService", NULL},
    {"JobCollection", "JobCollection", "JobCollection", NULL},
    {"Job", "Job.v1_3_0", "Job", NULL},
    {"ActionInfo", "ActionInfo.v1_5_0", "ActionInfo", NULL},
    {"Schedule", "Schedule.v1_2_5", "Schedule", NULL},
    {"Message", "Message.v1_3_0", "Message", NULL},
    {"EventService", "EventService.v1_12_0", "EventService", NULL},
    {"EventDestinationCollection", "EventDestinationCollection", "EventDestinationCollection",
     NULL},
    {"EventDestination", "EventDestination.v1_16_0", "EventDestination", NULL},
    {"Event", "Event.v1_13_0", "Event", NULL},
    {"RfjobdJob", "RfjobdJob.v1_0_0", "Job", "RfjobdJob.v1_0_0.json"},
};

/* Files served under /redfish/v1/Schemas/, with their media types. */
static const struct {
    const char *name;
    const char *content_type;
} schema_files[] = {
    {"RfjobdJob_v1.xml", "application/xml; charset=utf-8"},
    {"RfjobdJob.v1_0_0.json", "application/json; charset=utf-8"},
};

static const struct registry_entry {
    const char *id;       /* member Id: the registry prefix */
    const char *full;     /* "Base.1.22.1" */
    const char *registry; /* "Base.1.22" */
    int local;            /* hosted here as /redfish/v1/Registries/<id>/<full>.json */
} registries[] = {
    {"Base", "Base.1.22.1", "Base.1.22", 0},
    {"JobEvent", "JobEvent.1.1.1", "JobEvent.1.1", 0},
    {"Rfjobd", "Rfjobd.1.0.0", "Rfjobd.1.0", 1},
};

#define N_SCHEMAS (sizeof schemas / sizeof schemas[0])
#define N_REGISTRIES (sizeof registries / sizeof registries[0])

static void
not_found(struct rf_resp *resp, const char *type, const char *id)
{
    char echo[RF_SEG_LEN_MAX];

    if (rf_strlcpy(echo, id, sizeof echo) != 0) {
        echo[0] = '\0';
    }
    rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, type, echo);
}

void
res_schemas_collection(struct rf_req *req, struct rf_resp *resp)
{
    char uris[N_SCHEMAS][RF_URI_MAX];
    const char *p[N_SCHEMAS];

    (void)req;
    for (size_t i = 0; i < N_SCHEMAS; i++) {
        if (rf_fmt(uris[i], sizeof uris[i], "/redfish/v1/JsonSchemas/%s", schemas[i].id) != 0) {
            rf_res_reply(resp, NULL);
            return;
        }
        p[i] = uris[i];
    }
    rf_res_reply(resp, rf_res_collection("/redfish/v1/JsonSchemas",
                                         "#JsonSchemaFileCollection.JsonSchemaFileCollection",
                                         "JSON Schema File Collection", p, N_SCHEMAS));
}

/* Adds Languages ["en"] and a one-element Location array: {Language, key: value}. */
static int
add_location(cJSON *j, const char *key, const char *value)
{
    cJSON *j_langs = cJSON_AddArrayToObject(j, "Languages");
    cJSON *j_en = cJSON_CreateString("en");
    cJSON *j_locs;
    cJSON *j_loc;

    if (j_langs == NULL || j_en == NULL || !cJSON_AddItemToArray(j_langs, j_en)) {
        cJSON_Delete(j_en);
        return -1;
    }
    j_locs = cJSON_AddArrayToObject(j, "Location");
    j_loc = cJSON_CreateObject();
    if (j_locs == NULL || j_loc == NULL || cJSON_AddStringToObject(j_loc, "Language", "en") == NULL
        || cJSON_AddStringToObject(j_loc, key, value) == NULL
        || !cJSON_AddItemToArray(j_locs, j_loc)) {
        cJSON_Delete(j_loc);
        return -1;
    }
    return 0;
}

void
res_schemas_get(struct rf_req *req, struct rf_resp *resp)
{
    const struct schema_entry *s = NULL;
    char uri[RF_URI_MAX];
    char name[RF_URI_MAX];
    char schema[RF_URI_MAX];
    char where[RF_URI_MAX];
    cJSON *j;

    for (size_t i = 0; i < N_SCHEMAS; i++) {
        if (strcmp(schemas[i].id, req->params[0]) == 0) {
            s = &schemas[i];
        }
    }
    if (s == NULL) {
        not_found(resp, "JsonSchemaFile", req->params[0]);
        return;
    }
    if (rf_fmt(uri, sizeof uri, "/redfish/v1/JsonSchemas/%s", s->id) != 0
        || rf_fmt(name, sizeof name, "%s Schema File", s->id) != 0
        || rf_fmt(schema, sizeof schema, "#%s.%s", s->ns, s->type) != 0
        || (s->local_file ? rf_fmt(where, sizeof where, "/redfish/v1/Schemas/%s", s->local_file)
                          : rf_fmt(where, sizeof where, "%s%s.json", DMTF_SCHEMAS, s->ns))
               != 0) {
        rf_res_reply(resp, NULL);
        return;
    }
    j = rf_res_new(uri, "#JsonSchemaFile.v1_1_5.JsonSchemaFile", s->id, name);
    if (j == NULL || cJSON_AddStringToObject(j, "Schema", schema) == NULL
        || add_location(j, s->local_file ? "Uri" : "PublicationUri", where) != 0) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
}

void
res_schemas_file(struct rf_req *req, struct rf_resp *resp)
{
    for (size_t i = 0; i < sizeof schema_files / sizeof schema_files[0]; i++) {
        const struct rf_embedded *f;

        if (strcmp(schema_files[i].name, req->params[0]) != 0) {
            continue;
        }
        f = rf_embedded_find(schema_files[i].name);
        if (f == NULL) {
            break;
        }
        resp->status = 200;
        resp->raw = f->data;
        resp->raw_len = f->len;
        resp->content_type = schema_files[i].content_type;
        return;
    }
    not_found(resp, "SchemaFile", req->params[0]);
}

void
res_registries_collection(struct rf_req *req, struct rf_resp *resp)
{
    char uris[N_REGISTRIES][RF_URI_MAX];
    const char *p[N_REGISTRIES];

    (void)req;
    for (size_t i = 0; i < N_REGISTRIES; i++) {
        if (rf_fmt(uris[i], sizeof uris[i], "/redfish/v1/Registries/%s", registries[i].id) != 0) {
            rf_res_reply(resp, NULL);
            return;
        }
        p[i] = uris[i];
    }
    rf_res_reply(resp,
                 rf_res_collection("/redfish/v1/Registries",
                                   "#MessageRegistryFileCollection.MessageRegistryFileCollection",
                                   "Message Registry File Collection", p, N_REGISTRIES));
}

static const struct registry_entry *
registry_find(const char *id)
{
    for (size_t i = 0; i < N_REGISTRIES; i++) {
        if (strcmp(registries[i].id, id) == 0) {
            return &registries[i];
        }
    }
    return NULL;
}

void
res_registries_get(struct rf_req *req, struct rf_resp *resp)
{
    const struct registry_entry *r = registry_find(req->params[0]);
    char uri[RF_URI_MAX];
    char name[RF_URI_MAX];
    char where[RF_URI_MAX];
    cJSON *j;

    if (r == NULL) {
        not_found(resp, "MessageRegistryFile", req->params[0]);
        return;
    }
    if (rf_fmt(uri, sizeof uri, "/redfish/v1/Registries/%s", r->id) != 0
        || rf_fmt(name, sizeof name, "%s Message Registry File", r->id) != 0
        || (r->local
                ? rf_fmt(where, sizeof where, "/redfish/v1/Registries/%s/%s.json", r->id, r->full)
                : rf_fmt(where, sizeof where, "%s%s.json", DMTF_REGISTRIES, r->full))
               != 0) {
        rf_res_reply(resp, NULL);
        return;
    }
    j = rf_res_new(uri, "#MessageRegistryFile.v1_1_5.MessageRegistryFile", r->id, name);
    if (j == NULL || cJSON_AddStringToObject(j, "Registry", r->registry) == NULL
        || add_location(j, r->local ? "Uri" : "PublicationUri", where) != 0) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
}

void
res_registries_file(struct rf_req *req, struct rf_resp *resp)
{
    const struct registry_entry *r = registry_find(req->params[0]);
    char file[RF_URI_MAX];
    const struct rf_embedded *f;
    cJSON *j;

    if (r == NULL || !r->local || rf_fmt(file, sizeof file, "%s.json", r->full) != 0
        || strcmp(file, req->params[1]) != 0) {
        not_found(resp, "MessageRegistry", req->params[1]);
        return;
    }
    f = rf_embedded_find(file);
    j = f ? cJSON_ParseWithLength((const char *)f->data, f->len) : NULL;
    rf_res_reply(resp, j);
}
