/* The CIM job object, its property table and its classes; see job.h. */
#include "job.h"

#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PBIT(id) (UINT64_C(1) << (id))

const struct job_prop job_props[JOB_P_COUNT] = {
#define JOB_PROP_ROW(id_, tag_, name_, type_, field_, flags_, min_, max_, maxlen_, en_)            \
    [id_] = {id_, tag_, name_, type_, flags_, min_, max_, maxlen_, en_},
    JOB_PROP_MAP(JOB_PROP_ROW)
#undef JOB_PROP_ROW
};

static const size_t job_prop_offset[JOB_P_COUNT] = {
#define JOB_PROP_OFF(id_, tag_, name_, type_, field_, flags_, min_, max_, maxlen_, en_)            \
    [id_] = offsetof(struct job, field_),
    JOB_PROP_MAP(JOB_PROP_OFF)
#undef JOB_PROP_OFF
};

/* Msps_ProvisioningJob calls JobState 3 PendingBoot; the rest is CIM_ConcreteJob's map. */
static const struct cim_enum_value prov_state_values[] = {
    {JOB_STATE_NEW, "New"},
    {3, "PendingBoot"},
    {JOB_STATE_RUNNING, "Running"},
    {JOB_STATE_SUSPENDED, "Suspended"},
    {JOB_STATE_SHUTTING_DOWN, "Shutting Down"},
    {JOB_STATE_COMPLETED, "Completed"},
    {JOB_STATE_TERMINATED, "Terminated"},
    {JOB_STATE_KILLED, "Killed"},
    {JOB_STATE_EXCEPTION, "Exception"},
    {JOB_STATE_SERVICE, "Service"},
    {JOB_STATE_QUERY_PENDING, "Query Pending"},
};
static const struct cim_enum_range prov_state_ranges[] = {
    {13, 32767, "DMTF Reserved"},
    {32768, 65535, "Vendor Reserved"},
};
static const struct cim_enum prov_job_state = {
    "JobState",
    0,
    65535,
    prov_state_values,
    COUNT(prov_state_values),
    prov_state_ranges,
    COUNT(prov_state_ranges),
};

#define CONCRETE_PROPS                                                                             \
    (PBIT(JOB_P_CAPTION) | PBIT(JOB_P_DESCRIPTION) | PBIT(JOB_P_ELEMENT_NAME)                      \
     | PBIT(JOB_P_INSTALL_DATE) | PBIT(JOB_P_OPERATIONAL_STATUS) | PBIT(JOB_P_STATUS_DESCRIPTIONS) \
     | PBIT(JOB_P_STATUS) | PBIT(JOB_P_HEALTH_STATE) | PBIT(JOB_P_JOB_STATUS)                      \
     | PBIT(JOB_P_TIME_SUBMITTED) | PBIT(JOB_P_SCHEDULED_START_TIME) | PBIT(JOB_P_START_TIME)      \
     | PBIT(JOB_P_ELAPSED_TIME) | PBIT(JOB_P_JOB_RUN_TIMES) | PBIT(JOB_P_RUN_MONTH)                \
     | PBIT(JOB_P_RUN_DAY) | PBIT(JOB_P_RUN_DAY_OF_WEEK) | PBIT(JOB_P_RUN_START_INTERVAL)          \
     | PBIT(JOB_P_LOCAL_OR_UTC_TIME) | PBIT(JOB_P_UNTIL_TIME) | PBIT(JOB_P_NOTIFY)                 \
     | PBIT(JOB_P_OWNER) | PBIT(JOB_P_PRIORITY) | PBIT(JOB_P_PERCENT_COMPLETE)                     \
     | PBIT(JOB_P_DELETE_ON_COMPLETION) | PBIT(JOB_P_ERROR_CODE) | PBIT(JOB_P_ERROR_DESCRIPTION)   \
     | PBIT(JOB_P_RECOVERY_ACTION) | PBIT(JOB_P_OTHER_RECOVERY_ACTION) | PBIT(JOB_P_INSTANCE_ID)   \
     | PBIT(JOB_P_NAME) | PBIT(JOB_P_JOB_STATE) | PBIT(JOB_P_TIME_OF_LAST_STATE_CHANGE)            \
     | PBIT(JOB_P_TIME_BEFORE_REMOVAL))

