/* SessionService and Sessions: login (the one write that needs no credentials), the session
 * collection, and logout. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <stdlib.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "log.h"
#include "res.h"
#include "rf_buf.h"
#include "rf_msg.h"

#define SESSIONS_URI "/redfish/v1/SessionService/Sessions"

static cJSON *
service_json(struct app *app)
{
    struct auth_policy p;
    cJSON *j = rf_res_new("/redfish/v1/SessionService", "#SessionService.v1_2_0.SessionService",
                          "SessionService", "Session Service");
    cJSON *j_status = j ? cJSON_AddObjectToObject(j, "Status") : NULL;

    auth_policy_get(app->auth, &p);
    if (j_status == NULL || cJSON_AddStringToObject(j_status, "State", "Enabled") == NULL
        || cJSON_AddStringToObject(j_status, "Health", "OK") == NULL
        || cJSON_AddTrueToObject(j, "ServiceEnabled") == NULL
        || cJSON_AddNumberToObject(j, "SessionTimeout", (double)p.session_timeout) == NULL
        || rf_res_link(j, "Sessions", SESSIONS_URI) == NULL) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

void
res_sessions_service(struct rf_req *req, struct rf_resp *resp)
{
    rf_res_reply(resp, service_json(req->app));
}

static const char *const service_writable[] = {"SessionTimeout", NULL};
static const char *const service_readonly[] = {
    "Id", "Name", "Description", "Status", "ServiceEnabled", "Sessions", NULL,
};

void
res_sessions_service_patch(struct rf_req *req, struct rf_resp *resp)
{
    struct auth_policy p;
    long v = 0;

    if (rf_body_check(req, resp, service_writable, service_readonly, 1) < 0
        || rf_body_long(req, resp, "SessionTimeout", 30, 86400, &v) < 0) {
        return;
    }
    auth_policy_get(req->app->auth, &p);
    p.session_timeout = v;
    if (auth_policy_set(req->app->auth, &p) != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "set the session timeout to %ld s", v);
    rf_res_reply(resp, service_json(req->app));
}

/* An administrator (ConfigureManager) sees every session; anyone else only their own. */
static int
may_see(const struct rf_req *req, const struct auth_session_info *s)
{
    return (req->who.privs & RF_PRIV_CONFIGURE_MANAGER) != 0 || strcmp(s->user, req->who.user) == 0;
}

void
res_sessions_collection(struct rf_req *req, struct rf_resp *resp)
{
    struct auth_session_info *all = calloc(AUTH_SESSIONS_MAX, sizeof *all);
    char(*uris)[RF_URI_MAX] = calloc(AUTH_SESSIONS_MAX, RF_URI_MAX);
    const char **p = calloc(AUTH_SESSIONS_MAX, sizeof *p);
    size_t n;
    size_t k = 0;

    if (all == NULL || uris == NULL || p == NULL) {
        rf_res_reply(resp, NULL);
        goto done;
    }
    n = auth_session_list(req->app->auth, all, AUTH_SESSIONS_MAX);
    for (size_t i = 0; i < n; i++) {
        if (may_see(req, &all[i])
            && rf_fmt(uris[k], RF_URI_MAX, SESSIONS_URI "/%s", all[i].id) == 0) {
            p[k] = uris[k];
            k++;
        }
    }
    rf_res_reply(resp, rf_res_collection(SESSIONS_URI, "#SessionCollection.SessionCollection",
                                         "Session Collection", p, k));
done:
    free(all);
    free(uris);
    free(p);
}

static cJSON *
session_json(const struct auth_session_info *s)
{
    char uri[RF_URI_MAX];
    char created[32];
    struct tm tm;
    cJSON *j;

    if (rf_fmt(uri, sizeof uri, SESSIONS_URI "/%s", s->id) != 0
        || gmtime_r(&s->created, &tm) == NULL
        || strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0) {
        return NULL;
    }
    j = rf_res_new(uri, "#Session.v1_8_0.Session", s->id, "User Session");
    if (j == NULL || cJSON_AddStringToObject(j, "UserName", s->user) == NULL
        || cJSON_AddNullToObject(j, "Password") == NULL
        || cJSON_AddStringToObject(j, "CreatedTime", created) == NULL
        || cJSON_AddStringToObject(j, "ClientOriginIPAddress", s->remote) == NULL
        || cJSON_AddStringToObject(j, "SessionType", "Redfish") == NULL) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* Reads a required string property of the login body, answering 400 when it is not there. */
static const char *
login_field(const struct rf_req *req, struct rf_resp *resp, const char *name)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(req->j_body, name);
    char ptr[64];

    if (rf_fmt(ptr, sizeof ptr, "/%s", name) != 0) {
        ptr[0] = '\0';
    }
    if (j == NULL) {
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_MISSING, ptr, name);
        return NULL;
    }
    if (!cJSON_IsString(j)) {
        char *v = cJSON_PrintUnformatted(j);
        char echo[64];

        if (v == NULL || rf_strlcpy(echo, v, sizeof echo) != 0) {
            echo[0] = '\0';
        }
        cJSON_free(v);
        rf_resp_error(resp, 400, RF_MSG_PROPERTY_VALUE_TYPE_ERROR, ptr, echo, name);
        return NULL;
    }
    return j->valuestring;
}

