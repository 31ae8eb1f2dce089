/* The event record: every event the service raises, numbered, kept in a bounded ring that is
 * also written to its own SQLite file (<data-dir>/events.db) so that it survives a restart.
 * Server-sent event streams and push subscriptions read it by number; publishers never wait for
 * a reader. The job observer that turns job changes into JobEvent messages lives here too. */
#ifndef RF_EVENTS_H
#define RF_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define EV_MSGID_MAX 96    /* "JobEvent.1.1.JobProgressChanged" */
#define EV_ARGS_MAX 4      /* MessageArgs kept per event */
#define EV_ARG_MAX 128     /* bytes per argument, NUL included */
#define EV_MESSAGE_MAX 512 /* the message text, NUL included */
#define EV_ORIGIN_MAX 256  /* OriginOfCondition URI, NUL included */

struct job_service;

/* One event. */
struct ev_record {
    uint64_t id;                   /* EventId: increasing, never reused, from 1 */
    int64_t time_us;               /* EventTimestamp, microseconds since the epoch */
    char message_id[EV_MSGID_MAX]; /* registry prefix, version and key */
    char severity[12];             /* "OK", "Warning" or "Critical" */
    char message[EV_MESSAGE_MAX];  /* the registry text with the arguments in it */
    size_t nargs;
    char args[EV_ARGS_MAX][EV_ARG_MAX];
    char origin[EV_ORIGIN_MAX]; /* OriginOfCondition @odata.id, or "" */
    char resource_type[32];     /* the origin's Redfish resource type ("Job"), or "" */
};

struct events;

struct events_opts {
    const char *path;        /* the SQLite file; NULL keeps the record in memory only */
    size_t ring;             /* events kept (memory and file); 0 = 4096 */
    int64_t progress_min_us; /* least time between two JobProgressChanged of one job;
                              * 0 = 1 s; negative = no limit */
};

/*
 * Opens the record: loads the newest opts->ring events from the file (creating it), so that
 * numbering continues after a restart, and starts the thread that writes new events to it.
 * Returns 0 and the record in *out, or -1 with a message in err.
 */
int events_open(const struct events_opts *opts, struct events **out, char *err, size_t errsz);

/* Wakes every waiter (events_wait returns -1 from then on), stops the writer after it has
 * written what was published, and frees the record. NULL-safe. Call after every reader is gone. */
void events_close(struct events *ev);

/*
 * Publishes an event: fills rec->id and, when 0, rec->time_us; copies it into the ring and wakes
 * the waiters. Never blocks on a reader or on the disk. Returns the id, or 0 when ev is NULL.
 */
uint64_t events_publish(struct events *ev, struct ev_record *rec);

/*
 * Fills an event from a message of the registries the service publishes (JobEvent 1.1 and the
 * service's own Rfjobd 1.0): message_id is the key with its prefix ("JobEvent.JobStarted",
 * "Rfjobd.JobCreated"), args the nargs arguments the message takes, origin may be NULL. Returns 0,
 * or -1 when the message is unknown or the arguments do not match.
 */
int events_make(struct ev_record *rec, const char *message_id, const char *const *args,
                size_t nargs, const char *origin);

/*
 * Copies up to max events with ids above after, oldest first, into out; sets *n. *oldest gets the
 * id of the oldest event the ring still holds (0 when it is empty): when after + 1 < *oldest,
 * events after + 1 .. *oldest - 1 are gone. Returns the id of the newest event published.
 */
uint64_t events_read(struct events *ev, uint64_t after, struct ev_record *out, size_t max,
                     size_t *n, uint64_t *oldest);

/* The id of the newest event published (0 when none ever was). */
uint64_t events_last_id(struct events *ev);

/*
 * Waits until an event with an id above after is published, up to timeout_ms. Returns 1 when one
 * is there, 0 on time-out, -1 when the record is closing.
 */
int events_wait(struct events *ev, uint64_t after, int timeout_ms);

/*
 * The Redfish Event resource (Event v1_7_0: Id, Name, Context when not NULL, Events[] with
 * EventId, EventTimestamp, MessageId, Message, MessageArgs, MessageSeverity, OriginOfCondition,
 * MemberId, EventType "Other") carrying n events; its Id is the id of the last. NULL when out
 * of memory.
 */
struct cJSON;
struct cJSON *events_payload(const struct ev_record *recs, size_t n, const char *context);

/*
 * Turns job changes into events: JobEvent messages where the registry has one, the service's own
 * where it has none (JobCreated, JobStateChanged). Progress events of one job are at most one per
 * opts->progress_min_us (the latest value is published when the next one is due, and always the
 * 100 of a completed job). Adds an observer to jobs. Returns 0 or -1.
 */
int events_observe_jobs(struct events *ev, struct job_service *jobs);

#endif
