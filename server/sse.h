/* Server-sent event streams (ServerSentEventUri): each open stream holds one worker thread and
 * reads the event record from its own position; it never holds up a publisher. Each stream is
 * also an EventDestination (SubscriptionType SSE) in EventService/Subscriptions for as long as it
 * is open; deleting that resource ends the stream. */
#ifndef RF_SSE_H
#define RF_SSE_H

#include <stddef.h>
#include <stdint.h>

#include "router.h"

#define SSE_URI "/redfish/v1/EventService/SSE"
#define SSE_ID_PREFIX "SSE-" /* the EventDestination Ids of streams: "SSE-<n>" */

struct sse;
struct events;

struct sse_opts {
    struct events *events;
    size_t max_streams;   /* streams open at once; more get 503 */
    int keepalive_ms;     /* a comment line after this long without an event */
    int write_timeout_ms; /* a stream whose reader takes longer to accept a write ends */
};

/* What Subscriptions shows of an open stream. */
struct sse_info {
    char id[24];            /* "SSE-<n>" */
    char destination[96];   /* "redfish-sse://<client address>:<port>" */
    char context[40];       /* opaque, made by the service */
    char user[RF_USER_MAX]; /* who opened it */
    char filter[512];       /* the $filter text, "" for none */
};

struct sse *sse_new(const struct sse_opts *opts);

/* Ends every stream and refuses new ones; returns when every stream's thread has left it.
 * NULL-safe. */
void sse_stop(struct sse *s);

/* As sse_stop, then frees s. NULL-safe. */
void sse_free(struct sse *s);

/* Copies up to max open streams into out; returns how many there are in all. */
size_t sse_list(struct sse *s, struct sse_info *out, size_t max);

/* Copies the open stream id into *out. Returns 0, or -1 when there is none. */
int sse_get(struct sse *s, const char *id, struct sse_info *out);

/* Ends the open stream id (its reader sees the connection close). Returns 0, or -1 when none. */
int sse_close(struct sse *s, const char *id);

/* The GET handler of SSE_URI (router.c hands it the connection). */
void res_sse_get(struct rf_req *req, struct rf_resp *resp);

#endif
