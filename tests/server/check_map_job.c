/*
 * The mapping of CIM jobs to Redfish (MAPPING.md), without a server: jobs in every CIM state of
 * both classes and every Redfish-only hold, made through the job service in the test process,
 * mapped by map_job.c and checked against the contract and against the project's own JSON Schema
 * (redfish-schema/RfjobdJob.v1_0_0.json) and message registry (Rfjobd.1.0.0.json).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../suites.h"
#include "../support/json_schema.h"
#include "job_service.h"
#include "map_job.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "router.h"

#define T0 (INT64_C(1795000000) * 1000000) /* 2026-11-18T11:06:40Z */
#define SEC INT64_C(1000000)
#define VENDOR_STATE 32768

static int64_t fake_now;
static struct store *st;
static struct job_service *svc;
static cJSON *schema;

static int64_t
fake_clock(void *arg)
{
    (void)arg;
    return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void
setup(void)
{
    struct job_service_opts o;

    __atomic_store_n(&fake_now, T0, __ATOMIC_SEQ_CST);
    ck_assert_int_eq(store_mem_open(&st), JOB_OK);
    memset(&o, 0, sizeof o);
    o.store = st;
    o.clock = fake_clock;
    o.manual_housekeeping = true;
    ck_assert_int_eq(job_service_open(&o, &svc), JOB_OK);
    schema = js_load(RF_OEM_SCHEMA);
    ck_assert_msg(schema != NULL, "cannot read %s", RF_OEM_SCHEMA);
}

static void
teardown(void)
{
    job_service_close(svc);
    store_close(st);
    cJSON_Delete(schema);
    svc = NULL;
    st = NULL;
    schema = NULL;
}

static void
advance(int64_t us)
{
    __atomic_add_fetch(&fake_now, us, __ATOMIC_SEQ_CST);
}

/* The tree as a client sees it: serialised and parsed again (numbers are written as raw text). */
static cJSON *
client_view(cJSON *j)
{
    char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
    cJSON *j_parsed = text != NULL ? cJSON_Parse(text) : NULL;

    cJSON_free(text);
    cJSON_Delete(j);
    ck_assert_ptr_nonnull(j_parsed);
    return j_parsed;
}

/* Asserts that j is valid against a definition of the OEM schema. */
static void
assert_valid(const char *def, const cJSON *j)
{
    char err[512];
    char *text = NULL;

    if (js_validate(schema, def, j, err, sizeof err) != 0) {
        text = cJSON_PrintUnformatted(j);
        ck_abort_msg("%s: %s in %.600s", def, err, text != NULL ? text : "?");
    }
}

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
obj(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(j, name);
}

/* ---- jobs in every state --------------------------------------------------------------------- */

enum path {
    P_NEW,
    P_STARTING,
    P_PENDING_BOOT,
    P_RUNNING,
    P_SUSPENDED,
    P_SHUTTING_DOWN,
    P_COMPLETED,
    P_TERMINATED,
    P_KILLED,
    P_EXCEPTION,
    P_SERVICE,
    P_QUERY_PENDING,
    P_VENDOR,
    P_SCHEDULED,
    P_VALIDATING,
    P_INVALID,
    P_INTERRUPTED,
    P_START_REQUESTED,
};

static void
request(uint64_t id, enum job_req req, enum job_rc want)
{
    enum job_rc rc;

    ck_assert_int_eq(job_service_request_state_change(svc, id, req, NULL, &rc, NULL), JOB_OK);
    ck_assert_int_eq(rc, want);
}

static void
report(uint64_t id, enum job_ev ev, const struct cim_error *error)
{
    struct job_report r;

    memset(&r, 0, sizeof r);
    r.ev = ev;
    r.error = error;
    r.error_code = error != NULL ? 42 : 0;
    r.error_description = error != NULL ? "it broke" : NULL;
    ck_assert_int_eq(job_service_report(svc, id, &r, NULL), JOB_OK);
}

static void
make_error(struct cim_error *e, uint16_t severity)
{
    cim_error_init(e);
    e->error_type = CIM_ERRTYPE_SOFTWARE;
    e->perceived_severity = severity;
    e->probable_cause = CIM_CAUSE_SOFTWARE_ERROR;
    e->cim_status_code = CIM_STATUS_CODE_FAILED;
    e->error_source_format = CIM_ESF_OTHER;
    ck_assert_int_eq(cim_error_set_str(&e->owning_entity, "Rfjobd"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e->message_id, "JobFailed"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e->message, "The job failed with error code 42: it broke"),
                     JOB_OK);
    ck_assert_int_eq(cim_strv_push(&e->message_arguments, "42"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&e->message_arguments, "it broke"), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&e->recommended_actions, "Fix it."), JOB_OK);
    ck_assert_int_eq(cim_strv_push(&e->recommended_actions, "Run it again."), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e->error_source, "job 1"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e->other_error_source_format, "job number"), JOB_OK);
}

struct hold_arg {
    uint8_t hold;
    uint8_t flags;
};

static enum job_err
set_hold(void *arg, struct job *job)
{
    const struct hold_arg *h = arg;

    job->hold = h->hold;
    job->flags |= h->flags;
    return JOB_OK;
}

/*
 * Makes a job of class cls (kind USER for CIM_ConcreteJob, SERVICE for the other, so both kinds
 * are mapped) and takes it along path; *out gets the job as the service hands it out.
 */
