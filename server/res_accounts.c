/* AccountService, its Accounts (ManagerAccount) and Roles. Accounts live in the service
 * database; every change is committed before the reply and audited. */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "log.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"

#define SERVICE_URI "/redfish/v1/AccountService"
#define ROLES_URI "/redfish/v1/AccountService/Roles"
#define ACCOUNTS_MAX 256

/* ---- AccountService ------------------------------------------------------------------------ */

static cJSON *
service_json(struct app *app)
{
    struct auth_policy p;
    cJSON *j = rf_res_new(SERVICE_URI, "#AccountService.v1_18_1.AccountService", "AccountService",
                          "Account Service");
    cJSON *j_status = j ? cJSON_AddObjectToObject(j, "Status") : NULL;
    cJSON *j_types = j ? cJSON_AddArrayToObject(j, "SupportedAccountTypes") : NULL;
    cJSON *j_redfish = cJSON_CreateString("Redfish");

    auth_policy_get(app->auth, &p);
    if (j_status == NULL || j_types == NULL || j_redfish == NULL
        || !cJSON_AddItemToArray(j_types, j_redfish)) {
        cJSON_Delete(j_redfish);
        cJSON_Delete(j);
        return NULL;
    }
    if (cJSON_AddStringToObject(j, "Description", "Local accounts, roles and the lockout policy")
            == NULL
        || cJSON_AddStringToObject(j_status, "State", "Enabled") == NULL
        || cJSON_AddStringToObject(j_status, "Health", "OK") == NULL
        || cJSON_AddTrueToObject(j, "ServiceEnabled") == NULL
        || cJSON_AddStringToObject(j, "LocalAccountAuth", "Enabled") == NULL
        || cJSON_AddStringToObject(j, "HTTPBasicAuth", "Enabled") == NULL
        || cJSON_AddNumberToObject(j, "AuthFailureLoggingThreshold", 1) == NULL
        || cJSON_AddNumberToObject(j, "MinPasswordLength", (double)p.min_password_length) == NULL
        || cJSON_AddNumberToObject(j, "MaxPasswordLength", (double)p.max_password_length) == NULL
        || cJSON_AddNumberToObject(j, "AccountLockoutThreshold", (double)p.lockout_threshold)
               == NULL
        || cJSON_AddNumberToObject(j, "AccountLockoutDuration", (double)p.lockout_duration) == NULL
        || cJSON_AddNumberToObject(j, "AccountLockoutCounterResetAfter",
                                   (double)p.lockout_reset_after)
               == NULL
        || cJSON_AddBoolToObject(j, "AccountLockoutCounterResetEnabled", p.lockout_reset_enabled)
               == NULL
        || rf_res_link(j, "Accounts", RF_ACCOUNTS_URI) == NULL
        || rf_res_link(j, "Roles", ROLES_URI) == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

void
res_accounts_service(struct rf_req *req, struct rf_resp *resp)
{
    rf_res_reply(resp, service_json(req->app));
}

static const char *const service_writable[] = {
    "MinPasswordLength",
    "MaxPasswordLength",
    "AccountLockoutThreshold",
    "AccountLockoutDuration",
    "AccountLockoutCounterResetAfter",
    "AccountLockoutCounterResetEnabled",
    NULL,
};

static const char *const service_readonly[] = {
    "Id",
    "Name",
    "Description",
    "Status",
    "Accounts",
    "Roles",
    "ServiceEnabled",
    "LocalAccountAuth",
    "HTTPBasicAuth",
    "AuthFailureLoggingThreshold",
    "SupportedAccountTypes",
    NULL,
};

static void
conflict(struct rf_resp *resp, const char *a, const char *b)
{
    char ptr[64];

    if (rf_fmt(ptr, sizeof ptr, "/%s", a) != 0) {
        ptr[0] = '\0';
    }
    rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_CONFLICT, ptr, a, b);
}

void
res_accounts_service_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct auth_policy p;
    long v;
    int b;
    int rc;

    if (rf_body_check(req, resp, service_writable, service_readonly, 1) < 0) {
        return;
    }
    auth_policy_get(req->app->auth, &p);
    if ((rc = rf_body_long(req, resp, "MinPasswordLength", 8, AUTH_PASSWORD_MAX, &v)) < 0) {
        return;
    }
    p.min_password_length = rc ? v : p.min_password_length;
    if ((rc = rf_body_long(req, resp, "MaxPasswordLength", 8, AUTH_PASSWORD_MAX, &v)) < 0) {
        return;
    }
    p.max_password_length = rc ? v : p.max_password_length;
    if ((rc = rf_body_long(req, resp, "AccountLockoutThreshold", 0, 1000, &v)) < 0) {
        return;
    }
    p.lockout_threshold = rc ? v : p.lockout_threshold;
    if ((rc = rf_body_long(req, resp, "AccountLockoutDuration", 0, 86400, &v)) < 0) {
        return;
    }
    p.lockout_duration = rc ? v : p.lockout_duration;
    if ((rc = rf_body_long(req, resp, "AccountLockoutCounterResetAfter", 0, 86400, &v)) < 0) {
        return;
    }
    p.lockout_reset_after = rc ? v : p.lockout_reset_after;
    if ((rc = rf_body_bool(req, resp, "AccountLockoutCounterResetEnabled", &b)) < 0) {
        return;
    }
    p.lockout_reset_enabled = rc ? b : p.lockout_reset_enabled;
    if (p.min_password_length > p.max_password_length) {
        conflict(resp, "MinPasswordLength", "MaxPasswordLength");
        return;
    }
    if (p.lockout_duration > 0 && p.lockout_reset_after > p.lockout_duration) {
        conflict(resp, "AccountLockoutCounterResetAfter", "AccountLockoutDuration");
        return;
    }
    if (auth_policy_set(req->app->auth, &p) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "changed the account policy: password length %ld..%ld, lockout after %ld "
                       "failures for %ld s, count reset after %ld s (%s)",
                       p.min_password_length, p.max_password_length, p.lockout_threshold,
                       p.lockout_duration, p.lockout_reset_after,
                       p.lockout_reset_enabled ? "enabled" : "disabled");
    rf_res_reply(resp, service_json(req->app));
}

