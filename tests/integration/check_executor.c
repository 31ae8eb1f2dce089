/*
 * Integration: document-based jobs over HTTPS against the real server, started in the test
 * process, running real commands as child processes. Each state change is checked on the process
 * itself (/proc: stopped, running, gone), as are the grace and timeout paths, output floods,
 * commands that do not exist, parameter injection, the concurrency limit and its queue order, and
 * a restart of the service while a command runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "config.h"
#include "executor.h"
#include "job_service.h"
#include "map_job.h"
#include "rf_buf.h"

#define HOST "127.0.0.1"
#define ADMIN_PW "admin-pass-1"
#define JOBS "/redfish/v1/JobService/Jobs"
#define DOCS "/redfish/v1/JobService/Documents"
#define FIXTURE "rfjobd-task-fixture"

static char dir[256];
static char docs[300];
static struct tcert_paths certs;
static struct config cfg;
static struct app *app;
static char admin[256];

/* ---- the documents the tests install ----------------------------------------------------------
 */

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* A document: Id, class, the Command array's JSON, extra members (JSON text after a comma). */
static void
add_doc(const char *id, const char *cls, const char *command, const char *extra)
{
    char path[512];
    char text[4096];

    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/%s.json", docs, id), 0);
    ck_assert_int_eq(rf_fmt(text, sizeof text,
                            "{\"Id\": \"%s\", \"Name\": \"%s test\", \"Version\": \"1.0.0\","
                            " \"DocumentType\": \"Script\", \"JobClass\": \"%s\","
                            " \"Command\": %s%s%s}\n",
                            id, id, cls, command, extra[0] != '\0' ? ", " : "", extra),
                     0);
    write_file(path, text);
}

#define P_FILE "{\"Name\": \"File\", \"DataType\": \"String\", \"Required\": true}"
#define P_MS "{\"Name\": \"Ms\", \"DataType\": \"Number\", \"Required\": true, \"MinimumValue\": 0}"
#define SUPPORTS_ALL "\"Supports\": {\"Suspend\": true, \"Terminate\": true}"

static void
install_docs(void)
{
    ck_assert_int_eq(rf_fmt(docs, sizeof docs, "%s/docs", dir), 0);
    ck_assert_int_eq(mkdir(docs, 0700), 0);
    add_doc("Sleeper", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"pidfile\", \"{File}\", \"{Ms}\"]",
            SUPPORTS_ALL ", \"TerminateGracePeriod\": \"PT5S\", \"ParameterMetadata\": [" P_FILE
                         ", " P_MS "]");
    add_doc("Provisioner", "Msps_ProvisioningJob",
            "[\"" FIXTURE "\", \"pidfile\", \"{File}\", \"{Ms}\"]",
            SUPPORTS_ALL ", \"ParameterMetadata\": [" P_FILE ", " P_MS "]");
    add_doc("Stubborn", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"ignore-term\", \"{Ms}\"]",
            "\"Supports\": {\"Suspend\": false, \"Terminate\": true},"
            " \"TerminateGracePeriod\": \"PT1S\", \"ParameterMetadata\": [" P_MS "]");
    add_doc("Limited", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"pidfile\", \"{File}\", \"{Ms}\"]",
            SUPPORTS_ALL ", \"MaxExecutionTime\": \"PT1S\", \"TerminateGracePeriod\": \"PT1S\","
                         " \"ParameterMetadata\": [" P_FILE ", " P_MS "]");
    add_doc("Ticks", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"ticks\", \"{N}\", \"{Ms}\"]",
            SUPPORTS_ALL ", \"ParameterMetadata\": [{\"Name\": \"N\", \"DataType\": \"Number\","
                         " \"Required\": true, \"MinimumValue\": 1, \"MaximumValue\": 100}, " P_MS
                         "]");
    add_doc("Exit", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"exit\", \"{Code}\", \"{Text}\"]",
            "\"ParameterMetadata\": [{\"Name\": \"Code\", \"DataType\": \"Number\", \"Required\":"
            " true}, {\"Name\": \"Text\", \"DataType\": \"String\"}]");
    add_doc("Error", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"error\"]", "");
    add_doc("Warn", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"warn\"]", "");
    add_doc("Flood", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"flood\", \"{Bytes}\"]",
            "\"ParameterMetadata\": [{\"Name\": \"Bytes\", \"DataType\": \"Number\", \"Required\":"
            " true}]");
    add_doc("Garbage", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"garbage\", \"{Bytes}\"]",
            "\"ParameterMetadata\": [{\"Name\": \"Bytes\", \"DataType\": \"Number\", \"Required\":"
            " true}]");
    add_doc("Missing", "CIM_ConcreteJob", "[\"/nonexistent/rfjobd-no-such-command\"]", "");
    add_doc("ArgDump", "CIM_ConcreteJob",
            "[\"" FIXTURE "\", \"argdump\", \"{File}\", \"--value={Value}\", \"{Value}\"]",
            "\"ParameterMetadata\": [" P_FILE ", {\"Name\": \"Value\", \"DataType\": \"String\","
            " \"Required\": true}]");
    add_doc("Fds", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"fds\", \"{File}\"]",
            "\"ParameterMetadata\": [" P_FILE "]");
    add_doc("Group", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"spawn-child\", \"{File}\", \"{Ms}\"]",
            SUPPORTS_ALL ", \"ParameterMetadata\": [" P_FILE ", " P_MS "]");
    add_doc("Choice", "CIM_ConcreteJob", "[\"" FIXTURE "\", \"exit\", \"0\"]",
            "\"ParameterMetadata\": [{\"Name\": \"Color\", \"DataType\": \"String\", \"Required\":"
            " true, \"AllowableValues\": [\"Red\", \"Blue\"]}, {\"Name\": \"Size\", \"DataType\":"
            " \"Number\", \"MinimumValue\": 1, \"MaximumValue\": 10}, {\"Name\": \"Tag\","
            " \"DataType\": \"String\", \"AllowablePattern\": \"[a-z]+\"}, {\"Name\": \"Flag\","
            " \"DataType\": \"Boolean\"}]");
}

