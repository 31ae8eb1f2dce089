/* The Redfish face of a CIM job; see map_job.h and MAPPING.md. */
#include "map_job.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cim_error.h"
#include "job_schedule.h"
#include "rf_buf.h"
#include "res.h"
#include "router.h"

#define PBIT(id) (UINT64_C(1) << (id))

/*
 * Integers are written as raw JSON text: cJSON prints every number through printf and checks it
 * with scanf, which is most of the cost of a job's JSON. The text is the same.
 */
static cJSON *
int_item(int64_t v)
{
    char buf[24];
    char *p = buf + sizeof buf - 1;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    return cJSON_CreateRaw(p);
}

static cJSON *
add_int(cJSON *j, const char *name, int64_t v)
{
    cJSON *j_n = int_item(v);

    if (j_n == NULL || !cJSON_AddItemToObject(j, name, j_n)) {
        cJSON_Delete(j_n);
        return NULL;
    }
    return j_n;
}

const char *
map_job_state(const struct job *job)
{
    if (job->cls->pending_boot_state != 0 && job->job_state == job->cls->pending_boot_state)
        return "Pending"; /* waits for the machine to boot; a message says so */
    switch (job->job_state) {
    case JOB_STATE_NEW:
        switch ((enum job_hold)job->hold) {
        case JOB_HOLD_SCHEDULED:
        case JOB_HOLD_QUEUED:
            return "Pending";
        case JOB_HOLD_VALIDATING:
            return "Validating";
        case JOB_HOLD_INVALID:
            return "Invalid";
        case JOB_HOLD_INTERRUPTED:
            return "Interrupted";
        case JOB_HOLD_NONE:
            break;
        }
        return (job->flags & JOB_F_START_REQUESTED) ? "Starting" : "New";
    case JOB_STATE_STARTING:
        return "Starting";
    case JOB_STATE_RUNNING:
        return "Running";
    case JOB_STATE_SUSPENDED:
        return "Suspended";
    case JOB_STATE_SHUTTING_DOWN:
        return "Stopping";
    case JOB_STATE_COMPLETED:
        return "Completed";
    case JOB_STATE_TERMINATED:
    case JOB_STATE_KILLED:
        return "Cancelled";
    case JOB_STATE_EXCEPTION:
        return "Exception";
    case JOB_STATE_SERVICE:
        return "Service";
    case JOB_STATE_QUERY_PENDING:
        return "UserIntervention";
    default:
        return "Exception"; /* a vendor state no class here defines */
    }
}

static int
severity_rank(const char *word)
{
    if (strcmp(word, "Critical") == 0)
        return 2;
    if (strcmp(word, "Warning") == 0)
        return 1;
    return 0;
}

const char *
map_job_health(const struct job *job)
{
    static const char *const names[] = {"OK", "Warning", "Critical"};
    int worst = (int)job_health_of(job);

    for (size_t i = 0; i < job->messages.n; i++) {
        int r = severity_rank(cim_error_severity_word(job->messages.v[i].perceived_severity));
        if (r > worst)
            worst = r;
    }
    return names[worst];
}

const char *
map_job_type(const struct job *job)
{
    switch ((enum job_kind)job->kind) {
    case JOB_KIND_USER:
        return "UserSpecified";
    case JOB_KIND_DOCUMENT:
        return "DocumentBased";
    case JOB_KIND_SERVICE:
        break;
    }
    return "ServiceGenerated";
}

unsigned
map_job_requests(const struct job *job)
{
    unsigned ok = 0;

    for (uint32_t r = JOB_REQ_FIRST; r <= JOB_REQ_LAST; r++) {
        uint16_t next;
        enum job_rc rc = job_fsm_request(job->cls, job->job_state, job->caps, r, false, &next);
        if ((rc == JOB_RC_OK || rc == JOB_RC_STARTED)
            && !(r == JOB_REQ_START && next == job->job_state
                 && (job->flags & JOB_F_START_REQUESTED)))
            ok |= JOB_REQ_BIT(r);
    }
    return ok;
}

