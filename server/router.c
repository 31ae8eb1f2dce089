#include "router.h"

#include <civetweb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "log.h"
#include "rf_buf.h"
#include "res.h"
#include "rf_msg.h"
#include "rf_query.h"
#include "tls.h"

#define JSON_CT "application/json; charset=utf-8"
#define SCHEMA_BASE "http://redfish.dmtf.org/schemas/v1/"

static const struct {
    enum rf_method m;
    const char *name;
} method_names[] = {
    {RF_GET, "GET"}, {RF_HEAD, "HEAD"},     {RF_POST, "POST"},       {RF_PATCH, "PATCH"},
    {RF_PUT, "PUT"}, {RF_DELETE, "DELETE"}, {RF_OPTIONS, "OPTIONS"},
};

static enum rf_method
method_parse(const char *s)
{
    for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++) {
        if (strcmp(s, method_names[i].name) == 0) {
            return method_names[i].m;
        }
    }
    return (enum rf_method)0;
}

int
rf_allow_string(unsigned allow, char *out, size_t outsz)
{
    size_t len = 0;

    if (outsz == 0) {
        return -1;
    }
    out[0] = '\0';
    for (size_t i = 0; i < sizeof method_names / sizeof method_names[0]; i++) {
        if (allow & (unsigned)method_names[i].m) {
            int n = snprintf(out + len, outsz - len, "%s%s", len ? ", " : "", method_names[i].name);

            if (n < 0 || (size_t)n >= outsz - len) {
                return -1;
            }
            len += (size_t)n;
        }
    }
    return 0;
}

/* Characters allowed in a decoded path segment: RFC 3986 unreserved and sub-delims, ':' and
 * '@' ("pchar"), and '$' for $metadata. */
static int
seg_char_ok(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return 1;
    }
    if (c >= 'a' && c <= 'z') {
        return 1;
    }
    if (c >= '0' && c <= '9') {
        return 1;
    }
    return c != '\0' && strchr("-._~!$&'()*+,;=:@", c) != NULL;
}

enum rf_path_rc
rf_path_parse(const char *raw, struct rf_req *req, char *norm, size_t normsz)
{
    size_t rawlen;
    size_t outlen = 0;
    const char *p;

    req->nseg = 0;
    if (raw == NULL || raw[0] != '/' || normsz < 2) {
        return RF_PATH_BAD;
    }
    rawlen = strnlen(raw, RF_PATH_MAX + 1);
    if (rawlen > RF_PATH_MAX) {
        return RF_PATH_TOO_LONG;
    }
    p = raw + 1;
    while (*p != '\0') {
        char *seg;
        size_t n = 0;

        if (*p == '/') {
            return RF_PATH_BAD; /* empty segment */
        }
        if (req->nseg >= RF_SEG_MAX) {
            return RF_PATH_BAD;
        }
        seg = req->seg[req->nseg];
        while (*p != '\0' && *p != '/') {
            unsigned char c = (unsigned char)*p;

            if (c == '%') {
                int hi = rf_hexval(p[1]);
                int lo = hi < 0 ? -1 : rf_hexval(p[2]);

                if (hi < 0 || lo < 0) {
                    return RF_PATH_BAD;
                }
                c = (unsigned char)(hi * 16 + lo);
                p += 3;
            } else {
                p++;
            }
            if (!seg_char_ok(c) || n + 1 >= RF_SEG_LEN_MAX) {
                return RF_PATH_BAD;
            }
            seg[n++] = (char)c;
        }
        seg[n] = '\0';
        if (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0) {
            return RF_PATH_BAD;
        }
        req->nseg++;
        if (*p == '/') {
            p++; /* a trailing slash ends the loop with the segment kept */
        }
    }
    /* Rebuild the normalised path from the decoded segments. */
    for (size_t i = 0; i < req->nseg; i++) {
        size_t n = strlen(req->seg[i]);

        if (outlen + 1 + n + 1 > normsz) {
            return RF_PATH_TOO_LONG;
        }
        norm[outlen++] = '/';
        memcpy(norm + outlen, req->seg[i], n);
        outlen += n;
    }
    if (outlen == 0) {
        norm[outlen++] = '/';
    }
    /* The service root is "/redfish/v1/" with its slash. */
    if (req->nseg == 2 && strcmp(req->seg[0], "redfish") == 0 && strcmp(req->seg[1], "v1") == 0) {
        norm[outlen++] = '/';
    }
    norm[outlen] = '\0';
    req->path = norm;
    return RF_PATH_OK;
}

/* Matches a template against the request's segments; fills params on success. */
static int
template_match(const char *tpl, struct rf_req *req, int capture)
{
    size_t i = 0;
    const char *p = tpl;
    size_t np = 0;

    if (*p != '/') {
        return 0;
    }
    p++;
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (i >= req->nseg) {
            return 0;
        }
        if (n == 2 && p[0] == '{' && p[1] == '}') {
            if (capture) {
                req->params[np++] = req->seg[i];
            }
        } else if (strlen(req->seg[i]) != n || memcmp(req->seg[i], p, n) != 0) {
            return 0;
        }
        i++;
        p += n;
        if (*p == '/') {
            p++;
        }
    }
    if (i != req->nseg) {
        return 0;
    }
    if (capture) {
        req->nparams = np;
    }
    return 1;
}

const struct rf_route *
rf_route_match(struct rf_req *req, enum rf_method method, int *path_exists, unsigned *allow)
{
    const struct rf_route *hit = NULL;

    *path_exists = 0;
    *allow = 0;
    for (size_t i = 0; i < rf_routes_count; i++) {
        const struct rf_route *r = &rf_routes[i];

        if (!template_match(r->path, req, 0)) {
            continue;
        }
        *path_exists = 1;
        *allow |= (unsigned)r->method;
        if (r->method == RF_GET) {
            *allow |= (unsigned)RF_HEAD;
        }
        if (hit == NULL && r->method == method) {
            hit = r;
        }
    }
    if (hit != NULL) {
        (void)template_match(hit->path, req, 1);
    }
    return hit;
}

