/*
 * JobService and Jobs: CIM jobs as Redfish Job resources (MAPPING.md), their actions (standard
 * and OEM, for CIM clients), action information, and user-specified jobs. Every handler reaches
 * the jobs through job_service (copies only) and builds its JSON through map_job.c.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "db.h"
#include "executor.h"
#include "job_runner.h"
#include "job_schedule.h"
#include "log.h"
#include "map_job.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "rf_query.h"

#define JOBSERVICE_URI "/redfish/v1/JobService"
#define PAGE_MAX 1000 /* members in one page of the collection, at the most */
#define ENABLED_KEY "jobservice.enabled"

/* ---- helpers -------------------------------------------------------------------------------- */

static void
iso_now(struct app *app, char *out, size_t size)
{
    struct cim_datetime dt;

    if (cim_dt_from_unix_us(job_service_now(app->jobs), 0, &dt) != JOB_OK
        || cim_dt_to_iso8601(&dt, out, size) != JOB_OK)
        (void)rf_strlcpy(out, "1970-01-01T00:00:00+00:00", size);
}

int
res_jobs_enabled(struct app *app)
{
    return __atomic_load_n(&app->jobs_enabled, __ATOMIC_SEQ_CST);
}

/* Reads the job the request's first path parameter names; 404 when there is none. */
static int
job_for(struct rf_req *req, struct rf_resp *resp, struct job *out, uint64_t *id)
{
    enum job_err err;

    if (req->nparams < 1 || map_job_id(req->params[0], id) != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Job",
                      req->nparams > 0 ? req->params[0] : "");
        return -1;
    }
    err = job_service_get(req->app->jobs, *id, out);
    if (err == JOB_ENOTFOUND) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Job", req->params[0]);
        return -1;
    }
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        return -1;
    }
    return 0;
}

/* The jobs a job created (the runs of a schedule), for Links.SubsidiaryJobs. */
static int
is_child(void *arg, const struct job *job)
{
    return job->parent_id == *(const uint64_t *)arg;
}

static cJSON *
job_json(struct rf_req *req, const struct job *job)
{
    struct map_job_ctx ctx = {NULL, 0, 0};
    struct job_page page = {NULL, 0, 0};
    uint64_t *ids = NULL;
    uint64_t parent = job->id;
    cJSON *j;

    /* Only scheduled jobs and jobs that submitted others have any; no scan for the rest. */
    if ((job->sched.enabled || (job->flags & JOB_F_HAS_CHILDREN))
        && job_service_page(req->app->jobs, 0, PAGE_MAX, is_child, &parent, &page) == JOB_OK
        && page.n > 0 && (ids = calloc(page.n, sizeof *ids)) != NULL) {
        for (size_t i = 0; i < page.n; i++)
            ids[i] = page.jobs[i].id;
        ctx.subsidiary = ids;
        ctx.n_subsidiary = page.n;
    }
    if (job->kind == JOB_KIND_DOCUMENT && job->document != NULL) {
        const struct jobdoc *doc = jobdoc_find(&req->app->docs, job->document);
        ctx.estimated_us = doc != NULL ? doc->estimated_us : 0;
    }
    j = map_job_to_json(job, &ctx);
    free(ids);
    job_page_cleanup(&page);
    return j;
}

static void
reply_job(struct rf_req *req, struct rf_resp *resp, const struct job *job, int status)
{
    cJSON *j = job_json(req, job);

    if (j == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    rf_res_reply(resp, j);
    resp->status = status;
}

/* A body of {"@Message.ExtendedInfo": [message]} with status. */
static void
reply_message(struct rf_resp *resp, int status, cJSON *j_msg)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *j_a = j != NULL ? cJSON_AddArrayToObject(j, "@Message.ExtendedInfo") : NULL;

    if (j_msg == NULL || j_a == NULL || !cJSON_AddItemToArray(j_a, j_msg)) {
        cJSON_Delete(j_msg);
        cJSON_Delete(j);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    rf_res_reply(resp, j);
    resp->status = status;
    resp->no_etag = 1;
}

/* ---- JobService ----------------------------------------------------------------------------- */

void
res_jobservice_get(struct rf_req *req, struct rf_resp *resp)
{
    char now[64];
    cJSON *j =
        rf_res_new(JOBSERVICE_URI, "#JobService.v1_1_0.JobService", "JobService", "Job Service");
    cJSON *j_status;
    cJSON *j_caps;
    cJSON *j_actions;
    cJSON *j_cancel;
    int enabled = res_jobs_enabled(req->app);

    iso_now(req->app, now, sizeof now);
    if (j == NULL
        || cJSON_AddStringToObject(j, "Description", "CIM jobs (CIM_ConcreteJob and subclasses)")
               == NULL
        || cJSON_AddStringToObject(j, "DateTime", now) == NULL
        || cJSON_AddBoolToObject(j, "ServiceEnabled", enabled) == NULL
        || (j_status = cJSON_AddObjectToObject(j, "Status")) == NULL
        || cJSON_AddStringToObject(j_status, "State", enabled ? "Enabled" : "Disabled") == NULL
        || cJSON_AddStringToObject(j_status, "Health", "OK") == NULL
        || (j_caps = cJSON_AddObjectToObject(j, "ServiceCapabilities")) == NULL
        || cJSON_AddNumberToObject(j_caps, "MaxJobs", RF_JOBS_MAX) == NULL
        || cJSON_AddBoolToObject(j_caps, "Scheduling", 1) == NULL
        || cJSON_AddBoolToObject(j_caps, "UserSpecifiedJobs", 1) == NULL
        || cJSON_AddBoolToObject(j_caps, "DocumentBasedJobs", 1) == NULL
        || cJSON_AddStringToObject(j, "ValidationPolicy", req->app->cfg.validation_policy) == NULL
        || rf_res_link(j, "Jobs", MAP_JOBS_URI) == NULL
        || rf_res_link(j, "JobDocuments", MAP_DOCUMENTS_URI) == NULL
        || rf_res_link(j, "JobExecutors", MAP_EXECUTORS_URI) == NULL
        || rf_res_link(j, "Log", RF_MANAGER_URI "/LogServices/Audit") == NULL
        || (j_actions = cJSON_AddObjectToObject(j, "Actions")) == NULL
        || (j_cancel = cJSON_AddObjectToObject(j_actions, "#JobService.CancelAllJobs")) == NULL
        || cJSON_AddStringToObject(j_cancel, "target",
                                   JOBSERVICE_URI "/Actions/JobService.CancelAllJobs")
               == NULL) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
}

static const char *const jobservice_writable[] = {"ServiceEnabled", NULL};
static const char *const jobservice_readonly[] = {
    "@odata.id", "@odata.type",         "@odata.context", "Id",           "Name", "Description",
    "DateTime",  "ServiceCapabilities", "Status",         "Jobs",         "Log",  "Actions",
    "Oem",       "ValidationPolicy",    "JobDocuments",   "JobExecutors", NULL};

void
res_jobservice_patch(struct rf_req *req, struct rf_resp *resp)
{
    int enabled;

    if (rf_body_check(req, resp, jobservice_writable, jobservice_readonly, 1) < 0
        || rf_body_bool(req, resp, "ServiceEnabled", &enabled) < 0)
        return;
    if (db_meta_set(req->app->db, ENABLED_KEY, enabled ? "1" : "0") != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    __atomic_store_n(&req->app->jobs_enabled, enabled ? 1 : 0, __ATOMIC_SEQ_CST);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr, "job service %s",
                       enabled ? "enabled" : "disabled");
    if (enabled) {
        job_runner_wake(req->app->runner);
        executor_wake(req->app->exec);
    }
    res_jobservice_get(req, resp);
}

static int
is_active(void *arg, const struct job *job)
{
    (void)arg;
    return !job_state_is_final(job->job_state);
}

void
res_jobservice_cancel_all(struct rf_req *req, struct rf_resp *resp)
{
    struct job_page page = {NULL, 0, 0};
    size_t cancelled = 0;

    if (req->j_body != NULL && cJSON_GetArraySize(req->j_body) > 0) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_UNKNOWN, NULL, "CancelAllJobs",
                      req->j_body->child->string != NULL ? req->j_body->child->string : "");
        return;
    }
    if (job_service_page(req->app->jobs, 0, SIZE_MAX, is_active, NULL, &page) != JOB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    for (size_t i = 0; i < page.n; i++) {
        enum job_rc rc;
        enum job_err err = job_service_request_state_change(req->app->jobs, page.jobs[i].id,
                                                            JOB_REQ_TERMINATE, NULL, &rc, NULL);
        if (err == JOB_OK && rc != JOB_RC_OK && rc != JOB_RC_STARTED)
            err = job_service_request_state_change(req->app->jobs, page.jobs[i].id, JOB_REQ_KILL,
                                                   NULL, &rc, NULL);
        if (err == JOB_OK && (rc == JOB_RC_OK || rc == JOB_RC_STARTED))
            cancelled++;
    }
    job_page_cleanup(&page);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr, "cancelled all jobs (%zu)",
                       cancelled);
    reply_message(resp, 200, rf_msg_new(RF_MSG_SUCCESS, NULL, NULL, 0));
}