/* ---- the service --------------------------------------------------------------------------------
 */

static void
start(void)
{
    char err[CFG_ERR_MAX] = "";

    ck_assert_msg(app_start(&cfg, ADMIN_PW, &app, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt(app->port, 0);
}

static void
setup_policy(const char *policy, long limit)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    install_docs();
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = 4;
    cfg.log_level = LOG_LEVEL_ERROR;
    cfg.max_concurrent_jobs = limit;
    ck_assert_int_eq(rf_strlcpy(cfg.validation_policy, policy, sizeof cfg.validation_policy), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.documents_dir, docs, sizeof cfg.documents_dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.task_dir, RF_TASK_DIR, sizeof cfg.task_dir), 0);
    start();
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin, sizeof admin), 0);
}

static void
setup(void)
{
    setup_policy("Automatic", 4);
}

/* Bypass, with the data directory given relative to the working directory, as ./run.sh does. */
static void
setup_bypass(void)
{
    setup_policy("Bypass", 4);
    app_stop(app);
    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.data_dir, "var", sizeof cfg.data_dir), 0);
    start();
}

static void
setup_manual(void)
{
    setup_policy("Manual", 4);
}

static void
teardown(void)
{
    app_stop(app);
    app = NULL;
    tdir_remove(dir);
}

/* ---- requests
 * ------------------------------------------------------------------------------------ */

static cJSON *
call(const char *method, const char *path, const char *body, int status)
{
    struct tc_resp r;
    cJSON *j;
    int rc = tc_request(HOST, app->port, certs.ca, method, path, admin, body,
                        body != NULL ? strlen(body) : 0, &r);

    ck_assert_msg(rc == 0, "%s %s: client error %d", method, path, rc);
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

/* Asserts the one message of a Redfish error and its one related property. */
static void
expect_error(const char *method, const char *path, const char *body, int status, const char *id,
             const char *related)
{
    cJSON *j = call(method, path, body, status);
    const cJSON *j_m = cJSON_GetArrayItem(obj(obj(j, "error"), "@Message.ExtendedInfo"), 0);
    const cJSON *j_rel = obj(j_m, "RelatedProperties");

    ck_assert_str_eq(str(j_m, "MessageId"), id);
    if (related != NULL) {
        ck_assert_int_eq(cJSON_GetArraySize(j_rel), 1);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(j_rel, 0)), related);
    }
    cJSON_Delete(j);
}

static void
submit_path(const char *doc, char *out, size_t size)
{
    ck_assert_int_eq(rf_fmt(out, size, DOCS "/%s/Actions/JobDocument.SubmitJob", doc), 0);
}

/* SubmitJob with the given body; returns the new job's id (from Location). */
static uint64_t
submit_body(const char *doc, const char *body)
{
    char path[256];
    char loc[256];
    struct tc_resp r;
    uint64_t id;
    cJSON *j;

    submit_path(doc, path, sizeof path);
    ck_assert_int_eq(
        tc_request(HOST, app->port, certs.ca, "POST", path, admin, body, strlen(body), &r), 0);
    ck_assert_msg(r.status == 201, "SubmitJob %s: %d %.500s", doc, r.status, r.body);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    ck_assert_int_eq(strncmp(loc, JOBS "/", sizeof JOBS), 0);
    ck_assert_int_eq(map_job_id(loc + sizeof JOBS, &id), 0);
    j = cJSON_ParseWithLength(r.body, r.body_len);
    ck_assert_str_eq(str(j, "JobType"), "DocumentBased");
    ck_assert_str_eq(str(j, "@odata.id"), loc);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
    return id;
}

static uint64_t
submit(const char *doc, const char *params)
{
    char body[2048];

    ck_assert_int_eq(rf_fmt(body, sizeof body, "{\"Parameters\": %s}", params), 0);
    return submit_body(doc, body);
}

static cJSON *
get_job(uint64_t id)
{
    char p[128];

    ck_assert_int_eq(rf_fmt(p, sizeof p, JOBS "/%" PRIu64, id), 0);
    return call("GET", p, NULL, 200);
}

