/* The local executor; see executor.h. */
#define _GNU_SOURCE /* strerror_r (GNU), pipe2 */

#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "job_fsm.h"
#include "log.h"
#include "map_job.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "task_proto.h"

#define EXEC_TAIL 2048          /* bytes of stderr kept for the error */
#define EXEC_READ_CHUNK 65536   /* bytes read from one pipe per turn */
#define EXEC_MAX_REPORTS 32     /* messages and created resources kept per job */
#define EXEC_COMMITS_PER_SEC 20 /* state, status and message reports per job and second */
#define EXEC_PROGRESS_US 250000 /* progress is committed at most this often per job */
#define EXEC_MAX_WAIT_MS 1000   /* the thread looks at its deadlines at least this often */
#define EXEC_STOP_WAIT_MS 10000 /* the longest executor_stop waits for children */
#define EXEC_DEFAULT_GRACE_US 10000000

/* Counters the executor thread keeps and anyone may read. */
#define STAT_ADD(ex, field, n) __atomic_fetch_add(&(ex)->stats.field, (n), __ATOMIC_RELAXED)

/* One command that runs (or is about to). */
struct child {
    uint64_t id;
    const struct jobdoc *doc;
    /* Shared with the driver, under ex->lock. */
    pid_t pid;       /* 0 while being started */
    int pending_sig; /* a Terminate or Kill that came before the process existed */
    uint64_t pending_grace_us;
    bool stopped;       /* SIGSTOP sent, no SIGCONT since */
    bool exited;        /* the process has ended (not reaped yet) */
    int term;           /* 0; 1 SIGTERM sent; 2 SIGKILL sent */
    bool timed_out;     /* MaxExecutionTime ran out */
    bool cancelled;     /* stopped at a client's request */
    int64_t kill_at;    /* when SIGKILL follows SIGTERM; 0 = not set */
    int64_t run_us;     /* running time before resumed_at */
    int64_t resumed_at; /* when it last started to run; 0 while stopped */
    uint64_t max_exec_us;
    /* The executor thread's own. */
    int pidfd;
    int out_fd;
    int err_fd;
    struct task_lines lines;
    char tail[EXEC_TAIL];
    size_t tail_len; /* bytes in tail (a ring once full) */
    size_t tail_pos; /* next write position */
    int percent;     /* last percent read, -1 none */
    int reported_percent;
    int64_t progress_due; /* when the pending percent may be committed */
    bool warned;
    struct cim_error *error; /* what the command reported */
    bool has_error_code;
    uint16_t error_code;
    char *error_description;
    unsigned n_reports;
    bool dropped_noted;
    int64_t window_start;
    unsigned window_commits;
};

/* A job that waits for a slot. */
struct waiting {
    uint64_t id;
    uint32_t priority;
    int64_t due; /* 0 = now */
};

struct idv {
    uint64_t *v;
    size_t n, cap;
};

struct executor {
    struct executor_opts o;
    pthread_mutex_t lock;
    pthread_t thread;
    int wake_fd;
    bool stopping;
    struct child **kids;
    size_t n_kids;
    size_t cap_kids;
    struct waiting *queue; /* sorted by (priority, id) */
    size_t n_queue;
    size_t cap_queue;
    struct idv forced;   /* start now, whatever the limit */
    struct idv validate; /* to validate (Automatic policy) */
    struct executor_stats stats;
    long max_fd;
};

/* ---- small helpers --------------------------------------------------------------------------- */

static int64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
wake(struct executor *ex)
{
    uint64_t one = 1;

    if (write(ex->wake_fd, &one, sizeof one) < 0) {
        /* The counter is full: the thread is awake anyway. */
    }
}

static int
idv_add(struct idv *v, uint64_t id)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == id)
            return 0;
    if (v->n == v->cap) {
        size_t cap = v->cap != 0 ? v->cap * 2 : 16;
        uint64_t *nv = realloc(v->v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = id;
    return 0;
}

static void
idv_del(struct idv *v, uint64_t id)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == id) {
            v->v[i] = v->v[--v->n];
            return;
        }
}

static struct child *
kid_find(struct executor *ex, uint64_t id)
{
    for (size_t i = 0; i < ex->n_kids; i++)
        if (ex->kids[i]->id == id)
            return ex->kids[i];
    return NULL;
}

static void
queue_del(struct executor *ex, uint64_t id)
{
    for (size_t i = 0; i < ex->n_queue; i++)
        if (ex->queue[i].id == id) {
            memmove(&ex->queue[i], &ex->queue[i + 1], (ex->n_queue - i - 1) * sizeof *ex->queue);
            ex->n_queue--;
            return;
        }
}

static int
queue_add(struct executor *ex, uint64_t id, uint32_t priority, int64_t due)
{
    size_t lo = 0;
    size_t hi;

    queue_del(ex, id);
    if (ex->n_queue == ex->cap_queue) {
        size_t cap = ex->cap_queue != 0 ? ex->cap_queue * 2 : 64;
        struct waiting *nq = realloc(ex->queue, cap * sizeof *nq);
        if (nq == NULL)
            return -1;
        ex->queue = nq;
        ex->cap_queue = cap;
    }
    hi = ex->n_queue;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct waiting *w = &ex->queue[mid];
        if (w->priority < priority || (w->priority == priority && w->id < id))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&ex->queue[lo + 1], &ex->queue[lo], (ex->n_queue - lo) * sizeof *ex->queue);
    ex->queue[lo].id = id;
    ex->queue[lo].priority = priority;
    ex->queue[lo].due = due;
    ex->n_queue++;
    return 0;
}

/* The due time of a queued job: its scheduled start, or 0 for now. */
static int64_t
due_of(const struct job *job)
{
    int64_t us;

    if (job->hold == JOB_HOLD_SCHEDULED && job->scheduled_start_time.kind != CIM_DT_NULL
        && cim_dt_to_unix_us(&job->scheduled_start_time, &us) == JOB_OK)
        return us;
    return 0;
}

