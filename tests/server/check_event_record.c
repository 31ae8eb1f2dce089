/*
 * The event record (server/events.c) on its own: every message it makes against the registries,
 * numbering and the ring's bounds, the file across a reopen, waiting, the Event payload, and the
 * job observer's choice of message for each change of a job driven through the real job service
 * (in memory), progress rate limiting included.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "events.h"
#include "job_service.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "cim_error.h"

static char dir[256];
static char path[320];

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/events.db", dir), 0);
}

static void
teardown(void)
{
    (void)tdir_remove(dir);
}

static struct events *
open_ring(const char *file, size_t ring, int64_t progress_min_us)
{
    struct events_opts o;
    struct events *ev = NULL;
    char err[256] = "";

    memset(&o, 0, sizeof o);
    o.path = file;
    o.ring = ring;
    o.progress_min_us = progress_min_us;
    ck_assert_msg(events_open(&o, &ev, err, sizeof err) == 0, "%s", err);
    return ev;
}

static uint64_t
publish(struct events *ev, const char *msg, const char *arg)
{
    struct ev_record r;
    const char *args[1] = {arg};

    ck_assert_int_eq(events_make(&r, msg, args, 1, "/redfish/v1/JobService/Jobs/1"), 0);
    return events_publish(ev, &r);
}

/* Every JobEvent message, with the registry's severity and text; the OEM ones from the .def. */
START_TEST(test_make)
{
    static const struct {
        const char *id;
        const char *full;
        const char *sev;
        size_t nargs;
        const char *text;
    } cases[] = {
        {"JobEvent.JobStarted", "JobEvent.1.1.JobStarted", "OK", 1,
         "The job with Id '7' has started."},
        {"JobEvent.JobCompletedOK", "JobEvent.1.1.JobCompletedOK", "OK", 1,
         "The job with Id '7' has completed."},
        {"JobEvent.JobCompletedException", "JobEvent.1.1.JobCompletedException", "Warning", 1,
         "The job with Id '7' has completed with warnings or errors."},
        {"JobEvent.JobCancelled", "JobEvent.1.1.JobCancelled", "Warning", 1,
         "The job with Id '7' was cancelled."},
        {"JobEvent.JobRemoved", "JobEvent.1.1.JobRemoved", "Warning", 1,
         "The job with Id '7' was removed."},
        {"JobEvent.JobSuspended", "JobEvent.1.1.JobSuspended", "Warning", 1,
         "The job with Id '7' was suspended."},
        {"JobEvent.JobResumed", "JobEvent.1.1.JobResumed", "OK", 1,
         "The job with Id '7' has resumed."},
        {"JobEvent.JobProgressChanged", "JobEvent.1.1.JobProgressChanged", "OK", 2,
         "The job with Id '7' has changed to progress 7 percent complete."},
        {"JobEvent.JobValidationBypassed", "JobEvent.1.1.JobValidationBypassed", "OK", 1,
         "The job with Id '7' has been queued without validation."},
        {"JobEvent.JobValidationStarted", "JobEvent.1.1.JobValidationStarted", "OK", 1,
         "The job with Id '7' is under validation."},
        {"JobEvent.JobValidatedOK", "JobEvent.1.1.JobValidatedOK", "OK", 1,
         "The job with Id '7' has been validated."},
        {"JobEvent.JobValidateException", "JobEvent.1.1.JobValidateException", "Warning", 1,
         "The job with Id '7' has completed validation with warnings or errors."},
        {"Rfjobd.JobCreated", "Rfjobd.1.0.JobCreated", "OK", 1, "The job with Id '7' was created."},
        {"Rfjobd.JobStateChanged", "Rfjobd.1.0.JobStateChanged", "OK", 2,
         "The job with Id '7' changed to state 7."},
        {"Rfjobd.JobPendingBoot", "Rfjobd.1.0.JobPendingBoot", "OK", 1,
         "The job with Id '7' is waiting for the machine to boot."},
        {"Rfjobd.EventsDropped", "Rfjobd.1.0.EventsDropped", "Warning", 2,
         "Events 7 to 7 are no longer available and were not delivered."},
    };
    const char *args[2] = {"7", "7"};
    struct ev_record r;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(
            events_make(&r, cases[i].id, args, cases[i].nargs, "/redfish/v1/JobService/Jobs/7"), 0);
        ck_assert_str_eq(r.message_id, cases[i].full);
        ck_assert_str_eq(r.severity, cases[i].sev);
        ck_assert_str_eq(r.message, cases[i].text);
        ck_assert_uint_eq(r.nargs, cases[i].nargs);
        ck_assert_str_eq(r.origin, "/redfish/v1/JobService/Jobs/7");
        ck_assert_str_eq(r.resource_type, "Job");
        /* The wrong number of arguments is refused. */
        ck_assert_int_eq(events_make(&r, cases[i].id, args, cases[i].nargs - 1, NULL), -1);
    }
    ck_assert_int_eq(events_make(&r, "JobEvent.NoSuchMessage", args, 1, NULL), -1);
    ck_assert_int_eq(events_make(&r, "Base.Success", args, 0, NULL), -1);
    ck_assert_int_eq(events_make(&r, "JobStarted", args, 1, NULL), -1);
    ck_assert_int_eq(events_make(&r, "Rfjobd.JobCreated", args, 1, NULL), 0);
    ck_assert_str_eq(r.origin, "");
    ck_assert_str_eq(r.resource_type, "");
}
END_TEST