/* ---- Roles --------------------------------------------------------------------------------- */

void
res_roles_collection(struct rf_req *req, struct rf_resp *resp)
{
    char uris[8][RF_URI_MAX];
    const char *p[8];
    size_t n = 0;

    (void)req;
    for (size_t i = 0; i < auth_role_count() && i < 8; i++) {
        if (rf_fmt(uris[n], sizeof uris[n], ROLES_URI "/%s", auth_role_name(i)) != 0) {
            rf_res_reply(resp, NULL);
            return;
        }
        p[n] = uris[n];
        n++;
    }
    rf_res_reply(resp, rf_res_collection(ROLES_URI, "#RoleCollection.RoleCollection",
                                         "Roles Collection", p, n));
}

void
res_roles_get(struct rf_req *req, struct rf_resp *resp)
{
    const char *role = req->params[0];
    rf_priv_t privs = auth_role_privileges(role);
    char uri[RF_URI_MAX];
    char name[96];
    cJSON *j;
    cJSON *j_privs;

    if (privs == 0) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Role", role);
        return;
    }
    if (rf_fmt(uri, sizeof uri, ROLES_URI "/%s", role) != 0
        || rf_fmt(name, sizeof name, "%s Role", role) != 0) {
        rf_res_reply(resp, NULL);
        return;
    }
    j = rf_res_new(uri, "#Role.v1_3_3.Role", role, name);
    j_privs = j ? cJSON_AddArrayToObject(j, "AssignedPrivileges") : NULL;
    if (j_privs == NULL || cJSON_AddStringToObject(j, "RoleId", role) == NULL
        || cJSON_AddStringToObject(j, "Description", "A predefined role; it cannot be changed")
               == NULL
        || cJSON_AddTrueToObject(j, "IsPredefined") == NULL
        || cJSON_AddArrayToObject(j, "OemPrivileges") == NULL) {
        cJSON_Delete(j);
        rf_res_reply(resp, NULL);
        return;
    }
    for (size_t i = 0; auth_priv_name(i) != NULL; i++) {
        cJSON *j_p;

        if (!(privs & (1u << i))) {
            continue;
        }
        j_p = cJSON_CreateString(auth_priv_name(i));
        if (j_p == NULL || !cJSON_AddItemToArray(j_privs, j_p)) {
            cJSON_Delete(j_p);
            cJSON_Delete(j);
            rf_res_reply(resp, NULL);
            return;
        }
    }
    rf_res_reply(resp, j);
}

