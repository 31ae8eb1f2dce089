/*
 * The CIM job object: every property of CIM_ConcreteJob and Msps_ProvisioningJob, described by one
 * property table (name, CIM type, access, qualifiers), and the job classes as descriptors, so that
 * a third class is a table entry rather than new code paths.
 *
 * A struct job owns all its strings, arrays and its CIM_Error. It is a plain value: the job service
 * hands out copies (job_copy) and never a pointer into its table.
 */
#ifndef JOB_H
#define JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim_datetime.h"
#include "cim_enum.h"
#include "cim_error.h"
#include "job_err.h"

/* CIM types of the properties. */
enum cim_type {
    CIM_T_STRING = 1,
    CIM_T_STRINGV, /* string[] */
    CIM_T_UINT8,
    CIM_T_SINT8,
    CIM_T_UINT16,
    CIM_T_UINT16V, /* uint16[] */
    CIM_T_UINT32,
    CIM_T_BOOLEAN,
    CIM_T_DATETIME,
};

/* Property flags. */
#define JOB_PF_RW 0x01u       /* Read/write for clients; otherwise read-only */
#define JOB_PF_REQUIRED 0x02u /* Required qualifier: never NULL */
#define JOB_PF_KEY 0x04u      /* Key qualifier */
#define JOB_PF_TS 0x08u       /* a datetime that may be a timestamp */
#define JOB_PF_IV 0x10u       /* a datetime that may be an interval */
#define JOB_PF_DEPRECATED 0x20u

/*
 * X(id, tag, name, type, field, flags, min, max, maxlen, enum)
 * The tag is the property's number in the store's encoding: never renumber or reuse one.
 */
