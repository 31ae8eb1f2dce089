/*
 * bench_model: figures for the job model on this machine, with a raw-SQLite reference measured
 * in the same run so that the figures can be read as ratios on a noisy machine.
 *
 *   bench_model [--dir DIR] [--jobs N] [--seconds S]
 *
 * Prints: durable creations per second with 1 and 32 writers (and the reference: one INSERT and
 * COMMIT per row with the same durability), lookups by id per second, the time for a page of 50
 * at offset N-50, resident memory per job, and the time to load N jobs at start (and the
 * reference: reading the same rows with a bare SELECT).
 */
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "job_codec.h"
#include "job_service.h"

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

static void
die(const char *what, enum job_err err)
{
    fprintf(stderr, "bench_model: %s: %s\n", what, job_strerror(err));
    exit(1);
}

static void
fill_template(struct job *tmpl, uint64_t i)
{
    char name[64];

    job_init(tmpl, (i & 1) ? &job_class_provisioning : &job_class_concrete);
    snprintf(name, sizeof name, "nightly provisioning run %" PRIu64, i);
    if (job_set_str(&tmpl->name, name) != JOB_OK || job_set_str(&tmpl->owner, "admin") != JOB_OK)
        die("template", JOB_ENOMEM);
}

struct writer_arg {
    struct job_service *svc;
    double until;
    uint64_t done;
};

static void *
writer(void *p)
{
    struct writer_arg *w = p;
    struct job tmpl;
    struct job out;

    job_init(&out, &job_class_concrete);
    while (now_s() < w->until) {
        enum job_err err;
        fill_template(&tmpl, w->done);
        err = job_service_create(w->svc, &tmpl, NULL, NULL);
        job_cleanup(&tmpl);
        if (err != JOB_OK)
            die("create", err);
        w->done++;
    }
    job_cleanup(&out);
    return NULL;
}

static struct job_service *
open_service(const char *path, struct store **st)
{
    struct job_service_opts o;
    struct job_service *svc;
    enum job_err err = store_sqlite_open(path, st);

    if (err != JOB_OK)
        die("store", err);
    memset(&o, 0, sizeof o);
    o.store = *st;
    o.manual_housekeeping = true;
    err = job_service_open(&o, &svc);
    if (err != JOB_OK)
        die("open", err);
    return svc;
}

static double
durable_creations(const char *dir, int writers, double seconds)
{
    char path[512];
    struct store *st;
    struct job_service *svc;
    pthread_t *t = calloc((size_t)writers, sizeof *t);
    struct writer_arg *w = calloc((size_t)writers, sizeof *w);
    uint64_t total = 0;
    double start;
    double took;
    struct job_service_stats stats;

    snprintf(path, sizeof path, "%s/create-%d.db", dir, writers);
    unlink(path);
    svc = open_service(path, &st);
    start = now_s();
    for (int i = 0; i < writers; i++) {
        w[i].svc = svc;
        w[i].until = start + seconds;
        pthread_create(&t[i], NULL, writer, &w[i]);
    }
    for (int i = 0; i < writers; i++) {
        pthread_join(t[i], NULL);
        total += w[i].done;
    }
    took = now_s() - start;
    job_service_stats(svc, &stats);
    printf("  %2d writer%s: %8.0f durable creations/s (%" PRIu64 " in %.2f s, %.1f per commit)\n",
           writers, writers == 1 ? " " : "s", (double)total / took, total, took,
           stats.commits != 0 ? (double)stats.changes / (double)stats.commits : 0.0);
    job_service_close(svc);
    store_close(st);
    free(t);
    free(w);
    return (double)total / took;
}

