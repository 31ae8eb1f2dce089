#include "rf_msg.h"

#include <stdarg.h>
#include <string.h>

#include "rf_buf.h"
#include "router.h"

#define MSG_TYPE "#Message.v1_3_0.Message"
#define MSG_ARGS_MAX 4
#define MSG_TEXT_MAX 2048

struct rf_base_msg {
    const char *key;
    enum rf_sev sev;
    int nargs;
    const char *text;
    const char *resolution;
};

static const struct rf_base_msg base_msgs[] = {
#define RF_BASE_MSG(ident, key, sev, nargs, text, resolution) {key, sev, nargs, text, resolution},
#include "rf_base_msgs.def"
#undef RF_BASE_MSG
};

_Static_assert(sizeof base_msgs / sizeof base_msgs[0] == RF_MSG__COUNT, "message table");

static const struct rf_base_msg oem_msgs[] = {
#define RF_OEM_MSG(ident, key, sev, nargs, text, resolution) {key, sev, nargs, text, resolution},
#include "rf_oem_msgs.def"
#undef RF_OEM_MSG
};

_Static_assert(sizeof oem_msgs / sizeof oem_msgs[0] == RF_OEM__COUNT, "OEM message table");

static const char *
sev_name(enum rf_sev sev)
{
    switch (sev) {
    case RF_SEV_OK:
        return "OK";
    case RF_SEV_WARNING:
        return "Warning";
    case RF_SEV_CRITICAL:
        return "Critical";
    }
    return "Critical";
}

const char *
rf_oem_key(enum rf_oem_id id)
{
    return oem_msgs[id].key;
}

int
rf_oem_nargs(enum rf_oem_id id)
{
    return oem_msgs[id].nargs;
}

const char *
rf_oem_severity(enum rf_oem_id id)
{
    return sev_name(oem_msgs[id].sev);
}

const char *
rf_oem_resolution(enum rf_oem_id id)
{
    return oem_msgs[id].resolution;
}

const char *
rf_oem_text(enum rf_oem_id id)
{
    return oem_msgs[id].text;
}

const char *
rf_msg_key(enum rf_msg_id id)
{
    return base_msgs[id].key;
}

int
rf_msg_nargs(enum rf_msg_id id)
{
    return base_msgs[id].nargs;
}

const char *
rf_msg_severity(enum rf_msg_id id)
{
    switch (base_msgs[id].sev) {
    case RF_SEV_OK:
        return "OK";
    case RF_SEV_WARNING:
        return "Warning";
    case RF_SEV_CRITICAL:
        return "Critical";
    }
    return "Critical";
}

/* Substitutes %1..%9 in text with args. */
static int
expand(const char *text, const char *const *args, size_t nargs, struct rf_buf *out)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            size_t i = (size_t)(p[1] - '1');

            if (rf_buf_puts(out, i < nargs && args[i] ? args[i] : "") != 0) {
                return -1;
            }
            p++;
        } else if (rf_buf_append(out, p, 1) != 0) {
            return -1;
        }
    }
    return 0;
}

static cJSON *
build(const char *prefix, const struct rf_base_msg *m, const char *related, const char *const *args,
      size_t nargs)
{
    char msgid[96];
    struct rf_buf text;
    cJSON *j_msg = cJSON_CreateObject();
    cJSON *j_args;

    rf_buf_init(&text, MSG_TEXT_MAX);
    if (j_msg == NULL || rf_fmt(msgid, sizeof msgid, "%s.%s", prefix, m->key) != 0
        || expand(m->text, args, nargs, &text) != 0
        || cJSON_AddStringToObject(j_msg, "@odata.type", MSG_TYPE) == NULL
        || cJSON_AddStringToObject(j_msg, "MessageId", msgid) == NULL
        || cJSON_AddStringToObject(j_msg, "Message", text.data ? text.data : "") == NULL
        || (j_args = cJSON_AddArrayToObject(j_msg, "MessageArgs")) == NULL
        || cJSON_AddStringToObject(j_msg, "MessageSeverity", sev_name(m->sev)) == NULL
        || cJSON_AddStringToObject(j_msg, "Resolution", m->resolution) == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < (size_t)m->nargs; i++) {
        cJSON *j_a = cJSON_CreateString(i < nargs && args[i] ? args[i] : "");

        if (j_a == NULL || !cJSON_AddItemToArray(j_args, j_a)) {
            cJSON_Delete(j_a);
            goto fail;
        }
    }
    if (related != NULL) {
        cJSON *j_rel = cJSON_AddArrayToObject(j_msg, "RelatedProperties");
        cJSON *j_r = cJSON_CreateString(related);

        if (j_rel == NULL || j_r == NULL || !cJSON_AddItemToArray(j_rel, j_r)) {
            cJSON_Delete(j_r);
            goto fail;
        }
    }
    rf_buf_cleanup(&text);
    return j_msg;
fail:
    rf_buf_cleanup(&text);
    cJSON_Delete(j_msg);
    return NULL;
}

