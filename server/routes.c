/* THE route table: the whole API surface of the service, with the privileges each operation
 * needs. Privileges follow DMTF's privilege registry (Redfish_1.8.0_PrivilegeRegistry; a unit
 * test holds every row against it); only what DSP0266 serves without authentication, and the
 * browser UI's static files outside /redfish, are RF_NOAUTH. */
#include "res.h"
#include "router.h"
#include "sse.h"

#define LOGIN RF_NEED(RF_PRIV_LOGIN)
#define MANAGER RF_NEED(RF_PRIV_CONFIGURE_MANAGER)
#define USERS RF_NEED(RF_PRIV_CONFIGURE_USERS)
#define COMPONENTS RF_NEED(RF_PRIV_CONFIGURE_COMPONENTS)
#define SELF_OR_MANAGER RF_NEED_ANY2(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_SELF)
/* ManagerAccount GET; PATCH adds the Password property override (ConfigureSelf). */
#define ACCOUNT_READ                                                                               \
    RF_NEED_ANY3(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_USERS, RF_PRIV_CONFIGURE_SELF)
#define ACCOUNT_WRITE RF_NEED_ANY2(RF_PRIV_CONFIGURE_USERS, RF_PRIV_CONFIGURE_SELF)
/* EventDestinationCollection writes; EventDestination writes (ConfigureSelf: own ones only, which
 * the handlers check). */
#define SUBSCRIBE RF_NEED_ANY2(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_COMPONENTS)
#define DEST_WRITE RF_NEED_ANY2(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_SELF)
#define OWN (RF_ROUTE_SELF | RF_ROUTE_PWCHANGE)
#define JOB_QUERIES (RF_Q_TOP | RF_Q_SKIP | RF_Q_FILTER | RF_Q_SELECT | RF_Q_EXPAND)

