/*
 * CIM enumerations: every value map of CIM_ConcreteJob and Msps_ProvisioningJob as one table of
 * value -> name, with the reserved ranges the class documents name. These tables are the one
 * source of truth for the numbers and names; nothing else in the project spells them.
 */
#ifndef CIM_ENUM_H
#define CIM_ENUM_H

#include <stddef.h>
#include <stdint.h>

#include "job_err.h"

struct cim_enum_value {
    int32_t value;
    const char *name;
};

/* A reserved stretch of the value space ("DMTF Reserved", "Vendor Reserved"). */
struct cim_enum_range {
    int32_t lo;
    int32_t hi;
    const char *name;
};

struct cim_enum {
    const char *property; /* the CIM property or parameter, e.g. "JobState" */
    int32_t min;          /* the domain of the CIM type (uint16: 0..65535) */
    int32_t max;
    const struct cim_enum_value *values; /* ascending by value */
    size_t n_values;
    const struct cim_enum_range *ranges; /* ascending, disjoint from the named values */
    size_t n_ranges;
};

/*
 * Returns the name of value v: its own name, or the name of the reserved range that holds it.
 * Returns NULL when v is outside the type's domain or in no named value or range, which means the
 * value is not valid for the property. The string is static.
 */
const char *cim_enum_name(const struct cim_enum *e, int32_t v);

/* Returns nonzero when v is a named value (not reserved, not outside the domain). */
int cim_enum_is_named(const struct cim_enum *e, int32_t v);

/* Returns nonzero when v lies in a reserved range whose name starts with "Vendor". */
int cim_enum_is_vendor(const struct cim_enum *e, int32_t v);

/*
 * Finds a named value by its exact (case-sensitive) name. Returns JOB_OK and stores the value in
 * *out, or JOB_EINVAL when no value has that name (range names are not values).
 */
enum job_err cim_enum_value(const struct cim_enum *e, const char *name, int32_t *out);

/* JobState (CIM_ConcreteJob names; a job class may rename values, see job_class). */
#define JOB_STATE_MAP(X)                                                                           \
    X(JOB_STATE_NEW, 2, "New")                                                                     \
    X(JOB_STATE_STARTING, 3, "Starting")                                                           \
    X(JOB_STATE_RUNNING, 4, "Running")                                                             \
    X(JOB_STATE_SUSPENDED, 5, "Suspended")                                                         \
    X(JOB_STATE_SHUTTING_DOWN, 6, "Shutting Down")                                                 \
    X(JOB_STATE_COMPLETED, 7, "Completed")                                                         \
    X(JOB_STATE_TERMINATED, 8, "Terminated")                                                       \
    X(JOB_STATE_KILLED, 9, "Killed")                                                               \
    X(JOB_STATE_EXCEPTION, 10, "Exception")                                                        \
    X(JOB_STATE_SERVICE, 11, "Service")                                                            \
    X(JOB_STATE_QUERY_PENDING, 12, "Query Pending")

enum job_state {
#define CIM_ENUM_C(name, value, text) name = value,
    JOB_STATE_MAP(CIM_ENUM_C)
};
#define JOB_STATE_FIRST JOB_STATE_NEW
#define JOB_STATE_LAST JOB_STATE_QUERY_PENDING

/* RequestStateChange's RequestedState parameter. */
#define JOB_REQ_MAP(X)                                                                             \
    X(JOB_REQ_START, 2, "Start")                                                                   \
    X(JOB_REQ_SUSPEND, 3, "Suspend")                                                               \
    X(JOB_REQ_TERMINATE, 4, "Terminate")                                                           \
    X(JOB_REQ_KILL, 5, "Kill")                                                                     \
    X(JOB_REQ_SERVICE, 6, "Service")

enum job_req { JOB_REQ_MAP(CIM_ENUM_C) };
#define JOB_REQ_FIRST JOB_REQ_START
#define JOB_REQ_LAST JOB_REQ_SERVICE