/* Numbering from 1, the ring's bounds, and what events_read says about the lost. */
START_TEST(test_ring)
{
    struct events *ev = open_ring(NULL, 8, 0);
    struct ev_record out[16];
    size_t n;
    uint64_t oldest;

    ck_assert_uint_eq(events_last_id(ev), 0);
    ck_assert_uint_eq(events_read(ev, 0, out, 16, &n, &oldest), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(oldest, 0);
    for (uint64_t i = 1; i <= 20; i++) {
        ck_assert_uint_eq(publish(ev, "JobEvent.JobStarted", "1"), i);
    }
    ck_assert_uint_eq(events_read(ev, 0, out, 16, &n, &oldest), 20);
    ck_assert_uint_eq(oldest, 13);
    ck_assert_uint_eq(n, 8);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(out[i].id, 13 + i);
        ck_assert_int_gt(out[i].time_us, 0);
    }
    ck_assert_uint_eq(events_read(ev, 15, out, 2, &n, &oldest), 20);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[0].id, 16);
    ck_assert_uint_eq(events_read(ev, 20, out, 16, &n, &oldest), 20);
    ck_assert_uint_eq(n, 0);
    /* Waiting: at once when there is more, on time-out when not, at once when closing. */
    ck_assert_int_eq(events_wait(ev, 19, 1000), 1);
    ck_assert_int_eq(events_wait(ev, 20, 50), 0);
    events_close(ev);
}
END_TEST

/* The file keeps the newest ring-full across a reopen; numbering goes on from there. */
START_TEST(test_file)
{
    struct events *ev = open_ring(path, 16, 0);
    struct ev_record out[32];
    size_t n;
    uint64_t oldest;
    char arg[16];

    for (int i = 1; i <= 40; i++) {
        ck_assert_int_eq(rf_fmt(arg, sizeof arg, "%d", i), 0);
        (void)publish(ev, "JobEvent.JobCancelled", arg);
    }
    events_close(ev); /* writes what was published */
    ev = open_ring(path, 16, 0);
    ck_assert_uint_eq(events_read(ev, 0, out, 32, &n, &oldest), 40);
    ck_assert_uint_eq(oldest, 25);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(out[0].id, 25);
    ck_assert_str_eq(out[0].message_id, "JobEvent.1.1.JobCancelled");
    ck_assert_str_eq(out[0].message, "The job with Id '25' was cancelled.");
    ck_assert_str_eq(out[0].severity, "Warning");
    ck_assert_uint_eq(out[0].nargs, 1);
    ck_assert_str_eq(out[0].args[0], "25");
    ck_assert_str_eq(out[0].origin, "/redfish/v1/JobService/Jobs/1");
    ck_assert_str_eq(out[0].resource_type, "Job");
    ck_assert_uint_eq(publish(ev, "JobEvent.JobStarted", "1"), 41);
    events_close(ev);
    /* A larger ring after a restart still finds only what the file kept. */
    ev = open_ring(path, 100, 0);
    ck_assert_uint_eq(events_read(ev, 0, out, 32, &n, &oldest), 41);
    ck_assert_uint_eq(oldest, 26); /* 41 pushed 25 out */
    events_close(ev);
}
END_TEST

/* The Event resource. */
START_TEST(test_payload)
{
    struct ev_record r[2];
    const char *args[2] = {"9", "55"};
    cJSON *j;
    const cJSON *j_e;

    ck_assert_int_eq(
        events_make(&r[0], "JobEvent.JobProgressChanged", args, 2, "/redfish/v1/JobService/Jobs/9"),
        0);
    r[0].id = 41;
    r[0].time_us = INT64_C(1795000000) * 1000000;
    ck_assert_int_eq(events_make(&r[1], "Rfjobd.EventsDropped", args, 2, NULL), 0);
    r[1].id = 42;
    r[1].time_us = r[0].time_us;
    j = events_payload(r, 2, "ctx-1");
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "@odata.type")),
                     "#Event.v1_13_0.Event");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Id")), "42");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Context")), "ctx-1");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "Events")), 2);
    j_e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "Events"), 0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_e, "MemberId")), "0");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_e, "EventId")), "41");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_e, "EventType")),
                     "Other");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_e, "EventTimestamp")),
                     "2026-11-18T11:06:40+00:00");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_e, "MessageId")),
                     "JobEvent.1.1.JobProgressChanged");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(
                         cJSON_GetObjectItemCaseSensitive(j_e, "MessageArgs"), 1)),
                     "55");
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(j_e, "OriginOfCondition"), "@odata.id")),
                     "/redfish/v1/JobService/Jobs/9");
    j_e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "Events"), 1);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j_e, "OriginOfCondition"));
    cJSON_Delete(j);
    j = events_payload(r, 1, NULL);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "Context"));
    cJSON_Delete(j);
}
END_TEST

