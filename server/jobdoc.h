/*
 * Job documents: the commands an administrator installs as JSON files in the documents directory,
 * which clients list at /redfish/v1/JobService/Documents and start with #JobDocument.SubmitJob.
 *
 * A document file (<Id>.json, UTF-8, at most JOBDOC_FILE_MAX bytes):
 *
 *   {
 *     "Id": "IscsiVirtualDiskCreate",            [A-Za-z0-9_.-]{1,64}, the file name without .json
 *     "Name": "...", "Description": "...",       required / optional texts
 *     "Version": "1.0.0",                        required
 *     "DocumentType": "Script",                  required; the only type there is
 *     "JobClass": "CIM_ConcreteJob",             or "Msps_ProvisioningJob"
 *     "Command": ["rfjobd-task", "disk-create", "--size-mib={SizeMiB}"],
 *     "MaxExecutionTime": "PT1H",                optional ISO 8601 duration
 *     "EstimatedDuration": "PT30S",              optional ISO 8601 duration
 *     "TerminateGracePeriod": "PT10S",           optional; SIGTERM to SIGKILL, default 10 s
 *     "Supports": {"Suspend": true, "Terminate": true},
 *     "ParameterMetadata": [ Redfish JobDocument ParameterMetadata objects ]
 *   }
 *
 * Command is an argv array, never a shell line. Its first element is an absolute path or a bare
 * name looked up in the task directory (never in PATH). "{Name}" anywhere inside an element is
 * replaced by the text of parameter Name (the empty string when an optional parameter is not
 * given; "{{" and "}}" stand for literal braces); a value never splits or adds an element. Every
 * given parameter is also passed as the environment variable RFJOBD_PARAM_<NAME> (the name upper-
 * cased). Supports.Suspend means the command may be stopped with SIGSTOP and continued with
 * SIGCONT; Supports.Terminate means it ends in order on SIGTERM (otherwise Cancel kills it).
 */
#ifndef RF_JOBDOC_H
#define RF_JOBDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"

#define JOBDOC_FILE_MAX (256 * 1024)
#define JOBDOC_ID_MAX 64
#define JOBDOC_ARGV_MAX 64
#define JOBDOC_PARAMS_MAX 32
#define JOBDOC_VALUE_MAX 4096 /* longest parameter value, in bytes */

enum jobdoc_type { JOBDOC_BOOLEAN, JOBDOC_NUMBER, JOBDOC_STRING };

struct jobdoc_param {
    char *name; /* [A-Za-z][A-Za-z0-9_]{0,63} */
    enum jobdoc_type type;
    bool required;
    char **allowable_values;   /* NULL-terminated, or NULL: String values allowed */
    double *allowable_numbers; /* n_allowable_numbers of them: Number values allowed */
    size_t n_allowable_numbers;
    char *allowable_pattern; /* POSIX extended regex the whole value must match, or NULL */
    bool has_min, has_max;
    double min, max;
    char *value_hint;  /* or NULL */
    char *description; /* or NULL */
};

struct jobdoc {
    char *id;
    char *name;
    char *description; /* or NULL */
    char *version;
    char *document_type;         /* "Script" */
    const struct job_class *cls; /* job_class_concrete or job_class_provisioning */
    char **argv;                 /* NULL-terminated templates, as in the file */
    size_t argc;
    uint64_t max_exec_us;  /* 0 = none */
    uint64_t estimated_us; /* 0 = not given */
    uint64_t grace_us;     /* SIGTERM to SIGKILL; default 10 s */
    bool can_suspend;
    bool can_terminate;
    struct jobdoc_param *params;
    size_t n_params;
    int64_t mtime_us; /* the file's modification time (CreationTime) */
    char *text;       /* the file as read, for DocumentData; NUL-terminated */
    char hash[65];    /* SHA-256 of text, lower-case hex (DocumentDataHash) */
};

