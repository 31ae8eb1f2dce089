/* /redfish, the service root, the OData service document and $metadata. */
#include <string.h>

#include "app.h"
#include "res.h"
#include "rf_embedded.h"
#include "rf_msg.h"
#include "rf_query.h"

void
res_root_versions(struct rf_req *req, struct rf_resp *resp)
{
    cJSON *j = cJSON_CreateObject();

    (void)req;
    if (j != NULL && cJSON_AddStringToObject(j, "v1", "/redfish/v1/") == NULL) {
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
    resp->no_etag = 1;
}

/* The query options of DSP0266 this service implements, on every GET: routes that do not
 * implement an option themselves get it from the router (router_dispatch in router.h). */
static cJSON *
protocol_features(void)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *j_exp = j ? cJSON_AddObjectToObject(j, "ExpandQuery") : NULL;
    cJSON *j_deep = j ? cJSON_AddObjectToObject(j, "DeepOperations") : NULL;

    if (j_exp == NULL || j_deep == NULL || cJSON_AddTrueToObject(j_exp, "ExpandAll") == NULL
        || cJSON_AddTrueToObject(j_exp, "Levels") == NULL
        || cJSON_AddNumberToObject(j_exp, "MaxLevels", RF_QUERY_EXPAND_LEVELS_MAX) == NULL
        || cJSON_AddTrueToObject(j_exp, "Links") == NULL
        || cJSON_AddTrueToObject(j_exp, "NoLinks") == NULL
        || cJSON_AddFalseToObject(j_deep, "DeepPATCH") == NULL
        || cJSON_AddFalseToObject(j_deep, "DeepPOST") == NULL
        || cJSON_AddTrueToObject(j, "FilterQuery") == NULL
        || cJSON_AddTrueToObject(j, "FilterQueryComparisonOperations") == NULL
        || cJSON_AddTrueToObject(j, "FilterQueryCompoundOperations") == NULL
        || cJSON_AddTrueToObject(j, "SelectQuery") == NULL
        || cJSON_AddTrueToObject(j, "TopSkipQuery") == NULL
        || cJSON_AddTrueToObject(j, "OnlyMemberQuery") == NULL
        || cJSON_AddTrueToObject(j, "ExcerptQuery") == NULL
        || cJSON_AddFalseToObject(j, "IncludeOriginOfConditionQuery") == NULL
        || cJSON_AddTrueToObject(j, "MultipleHTTPRequests") == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* The service root's direct children, shared by the root and the OData service document. */
static const struct {
    const char *name;
    const char *uri;
} root_children[] = {
    {"AccountService", "/redfish/v1/AccountService"},
    {"EventService", "/redfish/v1/EventService"},
    {"JobService", "/redfish/v1/JobService"},
    {"JsonSchemas", "/redfish/v1/JsonSchemas"},
    {"Managers", "/redfish/v1/Managers"},
    {"Registries", "/redfish/v1/Registries"},
    {"SessionService", "/redfish/v1/SessionService"},
};

void
res_root_get(struct rf_req *req, struct rf_resp *resp)
{
    cJSON *j = rf_res_new("/redfish/v1/", "#ServiceRoot.v1_20_0.ServiceRoot", "RootService",
                          "Root Service");
    cJSON *j_links;
    cJSON *j_pf;

    if (j == NULL || cJSON_AddStringToObject(j, "RedfishVersion", RF_REDFISH_VERSION) == NULL
        || cJSON_AddStringToObject(j, "UUID", req->app->uuid) == NULL
        || cJSON_AddStringToObject(j, "Product", "rfjobd") == NULL
        || cJSON_AddStringToObject(j, "Vendor", "rfjobd") == NULL) {
        cJSON_Delete(j);
        rf_res_reply(resp, NULL);
        return;
    }
    for (size_t i = 0; i < sizeof root_children / sizeof root_children[0]; i++) {
        if (rf_res_link(j, root_children[i].name, root_children[i].uri) == NULL) {
            cJSON_Delete(j);
            rf_res_reply(resp, NULL);
            return;
        }
    }
    j_links = cJSON_AddObjectToObject(j, "Links");
    j_pf = protocol_features();
    if (j_links == NULL
        || rf_res_link(j_links, "Sessions", "/redfish/v1/SessionService/Sessions") == NULL
        || rf_res_link(j_links, "ManagerProvidingService", RF_MANAGER_URI) == NULL || j_pf == NULL
        || !cJSON_AddItemToObject(j, "ProtocolFeaturesSupported", j_pf)) {
        cJSON_Delete(j_pf);
        cJSON_Delete(j);
        j = NULL;
    }
    rf_res_reply(resp, j);
}

/* Appends {"name", "kind": "Singleton", "url"} to the OData service document. */
static int
odata_entry(cJSON *j_value, const char *name, const char *url)
{
    cJSON *j_e = cJSON_CreateObject();

    if (j_e == NULL || cJSON_AddStringToObject(j_e, "name", name) == NULL
        || cJSON_AddStringToObject(j_e, "kind", "Singleton") == NULL
        || cJSON_AddStringToObject(j_e, "url", url) == NULL
        || !cJSON_AddItemToArray(j_value, j_e)) {
        cJSON_Delete(j_e);
        return -1;
    }
    return 0;
}

void
res_root_odata(struct rf_req *req, struct rf_resp *resp)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *j_value = j ? cJSON_AddArrayToObject(j, "value") : NULL;

    (void)req;
    if (j_value == NULL
        || cJSON_AddStringToObject(j, "@odata.context", "/redfish/v1/$metadata") == NULL
        || odata_entry(j_value, "Service", "/redfish/v1/") != 0) {
        goto fail;
    }
    for (size_t i = 0; i < sizeof root_children / sizeof root_children[0]; i++) {
        if (odata_entry(j_value, root_children[i].name, root_children[i].uri) != 0) {
            goto fail;
        }
    }
    rf_res_reply(resp, j);
    resp->no_etag = 1;
    return;
fail:
    cJSON_Delete(j);
    rf_res_reply(resp, NULL);
}

void
res_root_metadata(struct rf_req *req, struct rf_resp *resp)
{
    const struct rf_embedded *f = rf_embedded_find("metadata.xml");

    (void)req;
    if (f == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    resp->status = 200;
    resp->raw = f->data;
    resp->raw_len = f->len;
    resp->content_type = "application/xml; charset=utf-8";
}