/* ---- Accounts ------------------------------------------------------------------------------ */

static cJSON *
account_json(struct app *app, const struct db_account *a)
{
    char uri[RF_URI_MAX];
    char role_uri[RF_URI_MAX];
    cJSON *j;
    cJSON *j_types;
    cJSON *j_t;
    cJSON *j_links;

    if (rf_fmt(uri, sizeof uri, RF_ACCOUNTS_URI "/%s", a->user) != 0
        || rf_fmt(role_uri, sizeof role_uri, ROLES_URI "/%s", a->role) != 0) {
        return NULL;
    }
    j = rf_res_new(uri, "#ManagerAccount.v1_14_1.ManagerAccount", a->user, "User Account");
    j_types = j ? cJSON_AddArrayToObject(j, "AccountTypes") : NULL;
    j_t = cJSON_CreateString("Redfish");
    if (j_types == NULL || j_t == NULL || !cJSON_AddItemToArray(j_types, j_t)) {
        cJSON_Delete(j_t);
        cJSON_Delete(j);
        return NULL;
    }
    j_links = cJSON_AddObjectToObject(j, "Links");
    if (j_links == NULL || cJSON_AddStringToObject(j, "Description", "A local account") == NULL
        || cJSON_AddStringToObject(j, "UserName", a->user) == NULL
        || cJSON_AddStringToObject(j, "RoleId", a->role) == NULL
        || cJSON_AddBoolToObject(j, "Enabled", a->enabled) == NULL
        || cJSON_AddBoolToObject(j, "Locked", auth_account_locked(a, auth_now(app->auth))) == NULL
        || cJSON_AddBoolToObject(j, "PasswordChangeRequired", a->password_change_required) == NULL
        || cJSON_AddNullToObject(j, "Password") == NULL
        || (auth_role_privileges(a->role) != 0 && rf_res_link(j_links, "Role", role_uri) == NULL)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

void
res_accounts_collection(struct rf_req *req, struct rf_resp *resp)
{
    char(*users)[64] = calloc(ACCOUNTS_MAX, 64);
    char(*uris)[RF_URI_MAX] = calloc(ACCOUNTS_MAX, RF_URI_MAX);
    const char **p = calloc(ACCOUNTS_MAX, sizeof *p);
    size_t n = 0;
    size_t k = 0;

    if (users == NULL || uris == NULL || p == NULL
        || db_account_list(req->app->db, users, ACCOUNTS_MAX, &n) != DB_OK) {
        rf_res_reply(resp, NULL);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (rf_fmt(uris[k], RF_URI_MAX, RF_ACCOUNTS_URI "/%s", users[i]) == 0) {
            p[k] = uris[k];
            k++;
        }
    }
    rf_res_reply(resp, rf_res_collection(RF_ACCOUNTS_URI,
                                         "#ManagerAccountCollection.ManagerAccountCollection",
                                         "Accounts Collection", p, k));
done:
    free(users);
    free(uris);
    free(p);
}

static void
not_found(struct rf_resp *resp, const char *user)
{
    char echo[RF_SEG_LEN_MAX];

    if (rf_strlcpy(echo, user, sizeof echo) != 0) {
        echo[0] = '\0';
    }
    rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "ManagerAccount", echo);
}

/* Reads the account named in the path; answers 404 or 500 when it cannot. */
static int
account_for(struct rf_req *req, struct rf_resp *resp, struct db_account *a)
{
    int rc = db_account_get(req->app->db, req->params[0], a);

    if (rc == DB_NOTFOUND) {
        not_found(resp, req->params[0]);
        return -1;
    }
    if (rc != DB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return -1;
    }
    return 0;
}

void
res_accounts_get(struct rf_req *req, struct rf_resp *resp)
{
    struct db_account a;

    if (account_for(req, resp, &a) == 0) {
        rf_res_reply(resp, account_json(req->app, &a));
    }
}

/* A user name: 1..63 of [A-Za-z0-9._-], starting with a letter or digit. */
static int
user_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= RF_USER_MAX
        || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')
             || (s[0] >= '0' && s[0] <= '9'))) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
              || c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

