/* EventService, its Subscriptions (EventDestination: the push subscriptions of push.c and the
 * open server-sent event streams of sse.c) and the SubmitTestEvent action. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "events.h"
#include "push.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "sse.h"

#define ES_URI "/redfish/v1/EventService"
#define SUBS_URI ES_URI "/Subscriptions"
#define SUBMIT_ACTION "EventService.SubmitTestEvent"
#define SUBMIT_URI ES_URI "/Actions/" SUBMIT_ACTION
#define RESUME_ACTION "EventDestination.ResumeSubscription"
#define SUSPEND_ACTION "EventDestination.SuspendSubscription"
#define DEST_TYPE "#EventDestination.v1_16_0.EventDestination"
#define SSE_MAX_LISTED 64

/* The registries and resource types of the events this service raises. */
static const char *const registry_prefixes[] = {"JobEvent", "Rfjobd", NULL};
static const char *const resource_types[] = {"Job", NULL};

/* ---- small helpers -------------------------------------------------------------------------- */

static int
add_strings(cJSON *j, const char *name, const char *const *v)
{
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL) {
        return -1;
    }
    for (size_t i = 0; v[i] != NULL; i++) {
        cJSON *j_s = cJSON_CreateString(v[i]);

        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

static int
add_list(cJSON *j, const char *name, const char *first, size_t stride, size_t n)
{
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *j_s = cJSON_CreateString(first + i * stride);

        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

static int
in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}

/* 400 with a message taking (value, property) and RelatedProperties "/<name>". */
static void
prop_error(struct rf_resp *resp, enum rf_msg_id id, const char *value, const char *name)
{
    char ptr[RF_SEG_LEN_MAX];
    char echo[80];

    (void)rf_fmt(ptr, sizeof ptr, "/%s", name);
    if (rf_strlcpy(echo, value, sizeof echo) != 0) {
        memcpy(echo + sizeof echo - 4, "...", 4);
    }
    for (char *c = echo; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
            *c = '?';
        }
    }
    rf_resp_error(resp, 400, id, ptr, echo, name);
}

/* As prop_error, echoing the body member's JSON value. */
static void
body_error(const struct rf_req *req, struct rf_resp *resp, enum rf_msg_id id, const char *name)
{
    char echo[80];

    rf_body_echo(req, name, echo, sizeof echo);
    prop_error(resp, id, echo, name);
}

/* ---- EventService --------------------------------------------------------------------------- */

