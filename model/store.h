/*
 * The job store: where jobs are kept durably. The job service writes whole jobs as opaque
 * encoded records (job_codec.h) in batches, one transaction each, so that many concurrent
 * changes share one commit. Two implementations: SQLite (store_sqlite.c) and memory
 * (store_mem.c, for unit tests).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "job_err.h"

enum store_op { STORE_PUT = 1, STORE_DEL = 2 };

/* One change: insert or replace the record of job id, or delete it. */
struct store_rec {
    enum store_op op;
    uint64_t id;
    const unsigned char *data; /* STORE_PUT only */
    size_t len;
};

/* Called once per stored job by load; a non-JOB_OK return stops the load with that status. */
typedef enum job_err (*store_load_fn)(void *arg, uint64_t id, const unsigned char *data,
                                      size_t len);

struct store;

struct store_ops {
    int version; /* 1 */
    /*
     * Calls fn for every stored job in ascending id order and stores in *next_id the next id to
     * hand out (never less than 1 + the highest id ever committed, so ids are never reused).
     */
    enum job_err (*load)(struct store *st, store_load_fn fn, void *arg, uint64_t *next_id);
    /*
     * Applies recs in order and records next_id, atomically and durably: when it returns JOB_OK,
     * all of it survives a crash; otherwise none of it is applied. JOB_ESTORE or JOB_EBUSY on
     * failure, JOB_ENOMEM.
     */
    enum job_err (*commit)(struct store *st, const struct store_rec *recs, size_t n,
                           uint64_t next_id);
    /* Closes the store and frees it. */
    void (*close)(struct store *st);
};

/* Every store starts with this. */
struct store {
    const struct store_ops *ops;
};

/* Wrappers over the ops table; store_close(NULL) is a no-op. */
enum job_err store_load(struct store *st, store_load_fn fn, void *arg, uint64_t *next_id)
    __attribute__((warn_unused_result));
enum job_err store_commit(struct store *st, const struct store_rec *recs, size_t n,
                          uint64_t next_id) __attribute__((warn_unused_result));
void store_close(struct store *st);

/*
 * Opens (creating if needed) the SQLite job database at path: WAL, synchronous FULL, schema
 * versioned with user_version. Returns JOB_OK and the store in *out (free with store_close),
 * JOB_ESTORE when the file cannot be opened or has a newer or foreign schema (the reason goes to
 * the log function, if one was set), or JOB_ENOMEM.
 */
enum job_err store_sqlite_open(const char *path, struct store **out)
    __attribute__((warn_unused_result));

/*
 * Runs SQLite's integrity check on the database at path. Returns JOB_OK when it reports "ok",
 * JOB_ESTORE otherwise.
 */
enum job_err store_sqlite_check(const char *path) __attribute__((warn_unused_result));

/* Opens an empty in-memory store. Returns JOB_OK, or JOB_ENOMEM. */
enum job_err store_mem_open(struct store **out) __attribute__((warn_unused_result));

/*
 * Makes the next `count` commits of a memory store fail with JOB_ESTORE (after `after` successful
 * ones), for tests of the job service's failure paths. A no-op on other stores.
 */
void store_mem_fail(struct store *st, unsigned after, unsigned count);

/* A function that receives the store's diagnostics (one line, no newline). */
typedef void (*store_log_fn)(void *arg, const char *line);

/* Sets where store diagnostics go, for every store; call before opening one. */
void store_set_log(store_log_fn fn, void *arg);

/* Reports a diagnostic through the function store_set_log set (printf-style). */
void store__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
