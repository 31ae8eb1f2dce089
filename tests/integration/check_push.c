/*
 * Integration: EventService and push subscriptions against the real server, started in the test
 * process on an ephemeral port, delivering to test subscribers (HTTPS servers in threads of the
 * test, tls_server.h) verified against the test CA (the event-ca setting). Waits are bounded
 * polls; where a test must show that nothing else arrived it sends a fence event that passes the
 * filter and checks the whole sequence once the fence is there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tls_server.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "rf_buf.h"

#define HOST "127.0.0.1"
#define ADMIN_PW "admin-pass-1"
#define ES "/redfish/v1/EventService"
#define SUBS ES "/Subscriptions"
#define SUBMIT ES "/Actions/EventService.SubmitTestEvent"
#define CT "Content-Type: application/json\r\n"
#define WAIT_MS 20000

static char dir[256];
static struct tcert_paths certs;
static struct config cfg;
static struct app *app;
static struct ts_server *sub1;
static char admin[256];
static char reader[256];
static char operator_[256];

static void
add_account(const char *user, const char *role, const char *pw, char *auth_h, size_t size)
{
    struct db_account a;

    memset(&a, 0, sizeof a);
    ck_assert_int_eq(rf_strlcpy(a.user, user, sizeof a.user), 0);
    ck_assert_int_eq(rf_strlcpy(a.role, role, sizeof a.role), 0);
    ck_assert_int_eq(auth_password_hash(pw, a.password_hash, sizeof a.password_hash), 0);
    a.enabled = 1;
    ck_assert_int_eq(db_account_insert(app->db, &a), DB_OK);
    ck_assert_int_eq(tc_basic_auth_header(user, pw, auth_h, size), 0);
}

static void
start_app(void)
{
    char err[CFG_ERR_MAX] = "";

    ck_assert_msg(app_start(&cfg, ADMIN_PW, &app, err, sizeof err) == 0, "%s", err);
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
    cfg.log_level = LOG_LEVEL_ERROR;
    cfg.event_timeout_ms = 2000;
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.event_ca, certs.ca, sizeof cfg.event_ca), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
    start_app();
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin, sizeof admin), 0);
    add_account("reader", "ReadOnly", "reader-pass-1", reader, sizeof reader);
    add_account("operator", "Operator", "operator-pass-1", operator_, sizeof operator_);
    sub1 = ts_start(certs.cert, certs.key, 0);
    ck_assert_ptr_nonnull(sub1);
}

static void
teardown(void)
{
    app_stop(app);
    app = NULL;
    ts_stop(sub1);
    sub1 = NULL;
    tdir_remove(dir);
}

/* ---- requests ------------------------------------------------------------------------------- */

static void
http(const char *method, const char *path, const char *who, const char *body, struct tc_resp *r)
{
    char headers[1024];
    int rc;

    ck_assert_int_eq(
        rf_fmt(headers, sizeof headers, "%s%s", who != NULL ? who : "", body != NULL ? CT : ""), 0);
    rc = tc_request(HOST, app->port, certs.ca, method, path, headers, body,
                    body != NULL ? strlen(body) : 0, r);
    ck_assert_msg(rc == 0, "%s %s: client error %d", method, path, rc);
}

static cJSON *
call(const char *method, const char *path, const char *who, const char *body, int status)
{
    struct tc_resp r;
    cJSON *j;

    http(method, path, who, body, &r);
    ck_assert_msg(r.status == status, "%s %s: %d, not %d: %.600s", method, path, r.status, status,
                  r.body);
    j = r.body_len > 0 ? cJSON_ParseWithLength(r.body, r.body_len) : cJSON_CreateObject();
    ck_assert_msg(j != NULL, "not JSON: %.300s", r.body);
    tc_resp_cleanup(&r);
    return j;
}

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static const cJSON *
obj(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(j, name);
}

/* The error body's one message and its one related property (NULL: none). */
static void
expect_error(const char *method, const char *path, const char *who, const char *body, int status,
             const char *message_id, const char *related)
{
    cJSON *j = call(method, path, who, body, status);
    const cJSON *j_info = obj(obj(j, "error"), "@Message.ExtendedInfo");
    const cJSON *j_m = cJSON_GetArrayItem(j_info, 0);
    const cJSON *j_rel = obj(j_m, "RelatedProperties");

    ck_assert_int_eq(cJSON_GetArraySize(j_info), 1);
    ck_assert_msg(strcmp(str(j_m, "MessageId"), message_id) == 0, "%s: %s, not %s", body,
                  str(j_m, "MessageId"), message_id);
    if (related == NULL) {
        ck_assert_int_eq(cJSON_GetArraySize(j_rel), 0);
    } else {
        ck_assert_msg(cJSON_GetArraySize(j_rel) == 1
                          && strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(j_rel, 0)), related)
                                 == 0,
                      "%s: RelatedProperties not [%s]", body, related);
    }
    cJSON_Delete(j);
}

