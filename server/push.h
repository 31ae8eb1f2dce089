/* Push event subscriptions (EventDestination with SubscriptionType RedfishEvent): the
 * subscriptions themselves, kept in the service database so that they survive a restart, the
 * filters they apply to the event record, and their delivery over HTTPS. Each subscription has
 * one delivery thread that reads the event record from the subscription's cursor (the id of the
 * last event it has dealt with) and POSTs the events that pass its filters, one event per POST,
 * in order; a destination that is slow or down holds up only its own thread. */
#ifndef RF_PUSH_H
#define RF_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"

#define PUSH_MAX 32            /* push subscriptions at once */
#define PUSH_DEST_MAX 512      /* longest Destination, NUL included */
#define PUSH_HOST_MAX 256      /* longest host name, NUL included */
#define PUSH_CONTEXT_MAX 256   /* longest Context, NUL included */
#define PUSH_LIST_MAX 16       /* entries of each filter list */
#define PUSH_NAME_MAX 64       /* a registry prefix or a resource type, NUL included */
#define PUSH_HEADERS_MAX 8     /* HttpHeaders */
#define PUSH_HDR_NAME_MAX 64   /* a header name, NUL included */
#define PUSH_HDR_VALUE_MAX 512 /* a header value, NUL included */
#define PUSH_RETRY_ATTEMPTS_MAX 100
#define PUSH_RETRY_INTERVAL_MAX 3600
#define PUSH_BACKOFF_MAX_S 600 /* RetryForeverWithBackoff doubles the interval up to this */

/* ---- Destination URLs ----------------------------------------------------------------------- */

/* A parsed Destination: https://host[:port][/path]. */
struct push_url {
    char host[PUSH_HOST_MAX]; /* a DNS name, or an IP literal without brackets */
    int is_ip;                /* host is an IPv4 or IPv6 literal */
    int port;                 /* 443 unless given */
    char path[PUSH_DEST_MAX]; /* starts with '/', "/" when none was given; may hold a query */
};

/*
 * Parses a Destination. Only "https://" (case-insensitive scheme) is accepted, with a host that
 * is a DNS name (letters, digits, '-' and '.'), an IPv4 literal or a bracketed IPv6 literal, an
 * optional port 1..65535, and an optional path of printable ASCII without spaces or '#'. No
 * user information. The whole text must be shorter than PUSH_DEST_MAX. Returns 0 and the parts
 * in *out, or -1 (out is then zeroed). Takes no lock.
 */
int push_url_parse(const char *text, struct push_url *out);

/* ---- Filters -------------------------------------------------------------------------------- */

enum push_policy {
    PUSH_TERMINATE_AFTER_RETRIES = 0,
    PUSH_SUSPEND_RETRIES = 1,
    PUSH_RETRY_FOREVER = 2,
    PUSH_RETRY_FOREVER_WITH_BACKOFF = 3,
};

/* The DeliveryRetryPolicy name of p. */
const char *push_policy_name(enum push_policy p);

/* Parses a DeliveryRetryPolicy name. Returns 0 and the policy in *out, or -1. */
int push_policy_parse(const char *name, enum push_policy *out);

/* What a subscription selects; an empty list selects everything on its property. */
struct push_filter {
    size_t n_prefixes;
    char prefixes[PUSH_LIST_MAX][PUSH_NAME_MAX]; /* RegistryPrefixes */
    size_t n_message_ids;
    char message_ids[PUSH_LIST_MAX][EV_MSGID_MAX]; /* MessageIds, with or without version */
    size_t n_origins;
    char origins[PUSH_LIST_MAX][EV_ORIGIN_MAX]; /* OriginResources (@odata.id) */
    int subordinate;                            /* SubordinateResources */
    size_t n_types;
    char resource_types[PUSH_LIST_MAX][PUSH_NAME_MAX]; /* ResourceTypes */
};

/*
 * Does the event pass the filter? Every non-empty list must match: RegistryPrefixes the part of
 * the MessageId before the first '.'; MessageIds the registry prefix and the key, and the
 * version components the entry gives, if any ("JobEvent.JobStarted" matches every
 * "JobEvent.<version>.JobStarted", "JobEvent.1.1.JobStarted" only version 1.1); OriginResources
 * the OriginOfCondition exactly or, when subordinate, any resource below one of them;
 * ResourceTypes the event's resource type, ignoring a version suffix in the entry ("Job.v1_3_0").
 * Returns 1 or 0. Takes no lock.
 */
int push_filter_match(const struct push_filter *f, const struct ev_record *rec);

/*
 * Is text a MessageId a subscription may name: "<Prefix>.<Key>" or "<Prefix>.<n>.<n>[.<n>].<Key>"
 * with word characters? Returns 1 or 0.
 */
int push_message_id_ok(const char *text);

/* ---- HTTPS delivery ------------------------------------------------------------------------- */

/* HttpHeaders of a subscription. Write-only: never shown, never logged. */
struct push_headers {
    size_t n;
    char name[PUSH_HEADERS_MAX][PUSH_HDR_NAME_MAX];
    char value[PUSH_HEADERS_MAX][PUSH_HDR_VALUE_MAX];
};

/*
 * Is name a header a subscription may set? A token of letters, digits and "!#$%&'*+-.^_`|~",
 * not one the service writes itself (Host, Content-Type, Content-Length, Connection,
 * Transfer-Encoding, User-Agent). Returns 1 or 0.
 */
int push_header_name_ok(const char *name);

/* Is value a header value a subscription may set (printable, no CR or LF)? Returns 1 or 0. */
int push_header_value_ok(const char *value);

struct push_tls;

