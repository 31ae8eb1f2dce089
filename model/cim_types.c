/* Owned string arrays and byte buffers; see cim_types.h. */
#include "cim_types.h"

#include <stdlib.h>
#include <string.h>

void
cim_strv_init(struct cim_strv *sv)
{
    sv->v = NULL;
    sv->n = 0;
}

void
cim_strv_cleanup(struct cim_strv *sv)
{
    if (sv == NULL)
        return;
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

enum job_err
cim_strv_push(struct cim_strv *sv, const char *s)
{
    char **v;
    char *copy;

    if (sv == NULL || s == NULL || (sv->n > 0 && sv->v == NULL))
        return JOB_EINVAL;
    if (sv->n >= SIZE_MAX / sizeof *v - 1)
        return JOB_ENOMEM;
    copy = strdup(s);
    if (copy == NULL)
        return JOB_ENOMEM;
    v = realloc(sv->v, (sv->n + 1) * sizeof *v);
    if (v == NULL) {
        free(copy);
        return JOB_ENOMEM;
    }
    v[sv->n] = copy;
    sv->v = v;
    sv->n++;
    return JOB_OK;
}

enum job_err
cim_strv_copy(struct cim_strv *dst, const struct cim_strv *src)
{
    struct cim_strv tmp;

    if (dst == NULL)
        return JOB_EINVAL;
    if (dst == src)
        return JOB_OK;
    if (src == NULL || (src->n > 0 && src->v == NULL)) {
        cim_strv_cleanup(dst);
        return JOB_EINVAL;
    }
    cim_strv_init(&tmp);
    if (src->n > 0) {
        tmp.v = calloc(src->n, sizeof *tmp.v);
        if (tmp.v == NULL)
            goto fail;
        tmp.n = src->n; /* every element NULL until copied, so cleanup is safe */
        for (size_t i = 0; i < src->n; i++) {
            if (src->v[i] == NULL)
                continue;
            tmp.v[i] = strdup(src->v[i]);
            if (tmp.v[i] == NULL)
                goto fail;
        }
    }
    cim_strv_cleanup(dst);
    *dst = tmp;
    return JOB_OK;

fail:
    cim_strv_cleanup(&tmp);
    cim_strv_cleanup(dst);
    return JOB_ENOMEM;
}

static int
str_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int
cim_strv_equal(const struct cim_strv *a, const struct cim_strv *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!str_equal(a->v[i], b->v[i]))
            return 0;
    return 1;
}

void
cim_buf_init(struct cim_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void
cim_buf_cleanup(struct cim_buf *b)
{
    if (b == NULL)
        return;
    free(b->p);
    cim_buf_init(b);
}

enum job_err
cim_buf_append(struct cim_buf *b, const void *p, size_t n)
{
    size_t need;

    if (b == NULL || (p == NULL && n > 0))
        return JOB_EINVAL;
    if (n == 0)
        return JOB_OK;
    if (n > SIZE_MAX - b->len)
        return JOB_EINVAL;
    need = b->len + n;
    if (need > b->cap) {
        size_t cap = b->cap < 64 ? 64 : b->cap;
        unsigned char *q;

        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        q = realloc(b->p, cap);
        if (q == NULL)
            return JOB_ENOMEM;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len = need;
    return JOB_OK;
}
