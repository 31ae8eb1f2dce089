/* Every Check suite of the project; check_main.c runs them by name. */
#ifndef RF_TEST_SUITES_H
#define RF_TEST_SUITES_H

#include "support/rf_check.h"

Suite *job_err_suite(void);
Suite *cim_error_suite(void);
Suite *cim_datetime_suite(void);
Suite *cim_enum_suite(void);
Suite *job_suite(void);
Suite *job_fsm_suite(void);
Suite *job_codec_suite(void);
Suite *store_suite(void);
Suite *job_service_suite(void);
Suite *job_schedule_suite(void);
Suite *rf_buf_suite(void);
Suite *router_suite(void);
Suite *rf_msg_suite(void);
Suite *config_suite(void);
Suite *db_suite(void);
Suite *auth_suite(void);
Suite *res_root_suite(void);
Suite *privileges_suite(void);
Suite *rf_query_suite(void);
Suite *map_job_suite(void);
Suite *jobdoc_suite(void);
Suite *task_proto_suite(void);
Suite *push_suite(void);
Suite *https_suite(void);
Suite *jobs_suite(void);
Suite *executor_suite(void);
Suite *events_suite(void);
Suite *event_record_suite(void);
Suite *push_integration_suite(void);

#endif