/* The reference: one row per transaction, WAL and synchronous FULL, as a naive store would. */
static double
raw_sqlite_commits(const char *dir, double seconds)
{
    char path[512];
    sqlite3 *db;
    sqlite3_stmt *ins;
    uint64_t n = 0;
    double start;
    static const unsigned char blob[160] = {1};

    snprintf(path, sizeof path, "%s/raw.db", dir);
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK
        || sqlite3_exec(db,
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                        "CREATE TABLE jobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
                        NULL, NULL, NULL)
               != SQLITE_OK
        || sqlite3_prepare_v2(db, "INSERT INTO jobs(data) VALUES (?1)", -1, &ins, NULL)
               != SQLITE_OK)
        die("raw sqlite", JOB_ESTORE);
    start = now_s();
    while (now_s() - start < seconds) {
        sqlite3_bind_blob(ins, 1, blob, sizeof blob, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("raw insert", JOB_ESTORE);
        sqlite3_reset(ins);
        n++;
    }
    double rate = (double)n / (now_s() - start);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    printf("  reference: %8.0f single-row SQLite commits/s (autocommit, same durability)\n", rate);
    return rate;
}

/* Writes n jobs straight through the store in big batches: the population for the rest. */
static void
populate(const char *path, uint64_t n)
{
    struct store *st;
    const size_t batch = 10000;
    struct cim_buf *bufs = calloc(batch, sizeof *bufs);
    struct store_rec *recs = calloc(batch, sizeof *recs);
    enum job_err err;
    int64_t t0 = INT64_C(1795000000) * 1000000;

    unlink(path);
    err = store_sqlite_open(path, &st);
    if (err != JOB_OK)
        die("store", err);
    for (uint64_t base = 1; base <= n; base += batch) {
        size_t k = 0;
        for (uint64_t id = base; id < base + batch && id <= n; id++, k++) {
            struct job j;
            char iid[48];
            fill_template(&j, id);
            j.id = id;
            snprintf(iid, sizeof iid, "rfjobd:%" PRIu64, id);
            if (job_set_str(&j.instance_id, iid) != JOB_OK
                || cim_dt_from_unix_us(t0 + (int64_t)id * 1000, 0, &j.time_submitted) != JOB_OK
                || job_derive_status(&j, false) != JOB_OK)
                die("populate", JOB_ENOMEM);
            bufs[k].len = 0;
            if (job_encode(&j, &bufs[k]) != JOB_OK)
                die("encode", JOB_ENOMEM);
            recs[k].op = STORE_PUT;
            recs[k].id = id;
            recs[k].data = bufs[k].p;
            recs[k].len = bufs[k].len;
            job_cleanup(&j);
        }
        err = store_commit(st, recs, k, base + k);
        if (err != JOB_OK)
            die("commit", err);
    }
    store_close(st);
    for (size_t i = 0; i < batch; i++)
        cim_buf_cleanup(&bufs[i]);
    free(bufs);
    free(recs);
}

static enum job_err
count_row(void *arg, uint64_t id, const unsigned char *data, size_t len)
{
    (void)id;
    (void)data;
    *(uint64_t *)arg += len;
    return JOB_OK;
}

struct lookup_arg {
    struct job_service *svc;
    uint64_t n_jobs;
    uint64_t done;
    double until;
    unsigned seed;
};

static void *
lookups(void *p)
{
    struct lookup_arg *a = p;
    struct job j;

    job_init(&j, &job_class_concrete);
    while (now_s() < a->until) {
        for (int k = 0; k < 1000; k++) {
            a->seed = a->seed * 1103515245u + 12345u;
            uint64_t id = 1 + ((uint64_t)a->seed * 2654435761u) % a->n_jobs;
            if (job_service_get(a->svc, id, &j) != JOB_OK)
                die("get", JOB_ENOTFOUND);
        }
        a->done += 1000;
    }
    job_cleanup(&j);
    return NULL;
}