unsigned
map_job_actions(const struct job *job)
{
    unsigned req = map_job_requests(job);
    unsigned a = 0;

    if (req & JOB_REQ_BIT(JOB_REQ_TERMINATE))
        a |= MAP_ACT_CANCEL;
    if (req & JOB_REQ_BIT(JOB_REQ_SUSPEND))
        a |= MAP_ACT_SUSPEND;
    if ((req & JOB_REQ_BIT(JOB_REQ_START)) && job->job_state != JOB_STATE_NEW)
        a |= MAP_ACT_RESUME;
    if ((req & JOB_REQ_BIT(JOB_REQ_START)) && job->job_state == JOB_STATE_NEW
        && job->hold != JOB_HOLD_VALIDATING && job->hold != JOB_HOLD_INVALID
        && (job->kind != JOB_KIND_DOCUMENT || job->hold != JOB_HOLD_NONE))
        a |= MAP_ACT_FORCE_START;
    if (job->job_state == JOB_STATE_NEW && !(job->flags & JOB_F_START_REQUESTED)) {
        /* A document job is validated when New (Manual policy), Validating or Invalid; it is
         * invalidated while it waits, valid or not yet validated. */
        if (job->hold == JOB_HOLD_VALIDATING
            || (job->kind == JOB_KIND_DOCUMENT
                && (job->hold == JOB_HOLD_NONE || job->hold == JOB_HOLD_INVALID)))
            a |= MAP_ACT_VALIDATE;
        if (job->hold == JOB_HOLD_VALIDATING
            || (job->kind == JOB_KIND_DOCUMENT
                && (job->hold == JOB_HOLD_QUEUED || job->hold == JOB_HOLD_SCHEDULED
                    || job->hold == JOB_HOLD_NONE)))
            a |= MAP_ACT_INVALIDATE;
    }
    if (job_state_is_final(job->job_state)
        && (job->kind == JOB_KIND_USER || job->kind == JOB_KIND_DOCUMENT))
        a |= MAP_ACT_RESUBMIT;
    if (req != 0 && (job->cls->methods & JOB_M_REQUEST_STATE_CHANGE))
        a |= MAP_ACT_RSC;
    if ((req & JOB_REQ_BIT(JOB_REQ_KILL)) && (job->cls->methods & JOB_M_KILL_JOB))
        a |= MAP_ACT_KILL_JOB;
    if (job->cls->methods & JOB_M_GET_ERROR)
        a |= MAP_ACT_GET_ERROR;
    return a;
}

int
map_job_uri(uint64_t id, char *out, size_t size)
{
    return rf_fmt(out, size, MAP_JOBS_URI "/%" PRIu64, id);
}

int
map_job_id(const char *seg, uint64_t *id)
{
    uint64_t v = 0;

    if (seg == NULL || seg[0] < '1' || seg[0] > '9')
        return -1;
    for (const char *p = seg; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *id = v;
    return 0;
}

const char *
map_request_name(uint32_t requested)
{
    if (requested > INT32_MAX || !cim_enum_is_named(&cim_enum_requested_state, (int32_t)requested))
        return NULL;
    return cim_enum_name(&cim_enum_requested_state, (int32_t)requested);
}

int
map_dt(const struct cim_datetime *dt, enum cim_dt_kind want, char *out, size_t size)
{
    if (dt->kind == CIM_DT_NULL || dt->kind != (uint8_t)want)
        return -1;
    if (want == CIM_DT_TIMESTAMP) {
        /* Redfish date-times carry seconds and an offset: partial values have no form. */
        if (dt->precision < 14)
            return -1;
        return cim_dt_to_iso8601(dt, out, size) == JOB_OK ? 0 : -1;
    }
    return cim_dt_to_duration(dt, out, size) == JOB_OK ? 0 : -1;
}

/* Adds a datetime under name: its Redfish form, or null. */
static int
add_dt(cJSON *j, const char *name, const struct cim_datetime *dt, enum cim_dt_kind want)
{
    char text[64];

    if (map_dt(dt, want, text, sizeof text) != 0)
        return cJSON_AddNullToObject(j, name) != NULL ? 0 : -1;
    return cJSON_AddStringToObject(j, name, text) != NULL ? 0 : -1;
}

static int
add_str_or_null(cJSON *j, const char *name, const char *s)
{
    if (s == NULL)
        return cJSON_AddNullToObject(j, name) != NULL ? 0 : -1;
    return cJSON_AddStringToObject(j, name, s) != NULL ? 0 : -1;
}

static int
add_strv(cJSON *j, const char *name, const struct cim_strv *sv)
{
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL)
        return -1;
    for (size_t i = 0; i < sv->n; i++) {
        cJSON *j_s = cJSON_CreateString(sv->v[i] != NULL ? sv->v[i] : "");
        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

/* Name of an enumeration value in the OEM schema's terms; NULL for a value without a name. */
static const char *
enum_name(const struct cim_enum *e, int64_t v)
{
    if (v < INT32_MIN || v > INT32_MAX)
        return NULL;
    return cim_enum_name(e, (int32_t)v);
}

/* The schema names "...Name" properties after the property, except these. */
static const char *
name_prop(const struct job_prop *p, char *buf, size_t size)
{
    if (p->id == JOB_P_OPERATIONAL_STATUS)
        return "OperationalStatusNames";
    return rf_fmt(buf, size, "%sName", p->name) == 0 ? buf : NULL;
}

static int
add_cim_prop(cJSON *j, const struct job *job, const struct job_prop *p)
{
    struct job_value v;
    char nbuf[64];
    const char *nname;

    if (job_get(job, p->id, &v) != JOB_OK)
        return 0;
    switch (p->type) {
    case CIM_T_STRING:
        return add_str_or_null(j, p->name, v.is_null ? NULL : v.u.s);
    case CIM_T_STRINGV:
        return add_strv(j, p->name, v.u.sv);
    case CIM_T_DATETIME:
        return add_dt(j, p->name, &v.u.dt,
                      (p->flags & JOB_PF_TS) ? CIM_DT_TIMESTAMP : CIM_DT_INTERVAL);
    case CIM_T_BOOLEAN:
        if (v.is_null)
            return cJSON_AddNullToObject(j, p->name) != NULL ? 0 : -1;
        return cJSON_AddBoolToObject(j, p->name, v.u.b) != NULL ? 0 : -1;
    case CIM_T_UINT16V: {
        cJSON *j_v = cJSON_AddArrayToObject(j, p->name);
        cJSON *j_n = cJSON_AddArrayToObject(j, "OperationalStatusNames");
        if (j_v == NULL || j_n == NULL)
            return -1;
        for (size_t i = 0; i < v.u.u16v.n; i++) {
            const char *nm = enum_name(p->values, v.u.u16v.v[i]);
            cJSON *j_x = int_item(v.u.u16v.v[i]);
            cJSON *j_y = cJSON_CreateString(nm != NULL ? nm : "Unknown");
            if (j_x == NULL || j_y == NULL || !cJSON_AddItemToArray(j_v, j_x)) {
                cJSON_Delete(j_x);
                cJSON_Delete(j_y);
                return -1;
            }
            if (!cJSON_AddItemToArray(j_n, j_y)) {
                cJSON_Delete(j_y);
                return -1;
            }
        }
        return 0;
    }
    case CIM_T_UINT8:
    case CIM_T_SINT8:
    case CIM_T_UINT16:
    case CIM_T_UINT32:
        break;
    }
    if (v.is_null) {
        if (cJSON_AddNullToObject(j, p->name) == NULL)
            return -1;
    } else if (add_int(j, p->name, v.u.i) == NULL) {
        return -1;
    }
    if (p->values == NULL)
        return 0;
    nname = name_prop(p, nbuf, sizeof nbuf);
    if (nname == NULL)
        return -1;
    if (p->id == JOB_P_JOB_STATE) {
        /* The class's own name: PendingBoot for Msps_ProvisioningJob. */
        return cJSON_AddStringToObject(j, nname, job_state_name(job)) != NULL ? 0 : -1;
    }
    if (v.is_null || enum_name(p->values, v.u.i) == NULL)
        return cJSON_AddNullToObject(j, nname) != NULL ? 0 : -1;
    return cJSON_AddStringToObject(j, nname, enum_name(p->values, v.u.i)) != NULL ? 0 : -1;
}

cJSON *
map_job_cim(const struct job *job)
{
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddStringToObject(j, "@odata.type", MAP_OEM_JOB_TYPE) == NULL
        || cJSON_AddStringToObject(j, "ClassName", job->cls->name) == NULL)
        goto fail;
    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        const struct job_prop *p = &job_props[i];
        if (!job_class_has(job->cls, p->id))
            continue;
        if (add_cim_prop(j, job, p) != 0)
            goto fail;
    }
    return j;
fail:
    cJSON_Delete(j);
    return NULL;
}