/*
 * Makes the TLS client contexts of the delivery: TLS 1.2 or later; certificates are verified
 * against ca_file (PEM) when it is not NULL or empty, else against the system's default CA store.
 * Returns a new handle (free it with push_tls_free()) or NULL with a message in err.
 */
struct push_tls *push_tls_new(const char *ca_file, char *err, size_t errsz);

/* Frees the contexts. NULL-safe. */
void push_tls_free(struct push_tls *t);

/*
 * POSTs body (application/json) to url over HTTPS: connects within timeout_ms, sends SNI for a
 * host name, verifies the certificate chain and the host (name or IP) when verify is set, sends
 * "POST <path> HTTP/1.1" with Host, Content-Type, Content-Length, Connection: close and the
 * headers h (may be NULL), and reads the status line, each read and write bounded by timeout_ms.
 * Returns 0 with the HTTP status in *status, or -1 when no status line was read (a message
 * without header values in err). Thread-safe; call with SIGPIPE blocked or ignored.
 */
int push_http_post(struct push_tls *t, const struct push_url *url, int verify,
                   const struct push_headers *h, const char *body, size_t len, int timeout_ms,
                   int *status, char *err, size_t errsz);

/* ---- Subscriptions -------------------------------------------------------------------------- */

/* The functions below accept a NULL struct push (a service started without delivery, as unit
 * tests build it): there are no subscriptions, settings are all zero and changes fail. */

/* One push subscription, as the handlers see it (a copy). */
struct push_sub {
    uint64_t id; /* the EventDestination Id, from 1 */
    char owner[64];
    char destination[PUSH_DEST_MAX];
    char context[PUSH_CONTEXT_MAX];
    enum push_policy policy;
    int verify_cert;
    int suspended; /* Status.State Disabled: no delivery until resumed */
    struct push_filter filter;
    struct push_headers headers;
    uint64_t cursor; /* the id of the last event dealt with */
};

struct push;
struct db;
struct audit;

struct push_opts {
    struct events *events;
    struct db *db;
    struct audit *audit; /* may be NULL */
    const char *ca_file; /* PEM bundle for VerifyCertificate; NULL or "": the system store */
    int timeout_ms;      /* connect and each read or write of a delivery; 0 = 5000 */
};

/*
 * Loads the subscriptions and the EventService settings (ServiceEnabled, DeliveryRetryAttempts,
 * DeliveryRetryIntervalSeconds) from the database and starts a delivery thread for each
 * subscription, which resumes from its cursor. Returns 0 and the handle in *out, or -1 with a
 * message in err.
 */
int push_start(const struct push_opts *opts, struct push **out, char *err, size_t errsz);

/* Stops every delivery thread (an attempt in progress ends within its time-outs) and frees p.
 * NULL-safe. Call before the event record and the database are closed. */
void push_stop(struct push *p);

/* The EventService settings. */
struct push_settings {
    int enabled;         /* ServiceEnabled */
    long retry_attempts; /* DeliveryRetryAttempts: retries after the first failed attempt */
    long retry_interval; /* DeliveryRetryIntervalSeconds */
};

/* Copies the settings (all zero when p is NULL: no delivery). Takes the push lock. */
void push_settings_get(struct push *p, struct push_settings *out);

/*
 * Changes the settings, persisted before return; delivery threads see them at once. Events
 * published while ServiceEnabled is false are never delivered. Returns 0, or -1 when the
 * database write failed (nothing changed). Takes the push lock.
 */
int push_settings_set(struct push *p, const struct push_settings *s);

/* Whether ServiceEnabled is true. */
int push_enabled(struct push *p);

enum push_rc {
    PUSH_OK = 0,
    PUSH_NOTFOUND = 1,
    PUSH_LIMIT = 2, /* PUSH_MAX subscriptions exist */
    PUSH_ERR = -1,  /* the database or memory failed */
};

/*
 * Creates a subscription from *s (its id, cursor and suspended are set here: the cursor is the
 * newest event, so only later events are delivered), persists it and starts its delivery.
 * Copies the stored subscription back into *s. Returns PUSH_OK, PUSH_LIMIT or PUSH_ERR. Takes
 * the push lock, then the database lock.
 */
int push_create(struct push *p, struct push_sub *s);

/* Copies subscription id into *out. Returns PUSH_OK or PUSH_NOTFOUND. Takes the push lock. */
int push_get(struct push *p, uint64_t id, struct push_sub *out);

/*
 * Copies up to max subscription ids, in creation order, into ids; returns how many there are.
 * Takes the push lock.
 */
size_t push_list(struct push *p, uint64_t *ids, size_t max);

/*
 * Replaces the changeable part of subscription s->id (context, policy, verify_cert, headers
 * when headers_set) and persists it. Returns PUSH_OK, PUSH_NOTFOUND or PUSH_ERR.
 */
int push_update(struct push *p, const struct push_sub *s, int headers_set);

/*
 * Suspends (suspend set) or resumes a subscription; a resumed one retries at once from its
 * cursor. Persisted. Returns PUSH_OK, PUSH_NOTFOUND or PUSH_ERR.
 */
int push_suspend(struct push *p, uint64_t id, int suspend);

/*
 * Deletes a subscription: it is gone from the database and the lists on return; its thread ends
 * after an attempt in progress. Returns PUSH_OK, PUSH_NOTFOUND or PUSH_ERR.
 */
int push_delete(struct push *p, uint64_t id);

/* Encodes a filter and headers as JSON text for the database, and back. 0 or -1. */
int push__encode(const struct push_sub *s, char *filter, size_t filtersz, char *headers,
                 size_t headerssz);
int push__decode(const char *filter, const char *headers, struct push_sub *s);

#endif