/* RequestStateChange's return value. */
#define JOB_RC_MAP(X)                                                                              \
    X(JOB_RC_OK, 0, "Completed with No Error")                                                     \
    X(JOB_RC_NOT_SUPPORTED, 1, "Not Supported")                                                    \
    X(JOB_RC_UNKNOWN, 2, "Unknown or Unspecified Error")                                           \
    X(JOB_RC_TIMEOUT, 3, "Cannot complete within Timeout Period")                                  \
    X(JOB_RC_FAILED, 4, "Failed")                                                                  \
    X(JOB_RC_INVALID_PARAMETER, 5, "Invalid Parameter")                                            \
    X(JOB_RC_IN_USE, 6, "In Use")                                                                  \
    X(JOB_RC_STARTED, 4096, "Method Parameters Checked - Transition Started")                      \
    X(JOB_RC_INVALID_TRANSITION, 4097, "Invalid State Transition")                                 \
    X(JOB_RC_TIMEOUT_NOT_SUPPORTED, 4098, "Use of Timeout Parameter Not Supported")                \
    X(JOB_RC_BUSY, 4099, "Busy")

enum job_rc { JOB_RC_MAP(CIM_ENUM_C) };

/*
 * The return values of KillJob (CIM_Job) and GetError (CIM_ConcreteJob). The two methods share
 * the numbers they both define; KillJob has no 5 and calls 2 "Unknown", GetError has no 7 and
 * calls 2 "Unspecified Error". Each method's own table is below.
 */
#define JOB_KILL_RC_MAP(X)                                                                         \
    X(JOB_MRC_SUCCESS, 0, "Success")                                                               \
    X(JOB_MRC_NOT_SUPPORTED, 1, "Not Supported")                                                   \
    X(JOB_MRC_UNKNOWN, 2, "Unknown")                                                               \
    X(JOB_MRC_TIMEOUT, 3, "Timeout")                                                               \
    X(JOB_MRC_FAILED, 4, "Failed")                                                                 \
    X(JOB_MRC_ACCESS_DENIED, 6, "Access Denied")                                                   \
    X(JOB_MRC_NOT_FOUND, 7, "Not Found")

#define JOB_GET_ERROR_RC_MAP(X)                                                                    \
    X(JOB_MRC_SUCCESS, 0, "Success")                                                               \
    X(JOB_MRC_NOT_SUPPORTED, 1, "Not Supported")                                                   \
    X(JOB_MRC_UNKNOWN, 2, "Unspecified Error")                                                     \
    X(JOB_MRC_TIMEOUT, 3, "Timeout")                                                               \
    X(JOB_MRC_FAILED, 4, "Failed")                                                                 \
    X(JOB_MRC_INVALID_PARAMETER, 5, "Invalid Parameter")                                           \
    X(JOB_MRC_ACCESS_DENIED, 6, "Access Denied")

enum job_mrc {
    JOB_MRC_SUCCESS = 0,
    JOB_MRC_NOT_SUPPORTED = 1,
    JOB_MRC_UNKNOWN = 2,
    JOB_MRC_TIMEOUT = 3,
    JOB_MRC_FAILED = 4,
    JOB_MRC_INVALID_PARAMETER = 5, /* GetError only */
    JOB_MRC_ACCESS_DENIED = 6,
    JOB_MRC_NOT_FOUND = 7, /* KillJob only */
};