static void
make_job(const struct job_class *cls, enum path path, struct job *out)
{
    struct job tmpl;
    struct job made;
    struct cim_error e;
    uint64_t id;

    job_init(&tmpl, cls);
    job_init(&made, cls);
    tmpl.caps = (uint8_t)JOB_REQ_ALL;
    tmpl.kind = cls == &job_class_concrete ? JOB_KIND_USER : JOB_KIND_SERVICE;
    ck_assert_int_eq(job_set_str(&tmpl.name, "mapped"), JOB_OK);
    ck_assert_int_eq(job_set_str(&tmpl.owner, "Administrator"), JOB_OK);
    ck_assert_int_eq(job_service_create(svc, &tmpl, &made, NULL), JOB_OK);
    id = made.id;
    job_cleanup(&tmpl);
    job_cleanup(&made);
    advance(10 * SEC);
    switch (path) {
    case P_NEW:
        break;
    case P_STARTING:
        request(id, JOB_REQ_START, JOB_RC_STARTED);
        break;
    case P_PENDING_BOOT:
        report(id, JOB_EV_PENDING_BOOT, NULL);
        break;
    case P_RUNNING:
    case P_SUSPENDED:
    case P_SHUTTING_DOWN:
    case P_COMPLETED:
    case P_TERMINATED:
    case P_KILLED:
    case P_EXCEPTION:
    case P_SERVICE:
    case P_QUERY_PENDING:
    case P_VENDOR:
        report(id, JOB_EV_STARTED, NULL);
        advance(90 * SEC);
        break;
    case P_SCHEDULED:
    case P_VALIDATING:
    case P_INVALID:
    case P_INTERRUPTED:
    case P_START_REQUESTED: {
        static const uint8_t holds[] = {JOB_HOLD_SCHEDULED, JOB_HOLD_VALIDATING, JOB_HOLD_INVALID,
                                        JOB_HOLD_INTERRUPTED, JOB_HOLD_NONE};
        struct hold_arg h = {holds[path - P_SCHEDULED],
                             path == P_START_REQUESTED ? JOB_F_START_REQUESTED : 0};
        ck_assert_int_eq(job_service_update(svc, id, set_hold, &h, NULL, NULL), JOB_OK);
        break;
    }
    }
    switch (path) {
    case P_SUSPENDED:
        request(id, JOB_REQ_SUSPEND, JOB_RC_OK);
        break;
    case P_SHUTTING_DOWN:
        request(id, JOB_REQ_TERMINATE, JOB_RC_STARTED);
        break;
    case P_COMPLETED:
        report(id, JOB_EV_COMPLETED, NULL);
        break;
    case P_TERMINATED:
        request(id, JOB_REQ_TERMINATE, JOB_RC_STARTED);
        report(id, JOB_EV_STOPPED, NULL);
        break;
    case P_KILLED:
        request(id, JOB_REQ_KILL, JOB_RC_OK);
        break;
    case P_EXCEPTION:
        make_error(&e, CIM_SEV_MAJOR);
        report(id, JOB_EV_FAILED, &e);
        cim_error_cleanup(&e);
        break;
    case P_SERVICE:
        if (cls->requests & JOB_REQ_BIT(JOB_REQ_SERVICE))
            request(id, JOB_REQ_SERVICE, JOB_RC_OK);
        break;
    case P_QUERY_PENDING:
        report(id, JOB_EV_QUERY_PENDING, NULL);
        break;
    default:
        break;
    }
    ck_assert_int_eq(job_service_get(svc, id, out), JOB_OK);
    /* States the class's requests cannot reach are set on the copy, with their status. */
    if (path == P_SERVICE && out->job_state != JOB_STATE_SERVICE) {
        out->job_state = JOB_STATE_SERVICE;
        ck_assert_int_eq(job_derive_status(out, false), JOB_OK);
    }
    if (path == P_VENDOR) {
        out->job_state = VENDOR_STATE;
        ck_assert_int_eq(job_derive_status(out, false), JOB_OK);
    }
}

#define A_STD_NEW (MAP_ACT_CANCEL | MAP_ACT_FORCE_START | MAP_ACT_RSC | MAP_ACT_KILL_JOB)
#define A_ACTIVE (MAP_ACT_CANCEL | MAP_ACT_RSC | MAP_ACT_KILL_JOB)

struct state_case {
    int msps; /* Msps_ProvisioningJob, else CIM_ConcreteJob */
    enum path path;
    uint16_t cim_state;
    const char *state_name; /* Oem.Rfjobd.JobStateName */
    const char *rf_state;
    const char *health;
    unsigned actions; /* besides GetError, which every class here has */
    uint16_t opstatus[2];
    const char *opnames[2];
    uint16_t health_state;
    const char *state_message; /* a message the state implies, or NULL */
};

