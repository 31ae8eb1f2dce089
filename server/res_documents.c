/*
 * Job documents and the executor as Redfish resources: JobDocumentCollection, JobDocument with
 * #JobDocument.SubmitJob, JobExecutorCollection and JobExecutor. Documents are files an
 * administrator installs (see jobdoc.h); the service does not accept new ones over HTTP, since a
 * document names a command to run.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "executor.h"
#include "jobdoc.h"
#include "log.h"
#include "map_job.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"

#define SUBMIT "SubmitJob"
#define EXECUTING_MAX 1024

static const struct jobdoc *
doc_for(struct rf_req *req, struct rf_resp *resp)
{
    const struct jobdoc *doc = jobdoc_find(&req->app->docs, req->params[0]);

    if (doc == NULL)
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "JobDocument", req->params[0]);
    return doc;
}

static int
add_strings(cJSON *j, const char *name, char *const *v)
{
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL)
        return -1;
    for (size_t i = 0; v[i] != NULL; i++) {
        cJSON *j_s = cJSON_CreateString(v[i]);
        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

static cJSON *
param_json(const struct jobdoc_param *p)
{
    static const char *const types[] = {"Boolean", "Number", "String"};
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddStringToObject(j, "Name", p->name) == NULL
        || cJSON_AddStringToObject(j, "DataType", types[p->type]) == NULL
        || cJSON_AddBoolToObject(j, "Required", p->required) == NULL
        || (p->allowable_values != NULL
            && add_strings(j, "AllowableValues", p->allowable_values) != 0)
        || (p->allowable_pattern != NULL
            && cJSON_AddStringToObject(j, "AllowablePattern", p->allowable_pattern) == NULL)
        || (p->has_min && cJSON_AddNumberToObject(j, "MinimumValue", p->min) == NULL)
        || (p->has_max && cJSON_AddNumberToObject(j, "MaximumValue", p->max) == NULL)
        || (p->value_hint != NULL && cJSON_AddStringToObject(j, "ValueHint", p->value_hint) == NULL)
        || (p->description != NULL
            && cJSON_AddStringToObject(j, "Description", p->description) == NULL))
        goto fail;
    if (p->n_allowable_numbers > 0) {
        /* The schema gives AllowableNumbers as strings. */
        cJSON *j_a = cJSON_AddArrayToObject(j, "AllowableNumbers");
        if (j_a == NULL)
            goto fail;
        for (size_t i = 0; i < p->n_allowable_numbers; i++) {
            cJSON *j_n = cJSON_CreateNumber(p->allowable_numbers[i]);
            char *text = j_n != NULL ? cJSON_PrintUnformatted(j_n) : NULL;
            cJSON *j_s = text != NULL ? cJSON_CreateString(text) : NULL;
            cJSON_Delete(j_n);
            free(text);
            if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
                cJSON_Delete(j_s);
                goto fail;
            }
        }
    }
    return j;
fail:
    cJSON_Delete(j);
    return NULL;
}

static int
add_link_array(cJSON *j, const char *name, const char *const *uris, size_t n)
{
    char count[80];
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL || rf_fmt(count, sizeof count, "%s@odata.count", name) != 0
        || cJSON_AddNumberToObject(j, count, (double)n) == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cJSON *j_l = cJSON_CreateObject();
        if (j_l == NULL || cJSON_AddStringToObject(j_l, "@odata.id", uris[i]) == NULL
            || !cJSON_AddItemToArray(j_a, j_l)) {
            cJSON_Delete(j_l);
            return -1;
        }
    }
    return 0;
}

void
res_documents_collection(struct rf_req *req, struct rf_resp *resp)
{
    const struct jobdoc_set *set = &req->app->docs;
    char **uris = set->n > 0 ? calloc(set->n, sizeof *uris) : NULL;
    cJSON *j = NULL;
    size_t n = 0;

    if (set->n > 0 && uris == NULL)
        goto out;
    for (; n < set->n; n++) {
        char uri[RF_URI_MAX];
        if (rf_fmt(uri, sizeof uri, MAP_DOCUMENTS_URI "/%s", set->docs[n].id) != 0
            || (uris[n] = strdup(uri)) == NULL)
            goto out;
    }
    j = rf_res_collection(MAP_DOCUMENTS_URI, "#JobDocumentCollection.JobDocumentCollection",
                          "Job Document Collection", (const char *const *)uris, n);
out:
    for (size_t i = 0; i < n; i++)
        free(uris[i]);
    free(uris);
    rf_res_reply(resp, j);
}

