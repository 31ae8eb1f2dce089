/* Push subscriptions and their delivery threads. One mutex (struct push.lock) guards the table
 * and the settings; lock order: push, then the database, then the event record. A delivery
 * thread never holds the lock while it talks to a destination. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "db.h"
#include "log.h"
#include "push.h"
#include "rf_buf.h"

#define BATCH 16            /* events read from the record at once */
#define WAIT_MS 250         /* the longest a thread waits before looking at its flags again */
#define SKIP_RANGES 16      /* event ranges published while the service was disabled */
#define DEFAULT_ATTEMPTS 3  /* DeliveryRetryAttempts until PATCHed */
#define DEFAULT_INTERVAL 30 /* DeliveryRetryIntervalSeconds until PATCHed */
/* Slots: a deleted subscription's thread may still be ending an attempt while a new one starts. */
#define SLOTS (2 * PUSH_MAX)

enum slot_state {
    SLOT_EMPTY = 0, /* no subscription, no thread */
    SLOT_ACTIVE,    /* a subscription and its thread */
    SLOT_ENDING,    /* deleted; its thread has yet to return */
    SLOT_DONE,      /* its thread returned and awaits a join */
};

struct slot {
    enum slot_state state;
    struct push_sub sub;
    unsigned gen; /* bumped to cut a retry wait short (resume, new settings) */
    pthread_t thread;
    pthread_cond_t cond;
    struct push *p;
};

struct push {
    struct events *ev;
    struct db *db;
    struct audit *audit;
    struct push_tls *tls;
    int timeout_ms;
    pthread_mutex_t lock;
    int stopping;
    struct push_settings set;
    uint64_t disabled_at; /* while disabled: events above this id are not delivered */
    size_t n_skip;
    struct {
        uint64_t from; /* exclusive */
        uint64_t to;   /* inclusive */
    } skip[SKIP_RANGES];
    struct slot slots[SLOTS];
};

/* ---- helpers -------------------------------------------------------------------------------- */

static void
deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static int
before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* The database row of a subscription. Returns 0 or -1 (it does not fit). */
static int
to_row(const struct push_sub *s, struct db_subscription *row)
{
    memset(row, 0, sizeof *row);
    row->id = (long long)s->id;
    row->verify_cert = s->verify_cert;
    row->suspended = s->suspended;
    row->cursor = (long long)s->cursor;
    if (rf_strlcpy(row->owner, s->owner, sizeof row->owner) != 0
        || rf_strlcpy(row->destination, s->destination, sizeof row->destination) != 0
        || rf_strlcpy(row->context, s->context, sizeof row->context) != 0
        || rf_strlcpy(row->policy, push_policy_name(s->policy), sizeof row->policy) != 0
        || push__encode(s, row->filter, sizeof row->filter, row->headers, sizeof row->headers)
               != 0) {
        return -1;
    }
    return 0;
}

static int
from_row(const struct db_subscription *row, struct push_sub *s)
{
    memset(s, 0, sizeof *s);
    s->id = (uint64_t)row->id;
    s->verify_cert = row->verify_cert;
    s->suspended = row->suspended;
    s->cursor = (uint64_t)row->cursor;
    if (rf_strlcpy(s->owner, row->owner, sizeof s->owner) != 0
        || rf_strlcpy(s->destination, row->destination, sizeof s->destination) != 0
        || rf_strlcpy(s->context, row->context, sizeof s->context) != 0
        || push_policy_parse(row->policy, &s->policy) != 0
        || push__decode(row->filter, row->headers, s) != 0) {
        return -1;
    }
    return 0;
}

/* Writes a subscription to the database. Called with the push lock held. */
static int
persist(struct push *p, const struct push_sub *s)
{
    struct db_subscription *row = malloc(sizeof *row);
    int rc = DB_ERR;

    if (row != NULL && to_row(s, row) == 0) {
        rc = db_sub_update(p->db, row);
    }
    free(row);
    return rc;
}

static struct slot *
find(struct push *p, uint64_t id)
{
    for (size_t i = 0; i < SLOTS; i++) {
        if (p->slots[i].state == SLOT_ACTIVE && p->slots[i].sub.id == id) {
            return &p->slots[i];
        }
    }
    return NULL;
}

