/*
 * The Redfish face of a CIM job: pure functions from model objects to Redfish JSON (and the
 * contract of MAPPING.md: states, health, times, actions, return codes, errors). No I/O, no
 * locks; every builder returns a new tree that the caller deletes, or NULL when out of memory.
 */
#ifndef RF_MAP_JOB_H
#define RF_MAP_JOB_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "job_fsm.h"
#include "rf_msg.h"

#define MAP_JOBS_URI "/redfish/v1/JobService/Jobs"
#define MAP_JOB_TYPE "#Job.v1_3_0.Job"
#define MAP_OEM_JOB_TYPE "#RfjobdJob.v1_0_0.Job"
#define MAP_OEM_ERROR_TYPE "#RfjobdJob.v1_0_0.CIMError"

/* Actions, as bits of map_job_actions(). */
#define MAP_ACT_CANCEL (1u << 0)
#define MAP_ACT_SUSPEND (1u << 1)
#define MAP_ACT_RESUME (1u << 2)
#define MAP_ACT_FORCE_START (1u << 3)
#define MAP_ACT_VALIDATE (1u << 4)
#define MAP_ACT_INVALIDATE (1u << 5)
#define MAP_ACT_RESUBMIT (1u << 6)
#define MAP_ACT_RSC (1u << 7)       /* #RfjobdJob.RequestStateChange */
#define MAP_ACT_KILL_JOB (1u << 8)  /* #RfjobdJob.KillJob */
#define MAP_ACT_GET_ERROR (1u << 9) /* #RfjobdJob.GetError */

/* The Redfish JobState of a job ("Running", "Pending", "Cancelled", ...). */
const char *map_job_state(const struct job *job);

/* The Redfish JobStatus (a Health value) of a job: the worst of its health and its messages. */
const char *map_job_health(const struct job *job);

/* The Redfish JobType of a job. */
const char *map_job_type(const struct job *job);

/* The actions legal for the job in its current state and class (MAP_ACT_* bits). */
unsigned map_job_actions(const struct job *job);

/* The RequestedState values (JOB_REQ_BIT()s) the job would accept now. */
unsigned map_job_requests(const struct job *job);

/* What the job's resource shows beyond the job itself. */
struct map_job_ctx {
    const uint64_t *subsidiary; /* ids of the jobs this one created */
    size_t n_subsidiary;
    uint64_t estimated_us; /* EstimatedDuration (from the job's document), 0 = unknown */
};

#define MAP_DOCUMENTS_URI "/redfish/v1/JobService/Documents"
#define MAP_EXECUTORS_URI "/redfish/v1/JobService/Executors"
#define MAP_EXECUTOR_ID "Local"
#define MAP_EXECUTOR_URI MAP_EXECUTORS_URI "/" MAP_EXECUTOR_ID

/* The Job resource. */
cJSON *map_job_to_json(const struct job *job, const struct map_job_ctx *ctx);

/* The Schedule of a job, from both views (the Run* properties and what Redfish adds). */
cJSON *map_job_schedule(const struct job *job);

/* Oem.Rfjobd: every property of the job's CIM class, enumerations with their names. */
cJSON *map_job_cim(const struct job *job);

/* A CIM_Error as a Redfish Message, with its CIM properties under Oem.Rfjobd. */
cJSON *map_cim_error_message(const struct cim_error *e);

/*
 * Writes a CIM datetime as Redfish shows it: a timestamp as an ISO 8601 date-time, an interval
 * as an ISO 8601 duration. Returns 0, or -1 when it has no Redfish form (NULL, a wildcard
 * timestamp that is not a full date-time, the wrong kind for `want`).
 */
int map_dt(const struct cim_datetime *dt, enum cim_dt_kind want, char *out, size_t size);

/* The URI of a job. Returns 0, or -1 when it does not fit. */
int map_job_uri(uint64_t id, char *out, size_t size);

/*
 * Parses a job Id from a URI segment: decimal digits only, no leading zero, not 0. Returns 0
 * and the id, or -1.
 */
int map_job_id(const char *seg, uint64_t *id);

/* The name of a RequestedState value ("Suspend"), or NULL. */
const char *map_request_name(uint32_t requested);

/*
 * Makes resp the answer MAPPING.md gives a rejected CIM return code for a request (its name in
 * `request`, such as "Suspend" or "KillJob"): 400/409/503/500 with the Base or OEM message.
 * Returns the HTTP status chosen.
 */
int map_rc_error(struct rf_resp *resp, enum job_rc rc, const struct job *job, const char *request,
                 const char *related);

/* Makes resp the answer to a model error (404, 400, 409, 500, 503), naming related. */
void map_job_err(struct rf_resp *resp, enum job_err err, const char *related);

/*
 * An OEM message as a CIM_Error (OwningEntity Rfjobd, MessageID the registry key, Message with
 * the arguments filled in, the resolution as RecommendedActions), with PerceivedSeverity
 * severity: 5 and above make it a Software Error with CIMStatusCode CIM_ERR_FAILED. Initialises
 * *e. Returns 0, or -1 when out of memory (*e is then empty).
 */
int map_oem_cim_error(enum rf_oem_id id, const char *const *args, size_t nargs, uint16_t severity,
                      struct cim_error *e);

#endif