/* Files what the executor should do about a document job, as it is now. Caller holds ex->lock. */
static void
classify(struct executor *ex, const struct job *job)
{
    queue_del(ex, job->id);
    idv_del(&ex->forced, job->id);
    idv_del(&ex->validate, job->id);
    if (job->kind != JOB_KIND_DOCUMENT || kid_find(ex, job->id) != NULL)
        return;
    if (job->job_state == JOB_STATE_STARTING
        || (job->job_state == JOB_STATE_NEW && (job->flags & JOB_F_START_REQUESTED))) {
        if (idv_add(&ex->forced, job->id) != 0)
            log_msg(LOG_LEVEL_ERROR, "executor: out of memory for job %" PRIu64, job->id);
        return;
    }
    if (job->job_state != JOB_STATE_NEW)
        return;
    switch ((enum job_hold)job->hold) {
    case JOB_HOLD_QUEUED:
    case JOB_HOLD_INTERRUPTED:
    case JOB_HOLD_SCHEDULED:
        if (queue_add(ex, job->id, job->priority, due_of(job)) != 0)
            log_msg(LOG_LEVEL_ERROR, "executor: out of memory for job %" PRIu64, job->id);
        break;
    case JOB_HOLD_VALIDATING:
        if (idv_add(&ex->validate, job->id) != 0)
            log_msg(LOG_LEVEL_ERROR, "executor: out of memory for job %" PRIu64, job->id);
        break;
    case JOB_HOLD_NONE:
    case JOB_HOLD_INVALID:
        break;
    }
}

/* ---- what the job service asks of the executor ---------------------------------------------- */

static void
signal_group(struct child *c, int sig)
{
    if (c->pid > 0 && !c->exited && kill(-c->pid, sig) != 0 && errno != ESRCH)
        log_msg(LOG_LEVEL_ERROR, "executor: job %" PRIu64 ": cannot signal its command (errno %d)",
                c->id, errno);
}

static void
pause_clock(struct child *c, int64_t now)
{
    if (c->resumed_at != 0) {
        c->run_us += now - c->resumed_at;
        c->resumed_at = 0;
    }
}

/* Terminate: SIGTERM now and SIGKILL after the grace period, or SIGKILL at once. Under ex->lock. */
static void
terminate(struct child *c, uint64_t grace_us, int64_t now)
{
    if (c->term != 0)
        return;
    if (c->doc == NULL || !c->doc->can_terminate || grace_us == 0) {
        signal_group(c, SIGKILL);
        c->term = 2;
        return;
    }
    signal_group(c, SIGTERM);
    if (c->stopped) {
        signal_group(c, SIGCONT); /* a stopped process cannot end in order */
        c->stopped = false;
        c->resumed_at = now;
    }
    c->term = 1;
    c->kill_at = now + (int64_t)grace_us;
}

static enum job_rc
drv_request(void *arg, const struct job *job, enum job_req req, uint64_t timeout_us)
{
    struct executor *ex = arg;
    struct child *c;
    enum job_rc rc = JOB_RC_OK;
    int64_t now = mono_us();

    if (job->kind != JOB_KIND_DOCUMENT)
        return JOB_RC_OK;
    pthread_mutex_lock(&ex->lock);
    c = kid_find(ex, job->id);
    switch (req) {
    case JOB_REQ_START:
        if (job->job_state == JOB_STATE_NEW) {
            rc = JOB_RC_STARTED;
            if (c == NULL && idv_add(&ex->forced, job->id) != 0)
                rc = JOB_RC_FAILED;
            queue_del(ex, job->id);
        } else if (c != NULL && c->stopped && c->term == 0) {
            signal_group(c, SIGCONT);
            c->stopped = false;
            c->resumed_at = now;
        }
        break;
    case JOB_REQ_SUSPEND:
        if (c == NULL || c->pid == 0 || c->exited || c->term != 0) {
            rc = JOB_RC_FAILED;
        } else if (!c->stopped) {
            signal_group(c, SIGSTOP);
            c->stopped = true;
            pause_clock(c, now);
        }
        break;
    case JOB_REQ_TERMINATE:
    case JOB_REQ_KILL: {
        uint64_t grace = timeout_us != 0               ? timeout_us
                         : c != NULL && c->doc != NULL ? c->doc->grace_us
                                                       : EXEC_DEFAULT_GRACE_US;
        if (c == NULL) {
            queue_del(ex, job->id); /* it never ran: nothing to stop */
            idv_del(&ex->forced, job->id);
            idv_del(&ex->validate, job->id);
        } else if (req == JOB_REQ_KILL) {
            c->cancelled = true;
            if (c->pid == 0) {
                c->pending_sig = SIGKILL;
            } else {
                signal_group(c, SIGKILL);
                c->term = 2;
            }
        } else {
            c->cancelled = true;
            if (c->pid == 0) {
                if (c->pending_sig == 0) {
                    c->pending_sig = SIGTERM;
                    c->pending_grace_us = grace;
                }
            } else {
                terminate(c, grace, now);
            }
        }
        break;
    }
    case JOB_REQ_SERVICE:
    default:
        rc = JOB_RC_NOT_SUPPORTED;
        break;
    }
    pthread_mutex_unlock(&ex->lock);
    wake(ex);
    return rc;
}

static void
on_notice(void *arg, const struct job_notice *n)
{
    struct executor *ex = arg;

    if (n->job == NULL || n->job->kind != JOB_KIND_DOCUMENT)
        return;
    pthread_mutex_lock(&ex->lock);
    if (n->change == JOB_CHANGE_REMOVED) {
        queue_del(ex, n->id);
        idv_del(&ex->forced, n->id);
        idv_del(&ex->validate, n->id);
    } else {
        struct child *c = kid_find(ex, n->id);
        if (c != NULL)
            c->max_exec_us = n->job->max_exec_us; /* a client may change it while it runs */
        else if (n->change != JOB_CHANGE_PROGRESS)
            classify(ex, n->job);
    }
    pthread_mutex_unlock(&ex->lock);
    wake(ex);
}

static int
scan_filter(void *arg, const struct job *job)
{
    struct executor *ex = arg;

    if (job->kind == JOB_KIND_DOCUMENT && job->job_state <= JOB_STATE_STARTING) {
        pthread_mutex_lock(&ex->lock); /* the job service's lock, then ours: the driver's order */
        classify(ex, job);
        pthread_mutex_unlock(&ex->lock);
    }
    return 0;
}

/* ---- reports to the job service -------------------------------------------------------------- */

static void
log_report_err(uint64_t id, const char *what, enum job_err err)
{
    if (err != JOB_OK && err != JOB_ESTATE && err != JOB_ENOTFOUND)
        log_msg(LOG_LEVEL_ERROR, "executor: job %" PRIu64 ": cannot record %s: %s", id, what,
                job_strerror(err));
}

static enum job_err
report_ev(struct executor *ex, uint64_t id, enum job_ev ev, int percent)
{
    struct job_report rep;

    memset(&rep, 0, sizeof rep);
    rep.ev = ev;
    rep.percent = percent;
    return job_service_report(ex->o.jobs, id, &rep, NULL);
}