static cJSON *
sse_filters(void)
{
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddTrueToObject(j, "EventFormatType") == NULL
        || cJSON_AddTrueToObject(j, "MessageId") == NULL
        || cJSON_AddFalseToObject(j, "MetricReportDefinition") == NULL
        || cJSON_AddTrueToObject(j, "OriginResource") == NULL
        || cJSON_AddTrueToObject(j, "RegistryPrefix") == NULL
        || cJSON_AddTrueToObject(j, "ResourceType") == NULL
        || cJSON_AddFalseToObject(j, "SubordinateResources") == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static cJSON *
service_json(struct app *app)
{
    static const char *const formats[] = {"Event", NULL};
    static const char *const severities[] = {"OK", "Warning", "Critical", NULL};
    struct push_settings set;
    cJSON *j =
        rf_res_new(ES_URI, "#EventService.v1_12_0.EventService", "EventService", "Event Service");
    cJSON *j_status = j ? cJSON_AddObjectToObject(j, "Status") : NULL;
    cJSON *j_actions = j ? cJSON_AddObjectToObject(j, "Actions") : NULL;
    cJSON *j_submit = j_actions ? cJSON_AddObjectToObject(j_actions, "#" SUBMIT_ACTION) : NULL;
    cJSON *j_sse = sse_filters();

    push_settings_get(app->push, &set);
    if (j_submit == NULL || j_status == NULL || j_sse == NULL
        || !cJSON_AddItemToObject(j, "SSEFilterPropertiesSupported", j_sse)) {
        cJSON_Delete(j_sse);
        cJSON_Delete(j);
        return NULL;
    }
    if (cJSON_AddStringToObject(j, "Description",
                                "Job events: server-sent streams and push "
                                "subscriptions")
            == NULL
        || cJSON_AddStringToObject(j_status, "State", set.enabled ? "Enabled" : "Disabled") == NULL
        || cJSON_AddStringToObject(j_status, "Health", "OK") == NULL
        || cJSON_AddBoolToObject(j, "ServiceEnabled", set.enabled) == NULL
        || cJSON_AddNumberToObject(j, "DeliveryRetryAttempts", (double)set.retry_attempts) == NULL
        || cJSON_AddNumberToObject(j, "DeliveryRetryIntervalSeconds", (double)set.retry_interval)
               == NULL
        || add_strings(j, "EventFormatTypes", formats) != 0
        || add_strings(j, "RegistryPrefixes", registry_prefixes) != 0
        || add_strings(j, "ResourceTypes", resource_types) != 0
        || add_strings(j, "Severities", severities) != 0
        || cJSON_AddStringToObject(j, "ServerSentEventUri", SSE_URI) == NULL
        || cJSON_AddTrueToObject(j, "SubordinateResourcesSupported") == NULL
        || cJSON_AddTrueToObject(j, "OriginResourcesSupported") == NULL
        || cJSON_AddFalseToObject(j, "IncludeOriginOfConditionSupported") == NULL
        || rf_res_link(j, "Subscriptions", SUBS_URI) == NULL
        || cJSON_AddStringToObject(j_submit, "target", SUBMIT_URI) == NULL
        || add_strings(j_submit, "MessageSeverity@Redfish.AllowableValues", severities) != 0) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

void
res_events_service(struct rf_req *req, struct rf_resp *resp)
{
    rf_res_reply(resp, service_json(req->app));
}

static const char *const service_writable[] = {
    "ServiceEnabled",
    "DeliveryRetryAttempts",
    "DeliveryRetryIntervalSeconds",
    NULL,
};

static const char *const service_readonly[] = {
    "Id",
    "Name",
    "Description",
    "Status",
    "EventFormatTypes",
    "RegistryPrefixes",
    "ResourceTypes",
    "Severities",
    "ServerSentEventUri",
    "SSEFilterPropertiesSupported",
    "SubordinateResourcesSupported",
    "OriginResourcesSupported",
    "IncludeOriginOfConditionSupported",
    "Subscriptions",
    "Actions",
    NULL,
};

void
res_events_service_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct push_settings set;
    long v;
    int b;
    int rc;

    if (rf_body_check(req, resp, service_writable, service_readonly, 1) < 0) {
        return;
    }
    push_settings_get(req->app->push, &set);
    if ((rc = rf_body_bool(req, resp, "ServiceEnabled", &b)) < 0) {
        return;
    }
    set.enabled = rc ? b : set.enabled;
    if ((rc = rf_body_long(req, resp, "DeliveryRetryAttempts", 0, PUSH_RETRY_ATTEMPTS_MAX, &v))
        < 0) {
        return;
    }
    set.retry_attempts = rc ? v : set.retry_attempts;
    if ((rc = rf_body_long(req, resp, "DeliveryRetryIntervalSeconds", 1, PUSH_RETRY_INTERVAL_MAX,
                           &v))
        < 0) {
        return;
    }
    set.retry_interval = rc ? v : set.retry_interval;
    if (push_settings_set(req->app->push, &set) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    __atomic_store_n(&req->app->events_enabled, set.enabled, __ATOMIC_RELAXED);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "changed the event service: %s, %ld delivery retries every %ld s",
                       set.enabled ? "enabled" : "disabled", set.retry_attempts,
                       set.retry_interval);
    rf_res_reply(resp, service_json(req->app));
}

/* ---- SubmitTestEvent ------------------------------------------------------------------------ */

static const char *const submit_params[] = {
    "EventGroupId", "EventId",         "EventTimestamp",    "EventType", "Message", "MessageArgs",
    "MessageId",    "MessageSeverity", "OriginOfCondition", "Severity",  NULL,
};

/* 400 with an action parameter message (value, parameter, action). */
static void
param_error(const struct rf_req *req, struct rf_resp *resp, enum rf_msg_id id, const char *name)
{
    char echo[80];
    char ptr[RF_SEG_LEN_MAX];

    rf_body_echo(req, name, echo, sizeof echo);
    (void)rf_fmt(ptr, sizeof ptr, "/%s", name);
    if (id == RF_MSG_ACTION_PARAMETER_VALUE_ERROR) {
        rf_resp_error(resp, 400, id, ptr, name, SUBMIT_ACTION);
    } else {
        rf_resp_error(resp, 400, id, ptr, echo, name, SUBMIT_ACTION);
    }
}

/* A string parameter: 1 and *out, 0 when absent, -1 with resp set. */
static int
param_string(const struct rf_req *req, struct rf_resp *resp, const char *name, size_t max,
             const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsString(j)) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, name);
        return -1;
    }
    if (strlen(j->valuestring) >= max) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_ERROR, name);
        return -1;
    }
    *out = j->valuestring;
    return 1;
}

static int
submit_checks(const struct rf_req *req, struct rf_resp *resp)
{
    const cJSON *j_it;

    if (req->j_body == NULL) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, "/MessageId", SUBMIT_ACTION,
                      "MessageId");
        return -1;
    }
    if (!cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
        return -1;
    }
    cJSON_ArrayForEach(j_it, req->j_body)
    {
        char name[RF_SEG_LEN_MAX];
        char ptr[RF_SEG_LEN_MAX + 2];

        if (strchr(j_it->string, '@') != NULL || in_list(j_it->string, submit_params)) {
            continue;
        }
        if (rf_strlcpy(name, j_it->string, sizeof name) != 0) {
            memcpy(name + sizeof name - 4, "...", 4);
        }
        for (char *c = name; *c != '\0'; c++) {
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
                *c = '?';
            }
        }
        (void)rf_fmt(ptr, sizeof ptr, "/%s", name);
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_UNKNOWN, ptr, SUBMIT_ACTION, name);
        return -1;
    }
    return 0;
}