/* MAPPING.md's JobState and health tables, and the legal actions of each state. */
static const struct state_case state_cases[] = {
    {0, P_NEW, 2, "New", "New", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    {0, P_STARTING, 3, "Starting", "Starting", "OK", A_ACTIVE, {8}, {"Starting"}, 5, NULL},
    {0, P_RUNNING, 4, "Running", "Running", "OK", A_ACTIVE | MAP_ACT_SUSPEND, {2}, {"OK"}, 5, NULL},
    {0,
     P_SUSPENDED,
     5,
     "Suspended",
     "Suspended",
     "OK",
     A_ACTIVE | MAP_ACT_RESUME,
     {15},
     {"Dormant"},
     5,
     NULL},
    {0,
     P_SHUTTING_DOWN,
     6,
     "Shutting Down",
     "Stopping",
     "OK",
     MAP_ACT_RSC | MAP_ACT_KILL_JOB,
     {9},
     {"Stopping"},
     5,
     NULL},
    {0,
     P_COMPLETED,
     7,
     "Completed",
     "Completed",
     "OK",
     MAP_ACT_RESUBMIT,
     {17, 2},
     {"Completed", "OK"},
     5,
     NULL},
    {0,
     P_TERMINATED,
     8,
     "Terminated",
     "Cancelled",
     "Warning",
     MAP_ACT_RESUBMIT,
     {17, 10},
     {"Completed", "Stopped"},
     5,
     NULL},
    {0,
     P_KILLED,
     9,
     "Killed",
     "Cancelled",
     "Warning",
     MAP_ACT_RESUBMIT,
     {17, 14},
     {"Completed", "Aborted"},
     10,
     NULL},
    {0,
     P_EXCEPTION,
     10,
     "Exception",
     "Exception",
     "Critical",
     MAP_ACT_RESUBMIT,
     {17, 6},
     {"Completed", "Error"},
     20,
     NULL},
    {0,
     P_SERVICE,
     11,
     "Service",
     "Service",
     "OK",
     A_ACTIVE | MAP_ACT_RESUME,
     {11},
     {"In Service"},
     5,
     NULL},
    {0,
     P_QUERY_PENDING,
     12,
     "Query Pending",
     "UserIntervention",
     "Warning",
     A_ACTIVE | MAP_ACT_RESUME,
     {2},
     {"OK"},
     5,
     "Rfjobd.1.0.JobQueryPending"},
    {0,
     P_VENDOR,
     VENDOR_STATE,
     "Vendor Reserved",
     "Exception",
     "Critical",
     0,
     {17, 6},
     {"Completed", "Error"},
     20,
     NULL},
    {0, P_SCHEDULED, 2, "New", "Pending", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    {0,
     P_VALIDATING,
     2,
     "New",
     "Validating",
     "OK",
     A_ACTIVE | MAP_ACT_VALIDATE | MAP_ACT_INVALIDATE,
     {15},
     {"Dormant"},
     5,
     NULL},
    {0, P_INVALID, 2, "New", "Invalid", "OK", A_ACTIVE, {15}, {"Dormant"}, 5, NULL},
    {0, P_INTERRUPTED, 2, "New", "Interrupted", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    /* CIM_ConcreteJob shows an accepted Start as its own state Starting (above). */

    {1, P_NEW, 2, "New", "New", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    {1,
     P_PENDING_BOOT,
     3,
     "PendingBoot",
     "Pending",
     "OK",
     A_ACTIVE,
     {8},
     {"Starting"},
     5,
     "Rfjobd.1.0.JobPendingBoot"},
    {1, P_RUNNING, 4, "Running", "Running", "OK", A_ACTIVE | MAP_ACT_SUSPEND, {2}, {"OK"}, 5, NULL},
    {1,
     P_SUSPENDED,
     5,
     "Suspended",
     "Suspended",
     "OK",
     A_ACTIVE | MAP_ACT_RESUME,
     {15},
     {"Dormant"},
     5,
     NULL},
    {1,
     P_SHUTTING_DOWN,
     6,
     "Shutting Down",
     "Stopping",
     "OK",
     MAP_ACT_RSC | MAP_ACT_KILL_JOB,
     {9},
     {"Stopping"},
     5,
     NULL},
    {1, P_COMPLETED, 7, "Completed", "Completed", "OK", 0, {17, 2}, {"Completed", "OK"}, 5, NULL},
    {1,
     P_TERMINATED,
     8,
     "Terminated",
     "Cancelled",
     "Warning",
     0,
     {17, 10},
     {"Completed", "Stopped"},
     5,
     NULL},
    {1,
     P_KILLED,
     9,
     "Killed",
     "Cancelled",
     "Warning",
     0,
     {17, 14},
     {"Completed", "Aborted"},
     10,
     NULL},
    {1,
     P_EXCEPTION,
     10,
     "Exception",
     "Exception",
     "Critical",
     0,
     {17, 6},
     {"Completed", "Error"},
     20,
     NULL},
    {1,
     P_SERVICE,
     11,
     "Service",
     "Service",
     "OK",
     A_ACTIVE | MAP_ACT_RESUME,
     {11},
     {"In Service"},
     5,
     NULL},
    {1,
     P_QUERY_PENDING,
     12,
     "Query Pending",
     "UserIntervention",
     "Warning",
     A_ACTIVE | MAP_ACT_RESUME,
     {2},
     {"OK"},
     5,
     "Rfjobd.1.0.JobQueryPending"},
    {1,
     P_VENDOR,
     VENDOR_STATE,
     "Vendor Reserved",
     "Exception",
     "Critical",
     0,
     {17, 6},
     {"Completed", "Error"},
     20,
     NULL},
    {1, P_SCHEDULED, 2, "New", "Pending", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    {1,
     P_VALIDATING,
     2,
     "New",
     "Validating",
     "OK",
     A_ACTIVE | MAP_ACT_VALIDATE | MAP_ACT_INVALIDATE,
     {15},
     {"Dormant"},
     5,
     NULL},
    {1, P_INVALID, 2, "New", "Invalid", "OK", A_ACTIVE, {15}, {"Dormant"}, 5, NULL},
    {1, P_INTERRUPTED, 2, "New", "Interrupted", "OK", A_STD_NEW, {15}, {"Dormant"}, 5, NULL},
    {1, P_START_REQUESTED, 2, "New", "Starting", "OK", A_ACTIVE, {15}, {"Dormant"}, 5, NULL},
};

/* The properties of CIM_ConcreteJob (shared/seeds) and what Msps_ProvisioningJob adds. */
static const char *const concrete_props[] = {
    "Caption", "DeleteOnCompletion", "Description", "ElapsedTime", "ElementName", "ErrorCode",
    "ErrorDescription", "HealthState", "InstallDate", "InstanceID", "JobRunTimes", "JobState",
    "JobStatus", "LocalOrUtcTime", "Name", "Notify", "OperationalStatus", "OtherRecoveryAction",
    "Owner", "PercentComplete", "Priority", "RecoveryAction", "RunDay", "RunDayOfWeek", "RunMonth",
    "RunStartInterval", "ScheduledStartTime", "StartTime", "Status", "StatusDescriptions",
    "TimeBeforeRemoval", "TimeOfLastStateChange", "TimeSubmitted", "UntilTime",
    /* the names of enumeration values, and the class */
    "HealthStateName", "JobStateName", "LocalOrUtcTimeName", "OperationalStatusNames",
    "RecoveryActionName", "RunDayOfWeekName", "RunMonthName", "ClassName", "@odata.type", NULL};
static const char *const msps_props[] = {"CommunicationStatus",  "CommunicationStatusName",
                                         "DetailedStatus",       "DetailedStatusName",
                                         "OperatingStatus",      "OperatingStatusName",
                                         "PrimaryStatus",        "PrimaryStatusName",
                                         "AdditionalIdentifier", NULL};

static int
in_list(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

static void
check_oem_keys(const cJSON *j_cim, int msps)
{
    const cJSON *m;
    size_t want = 0;
    int n = 0;

    for (size_t i = 0; concrete_props[i] != NULL; i++, want++)
        ck_assert_msg(obj(j_cim, concrete_props[i]) != NULL, "Oem.Rfjobd lacks %s",
                      concrete_props[i]);
    for (size_t i = 0; msps && msps_props[i] != NULL; i++, want++)
        ck_assert_msg(obj(j_cim, msps_props[i]) != NULL, "Oem.Rfjobd lacks %s", msps_props[i]);
    cJSON_ArrayForEach(m, j_cim)
    {
        ck_assert_msg(in_list(concrete_props, m->string)
                          || (msps && in_list(msps_props, m->string)),
                      "Oem.Rfjobd has %s, which the class does not", m->string);
        n++;
    }
    ck_assert_uint_eq((size_t)n, want);
}

/* The ISO 8601 text of the fake clock at offset seconds from T0. */
static const char *
iso_at(int secs, char *buf, size_t size)
{
    struct cim_datetime dt;

    ck_assert_int_eq(cim_dt_from_unix_us(T0 + secs * SEC, 0, &dt), JOB_OK);
    ck_assert_int_eq(cim_dt_to_iso8601(&dt, buf, size), JOB_OK);
    return buf;
}

static void
check_actions(const cJSON *j, const struct job *job, unsigned want)
{
    static const struct {
        unsigned bit;
        const char *name;
        const char *tail;
        const char *info; /* its ActionInfo, or NULL */
        int oem;
    } acts[] = {
        {MAP_ACT_CANCEL, "#Job.Cancel", "Job.Cancel", NULL, 0},
        {MAP_ACT_SUSPEND, "#Job.Suspend", "Job.Suspend", NULL, 0},
        {MAP_ACT_RESUME, "#Job.Resume", "Job.Resume", NULL, 0},
        {MAP_ACT_FORCE_START, "#Job.ForceStart", "Job.ForceStart", NULL, 0},
        {MAP_ACT_VALIDATE, "#Job.Validate", "Job.Validate", NULL, 0},
        {MAP_ACT_INVALIDATE, "#Job.Invalidate", "Job.Invalidate", NULL, 0},
        {MAP_ACT_RESUBMIT, "#Job.Resubmit", "Job.Resubmit", "ResubmitActionInfo", 0},
        {MAP_ACT_RSC, "#RfjobdJob.RequestStateChange", "Oem/RfjobdJob.RequestStateChange",
         "RequestStateChangeActionInfo", 1},
        {MAP_ACT_KILL_JOB, "#RfjobdJob.KillJob", "Oem/RfjobdJob.KillJob", "KillJobActionInfo", 1},
        {MAP_ACT_GET_ERROR, "#RfjobdJob.GetError", "Oem/RfjobdJob.GetError", NULL, 1},
    };
    const cJSON *j_actions = obj(j, "Actions");
    const cJSON *j_oem = obj(j_actions, "Oem");
    int n_std = 0;
    int n_oem = 0;
    const cJSON *m;

    ck_assert_uint_eq(map_job_actions(job), want);
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        const cJSON *j_a = obj(acts[i].oem ? j_oem : j_actions, acts[i].name);
        char uri[RF_URI_MAX];
        if (!(want & acts[i].bit)) {
            ck_assert_msg(j_a == NULL, "%s advertised in %s", acts[i].name, map_job_state(job));
            continue;
        }
        ck_assert_msg(j_a != NULL, "%s missing in %s", acts[i].name, map_job_state(job));
        ck_assert_int_eq(
            rf_fmt(uri, sizeof uri, MAP_JOBS_URI "/%" PRIu64 "/Actions/%s", job->id, acts[i].tail),
            0);
        ck_assert_str_eq(str(j_a, "target"), uri);
        if (acts[i].info != NULL) {
            ck_assert_int_eq(
                rf_fmt(uri, sizeof uri, MAP_JOBS_URI "/%" PRIu64 "/%s", job->id, acts[i].info), 0);
            ck_assert_str_eq(str(j_a, "@Redfish.ActionInfo"), uri);
        } else {
            ck_assert_ptr_null(obj(j_a, "@Redfish.ActionInfo"));
        }
        if (acts[i].oem)
            n_oem++;
        else
            n_std++;
    }
    cJSON_ArrayForEach(m, j_actions)
    {
        if (strcmp(m->string, "Oem") != 0)
            n_std--;
    }
    ck_assert_int_eq(n_std, 0);
    ck_assert_int_eq(cJSON_GetArraySize(j_oem), n_oem);
    if (j_oem != NULL)
        assert_valid("OemActions", j_oem);
}

START_TEST(test_state_mapping)
{
    const struct state_case *c = &state_cases[_i];
    const struct job_class *cls = c->msps ? &job_class_provisioning : &job_class_concrete;
    struct job job;
    cJSON *j;
    const cJSON *j_cim;
    const cJSON *j_ops;
    const cJSON *j_names;
    const cJSON *j_msgs;
    const cJSON *j_pc;
    char want[64];
    int final = job_state_is_final(c->cim_state);

    job_init(&job, cls);
    make_job(cls, c->path, &job);
    ck_assert_uint_eq(job.job_state, c->cim_state);
    j = client_view(map_job_to_json(&job, NULL));
    ck_assert_ptr_nonnull(j);

    /* The Redfish face. */
    ck_assert_str_eq(str(j, "@odata.type"), MAP_JOB_TYPE);
    ck_assert_str_eq(str(j, "JobState"), c->rf_state);
    ck_assert_str_eq(map_job_state(&job), c->rf_state);
    ck_assert_str_eq(str(j, "JobStatus"), c->health);
    ck_assert_str_eq(str(j, "JobType"), c->msps ? "ServiceGenerated" : "UserSpecified");
    ck_assert_str_eq(str(j, "CreatedBy"), "Administrator");
    ck_assert_str_eq(str(j, "CreationTime"), iso_at(0, want, sizeof want));
    ck_assert_msg((obj(j, "EndTime") != NULL) == final, "EndTime in %s: %d", c->rf_state,
                  obj(j, "EndTime") != NULL);
    if (final)
        ck_assert_str_eq(str(j, "EndTime"), iso_at(100, want, sizeof want));
    j_pc = obj(j, "PercentComplete");
    if (c->cim_state == JOB_STATE_COMPLETED)
        ck_assert(cJSON_IsNumber(j_pc) && j_pc->valuedouble == 100);
    else
        ck_assert(cJSON_IsNumber(j_pc) || cJSON_IsNull(j_pc));
    check_actions(j, &job, c->actions | MAP_ACT_GET_ERROR);

    /* Messages the state implies come first; a failed job's CIM_Error comes last. */
    j_msgs = obj(j, "Messages");
    ck_assert(cJSON_IsArray(j_msgs));
    if (c->state_message != NULL)
        ck_assert_str_eq(str(cJSON_GetArrayItem(j_msgs, 0), "MessageId"), c->state_message);
    if (c->path == P_EXCEPTION) {
        const cJSON *j_last = cJSON_GetArrayItem(j_msgs, cJSON_GetArraySize(j_msgs) - 1);
        ck_assert_str_eq(str(j_last, "MessageId"), "Rfjobd.1.0.JobFailed");
        ck_assert_str_eq(str(j_last, "MessageSeverity"), "Critical");
        assert_valid("CIMError", obj(obj(j_last, "Oem"), "Rfjobd"));
    }

    /* Oem.Rfjobd: the whole CIM instance. */
    j_cim = obj(obj(j, "Oem"), "Rfjobd");
    ck_assert_ptr_nonnull(j_cim);
    check_oem_keys(j_cim, c->msps);
    assert_valid("Job", j_cim);
    ck_assert_str_eq(str(j_cim, "@odata.type"), MAP_OEM_JOB_TYPE);
    ck_assert_str_eq(str(j_cim, "ClassName"), cls->name);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j_cim, "JobState")), c->cim_state);
    ck_assert_str_eq(str(j_cim, "JobStateName"), c->state_name);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j_cim, "HealthState")), c->health_state);
    j_ops = obj(j_cim, "OperationalStatus");
    j_names = obj(j_cim, "OperationalStatusNames");
    ck_assert_int_eq(cJSON_GetArraySize(j_ops), c->opstatus[1] != 0 ? 2 : 1);
    ck_assert_int_eq(cJSON_GetArraySize(j_names), cJSON_GetArraySize(j_ops));
    for (int i = 0; i < cJSON_GetArraySize(j_ops); i++) {
        ck_assert_int_eq((int)cJSON_GetNumberValue(cJSON_GetArrayItem(j_ops, i)), c->opstatus[i]);
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(j_names, i)), c->opnames[i]);
    }
    ck_assert_str_eq(str(j_cim, "InstanceID"), job.instance_id);
    ck_assert_str_eq(str(j_cim, "TimeSubmitted"), iso_at(0, want, sizeof want));
    ck_assert_str_eq(str(j_cim, "TimeBeforeRemoval"), "PT5M");
    ck_assert_str_eq(str(j_cim, "Owner"), "Administrator");
    if (c->path == P_COMPLETED) {
        ck_assert_str_eq(str(j_cim, "StartTime"), iso_at(10, want, sizeof want));
        ck_assert_str_eq(str(j_cim, "ElapsedTime"), "PT1M30S");
    }
    if (c->msps) {
        const char *js = str(j_cim, "JobStatus");
        ck_assert_msg(js != NULL
                          && (strcmp(js, "Complete") == 0 || strcmp(js, "InProgress") == 0
                              || strcmp(js, "PendingBoot") == 0 || strcmp(js, "Failed") == 0),
                      "Msps JobStatus %s", js != NULL ? js : "(none)");
    }
    cJSON_Delete(j);
    job_cleanup(&job);
}
END_TEST

