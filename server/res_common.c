#include <string.h>

#include "res.h"
#include "rf_msg.h"

cJSON *
rf_res_new(const char *odata_id, const char *odata_type, const char *id, const char *name)
{
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddStringToObject(j, "@odata.id", odata_id) == NULL
        || cJSON_AddStringToObject(j, "@odata.type", odata_type) == NULL
        || (id != NULL && cJSON_AddStringToObject(j, "Id", id) == NULL)
        || cJSON_AddStringToObject(j, "Name", name) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

cJSON *
rf_res_link(cJSON *parent, const char *name, const char *uri)
{
    cJSON *j = cJSON_AddObjectToObject(parent, name);

    if (j == NULL || cJSON_AddStringToObject(j, "@odata.id", uri) == NULL) {
        return NULL;
    }
    return j;
}

cJSON *
rf_res_collection(const char *odata_id, const char *odata_type, const char *name,
                  const char *const *uris, size_t n)
{
    cJSON *j = rf_res_new(odata_id, odata_type, NULL, name);
    cJSON *j_members = j ? cJSON_AddArrayToObject(j, "Members") : NULL;

    if (j_members == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *j_m = cJSON_CreateObject();

        if (j_m == NULL || cJSON_AddStringToObject(j_m, "@odata.id", uris[i]) == NULL
            || !cJSON_AddItemToArray(j_members, j_m)) {
            cJSON_Delete(j_m);
            cJSON_Delete(j);
            return NULL;
        }
    }
    if (cJSON_AddNumberToObject(j, "Members@odata.count", (double)n) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

void
rf_res_reply(struct rf_resp *resp, cJSON *j)
{
    if (j == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    cJSON_Delete(resp->j_body);
    resp->j_body = j;
    resp->status = 200;
}