/* Whether the job may commit one more state, status or message report this second. */
static bool
may_commit(struct executor *ex, struct child *c)
{
    int64_t now = mono_us();

    if (now - c->window_start >= 1000000) {
        c->window_start = now;
        c->window_commits = 0;
    }
    if (c->window_commits >= EXEC_COMMITS_PER_SEC) {
        STAT_ADD(ex, dropped, 1);
        return false;
    }
    c->window_commits++;
    return true;
}

struct add_ctx {
    const struct cim_error *msg;
    const char *created;
};

static enum job_err
add_to_job(void *arg, struct job *job)
{
    const struct add_ctx *a = arg;
    enum job_err err = JOB_OK;

    if (a->msg != NULL)
        err = job_add_message(job, a->msg);
    if (err == JOB_OK && a->created != NULL)
        err = cim_strv_push(&job->created_resources, a->created);
    return err;
}

static void
add_oem_message(struct executor *ex, uint64_t id, enum rf_oem_id mid, const char *const *args,
                size_t nargs, uint16_t severity)
{
    struct cim_error e;
    struct add_ctx a = {&e, NULL};

    if (map_oem_cim_error(mid, args, nargs, severity, &e) != 0)
        return;
    log_report_err(id, "a message", job_service_update(ex->o.jobs, id, add_to_job, &a, NULL, NULL));
    cim_error_cleanup(&e);
}

/* Counts a message or created resource against the job's limit; notes the first drop. */
static bool
may_add(struct executor *ex, struct child *c)
{
    char n[16];
    const char *args[1] = {n};

    if (c->n_reports < EXEC_MAX_REPORTS) {
        c->n_reports++;
        return true;
    }
    STAT_ADD(ex, dropped, 1);
    if (!c->dropped_noted) {
        c->dropped_noted = true;
        (void)rf_fmt(n, sizeof n, "%d", EXEC_MAX_REPORTS);
        add_oem_message(ex, c->id, RF_OEM_REPORTS_DROPPED, args, 1, 3);
    }
    return false;
}

static void
flush_progress(struct executor *ex, struct child *c, bool force)
{
    int64_t now = mono_us();

    if (c->percent < 0 || c->percent == c->reported_percent)
        return;
    if (!force && now < c->progress_due)
        return;
    log_report_err(c->id, "its progress", report_ev(ex, c->id, JOB_EV_PROGRESS, c->percent));
    c->reported_percent = c->percent;
    c->progress_due = now + EXEC_PROGRESS_US;
}

static void
handle_line(struct executor *ex, struct child *c, char *line, size_t len)
{
    struct task_line tl;
    struct job_report rep;
    enum task_kind k = task_line_parse(line, len, &tl);

    memset(&rep, 0, sizeof rep);
    switch (k) {
    case TASK_NONE:
        break;
    case TASK_BAD:
        STAT_ADD(ex, bad_lines, 1);
        break;
    case TASK_PROGRESS:
        c->percent = tl.percent;
        flush_progress(ex, c, false);
        break;
    case TASK_STATE:
        if (!may_commit(ex, c))
            break;
        flush_progress(ex, c, true);
        rep.ev = tl.state == TASK_STATE_PENDING_BOOT    ? JOB_EV_PENDING_BOOT
                 : tl.state == TASK_STATE_QUERY_PENDING ? JOB_EV_QUERY_PENDING
                                                        : JOB_EV_STARTED;
        rep.percent = c->reported_percent >= 0 ? c->reported_percent : 0;
        {
            enum job_err err = job_service_report(ex->o.jobs, c->id, &rep, NULL);
            if (err == JOB_ESTATE || err == JOB_ENOTSUP)
                STAT_ADD(ex, bad_lines,
                         1); /* a state the job cannot take now, or its class lacks */
            else
                log_report_err(c->id, "its state", err);
        }
        break;
    case TASK_STATUS:
        if (!may_commit(ex, c))
            break;
        rep.ev = JOB_EV_PROGRESS;
        rep.percent = c->reported_percent >= 0 ? c->reported_percent : 0;
        rep.job_status = tl.text;
        log_report_err(c->id, "its status", job_service_report(ex->o.jobs, c->id, &rep, NULL));
        break;
    case TASK_MESSAGE: {
        const char *args[1] = {tl.text};
        if (tl.severity == 3)
            c->warned = true;
        if (!may_add(ex, c) || !may_commit(ex, c))
            break;
        add_oem_message(ex, c->id, RF_OEM_COMMAND_REPORTED, args, 1, tl.severity);
        break;
    }
    case TASK_ERROR:
        cim_error_free(c->error);
        c->error = cim_error_dup(&tl.error);
        c->has_error_code = tl.has_error_code != 0;
        c->error_code = tl.error_code;
        free(c->error_description);
        c->error_description = tl.error_description != NULL ? strdup(tl.error_description) : NULL;
        break;
    case TASK_CREATED: {
        struct add_ctx a = {NULL, tl.text};
        if (!may_add(ex, c) || !may_commit(ex, c))
            break;
        log_report_err(c->id, "a created resource",
                       job_service_update(ex->o.jobs, c->id, add_to_job, &a, NULL, NULL));
        break;
    }
    }
    task_line_cleanup(&tl);
}

static void
keep_tail(struct child *c, const char *data, size_t n)
{
    if (n >= EXEC_TAIL) {
        memcpy(c->tail, data + n - EXEC_TAIL, EXEC_TAIL);
        c->tail_len = EXEC_TAIL;
        c->tail_pos = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        c->tail[c->tail_pos] = data[i];
        c->tail_pos = (c->tail_pos + 1) % EXEC_TAIL;
    }
    c->tail_len = c->tail_len + n > EXEC_TAIL ? EXEC_TAIL : c->tail_len + n;
}

/* The kept stderr as valid UTF-8 text without control characters but newlines (as "; "). */
static void
tail_text(const struct child *c, char *out, size_t size)
{
    char raw[EXEC_TAIL];
    size_t start = c->tail_len < EXEC_TAIL ? 0 : c->tail_pos;
    size_t o = 0;
    size_t i = 0;

    for (size_t k = 0; k < c->tail_len; k++)
        raw[k] = c->tail[(start + k) % EXEC_TAIL];
    /* Skip a partial UTF-8 sequence at the start of a full ring. */
    if (c->tail_len == EXEC_TAIL)
        while (i < c->tail_len && ((unsigned char)raw[i] & 0xC0) == 0x80)
            i++;
    while (i < c->tail_len && o + 5 < size) {
        unsigned char b = (unsigned char)raw[i];
        size_t need = b < 0x80             ? 1
                      : (b & 0xE0) == 0xC0 ? 2
                      : (b & 0xF0) == 0xE0 ? 3
                      : (b & 0xF8) == 0xF0 ? 4
                                           : 0;
        bool ok = need != 0 && i + need <= c->tail_len;

        for (size_t k = 1; ok && k < need; k++)
            ok = ((unsigned char)raw[i + k] & 0xC0) == 0x80;
        if (ok && need == 2 && b < 0xC2)
            ok = false;
        if (!ok) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (need == 1 && (b < 0x20 || b == 0x7F)) {
            if (b == '\n' && i + 1 < c->tail_len && o > 0) {
                out[o++] = ';';
                out[o++] = ' ';
            } else if (b == '\t') {
                out[o++] = ' ';
            }
            i++;
            continue;
        }
        memcpy(out + o, raw + i, need);
        o += need;
        i += need;
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ';'))
        o--;
    out[o] = '\0';
}