/* Adds @Message.ExtendedInfo with Base PasswordChangeRequired naming the account's URI. */
static int
add_password_change_message(cJSON *j, const char *user)
{
    char uri[RF_URI_MAX];
    const char *args[1] = {uri};
    cJSON *j_msgs;
    cJSON *j_msg;

    if (rf_fmt(uri, sizeof uri, RF_ACCOUNTS_URI "/%s", user) != 0) {
        return -1;
    }
    j_msgs = cJSON_AddArrayToObject(j, "@Message.ExtendedInfo");
    j_msg = rf_msg_new(RF_MSG_PASSWORD_CHANGE_REQUIRED, NULL, args, 1);
    if (j_msgs == NULL || j_msg == NULL || !cJSON_AddItemToArray(j_msgs, j_msg)) {
        cJSON_Delete(j_msg);
        return -1;
    }
    return 0;
}

void
res_sessions_login(struct rf_req *req, struct rf_resp *resp)
{
    const char *user;
    const char *pw;
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session_info info;
    const cJSON *j_it;
    cJSON *j;
    int rc;
    int pw_change = 0;

    if (req->j_body == NULL) {
        rf_resp_error(resp, 400, RF_MSG_EMPTY_JSON, NULL);
        return;
    }
    if (!cJSON_IsObject(req->j_body)) {
        rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
        return;
    }
    cJSON_ArrayForEach(j_it, req->j_body)
    {
        if (strcmp(j_it->string, "UserName") != 0 && strcmp(j_it->string, "Password") != 0
            && strcmp(j_it->string, "Context") != 0) {
            char ptr[RF_SEG_LEN_MAX];
            char echo[RF_SEG_LEN_MAX];

            if (rf_strlcpy(echo, j_it->string, sizeof echo) != 0
                || rf_fmt(ptr, sizeof ptr, "/%s", echo) != 0) {
                ptr[0] = '\0';
            }
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_UNKNOWN, ptr, echo);
            return;
        }
    }
    user = login_field(req, resp, "UserName");
    pw = user ? login_field(req, resp, "Password") : NULL;
    if (pw == NULL) {
        return;
    }
    rc = auth_session_create(req->app->auth, user, pw, req->remote_addr, token, sizeof token, &info,
                             &pw_change);
    if (rc == AUTH_BAD_CREDENTIALS) {
        log_msg(LOG_LEVEL_WARNING, "login failed from %s", req->remote_addr);
        rf_resp_error(resp, 401, RF_MSG_ACCESS_UNAUTHORIZED, NULL);
        return;
    }
    if (rc == AUTH_SESSION_LIMIT) {
        (void)audit_record_sev(req->app->audit, AUDIT_WARNING, user, req->remote_addr,
                               "login refused: session limit reached");
        rf_resp_error(resp, 503, RF_MSG_SESSION_LIMIT_EXCEEDED, NULL);
        return;
    }
    if (rc != AUTH_OK || (j = session_json(&info)) == NULL
        || rf_fmt(resp->location, sizeof resp->location, SESSIONS_URI "/%s", info.id) != 0
        || rf_resp_header(resp, "X-Auth-Token", token) != 0) {
        if (rc == AUTH_OK) {
            (void)auth_session_delete(req->app->auth, info.id);
        }
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    if (pw_change && add_password_change_message(j, info.user) != 0) {
        cJSON_Delete(j);
        (void)auth_session_delete(req->app->auth, info.id);
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    log_msg(LOG_LEVEL_INFO, "login: user %s from %s, session %s", info.user, req->remote_addr,
            info.id);
    (void)audit_record(req->app->audit, info.user, req->remote_addr, "logged in (session %s)%s",
                       info.id, pw_change ? "; the password must be changed" : "");
    rf_res_reply(resp, j);
    resp->status = 201;
}

/* Looks up the session named in the path that the requester may see; answers 404 otherwise. */
static int
session_for(struct rf_req *req, struct rf_resp *resp, struct auth_session_info *s)
{
    if (auth_session_get(req->app->auth, req->params[0], s) != AUTH_OK || !may_see(req, s)) {
        char echo[RF_SEG_LEN_MAX];

        if (rf_strlcpy(echo, req->params[0], sizeof echo) != 0) {
            echo[0] = '\0';
        }
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Session", echo);
        return -1;
    }
    return 0;
}

void
res_sessions_get(struct rf_req *req, struct rf_resp *resp)
{
    struct auth_session_info s;

    if (session_for(req, resp, &s) == 0) {
        rf_res_reply(resp, session_json(&s));
    }
}

void
res_sessions_delete(struct rf_req *req, struct rf_resp *resp)
{
    struct auth_session_info s;

    if (session_for(req, resp, &s) != 0) {
        return;
    }
    if (auth_session_delete(req->app->auth, s.id) != AUTH_OK) {
        rf_resp_error(resp, 404, RF_MSG_RESOURCE_NOT_FOUND, NULL, "Session", s.id);
        return;
    }
    log_msg(LOG_LEVEL_INFO, "logout: user %s, session %s", s.user, s.id);
    (void)audit_record(req->app->audit, req->who.user, req->remote_addr,
                       "ended the session %s of %s", s.id, s.user);
    resp->status = 204;
}