/* ---- the collection ------------------------------------------------------------------------- */

/* The properties $filter may name, and how each reads off a job. */
static const char *const filter_props[] = {
    "Id",           "Name",      "Description", "JobState",
    "JobStatus",    "JobType",   "CreatedBy",   "PercentComplete",
    "CreationTime", "StartTime", "EndTime",     "JobPriority",
    "HidePayload",  NULL};

struct filter_ctx {
    const struct rf_filter *filter;
    const struct job *job;
    char buf[64];
    char id[24];
};

static int
filter_get(void *arg, const char *prop, struct rf_qval *out)
{
    struct filter_ctx *c = arg;
    const struct job *job = c->job;

    memset(out, 0, sizeof *out);
    out->type = RF_QV_STRING;
    if (strcmp(prop, "Id") == 0) {
        (void)rf_fmt(c->id, sizeof c->id, "%" PRIu64, job->id);
        out->s = c->id;
    } else if (strcmp(prop, "Name") == 0) {
        out->s = job->name != NULL ? job->name : "";
    } else if (strcmp(prop, "Description") == 0) {
        out->s = job->description != NULL ? job->description : job->caption;
        if (out->s == NULL)
            out->type = RF_QV_NULL;
    } else if (strcmp(prop, "JobState") == 0) {
        out->s = map_job_state(job);
    } else if (strcmp(prop, "JobStatus") == 0) {
        out->s = map_job_health(job);
    } else if (strcmp(prop, "JobType") == 0) {
        out->s = map_job_type(job);
    } else if (strcmp(prop, "CreatedBy") == 0) {
        if ((out->s = job->owner) == NULL)
            out->type = RF_QV_NULL;
    } else if (strcmp(prop, "PercentComplete") == 0) {
        if (job->percent_complete > 100) {
            out->type = RF_QV_NULL;
        } else {
            out->type = RF_QV_NUMBER;
            out->n = job->percent_complete;
        }
    } else if (strcmp(prop, "JobPriority") == 0) {
        out->type = RF_QV_NUMBER;
        out->n = job->priority;
    } else if (strcmp(prop, "HidePayload") == 0) {
        out->type = RF_QV_BOOL;
        out->b = (job->flags & JOB_F_HIDE_PAYLOAD) != 0;
    } else {
        const struct cim_datetime *dt = strcmp(prop, "CreationTime") == 0 ? &job->time_submitted
                                        : strcmp(prop, "StartTime") == 0  ? &job->start_time
                                        : strcmp(prop, "EndTime") == 0    ? &job->end_time
                                                                          : NULL;
        if (dt == NULL)
            return -1;
        if (map_dt(dt, CIM_DT_TIMESTAMP, c->buf, sizeof c->buf) != 0)
            out->type = RF_QV_NULL;
        else
            out->s = c->buf;
    }
    return 0;
}

static int
filter_job(void *arg, const struct job *job)
{
    struct filter_ctx *c = arg;

    c->job = job;
    return rf_filter_eval(c->filter, filter_get, c);
}

/* The query string without $skip and $top, for building the next page's link. */
static int
other_params(const char *query, struct rf_buf *out)
{
    const char *p = query;

    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp != NULL ? (size_t)(amp - p) : strlen(p);
        if (len > 0 && strncmp(p, "$skip=", 6) != 0 && strncmp(p, "%24skip=", 8) != 0
            && strncmp(p, "$top=", 5) != 0 && strncmp(p, "%24top=", 7) != 0) {
            if (rf_buf_puts(out, "&") != 0 || rf_buf_append(out, p, len) != 0)
                return -1;
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return 0;
}

void
res_jobs_collection(struct rf_req *req, struct rf_resp *resp)
{
    struct rf_query q;
    struct filter_ctx fc;
    struct job_page page = {NULL, 0, 0};
    size_t skip;
    size_t want;
    size_t take;
    cJSON *j = NULL;
    cJSON *j_members;
    enum job_err err;
    uint64_t *ids = NULL;
    size_t n = 0;
    size_t total = 0;
    int embed;

    memset(&q, 0, sizeof q);
    if (rf_query_parse_mask(
            req->query, RF_Q_TOP | RF_Q_SKIP | RF_Q_FILTER | RF_Q_SELECT | RF_Q_EXPAND, &q, resp)
        != 0)
        return;
    if (q.filter != NULL && rf_filter_check_props(q.filter, filter_props, resp) != 0)
        goto out;
    skip = q.has_skip ? q.skip : 0;
    want = q.has_top ? q.top : SIZE_MAX;
    take = want < PAGE_MAX ? want : PAGE_MAX;
    memset(&fc, 0, sizeof fc);
    fc.filter = q.filter;
    /* Only an expansion of the members ("." or "*") needs the jobs; "~" expands links, and a
     * collection has none, so its members stay references. Otherwise only the ids are read. */
    embed = q.expand == RF_EXPAND_DOT || q.expand == RF_EXPAND_ASTERISK;
    if (embed)
        err = job_service_page(req->app->jobs, skip, take, q.filter != NULL ? filter_job : NULL,
                               &fc, &page);
    else
        err = job_service_page_ids(req->app->jobs, skip, take, q.filter != NULL ? filter_job : NULL,
                                   &fc, &ids, &n, &total);
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        goto out;
    }
    if (embed) {
        n = page.n;
        total = page.total;
    }
    j = cJSON_CreateObject();
    if (j == NULL || cJSON_AddStringToObject(j, "@odata.id", MAP_JOBS_URI) == NULL
        || cJSON_AddStringToObject(j, "@odata.type", "#JobCollection.JobCollection") == NULL
        || cJSON_AddStringToObject(j, "Name", "Job Collection") == NULL
        || cJSON_AddNumberToObject(j, "Members@odata.count", (double)total) == NULL
        || (j_members = cJSON_AddArrayToObject(j, "Members")) == NULL)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        cJSON *j_m;
        if (embed) {
            struct map_job_ctx none = {NULL, 0, 0};
            j_m = map_job_to_json(&page.jobs[i], &none);
            if (j_m != NULL && q.select != NULL)
                rf_select_apply(q.select, j_m);
        } else {
            char uri[RF_URI_MAX];
            j_m = cJSON_CreateObject();
            if (j_m != NULL
                && (map_job_uri(ids[i], uri, sizeof uri) != 0
                    || cJSON_AddStringToObject(j_m, "@odata.id", uri) == NULL)) {
                cJSON_Delete(j_m);
                j_m = NULL;
            }
        }
        if (j_m == NULL || !cJSON_AddItemToArray(j_members, j_m)) {
            cJSON_Delete(j_m);
            goto fail;
        }
    }
    /* Server-side paging: more matches than this page, and the client asked for more. */
    if (skip + n < total && n < want) {
        struct rf_buf link;
        char head[128];
        int bad;

        rf_buf_init(&link, RF_URI_MAX * 4);
        bad = want != SIZE_MAX ? rf_fmt(head, sizeof head, MAP_JOBS_URI "?$skip=%zu&$top=%zu",
                                        skip + n, want - n)
                               : rf_fmt(head, sizeof head, MAP_JOBS_URI "?$skip=%zu", skip + n);
        if (bad != 0 || rf_buf_puts(&link, head) != 0 || other_params(req->query, &link) != 0
            || cJSON_AddStringToObject(j, "Members@odata.nextLink", link.data) == NULL) {
            rf_buf_cleanup(&link);
            goto fail;
        }
        rf_buf_cleanup(&link);
    }
    rf_res_reply(resp, j);
    j = NULL;
    goto out;