/* Was event id published while the service was disabled? Called with the lock held. */
static int
skipped(const struct push *p, uint64_t id)
{
    for (size_t i = 0; i < p->n_skip; i++) {
        if (id > p->skip[i].from && id <= p->skip[i].to) {
            return 1;
        }
    }
    return 0;
}

/* Can the slot's thread go on delivering? Called with the lock held. */
static int
live(const struct slot *sl)
{
    return sl->state == SLOT_ACTIVE && !sl->p->stopping;
}

/* ---- delivery ------------------------------------------------------------------------------- */

enum outcome {
    OUT_DELIVERED,
    OUT_EXHAUSTED, /* the retries allowed by a Terminate or Suspend policy are spent */
    OUT_PAUSED,    /* suspended, service disabled, deleted or stopping: stop for now */
};

/* One attempt: 0 when the destination answered 2xx. */
static int
attempt(struct push *p, const struct push_sub *s, const char *body, size_t len)
{
    struct push_url u;
    char err[256] = "";
    int status = 0;

    if (push_url_parse(s->destination, &u) != 0) {
        log_msg(LOG_LEVEL_WARNING, "event subscription %llu: bad destination",
                (unsigned long long)s->id);
        return -1;
    }
    if (push_http_post(p->tls, &u, s->verify_cert, &s->headers, body, len, p->timeout_ms, &status,
                       err, sizeof err)
        != 0) {
        log_msg(LOG_LEVEL_WARNING, "event subscription %llu to %s:%d: %s",
                (unsigned long long)s->id, u.host, u.port, err);
        return -1;
    }
    if (status < 200 || status > 299) {
        log_msg(LOG_LEVEL_WARNING, "event subscription %llu to %s:%d: HTTP status %d",
                (unsigned long long)s->id, u.host, u.port, status);
        return -1;
    }
    return 0;
}

/*
 * Delivers one event to the slot's subscription (s is the thread's copy), retrying as the
 * settings and the policy say. Called and returns without the lock.
 */
static enum outcome
deliver(struct slot *sl, struct push_sub *s, const struct ev_record *rec)
{
    struct push *p = sl->p;
    cJSON *j = events_payload(rec, 1, s->context[0] != '\0' ? s->context : NULL);
    char *body = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
    long failures = 0;
    enum outcome out = OUT_PAUSED;

    cJSON_Delete(j);
    if (body == NULL) {
        log_msg(LOG_LEVEL_ERROR, "event subscription %llu: out of memory",
                (unsigned long long)s->id);
        return OUT_PAUSED;
    }
    for (;;) {
        struct timespec until;
        struct push_settings set;
        unsigned gen;
        long wait_s;

        if (attempt(p, s, body, strlen(body)) == 0) {
            out = OUT_DELIVERED;
            break;
        }
        failures++;
        pthread_mutex_lock(&p->lock);
        set = p->set;
        gen = sl->gen;
        if (!live(sl) || sl->sub.suspended || !set.enabled) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        /* The policy may have been PATCHed meanwhile. */
        s->policy = sl->sub.policy;
        if ((s->policy == PUSH_TERMINATE_AFTER_RETRIES || s->policy == PUSH_SUSPEND_RETRIES)
            && failures > set.retry_attempts) {
            pthread_mutex_unlock(&p->lock);
            out = OUT_EXHAUSTED;
            break;
        }
        wait_s = set.retry_interval;
        if (s->policy == PUSH_RETRY_FOREVER_WITH_BACKOFF) {
            for (long k = 1; k < failures && wait_s < PUSH_BACKOFF_MAX_S; k++) {
                wait_s *= 2;
            }
            wait_s = wait_s > PUSH_BACKOFF_MAX_S ? PUSH_BACKOFF_MAX_S : wait_s;
        }
        deadline_in(&until, wait_s * 1000);
        for (;;) {
            struct timespec now;

            clock_gettime(CLOCK_MONOTONIC, &now);
            if (!live(sl) || sl->gen != gen || !before(&now, &until)) {
                break;
            }
            (void)pthread_cond_timedwait(&sl->cond, &p->lock, &until);
        }
        pthread_mutex_unlock(&p->lock);
    }
    cJSON_free(body);
    return out;
}

