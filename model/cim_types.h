/*
 * Small value types shared by the CIM model objects: an owned array of owned strings (a CIM
 * string[] property) and a growable byte buffer for the job store's binary encodings.
 *
 * Nothing here takes a lock. An object may be used by one thread at a time; distinct objects may
 * be used from different threads concurrently.
 */
#ifndef CIM_TYPES_H
#define CIM_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "job_err.h"

/* Marks functions whose status must be checked. */
#define CIM_MUST_CHECK __attribute__((warn_unused_result))

/*
 * An owned array of owned strings. v holds n pointers, each from malloc() or NULL; v itself is
 * NULL when n is 0. Initialise with cim_strv_init() (or zero it) and release with
 * cim_strv_cleanup().
 */
struct cim_strv {
    char **v;
    size_t n;
};

/* Initialises an empty array. Allocates nothing. */
void cim_strv_init(struct cim_strv *sv);

/* Frees every element and the array, and leaves sv empty. NULL-safe. */
void cim_strv_cleanup(struct cim_strv *sv);

/*
 * Appends a copy of s. Returns JOB_OK; JOB_EINVAL when sv or s is NULL (elements are pushed as
 * strings, never as NULL) or sv claims elements but has no array; JOB_ENOMEM when out of memory.
 * On failure sv is unchanged.
 */
CIM_MUST_CHECK enum job_err cim_strv_push(struct cim_strv *sv, const char *s);

/*
 * Replaces the contents of the initialised array dst (its old elements are freed) with a deep
 * copy of src; NULL elements of src stay NULL. Returns JOB_OK; JOB_EINVAL when dst or src is NULL
 * or src claims elements but has no array (dst is left empty); JOB_ENOMEM when out of memory
 * (dst is left empty). dst == src is allowed and changes nothing.
 */
CIM_MUST_CHECK enum job_err cim_strv_copy(struct cim_strv *dst, const struct cim_strv *src);

/*
 * Returns nonzero when both arrays hold the same number of elements and each pair is equal by
 * content (NULL equals NULL only). A NULL array pointer equals only another NULL pointer.
 */
int cim_strv_equal(const struct cim_strv *a, const struct cim_strv *b);

/*
 * A growable byte buffer: p holds len bytes in an allocation of cap bytes. Initialise with
 * cim_buf_init() (or zero it) and release with cim_buf_cleanup().
 */
struct cim_buf {
    unsigned char *p;
    size_t len;
    size_t cap;
};

/* Initialises an empty buffer. Allocates nothing. */
void cim_buf_init(struct cim_buf *b);

/* Frees the buffer's memory and leaves it empty. NULL-safe. */
void cim_buf_cleanup(struct cim_buf *b);

/*
 * Appends n bytes from p (p may be NULL when n is 0). Returns JOB_OK; JOB_EINVAL when b is NULL,
 * p is NULL with n > 0, or the length would overflow size_t; JOB_ENOMEM when out of memory. On
 * failure the buffer is unchanged.
 */
CIM_MUST_CHECK enum job_err cim_buf_append(struct cim_buf *b, const void *p, size_t n);

#endif