static void
errno_text(int e, char *out, size_t size)
{
    char buf[128];
    const char *t = strerror_r(e, buf, sizeof buf);

    (void)rf_fmt(out, size, "%s", t != NULL ? t : "unknown error");
}

/* A command failed before or while it ran: the job becomes Exception with this error. */
static void
fail_job(struct executor *ex, uint64_t id, const struct cim_error *e, uint16_t code,
         const char *description)
{
    struct job_report rep;

    memset(&rep, 0, sizeof rep);
    rep.ev = JOB_EV_FAILED;
    rep.error = e;
    rep.error_code = code;
    rep.error_description = description;
    log_report_err(id, "its failure", job_service_report(ex->o.jobs, id, &rep, NULL));
}

static void
fail_not_started(struct executor *ex, uint64_t id, const char *doc_id, const char *cmd,
                 const char *why)
{
    struct cim_error e;
    const char *args[3] = {cmd, doc_id, why};
    char desc[512];

    if (map_oem_cim_error(RF_OEM_COMMAND_NOT_STARTED, args, 3, 6, &e) != 0)
        return;
    (void)rf_fmt(desc, sizeof desc, "The command could not be started: %s.", why);
    fail_job(ex, id, &e, 127, desc);
    cim_error_cleanup(&e);
}

/* ---- starting a command ---------------------------------------------------------------------- */

/* In the child, between vfork and exec: only system calls, nothing that touches shared state. */
__attribute__((noreturn, noinline)) static void
child_exec(char **argv, char **envp, const char *dir, int devnull, int out_w, int err_w, int st_w,
           pid_t parent, long max_fd)
{
    struct sigaction sa;
    sigset_t none;
    int e;

    (void)setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        goto fail;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        (void)sigaction(s, &sa, NULL);
    if (dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        goto fail;
    if (syscall(SYS_close_range, 3u, (unsigned)st_w - 1u, 0u) != 0
        || syscall(SYS_close_range, (unsigned)st_w + 1u, ~0u, 0u) != 0) {
        for (long fd = 3; fd <= max_fd; fd++)
            if (fd != st_w)
                (void)close((int)fd);
    }
    if (chdir(dir) != 0)
        goto fail;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    execve(argv[0], argv, envp);
fail:
    e = errno;
    if (write(st_w, &e, sizeof e) < 0) {
        /* Nothing else to tell. */
    }
    _exit(127);
}

/* vfork and exec; returns the child's pid or -1. Nothing here changes after vfork returns. */
static pid_t
vfork_exec(char **argv, char **envp, const char *dir, int devnull, int out_w, int err_w, int st_w,
           long max_fd)
{
    pid_t parent = getpid();
    pid_t pid = vfork();

    if (pid == 0)
        child_exec(argv, envp, dir, devnull, out_w, err_w, st_w, parent, max_fd);
    return pid;
}

/* A descriptor moved to 3 or above, close-on-exec; -1 on failure (fd is closed then). */
static int
high_fd(int fd)
{
    int h;

    if (fd < 0 || fd >= 3)
        return fd;
    h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    (void)close(fd);
    return h;
}

/*
 * Starts argv with the given environment for child c. Returns 0 with c->pid and its descriptors
 * set, or an errno value.
 */
static int
spawn(struct executor *ex, struct child *c, char **argv, char **envp)
{
    int outp[2] = {-1, -1};
    int errp[2] = {-1, -1};
    int stp[2] = {-1, -1};
    int devnull = -1;
    int err = 0;
    int child_errno = 0;
    sigset_t all;
    sigset_t old;
    pid_t pid;
    ssize_t n;

    if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0 || pipe2(stp, O_CLOEXEC) != 0
        || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        err = errno;
        goto out;
    }
    outp[0] = high_fd(outp[0]);
    outp[1] = high_fd(outp[1]);
    errp[0] = high_fd(errp[0]);
    errp[1] = high_fd(errp[1]);
    stp[0] = high_fd(stp[0]);
    stp[1] = high_fd(stp[1]);
    devnull = high_fd(devnull);
    if (outp[0] < 0 || outp[1] < 0 || errp[0] < 0 || errp[1] < 0 || stp[0] < 0 || stp[1] < 0
        || devnull < 0) {
        err = EMFILE;
        goto out;
    }
    /* No handler of ours may run in the child before exec. SIGCHLD stays open: with it blocked
     * here, the kernel would queue the child's exit signal instead of dropping it, and waking
     * another thread for it breaks that thread's socket calls with EINTR. */
    sigfillset(&all);
    sigdelset(&all, SIGCHLD);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = vfork_exec(argv, envp, ex->o.files_dir, devnull, outp[1], errp[1], stp[1], ex->max_fd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        err = errno;
        goto out;
    }
    (void)close(stp[1]);
    stp[1] = -1;
    n = read(stp[0], &child_errno, sizeof child_errno);
    if (n == (ssize_t)sizeof child_errno) {
        int st;
        (void)waitpid(pid, &st, 0);
        err = child_errno != 0 ? child_errno : ENOEXEC;
        goto out;
    }
    c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0u);
    if (c->pidfd < 0) {
        int st;
        err = errno;
        (void)kill(-pid, SIGKILL);
        (void)waitpid(pid, &st, 0);
        goto out;
    }
    c->pidfd = high_fd(c->pidfd);
    (void)fcntl(outp[0], F_SETFL, O_NONBLOCK);
    (void)fcntl(errp[0], F_SETFL, O_NONBLOCK);
    c->out_fd = outp[0];
    c->err_fd = errp[0];
    outp[0] = -1;
    errp[0] = -1;
    pthread_mutex_lock(&ex->lock);
    c->pid = pid;
    c->resumed_at = mono_us();
    if (c->pending_sig == SIGKILL) {
        signal_group(c, SIGKILL);
        c->term = 2;
    } else if (c->pending_sig == SIGTERM) {
        terminate(c, c->pending_grace_us, c->resumed_at);
    }
    pthread_mutex_unlock(&ex->lock);