/* The notice that events were lost before the subscription could read them. */
static void
dropped_record(struct ev_record *rec, uint64_t first, uint64_t last)
{
    char a[24];
    char b[24];
    const char *args[2] = {a, b};

    (void)rf_fmt(a, sizeof a, "%llu", (unsigned long long)first);
    (void)rf_fmt(b, sizeof b, "%llu", (unsigned long long)last);
    if (events_make(rec, "Rfjobd.EventsDropped", args, 2, NULL) != 0) {
        memset(rec, 0, sizeof *rec);
        (void)rf_strlcpy(rec->message_id, "Rfjobd.1.0.EventsDropped", sizeof rec->message_id);
        (void)rf_strlcpy(rec->severity, "Warning", sizeof rec->severity);
        (void)rf_strlcpy(rec->args[0], a, sizeof rec->args[0]);
        (void)rf_strlcpy(rec->args[1], b, sizeof rec->args[1]);
        rec->nargs = 2;
    }
    rec->id = last;
    rec->time_us = (int64_t)time(NULL) * 1000000;
}

/* Moves the slot's cursor forward (memory first, then the database). */
static void
advance(struct slot *sl, uint64_t id)
{
    struct push *p = sl->p;
    uint64_t sid;

    pthread_mutex_lock(&p->lock);
    if (sl->sub.cursor < id) {
        sl->sub.cursor = id;
    }
    sid = sl->sub.id;
    pthread_mutex_unlock(&p->lock);
    (void)db_sub_set_cursor(p->db, (long long)sid, (long long)id);
}

/* The retries are spent: terminate or suspend, per policy. */
static void
exhausted(struct slot *sl, const struct push_sub *s)
{
    struct push *p = sl->p;
    int terminate = 0;

    pthread_mutex_lock(&p->lock);
    if (sl->state == SLOT_ACTIVE && sl->sub.id == s->id) {
        if (sl->sub.policy == PUSH_SUSPEND_RETRIES) {
            sl->sub.suspended = 1;
            (void)persist(p, &sl->sub);
        } else if (sl->sub.policy == PUSH_TERMINATE_AFTER_RETRIES) {
            sl->state = SLOT_ENDING;
            terminate = 1;
        }
    }
    pthread_mutex_unlock(&p->lock);
    if (terminate) {
        (void)db_sub_delete(p->db, (long long)s->id);
        log_msg(LOG_LEVEL_WARNING, "event subscription %llu terminated after failed deliveries",
                (unsigned long long)s->id);
        (void)audit_record_sev(p->audit, AUDIT_WARNING, "-", "-",
                               "terminated event subscription %llu: its deliveries kept failing",
                               (unsigned long long)s->id);
    } else {
        log_msg(LOG_LEVEL_WARNING, "event subscription %llu suspended after failed deliveries",
                (unsigned long long)s->id);
        (void)audit_record_sev(p->audit, AUDIT_WARNING, "-", "-",
                               "suspended event subscription %llu after failed deliveries",
                               (unsigned long long)s->id);
    }
}