static void
action(uint64_t id, const char *name, int status)
{
    char p[160];

    ck_assert_int_eq(rf_fmt(p, sizeof p, JOBS "/%" PRIu64 "/Actions/%s", id, name), 0);
    cJSON_Delete(call("POST", p, "{}", status));
}

/* Cancel of a running job: 202 while its command stops (CIM Terminate returned 4096). */
static void
cancel_running(uint64_t id)
{
    action(id, "Job.Cancel", 202);
}

static void
pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};

    nanosleep(&t, NULL);
}

/* Polls (at most secs seconds) until the job's Redfish JobState is `state`. */
static void
wait_state_for(uint64_t id, const char *state, int secs)
{
    time_t deadline = time(NULL) + secs;
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
        pause_ms(10);
    }
}

static void
wait_state(uint64_t id, const char *state)
{
    wait_state_for(id, state, 15);
}

/* The Redfish JobState of a job, from the model. */
static const char *
state_of(uint64_t id)
{
    static char last[32];
    struct job job;

    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    (void)rf_strlcpy(last, map_job_state(&job), sizeof last);
    job_cleanup(&job);
    return last;
}

/* The CIM JobState of a job, from the model. */
static unsigned
cim_state(uint64_t id)
{
    struct job job;
    unsigned s;

    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    s = job.job_state;
    job_cleanup(&job);
    return s;
}

/* Waits for a file the fixture writes and reads the first number in it. */
static long
read_number(const char *path, int nth)
{
    time_t deadline = time(NULL) + 10;

    for (;;) {
        FILE *f = fopen(path, "r");
        long v[2] = {0, 0};
        if (f != NULL) {
            int n = fscanf(f, "%ld %ld", &v[0], &v[1]);
            (void)fclose(f);
            if (n > nth)
                return v[nth];
        }
        ck_assert_msg(time(NULL) < deadline, "%s never appeared", path);
        pause_ms(10);
    }
}

/* The state letter of a process in /proc (R, S, T, Z...), or 0 when it is gone. */
static char
proc_state(long pid)
{
    char path[64];
    char buf[512];
    FILE *f;
    char *p;
    size_t n;

    (void)rf_fmt(path, sizeof path, "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    (void)fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' ? p[2] : 0;
}

/* Waits (at most secs) until the process is in one of the states (0 = gone). */
static void
wait_proc(long pid, const char *states, int secs)
{
    time_t deadline = time(NULL) + secs;
    char st;

    for (;;) {
        st = proc_state(pid);
        if (strchr(states, st) != NULL || (st == 0 && strchr(states, '-') != NULL))
            return;
        ck_assert_msg(time(NULL) < deadline, "process %ld is '%c', not in \"%s\"", pid,
                      st != 0 ? st : '-', states);
        pause_ms(5);
    }
}

static void
tmp_path(const char *name, char *out, size_t size)
{
    ck_assert_int_eq(rf_fmt(out, size, "%s/%s", dir, name), 0);
}

/* ---- the resources
 * ------------------------------------------------------------------------------- */

START_TEST(test_resources)
{
    cJSON *j = call("GET", "/redfish/v1/JobService", NULL, 200);
    const cJSON *j_m;
    int found = 0;

    ck_assert_int_eq(cJSON_IsTrue(obj(obj(j, "ServiceCapabilities"), "DocumentBasedJobs")), 1);
    ck_assert_str_eq(str(j, "ValidationPolicy"), "Automatic");
    ck_assert_str_eq(str(obj(j, "JobDocuments"), "@odata.id"), DOCS);
    ck_assert_str_eq(str(obj(j, "JobExecutors"), "@odata.id"), MAP_EXECUTORS_URI);
    cJSON_Delete(j);

    j = call("GET", DOCS, NULL, 200);
    cJSON_ArrayForEach(j_m, obj(j, "Members")) found +=
        strcmp(str(j_m, "@odata.id"), DOCS "/Sleeper") == 0;
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "Members@odata.count")), 15);
    cJSON_Delete(j);

    j = call("GET", DOCS "/Choice", NULL, 200);
    ck_assert_str_eq(str(j, "@odata.type"), "#JobDocument.v1_0_0.JobDocument");
    ck_assert_str_eq(str(j, "DocumentType"), "Script");
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "ParameterMetadata")), 4);
    ck_assert_str_eq(str(cJSON_GetArrayItem(obj(j, "ParameterMetadata"), 0), "Name"), "Color");
    ck_assert_str_eq(str(obj(obj(j, "Actions"), "#JobDocument.SubmitJob"), "target"),
                     DOCS "/Choice/Actions/JobDocument.SubmitJob");
    ck_assert_str_eq(
        str(cJSON_GetArrayItem(obj(obj(j, "Links"), "SupportedExecutors"), 0), "@odata.id"),
        MAP_EXECUTOR_URI);
    ck_assert_uint_eq(strlen(str(j, "DocumentDataHash")), 64);
    cJSON_Delete(j);
    cJSON_Delete(call("GET", DOCS "/Choice/SubmitJobActionInfo", NULL, 200));
    expect_error("GET", DOCS "/NoSuchDocument", NULL, 404, "Base.1.22.ResourceNotFound", NULL);

    j = call("GET", MAP_EXECUTOR_URI, NULL, 200);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "MaximumConcurrentJobs")), 4);
    ck_assert_str_eq(str(j, "ExecutorType"), "Script");
    cJSON_Delete(j);
    /* Documents are files an administrator installs: never created over HTTP. */
    cJSON_Delete(call("POST", DOCS, "{\"Id\": \"x\"}", 405));
}
END_TEST