static int
add_num_name(cJSON *j, const char *name, int64_t v, const struct cim_enum *e)
{
    char nbuf[64];
    const char *nm = enum_name(e, v);

    if (add_int(j, name, v) == NULL || rf_fmt(nbuf, sizeof nbuf, "%sName", name) != 0)
        return -1;
    return add_str_or_null(j, nbuf, nm);
}

/* The MessageId of a CIM_Error: our registry's for our messages, else as the error names it. */
/* Whether a Redfish MessageId belongs to a registry this service publishes or refers to. */
static int
published_registry(const char *id)
{
    static const char *const prefixes[] = {"Base.", RF_OEM_PREFIX ".", "JobEvent.", "TaskEvent.",
                                           NULL};

    for (size_t i = 0; prefixes[i] != NULL; i++)
        if (strncmp(id, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

static int
message_id(const struct cim_error *e, char *out, size_t size)
{
    const char *id = e->message_id != NULL ? e->message_id : "CIMError";

    if (e->owning_entity != NULL && strcmp(e->owning_entity, "Rfjobd") == 0)
        return rf_fmt(out, size, "%s.%s", RF_OEM_PREFIX, id);
    if (strchr(id, '.') != NULL || e->owning_entity == NULL)
        return rf_fmt(out, size, "%s", id);
    return rf_fmt(out, size, "%s.%s", e->owning_entity, id);
}

cJSON *
map_cim_error_message(const struct cim_error *e)
{
    char id[256];
    cJSON *j = cJSON_CreateObject();
    cJSON *j_oem;
    cJSON *j_r;
    struct rf_buf resolution;

    rf_buf_init(&resolution, 4096);
    if (j == NULL || message_id(e, id, sizeof id) != 0)
        goto fail;
    /* A MessageID from a registry this service does not publish (a command's own) is shown as
     * the OEM message that carries a text; the CIM view below keeps the original. */
    if (!published_registry(id)) {
        cJSON *j_args;
        if (rf_fmt(id, sizeof id, "%s.%s", RF_OEM_PREFIX, rf_oem_key(RF_OEM_COMMAND_REPORTED)) != 0
            || (j_args = cJSON_AddArrayToObject(j, "MessageArgs")) == NULL
            || !cJSON_AddItemToArray(j_args,
                                     cJSON_CreateString(e->message != NULL ? e->message : "")))
            goto fail;
    } else if (add_strv(j, "MessageArgs", &e->message_arguments) != 0) {
        goto fail;
    }
    if (cJSON_AddStringToObject(j, "@odata.type", "#Message.v1_3_0.Message") == NULL
        || cJSON_AddStringToObject(j, "MessageId", id) == NULL
        || cJSON_AddStringToObject(j, "Message", e->message != NULL ? e->message : "") == NULL
        || cJSON_AddStringToObject(j, "MessageSeverity",
                                   cim_error_severity_word(e->perceived_severity))
               == NULL)
        goto fail;
    for (size_t i = 0; i < e->recommended_actions.n; i++)
        if ((i > 0 && rf_buf_puts(&resolution, "  ") != 0)
            || rf_buf_puts(&resolution, e->recommended_actions.v[i]) != 0)
            goto fail;
    if (cJSON_AddStringToObject(j, "Resolution",
                                resolution.data != NULL ? resolution.data : "None.")
        == NULL)
        goto fail;
    if ((j_oem = cJSON_AddObjectToObject(j, "Oem")) == NULL
        || (j_r = cJSON_AddObjectToObject(j_oem, "Rfjobd")) == NULL
        || cJSON_AddStringToObject(j_r, "@odata.type", MAP_OEM_ERROR_TYPE) == NULL
        || add_num_name(j_r, "ErrorType", e->error_type, &cim_enum_error_type) != 0
        || add_str_or_null(j_r, "OtherErrorType", e->other_error_type) != 0
        || add_str_or_null(j_r, "OwningEntity", e->owning_entity) != 0
        || cJSON_AddStringToObject(j_r, "MessageID", e->message_id != NULL ? e->message_id : "")
               == NULL
        || add_str_or_null(j_r, "Message", e->message) != 0
        || add_strv(j_r, "MessageArguments", &e->message_arguments) != 0
        || add_num_name(j_r, "PerceivedSeverity", e->perceived_severity,
                        &cim_enum_perceived_severity)
               != 0
        || add_num_name(j_r, "ProbableCause", e->probable_cause, &cim_enum_probable_cause) != 0
        || add_str_or_null(j_r, "ProbableCauseDescription", e->probable_cause_description) != 0
        || add_strv(j_r, "RecommendedActions", &e->recommended_actions) != 0
        || add_str_or_null(j_r, "ErrorSource", e->error_source) != 0
        || add_num_name(j_r, "ErrorSourceFormat", e->error_source_format,
                        &cim_enum_error_source_format)
               != 0
        || add_str_or_null(j_r, "OtherErrorSourceFormat", e->other_error_source_format) != 0
        /* CIMStatusCode 0 is no CIM status (the value map starts at 1): null. */
        || (e->cim_status_code == 0 ? cJSON_AddNullToObject(j_r, "CIMStatusCode")
                                    : add_int(j_r, "CIMStatusCode", e->cim_status_code))
               == NULL
        || add_str_or_null(j_r, "CIMStatusCodeName",
                           e->cim_status_code == 0 ? NULL
                                                   : cim_error_status_code_name(e->cim_status_code))
               != 0
        || add_str_or_null(j_r, "CIMStatusCodeDescription", e->cim_status_code_description) != 0)
        goto fail;
    rf_buf_cleanup(&resolution);
    return j;
fail:
    rf_buf_cleanup(&resolution);
    cJSON_Delete(j);
    return NULL;
}

static int
add_link(cJSON *parent, const char *name, const char *uri)
{
    return rf_res_link(parent, name, uri) != NULL ? 0 : -1;
}

static int
add_action(cJSON *j_actions, const char *name, const char *uri_tail, uint64_t id,
           const char *info_tail)
{
    char uri[RF_URI_MAX];
    cJSON *j_a = cJSON_AddObjectToObject(j_actions, name);

    if (j_a == NULL
        || rf_fmt(uri, sizeof uri, MAP_JOBS_URI "/%" PRIu64 "/Actions/%s", id, uri_tail) != 0
        || cJSON_AddStringToObject(j_a, "target", uri) == NULL)
        return -1;
    if (info_tail != NULL
        && (rf_fmt(uri, sizeof uri, MAP_JOBS_URI "/%" PRIu64 "/%s", id, info_tail) != 0
            || cJSON_AddStringToObject(j_a, "@Redfish.ActionInfo", uri) == NULL))
        return -1;
    return 0;
}

static int
add_actions(cJSON *j, const struct job *job)
{
    unsigned a = map_job_actions(job);
    cJSON *j_actions = cJSON_AddObjectToObject(j, "Actions");
    cJSON *j_oem;

    if (j_actions == NULL)
        return -1;
    if (((a & MAP_ACT_CANCEL) && add_action(j_actions, "#Job.Cancel", "Job.Cancel", job->id, NULL))
        || ((a & MAP_ACT_SUSPEND)
            && add_action(j_actions, "#Job.Suspend", "Job.Suspend", job->id, NULL))
        || ((a & MAP_ACT_RESUME)
            && add_action(j_actions, "#Job.Resume", "Job.Resume", job->id, NULL))
        || ((a & MAP_ACT_FORCE_START)
            && add_action(j_actions, "#Job.ForceStart", "Job.ForceStart", job->id, NULL))
        || ((a & MAP_ACT_VALIDATE)
            && add_action(j_actions, "#Job.Validate", "Job.Validate", job->id, NULL))
        || ((a & MAP_ACT_INVALIDATE)
            && add_action(j_actions, "#Job.Invalidate", "Job.Invalidate", job->id, NULL))
        || ((a & MAP_ACT_RESUBMIT)
            && add_action(j_actions, "#Job.Resubmit", "Job.Resubmit", job->id,
                          "ResubmitActionInfo")))
        return -1;
    if (!(a & (MAP_ACT_RSC | MAP_ACT_KILL_JOB | MAP_ACT_GET_ERROR)))
        return 0;
    j_oem = cJSON_AddObjectToObject(j_actions, "Oem");
    if (j_oem == NULL)
        return -1;
    if (((a & MAP_ACT_RSC)
         && add_action(j_oem, "#RfjobdJob.RequestStateChange", "Oem/RfjobdJob.RequestStateChange",
                       job->id, "RequestStateChangeActionInfo"))
        || ((a & MAP_ACT_KILL_JOB)
            && add_action(j_oem, "#RfjobdJob.KillJob", "Oem/RfjobdJob.KillJob", job->id,
                          "KillJobActionInfo"))
        || ((a & MAP_ACT_GET_ERROR)
            && add_action(j_oem, "#RfjobdJob.GetError", "Oem/RfjobdJob.GetError", job->id, NULL)))
        return -1;
    return 0;
}

/* Messages the job's state implies, which the model does not store. */
static int
add_state_messages(cJSON *j_msgs, const struct job *job)
{
    char id[24];
    const char *args[1] = {id};
    cJSON *j_m = NULL;

    (void)rf_fmt(id, sizeof id, "%" PRIu64, job->id);
    if (job->cls->pending_boot_state != 0 && job->job_state == job->cls->pending_boot_state)
        j_m = rf_oem_msg_new(RF_OEM_JOB_PENDING_BOOT, NULL, args, 1);
    else if (job->job_state == JOB_STATE_QUERY_PENDING)
        j_m = rf_oem_msg_new(RF_OEM_JOB_QUERY_PENDING, NULL, args, 1);
    else
        return 0;
    if (j_m == NULL || !cJSON_AddItemToArray(j_msgs, j_m)) {
        cJSON_Delete(j_m);
        return -1;
    }
    return 0;
}

static int
add_messages(cJSON *j, const struct job *job)
{
    cJSON *j_msgs = cJSON_AddArrayToObject(j, "Messages");

    if (j_msgs == NULL || add_state_messages(j_msgs, job) != 0)
        return -1;
    for (size_t i = 0; i < job->messages.n; i++) {
        cJSON *j_m = map_cim_error_message(&job->messages.v[i]);
        if (j_m == NULL || !cJSON_AddItemToArray(j_msgs, j_m)) {
            cJSON_Delete(j_m);
            return -1;
        }
    }
    return 0;
}

static int
add_links(cJSON *j, const struct job *job, const struct map_job_ctx *ctx)
{
    char uri[RF_URI_MAX];
    cJSON *j_links = cJSON_AddObjectToObject(j, "Links");
    cJSON *j_cr;
    cJSON *j_sub;

    if (j_links == NULL || (j_cr = cJSON_AddArrayToObject(j_links, "CreatedResources")) == NULL
        || add_int(j_links, "CreatedResources@odata.count", (int64_t)job->created_resources.n)
               == NULL)
        return -1;
    for (size_t i = 0; i < job->created_resources.n; i++) {
        cJSON *j_l = cJSON_CreateObject();
        if (j_l == NULL || !cJSON_AddItemToArray(j_cr, j_l)
            || cJSON_AddStringToObject(j_l, "@odata.id", job->created_resources.v[i]) == NULL) {
            if (j_l != NULL && j_l->prev == NULL && j_l->next == NULL)
                cJSON_Delete(j_l);
            return -1;
        }
    }
    if (job->parent_id != 0
        && (map_job_uri(job->parent_id, uri, sizeof uri) != 0
            || add_link(j_links, "ParentJob", uri) != 0))
        return -1;
    if (job->kind == JOB_KIND_DOCUMENT && job->document != NULL) {
        if (rf_fmt(uri, sizeof uri, MAP_DOCUMENTS_URI "/%s", job->document) != 0
            || add_link(j_links, "JobDocument", uri) != 0)
            return -1;
        /* The executor that runs or ran it: there is one. */
        if (job->start_time.kind != CIM_DT_NULL
            && add_link(j_links, "Executor", MAP_EXECUTOR_URI) != 0)
            return -1;
    }
    if ((j_sub = cJSON_AddArrayToObject(j_links, "SubsidiaryJobs")) == NULL
        || add_int(j_links, "SubsidiaryJobs@odata.count",
                   ctx != NULL ? (int64_t)ctx->n_subsidiary : 0)
               == NULL)
        return -1;
    for (size_t i = 0; ctx != NULL && i < ctx->n_subsidiary; i++) {
        cJSON *j_l = cJSON_CreateObject();
        if (j_l == NULL || map_job_uri(ctx->subsidiary[i], uri, sizeof uri) != 0
            || cJSON_AddStringToObject(j_l, "@odata.id", uri) == NULL
            || !cJSON_AddItemToArray(j_sub, j_l)) {
            cJSON_Delete(j_l);
            return -1;
        }
    }
    return 0;
}

static const char *const weekday_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};
static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

static int
add_mask(cJSON *j, const char *name, uint32_t mask, const char *const *names, size_t n)
{
    cJSON *j_a;

    if (mask == 0)
        return 0;
    j_a = cJSON_AddArrayToObject(j, name);
    if (j_a == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cJSON *j_s;
        if (!(mask & (1u << i)))
            continue;
        j_s = cJSON_CreateString(names[i]);
        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

cJSON *
map_job_schedule(const struct job *job)
{
    struct job_schedule s;
    char text[64];
    cJSON *j = NULL;

    job_schedule_init(&s);
    if (job_schedule_from_job(job, &s) != JOB_OK)
        goto out;
    j = cJSON_CreateObject();
    if (j == NULL)
        goto out;
    if (s.has_initial_start && map_dt(&s.initial_start, CIM_DT_TIMESTAMP, text, sizeof text) == 0
        && cJSON_AddStringToObject(j, "InitialStartTime", text) == NULL)
        goto fail;
    if (s.recurrence_us != 0) {
        struct cim_datetime iv;
        if (cim_dt_interval_from_us(s.recurrence_us, &iv) != JOB_OK
            || map_dt(&iv, CIM_DT_INTERVAL, text, sizeof text) != 0
            || cJSON_AddStringToObject(j, "RecurrenceInterval", text) == NULL)
            goto fail;
    }
    if (s.lifetime_us != 0) {
        struct cim_datetime iv;
        if (cim_dt_interval_from_us(s.lifetime_us, &iv) != JOB_OK
            || map_dt(&iv, CIM_DT_INTERVAL, text, sizeof text) != 0
            || cJSON_AddStringToObject(j, "Lifetime", text) == NULL)
            goto fail;
    }
    if (s.has_max_occurrences && add_int(j, "MaxOccurrences", s.max_occurrences) == NULL)
        goto fail;
    if (add_mask(j, "EnabledDaysOfWeek", s.days_of_week, weekday_names, 7) != 0
        || add_mask(j, "EnabledMonthsOfYear", s.months, month_names, 12) != 0)
        goto fail;
    if (s.days_of_month != 0) {
        cJSON *j_a = cJSON_AddArrayToObject(j, "EnabledDaysOfMonth");
        if (j_a == NULL)
            goto fail;
        for (int d = 1; d <= 31; d++) {
            cJSON *j_n;
            if (!(s.days_of_month & (1u << d)))
                continue;
            j_n = int_item(d);
            if (j_n == NULL || !cJSON_AddItemToArray(j_a, j_n)) {
                cJSON_Delete(j_n);
                goto fail;
            }
        }
    }
    if (s.intervals.n > 0 && add_strv(j, "EnabledIntervals", &s.intervals) != 0)
        goto fail;
    goto out;
fail:
    cJSON_Delete(j);
    j = NULL;
out:
    job_schedule_cleanup(&s);
    return j;
}

static int
add_payload(cJSON *j, const struct job *job)
{
    cJSON *j_p;

    if (job->payload == NULL || (job->flags & JOB_F_HIDE_PAYLOAD))
        return 0;
    j_p = cJSON_Parse(job->payload);
    if (j_p == NULL)
        return 0; /* not ours to show */
    if (!cJSON_AddItemToObject(j, "Payload", j_p)) {
        cJSON_Delete(j_p);
        return -1;
    }
    return 0;
}

cJSON *
map_job_to_json(const struct job *job, const struct map_job_ctx *ctx)
{
    char uri[RF_URI_MAX];
    char id[24];
    char text[64];
    cJSON *j;
    cJSON *j_oem;
    cJSON *j_cim;
    int final = job_state_is_final(job->job_state);

    if (map_job_uri(job->id, uri, sizeof uri) != 0
        || rf_fmt(id, sizeof id, "%" PRIu64, job->id) != 0)
        return NULL;
    j = rf_res_new(uri, MAP_JOB_TYPE, id, job->name != NULL ? job->name : id);
    if (j == NULL)
        return NULL;
    if (add_str_or_null(j, "Description",
                        job->description != NULL ? job->description : job->caption)
            != 0
        || cJSON_AddStringToObject(j, "JobState", map_job_state(job)) == NULL
        || cJSON_AddStringToObject(j, "JobStatus", map_job_health(job)) == NULL
        || cJSON_AddStringToObject(j, "JobType", map_job_type(job)) == NULL
        || (job->owner != NULL && cJSON_AddStringToObject(j, "CreatedBy", job->owner) == NULL)
        || ((job->null_mask & PBIT(JOB_P_PERCENT_COMPLETE)) || job->percent_complete > 100
                ? cJSON_AddNullToObject(j, "PercentComplete")
                : add_int(j, "PercentComplete", job->percent_complete))
               == NULL
        || add_int(j, "JobPriority", job->priority) == NULL
        || cJSON_AddBoolToObject(j, "HidePayload", (job->flags & JOB_F_HIDE_PAYLOAD) != 0) == NULL)
        goto fail;
    if (map_dt(&job->time_submitted, CIM_DT_TIMESTAMP, text, sizeof text) == 0
        && cJSON_AddStringToObject(j, "CreationTime", text) == NULL)
        goto fail;
    if ((map_dt(&job->start_time, CIM_DT_TIMESTAMP, text, sizeof text) == 0
         || map_dt(&job->scheduled_start_time, CIM_DT_TIMESTAMP, text, sizeof text) == 0)
        && cJSON_AddStringToObject(j, "StartTime", text) == NULL)
        goto fail;
    if (final && map_dt(&job->end_time, CIM_DT_TIMESTAMP, text, sizeof text) == 0
        && cJSON_AddStringToObject(j, "EndTime", text) == NULL)
        goto fail;
    if (job->max_exec_us != 0) {
        struct cim_datetime iv;
        if (cim_dt_interval_from_us(job->max_exec_us, &iv) != JOB_OK
            || map_dt(&iv, CIM_DT_INTERVAL, text, sizeof text) != 0
            || cJSON_AddStringToObject(j, "MaxExecutionTime", text) == NULL)
            goto fail;
    } else if (cJSON_AddNullToObject(j, "MaxExecutionTime") == NULL) {
        goto fail;
    }
    if (ctx != NULL && ctx->estimated_us != 0) {
        struct cim_datetime iv;
        int64_t start;
        if (cim_dt_interval_from_us(ctx->estimated_us, &iv) != JOB_OK
            || map_dt(&iv, CIM_DT_INTERVAL, text, sizeof text) != 0
            || cJSON_AddStringToObject(j, "EstimatedDuration", text) == NULL)
            goto fail;
        if (!final && job->start_time.kind != CIM_DT_NULL
            && cim_dt_to_unix_us(&job->start_time, &start) == JOB_OK) {
            struct cim_datetime end;
            if (cim_dt_from_unix_us(start + (int64_t)ctx->estimated_us, job->start_time.utc_offset,
                                    &end)
                    == JOB_OK
                && map_dt(&end, CIM_DT_TIMESTAMP, text, sizeof text) == 0
                && cJSON_AddStringToObject(j, "EstimatedCompletionTime", text) == NULL)
                goto fail;
        }
    }
    if (job->kind == JOB_KIND_DOCUMENT && job->parameters != NULL
        && !(job->flags & JOB_F_HIDE_PAYLOAD)) {
        cJSON *j_p = cJSON_Parse(job->parameters);
        if (j_p != NULL && !cJSON_AddItemToObject(j, "Parameters", j_p)) {
            cJSON_Delete(j_p);
            goto fail;
        }
    }
    /* A document-based job has no Schedule: its StartTime says when it runs. */
    if (job->kind != JOB_KIND_DOCUMENT
        && (job->sched.enabled || job->job_run_times != 1
            || !(job->null_mask & PBIT(JOB_P_RUN_MONTH)) || !(job->null_mask & PBIT(JOB_P_RUN_DAY))
            || job->scheduled_start_time.kind != CIM_DT_NULL)) {
        cJSON *j_s = map_job_schedule(job);
        if (j_s == NULL || !cJSON_AddItemToObject(j, "Schedule", j_s)) {
            cJSON_Delete(j_s);
            goto fail;
        }
    }
    if (add_payload(j, job) != 0 || add_messages(j, job) != 0 || add_links(j, job, ctx) != 0
        || add_actions(j, job) != 0)
        goto fail;
    j_cim = map_job_cim(job);
    if (j_cim == NULL || (j_oem = cJSON_AddObjectToObject(j, "Oem")) == NULL
        || !cJSON_AddItemToObject(j_oem, "Rfjobd", j_cim)) {
        cJSON_Delete(j_cim);
        goto fail;
    }
    return j;
fail:
    cJSON_Delete(j);
    return NULL;
}

int
map_rc_error(struct rf_resp *resp, enum job_rc rc, const struct job *job, const char *request,
             const char *related)
{
    switch (rc) {
    case JOB_RC_OK:
    case JOB_RC_STARTED:
        return resp->status;
    case JOB_RC_NOT_SUPPORTED:
        rf_resp_error(resp, 400, RF_MSG_ACTION_NOT_SUPPORTED, related, request);
        return 400;
    case JOB_RC_INVALID_PARAMETER:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_VALUE_NOT_IN_LIST, related, "?", request,
                      request);
        return 400;
    case JOB_RC_TIMEOUT_NOT_SUPPORTED:
        rf_resp_error(resp, 400, RF_MSG_ACTION_PARAMETER_NOT_SUPPORTED,
                      related != NULL ? related : "/TimeoutPeriod", "TimeoutPeriod", request);
        return 400;
    case JOB_RC_INVALID_TRANSITION:
        rf_resp_oem_error(resp, 409, RF_OEM_INVALID_STATE_TRANSITION, related,
                          job != NULL ? map_job_state(job) : "?", request);
        return 409;
    case JOB_RC_IN_USE:
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_IN_USE, related);
        return 409;
    case JOB_RC_BUSY:
        rf_resp_error(resp, 503, RF_MSG_SERVICE_TEMPORARILY_UNAVAILABLE, related, "1");
        (void)rf_resp_header(resp, "Retry-After", "1");
        return 503;
    case JOB_RC_TIMEOUT:
        rf_resp_error(resp, 500, RF_MSG_OPERATION_TIMEOUT, related);
        return 500;
    case JOB_RC_UNKNOWN:
    case JOB_RC_FAILED:
        break;
    }
    rf_resp_error(resp, 500, RF_MSG_OPERATION_FAILED, related);
    return 500;
}

void
map_job_err(struct rf_resp *resp, enum job_err err, const char *related)
{
    switch (err) {
    case JOB_OK:
        return;
    case JOB_ENOTFOUND:
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, related, "Job", "?");
        return;
    case JOB_EINVAL:
    case JOB_EREADONLY:
    case JOB_ENOTSUP:
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_ERROR, related,
                      related != NULL ? related + (related[0] == '/') : "?");
        return;
    case JOB_ESTATE:
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_IN_USE, related);
        return;
    case JOB_EBUSY:
        rf_resp_error(resp, 503, RF_MSG_SERVICE_TEMPORARILY_UNAVAILABLE, related, "1");
        (void)rf_resp_header(resp, "Retry-After", "1");
        return;
    case JOB_EEXIST:
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_ALREADY_EXISTS, related, "Job", "Id", "?");
        return;
    case JOB_ENOMEM:
    case JOB_ESTORE:
        break;
    }
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, related);
}

