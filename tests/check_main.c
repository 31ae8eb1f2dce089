/* Runs the Check suites: all of them, or one chosen with --suite NAME [--case NAME]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

static const struct {
    const char *name;
    Suite *(*make)(void);
} suites[] = {
    {"job_err", job_err_suite},
    {"cim_error", cim_error_suite},
    {"cim_datetime", cim_datetime_suite},
    {"cim_enum", cim_enum_suite},
    {"job", job_suite},
    {"job_fsm", job_fsm_suite},
    {"job_codec", job_codec_suite},
    {"store", store_suite},
    {"job_service", job_service_suite},
    {"job_schedule", job_schedule_suite},
    {"rf_buf", rf_buf_suite},
    {"router", router_suite},
    {"rf_msg", rf_msg_suite},
    {"config", config_suite},
    {"db", db_suite},
    {"auth", auth_suite},
    {"res_root", res_root_suite},
    {"privileges", privileges_suite},
    {"rf_query", rf_query_suite},
    {"map_job", map_job_suite},
    {"jobdoc", jobdoc_suite},
    {"task_proto", task_proto_suite},
    {"event_record", event_record_suite},
    {"push", push_suite},
    {"https", https_suite},
    {"jobs", jobs_suite},
    {"executor", executor_suite},
    {"events", events_suite},
    {"push_integration", push_integration_suite},
};

int
main(int argc, char **argv)
{
    const char *only_suite = NULL;
    const char *only_case = NULL;
    SRunner *sr = NULL;
    int failed;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--suite") == 0 && i + 1 < argc) {
            only_suite = argv[++i];
        } else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
            only_case = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++) {
                printf("%s\n", suites[k].name);
            }
            return 0;
        } else {
            fprintf(stderr, "usage: %s [--list] [--suite NAME [--case NAME]]\n", argv[0]);
            return 2;
        }
    }
    for (size_t k = 0; k < sizeof suites / sizeof suites[0]; k++) {
        if (only_suite != NULL && strcmp(only_suite, suites[k].name) != 0) {
            continue;
        }
        if (sr == NULL) {
            sr = srunner_create(suites[k].make());
        } else {
            srunner_add_suite(sr, suites[k].make());
        }
    }
    if (sr == NULL) {
        fprintf(stderr, "no suite named %s\n", only_suite ? only_suite : "");
        return 2;
    }
    srunner_run(sr, NULL, only_case, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