START_TEST(test_submit_bad_input)
{
    char p[256];

    submit_path("Choice", p, sizeof p);
    expect_error("POST", p, "{}", 400, "Base.1.22.ActionParameterMissing", "/Parameters");
    expect_error("POST", p, "{\"Parameters\": []}", 400, "Base.1.22.ActionParameterValueTypeError",
                 "/Parameters");
    expect_error("POST", p, "{\"Parameters\": {}}", 400, "Base.1.22.ActionParameterMissing",
                 "/Parameters/Color");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\", \"Shade\": 1}}", 400,
                 "Base.1.22.ActionParameterUnknown", "/Parameters/Shade");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": 7}}", 400,
                 "Base.1.22.ActionParameterValueTypeError", "/Parameters/Color");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Green\"}}", 400,
                 "Base.1.22.ActionParameterValueNotInList", "/Parameters/Color");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\", \"Size\": 11}}", 400,
                 "Base.1.22.ActionParameterValueOutOfRange", "/Parameters/Size");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\", \"Tag\": \"ABC\"}}", 400,
                 "Base.1.22.ActionParameterValueFormatError", "/Parameters/Tag");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\", \"Flag\": \"yes\"}}", 400,
                 "Base.1.22.ActionParameterValueTypeError", "/Parameters/Flag");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\"}, \"Priority\": 1}", 400,
                 "Base.1.22.ActionParameterUnknown", "/Priority");
    expect_error("POST", p, "{\"Parameters\": {\"Color\": \"Red\"}, \"StartTime\": \"soon\"}", 400,
                 "Base.1.22.ActionParameterValueFormatError", "/StartTime");
    expect_error("POST", p,
                 "{\"Parameters\": {\"Color\": \"Red\"}, \"PreferredExecutors\": [{\"@odata.id\":"
                 " \"/redfish/v1/JobService/Executors/9\"}]}",
                 400, "Base.1.22.ActionParameterValueNotInList", "/PreferredExecutors");
    expect_error("POST", p,
                 "{\"Parameters\": {\"Color\": \"Red\"}, \"JobCreator\": {\"@odata.id\":"
                 " \"/redfish/v1/JobService/Jobs/99999\"}}",
                 400, "Base.1.22.ActionParameterValueError", "/JobCreator");
    expect_error("POST", DOCS "/Nope/Actions/JobDocument.SubmitJob", "{\"Parameters\": {}}", 404,
                 "Base.1.22.ResourceNotFound", NULL);
    /* Nothing was created by any of it. */
    ck_assert_uint_eq(job_service_count(app->jobs), 0);
}
END_TEST

/* ---- running
 * ------------------------------------------------------------------------------------- */

START_TEST(test_complete)
{
    uint64_t id = submit("Ticks", "{\"N\": 5, \"Ms\": 20}");
    cJSON *j;
    char doc_uri[128];

    wait_state(id, "Completed");
    j = get_job(id);
    ck_assert_str_eq(str(j, "JobStatus"), "OK");
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "PercentComplete")), 100);
    (void)rf_fmt(doc_uri, sizeof doc_uri, DOCS "/Ticks");
    ck_assert_str_eq(str(obj(obj(j, "Links"), "JobDocument"), "@odata.id"), doc_uri);
    ck_assert_str_eq(str(obj(obj(j, "Links"), "Executor"), "@odata.id"), MAP_EXECUTOR_URI);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(obj(j, "Parameters"), "N")), 5);
    ck_assert_ptr_null(obj(j, "Schedule"));
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(obj(obj(j, "Oem"), "Rfjobd"), "JobState")), 7);
    cJSON_Delete(j);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_COMPLETED);

    id = submit("Warn", "{}");
    wait_state(id, "Completed");
    j = get_job(id);
    ck_assert_str_eq(str(j, "JobStatus"), "Warning");
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_suspend_resume_cancel)
{
    char pf[300];
    char params[512];
    uint64_t id;
    long pid;
    cJSON *j;

    tmp_path("sleeper.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Sleeper", params);
    wait_state(id, "Running");
    pid = read_number(pf, 0);
    ck_assert_int_eq(read_number(pf, 1), pid); /* its own process group */
    wait_proc(pid, "RS", 5);

    action(id, "Job.Suspend", 200);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_SUSPENDED);
    wait_proc(pid, "T", 5);
    action(id, "Job.Suspend", 409);
    action(id, "Job.Resume", 200);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_RUNNING);
    wait_proc(pid, "RS", 5);

    cancel_running(id);
    wait_state(id, "Cancelled");
    ck_assert_uint_eq(cim_state(id), JOB_STATE_TERMINATED);
    wait_proc(pid, "-", 5);
    j = get_job(id);
    ck_assert_ptr_null(obj(obj(j, "Actions"), "#Job.Cancel"));
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_kill_and_group)
{
    char pf[300];
    char params[512];
    uint64_t id;
    long pid;
    long grandchild;
    cJSON *j;

    /* Kill: SIGKILL at once, to the whole group. */
    tmp_path("group.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Group", params);
    wait_state(id, "Running");
    grandchild = read_number(pf, 0);
    wait_proc(grandchild, "RS", 5);
    (void)rf_fmt(params, sizeof params, JOBS "/%" PRIu64 "/Actions/Oem/RfjobdJob.KillJob", id);
    j = call("POST", params, "{\"DeleteOnKill\": false}", 200);
    cJSON_Delete(j);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_KILLED);
    wait_proc(grandchild, "-Z", 5);

    /* Suspended, then killed: a stopped process dies too. */
    tmp_path("sleeper2.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Sleeper", params);
    wait_state(id, "Running");
    pid = read_number(pf, 0);
    action(id, "Job.Suspend", 200);
    wait_proc(pid, "T", 5);
    (void)rf_fmt(params, sizeof params, JOBS "/%" PRIu64, id);
    cJSON_Delete(call("DELETE", params, NULL, 204));
    wait_proc(pid, "-", 5);
}
END_TEST

