/* THE route table: the whole API surface of the service, with the privileges each operation
 * needs. Privileges follow DMTF's privilege registry (Redfish_1.8.0_PrivilegeRegistry); only
 * what DSP0266 serves without authentication is RF_NOAUTH. */
#include "res.h"
#include "router.h"

#define LOGIN RF_NEED(RF_PRIV_LOGIN)
#define SELF_OR_MANAGER RF_NEED_ANY2(RF_PRIV_CONFIGURE_MANAGER, RF_PRIV_CONFIGURE_SELF)

const struct rf_route rf_routes[] = {
    {RF_GET, "/redfish", RF_NOAUTH, res_root_versions, 0},
    {RF_GET, "/redfish/v1", RF_NOAUTH, res_root_get, 0},
    {RF_GET, "/redfish/v1/odata", RF_NOAUTH, res_root_odata, 0},
    {RF_GET, "/redfish/v1/$metadata", RF_NOAUTH, res_root_metadata, 0},

    {RF_GET, "/redfish/v1/JsonSchemas", LOGIN, res_schemas_collection, 0},
    {RF_GET, "/redfish/v1/JsonSchemas/{}", LOGIN, res_schemas_get, 0},
    {RF_GET, "/redfish/v1/Schemas/{}", LOGIN, res_schemas_file, 0},
    {RF_GET, "/redfish/v1/Registries", LOGIN, res_registries_collection, 0},
    {RF_GET, "/redfish/v1/Registries/{}", LOGIN, res_registries_get, 0},
    {RF_GET, "/redfish/v1/Registries/{}/{}", LOGIN, res_registries_file, 0},

    {RF_GET, "/redfish/v1/SessionService", LOGIN, res_sessions_service, 0},
    {RF_GET, "/redfish/v1/SessionService/Sessions", LOGIN, res_sessions_collection, 0},
    {RF_POST, "/redfish/v1/SessionService/Sessions", RF_NOAUTH, res_sessions_login, 0},
    {RF_POST, "/redfish/v1/SessionService/Sessions/Members", RF_NOAUTH, res_sessions_login, 0},
    {RF_GET, "/redfish/v1/SessionService/Sessions/{}", SELF_OR_MANAGER, res_sessions_get, 0},
    {RF_DELETE, "/redfish/v1/SessionService/Sessions/{}", SELF_OR_MANAGER, res_sessions_delete, 0},
};

const size_t rf_routes_count = sizeof rf_routes / sizeof rf_routes[0];
