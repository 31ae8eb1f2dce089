/*
 * The job service over both stores: creation, the state machine through the service, CIM_Error
 * and GetError, retention, observers, restart recovery, failures that must change nothing, group
 * commit, and a process killed while it writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "job_service.h"

#define T0 (INT64_C(1795000000) * 1000000) /* a fixed instant in 2026 */
#define SEC INT64_C(1000000)

static char dir[256];
static char path[320];
static int64_t fake_now;

static int64_t
fake_clock(void *arg)
{
    (void)arg;
    return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void
set_now(int64_t t)
{
    __atomic_store_n(&fake_now, t, __ATOMIC_SEQ_CST);
}

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_lt(snprintf(path, sizeof path, "%s/jobs.db", dir), (int)sizeof path);
    set_now(T0);
}

static void
teardown(void)
{
    (void)tdir_remove(dir);
}

struct fixture {
    int impl; /* 0 memory, 1 SQLite */
    struct store *st;
    struct job_service *svc;
};

static void
fx_open(struct fixture *fx, int impl)
{
    struct job_service_opts o;

    fx->impl = impl;
    if (fx->st == NULL) {
        if (impl == 0)
            ck_assert_int_eq(store_mem_open(&fx->st), JOB_OK);
        else
            ck_assert_int_eq(store_sqlite_open(path, &fx->st), JOB_OK);
    }
    memset(&o, 0, sizeof o);
    o.store = fx->st;
    o.clock = fake_clock;
    o.manual_housekeeping = true;
    ck_assert_int_eq(job_service_open(&o, &fx->svc), JOB_OK);
}

/* A restart: the service goes, the store's data stays (the SQLite file is reopened). */
static void
fx_restart(struct fixture *fx)
{
    job_service_close(fx->svc);
    fx->svc = NULL;
    if (fx->impl == 1) {
        store_close(fx->st);
        fx->st = NULL;
    }
    fx_open(fx, fx->impl);
}

static void
fx_close(struct fixture *fx)
{
    job_service_close(fx->svc);
    store_close(fx->st);
    fx->svc = NULL;
    fx->st = NULL;
}

static uint64_t
create(struct job_service *svc, const struct job_class *cls, const char *name)
{
    struct job tmpl;
    struct job out;
    uint64_t id;

    job_init(&tmpl, cls);
    job_init(&out, cls);
    if (name != NULL)
        ck_assert_int_eq(job_set_str(&tmpl.name, name), JOB_OK);
    tmpl.caps = (uint8_t)JOB_REQ_ALL;
    ck_assert_int_eq(job_service_create(svc, &tmpl, &out, NULL), JOB_OK);
    id = out.id;
    job_cleanup(&tmpl);
    job_cleanup(&out);
    return id;
}

static uint16_t
state_of(struct job_service *svc, uint64_t id)
{
    struct job j;
    uint16_t s;

    job_init(&j, &job_class_concrete);
    ck_assert_int_eq(job_service_get(svc, id, &j), JOB_OK);
    s = j.job_state;
    job_cleanup(&j);
    return s;
}

static enum job_rc
rsc(struct job_service *svc, uint64_t id, uint32_t req)
{
    enum job_rc rc;
    ck_assert_int_eq(job_service_request_state_change(svc, id, req, NULL, &rc, NULL), JOB_OK);
    return rc;
}

static void
report(struct job_service *svc, uint64_t id, enum job_ev ev, int percent)
{
    struct job_report r;
    memset(&r, 0, sizeof r);
    r.ev = ev;
    r.percent = percent;
    ck_assert_int_eq(job_service_report(svc, id, &r, NULL), JOB_OK);
}

static void
dt_text(const struct cim_datetime *dt, char *out)
{
    ck_assert_int_eq(cim_dt_format(dt, out), JOB_OK);
}