START_TEST(test_grace_and_timeout)
{
    char pf[300];
    char params[512];
    uint64_t id;
    long pid;
    cJSON *j;
    struct job job;

    /* A command that ignores SIGTERM is killed when the grace period (1 s) ends. */
    id = submit("Stubborn", "{\"Ms\": 60000}");
    wait_state(id, "Running");
    pause_ms(200); /* it sets its SIGTERM handler first */
    cancel_running(id);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_SHUTTING_DOWN);
    pause_ms(400);
    ck_assert_uint_eq(cim_state(id), JOB_STATE_SHUTTING_DOWN); /* still in its grace period */
    wait_state_for(id, "Cancelled", 5);

    /* MaxExecutionTime 1 s: stopped, and an Exception that says why. */
    tmp_path("limited.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Limited", params);
    wait_state(id, "Running");
    pid = read_number(pf, 0);
    wait_state_for(id, "Exception", 10);
    wait_proc(pid, "-", 5);
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_uint_eq(job.error_code, 124);
    ck_assert_ptr_nonnull(job.error);
    ck_assert_str_eq(job.error->message_id, "ExecutionTimeExceeded");
    job_cleanup(&job);
    j = get_job(id);
    ck_assert_str_eq(str(j, "MaxExecutionTime"), "PT1S");
    ck_assert_str_eq(str(j, "JobStatus"), "Critical");
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_failures)
{
    uint64_t id;
    struct job job;
    cJSON *j;
    char p[200];

    /* Non-zero exit: the status is the ErrorCode, stderr's tail is in the error. */
    id = submit("Exit", "{\"Code\": 3, \"Text\": \"disk on fire\"}");
    wait_state(id, "Exception");
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_uint_eq(job.error_code, 3);
    ck_assert_ptr_nonnull(strstr(job.error_description, "disk on fire"));
    ck_assert_str_eq(job.error->message_id, "CommandFailed");
    ck_assert_uint_eq(job.error->message_arguments.n, 3);
    ck_assert_str_eq(job.error->message_arguments.v[1], "exited with status 3");
    ck_assert_ptr_nonnull(strstr(job.error->message_arguments.v[2], "disk on fire"));
    job_cleanup(&job);
    (void)rf_fmt(p, sizeof p, JOBS "/%" PRIu64 "/Actions/Oem/RfjobdJob.GetError", id);
    j = call("POST", p, "{}", 200);
    {
        char *text = cJSON_PrintUnformatted(j);
        ck_assert_ptr_nonnull(strstr(text, "disk on fire"));
        free(text);
    }
    cJSON_Delete(j);

    /* The command's own CIM_Error is the job's; the executor's account joins the messages. */
    id = submit("Error", "{}");
    wait_state(id, "Exception");
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_str_ne(job.error->message_id, "CommandFailed");
    ck_assert_uint_ge(job.messages.n, 1);
    job_cleanup(&job);

    /* A command that does not exist fails validation and never runs. */
    id = submit("Missing", "{}");
    wait_state(id, "Invalid");
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_uint_eq(job.messages.n, 1);
    ck_assert_str_eq(job.messages.v[0].message_id, "JobInvalid");
    job_cleanup(&job);
    /* Invalid can be cancelled. */
    action(id, "Job.Cancel", 200);
    wait_state(id, "Cancelled");
}
END_TEST

START_TEST(test_missing_bypass)
{
    uint64_t id = submit("Missing", "{}");
    struct job job;

    wait_state(id, "Exception");
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_uint_eq(job.error_code, 127);
    ck_assert_str_eq(job.error->message_id, "CommandNotStarted");
    ck_assert_ptr_nonnull(strstr(job.error->message_arguments.v[2], "No such file"));
    job_cleanup(&job);
}
END_TEST

