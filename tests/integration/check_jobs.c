/*
 * Integration: JobService and Jobs over HTTPS against the real server, started in the test process
 * on an ephemeral port. Every operation, every kind of bad input with its exact status, MessageId
 * and RelatedProperties, user-specified jobs performed as their creator, schedules, the OEM CIM
 * methods with their return values, paging 10,000 jobs, and the query options. Jobs in states a
 * client cannot reach are made through the model API of the running service.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../suites.h"
#include "../support/json_schema.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "job_runner.h"
#include "job_service.h"
#include "map_job.h"
#include "rf_buf.h"

#define HOST "127.0.0.1"
#define ADMIN_PW "admin-pass-1"
#define JOBS "/redfish/v1/JobService/Jobs"
#define CT "Content-Type: application/json\r\n"
#define SEC INT64_C(1000000)
#define MANY 10000

static char dir[256];
static struct tcert_paths certs;
static struct config cfg;
static struct app *app;
static cJSON *schema;
static char admin[256];
static char admin2[256];
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
setup(void)
{
    char err[CFG_ERR_MAX] = "";

    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = 4;
    cfg.log_level = LOG_LEVEL_ERROR;
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
    ck_assert_msg(app_start(&cfg, ADMIN_PW, &app, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt(app->port, 0);
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin, sizeof admin), 0);
    add_account("admin2", "Administrator", "admin2-pass-1", admin2, sizeof admin2);
    add_account("reader", "ReadOnly", "reader-pass-1", reader, sizeof reader);
    add_account("operator", "Operator", "operator-pass-1", operator_, sizeof operator_);
    schema = js_load(RF_OEM_SCHEMA);
    ck_assert_msg(schema != NULL, "cannot read %s", RF_OEM_SCHEMA);
}

static void
teardown(void)
{
    app_stop(app);
    app = NULL;
    cJSON_Delete(schema);
    schema = NULL;
    tdir_remove(dir);
}

/* ---- requests and assertions ---------------------------------------------------------------- */

/* One request as `who` (an Authorization header line) with extra header lines; body or NULL. */
static void
http(const char *method, const char *path, const char *who, const char *extra, const char *body,
     struct tc_resp *r)
{
    char headers[1024];
    int rc;

    ck_assert_int_eq(rf_fmt(headers, sizeof headers, "%s%s%s", who != NULL ? who : "",
                            body != NULL ? CT : "", extra != NULL ? extra : ""),
                     0);
    rc = tc_request(HOST, app->port, certs.ca, method, path, headers, body,
                    body != NULL ? strlen(body) : 0, r);
    ck_assert_msg(rc == 0, "%s %s: client error %d", method, path, rc);
}

static cJSON *
json_of(const struct tc_resp *r)
{
    cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);

    ck_assert_msg(j != NULL, "not JSON: %.300s", r->body);
    return j;
}

static const cJSON *
obj(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(j, name);
}

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int
num(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", name);
    return (int)v->valuedouble;
}

static void
assert_valid(const char *def, const cJSON *j)
{
    char err[512];

    if (js_validate(schema, def, j, err, sizeof err) != 0) {
        char *text = cJSON_PrintUnformatted(j);
        ck_abort_msg("%s: %s in %.600s", def, err, text != NULL ? text : "?");
    }
}

/* Sends a request and returns the parsed body, asserting the status. */
static cJSON *
call(const char *method, const char *path, const char *who, const char *body, int status)
{
    struct tc_resp r;
    cJSON *j;

    http(method, path, who, NULL, body, &r);
    ck_assert_msg(r.status == status, "%s %s: %d, not %d: %.400s", method, path, r.status, status,
                  r.body);
    j = r.body_len > 0 ? json_of(&r) : cJSON_CreateObject();
    tc_resp_cleanup(&r);
    return j;
}

/*
 * Asserts a Redfish error: the status, the MessageId of its one message, and the one related
 * property (NULL: none).
 */
static void
assert_error_body(const cJSON *j, const char *message_id, const char *related)
{
    const cJSON *j_err = obj(j, "error");
    const cJSON *j_info = obj(j_err, "@Message.ExtendedInfo");
    const cJSON *j_m = cJSON_GetArrayItem(j_info, 0);
    const cJSON *j_rel = obj(j_m, "RelatedProperties");

    ck_assert_str_eq(str(j_err, "code"), message_id);
    ck_assert_int_eq(cJSON_GetArraySize(j_info), 1);
    ck_assert_str_eq(str(j_m, "MessageId"), message_id);
    if (related == NULL) {
        ck_assert_msg(cJSON_GetArraySize(j_rel) == 0, "unexpected RelatedProperties");
    } else {
        ck_assert_int_eq(cJSON_GetArraySize(j_rel), 1);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(j_rel, 0)), related);
    }
}

static void
expect_error(const char *method, const char *path, const char *who, const char *body, int status,
             const char *message_id, const char *related)
{
    cJSON *j = call(method, path, who, body, status);

    assert_error_body(j, message_id, related);
    cJSON_Delete(j);
}

static void
job_path(uint64_t id, const char *tail, char *out, size_t size)
{
    ck_assert_int_eq(rf_fmt(out, size, JOBS "/%" PRIu64 "%s", id, tail), 0);
}

/* POSTs a user-specified job; returns its id, from the Location header. */
static uint64_t
create_job(const char *who, const char *body)
{
    struct tc_resp r;
    char loc[256];
    uint64_t id;
    cJSON *j;

    http("POST", JOBS, who, NULL, body, &r);
    ck_assert_msg(r.status == 201, "POST: %d %.400s", r.status, r.body);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    ck_assert_int_eq(strncmp(loc, JOBS "/", sizeof JOBS), 0);
    ck_assert_int_eq(map_job_id(loc + sizeof JOBS, &id), 0);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "@odata.id"), loc);
    ck_assert_str_eq(str(j, "JobType"), "UserSpecified");
    assert_valid("Job", obj(obj(j, "Oem"), "Rfjobd"));
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    return id;
}

static cJSON *
get_job(uint64_t id)
{
    char p[128];

    job_path(id, "", p, sizeof p);
    return call("GET", p, admin, NULL, 200);
}

/* Polls the model (at most 10 s) until the job's Redfish JobState is `state`. */
static void
wait_state(uint64_t id, const char *state)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    time_t deadline = time(NULL) + 10;
    char last[32] = "";

    for (;;) {
        struct job job;
        job_init(&job, &job_class_concrete);
        ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
        (void)rf_strlcpy(last, map_job_state(&job), sizeof last);
        job_cleanup(&job);
        if (strcmp(last, state) == 0)
            return;
        ck_assert_msg(time(NULL) < deadline, "job %" PRIu64 " stays %s, not %s", id, last, state);
        nanosleep(&pause, NULL);
    }
}