START_TEST(test_percent_complete)
{
    struct job job;
    cJSON *j;

    job_init(&job, &job_class_concrete);
    make_job(&job_class_concrete, P_RUNNING, &job);
    job.percent_complete = 42;
    j = client_view(map_job_to_json(&job, NULL));
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j, "PercentComplete")), 42);
    ck_assert_int_eq(
        (int)cJSON_GetNumberValue(obj(obj(obj(j, "Oem"), "Rfjobd"), "PercentComplete")), 42);
    cJSON_Delete(j);
    job.percent_complete = 101; /* CIM: undefined */
    j = client_view(map_job_to_json(&job, NULL));
    ck_assert(cJSON_IsNull(obj(j, "PercentComplete")));
    assert_valid("Job", obj(obj(j, "Oem"), "Rfjobd"));
    cJSON_Delete(j);
    job_cleanup(&job);
}
END_TEST

/* A running job's ElapsedTime is computed when it is read. */
START_TEST(test_elapsed_running)
{
    struct job job;
    cJSON *j;

    job_init(&job, &job_class_concrete);
    make_job(&job_class_concrete, P_RUNNING, &job);
    j = client_view(map_job_cim(&job));
    ck_assert_str_eq(str(j, "ElapsedTime"), "PT1M30S");
    cJSON_Delete(j);
    job_cleanup(&job);
}
END_TEST

