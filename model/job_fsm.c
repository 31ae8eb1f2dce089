/* The job state machine's tables; see job_fsm.h. */
#include "job_fsm.h"

/* States as the machine sees them: JobState 3 means Starting or PendingBoot by class. */
enum fsm_state {
    FS_NEW,
    FS_STARTING,
    FS_PENDING_BOOT,
    FS_RUNNING,
    FS_SUSPENDED,
    FS_SHUTTING_DOWN,
    FS_COMPLETED,
    FS_TERMINATED,
    FS_KILLED,
    FS_EXCEPTION,
    FS_SERVICE,
    FS_QUERY_PENDING,
    FS_COUNT,
    FS_INVALID = FS_COUNT
};

/* Target of a transition: a fixed state, or the class's starting state. */
enum { T_SAME = 0, T_STARTING = 1 };

struct req_cell {
    uint16_t rc;
    uint16_t next; /* JobState, or T_SAME / T_STARTING */
};

#define REJECT                                                                                     \
    {                                                                                              \
        JOB_RC_INVALID_TRANSITION, T_SAME                                                          \
    }
#define BUSY                                                                                       \
    {                                                                                              \
        JOB_RC_BUSY, T_SAME                                                                        \
    }
#define OK_TO(s)                                                                                   \
    {                                                                                              \
        JOB_RC_OK, s                                                                               \
    }
#define STARTED_TO(s)                                                                              \
    {                                                                                              \
        JOB_RC_STARTED, s                                                                          \
    }

/* [state][request - JOB_REQ_START]: Start, Suspend, Terminate, Kill, Service */
static const struct req_cell req_table[FS_COUNT][5] = {
    [FS_NEW] = {STARTED_TO(T_STARTING), REJECT, OK_TO(JOB_STATE_TERMINATED),
                OK_TO(JOB_STATE_KILLED), REJECT},
    [FS_STARTING] = {BUSY, BUSY, STARTED_TO(JOB_STATE_SHUTTING_DOWN), OK_TO(JOB_STATE_KILLED),
                     BUSY},
    [FS_PENDING_BOOT] = {REJECT, REJECT, STARTED_TO(JOB_STATE_SHUTTING_DOWN),
                         OK_TO(JOB_STATE_KILLED), REJECT},
    [FS_RUNNING] = {REJECT, OK_TO(JOB_STATE_SUSPENDED), STARTED_TO(JOB_STATE_SHUTTING_DOWN),
                    OK_TO(JOB_STATE_KILLED), OK_TO(JOB_STATE_SERVICE)},
    [FS_SUSPENDED] = {OK_TO(JOB_STATE_RUNNING), REJECT, STARTED_TO(JOB_STATE_SHUTTING_DOWN),
                      OK_TO(JOB_STATE_KILLED), OK_TO(JOB_STATE_SERVICE)},
    [FS_SHUTTING_DOWN] = {REJECT, REJECT, BUSY, OK_TO(JOB_STATE_KILLED), REJECT},
    [FS_COMPLETED] = {REJECT, REJECT, REJECT, REJECT, REJECT},
    [FS_TERMINATED] = {REJECT, REJECT, REJECT, REJECT, REJECT},
    [FS_KILLED] = {REJECT, REJECT, REJECT, REJECT, REJECT},
    [FS_EXCEPTION] = {REJECT, REJECT, REJECT, REJECT, REJECT},
    [FS_SERVICE] = {OK_TO(JOB_STATE_RUNNING), REJECT, STARTED_TO(JOB_STATE_SHUTTING_DOWN),
                    OK_TO(JOB_STATE_KILLED), REJECT},
    [FS_QUERY_PENDING] = {OK_TO(JOB_STATE_RUNNING), REJECT, STARTED_TO(JOB_STATE_SHUTTING_DOWN),
                          OK_TO(JOB_STATE_KILLED), REJECT},
};

/* Event targets: E_NO = cannot happen; T_SAME = no state change; T_PB = the pending-boot state. */
enum { E_NO = 0xFFFF, E_PB = 0xFFFE };