void
res_documents_get(struct rf_req *req, struct rf_resp *resp)
{
    const struct jobdoc *doc = doc_for(req, resp);
    const char *exec_uri[1] = {MAP_EXECUTOR_URI};
    char uri[RF_URI_MAX];
    char target[RF_URI_MAX + 64];
    char info[RF_URI_MAX + 64];
    char created[64];
    struct cim_datetime dt;
    cJSON *j;
    cJSON *j_s;
    cJSON *j_pm;
    cJSON *j_links;
    cJSON *j_act;
    cJSON *j_sub;

    if (doc == NULL)
        return;
    if (rf_fmt(uri, sizeof uri, MAP_DOCUMENTS_URI "/%s", doc->id) != 0
        || rf_fmt(target, sizeof target, "%s/Actions/JobDocument.SubmitJob", uri) != 0
        || rf_fmt(info, sizeof info, "%s/SubmitJobActionInfo", uri) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    j = rf_res_new(uri, "#JobDocument.v1_0_0.JobDocument", doc->id, doc->name);
    if (j == NULL
        || (doc->description != NULL
            && cJSON_AddStringToObject(j, "Description", doc->description) == NULL)
        || cJSON_AddStringToObject(j, "DocumentType", doc->document_type) == NULL
        || cJSON_AddStringToObject(j, "Version", doc->version) == NULL
        || cJSON_AddStringToObject(j, "DocumentDataHash", doc->hash) == NULL
        || (j_s = cJSON_AddObjectToObject(j, "Status")) == NULL
        || cJSON_AddStringToObject(j_s, "State", "Enabled") == NULL
        || cJSON_AddStringToObject(j_s, "Health", "OK") == NULL
        || (j_pm = cJSON_AddArrayToObject(j, "ParameterMetadata")) == NULL
        || (j_links = cJSON_AddObjectToObject(j, "Links")) == NULL
        || add_link_array(j_links, "SupportedExecutors", exec_uri, 1) != 0
        || (j_act = cJSON_AddObjectToObject(j, "Actions")) == NULL
        || (j_sub = cJSON_AddObjectToObject(j_act, "#JobDocument.SubmitJob")) == NULL
        || cJSON_AddStringToObject(j_sub, "target", target) == NULL
        || cJSON_AddStringToObject(j_sub, "@Redfish.ActionInfo", info) == NULL)
        goto fail;
    if (cim_dt_from_unix_us(doc->mtime_us, 0, &dt) == JOB_OK
        && map_dt(&dt, CIM_DT_TIMESTAMP, created, sizeof created) == 0
        && cJSON_AddStringToObject(j, "CreationTime", created) == NULL)
        goto fail;
    for (size_t i = 0; i < doc->n_params; i++) {
        cJSON *j_p = param_json(&doc->params[i]);
        if (j_p == NULL || !cJSON_AddItemToArray(j_pm, j_p)) {
            cJSON_Delete(j_p);
            goto fail;
        }
    }
    rf_res_reply(resp, j);
    return;
fail:
    cJSON_Delete(j);
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
}

void
res_documents_action_info(struct rf_req *req, struct rf_resp *resp)
{
    const struct jobdoc *doc = doc_for(req, resp);
    char uri[RF_URI_MAX];
    cJSON *j;
    cJSON *j_params;
    cJSON *j_p;
    cJSON *j_v;

    if (doc == NULL)
        return;
    if (strcmp(req->params[1], "SubmitJobActionInfo") != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "ActionInfo", req->params[1]);
        return;
    }
    if (rf_fmt(uri, sizeof uri, MAP_DOCUMENTS_URI "/%s/SubmitJobActionInfo", doc->id) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    j = rf_res_new(uri, "#ActionInfo.v1_5_0.ActionInfo", "SubmitJobActionInfo",
                   "SubmitJob Action Info");
    if (j == NULL || (j_params = cJSON_AddArrayToObject(j, "Parameters")) == NULL
        || rf_res_action_param(j_params, "Parameters", "Object", 1) == NULL
        || rf_res_action_param(j_params, "StartTime", "String", 0) == NULL
        || rf_res_action_param(j_params, "HidePayload", "Boolean", 0) == NULL
        || (j_p = rf_res_action_param(j_params, "PreferredExecutors", "ObjectArray", 0)) == NULL
        || (j_v = cJSON_AddArrayToObject(j_p, "AllowableValues")) == NULL
        || !cJSON_AddItemToArray(j_v, cJSON_CreateString(MAP_EXECUTOR_URI))
        || rf_res_action_param(j_params, "JobCreator", "Object", 0) == NULL) {
        cJSON_Delete(j);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    rf_res_reply(resp, j);
}

/* A value as JSON text for a message argument, cut to fit. */
static void
echo(const cJSON *j, char *out, size_t size)
{
    char *text = cJSON_PrintUnformatted(j);

    (void)rf_fmt(out, size, "%s", text != NULL ? text : "");
    free(text);
}

/* The submitted Parameters are wrong: a Base message that names the parameter. */
static void
param_error(struct rf_resp *resp, const struct jobdoc *doc, const struct jobdoc_check *why)
{
    char ptr[96];
    const struct jobdoc_param *p = NULL;

    (void)rf_fmt(ptr, sizeof ptr, "/Parameters/%s", why->param);
    for (size_t i = 0; i < doc->n_params; i++)
        if (strcmp(doc->params[i].name, why->param) == 0)
            p = &doc->params[i];
    switch (why->fault) {
    case JOBDOC_FAULT_NOT_OBJECT:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/Parameters",
                      why->value, "Parameters", SUBMIT);
        break;
    case JOBDOC_FAULT_UNKNOWN:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_UNKNOWN, ptr, SUBMIT, why->param);
        break;
    case JOBDOC_FAULT_MISSING:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, ptr, SUBMIT, why->param);
        break;
    case JOBDOC_FAULT_TYPE:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, ptr, why->value,
                      why->param, SUBMIT);
        break;
    case JOBDOC_FAULT_VALUE:
        if (p != NULL && (p->allowable_values != NULL || p->n_allowable_numbers > 0))
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_NOT_IN_LIST, ptr, why->value,
                          why->param, SUBMIT);
        else
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_OUT_OF_RANGE, ptr, why->value,
                          why->param, SUBMIT);
        break;
    case JOBDOC_FAULT_FORMAT:
    case JOBDOC_FAULT_NONE:
    default:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, ptr, why->value,
                      why->param, SUBMIT);
        break;
    }
}