const struct job_class job_class_concrete = {
    .name = "CIM_ConcreteJob",
    .version = "2.13.0",
    .props = CONCRETE_PROPS,
    .job_state = &cim_enum_job_state,
    .job_status =
        {
            [JOB_SIT_NEW] = "New",
            [JOB_SIT_STARTING] = "Starting",
            [JOB_SIT_PENDING_BOOT] = "Starting",
            [JOB_SIT_RUNNING] = "Running",
            [JOB_SIT_SUSPENDED] = "Suspended",
            [JOB_SIT_SHUTTING_DOWN] = "Shutting Down",
            [JOB_SIT_COMPLETED] = "Completed",
            [JOB_SIT_COMPLETED_WARN] = "Completed with warnings",
            [JOB_SIT_TERMINATED] = "Terminated",
            [JOB_SIT_KILLED] = "Killed",
            [JOB_SIT_EXCEPTION] = "Exception",
            [JOB_SIT_SERVICE] = "Service",
            [JOB_SIT_QUERY_PENDING] = "Query Pending",
        },
    .job_status_closed = false,
    .starting_state = JOB_STATE_STARTING,
    .pending_boot_state = 0,
    .methods = JOB_M_REQUEST_STATE_CHANGE | JOB_M_KILL_JOB | JOB_M_GET_ERROR,
    .requests = JOB_REQ_ALL,
    .timeout_requests = JOB_REQ_BIT(JOB_REQ_TERMINATE),
};

const struct job_class job_class_provisioning = {
    .name = "Msps_ProvisioningJob",
    .version = "1.0.0",
    .props = CONCRETE_PROPS | PBIT(JOB_P_COMMUNICATION_STATUS) | PBIT(JOB_P_DETAILED_STATUS)
             | PBIT(JOB_P_OPERATING_STATUS) | PBIT(JOB_P_PRIMARY_STATUS)
             | PBIT(JOB_P_ADDITIONAL_IDENTIFIER),
    .job_state = &prov_job_state,
    .job_status =
        {
            [JOB_SIT_NEW] = "InProgress",
            [JOB_SIT_STARTING] = "InProgress",
            [JOB_SIT_PENDING_BOOT] = "PendingBoot",
            [JOB_SIT_RUNNING] = "InProgress",
            [JOB_SIT_SUSPENDED] = "InProgress",
            [JOB_SIT_SHUTTING_DOWN] = "InProgress",
            [JOB_SIT_COMPLETED] = "Complete",
            [JOB_SIT_COMPLETED_WARN] = "Complete",
            [JOB_SIT_TERMINATED] = "Failed",
            [JOB_SIT_KILLED] = "Failed",
            [JOB_SIT_EXCEPTION] = "Failed",
            [JOB_SIT_SERVICE] = "InProgress",
            [JOB_SIT_QUERY_PENDING] = "InProgress",
        },
    .job_status_closed = true,
    .starting_state = 0,
    .pending_boot_state = 3,
    .methods = JOB_M_REQUEST_STATE_CHANGE | JOB_M_KILL_JOB | JOB_M_GET_ERROR,
    .requests = JOB_REQ_BIT(JOB_REQ_START) | JOB_REQ_BIT(JOB_REQ_SUSPEND)
                | JOB_REQ_BIT(JOB_REQ_TERMINATE) | JOB_REQ_BIT(JOB_REQ_KILL),
    .timeout_requests = JOB_REQ_BIT(JOB_REQ_TERMINATE),
};

const struct job_class *const job_classes[] = {&job_class_concrete, &job_class_provisioning, NULL};

/* One row per situation: the status properties MAPPING.md's health table gives it. */
struct status_row {
    uint16_t opstatus[2];
    uint8_t n_opstatus;
    uint16_t health;
    uint16_t primary;
    uint16_t detailed;
    uint16_t operating;
    enum cim_status status;
    enum job_health rf_health;
};

