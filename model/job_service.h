/*
 * The job service: the table of jobs, its one lock, the store behind it, and the observers that
 * hear of every change. Every call that changes a job validates it (job_fsm, the property table),
 * applies it under the lock, queues it for the store and returns only when the store has committed
 * it; concurrent changes share one commit (group commit). Readers never see a change that is not
 * committed yet. Every getter hands out copies: no pointer into the table escapes, except to the
 * filter callback of job_service_page, for the duration of the call.
 */
#ifndef JOB_SERVICE_H
#define JOB_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "job_fsm.h"
#include "store.h"

struct job_service;

/* Microseconds since the Unix epoch. */
typedef int64_t (*job_clock_fn)(void *arg);

struct job_service_opts {
    struct store *store; /* required; the caller closes it after job_service_close */
    const char *org_id;  /* OrgID of InstanceIDs; NULL = "rfjobd" (no colon allowed) */
    job_clock_fn clock;  /* NULL = the system's real-time clock */
    void *clock_arg;
    bool manual_housekeeping; /* no retention thread: the caller runs job_service_run_due */
    size_t max_jobs;          /* 0 = no limit; beyond it job_service_create returns JOB_EBUSY */
};

/* What happened to a job, as observers hear it. */
enum job_change {
    JOB_CHANGE_CREATED,
    JOB_CHANGE_STATE,    /* JobState changed (old_state -> new_state) */
    JOB_CHANGE_PROGRESS, /* PercentComplete changed */
    JOB_CHANGE_UPDATED,  /* other properties changed */
    JOB_CHANGE_REMOVED,
};

struct job_notice {
    enum job_change change;
    uint64_t id;
    uint16_t old_state;
    uint16_t new_state;
    const struct job *job; /* the job after the change (as it was, for REMOVED); valid only
                              during the call */
};

/*
 * Observers run on the service's notifier thread, in commit order, after the change is durable.
 * They may call into the job service; they should return quickly.
 */
typedef void (*job_observer_fn)(void *arg, const struct job_notice *notice);

/*
 * Whoever runs jobs (an executor) carries out accepted requests through this. request() is called
 * with the service lock held, after the state machine accepted the request and before the change
 * is committed; it must not call into the job service. Returning JOB_RC_OK or JOB_RC_STARTED lets
 * the change go ahead; any other return code rejects the request, which then changes nothing.
 */
struct job_driver {
    enum job_rc (*request)(void *arg, const struct job *job, enum job_req req, uint64_t timeout_us);
    void *arg;
};

/* What a runner reports about a job. */
struct job_report {
    enum job_ev ev;
    int percent;                     /* JOB_EV_PROGRESS: 0..100 */
    const struct cim_error *error;   /* JOB_EV_FAILED: required */
    const struct cim_error *message; /* any event: a message to add to the job, or NULL */
    const char *job_status;          /* free-form JobStatus text for classes that allow it */
    uint16_t error_code;             /* JOB_EV_FAILED: ErrorCode */
    const char *error_description;   /* JOB_EV_FAILED: ErrorDescription, or NULL */
};

/* A page of copies. */
struct job_page {
    struct job *jobs;
    size_t n;
    size_t total; /* how many jobs matched, in all */
};

/* Releases the copies of a page; the page is empty afterwards. */
void job_page_cleanup(struct job_page *page);

/* Returns nonzero to include the job. Runs under the lock: it must not keep the pointer, and
 * must not call into the job service. */
typedef int (*job_filter_fn)(void *arg, const struct job *job);

/* Changes a job copy in place for job_service_update; returns JOB_OK to commit the change. */
typedef enum job_err (*job_update_fn)(void *arg, struct job *job);

/*
 * Opens the service over opts->store: loads every job, then applies the restart rule to each job
 * that was active when the service stopped (it becomes Exception with a CIM_Error saying the
 * service restarted, or, when its RecoveryAction is Re-run Job, New again, held as Interrupted),
 * and commits that before returning. Starts the committer, notifier and (unless manual) retention
 * threads. Returns JOB_OK and the service in *out, JOB_EINVAL for bad options or a damaged stored
 * job, JOB_ESTORE, or JOB_ENOMEM.
 */