fail:
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
out:
    free(ids);
    cJSON_Delete(j);
    job_page_cleanup(&page);
    rf_query_cleanup(&q);
}

/* ---- one job -------------------------------------------------------------------------------- */

void
res_jobs_get(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    uint64_t id;
    struct rf_query q;

    memset(&q, 0, sizeof q);
    if (rf_query_parse_mask(req->query, RF_Q_SELECT | RF_Q_EXCERPT, &q, resp) != 0)
        return;
    job_init(&job, &job_class_concrete);
    if (job_for(req, resp, &job, &id) == 0) {
        cJSON *j = job_json(req, &job);
        if (j != NULL && q.excerpt) {
            /* JobExcerpt: the properties the schema marks for excerpts. */
            static const char *const keep[] = {
                "@odata.id", "@odata.type",     "Id",
                "JobState",  "PercentComplete", "EstimatedCompletionTime",
                NULL};
            cJSON *j_ex = cJSON_CreateObject();
            for (size_t i = 0; j_ex != NULL && keep[i] != NULL; i++) {
                cJSON *j_v = cJSON_DetachItemFromObjectCaseSensitive(j, keep[i]);
                if (j_v != NULL && !cJSON_AddItemToObject(j_ex, keep[i], j_v))
                    cJSON_Delete(j_v);
            }
            cJSON_Delete(j);
            j = j_ex;
        } else if (j != NULL && q.select != NULL) {
            rf_select_apply(q.select, j);
        }
        if (j == NULL)
            rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        else
            rf_res_reply(resp, j);
    }
    job_cleanup(&job);
    rf_query_cleanup(&q);
}

/* ---- reading request bodies ----------------------------------------------------------------- */

static void
bad_value(struct rf_resp *resp, enum rf_msg_id id, const char *pointer, const char *value,
          const char *prop)
{
    if (id == RF_MSG_PROPERTY_VALUE_TYPE_ERROR || id == RF_MSG_PROPERTY_VALUE_FORMAT_ERROR
        || id == RF_MSG_PROPERTY_VALUE_NOT_IN_LIST)
        rf_resp_error(resp, 400, id, pointer, value, prop);
    else
        rf_resp_error(resp, 400, id, pointer, prop);
}

/* The JSON text of a value, bounded, for error messages. */
static void
echo(const cJSON *j, char *out, size_t size)
{
    char *text = cJSON_PrintUnformatted(j);

    if (text == NULL) {
        (void)rf_strlcpy(out, "?", size);
        return;
    }
    if (rf_strlcpy(out, text, size) != 0 && size > 4)
        memcpy(out + size - 4, "...", 4);
    cJSON_free(text);
}

/* Reads a duration string (ISO 8601) into microseconds; JSON null is 0 when allow_null. */
static int
read_duration(struct rf_resp *resp, const cJSON *j, const char *pointer, const char *prop,
              int allow_null, uint64_t *us)
{
    struct cim_datetime dt;
    char v[128];

    if (allow_null && cJSON_IsNull(j)) {
        *us = 0;
        return 0;
    }
    echo(j, v, sizeof v);
    if (!cJSON_IsString(j)) {
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, pointer, v, prop);
        return -1;
    }
    if (cim_dt_from_duration(j->valuestring, &dt) != JOB_OK
        || cim_dt_interval_to_us(&dt, us) != JOB_OK) {
        bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, pointer, v, prop);
        return -1;
    }
    return 0;
}

static const char *const weekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

/* Reads an array of names into a bit mask ("Every" means all: mask 0). */
static int
read_names(struct rf_resp *resp, const cJSON *j, const char *pointer, const char *prop,
           const char *const *names, size_t n, uint32_t *mask)
{
    const cJSON *j_e;
    char v[128];

    *mask = 0;
    if (!cJSON_IsArray(j)) {
        echo(j, v, sizeof v);
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, pointer, v, prop);
        return -1;
    }
    cJSON_ArrayForEach(j_e, j)
    {
        size_t k;
        echo(j_e, v, sizeof v);
        if (!cJSON_IsString(j_e)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, pointer, v, prop);
            return -1;
        }
        if (strcmp(j_e->valuestring, "Every") == 0) {
            *mask = 0;
            return 0;
        }
        for (k = 0; k < n && strcmp(names[k], j_e->valuestring) != 0; k++)
            ;
        if (k == n) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, pointer, v, prop);
            return -1;
        }
        *mask |= 1u << k;
    }
    return 0;
}

static const char *const schedule_props[] = {"Name",
                                             "InitialStartTime",
                                             "RecurrenceInterval",
                                             "MaxOccurrences",
                                             "EnabledDaysOfWeek",
                                             "EnabledDaysOfMonth",
                                             "EnabledMonthsOfYear",
                                             "EnabledIntervals",
                                             "Lifetime",
                                             NULL};

/* Reads a Schedule object into s (initialised by the caller). */
static int
read_schedule(struct rf_resp *resp, const cJSON *j_s, struct job_schedule *s)
{
    const cJSON *j;
    char v[128];
    uint32_t mask;

    if (!cJSON_IsObject(j_s)) {
        echo(j_s, v, sizeof v);
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule", v, "Schedule");
        return -1;
    }
    cJSON_ArrayForEach(j, j_s)
    {
        size_t k;
        char ptr[128];
        for (k = 0; schedule_props[k] != NULL && strcmp(schedule_props[k], j->string) != 0; k++)
            ;
        if (schedule_props[k] == NULL && strchr(j->string, '@') == NULL) {
            (void)rf_fmt(ptr, sizeof ptr, "/Schedule/%s", j->string);
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_UNKNOWN, ptr, j->string);
            return -1;
        }
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "InitialStartTime")) != NULL) {
        echo(j, v, sizeof v);
        if (!cJSON_IsString(j)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule/InitialStartTime", v,
                      "InitialStartTime");
            return -1;
        }
        if (cim_dt_from_iso8601(j->valuestring, &s->initial_start) != JOB_OK) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "/Schedule/InitialStartTime", v,
                      "InitialStartTime");
            return -1;
        }
        s->has_initial_start = 1;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "RecurrenceInterval")) != NULL
        && read_duration(resp, j, "/Schedule/RecurrenceInterval", "RecurrenceInterval", 1,
                         &s->recurrence_us)
               != 0)
        return -1;
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "Lifetime")) != NULL
        && read_duration(resp, j, "/Schedule/Lifetime", "Lifetime", 1, &s->lifetime_us) != 0)
        return -1;
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "MaxOccurrences")) != NULL && !cJSON_IsNull(j)) {
        echo(j, v, sizeof v);
        if (!cJSON_IsNumber(j) || j->valuedouble != (double)(long long)j->valuedouble) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule/MaxOccurrences", v,
                      "MaxOccurrences");
            return -1;
        }
        if (j->valuedouble < 0 || j->valuedouble > 4294967295.0) {
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_OUT_OF_RANGE, "/Schedule/MaxOccurrences",
                          v, "MaxOccurrences");
            return -1;
        }
        s->has_max_occurrences = 1;
        s->max_occurrences = (uint32_t)j->valuedouble;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "EnabledDaysOfWeek")) != NULL) {
        if (read_names(resp, j, "/Schedule/EnabledDaysOfWeek", "EnabledDaysOfWeek", weekdays, 7,
                       &mask)
            != 0)
            return -1;
        s->days_of_week = (uint8_t)mask;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "EnabledMonthsOfYear")) != NULL) {
        if (read_names(resp, j, "/Schedule/EnabledMonthsOfYear", "EnabledMonthsOfYear", months, 12,
                       &mask)
            != 0)
            return -1;
        s->months = (uint16_t)mask;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "EnabledDaysOfMonth")) != NULL) {
        const cJSON *j_e;
        echo(j, v, sizeof v);
        if (!cJSON_IsArray(j)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule/EnabledDaysOfMonth", v,
                      "EnabledDaysOfMonth");
            return -1;
        }
        s->days_of_month = 0;
        cJSON_ArrayForEach(j_e, j)
        {
            echo(j_e, v, sizeof v);
            if (!cJSON_IsNumber(j_e) || j_e->valuedouble < 0 || j_e->valuedouble > 31
                || j_e->valuedouble != (double)(int)j_e->valuedouble) {
                rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_OUT_OF_RANGE,
                              "/Schedule/EnabledDaysOfMonth", v, "EnabledDaysOfMonth");
                return -1;
            }
            if (j_e->valuedouble == 0) { /* 0: every day */
                s->days_of_month = 0;
                break;
            }
            s->days_of_month |= 1u << (unsigned)j_e->valuedouble;
        }
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(j_s, "EnabledIntervals")) != NULL) {
        const cJSON *j_e;
        echo(j, v, sizeof v);
        if (!cJSON_IsArray(j)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule/EnabledIntervals", v,
                      "EnabledIntervals");
            return -1;
        }
        cJSON_ArrayForEach(j_e, j)
        {
            echo(j_e, v, sizeof v);
            if (!cJSON_IsString(j_e)) {
                bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Schedule/EnabledIntervals", v,
                          "EnabledIntervals");
                return -1;
            }
            if (cim_strv_push(&s->intervals, j_e->valuestring) != JOB_OK) {
                rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
                return -1;
            }
        }
    }
    return 0;
}