int
map_oem_cim_error(enum rf_oem_id id, const char *const *args, size_t nargs, uint16_t severity,
                  struct cim_error *e)
{
    struct rf_buf text;
    int rc = -1;

    cim_error_init(e);
    rf_buf_init(&text, 1024);
    for (const char *p = rf_oem_text(id); *p != '\0'; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            size_t i = (size_t)(p[1] - '1');
            if (rf_buf_puts(&text, i < nargs ? args[i] : "") != 0)
                goto out;
            p++;
        } else if (rf_buf_append(&text, p, 1) != 0) {
            goto out;
        }
    }
    e->perceived_severity = severity;
    e->error_type = severity >= 5 ? 4 : 1;      /* Software Error, or Other */
    e->cim_status_code = severity >= 5 ? 1 : 0; /* CIM_ERR_FAILED, or none */
    if (cim_error_set_str(&e->owning_entity, "Rfjobd") != JOB_OK
        || cim_error_set_str(&e->message_id, rf_oem_key(id)) != JOB_OK
        || cim_error_set_str(&e->message, text.data != NULL ? text.data : "") != JOB_OK
        || cim_strv_push(&e->recommended_actions, rf_oem_resolution(id)) != JOB_OK
        || (e->error_type == 1
            && cim_error_set_str(&e->other_error_type, "Request outcome") != JOB_OK))
        goto out;
    for (size_t i = 0; i < nargs; i++)
        if (cim_strv_push(&e->message_arguments, args[i]) != JOB_OK)
            goto out;
    rc = 0;
out:
    rf_buf_cleanup(&text);
    if (rc != 0)
        cim_error_cleanup(e);
    return rc;
}
