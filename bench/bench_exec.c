/*
 * bench_exec: the executor's figures, measured on the real service over HTTPS.
 *
 *   bench_exec [--jobs N] [--throughput N] [--limit L] [--policy Bypass|Automatic]
 *
 * 1. Latency: N jobs one after another, each a command that exits at once. For each, the time
 *    from sending #JobDocument.SubmitJob to the job being Running (its child started) and to it
 *    being Completed (the child reaped and the end committed), seen by an observer of the job
 *    service. Medians and 99th percentiles, and the median of the bare reference in the same run:
 *    posix_spawn and waitpid of the same command, with nothing else.
 * 2. Throughput: N jobs submitted by 8 client threads against a limit of L concurrent commands;
 *    jobs completed per second from the first submission to the last completion.
 *
 * It starts the service in this process (like the integration tests), with an ephemeral port, a
 * test certificate and its data in a temporary directory.
 */
#define _GNU_SOURCE

#include <inttypes.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "job_service.h"
#include "rf_buf.h"
#include "support/testcert.h"
#include "support/tls_client.h"
#include "support/tmpdir.h"

extern char **environ;

#define PW "bench-pass-1"
#define SUBMIT "/redfish/v1/JobService/Documents/Instant/Actions/JobDocument.SubmitJob"
#define BODY "{\"Parameters\": {}}"
#define CLIENTS 8

static struct app *app;
static struct tcert_paths certs;
static char auth_h[256];

/* What the observer saw, per job id (ids are small and dense here). */
static int64_t *t_running;
static int64_t *t_done;
static size_t n_slots;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static size_t completed;

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
observe(void *arg, const struct job_notice *n)
{
    int64_t t = now_us();

    (void)arg;
    if (n->id >= n_slots || n->change != JOB_CHANGE_STATE)
        return;
    pthread_mutex_lock(&mu);
    if (n->new_state == JOB_STATE_RUNNING && t_running[n->id] == 0)
        t_running[n->id] = t;
    if (job_state_is_final(n->new_state)) {
        t_done[n->id] = t;
        completed++;
        pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
}

static uint64_t
submit(void)
{
    struct tc_resp r;
    char loc[128];
    const char *slash;
    uint64_t id = 0;

    if (tc_request("127.0.0.1", app->port, certs.ca, "POST", SUBMIT, auth_h, BODY, strlen(BODY), &r)
        != 0) {
        fprintf(stderr, "request failed\n");
        exit(1);
    }
    if (r.status != 201 || tc_header(&r, "Location", loc, sizeof loc) != 0
        || (slash = strrchr(loc, '/')) == NULL) {
        fprintf(stderr, "SubmitJob: %d %.300s\n", r.status, r.body);
        exit(1);
    }
    id = strtoull(slash + 1, NULL, 10);
    tc_resp_cleanup(&r);
    return id;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static double
pct(int64_t *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_i64);
    return (double)v[(size_t)((double)(n - 1) * p)] / 1000.0;
}

/* The reference: spawn the same command and wait for it, nothing else. */
static double
reference_ms(const char *fixture, size_t n)
{
    int64_t *v = calloc(n, sizeof *v);
    char cmd[600];
    char a_exit[] = "exit";
    char a_zero[] = "0";
    char *argv[] = {cmd, a_exit, a_zero, NULL};
    double med;

    (void)rf_strlcpy(cmd, fixture, sizeof cmd);

    for (size_t i = 0; i < n; i++) {
        int64_t t0 = now_us();
        pid_t pid;
        int st;
        if (posix_spawn(&pid, fixture, NULL, NULL, argv, environ) != 0
            || waitpid(pid, &st, 0) < 0) {
            fprintf(stderr, "cannot spawn %s\n", fixture);
            exit(1);
        }
        v[i] = now_us() - t0;
    }
    med = pct(v, n, 0.5);
    free(v);
    return med;
}

static size_t per_client;

static void *
client(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < per_client; i++)
        (void)submit();
    return NULL;
}