/* Applies a schedule to a job (both views), with the property at fault named on error. */
static int
apply_schedule(struct rf_resp *resp, const struct job_schedule *s, struct job *job, int64_t now)
{
    const char *bad = NULL;
    char ptr[128];
    enum job_err err = job_schedule_to_job(s, job, &bad);

    if (err != JOB_OK) {
        (void)rf_fmt(ptr, sizeof ptr, "/Schedule/%s", bad != NULL ? bad : "");
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_INCORRECT, ptr,
                      bad != NULL ? bad : "Schedule", "?");
        return -1;
    }
    /* A schedule whose first run is still to come holds the job back. */
    {
        int64_t next;
        if (job->job_state == JOB_STATE_NEW && job_schedule_next(job, now - 1, &next) == JOB_OK
            && next > now)
            job->hold = JOB_HOLD_SCHEDULED;
        else if (job->job_state == JOB_STATE_NEW && job->hold == JOB_HOLD_SCHEDULED)
            job->hold = JOB_HOLD_NONE;
    }
    return 0;
}

static const char *const http_ops[] = {"GET", "POST", "PATCH", "PUT", "DELETE"};

/* Checks a Payload object and stores its normal form as the job's payload text. */
static int
read_payload(struct rf_req *req, struct rf_resp *resp, const cJSON *j_p, struct job *job)
{
    static const char *const known[] = {"TargetUri", "HttpOperation", "HttpHeaders", "JsonBody",
                                        NULL};
    const cJSON *j;
    const cJSON *j_uri = cJSON_GetObjectItemCaseSensitive(j_p, "TargetUri");
    const cJSON *j_op = cJSON_GetObjectItemCaseSensitive(j_p, "HttpOperation");
    const cJSON *j_hdr = cJSON_GetObjectItemCaseSensitive(j_p, "HttpHeaders");
    const cJSON *j_body = cJSON_GetObjectItemCaseSensitive(j_p, "JsonBody");
    cJSON *j_norm = NULL;
    char *text = NULL;
    char v[160];
    struct rf_req probe;
    char norm[RF_PATH_MAX];
    const char *q;
    size_t k;

    (void)req;
    if (!cJSON_IsObject(j_p)) {
        echo(j_p, v, sizeof v);
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Payload", v, "Payload");
        return -1;
    }
    cJSON_ArrayForEach(j, j_p)
    {
        char ptr[128];
        for (k = 0; known[k] != NULL && strcmp(known[k], j->string) != 0; k++)
            ;
        if (known[k] == NULL && strchr(j->string, '@') == NULL) {
            (void)rf_fmt(ptr, sizeof ptr, "/Payload/%s", j->string);
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_UNKNOWN, ptr, j->string);
            return -1;
        }
    }
    if (j_uri == NULL) {
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_MISSING, "/Payload/TargetUri", "TargetUri");
        return -1;
    }
    echo(j_uri, v, sizeof v);
    if (!cJSON_IsString(j_uri)) {
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Payload/TargetUri", v, "TargetUri");
        return -1;
    }
    /* A path on this service: the same parser the router uses, without the query. */
    memset(&probe, 0, sizeof probe);
    q = strchr(j_uri->valuestring, '?');
    {
        char path[RF_PATH_MAX];
        size_t len = q != NULL ? (size_t)(q - j_uri->valuestring) : strlen(j_uri->valuestring);
        if (len >= sizeof path || strncmp(j_uri->valuestring, "/redfish/v1", 11) != 0) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "/Payload/TargetUri", v,
                      "TargetUri");
            return -1;
        }
        memcpy(path, j_uri->valuestring, len);
        path[len] = '\0';
        if (rf_path_parse(path, &probe, norm, sizeof norm) != RF_PATH_OK) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "/Payload/TargetUri", v,
                      "TargetUri");
            return -1;
        }
    }
    if (j_op == NULL) {
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_MISSING, "/Payload/HttpOperation",
                      "HttpOperation");
        return -1;
    }
    echo(j_op, v, sizeof v);
    if (!cJSON_IsString(j_op)) {
        bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Payload/HttpOperation", v,
                  "HttpOperation");
        return -1;
    }
    for (k = 0; k < 5 && strcmp(http_ops[k], j_op->valuestring) != 0; k++)
        ;
    if (k == 5) {
        bad_value(resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "/Payload/HttpOperation", v,
                  "HttpOperation");
        return -1;
    }
    if (j_hdr != NULL && !cJSON_IsNull(j_hdr)) {
        const cJSON *j_h;
        echo(j_hdr, v, sizeof v);
        if (!cJSON_IsArray(j_hdr)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Payload/HttpHeaders", v,
                      "HttpHeaders");
            return -1;
        }
        cJSON_ArrayForEach(j_h, j_hdr)
        {
            if (!cJSON_IsString(j_h) || strchr(j_h->valuestring, ':') == NULL) {
                echo(j_h, v, sizeof v);
                bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "/Payload/HttpHeaders", v,
                          "HttpHeaders");
                return -1;
            }
        }
    }
    if (j_body != NULL && !cJSON_IsNull(j_body)) {
        cJSON *j_parsed;
        /* A body can hold secrets (a password for an account): never echoed. */
        (void)rf_strlcpy(v, "*****", sizeof v);
        if (!cJSON_IsString(j_body)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/Payload/JsonBody", v, "JsonBody");
            return -1;
        }
        /* The length counts the NUL: cJSON checks it when the text must end there. */
        j_parsed = cJSON_ParseWithLengthOpts(j_body->valuestring, strlen(j_body->valuestring) + 1,
                                             NULL, 1);
        if (j_parsed == NULL) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "/Payload/JsonBody", v, "JsonBody");
            return -1;
        }
        cJSON_Delete(j_parsed);
    }
    j_norm = cJSON_Duplicate(j_p, 1);
    if (j_norm == NULL || (text = cJSON_PrintUnformatted(j_norm)) == NULL
        || job_set_str(&job->payload, text) != JOB_OK) {
        cJSON_free(text);
        cJSON_Delete(j_norm);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return -1;
    }
    cJSON_free(text);
    cJSON_Delete(j_norm);
    return 0;
}

static const char *const create_writable[] = {
    "Name",        "Description", "Payload", "Schedule", "MaxExecutionTime",
    "HidePayload", "JobPriority", NULL};