/* Jobs the runner leaves alone (service-generated), taken to a state through the model API. */
static uint64_t
model_job(const struct job_class *cls, enum job_ev ev, uint32_t req)
{
    struct job tmpl;
    struct job out;
    uint64_t id;

    job_init(&tmpl, cls);
    job_init(&out, cls);
    tmpl.caps = (uint8_t)JOB_REQ_ALL;
    tmpl.kind = JOB_KIND_SERVICE;
    ck_assert_int_eq(job_set_str(&tmpl.name, "model job"), JOB_OK);
    ck_assert_int_eq(job_service_create(app->jobs, &tmpl, &out, NULL), JOB_OK);
    id = out.id;
    if (ev != JOB_EV_COUNT) {
        struct job_report r;
        struct cim_error e;
        memset(&r, 0, sizeof r);
        r.ev = JOB_EV_STARTED;
        ck_assert_int_eq(job_service_report(app->jobs, id, &r, NULL), JOB_OK);
        cim_error_init(&e);
        if (ev == JOB_EV_FAILED) {
            e.perceived_severity = 6;
            e.error_type = 4;
            e.cim_status_code = 1;
            ck_assert_int_eq(cim_error_set_str(&e.owning_entity, "Rfjobd"), JOB_OK);
            ck_assert_int_eq(cim_error_set_str(&e.message_id, "JobFailed"), JOB_OK);
            ck_assert_int_eq(cim_error_set_str(&e.message, "The job failed"), JOB_OK);
            r.error = &e;
            r.error_code = 7;
        }
        if (ev != JOB_EV_STARTED) {
            r.ev = ev;
            ck_assert_int_eq(job_service_report(app->jobs, id, &r, NULL), JOB_OK);
        }
        cim_error_cleanup(&e);
    }
    if (req != 0) {
        enum job_rc rc;
        ck_assert_int_eq(job_service_request_state_change(app->jobs, id, req, NULL, &rc, NULL),
                         JOB_OK);
        ck_assert(rc == JOB_RC_OK || rc == JOB_RC_STARTED);
    }
    job_cleanup(&tmpl);
    job_cleanup(&out);
    return id;
}

static const char *
message_id_at(const cJSON *j_job, int i)
{
    return str(cJSON_GetArrayItem(obj(j_job, "Messages"), i), "MessageId");
}

#define GET_SERVICE                                                                                \
    "{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"GET\"}}"

/* ---- the JobService ------------------------------------------------------------------------- */

START_TEST(test_jobservice)
{
    cJSON *j = call("GET", "/redfish/v1/JobService", reader, NULL, 200);
    uint64_t id;

    ck_assert_str_eq(str(j, "@odata.type"), "#JobService.v1_1_0.JobService");
    ck_assert(cJSON_IsTrue(obj(j, "ServiceEnabled")));
    ck_assert(cJSON_IsTrue(obj(obj(j, "ServiceCapabilities"), "UserSpecifiedJobs")));
    ck_assert(cJSON_IsTrue(obj(obj(j, "ServiceCapabilities"), "Scheduling")));
    ck_assert_str_eq(str(obj(j, "Jobs"), "@odata.id"), JOBS);
    ck_assert_str_eq(str(obj(obj(j, "Actions"), "#JobService.CancelAllJobs"), "target"),
                     "/redfish/v1/JobService/Actions/JobService.CancelAllJobs");
    cJSON_Delete(j);

    /* Bad PATCHes. */
    expect_error("PATCH", "/redfish/v1/JobService", admin, "{\"ServiceEnabled\":\"no\"}", 400,
                 "Base.1.22.PropertyValueTypeError", "/ServiceEnabled");
    expect_error("PATCH", "/redfish/v1/JobService", admin, "{\"DateTime\":\"x\"}", 400,
                 "Base.1.22.PropertyNotWritable", "/DateTime");
    expect_error("PATCH", "/redfish/v1/JobService", admin, "{\"Enabled\":true}", 400,
                 "Base.1.22.PropertyUnknown", "/Enabled");
    expect_error("PATCH", "/redfish/v1/JobService", operator_, "{\"ServiceEnabled\":false}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);

    /* Disabled: new jobs stay New, the runner does nothing. */
    j = call("PATCH", "/redfish/v1/JobService", admin, "{\"ServiceEnabled\":false}", 200);
    ck_assert(cJSON_IsFalse(obj(j, "ServiceEnabled")));
    ck_assert_str_eq(str(obj(j, "Status"), "State"), "Disabled");
    cJSON_Delete(j);
    id = create_job(admin, GET_SERVICE);
    ck_assert_int_eq(job_runner_run_due(app), 0);
    j = get_job(id);
    ck_assert_str_eq(str(j, "JobState"), "New");
    cJSON_Delete(j);

    /* Enabled again: it runs. */
    j = call("PATCH", "/redfish/v1/JobService", admin, "{\"ServiceEnabled\":true}", 200);
    ck_assert(cJSON_IsTrue(obj(j, "ServiceEnabled")));
    cJSON_Delete(j);
    wait_state(id, "Completed");
}
END_TEST

START_TEST(test_cancel_all)
{
    uint64_t fresh;
    uint64_t running;
    uint64_t done;
    cJSON *j;

    ck_assert_uint_eq(job_service_count(app->jobs), 0);
    fresh = model_job(&job_class_concrete, JOB_EV_COUNT, 0);
    running = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    done = model_job(&job_class_concrete, JOB_EV_COMPLETED, 0);
    expect_error("POST", "/redfish/v1/JobService/Actions/JobService.CancelAllJobs", operator_, "{}",
                 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", "/redfish/v1/JobService/Actions/JobService.CancelAllJobs", admin,
                 "{\"Force\":true}", 400, "Base.1.22.ActionParameterUnknown", NULL);
    j = call("POST", "/redfish/v1/JobService/Actions/JobService.CancelAllJobs", admin, "{}", 200);
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "@Message.ExtendedInfo"), 0), "MessageId"),
                     "Base.1.22.Success");
    cJSON_Delete(j);
    wait_state(fresh, "Cancelled");
    wait_state(running, "Stopping");
    wait_state(done, "Completed");
}
END_TEST

/* ---- creating jobs -------------------------------------------------------------------------- */

