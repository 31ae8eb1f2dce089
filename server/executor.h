/*
 * The local executor: runs the commands of document-based jobs as child processes and carries out
 * the CIM state changes on them. One thread supervises every child (its pipes, its exit, its
 * deadlines); it never calls civetweb.
 *
 * A child runs in a process group of its own, with stdin on /dev/null, stdout and stderr on
 * pipes and no other descriptor. Suspend is SIGSTOP to the group, Resume SIGCONT, Terminate
 * (Redfish Cancel) SIGTERM and SIGKILL after a grace period (TimeoutPeriod when given, else the
 * document's), Kill SIGKILL. A child dies with the service (PR_SET_PDEATHSIG), so no command
 * outlives a crash; its job then follows the model's restart rule.
 *
 * At most max_concurrent commands run at once; the others wait as Pending, ordered by JobPriority
 * (0 first), then by creation. A forced start (#Job.ForceStart) does not wait for a free slot.
 */
#ifndef RF_EXECUTOR_H
#define RF_EXECUTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job_service.h"
#include "jobdoc.h"

struct executor;

/* JobService.ValidationPolicy. */
enum exec_policy { EXEC_POLICY_AUTOMATIC, EXEC_POLICY_MANUAL, EXEC_POLICY_BYPASS };

struct executor_opts {
    struct job_service *jobs;
    const struct jobdoc_set *docs; /* outlives the executor */
    const char *task_dir;          /* where bare command names are looked up */
    const char *files_dir;         /* RFJOBD_DATA_DIR of the commands */
    unsigned max_concurrent;       /* 1.. */
    enum exec_policy policy;
    const int *enabled; /* JobService.ServiceEnabled (read atomically); NULL = always */
};

/*
 * Starts the executor thread and makes the executor the job service's driver. Jobs that wait
 * (Pending, Validating, or re-queued after a restart) are picked up at once. Returns NULL when it
 * cannot start.
 */
struct executor *executor_start(const struct executor_opts *opts);

/*
 * Stops the executor: every running command gets SIGTERM, and SIGKILL after at most
 * grace_ms; then the thread ends. Jobs keep the state they had, so the restart rule decides what
 * becomes of them at the next start. NULL-safe.
 */
void executor_stop(struct executor *ex, unsigned grace_ms);

/* Looks at the queue again (the service was enabled, say). NULL-safe. */
void executor_wake(struct executor *ex);

/* The hold a newly submitted document job gets under the policy (JOB_HOLD_*). */
uint8_t executor_submit_hold(const struct executor *ex, bool scheduled);

/*
 * Validates a document job now (Validate action, automatic validation): its document is
 * installed, its parameters still satisfy the document and its command can be executed. On
 * success the job becomes Pending (queued, or scheduled when it has a start time in the future);
 * otherwise Invalid with a message saying why. Returns JOB_OK with the job after the change in
 * *out (when not NULL), JOB_ESTATE when the job is not New, Validating or Invalid, or another
 * job service error.
 */
enum job_err executor_validate(struct executor *ex, uint64_t id, struct job *out);

/* The ids of the jobs whose command runs now, at most max of them; returns how many. */
size_t executor_running(struct executor *ex, uint64_t *ids, size_t max);

/* The limit of concurrent commands. */
unsigned executor_max_concurrent(const struct executor *ex);

/* Figures for benchmarks and diagnostics. */
struct executor_stats {
    uint64_t spawned; /* children started */
    uint64_t spawn_failed;
    uint64_t exited;     /* children reaped */
    uint64_t bytes_read; /* from stdout and stderr */
    uint64_t bad_lines;  /* reports that did not parse */
    uint64_t cut_lines;  /* lines longer than the limit */
    uint64_t dropped;    /* reports dropped by the per-job limits */
    size_t running;
    size_t queued;
};
void executor_stats(struct executor *ex, struct executor_stats *out);

#endif
