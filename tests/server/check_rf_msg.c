#include <string.h>

#include "../suites.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "router.h"

static const char *
str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

START_TEST(test_message_args)
{
    const char *args[] = {"Paused", "JobState"};
    cJSON *j = rf_msg_new(RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "/JobState", args, 2);
    const cJSON *j_args;
    const cJSON *j_rel;

    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(str(j, "MessageId"), "Base.1.22.PropertyValueNotInList");
    ck_assert_str_eq(str(j, "Message"),
                     "The value 'Paused' for the property JobState is not in the list of "
                     "acceptable values.");
    ck_assert_str_eq(str(j, "MessageSeverity"), "Warning");
    ck_assert_str_eq(str(j, "@odata.type"), "#Message.v1_3_0.Message");
    ck_assert_ptr_nonnull(str(j, "Resolution"));
    j_args = cJSON_GetObjectItemCaseSensitive(j, "MessageArgs");
    ck_assert_int_eq(cJSON_GetArraySize(j_args), 2);
    ck_assert_str_eq(cJSON_GetArrayItem(j_args, 1)->valuestring, "JobState");
    j_rel = cJSON_GetObjectItemCaseSensitive(j, "RelatedProperties");
    ck_assert_str_eq(cJSON_GetArrayItem(j_rel, 0)->valuestring, "/JobState");
    cJSON_Delete(j);
}
END_TEST

START_TEST(test_message_table)
{
    /* Every message knows its key, severity and argument count, and its text names exactly
     * the arguments it takes. */
    for (int id = 0; id < RF_MSG__COUNT; id++) {
        const char *args[] = {"A1", "A2", "A3", "A4"};
        int n = rf_msg_nargs((enum rf_msg_id)id);
        cJSON *j;

        ck_assert_int_le(n, 4);
        j = rf_msg_new((enum rf_msg_id)id, NULL, args, (size_t)n);
        ck_assert_ptr_nonnull(j);
        for (int k = 0; k < n; k++) {
            ck_assert_msg(strstr(str(j, "Message"), args[k]) != NULL, "%s lacks argument %d",
                          rf_msg_key((enum rf_msg_id)id), k + 1);
        }
        ck_assert_ptr_null(strstr(str(j, "Message"), "%"));
        cJSON_Delete(j);
    }
    ck_assert_str_eq(rf_msg_key(RF_MSG_MALFORMED_JSON), "MalformedJSON");
    ck_assert_str_eq(rf_msg_severity(RF_MSG_MALFORMED_JSON), "Critical");
    ck_assert_int_eq(rf_msg_nargs(RF_MSG_RESOURCE_NOT_FOUND), 2);
}
END_TEST

START_TEST(test_error_single)
{
    struct rf_resp resp;
    const cJSON *j_err;
    const cJSON *j_info;

    memset(&resp, 0, sizeof resp);
    rf_resp_error(&resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Job", "42");
    ck_assert_int_eq(resp.status, 404);
    j_err = cJSON_GetObjectItemCaseSensitive(resp.j_body, "error");
    ck_assert_str_eq(str(j_err, "code"), "Base.1.22.ResourceNotFound");
    ck_assert_ptr_nonnull(strstr(str(j_err, "message"), "42"));
    j_info = cJSON_GetObjectItemCaseSensitive(j_err, "@Message.ExtendedInfo");
    ck_assert_int_eq(cJSON_GetArraySize(j_info), 1);
    rf_resp_reset(&resp);
    ck_assert_ptr_null(resp.j_body);
}
END_TEST

START_TEST(test_error_several)
{
    struct rf_resp resp;
    cJSON *j_msgs = cJSON_CreateArray();
    const char *a1[] = {"Foo"};
    const char *a2[] = {"Bar"};
    const cJSON *j_err;

    memset(&resp, 0, sizeof resp);
    cJSON_AddItemToArray(j_msgs, rf_msg_new(RF_MSG_PROPERTY_UNKNOWN, "/Foo", a1, 1));
    cJSON_AddItemToArray(j_msgs, rf_msg_new(RF_MSG_PROPERTY_UNKNOWN, "/Bar", a2, 1));
    rf_resp_errors(&resp, 400, j_msgs);
    j_err = cJSON_GetObjectItemCaseSensitive(resp.j_body, "error");
    ck_assert_str_eq(str(j_err, "code"), "Base.1.22.GeneralError");
    ck_assert_int_eq(
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j_err, "@Message.ExtendedInfo")), 2);
    rf_resp_reset(&resp);
}
END_TEST

Suite *
rf_msg_suite(void)
{
    Suite *s = suite_create("rf_msg");
    TCase *tc = tcase_create("messages");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_message_args);
    tcase_add_test(tc, test_message_table);
    tcase_add_test(tc, test_error_single);
    tcase_add_test(tc, test_error_several);
    suite_add_tcase(s, tc);
    return s;
}
