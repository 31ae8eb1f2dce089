#include "events.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job_service.h"
#include "log.h"
#include "map_job.h"
#include "rf_buf.h"
#include "rf_msg.h"

#define EV_RING_DEFAULT 4096
#define EV_WRITE_BATCH 256
#define EV_SCHEMA_VERSION 1
#define EVENT_TYPE "#Event.v1_13_0.Event"
#define JOBEVENT_PREFIX "JobEvent.1.1"

/* What the observer remembers of a job between two notices. */
struct job_seen {
    uint64_t id; /* 0: a free slot */
    const char *rf_state;
    uint16_t cim_state;
    uint8_t progress_listed; /* its id is in the pending-progress list */
    int8_t progress_pending; /* the percent not yet published, or -1 */
    int8_t progress_sent;    /* the last percent published, or -1 */
    int64_t progress_us;     /* when it was published */
};

struct events {
    pthread_mutex_t mu;
    pthread_cond_t cond; /* an event was published, or the record is closing */
    struct ev_record *ring;
    size_t cap;
    uint64_t first;   /* the oldest id held; 0 when none */
    uint64_t last;    /* the newest id published; 0 when none ever was */
    uint64_t written; /* the newest id in the file */
    int closing;

    sqlite3 *db;
    sqlite3_stmt *ins;
    sqlite3_stmt *trim;
    pthread_t writer;
    int writer_started;

    /* The job observer's state: used by the notifier thread and the writer thread. */
    pthread_mutex_t jmu;
    struct job_seen *seen;
    size_t seen_cap; /* a power of two */
    size_t seen_n;
    uint64_t *pending; /* jobs with a progress event held back */
    size_t npending;
    size_t pending_cap;
    int64_t progress_min_us;
};

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the registries ---------------------------------------------------------------------- */

struct ev_msg {
    const char *key;
    const char *severity;
    size_t nargs;
    const char *text;
};

/* JobEvent 1.1.1 (DMTF). */
static const struct ev_msg jobevent_msgs[] = {
    {"JobStarted", "OK", 1, "The job with Id '%1' has started."},
    {"JobCompletedOK", "OK", 1, "The job with Id '%1' has completed."},
    {"JobCompletedException", "Warning", 1,
     "The job with Id '%1' has completed with warnings or errors."},
    {"JobCancelled", "Warning", 1, "The job with Id '%1' was cancelled."},
    {"JobRemoved", "Warning", 1, "The job with Id '%1' was removed."},
    {"JobSuspended", "Warning", 1, "The job with Id '%1' was suspended."},
    {"JobResumed", "OK", 1, "The job with Id '%1' has resumed."},
    {"JobProgressChanged", "OK", 2,
     "The job with Id '%1' has changed to progress %2 percent complete."},
    {"JobValidationBypassed", "OK", 1, "The job with Id '%1' has been queued without validation."},
    {"JobValidationStarted", "OK", 1, "The job with Id '%1' is under validation."},
    {"JobValidatedOK", "OK", 1, "The job with Id '%1' has been validated."},
    {"JobValidateException", "Warning", 1,
     "The job with Id '%1' has completed validation with warnings or errors."},
};

static int
expand(const char *text, const char *const *args, size_t nargs, char *out, size_t size)
{
    struct rf_buf b;
    int rc = 0;

    rf_buf_init(&b, size - 1);
    for (const char *p = text; *p != '\0' && rc == 0; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            size_t i = (size_t)(p[1] - '1');

            rc = rf_buf_puts(&b, i < nargs && args[i] != NULL ? args[i] : "");
            p++;
        } else {
            rc = rf_buf_append(&b, p, 1);
        }
    }
    if (rc == 0) {
        rc = rf_strlcpy(out, b.data != NULL ? b.data : "", size);
    }
    rf_buf_cleanup(&b);
    return rc;
}