START_TEST(test_create_and_get)
{
    struct fixture fx = {0};
    struct job tmpl;
    struct job out;
    char text[CIM_DT_LEN + 1];
    enum job_prop_id bad = JOB_P_COUNT;

    fx_open(&fx, _i);
    job_init(&tmpl, &job_class_provisioning);
    job_init(&out, &job_class_concrete);
    ck_assert_int_eq(job_set_str(&tmpl.name, "provision node-1"), JOB_OK);
    ck_assert_int_eq(job_service_create(fx.svc, &tmpl, &out, NULL), JOB_OK);
    ck_assert_uint_eq(out.id, 1);
    ck_assert_ptr_eq(out.cls, &job_class_provisioning);
    ck_assert_str_eq(out.instance_id, "rfjobd:1");
    ck_assert_str_eq(out.job_status, "InProgress");
    ck_assert_uint_eq(out.job_state, JOB_STATE_NEW);
    dt_text(&out.time_submitted, text);
    ck_assert_str_eq(text, "20261118110640.000000+000");
    dt_text(&out.time_of_last_state_change, text);
    ck_assert_str_eq(text, "00000000000000.000000:000"); /* never changed: a zero interval */
    ck_assert_uint_eq(out.start_time.kind, CIM_DT_NULL);

    /* A job that breaks a qualifier is refused, named, and not created. */
    ck_assert_int_eq(job_set_str(&tmpl.caption,
                                 "0123456789012345678901234567890123456789012345678901234567890"
                                 "1234"),
                     JOB_OK);
    ck_assert_int_eq(job_service_create(fx.svc, &tmpl, NULL, &bad), JOB_EINVAL);
    ck_assert_int_eq(bad, JOB_P_CAPTION);
    ck_assert_uint_eq(job_service_count(fx.svc), 1);
    job_cleanup(&tmpl);

    /* Without a name the service gives one; ids go on. */
    ck_assert_uint_eq(create(fx.svc, &job_class_concrete, NULL), 2);
    ck_assert_int_eq(job_service_get(fx.svc, 2, &out), JOB_OK);
    ck_assert_str_eq(out.name, "Job 2");
    ck_assert_int_eq(job_service_get(fx.svc, 99, &out), JOB_ENOTFOUND);
    job_cleanup(&out);
    fx_close(&fx);
}
END_TEST

START_TEST(test_lifecycle_through_the_service)
{
    struct fixture fx = {0};
    struct job j;
    char text[CIM_DT_LEN + 1];
    struct cim_error *err = NULL;
    enum job_mrc mrc;
    struct cim_datetime timeout;
    enum job_rc rc;
    uint64_t id;

    fx_open(&fx, _i);
    job_init(&j, &job_class_concrete);
    id = create(fx.svc, &job_class_concrete, "build");
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_START), JOB_RC_STARTED);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_STARTING);
    set_now(T0 + 10 * SEC);
    report(fx.svc, id, JOB_EV_STARTED, 0);
    set_now(T0 + 20 * SEC);
    report(fx.svc, id, JOB_EV_PROGRESS, 40);
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_SUSPEND), JOB_RC_OK);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_SUSPENDED);
    ck_assert_uint_eq(j.percent_complete, 40);
    dt_text(&j.start_time, text);
    ck_assert_str_eq(text, "20261118110650.000000+000");
    dt_text(&j.time_of_last_state_change, text);
    ck_assert_str_eq(text, "20261118110700.000000+000");

    /* A rejected request changes nothing, TimeOfLastStateChange included. */
    set_now(T0 + 30 * SEC);
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_SUSPEND), JOB_RC_INVALID_TRANSITION);
    ck_assert_int_eq(rsc(fx.svc, id, 77), JOB_RC_INVALID_PARAMETER);
    ck_assert_int_eq(cim_dt_parse("00000000000010.000000:000", &timeout), JOB_OK);
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_START, &timeout, &rc, NULL), JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_TIMEOUT_NOT_SUPPORTED);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    dt_text(&j.time_of_last_state_change, text);
    ck_assert_str_eq(text, "20261118110700.000000+000");
    ck_assert_uint_eq(j.job_state, JOB_STATE_SUSPENDED);

    /* No error while it runs. */
    ck_assert_int_eq(job_service_get_error(fx.svc, id, &mrc, &err), JOB_OK);
    ck_assert_int_eq(mrc, JOB_MRC_SUCCESS);
    ck_assert_ptr_null(err);

    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_START), JOB_RC_OK);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_RUNNING);
    /* Terminate with a grace period: orderly, in two steps. */
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_TERMINATE, &timeout, &rc, &j), JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_STARTED);
    ck_assert_uint_eq(j.job_state, JOB_STATE_SHUTTING_DOWN);
    ck_assert_str_eq(j.status, "Stopping");
    set_now(T0 + 40 * SEC);
    report(fx.svc, id, JOB_EV_STOPPED, 0);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_TERMINATED);
    dt_text(&j.end_time, text);
    ck_assert_str_eq(text, "20261118110720.000000+000");
    dt_text(&j.elapsed_time, text);
    ck_assert_str_eq(text, "00000000000030.000000:000");
    ck_assert_int_eq(job_health_of(&j), JOB_HEALTH_WARNING);
    /* A client's termination is an error for GetError, and the last message. */
    ck_assert_int_eq(job_service_get_error(fx.svc, id, &mrc, &err), JOB_OK);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err->message_id, "JobTerminated");
    ck_assert_str_eq(err->owning_entity, "Rfjobd");
    ck_assert_str_eq(err->message_arguments.v[0], "1");
    ck_assert(cim_error_equal(err, &j.messages.v[j.messages.n - 1]));
    ck_assert_int_eq(cim_error_validate(err, NULL), JOB_OK);
    cim_error_free(err);
    /* Final: nothing more is accepted. */
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_KILL), JOB_RC_INVALID_TRANSITION);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