cJSON *
rf_msg_new(enum rf_msg_id id, const char *related, const char *const *args, size_t nargs)
{
    return build(RF_BASE_PREFIX, &base_msgs[id], related, args, nargs);
}

cJSON *
rf_oem_msg_new(enum rf_oem_id id, const char *related, const char *const *args, size_t nargs)
{
    return build(RF_OEM_PREFIX, &oem_msgs[id], related, args, nargs);
}

cJSON *
rf_msg_error_body(cJSON *j_messages)
{
    cJSON *j_root = cJSON_CreateObject();
    cJSON *j_err = j_root ? cJSON_AddObjectToObject(j_root, "error") : NULL;
    const cJSON *j_first = cJSON_GetArrayItem(j_messages, 0);
    int single = cJSON_GetArraySize(j_messages) == 1 && j_first != NULL;
    const char *code;
    const char *text;
    char general[96];

    if (j_err == NULL || !cJSON_IsArray(j_messages)
        || rf_fmt(general, sizeof general, "%s.%s", RF_BASE_PREFIX,
                  base_msgs[RF_MSG_GENERAL_ERROR].key)
               != 0) {
        cJSON_Delete(j_messages);
        cJSON_Delete(j_root);
        return NULL;
    }
    code = general;
    text = base_msgs[RF_MSG_GENERAL_ERROR].text;
    if (single) {
        const cJSON *j_id = cJSON_GetObjectItemCaseSensitive(j_first, "MessageId");
        const cJSON *j_text = cJSON_GetObjectItemCaseSensitive(j_first, "Message");

        if (cJSON_IsString(j_id) && cJSON_IsString(j_text)) {
            code = j_id->valuestring;
            text = j_text->valuestring;
        }
    }
    if (cJSON_AddStringToObject(j_err, "code", code) == NULL
        || cJSON_AddStringToObject(j_err, "message", text) == NULL
        || !cJSON_AddItemToObject(j_err, "@Message.ExtendedInfo", j_messages)) {
        cJSON_Delete(j_messages);
        cJSON_Delete(j_root);
        return NULL;
    }
    return j_root;
}

void
rf_resp_errors(struct rf_resp *resp, int status, cJSON *j_messages)
{
    cJSON_Delete(resp->j_body);
    resp->j_body = rf_msg_error_body(j_messages);
    resp->raw = NULL;
    resp->raw_len = 0;
    resp->content_type = NULL;
    resp->status = status;
}

/* Makes resp an error response holding message m (prefix: its registry) with the variadic
 * string arguments in ap. */
static void
resp_error_va(struct rf_resp *resp, int status, const char *prefix, const struct rf_base_msg *m,
              const char *related, va_list ap)
{
    const char *args[MSG_ARGS_MAX] = {NULL};
    size_t n = (size_t)m->nargs;
    cJSON *j_msgs = cJSON_CreateArray();
    cJSON *j_msg;

    if (n > MSG_ARGS_MAX) {
        n = MSG_ARGS_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        args[i] = va_arg(ap, const char *);
    }
    j_msg = build(prefix, m, related, args, n);
    if (j_msgs == NULL || j_msg == NULL || !cJSON_AddItemToArray(j_msgs, j_msg)) {
        cJSON_Delete(j_msg);
        cJSON_Delete(j_msgs);
        cJSON_Delete(resp->j_body);
        resp->j_body = NULL;
        resp->status = status;
        return;
    }
    rf_resp_errors(resp, status, j_msgs);
}

void
rf_resp_error(struct rf_resp *resp, int status, enum rf_msg_id id, const char *related, ...)
{
    va_list ap;

    va_start(ap, related);
    resp_error_va(resp, status, RF_BASE_PREFIX, &base_msgs[id], related, ap);
    va_end(ap);
}

void
rf_resp_oem_error(struct rf_resp *resp, int status, enum rf_oem_id id, const char *related, ...)
{
    va_list ap;

    va_start(ap, related);
    resp_error_va(resp, status, RF_OEM_PREFIX, &oem_msgs[id], related, ap);
    va_end(ap);
}