#define JOB_PROP_MAP(X)                                                                            \
    X(JOB_P_CAPTION, 1, "Caption", CIM_T_STRING, caption, 0, 0, 0, 64, NULL)                       \
    X(JOB_P_DESCRIPTION, 2, "Description", CIM_T_STRING, description, 0, 0, 0, 0, NULL)            \
    X(JOB_P_ELEMENT_NAME, 3, "ElementName", CIM_T_STRING, element_name, 0, 0, 0, 0, NULL)          \
    X(JOB_P_INSTALL_DATE, 4, "InstallDate", CIM_T_DATETIME, install_date, JOB_PF_TS, 0, 0, 0,      \
      NULL)                                                                                        \
    X(JOB_P_OPERATIONAL_STATUS, 5, "OperationalStatus", CIM_T_UINT16V, operational_status, 0, 0,   \
      65535, 0, &cim_enum_operational_status)                                                      \
    X(JOB_P_STATUS_DESCRIPTIONS, 6, "StatusDescriptions", CIM_T_STRINGV, status_descriptions, 0,   \
      0, 0, 0, NULL)                                                                               \
    X(JOB_P_STATUS, 7, "Status", CIM_T_STRING, status, JOB_PF_DEPRECATED, 0, 0, 10, NULL)          \
    X(JOB_P_HEALTH_STATE, 8, "HealthState", CIM_T_UINT16, health_state, 0, 0, 65535, 0,            \
      &cim_enum_health_state)                                                                      \
    X(JOB_P_COMMUNICATION_STATUS, 9, "CommunicationStatus", CIM_T_UINT16, communication_status, 0, \
      0, 65535, 0, &cim_enum_communication_status)                                                 \
    X(JOB_P_DETAILED_STATUS, 10, "DetailedStatus", CIM_T_UINT16, detailed_status, 0, 0, 65535, 0,  \
      &cim_enum_detailed_status)                                                                   \
    X(JOB_P_OPERATING_STATUS, 11, "OperatingStatus", CIM_T_UINT16, operating_status, 0, 0, 65535,  \
      0, &cim_enum_operating_status)                                                               \
    X(JOB_P_PRIMARY_STATUS, 12, "PrimaryStatus", CIM_T_UINT16, primary_status, 0, 0, 65535, 0,     \
      &cim_enum_primary_status)                                                                    \
    X(JOB_P_TIME_SUBMITTED, 13, "TimeSubmitted", CIM_T_DATETIME, time_submitted,                   \
      JOB_PF_TS | JOB_PF_IV, 0, 0, 0, NULL)                                                        \
    X(JOB_P_SCHEDULED_START_TIME, 14, "ScheduledStartTime", CIM_T_DATETIME, scheduled_start_time,  \
      JOB_PF_RW | JOB_PF_TS | JOB_PF_IV | JOB_PF_DEPRECATED, 0, 0, 0, NULL)                        \
    X(JOB_P_START_TIME, 15, "StartTime", CIM_T_DATETIME, start_time, JOB_PF_TS | JOB_PF_IV, 0, 0,  \
      0, NULL)                                                                                     \
    X(JOB_P_ELAPSED_TIME, 16, "ElapsedTime", CIM_T_DATETIME, elapsed_time, JOB_PF_IV, 0, 0, 0,     \
      NULL)                                                                                        \
    X(JOB_P_JOB_RUN_TIMES, 17, "JobRunTimes", CIM_T_UINT32, job_run_times, JOB_PF_RW, 0,           \
      4294967295, 0, NULL)                                                                         \
    X(JOB_P_RUN_MONTH, 18, "RunMonth", CIM_T_UINT8, run_month, JOB_PF_RW, 0, 11, 0,                \
      &cim_enum_run_month)                                                                         \
    X(JOB_P_RUN_DAY, 19, "RunDay", CIM_T_SINT8, run_day, JOB_PF_RW, -31, 31, 0, NULL)              \
    X(JOB_P_RUN_DAY_OF_WEEK, 20, "RunDayOfWeek", CIM_T_SINT8, run_day_of_week, JOB_PF_RW, -7, 7,   \
      0, &cim_enum_run_day_of_week)                                                                \
    X(JOB_P_RUN_START_INTERVAL, 21, "RunStartInterval", CIM_T_DATETIME, run_start_interval,        \
      JOB_PF_RW | JOB_PF_IV, 0, 0, 0, NULL)                                                        \
    X(JOB_P_LOCAL_OR_UTC_TIME, 22, "LocalOrUtcTime", CIM_T_UINT16, local_or_utc_time, JOB_PF_RW,   \
      0, 65535, 0, &cim_enum_local_or_utc_time)                                                    \
    X(JOB_P_UNTIL_TIME, 23, "UntilTime", CIM_T_DATETIME, until_time,                               \
      JOB_PF_RW | JOB_PF_TS | JOB_PF_IV, 0, 0, 0, NULL)                                            \
    X(JOB_P_NOTIFY, 24, "Notify", CIM_T_STRING, notify, JOB_PF_RW, 0, 0, 0, NULL)                  \
    X(JOB_P_OWNER, 25, "Owner", CIM_T_STRING, owner, 0, 0, 0, 0, NULL)                             \
    X(JOB_P_PRIORITY, 26, "Priority", CIM_T_UINT32, priority, JOB_PF_RW, 0, 4294967295, 0, NULL)   \
    X(JOB_P_PERCENT_COMPLETE, 27, "PercentComplete", CIM_T_UINT16, percent_complete, 0, 0, 101, 0, \
      NULL)                                                                                        \
    X(JOB_P_DELETE_ON_COMPLETION, 28, "DeleteOnCompletion", CIM_T_BOOLEAN, delete_on_completion,   \
      JOB_PF_RW, 0, 1, 0, NULL)                                                                    \
    X(JOB_P_ERROR_CODE, 29, "ErrorCode", CIM_T_UINT16, error_code, 0, 0, 65535, 0, NULL)           \
    X(JOB_P_ERROR_DESCRIPTION, 30, "ErrorDescription", CIM_T_STRING, error_description, 0, 0, 0,   \
      0, NULL)                                                                                     \
    X(JOB_P_RECOVERY_ACTION, 31, "RecoveryAction", CIM_T_UINT16, recovery_action, 0, 0, 65535, 0,  \
      &cim_enum_recovery_action)                                                                   \
    X(JOB_P_OTHER_RECOVERY_ACTION, 32, "OtherRecoveryAction", CIM_T_STRING, other_recovery_action, \
      0, 0, 0, 0, NULL)                                                                            \
    X(JOB_P_INSTANCE_ID, 33, "InstanceID", CIM_T_STRING, instance_id,                              \
      JOB_PF_KEY | JOB_PF_REQUIRED, 0, 0, 0, NULL)                                                 \
    X(JOB_P_NAME, 34, "Name", CIM_T_STRING, name, JOB_PF_REQUIRED, 0, 0, 1024, NULL)               \
    X(JOB_P_TIME_OF_LAST_STATE_CHANGE, 35, "TimeOfLastStateChange", CIM_T_DATETIME,                \
      time_of_last_state_change, JOB_PF_TS | JOB_PF_IV, 0, 0, 0, NULL)                             \
    X(JOB_P_TIME_BEFORE_REMOVAL, 36, "TimeBeforeRemoval", CIM_T_DATETIME, time_before_removal,     \
      JOB_PF_RW | JOB_PF_REQUIRED | JOB_PF_IV, 0, 0, 0, NULL)                                      \
    X(JOB_P_JOB_STATUS, 37, "JobStatus", CIM_T_STRING, job_status, 0, 0, 0, 0, NULL)               \
    X(JOB_P_JOB_STATE, 38, "JobState", CIM_T_UINT16, job_state, 0, 0, 65535, 0,                    \
      &cim_enum_job_state)                                                                         \
    X(JOB_P_ADDITIONAL_IDENTIFIER, 39, "AdditionalIdentifier", CIM_T_STRING,                       \
      additional_identifier, 0, 0, 0, 0, NULL)