#define MAKE_ACCOUNT                                                                               \
    "{\"Name\":\"make an account\",\"Payload\":{\"TargetUri\":"                                    \
    "\"/redfish/v1/AccountService/Accounts\",\"HttpOperation\":\"POST\",\"JsonBody\":"             \
    "\"{\\\"UserName\\\":\\\"%s\\\",\\\"Password\\\":\\\"made-by-a-job-1\\\","                     \
    "\\\"RoleId\\\":\\\"ReadOnly\\\"}\"}}"

START_TEST(test_create_and_run)
{
    char body[512];
    char p[128];
    uint64_t id;
    cJSON *j;
    const cJSON *j_cr;

    ck_assert_int_eq(rf_fmt(body, sizeof body, MAKE_ACCOUNT, "madebyjob"), 0);
    id = create_job(admin, body);
    wait_state(id, "Completed");
    j = get_job(id);
    ck_assert_str_eq(str(j, "Name"), "make an account");
    ck_assert_str_eq(str(j, "CreatedBy"), "Administrator");
    ck_assert_str_eq(str(j, "JobStatus"), "OK");
    ck_assert_int_eq(num(j, "PercentComplete"), 100);
    ck_assert_str_ne(str(j, "EndTime"), "");
    ck_assert_str_ne(str(j, "StartTime"), "");
    ck_assert_str_eq(message_id_at(j, 0), "Rfjobd.1.0.PayloadCompleted");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(
                         obj(cJSON_GetArrayItem(obj(j, "Messages"), 0), "MessageArgs"), 2)),
                     "201");
    j_cr = obj(obj(j, "Links"), "CreatedResources");
    ck_assert_int_eq(cJSON_GetArraySize(j_cr), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(j_cr, 0), "@odata.id"),
                     "/redfish/v1/AccountService/Accounts/madebyjob");
    ck_assert_int_eq(num(obj(j, "Links"), "CreatedResources@odata.count"), 1);
    assert_valid("Job", obj(obj(j, "Oem"), "Rfjobd"));
    for (int i = 0; i < cJSON_GetArraySize(obj(j, "Messages")); i++)
        assert_valid("CIMError",
                     obj(obj(cJSON_GetArrayItem(obj(j, "Messages"), i), "Oem"), "Rfjobd"));
    /* Completed: Resubmit is legal, Cancel is not. */
    ck_assert_ptr_nonnull(obj(obj(j, "Actions"), "#Job.Resubmit"));
    ck_assert_ptr_null(obj(obj(j, "Actions"), "#Job.Cancel"));
    cJSON_Delete(j);
    j = call("GET", "/redfish/v1/AccountService/Accounts/madebyjob", admin, NULL, 200);
    cJSON_Delete(j);

    /* The same body again fails: the account exists; the job ends in Exception, and says why. */
    id = create_job(admin, body);
    wait_state(id, "Exception");
    j = get_job(id);
    ck_assert_str_eq(str(j, "JobStatus"), "Critical");
    ck_assert_str_eq(message_id_at(j, 0), "Rfjobd.1.0.PayloadFailed");
    ck_assert_int_eq(cJSON_GetArraySize(obj(obj(j, "Links"), "CreatedResources")), 0);
    cJSON_Delete(j);

    /* GetError gives the CIM_Error of the failure. */
    job_path(id, "/Actions/Oem/RfjobdJob.GetError", p, sizeof p);
    j = call("POST", p, admin, "{}", 200);
    assert_valid("GetErrorResponse", j);
    ck_assert_int_eq(num(j, "ReturnValue"), 0);
    ck_assert_str_eq(str(obj(j, "Error"), "MessageId"), "Rfjobd.1.0.PayloadFailed");
    assert_valid("CIMError", obj(obj(obj(j, "Error"), "Oem"), "Rfjobd"));
    cJSON_Delete(j);
}
END_TEST

/* The payload runs with the creator's privileges when it runs, not when it was created. */
START_TEST(test_runs_as_creator)
{
    struct db_account a;
    char body[512];
    uint64_t id;
    cJSON *j;
    const cJSON *j_msgs;
    int found = 0;

    j = call("PATCH", "/redfish/v1/JobService", admin, "{\"ServiceEnabled\":false}", 200);
    cJSON_Delete(j);
    ck_assert_int_eq(rf_fmt(body, sizeof body, MAKE_ACCOUNT, "demoted"), 0);
    id = create_job(admin2, body);
    ck_assert_int_eq(db_account_get(app->db, "admin2", &a), DB_OK);
    ck_assert_int_eq(rf_strlcpy(a.role, "ReadOnly", sizeof a.role), 0);
    ck_assert_int_eq(db_account_update(app->db, "admin2", &a), DB_OK);
    j = call("PATCH", "/redfish/v1/JobService", admin, "{\"ServiceEnabled\":true}", 200);
    cJSON_Delete(j);
    wait_state(id, "Exception");
    j = get_job(id);
    ck_assert_str_eq(str(j, "CreatedBy"), "admin2");
    j_msgs = obj(j, "Messages");
    ck_assert_str_eq(message_id_at(j, 0), "Rfjobd.1.0.PayloadFailed");
    ck_assert_str_eq(cJSON_GetStringValue(
                         cJSON_GetArrayItem(obj(cJSON_GetArrayItem(j_msgs, 0), "MessageArgs"), 2)),
                     "403");
    for (int i = 0; i < cJSON_GetArraySize(j_msgs); i++)
        if (strcmp(message_id_at(j, i), "Base.1.22.InsufficientPrivilege") == 0)
            found = 1;
    ck_assert_msg(found, "no InsufficientPrivilege among the job's messages");
    cJSON_Delete(j);
    j = call("GET", "/redfish/v1/AccountService/Accounts/demoted", admin, NULL, 404);
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_create_bad_input)
{
#define P_OK "\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"GET\"}"
    static const struct {
        const char *body;
        const char *message_id;
        const char *related;
    } bad[] = {
        {"{\"Name\":5," P_OK "}", "PropertyValueTypeError", "/Name"},
        {"{\"Bogus\":1," P_OK "}", "PropertyUnknown", "/Bogus"},
        {"{\"JobState\":\"Running\"," P_OK "}", "PropertyNotWritable", "/JobState"},
        {"{\"HidePayload\":\"yes\"," P_OK "}", "PropertyValueTypeError", "/HidePayload"},
        {"{\"JobPriority\":-1," P_OK "}", "PropertyValueOutOfRange", "/JobPriority"},
        {"{\"MaxExecutionTime\":\"5 minutes\"," P_OK "}", "PropertyValueFormatError",
         "/MaxExecutionTime"},
        {"{\"MaxExecutionTime\":300," P_OK "}", "PropertyValueTypeError", "/MaxExecutionTime"},
        {"{\"Schedule\":{\"InitialStartTime\":\"tomorrow\"}," P_OK "}", "PropertyValueFormatError",
         "/Schedule/InitialStartTime"},
        {"{\"Schedule\":{\"InitialStartTime\":\"2026-13-01T00:00:00Z\"}," P_OK "}",
         "PropertyValueFormatError", "/Schedule/InitialStartTime"},
        {"{\"Schedule\":{\"RecurrenceInterval\":\"daily\"}," P_OK "}", "PropertyValueFormatError",
         "/Schedule/RecurrenceInterval"},
        {"{\"Schedule\":{\"EnabledDaysOfWeek\":[\"Funday\"]}," P_OK "}", "PropertyValueNotInList",
         "/Schedule/EnabledDaysOfWeek"},
        {"{\"Schedule\":{\"When\":1}," P_OK "}", "PropertyUnknown", "/Schedule/When"},
        {"{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"FETCH\"}}",
         "PropertyValueNotInList", "/Payload/HttpOperation"},
        {"{\"Payload\":{\"TargetUri\":\"https://elsewhere/\",\"HttpOperation\":\"GET\"}}",
         "PropertyValueFormatError", "/Payload/TargetUri"},
        {"{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\"}}", "PropertyMissing",
         "/Payload/HttpOperation"},
        {"{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"POST\","
         "\"JsonBody\":\"{not json\"}}",
         "PropertyValueFormatError", "/Payload/JsonBody"},
        {"{\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\",\"HttpOperation\":\"GET\","
         "\"Extra\":1}}",
         "PropertyUnknown", "/Payload/Extra"},
        {"{\"Name\":\"no payload\"}", "CreateFailedMissingReqProperties", "/Payload"},
    };
    char id[96];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *j = call("POST", JOBS, admin, bad[i].body, 400);
        ck_assert_int_eq(rf_fmt(id, sizeof id, "Base.1.22.%s", bad[i].message_id), 0);
        assert_error_body(j, id, bad[i].related);
        cJSON_Delete(j);
    }
    expect_error("POST", JOBS, admin, "{not json", 400, "Base.1.22.MalformedJSON", NULL);
    expect_error("POST", JOBS, reader, "{" P_OK "}", 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", JOBS, operator_, "{" P_OK "}", 403, "Base.1.22.InsufficientPrivilege",
                 NULL);
    expect_error("POST", JOBS, NULL, "{" P_OK "}", 401, "Base.1.22.AccessUnauthorized", NULL);
    ck_assert_uint_eq(job_service_count(app->jobs), 0);