START_TEST(test_failure_and_clean_completion)
{
    struct fixture fx = {0};
    struct job j;
    struct job_report r;
    struct cim_error e;
    struct cim_error *got = NULL;
    enum job_mrc mrc;
    uint64_t ok_id;
    uint64_t bad_id;

    fx_open(&fx, _i);
    job_init(&j, &job_class_concrete);
    ok_id = create(fx.svc, &job_class_provisioning, "ok");
    bad_id = create(fx.svc, &job_class_provisioning, "bad");
    report(fx.svc, ok_id, JOB_EV_PENDING_BOOT, 0);
    ck_assert_int_eq(job_service_get(fx.svc, ok_id, &j), JOB_OK);
    ck_assert_str_eq(job_state_name(&j), "PendingBoot");
    ck_assert_str_eq(j.job_status, "PendingBoot");
    report(fx.svc, ok_id, JOB_EV_STARTED, 0);
    report(fx.svc, ok_id, JOB_EV_COMPLETED, 0);
    ck_assert_int_eq(job_service_get(fx.svc, ok_id, &j), JOB_OK);
    ck_assert_str_eq(j.job_status, "Complete");
    ck_assert_uint_eq(j.percent_complete, 100);
    ck_assert_uint_eq(j.error_code, 0);
    ck_assert_int_eq(job_service_get_error(fx.svc, ok_id, &mrc, &got), JOB_OK);
    ck_assert_ptr_null(got); /* clean completion: no error */

    /* FAILED needs an error; a bad report changes nothing. */
    report(fx.svc, bad_id, JOB_EV_STARTED, 0);
    memset(&r, 0, sizeof r);
    r.ev = JOB_EV_FAILED;
    ck_assert_int_eq(job_service_report(fx.svc, bad_id, &r, NULL), JOB_EINVAL);
    r.ev = JOB_EV_PROGRESS;
    r.percent = 101;
    ck_assert_int_eq(job_service_report(fx.svc, bad_id, &r, NULL), JOB_EINVAL);
    r.ev = JOB_EV_COMPLETED;
    ck_assert_int_eq(job_service_report(fx.svc, ok_id, &r, NULL), JOB_ESTATE);
    cim_error_init(&e);
    ck_assert_int_eq(cim_error_set_str(&e.message_id, "JobFailed"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e.owning_entity, "Rfjobd"), JOB_OK);
    ck_assert_int_eq(cim_error_set_str(&e.message, "The job failed with error code 3: disk"),
                     JOB_OK);
    e.perceived_severity = 5;
    r.ev = JOB_EV_FAILED;
    r.error = &e;
    r.error_code = 3;
    r.error_description = "disk full";
    ck_assert_int_eq(job_service_report(fx.svc, bad_id, &r, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_EXCEPTION);
    ck_assert_str_eq(j.job_status, "Failed");
    ck_assert_uint_eq(j.error_code, 3);
    ck_assert_str_eq(j.error_description, "disk full");
    ck_assert_uint_eq(j.health_state, 20);
    ck_assert(cim_error_equal(&j.messages.v[j.messages.n - 1], &e));
    ck_assert_int_eq(job_service_get_error(fx.svc, bad_id, &mrc, &got), JOB_OK);
    ck_assert_ptr_nonnull(got);
    ck_assert(cim_error_equal(got, &e));
    cim_error_free(got);
    cim_error_cleanup(&e);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

START_TEST(test_kill_job)
{
    struct fixture fx = {0};
    enum job_mrc mrc;
    uint64_t a;
    uint64_t b;

    fx_open(&fx, _i);
    a = create(fx.svc, &job_class_concrete, "a");
    b = create(fx.svc, &job_class_concrete, "b");
    report(fx.svc, a, JOB_EV_STARTED, 0);
    ck_assert_int_eq(job_service_kill_job(fx.svc, a, false, &mrc, NULL), JOB_OK);
    ck_assert_int_eq(mrc, JOB_MRC_SUCCESS);
    ck_assert_uint_eq(state_of(fx.svc, a), JOB_STATE_KILLED);
    /* A late report from the killed job's runner changes nothing. */
    report(fx.svc, a, JOB_EV_COMPLETED, 0);
    ck_assert_uint_eq(state_of(fx.svc, a), JOB_STATE_KILLED);
    /* KillJob on a finished job fails and changes nothing. */
    ck_assert_int_eq(job_service_kill_job(fx.svc, a, true, &mrc, NULL), JOB_OK);
    ck_assert_int_eq(mrc, JOB_MRC_FAILED);
    ck_assert_uint_eq(job_service_count(fx.svc), 2);
    /* DeleteOnKill removes it. */
    ck_assert_int_eq(job_service_kill_job(fx.svc, b, true, &mrc, NULL), JOB_OK);
    ck_assert_int_eq(mrc, JOB_MRC_SUCCESS);
    ck_assert_uint_eq(job_service_count(fx.svc), 1);
    ck_assert_int_eq(job_service_kill_job(fx.svc, b, true, &mrc, NULL), JOB_ENOTFOUND);
    ck_assert_int_eq(mrc, JOB_MRC_NOT_FOUND);
    fx_close(&fx);
}
END_TEST

struct log {
    pthread_mutex_t lock;
    struct {
        enum job_change change;
        uint64_t id;
        uint16_t from;
        uint16_t to;
        uint16_t pct;
    } v[64];
    size_t n;
};

static void
observe(void *arg, const struct job_notice *n)
{
    struct log *l = arg;

    pthread_mutex_lock(&l->lock);
    if (l->n < 64) {
        l->v[l->n].change = n->change;
        l->v[l->n].id = n->id;
        l->v[l->n].from = n->old_state;
        l->v[l->n].to = n->new_state;
        l->v[l->n].pct = n->job->percent_complete;
        l->n++;
    }
    pthread_mutex_unlock(&l->lock);
}

START_TEST(test_observers_and_retention)
{
    struct fixture fx = {0};
    struct log log;
    struct job_value v;
    size_t removed = 9;
    uint64_t id;
    uint64_t kept;

    memset(&log, 0, sizeof log);
    pthread_mutex_init(&log.lock, NULL);
    fx_open(&fx, _i);
    ck_assert_int_eq(job_service_observe(fx.svc, observe, &log), JOB_OK);
    id = create(fx.svc, &job_class_concrete, "short-lived");
    kept = create(fx.svc, &job_class_concrete, "kept");
    memset(&v, 0, sizeof v);
    v.type = CIM_T_BOOLEAN;
    v.u.b = false;
    ck_assert_int_eq(job_service_set(fx.svc, kept, JOB_P_DELETE_ON_COMPLETION, &v, NULL), JOB_OK);
    report(fx.svc, id, JOB_EV_STARTED, 0);
    report(fx.svc, id, JOB_EV_PROGRESS, 50);
    report(fx.svc, id, JOB_EV_COMPLETED, 0);
    report(fx.svc, kept, JOB_EV_STARTED, 0);
    report(fx.svc, kept, JOB_EV_COMPLETED, 0);

    /* TimeBeforeRemoval is five minutes by default. */
    set_now(T0 + 299 * SEC);
    ck_assert_int_eq(job_service_run_due(fx.svc, job_service_now(fx.svc), &removed), JOB_OK);
    ck_assert_uint_eq(removed, 0);
    set_now(T0 + 300 * SEC);
    ck_assert_int_eq(job_service_run_due(fx.svc, job_service_now(fx.svc), &removed), JOB_OK);
    ck_assert_uint_eq(removed, 1);
    ck_assert_uint_eq(job_service_count(fx.svc), 1);
    set_now(T0 + 86400 * SEC);
    ck_assert_int_eq(job_service_run_due(fx.svc, job_service_now(fx.svc), &removed), JOB_OK);
    ck_assert_uint_eq(removed, 0); /* DeleteOnCompletion false: kept */

    job_service_flush(fx.svc);
    pthread_mutex_lock(&log.lock);
    ck_assert_uint_eq(log.n, 9);
    ck_assert_int_eq(log.v[0].change, JOB_CHANGE_CREATED);
    ck_assert_int_eq(log.v[1].change, JOB_CHANGE_CREATED);
    ck_assert_int_eq(log.v[2].change, JOB_CHANGE_UPDATED);
    ck_assert_int_eq(log.v[3].change, JOB_CHANGE_STATE);
    ck_assert_uint_eq(log.v[3].from, JOB_STATE_NEW);
    ck_assert_uint_eq(log.v[3].to, JOB_STATE_RUNNING);
    ck_assert_int_eq(log.v[4].change, JOB_CHANGE_PROGRESS);
    ck_assert_uint_eq(log.v[4].pct, 50);
    ck_assert_int_eq(log.v[5].change, JOB_CHANGE_STATE);
    ck_assert_uint_eq(log.v[5].to, JOB_STATE_COMPLETED);
    ck_assert_int_eq(log.v[8].change, JOB_CHANGE_REMOVED);
    ck_assert_uint_eq(log.v[8].id, id);
    pthread_mutex_unlock(&log.lock);
    fx_close(&fx);
    pthread_mutex_destroy(&log.lock);
}
END_TEST

START_TEST(test_restart_recovery)
{
    struct fixture fx = {0};
    struct job j;
    struct job tmpl;
    uint64_t running;
    uint64_t rerun;
    uint64_t fresh;
    uint64_t done;
    uint64_t stopping;
    uint64_t last;

    fx_open(&fx, _i);
    job_init(&j, &job_class_concrete);
    running = create(fx.svc, &job_class_provisioning, "running");
    job_init(&tmpl, &job_class_concrete);
    tmpl.recovery_action = CIM_RECOVERY_RERUN;
    ck_assert_int_eq(job_service_create(fx.svc, &tmpl, &j, NULL), JOB_OK);
    rerun = j.id;
    job_cleanup(&tmpl);
    fresh = create(fx.svc, &job_class_concrete, "fresh");
    done = create(fx.svc, &job_class_concrete, "done");
    stopping = create(fx.svc, &job_class_concrete, "stopping");
    last = create(fx.svc, &job_class_concrete, "last");
    report(fx.svc, running, JOB_EV_STARTED, 0);
    report(fx.svc, running, JOB_EV_PROGRESS, 30);
    report(fx.svc, rerun, JOB_EV_STARTED, 0);
    report(fx.svc, done, JOB_EV_STARTED, 0);
    report(fx.svc, done, JOB_EV_COMPLETED, 0);
    report(fx.svc, stopping, JOB_EV_STARTED, 0);
    ck_assert_int_eq(rsc(fx.svc, stopping, JOB_REQ_TERMINATE), JOB_RC_STARTED);
    ck_assert_int_eq(job_service_delete(fx.svc, last), JOB_OK);

    set_now(T0 + 60 * SEC);
    fx_restart(&fx);
    ck_assert_uint_eq(job_service_count(fx.svc), 5);
    ck_assert_int_eq(job_service_get(fx.svc, running, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_EXCEPTION);
    ck_assert_str_eq(j.job_status, "Failed");
    ck_assert_ptr_nonnull(j.error);
    ck_assert_str_eq(j.error->message_id, "JobAbortedByRestart");
    ck_assert_uint_eq(j.percent_complete, 30);
    ck_assert_int_eq(job_service_get(fx.svc, rerun, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_NEW);
    ck_assert_uint_eq(j.hold, JOB_HOLD_INTERRUPTED);
    ck_assert_ptr_null(j.error);
    ck_assert_uint_eq(j.start_time.kind, CIM_DT_NULL);
    ck_assert_str_eq(j.messages.v[j.messages.n - 1].message_id, "JobInterrupted");
    ck_assert_int_eq(job_service_get(fx.svc, fresh, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_NEW);
    ck_assert_uint_eq(j.hold, JOB_HOLD_NONE);
    ck_assert_uint_eq(j.messages.n, 0);
    ck_assert_uint_eq(state_of(fx.svc, done), JOB_STATE_COMPLETED);
    ck_assert_uint_eq(state_of(fx.svc, stopping), JOB_STATE_TERMINATED);
    ck_assert_int_eq(job_service_get(fx.svc, last, &j), JOB_ENOTFOUND);
    /* The deleted job's id is not handed out again. */
    ck_assert_uint_eq(create(fx.svc, &job_class_concrete, "next"), last + 1);
    /* The recovery was committed: a second restart finds the same. */
    fx_restart(&fx);
    ck_assert_uint_eq(state_of(fx.svc, running), JOB_STATE_EXCEPTION);
    ck_assert_uint_eq(state_of(fx.svc, rerun), JOB_STATE_NEW);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

static enum job_err
rename_fn(void *arg, struct job *job)
{
    return job_set_str(&job->element_name, arg);
}

static enum job_err
sneak_state(void *arg, struct job *job)
{
    (void)arg;
    job->job_state = JOB_STATE_COMPLETED;
    return JOB_OK;
}

static int
odd_only(void *arg, const struct job *job)
{
    (void)arg;
    return (job->id & 1) != 0;
}

START_TEST(test_writes_deletes_pages)
{
    struct fixture fx = {0};
    struct job j;
    struct job_value v;
    struct job_page page;
    enum job_prop_id bad = JOB_P_COUNT;
    uint64_t id;

    fx_open(&fx, _i);
    job_init(&j, &job_class_concrete);
    id = create(fx.svc, &job_class_concrete, "w");
    memset(&v, 0, sizeof v);
    v.type = CIM_T_UINT32;
    v.u.i = 7;
    ck_assert_int_eq(job_service_set(fx.svc, id, JOB_P_PRIORITY, &v, &j), JOB_OK);
    ck_assert_uint_eq(j.priority, 7);
    v.type = CIM_T_STRING;
    v.u.s = "renamed";
    ck_assert_int_eq(job_service_set(fx.svc, id, JOB_P_NAME, &v, NULL), JOB_EREADONLY);
    v.type = CIM_T_UINT16;
    v.u.i = 1;
    ck_assert_int_eq(job_service_set(fx.svc, id, JOB_P_PRIMARY_STATUS, &v, NULL), JOB_ENOTSUP);
    v.type = CIM_T_UINT8;
    v.u.i = 12;
    ck_assert_int_eq(job_service_set(fx.svc, id, JOB_P_RUN_MONTH, &v, NULL), JOB_EINVAL);
    ck_assert_int_eq(job_service_set(fx.svc, 404, JOB_P_RUN_MONTH, &v, NULL), JOB_ENOTFOUND);
    ck_assert_int_eq(job_service_update(fx.svc, id, rename_fn, "element", &j, NULL), JOB_OK);
    ck_assert_str_eq(j.element_name, "element");
    ck_assert_int_eq(job_service_update(fx.svc, id, sneak_state, NULL, NULL, &bad), JOB_EINVAL);
    ck_assert_int_eq(bad, JOB_P_JOB_STATE);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_NEW);

    /* Delete: not while it runs. */
    report(fx.svc, id, JOB_EV_STARTED, 0);
    ck_assert_int_eq(job_service_delete(fx.svc, id), JOB_ESTATE);
    report(fx.svc, id, JOB_EV_COMPLETED, 0);
    ck_assert_int_eq(job_service_delete(fx.svc, id), JOB_OK);
    ck_assert_int_eq(job_service_delete(fx.svc, id), JOB_ENOTFOUND);

    for (int i = 0; i < 25; i++)
        (void)create(fx.svc, &job_class_concrete, NULL);
    ck_assert_int_eq(job_service_page(fx.svc, 20, 10, NULL, NULL, &page), JOB_OK);
    ck_assert_uint_eq(page.total, 25);
    ck_assert_uint_eq(page.n, 5);
    ck_assert_uint_eq(page.jobs[0].id, 22); /* ids 2..26, in order */
    job_page_cleanup(&page);
    ck_assert_int_eq(job_service_page(fx.svc, 2, 3, odd_only, NULL, &page), JOB_OK);
    ck_assert_uint_eq(page.total, 12); /* 3, 5, ..., 25 */
    ck_assert_uint_eq(page.n, 3);
    ck_assert_uint_eq(page.jobs[0].id, 7);
    ck_assert_uint_eq(page.jobs[2].id, 11);
    job_page_cleanup(&page);
    ck_assert_int_eq(job_service_page(fx.svc, 100, 10, NULL, NULL, &page), JOB_OK);
    ck_assert_uint_eq(page.n, 0);
    job_page_cleanup(&page);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

struct fake_driver {
    int calls;
    enum job_req last;
    uint64_t timeout_us;
    enum job_rc answer;
};

static enum job_rc
drive(void *arg, const struct job *job, enum job_req req, uint64_t timeout_us)
{
    struct fake_driver *d = arg;
    (void)job;
    d->calls++;
    d->last = req;
    d->timeout_us = timeout_us;
    return d->answer;
}

START_TEST(test_driver_decides)
{
    struct fixture fx = {0};
    struct fake_driver d = {0, JOB_REQ_START, 0, JOB_RC_OK};
    struct job_driver drv = {drive, &d};
    struct cim_datetime timeout;
    struct job j;
    enum job_rc rc;
    uint64_t id;

    fx_open(&fx, _i);
    job_init(&j, &job_class_concrete);
    job_service_set_driver(fx.svc, &drv);
    id = create(fx.svc, &job_class_concrete, "driven");
    report(fx.svc, id, JOB_EV_STARTED, 0);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    /* The runner fails to suspend: CIM Failed, and nothing changes. */
    d.answer = JOB_RC_FAILED;
    set_now(T0 + 5 * SEC);
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_SUSPEND), JOB_RC_FAILED);
    ck_assert_int_eq(d.last, JOB_REQ_SUSPEND);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_RUNNING);
    d.answer = JOB_RC_IN_USE;
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_SUSPEND), JOB_RC_IN_USE);
    /* A rejection by the state machine never reaches the runner. */
    d.calls = 0;
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_START), JOB_RC_INVALID_TRANSITION);
    ck_assert_int_eq(d.calls, 0);
    /* The grace period is handed to the runner. */
    d.answer = JOB_RC_STARTED;
    ck_assert_int_eq(cim_dt_parse("00000000000130.500000:000", &timeout), JOB_OK);
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_TERMINATE, &timeout, &rc, NULL),
        JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_STARTED);
    ck_assert_uint_eq(d.timeout_us, 90500000);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_SHUTTING_DOWN);
    /* A timestamp is not a timeout. */
    ck_assert_int_eq(cim_dt_parse("20261121134100.000000+000", &timeout), JOB_OK);
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_KILL, &timeout, &rc, NULL), JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_INVALID_PARAMETER);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