/* "^\w+\.\d+\.\d+\.\w+$", as EventService's SubmitTestEvent MessageId pattern. */
static int
test_message_id_ok(const char *s)
{
    const char *dot[3];
    const char *p = s;

    for (size_t i = 0; i < 3; i++) {
        dot[i] = strchr(p, '.');
        if (dot[i] == NULL || dot[i] == p) {
            return 0;
        }
        p = dot[i] + 1;
    }
    if (*p == '\0' || strchr(p, '.') != NULL || !push_message_id_ok(s)) {
        return 0;
    }
    for (const char *c = dot[0] + 1; c < dot[2]; c++) {
        if (c != dot[1] && (*c < '0' || *c > '9')) {
            return 0;
        }
    }
    return 1;
}

static int
submit_args(const struct rf_req *req, struct rf_resp *resp, struct ev_record *rec)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, "MessageArgs");
    const cJSON *j_it;

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "MessageArgs");
        return -1;
    }
    cJSON_ArrayForEach(j_it, j)
    {
        if (!cJSON_IsString(j_it)) {
            param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "MessageArgs");
            return -1;
        }
        if (rec->nargs >= EV_ARGS_MAX
            || rf_strlcpy(rec->args[rec->nargs], j_it->valuestring, EV_ARG_MAX) != 0) {
            param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_ERROR, "MessageArgs");
            return -1;
        }
        rec->nargs++;
    }
    return 0;
}

void
res_events_submit_test(struct rf_req *req, struct rf_resp *resp)
{
    static const char *const severities[] = {"OK", "Warning", "Critical", NULL};
    struct ev_record *rec = calloc(1, sizeof *rec);
    const char *msgid = NULL;
    const char *message = NULL;
    const char *sev = NULL;
    const char *old_sev = NULL;
    const char *origin = NULL;
    const char *ignored = NULL;
    const cJSON *j_group;
    uint64_t id;

    if (rec == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (submit_checks(req, resp) != 0
        || param_string(req, resp, "MessageId", EV_MSGID_MAX, &msgid) < 0
        || param_string(req, resp, "Message", EV_MESSAGE_MAX, &message) < 0
        || param_string(req, resp, "MessageSeverity", 16, &sev) < 0
        || param_string(req, resp, "Severity", 64, &old_sev) < 0
        || param_string(req, resp, "OriginOfCondition", EV_ORIGIN_MAX, &origin) < 0
        || param_string(req, resp, "EventId", 64, &ignored) < 0
        || param_string(req, resp, "EventTimestamp", 64, &ignored) < 0
        || param_string(req, resp, "EventType", 64, &ignored) < 0
        || submit_args(req, resp, rec) != 0) {
        goto done;
    }
    j_group = cJSON_GetObjectItemCaseSensitive(req->j_body, "EventGroupId");
    if (j_group != NULL && !cJSON_IsNumber(j_group)) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "EventGroupId");
        goto done;
    }
    if (msgid == NULL) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, "/MessageId", SUBMIT_ACTION,
                      "MessageId");
        goto done;
    }
    if (!test_message_id_ok(msgid)) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, "MessageId");
        goto done;
    }
    if (sev != NULL && !in_list(sev, severities)) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_NOT_IN_LIST, "MessageSeverity");
        goto done;
    }
    if (origin != NULL && strncmp(origin, "/redfish/v1", 11) != 0) {
        param_error(req, resp, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, "OriginOfCondition");
        goto done;
    }
    if (sev == NULL) {
        sev = old_sev != NULL && in_list(old_sev, severities) ? old_sev : "OK";
    }
    (void)rf_strlcpy(rec->message_id, msgid, sizeof rec->message_id);
    (void)rf_strlcpy(rec->severity, sev, sizeof rec->severity);
    (void)rf_strlcpy(rec->message, message != NULL ? message : "", sizeof rec->message);
    if (origin != NULL) {
        (void)rf_strlcpy(rec->origin, origin, sizeof rec->origin);
        if (strncmp(origin, "/redfish/v1/JobService/Jobs/", 28) == 0) {
            (void)rf_strlcpy(rec->resource_type, "Job", sizeof rec->resource_type);
        }
    }
    id = events_publish(req->app->events, rec);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "submitted test event %llu (%s)", (unsigned long long)id, rec->message_id);
    resp->status = 204;
done:
    free(rec);
}

/* ---- Subscriptions: the collection ---------------------------------------------------------- */

