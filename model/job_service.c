/*
 * The job service; see job_service.h.
 *
 * Writers change the table under the lock and queue one `change` per changed job, in lock order,
 * each with a ticket. The committer thread takes everything queued, commits it in one store
 * transaction, and marks the tickets settled; writers wait for their own change, so one fsync
 * serves every writer whose change was queued at that moment. A job whose last change is not
 * settled yet is invisible to readers until it is (they wait), so nobody sees what a crash could
 * take back. When a commit fails, that batch and everything queued after it (which was built on
 * it) is undone in the table, newest first, and every writer involved gets the error.
 *
 * The notifier thread delivers notices to observers in ticket order once their change is settled.
 * The retention thread removes finished jobs when their time is up.
 */
#include "job_service.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job_codec.h"

#define MAX_OBSERVERS 8
#define DEFAULT_ORG_ID "rfjobd"
#define ORG_ID_MAX 64
#define RETENTION_MAX_SLEEP_US (60 * INT64_C(1000000))

struct entry {
    struct job job;
    uint64_t ticket; /* the last change queued for this job */
};

/* A hash slot keeps the id beside the pointer, so that probing touches no entry. */
struct slot {
    uint64_t id;
    struct entry *e;
};

struct change {
    struct change *next;
    uint64_t ticket;
    enum store_op op;
    uint64_t id;
    struct cim_buf blob; /* STORE_PUT: the job's record */
    struct job *undo;    /* the job before the change; NULL when the change created it */
    enum job_change kind;
    uint16_t old_state;
    uint16_t new_state;
    struct job *snapshot; /* for observers: the job after the change (before, for removal) */
    enum job_err result;
    bool done;
    bool owned_by_writer; /* the writer frees it; otherwise the notifier does */
};

struct retention {
    int64_t due;
    uint64_t id;
};

struct observer {
    job_observer_fn fn;
    void *arg;
};

struct job_service {
    pthread_mutex_t lock;
    pthread_cond_t queue_cv;  /* committer: changes queued, or stopping */
    pthread_cond_t done_cv;   /* writers and readers: tickets settled */
    pthread_cond_t notify_cv; /* notifier: notices queued, or stopping */
    pthread_cond_t flush_cv;  /* flushers: notices delivered */
    pthread_cond_t house_cv;  /* retention thread: earlier due time, or stopping */

    struct store *store;
    char org_id[ORG_ID_MAX + 1];
    job_clock_fn clock;
    void *clock_arg;
    size_t max_jobs;
    struct job_driver driver;
    bool has_driver;

    /* The table: entries in ascending id order, and a hash index by id. */
    struct entry **order;
    size_t n;
    size_t cap;
    struct slot *slots; /* open addressing, linear probing; id 0 = free */
    size_t n_slots;     /* a power of two */
    uint64_t next_id;

    /* Commits */
    struct change *queue_head;
    struct change *queue_tail;
    uint64_t last_ticket;
    uint64_t settled;
    uint64_t commits;
    uint64_t changes;

    /* Notices */
    struct change *notify_head;
    struct change *notify_tail;
    uint64_t delivered;
    struct observer observers[MAX_OBSERVERS];
    size_t n_observers;

    /* Retention: a min-heap by due time; stale entries are skipped when they come up. */
    struct retention *heap;
    size_t heap_n;
    size_t heap_cap;

    bool stopping;
    bool manual_housekeeping;
    pthread_t committer;
    pthread_t notifier;
    pthread_t housekeeper;
    bool committer_started;
    bool notifier_started;
    bool housekeeper_started;
};

/* Clock */

static int64_t
real_clock(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
job_service_now(const struct job_service *svc)
{
    return svc->clock(svc->clock_arg);
}

static void
deadline_after(struct timespec *ts, int64_t us)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(us / 1000000);
    ts->tv_nsec += (long)(us % 1000000) * 1000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

/* The table */

static size_t
slot_of(const struct job_service *svc, uint64_t id)
{
    uint64_t h = id * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 20) & (svc->n_slots - 1);
}

static struct entry *
find(const struct job_service *svc, uint64_t id)
{
    if (svc->n_slots == 0 || id == 0)
        return NULL;
    for (size_t i = slot_of(svc, id);; i = (i + 1) & (svc->n_slots - 1)) {
        if (svc->slots[i].id == id)
            return svc->slots[i].e;
        if (svc->slots[i].id == 0)
            return NULL;
    }
}

static enum job_err
grow_slots(struct job_service *svc)
{
    size_t n = svc->n_slots != 0 ? svc->n_slots * 2 : 1024;
    struct slot *old = svc->slots;
    size_t old_n = svc->n_slots;
    struct slot *slots = calloc(n, sizeof *slots);

    if (slots == NULL)
        return JOB_ENOMEM;
    svc->slots = slots;
    svc->n_slots = n;
    for (size_t i = 0; i < old_n; i++) {
        if (old[i].id == 0)
            continue;
        size_t k = slot_of(svc, old[i].id);
        while (slots[k].id != 0)
            k = (k + 1) & (n - 1);
        slots[k] = old[i];
    }
    free(old);
    return JOB_OK;
}

