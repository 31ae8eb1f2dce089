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

/* res_sessions.c: SessionService PATCH */
void res_sessions_service_patch(struct rf_req *req, struct rf_resp *resp);

/* res_accounts.c: AccountService, Accounts and Roles */
void res_accounts_service(struct rf_req *req, struct rf_resp *resp);
void res_accounts_service_patch(struct rf_req *req, struct rf_resp *resp);
void res_accounts_collection(struct rf_req *req, struct rf_resp *resp);
void res_accounts_create(struct rf_req *req, struct rf_resp *resp);
void res_accounts_get(struct rf_req *req, struct rf_resp *resp);
void res_accounts_patch(struct rf_req *req, struct rf_resp *resp);
void res_accounts_delete(struct rf_req *req, struct rf_resp *resp);
void res_roles_collection(struct rf_req *req, struct rf_resp *resp);
void res_roles_get(struct rf_req *req, struct rf_resp *resp);

/* res_manager.c: the service's Manager and its audit LogService */
void res_manager_collection(struct rf_req *req, struct rf_resp *resp);
void res_manager_get(struct rf_req *req, struct rf_resp *resp);
void res_manager_logservices(struct rf_req *req, struct rf_resp *resp);
void res_manager_audit_service(struct rf_req *req, struct rf_resp *resp);
void res_manager_audit_entries(struct rf_req *req, struct rf_resp *resp);
void res_manager_audit_entry(struct rf_req *req, struct rf_resp *resp);

/* res_jobs.c: JobService and Jobs */
void res_jobservice_get(struct rf_req *req, struct rf_resp *resp);
void res_jobservice_patch(struct rf_req *req, struct rf_resp *resp);
void res_jobservice_cancel_all(struct rf_req *req, struct rf_resp *resp);
void res_jobs_collection(struct rf_req *req, struct rf_resp *resp);
void res_jobs_create(struct rf_req *req, struct rf_resp *resp);
void res_jobs_get(struct rf_req *req, struct rf_resp *resp);
void res_jobs_patch(struct rf_req *req, struct rf_resp *resp);
void res_jobs_delete(struct rf_req *req, struct rf_resp *resp);
void res_jobs_action(struct rf_req *req, struct rf_resp *resp);
void res_jobs_oem_action(struct rf_req *req, struct rf_resp *resp);
void res_jobs_action_info(struct rf_req *req, struct rf_resp *resp);
/* Whether JobService.ServiceEnabled is true: when false, no new job starts. */
int res_jobs_enabled(struct app *app);
struct job;
/* Replies 201 with a job just created (body and Location), audits it and wakes its runner. */
void res_jobs_created(struct rf_req *req, struct rf_resp *resp, const struct job *job,
                      const char *how);

/* res_events.c: EventService, its Subscriptions (EventDestination) and SubmitTestEvent */
void res_events_service(struct rf_req *req, struct rf_resp *resp);
void res_events_service_patch(struct rf_req *req, struct rf_resp *resp);
void res_events_submit_test(struct rf_req *req, struct rf_resp *resp);
void res_events_subscriptions(struct rf_req *req, struct rf_resp *resp);
void res_events_subscription_create(struct rf_req *req, struct rf_resp *resp);
void res_events_subscription_get(struct rf_req *req, struct rf_resp *resp);
void res_events_subscription_patch(struct rf_req *req, struct rf_resp *resp);
void res_events_subscription_delete(struct rf_req *req, struct rf_resp *resp);
void res_events_subscription_action(struct rf_req *req, struct rf_resp *resp);

void res_documents_collection(struct rf_req *req, struct rf_resp *resp);
void res_documents_get(struct rf_req *req, struct rf_resp *resp);
void res_documents_action_info(struct rf_req *req, struct rf_resp *resp);
void res_documents_submit(struct rf_req *req, struct rf_resp *resp);
void res_executors_collection(struct rf_req *req, struct rf_resp *resp);
void res_executors_get(struct rf_req *req, struct rf_resp *resp);

/* res_ui.c: the browser UI's static files (no data; served without authentication) */
/* GET /: 302 to /ui/. */
void res_ui_root(struct rf_req *req, struct rf_resp *resp);
/* GET /ui/ (and /ui): the page, index.html, with the UI's Content-Security-Policy. */
void res_ui_index(struct rf_req *req, struct rf_resp *resp);
/* GET /ui/<file>: one of the UI's files with its media type; 404 for any other name. */
void res_ui_file(struct rf_req *req, struct rf_resp *resp);

#define RF_MANAGER_ID "rfjobd"
#define RF_MANAGER_URI "/redfish/v1/Managers/rfjobd"
#define RF_ACCOUNTS_URI "/redfish/v1/AccountService/Accounts"

/*
 * Checks a PATCH or POST body: present (400 EmptyJSON otherwise), a JSON object (400
 * MalformedJSON), every member named in writable (400 PropertyNotWritable for a name in
 * readonly, 400 PropertyUnknown for any other); OData annotations (names holding '@') are
 * ignored. Returns the number of properties to act on (0 gets 400 NoOperation when
 * need_some), or -1 with resp set to the error.
 */
int rf_body_check(const struct rf_req *req, struct rf_resp *resp, const char *const *writable,
                  const char *const *readonly, int need_some);

/*
 * Typed readers of one body member. Each returns 1 and the value when the member is present
 * and valid, 0 when absent, or -1 with resp set to 400 PropertyValueTypeError (or
 * PropertyValueOutOfRange for a number outside min..max). Strings are borrowed from the body.
 * A member named "Password" is never echoed in an error.
 */
int rf_body_string(const struct rf_req *req, struct rf_resp *resp, const char *name,
                   const char **out);
int rf_body_bool(const struct rf_req *req, struct rf_resp *resp, const char *name, int *out);
int rf_body_long(const struct rf_req *req, struct rf_resp *resp, const char *name, long min,
                 long max, long *out);

/* Echoes a body member's JSON value, bounded, for an error message ("*****" for Password). */
void rf_body_echo(const struct rf_req *req, const char *name, char *out, size_t outsz);

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
/* Adds an ActionInfo parameter {Name, DataType, Required} to j_params; NULL when out of memory. */
cJSON *rf_res_action_param(cJSON *j_params, const char *name, const char *type, int required);

cJSON *rf_res_collection(const char *odata_id, const char *odata_type, const char *name,
                         const char *const *uris, size_t n);

/* Sets resp to a 200 with body j (taken over); a NULL j becomes a 500. */
void rf_res_reply(struct rf_resp *resp, cJSON *j);

#endif