int
rf_priv_ok(const struct rf_privreq *need, rf_priv_t have)
{
    if (need->noauth) {
        return 1;
    }
    for (size_t i = 0; i < RF_PRIV_ALT; i++) {
        if (need->any_of[i] != 0 && (need->any_of[i] & have) == need->any_of[i]) {
            return 1;
        }
    }
    return 0;
}

int
rf_resp_header(struct rf_resp *resp, const char *name, const char *value)
{
    if (resp->n_extra >= RF_EXTRA_HEADERS) {
        return -1;
    }
    if (rf_strlcpy(resp->extra[resp->n_extra].name, name, sizeof resp->extra[0].name) != 0
        || rf_strlcpy(resp->extra[resp->n_extra].value, value, sizeof resp->extra[0].value) != 0) {
        return -1;
    }
    resp->n_extra++;
    return 0;
}

void
rf_resp_reset(struct rf_resp *resp)
{
    cJSON_Delete(resp->j_body);
    memset(resp, 0, sizeof *resp);
    resp->status = 200;
}

static const struct {
    const char *name;
    unsigned flag;
} query_names[] = {
    {"$top", RF_Q_TOP},        {"$skip", RF_Q_SKIP},     {"$select", RF_Q_SELECT},
    {"$expand", RF_Q_EXPAND},  {"$filter", RF_Q_FILTER}, {"only", RF_Q_ONLY},
    {"excerpt", RF_Q_EXCERPT},
};

int
rf_query_check(const char *query, unsigned supported, char *bad, size_t badsz)
{
    const char *p = query;

    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, "=&");
        unsigned flag = 0;
        int known = 0;

        for (size_t i = 0; i < sizeof query_names / sizeof query_names[0]; i++) {
            if (strlen(query_names[i].name) == n && strncmp(p, query_names[i].name, n) == 0) {
                flag = query_names[i].flag;
                known = 1;
            }
        }
        if ((known && !(supported & flag)) || (!known && n > 0 && p[0] == '$')) {
            if (rf_strlcpy(bad, "", badsz) == 0 && n + 1 <= badsz) {
                memcpy(bad, p, n);
                bad[n] = '\0';
            }
            return -1;
        }
        p = strchr(p, '&');
        if (p != NULL) {
            p++;
        }
    }
    return 0;
}

/* Whether the requester qualifies for need only through an alternative that holds
 * ConfigureSelf. */
static int
only_as_self(const struct rf_privreq *need, rf_priv_t have)
{
    for (size_t i = 0; i < RF_PRIV_ALT; i++) {
        rf_priv_t alt = need->any_of[i];

        if (alt != 0 && (alt & have) == alt && !(alt & RF_PRIV_CONFIGURE_SELF)) {
            return 0;
        }
    }
    return 1;
}

/* Refuses a request the table does not allow: 404 for an unknown path, 405 for a method the
 * path does not support, 403 PasswordChangeRequired for an account that must change its
 * password first, 403 for missing privileges (ConfigureSelf covering only the requester's own
 * account on RF_ROUTE_SELF routes). Returns 1 when refused. */
static int
route_refuse(struct rf_req *req, struct rf_resp *resp, const struct rf_route *route, int exists)
{
    if (route == NULL) {
        if (exists) {
            rf_resp_error(resp, 405, RF_MSG_OPERATION_NOT_ALLOWED, NULL);
        } else {
            rf_resp_error(resp, 404, RF_MSG_INVALID_URI, NULL, req->path);
        }
        return 1;
    }
    if (!route->priv.noauth && req->who.password_change_required) {
        char uri[RF_URI_MAX];

        req->who.privs &= RF_PRIV_LOGIN | RF_PRIV_CONFIGURE_SELF;
        if (!(route->flags & RF_ROUTE_PWCHANGE)) {
            if (rf_fmt(uri, sizeof uri, "/redfish/v1/AccountService/Accounts/%s", req->who.user)
                != 0) {
                uri[0] = '\0';
            }
            rf_resp_error(resp, 403, RF_MSG_PASSWORD_CHANGE_REQUIRED, NULL, uri);
            return 1;
        }
    }
    if (!rf_priv_ok(&route->priv, req->who.privs)
        || ((route->flags & RF_ROUTE_SELF) && !route->priv.noauth
            && only_as_self(&route->priv, req->who.privs)
            && (req->nparams == 0 || strcmp(req->params[0], req->who.user) != 0))) {
        rf_resp_error(resp, 403, RF_MSG_INSUFFICIENT_PRIVILEGE, NULL);
        log_msg(LOG_LEVEL_WARNING, "%s user %s: insufficient privilege", req->path, req->who.user);
        return 1;
    }
    return 0;
}

/* An echo of client input in a message: bounded and printable, so a hostile path cannot bloat
 * or corrupt replies and logs. */
static void
echo_copy(char *dst, size_t dstsz, const char *src)
{
    if (rf_strlcpy(dst, src, dstsz) != 0 && dstsz > 4) {
        memcpy(dst + dstsz - 4, "...", 4);
    }
    for (char *p = dst; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
            *p = '?';
        }
    }
}

/* ---- query options the router applies for routes that do not implement them ---------------- */

/*
 * A GET route implements the query options in route->queries itself. The router accepts the
 * others too and applies them to the handler's body afterwards, in DSP0266's order: only, then on
 * a collection (a body with a "Members" array) $filter, $skip and $top, then $expand, then
 * $select. excerpt on a resource that defines no excerpt returns the whole resource, as DSP0266
 * says. Members and expanded links are fetched through router_dispatch as the same principal, so
 * they pass the same privilege checks as a direct GET; a reference the principal may not read,
 * or that does not answer 200, stays a reference.
 */
#define RF_Q_GENERIC                                                                               \
    (RF_Q_TOP | RF_Q_SKIP | RF_Q_SELECT | RF_Q_EXPAND | RF_Q_FILTER | RF_Q_ONLY | RF_Q_EXCERPT)

static unsigned
route_queries(const struct rf_route *route)
{
    return route->queries | (route->method == RF_GET ? RF_Q_GENERIC : 0u);
}