static void
value_error(const struct rf_req *req, struct rf_resp *resp, enum rf_msg_id id, const char *name)
{
    char echo[64];
    char ptr[64];

    rf_body_echo(req, name, echo, sizeof echo);
    if (rf_fmt(ptr, sizeof ptr, "/%s", name) != 0) {
        ptr[0] = '\0';
    }
    rf_resp_error(resp, 400, id, ptr, echo, name);
}

/* Checks a new password against the policy and hashes it into out. Returns 0 or -1 (400). */
static int
new_password(struct rf_req *req, struct rf_resp *resp, const char *pw, char *out, size_t outsz)
{
    struct auth_policy p;
    size_t n = strlen(pw);

    auth_policy_get(req->app->auth, &p);
    if (n < (size_t)p.min_password_length || n > (size_t)p.max_password_length) {
        rf_resp_error(resp, 400, RF_MSG_PASSWORD_INCORRECT_LENGTH, "/Password");
        return -1;
    }
    if (auth_password_hash(pw, out, outsz) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return -1;
    }
    return 0;
}

/* AccountTypes, when given, may only be ["Redfish"]. */
static int
account_types_ok(const struct rf_req *req, struct rf_resp *resp)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, "AccountTypes");
    const cJSON *j_first = cJSON_GetArrayItem(j, 0);

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, "AccountTypes");
        return -1;
    }
    if (cJSON_GetArraySize(j) != 1 || !cJSON_IsString(j_first)
        || strcmp(j_first->valuestring, "Redfish") != 0) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "AccountTypes");
        return -1;
    }
    return 0;
}

static const char *const create_writable[] = {
    "UserName",     "Password", "RoleId", "Enabled", "PasswordChangeRequired",
    "AccountTypes", "Locked",   NULL,
};

static const char *const account_readonly[] = {
    "Id", "Name", "Description", "Links", NULL,
};

/* Reads RoleId when present: one of the standard roles. Returns as rf_body_string(). */
static int
role_of(const struct rf_req *req, struct rf_resp *resp, const char **role)
{
    int rc = rf_body_string(req, resp, "RoleId", role);

    if (rc == 1 && auth_role_privileges(*role) == 0) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "RoleId");
        return -1;
    }
    return rc;
}

/* Reads Locked when present: only false (unlock) may be written. */
static int
unlock_of(const struct rf_req *req, struct rf_resp *resp, int *locked)
{
    int rc = rf_body_bool(req, resp, "Locked", locked);

    if (rc == 1 && *locked) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_NOT_IN_LIST, "Locked");
        return -1;
    }
    return rc;
}

