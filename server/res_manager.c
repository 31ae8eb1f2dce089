/* The service's own Manager and its audit LogService: /redfish/v1/Managers/rfjobd and
 * /redfish/v1/Managers/rfjobd/LogServices/Audit/Entries/{id}, read-only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "db.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"

#define LOGSERVICES_URI RF_MANAGER_URI "/LogServices"
#define AUDIT_URI LOGSERVICES_URI "/Audit"
#define ENTRIES_URI AUDIT_URI "/Entries"

#ifndef RFJOBD_VERSION
#define RFJOBD_VERSION "0.0.0"
#endif

static int
iso_time(time_t t, char *out, size_t outsz)
{
    struct tm tm;

    return gmtime_r(&t, &tm) != NULL && strftime(out, outsz, "%Y-%m-%dT%H:%M:%S+00:00", &tm) > 0
               ? 0
               : -1;
}

static int
add_status(cJSON *j)
{
    cJSON *j_status = cJSON_AddObjectToObject(j, "Status");

    return j_status != NULL && cJSON_AddStringToObject(j_status, "State", "Enabled") != NULL
                   && cJSON_AddStringToObject(j_status, "Health", "OK") != NULL
               ? 0
               : -1;
}

void
res_manager_collection(struct rf_req *req, struct rf_resp *resp)
{
    const char *uris[1] = {RF_MANAGER_URI};

    (void)req;
    rf_res_reply(resp,
                 rf_res_collection("/redfish/v1/Managers", "#ManagerCollection.ManagerCollection",
                                   "Manager Collection", uris, 1));
}

void
res_manager_get(struct rf_req *req, struct rf_resp *resp)
{
    char now[32];
    cJSON *j;

    if (strcmp(req->params[0], RF_MANAGER_ID) != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Manager", req->params[0]);
        return;
    }
    j = rf_res_new(RF_MANAGER_URI, "#Manager.v1_24_0.Manager", RF_MANAGER_ID, "rfjobd Service");
    if (j == NULL || iso_time(time(NULL), now, sizeof now) != 0
        || cJSON_AddStringToObject(j, "Description", "The rfjobd service itself") == NULL
        || cJSON_AddStringToObject(j, "ManagerType", "Service") == NULL
        || cJSON_AddStringToObject(j, "UUID", req->app->uuid) == NULL
        || cJSON_AddStringToObject(j, "ServiceEntryPointUUID", req->app->uuid) == NULL
        || cJSON_AddStringToObject(j, "Model", "rfjobd") == NULL
        || cJSON_AddStringToObject(j, "FirmwareVersion", RFJOBD_VERSION) == NULL
        || cJSON_AddStringToObject(j, "DateTime", now) == NULL
        || cJSON_AddStringToObject(j, "DateTimeLocalOffset", "+00:00") == NULL || add_status(j) != 0
        || rf_res_link(j, "LogServices", LOGSERVICES_URI) == NULL) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
    resp->no_etag = 1; /* DateTime changes every second */
}

/* The three routes below live under the manager: only RF_MANAGER_ID exists. */
static int
manager_known(struct rf_req *req, struct rf_resp *resp)
{
    if (strcmp(req->params[0], RF_MANAGER_ID) != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Manager", req->params[0]);
        return 0;
    }
    return 1;
}

void
res_manager_logservices(struct rf_req *req, struct rf_resp *resp)
{
    const char *uris[1] = {AUDIT_URI};

    if (!manager_known(req, resp)) {
        return;
    }
    rf_res_reply(resp,
                 rf_res_collection(LOGSERVICES_URI, "#LogServiceCollection.LogServiceCollection",
                                   "Log Service Collection", uris, 1));
}

void
res_manager_audit_service(struct rf_req *req, struct rf_resp *resp)
{
    char now[32];
    cJSON *j;

    if (!manager_known(req, resp)) {
        return;
    }
    if (strcmp(req->params[1], "Audit") != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "LogService", req->params[1]);
        return;
    }
    j = rf_res_new(AUDIT_URI, "#LogService.v1_9_0.LogService", "Audit", "Audit Log");
    if (j == NULL || iso_time(time(NULL), now, sizeof now) != 0
        || cJSON_AddStringToObject(j, "Description",
                                   "Logins, failed logins, lockouts, account and job changes: who, "
                                   "from where and when")
               == NULL
        || cJSON_AddTrueToObject(j, "ServiceEnabled") == NULL
        || cJSON_AddNumberToObject(j, "MaxNumberOfRecords", (double)audit_keep(req->app->audit))
               == NULL
        || cJSON_AddStringToObject(j, "OverWritePolicy", "WrapsWhenFull") == NULL
        || cJSON_AddStringToObject(j, "LogEntryType", "OEM") == NULL
        || cJSON_AddStringToObject(j, "DateTime", now) == NULL
        || cJSON_AddStringToObject(j, "DateTimeLocalOffset", "+00:00") == NULL || add_status(j) != 0
        || rf_res_link(j, "Entries", ENTRIES_URI) == NULL) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
    resp->no_etag = 1;
}