/* POSTs a subscription to port with extra members ("" or ",\"X\":..."); returns its URI. */
static void
subscribe(const char *who, int port, const char *extra, char *uri, size_t urisz)
{
    char body[2048];
    struct tc_resp r;
    cJSON *j;

    ck_assert_int_eq(rf_fmt(body, sizeof body,
                            "{\"Destination\":\"https://127.0.0.1:%d/events\","
                            "\"Protocol\":\"Redfish\"%s}",
                            port, extra),
                     0);
    http("POST", SUBS, who, body, &r);
    ck_assert_msg(r.status == 201, "POST %s: %d %.600s", body, r.status, r.body);
    ck_assert_int_eq(tc_header(&r, "Location", uri, urisz), 0);
    ck_assert_int_eq(strncmp(uri, SUBS "/", sizeof SUBS), 0);
    j = cJSON_ParseWithLength(r.body, r.body_len);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(str(j, "@odata.id"), uri);
    ck_assert_str_eq(str(j, "SubscriptionType"), "RedfishEvent");
    ck_assert_str_eq(str(obj(j, "Status"), "State"), "Enabled");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
}

static void
submit(const char *arg)
{
    char body[256];

    ck_assert_int_eq(
        rf_fmt(body, sizeof body,
               "{\"MessageId\":\"Rfjobd.1.0.ExecutorMessage\",\"MessageArgs\":[\"%s\"],"
               "\"Message\":\"%s\",\"MessageSeverity\":\"OK\"}",
               arg, arg),
        0);
    cJSON_Delete(call("POST", SUBMIT, admin, body, 204));
}

static void
patch_service(const char *body)
{
    cJSON_Delete(call("PATCH", ES, admin, body, 200));
}

/* Event i received by s (asserted answered 2xx), parsed; the caller deletes it. */
static cJSON *
received(struct ts_server *s, size_t i)
{
    struct ts_request r;
    cJSON *j;

    ck_assert_int_eq(ts_get(s, i, &r), 0);
    ck_assert_str_eq(r.method, "POST");
    ck_assert_str_eq(r.path, "/events");
    j = cJSON_Parse(r.body);
    ck_assert_msg(j != NULL, "not JSON: %.300s", r.body);
    free(r.body);
    return j;
}

/* The first event record of a payload. */
static const cJSON *
record(const cJSON *j)
{
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "Events")), 1);
    return cJSON_GetArrayItem(obj(j, "Events"), 0);
}

/* The MessageArgs[0] of each 2xx-answered request of s, joined with ','. */
static void
delivered_args(struct ts_server *s, char *out, size_t outsz)
{
    size_t n = ts_count(s);

    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct ts_request r;
        cJSON *j;
        const char *a;
        size_t len = strlen(out);

        ck_assert_int_eq(ts_get(s, i, &r), 0);
        if (r.status == 200) {
            j = cJSON_Parse(r.body);
            ck_assert_ptr_nonnull(j);
            a = cJSON_GetStringValue(cJSON_GetArrayItem(obj(record(j), "MessageArgs"), 0));
            ck_assert_int_eq(
                rf_fmt(out + len, outsz - len, "%s%s", len > 0 ? "," : "", a != NULL ? a : "?"), 0);
            cJSON_Delete(j);
        }
        free(r.body);
    }
}

/* Polls (bounded) until GET uri answers status. */
static void
wait_status(const char *uri, int status)
{
    struct timespec pause = {0, 50 * 1000 * 1000};

    for (int i = 0; i < WAIT_MS / 50; i++) {
        struct tc_resp r;

        http("GET", uri, admin, NULL, &r);
        if (r.status == status) {
            tc_resp_cleanup(&r);
            return;
        }
        tc_resp_cleanup(&r);
        nanosleep(&pause, NULL);
    }
    ck_abort_msg("%s never answered %d", uri, status);
}

/* ---- a job's life -----------------------------------------------------------------------------
 */

#define GET_SERVICE                                                                                \
    "{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"GET\"}}"

