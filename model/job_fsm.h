/*
 * The job state machine: what a RequestStateChange does in each state of each class, and what the
 * events a runner reports do. Pure functions over tables; no locks, no allocation.
 */
#ifndef JOB_FSM_H
#define JOB_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "job.h"

/* Events that whoever runs a job reports. */
#define JOB_EV_MAP(X)                                                                              \
    X(JOB_EV_STARTED, "started")                                                                   \
    X(JOB_EV_PROGRESS, "progress")                                                                 \
    X(JOB_EV_PENDING_BOOT, "pending boot")                                                         \
    X(JOB_EV_COMPLETED, "completed")                                                               \
    X(JOB_EV_COMPLETED_WARN, "completed with warnings")                                            \
    X(JOB_EV_FAILED, "failed")                                                                     \
    X(JOB_EV_STOPPED, "stopped")                                                                   \
    X(JOB_EV_QUERY_PENDING, "query pending")                                                       \
    X(JOB_EV_SERVICE_RESTART, "service restart")

enum job_ev {
#define JOB_EV_ENUM(name, text) name,
    JOB_EV_MAP(JOB_EV_ENUM)
#undef JOB_EV_ENUM
        JOB_EV_COUNT
};

/* Returns a static description of an event ("started"); "unknown" for other values. */
const char *job_ev_name(enum job_ev ev);

/*
 * Decides a RequestStateChange(requested, TimeoutPeriod) on a job of class cls in state `state`,
 * whose runner can carry out the requests in caps (JOB_REQ_BIT()s). Returns the CIM return code:
 * JOB_RC_OK or JOB_RC_STARTED with the state to move to in *next (which may equal state), or a
 * rejection (JOB_RC_INVALID_PARAMETER, JOB_RC_NOT_SUPPORTED, JOB_RC_TIMEOUT_NOT_SUPPORTED,
 * JOB_RC_INVALID_TRANSITION, JOB_RC_BUSY), in which case *next is state: a rejected request
 * changes nothing.
 */
enum job_rc job_fsm_request(const struct job_class *cls, uint16_t state, unsigned caps,
                            uint32_t requested, bool timeout_given, uint16_t *next);

/*
 * Decides what a reported event does to a job of class cls in state `state`. Returns JOB_OK with
 * the next state in *next (equal to state when the event changes no state, such as progress, or
 * a late report about a job already killed), JOB_ENOTSUP when the class has no such state (pending
 * boot on a class without one), or JOB_ESTATE when the event cannot happen in that state.
 */
enum job_err job_fsm_event(const struct job_class *cls, uint16_t state, enum job_ev ev,
                           uint16_t *next);

#endif
