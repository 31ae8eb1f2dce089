#include "sse.h"

#include <civetweb.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events.h"
#include "log.h"
#include "rf_buf.h"
#include "rf_msg.h"
#include "rf_query.h"

#define SSE_READ_BATCH 64
#define SSE_POLL_MS 250        /* how often an idle stream looks for a request to end */
#define SSE_OUT_MAX (4u << 20) /* the most one write round buffers */

struct sse_slot {
    int in_use;
    int close_requested;
    struct sse_info info;
};

struct sse {
    struct sse_opts o;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* a stream ended */
    struct sse_slot *slots;
    uint64_t next;
    int closing;
};

struct sse *
sse_new(const struct sse_opts *opts)
{
    struct sse *s = calloc(1, sizeof *s);

    if (s == NULL) {
        return NULL;
    }
    s->o = *opts;
    if (s->o.max_streams == 0) {
        s->o.max_streams = 1;
    }
    s->slots = calloc(s->o.max_streams, sizeof *s->slots);
    if (s->slots == NULL) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    return s;
}

static size_t
open_streams(struct sse *s)
{
    size_t n = 0;

    for (size_t i = 0; i < s->o.max_streams; i++) {
        n += s->slots[i].in_use != 0;
    }
    return n;
}

void
sse_stop(struct sse *s)
{
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->closing = 1;
    while (open_streams(s) > 0) {
        pthread_cond_wait(&s->cond, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
}

void
sse_free(struct sse *s)
{
    if (s == NULL) {
        return;
    }
    sse_stop(s);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    free(s->slots);
    free(s);
}

size_t
sse_list(struct sse *s, struct sse_info *out, size_t max)
{
    size_t n = 0;

    if (s == NULL) {
        return 0;
    }
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->o.max_streams; i++) {
        if (s->slots[i].in_use) {
            if (n < max) {
                out[n] = s->slots[i].info;
            }
            n++;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

static struct sse_slot *
find(struct sse *s, const char *id)
{
    for (size_t i = 0; i < s->o.max_streams; i++) {
        if (s->slots[i].in_use && strcmp(s->slots[i].info.id, id) == 0) {
            return &s->slots[i];
        }
    }
    return NULL;
}

int
sse_get(struct sse *s, const char *id, struct sse_info *out)
{
    struct sse_slot *slot;

    if (s == NULL) {
        return -1;
    }
    pthread_mutex_lock(&s->mu);
    slot = find(s, id);
    if (slot != NULL) {
        *out = slot->info;
    }
    pthread_mutex_unlock(&s->mu);
    return slot != NULL ? 0 : -1;
}

int
sse_close(struct sse *s, const char *id)
{
    struct sse_slot *slot;

    if (s == NULL) {
        return -1;
    }
    pthread_mutex_lock(&s->mu);
    slot = find(s, id);
    if (slot != NULL) {
        slot->close_requested = 1;
    }
    pthread_mutex_unlock(&s->mu);
    return slot != NULL ? 0 : -1;
}

/* ---- one stream -------------------------------------------------------------------------- */

/* The properties $filter may name on a stream (SSEFilterPropertiesSupported). */
static const char *const filter_props[] = {"MessageId",    "RegistryPrefix",  "OriginResource",
                                           "ResourceType", "EventFormatType", NULL};

struct filter_arg {
    const struct ev_record *rec;
    char prefix[EV_MSGID_MAX];
};

static int
filter_get(void *arg, const char *prop, struct rf_qval *out)
{
    struct filter_arg *fa = arg;

    out->type = RF_QV_STRING;
    if (strcmp(prop, "MessageId") == 0) {
        out->s = fa->rec->message_id;
    } else if (strcmp(prop, "RegistryPrefix") == 0) {
        out->s = fa->prefix;
    } else if (strcmp(prop, "OriginResource") == 0 && fa->rec->origin[0] != '\0') {
        out->s = fa->rec->origin;
    } else if (strcmp(prop, "ResourceType") == 0 && fa->rec->resource_type[0] != '\0') {
        out->s = fa->rec->resource_type;
    } else if (strcmp(prop, "EventFormatType") == 0) {
        out->s = "Event";
    } else {
        return -1;
    }
    return 0;
}

static int
matches(const struct rf_filter *f, const struct ev_record *rec)
{
    struct filter_arg fa;
    size_t n = strcspn(rec->message_id, ".");

    if (f == NULL) {
        return 1;
    }
    fa.rec = rec;
    memcpy(fa.prefix, rec->message_id, n);
    fa.prefix[n] = '\0';
    return rf_filter_eval(f, filter_get, &fa);
}

/* Appends one event in the text/event-stream format: "id: N", "data: {...}", a blank line. */
static int
put_event(struct rf_buf *out, const struct ev_record *rec, const char *context)
{
    cJSON *j = events_payload(rec, 1, context);
    char *text = j != NULL ? cJSON_PrintUnformatted(j) : NULL;
    int rc = text == NULL ? -1 : rf_buf_printf(out, "id: %" PRIu64 "\ndata: %s\n\n", rec->id, text);

    cJSON_free(text);
    cJSON_Delete(j);
    return rc;
}

/* The signal that events after..oldest-1 are gone; its id is the last one lost. */
static int
put_dropped(struct rf_buf *out, uint64_t from, uint64_t to, const char *context)
{
    struct ev_record rec;
    char a[24];
    char b[24];
    const char *args[2] = {a, b};

    if (rf_fmt(a, sizeof a, "%" PRIu64, from) != 0 || rf_fmt(b, sizeof b, "%" PRIu64, to) != 0
        || events_make(&rec, "Rfjobd.EventsDropped", args, 2, NULL) != 0) {
        return -1;
    }
    rec.id = to;
    rec.time_us = 0;
    {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        rec.time_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    return put_event(out, &rec, context);
}

static int
write_all(struct mg_connection *conn, const struct rf_buf *b)
{
    return b->len == 0 || mg_write(conn, b->data, b->len) == (int)b->len ? 0 : -1;
}

static int
stream_should_end(struct sse *s, struct sse_slot *slot)
{
    int end;

    pthread_mutex_lock(&s->mu);
    end = s->closing || slot->close_requested;
    pthread_mutex_unlock(&s->mu);
    return end;
}

/* Serves the stream until the client goes, the stream is ended or the service stops. */
static void
stream(struct sse *s, struct sse_slot *slot, struct mg_connection *conn, uint64_t cursor,
       const struct rf_filter *filter)
{
    struct ev_record *batch = malloc(SSE_READ_BATCH * sizeof *batch);
    struct rf_buf out;
    int idle_ms = 0;
    const char *context = slot->info.context;

    rf_buf_init(&out, SSE_OUT_MAX);
    while (batch != NULL && !stream_should_end(s, slot)) {
        size_t n = 0;
        uint64_t oldest = 0;

        (void)events_read(s->o.events, cursor, batch, SSE_READ_BATCH, &n, &oldest);
        out.len = 0;
        if (oldest > cursor + 1) {
            /* The client asked for, or fell behind to, events the ring no longer holds. */
            if (put_dropped(&out, cursor + 1, oldest - 1, context) != 0) {
                break;
            }
            cursor = oldest - 1;
        }
        for (size_t i = 0; i < n; i++) {
            if (matches(filter, &batch[i]) && put_event(&out, &batch[i], context) != 0) {
                break;
            }
            cursor = batch[i].id;
        }
        if (out.len > 0) {
            if (write_all(conn, &out) != 0) {
                break;
            }
            idle_ms = 0;
        }
        if (n == SSE_READ_BATCH) {
            continue;
        }
        {
            int w = events_wait(s->o.events, cursor, SSE_POLL_MS);

            if (w < 0) {
                break;
            }
            if (w == 0) {
                idle_ms += SSE_POLL_MS;
            }
        }
        if (idle_ms >= s->o.keepalive_ms) {
            static const char ka[] = ": keep-alive\n\n";

            if (mg_write(conn, ka, sizeof ka - 1) != (int)(sizeof ka - 1)) {
                break;
            }
            idle_ms = 0;
        }
    }
    rf_buf_cleanup(&out);
    free(batch);
}

static int
parse_id(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (s == NULL || *s == '\0') {
        return -1;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10) {
            return -1;
        }
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static struct sse_slot *
slot_take(struct sse *s, const struct rf_req *req, const struct mg_request_info *ri)
{
    struct sse_slot *slot = NULL;
    unsigned char rnd[8];

    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->o.max_streams && !s->closing; i++) {
        if (!s->slots[i].in_use) {
            slot = &s->slots[i];
            break;
        }
    }
    if (slot != NULL) {
        memset(slot, 0, sizeof *slot);
        slot->in_use = 1;
        s->next++;
        (void)rf_fmt(slot->info.id, sizeof slot->info.id, SSE_ID_PREFIX "%" PRIu64, s->next);
        (void)rf_fmt(slot->info.destination, sizeof slot->info.destination,
                     strchr(ri->remote_addr, ':') != NULL ? "redfish-sse://[%s]:%d"
                                                          : "redfish-sse://%s:%d",
                     ri->remote_addr, ri->remote_port);
        if (RAND_bytes(rnd, sizeof rnd) != 1) {
            memset(rnd, 0, sizeof rnd);
        }
        (void)rf_fmt(slot->info.context, sizeof slot->info.context,
                     "%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
                     rnd[5], rnd[6], rnd[7]);
        (void)rf_strlcpy(slot->info.user, req->who.user, sizeof slot->info.user);
    }
    pthread_mutex_unlock(&s->mu);
    return slot;
}

static void
slot_release(struct sse *s, struct sse_slot *slot)
{
    pthread_mutex_lock(&s->mu);
    slot->in_use = 0;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

/* The decoded value of $filter in the query, for Subscriptions to show (printable bytes only). */
static void
filter_text(const char *query, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *p = query; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, "&");
        size_t skip = strncmp(p, "$filter=", 8) == 0      ? 8
                      : strncmp(p, "%24filter=", 10) == 0 ? 10
                                                          : 0;

        if (skip > 0 && skip <= n) {
            const char *end = p + n;
            size_t k = 0;

            for (const char *v = p + skip; v < end && k + 1 < size; v++) {
                char c = *v == '+' ? ' ' : *v;

                if (*v == '%' && end - v >= 3 && rf_hexval(v[1]) >= 0 && rf_hexval(v[2]) >= 0) {
                    c = (char)(rf_hexval(v[1]) * 16 + rf_hexval(v[2]));
                    v += 2;
                }
                if ((unsigned char)c >= 0x20 && c != 0x7f) {
                    out[k++] = c;
                }
            }
            out[k] = '\0';
            return;
        }
        p += n;
        if (*p == '&') {
            p++;
        }
    }
}

void
res_sse_get(struct rf_req *req, struct rf_resp *resp)
{
    struct app *app = req->app;
    struct mg_connection *conn = req->conn;
    const struct mg_request_info *ri;
    struct rf_query q;
    struct sse_slot *slot;
    const char *last_id;
    uint64_t cursor;
    struct rf_buf head;
    int ok;

    if (conn == NULL || app->sse == NULL) {
        rf_resp_error(resp, 400, RF_MSG_OPERATION_NOT_ALLOWED, NULL);
        return;
    }
    if (!__atomic_load_n(&app->events_enabled, __ATOMIC_RELAXED)) {
        rf_resp_error(resp, 503, RF_MSG_SERVICE_DISABLED, NULL, "EventService");
        return;
    }
    if (rf_query_parse_mask(req->query, RF_Q_FILTER, &q, resp) != 0) {
        return;
    }
    if (rf_filter_check_props(q.filter, filter_props, resp) != 0) {
        rf_query_cleanup(&q);
        return;
    }
    last_id = mg_get_header(conn, "Last-Event-ID");
    cursor = events_last_id(app->events);
    if (last_id != NULL && parse_id(last_id, &cursor) != 0) {
        char h[96];

        if (rf_fmt(h, sizeof h, "Last-Event-ID: %.60s", last_id) != 0) {
            h[0] = '\0';
        }
        rf_query_cleanup(&q);
        rf_resp_error(resp, 400, RF_MSG_HEADER_INVALID, NULL, h);
        return;
    }
    if (cursor > events_last_id(app->events)) {
        cursor = events_last_id(app->events); /* from a numbering the service no longer has */
    }
    ri = mg_get_request_info(conn);
    slot = slot_take(app->sse, req, ri);
    if (slot == NULL) {
        rf_query_cleanup(&q);
        rf_resp_error(resp, 503, RF_MSG_EVENT_SUBSCRIPTION_LIMIT_EXCEEDED, NULL);
        (void)rf_resp_header(resp, "Retry-After", "10");
        return;
    }
    filter_text(req->query, slot->info.filter, sizeof slot->info.filter);
    rf_buf_init(&head, 4096);
    ok = rf_buf_printf(&head,
                       "HTTP/1.1 200 OK\r\n"
                       "Content-Type: text/event-stream; charset=utf-8\r\n"
                       "Cache-Control: no-cache\r\n"
                       "OData-Version: 4.0\r\n"
                       "X-Content-Type-Options: nosniff\r\n"
                       "X-Frame-Options: DENY\r\n"
                       "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
                       "X-Accel-Buffering: no\r\n"
                       "Connection: close\r\n")
         == 0;
    if (ok && app->cfg.hsts_max_age > 0) {
        ok = rf_buf_printf(&head, "Strict-Transport-Security: max-age=%ld\r\n",
                           app->cfg.hsts_max_age)
             == 0;
    }
    ok = ok && rf_buf_append(&head, "\r\n", 2) == 0;
    /* Tell the client how long to wait before it reconnects. */
    ok = ok && rf_buf_printf(&head, "retry: 2000\n\n") == 0;
    mg_disable_keep_alive(conn);
    resp->sent = 1;
    resp->status = 200;
    log_msg(LOG_LEVEL_INFO, "event stream %s opened by %s from %s (after event %" PRIu64 ")",
            slot->info.id, req->who.user, req->remote_addr, cursor);
    if (ok && write_all(conn, &head) == 0) {
        stream(app->sse, slot, conn, cursor, q.filter);
    }
    rf_buf_cleanup(&head);
    log_msg(LOG_LEVEL_INFO, "event stream %s closed", slot->info.id);
    slot_release(app->sse, slot);
    rf_query_cleanup(&q);
}