START_TEST(test_job_life_reaches_subscribers)
{
    struct ts_server *sub2 = ts_start(certs.cert, certs.key, 0);
    char uri1[256];
    char uri2[256];
    char job[256];
    char want_origin[300];
    struct tc_resp r;
    size_t n;
    size_t completed = 0;
    uint64_t last_id = 0;
    const char *order[] = {"Rfjobd.1.0.JobCreated", "JobEvent.1.1.JobStarted",
                           "JobEvent.1.1.JobCompletedOK"};
    size_t next = 0;
    cJSON *j;

    ck_assert_ptr_nonnull(sub2);
    subscribe(admin, ts_port(sub1), ",\"Context\":\"ctx-all\"", uri1, sizeof uri1);
    subscribe(admin, ts_port(sub2),
              ",\"Context\":\"ctx-some\",\"MessageIds\":[\"JobEvent.JobCompletedOK\","
              "\"Rfjobd.1.0.JobCreated\"],\"RegistryPrefixes\":[\"JobEvent\",\"Rfjobd\"],"
              "\"ResourceTypes\":[\"Job\"],\"OriginResources\":[{\"@odata.id\":"
              "\"/redfish/v1/JobService/Jobs\"}],\"SubordinateResources\":true",
              uri2, sizeof uri2);
    /* Both are listed, with what they were given. */
    j = call("GET", SUBS, reader, NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "Members")), 2);
    cJSON_Delete(j);
    j = call("GET", uri2, reader, NULL, 200);
    ck_assert_str_eq(str(j, "Context"), "ctx-some");
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "MessageIds")), 2);
    ck_assert(cJSON_IsTrue(obj(j, "SubordinateResources")));
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "OriginResources"), 0), "@odata.id"),
                     "/redfish/v1/JobService/Jobs");
    cJSON_Delete(j);

    http("POST", "/redfish/v1/JobService/Jobs", admin, GET_SERVICE, &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(tc_header(&r, "Location", job, sizeof job), 0);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_fmt(want_origin, sizeof want_origin, "%s", job), 0);

    /* The unfiltered subscriber sees the job's life in order, with its Context. */
    for (int tries = 0; completed == 0 && tries < WAIT_MS / 20; tries++) {
        struct timespec pause = {0, 20 * 1000 * 1000};

        n = ts_count_ok(sub1);
        for (size_t i = 0; i < n && completed == 0; i++) {
            cJSON *e = received(sub1, i);

            completed = strcmp(str(record(e), "MessageId"), "JobEvent.1.1.JobCompletedOK") == 0;
            cJSON_Delete(e);
        }
        nanosleep(&pause, NULL);
    }
    ck_assert_msg(completed, "JobCompletedOK never arrived");
    n = ts_count_ok(sub1);
    for (size_t i = 0; i < n; i++) {
        cJSON *e = received(sub1, i);
        const cJSON *rec = record(e);
        uint64_t id = strtoull(str(rec, "EventId"), NULL, 10);

        ck_assert_str_eq(str(e, "Context"), "ctx-all");
        ck_assert_str_eq(str(e, "@odata.type"), "#Event.v1_13_0.Event");
        ck_assert_msg(id > last_id, "EventId %" PRIu64 " after %" PRIu64, id, last_id);
        last_id = id;
        ck_assert_str_eq(str(obj(rec, "OriginOfCondition"), "@odata.id"), want_origin);
        if (next < 3 && strcmp(str(rec, "MessageId"), order[next]) == 0) {
            next++;
        }
        cJSON_Delete(e);
    }
    ck_assert_msg(next == 3, "JobCreated, JobStarted, JobCompletedOK not in order (%zu)", next);

    /* The filtered one gets exactly its two messages, then the fence. */
    ck_assert_int_eq(ts_wait_ok(sub2, 2, WAIT_MS), 0);
    j = call("POST", SUBMIT, admin,
             "{\"MessageId\":\"Rfjobd.1.0.JobCreated\",\"MessageArgs\":[\"fence\"],"
             "\"OriginOfCondition\":\"/redfish/v1/JobService/Jobs/fence\"}",
             204);
    cJSON_Delete(j);
    ck_assert_int_eq(ts_wait_ok(sub2, 3, WAIT_MS), 0);
    ck_assert_uint_eq(ts_count(sub2), 3);
    j = received(sub2, 0);
    ck_assert_str_eq(str(record(j), "MessageId"), "Rfjobd.1.0.JobCreated");
    ck_assert_str_eq(str(j, "Context"), "ctx-some");
    cJSON_Delete(j);
    j = received(sub2, 1);
    ck_assert_str_eq(str(record(j), "MessageId"), "JobEvent.1.1.JobCompletedOK");
    cJSON_Delete(j);
    j = received(sub2, 2);
    ck_assert_str_eq(str(obj(record(j), "OriginOfCondition"), "@odata.id"),
                     "/redfish/v1/JobService/Jobs/fence");
    cJSON_Delete(j);
    ts_stop(sub2);
}
END_TEST