enum job_err job_service_open(const struct job_service_opts *opts, struct job_service **out)
    __attribute__((warn_unused_result));

/* Stops the threads (delivering the notices already queued) and frees the service. NULL-safe. */
void job_service_close(struct job_service *svc);

/* Adds an observer; returns JOB_OK or JOB_EBUSY when there are too many (8). Takes the lock. */
enum job_err job_service_observe(struct job_service *svc, job_observer_fn fn, void *arg);

/* Sets the driver that carries out requests; NULL means requests change only the model. */
void job_service_set_driver(struct job_service *svc, const struct job_driver *driver);

/* The service's clock, in microseconds since the epoch. */
int64_t job_service_now(const struct job_service *svc);

/*
 * Creates a job from tmpl: its class, name and other properties a creator may set (the
 * Required ones too; a missing Name becomes "Job <id>"). The service assigns the id, InstanceID
 * (<OrgID>:<id>), TimeSubmitted, JobState New and the status properties. On JOB_OK the committed
 * job is copied to *out (when out is not NULL; out must be initialised). Returns JOB_EINVAL with
 * *bad (when not NULL) naming the offending property, JOB_EBUSY at max_jobs, JOB_ESTORE or
 * JOB_ENOMEM; nothing is created then. Takes the lock.
 */
enum job_err job_service_create(struct job_service *svc, const struct job *tmpl, struct job *out,
                                enum job_prop_id *bad) __attribute__((warn_unused_result));

/* Copies job id into *out (initialised). JOB_ENOTFOUND, JOB_ENOMEM. Takes the lock. */
enum job_err job_service_get(struct job_service *svc, uint64_t id, struct job *out)
    __attribute__((warn_unused_result));

/* Returns how many jobs there are. Takes the lock. */
size_t job_service_count(struct job_service *svc);

/*
 * Copies the jobs that filter accepts (all when filter is NULL), in id order, skipping `skip`
 * and taking at most `top`, into *page (free with job_page_cleanup); page->total counts every
 * match. Returns JOB_OK or JOB_ENOMEM. Takes the lock.
 */
enum job_err job_service_page(struct job_service *svc, size_t skip, size_t top,
                              job_filter_fn filter, void *arg, struct job_page *page)
    __attribute__((warn_unused_result));

/*
 * As job_service_page, but hands out only the ids of the page (no copies): *ids (free with
 * free(); NULL when *n is 0), *n of them, and *total matches in all. Returns JOB_OK or
 * JOB_ENOMEM. Takes the lock.
 */
enum job_err job_service_page_ids(struct job_service *svc, size_t skip, size_t top,
                                  job_filter_fn filter, void *arg, uint64_t **ids, size_t *n,
                                  size_t *total) __attribute__((warn_unused_result));

/*
 * CIM RequestStateChange(RequestedState, TimeoutPeriod). timeout is an interval or NULL; a zero
 * interval means no time requirement. Returns JOB_OK when the request was decided, with the CIM
 * return code in *rc (a rejected request changed nothing, TimeOfLastStateChange included) and the
 * job after the call in *out (when not NULL). Returns JOB_ENOTFOUND, JOB_ESTORE (nothing
 * changed), or JOB_ENOMEM. Takes the lock.
 */
enum job_err job_service_request_state_change(struct job_service *svc, uint64_t id,
                                              uint32_t requested,
                                              const struct cim_datetime *timeout, enum job_rc *rc,
                                              struct job *out) __attribute__((warn_unused_result));