/* The RF_Q_* bits of the options a parsed query holds. */
static unsigned
query_bits(const struct rf_query *q)
{
    return (q->has_top ? RF_Q_TOP : 0u) | (q->has_skip ? RF_Q_SKIP : 0u)
           | (q->select != NULL ? RF_Q_SELECT : 0u) | (q->expand != 0 ? RF_Q_EXPAND : 0u)
           | (q->filter != NULL ? RF_Q_FILTER : 0u) | (q->only ? RF_Q_ONLY : 0u)
           | (q->excerpt ? RF_Q_EXCERPT : 0u);
}

/* Whether the raw query may hold an option the route does not implement: a known name outside
 * own, or any percent-escape (a name the quick scan cannot see). */
static int
query_needs_router(const char *query, unsigned own)
{
    const char *p = query;

    if (query == NULL || query[0] == '\0') {
        return 0;
    }
    if (strchr(query, '%') != NULL) {
        return 1;
    }
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, "=&");

        for (size_t i = 0; i < sizeof query_names / sizeof query_names[0]; i++) {
            if (strlen(query_names[i].name) == n && strncmp(p, query_names[i].name, n) == 0
                && !(own & query_names[i].flag)) {
                return 1;
            }
        }
        p = strchr(p, '&');
        if (p != NULL) {
            p++;
        }
    }
    return 0;
}

/* One sub-request: the state router_dispatch needs, reused for every fetch of one request. */
struct fetcher {
    const struct rf_req *parent;
    size_t budget; /* fetches left */
    struct rf_req sub;
    char norm[RF_PATH_MAX + 2];
};

/* GETs uri as the parent request's principal. Returns the body of a 200 with an object (the
 * caller owns it), or NULL. */
static cJSON *
fetch(struct fetcher *f, const char *uri)
{
    struct rf_resp r;
    cJSON *j = NULL;

    if (f->budget == 0 || uri[0] != '/' || strpbrk(uri, "?#") != NULL) {
        return NULL;
    }
    f->budget--;
    memset(&f->sub, 0, sizeof f->sub);
    if (rf_path_parse(uri, &f->sub, f->norm, sizeof f->norm) != RF_PATH_OK) {
        return NULL;
    }
    f->sub.app = f->parent->app;
    f->sub.method = RF_GET;
    f->sub.remote_addr = f->parent->remote_addr;
    f->sub.who = f->parent->who;
    memset(&r, 0, sizeof r);
    r.status = 200;
    router_dispatch(&f->sub, &r);
    if (r.status == 200 && cJSON_IsObject(r.j_body)) {
        j = r.j_body;
        r.j_body = NULL;
    }
    rf_resp_reset(&r);
    return j;
}

/* The URI of a navigation reference: an object whose only member is "@odata.id". */
static const char *
reference_uri(const cJSON *j)
{
    const cJSON *j_id;

    if (!cJSON_IsObject(j) || j->child == NULL || j->child->next != NULL) {
        return NULL;
    }
    j_id = j->child;
    if (j_id->string == NULL || strcmp(j_id->string, "@odata.id") != 0 || !cJSON_IsString(j_id)) {
        return NULL;
    }
    return j_id->valuestring;
}

static int expand_tree(struct fetcher *f, cJSON *j_node, int kind, int levels, int in_links);

/* Replaces the reference j_ref (a child of j_parent) with the resource it names, itself expanded
 * to levels - 1. Returns 0, or -1 when out of memory. */
static int
expand_one(struct fetcher *f, cJSON *j_parent, cJSON *j_ref, int kind, int levels)
{
    cJSON *j_res = fetch(f, reference_uri(j_ref));

    if (j_res == NULL) {
        return 0; /* not readable: stays a reference */
    }
    /* In an object the replacement takes the member's name (ReplaceItemViaPointer keeps none). */
    if ((levels > 1 && expand_tree(f, j_res, kind, levels - 1, 0) != 0)
        || !(cJSON_IsObject(j_parent)
                 ? cJSON_ReplaceItemInObjectCaseSensitive(j_parent, j_ref->string, j_res)
                 : cJSON_ReplaceItemViaPointer(j_parent, j_ref, j_res))) {
        cJSON_Delete(j_res);
        return -1;
    }
    return 0;
}

/*
 * Expands the references under j_node: "*" every one, "." those outside Links, "~" those inside
 * Links; each embedded resource is expanded again to levels - 1. Returns 0, or -1 when out of
 * memory.
 */
static int
expand_tree(struct fetcher *f, cJSON *j_node, int kind, int levels, int in_links)
{
    cJSON *j_it = j_node->child;

    while (j_it != NULL) {
        cJSON *j_next = j_it->next;
        int links = in_links
                    || (cJSON_IsObject(j_node) && j_it->string != NULL
                        && strcmp(j_it->string, "Links") == 0);

        if (reference_uri(j_it) != NULL) {
            int want = kind == RF_EXPAND_ASTERISK || (kind == RF_EXPAND_DOT && !links)
                       || (kind == RF_EXPAND_TILDE && links);

            if (want && expand_one(f, j_node, j_it, kind, levels) != 0) {
                return -1;
            }
        } else if ((cJSON_IsObject(j_it) || cJSON_IsArray(j_it))
                   && expand_tree(f, j_it, kind, levels, links) != 0) {
            return -1;
        }
        j_it = j_next;
    }
    return 0;
}

/* Sets (or adds) a number member. */
static int
set_number(cJSON *j, const char *name, double v)
{
    cJSON *j_old = cJSON_GetObjectItemCaseSensitive(j, name);

    if (j_old != NULL) {
        cJSON_SetNumberValue(j_old, v);
        return 0;
    }
    return cJSON_AddNumberToObject(j, name, v) != NULL ? 0 : -1;
}

/* Keeps the members that match the filter; members that are references are fetched to be
 * evaluated (and stay references). Members@odata.count becomes the number of matches. */