void
res_accounts_create(struct rf_req *req, struct rf_resp *resp)
{
    struct db_account a;
    const char *user = NULL;
    const char *pw = NULL;
    const char *role = NULL;
    int b;
    int rc;
    long count = 0;
    cJSON *j;

    memset(&a, 0, sizeof a);
    if (rf_body_check(req, resp, create_writable, account_readonly, 1) < 0
        || rf_body_string(req, resp, "UserName", &user) < 0
        || rf_body_string(req, resp, "Password", &pw) < 0 || role_of(req, resp, &role) < 0
        || account_types_ok(req, resp) < 0 || unlock_of(req, resp, &b) < 0) {
        return;
    }
    if (user == NULL || pw == NULL || role == NULL) {
        const char *missing = user == NULL ? "UserName" : pw == NULL ? "Password" : "RoleId";
        char ptr[32];

        (void)rf_fmt(ptr, sizeof ptr, "/%s", missing);
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_MISSING, ptr, missing);
        return;
    }
    if (!user_name_ok(user)) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "UserName");
        return;
    }
    a.enabled = 1;
    if ((rc = rf_body_bool(req, resp, "Enabled", &b)) < 0) {
        return;
    }
    a.enabled = rc ? b : 1;
    if ((rc = rf_body_bool(req, resp, "PasswordChangeRequired", &b)) < 0) {
        return;
    }
    a.password_change_required = rc ? b : 0;
    if (db_account_count(req->app->db, &count) != DB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (count >= ACCOUNTS_MAX) {
        rf_resp_error(resp, 409, RF_MSG_CREATE_LIMIT_REACHED_FOR_RESOURCE, NULL);
        return;
    }
    (void)rf_strlcpy(a.user, user, sizeof a.user);
    (void)rf_strlcpy(a.role, role, sizeof a.role);
    if (new_password(req, resp, pw, a.password_hash, sizeof a.password_hash) != 0) {
        return;
    }
    rc = db_account_insert(req->app->db, &a);
    if (rc == DB_EXISTS) {
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_ALREADY_EXISTS, "/UserName", "ManagerAccount",
                      "UserName", a.user);
        return;
    }
    if (rc != DB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    auth_forget_user(req->app->auth, a.user, 1);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "created account %s (role %s%s%s)", a.user, a.role,
                       a.enabled ? "" : ", disabled",
                       a.password_change_required ? ", password change required" : "");
    j = account_json(req->app, &a);
    if (j == NULL
        || rf_fmt(resp->location, sizeof resp->location, RF_ACCOUNTS_URI "/%s", a.user) != 0) {
        cJSON_Delete(j);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    rf_res_reply(resp, j);
    resp->status = 201;
}

/* Would this change leave no enabled Administrator? */
static int
last_admin(struct rf_req *req, const struct db_account *before, const struct db_account *after)
{
    long n = 0;
    int was = before->enabled && strcmp(before->role, "Administrator") == 0;
    int is = after != NULL && after->enabled && strcmp(after->role, "Administrator") == 0;

    if (!was || is) {
        return 0;
    }
    return db_account_count_role(req->app->db, "Administrator", &n) != DB_OK || n <= 1;
}

static const char *const patch_writable[] = {
    "UserName",     "Password", "RoleId", "Enabled", "PasswordChangeRequired",
    "AccountTypes", "Locked",   NULL,
};