/* Works through one batch of events; returns 0 to go on, -1 to stop for now. */
static int
run_batch(struct slot *sl, struct push_sub *s, struct ev_record *recs)
{
    struct push *p = sl->p;
    size_t n = 0;
    uint64_t oldest = 0;
    uint64_t cursor = s->cursor;

    if (events_read(p->ev, cursor, recs, BATCH, &n, &oldest) < cursor) {
        /* The record restarted its numbering (its file was replaced): follow it. */
        uint64_t last = events_last_id(p->ev);

        pthread_mutex_lock(&p->lock);
        sl->sub.cursor = last;
        pthread_mutex_unlock(&p->lock);
        (void)db_sub_set_cursor(p->db, (long long)s->id, (long long)last);
        return 0;
    }
    if (n == 0) {
        (void)events_wait(p->ev, cursor, WAIT_MS);
        return 0;
    }
    if (oldest != 0 && cursor + 1 < oldest) {
        struct ev_record gone;
        enum outcome o;

        dropped_record(&gone, cursor + 1, oldest - 1);
        o = deliver(sl, s, &gone);
        if (o == OUT_EXHAUSTED) {
            exhausted(sl, s);
        }
        if (o != OUT_DELIVERED) {
            return -1;
        }
        advance(sl, oldest - 1);
        return 0; /* read again: the ring may have moved on */
    }
    for (size_t i = 0; i < n; i++) {
        int pass;
        enum outcome o;

        pthread_mutex_lock(&p->lock);
        pass = live(sl) && p->set.enabled && !sl->sub.suspended;
        if (pass && (skipped(p, recs[i].id) || !push_filter_match(&s->filter, &recs[i]))) {
            cursor = recs[i].id;
            sl->sub.cursor = cursor > sl->sub.cursor ? cursor : sl->sub.cursor;
            pthread_mutex_unlock(&p->lock);
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        if (!pass) {
            break;
        }
        o = deliver(sl, s, &recs[i]);
        if (o == OUT_EXHAUSTED) {
            exhausted(sl, s);
        }
        if (o != OUT_DELIVERED) {
            return -1;
        }
        cursor = recs[i].id;
        advance(sl, cursor);
    }
    /* Events passed over by the filter move the stored cursor too, once per batch. */
    if (cursor != s->cursor) {
        advance(sl, cursor);
    }
    return 0;
}

static void *
worker(void *arg)
{
    struct slot *sl = arg;
    struct push *p = sl->p;
    struct push_sub *s = malloc(sizeof *s);
    struct ev_record *recs = calloc(BATCH, sizeof *recs);
    sigset_t pipe_set;

    /* A destination closing early must not kill the service. */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    (void)pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    pthread_mutex_lock(&p->lock);
    while (s != NULL && recs != NULL && live(sl)) {
        if (!p->set.enabled || sl->sub.suspended) {
            struct timespec until;

            deadline_in(&until, WAIT_MS * 4);
            (void)pthread_cond_timedwait(&sl->cond, &p->lock, &until);
            continue;
        }
        *s = sl->sub;
        pthread_mutex_unlock(&p->lock);
        if (run_batch(sl, s, recs) != 0) {
            /* Paused: look at the flags again after a short wait. */
            struct timespec until;

            pthread_mutex_lock(&p->lock);
            if (live(sl) && p->set.enabled && !sl->sub.suspended) {
                deadline_in(&until, WAIT_MS);
                (void)pthread_cond_timedwait(&sl->cond, &p->lock, &until);
            }
            continue;
        }
        pthread_mutex_lock(&p->lock);
    }
    if (sl->state != SLOT_EMPTY) {
        sl->state = SLOT_DONE;
    }
    pthread_mutex_unlock(&p->lock);
    free(s);
    free(recs);
    return NULL;
}

/* Starts the thread of a slot holding a subscription. Called with the lock held. */
static int
slot_start(struct push *p, struct slot *sl)
{
    sl->p = p;
    sl->state = SLOT_ACTIVE;
    if (pthread_create(&sl->thread, NULL, worker, sl) != 0) {
        sl->state = SLOT_EMPTY;
        return -1;
    }
    return 0;
}

/* A slot for a new subscription, joining a finished thread. Called with the lock held. */
static struct slot *
free_slot(struct push *p)
{
    for (size_t i = 0; i < SLOTS; i++) {
        struct slot *sl = &p->slots[i];

        if (sl->state == SLOT_DONE) {
            (void)pthread_join(sl->thread, NULL);
            sl->state = SLOT_EMPTY;
        }
        if (sl->state == SLOT_EMPTY) {
            return sl;
        }
    }
    return NULL;
}

/* ---- settings ------------------------------------------------------------------------------- */

static long
meta_long(struct db *db, const char *key, long def, long min, long max)
{
    char v[32];
    char *end = NULL;
    long n;

    if (db_meta_get(db, key, v, sizeof v) != DB_OK) {
        return def;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
        return def;
    }
    return n;
}

void
push_settings_get(struct push *p, struct push_settings *out)
{
    if (p == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&p->lock);
    *out = p->set;
    pthread_mutex_unlock(&p->lock);
}

int
push_enabled(struct push *p)
{
    int e;

    if (p == NULL) {
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    e = p->set.enabled;
    pthread_mutex_unlock(&p->lock);
    return e;
}

int
push_settings_set(struct push *p, const struct push_settings *s)
{
    char a[24];
    char i[24];
    int rc = -1;

    if (p == NULL) {
        return -1;
    }
    (void)rf_fmt(a, sizeof a, "%ld", s->retry_attempts);
    (void)rf_fmt(i, sizeof i, "%ld", s->retry_interval);
    pthread_mutex_lock(&p->lock);
    if (db_meta_set(p->db, "eventservice.enabled", s->enabled ? "1" : "0") == DB_OK
        && db_meta_set(p->db, "eventservice.retry_attempts", a) == DB_OK
        && db_meta_set(p->db, "eventservice.retry_interval", i) == DB_OK) {
        if (p->set.enabled && !s->enabled) {
            p->disabled_at = events_last_id(p->ev);
        } else if (!p->set.enabled && s->enabled) {
            if (p->n_skip == SKIP_RANGES) {
                /* Merge the two oldest ranges (what lies between them is passed over too). */
                p->skip[1].from = p->skip[0].from;
                memmove(&p->skip[0], &p->skip[1], (SKIP_RANGES - 1) * sizeof p->skip[0]);
                p->n_skip--;
            }
            p->skip[p->n_skip].from = p->disabled_at;
            p->skip[p->n_skip].to = events_last_id(p->ev);
            p->n_skip++;
        }
        p->set = *s;
        for (size_t k = 0; k < SLOTS; k++) {
            p->slots[k].gen++;
            pthread_cond_signal(&p->slots[k].cond);
        }
        rc = 0;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

int
push_start(const struct push_opts *opts, struct push **out, char *err, size_t errsz)
{
    struct push *p = calloc(1, sizeof *p);
    struct db_subscription *rows = calloc(PUSH_MAX, sizeof *rows);
    pthread_condattr_t ca;
    size_t n = 0;

    *out = NULL;
    if (p == NULL || rows == NULL || pthread_condattr_init(&ca) != 0) {
        (void)rf_fmt(err, errsz, "out of memory");
        free(p);
        free(rows);
        return -1;
    }
    (void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    p->ev = opts->events;
    p->db = opts->db;
    p->audit = opts->audit;
    p->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 5000;
    (void)pthread_mutex_init(&p->lock, NULL);
    for (size_t i = 0; i < SLOTS; i++) {
        (void)pthread_cond_init(&p->slots[i].cond, &ca);
        p->slots[i].p = p;
    }
    pthread_condattr_destroy(&ca);
    p->set.enabled = meta_long(p->db, "eventservice.enabled", 1, 0, 1) != 0;
    p->set.retry_attempts = meta_long(p->db, "eventservice.retry_attempts", DEFAULT_ATTEMPTS, 0,
                                      PUSH_RETRY_ATTEMPTS_MAX);
    p->set.retry_interval = meta_long(p->db, "eventservice.retry_interval", DEFAULT_INTERVAL, 1,
                                      PUSH_RETRY_INTERVAL_MAX);
    if (!p->set.enabled) {
        p->disabled_at = events_last_id(p->ev);
    }
    p->tls = push_tls_new(opts->ca_file, err, errsz);
    if (p->tls == NULL || db_sub_list(p->db, rows, PUSH_MAX, &n) != DB_OK) {
        if (p->tls != NULL) {
            (void)rf_fmt(err, errsz, "cannot read the event subscriptions");
        }
        free(rows);
        push_stop(p);
        return -1;
    }
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < n; i++) {
        struct slot *sl = &p->slots[i];

        if (from_row(&rows[i], &sl->sub) != 0) {
            log_msg(LOG_LEVEL_ERROR, "event subscription %lld cannot be read; skipped", rows[i].id);
            continue;
        }
        if (slot_start(p, sl) != 0) {
            pthread_mutex_unlock(&p->lock);
            (void)rf_fmt(err, errsz, "cannot start a delivery thread");
            free(rows);
            push_stop(p);
            return -1;
        }
    }
    pthread_mutex_unlock(&p->lock);
    log_msg(LOG_LEVEL_INFO, "event subscriptions: %zu loaded", n);
    free(rows);
    *out = p;
    return 0;
}

void
push_stop(struct push *p)
{
    if (p == NULL) {
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    for (size_t i = 0; i < SLOTS; i++) {
        pthread_cond_signal(&p->slots[i].cond);
    }
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < SLOTS; i++) {
        struct slot *sl = &p->slots[i];

        if (sl->state != SLOT_EMPTY) {
            (void)pthread_join(sl->thread, NULL);
        }
        pthread_cond_destroy(&sl->cond);
    }
    pthread_mutex_destroy(&p->lock);
    push_tls_free(p->tls);
    free(p);
}

/* ---- subscriptions -------------------------------------------------------------------------- */

int
push_create(struct push *p, struct push_sub *s)
{
    struct db_subscription *row = malloc(sizeof *row);
    struct slot *sl;
    size_t active = 0;
    int rc = PUSH_ERR;

    if (row == NULL || p == NULL) {
        free(row);
        return PUSH_ERR;
    }
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < SLOTS; i++) {
        active += p->slots[i].state == SLOT_ACTIVE;
    }
    sl = active < PUSH_MAX ? free_slot(p) : NULL;
    if (sl == NULL) {
        rc = PUSH_LIMIT;
        goto done;
    }
    s->suspended = 0;
    s->cursor = events_last_id(p->ev);
    if (to_row(s, row) != 0 || db_sub_insert(p->db, row) != DB_OK) {
        goto done;
    }
    s->id = (uint64_t)row->id;
    sl->sub = *s;
    sl->gen = 0;
    if (slot_start(p, sl) != 0) {
        (void)db_sub_delete(p->db, row->id);
        goto done;
    }
    rc = PUSH_OK;
done:
    pthread_mutex_unlock(&p->lock);
    free(row);
    return rc;
}

int
push_get(struct push *p, uint64_t id, struct push_sub *out)
{
    struct slot *sl;
    int rc = PUSH_NOTFOUND;

    if (p == NULL) {
        return PUSH_NOTFOUND;
    }
    pthread_mutex_lock(&p->lock);
    sl = find(p, id);
    if (sl != NULL) {
        *out = sl->sub;
        rc = PUSH_OK;
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static int
cmp_id(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

size_t
push_list(struct push *p, uint64_t *ids, size_t max)
{
    uint64_t all[SLOTS];
    size_t n = 0;

    if (p == NULL) {
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < SLOTS; i++) {
        if (p->slots[i].state == SLOT_ACTIVE) {
            all[n++] = p->slots[i].sub.id;
        }
    }
    pthread_mutex_unlock(&p->lock);
    qsort(all, n, sizeof all[0], cmp_id);
    for (size_t i = 0; i < n && i < max; i++) {
        ids[i] = all[i];
    }
    return n;
}

int
push_update(struct push *p, const struct push_sub *s, int headers_set)
{
    struct push_sub *next = malloc(sizeof *next);
    struct slot *sl;
    int rc = PUSH_ERR;

    if (next == NULL || p == NULL) {
        free(next);
        return PUSH_ERR;
    }
    pthread_mutex_lock(&p->lock);
    sl = find(p, s->id);
    if (sl == NULL) {
        rc = PUSH_NOTFOUND;
        goto done;
    }
    *next = sl->sub;
    memcpy(next->context, s->context, sizeof next->context);
    next->policy = s->policy;
    next->verify_cert = s->verify_cert;
    if (headers_set) {
        next->headers = s->headers;
    }
    if (persist(p, next) == DB_OK) {
        sl->sub = *next;
        sl->gen++;
        pthread_cond_signal(&sl->cond);
        rc = PUSH_OK;
    }
done:
    pthread_mutex_unlock(&p->lock);
    free(next);
    return rc;
}

int
push_suspend(struct push *p, uint64_t id, int suspend)
{
    struct slot *sl;
    int rc = PUSH_ERR;

    if (p == NULL) {
        return PUSH_NOTFOUND;
    }
    pthread_mutex_lock(&p->lock);
    sl = find(p, id);
    if (sl == NULL) {
        rc = PUSH_NOTFOUND;
    } else {
        int was = sl->sub.suspended;

        sl->sub.suspended = suspend ? 1 : 0;
        if (persist(p, &sl->sub) == DB_OK) {
            sl->gen++;
            pthread_cond_signal(&sl->cond);
            rc = PUSH_OK;
        } else {
            sl->sub.suspended = was;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

int
push_delete(struct push *p, uint64_t id)
{
    struct slot *sl;
    int rc = PUSH_ERR;

    if (p == NULL) {
        return PUSH_NOTFOUND;
    }
    pthread_mutex_lock(&p->lock);
    sl = find(p, id);
    if (sl == NULL) {
        rc = PUSH_NOTFOUND;
    } else {
        int d = db_sub_delete(p->db, (long long)id);

        if (d == DB_OK || d == DB_NOTFOUND) {
            sl->state = SLOT_ENDING;
            pthread_cond_signal(&sl->cond);
            rc = PUSH_OK;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}