/* Every property of a Job; a body may set those a request lists as writable, no other. */
static const char *const job_all[] = {"@odata.id",
                                      "@odata.type",
                                      "@odata.context",
                                      "@odata.etag",
                                      "Id",
                                      "Name",
                                      "Description",
                                      "JobState",
                                      "JobStatus",
                                      "JobType",
                                      "CreatedBy",
                                      "CreationTime",
                                      "StartTime",
                                      "EndTime",
                                      "EstimatedDuration",
                                      "EstimatedCompletionTime",
                                      "PercentComplete",
                                      "Messages",
                                      "Links",
                                      "Steps",
                                      "StepOrder",
                                      "Actions",
                                      "Oem",
                                      "Parameters",
                                      "Payload",
                                      "HidePayload",
                                      "JobPriority",
                                      "MaxExecutionTime",
                                      "Schedule",
                                      NULL};

/* rf_body_check with every Job property outside writable read-only (PropertyNotWritable). */
static int
job_body_check(struct rf_req *req, struct rf_resp *resp, const char *const *writable, int need_some)
{
    const char *readonly[sizeof job_all / sizeof job_all[0]];
    size_t n = 0;

    for (size_t i = 0; job_all[i] != NULL; i++) {
        size_t k;
        for (k = 0; writable[k] != NULL && strcmp(writable[k], job_all[i]) != 0; k++)
            ;
        if (writable[k] == NULL)
            readonly[n++] = job_all[i];
    }
    readonly[n] = NULL;
    return rf_body_check(req, resp, writable, readonly, need_some);
}

void
res_jobs_created(struct rf_req *req, struct rf_resp *resp, const struct job *job, const char *how)
{
    char uri[RF_URI_MAX];

    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "created job %" PRIu64 " (%s)", job->id, how);
    (void)map_job_uri(job->id, uri, sizeof uri);
    reply_job(req, resp, job, 201);
    (void)rf_strlcpy(resp->location, uri, sizeof resp->location);
    job_runner_wake(req->app->runner);
}

void
res_jobs_create(struct rf_req *req, struct rf_resp *resp)
{
    struct job tmpl;
    struct job out;
    struct job_schedule sched;
    const cJSON *j;
    const char *s;
    long prio;
    int hide = 0;
    enum job_prop_id bad = JOB_P_COUNT;
    enum job_err err;
    int rc;

    if (job_body_check(req, resp, create_writable, 0) < 0)
        return;
    job_init(&tmpl, &job_class_concrete);
    job_init(&out, &job_class_concrete);
    job_schedule_init(&sched);
    tmpl.kind = JOB_KIND_USER;
    tmpl.caps = (uint8_t)(JOB_REQ_BIT(JOB_REQ_START) | JOB_REQ_BIT(JOB_REQ_TERMINATE)
                          | JOB_REQ_BIT(JOB_REQ_KILL));
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "Payload")) == NULL) {
        rf_resp_error(resp, 400, RF_MSG_CREATE_FAILED_MISSING_REQ_PROPERTIES, "/Payload",
                      "Payload");
        goto out;
    }
    if (read_payload(req, resp, j, &tmpl) != 0)
        goto out;
    if ((rc = rf_body_string(req, resp, "Name", &s)) < 0)
        goto out;
    if (rc == 1 && job_set_str(&tmpl.name, s) != JOB_OK)
        goto nomem;
    if ((rc = rf_body_string(req, resp, "Description", &s)) < 0)
        goto out;
    if (rc == 1 && job_set_str(&tmpl.description, s) != JOB_OK)
        goto nomem;
    if ((rc = rf_body_long(req, resp, "JobPriority", 0, 4294967295L, &prio)) < 0)
        goto out;
    if (rc == 1)
        tmpl.priority = (uint32_t)prio;
    if ((rc = rf_body_bool(req, resp, "HidePayload", &hide)) < 0)
        goto out;
    if (hide)
        tmpl.flags |= JOB_F_HIDE_PAYLOAD;
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "MaxExecutionTime")) != NULL
        && read_duration(resp, j, "/MaxExecutionTime", "MaxExecutionTime", 1, &tmpl.max_exec_us)
               != 0)
        goto out;
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "Schedule")) != NULL && !cJSON_IsNull(j)
        && (read_schedule(resp, j, &sched) != 0
            || apply_schedule(resp, &sched, &tmpl, job_service_now(req->app->jobs)) != 0))
        goto out;
    if (job_set_str(&tmpl.owner, req->who.user) != JOB_OK)
        goto nomem;
    err = job_service_create(req->app->jobs, &tmpl, &out, &bad);
    if (err == JOB_EINVAL) {
        char ptr[64];
        const char *name = bad == JOB_P_NAME      ? "Name"
                           : bad == JOB_P_CAPTION ? "Description"
                                                  : job_props[bad < JOB_P_COUNT ? bad : 0].name;
        (void)rf_fmt(ptr, sizeof ptr, "/%s", name);
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_INCORRECT, ptr, name, "?");
        goto out;
    }
    if (err == JOB_EBUSY) {
        rf_resp_error(resp, 400, RF_MSG_CREATE_LIMIT_REACHED_FOR_RESOURCE, NULL);
        goto out;
    }
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        goto out;
    }
    res_jobs_created(req, resp, &out, "user-specified");
    goto out;
nomem:
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
out:
    job_schedule_cleanup(&sched);
    job_cleanup(&tmpl);
    job_cleanup(&out);
}

/* ---- changing and deleting ------------------------------------------------------------------ */

static const char *const patch_writable[] = {"JobState", "MaxExecutionTime", "Schedule", NULL};

static const char *const redfish_states[] = {
    "New",      "Starting",   "Running",   "Suspended", "Interrupted", "Pending",
    "Stopping", "Completed",  "Cancelled", "Exception", "Service",     "UserIntervention",
    "Continue", "Validating", "Invalid",   NULL};

/* The CIM request a PATCH of JobState to `target` asks for; 0 when none fits. */
static uint32_t
request_for_state(const char *target)
{
    if (strcmp(target, "Suspended") == 0)
        return JOB_REQ_SUSPEND;
    if (strcmp(target, "Running") == 0 || strcmp(target, "Continue") == 0)
        return JOB_REQ_START;
    if (strcmp(target, "Cancelled") == 0 || strcmp(target, "Stopping") == 0)
        return JOB_REQ_TERMINATE;
    return 0;
}

struct patch_ctx {
    int has_max;
    uint64_t max_us;
    int has_sched;
    int clear_sched;
    const struct job_schedule *sched;
    int64_t now;
    struct rf_resp *resp;
    int failed;
};

static enum job_err
patch_apply(void *arg, struct job *job)
{
    struct patch_ctx *c = arg;

    if (c->has_max)
        job->max_exec_us = c->max_us;
    if (c->clear_sched) {
        cim_strv_cleanup(&job->sched.intervals);
        memset(&job->sched, 0, sizeof job->sched);
        if (job->hold == JOB_HOLD_SCHEDULED)
            job->hold = JOB_HOLD_NONE;
    } else if (c->has_sched) {
        if (job_state_is_final(job->job_state)) {
            c->failed = 409;
            return JOB_ESTATE;
        }
        if (apply_schedule(c->resp, c->sched, job, c->now) != 0) {
            c->failed = 400;
            return JOB_EINVAL;
        }
    }
    return JOB_OK;
}

