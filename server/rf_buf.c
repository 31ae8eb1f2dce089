#include "rf_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rf_buf_init(struct rf_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
rf_buf_cleanup(struct rf_buf *b)
{
    if (b == NULL) {
        return;
    }
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

static int
buf_reserve(struct rf_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra) {
        return -1;
    }
    need = b->len + extra + 1;
    if (need <= b->cap) {
        return 0;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int
rf_buf_append(struct rf_buf *b, const void *p, size_t len)
{
    if (buf_reserve(b, len) != 0) {
        return -1;
    }
    if (len > 0) {
        memcpy(b->data + b->len, p, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int
rf_buf_puts(struct rf_buf *b, const char *s)
{
    return rf_buf_append(b, s, strlen(s));
}

int
rf_buf_printf(struct rf_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_list ap2;
    int n;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) != 0) {
        va_end(ap2);
        return -1;
    }
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = '\0';
        return -1;
    }
    b->len += (size_t)n;
    return 0;
}

char *
rf_buf_steal(struct rf_buf *b)
{
    char *s = b->data;

    if (s == NULL) {
        s = calloc(1, 1);
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return s;
}

int
rf_vfmt(char *dst, size_t size, const char *fmt, va_list ap)
{
    int n;

    if (size == 0) {
        return -1;
    }
    n = vsnprintf(dst, size, fmt, ap);
    if (n < 0 || (size_t)n >= size) {
        return -1;
    }
    return 0;
}

int
rf_fmt(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = rf_vfmt(dst, size, fmt, ap);
    va_end(ap);
    return rc;
}

int
rf_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n;

    if (size == 0) {
        return -1;
    }
    n = strlen(src);
    if (n >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

int
rf_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
