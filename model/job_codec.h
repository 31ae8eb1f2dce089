/*
 * The job's stored form: a compact, versioned binary record of every property of the job's class
 * and the model's own fields. Decoding checks every length and value, so a damaged record is an
 * error, never a wrong job.
 */
#ifndef JOB_CODEC_H
#define JOB_CODEC_H

#include <stddef.h>

#include "job.h"

#define JOB_CODEC_VERSION 1

/*
 * Appends the encoding of job to out (a growable buffer; free with cim_buf_cleanup). Returns
 * JOB_OK, or JOB_ENOMEM with out's length unchanged.
 */
enum job_err job_encode(const struct job *job, struct cim_buf *out)
    __attribute__((warn_unused_result));

/*
 * Decodes a record into job, which must be initialised (its old content is freed). Returns JOB_OK,
 * JOB_EINVAL for a malformed record or one that fails its class's qualifiers, or JOB_ENOMEM; on
 * failure job is left initialised and empty (class CIM_ConcreteJob).
 */
enum job_err job_decode(const unsigned char *data, size_t len, struct job *job)
    __attribute__((warn_unused_result));

#endif