/* Applies the body to *a; returns 0, or -1 with resp set. Only Password when self_only. */
static int
patch_apply(struct rf_req *req, struct rf_resp *resp, struct db_account *a, int self_only,
            int *pw_changed)
{
    const char *user = NULL;
    const char *pw = NULL;
    const char *role = NULL;
    int b;
    int rc;

    *pw_changed = 0;
    if (self_only) {
        const cJSON *j_it;

        cJSON_ArrayForEach(j_it, req->j_body)
        {
            if (strchr(j_it->string, '@') == NULL && strcmp(j_it->string, "Password") != 0) {
                rf_resp_error(resp, 403, RF_MSG_INSUFFICIENT_PRIVILEGE, NULL);
                return -1;
            }
        }
    }
    if (rf_body_string(req, resp, "UserName", &user) < 0
        || rf_body_string(req, resp, "Password", &pw) < 0 || role_of(req, resp, &role) < 0
        || account_types_ok(req, resp) < 0) {
        return -1;
    }
    if (user != NULL) {
        if (!user_name_ok(user)) {
            value_error(req, resp, RF_MSG_PROPERTY_VALUE_FORMAT_ERROR, "UserName");
            return -1;
        }
        (void)rf_strlcpy(a->user, user, sizeof a->user);
    }
    if (role != NULL) {
        (void)rf_strlcpy(a->role, role, sizeof a->role);
    }
    if ((rc = rf_body_bool(req, resp, "Enabled", &b)) < 0) {
        return -1;
    }
    a->enabled = rc ? b : a->enabled;
    if ((rc = unlock_of(req, resp, &b)) < 0) {
        return -1;
    }
    if (rc == 1) {
        a->locked = 0;
        a->locked_until = 0;
    }
    if (pw != NULL) {
        if (new_password(req, resp, pw, a->password_hash, sizeof a->password_hash) != 0) {
            return -1;
        }
        *pw_changed = 1;
        a->password_change_required = 0;
    }
    if ((rc = rf_body_bool(req, resp, "PasswordChangeRequired", &b)) < 0) {
        return -1;
    }
    a->password_change_required = rc ? b : a->password_change_required;
    return 0;
}

void
res_accounts_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct db_account before;
    struct db_account a;
    int self_only = !(req->who.privs & RF_PRIV_CONFIGURE_USERS);
    int pw_changed = 0;
    int rc;

    if (rf_body_check(req, resp, patch_writable, account_readonly, 1) < 0
        || account_for(req, resp, &before) != 0) {
        return;
    }
    a = before;
    if (patch_apply(req, resp, &a, self_only, &pw_changed) != 0) {
        return;
    }
    if (last_admin(req, &before, &a)) {
        value_error(req, resp, RF_MSG_PROPERTY_VALUE_INCORRECT, a.enabled ? "RoleId" : "Enabled");
        resp->status = 409;
        return;
    }
    rc = db_account_update(req->app->db, before.user, &a);
    if (rc == DB_EXISTS) {
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_ALREADY_EXISTS, "/UserName", "ManagerAccount",
                      "UserName", a.user);
        return;
    }
    if (rc == DB_NOTFOUND) {
        not_found(resp, before.user);
        return;
    }
    if (rc != DB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    /* Old credentials stop working at once; a rename or disable also ends the sessions. */
    auth_forget_user(req->app->auth, before.user,
                     strcmp(before.user, a.user) != 0 || (before.enabled && !a.enabled));
    (void)audit_record(
        req->app->audit, req->who.user, req->remote_addr, "changed account %s:%s%s%s%s%s%s%s",
        before.user, strcmp(before.user, a.user) != 0 ? " renamed to " : "",
        strcmp(before.user, a.user) != 0 ? a.user : "",
        strcmp(before.role, a.role) != 0 ? " role " : "",
        strcmp(before.role, a.role) != 0 ? a.role : "",
        before.enabled != a.enabled ? (a.enabled ? " enabled" : " disabled") : "",
        pw_changed ? " password changed" : "", before.locked && !a.locked ? " unlocked" : "");
    rf_res_reply(resp, account_json(req->app, &a));
}

void
res_accounts_delete(struct rf_req *req, struct rf_resp *resp)
{
    struct db_account a;
    int rc;

    if (account_for(req, resp, &a) != 0) {
        return;
    }
    if (last_admin(req, &a, NULL)) {
        rf_resp_error(resp, 409, RF_MSG_RESOURCE_CANNOT_BE_DELETED, NULL);
        return;
    }
    rc = db_account_delete(req->app->db, a.user);
    if (rc == DB_NOTFOUND) {
        not_found(resp, a.user);
        return;
    }
    if (rc != DB_OK) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    auth_forget_user(req->app->auth, a.user, 1);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr, "deleted account %s",
                       a.user);
    resp->status = 204;
}