#undef P_OK
}
END_TEST

START_TEST(test_scheduled_job)
{
    char body[512];
    char p[128];
    char when[64];
    struct cim_datetime dt;
    uint64_t id;
    cJSON *j;

    ck_assert_int_eq(cim_dt_from_unix_us(job_service_now(app->jobs) + 3600 * SEC, 0, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, when, sizeof when), JOB_OK);
    ck_assert_int_eq(rf_fmt(body, sizeof body,
                            "{\"Schedule\":{\"InitialStartTime\":\"%s\"},\"MaxExecutionTime\":"
                            "\"PT10M\",\"Payload\":{\"TargetUri\":\"/redfish/v1/JobService\","
                            "\"HttpOperation\":\"GET\"}}",
                            when),
                     0);
    id = create_job(admin, body);
    ck_assert_int_eq(job_runner_run_due(app), 0);
    j = get_job(id);
    ck_assert_str_eq(str(j, "JobState"), "Pending");
    ck_assert_str_eq(str(obj(j, "Schedule"), "InitialStartTime"), when);
    ck_assert_str_eq(str(j, "MaxExecutionTime"), "PT10M");
    ck_assert_ptr_nonnull(obj(obj(j, "Actions"), "#Job.ForceStart"));
    cJSON_Delete(j);

    job_path(id, "/Actions/Job.ForceStart", p, sizeof p);
    expect_error("POST", p, operator_, "{}", 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", p, admin, "{\"Now\":true}", 400, "Base.1.22.ActionParameterUnknown",
                 "/Now");
    j = call("POST", p, admin, "{}", 202);
    cJSON_Delete(j);
    wait_state(id, "Completed");
    expect_error("POST", p, admin, "{}", 409, "Rfjobd.1.0.InvalidStateTransition", NULL);
}
END_TEST

/* ---- changing jobs -------------------------------------------------------------------------- */

START_TEST(test_patch)
{
    static const struct {
        const char *body;
        const char *message_id;
        const char *related;
    } bad[] = {
        {"{\"MaxExecutionTime\":5}", "Base.1.22.PropertyValueTypeError", "/MaxExecutionTime"},
        {"{\"MaxExecutionTime\":\"soon\"}", "Base.1.22.PropertyValueFormatError",
         "/MaxExecutionTime"},
        {"{\"Foo\":1}", "Base.1.22.PropertyUnknown", "/Foo"},
        {"{\"Name\":\"renamed\"}", "Base.1.22.PropertyNotWritable", "/Name"},
        {"{\"PercentComplete\":50}", "Base.1.22.PropertyNotWritable", "/PercentComplete"},
        {"{\"JobState\":\"Flying\"}", "Base.1.22.PropertyValueNotInList", "/JobState"},
        {"{\"JobState\":7}", "Base.1.22.PropertyValueTypeError", "/JobState"},
        {"{\"JobState\":\"Completed\"}", "Rfjobd.1.0.InvalidStateTransition", "/JobState"},
        {"{\"Schedule\":{\"InitialStartTime\":\"soon\"}}", "Base.1.22.PropertyValueFormatError",
         "/Schedule/InitialStartTime"},
        {"{\"Schedule\":{\"Lifetime\":\"forever\"}}", "Base.1.22.PropertyValueFormatError",
         "/Schedule/Lifetime"},
        {"{}", "Base.1.22.NoOperation", NULL},
    };
    uint64_t id = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    char p[128];
    char etag[64];
    char stale[96];
    char fresh[96];
    struct tc_resp r;
    cJSON *j;

    job_path(id, "", p, sizeof p);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        /* An illegal transition is a conflict; the rest are bad requests. */
        int status = strncmp(bad[i].message_id, "Rfjobd.", 7) == 0 ? 409 : 400;
        j = call("PATCH", p, admin, bad[i].body, status);
        assert_error_body(j, bad[i].message_id, bad[i].related);
        cJSON_Delete(j);
    }
    expect_error("PATCH", p, reader, "{\"MaxExecutionTime\":\"PT1M\"}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("PATCH", p, operator_, "{\"MaxExecutionTime\":\"PT1M\"}", 403,
                 "Base.1.22.InsufficientPrivilege", NULL);

    /* ETags: the current one lets a PATCH through; afterwards it is stale. (A job that has not
     * started, whose representation does not change with the clock.) */
    job_path(model_job(&job_class_concrete, JOB_EV_COUNT, 0), "", p, sizeof p);
    http("GET", p, admin, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(tc_header(&r, "ETag", etag, sizeof etag), 0);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "@odata.etag"), etag);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_fmt(stale, sizeof stale, "If-Match: %s\r\n", etag), 0);
    http("PATCH", p, admin, "If-Match: \"not-the-etag\"\r\n", "{\"MaxExecutionTime\":\"PT1M\"}",
         &r);
    ck_assert_int_eq(r.status, 412);
    j = json_of(&r);
    assert_error_body(j, "Base.1.22.PreconditionFailed", NULL);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    http("PATCH", p, admin, stale, "{\"MaxExecutionTime\":\"PT1M\"}", &r);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "MaxExecutionTime"), "PT1M");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    http("GET", p, admin, NULL, NULL, &r);
    ck_assert_int_eq(tc_header(&r, "ETag", etag, sizeof etag), 0);
    tc_resp_cleanup(&r);
    http("PATCH", p, admin, stale, "{\"MaxExecutionTime\":\"PT2M\"}", &r);
    ck_assert_int_eq(r.status, 412);
    tc_resp_cleanup(&r);
    ck_assert_int_eq(rf_fmt(fresh, sizeof fresh, "If-Match: %s\r\n", etag), 0);
    http("PATCH", p, admin, fresh, "{\"MaxExecutionTime\":null}", &r);
    ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
    tc_resp_cleanup(&r);

    /* JobState: the legal transitions. */
    job_path(id, "", p, sizeof p);
    j = call("PATCH", p, admin, "{\"JobState\":\"Suspended\"}", 200);
    ck_assert_str_eq(str(j, "JobState"), "Suspended");
    cJSON_Delete(j);
    j = call("PATCH", p, admin, "{\"JobState\":\"Running\"}", 200);
    ck_assert_str_eq(str(j, "JobState"), "Running");
    cJSON_Delete(j);
    j = call("PATCH", p, admin, "{\"JobState\":\"Cancelled\"}", 200);
    ck_assert_str_eq(str(j, "JobState"), "Stopping");
    cJSON_Delete(j);
    expect_error("PATCH", p, admin, "{\"JobState\":\"Suspended\"}", 409,
                 "Rfjobd.1.0.InvalidStateTransition", "/JobState");
}
END_TEST