static int
filter_members(struct fetcher *f, cJSON *j_coll, cJSON *j_members, const struct rf_filter *flt)
{
    cJSON *j_it = j_members->child;
    size_t kept = 0;

    while (j_it != NULL) {
        cJSON *j_next = j_it->next;
        const char *uri = reference_uri(j_it);
        cJSON *j_full = uri != NULL ? fetch(f, uri) : NULL;
        int match = rf_filter_eval_json(flt, j_full != NULL ? j_full : j_it);

        if (uri != NULL && j_full == NULL) {
            match = 0; /* not readable: not listed */
        }
        cJSON_Delete(j_full);
        if (match) {
            kept++;
        } else {
            cJSON_Delete(cJSON_DetachItemViaPointer(j_members, j_it));
        }
        j_it = j_next;
    }
    return set_number(j_coll, "Members@odata.count", (double)kept);
}

/* The raw query without $skip and $top (nor their percent-encoded names), each parameter
 * preceded by '&'. */
static int
other_params(const char *query, struct rf_buf *out)
{
    static const char *const paging[] = {"$skip=", "%24skip=", "$top=", "%24top="};
    const char *p = query;

    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t len = amp != NULL ? (size_t)(amp - p) : strlen(p);
        int skip = len == 0;

        for (size_t i = 0; i < sizeof paging / sizeof paging[0]; i++) {
            skip |= strncmp(p, paging[i], strlen(paging[i])) == 0;
        }
        if (!skip && (rf_buf_append(out, "&", 1) != 0 || rf_buf_append(out, p, len) != 0)) {
            return -1;
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return 0;
}

/* Applies $skip and $top to Members. Members@odata.count stays the total; when members remain
 * after the page, Members@odata.nextLink names the next one. */
static int
page_members(const struct rf_req *req, cJSON *j_coll, cJSON *j_members, const struct rf_query *q)
{
    size_t total = (size_t)cJSON_GetArraySize(j_members);
    size_t skip = q->has_skip ? q->skip : 0;
    size_t top = q->has_top ? q->top : SIZE_MAX;
    size_t i = 0;
    size_t n = 0;
    cJSON *j_it = j_members->child;
    struct rf_buf link;
    int rc;

    while (j_it != NULL) {
        cJSON *j_next = j_it->next;

        if (i < skip || n >= top) {
            cJSON_Delete(cJSON_DetachItemViaPointer(j_members, j_it));
        } else {
            n++;
        }
        i++;
        j_it = j_next;
    }
    if (set_number(j_coll, "Members@odata.count", (double)total) != 0) {
        return -1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(j_coll, "Members@odata.nextLink");
    if (n == 0 || skip + n >= total) {
        return 0;
    }
    rf_buf_init(&link, RF_QUERY_LEN_MAX + RF_PATH_MAX + 64);
    rc = rf_buf_printf(&link, "%s?$skip=%zu", req->path, skip + n) != 0
                 || (q->has_top && rf_buf_printf(&link, "&$top=%zu", top) != 0)
                 || other_params(req->query, &link) != 0
                 || cJSON_AddStringToObject(j_coll, "Members@odata.nextLink", link.data) == NULL
             ? -1
             : 0;
    rf_buf_cleanup(&link);
    return rc;
}

/* Applies the options in gen (parsed into q) to resp's body. */
static void
generic_apply(const struct rf_req *req, struct rf_resp *resp, const struct rf_query *q,
              unsigned gen)
{
    struct fetcher *f = malloc(sizeof *f);
    cJSON *j = resp->j_body;
    cJSON *j_members = cJSON_GetObjectItemCaseSensitive(j, "Members");
    int coll = cJSON_IsArray(j_members);
    int rc = 0;

    if (f == NULL) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
        return;
    }
    f->parent = req;
    f->budget = RF_EXPAND_FETCH_MAX;
    if (coll && (gen & RF_Q_ONLY)) {
        /* only: a collection of exactly one member answers with that member. */
        const char *uri = cJSON_GetArraySize(j_members) == 1
                              ? reference_uri(cJSON_GetArrayItem(j_members, 0))
                              : NULL;
        cJSON *j_one = uri != NULL ? fetch(f, uri) : NULL;

        if (j_one != NULL) {
            rf_res_reply(resp, j_one);
        }
        free(f);
        return;
    }
    if (coll && (gen & RF_Q_FILTER)) {
        rc = filter_members(f, j, j_members, q->filter);
    }
    if (rc == 0 && coll && (gen & (RF_Q_TOP | RF_Q_SKIP)) && (q->has_top || q->has_skip)) {
        rc = page_members(req, j, j_members, q);
    }
    if (rc == 0 && (gen & RF_Q_EXPAND) && q->expand != RF_EXPAND_NONE) {
        f->budget = RF_EXPAND_FETCH_MAX;
        rc = expand_tree(f, j, q->expand, q->expand_levels, 0);
    }
    if (rc == 0 && (gen & RF_Q_SELECT)) {
        if (!coll) {
            rf_select_apply(q->select, j);
        } else {
            /* On a collection, $select shapes the expanded members (as the Jobs collection). */
            cJSON *j_m;

            cJSON_ArrayForEach(j_m, j_members)
            {
                if (reference_uri(j_m) == NULL) {
                    rf_select_apply(q->select, j_m);
                }
            }
        }
    }
    free(f);
    if (rc != 0) {
        rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
    }
}

/* Runs the route's handler, with the query options it does not implement applied by the router
 * (GET routes only). */
static void
route_run(struct rf_req *req, struct rf_resp *resp, const struct rf_route *route)
{
    struct rf_query q;
    unsigned gen;

    if (route->method != RF_GET || !query_needs_router(req->query, route->queries)) {
        route->handler(req, resp);
        return;
    }
    if (rf_query_parse_mask(req->query, route_queries(route), &q, resp) != 0) {
        rf_query_cleanup(&q);
        return;
    }
    gen = query_bits(&q) & ~route->queries;
    route->handler(req, resp);
    if (gen != 0 && resp->status == 200 && cJSON_IsObject(resp->j_body)) {
        generic_apply(req, resp, &q, gen);
    }
    rf_query_cleanup(&q);
}

/* 501 QueryParameterUnsupported for an option the route accepts neither itself nor through the
 * router. Returns 1 when refused. */
static int
query_refuse(const struct rf_req *req, struct rf_resp *resp, const struct rf_route *route)
{
    char bad[64];
    char name[64];

    if (rf_query_check(req->query, route_queries(route), bad, sizeof bad) == 0) {
        return 0;
    }
    echo_copy(name, sizeof name, bad);
    rf_resp_error(resp, 501, RF_MSG_QUERY_PARAMETER_UNSUPPORTED, NULL, name);
    return 1;
}

void
router_dispatch(struct rf_req *req, struct rf_resp *resp)
{
    const struct rf_route *route;
    int exists;
    unsigned allow;
    enum rf_method m = req->method == RF_HEAD ? RF_GET : req->method;

    route = rf_route_match(req, m, &exists, &allow);
    if (route_refuse(req, resp, route, exists) || query_refuse(req, resp, route)) {
        return;
    }
    route_run(req, resp, route);
}

/* ---- civetweb side ------------------------------------------------------------------------ */

/* Derives the JSON Schema URI that describes a payload from its @odata.type:
 * "#ServiceRoot.v1_20_0.ServiceRoot" -> SCHEMA_BASE "ServiceRoot.v1_20_0.json". */
static int
described_by(const cJSON *j_body, char *out, size_t outsz)
{
    const cJSON *j_type = cJSON_GetObjectItemCaseSensitive(j_body, "@odata.type");
    const char *t;
    const char *last;

    if (!cJSON_IsString(j_type) || j_type->valuestring[0] != '#') {
        return -1;
    }
    t = j_type->valuestring + 1;
    last = strrchr(t, '.');
    if (last == NULL || last == t) {
        return -1;
    }
    return rf_fmt(out, outsz, "<%s%.*s.json>; rel=describedby", SCHEMA_BASE, (int)(last - t), t);
}

/* A strong ETag over the serialised body: the first 128 bits of its SHA-256, in hex. */
static int
etag_of(const void *s, size_t len, char *out, size_t outsz)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[33];

    if (EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 16) {
        return -1;
    }
    for (size_t i = 0; i < 16; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[32] = '\0';
    return rf_fmt(out, outsz, "\"%s\"", hex);
}

/* Does an If-None-Match list name this ETag (or "*")? */
static int
etag_listed(const char *list, const char *etag)
{
    size_t n = strlen(etag);
    const char *p = list;

    while (*p != '\0') {
        while (*p == ' ' || *p == ',' || *p == '\t') {
            p++;
        }
        if (*p == '*') {
            return 1;
        }
        if (strncmp(p, "W/", 2) == 0) {
            p += 2;
        }
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ')) {
            return 1;
        }
        while (*p != '\0' && *p != ',') {
            p++;
        }
    }
    return 0;
}