int
events_make(struct ev_record *rec, const char *message_id, const char *const *args, size_t nargs,
            const char *origin)
{
    const char *dot = strchr(message_id, '.');
    const char *key;
    const char *prefix;
    const char *severity = NULL;
    const char *text = NULL;
    size_t want = 0;

    memset(rec, 0, sizeof *rec);
    if (dot == NULL || nargs > EV_ARGS_MAX) {
        return -1;
    }
    key = dot + 1;
    if ((size_t)(dot - message_id) == strlen("JobEvent")
        && strncmp(message_id, "JobEvent", (size_t)(dot - message_id)) == 0) {
        prefix = JOBEVENT_PREFIX;
        for (size_t i = 0; i < sizeof jobevent_msgs / sizeof jobevent_msgs[0]; i++) {
            if (strcmp(jobevent_msgs[i].key, key) == 0) {
                severity = jobevent_msgs[i].severity;
                text = jobevent_msgs[i].text;
                want = jobevent_msgs[i].nargs;
            }
        }
    } else if ((size_t)(dot - message_id) == strlen("Rfjobd")
               && strncmp(message_id, "Rfjobd", (size_t)(dot - message_id)) == 0) {
        prefix = RF_OEM_PREFIX;
        for (int i = 0; i < (int)RF_OEM__COUNT; i++) {
            if (strcmp(rf_oem_key((enum rf_oem_id)i), key) == 0) {
                severity = rf_oem_severity((enum rf_oem_id)i);
                text = rf_oem_text((enum rf_oem_id)i);
                want = (size_t)rf_oem_nargs((enum rf_oem_id)i);
            }
        }
    } else {
        return -1;
    }
    if (text == NULL || want != nargs
        || rf_fmt(rec->message_id, sizeof rec->message_id, "%s.%s", prefix, key) != 0
        || rf_strlcpy(rec->severity, severity, sizeof rec->severity) != 0
        || expand(text, args, nargs, rec->message, sizeof rec->message) != 0
        || (origin != NULL && rf_strlcpy(rec->origin, origin, sizeof rec->origin) != 0)) {
        return -1;
    }
    for (size_t i = 0; i < nargs; i++) {
        if (rf_strlcpy(rec->args[i], args[i] != NULL ? args[i] : "", EV_ARG_MAX) != 0) {
            return -1;
        }
    }
    rec->nargs = nargs;
    if (origin != NULL && strncmp(origin, MAP_JOBS_URI "/", strlen(MAP_JOBS_URI "/")) == 0) {
        (void)rf_strlcpy(rec->resource_type, "Job", sizeof rec->resource_type);
    }
    return 0;
}

/* ---- the Event resource ------------------------------------------------------------------ */

static int
iso_time(int64_t us, char *out, size_t size)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0) {
        return -1;
    }
    return 0;
}

static cJSON *
record_json(const struct ev_record *r, size_t member)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *j_args;
    char id[24];
    char mid[24];
    char ts[40];

    if (j == NULL || rf_fmt(id, sizeof id, "%" PRIu64, r->id) != 0
        || rf_fmt(mid, sizeof mid, "%zu", member) != 0 || iso_time(r->time_us, ts, sizeof ts) != 0
        || cJSON_AddStringToObject(j, "MemberId", mid) == NULL
        || cJSON_AddStringToObject(j, "EventId", id) == NULL
        || cJSON_AddStringToObject(j, "EventType", "Other") == NULL
        || cJSON_AddStringToObject(j, "EventTimestamp", ts) == NULL
        || cJSON_AddStringToObject(j, "MessageId", r->message_id) == NULL
        || cJSON_AddStringToObject(j, "Message", r->message) == NULL
        || (j_args = cJSON_AddArrayToObject(j, "MessageArgs")) == NULL
        || cJSON_AddStringToObject(j, "MessageSeverity", r->severity) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    for (size_t i = 0; i < r->nargs; i++) {
        cJSON *j_a = cJSON_CreateString(r->args[i]);

        if (j_a == NULL || !cJSON_AddItemToArray(j_args, j_a)) {
            cJSON_Delete(j_a);
            cJSON_Delete(j);
            return NULL;
        }
    }
    if (r->origin[0] != '\0') {
        cJSON *j_o = cJSON_AddObjectToObject(j, "OriginOfCondition");

        if (j_o == NULL || cJSON_AddStringToObject(j_o, "@odata.id", r->origin) == NULL) {
            cJSON_Delete(j);
            return NULL;
        }
    }
    return j;
}

cJSON *
events_payload(const struct ev_record *recs, size_t n, const char *context)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *j_events;
    char id[24];

    if (j == NULL || n == 0 || rf_fmt(id, sizeof id, "%" PRIu64, recs[n - 1].id) != 0
        || cJSON_AddStringToObject(j, "@odata.type", EVENT_TYPE) == NULL
        || cJSON_AddStringToObject(j, "Id", id) == NULL
        || cJSON_AddStringToObject(j, "Name", "rfjobd event") == NULL
        || (context != NULL && cJSON_AddStringToObject(j, "Context", context) == NULL)
        || (j_events = cJSON_AddArrayToObject(j, "Events")) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *j_r = record_json(&recs[i], i);

        if (j_r == NULL || !cJSON_AddItemToArray(j_events, j_r)) {
            cJSON_Delete(j_r);
            cJSON_Delete(j);
            return NULL;
        }
    }
    return j;
}