START_TEST(test_unknown_job_and_delete)
{
    uint64_t done = model_job(&job_class_concrete, JOB_EV_COMPLETED, 0);
    uint64_t running = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    char p[128];
    cJSON *j;
    struct tc_resp r;
    char allow[64];

    expect_error("GET", JOBS "/999999", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("GET", JOBS "/abc", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("GET", JOBS "/0", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("PATCH", JOBS "/999999", admin, "{\"MaxExecutionTime\":\"PT1M\"}", 404,
                 "Base.1.22.ResourceNotFound", NULL);
    expect_error("DELETE", JOBS "/999999", admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);
    expect_error("POST", JOBS "/999999/Actions/Job.Cancel", admin, "{}", 404,
                 "Base.1.22.ResourceNotFound", NULL);
    expect_error("POST", JOBS "/999999/Actions/Oem/RfjobdJob.KillJob", admin, "{}", 404,
                 "Base.1.22.ResourceNotFound", NULL);
    expect_error("GET", JOBS "/999999/KillJobActionInfo", admin, NULL, 404,
                 "Base.1.22.ResourceNotFound", NULL);

    http("DELETE", JOBS, admin, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_int_eq(tc_header(&r, "Allow", allow, sizeof allow), 0);
    ck_assert_ptr_null(strstr(allow, "DELETE"));
    tc_resp_cleanup(&r);

    job_path(done, "", p, sizeof p);
    expect_error("DELETE", p, reader, NULL, 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("DELETE", p, operator_, NULL, 403, "Base.1.22.InsufficientPrivilege", NULL);
    http("DELETE", p, admin, NULL, NULL, &r);
    ck_assert(r.status == 200 || r.status == 204);
    tc_resp_cleanup(&r);
    expect_error("GET", p, admin, NULL, 404, "Base.1.22.ResourceNotFound", NULL);

    /* A running job is stopped first, then removed. */
    job_path(running, "", p, sizeof p);
    http("DELETE", p, admin, NULL, NULL, &r);
    ck_assert(r.status == 200 || r.status == 204);
    tc_resp_cleanup(&r);
    j = call("GET", p, admin, NULL, 404);
    cJSON_Delete(j);
    ck_assert_uint_eq(job_service_count(app->jobs), 0);
}
END_TEST

/* ---- actions -------------------------------------------------------------------------------- */

START_TEST(test_standard_actions)
{
    uint64_t id = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    uint64_t done;
    char p[128];
    char loc[128];
    char want[128];
    struct tc_resp r;
    cJSON *j;

    job_path(id, "/Actions/Job.Suspend", p, sizeof p);
    expect_error("POST", p, reader, "{}", 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", p, operator_, "{}", 403, "Base.1.22.InsufficientPrivilege", NULL);
    j = call("POST", p, admin, "{}", 200);
    cJSON_Delete(j);
    wait_state(id, "Suspended");
    expect_error("POST", p, admin, "{}", 409, "Rfjobd.1.0.InvalidStateTransition", NULL);
    job_path(id, "/Actions/Job.Resume", p, sizeof p);
    j = call("POST", p, admin, NULL, 200);
    cJSON_Delete(j);
    wait_state(id, "Running");
    expect_error("POST", p, admin, "{}", 409, "Rfjobd.1.0.InvalidStateTransition", NULL);
    job_path(id, "/Actions/Job.Validate", p, sizeof p);
    expect_error("POST", p, admin, "{}", 409, "Rfjobd.1.0.InvalidStateTransition", NULL);
    job_path(id, "/Actions/Job.Fly", p, sizeof p);
    expect_error("POST", p, admin, "{}", 404, "Base.1.22.ResourceNotFound", NULL);
    job_path(id, "/Actions/Job.Cancel", p, sizeof p);
    http("POST", p, admin, NULL, "{}", &r);
    ck_assert_int_eq(r.status, 202);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    job_path(id, "", want, sizeof want);
    ck_assert_str_eq(loc, want);
    tc_resp_cleanup(&r);
    wait_state(id, "Stopping");

    /* Resubmit: a new job with the same payload, by the requester. */
    done = create_job(admin, GET_SERVICE);
    wait_state(done, "Completed");
    job_path(done, "/Actions/Job.Resubmit", p, sizeof p);
    expect_error("POST", p, admin, "{\"StartTime\":\"later\"}", 400,
                 "Base.1.22.ActionParameterValueFormatError", "/StartTime");
    http("POST", p, admin2, NULL, "{}", &r);
    ck_assert_msg(r.status == 201, "%d %s", r.status, r.body);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    ck_assert_str_ne(loc, want);
    j = json_of(&r);
    ck_assert_str_eq(str(j, "CreatedBy"), "admin2");
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    j = call("GET", loc, admin, NULL, 200);
    cJSON_Delete(j);
}
END_TEST

/* The CIM methods, with their ReturnValue in every answer. */
static void
check_method_result(const cJSON *j, const char *method, int rv)
{
    const cJSON *j_info = obj(j, "@Message.ExtendedInfo");
    const cJSON *j_m;

    if (j_info == NULL)
        j_info = obj(obj(j, "error"), "@Message.ExtendedInfo");
    if (obj(j, "error") == NULL) {
        assert_valid(strcmp(method, "GetError") == 0 ? "GetErrorResponse" : "StateChangeResponse",
                     j);
        ck_assert_int_eq(num(j, "ReturnValue"), rv);
    }
    if (strcmp(method, "GetError") != 0 || obj(j, "error") != NULL)
        ck_assert_int_ge(cJSON_GetArraySize(j_info), 1);
    cJSON_ArrayForEach(j_m, j_info)
    {
        const cJSON *j_r = obj(obj(j_m, "Oem"), "Rfjobd");
        assert_valid("MethodResult", j_r);
        ck_assert_str_eq(str(j_r, "Method"), method);
        ck_assert_int_eq(num(j_r, "ReturnValue"), rv);
    }
}

/* A RequestStateChange; a rejection names the parameter at fault. */
static void
rsc(uint64_t id, const char *body, int status, const char *message_id, int rv, const char *related)
{
    char p[128];
    cJSON *j;

    job_path(id, "/Actions/Oem/RfjobdJob.RequestStateChange", p, sizeof p);
    j = call("POST", p, admin, body, status);
    check_method_result(j, "RequestStateChange", rv);
    if (message_id != NULL)
        assert_error_body(j, message_id, related);
    cJSON_Delete(j);
}

/* The RequestedState values an ActionInfo allows, joined with commas. */
static void
allowable(uint64_t id, const char *want)
{
    char p[128];
    char got[128] = "";
    cJSON *j;
    const cJSON *j_v;
    const cJSON *j_p;

    job_path(id, "/RequestStateChangeActionInfo", p, sizeof p);
    j = call("GET", p, reader, NULL, 200);
    ck_assert_str_eq(str(j, "@odata.type"), "#ActionInfo.v1_5_0.ActionInfo");
    j_p = cJSON_GetArrayItem(obj(j, "Parameters"), 0);
    ck_assert_str_eq(str(j_p, "Name"), "RequestedState");
    ck_assert(cJSON_IsTrue(obj(j_p, "Required")));
    cJSON_ArrayForEach(j_v, obj(j_p, "AllowableValues"))
    {
        size_t n = strlen(got);
        ck_assert_int_eq(
            rf_fmt(got + n, sizeof got - n, "%s%s", n > 0 ? "," : "", cJSON_GetStringValue(j_v)),
            0);
    }
    ck_assert_str_eq(got, want);
    cJSON_Delete(j);
}

START_TEST(test_oem_actions)
{
    uint64_t id = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    uint64_t msps = model_job(&job_class_provisioning, JOB_EV_STARTED, 0);
    uint64_t starting = model_job(&job_class_concrete, JOB_EV_COUNT, JOB_REQ_START);
    uint64_t failed = model_job(&job_class_concrete, JOB_EV_FAILED, 0);
    char p[128];
    cJSON *j;

    allowable(id, "Suspend,Terminate,Kill,Service");
    allowable(msps, "Suspend,Terminate,Kill");
    allowable(failed, "");
    allowable(starting, "Terminate,Kill");
    j = get_job(id);
    ck_assert_str_eq(str(obj(obj(obj(j, "Actions"), "Oem"), "#RfjobdJob.RequestStateChange"),
                         "@Redfish.ActionInfo"),
                     JOBS "/1/RequestStateChangeActionInfo");
    cJSON_Delete(j);
    job_path(id, "/KillJobActionInfo", p, sizeof p);
    j = call("GET", p, reader, NULL, 200);
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "Parameters"), 0), "Name"), "DeleteOnKill");
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "Parameters"), 0), "DataType"), "Boolean");
    cJSON_Delete(j);

    rsc(id, "{\"RequestedState\":\"Suspend\"}", 200, NULL, 0, NULL);
    wait_state(id, "Suspended");
    allowable(id, "Start,Terminate,Kill,Service");
    rsc(id, "{\"RequestedState\":\"Suspend\"}", 409, "Rfjobd.1.0.InvalidStateTransition", 4097,
        "/RequestedState");
    rsc(id, "{\"RequestedState\":\"Start\"}", 200, NULL, 0, NULL);
    wait_state(id, "Running");
    rsc(id, "{\"RequestedState\":\"Bogus\"}", 400, "Base.1.22.ActionParameterValueNotInList", 5,
        "/RequestedState");
    rsc(id, "{\"RequestedState\":\"Suspend\",\"TimeoutPeriod\":\"PT5S\"}", 400,
        "Base.1.22.ActionParameterNotSupported", 4098, "/TimeoutPeriod");
    rsc(id, "{\"RequestedState\":\"Terminate\",\"TimeoutPeriod\":\"whenever\"}", 400,
        "Base.1.22.ActionParameterValueFormatError", 5, "/TimeoutPeriod");
    rsc(msps, "{\"RequestedState\":\"Service\"}", 400, "Base.1.22.ActionNotSupported", 1,
        "/RequestedState");
    rsc(starting, "{\"RequestedState\":\"Suspend\"}", 503,
        "Base.1.22.ServiceTemporarilyUnavailable", 4099, "/RequestedState");
    expect_error("POST", JOBS "/1/Actions/Oem/RfjobdJob.RequestStateChange", admin,
                 "{\"RequestedState\":1}", 400, "Base.1.22.ActionParameterValueTypeError",
                 "/RequestedState");
    expect_error("POST", JOBS "/1/Actions/Oem/RfjobdJob.RequestStateChange", admin, "{}", 400,
                 "Base.1.22.ActionParameterMissing", "/RequestedState");
    expect_error("POST", JOBS "/1/Actions/Oem/RfjobdJob.RequestStateChange", admin,
                 "{\"RequestedState\":\"Kill\",\"Hard\":true}", 400,
                 "Base.1.22.ActionParameterUnknown", "/Hard");
    expect_error("POST", JOBS "/1/Actions/Oem/RfjobdJob.RequestStateChange", operator_,
                 "{\"RequestedState\":\"Kill\"}", 403, "Base.1.22.InsufficientPrivilege", NULL);
    expect_error("POST", JOBS "/1/Actions/Oem/RfjobdJob.Fly", admin, "{}", 404,
                 "Base.1.22.ResourceNotFound", NULL);
    rsc(id, "{\"RequestedState\":\"Terminate\",\"TimeoutPeriod\":\"PT30S\"}", 202, NULL, 4096,
        NULL);
    wait_state(id, "Stopping");

    /* KillJob, and KillJob with DeleteOnKill. */
    job_path(msps, "/Actions/Oem/RfjobdJob.KillJob", p, sizeof p);
    expect_error("POST", p, admin, "{\"DeleteOnKill\":\"yes\"}", 400,
                 "Base.1.22.ActionParameterValueTypeError", "/DeleteOnKill");
    j = call("POST", p, admin, "{}", 200);
    check_method_result(j, "KillJob", 0);
    cJSON_Delete(j);
    wait_state(msps, "Cancelled");
    j = call("POST", p, admin, "{}", 409);
    check_method_result(j, "KillJob", 4);
    ck_assert_str_eq(str(obj(j, "error"), "code"), "Rfjobd.1.0.InvalidStateTransition");
    cJSON_Delete(j);
    job_path(starting, "/Actions/Oem/RfjobdJob.KillJob", p, sizeof p);
    j = call("POST", p, admin, "{\"DeleteOnKill\":true}", 200);
    check_method_result(j, "KillJob", 0);
    cJSON_Delete(j);
    job_path(starting, "", p, sizeof p);
    j = call("GET", p, admin, NULL, 404);
    cJSON_Delete(j);

    /* GetError: the error of a failed job, nothing for one without. */
    job_path(failed, "/Actions/Oem/RfjobdJob.GetError", p, sizeof p);
    j = call("POST", p, admin, "{}", 200);
    check_method_result(j, "GetError", 0);
    ck_assert_str_eq(str(obj(j, "Error"), "MessageId"), "Rfjobd.1.0.JobFailed");
    ck_assert_str_eq(str(obj(j, "Error"), "MessageSeverity"), "Critical");
    assert_valid("CIMError", obj(obj(obj(j, "Error"), "Oem"), "Rfjobd"));
    cJSON_Delete(j);
    expect_error("POST", p, admin, "{\"Verbose\":true}", 400, "Base.1.22.ActionParameterUnknown",
                 "/Verbose");
    job_path(id, "/Actions/Oem/RfjobdJob.GetError", p, sizeof p);
    j = call("POST", p, reader, "{}", 403);
    cJSON_Delete(j);
    j = call("POST", p, admin, "{}", 200);
    assert_valid("GetErrorResponse", j);
    ck_assert_ptr_null(obj(j, "Error"));
    cJSON_Delete(j);
}
END_TEST