enum job_prop_id {
#define JOB_PROP_ENUM(id, tag, name, type, field, flags, min, max, maxlen, en) id,
    JOB_PROP_MAP(JOB_PROP_ENUM)
#undef JOB_PROP_ENUM
        JOB_P_COUNT
};

struct job_prop {
    enum job_prop_id id;
    uint8_t tag;
    const char *name;
    enum cim_type type;
    unsigned flags;
    int64_t min; /* integer range (MinValue/MaxValue or the type's range) */
    int64_t max;
    uint16_t maxlen;               /* MaxLen for strings, 0 = none; counted in characters (UTF-8) */
    const struct cim_enum *values; /* the value map, or NULL */
};

/* The property table, indexed by enum job_prop_id. */
extern const struct job_prop job_props[JOB_P_COUNT];

/* Finds a property by its exact CIM name; NULL when there is none. */
const struct job_prop *job_prop_find(const char *name);

/* The situation of a job: what MAPPING.md's health table has one row for. */
enum job_situation {
    JOB_SIT_NEW,
    JOB_SIT_STARTING,
    JOB_SIT_PENDING_BOOT,
    JOB_SIT_RUNNING,
    JOB_SIT_SUSPENDED,
    JOB_SIT_SHUTTING_DOWN,
    JOB_SIT_COMPLETED,
    JOB_SIT_COMPLETED_WARN,
    JOB_SIT_TERMINATED,
    JOB_SIT_KILLED,
    JOB_SIT_EXCEPTION,
    JOB_SIT_SERVICE,
    JOB_SIT_QUERY_PENDING,
    JOB_SIT_COUNT
};

/* The worst message severity of a job, which Redfish shows as JobStatus. */
enum job_health { JOB_HEALTH_OK, JOB_HEALTH_WARNING, JOB_HEALTH_CRITICAL };