static const struct status_row status_table[JOB_SIT_COUNT] = {
    [JOB_SIT_NEW] = {{CIM_OPSTATUS_DORMANT},
                     1,
                     CIM_HEALTH_OK,
                     CIM_PRIMARY_OK,
                     CIM_DETAILED_NO_ADDITIONAL_INFO,
                     CIM_OPERATING_DORMANT,
                     CIM_STATUS_OK,
                     JOB_HEALTH_OK},
    [JOB_SIT_STARTING] = {{CIM_OPSTATUS_STARTING},
                          1,
                          CIM_HEALTH_OK,
                          CIM_PRIMARY_OK,
                          CIM_DETAILED_NO_ADDITIONAL_INFO,
                          CIM_OPERATING_STARTING,
                          CIM_STATUS_STARTING,
                          JOB_HEALTH_OK},
    [JOB_SIT_PENDING_BOOT] = {{CIM_OPSTATUS_STARTING},
                              1,
                              CIM_HEALTH_OK,
                              CIM_PRIMARY_OK,
                              CIM_DETAILED_NO_ADDITIONAL_INFO,
                              CIM_OPERATING_STARTING,
                              CIM_STATUS_STARTING,
                              JOB_HEALTH_OK},
    [JOB_SIT_RUNNING] = {{CIM_OPSTATUS_OK},
                         1,
                         CIM_HEALTH_OK,
                         CIM_PRIMARY_OK,
                         CIM_DETAILED_NO_ADDITIONAL_INFO,
                         CIM_OPERATING_IN_SERVICE,
                         CIM_STATUS_OK,
                         JOB_HEALTH_OK},
    [JOB_SIT_SUSPENDED] = {{CIM_OPSTATUS_DORMANT},
                           1,
                           CIM_HEALTH_OK,
                           CIM_PRIMARY_OK,
                           CIM_DETAILED_NO_ADDITIONAL_INFO,
                           CIM_OPERATING_DORMANT,
                           CIM_STATUS_STOPPED,
                           JOB_HEALTH_OK},
    [JOB_SIT_SHUTTING_DOWN] = {{CIM_OPSTATUS_STOPPING},
                               1,
                               CIM_HEALTH_OK,
                               CIM_PRIMARY_OK,
                               CIM_DETAILED_NO_ADDITIONAL_INFO,
                               CIM_OPERATING_SHUTTING_DOWN,
                               CIM_STATUS_STOPPING,
                               JOB_HEALTH_OK},
    [JOB_SIT_COMPLETED] = {{CIM_OPSTATUS_COMPLETED, CIM_OPSTATUS_OK},
                           2,
                           CIM_HEALTH_OK,
                           CIM_PRIMARY_OK,
                           CIM_DETAILED_NO_ADDITIONAL_INFO,
                           CIM_OPERATING_COMPLETED,
                           CIM_STATUS_OK,
                           JOB_HEALTH_OK},
    [JOB_SIT_COMPLETED_WARN] = {{CIM_OPSTATUS_COMPLETED, CIM_OPSTATUS_DEGRADED},
                                2,
                                CIM_HEALTH_DEGRADED,
                                CIM_PRIMARY_DEGRADED,
                                CIM_DETAILED_NO_ADDITIONAL_INFO,
                                CIM_OPERATING_COMPLETED,
                                CIM_STATUS_DEGRADED,
                                JOB_HEALTH_WARNING},
    [JOB_SIT_TERMINATED] = {{CIM_OPSTATUS_COMPLETED, CIM_OPSTATUS_STOPPED},
                            2,
                            CIM_HEALTH_OK,
                            CIM_PRIMARY_OK,
                            CIM_DETAILED_NO_ADDITIONAL_INFO,
                            CIM_OPERATING_STOPPED,
                            CIM_STATUS_STOPPED,
                            JOB_HEALTH_WARNING},
    [JOB_SIT_KILLED] = {{CIM_OPSTATUS_COMPLETED, CIM_OPSTATUS_ABORTED},
                        2,
                        CIM_HEALTH_DEGRADED,
                        CIM_PRIMARY_DEGRADED,
                        CIM_DETAILED_NO_ADDITIONAL_INFO,
                        CIM_OPERATING_ABORTED,
                        CIM_STATUS_STOPPED,
                        JOB_HEALTH_WARNING},
    [JOB_SIT_EXCEPTION] = {{CIM_OPSTATUS_COMPLETED, CIM_OPSTATUS_ERROR},
                           2,
                           CIM_HEALTH_MAJOR,
                           CIM_PRIMARY_ERROR,
                           CIM_DETAILED_NON_RECOVERABLE,
                           CIM_OPERATING_ABORTED,
                           CIM_STATUS_ERROR,
                           JOB_HEALTH_CRITICAL},
    [JOB_SIT_SERVICE] = {{CIM_OPSTATUS_IN_SERVICE},
                         1,
                         CIM_HEALTH_OK,
                         CIM_PRIMARY_OK,
                         CIM_DETAILED_NO_ADDITIONAL_INFO,
                         CIM_OPERATING_SERVICING,
                         CIM_STATUS_SERVICE,
                         JOB_HEALTH_OK},
    [JOB_SIT_QUERY_PENDING] = {{CIM_OPSTATUS_OK},
                               1,
                               CIM_HEALTH_OK,
                               CIM_PRIMARY_OK,
                               CIM_DETAILED_NO_ADDITIONAL_INFO,
                               CIM_OPERATING_IN_SERVICE,
                               CIM_STATUS_OK,
                               JOB_HEALTH_WARNING},
};

const struct job_prop *
job_prop_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < JOB_P_COUNT; i++)
        if (strcmp(job_props[i].name, name) == 0)
            return &job_props[i];
    return NULL;
}

const struct job_class *
job_class_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; job_classes[i] != NULL; i++)
        if (strcmp(job_classes[i]->name, name) == 0)
            return job_classes[i];
    return NULL;
}

int
job_class_has(const struct job_class *cls, enum job_prop_id id)
{
    return (unsigned)id < JOB_P_COUNT && (cls->props & PBIT(id)) != 0;
}