START_TEST(test_store_failure_changes_nothing)
{
    struct fixture fx = {0};
    struct job j;
    struct job tmpl;
    uint64_t id;
    enum job_rc rc;

    fx_open(&fx, 0);
    job_init(&j, &job_class_concrete);
    id = create(fx.svc, &job_class_concrete, "durable");
    store_mem_fail(fx.st, 0, 2);
    job_init(&tmpl, &job_class_concrete);
    ck_assert_int_eq(job_service_create(fx.svc, &tmpl, &j, NULL), JOB_ESTORE);
    ck_assert_uint_eq(job_service_count(fx.svc), 1);
    ck_assert_int_eq(job_service_request_state_change(fx.svc, id, JOB_REQ_KILL, NULL, &rc, NULL),
                     JOB_ESTORE);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_NEW);
    /* After the failures, the service works, and a restart agrees with memory. */
    ck_assert_int_eq(job_service_create(fx.svc, &tmpl, &j, NULL), JOB_OK);
    ck_assert_uint_eq(job_service_count(fx.svc), 2);
    fx_restart(&fx);
    ck_assert_uint_eq(job_service_count(fx.svc), 2);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_NEW);
    job_cleanup(&tmpl);
    job_cleanup(&j);
    fx_close(&fx);
}
END_TEST