/* Whether an If-Match header names a representation other than the resource's current one:
 * the GET handler of the same path is run (without sending anything) for its ETag. A path
 * without a GET, or a resource that does not exist, is left to the handler. */
static int
if_match_fails(const struct rf_req *req)
{
    struct rf_req *g = malloc(sizeof *g);
    struct rf_resp gr;
    const struct rf_route *route;
    int exists;
    unsigned allow;
    char *text;
    char etag[48];
    int fails = 0;

    if (g == NULL) {
        return 0;
    }
    *g = *req;
    g->method = RF_GET;
    g->is_head = 0;
    g->body = NULL;
    g->body_len = 0;
    g->j_body = NULL;
    route = rf_route_match(g, RF_GET, &exists, &allow);
    if (route == NULL) {
        free(g);
        return 0;
    }
    memset(&gr, 0, sizeof gr);
    gr.status = 200;
    route->handler(g, &gr);
    if (gr.status == 200 && gr.j_body != NULL) {
        text = cJSON_PrintUnformatted(gr.j_body);
        if (text != NULL && etag_of(text, strlen(text), etag, sizeof etag) == 0) {
            fails = !etag_listed(req->if_match, etag);
        }
        cJSON_free(text);
    }
    rf_resp_reset(&gr);
    free(g);
    return fails;
}

/* The text of "@odata.etag" spliced into a resource: ,"@odata.etag":"\"<hex>\"" where etag is
 * the quoted header value; cJSON would print the same bytes. */
static int
etag_member(const char *etag, char *out, size_t outsz)
{
    size_t n = strlen(etag);

    if (n < 2 || etag[0] != '"' || etag[n - 1] != '"') {
        return -1;
    }
    return rf_fmt(out, outsz, ",\"@odata.etag\":\"\\\"%.*s\\\"\"", (int)(n - 2), etag + 1);
}

/* What goes on the wire as the body: the serialised JSON (with the @odata.etag member spliced in
 * before its closing brace when etag_member is not empty) or a static body. */
/*
 * Each worker thread prints bodies into a buffer of its own that lives as long as the thread:
 * printing a job allocates nothing, and no large block is allocated and freed per request (which
 * costs glibc a consolidation of its small-block caches each time). A body that does not fit is
 * printed into memory of its own, as before.
 */
#define PRINT_SCRATCH (256 * 1024)

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local char *scratch_buf; /* also in scratch_key, whose destructor frees it */

static void
scratch_make_key(void)
{
    (void)pthread_key_create(&scratch_key, free);
}

static char *
scratch(void)
{
    if (scratch_buf == NULL) {
        (void)pthread_once(&scratch_once, scratch_make_key);
        scratch_buf = malloc(PRINT_SCRATCH);
        if (scratch_buf != NULL && pthread_setspecific(scratch_key, scratch_buf) != 0) {
            free(scratch_buf);
            scratch_buf = NULL;
        }
    }
    return scratch_buf;
}

struct wire_body {
    int borrowed; /* text is the thread's scratch buffer, not to be freed */
    char *text;   /* cJSON_free */
    size_t text_len;
    char etag_member[80];
    const void *raw;
    size_t len; /* bytes on the wire */
};