void
res_jobs_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    struct job_schedule sched;
    struct patch_ctx pc;
    const cJSON *j;
    uint64_t id;
    enum job_err err;

    job_init(&job, &job_class_concrete);
    job_schedule_init(&sched);
    memset(&pc, 0, sizeof pc);
    if (job_body_check(req, resp, patch_writable, 1) < 0 || job_for(req, resp, &job, &id) != 0)
        goto out;
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "MaxExecutionTime")) != NULL) {
        if (read_duration(resp, j, "/MaxExecutionTime", "MaxExecutionTime", 1, &pc.max_us) != 0)
            goto out;
        pc.has_max = 1;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "Schedule")) != NULL) {
        if (cJSON_IsNull(j)) {
            pc.clear_sched = 1;
        } else {
            if (read_schedule(resp, j, &sched) != 0)
                goto out;
            pc.has_sched = 1;
            pc.sched = &sched;
        }
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "JobState")) != NULL) {
        char v[64];
        size_t k;
        uint32_t r;
        enum job_rc rc;

        echo(j, v, sizeof v);
        if (!cJSON_IsString(j)) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "/JobState", v, "JobState");
            goto out;
        }
        for (k = 0; redfish_states[k] != NULL && strcmp(redfish_states[k], j->valuestring) != 0;
             k++)
            ;
        if (redfish_states[k] == NULL) {
            bad_value(resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "/JobState", v, "JobState");
            goto out;
        }
        if (strcmp(j->valuestring, map_job_state(&job)) != 0) {
            r = request_for_state(j->valuestring);
            if (r == 0) {
                map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, j->valuestring, "/JobState");
                goto out;
            }
            err = job_service_request_state_change(req->app->jobs, id, r, NULL, &rc, &job);
            if (err != JOB_OK) {
                map_job_err(resp, err, "/JobState");
                goto out;
            }
            if (rc != JOB_RC_OK && rc != JOB_RC_STARTED) {
                map_rc_error(resp, rc, &job, map_request_name(r), "/JobState");
                goto out;
            }
            (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                               "job %" PRIu64 ": JobState set to %s (%s, CIM return %u)", id,
                               j->valuestring, map_request_name(r), (unsigned)rc);
        }
    }
    if (pc.has_max || pc.has_sched || pc.clear_sched) {
        pc.now = job_service_now(req->app->jobs);
        pc.resp = resp;
        err = job_service_update(req->app->jobs, id, patch_apply, &pc, &job, NULL);
        if (err != JOB_OK) {
            if (pc.failed == 409)
                rf_resp_error(resp, 409, RF_MSG_PROPERTY_VALUE_CONFLICT, "/Schedule", "Schedule",
                              "JobState");
            else if (pc.failed == 0)
                map_job_err(resp, err, NULL);
            goto out;
        }
        (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                           "job %" PRIu64 ": changed%s%s", id,
                           pc.has_max ? " MaxExecutionTime" : "",
                           pc.has_sched || pc.clear_sched ? " Schedule" : "");
        job_runner_wake(req->app->runner);
    }
    reply_job(req, resp, &job, 200);
out:
    job_schedule_cleanup(&sched);
    job_cleanup(&job);
}

void
res_jobs_delete(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    uint64_t id;
    enum job_err err;

    job_init(&job, &job_class_concrete);
    if (job_for(req, resp, &job, &id) != 0)
        goto out;
    /* A job that runs is stopped first: at once, since it is about to go. */
    if (!job_state_is_final(job.job_state)
        && !(job.job_state == JOB_STATE_NEW && !(job.flags & JOB_F_START_REQUESTED))) {
        enum job_rc rc;
        err = job_service_request_state_change(req->app->jobs, id, JOB_REQ_KILL, NULL, &rc, NULL);
        if (err != JOB_OK || (rc != JOB_RC_OK && rc != JOB_RC_STARTED)) {
            rf_resp_error(resp, 409, RF_MSG_RESOURCE_IN_USE, NULL);
            goto out;
        }
    }
    err = job_service_delete(req->app->jobs, id);
    if (err == JOB_ENOTFOUND) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Job", req->params[0]);
        goto out;
    }
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        goto out;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr, "deleted job %" PRIu64,
                       id);
    resp->status = 204;
out:
    job_cleanup(&job);
}

/* ---- actions -------------------------------------------------------------------------------- */

/* Refuses any parameter but those in allowed (NULL-terminated). */
static int
action_params(struct rf_req *req, struct rf_resp *resp, const char *action,
              const char *const *allowed)
{
    const cJSON *j;

    if (req->j_body == NULL)
        return 0;
    if (!cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
        return -1;
    }
    cJSON_ArrayForEach(j, req->j_body)
    {
        size_t k;
        if (strchr(j->string, '@') != NULL)
            continue;
        for (k = 0; allowed != NULL && allowed[k] != NULL && strcmp(allowed[k], j->string) != 0;
             k++)
            ;
        if (allowed == NULL || allowed[k] == NULL) {
            char ptr[128];
            (void)rf_fmt(ptr, sizeof ptr, "/%s", j->string);
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_UNKNOWN, ptr, action, j->string);
            return -1;
        }
    }
    return 0;
}

/* The outcome of a state change on the Redfish side; a rejection names related (or nothing). */
static void
state_change_reply(struct rf_req *req, struct rf_resp *resp, uint64_t id, enum job_rc rc,
                   const struct job *job, const char *action, uint32_t requested,
                   const char *related)
{
    char uri[RF_URI_MAX];

    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "job %" PRIu64 ": %s (%s) returned %u", id, action,
                       map_request_name(requested) != NULL ? map_request_name(requested) : "-",
                       (unsigned)rc);
    if (rc == JOB_RC_STARTED) {
        (void)map_job_uri(id, uri, sizeof uri);
        reply_message(resp, 202, rf_msg_new(RF_MSG_SUCCESS, NULL, NULL, 0));
        (void)rf_strlcpy(resp->location, uri, sizeof resp->location);
        return;
    }
    if (rc == JOB_RC_OK) {
        reply_message(resp, 200, rf_msg_new(RF_MSG_SUCCESS, NULL, NULL, 0));
        return;
    }
    map_rc_error(resp, rc, job, action, related);
}

static int
do_request(struct rf_req *req, struct rf_resp *resp, uint64_t id, uint32_t requested,
           const struct cim_datetime *timeout, enum job_rc *rc, struct job *job)
{
    enum job_err err =
        job_service_request_state_change(req->app->jobs, id, requested, timeout, rc, job);

    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        return -1;
    }
    job_runner_wake(req->app->runner);
    return 0;
}

struct hold_ctx {
    uint8_t from;
    uint8_t to;
};

static enum job_err
set_hold(void *arg, struct job *job)
{
    const struct hold_ctx *h = arg;

    if (job->job_state != JOB_STATE_NEW || job->hold != h->from)
        return JOB_ESTATE;
    job->hold = h->to;
    return JOB_OK;
}

/* Invalidate of a document job that waits: it becomes Invalid until validated again. */
static enum job_err
invalidate(void *arg, struct job *job)
{
    const struct rf_req *req = arg;
    const char *args[1] = {req->who.user};
    struct cim_error e;
    enum job_err err;

    if (job->job_state != JOB_STATE_NEW || (job->flags & JOB_F_START_REQUESTED)
        || job->hold == JOB_HOLD_INVALID || job->hold == JOB_HOLD_INTERRUPTED)
        return JOB_ESTATE;
    job->hold = JOB_HOLD_INVALID;
    if (map_oem_cim_error(RF_OEM_JOB_INVALIDATED, args, 1, 3, &e) != 0)
        return JOB_ENOMEM;
    err = job_add_message(job, &e);
    cim_error_cleanup(&e);
    return err;
}

static void
resubmit(struct rf_req *req, struct rf_resp *resp, const struct job *job)
{
    static const char *const params[] = {"StartTime", NULL};
    const cJSON *j_st =
        req->j_body != NULL ? cJSON_GetObjectItemCaseSensitive(req->j_body, "StartTime") : NULL;
    struct job tmpl;
    struct job out;
    enum job_err err;

    if (action_params(req, resp, "Resubmit", params) != 0)
        return;
    if (!(map_job_actions(job) & MAP_ACT_RESUBMIT)) {
        map_rc_error(resp, JOB_RC_INVALID_TRANSITION, job, "Resubmit", NULL);
        return;
    }
    job_init(&tmpl, job->cls);
    job_init(&out, job->cls);
    tmpl.kind = job->kind;
    tmpl.caps = job->caps;
    tmpl.flags = job->flags & JOB_F_HIDE_PAYLOAD;
    tmpl.priority = job->priority;
    tmpl.max_exec_us = job->max_exec_us;
    if (job_set_str(&tmpl.name, job->name) != JOB_OK
        || job_set_str(&tmpl.description, job->description) != JOB_OK
        || job_set_str(&tmpl.payload, job->payload) != JOB_OK
        || job_set_str(&tmpl.document, job->document) != JOB_OK
        || job_set_str(&tmpl.parameters, job->parameters) != JOB_OK
        || job_set_str(&tmpl.owner, req->who.user) != JOB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        goto out;
    }
    if (j_st != NULL && !cJSON_IsNull(j_st)) {
        struct job_schedule s;
        char v[128];
        echo(j_st, v, sizeof v);
        job_schedule_init(&s);
        if (!cJSON_IsString(j_st)) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/StartTime", v,
                          "StartTime", "Resubmit");
            goto out;
        }
        if (cim_dt_from_iso8601(j_st->valuestring, &s.initial_start) != JOB_OK) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, "/StartTime", v,
                          "StartTime", "Resubmit");
            goto out;
        }
        s.has_initial_start = 1;
        if (apply_schedule(resp, &s, &tmpl, job_service_now(req->app->jobs)) != 0) {
            job_schedule_cleanup(&s);
            goto out;
        }
        job_schedule_cleanup(&s);
    }
    if (tmpl.kind == JOB_KIND_DOCUMENT) {
        /* A document job waits for validation and a slot again; it keeps only its start time. */
        cim_strv_cleanup(&tmpl.sched.intervals);
        memset(&tmpl.sched, 0, sizeof tmpl.sched);
        tmpl.hold =
            executor_submit_hold(req->app->exec, tmpl.scheduled_start_time.kind != CIM_DT_NULL);
    }
    err = job_service_create(req->app->jobs, &tmpl, &out, NULL);
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        goto out;
    }
    res_jobs_created(req, resp, &out, "resubmitted");