/* ---- the file ---------------------------------------------------------------------------- */

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY NOT NULL, ts INTEGER NOT NULL, message_id TEXT NOT NULL,"
    " severity TEXT NOT NULL, message TEXT NOT NULL, args TEXT NOT NULL, origin TEXT NOT NULL,"
    " resource_type TEXT NOT NULL);";

static int
db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        log_msg(LOG_LEVEL_ERROR, "events.db: %s", msg != NULL ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int
args_to_text(const struct ev_record *r, char **out)
{
    cJSON *j = cJSON_CreateArray();

    *out = NULL;
    if (j == NULL) {
        return -1;
    }
    for (size_t i = 0; i < r->nargs; i++) {
        cJSON *j_a = cJSON_CreateString(r->args[i]);

        if (j_a == NULL || !cJSON_AddItemToArray(j, j_a)) {
            cJSON_Delete(j_a);
            cJSON_Delete(j);
            return -1;
        }
    }
    *out = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return *out == NULL ? -1 : 0;
}

static void
args_from_text(struct ev_record *r, const char *text)
{
    cJSON *j = text != NULL ? cJSON_Parse(text) : NULL;
    const cJSON *j_a;

    r->nargs = 0;
    cJSON_ArrayForEach(j_a, j)
    {
        if (r->nargs < EV_ARGS_MAX && cJSON_IsString(j_a)
            && rf_strlcpy(r->args[r->nargs], j_a->valuestring, EV_ARG_MAX) == 0) {
            r->nargs++;
        }
    }
    cJSON_Delete(j);
}

static void
col_copy(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    if (t == NULL || rf_strlcpy(out, (const char *)t, size) != 0) {
        out[0] = '\0';
    }
}

/* Loads the newest ev->cap events of the file into the ring. */
static int
load(struct events *ev)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(ev->db,
                           "SELECT id, ts, message_id, severity, message, args, origin,"
                           " resource_type FROM events ORDER BY id DESC LIMIT ?",
                           -1, &st, NULL)
        != SQLITE_OK) {
        return -1;
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->cap);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
        struct ev_record *r = &ev->ring[id % ev->cap];

        if (id == 0) {
            continue;
        }
        memset(r, 0, sizeof *r);
        r->id = id;
        r->time_us = sqlite3_column_int64(st, 1);
        col_copy(st, 2, r->message_id, sizeof r->message_id);
        col_copy(st, 3, r->severity, sizeof r->severity);
        col_copy(st, 4, r->message, sizeof r->message);
        args_from_text(r, (const char *)sqlite3_column_text(st, 5));
        col_copy(st, 6, r->origin, sizeof r->origin);
        col_copy(st, 7, r->resource_type, sizeof r->resource_type);
        if (ev->last == 0) {
            ev->last = id;
        }
        ev->first = id;
    }
    sqlite3_finalize(st);
    ev->written = ev->last;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int