static void *
field_ptr(struct job *job, enum job_prop_id id)
{
    return (char *)job + job_prop_offset[id];
}

static const void *
field_cptr(const struct job *job, enum job_prop_id id)
{
    return (const char *)job + job_prop_offset[id];
}

/*
 * Status and JobStatus usually hold one of the model's own static texts, shared by every job
 * rather than copied into each: a million jobs then hold no copy of "OK" or "InProgress". A
 * pointer to a static text is never freed and is copied as a pointer.
 */
static const char *
static_text(const char *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < cim_enum_status.n_values; i++)
        if (s == cim_enum_status.values[i].name || strcmp(s, cim_enum_status.values[i].name) == 0)
            return cim_enum_status.values[i].name;
    for (size_t c = 0; job_classes[c] != NULL; c++)
        for (size_t i = 0; i < JOB_SIT_COUNT; i++) {
            const char *t = job_classes[c]->job_status[i];
            if (t != NULL && (s == t || strcmp(s, t) == 0))
                return t;
        }
    return NULL;
}

static int
is_static_text(const char *s)
{
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < cim_enum_status.n_values; i++)
        if (s == cim_enum_status.values[i].name)
            return 1;
    for (size_t c = 0; job_classes[c] != NULL; c++)
        for (size_t i = 0; i < JOB_SIT_COUNT; i++)
            if (s == job_classes[c]->job_status[i])
                return 1;
    return 0;
}

/* Frees an owned string; static texts are left alone. */
static void
text_free(char *s)
{
    if (!is_static_text(s))
        free(s);
}

/* Points a string field at a static text (which it then does not own). */
static void
set_static(char **field, const char *text)
{
    text_free(*field);
    memcpy(field, &text, sizeof text);
}

static int
may_be_static(size_t id)
{
    return id == JOB_P_STATUS || id == JOB_P_JOB_STATUS;
}

void
job_init(struct job *job, const struct job_class *cls)
{
    memset(job, 0, sizeof *job);
    job->cls = cls;
    job->job_state = JOB_STATE_NEW;
    job->job_run_times = 1;
    job->delete_on_completion = true;
    job->time_before_removal.kind = CIM_DT_INTERVAL;
    job->time_before_removal.minute = 5;
    job->time_before_removal.precision = CIM_DT_DIGITS;
    job->recovery_action = CIM_RECOVERY_DO_NOT_CONTINUE;
    job->caps = (uint8_t)(JOB_REQ_BIT(JOB_REQ_START) | JOB_REQ_BIT(JOB_REQ_TERMINATE)
                          | JOB_REQ_BIT(JOB_REQ_KILL));
    /* Scheduling properties start NULL: no recurrence rule. */
    job->null_mask = PBIT(JOB_P_RUN_MONTH) | PBIT(JOB_P_RUN_DAY) | PBIT(JOB_P_RUN_DAY_OF_WEEK)
                     | PBIT(JOB_P_LOCAL_OR_UTC_TIME) | PBIT(JOB_P_ERROR_CODE);
    /* Status properties for a New job; they are static text until derived. */
    const struct status_row *row = &status_table[JOB_SIT_NEW];
    job->operational_status[0] = row->opstatus[0];
    job->n_operational_status = row->n_opstatus;
    job->health_state = row->health;
    job->primary_status = row->primary;
    job->detailed_status = row->detailed;
    job->operating_status = row->operating;
    job->communication_status = CIM_COMMSTATUS_NOT_AVAILABLE;
}