out:
    for (int i = 0; i < 2; i++) {
        if (outp[i] >= 0)
            (void)close(outp[i]);
        if (errp[i] >= 0)
            (void)close(errp[i]);
        if (stp[i] >= 0)
            (void)close(stp[i]);
    }
    if (devnull >= 0)
        (void)close(devnull);
    return err;
}

static void
child_free(struct child *c)
{
    if (c == NULL)
        return;
    if (c->pidfd >= 0)
        (void)close(c->pidfd);
    if (c->out_fd >= 0)
        (void)close(c->out_fd);
    if (c->err_fd >= 0)
        (void)close(c->err_fd);
    cim_error_free(c->error);
    free(c->error_description);
    free(c);
}

static void
kid_remove(struct executor *ex, struct child *c)
{
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_kids; i++)
        if (ex->kids[i] == c) {
            ex->kids[i] = ex->kids[--ex->n_kids];
            break;
        }
    pthread_mutex_unlock(&ex->lock);
    child_free(c);
}

/* Reserves a slot for job id; NULL when out of memory. Caller holds ex->lock. */
static struct child *
kid_reserve(struct executor *ex, uint64_t id)
{
    struct child *c;

    if (ex->n_kids == ex->cap_kids) {
        size_t cap = ex->cap_kids != 0 ? ex->cap_kids * 2 : 16;
        struct child **nk = realloc(ex->kids, cap * sizeof *nk);
        if (nk == NULL)
            return NULL;
        ex->kids = nk;
        ex->cap_kids = cap;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->id = id;
    c->pidfd = -1;
    c->out_fd = -1;
    c->err_fd = -1;
    c->percent = -1;
    c->reported_percent = -1;
    task_lines_init(&c->lines);
    ex->kids[ex->n_kids++] = c;
    return c;
}

/* Starts the command of a reserved job. */
static void
start_job(struct executor *ex, struct child *c)
{
    struct job job;
    enum job_rc rc;
    char id_env[48];
    char dir_env[1200];
    char doc_env[96];
    const char *extra[4];
    char **argv = NULL;
    char **envp = NULL;
    char err[256];
    int e;

    job_init(&job, &job_class_concrete);
    if (job_service_get(ex->o.jobs, c->id, &job) != JOB_OK || job.kind != JOB_KIND_DOCUMENT)
        goto drop;
    if (job.job_state == JOB_STATE_NEW && !(job.flags & JOB_F_START_REQUESTED)) {
        if (job_service_request_state_change(ex->o.jobs, c->id, JOB_REQ_START, NULL, &rc, &job)
                != JOB_OK
            || (rc != JOB_RC_OK && rc != JOB_RC_STARTED))
            goto drop;
    } else if (job.job_state != JOB_STATE_STARTING
               && !(job.job_state == JOB_STATE_NEW && (job.flags & JOB_F_START_REQUESTED))) {
        goto drop;
    }
    c->doc = job.document != NULL ? jobdoc_find(ex->o.docs, job.document) : NULL;
    c->max_exec_us = job.max_exec_us;
    if (c->doc == NULL) {
        fail_not_started(ex, c->id, job.document != NULL ? job.document : "", "",
                         "the job document is not installed");
        goto drop;
    }
    (void)rf_fmt(id_env, sizeof id_env, "RFJOBD_JOB_ID=%" PRIu64, c->id);
    (void)rf_fmt(dir_env, sizeof dir_env, "RFJOBD_DATA_DIR=%s", ex->o.files_dir);
    (void)rf_fmt(doc_env, sizeof doc_env, "RFJOBD_DOCUMENT=%s", c->doc->id);
    extra[0] = id_env;
    extra[1] = dir_env;
    extra[2] = doc_env;
    extra[3] = NULL;
    if (jobdoc_build_exec(c->doc, job.parameters != NULL ? job.parameters : "{}", ex->o.task_dir,
                          extra, &argv, &envp, err, sizeof err)
        != 0) {
        fail_not_started(ex, c->id, c->doc->id, c->doc->argv[0], err);
        goto drop;
    }
    e = spawn(ex, c, argv, envp);
    if (e != 0) {
        char why[160];
        errno_text(e, why, sizeof why);
        STAT_ADD(ex, spawn_failed, 1);
        fail_not_started(ex, c->id, c->doc->id, argv[0], why);
        goto drop;
    }
    STAT_ADD(ex, spawned, 1);
    log_report_err(c->id, "its start", report_ev(ex, c->id, JOB_EV_STARTED, 0));
    free(argv);
    free(envp);
    job_cleanup(&job);
    return;
drop:
    free(argv);
    free(envp);
    job_cleanup(&job);
    kid_remove(ex, c);
}

/* ---- a command ends -------------------------------------------------------------------------- */

static const char *
signal_name(int sig)
{
    switch (sig) {
    case SIGHUP:
        return "SIGHUP";
    case SIGINT:
        return "SIGINT";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGILL:
        return "SIGILL";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGALRM:
        return "SIGALRM";
    case SIGTERM:
        return "SIGTERM";
    default:
        return "a signal";
    }
}

static void
drain(struct executor *ex, struct child *c, int which)
{
    char buf[EXEC_READ_CHUNK];
    int *fd = which == 1 ? &c->out_fd : &c->err_fd;
    ssize_t n;

    if (*fd < 0)
        return;
    n = read(*fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        if (which == 1) {
            size_t len;
            char *line = task_lines_finish(&c->lines, &len);
            if (line != NULL)
                handle_line(ex, c, line, len);
        }
        (void)close(*fd);
        *fd = -1;
        return;
    }
    STAT_ADD(ex, bytes_read, (uint64_t)n);
    if (which == 2) {
        keep_tail(c, buf, (size_t)n);
        return;
    }
    for (size_t off = 0; off < (size_t)n;) {
        char *line;
        size_t len;
        uint64_t cut = c->lines.cut;
        off += task_lines_feed(&c->lines, buf + off, (size_t)n - off, &line, &len);
        STAT_ADD(ex, cut_lines, c->lines.cut - cut);
        if (line != NULL)
            handle_line(ex, c, line, len);
    }
}

static void
finish(struct executor *ex, struct child *c)
{
    int status = 0;
    int64_t deadline = mono_us() + 200000;
    struct job_report rep;
    struct cim_error own;
    char how[64];
    char tail[EXEC_TAIL + 64];
    char desc[EXEC_TAIL + 128];
    const char *args[3];
    bool timed_out;
    bool cancelled;

    /* Nothing of the job may outlive it: the rest of its process group goes too. */
    pthread_mutex_lock(&ex->lock);
    signal_group(c, SIGKILL);
    c->exited = true;
    timed_out = c->timed_out;
    cancelled = c->cancelled;
    pthread_mutex_unlock(&ex->lock);
    while ((c->out_fd >= 0 || c->err_fd >= 0) && mono_us() < deadline) {
        struct pollfd p[2] = {{c->out_fd, POLLIN, 0}, {c->err_fd, POLLIN, 0}};
        if (poll(p, 2, 50) <= 0)
            continue;
        if (p[0].revents != 0)
            drain(ex, c, 1);
        if (p[1].revents != 0)
            drain(ex, c, 2);
    }
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
    }
    STAT_ADD(ex, exited, 1);
    flush_progress(ex, c, true);
    memset(&rep, 0, sizeof rep);
    cim_error_init(&own);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !timed_out) {
        rep.ev = c->warned ? JOB_EV_COMPLETED_WARN : JOB_EV_COMPLETED;
        rep.percent = 100;
        log_report_err(c->id, "its end", job_service_report(ex->o.jobs, c->id, &rep, NULL));
        goto out;
    }
    if (cancelled && !timed_out) {
        rep.ev = JOB_EV_STOPPED;
        log_report_err(c->id, "its end", job_service_report(ex->o.jobs, c->id, &rep, NULL));
        goto out;
    }
    if (WIFEXITED(status))
        (void)rf_fmt(how, sizeof how, "exited with status %d", WEXITSTATUS(status));
    else
        (void)rf_fmt(how, sizeof how, "was killed by signal %d (%s)", WTERMSIG(status),
                     signal_name(WTERMSIG(status)));
    tail_text(c, tail, sizeof tail);
    args[0] = c->doc != NULL ? c->doc->id : "";
    args[1] = how;
    args[2] = tail;
    if (timed_out) {
        char max[64] = "";
        struct cim_datetime iv;
        const char *a[1] = {max};
        if (cim_dt_interval_from_us(c->max_exec_us, &iv) == JOB_OK)
            (void)map_dt(&iv, CIM_DT_INTERVAL, max, sizeof max);
        if (map_oem_cim_error(RF_OEM_EXECUTION_TIME_EXCEEDED, a, 1, 6, &own) != 0)
            goto out;
        own.probable_cause = CIM_CAUSE_TIMEOUT;
        (void)rf_fmt(desc, sizeof desc, "The job ran longer than its maximum execution time %s.",
                     max);
        fail_job(ex, c->id, &own, 124, desc);
        goto out;
    }
    if (map_oem_cim_error(RF_OEM_COMMAND_FAILED, args, 3, 6, &own) != 0)
        goto out;
    own.probable_cause = WIFSIGNALED(status) ? CIM_CAUSE_SOFTWARE_PROGRAM_ABNORMALLY_TERMINATED
                                             : CIM_CAUSE_SOFTWARE_ERROR;
    if (c->error != NULL) {
        struct add_ctx a = {&own, NULL};
        /* The command's own error is the job's; the executor's account joins the messages. */
        log_report_err(c->id, "a message",
                       job_service_update(ex->o.jobs, c->id, add_to_job, &a, NULL, NULL));
    }
    if (c->error_description != NULL)
        (void)rf_fmt(desc, sizeof desc, "%s", c->error_description);
    else if (tail[0] != '\0')
        (void)rf_fmt(desc, sizeof desc, "The command %s: %s", how, tail);
    else
        (void)rf_fmt(desc, sizeof desc, "The command %s.", how);
    fail_job(ex, c->id, c->error != NULL ? c->error : &own,
             c->has_error_code   ? c->error_code
             : WIFEXITED(status) ? (uint16_t)WEXITSTATUS(status)
                                 : (uint16_t)(128 + WTERMSIG(status)),
             desc);