write_one(struct events *ev, const struct ev_record *r)
{
    char *args = NULL;
    int rc;

    if (args_to_text(r, &args) != 0) {
        return -1;
    }
    sqlite3_reset(ev->ins);
    sqlite3_bind_int64(ev->ins, 1, (sqlite3_int64)r->id);
    sqlite3_bind_int64(ev->ins, 2, r->time_us);
    sqlite3_bind_text(ev->ins, 3, r->message_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev->ins, 4, r->severity, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev->ins, 5, r->message, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev->ins, 6, args, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev->ins, 7, r->origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev->ins, 8, r->resource_type, -1, SQLITE_STATIC);
    rc = sqlite3_step(ev->ins);
    sqlite3_clear_bindings(ev->ins);
    cJSON_free(args);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Writes a batch in one transaction and drops what the ring no longer holds. */
static void
write_batch(struct events *ev, const struct ev_record *batch, size_t n)
{
    int ok = db_exec(ev->db, "BEGIN") == 0;

    for (size_t i = 0; ok && i < n; i++) {
        ok = write_one(ev, &batch[i]) == 0;
    }
    if (ok && batch[n - 1].id > ev->cap) {
        sqlite3_reset(ev->trim);
        sqlite3_bind_int64(ev->trim, 1, (sqlite3_int64)(batch[n - 1].id - ev->cap));
        ok = sqlite3_step(ev->trim) == SQLITE_DONE;
    }
    if (ok) {
        ok = db_exec(ev->db, "COMMIT") == 0;
    }
    if (!ok) {
        log_msg(LOG_LEVEL_ERROR, "events.db: cannot write events %" PRIu64 "..%" PRIu64 ": %s",
                batch[0].id, batch[n - 1].id, sqlite3_errmsg(ev->db));
        (void)db_exec(ev->db, "ROLLBACK");
    }
}

static void flush_progress(struct events *ev, int64_t now);

static void
abs_deadline(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Writes published events to the file in batches, and publishes held-back progress when due. */
static void *
writer_main(void *arg)
{
    struct events *ev = arg;
    struct ev_record *batch = malloc(EV_WRITE_BATCH * sizeof *batch);
    int64_t tick_ms = ev->progress_min_us > 0 ? ev->progress_min_us / 1000 / 2 : 250;

    if (tick_ms < 10) {
        tick_ms = 10;
    }
    for (;;) {
        size_t n = 0;
        int closing;

        pthread_mutex_lock(&ev->mu);
        if (ev->written >= ev->last && !ev->closing) {
            struct timespec ts;

            abs_deadline(&ts, tick_ms);
            (void)pthread_cond_timedwait(&ev->cond, &ev->mu, &ts);
        }
        if (ev->first > ev->written + 1) {
            ev->written = ev->first - 1; /* overwritten before it could be written */
        }
        while (batch != NULL && n < EV_WRITE_BATCH && ev->written + n < ev->last) {
            batch[n] = ev->ring[(ev->written + n + 1) % ev->cap];
            n++;
        }
        ev->written += n;
        closing = ev->closing;
        pthread_mutex_unlock(&ev->mu);
        if (n > 0 && ev->db != NULL) {
            write_batch(ev, batch, n);
        }
        if (!closing) {
            flush_progress(ev, now_us());
        } else if (n == 0) {
            break;
        }
    }
    free(batch);
    return NULL;
}

static int
open_file(struct events *ev, const char *path, char *err, size_t errsz)
{
    int rc = sqlite3_open_v2(path, &ev->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

    if (rc != SQLITE_OK) {
        (void)rf_fmt(err, errsz, "cannot open %s: %s", path, sqlite3_errstr(rc));
        return -1;
    }
    sqlite3_busy_timeout(ev->db, 5000);
    if (db_exec(ev->db, "PRAGMA journal_mode=WAL") != 0
        || db_exec(ev->db, "PRAGMA synchronous=NORMAL") != 0 || db_exec(ev->db, schema_sql) != 0
        || db_exec(ev->db, "PRAGMA user_version=1") != 0
        || sqlite3_prepare_v2(ev->db,
                              "INSERT OR REPLACE INTO events (id, ts, message_id, severity,"
                              " message, args, origin, resource_type)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              -1, &ev->ins, NULL)
               != SQLITE_OK
        || sqlite3_prepare_v2(ev->db, "DELETE FROM events WHERE id <= ?", -1, &ev->trim, NULL)
               != SQLITE_OK
        || load(ev) != 0) {
        (void)rf_fmt(err, errsz, "cannot read or set up %s: %s", path, sqlite3_errmsg(ev->db));
        return -1;
    }
    return 0;
}

static void
free_ev(struct events *ev)
{
    sqlite3_finalize(ev->ins);
    sqlite3_finalize(ev->trim);
    sqlite3_close(ev->db);
    pthread_mutex_destroy(&ev->mu);
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->jmu);
    free(ev->ring);
    free(ev->seen);
    free(ev->pending);
    free(ev);
}

int
events_open(const struct events_opts *opts, struct events **out, char *err, size_t errsz)
{
    struct events *ev = calloc(1, sizeof *ev);
    pthread_condattr_t ca;

    *out = NULL;
    if (ev == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return -1;
    }
    ev->cap = opts->ring > 0 ? opts->ring : EV_RING_DEFAULT;
    ev->progress_min_us = opts->progress_min_us == 0 ? 1000000 : opts->progress_min_us;
    ev->ring = calloc(ev->cap, sizeof *ev->ring);
    pthread_mutex_init(&ev->mu, NULL);
    pthread_mutex_init(&ev->jmu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ev->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (ev->ring == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        free_ev(ev);
        return -1;
    }
    if (opts->path != NULL && open_file(ev, opts->path, err, errsz) != 0) {
        free_ev(ev);
        return -1;
    }
    if (pthread_create(&ev->writer, NULL, writer_main, ev) != 0) {
        (void)rf_fmt(err, errsz, "cannot start the event writer");
        free_ev(ev);
        return -1;
    }
    ev->writer_started = 1;
    if (ev->last > 0) {
        log_msg(LOG_LEVEL_INFO, "events: %" PRIu64 "..%" PRIu64 " loaded", ev->first, ev->last);
    }
    *out = ev;
    return 0;
}

void
events_close(struct events *ev)
{
    if (ev == NULL) {
        return;
    }
    pthread_mutex_lock(&ev->mu);
    ev->closing = 1;
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->mu);
    if (ev->writer_started) {
        pthread_join(ev->writer, NULL);
    }
    free_ev(ev);
}

/* ---- publishing and reading -------------------------------------------------------------- */

uint64_t
events_publish(struct events *ev, struct ev_record *rec)
{
    uint64_t id;

    if (ev == NULL) {
        return 0;
    }
    if (rec->time_us == 0) {
        rec->time_us = now_us();
    }
    pthread_mutex_lock(&ev->mu);
    id = ++ev->last;
    rec->id = id;
    ev->ring[id % ev->cap] = *rec;
    if (ev->first == 0) {
        ev->first = id;
    } else if (id - ev->first >= ev->cap) {
        ev->first = id - ev->cap + 1;
    }
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->mu);
    return id;
}

uint64_t
events_read(struct events *ev, uint64_t after, struct ev_record *out, size_t max, size_t *n,
            uint64_t *oldest)
{
    uint64_t last;
    uint64_t from;

    *n = 0;
    pthread_mutex_lock(&ev->mu);
    last = ev->last;
    *oldest = ev->first;
    from = after + 1 > ev->first ? after + 1 : ev->first;
    for (uint64_t id = from; ev->first != 0 && id <= last && *n < max; id++) {
        out[(*n)++] = ev->ring[id % ev->cap];
    }
    pthread_mutex_unlock(&ev->mu);
    return last;
}

uint64_t
events_last_id(struct events *ev)
{
    uint64_t last;

    pthread_mutex_lock(&ev->mu);
    last = ev->last;
    pthread_mutex_unlock(&ev->mu);
    return last;
}

int
events_wait(struct events *ev, uint64_t after, int timeout_ms)
{
    struct timespec ts;
    int rc = 0;

    abs_deadline(&ts, timeout_ms > 0 ? timeout_ms : 0);
    pthread_mutex_lock(&ev->mu);
    while (!ev->closing && ev->last <= after && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&ev->cond, &ev->mu, &ts);
    }
    rc = ev->closing ? -1 : ev->last > after ? 1 : 0;
    pthread_mutex_unlock(&ev->mu);
    return rc;
}

/* ---- job changes as events --------------------------------------------------------------- */

static size_t
seen_slot(const struct events *ev, uint64_t id)
{
    uint64_t h = id * 0x9E3779B97F4A7C15ull;

    return (size_t)(h >> 20) & (ev->seen_cap - 1);
}

/* The remembered state of job id, added when add is set. NULL when absent or out of memory. */
static struct job_seen *
seen_find(struct events *ev, uint64_t id, int add)
{
    size_t i;

    if (ev->seen_cap == 0 || (add && (ev->seen_n + 1) * 4 > ev->seen_cap * 3)) {
        size_t cap = ev->seen_cap ? ev->seen_cap * 2 : 1024;
        struct job_seen *old = ev->seen;
        size_t oldcap = ev->seen_cap;
        struct job_seen *t = calloc(cap, sizeof *t);

        if (t == NULL) {
            return NULL;
        }
        ev->seen = t;
        ev->seen_cap = cap;
        for (size_t k = 0; k < oldcap; k++) {
            if (old[k].id != 0) {
                size_t j = seen_slot(ev, old[k].id);

                while (ev->seen[j].id != 0) {
                    j = (j + 1) & (cap - 1);
                }
                ev->seen[j] = old[k];
            }
        }
        free(old);
    }
    for (i = seen_slot(ev, id); ev->seen[i].id != 0; i = (i + 1) & (ev->seen_cap - 1)) {
        if (ev->seen[i].id == id) {
            return &ev->seen[i];
        }
    }
    if (!add) {
        return NULL;
    }
    memset(&ev->seen[i], 0, sizeof ev->seen[i]);
    ev->seen[i].id = id;
    ev->seen[i].progress_pending = -1;
    ev->seen[i].progress_sent = -1;
    ev->seen_n++;
    return &ev->seen[i];
}

/* Removes job id (backward-shift deletion keeps the probe chains whole). */
static void
seen_remove(struct events *ev, uint64_t id)
{
    struct job_seen *s = seen_find(ev, id, 0);
    size_t i;
    size_t j;

    if (s == NULL) {
        return;
    }
    i = (size_t)(s - ev->seen);
    ev->seen[i].id = 0;
    ev->seen_n--;
    for (j = (i + 1) & (ev->seen_cap - 1); ev->seen[j].id != 0; j = (j + 1) & (ev->seen_cap - 1)) {
        size_t home = seen_slot(ev, ev->seen[j].id);

        /* Move j back to i when its home is not in the cyclic range (i, j]. */
        if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
            ev->seen[i] = ev->seen[j];
            ev->seen[j].id = 0;
            i = j;
        }
    }
}

