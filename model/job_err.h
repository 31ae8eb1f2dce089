/* The model's status codes: 0 is success, and values are never renumbered. */
#ifndef JOB_ERR_H
#define JOB_ERR_H

/* X(name, value, text) */
#define JOB_ERR_MAP(X)                                                                             \
    X(JOB_OK, 0, "success")                                                                        \
    X(JOB_ENOMEM, 1, "out of memory")                                                              \
    X(JOB_EINVAL, 2, "invalid argument")                                                           \
    X(JOB_ENOTFOUND, 3, "no such job")                                                             \
    X(JOB_EEXIST, 4, "the job already exists")                                                     \
    X(JOB_ESTATE, 5, "the state change is not allowed in the job's current state")                 \
    X(JOB_ESTORE, 6, "the job store failed")                                                       \
    X(JOB_EBUSY, 7, "busy, try again")                                                             \
    X(JOB_ENOTSUP, 8, "not supported by the job's class")                                          \
    X(JOB_EREADONLY, 9, "the property is read-only")

enum job_err {
#define JOB_ERR_ENUM(name, value, text) name = value,
    JOB_ERR_MAP(JOB_ERR_ENUM)
#undef JOB_ERR_ENUM
};

/* Returns a static description of a status code; unknown codes get "unknown error". */
const char *job_strerror(enum job_err err);

/* Returns the status code's name ("JOB_ESTATE"); unknown codes get "JOB_UNKNOWN". */
const char *job_err_name(enum job_err err);

#endif