START_TEST(test_relative_data_dir)
{
    char out[300];
    char params[512];
    char line[1200];
    int found = 0;
    uint64_t id;
    FILE *f;

    /* The command runs in the files directory: the path it gets must not be relative. */
    tmp_path("env.txt", out, sizeof out);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Value\": \"x\"}", out);
    id = submit("ArgDump", params);
    wait_state(id, "Completed");
    f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "RFJOBD_DATA_DIR=", 16) == 0) {
            ck_assert_msg(line[16] == '/', "RFJOBD_DATA_DIR is relative: %s", line);
            found = 1;
        }
    (void)fclose(f);
    ck_assert_int_eq(found, 1);
    ck_assert_int_eq(access("var/files", F_OK), 0);
}
END_TEST

START_TEST(test_flood_and_garbage)
{
    uint64_t flood = submit("Flood", "{\"Bytes\": 33554432}");
    uint64_t garbage = submit("Garbage", "{\"Bytes\": 4194304}");
    struct executor_stats st;
    struct job job;

    /* The service answers while they run. */
    for (int i = 0; i < 20; i++)
        cJSON_Delete(call("GET", "/redfish/v1/JobService", NULL, 200));
    wait_state_for(flood, "Completed", 60);
    wait_state_for(garbage, "Completed", 60);
    executor_stats(app->exec, &st);
    ck_assert_uint_ge(st.bytes_read, 33554432);
    ck_assert_uint_gt(st.bad_lines + st.cut_lines, 0);
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, flood, &job), JOB_OK);
    ck_assert_uint_le(job.messages.n, 33);
    job_cleanup(&job);
}
END_TEST

START_TEST(test_injection)
{
    /* Each value as JSON text, and as the command must get it. */
    static const char *const values[][2] = {
        {"; rm -rf /", "; rm -rf /"},         {"$(touch PWNED)", "$(touch PWNED)"},
        {"`touch PWNED`", "`touch PWNED`"},   {"' \\\" | & > PWNED", "' \" | & > PWNED"},
        {"{Value} {File}", "{Value} {File}"},
    };
    char canary[300];

    tmp_path("PWNED", canary, sizeof canary);
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char out[300];
        char params[1024];
        char expect[256];
        char text[4096];
        uint64_t id;
        FILE *f;
        size_t n;

        (void)rf_fmt(out, sizeof out, "%s/argv%zu.txt", dir, i);
        (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Value\": \"%s\"}", out,
                     values[i][0]);
        id = submit("ArgDump", params);
        wait_state(id, "Completed");
        f = fopen(out, "r");
        ck_assert_ptr_nonnull(f);
        n = fread(text, 1, sizeof text - 1, f);
        (void)fclose(f);
        text[n] = '\0';
        /* One argument each, byte for byte: "--value=<v>" then "<v>", one per line. */
        (void)rf_fmt(expect, sizeof expect, "\n--value=%s\n%s\n", values[i][1], values[i][1]);
        ck_assert_msg(strstr(text, expect) != NULL, "value %zu not passed as it is: %.300s", i,
                      text);
    }
    /* A value with a control character never reaches a command. */
    {
        char p[256];
        char params[512];
        submit_path("ArgDump", p, sizeof p);
        (void)rf_fmt(params, sizeof params,
                     "{\"Parameters\": {\"File\": \"%s/x\", \"Value\": \"a\\nPWNED\"}}", dir);
        expect_error("POST", p, params, 400, "Base.1.22.ActionParameterValueFormatError",
                     "/Parameters/Value");
    }
    ck_assert_int_ne(access(canary, F_OK), 0);
    ck_assert_int_ne(access("PWNED", F_OK), 0);
}
END_TEST

START_TEST(test_descriptors)
{
    char out[300];
    char params[512];
    char line[256];
    uint64_t id;
    FILE *f;
    int n = 0;

    tmp_path("fds.txt", out, sizeof out);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\"}", out);
    id = submit("Fds", params);
    wait_state(id, "Completed");
    f = fopen(out, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        long fd = strtol(line, NULL, 10);
        /* 0, 1, 2, and the descriptors the lister itself opened. */
        ck_assert_msg(fd <= 4, "descriptor %ld leaked into the command", fd);
        n++;
    }
    (void)fclose(f);
    ck_assert_int_ge(n, 3);
}
END_TEST

/* ---- the queue
 * ----------------------------------------------------------------------------------- */