static void
msgs_cleanup(struct job_msgs *m)
{
    for (size_t i = 0; i < m->n; i++)
        cim_error_cleanup(&m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

void
job_cleanup(struct job *job)
{
    const struct job_class *cls = job->cls;

    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        if (job_props[i].type == CIM_T_STRING && may_be_static(i))
            text_free(*(char **)field_ptr(job, (enum job_prop_id)i));
        else if (job_props[i].type == CIM_T_STRING)
            free(*(char **)field_ptr(job, (enum job_prop_id)i));
        else if (job_props[i].type == CIM_T_STRINGV)
            cim_strv_cleanup((struct cim_strv *)field_ptr(job, (enum job_prop_id)i));
    }
    cim_error_free(job->error);
    msgs_cleanup(&job->messages);
    free(job->payload);
    free(job->document);
    free(job->parameters);
    cim_strv_cleanup(&job->created_resources);
    cim_strv_cleanup(&job->sched.intervals);
    job_init(job, cls);
}

enum job_err
job_set_str(char **field, const char *value)
{
    char *copy = NULL;

    if (value != NULL) {
        copy = strdup(value);
        if (copy == NULL)
            return JOB_ENOMEM;
    }
    text_free(*field);
    *field = copy;
    return JOB_OK;
}

static enum job_err
msgs_copy(struct job_msgs *dst, const struct job_msgs *src)
{
    dst->v = NULL;
    dst->n = 0;
    if (src->n == 0)
        return JOB_OK;
    dst->v = calloc(src->n, sizeof *dst->v);
    if (dst->v == NULL)
        return JOB_ENOMEM;
    for (size_t i = 0; i < src->n; i++) {
        cim_error_init(&dst->v[i]);
        dst->n = i + 1;
        if (cim_error_copy(&dst->v[i], &src->v[i]) != JOB_OK)
            return JOB_ENOMEM;
    }
    return JOB_OK;
}

enum job_err
job_copy(struct job *dst, const struct job *src)
{
    job_cleanup(dst);
    memcpy(dst, src, sizeof *dst);
    /* Detach every owned pointer, then copy them one by one. */
    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        if (job_props[i].type == CIM_T_STRING)
            *(char **)field_ptr(dst, (enum job_prop_id)i) = NULL;
        else if (job_props[i].type == CIM_T_STRINGV)
            memset(field_ptr(dst, (enum job_prop_id)i), 0, sizeof(struct cim_strv));
    }
    dst->error = NULL;
    dst->messages.v = NULL;
    dst->messages.n = 0;
    dst->payload = NULL;
    dst->document = NULL;
    dst->parameters = NULL;
    memset(&dst->created_resources, 0, sizeof dst->created_resources);
    memset(&dst->sched.intervals, 0, sizeof dst->sched.intervals);

    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        enum job_prop_id id = (enum job_prop_id)i;
        if (job_props[i].type == CIM_T_STRING) {
            const char *text = *(char *const *)field_cptr(src, id);
            if (may_be_static(i) && is_static_text(text))
                set_static((char **)field_ptr(dst, id), text);
            else if (job_set_str((char **)field_ptr(dst, id), text) != JOB_OK)
                goto fail;
        } else if (job_props[i].type == CIM_T_STRINGV) {
            if (cim_strv_copy((struct cim_strv *)field_ptr(dst, id),
                              (const struct cim_strv *)field_cptr(src, id))
                != JOB_OK)
                goto fail;
        }
    }
    if (src->error != NULL && (dst->error = cim_error_dup(src->error)) == NULL)
        goto fail;
    if (msgs_copy(&dst->messages, &src->messages) != JOB_OK
        || job_set_str(&dst->payload, src->payload) != JOB_OK
        || job_set_str(&dst->document, src->document) != JOB_OK
        || job_set_str(&dst->parameters, src->parameters) != JOB_OK
        || cim_strv_copy(&dst->created_resources, &src->created_resources) != JOB_OK
        || cim_strv_copy(&dst->sched.intervals, &src->sched.intervals) != JOB_OK)
        goto fail;
    return JOB_OK;
fail:
    job_cleanup(dst);
    return JOB_ENOMEM;
}

/* Counts the characters of valid UTF-8 text; returns -1 for invalid UTF-8. */
static long
utf8_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;

    while (*p != 0) {
        unsigned c = *p;
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            len = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return -1;
        }
        for (size_t i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
            || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        p += len;
        n++;
    }
    return n;
}

static enum job_err
check_string(const struct job_prop *p, const char *s)
{
    long n;

    if (s == NULL)
        return (p->flags & JOB_PF_REQUIRED) ? JOB_EINVAL : JOB_OK;
    n = utf8_chars(s);
    if (n < 0 || (p->maxlen != 0 && n > p->maxlen))
        return JOB_EINVAL;
    if (p->id == JOB_P_INSTANCE_ID && !job_instance_id_ok(s))
        return JOB_EINVAL;
    return JOB_OK;
}

static enum job_err
check_int(const struct job_prop *p, int64_t v)
{
    if (v < p->min || v > p->max)
        return JOB_EINVAL;
    /* A value map admits its named values and vendor values; DMTF-reserved ones mean nothing yet.
     */
    if (p->values != NULL && !cim_enum_is_named(p->values, (int32_t)v)
        && !cim_enum_is_vendor(p->values, (int32_t)v))
        return JOB_EINVAL;
    return JOB_OK;
}

static enum job_err
check_datetime(const struct job_prop *p, const struct cim_datetime *dt)
{
    if (dt->kind == CIM_DT_NULL)
        return (p->flags & JOB_PF_REQUIRED) ? JOB_EINVAL : JOB_OK;
    if (dt->kind == CIM_DT_TIMESTAMP && !(p->flags & JOB_PF_TS))
        return JOB_EINVAL;
    if (dt->kind == CIM_DT_INTERVAL && !(p->flags & JOB_PF_IV))
        return JOB_EINVAL;
    return cim_dt_validate(dt) == JOB_OK ? JOB_OK : JOB_EINVAL;
}

