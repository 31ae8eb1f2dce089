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
    ck_assert_str_eq(text, "20261117084000.000000+000");
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
    ck_assert_str_eq(text, "20261117084010.000000+000");
    dt_text(&j.time_of_last_state_change, text);
    ck_assert_str_eq(text, "20261117084020.000000+000");

    /* A rejected request changes nothing, TimeOfLastStateChange included. */
    set_now(T0 + 30 * SEC);
    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_SUSPEND), JOB_RC_INVALID_TRANSITION);
    ck_assert_int_eq(rsc(fx.svc, id, 77), JOB_RC_INVALID_PARAMETER);
    ck_assert_int_eq(cim_dt_parse("00000000000010.000000:000", &timeout), JOB_OK);
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_START, &timeout, &rc, NULL),
        JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_TIMEOUT_NOT_SUPPORTED);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    dt_text(&j.time_of_last_state_change, text);
    ck_assert_str_eq(text, "20261117084020.000000+000");
    ck_assert_uint_eq(j.job_state, JOB_STATE_SUSPENDED);

    /* No error while it runs. */
    ck_assert_int_eq(job_service_get_error(fx.svc, id, &mrc, &err), JOB_OK);
    ck_assert_int_eq(mrc, JOB_MRC_SUCCESS);
    ck_assert_ptr_null(err);

    ck_assert_int_eq(rsc(fx.svc, id, JOB_REQ_START), JOB_RC_OK);
    ck_assert_uint_eq(state_of(fx.svc, id), JOB_STATE_RUNNING);
    /* Terminate with a grace period: orderly, in two steps. */
    ck_assert_int_eq(
        job_service_request_state_change(fx.svc, id, JOB_REQ_TERMINATE, &timeout, &rc, &j),
        JOB_OK);
    ck_assert_int_eq(rc, JOB_RC_STARTED);
    ck_assert_uint_eq(j.job_state, JOB_STATE_SHUTTING_DOWN);
    ck_assert_str_eq(j.status, "Stopping");
    set_now(T0 + 40 * SEC);
    report(fx.svc, id, JOB_EV_STOPPED, 0);
    ck_assert_int_eq(job_service_get(fx.svc, id, &j), JOB_OK);
    ck_assert_uint_eq(j.job_state, JOB_STATE_TERMINATED);
    dt_text(&j.end_time, text);
    ck_assert_str_eq(text, "20261117084040.000000+000");
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
    ck_assert_int_eq(job_service_set(fx.svc, kept, JOB_P_DELETE_ON_COMPLETION, &v, NULL),
                     JOB_OK);
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
    suite_add_tcase(s, tc);
    return s;
}