static size_t
order_pos(const struct job_service *svc, uint64_t id)
{
    size_t lo = 0;
    size_t hi = svc->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (svc->order[mid]->job.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Makes room for one more entry, so that table_insert cannot fail. */
static enum job_err
table_reserve(struct job_service *svc)
{
    if (svc->n == svc->cap) {
        size_t cap = svc->cap != 0 ? svc->cap * 2 : 1024;
        struct entry **order = realloc(svc->order, cap * sizeof *order);
        if (order == NULL)
            return JOB_ENOMEM;
        svc->order = order;
        svc->cap = cap;
    }
    if ((svc->n + 1) * 10 > svc->n_slots * 7)
        return grow_slots(svc);
    return JOB_OK;
}

static void
table_insert(struct job_service *svc, struct entry *e)
{
    /* New jobs have the highest id: appending is the common case. */
    size_t at = svc->n == 0 || svc->order[svc->n - 1]->job.id < e->job.id
                    ? svc->n
                    : order_pos(svc, e->job.id);
    size_t k = slot_of(svc, e->job.id);

    memmove(&svc->order[at + 1], &svc->order[at], (svc->n - at) * sizeof *svc->order);
    svc->order[at] = e;
    svc->n++;
    while (svc->slots[k].id != 0)
        k = (k + 1) & (svc->n_slots - 1);
    svc->slots[k].id = e->job.id;
    svc->slots[k].e = e;
}

static void
table_remove(struct job_service *svc, struct entry *e)
{
    size_t at = order_pos(svc, e->job.id);
    size_t mask = svc->n_slots - 1;
    size_t i = slot_of(svc, e->job.id);

    memmove(&svc->order[at], &svc->order[at + 1], (svc->n - at - 1) * sizeof *svc->order);
    svc->n--;
    while (svc->slots[i].e != e)
        i = (i + 1) & mask;
    /* Backward-shift deletion keeps every probe chain unbroken. */
    for (size_t j = (i + 1) & mask; svc->slots[j].id != 0; j = (j + 1) & mask) {
        size_t home = slot_of(svc, svc->slots[j].id);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            svc->slots[i] = svc->slots[j];
            i = j;
        }
    }
    svc->slots[i].id = 0;
    svc->slots[i].e = NULL;
}

static struct entry *
entry_new(const struct job_class *cls)
{
    struct entry *e = malloc(sizeof *e);

    if (e != NULL) {
        job_init(&e->job, cls);
        e->ticket = 0;
    }
    return e;
}

static void
entry_free(struct entry *e)
{
    if (e != NULL) {
        job_cleanup(&e->job);
        free(e);
    }
}

static struct job *
job_dup(const struct job *src)
{
    struct job *j = malloc(sizeof *j);

    if (j == NULL)
        return NULL;
    job_init(j, src->cls);
    if (job_copy(j, src) != JOB_OK) {
        free(j);
        return NULL;
    }
    return j;
}

static void
job_free(struct job *j)
{
    if (j != NULL) {
        job_cleanup(j);
        free(j);
    }
}

/* Retention heap */

static void
heap_push(struct job_service *svc, int64_t due, uint64_t id)
{
    size_t i;

    if (svc->heap_n == svc->heap_cap) {
        size_t cap = svc->heap_cap != 0 ? svc->heap_cap * 2 : 64;
        struct retention *h = realloc(svc->heap, cap * sizeof *h);
        if (h == NULL)
            return; /* retention is retried from the table scan in run_due */
        svc->heap = h;
        svc->heap_cap = cap;
    }
    i = svc->heap_n++;
    while (i > 0 && svc->heap[(i - 1) / 2].due > due) {
        svc->heap[i] = svc->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    svc->heap[i].due = due;
    svc->heap[i].id = id;
    if (i == 0)
        pthread_cond_signal(&svc->house_cv);
}

static struct retention
heap_pop(struct job_service *svc)
{
    struct retention top = svc->heap[0];
    struct retention last = svc->heap[--svc->heap_n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= svc->heap_n)
            break;
        if (c + 1 < svc->heap_n && svc->heap[c + 1].due < svc->heap[c].due)
            c++;
        if (svc->heap[c].due >= last.due)
            break;
        svc->heap[i] = svc->heap[c];
        i = c;
    }
    if (svc->heap_n > 0)
        svc->heap[i] = last;
    return top;
}

static void
schedule_removal(struct job_service *svc, const struct job *job)
{
    int64_t due = job_removal_due(job);

    if (due > 0)
        heap_push(svc, due, job->id);
}

/* Changes and commits */

static void
change_free(struct change *c)
{
    if (c == NULL)
        return;
    cim_buf_cleanup(&c->blob);
    job_free(c->undo);
    job_free(c->snapshot);
    free(c);
}

/*
 * Queues a change of entry e (after it was changed in the table) for commit. undo is the job
 * before the change (NULL for a creation), owned by the change from here on. Returns the change,
 * or NULL on out-of-memory with nothing queued (the caller undoes the table change).
 */
static struct change *
queue_change(struct job_service *svc, enum store_op op, const struct job *job, struct job *undo,
             enum job_change kind, uint16_t old_state)
{
    struct change *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->op = op;
    c->id = job->id;
    c->kind = kind;
    c->old_state = old_state;
    c->new_state = job->job_state;
    c->owned_by_writer = true;
    if ((op == STORE_PUT && job_encode(job, &c->blob) != JOB_OK)
        || (svc->n_observers > 0 && (c->snapshot = job_dup(job)) == NULL)) {
        cim_buf_cleanup(&c->blob);
        job_free(c->snapshot);
        free(c);
        return NULL;
    }
    c->undo = undo;
    c->ticket = ++svc->last_ticket;
    if (svc->queue_tail != NULL)
        svc->queue_tail->next = c;
    else
        svc->queue_head = c;
    svc->queue_tail = c;
    pthread_cond_signal(&svc->queue_cv);
    return c;
}

/* Waits for a change to settle and returns its result; the writer still owns the change. */
static enum job_err
wait_change(struct job_service *svc, struct change *c)
{
    while (!c->done)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    return c->result;
}

/* Undoes one change in the table (the committer calls this, newest first, after a failure). */
static void
undo_change(struct job_service *svc, struct change *c)
{
    struct entry *e = find(svc, c->id);

    if (c->op == STORE_PUT && c->undo == NULL) {
        if (e != NULL) {
            table_remove(svc, e);
            entry_free(e);
        }
        return;
    }
    if (c->undo == NULL)
        return;
    if (e == NULL) {
        /* A deletion: put the job back. The table had room for it before. */
        e = malloc(sizeof *e);
        if (e == NULL || table_reserve(svc) != JOB_OK) {
            free(e);
            return; /* out of memory while undoing: the job stays deleted in memory only */
        }
        e->job = *c->undo;
        e->ticket = 0;
        free(c->undo);
        c->undo = NULL;
        table_insert(svc, e);
        return;
    }
    job_cleanup(&e->job);
    e->job = *c->undo;
    free(c->undo);
    c->undo = NULL;
}

static void *
committer_main(void *arg)
{
    struct job_service *svc = arg;
    struct store_rec *recs = NULL;
    size_t recs_cap = 0;

    pthread_mutex_lock(&svc->lock);
    for (;;) {
        struct change *batch;
        struct change *last = NULL;
        size_t n = 0;
        uint64_t next_id;
        enum job_err err;

        while (svc->queue_head == NULL && !svc->stopping)
            pthread_cond_wait(&svc->queue_cv, &svc->lock);
        if (svc->queue_head == NULL)
            break;
        batch = svc->queue_head;
        svc->queue_head = svc->queue_tail = NULL;
        next_id = svc->next_id;
        for (struct change *c = batch; c != NULL; c = c->next)
            n++;
        pthread_mutex_unlock(&svc->lock);

        err = JOB_OK;
        if (n > recs_cap) {
            struct store_rec *r = realloc(recs, n * 2 * sizeof *r);
            if (r == NULL) {
                err = JOB_ENOMEM;
            } else {
                recs = r;
                recs_cap = n * 2;
            }
        }
        if (err == JOB_OK) {
            size_t i = 0;
            for (struct change *c = batch; c != NULL; c = c->next, i++) {
                recs[i].op = c->op;
                recs[i].id = c->id;
                recs[i].data = c->blob.p;
                recs[i].len = c->blob.len;
            }
            err = store_commit(svc->store, recs, n, next_id);
        }

        pthread_mutex_lock(&svc->lock);
        if (err != JOB_OK) {
            /* What was queued meanwhile was built on this batch: it fails with it. */
            struct change *rev = NULL;
            for (last = batch; last->next != NULL; last = last->next)
                ;
            last->next = svc->queue_head;
            svc->queue_head = svc->queue_tail = NULL;
            for (struct change *c = batch; c != NULL;) {
                struct change *next = c->next;
                c->next = rev;
                rev = c;
                c = next;
            }
            for (struct change *c = rev; c != NULL; c = c->next)
                undo_change(svc, c);
            /* Back to queue order. */
            batch = NULL;
            for (struct change *c = rev; c != NULL;) {
                struct change *next = c->next;
                c->next = batch;
                batch = c;
                c = next;
            }
        } else {
            svc->commits++;
            svc->changes += n;
        }
        for (struct change *c = batch; c != NULL;) {
            struct change *next = c->next;
            c->result = err;
            c->done = true;
            if (c->ticket > svc->settled)
                svc->settled = c->ticket;
            if (err == JOB_OK) {
                struct entry *e = find(svc, c->id);
                if (e != NULL && c->kind != JOB_CHANGE_REMOVED)
                    schedule_removal(svc, &e->job);
            }
            c = next;
        }
        pthread_cond_broadcast(&svc->done_cv);
    }
    pthread_mutex_unlock(&svc->lock);
    free(recs);
    return NULL;
}

/*
 * Hands a settled change to the notifier; the writer calls this after wait_change, and stops
 * owning the change. Failed changes go too, so that the delivered watermark passes them.
 */
static void
release_change(struct job_service *svc, struct change *c)
{
    c->next = NULL;
    c->owned_by_writer = false;
    job_free(c->undo);
    c->undo = NULL;
    cim_buf_cleanup(&c->blob);
    if (svc->notify_tail != NULL)
        svc->notify_tail->next = c;
    else
        svc->notify_head = c;
    svc->notify_tail = c;
    pthread_cond_signal(&svc->notify_cv);
}

static void *
notifier_main(void *arg)
{
    struct job_service *svc = arg;

    pthread_mutex_lock(&svc->lock);
    for (;;) {
        struct change *list;
        struct observer obs[MAX_OBSERVERS];
        size_t n_obs;

        while (svc->notify_head == NULL && !svc->stopping)
            pthread_cond_wait(&svc->notify_cv, &svc->lock);
        if (svc->notify_head == NULL)
            break;
        list = svc->notify_head;
        svc->notify_head = svc->notify_tail = NULL;
        n_obs = svc->n_observers;
        memcpy(obs, svc->observers, n_obs * sizeof *obs);
        pthread_mutex_unlock(&svc->lock);

        /* Writers release changes in the order they were settled, which can differ slightly
         * from ticket order between jobs; per job it is always in order. */
        for (struct change *c = list; c != NULL; c = c->next) {
            if (c->result != JOB_OK || c->snapshot == NULL)
                continue;
            struct job_notice notice = {c->kind, c->id, c->old_state, c->new_state, c->snapshot};
            for (size_t i = 0; i < n_obs; i++)
                obs[i].fn(obs[i].arg, &notice);
        }

        pthread_mutex_lock(&svc->lock);
        while (list != NULL) {
            struct change *next = list->next;
            if (list->ticket > svc->delivered)
                svc->delivered = list->ticket;
            change_free(list);
            list = next;
        }
        pthread_cond_broadcast(&svc->flush_cv);
    }
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

/* Waits until the last change of job id is settled; returns the entry, or NULL when gone. */
static struct entry *
find_settled(struct job_service *svc, uint64_t id)
{
    struct entry *e;

    while ((e = find(svc, id)) != NULL && e->ticket > svc->settled)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    return e;
}

/*
 * Commits the change of entry e that the caller has just made, whose previous content is undo
 * (NULL for a creation; ownership passes here). On failure the table change is already undone
 * (by the committer, or here when queuing failed). Copies the job to out on success.
 */
static enum job_err
commit_entry(struct job_service *svc, struct entry *e, struct job *undo, enum job_change kind,
             uint16_t old_state, struct job *out)
{
    struct change *c = queue_change(svc, STORE_PUT, &e->job, undo, kind, old_state);
    enum job_err err;

    if (c == NULL) {
        if (undo == NULL) {
            table_remove(svc, e);
            entry_free(e);
        } else {
            job_cleanup(&e->job);
            e->job = *undo;
            free(undo);
        }
        return JOB_ENOMEM;
    }
    e->ticket = c->ticket;
    /* Copy what this change made before others change the job again. */
    if (out != NULL && job_copy(out, &e->job) != JOB_OK) {
        err = wait_change(svc, c);
        release_change(svc, c);
        return err != JOB_OK ? err : JOB_ENOMEM;
    }
    err = wait_change(svc, c);
    release_change(svc, c);
    if (err != JOB_OK && out != NULL)
        job_cleanup(out);
    return err;
}

/* Messages the model itself writes */

struct model_msg {
    const char *key;
    uint16_t severity;   /* PerceivedSeverity */
    uint16_t error_type; /* ErrorType */
    const char *other_error_type;
    const char *text; /* "%1" stands for the job's id */
};

enum { MSG_TERMINATED, MSG_KILLED, MSG_ABORTED_BY_RESTART, MSG_INTERRUPTED };

static const struct model_msg model_msgs[] = {
    [MSG_TERMINATED] = {"JobTerminated", 3, 1, "Client request",
                        "The job with Id '%1' was terminated at a client's request."},
    [MSG_KILLED] = {"JobKilled", 3, 1, "Client request", "The job with Id '%1' was killed."},
    [MSG_ABORTED_BY_RESTART] = {"JobAbortedByRestart", 5, 4, NULL,
                                "The job with Id '%1' failed because the service restarted "
                                "while it was running."},
    [MSG_INTERRUPTED] = {"JobInterrupted", 3, 1, "Service restart",
                         "The job with Id '%1' was interrupted because the service restarted "
                         "while it was running.  The job will run again."},
};

#define OWNING_ENTITY "Rfjobd"
#define CIM_ERR_FAILED 1

/* Writes tmpl with each "%1" replaced by arg, truncating at size. */
static void
subst_arg(char *out, size_t size, const char *tmpl, const char *arg)
{
    size_t o = 0;

    for (const char *p = tmpl; *p != '\0' && o + 1 < size; p++) {
        if (p[0] == '%' && p[1] == '1') {
            for (const char *a = arg; *a != '\0' && o + 1 < size; a++)
                out[o++] = *a;
            p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static enum job_err
make_msg(const struct job *job, int which, struct cim_error *e)
{
    const struct model_msg *m = &model_msgs[which];
    char id[24];
    char text[256];
    enum job_err err;

    cim_error_init(e);
    (void)snprintf(id, sizeof id, "%" PRIu64, job->id);
    subst_arg(text, sizeof text, m->text, id);
    e->error_type = m->error_type;
    e->perceived_severity = m->severity;
    e->probable_cause = 0; /* Unknown */
    e->cim_status_code = CIM_ERR_FAILED;
    e->error_source_format = 0; /* Unknown */
    err = cim_error_set_str(&e->owning_entity, OWNING_ENTITY);
    if (err == JOB_OK)
        err = cim_error_set_str(&e->message_id, m->key);
    if (err == JOB_OK)
        err = cim_error_set_str(&e->message, text);
    if (err == JOB_OK && m->other_error_type != NULL)
        err = cim_error_set_str(&e->other_error_type, m->other_error_type);
    if (err == JOB_OK)
        err = cim_strv_push(&e->message_arguments, id);
    if (err == JOB_OK)
        err = cim_error_set_str(&e->error_source, job->instance_id);
    if (err == JOB_OK)
        err = cim_error_set_str(&e->cim_status_code_description, "CIM_ERR_FAILED");
    if (err != JOB_OK)
        cim_error_cleanup(e);
    return err;
}

/* Sets the job's error to a model message and adds it to its messages. */
static enum job_err
set_model_error(struct job *job, int which, bool as_error)
{
    struct cim_error e;
    enum job_err err = make_msg(job, which, &e);

    if (err != JOB_OK)
        return err;
    err = job_add_message(job, &e);
    if (err == JOB_OK && as_error) {
        cim_error_free(job->error);
        job->error = cim_error_dup(&e);
        if (job->error == NULL)
            err = JOB_ENOMEM;
    }
    cim_error_cleanup(&e);
    return err;
}

static void
stamp(struct cim_datetime *dt, int64_t now)
{
    if (cim_dt_from_unix_us(now, 0, dt) != JOB_OK)
        memset(dt, 0, sizeof *dt);
}

/*
 * Moves a job to `next` (when it differs): TimeOfLastStateChange, EndTime for final states,
 * the errors of client termination, and the status properties.
 */
static enum job_err
enter_state(struct job *job, uint16_t next, int64_t now)
{
    enum job_err err = JOB_OK;
    uint16_t prev = job->job_state;

    if (next == prev)
        return job_derive_status(job, true);
    job->job_state = next;
    stamp(&job->time_of_last_state_change, now);
    if (next != JOB_STATE_NEW)
        job->hold = JOB_HOLD_NONE;
    if (next == JOB_STATE_RUNNING && prev != JOB_STATE_SUSPENDED && prev != JOB_STATE_SERVICE
        && prev != JOB_STATE_QUERY_PENDING && job->start_time.kind == CIM_DT_NULL)
        stamp(&job->start_time, now);
    if (next == JOB_STATE_RUNNING || job_state_is_final(next))
        job->flags &= (uint8_t)~JOB_F_START_REQUESTED;
    if (job_state_is_final(next)) {
        stamp(&job->end_time, now);
        if (next == JOB_STATE_TERMINATED)
            err = set_model_error(job, MSG_TERMINATED, true);
        else if (next == JOB_STATE_KILLED)
            err = set_model_error(job, MSG_KILLED, true);
        if (err == JOB_OK)
            (void)job_compute_elapsed(job, now); /* NULL when it never started */
    }
    if (err == JOB_OK)
        err = job_derive_status(job, false);
    return err;
}

/* Public API */

enum job_err
job_service_observe(struct job_service *svc, job_observer_fn fn, void *arg)
{
    enum job_err err = JOB_OK;

    pthread_mutex_lock(&svc->lock);
    if (svc->n_observers == MAX_OBSERVERS) {
        err = JOB_EBUSY;
    } else {
        svc->observers[svc->n_observers].fn = fn;
        svc->observers[svc->n_observers].arg = arg;
        svc->n_observers++;
    }
    pthread_mutex_unlock(&svc->lock);
    return err;
}

void
job_service_set_driver(struct job_service *svc, const struct job_driver *driver)
{
    pthread_mutex_lock(&svc->lock);
    svc->has_driver = driver != NULL;
    if (driver != NULL)
        svc->driver = *driver;
    pthread_mutex_unlock(&svc->lock);
}

/*
 * Copies a job out, with ElapsedTime computed for a job that is still running. That value is cut
 * to whole seconds, so that the job reads the same (and keeps its ETag) for a second at a time
 * rather than for one microsecond: a client can then read a running job and change it with
 * If-Match.
 */
static enum job_err
copy_out(struct job_service *svc, const struct job *job, struct job *out)
{
    enum job_err err = job_copy(out, job);
    uint64_t us;

    if (err == JOB_OK && job->start_time.kind != CIM_DT_NULL && job->end_time.kind == CIM_DT_NULL
        && job_compute_elapsed(out, job_service_now(svc)) == JOB_OK
        && cim_dt_interval_to_us(&out->elapsed_time, &us) == JOB_OK
        && cim_dt_interval_from_us(us - us % 1000000u, &out->elapsed_time) != JOB_OK)
        memset(&out->elapsed_time, 0, sizeof out->elapsed_time); /* cannot happen: it was one */
    return err;
}

enum job_err
job_service_create(struct job_service *svc, const struct job *tmpl, struct job *out,
                   enum job_prop_id *bad)
{
    struct entry *e;
    enum job_err err;
    enum job_prop_id badp = JOB_P_NAME;
    char local[ORG_ID_MAX + 24];
    int64_t now;

    if (tmpl == NULL || tmpl->cls == NULL)
        return JOB_EINVAL;
    e = entry_new(tmpl->cls);
    if (e == NULL)
        return JOB_ENOMEM;
    if (job_copy(&e->job, tmpl) != JOB_OK) {
        free(e);
        return JOB_ENOMEM;
    }
    pthread_mutex_lock(&svc->lock);
    if (svc->max_jobs != 0 && svc->n >= svc->max_jobs) {
        err = JOB_EBUSY;
        goto fail;
    }
    now = job_service_now(svc);
    e->job.id = svc->next_id;
    e->job.job_state = JOB_STATE_NEW;
    e->job.flags &= (uint8_t)~JOB_F_START_REQUESTED;
    e->job.percent_complete = 0;
    e->job.null_mask &= ~(UINT64_C(1) << JOB_P_PERCENT_COMPLETE);
    memset(&e->job.start_time, 0, sizeof e->job.start_time);
    memset(&e->job.end_time, 0, sizeof e->job.end_time);
    memset(&e->job.elapsed_time, 0, sizeof e->job.elapsed_time);
    stamp(&e->job.time_submitted, now);
    /* Never changed yet: a zero interval, as CIM says. */
    memset(&e->job.time_of_last_state_change, 0, sizeof e->job.time_of_last_state_change);
    e->job.time_of_last_state_change.kind = CIM_DT_INTERVAL;
    e->job.time_of_last_state_change.precision = CIM_DT_DIGITS;
    (void)snprintf(local, sizeof local, "%s:%" PRIu64, svc->org_id, e->job.id);
    err = job_set_str(&e->job.instance_id, local);
    if (err == JOB_OK && e->job.name == NULL) {
        (void)snprintf(local, sizeof local, "Job %" PRIu64, e->job.id);
        err = job_set_str(&e->job.name, local);
    }
    if (err == JOB_OK)
        err = job_derive_status(&e->job, false);
    if (err != JOB_OK)
        goto fail;
    err = job_validate(&e->job, &badp);
    if (err != JOB_OK) {
        if (bad != NULL)
            *bad = badp;
        goto fail;
    }
    err = table_reserve(svc);
    if (err != JOB_OK)
        goto fail;
    svc->next_id++;
    table_insert(svc, e);
    err = commit_entry(svc, e, NULL, JOB_CHANGE_CREATED, JOB_STATE_NEW, out);
    pthread_mutex_unlock(&svc->lock);
    return err;
fail:
    pthread_mutex_unlock(&svc->lock);
    entry_free(e);
    return err;
}

enum job_err
job_service_get(struct job_service *svc, uint64_t id, struct job *out)
{
    struct entry *e;
    enum job_err err;

    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    err = e != NULL ? copy_out(svc, &e->job, out) : JOB_ENOTFOUND;
    pthread_mutex_unlock(&svc->lock);
    return err;
}

size_t
job_service_count(struct job_service *svc)
{
    size_t n;
    uint64_t upto;

    pthread_mutex_lock(&svc->lock);
    upto = svc->last_ticket;
    while (svc->settled < upto)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    n = svc->n;
    pthread_mutex_unlock(&svc->lock);
    return n;
}

void
job_page_cleanup(struct job_page *page)
{
    for (size_t i = 0; i < page->n; i++)
        job_cleanup(&page->jobs[i]);
    free(page->jobs);
    page->jobs = NULL;
    page->n = 0;
    page->total = 0;
}

enum job_err
job_service_page(struct job_service *svc, size_t skip, size_t top, job_filter_fn filter, void *arg,
                 struct job_page *page)
{
    enum job_err err = JOB_OK;
    uint64_t upto;

    page->jobs = NULL;
    page->n = 0;
    page->total = 0;
    pthread_mutex_lock(&svc->lock);
    /* Everything queued before the call is settled first, so a page shows committed jobs. */
    upto = svc->last_ticket;
    while (svc->settled < upto)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    if (filter == NULL) {
        size_t n = skip < svc->n ? svc->n - skip : 0;
        page->total = svc->n;
        if (n > top)
            n = top;
        if (n > 0 && (page->jobs = calloc(n, sizeof *page->jobs)) == NULL) {
            err = JOB_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            job_init(&page->jobs[i], svc->order[skip + i]->job.cls);
            page->n = i + 1;
            err = copy_out(svc, &svc->order[skip + i]->job, &page->jobs[i]);
            if (err != JOB_OK)
                goto out;
        }
        goto out;
    }
    for (size_t i = 0; i < svc->n; i++) {
        const struct job *job = &svc->order[i]->job;
        if (!filter(arg, job))
            continue;
        page->total++;
        if (page->total <= skip || page->n >= top)
            continue;
        if (page->n % 16 == 0) {
            struct job *v = realloc(page->jobs, (page->n + 16) * sizeof *v);
            if (v == NULL) {
                err = JOB_ENOMEM;
                goto out;
            }
            page->jobs = v;
        }
        job_init(&page->jobs[page->n], job->cls);
        page->n++;
        err = copy_out(svc, job, &page->jobs[page->n - 1]);
        if (err != JOB_OK)
            goto out;
    }
out:
    pthread_mutex_unlock(&svc->lock);
    if (err != JOB_OK)
        job_page_cleanup(page);
    return err;
}

enum job_err
job_service_page_ids(struct job_service *svc, size_t skip, size_t top, job_filter_fn filter,
                     void *arg, uint64_t **ids, size_t *n, size_t *total)
{
    enum job_err err = JOB_OK;
    uint64_t upto;
    size_t cap = 0;

    *ids = NULL;
    *n = 0;
    *total = 0;
    pthread_mutex_lock(&svc->lock);
    upto = svc->last_ticket;
    while (svc->settled < upto)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    if (filter == NULL) {
        size_t k = skip < svc->n ? svc->n - skip : 0;
        *total = svc->n;
        if (k > top)
            k = top;
        if (k > 0 && (*ids = malloc(k * sizeof **ids)) == NULL) {
            err = JOB_ENOMEM;
            goto out;
        }
        for (size_t i = 0; i < k; i++)
            (*ids)[i] = svc->order[skip + i]->job.id;
        *n = k;
        goto out;
    }
    for (size_t i = 0; i < svc->n; i++) {
        if (!filter(arg, &svc->order[i]->job))
            continue;
        (*total)++;
        if (*total <= skip || *n >= top)
            continue;
        if (*n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 64;
            uint64_t *v = realloc(*ids, ncap * sizeof *v);
            if (v == NULL) {
                err = JOB_ENOMEM;
                goto out;
            }
            *ids = v;
            cap = ncap;
        }
        (*ids)[(*n)++] = svc->order[i]->job.id;
    }
out:
    pthread_mutex_unlock(&svc->lock);
    if (err != JOB_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return err;
}

/* Takes a settled entry and a backup of its job for undo; the caller holds the lock. */
static enum job_err
begin_change(struct job_service *svc, uint64_t id, struct entry **e, struct job **undo)
{
    *e = find_settled(svc, id);
    if (*e == NULL)
        return JOB_ENOTFOUND;
    *undo = job_dup(&(*e)->job);
    return *undo != NULL ? JOB_OK : JOB_ENOMEM;
}

/* Puts the backup back after a change that failed before it was queued. */
static void
abort_change(struct entry *e, struct job *undo)
{
    job_cleanup(&e->job);
    e->job = *undo;
    free(undo);
}

/* Ends a change begun with begin_change: commits it, or puts the backup back when err is set.
 * Releases the lock. */
static enum job_err
end_change(struct job_service *svc, struct entry *e, struct job *undo, enum job_err err,
           struct job *out)
{
    if (err == JOB_OK)
        err = commit_entry(svc, e, undo, JOB_CHANGE_UPDATED, e->job.job_state, out);
    else
        abort_change(e, undo);
    pthread_mutex_unlock(&svc->lock);
    return err;
}

static enum job_change
change_kind(uint16_t old_state, uint16_t new_state)
{
    return old_state != new_state ? JOB_CHANGE_STATE : JOB_CHANGE_UPDATED;
}

enum job_err
job_service_request_state_change(struct job_service *svc, uint64_t id, uint32_t requested,
                                 const struct cim_datetime *timeout, enum job_rc *rc,
                                 struct job *out)
{
    struct entry *e;
    struct job *undo;
    uint64_t timeout_us = 0;
    uint16_t prev;
    uint16_t next;
    enum job_rc r;
    enum job_err err;

    *rc = JOB_RC_UNKNOWN;
    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    if (e == NULL) {
        pthread_mutex_unlock(&svc->lock);
        return JOB_ENOTFOUND;
    }
    if (timeout != NULL && timeout->kind != CIM_DT_NULL
        && (timeout->kind != CIM_DT_INTERVAL
            || cim_dt_interval_to_us(timeout, &timeout_us) != JOB_OK)) {
        *rc = JOB_RC_INVALID_PARAMETER;
        err = out != NULL ? copy_out(svc, &e->job, out) : JOB_OK;
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    prev = e->job.job_state;
    r = job_fsm_request(e->job.cls, prev, e->job.caps, requested, timeout_us != 0, &next);
    if (r == JOB_RC_OK || r == JOB_RC_STARTED) {
        /* Start of a New job that does not change state: already requested means busy. */
        if (requested == JOB_REQ_START && next == prev && (e->job.flags & JOB_F_START_REQUESTED))
            r = JOB_RC_BUSY;
    }
    if ((r == JOB_RC_OK || r == JOB_RC_STARTED) && svc->has_driver) {
        enum job_rc d =
            svc->driver.request(svc->driver.arg, &e->job, (enum job_req)requested, timeout_us);
        if (d != JOB_RC_OK && d != JOB_RC_STARTED)
            r = d;
    }
    *rc = r;
    if (r != JOB_RC_OK && r != JOB_RC_STARTED) {
        /* Rejected: nothing changes, TimeOfLastStateChange included. */
        err = out != NULL ? copy_out(svc, &e->job, out) : JOB_OK;
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    undo = job_dup(&e->job);
    if (undo == NULL) {
        pthread_mutex_unlock(&svc->lock);
        return JOB_ENOMEM;
    }
    if (requested == JOB_REQ_START && prev == JOB_STATE_NEW) {
        e->job.flags |= JOB_F_START_REQUESTED;
        e->job.hold = JOB_HOLD_NONE;
    }
    err = enter_state(&e->job, next, job_service_now(svc));
    if (err != JOB_OK) {
        abort_change(e, undo);
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    err = commit_entry(svc, e, undo, change_kind(prev, next), prev, out);
    pthread_mutex_unlock(&svc->lock);
    return err;
}

static enum job_err
remove_entry(struct job_service *svc, struct entry *e)
{
    struct job *gone = malloc(sizeof *gone);
    struct change *c;
    enum job_err err;

    if (gone == NULL)
        return JOB_ENOMEM;
    table_remove(svc, e);
    *gone = e->job;
    c = queue_change(svc, STORE_DEL, gone, gone, JOB_CHANGE_REMOVED, gone->job_state);
    if (c == NULL) {
        e->job = *gone;
        free(gone);
        (void)table_reserve(svc);
        table_insert(svc, e);
        return JOB_ENOMEM;
    }
    free(e);
    err = wait_change(svc, c);
    release_change(svc, c);
    return err;
}

enum job_err
job_service_kill_job(struct job_service *svc, uint64_t id, bool delete_on_kill, enum job_mrc *rc,
                     struct job *out)
{
    struct entry *e;
    enum job_rc r;
    enum job_err err;

    *rc = JOB_MRC_UNKNOWN;
    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    if (e == NULL) {
        pthread_mutex_unlock(&svc->lock);
        *rc = JOB_MRC_NOT_FOUND;
        return JOB_ENOTFOUND;
    }
    if (!(e->job.cls->methods & JOB_M_KILL_JOB)) {
        *rc = JOB_MRC_NOT_SUPPORTED;
        err = out != NULL ? copy_out(svc, &e->job, out) : JOB_OK;
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    pthread_mutex_unlock(&svc->lock);

    err = job_service_request_state_change(svc, id, JOB_REQ_KILL, NULL, &r, out);
    if (err != JOB_OK)
        return err;
    switch (r) {
    case JOB_RC_OK:
    case JOB_RC_STARTED:
        *rc = JOB_MRC_SUCCESS;
        break;
    case JOB_RC_NOT_SUPPORTED:
        *rc = JOB_MRC_NOT_SUPPORTED;
        return JOB_OK;
    case JOB_RC_TIMEOUT:
        *rc = JOB_MRC_TIMEOUT;
        return JOB_OK;
    case JOB_RC_UNKNOWN:
        *rc = JOB_MRC_UNKNOWN;
        return JOB_OK;
    case JOB_RC_FAILED:
    case JOB_RC_INVALID_PARAMETER:
    case JOB_RC_IN_USE:
    case JOB_RC_INVALID_TRANSITION:
    case JOB_RC_TIMEOUT_NOT_SUPPORTED:
    case JOB_RC_BUSY:
        *rc = JOB_MRC_FAILED;
        return JOB_OK;
    }
    if (!delete_on_kill)
        return JOB_OK;
    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    err = e != NULL ? remove_entry(svc, e) : JOB_OK;
    pthread_mutex_unlock(&svc->lock);
    return err;
}

enum job_err
job_service_get_error(struct job_service *svc, uint64_t id, enum job_mrc *rc,
                      struct cim_error **error)
{
    struct entry *e;
    enum job_err err = JOB_OK;

    *error = NULL;
    *rc = JOB_MRC_UNKNOWN;
    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    if (e == NULL) {
        *rc = JOB_MRC_NOT_FOUND;
        err = JOB_ENOTFOUND;
    } else if (!(e->job.cls->methods & JOB_M_GET_ERROR)) {
        *rc = JOB_MRC_NOT_SUPPORTED;
    } else {
        *rc = JOB_MRC_SUCCESS;
        if (e->job.error != NULL && (*error = cim_error_dup(e->job.error)) == NULL)
            err = JOB_ENOMEM;
    }
    pthread_mutex_unlock(&svc->lock);
    return err;
}

enum job_err
job_service_report(struct job_service *svc, uint64_t id, const struct job_report *rep,
                   struct job *out)
{
    struct entry *e;
    struct job *undo;
    uint16_t prev;
    uint16_t next;
    enum job_err err;
    int64_t now;

    if (rep == NULL || (rep->ev == JOB_EV_PROGRESS && (rep->percent < 0 || rep->percent > 100))
        || (rep->ev == JOB_EV_FAILED
            && (rep->error == NULL || cim_error_validate(rep->error, NULL) != JOB_OK))
        || (rep->message != NULL && cim_error_validate(rep->message, NULL) != JOB_OK)
        || rep->ev == JOB_EV_SERVICE_RESTART)
        return JOB_EINVAL;
    pthread_mutex_lock(&svc->lock);
    err = begin_change(svc, id, &e, &undo);
    if (err != JOB_OK) {
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    prev = e->job.job_state;
    err = job_fsm_event(e->job.cls, prev, rep->ev, &next);
    if (err != JOB_OK)
        goto abort;
    now = job_service_now(svc);
    if (rep->message != NULL && (err = job_add_message(&e->job, rep->message)) != JOB_OK)
        goto abort;
    if (rep->job_status != NULL && !e->job.cls->job_status_closed
        && (err = job_set_str(&e->job.job_status, rep->job_status)) != JOB_OK)
        goto abort;
    switch (rep->ev) {
    case JOB_EV_PROGRESS:
        if (next == prev)
            e->job.percent_complete = (uint16_t)rep->percent;
        break;
    case JOB_EV_COMPLETED_WARN:
        if (next == JOB_STATE_COMPLETED)
            e->job.flags |= JOB_F_WARNINGS;
        /* fall through */
    case JOB_EV_COMPLETED:
        if (next == JOB_STATE_COMPLETED) {
            e->job.percent_complete = 100;
            e->job.error_code = 0;
            e->job.null_mask &= ~(UINT64_C(1) << JOB_P_ERROR_CODE);
        }
        break;
    case JOB_EV_FAILED:
        if (next == JOB_STATE_EXCEPTION) {
            cim_error_free(e->job.error);
            e->job.error = cim_error_dup(rep->error);
            if (e->job.error == NULL || job_add_message(&e->job, rep->error) != JOB_OK
                || job_set_str(&e->job.error_description, rep->error_description) != JOB_OK) {
                err = JOB_ENOMEM;
                goto abort;
            }
            e->job.error_code = rep->error_code;
            e->job.null_mask &= ~(UINT64_C(1) << JOB_P_ERROR_CODE);
        }
        break;
    case JOB_EV_STARTED:
        e->job.percent_complete = 0;
        break;
    case JOB_EV_PENDING_BOOT:
    case JOB_EV_STOPPED:
    case JOB_EV_QUERY_PENDING:
    case JOB_EV_SERVICE_RESTART:
    case JOB_EV_COUNT:
        break;
    }
    err = enter_state(&e->job, next, now);
    if (err != JOB_OK)
        goto abort;
    err = commit_entry(svc, e, undo,
                       rep->ev == JOB_EV_PROGRESS && next == prev ? JOB_CHANGE_PROGRESS
                                                                  : change_kind(prev, next),
                       prev, out);
    pthread_mutex_unlock(&svc->lock);
    return err;
abort:
    abort_change(e, undo);
    pthread_mutex_unlock(&svc->lock);
    return err;
}

enum job_err
job_service_set(struct job_service *svc, uint64_t id, enum job_prop_id prop,
                const struct job_value *value, struct job *out)
{
    struct entry *e;
    struct job *undo;
    enum job_err err;

    if ((unsigned)prop >= JOB_P_COUNT || value == NULL)
        return JOB_EINVAL;
    pthread_mutex_lock(&svc->lock);
    err = begin_change(svc, id, &e, &undo);
    if (err != JOB_OK) {
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    if (!job_class_has(e->job.cls, prop))
        err = JOB_ENOTSUP;
    else if (!(job_props[prop].flags & JOB_PF_RW))
        err = JOB_EREADONLY;
    else
        err = job_set(&e->job, prop, value);
    return end_change(svc, e, undo, err, out);
}

enum job_err
job_service_update(struct job_service *svc, uint64_t id, job_update_fn fn, void *arg,
                   struct job *out, enum job_prop_id *bad)
{
    struct entry *e;
    struct job *undo;
    enum job_err err;
    enum job_prop_id badp = JOB_P_JOB_STATE;

    pthread_mutex_lock(&svc->lock);
    err = begin_change(svc, id, &e, &undo);
    if (err != JOB_OK) {
        pthread_mutex_unlock(&svc->lock);
        return err;
    }
    err = fn(arg, &e->job);
    if (err == JOB_OK) {
        if (e->job.id != undo->id || e->job.cls != undo->cls || e->job.job_state != undo->job_state
            || strcmp(e->job.instance_id != NULL ? e->job.instance_id : "",
                      undo->instance_id != NULL ? undo->instance_id : "")
                   != 0)
            err = JOB_EINVAL;
        else
            err = job_validate(&e->job, &badp);
        if (err != JOB_OK && bad != NULL)
            *bad = badp;
    }
    return end_change(svc, e, undo, err, out);
}

enum job_err
job_service_delete(struct job_service *svc, uint64_t id)
{
    struct entry *e;
    enum job_err err;

    pthread_mutex_lock(&svc->lock);
    e = find_settled(svc, id);
    if (e == NULL)
        err = JOB_ENOTFOUND;
    else if (!job_state_is_final(e->job.job_state)
             && !(e->job.job_state == JOB_STATE_NEW && !(e->job.flags & JOB_F_START_REQUESTED)))
        err = JOB_ESTATE;
    else
        err = remove_entry(svc, e);
    pthread_mutex_unlock(&svc->lock);
    return err;
}

enum job_err
job_service_run_due(struct job_service *svc, int64_t now_us, size_t *removed)
{
    size_t count = 0;
    enum job_err err = JOB_OK;

    pthread_mutex_lock(&svc->lock);
    while (svc->heap_n > 0 && svc->heap[0].due <= now_us) {
        struct retention r = heap_pop(svc);
        struct entry *e = find_settled(svc, r.id);
        int64_t due;

        if (e == NULL)
            continue;
        due = job_removal_due(&e->job);
        if (due == 0)
            continue; /* kept after all (DeleteOnCompletion was cleared) */
        if (due > now_us) {
            heap_push(svc, due, r.id); /* TimeBeforeRemoval was lengthened */
            continue;
        }
        err = remove_entry(svc, e);
        if (err != JOB_OK)
            break;
        count++;
    }
    pthread_mutex_unlock(&svc->lock);
    if (removed != NULL)
        *removed = count;
    return err;
}

static void *
housekeeper_main(void *arg)
{
    struct job_service *svc = arg;

    pthread_mutex_lock(&svc->lock);
    while (!svc->stopping) {
        int64_t now = job_service_now(svc);
        int64_t wait_us = RETENTION_MAX_SLEEP_US;
        struct timespec deadline;

        if (svc->heap_n > 0 && svc->heap[0].due <= now) {
            pthread_mutex_unlock(&svc->lock);
            (void)job_service_run_due(svc, now, NULL);
            pthread_mutex_lock(&svc->lock);
            continue;
        }
        if (svc->heap_n > 0 && svc->heap[0].due - now < wait_us)
            wait_us = svc->heap[0].due - now;
        deadline_after(&deadline, wait_us);
        (void)pthread_cond_timedwait(&svc->house_cv, &svc->lock, &deadline);
    }
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

void
job_service_flush(struct job_service *svc)
{
    uint64_t target;

    pthread_mutex_lock(&svc->lock);
    target = svc->last_ticket;
    while (svc->delivered < target && !svc->stopping)
        pthread_cond_wait(&svc->flush_cv, &svc->lock);
    pthread_mutex_unlock(&svc->lock);
}

void
job_service_stats(struct job_service *svc, struct job_service_stats *out)
{
    pthread_mutex_lock(&svc->lock);
    out->commits = svc->commits;
    out->changes = svc->changes;
    out->jobs = svc->n;
    pthread_mutex_unlock(&svc->lock);
}

/* Opening and closing */

static enum job_err
load_one(void *arg, uint64_t id, const unsigned char *data, size_t len)
{
    struct job_service *svc = arg;
    struct entry *e = entry_new(&job_class_concrete);
    enum job_err err;

    if (e == NULL)
        return JOB_ENOMEM;
    err = job_decode(data, len, &e->job);
    if (err == JOB_OK && e->job.id != id)
        err = JOB_EINVAL;
    if (err == JOB_OK && (svc->n > 0 && svc->order[svc->n - 1]->job.id >= id))
        err = JOB_EINVAL;
    if (err == JOB_OK)
        err = table_reserve(svc);
    if (err != JOB_OK) {
        store__log("job store: job %" PRIu64 " cannot be loaded: %s", id, job_strerror(err));
        entry_free(e);
        return err;
    }
    /* Loaded in id order: an append. */
    table_insert(svc, e);
    return JOB_OK;
}

static int
is_active(uint16_t state)
{
    return state != JOB_STATE_NEW && !job_state_is_final(state);
}

/* The restart rule: queue the change of every job that was active when the service stopped. */
struct change_list {
    struct change **v;
    size_t n;
    size_t cap;
};

static enum job_err
recover(struct job_service *svc, struct change_list *out)
{
    int64_t now = job_service_now(svc);

    for (size_t i = 0; i < svc->n; i++) {
        struct entry *e = svc->order[i];
        struct job *undo;
        uint16_t prev = e->job.job_state;
        uint16_t next;
        enum job_err err;

        if (!is_active(prev)) {
            if (job_state_is_final(prev))
                schedule_removal(svc, &e->job);
            continue;
        }
        undo = job_dup(&e->job);
        if (undo == NULL)
            return JOB_ENOMEM;
        if (e->job.recovery_action == CIM_RECOVERY_RERUN) {
            err = set_model_error(&e->job, MSG_INTERRUPTED, false);
            if (err == JOB_OK) {
                e->job.hold = JOB_HOLD_INTERRUPTED;
                e->job.percent_complete = 0;
                memset(&e->job.start_time, 0, sizeof e->job.start_time);
                memset(&e->job.elapsed_time, 0, sizeof e->job.elapsed_time);
                err = enter_state(&e->job, JOB_STATE_NEW, now);
                e->job.hold = JOB_HOLD_INTERRUPTED;
            }
        } else {
            (void)job_fsm_event(e->job.cls, prev, JOB_EV_SERVICE_RESTART, &next);
            err = JOB_OK;
            if (next == JOB_STATE_EXCEPTION) {
                err = set_model_error(&e->job, MSG_ABORTED_BY_RESTART, true);
                if (err == JOB_OK && e->job.error_description == NULL)
                    err = job_set_str(&e->job.error_description,
                                      "The service restarted while the job was running.");
            }
            if (err == JOB_OK)
                err = enter_state(&e->job, next, now);
        }
        if (err != JOB_OK) {
            job_free(undo);
            return err;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap != 0 ? out->cap * 2 : 64;
            struct change **v = realloc(out->v, cap * sizeof *v);
            if (v == NULL) {
                job_free(undo);
                return JOB_ENOMEM;
            }
            out->v = v;
            out->cap = cap;
        }
        struct change *c =
            queue_change(svc, STORE_PUT, &e->job, undo, change_kind(prev, e->job.job_state), prev);
        if (c == NULL) {
            job_free(undo);
            return JOB_ENOMEM;
        }
        e->ticket = c->ticket;
        out->v[out->n++] = c;
    }
    return JOB_OK;
}

enum job_err
job_service_open(const struct job_service_opts *opts, struct job_service **out)
{
    struct job_service *svc;
    const char *org = opts->org_id != NULL ? opts->org_id : DEFAULT_ORG_ID;
    pthread_condattr_t ca;
    enum job_err err;

    if (opts->store == NULL || org[0] == '\0' || strlen(org) > ORG_ID_MAX
        || strchr(org, ':') != NULL)
        return JOB_EINVAL;
    svc = calloc(1, sizeof *svc);
    if (svc == NULL)
        return JOB_ENOMEM;
    pthread_mutex_init(&svc->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&svc->house_cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&svc->queue_cv, NULL);
    pthread_cond_init(&svc->done_cv, NULL);
    pthread_cond_init(&svc->notify_cv, NULL);
    pthread_cond_init(&svc->flush_cv, NULL);
    svc->store = opts->store;
    memcpy(svc->org_id, org, strlen(org) + 1);
    svc->clock = opts->clock != NULL ? opts->clock : real_clock;
    svc->clock_arg = opts->clock_arg;
    svc->max_jobs = opts->max_jobs;
    svc->manual_housekeeping = opts->manual_housekeeping;
    svc->next_id = 1;

    err = store_load(svc->store, load_one, svc, &svc->next_id);
    if (err != JOB_OK)
        goto fail;
    if (svc->n > 0 && svc->next_id <= svc->order[svc->n - 1]->job.id)
        svc->next_id = svc->order[svc->n - 1]->job.id + 1;

    if (pthread_create(&svc->committer, NULL, committer_main, svc) != 0) {
        err = JOB_ENOMEM;
        goto fail;
    }
    svc->committer_started = true;
    if (pthread_create(&svc->notifier, NULL, notifier_main, svc) != 0) {
        err = JOB_ENOMEM;
        goto fail;
    }
    svc->notifier_started = true;

    pthread_mutex_lock(&svc->lock);
    {
        struct change_list list = {NULL, 0, 0};
        err = recover(svc, &list);
        /* Wait for the whole recovery batch, then hand every change of it on. */
        for (size_t i = 0; i < list.n; i++) {
            enum job_err cerr = wait_change(svc, list.v[i]);
            if (err == JOB_OK)
                err = cerr;
            release_change(svc, list.v[i]);
        }
        free(list.v);
    }
    pthread_mutex_unlock(&svc->lock);
    if (err != JOB_OK)
        goto fail;
    if (!svc->manual_housekeeping) {
        if (pthread_create(&svc->housekeeper, NULL, housekeeper_main, svc) != 0) {
            err = JOB_ENOMEM;
            goto fail;
        }
        svc->housekeeper_started = true;
    }
    *out = svc;
    return JOB_OK;
fail:
    job_service_close(svc);
    return err;
}

void
job_service_close(struct job_service *svc)
{
    if (svc == NULL)
        return;
    pthread_mutex_lock(&svc->lock);
    /* Writers are gone by contract; let the committer drain its queue before stopping. */
    while (svc->queue_head != NULL && svc->committer_started)
        pthread_cond_wait(&svc->done_cv, &svc->lock);
    svc->stopping = true;
    pthread_cond_broadcast(&svc->queue_cv);
    pthread_cond_broadcast(&svc->notify_cv);
    pthread_cond_broadcast(&svc->house_cv);
    pthread_cond_broadcast(&svc->flush_cv);
    pthread_mutex_unlock(&svc->lock);
    if (svc->housekeeper_started)
        pthread_join(svc->housekeeper, NULL);
    if (svc->committer_started)
        pthread_join(svc->committer, NULL);
    if (svc->notifier_started)
        pthread_join(svc->notifier, NULL);
    /* Changes the recovery queued are owned by nobody now. */
    while (svc->notify_head != NULL) {
        struct change *next = svc->notify_head->next;
        change_free(svc->notify_head);
        svc->notify_head = next;
    }
    for (size_t i = 0; i < svc->n; i++)
        entry_free(svc->order[i]);
    free(svc->order);
    free(svc->slots);
    free(svc->heap);
    pthread_cond_destroy(&svc->queue_cv);
    pthread_cond_destroy(&svc->done_cv);
    pthread_cond_destroy(&svc->notify_cv);
    pthread_cond_destroy(&svc->flush_cv);
    pthread_cond_destroy(&svc->house_cv);
    pthread_mutex_destroy(&svc->lock);
    free(svc);
}