#define CIM_OPSTATUS_MAP(X)                                                                        \
    X(CIM_OPSTATUS_UNKNOWN, 0, "Unknown")                                                          \
    X(CIM_OPSTATUS_OTHER, 1, "Other")                                                              \
    X(CIM_OPSTATUS_OK, 2, "OK")                                                                    \
    X(CIM_OPSTATUS_DEGRADED, 3, "Degraded")                                                        \
    X(CIM_OPSTATUS_STRESSED, 4, "Stressed")                                                        \
    X(CIM_OPSTATUS_PREDICTIVE_FAILURE, 5, "Predictive Failure")                                    \
    X(CIM_OPSTATUS_ERROR, 6, "Error")                                                              \
    X(CIM_OPSTATUS_NON_RECOVERABLE_ERROR, 7, "Non-Recoverable Error")                              \
    X(CIM_OPSTATUS_STARTING, 8, "Starting")                                                        \
    X(CIM_OPSTATUS_STOPPING, 9, "Stopping")                                                        \
    X(CIM_OPSTATUS_STOPPED, 10, "Stopped")                                                         \
    X(CIM_OPSTATUS_IN_SERVICE, 11, "In Service")                                                   \
    X(CIM_OPSTATUS_NO_CONTACT, 12, "No Contact")                                                   \
    X(CIM_OPSTATUS_LOST_COMMUNICATION, 13, "Lost Communication")                                   \
    X(CIM_OPSTATUS_ABORTED, 14, "Aborted")                                                         \
    X(CIM_OPSTATUS_DORMANT, 15, "Dormant")                                                         \
    X(CIM_OPSTATUS_SUPPORTING_ENTITY_IN_ERROR, 16, "Supporting Entity in Error")                   \
    X(CIM_OPSTATUS_COMPLETED, 17, "Completed")                                                     \
    X(CIM_OPSTATUS_POWER_MODE, 18, "Power Mode")

enum cim_opstatus { CIM_OPSTATUS_MAP(CIM_ENUM_C) };

#define CIM_HEALTH_MAP(X)                                                                          \
    X(CIM_HEALTH_UNKNOWN, 0, "Unknown")                                                            \
    X(CIM_HEALTH_OK, 5, "OK")                                                                      \
    X(CIM_HEALTH_DEGRADED, 10, "Degraded/Warning")                                                 \
    X(CIM_HEALTH_MINOR, 15, "Minor failure")                                                       \
    X(CIM_HEALTH_MAJOR, 20, "Major failure")                                                       \
    X(CIM_HEALTH_CRITICAL, 25, "Critical failure")                                                 \
    X(CIM_HEALTH_NON_RECOVERABLE, 30, "Non-recoverable error")

enum cim_health { CIM_HEALTH_MAP(CIM_ENUM_C) };

#define CIM_COMMSTATUS_MAP(X)                                                                      \
    X(CIM_COMMSTATUS_UNKNOWN, 0, "Unknown")                                                        \
    X(CIM_COMMSTATUS_NOT_AVAILABLE, 1, "Not Available")                                            \
    X(CIM_COMMSTATUS_OK, 2, "Communication OK")                                                    \
    X(CIM_COMMSTATUS_LOST, 3, "Lost Communication")                                                \
    X(CIM_COMMSTATUS_NO_CONTACT, 4, "No Contact")

enum cim_commstatus { CIM_COMMSTATUS_MAP(CIM_ENUM_C) };

#define CIM_DETAILED_MAP(X)                                                                        \
    X(CIM_DETAILED_NOT_AVAILABLE, 0, "Not Available")                                              \
    X(CIM_DETAILED_NO_ADDITIONAL_INFO, 1, "No Additional Information")                             \
    X(CIM_DETAILED_STRESSED, 2, "Stressed")                                                        \
    X(CIM_DETAILED_PREDICTIVE_FAILURE, 3, "Predictive Failure")                                    \
    X(CIM_DETAILED_NON_RECOVERABLE, 4, "Non-Recoverable Error")                                    \
    X(CIM_DETAILED_SUPPORTING_ENTITY, 5, "Supporting Entity in Error")

enum cim_detailed { CIM_DETAILED_MAP(CIM_ENUM_C) };

