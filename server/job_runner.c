/* The runner of user-specified jobs; see job_runner.h. */
#include "job_runner.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "db.h"
#include "job_schedule.h"
#include "log.h"
#include "map_job.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "router.h"

#define RUNNER_MAX_SLEEP_US (60 * INT64_C(1000000))
#define RUNNER_BATCH 64

struct job_runner {
    struct app *app;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int stopping;
    int woken;
    pthread_t thread;
};

/* What the runner looks at: user-specified jobs that wait to run. */
struct due_ctx {
    int64_t now;
    int64_t earliest; /* the next due time among the jobs not due yet */
};

static int
is_waiting(void *arg, const struct job *job)
{
    struct due_ctx *c = arg;
    int64_t next;

    if (job->kind != JOB_KIND_USER)
        return 0;
    if (job->job_state == JOB_STATE_STARTING
        || (job->job_state == JOB_STATE_NEW && (job->flags & JOB_F_START_REQUESTED)))
        return 1; /* forced, or started on its own */
    if (job->job_state != JOB_STATE_NEW)
        return 0;
    if (job->hold == JOB_HOLD_NONE || job->hold == JOB_HOLD_INTERRUPTED)
        return 1;
    if (job->hold != JOB_HOLD_SCHEDULED)
        return 0;
    if (job_schedule_next(job, c->now - 1, &next) != JOB_OK)
        return 1; /* nothing more to wait for: it finishes now */
    if (next <= c->now)
        return 1;
    if (c->earliest == 0 || next < c->earliest)
        c->earliest = next;
    return 0;
}

/* A Redfish message (from a response) as a CIM_Error, to keep among the job's messages. */
static int
message_to_error(const cJSON *j_m, struct cim_error *e)
{
    const cJSON *j_id = cJSON_GetObjectItemCaseSensitive(j_m, "MessageId");
    const cJSON *j_text = cJSON_GetObjectItemCaseSensitive(j_m, "Message");
    const cJSON *j_sev = cJSON_GetObjectItemCaseSensitive(j_m, "MessageSeverity");
    const cJSON *j_args = cJSON_GetObjectItemCaseSensitive(j_m, "MessageArgs");
    const cJSON *j_res = cJSON_GetObjectItemCaseSensitive(j_m, "Resolution");
    const cJSON *j_a;

    cim_error_init(e);
    if (!cJSON_IsString(j_id))
        return -1;
    e->perceived_severity = 2; /* Information */
    if (cJSON_IsString(j_sev) && strcmp(j_sev->valuestring, "Warning") == 0)
        e->perceived_severity = 3;
    else if (cJSON_IsString(j_sev) && strcmp(j_sev->valuestring, "Critical") == 0)
        e->perceived_severity = 6;
    e->cim_status_code = e->perceived_severity >= 5 ? 1 : 0;
    if (cim_error_set_str(&e->message_id, j_id->valuestring) != JOB_OK
        || (cJSON_IsString(j_text) && cim_error_set_str(&e->message, j_text->valuestring) != JOB_OK)
        || (cJSON_IsString(j_res)
            && cim_strv_push(&e->recommended_actions, j_res->valuestring) != JOB_OK))
        goto fail;
    cJSON_ArrayForEach(j_a, j_args)
    {
        if (cJSON_IsString(j_a) && cim_strv_push(&e->message_arguments, j_a->valuestring) != JOB_OK)
            goto fail;
    }
    return 0;
fail:
    cim_error_cleanup(e);
    return -1;
}

struct outcome {
    struct cim_error first; /* PayloadCompleted or PayloadFailed */
    const cJSON *j_info;    /* the response's messages */
    const char *created;    /* Location of a created resource, or NULL */
};

static enum job_err
record_outcome(void *arg, struct job *job)
{
    const struct outcome *o = arg;
    const cJSON *j_m;
    enum job_err err = job_add_message(job, &o->first);

    cJSON_ArrayForEach(j_m, o->j_info)
    {
        struct cim_error e;
        if (err != JOB_OK)
            break;
        if (message_to_error(j_m, &e) == 0) {
            err = job_add_message(job, &e);
            cim_error_cleanup(&e);
        }
    }
    if (err == JOB_OK && o->created != NULL)
        err = cim_strv_push(&job->created_resources, o->created);
    return err;
}

/* The creator, as the router would see them now: current role, enabled and not locked. */
static int
creator_of(struct app *app, const char *user, struct rf_principal *who)
{
    struct db_account a;

    memset(who, 0, sizeof *who);
    if (user == NULL || db_account_get(app->db, user, &a) != DB_OK || !a.enabled
        || auth_account_locked(&a, time(NULL)))
        return -1;
    who->authenticated = 1;
    (void)rf_strlcpy(who->user, a.user, sizeof who->user);
    (void)rf_strlcpy(who->role, a.role, sizeof who->role);
    who->privs = auth_role_privileges(a.role);
    who->password_change_required = a.password_change_required;
    return 0;
}