START_TEST(test_limit_of_four)
{
    uint64_t ids[100];
    size_t max_seen = 0;
    int done = 0;
    time_t deadline;

    for (int i = 0; i < 100; i++)
        ids[i] = submit("Ticks", "{\"N\": 3, \"Ms\": 10}");
    deadline = time(NULL) + 90;
    while (!done) {
        uint64_t run[16];
        size_t n = executor_running(app->exec, run, 16);
        cJSON *j = call("GET", MAP_EXECUTOR_URI, NULL, 200);
        size_t listed = (size_t)cJSON_GetArraySize(obj(obj(j, "Links"), "ExecutingJobs"));
        cJSON_Delete(j);
        if (n > max_seen)
            max_seen = n;
        ck_assert_uint_le(listed, 4);
        done = 1;
        for (int i = 0; i < 100; i++)
            if (cim_state(ids[i]) != JOB_STATE_COMPLETED)
                done = 0;
        ck_assert_msg(time(NULL) < deadline, "100 jobs did not complete");
        pause_ms(5);
    }
    ck_assert_uint_le(max_seen, 4);
    ck_assert_uint_ge(max_seen, 2);
}
END_TEST

START_TEST(test_priority_and_force_start)
{
    char pf[4][300];
    char params[512];
    uint64_t busy[4];
    uint64_t waiting[3];
    static const uint32_t prio[3] = {5, 1, 3};
    cJSON *j;

    for (int i = 0; i < 4; i++) {
        char name[32];
        (void)rf_fmt(name, sizeof name, "busy%d.pid", i);
        tmp_path(name, pf[i], sizeof pf[i]);
        (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf[i]);
        busy[i] = submit("Sleeper", params);
    }
    for (int i = 0; i < 4; i++)
        wait_state(busy[i], "Running");
    for (int i = 0; i < 3; i++) {
        struct job_value v;
        waiting[i] = submit("Ticks", "{\"N\": 100, \"Ms\": 100}");
        wait_state(waiting[i], "Pending");
        v.type = CIM_T_UINT32;
        v.is_null = false;
        v.u.i = prio[i];
        ck_assert_int_eq(job_service_set(app->jobs, waiting[i], JOB_P_PRIORITY, &v, NULL), JOB_OK);
    }
    job_service_flush(app->jobs);
    j = get_job(waiting[1]);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "JobPriority")), 1);
    ck_assert_ptr_nonnull(obj(obj(j, "Actions"), "#Job.ForceStart"));
    cJSON_Delete(j);
    /* A slot frees: the highest priority (the lowest number) goes first. */
    cancel_running(busy[0]);
    wait_state(waiting[1], "Running");
    pause_ms(300);
    ck_assert_str_eq(state_of(waiting[0]), "Pending");
    ck_assert_str_eq(state_of(waiting[2]), "Pending");
    /* ForceStart does not wait for a slot. */
    action(waiting[0], "Job.ForceStart", 202);
    wait_state(waiting[0], "Running");
    ck_assert_str_eq(state_of(waiting[2]), "Pending");
}
END_TEST

START_TEST(test_start_time)
{
    char body[256];
    char when[64];
    struct cim_datetime dt;
    uint64_t id;

    ck_assert_int_eq(cim_dt_from_unix_us(job_service_now(app->jobs) + 1500000, 0, &dt), JOB_OK);
    ck_assert_int_eq(map_dt(&dt, CIM_DT_TIMESTAMP, when, sizeof when), 0);
    (void)rf_fmt(body, sizeof body,
                 "{\"Parameters\": {\"N\": 1, \"Ms\": 1}, \"StartTime\": \"%s\"}", when);
    id = submit_body("Ticks", body);
    wait_state(id, "Pending");
    pause_ms(700);
    ck_assert_str_eq(state_of(id), "Pending");
    wait_state_for(id, "Completed", 10);
}
END_TEST

START_TEST(test_manual_policy)
{
    uint64_t id = submit("Ticks", "{\"N\": 1, \"Ms\": 1}");
    cJSON *j;

    pause_ms(200);
    ck_assert_str_eq(state_of(id), "New");
    j = get_job(id);
    ck_assert_ptr_nonnull(obj(obj(j, "Actions"), "#Job.Validate"));
    ck_assert_ptr_null(obj(obj(j, "Actions"), "#Job.ForceStart"));
    cJSON_Delete(j);
    action(id, "Job.Invalidate", 200);
    ck_assert_str_eq(state_of(id), "Invalid");
    action(id, "Job.Validate", 200);
    wait_state(id, "Completed");

    /* Invalid, then cancelled. */
    id = submit("Missing", "{}");
    action(id, "Job.Validate", 200);
    ck_assert_str_eq(state_of(id), "Invalid");
    action(id, "Job.Cancel", 200);
    ck_assert_str_eq(state_of(id), "Cancelled");
}
END_TEST

START_TEST(test_provisioning_class)
{
    char pf[300];
    char params[512];
    uint64_t id;
    long pid;
    cJSON *j;

    tmp_path("prov.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Provisioner", params);
    wait_state(id, "Running");
    pid = read_number(pf, 0);
    action(id, "Job.Suspend", 200);
    wait_proc(pid, "T", 5);
    action(id, "Job.Resume", 200);
    wait_proc(pid, "RS", 5);
    j = get_job(id);
    ck_assert_str_eq(str(obj(obj(j, "Oem"), "Rfjobd"), "@odata.type"), MAP_OEM_JOB_TYPE);
    cJSON_Delete(j);
    cancel_running(id);
    wait_state(id, "Cancelled");
    wait_proc(pid, "-", 5);
}
END_TEST