/* The documents loaded from one directory, sorted by id. Immutable once loaded. */
struct jobdoc_set {
    struct jobdoc *docs;
    size_t n;
};

/*
 * Loads every regular file named *.json in dir. A file that is not a valid document is skipped
 * and logged (LOG_LEVEL_ERROR) with the file name and the fault; the others still load. A
 * missing directory gives an empty set. Returns 0 and the set in *out (free with
 * jobdoc_set_free), or -1 on memory exhaustion.
 */
int jobdoc_load_dir(const char *dir, struct jobdoc_set *out);

/*
 * Parses one document from text (len bytes). `file` names it in messages and gives the expected
 * Id (its base name without ".json"; NULL skips that check). Returns 0 and the document in *out
 * (free with jobdoc_cleanup), or -1 with the fault in err, naming the member first
 * ("Command[2]: must be a string", "ParameterMetadata[1].DataType: must be one of ...").
 */
int jobdoc_parse(const char *file, const char *text, size_t len, struct jobdoc *out, char *err,
                 size_t errsz);

void jobdoc_cleanup(struct jobdoc *doc);
void jobdoc_set_free(struct jobdoc_set *set);

/* Finds a document by id; NULL when there is none. */
const struct jobdoc *jobdoc_find(const struct jobdoc_set *set, const char *id);

/* What is wrong with submitted parameters, for a Redfish error that names it. */
enum jobdoc_fault {
    JOBDOC_FAULT_NONE,
    JOBDOC_FAULT_NOT_OBJECT, /* Parameters is not an object */
    JOBDOC_FAULT_UNKNOWN,    /* a parameter the document does not have (Base PropertyUnknown) */
    JOBDOC_FAULT_MISSING,    /* a required parameter is missing (ActionParameterMissing) */
    JOBDOC_FAULT_TYPE,       /* wrong JSON type for DataType (ActionParameterValueTypeError) */
    JOBDOC_FAULT_VALUE, /* outside AllowableValues/Numbers, min/max (ActionParameterValueNotInList /
                           ...ValueError) */
    JOBDOC_FAULT_FORMAT, /* does not match AllowablePattern, not valid text, a number that is
                            not finite, or a name given twice (ActionParameterValueFormatError) */
};

struct jobdoc_check {
    enum jobdoc_fault fault;
    char param[72];  /* the parameter's name as submitted (cut), "" for NOT_OBJECT */
    char value[128]; /* the offending value as JSON text (cut), "" when none */
};

/*
 * Checks submitted parameters, given as the JSON text of the Parameters object, against the
 * document's ParameterMetadata. Values must be JSON strings for String, numbers for Number,
 * booleans for Boolean; strings must be valid UTF-8 without NUL or control characters other than
 * tab, at most JOBDOC_VALUE_MAX bytes. Returns 0 when they are valid; otherwise -1 and *why says
 * what is wrong and with which parameter. (The JSON text was parsed already by the caller; a
 * parse failure here is JOBDOC_FAULT_NOT_OBJECT.)
 */
int jobdoc_check_params(const struct jobdoc *doc, const char *params_json,
                        struct jobdoc_check *why);

/*
 * Builds the argv and environment of one run from the document and the (checked) parameters'
 * JSON text: argv per the templates, argv[0] resolved against task_dir when it is a bare name;
 * envp holds exactly PATH=/usr/local/bin:/usr/bin:/bin, LANG=C.UTF-8, the RFJOBD_PARAM_* values,
 * and the entries of extra_env (NULL-terminated "NAME=value" strings, e.g. RFJOBD_JOB_ID=42).
 * Numbers are written as JSON writes them (integers without a fraction), booleans as true/false.
 * Returns 0 and *argv, *envp (each a NULL-terminated array in one allocation: free with free()),
 * or -1 with the fault in err.
 */
int jobdoc_build_exec(const struct jobdoc *doc, const char *params_json, const char *task_dir,
                      const char *const *extra_env, char ***argv, char ***envp, char *err,
                      size_t errsz);

#endif