/* Performs a job's payload and reports the outcome. */
static void
perform(struct app *app, const struct job *job)
{
    struct job_report rep;
    struct rf_req req;
    struct rf_resp resp;
    struct outcome o;
    cJSON *j_payload = NULL;
    cJSON *j_body = NULL;
    const cJSON *j_uri;
    const cJSON *j_op;
    const cJSON *j_jb;
    char norm[RF_PATH_MAX];
    char path[RF_PATH_MAX];
    char status[16];
    const char *q;
    const char *args[3];
    enum job_err err;
    int st;

    memset(&rep, 0, sizeof rep);
    memset(&o, 0, sizeof o);
    cim_error_init(&o.first);
    rep.ev = JOB_EV_STARTED;
    if (job_service_report(app->jobs, job->id, &rep, NULL) != JOB_OK)
        return; /* cancelled meanwhile */
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    j_payload = job->payload != NULL ? cJSON_Parse(job->payload) : NULL;
    j_uri = cJSON_GetObjectItemCaseSensitive(j_payload, "TargetUri");
    j_op = cJSON_GetObjectItemCaseSensitive(j_payload, "HttpOperation");
    j_jb = cJSON_GetObjectItemCaseSensitive(j_payload, "JsonBody");
    req.app = app;
    req.remote_addr = "job";
    req.job_id = job->id;
    if (!cJSON_IsString(j_uri) || !cJSON_IsString(j_op)) {
        st = 400;
        args[0] = "?";
        args[1] = "?";
        goto done;
    }
    args[0] = j_op->valuestring;
    args[1] = j_uri->valuestring;
    q = strchr(j_uri->valuestring, '?');
    if (rf_strlcpy(path, j_uri->valuestring, sizeof path) != 0) {
        st = 400;
        goto done;
    }
    if (q != NULL) {
        path[q - j_uri->valuestring] = '\0';
        req.query = q + 1;
    }
    req.method = strcmp(args[0], "GET") == 0     ? RF_GET
                 : strcmp(args[0], "POST") == 0  ? RF_POST
                 : strcmp(args[0], "PATCH") == 0 ? RF_PATCH
                 : strcmp(args[0], "PUT") == 0   ? RF_PUT
                                                 : RF_DELETE;
    if (rf_path_parse(path, &req, norm, sizeof norm) != RF_PATH_OK) {
        st = 400;
        goto done;
    }
    req.path = norm;
    if (cJSON_IsString(j_jb)) {
        req.body = j_jb->valuestring;
        req.body_len = strlen(j_jb->valuestring);
        /* The length counts the NUL: cJSON checks it when the text must end there. */
        j_body = cJSON_ParseWithLengthOpts(req.body, req.body_len + 1, NULL, 1);
        req.j_body = j_body;
    }
    if (creator_of(app, job->owner, &req.who) != 0) {
        rf_resp_error(&resp, 403, RF_MSG_ACCESS_DENIED, NULL, args[1]);
    } else if (req.who.password_change_required) {
        rf_resp_error(&resp, 403, RF_MSG_PASSWORD_CHANGE_REQUIRED, NULL, "");
    } else {
        router_dispatch(&req, &resp);
    }
    st = resp.status;
done:
    (void)rf_fmt(status, sizeof status, "%d", st);
    args[2] = status;
    if (resp.j_body != NULL) {
        const cJSON *j_err = cJSON_GetObjectItemCaseSensitive(resp.j_body, "error");
        o.j_info = cJSON_GetObjectItemCaseSensitive(j_err != NULL ? j_err : resp.j_body,
                                                    "@Message.ExtendedInfo");
    }
    if (st == 201 && resp.location[0] != '\0')
        o.created = resp.location;
    if (map_oem_cim_error(st < 400 ? RF_OEM_PAYLOAD_COMPLETED : RF_OEM_PAYLOAD_FAILED, args, 3,
                          st < 400 ? 2 : 6, &o.first)
        == 0) {
        err = job_service_update(app->jobs, job->id, record_outcome, &o, NULL, NULL);
        if (err != JOB_OK && err != JOB_ENOTFOUND)
            log_msg(LOG_LEVEL_ERROR, "job %" PRIu64 ": cannot record the outcome: %s", job->id,
                    job_strerror(err));
    }
    memset(&rep, 0, sizeof rep);
    if (st < 400) {
        rep.ev = JOB_EV_COMPLETED;
    } else {
        rep.ev = JOB_EV_FAILED;
        rep.error = &o.first;
        rep.error_code = (uint16_t)st;
        rep.error_description = o.first.message;
    }
    err = job_service_report(app->jobs, job->id, &rep, NULL);
    if (err != JOB_OK && err != JOB_ESTATE && err != JOB_ENOTFOUND)
        log_msg(LOG_LEVEL_ERROR, "job %" PRIu64 ": cannot record its end: %s", job->id,
                job_strerror(err));
    cim_error_cleanup(&o.first);
    rf_resp_reset(&resp);
    cJSON_Delete(j_body);
    cJSON_Delete(j_payload);
}