/* ---- the job observer -------------------------------------------------------------------- */

struct obs {
    struct store *st;
    struct job_service *svc;
    struct events *ev;
    uint64_t seen; /* the last event id taken */
};

static void
obs_open(struct obs *o, int64_t progress_min_us)
{
    struct job_service_opts jo;

    memset(o, 0, sizeof *o);
    ck_assert_int_eq(store_mem_open(&o->st), JOB_OK);
    memset(&jo, 0, sizeof jo);
    jo.store = o->st;
    jo.manual_housekeeping = true;
    ck_assert_int_eq(job_service_open(&jo, &o->svc), JOB_OK);
    o->ev = open_ring(NULL, 1024, progress_min_us);
    ck_assert_int_eq(events_observe_jobs(o->ev, o->svc), 0);
}

static void
obs_close(struct obs *o)
{
    job_service_close(o->svc);
    events_close(o->ev);
    store_close(o->st);
}

/* The messages published since the last call, as "Key" words joined by spaces (the prefix and
 * version dropped; progress as "Progress=N"). */
static void
taken(struct obs *o, char *out, size_t size)
{
    struct ev_record r[64];
    size_t n;
    uint64_t oldest;
    struct rf_buf b;

    job_service_flush(o->svc);
    (void)events_read(o->ev, o->seen, r, 64, &n, &oldest);
    rf_buf_init(&b, size - 1);
    for (size_t i = 0; i < n; i++) {
        const char *key = strrchr(r[i].message_id, '.') + 1;

        if (strcmp(key, "JobProgressChanged") == 0) {
            ck_assert_int_eq(rf_buf_printf(&b, "%sProgress=%s", b.len ? " " : "", r[i].args[1]), 0);
        } else if (strcmp(key, "JobStateChanged") == 0) {
            ck_assert_int_eq(rf_buf_printf(&b, "%sState=%s", b.len ? " " : "", r[i].args[1]), 0);
        } else {
            ck_assert_int_eq(rf_buf_printf(&b, "%s%s", b.len ? " " : "", key), 0);
        }
        o->seen = r[i].id;
    }
    ck_assert_int_eq(rf_strlcpy(out, b.data != NULL ? b.data : "", size), 0);
    rf_buf_cleanup(&b);
}

static uint64_t
obs_create(struct obs *o, const struct job_class *cls)
{
    struct job tmpl;
    struct job out;
    uint64_t id;

    job_init(&tmpl, cls);
    job_init(&out, cls);
    tmpl.caps = (uint8_t)JOB_REQ_ALL;
    ck_assert_int_eq(job_service_create(o->svc, &tmpl, &out, NULL), JOB_OK);
    id = out.id;
    job_cleanup(&tmpl);
    job_cleanup(&out);
    return id;
}

static void
obs_report(struct obs *o, uint64_t id, enum job_ev e, int percent)
{
    struct job_report r;

    memset(&r, 0, sizeof r);
    r.ev = e;
    r.percent = percent;
    ck_assert_int_eq(job_service_report(o->svc, id, &r, NULL), JOB_OK);
}

static void
obs_rsc(struct obs *o, uint64_t id, uint32_t req)
{
    enum job_rc rc;

    ck_assert_int_eq(job_service_request_state_change(o->svc, id, req, NULL, &rc, NULL), JOB_OK);
    ck_assert_msg(rc == JOB_RC_OK || rc == JOB_RC_STARTED, "request %u: rc %d", req, (int)rc);
}

#define EXPECT(o, want)                                                                            \
    do {                                                                                           \
        char got_[1024];                                                                           \
        taken((o), got_, sizeof got_);                                                             \
        ck_assert_str_eq(got_, (want));                                                            \
    } while (0)