static void
publish_job(struct events *ev, const char *msg, uint64_t job, const char *arg2)
{
    struct ev_record rec;
    char id[24];
    char uri[EV_ORIGIN_MAX];
    const char *args[2];

    if (rf_fmt(id, sizeof id, "%" PRIu64, job) != 0 || map_job_uri(job, uri, sizeof uri) != 0) {
        return;
    }
    args[0] = id;
    args[1] = arg2;
    if (events_make(&rec, msg, args, arg2 != NULL ? 2 : 1, uri) == 0) {
        (void)events_publish(ev, &rec);
    } else {
        log_msg(LOG_LEVEL_ERROR, "events: cannot make %s", msg);
    }
}

/* Publishes the held-back progress of s. Called with jmu held. */
static void
progress_out(struct events *ev, struct job_seen *s, int64_t now)
{
    char pct[8];

    if (s->progress_pending < 0) {
        return;
    }
    if (s->progress_pending != s->progress_sent
        && rf_fmt(pct, sizeof pct, "%d", (int)s->progress_pending) == 0) {
        publish_job(ev, "JobEvent.JobProgressChanged", s->id, pct);
        s->progress_sent = s->progress_pending;
        s->progress_us = now;
    }
    s->progress_pending = -1;
}

/* Publishes the progress held back for longer than the minimum interval. */
static void
flush_progress(struct events *ev, int64_t now)
{
    size_t keep = 0;

    pthread_mutex_lock(&ev->jmu);
    for (size_t i = 0; i < ev->npending; i++) {
        struct job_seen *s = seen_find(ev, ev->pending[i], 0);

        if (s == NULL || s->progress_pending < 0) {
            if (s != NULL) {
                s->progress_listed = 0;
            }
            continue;
        }
        if (now - s->progress_us >= ev->progress_min_us) {
            progress_out(ev, s, now);
            s->progress_listed = 0;
        } else {
            ev->pending[keep++] = ev->pending[i];
        }
    }
    ev->npending = keep;
    pthread_mutex_unlock(&ev->jmu);
}

