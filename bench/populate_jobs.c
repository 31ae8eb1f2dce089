/*
 * populate_jobs: writes N jobs into a new job store, for benchmarks of the server over a large
 * store (bench/http.sh).
 *
 *   populate_jobs PATH N
 *
 * PATH is the jobs.db to create (an existing file is replaced); the server opens it as
 * <data-dir>/jobs.db. Jobs go straight through the store API, as bench_model's population does:
 * each job is encoded with job_encode and committed with store_commit in batches of 10,000,
 * with ids 1..N. Both classes (CIM_ConcreteJob and Msps_ProvisioningJob) and the states a job
 * keeps across a restart (New, Completed, Completed with warnings, Terminated, Killed, Exception)
 * are mixed, so that loading the store changes nothing. DeleteOnCompletion is false, so that no
 * finished job is due for removal while a benchmark runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "job_codec.h"
#include "job_service.h"

static void
die(const char *what, enum job_err err)
{
    fprintf(stderr, "populate_jobs: %s: %s\n", what, job_strerror(err));
    exit(1);
}

static void
check(const char *what, enum job_err err)
{
    if (err != JOB_OK)
        die(what, err);
}

static const char *const owners[] = {"Administrator", "operator", "provisioning", "nightly"};

/* Fills job id the way a service that ran it would have left it. now_us: the population time. */
static void
make_job(struct job *j, uint64_t id, uint64_t n, int64_t now_us)
{
    char text[96];
    /* One job a second, the newest a minute before now. */
    int64_t submitted = now_us - (int64_t)(n - id + 60) * 1000000;
    int64_t started = submitted + 2000000;
    int64_t ended = started + (int64_t)(id % 50 + 1) * 1000000;
    unsigned mix = (unsigned)(id % 10);

    job_init(j, (id % 3 == 0) ? &job_class_provisioning : &job_class_concrete);
    j->id = id;
    snprintf(text, sizeof text, "rfjobd:%" PRIu64, id);
    check("instance id", job_set_str(&j->instance_id, text));
    snprintf(text, sizeof text, "%s %" PRIu64,
             j->cls == &job_class_provisioning ? "provision node" : "firmware inventory", id);
    check("name", job_set_str(&j->name, text));
    check("owner", job_set_str(&j->owner, owners[id % 4]));
    snprintf(text, sizeof text, "Benchmark job %" PRIu64 " of %" PRIu64, id, n);
    check("description", job_set_str(&j->description, text));
    j->kind = JOB_KIND_USER;
    j->priority = (uint32_t)(id % 5);
    j->delete_on_completion = false;
    check("time submitted", cim_dt_from_unix_us(submitted, 0, &j->time_submitted));

    if (mix <= 2) { /* New: never started */
        j->job_state = JOB_STATE_NEW;
        check("state time", cim_dt_from_unix_us(submitted, 0, &j->time_of_last_state_change));
    } else {
        check("start time", cim_dt_from_unix_us(started, 0, &j->start_time));
        check("end time", cim_dt_from_unix_us(ended, 0, &j->end_time));
        check("state time", cim_dt_from_unix_us(ended, 0, &j->time_of_last_state_change));
        check("elapsed", job_compute_elapsed(j, ended));
        switch (mix) {
        case 3:
        case 4:
        case 5:
            j->job_state = JOB_STATE_COMPLETED;
            j->percent_complete = 100;
            break;
        case 6:
            j->job_state = JOB_STATE_COMPLETED;
            j->percent_complete = 100;
            j->flags |= JOB_F_WARNINGS;
            break;
        case 7:
            j->job_state = JOB_STATE_TERMINATED;
            j->percent_complete = (uint16_t)(id % 100);
            break;
        case 8:
            j->job_state = JOB_STATE_KILLED;
            j->percent_complete = (uint16_t)(id % 100);
            break;
        default:
            j->job_state = JOB_STATE_EXCEPTION;
            j->percent_complete = (uint16_t)(id % 100);
            j->error_code = 1;
            check("error description",
                  job_set_str(&j->error_description, "The target did not answer in time."));
            break;
        }
    }
    check("status", job_derive_status(j, false));
}

int
main(int argc, char **argv)
{
    const size_t batch = 10000;
    struct store *st;
    struct cim_buf *bufs;
    struct store_rec *recs;
    struct timespec ts;
    char *end = NULL;
    uint64_t n;
    int64_t now_us;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH N\n", argv[0]);
        return 2;
    }
    n = strtoull(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || n == 0 || n > UINT64_C(100000000)) {
        fprintf(stderr, "populate_jobs: N must be a number of jobs, 1..100000000\n");
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    now_us = (int64_t)ts.tv_sec * 1000000 + (int64_t)ts.tv_nsec / 1000;
    bufs = calloc(batch, sizeof *bufs);
    recs = calloc(batch, sizeof *recs);
    if (bufs == NULL || recs == NULL)
        die("buffers", JOB_ENOMEM);

    unlink(argv[1]);
    check("store", store_sqlite_open(argv[1], &st));
    for (uint64_t base = 1; base <= n; base += batch) {
        size_t k = 0;
        for (uint64_t id = base; id < base + batch && id <= n; id++, k++) {
            struct job j;
            make_job(&j, id, n, now_us);
            check("job", job_validate(&j, NULL));
            bufs[k].len = 0;
            check("encode", job_encode(&j, &bufs[k]));
            recs[k].op = STORE_PUT;
            recs[k].id = id;
            recs[k].data = bufs[k].p;
            recs[k].len = bufs[k].len;
            job_cleanup(&j);
        }
        check("commit", store_commit(st, recs, k, base + k));
    }
    store_close(st);
    for (size_t i = 0; i < batch; i++)
        cim_buf_cleanup(&bufs[i]);
    free(bufs);
    free(recs);
    printf("populate_jobs: %" PRIu64 " jobs in %s\n", n, argv[1]);
    return 0;
}