START_TEST(test_restart_mid_job)
{
    char pf[300];
    char params[512];
    uint64_t id;
    long pid;
    struct job job;

    tmp_path("restart.pid", pf, sizeof pf);
    (void)rf_fmt(params, sizeof params, "{\"File\": \"%s\", \"Ms\": 60000}", pf);
    id = submit("Sleeper", params);
    wait_state(id, "Running");
    pid = read_number(pf, 0);
    app_stop(app);
    app = NULL;
    /* The command did not outlive the service. */
    wait_proc(pid, "-", 10);
    start();
    job_init(&job, &job_class_concrete);
    ck_assert_int_eq(job_service_get(app->jobs, id, &job), JOB_OK);
    ck_assert_uint_eq(job.job_state, JOB_STATE_EXCEPTION);
    ck_assert_ptr_nonnull(job.error);
    job_cleanup(&job);
    /* The executor works after the restart. */
    id = submit("Ticks", "{\"N\": 1, \"Ms\": 1}");
    wait_state(id, "Completed");
}
END_TEST

START_TEST(test_scheduled_submit)
{
    char body[1024];
    struct tc_resp r;
    char loc[128];
    uint64_t parent;
    uint64_t child = 0;
    struct job job;
    time_t deadline = time(NULL) + 15;

    /* A user-specified job whose payload submits a document: the job it creates is its child. */
    (void)rf_fmt(body, sizeof body,
                 "{\"Name\": \"nightly\", \"Payload\": {\"TargetUri\": \"" DOCS
                 "/Ticks/Actions/JobDocument.SubmitJob\", \"HttpOperation\": \"POST\","
                 " \"JsonBody\": \"{\\\"Parameters\\\": {\\\"N\\\": 1, \\\"Ms\\\": 1}}\"}}");
    ck_assert_int_eq(
        tc_request(HOST, app->port, certs.ca, "POST", JOBS, admin, body, strlen(body), &r), 0);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    ck_assert_int_eq(map_job_id(loc + sizeof JOBS, &parent), 0);
    tc_resp_cleanup(&r);
    wait_state(parent, "Completed");
    while (child == 0) {
        job_init(&job, &job_class_concrete);
        ck_assert_int_eq(job_service_get(app->jobs, parent, &job), JOB_OK);
        if (job.created_resources.n == 1)
            ck_assert_int_eq(map_job_id(job.created_resources.v[0] + sizeof JOBS, &child), 0);
        job_cleanup(&job);
        ck_assert(time(NULL) < deadline);
    }
    wait_state(child, "Completed");
    {
        cJSON *j = get_job(child);
        ck_assert_str_eq(str(obj(obj(j, "Links"), "ParentJob"), "@odata.id"), loc);
        cJSON_Delete(j);
        j = get_job(parent);
        ck_assert_int_eq(cJSON_GetArraySize(obj(obj(j, "Links"), "SubsidiaryJobs")), 1);
        cJSON_Delete(j);
    }
}
END_TEST

Suite *
executor_suite(void)
{
    Suite *s = suite_create("executor");
    TCase *docs_tc = tcase_create("documents");
    TCase *run = tcase_create("run");
    TCase *queue = tcase_create("queue");
    TCase *bypass = tcase_create("bypass");
    TCase *manual = tcase_create("manual");

    tcase_set_timeout(docs_tc, 60);
    tcase_add_checked_fixture(docs_tc, setup, teardown);
    tcase_add_test(docs_tc, test_resources);
    tcase_add_test(docs_tc, test_submit_bad_input);
    suite_add_tcase(s, docs_tc);

    tcase_set_timeout(run, 180);
    tcase_add_checked_fixture(run, setup, teardown);
    tcase_add_test(run, test_complete);
    tcase_add_test(run, test_suspend_resume_cancel);
    tcase_add_test(run, test_kill_and_group);
    tcase_add_test(run, test_grace_and_timeout);
    tcase_add_test(run, test_failures);
    tcase_add_test(run, test_flood_and_garbage);
    tcase_add_test(run, test_injection);
    tcase_add_test(run, test_descriptors);
    tcase_add_test(run, test_provisioning_class);
    tcase_add_test(run, test_restart_mid_job);
    tcase_add_test(run, test_scheduled_submit);
    suite_add_tcase(s, run);

    tcase_set_timeout(queue, 240);
    tcase_add_checked_fixture(queue, setup, teardown);
    tcase_add_test(queue, test_limit_of_four);
    tcase_add_test(queue, test_priority_and_force_start);
    tcase_add_test(queue, test_start_time);
    suite_add_tcase(s, queue);

    tcase_set_timeout(bypass, 60);
    tcase_add_checked_fixture(bypass, setup_bypass, teardown);
    tcase_add_test(bypass, test_missing_bypass);
    tcase_add_test(bypass, test_relative_data_dir);
    suite_add_tcase(s, bypass);

    tcase_set_timeout(manual, 60);
    tcase_add_checked_fixture(manual, setup_manual, teardown);
    tcase_add_test(manual, test_manual_policy);
    suite_add_tcase(s, manual);
    return s;
}