out:
    cim_error_cleanup(&own);
    kid_remove(ex, c);
}

static bool
service_enabled(const struct executor *ex)
{
    return ex->o.enabled == NULL || __atomic_load_n(ex->o.enabled, __ATOMIC_SEQ_CST) != 0;
}

/* ---- the thread ------------------------------------------------------------------------------ */

/* Deadlines: SIGKILL after the grace period, and MaxExecutionTime. Under ex->lock. */
static int64_t
check_deadlines(struct executor *ex, int64_t now)
{
    int64_t next = now + (int64_t)EXEC_MAX_WAIT_MS * 1000;

    for (size_t i = 0; i < ex->n_kids; i++) {
        struct child *c = ex->kids[i];
        if (c->pid == 0 || c->exited)
            continue;
        if (c->term == 1 && c->kill_at != 0) {
            if (now >= c->kill_at) {
                signal_group(c, SIGKILL);
                c->term = 2;
            } else if (c->kill_at < next) {
                next = c->kill_at;
            }
        }
        if (c->max_exec_us != 0 && c->term == 0 && c->resumed_at != 0) {
            int64_t ran = c->run_us + (now - c->resumed_at);
            int64_t left = (int64_t)c->max_exec_us - ran;
            if (left <= 0) {
                c->timed_out = true;
                terminate(c, c->doc != NULL ? c->doc->grace_us : EXEC_DEFAULT_GRACE_US, now);
            } else if (now + left < next) {
                next = now + left;
            }
        }
        if (c->percent != c->reported_percent && c->progress_due < next)
            next = c->progress_due;
    }
    return next;
}

static void
run_validations(struct executor *ex)
{
    struct idv todo;

    pthread_mutex_lock(&ex->lock);
    todo = ex->validate;
    memset(&ex->validate, 0, sizeof ex->validate);
    pthread_mutex_unlock(&ex->lock);
    for (size_t i = 0; i < todo.n; i++) {
        enum job_err err = executor_validate(ex, todo.v[i], NULL);
        if (err != JOB_OK && err != JOB_ESTATE && err != JOB_ENOTFOUND)
            log_msg(LOG_LEVEL_ERROR, "executor: job %" PRIu64 ": cannot validate it: %s", todo.v[i],
                    job_strerror(err));
    }
    free(todo.v);
}