/* ---- SubmitTestEvent ----------------------------------------------------------------------- */

START_TEST(test_submit_test_event)
{
    char uri[256];
    cJSON *j;
    const cJSON *rec;

    subscribe(admin, ts_port(sub1), ",\"Context\":\"t\"", uri, sizeof uri);
    cJSON_Delete(call("POST", SUBMIT, admin,
                      "{\"MessageId\":\"Base.1.22.Success\",\"MessageArgs\":[],"
                      "\"Message\":\"Test message\",\"MessageSeverity\":\"Warning\","
                      "\"OriginOfCondition\":\"/redfish/v1/EventService\","
                      "\"EventId\":\"77\",\"EventTimestamp\":\"2026-01-01T00:00:00Z\","
                      "\"EventGroupId\":3}",
                      204));
    ck_assert_int_eq(ts_wait_ok(sub1, 1, WAIT_MS), 0);
    j = received(sub1, 0);
    rec = record(j);
    ck_assert_str_eq(str(rec, "MessageId"), "Base.1.22.Success");
    ck_assert_str_eq(str(rec, "Message"), "Test message");
    ck_assert_str_eq(str(rec, "MessageSeverity"), "Warning");
    ck_assert_str_eq(str(obj(rec, "OriginOfCondition"), "@odata.id"), "/redfish/v1/EventService");
    ck_assert_str_eq(str(j, "Context"), "t");
    cJSON_Delete(j);

    expect_error("POST", SUBMIT, admin, "{}", 400, "Base.1.22.ActionParameterMissing",
                 "/MessageId");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":\"NoVersion.Key\"}", 400,
                 "Base.1.22.ActionParameterValueFormatError", "/MessageId");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":7}", 400,
                 "Base.1.22.ActionParameterValueTypeError", "/MessageId");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":\"A.1.0.B\",\"Bogus\":1}", 400,
                 "Base.1.22.ActionParameterUnknown", "/Bogus");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":\"A.1.0.B\",\"MessageSeverity\":\"Bad\"}",
                 400, "Base.1.22.ActionParameterValueNotInList", "/MessageSeverity");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":\"A.1.0.B\",\"MessageArgs\":[1]}", 400,
                 "Base.1.22.ActionParameterValueTypeError", "/MessageArgs");
    expect_error("POST", SUBMIT, admin,
                 "{\"MessageId\":\"A.1.0.B\",\"MessageArgs\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}", 400,
                 "Base.1.22.ActionParameterValueError", "/MessageArgs");
    expect_error("POST", SUBMIT, admin, "{\"MessageId\":\"A.1.0.B\",\"OriginOfCondition\":\"x\"}",
                 400, "Base.1.22.ActionParameterValueFormatError", "/OriginOfCondition");
    expect_error("POST", SUBMIT, reader, "{\"MessageId\":\"A.1.0.B\"}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", SUBMIT, operator_, "{\"MessageId\":\"A.1.0.B\"}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);
    /* None of the refused ones was published. */
    submit("fence");
    ck_assert_int_eq(ts_wait_ok(sub1, 2, WAIT_MS), 0);
    ck_assert_uint_eq(ts_count(sub1), 2);
}
END_TEST

/* ---- the EventService ---------------------------------------------------------------------- */

