#include <math.h>
#include <string.h>

#include "res.h"
#include "rf_buf.h"
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

static int
listed(const char *name, const char *const *names)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* "/Name", bounded, for RelatedProperties. */
static void
pointer_of(const char *name, char *out, size_t outsz)
{
    if (rf_fmt(out, outsz, "/%s", name) != 0) {
        out[0] = '\0';
    }
}

int
rf_body_check(const struct rf_req *req, struct rf_resp *resp, const char *const *writable,
              const char *const *readonly, int need_some)
{
    const cJSON *j_it;
    int n = 0;

    if (req->j_body == NULL) {
        rf_resp_error(resp, 400, RF_MSG_EMPTY_JSON, NULL);
        return -1;
    }
    if (!cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
        return -1;
    }
    cJSON_ArrayForEach(j_it, req->j_body)
    {
        char name[RF_SEG_LEN_MAX];
        char ptr[RF_SEG_LEN_MAX + 2];

        if (strchr(j_it->string, '@') != NULL) {
            continue;
        }
        if (rf_strlcpy(name, j_it->string, sizeof name) != 0) {
            memcpy(name + sizeof name - 4, "...", 4);
        }
        for (char *p = name; *p != '\0'; p++) {
            if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
                *p = '?';
            }
        }
        pointer_of(name, ptr, sizeof ptr);
        if (listed(j_it->string, readonly)) {
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_NOT_WRITABLE, ptr, name);
            return -1;
        }
        if (!listed(j_it->string, writable)) {
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_UNKNOWN, ptr, name);
            return -1;
        }
        n++;
    }
    if (n == 0 && need_some) {
        rf_resp_error(resp, 400, RF_MSG_NO_OPERATION, NULL);
        return -1;
    }
    return n;
}

void
rf_body_echo(const struct rf_req *req, const char *name, char *out, size_t outsz)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);
    char *v;

    if (strcmp(name, "Password") == 0) {
        (void)rf_strlcpy(out, "*****", outsz);
        return;
    }
    v = j ? cJSON_PrintUnformatted(j) : NULL;
    if (v == NULL || rf_strlcpy(out, v, outsz) != 0) {
        if (outsz > 4 && v != NULL) {
            memcpy(out + outsz - 4, "...", 4);
        } else if (outsz > 0) {
            out[0] = '\0';
        }
    }
    cJSON_free(v);
    for (char *p = out; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
            *p = '?';
        }
    }
}

static void
type_error(const struct rf_req *req, struct rf_resp *resp, const char *name)
{
    char echo[64];
    char ptr[RF_SEG_LEN_MAX];

    rf_body_echo(req, name, echo, sizeof echo);
    pointer_of(name, ptr, sizeof ptr);
    rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, ptr, echo, name);
}

int
rf_body_string(const struct rf_req *req, struct rf_resp *resp, const char *name, const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsString(j)) {
        type_error(req, resp, name);
        return -1;
    }
    *out = j->valuestring;
    return 1;
}

int
rf_body_bool(const struct rf_req *req, struct rf_resp *resp, const char *name, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsBool(j)) {
        type_error(req, resp, name);
        return -1;
    }
    *out = cJSON_IsTrue(j) ? 1 : 0;
    return 1;
}

int
rf_body_long(const struct rf_req *req, struct rf_resp *resp, const char *name, long min, long max,
             long *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);
    double v;

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsNumber(j) || floor(j->valuedouble) != j->valuedouble) {
        type_error(req, resp, name);
        return -1;
    }
    v = j->valuedouble;
    if (v < (double)min || v > (double)max) {
        char echo[64];
        char ptr[RF_SEG_LEN_MAX];

        rf_body_echo(req, name, echo, sizeof echo);
        pointer_of(name, ptr, sizeof ptr);
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_OUT_OF_RANGE, ptr, echo, name);
        return -1;
    }
    *out = (long)v;
    return 1;
}

cJSON *
rf_res_action_param(cJSON *j_params, const char *name, const char *type, int required)
{
    cJSON *j = cJSON_CreateObject();

    if (j == NULL || cJSON_AddStringToObject(j, "Name", name) == NULL
        || cJSON_AddStringToObject(j, "DataType", type) == NULL
        || cJSON_AddBoolToObject(j, "Required", required) == NULL
        || !cJSON_AddItemToArray(j_params, j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}