void
res_events_subscriptions(struct rf_req *req, struct rf_resp *resp)
{
    uint64_t ids[PUSH_MAX];
    struct sse_info *streams = calloc(SSE_MAX_LISTED, sizeof *streams);
    char(*uris)[RF_URI_MAX] = calloc(PUSH_MAX + SSE_MAX_LISTED, RF_URI_MAX);
    const char **p = calloc(PUSH_MAX + SSE_MAX_LISTED, sizeof *p);
    size_t n = 0;
    size_t np;
    size_t ns;

    if (streams == NULL || uris == NULL || p == NULL) {
        rf_res_reply(resp, NULL);
        goto done;
    }
    np = push_list(req->app->push, ids, PUSH_MAX);
    for (size_t i = 0; i < np && i < PUSH_MAX; i++) {
        if (rf_fmt(uris[n], RF_URI_MAX, SUBS_URI "/%llu", (unsigned long long)ids[i]) == 0) {
            p[n] = uris[n];
            n++;
        }
    }
    ns = sse_list(req->app->sse, streams, SSE_MAX_LISTED);
    for (size_t i = 0; i < ns && i < SSE_MAX_LISTED; i++) {
        if (rf_fmt(uris[n], RF_URI_MAX, SUBS_URI "/%s", streams[i].id) == 0) {
            p[n] = uris[n];
            n++;
        }
    }
    rf_res_reply(resp, rf_res_collection(SUBS_URI,
                                         "#EventDestinationCollection.EventDestinationCollection",
                                         "Event Subscriptions", p, n));
done:
    free(streams);
    free(uris);
    free(p);
}

/* ---- Subscriptions: members ----------------------------------------------------------------- */

/* A push subscription's Id: decimal, no leading zero. Returns 0 and *id, or -1. */
static int
push_id(const char *s, uint64_t *id)
{
    uint64_t v = 0;

    if (s[0] < '1' || s[0] > '9' || strlen(s) > 18) {
        return -1;
    }
    for (const char *c = s; *c != '\0'; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        v = v * 10 + (uint64_t)(*c - '0');
    }
    *id = v;
    return 0;
}

static int
is_sse(const char *id)
{
    return strncmp(id, SSE_ID_PREFIX, sizeof SSE_ID_PREFIX - 1) == 0;
}

static void
not_found(struct rf_resp *resp, const char *id)
{
    char echo[RF_SEG_LEN_MAX];

    if (rf_strlcpy(echo, id, sizeof echo) != 0) {
        echo[0] = '\0';
    }
    rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "EventDestination", echo);
}

