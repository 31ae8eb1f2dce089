/*
 * The in-memory job store, for unit tests: records kept in an array sorted by id. It holds the
 * same encoded records the SQLite store holds, so a test can close a job service and open another
 * over the same store to see what a restart would see.
 */
#include "store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct mem_rec {
    uint64_t id;
    unsigned char *data;
    size_t len;
};

struct store_mem {
    struct store base;
    pthread_mutex_t lock;
    struct mem_rec *v;
    size_t n;
    size_t cap;
    uint64_t next_id;
    unsigned fail_after;
    unsigned fail_count;
};

static size_t
find(const struct store_mem *m, uint64_t id, int *found)
{
    size_t lo = 0;
    size_t hi = m->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].id == id) {
            *found = 1;
            return mid;
        }
        if (m->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static enum job_err
mem_load(struct store *st, store_load_fn fn, void *arg, uint64_t *next_id)
{
    struct store_mem *m = (struct store_mem *)st;
    enum job_err err = JOB_OK;

    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n && err == JOB_OK; i++)
        err = fn(arg, m->v[i].id, m->v[i].data, m->v[i].len);
    *next_id = m->next_id;
    pthread_mutex_unlock(&m->lock);
    return err;
}

static enum job_err
mem_put(struct store_mem *m, const struct store_rec *r)
{
    int found;
    size_t at = find(m, r->id, &found);
    unsigned char *copy = malloc(r->len > 0 ? r->len : 1);

    if (copy == NULL)
        return JOB_ENOMEM;
    memcpy(copy, r->data, r->len);
    if (found) {
        free(m->v[at].data);
        m->v[at].data = copy;
        m->v[at].len = r->len;
        return JOB_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap != 0 ? m->cap * 2 : 64;
        struct mem_rec *v = realloc(m->v, cap * sizeof *v);
        if (v == NULL) {
            free(copy);
            return JOB_ENOMEM;
        }
        m->v = v;
        m->cap = cap;
    }
    memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof *m->v);
    m->v[at].id = r->id;
    m->v[at].data = copy;
    m->v[at].len = r->len;
    m->n++;
    return JOB_OK;
}

/* The previous record of a job a batch changed, kept until the batch is through. */
struct undo {
    uint64_t id;
    int existed;
    struct mem_rec old;
};

/* Removes a record from the table, handing its data to the caller. */
static void
take(struct store_mem *m, uint64_t id, struct undo *u)
{
    int found;
    size_t at = find(m, id, &found);

    u->id = id;
    u->existed = found;
    if (!found)
        return;
    u->old = m->v[at];
    memmove(&m->v[at], &m->v[at + 1], (m->n - at - 1) * sizeof *m->v);
    m->n--;
}

/* Applies a batch all or nothing: every record a batch replaces is kept until the batch is in. */
static enum job_err
mem_commit(struct store *st, const struct store_rec *recs, size_t n, uint64_t next_id)
{
    struct store_mem *m = (struct store_mem *)st;
    struct undo *undo;
    size_t done = 0;
    enum job_err err = JOB_OK;

    undo = calloc(n > 0 ? n : 1, sizeof *undo);
    if (undo == NULL)
        return JOB_ENOMEM;
    pthread_mutex_lock(&m->lock);
    if (m->fail_after > 0) {
        m->fail_after--;
    } else if (m->fail_count > 0) {
        m->fail_count--;
        pthread_mutex_unlock(&m->lock);
        free(undo);
        return JOB_ESTORE;
    }
    for (; done < n && err == JOB_OK; done++) {
        take(m, recs[done].id, &undo[done]);
        if (recs[done].op == STORE_PUT)
            err = mem_put(m, &recs[done]);
    }
    if (err != JOB_OK) {
        /* Undo newest first: drop what the batch put, give back what it replaced. */
        while (done-- > 0) {
            struct undo tmp;
            take(m, undo[done].id, &tmp);
            if (tmp.existed)
                free(tmp.old.data);
            if (undo[done].existed) {
                /* The table held this record before the batch, so it has room for it. */
                int found;
                size_t at = find(m, undo[done].id, &found);
                memmove(&m->v[at + 1], &m->v[at], (m->n - at) * sizeof *m->v);
                m->v[at] = undo[done].old;
                m->n++;
            }
        }
    } else {
        for (size_t i = 0; i < n; i++)
            if (undo[i].existed)
                free(undo[i].old.data);
        if (next_id > m->next_id)
            m->next_id = next_id;
    }
    pthread_mutex_unlock(&m->lock);
    free(undo);
    return err;
}

static void
mem_close(struct store *st)
{
    struct store_mem *m = (struct store_mem *)st;

    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].data);
    free(m->v);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static const struct store_ops mem_ops = {1, mem_load, mem_commit, mem_close};

enum job_err
store_mem_open(struct store **out)
{
    struct store_mem *m = calloc(1, sizeof *m);

    if (m == NULL)
        return JOB_ENOMEM;
    m->base.ops = &mem_ops;
    m->next_id = 1;
    pthread_mutex_init(&m->lock, NULL);
    *out = &m->base;
    return JOB_OK;
}

void
store_mem_fail(struct store *st, unsigned after, unsigned count)
{
    struct store_mem *m = (struct store_mem *)st;

    if (st == NULL || st->ops != &mem_ops)
        return;
    pthread_mutex_lock(&m->lock);
    m->fail_after = after;
    m->fail_count = count;
    pthread_mutex_unlock(&m->lock);
}