out:
    job_cleanup(&tmpl);
    job_cleanup(&out);
}

void
res_jobs_action(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    uint64_t id;
    const char *action = req->params[1];
    unsigned legal;
    enum job_rc rc = JOB_RC_OK;
    uint32_t requested = 0;

    job_init(&job, &job_class_concrete);
    if (job_for(req, resp, &job, &id) != 0)
        goto out;
    legal = map_job_actions(&job);
    if (strcmp(action, "Job.Resubmit") == 0) {
        resubmit(req, resp, &job);
        goto out;
    }
    if (action_params(req, resp, action, NULL) != 0)
        goto out;
    if (strcmp(action, "Job.Cancel") == 0) {
        requested = JOB_REQ_TERMINATE;
    } else if (strcmp(action, "Job.Suspend") == 0) {
        requested = JOB_REQ_SUSPEND;
    } else if (strcmp(action, "Job.Resume") == 0) {
        if (!(legal & MAP_ACT_RESUME)) {
            map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, "Resume", NULL);
            goto out;
        }
        requested = JOB_REQ_START;
    } else if (strcmp(action, "Job.ForceStart") == 0) {
        if (!(legal & MAP_ACT_FORCE_START)) {
            map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, "ForceStart", NULL);
            goto out;
        }
        requested = JOB_REQ_START;
    } else if ((strcmp(action, "Job.Validate") == 0 || strcmp(action, "Job.Invalidate") == 0)
               && job.kind == JOB_KIND_DOCUMENT) {
        enum job_err err;
        if (!(legal & (action[4] == 'V' ? MAP_ACT_VALIDATE : MAP_ACT_INVALIDATE))) {
            map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, action + 4, NULL);
            goto out;
        }
        err = action[4] == 'V'
                  ? executor_validate(req->app->exec, id, &job)
                  : job_service_update(req->app->jobs, id, invalidate, req, &job, NULL);
        if (err == JOB_ESTATE) {
            map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, action + 4, NULL);
            goto out;
        }
        if (err != JOB_OK) {
            map_job_err(resp, err, NULL);
            goto out;
        }
        state_change_reply(req, resp, id, JOB_RC_OK, &job, action, 0, NULL);
        goto out;
    } else if (strcmp(action, "Job.Validate") == 0 || strcmp(action, "Job.Invalidate") == 0) {
        struct hold_ctx h = {JOB_HOLD_VALIDATING,
                             action[4] == 'V' ? JOB_HOLD_NONE : JOB_HOLD_INVALID};
        enum job_err err = job_service_update(req->app->jobs, id, set_hold, &h, &job, NULL);
        if (err == JOB_ESTATE) {
            map_rc_error(resp, JOB_RC_INVALID_TRANSITION, &job, action + 4, NULL);
            goto out;
        }
        if (err != JOB_OK) {
            map_job_err(resp, err, NULL);
            goto out;
        }
        state_change_reply(req, resp, id, JOB_RC_OK, &job, action, 0, NULL);
        job_runner_wake(req->app->runner);
        goto out;
    } else {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Action", action);
        goto out;
    }
    if (do_request(req, resp, id, requested, NULL, &rc, &job) != 0)
        goto out;
    state_change_reply(req, resp, id, rc, &job, action + 4, requested, NULL);
out:
    job_cleanup(&job);
}

/* ---- OEM actions: the CIM methods ------------------------------------------------------------ */

/* Adds the CIM method's result to a response body or to every message of an error body. */
static void
add_method_result(struct rf_resp *resp, const char *method, uint32_t requested, unsigned value,
                  const char *value_name)
{
    cJSON *j = resp->j_body;
    cJSON *j_err;
    cJSON *j_info;
    cJSON *j_m;

    if (j == NULL)
        return;
    (void)cJSON_AddNumberToObject(j, "ReturnValue", value);
    (void)cJSON_AddStringToObject(j, "ReturnValueName", value_name != NULL ? value_name : "");
    j_err = cJSON_GetObjectItemCaseSensitive(j, "error");
    j_info = j_err != NULL ? cJSON_GetObjectItemCaseSensitive(j_err, "@Message.ExtendedInfo")
                           : cJSON_GetObjectItemCaseSensitive(j, "@Message.ExtendedInfo");
    if (j_err != NULL) {
        /* An error body holds only "error": the result goes into its messages. */
        cJSON_DeleteItemFromObjectCaseSensitive(j, "ReturnValue");
        cJSON_DeleteItemFromObjectCaseSensitive(j, "ReturnValueName");
    }
    cJSON_ArrayForEach(j_m, j_info)
    {
        cJSON *j_oem = cJSON_AddObjectToObject(j_m, "Oem");
        cJSON *j_r = j_oem != NULL ? cJSON_AddObjectToObject(j_oem, "Rfjobd") : NULL;
        if (j_r == NULL)
            continue;
        (void)cJSON_AddStringToObject(j_r, "@odata.type", "#RfjobdJob.v1_0_0.MethodResult");
        (void)cJSON_AddStringToObject(j_r, "Method", method);
        if (requested != 0 && map_request_name(requested) != NULL)
            (void)cJSON_AddStringToObject(j_r, "RequestedState", map_request_name(requested));
        else
            (void)cJSON_AddNullToObject(j_r, "RequestedState");
        (void)cJSON_AddNumberToObject(j_r, "ReturnValue", value);
        (void)cJSON_AddStringToObject(j_r, "ReturnValueName", value_name != NULL ? value_name : "");
    }
}

static void
oem_request_state_change(struct rf_req *req, struct rf_resp *resp, uint64_t id, struct job *job)
{
    static const char *const params[] = {"RequestedState", "TimeoutPeriod", NULL};
    const cJSON *j_rs = cJSON_GetObjectItemCaseSensitive(req->j_body, "RequestedState");
    const cJSON *j_to = cJSON_GetObjectItemCaseSensitive(req->j_body, "TimeoutPeriod");
    struct cim_datetime timeout;
    int32_t requested;
    enum job_rc rc;
    char v[128];

    memset(&timeout, 0, sizeof timeout);
    if (action_params(req, resp, "RequestStateChange", params) != 0)
        return;
    if (j_rs == NULL) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, "/RequestedState",
                      "RequestStateChange", "RequestedState");
        return;
    }
    echo(j_rs, v, sizeof v);
    if (!cJSON_IsString(j_rs)) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/RequestedState", v,
                      "RequestedState", "RequestStateChange");
        return;
    }
    if (cim_enum_value(&cim_enum_requested_state, j_rs->valuestring, &requested) != JOB_OK) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_NOT_IN_LIST, "/RequestedState", v,
                      "RequestedState", "RequestStateChange");
        add_method_result(resp, "RequestStateChange", 0, JOB_RC_INVALID_PARAMETER,
                          cim_enum_name(&cim_enum_rsc_return, JOB_RC_INVALID_PARAMETER));
        return;
    }
    if (j_to != NULL && !cJSON_IsNull(j_to)) {
        echo(j_to, v, sizeof v);
        if (!cJSON_IsString(j_to)) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/TimeoutPeriod", v,
                          "TimeoutPeriod", "RequestStateChange");
            return;
        }
        if (cim_dt_from_duration(j_to->valuestring, &timeout) != JOB_OK) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, "/TimeoutPeriod",
                          v, "TimeoutPeriod", "RequestStateChange");
            add_method_result(resp, "RequestStateChange", (uint32_t)requested,
                              JOB_RC_INVALID_PARAMETER,
                              cim_enum_name(&cim_enum_rsc_return, JOB_RC_INVALID_PARAMETER));
            return;
        }
    }
    if (do_request(req, resp, id, (uint32_t)requested, &timeout, &rc, job) != 0)
        return;
    state_change_reply(req, resp, id, rc, job, j_rs->valuestring, (uint32_t)requested,
                       "/RequestedState");
    if (rc == JOB_RC_TIMEOUT_NOT_SUPPORTED)
        map_rc_error(resp, rc, job, "RequestStateChange", "/TimeoutPeriod");
    add_method_result(resp, "RequestStateChange", (uint32_t)requested, (unsigned)rc,
                      cim_enum_name(&cim_enum_rsc_return, (int32_t)rc));
}