/* A store whose first commit waits at a gate, to hold the committer while writers queue up. */
struct gated {
    struct store base;
    struct store *inner;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int entered;
    int open;
    size_t batch_sizes[8];
    int batches;
};

static enum job_err
gated_load(struct store *st, store_load_fn fn, void *arg, uint64_t *next)
{
    return store_load(((struct gated *)st)->inner, fn, arg, next);
}

static enum job_err
gated_commit(struct store *st, const struct store_rec *recs, size_t n, uint64_t next)
{
    struct gated *g = (struct gated *)st;

    pthread_mutex_lock(&g->lock);
    if (g->batches < 8)
        g->batch_sizes[g->batches] = n;
    g->batches++;
    g->entered++;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return store_commit(g->inner, recs, n, next);
}

static void
gated_close(struct store *st)
{
    (void)st;
}

static const struct store_ops gated_ops = {1, gated_load, gated_commit, gated_close};

struct writer {
    struct job_service *svc;
    uint64_t id;
    enum job_err err;
};

static void *
writer_main(void *arg)
{
    struct writer *w = arg;
    struct job tmpl;
    struct job out;

    job_init(&tmpl, &job_class_concrete);
    job_init(&out, &job_class_concrete);
    w->err = job_service_create(w->svc, &tmpl, &out, NULL);
    w->id = out.id;
    job_cleanup(&out);
    job_cleanup(&tmpl);
    return NULL;
}