/* ---- CIM_Error as a Redfish Message ---------------------------------------------------------- */

START_TEST(test_error_severity)
{
    static const char *const want[] = {"Warning", "Warning",  "OK",       "Warning",
                                       "Warning", "Critical", "Critical", "Critical"};
    struct cim_error e;
    cJSON *j;
    const cJSON *j_r;

    make_error(&e, (uint16_t)_i);
    j = client_view(map_cim_error_message(&e));
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(str(j, "@odata.type"), "#Message.v1_3_0.Message");
    ck_assert_str_eq(str(j, "MessageId"), "Rfjobd.1.0.JobFailed");
    ck_assert_str_eq(str(j, "Message"), "The job failed with error code 42: it broke");
    ck_assert_str_eq(str(j, "MessageSeverity"), want[_i]);
    ck_assert_str_eq(str(j, "Resolution"), "Fix it.  Run it again.");
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "MessageArgs")), 2);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(obj(j, "MessageArgs"), 1)),
                     "it broke");
    j_r = obj(obj(j, "Oem"), "Rfjobd");
    assert_valid("CIMError", j_r);
    ck_assert_str_eq(str(j_r, "@odata.type"), MAP_OEM_ERROR_TYPE);
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j_r, "PerceivedSeverity")), _i);
    ck_assert_str_eq(str(j_r, "PerceivedSeverityName"),
                     cim_enum_name(&cim_enum_perceived_severity, _i));
    ck_assert_str_eq(str(j_r, "MessageID"), "JobFailed");
    ck_assert_str_eq(str(j_r, "OwningEntity"), "Rfjobd");
    ck_assert_str_eq(str(j_r, "ErrorTypeName"), "Software Error");
    ck_assert_str_eq(str(j_r, "ProbableCauseName"), "Software Error");
    ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j_r, "CIMStatusCode")), 1);
    ck_assert_str_eq(str(j_r, "CIMStatusCodeName"), "CIM_ERR_FAILED");
    ck_assert_str_eq(str(j_r, "ErrorSourceFormatName"), "Other");
    ck_assert_str_eq(str(j_r, "OtherErrorSourceFormat"), "job number");
    cJSON_Delete(j);
    cim_error_cleanup(&e);
}
END_TEST

