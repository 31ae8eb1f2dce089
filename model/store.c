/* The store interface's wrappers and its diagnostics hook; see store.h. */
#include "store.h"

#include <stdarg.h>
#include <stdio.h>

static store_log_fn store_log_fn_;
static void *store_log_arg_;

void
store_set_log(store_log_fn fn, void *arg)
{
    store_log_fn_ = fn;
    store_log_arg_ = arg;
}

void
store__log(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (store_log_fn_ == NULL)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    store_log_fn_(store_log_arg_, line);
}

enum job_err
store_load(struct store *st, store_load_fn fn, void *arg, uint64_t *next_id)
{
    return st->ops->load(st, fn, arg, next_id);
}

enum job_err
store_commit(struct store *st, const struct store_rec *recs, size_t n, uint64_t next_id)
{
    return st->ops->commit(st, recs, n, next_id);
}

void
store_close(struct store *st)
{
    if (st != NULL)
        st->ops->close(st);
}