/* Methods a class has. */
#define JOB_M_REQUEST_STATE_CHANGE 0x1u
#define JOB_M_KILL_JOB 0x2u
#define JOB_M_GET_ERROR 0x4u

/* Bit for a RequestedState in request masks. */
#define JOB_REQ_BIT(req) (1u << (unsigned)(req))
#define JOB_REQ_ALL                                                                                \
    (JOB_REQ_BIT(JOB_REQ_START) | JOB_REQ_BIT(JOB_REQ_SUSPEND) | JOB_REQ_BIT(JOB_REQ_TERMINATE)    \
     | JOB_REQ_BIT(JOB_REQ_KILL) | JOB_REQ_BIT(JOB_REQ_SERVICE))

/* A job class: which properties it has, what it calls its states, what its methods accept. */
struct job_class {
    const char *name;                 /* "CIM_ConcreteJob" */
    const char *version;              /* the class document's version */
    uint64_t props;                   /* bit (1 << enum job_prop_id) per property of the class */
    const struct cim_enum *job_state; /* the class's names for JobState values */
    /* JobStatus text per situation; for a class with a closed set of JobStatus values, only those
     * values appear here. */
    const char *job_status[JOB_SIT_COUNT];
    bool job_status_closed;     /* JobStatus takes only the values above; else free-form text */
    uint8_t starting_state;     /* the state a started job passes through, or 0 for none */
    uint8_t pending_boot_state; /* the state meaning "waiting for the machine to boot", or 0 */
    unsigned methods;           /* JOB_M_* */
    unsigned requests;          /* RequestedState values its RequestStateChange accepts */
    unsigned timeout_requests;  /* requests for which it honours TimeoutPeriod */
};

extern const struct job_class job_class_concrete;     /* CIM_ConcreteJob */
extern const struct job_class job_class_provisioning; /* Msps_ProvisioningJob */

/* Every class, NULL-terminated. */
extern const struct job_class *const job_classes[];

/* Finds a class by its exact name; NULL when unknown. */
const struct job_class *job_class_find(const char *name);

/* Returns nonzero when the class has the property. */
int job_class_has(const struct job_class *cls, enum job_prop_id id);

/* How a job came to be. */
enum job_kind { JOB_KIND_SERVICE = 0, JOB_KIND_USER = 1, JOB_KIND_DOCUMENT = 2 };

/*
 * Why a New job is held back, which Redfish shows with states CIM does not have. Never set on
 * jobs in other states.
 */
enum job_hold {
    JOB_HOLD_NONE = 0,
    JOB_HOLD_SCHEDULED = 1,   /* waits for its start time */
    JOB_HOLD_VALIDATING = 2,  /* waits for validation */
    JOB_HOLD_INVALID = 3,     /* failed validation */
    JOB_HOLD_INTERRUPTED = 4, /* re-queued after a service restart */
    JOB_HOLD_QUEUED = 5,      /* valid, waits for its runner (a free executor slot) */
};

/* Job flags. */
#define JOB_F_WARNINGS 0x01u        /* completed with warnings */
#define JOB_F_HIDE_PAYLOAD 0x02u    /* the payload is never shown to clients */
#define JOB_F_START_REQUESTED 0x04u /* Start was accepted; the runner has not reported yet */
#define JOB_F_HAS_CHILDREN 0x08u    /* other jobs name it as their parent */

/* A list of messages about a job (each a CIM_Error instance, as CIM indications carry them). */
struct job_msgs {
    struct cim_error *v;
    size_t n;
};

#define JOB_OPSTATUS_MAX 4

/*
 * The parts of a Redfish Schedule that the CIM Run* properties cannot hold. The CIM properties
 * stay the truth for what they can say (JobRunTimes, RunMonth, RunDay, RunDayOfWeek,
 * RunStartInterval, LocalOrUtcTime, UntilTime, ScheduledStartTime); job_schedule.h keeps the two
 * views consistent.
 */
