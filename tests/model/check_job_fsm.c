/* The state machine against an expectation table written from the CIM class documents. */
#include <string.h>

#include "../suites.h"
#include "job_fsm.h"

/* Expected (return code, next state) per state 2..12 and request Start..Service. A next of 0
 * means "unchanged". Written independently of job_fsm.c's tables. */
struct want {
    unsigned rc;
    unsigned next;
};

#define R4097                                                                                      \
    {                                                                                              \
        4097, 0                                                                                    \
    }
#define R4099                                                                                      \
    {                                                                                              \
        4099, 0                                                                                    \
    }
#define R1                                                                                         \
    {                                                                                              \
        1, 0                                                                                       \
    }

static const struct want concrete[11][5] = {
    /* 2 New */ {{4096, 3}, R4097, {0, 8}, {0, 9}, R4097},
    /* 3 Starting */ {R4099, R4099, {4096, 6}, {0, 9}, R4099},
    /* 4 Running */ {R4097, {0, 5}, {4096, 6}, {0, 9}, {0, 11}},
    /* 5 Suspended */ {{0, 4}, R4097, {4096, 6}, {0, 9}, {0, 11}},
    /* 6 Shutting Down */ {R4097, R4097, R4099, {0, 9}, R4097},
    /* 7 Completed */ {R4097, R4097, R4097, R4097, R4097},
    /* 8 Terminated */ {R4097, R4097, R4097, R4097, R4097},
    /* 9 Killed */ {R4097, R4097, R4097, R4097, R4097},
    /* 10 Exception */ {R4097, R4097, R4097, R4097, R4097},
    /* 11 Service */ {{0, 4}, R4097, {4096, 6}, {0, 9}, R4097},
    /* 12 Query Pending */ {{0, 4}, R4097, {4096, 6}, {0, 9}, R4097},
};

/* Msps_ProvisioningJob: 3 is PendingBoot, a started job stays New until its runner reports, and
 * its RequestStateChange does not take Service. */
static const struct want provisioning[11][5] = {
    /* 2 New */ {{4096, 0}, R4097, {0, 8}, {0, 9}, R1},
    /* 3 PendingBoot */ {R4097, R4097, {4096, 6}, {0, 9}, R1},
    /* 4 Running */ {R4097, {0, 5}, {4096, 6}, {0, 9}, R1},
    /* 5 Suspended */ {{0, 4}, R4097, {4096, 6}, {0, 9}, R1},
    /* 6 Shutting Down */ {R4097, R4097, R4099, {0, 9}, R1},
    /* 7 Completed */ {R4097, R4097, R4097, R4097, R1},
    /* 8 Terminated */ {R4097, R4097, R4097, R4097, R1},
    /* 9 Killed */ {R4097, R4097, R4097, R4097, R1},
    /* 10 Exception */ {R4097, R4097, R4097, R4097, R1},
    /* 11 Service */ {{0, 4}, R4097, {4096, 6}, {0, 9}, R1},
    /* 12 Query Pending */ {{0, 4}, R4097, {4096, 6}, {0, 9}, R1},
};

/* Every (class, state, request) triple: _i encodes all three. */
START_TEST(test_every_triple)
{
    int cls_i = _i / 55;
    int state = 2 + (_i % 55) / 5;
    int req = 2 + _i % 5;
    const struct job_class *cls = cls_i == 0 ? &job_class_concrete : &job_class_provisioning;
    const struct want *w =
        cls_i == 0 ? &concrete[state - 2][req - 2] : &provisioning[state - 2][req - 2];
    uint16_t next = 0xBEEF;
    enum job_rc rc =
        job_fsm_request(cls, (uint16_t)state, JOB_REQ_ALL, (uint32_t)req, false, &next);

    ck_assert_msg((unsigned)rc == w->rc, "%s state %d request %d: rc %u, want %u", cls->name, state,
                  req, (unsigned)rc, w->rc);
    ck_assert_uint_eq(next, w->next != 0 ? w->next : (unsigned)state);
    if (rc != JOB_RC_OK && rc != JOB_RC_STARTED)
        ck_assert_uint_eq(next, (unsigned)state); /* a rejection changes nothing */
}
END_TEST

START_TEST(test_bad_requested_state)
{
    static const uint32_t bad[] = {0, 1, 7, 4096, 32767, 32768, 65535, 70000};
    uint16_t next;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(job_fsm_request(&job_class_concrete, JOB_STATE_RUNNING, JOB_REQ_ALL,
                                         bad[i], false, &next),
                         JOB_RC_INVALID_PARAMETER);
        ck_assert_uint_eq(next, JOB_STATE_RUNNING);
    }
}
END_TEST