static cJSON *
dest_new(const char *id, const char *destination, const char *context, const char *type,
         int enabled, char *uri, size_t urisz)
{
    char name[64];
    cJSON *j;
    cJSON *j_status;

    if (rf_fmt(uri, urisz, SUBS_URI "/%s", id) != 0
        || rf_fmt(name, sizeof name, "Event Subscription %s", id) != 0) {
        return NULL;
    }
    j = rf_res_new(uri, DEST_TYPE, id, name);
    j_status = j ? cJSON_AddObjectToObject(j, "Status") : NULL;
    if (j_status == NULL || cJSON_AddStringToObject(j, "Destination", destination) == NULL
        || cJSON_AddStringToObject(j, "Context", context) == NULL
        || cJSON_AddStringToObject(j, "Protocol", "Redfish") == NULL
        || cJSON_AddStringToObject(j, "SubscriptionType", type) == NULL
        || cJSON_AddStringToObject(j, "EventFormatType", "Event") == NULL
        || cJSON_AddStringToObject(j_status, "State", enabled ? "Enabled" : "Disabled") == NULL
        || cJSON_AddStringToObject(j_status, "Health", enabled ? "OK" : "Warning") == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static cJSON *
sse_json(const struct sse_info *si)
{
    char uri[RF_URI_MAX];
    cJSON *j = dest_new(si->id, si->destination, si->context, "SSE", 1, uri, sizeof uri);

    if (j != NULL
        && cJSON_AddStringToObject(j, "Description", "A server-sent event stream") == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static int
add_action(cJSON *j_actions, const char *uri, const char *action)
{
    char name[96];
    char target[RF_URI_MAX];
    cJSON *j;

    if (rf_fmt(name, sizeof name, "#%s", action) != 0
        || rf_fmt(target, sizeof target, "%s/Actions/%s", uri, action) != 0) {
        return -1;
    }
    j = cJSON_AddObjectToObject(j_actions, name);
    return j != NULL && cJSON_AddStringToObject(j, "target", target) != NULL ? 0 : -1;
}

static cJSON *
push_json(const struct push_sub *s)
{
    const struct push_filter *f = &s->filter;
    char id[24];
    char uri[RF_URI_MAX];
    cJSON *j;
    cJSON *j_origins;
    cJSON *j_actions;

    (void)rf_fmt(id, sizeof id, "%llu", (unsigned long long)s->id);
    j = dest_new(id, s->destination, s->context, "RedfishEvent", !s->suspended, uri, sizeof uri);
    j_origins = j ? cJSON_AddArrayToObject(j, "OriginResources") : NULL;
    j_actions = j ? cJSON_AddObjectToObject(j, "Actions") : NULL;
    if (j_origins == NULL || j_actions == NULL
        || cJSON_AddStringToObject(j, "Description", "A push subscription") == NULL
        || cJSON_AddStringToObject(j, "DeliveryRetryPolicy", push_policy_name(s->policy)) == NULL
        || cJSON_AddBoolToObject(j, "VerifyCertificate", s->verify_cert) == NULL
        || add_list(j, "RegistryPrefixes", f->prefixes[0], sizeof f->prefixes[0], f->n_prefixes)
               != 0
        || add_list(j, "MessageIds", f->message_ids[0], sizeof f->message_ids[0], f->n_message_ids)
               != 0
        || add_list(j, "ResourceTypes", f->resource_types[0], sizeof f->resource_types[0],
                    f->n_types)
               != 0
        || cJSON_AddBoolToObject(j, "SubordinateResources", f->subordinate) == NULL
        || cJSON_AddArrayToObject(j, "HttpHeaders") == NULL
        || add_action(j_actions, uri, RESUME_ACTION) != 0
        || add_action(j_actions, uri, SUSPEND_ACTION) != 0) {
        cJSON_Delete(j);
        return NULL;
    }
    for (size_t i = 0; i < f->n_origins; i++) {
        cJSON *j_o = cJSON_CreateObject();

        if (j_o == NULL || cJSON_AddStringToObject(j_o, "@odata.id", f->origins[i]) == NULL
            || !cJSON_AddItemToArray(j_origins, j_o)) {
            cJSON_Delete(j_o);
            cJSON_Delete(j);
            return NULL;
        }
    }
    if (cJSON_AddNumberToObject(j, "OriginResources@odata.count", (double)f->n_origins) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* Reads the push subscription named in the path; answers 404 when there is none. */
static int
sub_for(struct rf_req *req, struct rf_resp *resp, struct push_sub *s)
{
    uint64_t id;

    if (push_id(req->params[0], &id) != 0 || push_get(req->app->push, id, s) != PUSH_OK) {
        not_found(resp, req->params[0]);
        return -1;
    }
    return 0;
}

/* ConfigureManager, or ConfigureSelf on what the requester created. 403 otherwise. */
static int
may_change(const struct rf_req *req, struct rf_resp *resp, const char *owner)
{
    if ((req->who.privs & RF_PRIV_CONFIGURE_MANAGER) != 0
        || ((req->who.privs & RF_PRIV_CONFIGURE_SELF) != 0 && strcmp(owner, req->who.user) == 0)) {
        return 0;
    }
    rf_resp_error(resp, 403, RF_MSG_INSUFFICIENT_PRIVILEGE, NULL);
    return -1;
}

void
res_events_subscription_get(struct rf_req *req, struct rf_resp *resp)
{
    struct push_sub *s;

    if (is_sse(req->params[0])) {
        struct sse_info si;

        if (sse_get(req->app->sse, req->params[0], &si) != 0) {
            not_found(resp, req->params[0]);
            return;
        }
        rf_res_reply(resp, sse_json(&si));
        return;
    }
    s = malloc(sizeof *s);
    if (s == NULL) {
        rf_res_reply(resp, NULL);
        return;
    }
    if (sub_for(req, resp, s) == 0) {
        rf_res_reply(resp, push_json(s));
    }
    free(s);
}

/* ---- Subscriptions: body readers ------------------------------------------------------------ */

/* A string array member: each element checked by ok() (NULL: any), at most PUSH_LIST_MAX,
 * copied into first (stride bytes each). Returns 1, 0 when absent, -1 with resp set. */
static int
read_strings(const struct rf_req *req, struct rf_resp *resp, const char *name,
             int (*ok)(const char *), enum rf_msg_id bad, char *first, size_t stride, size_t *n)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);
    const cJSON *j_it;

    *n = 0;
    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        body_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, name);
        return -1;
    }
    if (cJSON_GetArraySize(j) > PUSH_LIST_MAX) {
        char ptr[RF_SEG_LEN_MAX];
        char lim[8];

        (void)rf_fmt(ptr, sizeof ptr, "/%s", name);
        (void)rf_fmt(lim, sizeof lim, "%d", PUSH_LIST_MAX);
        rf_resp_error(resp, 400, RF_MSG_ARRAY_SIZE_TOO_LONG, ptr, name, lim);
        return -1;
    }
    cJSON_ArrayForEach(j_it, j)
    {
        if (!cJSON_IsString(j_it)) {
            body_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, name);
            return -1;
        }
        if ((ok != NULL && !ok(j_it->valuestring))
            || rf_strlcpy(first + *n * stride, j_it->valuestring, stride) != 0) {
            prop_error(resp, bad, j_it->valuestring, name);
            return -1;
        }
        (*n)++;
    }
    return 1;
}

static int
prefix_ok(const char *s)
{
    return in_list(s, registry_prefixes);
}

static int
type_ok(const char *s)
{
    char t[PUSH_NAME_MAX];

    return rf_strlcpy(t, s, sizeof t) == 0
           && (t[strcspn(t, ".")] = '\0', in_list(t, resource_types));
}

static int
message_id_ok(const char *s)
{
    char prefix[PUSH_NAME_MAX];

    return push_message_id_ok(s) && rf_strlcpy(prefix, s, sizeof prefix) == 0
           && (prefix[strcspn(prefix, ".")] = '\0', in_list(prefix, registry_prefixes));
}

static int
read_origins(const struct rf_req *req, struct rf_resp *resp, struct push_filter *f)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, "OriginResources");
    const cJSON *j_it;

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        body_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "OriginResources");
        return -1;
    }
    if (cJSON_GetArraySize(j) > PUSH_LIST_MAX) {
        char lim[8];

        (void)rf_fmt(lim, sizeof lim, "%d", PUSH_LIST_MAX);
        rf_resp_error(resp, 400, RF_MSG_ARRAY_SIZE_TOO_LONG, "/OriginResources", "OriginResources",
                      lim);
        return -1;
    }
    cJSON_ArrayForEach(j_it, j)
    {
        const cJSON *j_id = cJSON_GetObjectItemCaseSensitive(j_it, "@odata.id");

        if (!cJSON_IsObject(j_it) || !cJSON_IsString(j_id)) {
            body_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "OriginResources");
            return -1;
        }
        if (strncmp(j_id->valuestring, "/redfish/v1", 11) != 0
            || strpbrk(j_id->valuestring, " \t\r\n?#") != NULL
            || rf_strlcpy(f->origins[f->n_origins], j_id->valuestring, EV_ORIGIN_MAX) != 0) {
            prop_error(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, j_id->valuestring,
                       "OriginResources");
            return -1;
        }
        f->n_origins++;
    }
    return 1;
}