/* Each change of a job, and the message it raises. */
START_TEST(test_observer_messages)
{
    struct obs o;
    uint64_t a;
    uint64_t b;
    uint64_t c;

    obs_open(&o, -1);
    a = obs_create(&o, &job_class_concrete);
    EXPECT(&o, "JobCreated");
    obs_rsc(&o, a, JOB_REQ_START);
    EXPECT(&o, "JobStarted");
    obs_report(&o, a, JOB_EV_STARTED, 0);
    EXPECT(&o, ""); /* Starting to Running is still the one start */
    obs_report(&o, a, JOB_EV_PROGRESS, 30);
    EXPECT(&o, "Progress=30");
    obs_rsc(&o, a, JOB_REQ_SUSPEND);
    EXPECT(&o, "JobSuspended");
    obs_rsc(&o, a, JOB_REQ_START); /* resume */
    EXPECT(&o, "JobResumed");
    obs_report(&o, a, JOB_EV_PROGRESS, 100);
    obs_report(&o, a, JOB_EV_COMPLETED, 0);
    EXPECT(&o, "Progress=100 JobCompletedOK");
    ck_assert_int_eq(job_service_delete(o.svc, a), JOB_OK);
    EXPECT(&o, "JobRemoved");

    b = obs_create(&o, &job_class_concrete);
    obs_rsc(&o, b, JOB_REQ_START);
    obs_report(&o, b, JOB_EV_STARTED, 0);
    obs_rsc(&o, b, JOB_REQ_TERMINATE);
    EXPECT(&o, "JobCreated JobStarted State=Stopping");
    obs_report(&o, b, JOB_EV_STOPPED, 0);
    EXPECT(&o, "JobCancelled");

    c = obs_create(&o, &job_class_provisioning);
    obs_rsc(&o, c, JOB_REQ_START);
    obs_report(&o, c, JOB_EV_PENDING_BOOT, 0);
    EXPECT(&o, "JobCreated JobStarted JobPendingBoot");
    obs_report(&o, c, JOB_EV_STARTED, 0);
    EXPECT(&o, "JobStarted");
    {
        struct job_report r;
        struct cim_error e;

        cim_error_init(&e);
        ck_assert_int_eq(cim_error_set_str(&e.message_id, "JobFailed"), JOB_OK);
        ck_assert_int_eq(cim_error_set_str(&e.owning_entity, "Rfjobd"), JOB_OK);
        ck_assert_int_eq(cim_error_set_str(&e.message, "boom"), JOB_OK);
        e.perceived_severity = 5;
        memset(&r, 0, sizeof r);
        r.ev = JOB_EV_FAILED;
        r.error = &e;
        r.error_code = 3;
        ck_assert_int_eq(job_service_report(o.svc, c, &r, NULL), JOB_OK);
        cim_error_cleanup(&e);
    }
    EXPECT(&o, "JobCompletedException");
    obs_close(&o);
}
END_TEST

/* Progress: at most one event per interval, the latest value published when the interval is
 * over, and the value a job ends with always before its end. */
START_TEST(test_observer_progress_rate)
{
    struct obs o;
    uint64_t a;
    char got[1024];

    obs_open(&o, 300 * 1000);
    a = obs_create(&o, &job_class_concrete);
    obs_rsc(&o, a, JOB_REQ_START);
    obs_report(&o, a, JOB_EV_STARTED, 0);
    EXPECT(&o, "JobCreated JobStarted");
    for (int p = 1; p <= 50; p++) {
        obs_report(&o, a, JOB_EV_PROGRESS, p);
    }
    EXPECT(&o, "Progress=1"); /* the first at once, the rest held back */
    for (int i = 0; i < 100; i++) {
        taken(&o, got, sizeof got);
        if (got[0] != '\0') {
            break;
        }
        usleep(20 * 1000);
    }
    ck_assert_str_eq(got, "Progress=50"); /* the latest, once the interval is over */
    obs_report(&o, a, JOB_EV_PROGRESS, 60);
    obs_report(&o, a, JOB_EV_PROGRESS, 70);
    obs_report(&o, a, JOB_EV_COMPLETED, 0);
    taken(&o, got, sizeof got);
    /* 60 may have gone out on its own when the interval had passed; 70 is held back and then
     * overtaken by the 100 of completion, which comes before the end. */
    ck_assert_msg(strcmp(got, "Progress=100 JobCompletedOK") == 0
                      || strcmp(got, "Progress=60 Progress=100 JobCompletedOK") == 0,
                  "%s", got);
    obs_close(&o);
}
END_TEST

Suite *
event_record_suite(void)
{
    Suite *s = suite_create("event_record");
    TCase *tc = tcase_create("record");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_make);
    tcase_add_test(tc, test_ring);
    tcase_add_test(tc, test_file);
    tcase_add_test(tc, test_payload);
    tcase_add_test(tc, test_observer_messages);
    tcase_add_test(tc, test_observer_progress_rate);
    suite_add_tcase(s, tc);
    return s;
}