/*
 * Serialises resp->j_body once. For a resource (it has @odata.id) answered 200 to a GET, the ETag
 * covers that text, and @odata.etag is spliced into it rather than added to the tree and printed
 * again. Fills etag and link (Link: rel=describedby). Returns 0, or -1 when out of memory.
 */
static int
serialise(const struct rf_req *req, struct rf_resp *resp, struct wire_body *wb, char *etag,
          size_t etagsz, char *link, size_t linksz)
{
    int is_get = req->method == RF_GET || req->is_head;

    wb->borrowed = 0;
    wb->text = scratch();
    if (wb->text != NULL && cJSON_PrintPreallocated(resp->j_body, wb->text, PRINT_SCRATCH, 0))
        wb->borrowed = 1;
    else
        wb->text = cJSON_PrintBuffered(resp->j_body, 4096, 0);
    if (wb->text == NULL) {
        return -1;
    }
    wb->text_len = strlen(wb->text);
    wb->len = wb->text_len;
    if (!is_get || resp->status != 200) {
        return 0;
    }
    (void)described_by(resp->j_body, link, linksz);
    if (resp->no_etag || !cJSON_IsObject(resp->j_body) || wb->text_len < 2
        || wb->text[wb->text_len - 1] != '}'
        || cJSON_GetObjectItemCaseSensitive(resp->j_body, "@odata.id") == NULL) {
        return 0;
    }
    /* The ETag covers the representation without its own @odata.etag. */
    if (etag_of(wb->text, wb->text_len, etag, etagsz) != 0
        || etag_member(etag, wb->etag_member, sizeof wb->etag_member) != 0) {
        etag[0] = '\0';
        wb->etag_member[0] = '\0';
        return 0;
    }
    wb->len += strlen(wb->etag_member);
    return 0;
}

/* Appends "name: value\r\n". */
static int
put_header(struct rf_buf *b, const char *name, const char *value)
{
    return rf_buf_puts(b, name) != 0 || rf_buf_append(b, ": ", 2) != 0 || rf_buf_puts(b, value) != 0
                   || rf_buf_append(b, "\r\n", 2) != 0
               ? -1
               : 0;
}

/* The reason phrases of the statuses this service sends. */
static const char *
reason_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 428:
        return "Precondition Required";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

static int
put_headers(struct rf_buf *b, const struct rf_req *req, const struct rf_resp *resp, unsigned allow,
            int keep_alive, size_t body_len, const char *etag, const char *link)
{
    const struct app *app = req->app;
    int is_get = req->method == RF_GET || req->is_head;
    char num[48];
    char allow_s[96];
    char date[64];
    struct tm tm;
    time_t now = time(NULL);

    if (rf_buf_printf(b, "HTTP/1.1 %d %s\r\n", resp->status, reason_phrase(resp->status)) != 0
        || put_header(b, "OData-Version", "4.0") != 0
        || (resp->status != 304
            && put_header(b, "Content-Type", resp->content_type ? resp->content_type : JSON_CT)
                   != 0)
        || rf_fmt(num, sizeof num, "%zu", body_len) != 0
        || put_header(b, "Content-Length", num) != 0
        || put_header(b, "Cache-Control", resp->cache_control ? resp->cache_control : "no-cache")
               != 0
        || put_header(b, "X-Content-Type-Options", "nosniff") != 0
        || put_header(b, "X-Frame-Options", "DENY") != 0
        || put_header(b, "Content-Security-Policy", resp->csp ? resp->csp : RF_CSP_DEFAULT) != 0) {
        return -1;
    }
    if (app != NULL && app->cfg.hsts_max_age > 0
        && (rf_fmt(num, sizeof num, "max-age=%ld", app->cfg.hsts_max_age) != 0
            || put_header(b, "Strict-Transport-Security", num) != 0)) {
        return -1;
    }
    if ((is_get || resp->status == 405) && allow != 0
        && rf_allow_string(allow, allow_s, sizeof allow_s) == 0
        && put_header(b, "Allow", allow_s) != 0) {
        return -1;
    }
    if ((link[0] != '\0' && put_header(b, "Link", link) != 0)
        || (etag[0] != '\0' && put_header(b, "ETag", etag) != 0)
        || (resp->location[0] != '\0' && put_header(b, "Location", resp->location) != 0)
        || (resp->status == 401
            && put_header(b, "WWW-Authenticate", "Basic realm=\"rfjobd\", charset=\"UTF-8\"")
                   != 0)) {
        return -1;
    }
    for (size_t i = 0; i < resp->n_extra; i++) {
        if (put_header(b, resp->extra[i].name, resp->extra[i].value) != 0) {
            return -1;
        }
    }
    if (gmtime_r(&now, &tm) == NULL
        || strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
        (void)rf_strlcpy(date, "Thu, 01 Jan 1970 00:00:00 GMT", sizeof date);
    }
    return put_header(b, "Date", date) != 0
                   || put_header(b, "Connection", keep_alive ? "keep-alive" : "close") != 0
                   || rf_buf_append(b, "\r\n", 2) != 0
               ? -1
               : 0;
}

int
rf_response_build(const struct rf_req *req, struct rf_resp *resp, unsigned allow, int keep_alive,
                  struct rf_buf *out)
{
    struct wire_body wb;
    char etag[48] = "";
    char link[RF_URI_MAX] = "";
    int is_get = req->method == RF_GET || req->is_head;
    int rc = -1;