static void *
exec_main(void *arg)
{
    struct executor *ex = arg;
    struct pollfd *pfd = NULL;
    struct child **who = NULL;
    int *what = NULL;
    size_t cap = 0;

    for (;;) {
        struct child *starting[64];
        size_t n_start = 0;
        size_t n = 0;
        int64_t now = mono_us();
        int64_t wall = job_service_now(ex->o.jobs);
        int64_t next;
        int timeout_ms;
        size_t running;

        run_validations(ex);
        pthread_mutex_lock(&ex->lock);
        if (ex->stopping) {
            pthread_mutex_unlock(&ex->lock);
            break;
        }
        /* Forced starts first, then the queue in order while there is a free slot. Nothing
         * new starts while the job service is disabled. */
        while (ex->forced.n > 0 && n_start < 64 && service_enabled(ex)) {
            uint64_t id = ex->forced.v[--ex->forced.n];
            if (kid_find(ex, id) == NULL && (starting[n_start] = kid_reserve(ex, id)) != NULL)
                n_start++;
        }
        running = ex->n_kids;
        next = check_deadlines(ex, now);
        for (size_t i = 0; i < ex->n_queue && running < ex->o.max_concurrent && n_start < 64
                           && service_enabled(ex);) {
            struct waiting w = ex->queue[i];
            if (w.due > wall) {
                int64_t at = now + (w.due - wall);
                if (at < next)
                    next = at;
                i++;
                continue;
            }
            queue_del(ex, w.id);
            if (kid_find(ex, w.id) == NULL && (starting[n_start] = kid_reserve(ex, w.id)) != NULL) {
                n_start++;
                running++;
            }
        }
        pthread_mutex_unlock(&ex->lock);

        for (size_t i = 0; i < n_start; i++)
            start_job(ex, starting[i]);
        if (n_start > 0)
            continue; /* look again: more may wait, and the started ones need their fds */

        /* Everything to wait for: the wake-up, each child's pipes and its exit. */
        pthread_mutex_lock(&ex->lock);
        if (cap < 1 + 3 * ex->n_kids) {
            size_t ncap = 1 + 3 * ex->n_kids + 16;
            struct pollfd *np = realloc(pfd, ncap * sizeof *np);
            struct child **nw = realloc(who, ncap * sizeof *nw);
            int *nwh = realloc(what, ncap * sizeof *nwh);
            if (np != NULL)
                pfd = np;
            if (nw != NULL)
                who = nw;
            if (nwh != NULL)
                what = nwh;
            if (np == NULL || nw == NULL || nwh == NULL) {
                pthread_mutex_unlock(&ex->lock);
                log_msg(LOG_LEVEL_ERROR, "executor: out of memory");
                usleep(100000);
                continue;
            }
            cap = ncap;
        }
        pfd[n].fd = ex->wake_fd;
        pfd[n].events = POLLIN;
        who[n] = NULL;
        what[n++] = 0;
        for (size_t i = 0; i < ex->n_kids; i++) {
            struct child *c = ex->kids[i];
            if (c->pid == 0)
                continue;
            if (c->out_fd >= 0) {
                pfd[n].fd = c->out_fd;
                pfd[n].events = POLLIN;
                who[n] = c;
                what[n++] = 1;
            }
            if (c->err_fd >= 0) {
                pfd[n].fd = c->err_fd;
                pfd[n].events = POLLIN;
                who[n] = c;
                what[n++] = 2;
            }
            pfd[n].fd = c->pidfd;
            pfd[n].events = POLLIN;
            who[n] = c;
            what[n++] = 3;
        }
        pthread_mutex_unlock(&ex->lock);
        now = mono_us();
        timeout_ms = next <= now ? 0 : (int)((next - now + 999) / 1000);
        if (timeout_ms > EXEC_MAX_WAIT_MS)
            timeout_ms = EXEC_MAX_WAIT_MS;
        if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR) {
            log_msg(LOG_LEVEL_ERROR, "executor: poll failed (errno %d)", errno);
            usleep(100000);
            continue;
        }
        if (pfd[0].revents != 0) {
            uint64_t v;
            if (read(ex->wake_fd, &v, sizeof v) < 0) {
                /* Nothing was pending. */
            }
        }
        /* Output first, then exits (a child's last words come before its end). */
        for (size_t i = 1; i < n; i++)
            if (pfd[i].revents != 0 && what[i] != 3)
                drain(ex, who[i], what[i]);
        for (size_t i = 1; i < n; i++)
            if (pfd[i].revents != 0 && what[i] == 3)
                finish(ex, who[i]);
        for (size_t i = 0; i < ex->n_kids; i++)
            flush_progress(ex, ex->kids[i], false);
    }
    free(pfd);
    free(who);
    free(what);
    return NULL;
}

/* ---- the public face ------------------------------------------------------------------------- */

struct executor *
executor_start(const struct executor_opts *opts)
{
    struct executor *ex = calloc(1, sizeof *ex);
    struct job_driver drv;
    struct job_page page = {NULL, 0, 0};
    long max_fd = sysconf(_SC_OPEN_MAX);

    if (ex == NULL)
        return NULL;
    ex->o = *opts;
    if (ex->o.max_concurrent == 0)
        ex->o.max_concurrent = 1;
    ex->max_fd = max_fd > 0 && max_fd < 65536 ? max_fd : 65536;
    ex->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ex->wake_fd < 0 || pthread_mutex_init(&ex->lock, NULL) != 0) {
        if (ex->wake_fd >= 0)
            (void)close(ex->wake_fd);
        free(ex);
        return NULL;
    }
    drv.request = drv_request;
    drv.arg = ex;
    job_service_set_driver(ex->o.jobs, &drv);
    if (job_service_observe(ex->o.jobs, on_notice, ex) != JOB_OK)
        goto fail;
    /* What waits already (after a restart, say). */
    if (job_service_page(ex->o.jobs, 0, 0, scan_filter, ex, &page) != JOB_OK)
        goto fail;
    job_page_cleanup(&page);
    if (pthread_create(&ex->thread, NULL, exec_main, ex) != 0)
        goto fail;
    return ex;
fail:
    job_service_set_driver(ex->o.jobs, NULL);
    (void)close(ex->wake_fd);
    pthread_mutex_destroy(&ex->lock);
    free(ex->queue);
    free(ex->forced.v);
    free(ex->validate.v);
    free(ex);
    return NULL;
}

