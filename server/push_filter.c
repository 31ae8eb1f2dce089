/* Destination URLs, subscription filters and their stored form: pure functions. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <string.h>
#include <strings.h>

#include "push.h"
#include "rf_buf.h"

/* ---- Destination URLs ----------------------------------------------------------------------- */

static int
is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A DNS name: labels of letters, digits and '-', not starting or ending with '-'. */
static int
dns_name_ok(const char *s)
{
    size_t label = 0;

    if (*s == '\0' || *s == '.') {
        return 0;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '.') {
            if (label == 0 || p[-1] == '-') {
                return 0;
            }
            label = 0;
        } else if (is_alnum(*p) || *p == '-') {
            if (label == 0 && *p == '-') {
                return 0;
            }
            if (++label > 63) {
                return 0;
            }
        } else {
            return 0;
        }
    }
    return label > 0 && s[strlen(s) - 1] != '-';
}

static int
path_ok(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c >= 0x7f || c == '#' || c == '\\' || c == '"' || c == '<' || c == '>') {
            return 0;
        }
    }
    return 1;
}

int
push_url_parse(const char *text, struct push_url *out)
{
    static const char scheme[] = "https://";
    const char *h;
    const char *end;
    const char *port = NULL;
    size_t hlen;
    unsigned char addr[sizeof(struct in6_addr)];

    memset(out, 0, sizeof *out);
    if (text == NULL || strlen(text) >= PUSH_DEST_MAX
        || strncasecmp(text, scheme, sizeof scheme - 1) != 0) {
        return -1;
    }
    h = text + sizeof scheme - 1;
    end = h + strcspn(h, "/?");
    if (memchr(h, '@', (size_t)(end - h)) != NULL) {
        return -1;
    }
    if (*h == '[') {
        const char *close = memchr(h, ']', (size_t)(end - h));

        if (close == NULL || (close + 1 != end && close[1] != ':')) {
            return -1;
        }
        hlen = (size_t)(close - h - 1);
        if (hlen == 0 || hlen >= sizeof out->host) {
            goto fail;
        }
        memcpy(out->host, h + 1, hlen);
        out->host[hlen] = '\0';
        if (inet_pton(AF_INET6, out->host, addr) != 1) {
            goto fail;
        }
        out->is_ip = 1;
        port = close + 1 != end ? close + 2 : NULL;
    } else {
        const char *colon = memchr(h, ':', (size_t)(end - h));

        hlen = (size_t)((colon != NULL ? colon : end) - h);
        if (hlen == 0 || hlen >= sizeof out->host) {
            goto fail;
        }
        memcpy(out->host, h, hlen);
        out->host[hlen] = '\0';
        if (inet_pton(AF_INET, out->host, addr) == 1) {
            out->is_ip = 1;
        } else if (!dns_name_ok(out->host)) {
            goto fail;
        }
        port = colon != NULL ? colon + 1 : NULL;
    }
    out->port = 443;
    if (port != NULL) {
        long v = 0;

        if (port == end) {
            goto fail;
        }
        for (const char *p = port; p < end; p++) {
            if (*p < '0' || *p > '9' || v > 65535) {
                goto fail;
            }
            v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > 65535) {
            goto fail;
        }
        out->port = (int)v;
    }
    if (*end == '\0') {
        out->path[0] = '/';
    } else if (!path_ok(end)
               || rf_fmt(out->path, sizeof out->path, "%s%s", *end == '?' ? "/" : "", end) != 0) {
        goto fail;
    }
    return 0;
fail:
    memset(out, 0, sizeof *out);
    return -1;
}

/* ---- Retry policies ------------------------------------------------------------------------- */

static const char *const policy_names[] = {
    [PUSH_TERMINATE_AFTER_RETRIES] = "TerminateAfterRetries",
    [PUSH_SUSPEND_RETRIES] = "SuspendRetries",
    [PUSH_RETRY_FOREVER] = "RetryForever",
    [PUSH_RETRY_FOREVER_WITH_BACKOFF] = "RetryForeverWithBackoff",
};

const char *
push_policy_name(enum push_policy p)
{
    switch (p) {
    case PUSH_TERMINATE_AFTER_RETRIES:
    case PUSH_SUSPEND_RETRIES:
    case PUSH_RETRY_FOREVER:
    case PUSH_RETRY_FOREVER_WITH_BACKOFF:
        return policy_names[p];
    }
    return "TerminateAfterRetries";
}

int
push_policy_parse(const char *name, enum push_policy *out)
{
    for (size_t i = 0; i < sizeof policy_names / sizeof policy_names[0]; i++) {
        if (strcmp(policy_names[i], name) == 0) {
            *out = (enum push_policy)i;
            return 0;
        }
    }
    return -1;
}

/* ---- Filters -------------------------------------------------------------------------------- */