/* One audit record as a LogEntry. Returns a new tree or NULL. */
static cJSON *
entry_json(const struct db_audit *e)
{
    char uri[RF_URI_MAX];
    char id[32];
    char created[32];
    char text[512];
    cJSON *j;

    if (rf_fmt(uri, sizeof uri, ENTRIES_URI "/%lld", e->id) != 0
        || rf_fmt(id, sizeof id, "%lld", e->id) != 0
        || iso_time((time_t)e->created, created, sizeof created) != 0) {
        return NULL;
    }
    /* Cut rather than fail: the record is what matters. */
    (void)rf_fmt(text, sizeof text, "%s (user %s, from %s)", e->what, e->who, e->origin);
    j = rf_res_new(uri, "#LogEntry.v1_21_0.LogEntry", id, "Audit Log Entry");
    if (j == NULL || cJSON_AddStringToObject(j, "EntryType", "Oem") == NULL
        || cJSON_AddStringToObject(j, "OemRecordFormat", "Rfjobd Audit") == NULL
        || cJSON_AddStringToObject(j, "Created", created) == NULL
        || cJSON_AddStringToObject(j, "Severity", audit_severity_name(e->severity)) == NULL
        || cJSON_AddStringToObject(j, "Message", text) == NULL
        || cJSON_AddStringToObject(j, "Username", e->who) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* The collection embeds its members (LogEntryCollection's Members are auto-expanded). */
void
res_manager_audit_entries(struct rf_req *req, struct rf_resp *resp)
{
    long keep;
    long long *ids = NULL;
    size_t n = 0;
    cJSON *j = NULL;
    cJSON *j_members;

    if (!manager_known(req, resp)) {
        return;
    }
    if (strcmp(req->params[1], "Audit") != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "LogService", req->params[1]);
        return;
    }
    keep = audit_keep(req->app->audit);
    ids = calloc((size_t)keep, sizeof *ids);
    if (ids == NULL || db_audit_ids(req->app->db, ids, (size_t)keep, &n) != DB_OK) {
        goto fail;
    }
    j = rf_res_new(ENTRIES_URI, "#LogEntryCollection.LogEntryCollection", NULL,
                   "Audit Log Entries");
    j_members = j ? cJSON_AddArrayToObject(j, "Members") : NULL;
    if (j_members == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        struct db_audit e;
        int rc = db_audit_get(req->app->db, ids[i], &e);
        cJSON *j_e;

        if (rc == DB_NOTFOUND) {
            continue; /* trimmed meanwhile */
        }
        j_e = rc == DB_OK ? entry_json(&e) : NULL;
        if (j_e == NULL || !cJSON_AddItemToArray(j_members, j_e)) {
            cJSON_Delete(j_e);
            goto fail;
        }
    }
    if (cJSON_AddNumberToObject(j, "Members@odata.count", cJSON_GetArraySize(j_members)) == NULL) {
        goto fail;
    }
    free(ids);
    rf_res_reply(resp, j);
    return;
fail:
    free(ids);
    cJSON_Delete(j);
    rf_res_reply(resp, NULL);
}

void
res_manager_audit_entry(struct rf_req *req, struct rf_resp *resp)
{
    struct db_audit e;
    char *end = NULL;
    long long id;
    int rc = DB_NOTFOUND;

    if (!manager_known(req, resp)) {
        return;
    }
    id = strtoll(req->params[2], &end, 10);
    if (strcmp(req->params[1], "Audit") == 0 && end != req->params[2] && *end == '\0' && id > 0) {
        rc = db_audit_get(req->app->db, id, &e);
    }
    if (rc == DB_NOTFOUND) {
        char echo[RF_SEG_LEN_MAX];

        if (rf_strlcpy(echo, req->params[2], sizeof echo) != 0) {
            echo[0] = '\0';
        }
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "LogEntry", echo);
        return;
    }
    rf_res_reply(resp, rc == DB_OK ? entry_json(&e) : NULL);
}
