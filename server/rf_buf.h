/* Bounded text buffers and checked formatting. */
#ifndef RF_BUF_H
#define RF_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable text buffer with a mandatory maximum size. The text is always NUL-terminated.
 * Initialise with rf_buf_init() and release with rf_buf_cleanup().
 */
struct rf_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* the most bytes of text the buffer may ever hold, NUL excluded */
};

/* Initialises an empty buffer that will never hold more than max bytes. Allocates nothing. */
void rf_buf_init(struct rf_buf *b, size_t max);

/* Frees the buffer's memory and leaves it empty. NULL-safe. */
void rf_buf_cleanup(struct rf_buf *b);

/*
 * Appends len bytes. Returns 0, or -1 when the result would exceed the maximum or memory ran
 * out; on failure the buffer is unchanged.
 */
__attribute__((warn_unused_result)) int rf_buf_append(struct rf_buf *b, const void *p, size_t len);

/* Appends a NUL-terminated string. Returns as rf_buf_append(). */
__attribute__((warn_unused_result)) int rf_buf_puts(struct rf_buf *b, const char *s);

/* Appends formatted text. Returns as rf_buf_append(). */
__attribute__((warn_unused_result, format(printf, 2, 3))) int rf_buf_printf(struct rf_buf *b,
                                                                            const char *fmt, ...);

/*
 * Hands the text over to the caller (free() it) and leaves the buffer empty. Returns NULL when
 * out of memory; an empty buffer yields an empty string.
 */
char *rf_buf_steal(struct rf_buf *b);

/*
 * snprintf into a fixed array that reports truncation as an error. Returns 0 when the whole
 * text fit, -1 when it was truncated or the format failed (dst then holds a possibly truncated,
 * NUL-terminated string).
 */
__attribute__((format(printf, 3, 4))) int rf_fmt(char *dst, size_t size, const char *fmt, ...);

/* The va_list form of rf_fmt(). */
__attribute__((format(printf, 3, 0))) int rf_vfmt(char *dst, size_t size, const char *fmt,
                                                  va_list ap);

/* Copies src into dst (size bytes). Returns 0, or -1 if it had to truncate. */
int rf_strlcpy(char *dst, const char *src, size_t size);

/* The value of a hexadecimal digit (either case), or -1 for any other character. */
int rf_hexval(char c);

#endif