static int64_t
read_int(const struct job *job, const struct job_prop *p)
{
    const void *f = field_cptr(job, p->id);

    switch (p->type) {
    case CIM_T_UINT8:
        return *(const uint8_t *)f;
    case CIM_T_SINT8:
        return *(const int8_t *)f;
    case CIM_T_UINT16:
        return *(const uint16_t *)f;
    case CIM_T_UINT32:
        return *(const uint32_t *)f;
    case CIM_T_BOOLEAN:
        return *(const bool *)f ? 1 : 0;
    case CIM_T_STRING:
    case CIM_T_STRINGV:
    case CIM_T_UINT16V:
    case CIM_T_DATETIME:
        break;
    }
    return 0;
}

static void
write_int(struct job *job, const struct job_prop *p, int64_t v)
{
    void *f = field_ptr(job, p->id);

    switch (p->type) {
    case CIM_T_UINT8:
        *(uint8_t *)f = (uint8_t)v;
        break;
    case CIM_T_SINT8:
        *(int8_t *)f = (int8_t)v;
        break;
    case CIM_T_UINT16:
        *(uint16_t *)f = (uint16_t)v;
        break;
    case CIM_T_UINT32:
        *(uint32_t *)f = (uint32_t)v;
        break;
    case CIM_T_BOOLEAN:
        *(bool *)f = v != 0;
        break;
    case CIM_T_STRING:
    case CIM_T_STRINGV:
    case CIM_T_UINT16V:
    case CIM_T_DATETIME:
        break;
    }
}

enum job_err
job_get(const struct job *job, enum job_prop_id id, struct job_value *out)
{
    const struct job_prop *p;

    if ((unsigned)id >= JOB_P_COUNT)
        return JOB_EINVAL;
    p = &job_props[id];
    if (!job_class_has(job->cls, id))
        return JOB_ENOTSUP;
    memset(out, 0, sizeof *out);
    out->type = p->type;
    switch (p->type) {
    case CIM_T_STRING:
        out->u.s = *(char *const *)field_cptr(job, id);
        out->is_null = out->u.s == NULL;
        break;
    case CIM_T_STRINGV:
        out->u.sv = (const struct cim_strv *)field_cptr(job, id);
        out->is_null = out->u.sv->n == 0;
        break;
    case CIM_T_UINT16V:
        out->u.u16v.v = job->operational_status;
        out->u.u16v.n = job->n_operational_status;
        out->is_null = job->n_operational_status == 0;
        break;
    case CIM_T_DATETIME:
        out->u.dt = *(const struct cim_datetime *)field_cptr(job, id);
        out->is_null = out->u.dt.kind == CIM_DT_NULL;
        break;
    case CIM_T_BOOLEAN:
        out->u.b = read_int(job, p) != 0;
        out->is_null = (job->null_mask & PBIT(id)) != 0;
        break;
    case CIM_T_UINT8:
    case CIM_T_SINT8:
    case CIM_T_UINT16:
    case CIM_T_UINT32:
        out->u.i = read_int(job, p);
        out->is_null = (job->null_mask & PBIT(id)) != 0;
        break;
    }
    return JOB_OK;
}