/* ---- the collection ------------------------------------------------------------------------- */

/* Follows Members@odata.nextLink from path; every id is seen once, ascending. */
static size_t
walk(const char *path, uint64_t *ids, size_t max, size_t *pages)
{
    char next[1024];
    size_t n = 0;

    ck_assert_int_eq(rf_strlcpy(next, path, sizeof next), 0);
    *pages = 0;
    for (;;) {
        cJSON *j = call("GET", next, reader, NULL, 200);
        const cJSON *j_m;
        const cJSON *j_next = obj(j, "Members@odata.nextLink");
        (*pages)++;
        cJSON_ArrayForEach(j_m, obj(j, "Members"))
        {
            const char *u = str(j_m, "@odata.id");
            uint64_t id;
            ck_assert_int_eq(strncmp(u, JOBS "/", sizeof JOBS), 0);
            ck_assert_int_eq(map_job_id(u + sizeof JOBS, &id), 0);
            ck_assert_uint_lt(n, max);
            ck_assert_msg(n == 0 || ids[n - 1] < id, "gap or duplicate at %zu", n);
            ids[n++] = id;
        }
        if (!cJSON_IsString(j_next)) {
            cJSON_Delete(j);
            return n;
        }
        ck_assert_int_eq(rf_strlcpy(next, j_next->valuestring, sizeof next), 0);
        cJSON_Delete(j);
    }
}