struct job_sched {
    uint64_t recurrence_us;    /* RecurrenceInterval; 0 = none */
    uint64_t lifetime_us;      /* Lifetime; 0 = none */
    uint32_t days_of_month;    /* EnabledDaysOfMonth: bit d (1..31); 0 = every day */
    uint16_t months;           /* EnabledMonthsOfYear: bit m (0 = January); 0 = every month */
    uint8_t days_of_week;      /* EnabledDaysOfWeek: bit d (0 = Sunday); 0 = every day */
    uint8_t enabled;           /* nonzero when the job has a schedule at all */
    uint32_t runs;             /* occurrences started so far */
    struct cim_strv intervals; /* EnabledIntervals, as ISO 8601 "start/end" texts */
};

struct job {
    uint64_t id; /* the service's number for the job; the LocalID of InstanceID */
    const struct job_class *cls;

    /* CIM properties (see JOB_PROP_MAP) */
    char *caption;
    char *description;
    char *element_name;
    struct cim_datetime install_date;
    uint16_t operational_status[JOB_OPSTATUS_MAX];
    uint8_t n_operational_status;
    struct cim_strv status_descriptions;
    char *status;
    uint16_t health_state;
    uint16_t communication_status;
    uint16_t detailed_status;
    uint16_t operating_status;
    uint16_t primary_status;
    struct cim_datetime time_submitted;
    struct cim_datetime scheduled_start_time;
    struct cim_datetime start_time;
    struct cim_datetime elapsed_time;
    uint32_t job_run_times;
    uint8_t run_month;
    int8_t run_day;
    int8_t run_day_of_week;
    struct cim_datetime run_start_interval;
    uint16_t local_or_utc_time;
    struct cim_datetime until_time;
    char *notify;
    char *owner;
    uint32_t priority;
    uint16_t percent_complete;
    bool delete_on_completion;
    uint16_t error_code;
    char *error_description;
    uint16_t recovery_action;
    char *other_recovery_action;
    char *instance_id;
    char *name;
    struct cim_datetime time_of_last_state_change;
    struct cim_datetime time_before_removal;
    char *job_status;
    uint16_t job_state;
    char *additional_identifier;
    uint64_t null_mask; /* bit per integer/boolean property that is NULL */

    /* Beyond the CIM properties */
    struct cim_error *error;      /* what GetError returns; NULL when none */
    struct job_msgs messages;     /* messages about the job, oldest first */
    struct cim_datetime end_time; /* when it reached a final state */
    uint64_t parent_id;           /* the job that created it (a schedule's runs), or 0 */
    uint64_t max_exec_us;         /* maximum execution time, 0 = none */
    uint8_t kind;                 /* enum job_kind */
    uint8_t hold;                 /* enum job_hold */
    uint8_t flags;                /* JOB_F_* */
    uint8_t caps;                 /* JOB_REQ_BIT()s the job's runner can carry out */
    char *payload;                /* opaque to the model: the creator's description of the work */
    char *document;               /* the job document's id, for document-based jobs */
    char *parameters;             /* opaque to the model: the submitted parameters */
    struct cim_strv created_resources;
    struct job_sched sched; /* what Redfish's Schedule says beyond the CIM Run* properties */
};

/* A property value, as job_get returns it (pointers borrowed from the job) and job_set takes it. */
struct job_value {
    enum cim_type type;
    bool is_null;
    union {
        int64_t i; /* every integer type */
        bool b;
        const char *s;
        struct cim_datetime dt;
        struct {
            const uint16_t *v;
            size_t n;
        } u16v;
        const struct cim_strv *sv;
    } u;
};

/*
 * Initialises a job of class cls with the class defaults: JobState New, JobRunTimes 1,
 * TimeBeforeRemoval 5 minutes, DeleteOnCompletion true, PercentComplete 0, Priority 0 and the
 * status properties of a new job. Every string is NULL. Does not allocate.
 */
void job_init(struct job *job, const struct job_class *cls);