/* HttpHeaders: [{"Name": "value"}, ...]. Values are never echoed. */
static int
read_headers(const struct rf_req *req, struct rf_resp *resp, struct push_headers *h)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, "HttpHeaders");
    const cJSON *j_it;

    memset(h, 0, sizeof *h);
    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        prop_error(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "*****", "HttpHeaders");
        return -1;
    }
    cJSON_ArrayForEach(j_it, j)
    {
        const cJSON *j_kv;

        if (!cJSON_IsObject(j_it)) {
            prop_error(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "*****", "HttpHeaders");
            return -1;
        }
        cJSON_ArrayForEach(j_kv, j_it)
        {
            if (!cJSON_IsString(j_kv)) {
                prop_error(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "*****", "HttpHeaders");
                return -1;
            }
            if (h->n >= PUSH_HEADERS_MAX) {
                char lim[8];

                (void)rf_fmt(lim, sizeof lim, "%d", PUSH_HEADERS_MAX);
                rf_resp_error(resp, 400, RF_MSG_ARRAY_SIZE_TOO_LONG, "/HttpHeaders", "HttpHeaders",
                              lim);
                return -1;
            }
            if (!push_header_name_ok(j_kv->string) || !push_header_value_ok(j_kv->valuestring)) {
                prop_error(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "*****", "HttpHeaders");
                return -1;
            }
            (void)rf_strlcpy(h->name[h->n], j_kv->string, PUSH_HDR_NAME_MAX);
            (void)rf_strlcpy(h->value[h->n], j_kv->valuestring, PUSH_HDR_VALUE_MAX);
            h->n++;
        }
    }
    return 1;
}

/* A string member whose value must be one of list. Returns as rf_body_string(). */
static int
read_enum(const struct rf_req *req, struct rf_resp *resp, const char *name, const char *const *list,
          const char **out)
{
    int rc = rf_body_string(req, resp, name, out);

    if (rc == 1 && !in_list(*out, list)) {
        prop_error(resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, *out, name);
        return -1;
    }
    return rc;
}

static const char *const policies[] = {
    "TerminateAfterRetries", "SuspendRetries", "RetryForever", "RetryForeverWithBackoff", NULL,
};

/* Context (string or null), DeliveryRetryPolicy, VerifyCertificate and HttpHeaders, shared by
 * POST and PATCH. Returns 0 or -1 with resp set; *headers_set tells whether HttpHeaders came. */