#define CIM_OPERATING_MAP(X)                                                                       \
    X(CIM_OPERATING_UNKNOWN, 0, "Unknown")                                                         \
    X(CIM_OPERATING_NOT_AVAILABLE, 1, "Not Available")                                             \
    X(CIM_OPERATING_SERVICING, 2, "Servicing")                                                     \
    X(CIM_OPERATING_STARTING, 3, "Starting")                                                       \
    X(CIM_OPERATING_STOPPING, 4, "Stopping")                                                       \
    X(CIM_OPERATING_STOPPED, 5, "Stopped")                                                         \
    X(CIM_OPERATING_ABORTED, 6, "Aborted")                                                         \
    X(CIM_OPERATING_DORMANT, 7, "Dormant")                                                         \
    X(CIM_OPERATING_COMPLETED, 8, "Completed")                                                     \
    X(CIM_OPERATING_MIGRATING, 9, "Migrating")                                                     \
    X(CIM_OPERATING_EMIGRATING, 10, "Emigrating")                                                  \
    X(CIM_OPERATING_IMMIGRATING, 11, "Immigrating")                                                \
    X(CIM_OPERATING_SNAPSHOTTING, 12, "Snapshotting")                                              \
    X(CIM_OPERATING_SHUTTING_DOWN, 13, "Shutting Down")                                            \
    X(CIM_OPERATING_IN_TEST, 14, "In Test")                                                        \
    X(CIM_OPERATING_TRANSITIONING, 15, "Transitioning")                                            \
    X(CIM_OPERATING_IN_SERVICE, 16, "In Service")

enum cim_operating { CIM_OPERATING_MAP(CIM_ENUM_C) };

#define CIM_PRIMARY_MAP(X)                                                                         \
    X(CIM_PRIMARY_UNKNOWN, 0, "Unknown")                                                           \
    X(CIM_PRIMARY_OK, 1, "OK")                                                                     \
    X(CIM_PRIMARY_DEGRADED, 2, "Degraded")                                                         \
    X(CIM_PRIMARY_ERROR, 3, "Error")

enum cim_primary { CIM_PRIMARY_MAP(CIM_ENUM_C) };

#define CIM_RECOVERY_MAP(X)                                                                        \
    X(CIM_RECOVERY_UNKNOWN, 0, "Unknown")                                                          \
    X(CIM_RECOVERY_OTHER, 1, "Other")                                                              \
    X(CIM_RECOVERY_DO_NOT_CONTINUE, 2, "Do Not Continue")                                          \
    X(CIM_RECOVERY_CONTINUE_WITH_NEXT, 3, "Continue With Next Job")                                \
    X(CIM_RECOVERY_RERUN, 4, "Re-run Job")                                                         \
    X(CIM_RECOVERY_RUN_RECOVERY_JOB, 5, "Run Recovery Job")

enum cim_recovery { CIM_RECOVERY_MAP(CIM_ENUM_C) };

#define CIM_TIMEBASE_MAP(X)                                                                        \
    X(CIM_TIME_LOCAL, 1, "Local Time")                                                             \
    X(CIM_TIME_UTC, 2, "UTC Time")

enum cim_timebase { CIM_TIMEBASE_MAP(CIM_ENUM_C) };

#define CIM_DOW_MAP(X)                                                                             \
    X(CIM_DOW_NOT_SATURDAY, -7, "-Saturday")                                                       \
    X(CIM_DOW_NOT_FRIDAY, -6, "-Friday")                                                           \
    X(CIM_DOW_NOT_THURSDAY, -5, "-Thursday")                                                       \
    X(CIM_DOW_NOT_WEDNESDAY, -4, "-Wednesday")                                                     \
    X(CIM_DOW_NOT_TUESDAY, -3, "-Tuesday")                                                         \
    X(CIM_DOW_NOT_MONDAY, -2, "-Monday")                                                           \
    X(CIM_DOW_NOT_SUNDAY, -1, "-Sunday")                                                           \
    X(CIM_DOW_EXACT, 0, "ExactDayOfMonth")                                                         \
    X(CIM_DOW_SUNDAY, 1, "Sunday")                                                                 \
    X(CIM_DOW_MONDAY, 2, "Monday")                                                                 \
    X(CIM_DOW_TUESDAY, 3, "Tuesday")                                                               \
    X(CIM_DOW_WEDNESDAY, 4, "Wednesday")                                                           \
    X(CIM_DOW_THURSDAY, 5, "Thursday")                                                             \
    X(CIM_DOW_FRIDAY, 6, "Friday")                                                                 \
    X(CIM_DOW_SATURDAY, 7, "Saturday")