    memset(&wb, 0, sizeof wb);
    if (resp->j_body != NULL
        && serialise(req, resp, &wb, etag, sizeof etag, link, sizeof link) != 0) {
        rf_resp_reset(resp);
        resp->status = 500;
        etag[0] = '\0';
        link[0] = '\0';
    }
    if (wb.text == NULL) {
        wb.raw = resp->raw;
        wb.len = resp->raw ? resp->raw_len : 0;
        if (is_get && resp->status == 200 && resp->raw != NULL && !resp->no_etag) {
            (void)etag_of(resp->raw, resp->raw_len, etag, sizeof etag);
        }
    }
    if (etag[0] != '\0' && req->if_none_match != NULL && etag_listed(req->if_none_match, etag)) {
        resp->status = 304;
        wb.len = 0;
    }
    out->len = 0;
    if (put_headers(out, req, resp, allow, keep_alive, wb.len, etag, link) != 0) {
        goto done;
    }
    if (!req->is_head && wb.len > 0) {
        if (wb.text != NULL) {
            size_t em = strlen(wb.etag_member);

            if ((em > 0
                 && (rf_buf_append(out, wb.text, wb.text_len - 1) != 0
                     || rf_buf_append(out, wb.etag_member, em) != 0
                     || rf_buf_append(out, "}", 1) != 0))
                || (em == 0 && rf_buf_append(out, wb.text, wb.text_len) != 0)) {
                goto done;
            }
        } else if (rf_buf_append(out, wb.raw, wb.len) != 0) {
            goto done;
        }
    }
    rc = 0;
done:
    if (!wb.borrowed)
        cJSON_free(wb.text);
    return rc;
}

/* Does a Connection header list the token (case-insensitive, comma-separated)? */
static int
header_has_token(const char *h, const char *token)
{
    size_t n = strlen(token);

    while (*h != '\0') {
        size_t len;

        while (*h == ' ' || *h == '\t' || *h == ',') {
            h++;
        }
        len = strcspn(h, ", \t");
        if (len == n && strncasecmp(h, token, n) == 0) {
            return 1;
        }
        h += len;
    }
    return 0;
}

/* civetweb's own rule (should_keep_alive): the client's Connection header when it sends one,
 * otherwise keep-alive for HTTP/1.1 only. Keep-alive is always enabled (config.c). */
static int
keep_alive_wanted(const struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *h = mg_get_header(conn, "Connection");

    if (h != NULL) {
        return header_has_token(h, "keep-alive");
    }
    return ri != NULL && ri->http_version != NULL && strcmp(ri->http_version, "1.1") == 0;
}

/* Sends the whole response with one mg_write (one TLS record and one write(2) for a response
 * that fits in a record): civetweb's mg_response_header_* write every header line separately. */
static void
send_response(struct mg_connection *conn, const struct rf_req *req, struct rf_resp *resp,
              unsigned allow)
{
    static const char oom[] = "HTTP/1.1 503 Service Unavailable\r\nOData-Version: 4.0\r\n"
                              "Content-Length: 0\r\nConnection: close\r\n\r\n";
    struct rf_buf out;

    rf_buf_init(&out, RF_RESPONSE_MAX);
    if (rf_response_build(req, resp, allow, keep_alive_wanted(conn), &out) == 0) {
        (void)mg_write(conn, out.data, out.len);
    } else {
        resp->status = 503;
        (void)mg_write(conn, oom, sizeof oom - 1);
    }
    rf_buf_cleanup(&out);
}

/* Reads the request body, at most max bytes. Returns 0, 1 when too large, -1 on I/O error. */
static int
read_body(struct mg_connection *conn, long long content_length, size_t max, char **out,
          size_t *outlen)
{
    struct rf_buf b;
    char chunk[8192];

    *out = NULL;
    *outlen = 0;
    if (content_length > 0 && (unsigned long long)content_length > max) {
        return 1;
    }
    rf_buf_init(&b, max);
    for (;;) {
        int n = mg_read(conn, chunk, sizeof chunk);

        if (n < 0) {
            rf_buf_cleanup(&b);
            return -1;
        }
        if (n == 0) {
            break;
        }
        if ((size_t)n > max - b.len) {
            rf_buf_cleanup(&b);
            return 1;
        }
        if (rf_buf_append(&b, chunk, (size_t)n) != 0) {
            rf_buf_cleanup(&b);
            return -1;
        }
    }
    if (content_length >= 0 && b.len != (unsigned long long)content_length) {
        rf_buf_cleanup(&b);
        return -1;
    }
    *outlen = b.len;
    *out = rf_buf_steal(&b);
    return *out == NULL ? -1 : 0;
}

static int
media_type_json(const char *ct)
{
    size_t n = strlen("application/json");

    if (strncasecmp(ct, "application/json", n) != 0) {
        return 0;
    }
    ct += n;
    while (*ct == ' ') {
        ct++;
    }
    return *ct == '\0' || *ct == ';';
}

