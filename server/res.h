/* Resource handlers (res_*.c) and the small helpers they share for Redfish payloads. */
#ifndef RF_RES_H
#define RF_RES_H

#include <cjson/cJSON.h>

#include "router.h"

#define RF_REDFISH_VERSION "1.20.0"

/* res_root.c */
void res_root_versions(struct rf_req *req, struct rf_resp *resp);
void res_root_get(struct rf_req *req, struct rf_resp *resp);
void res_root_odata(struct rf_req *req, struct rf_resp *resp);
void res_root_metadata(struct rf_req *req, struct rf_resp *resp);

/* res_schemas.c: JsonSchemas, Registries and the files this service hosts itself */
void res_schemas_collection(struct rf_req *req, struct rf_resp *resp);
void res_schemas_get(struct rf_req *req, struct rf_resp *resp);
void res_registries_collection(struct rf_req *req, struct rf_resp *resp);
void res_registries_get(struct rf_req *req, struct rf_resp *resp);
void res_registries_file(struct rf_req *req, struct rf_resp *resp);
void res_schemas_file(struct rf_req *req, struct rf_resp *resp);

/* res_sessions.c */
void res_sessions_service(struct rf_req *req, struct rf_resp *resp);
void res_sessions_collection(struct rf_req *req, struct rf_resp *resp);
void res_sessions_login(struct rf_req *req, struct rf_resp *resp);
void res_sessions_get(struct rf_req *req, struct rf_resp *resp);
void res_sessions_delete(struct rf_req *req, struct rf_resp *resp);

/*
 * Starts a resource payload with @odata.id, @odata.type, Id and Name. Returns a new object
 * (the caller deletes it) or NULL when out of memory.
 */
cJSON *rf_res_new(const char *odata_id, const char *odata_type, const char *id, const char *name);

/* Adds {"@odata.id": uri} under name. Returns the new object (owned by parent) or NULL. */
cJSON *rf_res_link(cJSON *parent, const char *name, const char *uri);

/*
 * Makes a resource collection payload with Members (links to each uri in uris) and
 * Members@odata.count. Returns a new object or NULL.
 */
cJSON *rf_res_collection(const char *odata_id, const char *odata_type, const char *name,
                         const char *const *uris, size_t n);

/* Sets resp to a 200 with body j (taken over); a NULL j becomes a 500. */
void rf_res_reply(struct rf_resp *resp, cJSON *j);

#endif