struct reader {
    struct job_service *svc;
    enum job_err err;
    int done;
};

static void *
reader_main(void *arg)
{
    struct reader *r = arg;
    struct job j;

    job_init(&j, &job_class_concrete);
    r->err = job_service_get(r->svc, 1, &j);
    __atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
    job_cleanup(&j);
    return NULL;
}

static void
wait_entered(struct gated *g, int n)
{
    pthread_mutex_lock(&g->lock);
    while (g->entered < n)
        pthread_cond_wait(&g->cv, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

START_TEST(test_group_commit_and_read_committed)
{
    struct gated g;
    struct job_service_opts o;
    struct job_service *svc;
    struct job_service_stats stats;
    struct writer w[9];
    pthread_t t[9];
    struct job j;
    struct reader rd;
    pthread_t rt;

    memset(&g, 0, sizeof g);
    memset(w, 0, sizeof w);
    g.base.ops = &gated_ops;
    ck_assert_int_eq(store_mem_open(&g.inner), JOB_OK);
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cv, NULL);
    memset(&o, 0, sizeof o);
    o.store = &g.base;
    o.clock = fake_clock;
    o.manual_housekeeping = true;
    ck_assert_int_eq(job_service_open(&o, &svc), JOB_OK);
    rd.svc = svc;
    rd.done = 0;
    rd.err = JOB_EBUSY;

    /* The first writer's commit is held at the gate... */
    w[0].svc = svc;
    pthread_create(&t[0], NULL, writer_main, &w[0]);
    wait_entered(&g, 1);
    /* ...while it is held, its job is not visible: a reader waits rather than see it. */
    pthread_create(&rt, NULL, reader_main, &rd);
    usleep(50000);
    ck_assert_int_eq(__atomic_load_n(&rd.done, __ATOMIC_SEQ_CST), 0);
    ck_assert_uint_eq(w[0].id, 0);
    /* ...and eight more writers queue behind it. */
    for (int i = 1; i < 9; i++) {
        w[i].svc = svc;
        pthread_create(&t[i], NULL, writer_main, &w[i]);
    }
    for (;;) {
        struct job_service_stats s;
        job_service_stats(svc, &s);
        if (s.jobs == 9)
            break;
        usleep(1000);
    }
    pthread_mutex_lock(&g.lock);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.lock);
    for (int i = 0; i < 9; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].err, JOB_OK);
    }
    pthread_join(rt, NULL);
    ck_assert_int_eq(rd.err, JOB_OK); /* it saw the job once it was committed */
    /* Nine durable creations in two commits: the eight waiting writers shared one. */
    job_service_stats(svc, &stats);
    ck_assert_uint_eq(stats.changes, 9);
    ck_assert_uint_eq(stats.commits, 2);
    ck_assert_uint_eq(g.batch_sizes[0], 1);
    ck_assert_uint_eq(g.batch_sizes[1], 8);
    job_init(&j, &job_class_concrete);
    ck_assert_int_eq(job_service_get(svc, w[0].id, &j), JOB_OK);
    job_cleanup(&j);
    job_service_close(svc);
    store_close(g.inner);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.lock);
}
END_TEST