static void
on_progress(struct events *ev, struct job_seen *s, int percent, int64_t now)
{
    if (percent < 0 || percent > 100) {
        return;
    }
    s->progress_pending = (int8_t)percent;
    if (ev->progress_min_us < 0 || s->progress_sent < 0
        || now - s->progress_us >= ev->progress_min_us) {
        progress_out(ev, s, now);
        return;
    }
    if (!s->progress_listed) {
        if (ev->npending == ev->pending_cap) {
            size_t cap = ev->pending_cap ? ev->pending_cap * 2 : 64;
            uint64_t *p = realloc(ev->pending, cap * sizeof *p);

            if (p == NULL) {
                progress_out(ev, s, now); /* cannot hold it back: publish it */
                return;
            }
            ev->pending = p;
            ev->pending_cap = cap;
        }
        ev->pending[ev->npending++] = s->id;
        s->progress_listed = 1;
    }
}

static int
is_suspended(const char *st)
{
    return st != NULL
           && (strcmp(st, "Suspended") == 0 || strcmp(st, "Interrupted") == 0
               || strcmp(st, "UserIntervention") == 0);
}

/* The message for a change of Redfish JobState from prev (NULL: just created) to now. */
static const char *
state_message(const struct job *job, const char *prev, const char *now)
{
    if (strcmp(now, "Running") == 0 || strcmp(now, "Starting") == 0) {
        if (is_suspended(prev)) {
            return "JobEvent.JobResumed";
        }
        if (prev != NULL && (strcmp(prev, "Running") == 0 || strcmp(prev, "Starting") == 0)) {
            return NULL;
        }
        return "JobEvent.JobStarted";
    }
    if (strcmp(now, "Completed") == 0) {
        return "JobEvent.JobCompletedOK";
    }
    if (strcmp(now, "Exception") == 0) {
        return "JobEvent.JobCompletedException";
    }
    if (strcmp(now, "Cancelled") == 0) {
        return "JobEvent.JobCancelled";
    }
    if (is_suspended(now)) {
        return "JobEvent.JobSuspended";
    }
    if (strcmp(now, "Validating") == 0) {
        return "JobEvent.JobValidationStarted";
    }
    if (strcmp(now, "Invalid") == 0) {
        return "JobEvent.JobValidateException";
    }
    if (strcmp(now, "Pending") == 0 && prev != NULL && strcmp(prev, "Validating") == 0) {
        return "JobEvent.JobValidatedOK";
    }
    if (strcmp(now, "Pending") == 0 && job->document != NULL
        && (prev == NULL || strcmp(prev, "New") == 0)) {
        return "JobEvent.JobValidationBypassed";
    }
    return "Rfjobd.JobStateChanged";
}