/*
 * Errors of other owners keep their own identifiers in the CIM view; Redfish shows them as the OEM
 * message that carries a text, since their registries are not published here. A bare error
 * still validates.
 */
START_TEST(test_error_foreign_and_minimal)
{
    struct cim_error e;
    cJSON *j;

    make_error(&e, CIM_SEV_MINOR);
    ck_assert_int_eq(cim_error_set_str(&e.owning_entity, "DMTF"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e.message_id, "WIPG0211"), JOB_OK);
    j = client_view(map_cim_error_message(&e));
    ck_assert_str_eq(str(j, "MessageId"), "Rfjobd.1.0.CommandReported");
    ck_assert_str_eq(str(obj(obj(j, "Oem"), "Rfjobd"), "MessageID"), "WIPG0211");
    ck_assert_str_eq(str(obj(obj(j, "Oem"), "Rfjobd"), "OwningEntity"), "DMTF");
    ck_assert_int_eq(cJSON_GetArraySize(obj(j, "MessageArgs")), 1);
    assert_valid("CIMError", obj(obj(j, "Oem"), "Rfjobd"));
    cJSON_Delete(j);
    cim_error_cleanup(&e);

    cim_error_init(&e);
    ck_assert_int_eq(cim_error_set_str(&e.message_id, "Plain"), JOB_OK);
    j = client_view(map_cim_error_message(&e));
    ck_assert_str_eq(str(j, "MessageId"), "Rfjobd.1.0.CommandReported");
    ck_assert_str_eq(str(j, "MessageSeverity"), "Warning");
    ck_assert_str_eq(str(j, "Resolution"), "None.");
    assert_valid("CIMError", obj(obj(j, "Oem"), "Rfjobd"));
    cJSON_Delete(j);
    cim_error_cleanup(&e);
}
END_TEST