static void
handle(struct mg_connection *conn, struct rf_req *req, struct rf_resp *resp, char *normbuf,
       size_t normsz, unsigned *allow_out)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const struct rf_route *route;
    const char *hdr;
    char *body = NULL;
    size_t body_len = 0;
    cJSON *j_body = NULL;
    int exists;
    unsigned allow;
    enum rf_method m;
    char echo[128];
    int need_auth;
    int opt_auth;

    req->method = method_parse(ri->request_method);
    req->is_head = req->method == RF_HEAD;
    m = req->is_head ? RF_GET : req->method;
    req->remote_addr = ri->remote_addr;
    req->query = ri->query_string;
    req->if_match = mg_get_header(conn, "If-Match");
    req->if_none_match = mg_get_header(conn, "If-None-Match");

    if (rf_path_parse(ri->local_uri_raw, req, normbuf, normsz) != RF_PATH_OK) {
        echo_copy(echo, sizeof echo, ri->local_uri_raw ? ri->local_uri_raw : "");
        req->path = "";
        rf_resp_error(resp, 400, RF_MSG_INVALID_URI, NULL, echo);
        return;
    }
    route = rf_route_match(req, m, &exists, &allow);
    *allow_out = allow;

    need_auth = route == NULL || !route->priv.noauth;
    /* A route served without credentials (the service root) still reads what its query options
     * embed ($expand, only) as the requester when credentials come with the request; when they
     * do not authenticate, as an anonymous requester. */
    opt_auth = !need_auth && query_needs_router(req->query, route->queries)
               && (mg_get_header(conn, "Authorization") != NULL
                   || mg_get_header(conn, "X-Auth-Token") != NULL);
    if (need_auth || opt_auth) {
        char cn[RF_USER_MAX] = "";
        int arc;

        if (ri->client_cert != NULL
            && tls_peer_cn(ri->client_cert->peer_cert, cn, sizeof cn) != 0) {
            cn[0] = '\0';
        }
        arc = auth_request(req->app->auth, mg_get_header(conn, "Authorization"),
                           mg_get_header(conn, "X-Auth-Token"), cn, req->remote_addr, &req->who);
        if (arc != 0 && !need_auth) {
            memset(&req->who, 0, sizeof req->who);
        } else if (arc == AUTH_ERROR) {
            rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
            return;
        } else if (arc != 0) {
            rf_resp_error(
                resp, 401,
                arc == AUTH_BAD_TOKEN ? RF_MSG_NO_VALID_SESSION : RF_MSG_ACCESS_UNAUTHORIZED, NULL);
            log_msg(LOG_LEVEL_WARNING, "%s %s from %s: not authenticated", ri->request_method,
                    req->path, req->remote_addr);
            return;
        }
    }
    hdr = mg_get_header(conn, "OData-Version");
    if (hdr != NULL && strcmp(hdr, "4.0") != 0) {
        char h[96];

        echo_copy(echo, 64, hdr);
        if (rf_fmt(h, sizeof h, "OData-Version: %s", echo) != 0) {
            h[0] = '\0';
        }
        rf_resp_error(resp, 412, RF_MSG_HEADER_INVALID, NULL, h);
        return;
    }
    if (route_refuse(req, resp, route, exists)) {
        return;
    }
    if (query_refuse(req, resp, route)) {
        return;
    }
    if (m == RF_POST || m == RF_PATCH || m == RF_PUT) {
        int brc =
            read_body(conn, ri->content_length, (size_t)req->app->cfg.max_body, &body, &body_len);

        if (brc == 1) {
            rf_resp_error(resp, 413, RF_MSG_PAYLOAD_TOO_LARGE, NULL);
            return;
        }
        if (brc != 0) {
            rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
            return;
        }
        if (body_len > 0) {
            const char *end = NULL;

            hdr = mg_get_header(conn, "Content-Type");
            if (hdr != NULL && !media_type_json(hdr)) {
                char h[96];

                echo_copy(echo, 64, hdr);
                if (rf_fmt(h, sizeof h, "Content-Type: %s", echo) != 0) {
                    h[0] = '\0';
                }
                free(body);
                rf_resp_error(resp, 415, RF_MSG_HEADER_INVALID, NULL, h);
                return;
            }
            if (memchr(body, '\0', body_len) == NULL) {
                j_body = cJSON_ParseWithLengthOpts(body, body_len + 1, &end, 1);
            }
            if (j_body == NULL) {
                free(body);
                rf_resp_error(resp, 400, RF_MSG_MALFORMED_JSON, NULL);
                return;
            }
        }
        req->body = body;
        req->body_len = body_len;
        req->j_body = j_body;
    }
    if (m != RF_GET && req->if_match != NULL && if_match_fails(req)) {
        rf_resp_error(resp, 412, RF_MSG_PRECONDITION_FAILED, NULL);
        cJSON_Delete(j_body);
        free(body);
        req->body = NULL;
        req->j_body = NULL;
        return;
    }
    route_run(req, resp, route);
    cJSON_Delete(j_body);
    free(body);
    req->body = NULL;
    req->j_body = NULL;
}

/* Is s an HTTP method token (RFC 9110 tchar letters) that this service does not implement? */
static int
unknown_method(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 32) {
        return 0;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_')) {
            return 0;
        }
    }
    return method_parse(s) == 0;
}

int
router_http_error(struct mg_connection *conn, int status, const char *msg)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct rf_req req;
    struct rf_resp resp;

    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    req.app = ri ? ri->user_data : NULL;
    req.path = "";
    if (status == 400 && ri != NULL && unknown_method(ri->request_method)) {
        /* civetweb refuses methods it does not know while parsing; DSP0266 wants 405 or 501. */
        rf_resp_error(&resp, 501, RF_MSG_OPERATION_NOT_ALLOWED, NULL);
    } else if (status == 413 || status == 431) {
        rf_resp_error(&resp, status, RF_MSG_PAYLOAD_TOO_LARGE, NULL);
    } else if (status >= 500) {
        rf_resp_error(&resp, status, RF_MSG_INTERNAL_ERROR, NULL);
    } else {
        rf_resp_error(&resp, status, RF_MSG_GENERAL_ERROR, NULL);
    }
    log_msg(status >= 500 ? LOG_LEVEL_ERROR : LOG_LEVEL_WARNING, "http %d from %s: %s", resp.status,
            ri ? ri->remote_addr : "?", msg ? msg : "");
    send_response(conn, &req, &resp, 0);
    rf_resp_reset(&resp);
    return 0;
}

int
router_handle(struct mg_connection *conn)
{
    struct rf_req *req = calloc(1, sizeof *req);
    struct rf_resp resp;
    unsigned allow = 0;
    const struct mg_request_info *ri = mg_get_request_info(conn);
    char normbuf[RF_PATH_MAX + 2];

    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    if (req == NULL) {
        static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nOData-Version: 4.0\r\n"
                                   "Content-Length: 0\r\nConnection: close\r\n\r\n";

        (void)mg_write(conn, busy, sizeof busy - 1);
        return 1;
    }
    req->app = ri->user_data;
    req->conn = conn;
    handle(conn, req, &resp, normbuf, sizeof normbuf, &allow);
    if (!resp.sent) {
        send_response(conn, req, &resp, allow);
    }
    if (resp.status >= 500) {
        log_msg(LOG_LEVEL_ERROR, "%s %s user %s: %d", ri->request_method,
                req->path ? req->path : "", req->who.user, resp.status);
    } else if (log_enabled(LOG_LEVEL_DEBUG)) {
        log_msg(LOG_LEVEL_DEBUG, "%s %s user %s: %d", ri->request_method,
                req->path ? req->path : "", req->who.user, resp.status);
    }
    rf_resp_reset(&resp);
    free(req);
    return 1;
}