/* A recurring job is due: it starts a run of its own (a subsidiary job) and performs that. */
static void
run_occurrence(struct app *app, const struct job *job)
{
    struct job tmpl;
    struct job run;

    job_init(&tmpl, job->cls);
    job_init(&run, job->cls);
    tmpl.kind = job->kind;
    tmpl.caps = job->caps;
    tmpl.parent_id = job->id;
    tmpl.priority = job->priority;
    tmpl.max_exec_us = job->max_exec_us;
    tmpl.flags = job->flags & JOB_F_HIDE_PAYLOAD;
    if (job_set_str(&tmpl.name, job->name) == JOB_OK
        && job_set_str(&tmpl.payload, job->payload) == JOB_OK
        && job_set_str(&tmpl.owner, job->owner) == JOB_OK
        && job_service_create(app->jobs, &tmpl, &run, NULL) == JOB_OK)
        perform(app, &run);
    job_cleanup(&tmpl);
    job_cleanup(&run);
}

static enum job_err
count_run(void *arg, struct job *job)
{
    (void)arg;
    job->sched.runs++;
    return JOB_OK;
}

int
job_runner_run_due(struct app *app)
{
    struct due_ctx c = {0, 0};
    struct job_page page = {NULL, 0, 0};
    int ran = 0;

    if (!res_jobs_enabled(app))
        return 0;
    c.now = job_service_now(app->jobs);
    if (job_service_page(app->jobs, 0, RUNNER_BATCH, is_waiting, &c, &page) != JOB_OK)
        return 0;
    for (size_t i = 0; i < page.n; i++) {
        const struct job *job = &page.jobs[i];
        if (job->hold == JOB_HOLD_SCHEDULED
            && (job->sched.recurrence_us != 0 || job->job_run_times != 1)) {
            int64_t next;
            if (job_schedule_next(job, c.now - 1, &next) != JOB_OK) {
                /* No run left: the recurring job has completed. */
                struct job_report rep;
                memset(&rep, 0, sizeof rep);
                rep.ev = JOB_EV_STARTED;
                if (job_service_report(app->jobs, job->id, &rep, NULL) == JOB_OK) {
                    rep.ev = JOB_EV_COMPLETED;
                    if (job_service_report(app->jobs, job->id, &rep, NULL) != JOB_OK)
                        log_msg(LOG_LEVEL_ERROR, "job %" PRIu64 ": cannot complete it", job->id);
                }
                continue;
            }
            if (job_service_update(app->jobs, job->id, count_run, NULL, NULL, NULL) != JOB_OK)
                continue; /* gone or cancelled meanwhile */
            run_occurrence(app, job);
        } else {
            perform(app, job);
        }
        ran++;
    }
    job_page_cleanup(&page);
    return ran;
}

static void *
runner_main(void *arg)
{
    struct job_runner *r = arg;

    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        struct due_ctx c = {0, 0};
        struct job_page page = {NULL, 0, 0};
        int64_t wait_us = RUNNER_MAX_SLEEP_US;
        struct timespec deadline;
        int ran;

        r->woken = 0;
        pthread_mutex_unlock(&r->lock);
        ran = job_runner_run_due(r->app);
        /* When the next scheduled run is due. */
        c.now = job_service_now(r->app->jobs);
        if (job_service_page(r->app->jobs, 0, 0, is_waiting, &c, &page) == JOB_OK && c.earliest != 0
            && c.earliest - c.now < wait_us)
            wait_us = c.earliest > c.now ? c.earliest - c.now : 0;
        job_page_cleanup(&page);
        pthread_mutex_lock(&r->lock);
        if (ran > 0 || r->woken || r->stopping)
            continue;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += (time_t)(wait_us / 1000000);
        deadline.tv_nsec += (long)(wait_us % 1000000) * 1000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
        if (!r->woken)
            (void)pthread_cond_timedwait(&r->cv, &r->lock, &deadline);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct job_runner *
job_runner_start(struct app *app)
{
    struct job_runner *r = calloc(1, sizeof *r);
    pthread_condattr_t ca;

    if (r == NULL)
        return NULL;
    r->app = app;
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return NULL;
    }
    return r;
}

void
job_runner_wake(struct job_runner *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    r->woken = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->lock);
}

void
job_runner_stop(struct job_runner *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