#define CIM_MONTH_MAP(X)                                                                           \
    X(CIM_MONTH_JANUARY, 0, "January")                                                             \
    X(CIM_MONTH_FEBRUARY, 1, "February")                                                           \
    X(CIM_MONTH_MARCH, 2, "March")                                                                 \
    X(CIM_MONTH_APRIL, 3, "April")                                                                 \
    X(CIM_MONTH_MAY, 4, "May")                                                                     \
    X(CIM_MONTH_JUNE, 5, "June")                                                                   \
    X(CIM_MONTH_JULY, 6, "July")                                                                   \
    X(CIM_MONTH_AUGUST, 7, "August")                                                               \
    X(CIM_MONTH_SEPTEMBER, 8, "September")                                                         \
    X(CIM_MONTH_OCTOBER, 9, "October")                                                             \
    X(CIM_MONTH_NOVEMBER, 10, "November")                                                          \
    X(CIM_MONTH_DECEMBER, 11, "December")

/* The deprecated CIM_ManagedSystemElement.Status strings (MaxLen 10). */
#define CIM_STATUS_MAP(X)                                                                          \
    X(CIM_STATUS_OK, 0, "OK")                                                                      \
    X(CIM_STATUS_ERROR, 1, "Error")                                                                \
    X(CIM_STATUS_DEGRADED, 2, "Degraded")                                                          \
    X(CIM_STATUS_UNKNOWN, 3, "Unknown")                                                            \
    X(CIM_STATUS_PRED_FAIL, 4, "Pred Fail")                                                        \
    X(CIM_STATUS_STARTING, 5, "Starting")                                                          \
    X(CIM_STATUS_STOPPING, 6, "Stopping")                                                          \
    X(CIM_STATUS_SERVICE, 7, "Service")                                                            \
    X(CIM_STATUS_STRESSED, 8, "Stressed")                                                          \
    X(CIM_STATUS_NONRECOVER, 9, "NonRecover")                                                      \
    X(CIM_STATUS_NO_CONTACT, 10, "No Contact")                                                     \
    X(CIM_STATUS_LOST_COMM, 11, "Lost Comm")                                                       \
    X(CIM_STATUS_STOPPED, 12, "Stopped")

enum cim_status { CIM_STATUS_MAP(CIM_ENUM_C) };

extern const struct cim_enum cim_enum_job_state;
extern const struct cim_enum cim_enum_requested_state;
extern const struct cim_enum cim_enum_rsc_return;
extern const struct cim_enum cim_enum_kill_job_return;
extern const struct cim_enum cim_enum_get_error_return;
extern const struct cim_enum cim_enum_operational_status;
extern const struct cim_enum cim_enum_health_state;
extern const struct cim_enum cim_enum_communication_status;
extern const struct cim_enum cim_enum_detailed_status;
extern const struct cim_enum cim_enum_operating_status;
extern const struct cim_enum cim_enum_primary_status;
extern const struct cim_enum cim_enum_recovery_action;
extern const struct cim_enum cim_enum_local_or_utc_time;
extern const struct cim_enum cim_enum_run_day_of_week;
extern const struct cim_enum cim_enum_run_month;
extern const struct cim_enum cim_enum_status; /* values are indexes; names are the strings */

/* Every table above, for tests and for listings; NULL-terminated. */
extern const struct cim_enum *const cim_enum_all[];

#endif