static int
is_word(char c)
{
    return is_alnum(c) || c == '_';
}

static int
all_digits(const char *s, size_t n)
{
    if (n == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* Splits a MessageId into its dot-separated parts (at most 6). Returns the count, or 0. */
static size_t
split_id(const char *s, const char *part[6], size_t len[6])
{
    size_t n = 0;
    const char *p = s;

    for (;;) {
        const char *dot = strchr(p, '.');
        size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);

        if (n == 6 || l == 0) {
            return 0;
        }
        part[n] = p;
        len[n++] = l;
        if (dot == NULL) {
            return n;
        }
        p = dot + 1;
    }
}

int
push_message_id_ok(const char *text)
{
    const char *part[6];
    size_t len[6];
    size_t n = split_id(text, part, len);

    if (n != 2 && n != 4 && n != 5) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int middle = i > 0 && i + 1 < n;

        for (size_t k = 0; k < len[i]; k++) {
            if (!is_word(part[i][k])) {
                return 0;
            }
        }
        if (middle && !all_digits(part[i], len[i])) {
            return 0;
        }
    }
    return 1;
}

static int
part_eq(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* Does the MessageIds entry want match the event's MessageId have? */
static int
message_id_match(const char *want, const char *have)
{
    const char *wp[6];
    const char *hp[6];
    size_t wl[6];
    size_t hl[6];
    size_t wn = split_id(want, wp, wl);
    size_t hn = split_id(have, hp, hl);

    if (wn < 2 || hn < 2 || wn > hn || !part_eq(wp[0], wl[0], hp[0], hl[0])
        || !part_eq(wp[wn - 1], wl[wn - 1], hp[hn - 1], hl[hn - 1])) {
        return 0;
    }
    /* The entry's version components must be the first ones of the event's. */
    for (size_t i = 1; i + 1 < wn; i++) {
        if (!part_eq(wp[i], wl[i], hp[i], hl[i])) {
            return 0;
        }
    }
    return 1;
}

static int
origin_match(const char *want, const char *have, int subordinate)
{
    size_t n = strlen(want);

    while (n > 1 && want[n - 1] == '/') {
        n--;
    }
    if (strncmp(want, have, n) != 0) {
        return 0;
    }
    return have[n] == '\0' || (subordinate && have[n] == '/' && have[n + 1] != '\0');
}

static int
type_match(const char *want, const char *have)
{
    size_t n = strcspn(want, ".");

    if (*want == '#') {
        return 0;
    }
    return have[0] != '\0' && strlen(have) == n && strncmp(want, have, n) == 0;
}

int
push_filter_match(const struct push_filter *f, const struct ev_record *rec)
{
    int ok;
    size_t plen = strcspn(rec->message_id, ".");

    if (f->n_prefixes > 0) {
        ok = 0;
        for (size_t i = 0; i < f->n_prefixes && !ok; i++) {
            ok = strlen(f->prefixes[i]) == plen
                 && strncmp(f->prefixes[i], rec->message_id, plen) == 0;
        }
        if (!ok) {
            return 0;
        }
    }
    if (f->n_message_ids > 0) {
        ok = 0;
        for (size_t i = 0; i < f->n_message_ids && !ok; i++) {
            ok = message_id_match(f->message_ids[i], rec->message_id);
        }
        if (!ok) {
            return 0;
        }
    }
    if (f->n_origins > 0) {
        ok = 0;
        for (size_t i = 0; i < f->n_origins && !ok; i++) {
            ok = origin_match(f->origins[i], rec->origin, f->subordinate);
        }
        if (!ok) {
            return 0;
        }
    }
    if (f->n_types > 0) {
        ok = 0;
        for (size_t i = 0; i < f->n_types && !ok; i++) {
            ok = type_match(f->resource_types[i], rec->resource_type);
        }
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

/* ---- HTTP headers --------------------------------------------------------------------------- */

int
push_header_name_ok(const char *name)
{
    static const char *const reserved[] = {
        "Host",       "Content-Type",      "Content-Length", "Connection",
        "Keep-Alive", "Transfer-Encoding", "User-Agent",     "TE",
        "Upgrade",    "Trailer",           "Expect",
    };
    size_t n = strlen(name);

    if (n == 0 || n >= PUSH_HDR_NAME_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(name[i]) && strchr("!#$%&'*+-.^_`|~", name[i]) == NULL) {
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcasecmp(reserved[i], name) == 0) {
            return 0;
        }
    }
    return 1;
}

int
push_header_value_ok(const char *value)
{
    if (strlen(value) >= PUSH_HDR_VALUE_MAX) {
        return 0;
    }
    for (const char *p = value; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* ---- Stored form ---------------------------------------------------------------------------- */

static int
add_list(cJSON *j, const char *name, const char *first, size_t stride, size_t n)
{
    cJSON *j_a = cJSON_AddArrayToObject(j, name);

    if (j_a == NULL) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *j_s = cJSON_CreateString(first + i * stride);

        if (j_s == NULL || !cJSON_AddItemToArray(j_a, j_s)) {
            cJSON_Delete(j_s);
            return -1;
        }
    }
    return 0;
}

static int
print_to(cJSON *j, char *out, size_t outsz)
{
    char *text = cJSON_PrintUnformatted(j);
    int rc = text != NULL ? rf_strlcpy(out, text, outsz) : -1;

    cJSON_free(text);
    return rc;
}

int
push__encode(const struct push_sub *s, char *filter, size_t filtersz, char *headers,
             size_t headerssz)
{
    const struct push_filter *f = &s->filter;
    cJSON *j_f = cJSON_CreateObject();
    cJSON *j_h = cJSON_CreateArray();
    int rc = -1;

    if (j_f == NULL || j_h == NULL
        || add_list(j_f, "RegistryPrefixes", f->prefixes[0], sizeof f->prefixes[0], f->n_prefixes)
               != 0
        || add_list(j_f, "MessageIds", f->message_ids[0], sizeof f->message_ids[0],
                    f->n_message_ids)
               != 0
        || add_list(j_f, "OriginResources", f->origins[0], sizeof f->origins[0], f->n_origins) != 0
        || add_list(j_f, "ResourceTypes", f->resource_types[0], sizeof f->resource_types[0],
                    f->n_types)
               != 0
        || cJSON_AddBoolToObject(j_f, "SubordinateResources", f->subordinate) == NULL) {
        goto done;
    }
    for (size_t i = 0; i < s->headers.n; i++) {
        cJSON *j_one = cJSON_CreateObject();

        if (j_one == NULL
            || cJSON_AddStringToObject(j_one, s->headers.name[i], s->headers.value[i]) == NULL
            || !cJSON_AddItemToArray(j_h, j_one)) {
            cJSON_Delete(j_one);
            goto done;
        }
    }
    rc = print_to(j_f, filter, filtersz) == 0 && print_to(j_h, headers, headerssz) == 0 ? 0 : -1;
done:
    cJSON_Delete(j_f);
    cJSON_Delete(j_h);
    return rc;
}

static int
read_list(const cJSON *j, const char *name, char *first, size_t stride, size_t *n)
{
    const cJSON *j_it;

    *n = 0;
    cJSON_ArrayForEach(j_it, cJSON_GetObjectItemCaseSensitive(j, name))
    {
        if (!cJSON_IsString(j_it) || *n >= PUSH_LIST_MAX
            || rf_strlcpy(first + *n * stride, j_it->valuestring, stride) != 0) {
            return -1;
        }
        (*n)++;
    }
    return 0;
}

int
push__decode(const char *filter, const char *headers, struct push_sub *s)
{
    struct push_filter *f = &s->filter;
    cJSON *j_f = cJSON_ParseWithLengthOpts(filter, strlen(filter) + 1, NULL, 1);
    cJSON *j_h = cJSON_ParseWithLengthOpts(headers, strlen(headers) + 1, NULL, 1);
    const cJSON *j_it;
    int rc = -1;

    memset(f, 0, sizeof *f);
    memset(&s->headers, 0, sizeof s->headers);
    if (!cJSON_IsObject(j_f) || !cJSON_IsArray(j_h)
        || read_list(j_f, "RegistryPrefixes", f->prefixes[0], sizeof f->prefixes[0], &f->n_prefixes)
               != 0
        || read_list(j_f, "MessageIds", f->message_ids[0], sizeof f->message_ids[0],
                     &f->n_message_ids)
               != 0
        || read_list(j_f, "OriginResources", f->origins[0], sizeof f->origins[0], &f->n_origins)
               != 0
        || read_list(j_f, "ResourceTypes", f->resource_types[0], sizeof f->resource_types[0],
                     &f->n_types)
               != 0) {
        goto done;
    }
    f->subordinate = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j_f, "SubordinateResources"));
    cJSON_ArrayForEach(j_it, j_h)
    {
        const cJSON *j_kv = j_it->child;

        if (j_kv == NULL || !cJSON_IsString(j_kv) || s->headers.n >= PUSH_HEADERS_MAX
            || rf_strlcpy(s->headers.name[s->headers.n], j_kv->string, PUSH_HDR_NAME_MAX) != 0
            || rf_strlcpy(s->headers.value[s->headers.n], j_kv->valuestring, PUSH_HDR_VALUE_MAX)
                   != 0) {
            goto done;
        }
        s->headers.n++;
    }
    rc = 0;
done:
    cJSON_Delete(j_f);
    cJSON_Delete(j_h);
    return rc;
}