static const uint16_t ev_table[FS_COUNT][JOB_EV_COUNT] = {
    /*                  STARTED, PROGRESS, PENDING_BOOT, COMPLETED, COMPLETED_WARN, FAILED,
                        STOPPED, QUERY_PENDING, SERVICE_RESTART */
    [FS_NEW] = {JOB_STATE_RUNNING, E_NO, E_PB, E_NO, E_NO, JOB_STATE_EXCEPTION, E_NO, E_NO, T_SAME},
    [FS_STARTING] = {JOB_STATE_RUNNING, T_SAME, E_PB, JOB_STATE_COMPLETED, JOB_STATE_COMPLETED,
                     JOB_STATE_EXCEPTION, E_NO, E_NO, JOB_STATE_EXCEPTION},
    [FS_PENDING_BOOT] = {JOB_STATE_RUNNING, T_SAME, T_SAME, JOB_STATE_COMPLETED,
                         JOB_STATE_COMPLETED, JOB_STATE_EXCEPTION, E_NO, E_NO, JOB_STATE_EXCEPTION},
    [FS_RUNNING] = {E_NO, T_SAME, E_PB, JOB_STATE_COMPLETED, JOB_STATE_COMPLETED,
                    JOB_STATE_EXCEPTION, E_NO, JOB_STATE_QUERY_PENDING, JOB_STATE_EXCEPTION},
    [FS_SUSPENDED] = {E_NO, T_SAME, E_NO, JOB_STATE_COMPLETED, JOB_STATE_COMPLETED,
                      JOB_STATE_EXCEPTION, E_NO, E_NO, JOB_STATE_EXCEPTION},
    /* A job shutting down was asked to terminate: however it ends, it was terminated. */
    [FS_SHUTTING_DOWN] = {E_NO, T_SAME, E_NO, JOB_STATE_TERMINATED, JOB_STATE_TERMINATED,
                          JOB_STATE_TERMINATED, JOB_STATE_TERMINATED, E_NO, JOB_STATE_TERMINATED},
    [FS_COMPLETED] = {E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, T_SAME},
    [FS_TERMINATED] = {E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, T_SAME},
    /* A killed job is final at once; its runner's late reports change nothing. */
    [FS_KILLED] = {E_NO, T_SAME, E_NO, T_SAME, T_SAME, T_SAME, T_SAME, E_NO, T_SAME},
    [FS_EXCEPTION] = {E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, E_NO, T_SAME},
    [FS_SERVICE] = {E_NO, T_SAME, E_NO, JOB_STATE_COMPLETED, JOB_STATE_COMPLETED,
                    JOB_STATE_EXCEPTION, E_NO, E_NO, JOB_STATE_EXCEPTION},
    [FS_QUERY_PENDING] = {JOB_STATE_RUNNING, T_SAME, E_NO, JOB_STATE_COMPLETED, JOB_STATE_COMPLETED,
                          JOB_STATE_EXCEPTION, E_NO, T_SAME, JOB_STATE_EXCEPTION},
};

static const char *const ev_names[JOB_EV_COUNT] = {
#define JOB_EV_NAME(name, text) [name] = text,
    JOB_EV_MAP(JOB_EV_NAME)
#undef JOB_EV_NAME
};

const char *
job_ev_name(enum job_ev ev)
{
    return (unsigned)ev < JOB_EV_COUNT ? ev_names[ev] : "unknown";
}

static enum fsm_state
fsm_state_of(const struct job_class *cls, uint16_t state)
{
    if (state == 3)
        return cls->pending_boot_state == 3 ? FS_PENDING_BOOT : FS_STARTING;
    switch (state) {
    case JOB_STATE_NEW:
        return FS_NEW;
    case JOB_STATE_RUNNING:
        return FS_RUNNING;
    case JOB_STATE_SUSPENDED:
        return FS_SUSPENDED;
    case JOB_STATE_SHUTTING_DOWN:
        return FS_SHUTTING_DOWN;
    case JOB_STATE_COMPLETED:
        return FS_COMPLETED;
    case JOB_STATE_TERMINATED:
        return FS_TERMINATED;
    case JOB_STATE_KILLED:
        return FS_KILLED;
    case JOB_STATE_EXCEPTION:
        return FS_EXCEPTION;
    case JOB_STATE_SERVICE:
        return FS_SERVICE;
    case JOB_STATE_QUERY_PENDING:
        return FS_QUERY_PENDING;
    default:
        return FS_INVALID;
    }
}

enum job_rc
job_fsm_request(const struct job_class *cls, uint16_t state, unsigned caps, uint32_t requested,
                bool timeout_given, uint16_t *next)
{
    enum fsm_state fs = fsm_state_of(cls, state);
    const struct req_cell *cell;

    *next = state;
    if (requested < JOB_REQ_FIRST || requested > JOB_REQ_LAST)
        return JOB_RC_INVALID_PARAMETER;
    if (!(cls->methods & JOB_M_REQUEST_STATE_CHANGE) || !(cls->requests & JOB_REQ_BIT(requested))
        || !(caps & JOB_REQ_BIT(requested)))
        return JOB_RC_NOT_SUPPORTED;
    if (timeout_given && !(cls->timeout_requests & JOB_REQ_BIT(requested)))
        return JOB_RC_TIMEOUT_NOT_SUPPORTED;
    if (fs == FS_INVALID) /* a vendor state no class here defines */
        return JOB_RC_INVALID_TRANSITION;
    cell = &req_table[fs][requested - JOB_REQ_FIRST];
    if (cell->rc != JOB_RC_OK && cell->rc != JOB_RC_STARTED)
        return (enum job_rc)cell->rc;
    if (cell->next == T_STARTING)
        *next = cls->starting_state != 0 ? cls->starting_state : state;
    else if (cell->next != T_SAME)
        *next = cell->next;
    return (enum job_rc)cell->rc;
}

enum job_err
job_fsm_event(const struct job_class *cls, uint16_t state, enum job_ev ev, uint16_t *next)
{
    enum fsm_state fs = fsm_state_of(cls, state);
    uint16_t to;

    *next = state;
    if ((unsigned)ev >= JOB_EV_COUNT)
        return JOB_EINVAL;
    if (ev == JOB_EV_PENDING_BOOT && cls->pending_boot_state == 0)
        return JOB_ENOTSUP;
    if (fs == FS_INVALID)
        return JOB_ESTATE;
    to = ev_table[fs][ev];
    if (to == E_NO)
        return JOB_ESTATE;
    if (to == E_PB)
        *next = cls->pending_boot_state;
    else if (to != T_SAME)
        *next = to;
    return JOB_OK;
}