enum job_err
job_set(struct job *job, enum job_prop_id id, const struct job_value *v)
{
    const struct job_prop *p;

    if ((unsigned)id >= JOB_P_COUNT)
        return JOB_EINVAL;
    p = &job_props[id];
    if (!job_class_has(job->cls, id))
        return JOB_ENOTSUP;
    if (v->type != p->type)
        return JOB_EINVAL;
    switch (p->type) {
    case CIM_T_STRING: {
        const char *s = v->is_null ? NULL : v->u.s;
        if (check_string(p, s) != JOB_OK)
            return JOB_EINVAL;
        return job_set_str((char **)field_ptr(job, id), s);
    }
    case CIM_T_STRINGV: {
        struct cim_strv copy = {NULL, 0};
        if (!v->is_null && v->u.sv != NULL) {
            for (size_t i = 0; i < v->u.sv->n; i++)
                if (v->u.sv->v[i] == NULL || utf8_chars(v->u.sv->v[i]) < 0)
                    return JOB_EINVAL;
            if (cim_strv_copy(&copy, v->u.sv) != JOB_OK)
                return JOB_ENOMEM;
        }
        cim_strv_cleanup((struct cim_strv *)field_ptr(job, id));
        *(struct cim_strv *)field_ptr(job, id) = copy;
        return JOB_OK;
    }
    case CIM_T_UINT16V: {
        size_t n = v->is_null ? 0 : v->u.u16v.n;
        if (n > JOB_OPSTATUS_MAX)
            return JOB_EINVAL;
        for (size_t i = 0; i < n; i++)
            if (check_int(p, v->u.u16v.v[i]) != JOB_OK)
                return JOB_EINVAL;
        for (size_t i = 0; i < n; i++)
            job->operational_status[i] = v->u.u16v.v[i];
        job->n_operational_status = (uint8_t)n;
        return JOB_OK;
    }
    case CIM_T_DATETIME: {
        struct cim_datetime dt = v->u.dt;
        if (v->is_null)
            memset(&dt, 0, sizeof dt);
        if (check_datetime(p, &dt) != JOB_OK)
            return JOB_EINVAL;
        *(struct cim_datetime *)field_ptr(job, id) = dt;
        return JOB_OK;
    }
    case CIM_T_BOOLEAN:
    case CIM_T_UINT8:
    case CIM_T_SINT8:
    case CIM_T_UINT16:
    case CIM_T_UINT32: {
        int64_t x = p->type == CIM_T_BOOLEAN ? (v->u.b ? 1 : 0) : v->u.i;
        if (v->is_null) {
            if (p->flags & JOB_PF_REQUIRED)
                return JOB_EINVAL;
            job->null_mask |= PBIT(id);
            write_int(job, p, 0);
            return JOB_OK;
        }
        if (check_int(p, x) != JOB_OK)
            return JOB_EINVAL;
        if (id == JOB_P_JOB_STATE && cim_enum_name(job->cls->job_state, (int32_t)x) == NULL)
            return JOB_EINVAL;
        write_int(job, p, x);
        job->null_mask &= ~PBIT(id);
        return JOB_OK;
    }
    }
    return JOB_EINVAL;
}

enum job_err
job_set_owned_str(struct job *job, enum job_prop_id id, char *s)
{
    const struct job_prop *p;
    char **field;

    if ((unsigned)id >= JOB_P_COUNT || job_props[id].type != CIM_T_STRING)
        return JOB_EINVAL;
    p = &job_props[id];
    if (!job_class_has(job->cls, id))
        return JOB_ENOTSUP;
    if (check_string(p, s) != JOB_OK)
        return JOB_EINVAL;
    field = (char **)field_ptr(job, id);
    if (may_be_static(id) && static_text(s) != NULL) {
        set_static(field, static_text(s)); /* share the model's text */
        free(s);
        return JOB_OK;
    }
    text_free(*field);
    *field = s;
    return JOB_OK;
}

int
job_instance_id_ok(const char *text)
{
    const char *colon;

    if (text == NULL)
        return 0;
    colon = strchr(text, ':');
    /* <OrgID>:<LocalID>: a non-empty OrgID without a colon, then a non-empty LocalID. */
    return colon != NULL && colon != text && colon[1] != '\0';
}

enum job_err
job_validate(const struct job *job, enum job_prop_id *bad)
{
    for (size_t i = 0; i < JOB_P_COUNT; i++) {
        enum job_prop_id id = (enum job_prop_id)i;
        const struct job_prop *p = &job_props[i];
        enum job_err err = JOB_OK;

        if (!job_class_has(job->cls, id))
            continue;
        switch (p->type) {
        case CIM_T_STRING:
            err = check_string(p, *(char *const *)field_cptr(job, id));
            break;
        case CIM_T_STRINGV: {
            const struct cim_strv *sv = (const struct cim_strv *)field_cptr(job, id);
            for (size_t k = 0; k < sv->n && err == JOB_OK; k++)
                if (sv->v[k] == NULL || utf8_chars(sv->v[k]) < 0)
                    err = JOB_EINVAL;
            break;
        }
        case CIM_T_UINT16V:
            if (job->n_operational_status > JOB_OPSTATUS_MAX)
                err = JOB_EINVAL;
            for (size_t k = 0; k < job->n_operational_status && err == JOB_OK; k++)
                err = check_int(p, job->operational_status[k]);
            break;
        case CIM_T_DATETIME:
            err = check_datetime(p, (const struct cim_datetime *)field_cptr(job, id));
            break;
        case CIM_T_BOOLEAN:
        case CIM_T_UINT8:
        case CIM_T_SINT8:
        case CIM_T_UINT16:
        case CIM_T_UINT32:
            if (job->null_mask & PBIT(id)) {
                if (p->flags & JOB_PF_REQUIRED)
                    err = JOB_EINVAL;
            } else {
                err = check_int(p, read_int(job, p));
                if (err == JOB_OK && id == JOB_P_JOB_STATE
                    && cim_enum_name(job->cls->job_state, job->job_state) == NULL)
                    err = JOB_EINVAL;
            }
            break;
        }
        if (err != JOB_OK) {
            if (bad != NULL)
                *bad = id;
            return JOB_EINVAL;
        }
    }
    return JOB_OK;
}