/* The child: writers that report every acknowledged id on a pipe, until killed. */
struct crash_writer {
    struct job_service *svc;
    int fd;
    pthread_mutex_t *lock;
};

static void *
crash_writer_main(void *arg)
{
    struct crash_writer *w = arg;

    for (;;) {
        struct job tmpl;
        struct job out;
        job_init(&tmpl, &job_class_provisioning);
        job_init(&out, &job_class_concrete);
        if (job_set_str(&tmpl.description, "written while the process may die") != JOB_OK
            || job_service_create(w->svc, &tmpl, &out, NULL) != JOB_OK)
            _exit(3);
        pthread_mutex_lock(w->lock);
        if (write(w->fd, &out.id, sizeof out.id) != (ssize_t)sizeof out.id)
            _exit(4);
        pthread_mutex_unlock(w->lock);
        job_cleanup(&out);
        job_cleanup(&tmpl);
    }
    return NULL;
}

static void
crash_child(int fd)
{
    struct store *st;
    struct job_service *svc;
    struct job_service_opts o;
    struct crash_writer w[4];
    pthread_t t[4];
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

    if (store_sqlite_open(path, &st) != JOB_OK)
        _exit(1);
    memset(&o, 0, sizeof o);
    o.store = st;
    if (job_service_open(&o, &svc) != JOB_OK)
        _exit(2);
    for (int i = 0; i < 4; i++) {
        w[i].svc = svc;
        w[i].fd = fd;
        w[i].lock = &lock;
        pthread_create(&t[i], NULL, crash_writer_main, &w[i]);
    }
    pthread_join(t[0], NULL);
    _exit(5);
}