static int
read_common(const struct rf_req *req, struct rf_resp *resp, struct push_sub *s, int *headers_set)
{
    const cJSON *j_ctx = cJSON_GetObjectItemCaseSensitive(req->j_body, "Context");
    const char *policy = NULL;
    int b;
    int rc;

    if (j_ctx != NULL && !cJSON_IsNull(j_ctx)) {
        if (!cJSON_IsString(j_ctx)) {
            body_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "Context");
            return -1;
        }
        if (rf_strlcpy(s->context, j_ctx->valuestring, sizeof s->context) != 0) {
            char lim[8];

            (void)rf_fmt(lim, sizeof lim, "%d", PUSH_CONTEXT_MAX - 1);
            rf_resp_error(resp, 400, RF_MSG_STRING_VALUE_TOO_LONG, "/Context", "Context", lim);
            return -1;
        }
    } else if (j_ctx != NULL) {
        s->context[0] = '\0';
    }
    if (read_enum(req, resp, "DeliveryRetryPolicy", policies, &policy) < 0) {
        return -1;
    }
    if (policy != NULL) {
        (void)push_policy_parse(policy, &s->policy);
    }
    if ((rc = rf_body_bool(req, resp, "VerifyCertificate", &b)) < 0) {
        return -1;
    }
    s->verify_cert = rc ? b : s->verify_cert;
    if ((rc = read_headers(req, resp, &s->headers)) < 0) {
        return -1;
    }
    *headers_set = rc;
    return 0;
}

static const char *const create_writable[] = {
    "Destination",
    "Protocol",
    "Context",
    "RegistryPrefixes",
    "MessageIds",
    "OriginResources",
    "SubordinateResources",
    "ResourceTypes",
    "EventFormatType",
    "DeliveryRetryPolicy",
    "VerifyCertificate",
    "HttpHeaders",
    "SubscriptionType",
    NULL,
};

static const char *const dest_readonly[] = {
    "Id", "Name", "Description", "Status", "Actions", "OriginResources@odata.count", NULL,
};

static int
read_create(struct rf_req *req, struct rf_resp *resp, struct push_sub *s)
{
    static const char *const protocols[] = {"Redfish", NULL};
    static const char *const formats[] = {"Event", NULL};
    static const char *const types[] = {"RedfishEvent", NULL};
    struct push_url u;
    const char *dest = NULL;
    const char *proto = NULL;
    const char *other = NULL;
    int headers_set = 0;
    int b;
    int rc;

    if (rf_body_check(req, resp, create_writable, dest_readonly, 0) < 0
        || rf_body_string(req, resp, "Destination", &dest) < 0
        || rf_body_string(req, resp, "Protocol", &proto) < 0) {
        return -1;
    }
    if (dest == NULL || proto == NULL) {
        const char *missing = dest == NULL ? "Destination" : "Protocol";
        char ptr[32];

        (void)rf_fmt(ptr, sizeof ptr, "/%s", missing);
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_MISSING, ptr, missing);
        return -1;
    }
    if (push_url_parse(dest, &u) != 0) {
        prop_error(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, dest, "Destination");
        return -1;
    }
    if (!in_list(proto, protocols)) {
        prop_error(resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, proto, "Protocol");
        return -1;
    }
    (void)rf_strlcpy(s->destination, dest, sizeof s->destination);
    s->verify_cert = 1;
    s->policy = PUSH_TERMINATE_AFTER_RETRIES;
    if (read_enum(req, resp, "EventFormatType", formats, &other) < 0
        || read_enum(req, resp, "SubscriptionType", types, &other) < 0
        || read_common(req, resp, s, &headers_set) != 0
        || read_strings(req, resp, "RegistryPrefixes", prefix_ok, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST,
                        s->filter.prefixes[0], sizeof s->filter.prefixes[0], &s->filter.n_prefixes)
               < 0
        || read_strings(req, resp, "MessageIds", message_id_ok, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST,
                        s->filter.message_ids[0], sizeof s->filter.message_ids[0],
                        &s->filter.n_message_ids)
               < 0
        || read_strings(req, resp, "ResourceTypes", type_ok, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST,
                        s->filter.resource_types[0], sizeof s->filter.resource_types[0],
                        &s->filter.n_types)
               < 0
        || read_origins(req, resp, &s->filter) < 0
        || (rc = rf_body_bool(req, resp, "SubordinateResources", &b)) < 0) {
        return -1;
    }
    s->filter.subordinate = rc ? b : 0;
    return 0;
}

void
res_events_subscription_create(struct rf_req *req, struct rf_resp *resp)
{
    struct push_sub *s = calloc(1, sizeof *s);
    struct push_url u;
    cJSON *j;
    int rc;

    if (s == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (read_create(req, resp, s) != 0) {
        goto done;
    }
    (void)rf_strlcpy(s->owner, req->who.user, sizeof s->owner);
    rc = push_create(req->app->push, s);
    if (rc == PUSH_LIMIT) {
        rf_resp_error(resp, 400, RF_MSG_EVENT_SUBSCRIPTION_LIMIT_EXCEEDED, NULL);
        goto done;
    }
    if (rc != PUSH_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto done;
    }
    (void)push_url_parse(s->destination, &u);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "created event subscription %llu to %s port %d", (unsigned long long)s->id,
                       u.host, u.port);
    j = push_json(s);
    if (j == NULL
        || rf_fmt(resp->location, sizeof resp->location, SUBS_URI "/%llu",
                  (unsigned long long)s->id)
               != 0) {
        cJSON_Delete(j);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto done;
    }
    rf_res_reply(resp, j);
    resp->status = 201;
done:
    free(s);
}