/* A link object's @odata.id, or NULL when j is not one. */
static const char *
link_of(const cJSON *j)
{
    const cJSON *j_id = cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "@odata.id") : NULL;

    return cJSON_IsString(j_id) ? j_id->valuestring : NULL;
}

static enum job_err
mark_parent(void *arg, struct job *job)
{
    (void)arg;
    job->flags |= JOB_F_HAS_CHILDREN;
    return JOB_OK;
}

void
res_documents_submit(struct rf_req *req, struct rf_resp *resp)
{
    static const char *const allowed[] = {"Parameters",  "StartTime",  "PreferredExecutors",
                                          "HidePayload", "JobCreator", NULL};
    const struct jobdoc *doc = doc_for(req, resp);
    const cJSON *j_params;
    const cJSON *j;
    struct jobdoc_check why;
    struct job tmpl;
    struct job out;
    char *params_text = NULL;
    char v[128];
    char how[JOBDOC_ID_MAX + 32];
    bool scheduled = false;
    enum job_err err;

    job_init(&tmpl, &job_class_concrete);
    job_init(&out, &job_class_concrete);
    if (doc == NULL)
        goto out;
    if (req->j_body == NULL || !cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, "/Parameters", SUBMIT,
                      "Parameters");
        goto out;
    }
    cJSON_ArrayForEach(j, req->j_body)
    {
        size_t k = 0;
        if (strchr(j->string, '@') != NULL)
            continue;
        while (allowed[k] != NULL && strcmp(allowed[k], j->string) != 0)
            k++;
        if (allowed[k] == NULL) {
            char ptr[128];
            (void)rf_fmt(ptr, sizeof ptr, "/%s", j->string);
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_UNKNOWN, ptr, SUBMIT, j->string);
            goto out;
        }
    }
    j_params = cJSON_GetObjectItemCaseSensitive(req->j_body, "Parameters");
    if (j_params == NULL) {
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_MISSING, "/Parameters", SUBMIT,
                      "Parameters");
        goto out;
    }
    if (!cJSON_IsObject(j_params)) {
        echo(j_params, v, sizeof v);
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/Parameters", v,
                      "Parameters", SUBMIT);
        goto out;
    }
    params_text = cJSON_PrintUnformatted(j_params);
    if (params_text == NULL)
        goto nomem;
    if (jobdoc_check_params(doc, params_text, &why) != 0) {
        param_error(resp, doc, &why);
        goto out;
    }

    job_init(&tmpl, doc->cls);
    job_cleanup(&out);
    job_init(&out, doc->cls);
    tmpl.kind = JOB_KIND_DOCUMENT;
    tmpl.max_exec_us = doc->max_exec_us;
    tmpl.caps = (uint8_t)(JOB_REQ_BIT(JOB_REQ_START) | JOB_REQ_BIT(JOB_REQ_TERMINATE)
                          | JOB_REQ_BIT(JOB_REQ_KILL)
                          | (doc->can_suspend ? JOB_REQ_BIT(JOB_REQ_SUSPEND) : 0u));
    tmpl.parent_id = req->job_id;

    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "StartTime")) != NULL
        && !cJSON_IsNull(j)) {
        int64_t at;
        echo(j, v, sizeof v);
        if (!cJSON_IsString(j)) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/StartTime", v,
                          "StartTime", SUBMIT);
            goto out;
        }
        if (cim_dt_from_iso8601(j->valuestring, &tmpl.scheduled_start_time) != JOB_OK
            || cim_dt_to_unix_us(&tmpl.scheduled_start_time, &at) != JOB_OK) {
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_FORMAT_ERROR, "/StartTime", v,
                          "StartTime", SUBMIT);
            goto out;
        }
        scheduled = at > job_service_now(req->app->jobs);
        if (!scheduled)
            memset(&tmpl.scheduled_start_time, 0, sizeof tmpl.scheduled_start_time);
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "HidePayload")) != NULL) {
        if (!cJSON_IsBool(j)) {
            echo(j, v, sizeof v);
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR, "/HidePayload", v,
                          "HidePayload", SUBMIT);
            goto out;
        }
        if (cJSON_IsTrue(j))
            tmpl.flags |= JOB_F_HIDE_PAYLOAD;
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "PreferredExecutors")) != NULL) {
        const cJSON *j_e;
        if (!cJSON_IsArray(j)) {
            echo(j, v, sizeof v);
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_TYPE_ERROR,
                          "/PreferredExecutors", v, "PreferredExecutors", SUBMIT);
            goto out;
        }
        cJSON_ArrayForEach(j_e, j)
        {
            const char *uri = link_of(j_e);
            if (uri == NULL || strcmp(uri, MAP_EXECUTOR_URI) != 0) {
                echo(j_e, v, sizeof v);
                rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_NOT_IN_LIST,
                              "/PreferredExecutors", v, "PreferredExecutors", SUBMIT);
                goto out;
            }
        }
    }
    if ((j = cJSON_GetObjectItemCaseSensitive(req->j_body, "JobCreator")) != NULL
        && !cJSON_IsNull(j)) {
        const char *uri = link_of(j);
        size_t plen = strlen(MAP_JOBS_URI "/");
        uint64_t creator = 0;
        struct job cj;
        int ok = uri != NULL && strncmp(uri, MAP_JOBS_URI "/", plen) == 0
                 && map_job_id(uri + plen, &creator) == 0;
        job_init(&cj, &job_class_concrete);
        ok = ok && job_service_get(req->app->jobs, creator, &cj) == JOB_OK;
        job_cleanup(&cj);
        if (!ok) {
            echo(j, v, sizeof v);
            rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_ERROR, "/JobCreator",
                          "JobCreator", SUBMIT);
            goto out;
        }
        tmpl.parent_id = creator;
    }
    tmpl.hold = executor_submit_hold(req->app->exec, scheduled);
    if (job_set_str(&tmpl.name, doc->name) != JOB_OK
        || job_set_str(&tmpl.description, doc->description) != JOB_OK
        || job_set_str(&tmpl.document, doc->id) != JOB_OK
        || job_set_str(&tmpl.owner, req->who.user) != JOB_OK)
        goto nomem;
    tmpl.parameters = params_text;
    params_text = NULL;
    err = job_service_create(req->app->jobs, &tmpl, &out, NULL);
    if (err == JOB_EBUSY) {
        rf_resp_error(resp, 400, RF_MSG_CREATE_LIMIT_REACHED_FOR_RESOURCE, NULL);
        goto out;
    }
    if (err != JOB_OK) {
        map_job_err(resp, err, NULL);
        goto out;
    }
    if (tmpl.parent_id != 0
        && job_service_update(req->app->jobs, tmpl.parent_id, mark_parent, NULL, NULL, NULL)
               != JOB_OK)
        log_msg(LOG_LEVEL_WARNING, "job %" PRIu64 ": cannot mark it as the parent of job %" PRIu64,
                tmpl.parent_id, out.id);
    (void)rf_fmt(how, sizeof how, "document %s", doc->id);
    res_jobs_created(req, resp, &out, how);
    goto out;