/* ---- CIM return codes as HTTP answers ------------------------------------------------------- */

static const struct {
    enum job_rc rc;
    int status; /* 0: no error */
    const char *message_id;
} rc_cases[] = {
    {JOB_RC_OK, 0, NULL},
    {JOB_RC_STARTED, 0, NULL},
    {JOB_RC_NOT_SUPPORTED, 400, "Base.1.22.ActionNotSupported"},
    {JOB_RC_INVALID_PARAMETER, 400, "Base.1.22.ActionParameterValueNotInList"},
    {JOB_RC_TIMEOUT_NOT_SUPPORTED, 400, "Base.1.22.ActionParameterNotSupported"},
    {JOB_RC_INVALID_TRANSITION, 409, "Rfjobd.1.0.InvalidStateTransition"},
    {JOB_RC_IN_USE, 409, "Base.1.22.ResourceInUse"},
    {JOB_RC_BUSY, 503, "Base.1.22.ServiceTemporarilyUnavailable"},
    {JOB_RC_TIMEOUT, 500, "Base.1.22.OperationTimeout"},
    {JOB_RC_UNKNOWN, 500, "Base.1.22.OperationFailed"},
    {JOB_RC_FAILED, 500, "Base.1.22.OperationFailed"},
};

START_TEST(test_rc_error)
{
    struct rf_resp resp;
    struct job job;
    const cJSON *j_msg;
    const cJSON *j_rel;
    int status;

    job_init(&job, &job_class_concrete);
    make_job(&job_class_concrete, P_RUNNING, &job);
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    status = map_rc_error(&resp, rc_cases[_i].rc, &job, "Suspend", "/RequestedState");
    if (rc_cases[_i].status == 0) {
        ck_assert_int_eq(status, 200);
        ck_assert_int_eq(resp.status, 200);
        ck_assert_ptr_null(resp.j_body);
        goto out;
    }
    ck_assert_int_eq(status, rc_cases[_i].status);
    ck_assert_int_eq(resp.status, rc_cases[_i].status);
    ck_assert_str_eq(str(obj(resp.j_body, "error"), "code"), rc_cases[_i].message_id);
    j_msg = cJSON_GetArrayItem(obj(obj(resp.j_body, "error"), "@Message.ExtendedInfo"), 0);
    ck_assert_str_eq(str(j_msg, "MessageId"), rc_cases[_i].message_id);
    j_rel = obj(j_msg, "RelatedProperties");
    ck_assert_int_eq(cJSON_GetArraySize(j_rel), 1);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(j_rel, 0)), "/RequestedState");
    if (rc_cases[_i].rc == JOB_RC_INVALID_TRANSITION) {
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(obj(j_msg, "MessageArgs"), 0)),
                         "Running");
        ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(obj(j_msg, "MessageArgs"), 1)),
                         "Suspend");
    }
    if (rc_cases[_i].rc == JOB_RC_BUSY) {
        ck_assert_uint_eq(resp.n_extra, 1);
        ck_assert_str_eq(resp.extra[0].name, "Retry-After");
        ck_assert_str_eq(resp.extra[0].value, "1");
    } else {
        ck_assert_uint_eq(resp.n_extra, 0);
    }
out:
    rf_resp_reset(&resp);
    job_cleanup(&job);
}
END_TEST

/* ---- the OEM registry and schema ------------------------------------------------------------ */

static const struct {
    const char *key;
    enum rf_sev sev;
    int nargs;
    const char *text;
    const char *resolution;
} oem_table[] = {
#define RF_OEM_MSG(ident, key, sev, nargs, text, resolution) {key, sev, nargs, text, resolution},
#include "rf_oem_msgs.def"
#undef RF_OEM_MSG
};

START_TEST(test_oem_registry_matches_table)
{
    static const char *const sev_names[] = {"OK", "Warning", "Critical"};
    cJSON *reg = js_load(RF_OEM_REGISTRY);
    const cJSON *j_msgs;
    const cJSON *m;
    size_t n = sizeof oem_table / sizeof oem_table[0];

    ck_assert_msg(reg != NULL, "cannot read %s", RF_OEM_REGISTRY);
    ck_assert_str_eq(str(reg, "Id"), "Rfjobd.1.0.0");
    ck_assert_str_eq(str(reg, "RegistryPrefix"), "Rfjobd");
    ck_assert_str_eq(str(reg, "RegistryVersion"), "1.0.0");
    ck_assert_str_eq(RF_OEM_PREFIX, "Rfjobd.1.0");
    j_msgs = obj(reg, "Messages");
    ck_assert_int_eq(cJSON_GetArraySize(j_msgs), (int)n);
    for (size_t i = 0; i < n; i++) {
        const cJSON *j_m = obj(j_msgs, oem_table[i].key);
        ck_assert_msg(j_m != NULL, "%s is not in the registry", oem_table[i].key);
        ck_assert_int_eq((int)cJSON_GetNumberValue(obj(j_m, "NumberOfArgs")), oem_table[i].nargs);
        ck_assert_int_eq(cJSON_GetArraySize(obj(j_m, "ParamTypes")), oem_table[i].nargs);
        ck_assert_str_eq(str(j_m, "MessageSeverity"), sev_names[oem_table[i].sev]);
        ck_assert_str_eq(str(j_m, "Message"), oem_table[i].text);
        ck_assert_str_eq(str(j_m, "Resolution"), oem_table[i].resolution);
        ck_assert_str_eq(rf_oem_key((enum rf_oem_id)i), oem_table[i].key);
    }
    cJSON_ArrayForEach(m, j_msgs)
    {
        size_t i;
        for (i = 0; i < n && strcmp(oem_table[i].key, m->string) != 0; i++)
            ;
        ck_assert_msg(i < n, "%s is in the registry but not in rf_oem_msgs.def", m->string);
    }
    cJSON_Delete(reg);
}
END_TEST