static const char *const patch_writable[] = {
    "Context", "DeliveryRetryPolicy", "VerifyCertificate", "HttpHeaders", NULL,
};

static const char *const patch_readonly[] = {
    "Id",
    "Name",
    "Description",
    "Status",
    "Actions",
    "Destination",
    "Protocol",
    "RegistryPrefixes",
    "MessageIds",
    "OriginResources",
    "OriginResources@odata.count",
    "SubordinateResources",
    "ResourceTypes",
    "EventFormatType",
    "SubscriptionType",
    NULL,
};

static void
sse_not_allowed(struct rf_resp *resp)
{
    rf_resp_error(resp, 405, RF_MSG_OPERATION_NOT_ALLOWED, NULL);
    (void)rf_resp_header(resp, "Allow", "GET, HEAD, DELETE");
}

void
res_events_subscription_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct push_sub *s;
    int headers_set = 0;
    int rc;

    if (is_sse(req->params[0])) {
        struct sse_info si;

        if (sse_get(req->app->sse, req->params[0], &si) != 0) {
            not_found(resp, req->params[0]);
        } else {
            sse_not_allowed(resp);
        }
        return;
    }
    s = malloc(sizeof *s);
    if (s == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (sub_for(req, resp, s) != 0 || may_change(req, resp, s->owner) != 0
        || rf_body_check(req, resp, patch_writable, patch_readonly, 1) < 0
        || read_common(req, resp, s, &headers_set) != 0) {
        goto done;
    }
    rc = push_update(req->app->push, s, headers_set);
    if (rc == PUSH_NOTFOUND) {
        not_found(resp, req->params[0]);
        goto done;
    }
    if (rc != PUSH_OK || push_get(req->app->push, s->id, s) != PUSH_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto done;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "changed event subscription %llu: policy %s%s", (unsigned long long)s->id,
                       push_policy_name(s->policy), headers_set ? ", new HTTP headers" : "");
    rf_res_reply(resp, push_json(s));
done:
    free(s);
}

void
res_events_subscription_delete(struct rf_req *req, struct rf_resp *resp)
{
    struct push_sub *s;
    int rc;

    if (is_sse(req->params[0])) {
        struct sse_info si;

        if (sse_get(req->app->sse, req->params[0], &si) != 0) {
            not_found(resp, req->params[0]);
            return;
        }
        if (may_change(req, resp, si.user) != 0) {
            return;
        }
        if (sse_close(req->app->sse, req->params[0]) != 0) {
            not_found(resp, req->params[0]);
            return;
        }
        (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                           "closed event stream %s", si.id);
        resp->status = 204;
        return;
    }
    s = malloc(sizeof *s);
    if (s == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (sub_for(req, resp, s) != 0 || may_change(req, resp, s->owner) != 0) {
        goto done;
    }
    rc = push_delete(req->app->push, s->id);
    if (rc == PUSH_NOTFOUND) {
        not_found(resp, req->params[0]);
        goto done;
    }
    if (rc != PUSH_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto done;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "deleted event subscription %llu", (unsigned long long)s->id);
    resp->status = 204;
done:
    free(s);
}

/* POST .../Subscriptions/{id}/Actions/{action}: ResumeSubscription and SuspendSubscription,
 * neither taking a parameter. */
void
res_events_subscription_action(struct rf_req *req, struct rf_resp *resp)
{
    const char *action = req->params[1];
    int suspend = strcmp(action, SUSPEND_ACTION) == 0;
    struct push_sub *s;
    const cJSON *j_it;

    if (!suspend && strcmp(action, RESUME_ACTION) != 0) {
        char echo[RF_SEG_LEN_MAX];

        if (rf_strlcpy(echo, action, sizeof echo) != 0) {
            echo[0] = '\0';
        }
        rf_resp_error(resp, 400, RF_MSG_ACTION_NOT_SUPPORTED, NULL, echo);
        return;
    }
    if (is_sse(req->params[0])) {
        not_found(resp, req->params[0]);
        return;
    }
    s = malloc(sizeof *s);
    if (s == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (sub_for(req, resp, s) != 0 || may_change(req, resp, s->owner) != 0) {
        goto done;
    }
    cJSON_ArrayForEach(j_it, req->j_body)
    {
        char ptr[RF_SEG_LEN_MAX + 2];

        if (strchr(j_it->string, '@') != NULL) {
            continue;
        }
        (void)rf_fmt(ptr, sizeof ptr, "/%s", j_it->string);
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_NOT_SUPPORTED, ptr, j_it->string, action);
        goto done;
    }
    if (push_suspend(req->app->push, s->id, suspend) != PUSH_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto done;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "%s event subscription %llu", suspend ? "suspended" : "resumed",
                       (unsigned long long)s->id);
    resp->status = 204;
done:
    free(s);
}