const char *
job_state_name(const struct job *job)
{
    const char *name = cim_enum_name(job->cls->job_state, job->job_state);

    if (name == NULL)
        name = cim_enum_name(&cim_enum_job_state, job->job_state);
    return name != NULL ? name : "Unknown";
}

int
job_state_is_final(uint16_t state)
{
    return state == JOB_STATE_COMPLETED || state == JOB_STATE_TERMINATED
           || state == JOB_STATE_KILLED || state == JOB_STATE_EXCEPTION;
}

enum job_situation
job_situation_of(const struct job *job)
{
    if (job->cls->pending_boot_state != 0 && job->job_state == job->cls->pending_boot_state)
        return JOB_SIT_PENDING_BOOT;
    switch (job->job_state) {
    case JOB_STATE_NEW:
        return JOB_SIT_NEW;
    case JOB_STATE_STARTING:
        return JOB_SIT_STARTING;
    case JOB_STATE_RUNNING:
        return JOB_SIT_RUNNING;
    case JOB_STATE_SUSPENDED:
        return JOB_SIT_SUSPENDED;
    case JOB_STATE_SHUTTING_DOWN:
        return JOB_SIT_SHUTTING_DOWN;
    case JOB_STATE_COMPLETED:
        return (job->flags & JOB_F_WARNINGS) ? JOB_SIT_COMPLETED_WARN : JOB_SIT_COMPLETED;
    case JOB_STATE_TERMINATED:
        return JOB_SIT_TERMINATED;
    case JOB_STATE_KILLED:
        return JOB_SIT_KILLED;
    case JOB_STATE_SERVICE:
        return JOB_SIT_SERVICE;
    case JOB_STATE_QUERY_PENDING:
        return JOB_SIT_QUERY_PENDING;
    default:
        /* Exception, and vendor states a class does not define, are failures. */
        return JOB_SIT_EXCEPTION;
    }
}

enum job_health
job_health_of(const struct job *job)
{
    return status_table[job_situation_of(job)].rf_health;
}

enum job_err
job_derive_status(struct job *job, bool keep_job_status)
{
    enum job_situation sit = job_situation_of(job);
    const struct status_row *row = &status_table[sit];
    const char *status_text = cim_enum_name(&cim_enum_status, (int32_t)row->status);

    if (!(keep_job_status && !job->cls->job_status_closed && job->job_status != NULL))
        set_static(&job->job_status, job->cls->job_status[sit]);
    set_static(&job->status, status_text);
    for (size_t i = 0; i < row->n_opstatus; i++)
        job->operational_status[i] = row->opstatus[i];
    job->n_operational_status = row->n_opstatus;
    job->health_state = row->health;
    job->primary_status = row->primary;
    job->detailed_status = row->detailed;
    job->operating_status = row->operating;
    job->communication_status = CIM_COMMSTATUS_NOT_AVAILABLE;
    return JOB_OK;
}

enum job_err
job_add_message(struct job *job, const struct cim_error *msg)
{
    struct cim_error *v = realloc(job->messages.v, (job->messages.n + 1) * sizeof *v);

    if (v == NULL)
        return JOB_ENOMEM;
    job->messages.v = v;
    cim_error_init(&v[job->messages.n]);
    if (cim_error_copy(&v[job->messages.n], msg) != JOB_OK)
        return JOB_ENOMEM;
    job->messages.n++;
    return JOB_OK;
}

enum job_err
job_compute_elapsed(struct job *job, int64_t now_us)
{
    int64_t start;
    int64_t end = now_us;

    if (job->start_time.kind == CIM_DT_NULL) {
        memset(&job->elapsed_time, 0, sizeof job->elapsed_time);
        return JOB_OK;
    }
    if (cim_dt_to_unix_us(&job->start_time, &start) != JOB_OK)
        return JOB_EINVAL;
    if (job->end_time.kind != CIM_DT_NULL && cim_dt_to_unix_us(&job->end_time, &end) != JOB_OK)
        return JOB_EINVAL;
    if (end < start)
        end = start;
    return cim_dt_interval_from_us((uint64_t)(end - start), &job->elapsed_time);
}

int64_t
job_removal_due(const struct job *job)
{
    int64_t end;
    uint64_t keep;

    if (!job_state_is_final(job->job_state) || !job->delete_on_completion)
        return 0;
    if (cim_dt_to_unix_us(&job->end_time, &end) != JOB_OK)
        return 0;
    if (cim_dt_interval_to_us(&job->time_before_removal, &keep) != JOB_OK)
        keep = 300u * 1000000u;
    if (keep > (uint64_t)INT64_MAX - (uint64_t)end)
        return INT64_MAX;
    return end + (int64_t)keep;
}