START_TEST(test_sigkill_while_writing)
{
    int fds[2];
    pid_t pid;
    uint64_t *acked = NULL;
    size_t n = 0;
    size_t cap = 0;
    int status;
    struct fixture fx = {0};
    struct job j;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(fds[1]);
    }
    close(fds[1]);
    /* Read acknowledgements until plenty are in, then kill the writer mid-stream. */
    for (;;) {
        uint64_t id;
        ssize_t r = read(fds[0], &id, sizeof id);
        if (r != (ssize_t)sizeof id)
            break;
        if (n == cap) {
            cap = cap != 0 ? cap * 2 : 1024;
            acked = realloc(acked, cap * sizeof *acked);
            ck_assert_ptr_nonnull(acked);
        }
        acked[n++] = id;
        if (n == 2000)
            kill(pid, SIGKILL);
    }
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ck_assert_uint_ge(n, 2000);

    /* The database is intact, and every acknowledged job is there, whole. */
    ck_assert_int_eq(store_sqlite_check(path), JOB_OK);
    fx_open(&fx, 1);
    ck_assert_uint_ge(job_service_count(fx.svc), n);
    job_init(&j, &job_class_concrete);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(job_service_get(fx.svc, acked[i], &j), JOB_OK);
        ck_assert_str_eq(j.description, "written while the process may die");
        ck_assert_ptr_eq(j.cls, &job_class_provisioning);
    }
    job_cleanup(&j);
    free(acked);
    fx_close(&fx);
}
END_TEST

Suite *
job_service_suite(void)
{
    Suite *s = suite_create("job_service");
    TCase *tc = tcase_create("behaviour");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_create_and_get, 0, 2);
    tcase_add_loop_test(tc, test_lifecycle_through_the_service, 0, 2);
    tcase_add_loop_test(tc, test_failure_and_clean_completion, 0, 2);
    tcase_add_loop_test(tc, test_kill_job, 0, 2);
    tcase_add_loop_test(tc, test_observers_and_retention, 0, 2);
    tcase_add_loop_test(tc, test_restart_recovery, 0, 2);
    tcase_add_loop_test(tc, test_writes_deletes_pages, 0, 2);
    tcase_add_loop_test(tc, test_driver_decides, 0, 2);
    tcase_add_test(tc, test_store_failure_changes_nothing);
    suite_add_tcase(s, tc);
    tc = tcase_create("durability");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_group_commit_and_read_committed);
    tcase_add_test(tc, test_sigkill_while_writing);
    suite_add_tcase(s, tc);
    return s;
}