START_TEST(test_event_service)
{
    cJSON *j = call("GET", ES, reader, NULL, 200);
    const cJSON *j_sse = obj(j, "SSEFilterPropertiesSupported");
    char uri[256];
    char got[256];

    ck_assert_str_eq(str(j, "@odata.type"), "#EventService.v1_12_0.EventService");
    ck_assert(cJSON_IsTrue(obj(j, "ServiceEnabled")));
    ck_assert_str_eq(str(j, "ServerSentEventUri"), "/redfish/v1/EventService/SSE");
    ck_assert_str_eq(str(obj(j, "Subscriptions"), "@odata.id"), SUBS);
    ck_assert(cJSON_IsTrue(obj(j_sse, "MessageId")));
    ck_assert(cJSON_IsTrue(obj(j_sse, "RegistryPrefix")));
    ck_assert(cJSON_IsTrue(obj(j_sse, "OriginResource")));
    ck_assert(cJSON_IsTrue(obj(j_sse, "ResourceType")));
    ck_assert(cJSON_IsTrue(obj(j_sse, "EventFormatType")));
    ck_assert_str_eq(str(obj(obj(j, "Actions"), "#EventService.SubmitTestEvent"), "target"),
                     SUBMIT);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "RegistryPrefixes")), 2);
    cJSON_Delete(j);
    j = call("GET", "/redfish/v1", NULL, NULL, 200);
    ck_assert_str_eq(str(obj(j, "EventService"), "@odata.id"), ES);
    cJSON_Delete(j);

    expect_error("PATCH", ES, admin, "{\"DeliveryRetryAttempts\":-1}", 400,
                 "Base.1.22.PropertyValueOutOfRange", "/DeliveryRetryAttempts");
    expect_error("PATCH", ES, admin, "{\"DeliveryRetryIntervalSeconds\":0}", 400,
                 "Base.1.22.PropertyValueOutOfRange", "/DeliveryRetryIntervalSeconds");
    expect_error("PATCH", ES, admin, "{\"ServiceEnabled\":\"no\"}", 400,
                 "Base.1.22.PropertyValueTypeError", "/ServiceEnabled");
    expect_error("PATCH", ES, admin, "{\"ServerSentEventUri\":\"/x\"}", 400,
                 "Base.1.22.PropertyNotWritable", "/ServerSentEventUri");
    expect_error("PATCH", ES, reader, "{\"ServiceEnabled\":false}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);

    /* Disabled: what is published meanwhile is never delivered, also not after enabling. */
    subscribe(admin, ts_port(sub1), "", uri, sizeof uri);
    submit("before");
    ck_assert_int_eq(ts_wait_ok(sub1, 1, WAIT_MS), 0);
    patch_service("{\"ServiceEnabled\":false}");
    j = call("GET", ES, reader, NULL, 200);
    ck_assert(cJSON_IsFalse(obj(j, "ServiceEnabled")));
    ck_assert_str_eq(str(obj(j, "Status"), "State"), "Disabled");
    cJSON_Delete(j);
    submit("while-disabled");
    patch_service("{\"ServiceEnabled\":true,\"DeliveryRetryAttempts\":7,"
                  "\"DeliveryRetryIntervalSeconds\":2}");
    submit("after");
    ck_assert_int_eq(ts_wait_ok(sub1, 2, WAIT_MS), 0);
    delivered_args(sub1, got, sizeof got);
    ck_assert_str_eq(got, "before,after");

    /* The settings survive a restart. */
    app_stop(app);
    start_app();
    j = call("GET", ES, reader, NULL, 200);
    ck_assert(cJSON_IsTrue(obj(j, "ServiceEnabled")));
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "DeliveryRetryAttempts")), 7);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "DeliveryRetryIntervalSeconds")), 2);
    cJSON_Delete(j);
}
END_TEST

/* ---- bad bodies ------------------------------------------------------------------------------ */

static const struct {
    const char *body;
    const char *message;
    const char *related;
} bad_posts[] = {
    {"{}", "PropertyMissing", "/Destination"},
    {"{\"Destination\":\"https://127.0.0.1/\"}", "PropertyMissing", "/Protocol"},
    {"{\"Protocol\":\"Redfish\"}", "PropertyMissing", "/Destination"},
    {"{\"Destination\":\"http://127.0.0.1/e\",\"Protocol\":\"Redfish\"}",
     "PropertyValueFormatError", "/Destination"},
    {"{\"Destination\":\"https://u:p@127.0.0.1/e\",\"Protocol\":\"Redfish\"}",
     "PropertyValueFormatError", "/Destination"},
    {"{\"Destination\":5,\"Protocol\":\"Redfish\"}", "PropertyValueTypeError", "/Destination"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"SNMPv2c\"}", "PropertyValueNotInList",
     "/Protocol"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"Foo\":1}", "PropertyUnknown",
     "/Foo"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"Id\":\"9\"}",
     "PropertyNotWritable", "/Id"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"RegistryPrefixes\":\"JobEvent\"}",
     "PropertyValueTypeError", "/RegistryPrefixes"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"RegistryPrefixes\":[\"Base\"]}",
     "PropertyValueNotInList", "/RegistryPrefixes"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"RegistryPrefixes\":[1]}",
     "PropertyValueTypeError", "/RegistryPrefixes"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"RegistryPrefixes\":[\"JobEvent\","
     "\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\","
     "\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\",\"JobEvent\","
     "\"JobEvent\",\"JobEvent\"]}",
     "ArraySizeTooLong", "/RegistryPrefixes"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"MessageIds\":"
     "[\"JobEvent.1.JobStarted\"]}",
     "PropertyValueNotInList", "/MessageIds"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"MessageIds\":"
     "[\"Base.1.22.Success\"]}",
     "PropertyValueNotInList", "/MessageIds"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"ResourceTypes\":[\"Task\"]}",
     "PropertyValueNotInList", "/ResourceTypes"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"OriginResources\":"
     "[\"/redfish/v1\"]}",
     "PropertyValueTypeError", "/OriginResources"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"OriginResources\":"
     "[{\"@odata.id\":\"/other\"}]}",
     "PropertyValueFormatError", "/OriginResources"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"SubordinateResources\":\"y\"}",
     "PropertyValueTypeError", "/SubordinateResources"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"DeliveryRetryPolicy\":\"Never\"}",
     "PropertyValueNotInList", "/DeliveryRetryPolicy"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"VerifyCertificate\":\"yes\"}",
     "PropertyValueTypeError", "/VerifyCertificate"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"EventFormatType\":"
     "\"MetricReport\"}",
     "PropertyValueNotInList", "/EventFormatType"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"SubscriptionType\":\"SSE\"}",
     "PropertyValueNotInList", "/SubscriptionType"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"Context\":5}",
     "PropertyValueTypeError", "/Context"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"HttpHeaders\":{\"a\":\"b\"}}",
     "PropertyValueTypeError", "/HttpHeaders"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"HttpHeaders\":"
     "[{\"Content-Length\":\"1\"}]}",
     "PropertyValueFormatError", "/HttpHeaders"},
    {"{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\",\"HttpHeaders\":"
     "[{\"X-A\":\"a\\r\\nB: c\"}]}",
     "PropertyValueFormatError", "/HttpHeaders"},
    {"[1]", "MalformedJSON", NULL},
    {"{\"Destination\":", "MalformedJSON", NULL},
};