void
executor_stop(struct executor *ex, unsigned grace_ms)
{
    int64_t deadline;

    if (ex == NULL)
        return;
    pthread_mutex_lock(&ex->lock);
    ex->stopping = true;
    pthread_mutex_unlock(&ex->lock);
    wake(ex);
    pthread_join(ex->thread, NULL);
    job_service_set_driver(ex->o.jobs, NULL);
    /* The commands stop; their jobs keep their state for the restart rule. */
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_kids; i++) {
        struct child *c = ex->kids[i];
        signal_group(c, SIGTERM);
        signal_group(c, SIGCONT);
    }
    pthread_mutex_unlock(&ex->lock);
    if (grace_ms > EXEC_STOP_WAIT_MS)
        grace_ms = EXEC_STOP_WAIT_MS;
    deadline = mono_us() + (int64_t)grace_ms * 1000;
    for (size_t i = 0; i < ex->n_kids; i++) {
        struct child *c = ex->kids[i];
        if (c->pid <= 0)
            continue;
        while (mono_us() < deadline) {
            struct pollfd p = {c->pidfd, POLLIN, 0};
            if (poll(&p, 1, 20) > 0)
                break;
        }
        signal_group(c, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    for (size_t i = 0; i < ex->n_kids; i++)
        child_free(ex->kids[i]);
    free(ex->kids);
    free(ex->queue);
    free(ex->forced.v);
    free(ex->validate.v);
    (void)close(ex->wake_fd);
    pthread_mutex_destroy(&ex->lock);
    free(ex);
}

void
executor_wake(struct executor *ex)
{
    if (ex != NULL)
        wake(ex);
}

uint8_t
executor_submit_hold(const struct executor *ex, bool scheduled)
{
    switch (ex->o.policy) {
    case EXEC_POLICY_AUTOMATIC:
        return JOB_HOLD_VALIDATING;
    case EXEC_POLICY_MANUAL:
        return JOB_HOLD_NONE;
    case EXEC_POLICY_BYPASS:
    default:
        return scheduled ? JOB_HOLD_SCHEDULED : JOB_HOLD_QUEUED;
    }
}

/* Why a document job cannot run as it is; "" when it can. */
static void
check_runnable(struct executor *ex, const struct job *job, char *why, size_t size)
{
    const struct jobdoc *doc =
        job->document != NULL ? jobdoc_find(ex->o.docs, job->document) : NULL;
    struct jobdoc_check chk;
    char **argv = NULL;
    char **envp = NULL;
    const char *extra[1] = {NULL};
    char err[256];

    why[0] = '\0';
    if (doc == NULL) {
        (void)rf_fmt(why, size, "the job document is not installed");
        return;
    }
    if (doc->cls != job->cls) {
        (void)rf_fmt(why, size, "the job document now makes jobs of class %s", doc->cls->name);
        return;
    }
    if (jobdoc_check_params(doc, job->parameters != NULL ? job->parameters : "{}", &chk) != 0) {
        (void)rf_fmt(why, size, "parameter '%s' does not satisfy the job document", chk.param);
        return;
    }
    if (jobdoc_build_exec(doc, job->parameters != NULL ? job->parameters : "{}", ex->o.task_dir,
                          extra, &argv, &envp, err, sizeof err)
        != 0) {
        (void)rf_fmt(why, size, "%s", err);
        return;
    }
    if (access(argv[0], X_OK) != 0) {
        char e[128];
        errno_text(errno, e, sizeof e);
        (void)rf_fmt(why, size, "the command %s cannot be run: %s", argv[0], e);
    }
    free(argv);
    free(envp);
}

struct validate_ctx {
    const char *why;
    const char *doc;
};

static enum job_err
apply_validation(void *arg, struct job *job)
{
    const struct validate_ctx *v = arg;
    struct cim_error e;
    const char *args[2] = {v->doc, v->why};
    enum job_err err;

    if (job->job_state != JOB_STATE_NEW || (job->flags & JOB_F_START_REQUESTED)
        || (job->hold != JOB_HOLD_NONE && job->hold != JOB_HOLD_VALIDATING
            && job->hold != JOB_HOLD_INVALID))
        return JOB_ESTATE;
    if (v->why[0] == '\0') {
        int64_t due = 0;
        job->hold = JOB_HOLD_QUEUED;
        if (job->scheduled_start_time.kind != CIM_DT_NULL
            && cim_dt_to_unix_us(&job->scheduled_start_time, &due) == JOB_OK)
            job->hold = JOB_HOLD_SCHEDULED;
        return JOB_OK;
    }
    job->hold = JOB_HOLD_INVALID;
    if (map_oem_cim_error(RF_OEM_JOB_INVALID, args, 2, 3, &e) != 0)
        return JOB_ENOMEM;
    err = job_add_message(job, &e);
    cim_error_cleanup(&e);
    return err;
}

enum job_err
executor_validate(struct executor *ex, uint64_t id, struct job *out)
{
    struct job job;
    char why[512];
    struct validate_ctx v;
    enum job_err err;

    job_init(&job, &job_class_concrete);
    err = job_service_get(ex->o.jobs, id, &job);
    if (err != JOB_OK) {
        job_cleanup(&job);
        return err;
    }
    if (job.kind != JOB_KIND_DOCUMENT) {
        job_cleanup(&job);
        return JOB_ESTATE;
    }
    check_runnable(ex, &job, why, sizeof why);
    v.why = why;
    v.doc = job.document != NULL ? job.document : "";
    err = job_service_update(ex->o.jobs, id, apply_validation, &v, out, NULL);
    job_cleanup(&job);
    if (err == JOB_OK)
        wake(ex);
    return err;
}

size_t
executor_running(struct executor *ex, uint64_t *ids, size_t max)
{
    size_t n = 0;

    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_kids && n < max; i++)
        if (ex->kids[i]->pid > 0 && !ex->kids[i]->exited)
            ids[n++] = ex->kids[i]->id;
    pthread_mutex_unlock(&ex->lock);
    return n;
}

unsigned
executor_max_concurrent(const struct executor *ex)
{
    return ex->o.max_concurrent;
}

void
executor_stats(struct executor *ex, struct executor_stats *out)
{
    pthread_mutex_lock(&ex->lock);
    out->spawned = __atomic_load_n(&ex->stats.spawned, __ATOMIC_RELAXED);
    out->spawn_failed = __atomic_load_n(&ex->stats.spawn_failed, __ATOMIC_RELAXED);
    out->exited = __atomic_load_n(&ex->stats.exited, __ATOMIC_RELAXED);
    out->bytes_read = __atomic_load_n(&ex->stats.bytes_read, __ATOMIC_RELAXED);
    out->bad_lines = __atomic_load_n(&ex->stats.bad_lines, __ATOMIC_RELAXED);
    out->cut_lines = __atomic_load_n(&ex->stats.cut_lines, __ATOMIC_RELAXED);
    out->dropped = __atomic_load_n(&ex->stats.dropped, __ATOMIC_RELAXED);
    out->running = ex->n_kids;
    out->queued = ex->n_queue;
    pthread_mutex_unlock(&ex->lock);
}