static void
on_job(void *arg, const struct job_notice *nt)
{
    struct events *ev = arg;
    const struct job *job = nt->job;
    struct job_seen *s;
    const char *state;
    const char *prev;
    int64_t now = now_us();
    int pending_boot;

    pthread_mutex_lock(&ev->jmu);
    if (nt->change == JOB_CHANGE_REMOVED) {
        s = seen_find(ev, nt->id, 0);
        if (s != NULL) {
            progress_out(ev, s, now);
        }
        publish_job(ev, "JobEvent.JobRemoved", nt->id, NULL);
        seen_remove(ev, nt->id);
        pthread_mutex_unlock(&ev->jmu);
        return;
    }
    s = seen_find(ev, nt->id, 1);
    if (job == NULL || s == NULL) {
        pthread_mutex_unlock(&ev->jmu);
        return;
    }
    if (nt->change == JOB_CHANGE_CREATED) {
        publish_job(ev, "Rfjobd.JobCreated", nt->id, NULL);
    }
    if (nt->change == JOB_CHANGE_PROGRESS) {
        on_progress(ev, s, (int)job->percent_complete, now);
    }
    state = map_job_state(job);
    prev = s->rf_state;
    if (prev == NULL && nt->change == JOB_CHANGE_STATE) {
        /* A job loaded at start: its state before this change. */
        struct job before = *job;

        before.job_state = nt->old_state;
        prev = map_job_state(&before);
    } else if (prev == NULL && nt->change != JOB_CHANGE_CREATED) {
        prev = state;
    }
    pending_boot =
        job->cls->pending_boot_state != 0 && job->job_state == job->cls->pending_boot_state;
    if (prev == NULL || strcmp(prev, state) != 0
        || (s->cim_state != job->job_state && pending_boot)) {
        const char *msg;

        if (job->percent_complete != (uint16_t)s->progress_sent && job->percent_complete <= 100
            && s->progress_sent >= 0) {
            s->progress_pending = (int8_t)job->percent_complete;
        }
        progress_out(ev, s, now); /* the progress that led here comes first */
        msg = pending_boot ? "Rfjobd.JobPendingBoot" : state_message(job, prev, state);
        if (msg != NULL
            && !(prev == NULL && strcmp(msg, "Rfjobd.JobStateChanged") == 0
                 && strcmp(state, "New") == 0)) {
            publish_job(ev, msg, nt->id, strcmp(msg, "Rfjobd.JobStateChanged") == 0 ? state : NULL);
        }
    }
    s->rf_state = state;
    s->cim_state = job->job_state;
    pthread_mutex_unlock(&ev->jmu);
}

int
events_observe_jobs(struct events *ev, struct job_service *jobs)
{
    return job_service_observe(jobs, on_job, ev) == JOB_OK ? 0 : -1;
}