int
main(int argc, char **argv)
{
    const char *dir = ".";
    uint64_t n_jobs = 1000000;
    double seconds = 3.0;
    char path[512];
    struct store *st;
    struct job_service *svc;
    struct job_page page;
    double t;
    long rss0;
    long rss1;
    uint64_t bytes = 0;
    uint64_t next = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            n_jobs = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else {
            fprintf(stderr, "usage: %s [--dir DIR] [--jobs N] [--seconds S]\n", argv[0]);
            return 2;
        }
    }
    if (n_jobs < 100)
        n_jobs = 100;
    printf("rfjobd model benchmark: %" PRIu64 " jobs, SQLite in %s, %ld CPUs online\n", n_jobs, dir,
           sysconf(_SC_NPROCESSORS_ONLN));

    printf("durable creations (each acknowledged only after its commit):\n");
    double ref = raw_sqlite_commits(dir, seconds);
    double one = durable_creations(dir, 1, seconds);
    double many = durable_creations(dir, 32, seconds);
    printf("  ratio to reference: 1 writer %.2fx, 32 writers %.2fx\n", one / ref, many / ref);

    snprintf(path, sizeof path, "%s/population.db", dir);
    printf("populating %" PRIu64 " jobs...\n", n_jobs);
    populate(path, n_jobs);

    /* Reference: a bare scan of the same rows. */
    {
        struct store *raw;
        if (store_sqlite_open(path, &raw) != JOB_OK)
            die("store", JOB_ESTORE);
        t = now_s();
        if (store_load(raw, count_row, &bytes, &next) != JOB_OK)
            die("scan", JOB_ESTORE);
        double scan = now_s() - t;
        store_close(raw);
        rss0 = rss_kib();
        t = now_s();
        svc = open_service(path, &st);
        double load = now_s() - t;
        rss1 = rss_kib();
        printf("load at start: %.2f s for %zu jobs (reference: bare row scan %.2f s, ratio "
               "%.1fx; stored record %.0f bytes on average)\n",
               load, job_service_count(svc), scan, load / scan, (double)bytes / (double)n_jobs);
    }
    {
        /* String bytes per job, to separate them from the fixed cost. */
        struct job j;
        job_init(&j, &job_class_concrete);
        if (job_service_get(svc, n_jobs / 2, &j) != JOB_OK)
            die("get", JOB_ENOTFOUND);
        /* Status and JobStatus point at the model's shared texts; these three are the job's. */
        size_t strs = strlen(j.name) + 1 + strlen(j.owner) + 1 + strlen(j.instance_id) + 1;
        printf("resident memory: %.0f bytes per job (sizeof(struct job) %zu; about %zu bytes of "
               "strings in %d allocations, so %.0f bytes beyond its strings)\n",
               (double)(rss1 - rss0) * 1024.0 / (double)n_jobs, sizeof(struct job), strs, 3,
               (double)(rss1 - rss0) * 1024.0 / (double)n_jobs - (double)strs);
        job_cleanup(&j);
    }

    {
        struct lookup_arg a[2];
        for (int threads = 1; threads <= 2; threads++) {
            pthread_t th[2];
            uint64_t total = 0;
            t = now_s();
            for (int i = 0; i < threads; i++) {
                a[i].svc = svc;
                a[i].n_jobs = n_jobs;
                a[i].done = 0;
                a[i].until = t + seconds;
                a[i].seed = 7u + (unsigned)i;
                pthread_create(&th[i], NULL, lookups, &a[i]);
            }
            for (int i = 0; i < threads; i++) {
                pthread_join(th[i], NULL);
                total += a[i].done;
            }
            printf("lookups by id (copies): %.0f/s with %d thread%s\n",
                   (double)total / (now_s() - t), threads, threads == 1 ? "" : "s");
        }
    }
    {
        const int reps = 2000;
        t = now_s();
        for (int i = 0; i < reps; i++) {
            if (job_service_page(svc, (size_t)n_jobs - 50, 50, NULL, NULL, &page) != JOB_OK
                || page.n != 50)
                die("page", JOB_ENOMEM);
            job_page_cleanup(&page);
        }
        printf("page of 50 at offset %" PRIu64 ": %.3f ms\n", n_jobs - 50,
               (now_s() - t) * 1000.0 / reps);
    }
    job_service_close(svc);
    store_close(st);
    unlink(path);
    return 0;
}