START_TEST(test_timeout_and_caps)
{
    uint16_t next;
    unsigned no_suspend = JOB_REQ_ALL & ~JOB_REQ_BIT(JOB_REQ_SUSPEND);

    /* TimeoutPeriod is honoured for Terminate only. */
    ck_assert_int_eq(job_fsm_request(&job_class_concrete, JOB_STATE_RUNNING, JOB_REQ_ALL,
                                     JOB_REQ_TERMINATE, true, &next),
                     JOB_RC_STARTED);
    ck_assert_uint_eq(next, JOB_STATE_SHUTTING_DOWN);
    ck_assert_int_eq(job_fsm_request(&job_class_concrete, JOB_STATE_RUNNING, JOB_REQ_ALL,
                                     JOB_REQ_SUSPEND, true, &next),
                     JOB_RC_TIMEOUT_NOT_SUPPORTED);
    ck_assert_uint_eq(next, JOB_STATE_RUNNING);
    /* A runner that cannot suspend: Not Supported, before any state check. */
    ck_assert_int_eq(job_fsm_request(&job_class_concrete, JOB_STATE_RUNNING, no_suspend,
                                     JOB_REQ_SUSPEND, false, &next),
                     JOB_RC_NOT_SUPPORTED);
    ck_assert_int_eq(job_fsm_request(&job_class_concrete, JOB_STATE_COMPLETED, no_suspend,
                                     JOB_REQ_SUSPEND, false, &next),
                     JOB_RC_NOT_SUPPORTED);
    /* States no class defines (reserved) accept nothing. */
    ck_assert_int_eq(
        job_fsm_request(&job_class_concrete, 13, JOB_REQ_ALL, JOB_REQ_KILL, false, &next),
        JOB_RC_INVALID_TRANSITION);
    ck_assert_int_eq(
        job_fsm_request(&job_class_concrete, 40000, JOB_REQ_ALL, JOB_REQ_KILL, false, &next),
        JOB_RC_INVALID_TRANSITION);
    ck_assert_uint_eq(next, 40000);
}
END_TEST

/* Events: expected next state per state 2..12, or -1 for "cannot happen" (JOB_ESTATE), 0 for
 * unchanged. Order: started, progress, pending boot, completed, completed-warn, failed, stopped,
 * query pending, service restart. */
static const int concrete_ev[11][9] = {
    /* 2 */ {4, -1, -2, -1, -1, 10, -1, -1, 0},
    /* 3 */ {4, 0, -2, 7, 7, 10, -1, -1, 10},
    /* 4 */ {-1, 0, -2, 7, 7, 10, -1, 12, 10},
    /* 5 */ {-1, 0, -2, 7, 7, 10, -1, -1, 10},
    /* 6 */ {-1, 0, -2, 8, 8, 8, 8, -1, 8},
    /* 7 */ {-1, -1, -2, -1, -1, -1, -1, -1, 0},
    /* 8 */ {-1, -1, -2, -1, -1, -1, -1, -1, 0},
    /* 9 */ {-1, 0, -2, 0, 0, 0, 0, -1, 0},
    /* 10 */ {-1, -1, -2, -1, -1, -1, -1, -1, 0},
    /* 11 */ {-1, 0, -2, 7, 7, 10, -1, -1, 10},
    /* 12 */ {4, 0, -2, 7, 7, 10, -1, 0, 10},
};

START_TEST(test_events)
{
    for (int s = 2; s <= 12; s++) {
        for (int ev = 0; ev < JOB_EV_COUNT; ev++) {
            int want = concrete_ev[s - 2][ev];
            uint16_t next = 0;
            enum job_err err =
                job_fsm_event(&job_class_concrete, (uint16_t)s, (enum job_ev)ev, &next);
            if (want == -2) {
                ck_assert_int_eq(err, JOB_ENOTSUP); /* no PendingBoot in CIM_ConcreteJob */
            } else if (want == -1) {
                ck_assert_msg(err == JOB_ESTATE, "state %d event %s: %s", s,
                              job_ev_name((enum job_ev)ev), job_err_name(err));
                ck_assert_uint_eq(next, (unsigned)s);
            } else {
                ck_assert_msg(err == JOB_OK, "state %d event %s: %s", s,
                              job_ev_name((enum job_ev)ev), job_err_name(err));
                ck_assert_uint_eq(next, want == 0 ? (unsigned)s : (unsigned)want);
            }
        }
    }
}
END_TEST

START_TEST(test_pending_boot_events)
{
    uint16_t next;

    /* Msps: New -> PendingBoot -> Running -> PendingBoot (a reboot) -> Running -> Completed. */
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 2, JOB_EV_PENDING_BOOT, &next), JOB_OK);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 3, JOB_EV_STARTED, &next), JOB_OK);
    ck_assert_uint_eq(next, 4);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 4, JOB_EV_PENDING_BOOT, &next), JOB_OK);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 3, JOB_EV_PROGRESS, &next), JOB_OK);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 3, JOB_EV_FAILED, &next), JOB_OK);
    ck_assert_uint_eq(next, 10);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 7, JOB_EV_PENDING_BOOT, &next),
                     JOB_ESTATE);
    ck_assert_int_eq(job_fsm_event(&job_class_provisioning, 2, (enum job_ev)99, &next), JOB_EINVAL);
    ck_assert_str_eq(job_ev_name(JOB_EV_PENDING_BOOT), "pending boot");
}
END_TEST

Suite *
job_fsm_suite(void)
{
    Suite *s = suite_create("job_fsm");
    TCase *tc = tcase_create("requests");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_every_triple, 0, 110);
    tcase_add_test(tc, test_bad_requested_state);
    tcase_add_test(tc, test_timeout_and_caps);
    suite_add_tcase(s, tc);
    tc = tcase_create("events");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_pending_boot_events);
    suite_add_tcase(s, tc);
    return s;
}