static void
oem_kill_job(struct rf_req *req, struct rf_resp *resp, uint64_t id, struct job *job)
{
    static const char *const params[] = {"DeleteOnKill", NULL};
    const cJSON *j_d = cJSON_GetObjectItemCaseSensitive(req->j_body, "DeleteOnKill");
    enum job_mrc mrc;
    enum job_err err;
    char v[64];

    if (action_params(req, resp, "KillJob", params) != 0)
        return;
    if (j_d != NULL && !cJSON_IsBool(j_d)) {
        echo(j_d, v, sizeof v);
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/DeleteOnKill", v,
                      "DeleteOnKill", "KillJob");
        return;
    }
    err = job_service_kill_job(req->app->jobs, id, j_d != NULL && cJSON_IsTrue(j_d), &mrc, job);
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        return;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "job %" PRIu64 ": KillJob%s returned %u", id,
                       j_d != NULL && cJSON_IsTrue(j_d) ? " (delete)" : "", (unsigned)mrc);
    switch (mrc) {
    case JOB_MRC_SUCCESS:
        reply_message(resp, 200, rf_msg_new(RF_MSG_SUCCESS, NULL, NULL, 0));
        break;
    case JOB_MRC_NOT_SUPPORTED:
        map_rc_error(resp, JOB_RC_NOT_SUPPORTED, job, "KillJob", NULL);
        break;
    case JOB_MRC_NOT_FOUND:
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Job", req->params[0]);
        break;
    case JOB_MRC_FAILED:
        map_rc_error(resp, JOB_RC_INVALID_TRANSITION, job, "KillJob", NULL);
        break;
    case JOB_MRC_TIMEOUT:
        map_rc_error(resp, JOB_RC_TIMEOUT, job, "KillJob", NULL);
        break;
    case JOB_MRC_ACCESS_DENIED:
        rf_resp_error(resp, 403, RF_MSG_INSUFFICIENT_PRIVILEGE, NULL);
        break;
    case JOB_MRC_UNKNOWN:
    case JOB_MRC_INVALID_PARAMETER:
        map_rc_error(resp, JOB_RC_UNKNOWN, job, "KillJob", NULL);
        break;
    }
    add_method_result(resp, "KillJob", 0, (unsigned)mrc,
                      cim_enum_name(&cim_enum_kill_job_return, (int32_t)mrc));
}

static void
oem_get_error(struct rf_req *req, struct rf_resp *resp, uint64_t id)
{
    struct cim_error *e = NULL;
    enum job_mrc mrc;
    enum job_err err;
    cJSON *j;

    if (action_params(req, resp, "GetError", NULL) != 0)
        return;
    err = job_service_get_error(req->app->jobs, id, &mrc, &e);
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        return;
    }
    if (mrc != JOB_MRC_SUCCESS) {
        map_rc_error(resp, JOB_RC_NOT_SUPPORTED, NULL, "GetError", NULL);
        add_method_result(resp, "GetError", 0, (unsigned)mrc,
                          cim_enum_name(&cim_enum_get_error_return, (int32_t)mrc));
        return;
    }
    j = cJSON_CreateObject();
    if (j == NULL || cJSON_AddNumberToObject(j, "ReturnValue", 0) == NULL
        || cJSON_AddStringToObject(j, "ReturnValueName", "Success") == NULL) {
        cJSON_Delete(j);
        j = NULL;
    } else if (e != NULL) {
        cJSON *j_m = map_cim_error_message(e);
        if (j_m == NULL || !cJSON_AddItemToObject(j, "Error", j_m)) {
            cJSON_Delete(j_m);
            cJSON_Delete(j);
            j = NULL;
        }
    }
    cim_error_free(e);
    rf_res_reply(resp, j);
    resp->no_etag = 1;
}

void
res_jobs_oem_action(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    uint64_t id;
    const char *action = req->params[1];

    job_init(&job, &job_class_concrete);
    if (job_for(req, resp, &job, &id) != 0)
        goto out;
    if (req->j_body != NULL && !cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
        goto out;
    }
    if (strcmp(action, "RfjobdJob.RequestStateChange") == 0)
        oem_request_state_change(req, resp, id, &job);
    else if (strcmp(action, "RfjobdJob.KillJob") == 0)
        oem_kill_job(req, resp, id, &job);
    else if (strcmp(action, "RfjobdJob.GetError") == 0)
        oem_get_error(req, resp, id);
    else
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Action", action);
out:
    job_cleanup(&job);
}

/* ---- action information ---------------------------------------------------------------------- */

void
res_jobs_action_info(struct rf_req *req, struct rf_resp *resp)
{
    struct job job;
    uint64_t id;
    const char *which = req->params[1];
    char uri[RF_URI_MAX];
    cJSON *j = NULL;
    cJSON *j_params;
    cJSON *j_p;

    job_init(&job, &job_class_concrete);
    if (job_for(req, resp, &job, &id) != 0)
        goto out;
    if (strcmp(which, "RequestStateChangeActionInfo") != 0
        && strcmp(which, "KillJobActionInfo") != 0 && strcmp(which, "ResubmitActionInfo") != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "ActionInfo", which);
        goto out;
    }
    if (rf_fmt(uri, sizeof uri, MAP_JOBS_URI "/%" PRIu64 "/%s", id, which) != 0
        || (j = rf_res_new(uri, "#ActionInfo.v1_5_0.ActionInfo", which, which)) == NULL
        || (j_params = cJSON_AddArrayToObject(j, "Parameters")) == NULL)
        goto fail;
    if (which[0] == 'R' && which[2] == 'q') {
        unsigned ok = map_job_requests(&job);
        cJSON *j_vals;
        if ((j_p = rf_res_action_param(j_params, "RequestedState", "String", 1)) == NULL
            || (j_vals = cJSON_AddArrayToObject(j_p, "AllowableValues")) == NULL)
            goto fail;
        for (uint32_t r = JOB_REQ_FIRST; r <= JOB_REQ_LAST; r++) {
            cJSON *j_v;
            if (!(ok & JOB_REQ_BIT(r)))
                continue;
            j_v = cJSON_CreateString(map_request_name(r));
            if (j_v == NULL || !cJSON_AddItemToArray(j_vals, j_v)) {
                cJSON_Delete(j_v);
                goto fail;
            }
        }
        if ((j_p = rf_res_action_param(j_params, "TimeoutPeriod", "String", 0)) == NULL
            || cJSON_AddStringToObject(j_p, "AllowablePattern",
                                       "^P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$")
                   == NULL)
            goto fail;
    } else if (which[0] == 'K') {
        if (rf_res_action_param(j_params, "DeleteOnKill", "Boolean", 0) == NULL)
            goto fail;
    } else if (rf_res_action_param(j_params, "StartTime", "String", 0) == NULL) {
        goto fail;
    }
    rf_res_reply(resp, j);
    goto out;
fail:
    cJSON_Delete(j);
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
out:
    job_cleanup(&job);
}