/*
 * CIM KillJob(DeleteOnKill), deprecated in CIM and kept for CIM clients: kills the job (as
 * RequestStateChange(Kill)) and, when delete_on_kill, removes it. *rc is the method's return
 * code: JOB_MRC_SUCCESS, JOB_MRC_NOT_SUPPORTED, or JOB_MRC_FAILED when the job has already
 * ended. Returns as job_service_request_state_change. Takes the lock.
 */
enum job_err job_service_kill_job(struct job_service *svc, uint64_t id, bool delete_on_kill,
                                  enum job_mrc *rc, struct job *out)
    __attribute__((warn_unused_result));

/*
 * CIM GetError(): a copy of the job's CIM_Error in *error (free with cim_error_free), or NULL
 * when the job is running or completed cleanly. *rc is JOB_MRC_SUCCESS, or JOB_MRC_NOT_SUPPORTED
 * when the class has no GetError. Returns JOB_OK, JOB_ENOTFOUND or JOB_ENOMEM. Takes the lock.
 */
enum job_err job_service_get_error(struct job_service *svc, uint64_t id, enum job_mrc *rc,
                                   struct cim_error **error) __attribute__((warn_unused_result));

/*
 * Applies what a runner reports. Returns JOB_OK (job after the change in *out when not NULL),
 * JOB_ESTATE when the event cannot happen in the job's state, JOB_ENOTSUP for pending boot on a
 * class without it, JOB_EINVAL for a bad report (percent outside 0..100, FAILED without an error,
 * an invalid error), JOB_ENOTFOUND, JOB_ESTORE or JOB_ENOMEM; nothing changes on failure. Takes
 * the lock.
 */
enum job_err job_service_report(struct job_service *svc, uint64_t id,
                                const struct job_report *report, struct job *out)
    __attribute__((warn_unused_result));

/*
 * A client writes one CIM property. Returns JOB_OK, JOB_ENOTSUP (not a property of the class),
 * JOB_EREADONLY, JOB_EINVAL (outside the qualifiers), JOB_ENOTFOUND, JOB_ESTORE or JOB_ENOMEM.
 * Takes the lock.
 */
enum job_err job_service_set(struct job_service *svc, uint64_t id, enum job_prop_id prop,
                             const struct job_value *value, struct job *out)
    __attribute__((warn_unused_result));

/*
 * Changes a job through fn, which gets a copy under the lock and may change anything but the
 * id, the class and the JobState (state changes go through the state machine). The result is
 * validated and committed. Returns fn's error, JOB_EINVAL with *bad naming the property when the
 * result is invalid or the state changed, JOB_ENOTFOUND, JOB_ESTORE or JOB_ENOMEM. Takes the lock.
 */
enum job_err job_service_update(struct job_service *svc, uint64_t id, job_update_fn fn, void *arg,
                                struct job *out, enum job_prop_id *bad)
    __attribute__((warn_unused_result));

/*
 * Deletes a job (CIM DeleteInstance). A job that is running or in transition must be terminated
 * or killed first: JOB_ESTATE. Returns JOB_OK, JOB_ENOTFOUND, JOB_ESTORE or JOB_ENOMEM. Takes
 * the lock.
 */
enum job_err job_service_delete(struct job_service *svc, uint64_t id)
    __attribute__((warn_unused_result));

/*
 * Removes every finished job whose retention (DeleteOnCompletion, TimeBeforeRemoval) has run out
 * at now_us; *removed (when not NULL) gets the count. The retention thread calls this; tests with
 * manual_housekeeping call it with their clock. Returns JOB_OK, JOB_ESTORE or JOB_ENOMEM. Takes
 * the lock.
 */
enum job_err job_service_run_due(struct job_service *svc, int64_t now_us, size_t *removed);

/* Waits until observers have heard of every change committed before the call. */
void job_service_flush(struct job_service *svc);

/* Figures for benchmarks and diagnostics. */
struct job_service_stats {
    uint64_t commits; /* store transactions */
    uint64_t changes; /* changes committed */
    size_t jobs;
};
void job_service_stats(struct job_service *svc, struct job_service_stats *out);

#endif
