#include "job_err.h"

const char *
job_strerror(enum job_err err)
{
    switch (err) {
#define JOB_ERR_TEXT(name, value, text)                                                            \
    case name:                                                                                     \
        return text;
        JOB_ERR_MAP(JOB_ERR_TEXT)
#undef JOB_ERR_TEXT
    }
    return "unknown error";
}

const char *
job_err_name(enum job_err err)
{
    switch (err) {
#define JOB_ERR_NAME(name, value, text)                                                            \
    case name:                                                                                     \
        return #name;
        JOB_ERR_MAP(JOB_ERR_NAME)
#undef JOB_ERR_NAME
    }
    return "JOB_UNKNOWN";
}