const struct rf_route rf_routes[] = {
    {RF_GET, "/redfish", RF_NOAUTH, res_root_versions, 0, 0},
    {RF_GET, "/redfish/v1", RF_NOAUTH, res_root_get, 0, 0},
    {RF_GET, "/redfish/v1/odata", RF_NOAUTH, res_root_odata, 0, 0},
    {RF_GET, "/redfish/v1/$metadata", RF_NOAUTH, res_root_metadata, 0, 0},

    {RF_GET, "/redfish/v1/JsonSchemas", LOGIN, res_schemas_collection, 0, 0},
    {RF_GET, "/redfish/v1/JsonSchemas/{}", LOGIN, res_schemas_get, 0, 0},
    {RF_GET, "/redfish/v1/Schemas/{}", LOGIN, res_schemas_file, 0, 0},
    {RF_GET, "/redfish/v1/Registries", LOGIN, res_registries_collection, 0, 0},
    {RF_GET, "/redfish/v1/Registries/{}", LOGIN, res_registries_get, 0, 0},
    {RF_GET, "/redfish/v1/Registries/{}/{}", LOGIN, res_registries_file, 0, 0},

    {RF_GET, "/redfish/v1/SessionService", LOGIN, res_sessions_service, 0, 0},
    {RF_PATCH, "/redfish/v1/SessionService", MANAGER, res_sessions_service_patch, 0, 0},
    {RF_GET, "/redfish/v1/SessionService/Sessions", LOGIN, res_sessions_collection, 0, 0},
    {RF_POST, "/redfish/v1/SessionService/Sessions", RF_NOAUTH, res_sessions_login, 0, 0},
    {RF_POST, "/redfish/v1/SessionService/Sessions/Members", RF_NOAUTH, res_sessions_login, 0, 0},
    {RF_GET, "/redfish/v1/SessionService/Sessions/{}", SELF_OR_MANAGER, res_sessions_get, 0,
     RF_ROUTE_PWCHANGE},
    {RF_DELETE, "/redfish/v1/SessionService/Sessions/{}", SELF_OR_MANAGER, res_sessions_delete, 0,
     RF_ROUTE_PWCHANGE},

    {RF_GET, "/redfish/v1/AccountService", LOGIN, res_accounts_service, 0, 0},
    {RF_PATCH, "/redfish/v1/AccountService", USERS, res_accounts_service_patch, 0, 0},
    {RF_GET, "/redfish/v1/AccountService/Accounts", LOGIN, res_accounts_collection, 0, 0},
    {RF_POST, "/redfish/v1/AccountService/Accounts", USERS, res_accounts_create, 0, 0},
    {RF_POST, "/redfish/v1/AccountService/Accounts/Members", USERS, res_accounts_create, 0, 0},
    {RF_GET, "/redfish/v1/AccountService/Accounts/{}", ACCOUNT_READ, res_accounts_get, 0, OWN},
    {RF_PATCH, "/redfish/v1/AccountService/Accounts/{}", ACCOUNT_WRITE, res_accounts_patch, 0, OWN},
    {RF_DELETE, "/redfish/v1/AccountService/Accounts/{}", USERS, res_accounts_delete, 0, 0},
    {RF_GET, "/redfish/v1/AccountService/Roles", LOGIN, res_roles_collection, 0, 0},
    {RF_GET, "/redfish/v1/AccountService/Roles/{}", LOGIN, res_roles_get, 0, 0},

    {RF_GET, "/redfish/v1/JobService", LOGIN, res_jobservice_get, 0, 0},
    {RF_PATCH, "/redfish/v1/JobService", MANAGER, res_jobservice_patch, 0, 0},
    {RF_POST, "/redfish/v1/JobService/Actions/JobService.CancelAllJobs", MANAGER,
     res_jobservice_cancel_all, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Jobs", LOGIN, res_jobs_collection, JOB_QUERIES, 0},
    {RF_POST, "/redfish/v1/JobService/Jobs", MANAGER, res_jobs_create, 0, 0},
    {RF_POST, "/redfish/v1/JobService/Jobs/Members", MANAGER, res_jobs_create, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Jobs/{}", LOGIN, res_jobs_get, RF_Q_SELECT | RF_Q_EXCERPT, 0},
    {RF_PATCH, "/redfish/v1/JobService/Jobs/{}", MANAGER, res_jobs_patch, 0, 0},
    {RF_DELETE, "/redfish/v1/JobService/Jobs/{}", MANAGER, res_jobs_delete, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Jobs/{}/{}", LOGIN, res_jobs_action_info, 0, 0},
    {RF_POST, "/redfish/v1/JobService/Jobs/{}/Actions/{}", MANAGER, res_jobs_action, 0, 0},
    {RF_POST, "/redfish/v1/JobService/Jobs/{}/Actions/Oem/{}", MANAGER, res_jobs_oem_action, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Documents", LOGIN, res_documents_collection, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Documents/{}", LOGIN, res_documents_get, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Documents/{}/{}", LOGIN, res_documents_action_info, 0, 0},
    {RF_POST, "/redfish/v1/JobService/Documents/{}/Actions/JobDocument.SubmitJob", COMPONENTS,
     res_documents_submit, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Executors", LOGIN, res_executors_collection, 0, 0},
    {RF_GET, "/redfish/v1/JobService/Executors/{}", LOGIN, res_executors_get, 0, 0},

    {RF_GET, "/redfish/v1/EventService", LOGIN, res_events_service, 0, 0},
    {RF_PATCH, "/redfish/v1/EventService", MANAGER, res_events_service_patch, 0, 0},
    {RF_POST, "/redfish/v1/EventService/Actions/EventService.SubmitTestEvent", MANAGER,
     res_events_submit_test, 0, 0},
    {RF_GET, "/redfish/v1/EventService/Subscriptions", LOGIN, res_events_subscriptions, 0, 0},
    {RF_POST, "/redfish/v1/EventService/Subscriptions", SUBSCRIBE, res_events_subscription_create,
     0, 0},
    {RF_POST, "/redfish/v1/EventService/Subscriptions/Members", SUBSCRIBE,
     res_events_subscription_create, 0, 0},
    {RF_GET, "/redfish/v1/EventService/Subscriptions/{}", LOGIN, res_events_subscription_get, 0, 0},
    {RF_PATCH, "/redfish/v1/EventService/Subscriptions/{}", DEST_WRITE,
     res_events_subscription_patch, 0, 0},
    {RF_DELETE, "/redfish/v1/EventService/Subscriptions/{}", DEST_WRITE,
     res_events_subscription_delete, 0, 0},
    {RF_POST, "/redfish/v1/EventService/Subscriptions/{}/Actions/{}", DEST_WRITE,
     res_events_subscription_action, 0, 0},
    {RF_GET, "/redfish/v1/EventService/SSE", LOGIN, res_sse_get, RF_Q_FILTER, 0},

    /* The browser UI: static files that hold no data (each data request the page makes is a
     * Redfish request with its session token). */
    {RF_GET, "/", RF_NOAUTH, res_ui_root, 0, 0},
    {RF_GET, "/ui", RF_NOAUTH, res_ui_index, 0, 0},
    {RF_GET, "/ui/{}", RF_NOAUTH, res_ui_file, 0, 0},

    {RF_GET, "/redfish/v1/Managers", LOGIN, res_manager_collection, 0, 0},
    {RF_GET, "/redfish/v1/Managers/{}", LOGIN, res_manager_get, 0, 0},
    {RF_GET, "/redfish/v1/Managers/{}/LogServices", LOGIN, res_manager_logservices, 0, 0},
    {RF_GET, "/redfish/v1/Managers/{}/LogServices/{}", LOGIN, res_manager_audit_service, 0, 0},
    {RF_GET, "/redfish/v1/Managers/{}/LogServices/{}/Entries", LOGIN, res_manager_audit_entries, 0,
     0},
    {RF_GET, "/redfish/v1/Managers/{}/LogServices/{}/Entries/{}", LOGIN, res_manager_audit_entry, 0,
     0},
};

const size_t rf_routes_count = sizeof rf_routes / sizeof rf_routes[0];