START_TEST(test_paging_many)
{
    uint64_t *ids = calloc(MANY + 10, sizeof *ids);
    size_t pages;
    size_t n;
    cJSON *j;
    struct job tmpl;

    ck_assert_ptr_nonnull(ids);
    job_init(&tmpl, &job_class_concrete);
    ck_assert_int_eq(job_set_str(&tmpl.name, "many"), JOB_OK);
    for (size_t i = 0; i < MANY; i++) {
        tmpl.priority = (uint32_t)(i % 7);
        ck_assert_int_eq(job_service_create(app->jobs, &tmpl, NULL, NULL), JOB_OK);
    }
    job_cleanup(&tmpl);
    n = walk(JOBS, ids, MANY + 10, &pages);
    ck_assert_uint_eq(n, MANY);
    ck_assert_uint_eq(ids[0], 1);
    ck_assert_uint_eq(ids[MANY - 1], MANY);
    ck_assert_uint_gt(pages, 1);

    /* $top spread over pages, then $skip. */
    n = walk(JOBS "?$top=2500", ids, MANY + 10, &pages);
    ck_assert_uint_eq(n, 2500);
    ck_assert_uint_eq(ids[2499], 2500);
    n = walk(JOBS "?$skip=9990", ids, MANY + 10, &pages);
    ck_assert_uint_eq(n, 10);
    ck_assert_uint_eq(ids[0], 9991);
    ck_assert_uint_eq(pages, 1);
    /* A filter carries over to the next pages. */
    n = walk(JOBS "?$filter=JobPriority%20eq%203", ids, MANY + 10, &pages);
    ck_assert_uint_eq(n, MANY / 7 + (MANY % 7 > 3 ? 1 : 0));
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq((ids[i] - 1) % 7, 3);
    j = call("GET", JOBS "?$top=0", reader, NULL, 200);
    ck_assert_int_eq(num(j, "Members@odata.count"), MANY);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "Members")), 0);
    ck_assert_ptr_null(obj(j, "Members@odata.nextLink"));
    cJSON_Delete(j);
    free(ids);
}
END_TEST