START_TEST(test_bad_posts)
{
    char long_ctx[600];
    char body[800];
    char uri[256];
    struct tc_resp r;
    cJSON *j;

    for (size_t i = 0; i < sizeof bad_posts / sizeof bad_posts[0]; i++) {
        char id[96];

        ck_assert_int_eq(rf_fmt(id, sizeof id, "Base.1.22.%s", bad_posts[i].message), 0);
        expect_error("POST", SUBS, admin, bad_posts[i].body, 400, id, bad_posts[i].related);
    }
    memset(long_ctx, 'c', 300);
    long_ctx[300] = '\0';
    ck_assert_int_eq(rf_fmt(body, sizeof body,
                            "{\"Destination\":\"https://h/\",\"Protocol\":\"Redfish\","
                            "\"Context\":\"%s\"}",
                            long_ctx),
                     0);
    expect_error("POST", SUBS, admin, body, 400, "Base.1.22.StringValueTooLong", "/Context");
    /* Nothing was created. */
    j = call("GET", SUBS, admin, NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "Members")), 0);
    cJSON_Delete(j);

    /* HttpHeaders are sent but never shown; VerifyCertificate defaults to true. */
    subscribe(admin, ts_port(sub1),
              ",\"HttpHeaders\":[{\"X-Token\":\"top-secret\"}],\"DeliveryRetryPolicy\":"
              "\"RetryForever\"",
              uri, sizeof uri);
    http("GET", uri, admin, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "top-secret"));
    j = cJSON_ParseWithLength(r.body, r.body_len);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "HttpHeaders")), 0);
    ck_assert(cJSON_IsTrue(obj(j, "VerifyCertificate")));
    ck_assert_str_eq(str(j, "DeliveryRetryPolicy"), "RetryForever");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    submit("h");
    ck_assert_int_eq(ts_wait_ok(sub1, 1, WAIT_MS), 0);
    {
        struct ts_request tr;

        ck_assert_int_eq(ts_get(sub1, 0, &tr), 0);
        ck_assert_ptr_nonnull(strstr(tr.head, "\r\nX-Token: top-secret"));
        free(tr.body);
    }

    /* PATCH: what may change, and what may not. */
    j = call("PATCH", uri, admin,
             "{\"Context\":\"new\",\"DeliveryRetryPolicy\":\"SuspendRetries\"}", 200);
    ck_assert_str_eq(str(j, "Context"), "new");
    ck_assert_str_eq(str(j, "DeliveryRetryPolicy"), "SuspendRetries");
    cJSON_Delete(j);
    expect_error("PATCH", uri, admin, "{\"Destination\":\"https://other/\"}", 400,
                 "Base.1.22.PropertyNotWritable", "/Destination");
    expect_error("PATCH", uri, admin, "{\"DeliveryRetryPolicy\":\"Sometimes\"}", 400,
                 "Base.1.22.PropertyValueNotInList", "/DeliveryRetryPolicy");
    expect_error("PATCH", uri, admin, "{\"Bogus\":1}", 400, "Base.1.22.PropertyUnknown", "/Bogus");
    expect_error("GET", SUBS "/999", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("DELETE", SUBS "/SSE-999", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("POST", SUBS "/1/Actions/EventDestination.Explode", admin, "{}", 400,
                 "Base.1.22.ActionNotSupported", NULL);
}
END_TEST

START_TEST(test_subscription_limit)
{
    char uri[256];

    for (int i = 0; i < 32; i++) {
        subscribe(admin, ts_port(sub1), ",\"RegistryPrefixes\":[\"Rfjobd\"]", uri, sizeof uri);
    }
    expect_error("POST", SUBS, admin,
                 "{\"Destination\":\"https://127.0.0.1:9/\",\"Protocol\":\"Redfish\"}", 400,
                 "Base.1.22.EventSubscriptionLimitExceeded", NULL);
    cJSON_Delete(call("DELETE", uri, admin, NULL, 204));
    wait_status(uri, 404);
    subscribe(admin, ts_port(sub1), "", uri, sizeof uri);
}
END_TEST

/* ---- privileges ------------------------------------------------------------------------------ */

START_TEST(test_privileges)
{
    char mine[256];
    char theirs[256];
    const char *body = "{\"Destination\":\"https://127.0.0.1:9/\",\"Protocol\":\"Redfish\"}";
    cJSON *j;

    expect_error("POST", SUBS, reader, body, 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", SUBS, NULL, body, 401, "Base.1.22.AccessUnauthorized", NULL);
    /* Operator (ConfigureComponents) may subscribe, and change only its own. */
    subscribe(operator_, ts_port(sub1), "", mine, sizeof mine);
    subscribe(admin, ts_port(sub1), "", theirs, sizeof theirs);
    j = call("GET", theirs, reader, NULL, 200);
    cJSON_Delete(j);
    cJSON_Delete(call("PATCH", mine, operator_, "{\"Context\":\"op\"}", 200));
    expect_error("PATCH", theirs, operator_, "{\"Context\":\"op\"}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("DELETE", theirs, operator_, NULL, 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("DELETE", mine, reader, NULL, 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", mine, reader, "{}", 405, "Base.1.22.OperationNotAllowed", NULL);
    cJSON_Delete(call("DELETE", mine, operator_, NULL, 204));
    expect_error("GET", mine, admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    cJSON_Delete(call("DELETE", theirs, admin, NULL, 204));
}
END_TEST

/* ---- delivery failures ----------------------------------------------------------------------- */

START_TEST(test_down_subscriber_catches_up)
{
    char uri[256];
    char got[512];
    int port = ts_port(sub1);

    patch_service("{\"DeliveryRetryIntervalSeconds\":1,\"DeliveryRetryAttempts\":30}");
    subscribe(admin, port, ",\"DeliveryRetryPolicy\":\"TerminateAfterRetries\"", uri, sizeof uri);
    submit("e1");
    ck_assert_int_eq(ts_wait_ok(sub1, 1, WAIT_MS), 0);
    /* Answering 503: retried, not lost. */
    ts_set_status(sub1, 503);
    submit("e2");
    submit("e3");
    ck_assert_int_eq(ts_wait_any(sub1, 3, WAIT_MS), 0);
    /* Down: the port refuses connections. */
    ts_stop(sub1);
    sub1 = NULL;
    submit("e4");
    /* Back, on the same port. */
    sub1 = ts_start(certs.cert, certs.key, port);
    ck_assert_ptr_nonnull(sub1);
    ck_assert_int_eq(ts_wait_ok(sub1, 3, WAIT_MS), 0);
    submit("e5");
    ck_assert_int_eq(ts_wait_ok(sub1, 4, WAIT_MS), 0);
    delivered_args(sub1, got, sizeof got);
    ck_assert_str_eq(got, "e2,e3,e4,e5");
    wait_status(uri, 200);
}
END_TEST

START_TEST(test_terminate_after_retries)
{
    char uri[256];

    patch_service("{\"DeliveryRetryIntervalSeconds\":1,\"DeliveryRetryAttempts\":2}");
    ts_set_status(sub1, 503);
    subscribe(admin, ts_port(sub1), ",\"DeliveryRetryPolicy\":\"TerminateAfterRetries\"", uri,
              sizeof uri);
    submit("t1");
    ck_assert_int_eq(ts_wait_any(sub1, 3, WAIT_MS), 0);
    wait_status(uri, 404);
    /* One attempt and two retries, no more. */
    ck_assert_uint_eq(ts_count(sub1), 3);
}
END_TEST

START_TEST(test_suspend_and_resume)
{
    char uri[256];
    char action[300];
    char got[256];
    cJSON *j;

    patch_service("{\"DeliveryRetryIntervalSeconds\":1,\"DeliveryRetryAttempts\":1}");
    ts_set_status(sub1, 503);
    subscribe(admin, ts_port(sub1), ",\"DeliveryRetryPolicy\":\"SuspendRetries\"", uri, sizeof uri);
    submit("s1");
    ck_assert_int_eq(ts_wait_any(sub1, 2, WAIT_MS), 0);
    for (int i = 0; i < WAIT_MS / 50; i++) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        int disabled;

        j = call("GET", uri, admin, NULL, 200);
        disabled = strcmp(str(obj(j, "Status"), "State"), "Disabled") == 0;
        cJSON_Delete(j);
        if (disabled) {
            break;
        }
        nanosleep(&pause, NULL);
    }
    j = call("GET", uri, admin, NULL, 200);
    ck_assert_str_eq(str(obj(j, "Status"), "State"), "Disabled");
    cJSON_Delete(j);
    submit("s2");
    ts_set_status(sub1, 200);
    ck_assert_int_eq(
        rf_fmt(action, sizeof action, "%s/Actions/EventDestination.ResumeSubscription", uri), 0);
    expect_error("POST", action, admin, "{\"DeliverBufferedEventDuration\":\"PT0S\"}", 400,
                 "Base.1.22.ActionParameterNotSupported", "/DeliverBufferedEventDuration");
    cJSON_Delete(call("POST", action, admin, "{}", 204));
    ck_assert_int_eq(ts_wait_ok(sub1, 2, WAIT_MS), 0);
    delivered_args(sub1, got, sizeof got);
    ck_assert_str_eq(got, "s1,s2");
    j = call("GET", uri, admin, NULL, 200);
    ck_assert_str_eq(str(obj(j, "Status"), "State"), "Enabled");
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_restart_resumes_from_cursor)
{
    char uri[256];
    char got[256];
    int port = ts_port(sub1);
    cJSON *j;

    patch_service("{\"DeliveryRetryIntervalSeconds\":1}");
    subscribe(admin, port, ",\"Context\":\"kept\",\"DeliveryRetryPolicy\":\"RetryForever\"", uri,
              sizeof uri);
    submit("r1");
    ck_assert_int_eq(ts_wait_ok(sub1, 1, WAIT_MS), 0);
    ts_stop(sub1);
    sub1 = NULL;
    submit("r2");
    submit("r3");
    app_stop(app);
    start_app();
    j = call("GET", uri, admin, NULL, 200);
    ck_assert_str_eq(str(j, "Context"), "kept");
    ck_assert_str_eq(str(j, "DeliveryRetryPolicy"), "RetryForever");
    cJSON_Delete(j);
    sub1 = ts_start(certs.cert, certs.key, port);
    ck_assert_ptr_nonnull(sub1);
    ck_assert_int_eq(ts_wait_ok(sub1, 2, WAIT_MS), 0);
    submit("r4");
    ck_assert_int_eq(ts_wait_ok(sub1, 3, WAIT_MS), 0);
    delivered_args(sub1, got, sizeof got);
    ck_assert_str_eq(got, "r2,r3,r4");
    j = received(sub1, 0);
    ck_assert_str_eq(str(j, "Context"), "kept");
    cJSON_Delete(j);
}
END_TEST

Suite *
push_integration_suite(void)
{
    Suite *s = suite_create("push_integration");
    TCase *delivery = tcase_create("delivery");
    TCase *api = tcase_create("api");
    TCase *failures = tcase_create("failures");

    tcase_set_timeout(delivery, 120);
    tcase_add_checked_fixture(delivery, setup, teardown);
    tcase_add_test(delivery, test_job_life_reaches_subscribers);
    tcase_add_test(delivery, test_submit_test_event);
    suite_add_tcase(s, delivery);
    tcase_set_timeout(api, 120);
    tcase_add_checked_fixture(api, setup, teardown);
    tcase_add_test(api, test_event_service);
    tcase_add_test(api, test_bad_posts);
    tcase_add_test(api, test_subscription_limit);
    tcase_add_test(api, test_privileges);
    suite_add_tcase(s, api);
    tcase_set_timeout(failures, 120);
    tcase_add_checked_fixture(failures, setup, teardown);
    tcase_add_test(failures, test_down_subscriber_catches_up);
    tcase_add_test(failures, test_terminate_after_retries);
    tcase_add_test(failures, test_suspend_and_resume);
    tcase_add_test(failures, test_restart_resumes_from_cursor);
    suite_add_tcase(s, failures);
    return s;
}