int
main(int argc, char **argv)
{
    size_t jobs = 1000;
    size_t tput = 2000;
    long limit = 8;
    const char *policy = "Bypass";
    char dir[256];
    char docs[512];
    char path[600];
    char fixture[600];
    char err[CFG_ERR_MAX] = "";
    struct config cfg;
    FILE *f;
    int64_t *lat_run;
    int64_t *lat_done;
    int64_t *lat_create;
    double ref;
    pthread_t th[CLIENTS];
    int64_t t0;
    int64_t t_last = 0;
    uint64_t first_id;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--jobs") == 0)
            jobs = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--throughput") == 0)
            tput = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--limit") == 0)
            limit = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--policy") == 0)
            policy = argv[i + 1];
    }
    if (jobs == 0 || tput < CLIENTS || limit < 1) {
        fprintf(stderr, "usage: %s [--jobs N] [--throughput N] [--limit L] [--policy P]\n",
                argv[0]);
        return 2;
    }
    if (tdir_make(dir, sizeof dir) != 0 || tcert_make(dir, &certs) != 0
        || rf_fmt(docs, sizeof docs, "%s/docs", dir) != 0 || mkdir(docs, 0700) != 0
        || rf_fmt(path, sizeof path, "%s/Instant.json", docs) != 0
        || rf_fmt(fixture, sizeof fixture, "%s/rfjobd-task-fixture", RF_TASK_DIR) != 0
        || (f = fopen(path, "w")) == NULL) {
        fprintf(stderr, "cannot set up %s\n", dir);
        return 1;
    }
    fprintf(f,
            "{\"Id\": \"Instant\", \"Name\": \"Instant\", \"Version\": \"1\", \"DocumentType\":"
            " \"Script\", \"JobClass\": \"CIM_ConcreteJob\", \"Command\": [\"%s\", \"exit\","
            " \"0\"]}\n",
            fixture);
    (void)fclose(f);
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = CLIENTS;
    cfg.log_level = LOG_LEVEL_ERROR;
    cfg.max_concurrent_jobs = limit;
    (void)rf_strlcpy(cfg.validation_policy, policy, sizeof cfg.validation_policy);
    (void)rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert);
    (void)rf_strlcpy(cfg.key, certs.key, sizeof cfg.key);
    (void)rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir);
    (void)rf_strlcpy(cfg.documents_dir, docs, sizeof cfg.documents_dir);
    (void)rf_strlcpy(cfg.task_dir, RF_TASK_DIR, sizeof cfg.task_dir);
    if (app_start(&cfg, PW, &app, err, sizeof err) != 0
        || tc_basic_auth_header("Administrator", PW, auth_h, sizeof auth_h) != 0) {
        fprintf(stderr, "cannot start: %s\n", err);
        return 1;
    }
    n_slots = jobs + tput + 16;
    t_running = calloc(n_slots, sizeof *t_running);
    t_done = calloc(n_slots, sizeof *t_done);
    lat_run = calloc(jobs, sizeof *lat_run);
    lat_done = calloc(jobs, sizeof *lat_done);
    lat_create = calloc(jobs, sizeof *lat_create);
    if (t_running == NULL || t_done == NULL || lat_run == NULL || lat_done == NULL
        || lat_create == NULL || job_service_observe(app->jobs, observe, NULL) != JOB_OK) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    /* 1. Latency, one job at a time. */
    for (size_t i = 0; i < jobs; i++) {
        int64_t s = now_us();
        uint64_t id = submit();
        int64_t acked = now_us();
        if (id >= n_slots) {
            fprintf(stderr, "unexpected id %" PRIu64 "\n", id);
            return 1;
        }
        pthread_mutex_lock(&mu);
        while (t_done[id] == 0)
            pthread_cond_wait(&cv, &mu);
        lat_run[i] = t_running[id] - s;
        lat_done[i] = t_done[id] - s;
        lat_create[i] = acked - s;
        pthread_mutex_unlock(&mu);
    }
    ref = reference_ms(fixture, jobs);
    printf("policy %s, %zu jobs one at a time (command: %s exit 0)\n", policy, jobs, fixture);
    printf("  SubmitJob answered (201):    median %.2f ms  p99 %.2f ms\n",
           pct(lat_create, jobs, 0.5), pct(lat_create, jobs, 0.99));
    printf("  SubmitJob -> child running:  median %.2f ms  p99 %.2f ms\n", pct(lat_run, jobs, 0.5),
           pct(lat_run, jobs, 0.99));
    printf("  SubmitJob -> Completed:      median %.2f ms  p99 %.2f ms\n", pct(lat_done, jobs, 0.5),
           pct(lat_done, jobs, 0.99));
    printf("  reference spawn+wait:        median %.2f ms  (Completed / reference = %.1fx)\n", ref,
           pct(lat_done, jobs, 0.5) / ref);

    /* 2. Throughput with the limit. */
    pthread_mutex_lock(&mu);
    completed = 0;
    pthread_mutex_unlock(&mu);
    per_client = tput / CLIENTS;
    tput = per_client * CLIENTS;
    first_id = job_service_count(app->jobs) + 1;
    t0 = now_us();
    for (int i = 0; i < CLIENTS; i++)
        pthread_create(&th[i], NULL, client, NULL);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_lock(&mu);
    while (completed < tput)
        pthread_cond_wait(&cv, &mu);
    for (uint64_t id = first_id; id < first_id + tput && id < n_slots; id++)
        if (t_done[id] > t_last)
            t_last = t_done[id];
    pthread_mutex_unlock(&mu);
    printf("throughput: %zu jobs, %d clients, limit %ld: %.0f jobs completed/s (%.2f s)\n", tput,
           CLIENTS, limit, (double)tput * 1e6 / (double)(t_last - t0), (double)(t_last - t0) / 1e6);
    app_stop(app);
    (void)tdir_remove(dir);
    free(t_running);
    free(t_done);
    free(lat_run);
    free(lat_done);
    free(lat_create);
    return 0;
}