nomem:
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
out:
    free(params_text);
    job_cleanup(&tmpl);
    job_cleanup(&out);
}

void
res_executors_collection(struct rf_req *req, struct rf_resp *resp)
{
    const char *uris[1] = {MAP_EXECUTOR_URI};

    (void)req;
    rf_res_reply(resp, rf_res_collection(MAP_EXECUTORS_URI,
                                         "#JobExecutorCollection.JobExecutorCollection",
                                         "Job Executor Collection", uris, 1));
}

void
res_executors_get(struct rf_req *req, struct rf_resp *resp)
{
    uint64_t *ids;
    char **uris = NULL;
    size_t n = 0;
    cJSON *j = NULL;
    cJSON *j_s;
    cJSON *j_links;
    int enabled = res_jobs_enabled(req->app);

    if (strcmp(req->params[0], MAP_EXECUTOR_ID) != 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "JobExecutor", req->params[0]);
        return;
    }
    ids = calloc(EXECUTING_MAX, sizeof *ids);
    if (ids == NULL)
        goto out;
    n = executor_running(req->app->exec, ids, EXECUTING_MAX);
    uris = calloc(n + 1, sizeof *uris);
    if (uris == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char uri[RF_URI_MAX];
        if (map_job_uri(ids[i], uri, sizeof uri) != 0 || (uris[i] = strdup(uri)) == NULL)
            goto out;
    }
    j = rf_res_new(MAP_EXECUTOR_URI, "#JobExecutor.v1_0_0.JobExecutor", MAP_EXECUTOR_ID,
                   "Local executor");
    if (j == NULL
        || cJSON_AddStringToObject(j, "Description",
                                   "Runs the commands of document-based jobs as child processes")
               == NULL
        || cJSON_AddStringToObject(j, "ExecutorType", "Script") == NULL
        || cJSON_AddNumberToObject(j, "MaximumConcurrentJobs",
                                   executor_max_concurrent(req->app->exec))
               == NULL
        || (j_s = cJSON_AddObjectToObject(j, "Status")) == NULL
        || cJSON_AddStringToObject(j_s, "State", enabled ? "Enabled" : "Disabled") == NULL
        || cJSON_AddStringToObject(j_s, "Health", "OK") == NULL
        || (j_links = cJSON_AddObjectToObject(j, "Links")) == NULL
        || add_link_array(j_links, "ExecutingJobs", (const char *const *)uris, n) != 0) {
        cJSON_Delete(j);
        j = NULL;
    }
out:
    for (size_t i = 0; uris != NULL && i < n; i++)
        free(uris[i]);
    free(uris);
    free(ids);
    rf_res_reply(resp, j);
}