/* Frees everything the job owns and leaves it as job_init left it with its class. */
void job_cleanup(struct job *job);

/*
 * Deep-copies src into dst, which must be initialised (its old content is freed). Returns JOB_OK,
 * or JOB_ENOMEM with dst left initialised and empty.
 */
enum job_err job_copy(struct job *dst, const struct job *src) __attribute__((warn_unused_result));

/*
 * Reads a property into *out; pointers in *out are borrowed from the job and live until the job
 * changes. Returns JOB_EINVAL for an unknown property and JOB_ENOTSUP when the job's class does not
 * have it.
 */
enum job_err job_get(const struct job *job, enum job_prop_id id, struct job_value *out);

/*
 * Sets a property after checking its type and qualifiers (range, MaxLen, value map, Required,
 * which datetime kinds it takes). Copies strings. Does not check access: the job service decides
 * what a client may write. Returns JOB_OK, JOB_EINVAL (nothing changed), JOB_ENOTSUP (not a
 * property of the class) or JOB_ENOMEM (nothing changed).
 */
enum job_err job_set(struct job *job, enum job_prop_id id, const struct job_value *v)
    __attribute__((warn_unused_result));

/*
 * As job_set for a string property, but takes ownership of s (a malloc'd string) instead of
 * copying it. On JOB_OK the job owns s; on any error the caller still does.
 */
enum job_err job_set_owned_str(struct job *job, enum job_prop_id id, char *s)
    __attribute__((warn_unused_result));

/* Replaces a string field with a copy of value (NULL clears); JOB_ENOMEM leaves it unchanged. */
enum job_err job_set_str(char **field, const char *value);

/*
 * Checks a whole job against its class: every value within its qualifiers, the required ones
 * present, InstanceID in <OrgID>:<LocalID> form. Returns JOB_OK or JOB_EINVAL and the offending
 * property in *bad (when bad is not NULL).
 */
enum job_err job_validate(const struct job *job, enum job_prop_id *bad);

/* Returns nonzero when InstanceID text has the <OrgID>:<LocalID> form (OrgID without a colon). */
int job_instance_id_ok(const char *text);

/* The name the job's class gives its JobState (for example "PendingBoot"); never NULL. */
const char *job_state_name(const struct job *job);

/* Returns nonzero for the final states: Completed, Terminated, Killed, Exception. */
int job_state_is_final(uint16_t state);

/* Returns the situation the job is in. */
enum job_situation job_situation_of(const struct job *job);

/* Returns the job's health (worst severity), from its situation. */
enum job_health job_health_of(const struct job *job);

/*
 * Sets OperationalStatus, HealthState, PrimaryStatus, DetailedStatus, OperatingStatus,
 * CommunicationStatus, Status and JobStatus from the job's state, per the status table. A class
 * whose JobStatus is free-form keeps a JobStatus text a runner has set while the state is
 * unchanged (keep_job_status). Returns JOB_OK or JOB_ENOMEM (the job is unchanged).
 */
enum job_err job_derive_status(struct job *job, bool keep_job_status);

/*
 * Appends a copy of msg to the job's messages. Returns JOB_OK or JOB_ENOMEM (nothing appended).
 */
enum job_err job_add_message(struct job *job, const struct cim_error *msg);

/*
 * Sets ElapsedTime from StartTime to the end time, or to now_us while the job has not ended.
 * Leaves it NULL when the job never started. Returns JOB_OK or JOB_EINVAL for times that are not
 * fully significant timestamps.
 */
enum job_err job_compute_elapsed(struct job *job, int64_t now_us);

/*
 * When a finished job is due for removal, in microseconds since the epoch: end + TimeBeforeRemoval
 * when DeleteOnCompletion is true. Returns 0 when the job is not due for removal ever (not final,
 * or DeleteOnCompletion false).
 */
int64_t job_removal_due(const struct job *job);

#endif