/* The validator itself: it must refuse what the schema refuses. */
START_TEST(test_validator_refuses)
{
    static const char *const bad[] = {
        "{\"MessageID\":1}",                                     /* type */
        "{}",                                                    /* required */
        "{\"MessageID\":\"x\",\"Surprise\":1}",                  /* additionalProperties */
        "{\"MessageID\":\"x\",\"ErrorType\":1.5}",               /* integer */
        "{\"MessageID\":\"x\",\"ErrorType\":70000}",             /* maximum */
        "{\"MessageID\":\"x\",\"MessageArguments\":[1]}",        /* items */
        "{\"MessageID\":\"x\",\"x@odata.count\":1,\"y@z.w\":1}", /* patternProperties */
    };
    static const char *const good[] = {
        "{\"MessageID\":\"x\",\"ErrorType\":null,\"Members@odata.count\":2}",
        "{\"MessageID\":\"x\",\"@odata.type\":\"#RfjobdJob.v1_0_0.CIMError\"}",
    };
    char err[256];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *j = cJSON_Parse(bad[i]);
        ck_assert_msg(js_validate(schema, "CIMError", j, err, sizeof err) != 0, "accepted %s",
                      bad[i]);
        cJSON_Delete(j);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cJSON *j = cJSON_Parse(good[i]);
        ck_assert_msg(js_validate(schema, "CIMError", j, err, sizeof err) == 0, "%s: %s", good[i],
                      err);
        cJSON_Delete(j);
    }
    {
        cJSON *j = cJSON_Parse("{\"ReturnValue\":0,\"Method\":\"Nope\"}");
        ck_assert_int_ne(js_validate(schema, "MethodResult", j, err, sizeof err), 0);
        cJSON_Delete(j);
        j = cJSON_Parse("{\"ClassName\":\"C\",\"InstanceID\":\"a:1\",\"Name\":\"n\",\"JobState\":2,"
                        "\"JobStateName\":\"New\",\"TimeBeforeRemoval\":\"5 minutes\"}");
        ck_assert_int_ne(js_validate(schema, "Job", j, err, sizeof err), 0); /* pattern */
        cJSON_Delete(j);
        j = cJSON_Parse("{\"ClassName\":\"C\",\"InstanceID\":\"a:1\",\"Name\":\"n\",\"JobState\":2,"
                        "\"JobStateName\":\"New\",\"TimeBeforeRemoval\":\"PT5M\","
                        "\"StartTime\":\"yesterday\"}");
        ck_assert_int_ne(js_validate(schema, "Job", j, err, sizeof err), 0); /* date-time */
        cJSON_Delete(j);
        j = cJSON_Parse("{\"ClassName\":\"C\",\"InstanceID\":\"a:1\",\"Name\":\"n\",\"JobState\":2,"
                        "\"JobStateName\":\"Nouveau\",\"TimeBeforeRemoval\":\"PT5M\"}");
        ck_assert_int_ne(js_validate(schema, "Job", j, err, sizeof err), 0); /* enum */
        cJSON_Delete(j);
    }
}
END_TEST

Suite *
map_job_suite(void)
{
    Suite *s = suite_create("map_job");
    TCase *states = tcase_create("states");
    TCase *errors = tcase_create("errors");
    TCase *schema_tc = tcase_create("schema");

    tcase_set_timeout(states, 60);
    tcase_add_checked_fixture(states, setup, teardown);
    tcase_add_loop_test(states, test_state_mapping, 0,
                        (int)(sizeof state_cases / sizeof state_cases[0]));
    tcase_add_test(states, test_percent_complete);
    tcase_add_test(states, test_elapsed_running);
    suite_add_tcase(s, states);

    tcase_set_timeout(errors, 60);
    tcase_add_checked_fixture(errors, setup, teardown);
    tcase_add_loop_test(errors, test_error_severity, 0, 8);
    tcase_add_test(errors, test_error_foreign_and_minimal);
    tcase_add_loop_test(errors, test_rc_error, 0, (int)(sizeof rc_cases / sizeof rc_cases[0]));
    suite_add_tcase(s, errors);

    tcase_set_timeout(schema_tc, 60);
    tcase_add_checked_fixture(schema_tc, setup, teardown);
    tcase_add_test(schema_tc, test_oem_registry_matches_table);
    tcase_add_test(schema_tc, test_validator_refuses);
    suite_add_tcase(s, schema_tc);
    return s;
}