START_TEST(test_queries)
{
    uint64_t running = model_job(&job_class_concrete, JOB_EV_STARTED, 0);
    uint64_t done = model_job(&job_class_concrete, JOB_EV_COMPLETED, 0);
    uint64_t failed = model_job(&job_class_provisioning, JOB_EV_FAILED, 0);
    uint64_t fresh = model_job(&job_class_concrete, JOB_EV_COUNT, 0);
    cJSON *j;
    const cJSON *j_m;
    static const struct {
        const char *query;
        int status;
        const char *message_id;
    } bad[] = {
        {"?$filter=JobState%20eq", 400, NULL},
        {"?$filter=(JobState%20eq%20'New'", 400, NULL},
        {"?$filter=Bogus%20eq%201", 400, NULL},
        {"?$top=-1", 400, NULL},
        {"?$top=abc", 400, NULL},
        {"?$skip=x", 400, NULL},
        {"?$expand=Members", 501, "Base.1.22.QueryNotSupported"},
        {"?$only", 501, "Base.1.22.QueryParameterUnsupported"},
        {"?$orderby=Name", 501, "Base.1.22.QueryParameterUnsupported"},
    };

    (void)fresh;
    j = call("GET", JOBS "?$filter=JobState%20eq%20'Completed'", reader, NULL, 200);
    ck_assert_int_eq(num(j, "Members@odata.count"), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "Members"), 0), "@odata.id"), JOBS "/2");
    cJSON_Delete(j);
    j = call("GET",
             JOBS "?$filter=(JobState%20eq%20'Running'%20or%20JobStatus%20eq%20'Critical')"
                  "%20and%20not%20(Name%20eq%20'x')",
             reader, NULL, 200);
    ck_assert_int_eq(num(j, "Members@odata.count"), 2);
    cJSON_Delete(j);
    j = call("GET", JOBS "?$filter=PercentComplete%20ge%20100", reader, NULL, 200);
    ck_assert_int_eq(num(j, "Members@odata.count"), 1);
    cJSON_Delete(j);
    j = call("GET", JOBS "?$filter=JobType%20ne%20'UserSpecified'", reader, NULL, 200);
    ck_assert_int_eq(num(j, "Members@odata.count"), 4);
    cJSON_Delete(j);

    /* $expand, with $select: whole members, or only what was selected. */
    j = call("GET", JOBS "?$expand=.&$top=2&$skip=1", reader, NULL, 200);
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "Members")), 2);
    ck_assert_int_eq(num(j, "Members@odata.count"), 4);
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "Members"), 0), "Id"), "2");
    cJSON_ArrayForEach(j_m, obj(j, "Members"))
    {
        assert_valid("Job", obj(obj(j_m, "Oem"), "Rfjobd"));
    }
    cJSON_Delete(j);
    j = call("GET", JOBS "?$expand=*&$select=JobState", reader, NULL, 200);
    cJSON_ArrayForEach(j_m, obj(j, "Members"))
    {
        ck_assert_ptr_nonnull(obj(j_m, "JobState"));
        ck_assert_ptr_nonnull(obj(j_m, "@odata.id"));
        ck_assert_ptr_null(obj(j_m, "Messages"));
        ck_assert_ptr_null(obj(j_m, "Oem"));
    }
    cJSON_Delete(j);
    j = call("GET", JOBS "/3?$select=JobState,Name", reader, NULL, 200);
    ck_assert_str_eq(str(j, "JobState"), "Exception");
    ck_assert_ptr_null(obj(j, "JobStatus"));
    cJSON_Delete(j);
    j = call("GET", JOBS "/3?excerpt", reader, NULL, 200);
    ck_assert_str_eq(str(j, "JobState"), "Exception");
    ck_assert_ptr_null(obj(j, "Messages"));
    cJSON_Delete(j);
    (void)running;
    (void)done;
    (void)failed;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char p[256];
        ck_assert_int_eq(rf_fmt(p, sizeof p, JOBS "%s", bad[i].query), 0);
        j = call("GET", p, reader, NULL, bad[i].status);
        if (bad[i].message_id != NULL)
            ck_assert_str_eq(str(obj(j, "error"), "code"), bad[i].message_id);
        else
            ck_assert_int_eq(strncmp(str(obj(j, "error"), "code"), "Base.1.22.", 10), 0);
        cJSON_Delete(j);
    }
}
END_TEST

Suite *
jobs_suite(void)
{
    Suite *s = suite_create("jobs");
    TCase *service = tcase_create("service");
    TCase *create = tcase_create("create");
    TCase *change = tcase_create("change");
    TCase *actions = tcase_create("actions");
    TCase *collection = tcase_create("collection");

    tcase_set_timeout(service, 120);
    tcase_add_checked_fixture(service, setup, teardown);
    tcase_add_test(service, test_jobservice);
    tcase_add_test(service, test_cancel_all);
    suite_add_tcase(s, service);

    tcase_set_timeout(create, 120);
    tcase_add_checked_fixture(create, setup, teardown);
    tcase_add_test(create, test_create_and_run);
    tcase_add_test(create, test_runs_as_creator);
    tcase_add_test(create, test_create_bad_input);
    tcase_add_test(create, test_scheduled_job);
    suite_add_tcase(s, create);

    tcase_set_timeout(change, 120);
    tcase_add_checked_fixture(change, setup, teardown);
    tcase_add_test(change, test_patch);
    tcase_add_test(change, test_unknown_job_and_delete);
    suite_add_tcase(s, change);

    tcase_set_timeout(actions, 120);
    tcase_add_checked_fixture(actions, setup, teardown);
    tcase_add_test(actions, test_standard_actions);
    tcase_add_test(actions, test_oem_actions);
    suite_add_tcase(s, actions);

    tcase_set_timeout(collection, 300);
    tcase_add_checked_fixture(collection, setup, teardown);
    tcase_add_test(collection, test_paging_many);
    tcase_add_test(collection, test_queries);
    suite_add_tcase(s, collection);
    return s;
}
