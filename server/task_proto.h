/*
 * The line protocol a job's command speaks on its stdout. Every line that begins with "@rfjobd "
 * is a report; every other line is ordinary output and is ignored. Lines are UTF-8 text ending in
 * "\n"; a line longer than TASK_LINE_MAX bytes is cut there and the rest of it ignored.
 *
 *   @rfjobd progress <0..100>                 percent complete
 *   @rfjobd state <Running|PendingBoot|QueryPending>
 *                                             CIM JobState (PendingBoot: Msps_ProvisioningJob)
 *   @rfjobd status <text>                     free-form JobStatus text (classes that allow it)
 *   @rfjobd message <OK|Warning|Critical> <text>
 *                                             a message about the job; Warning makes a clean
 *                                             exit "Completed with warnings"
 *   @rfjobd error <JSON object>               the CIM_Error of a failure, members named as the
 *                                             CIM_Error properties: ErrorType, OtherErrorType,
 *                                             ProbableCause, ProbableCauseDescription,
 *                                             ErrorSource, ErrorSourceFormat, MessageID, Message,
 *                                             MessageArguments, RecommendedActions,
 *                                             PerceivedSeverity, CIMStatusCode, and ErrorCode
 *                                             (uint16) and ErrorDescription for the job
 *   @rfjobd created <URI>                     a resource the job created (Links.CreatedResources)
 */
#ifndef RF_TASK_PROTO_H
#define RF_TASK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "cim_error.h"

#define TASK_LINE_MAX 4096
#define TASK_PREFIX "@rfjobd "

enum task_kind {
    TASK_NONE, /* ordinary output */
    TASK_BAD,  /* a report that does not parse: ignored, counted */
    TASK_PROGRESS,
    TASK_STATE,
    TASK_STATUS,
    TASK_MESSAGE,
    TASK_ERROR,
    TASK_CREATED,
};

enum task_state { TASK_STATE_RUNNING, TASK_STATE_PENDING_BOOT, TASK_STATE_QUERY_PENDING };

struct task_line {
    enum task_kind kind;
    int percent;            /* PROGRESS */
    enum task_state state;  /* STATE */
    uint16_t severity;      /* MESSAGE: CIM PerceivedSeverity 2 (OK), 3 (Warning), 6 (Critical) */
    const char *text;       /* STATUS, MESSAGE text, CREATED URI: points into the line */
    struct cim_error error; /* ERROR: owned; task_line_cleanup frees it */
    int has_error_code;
    uint16_t error_code;     /* ERROR: ErrorCode */
    char *error_description; /* ERROR: owned, or NULL */
};

/*
 * Parses one line (without its "\n"; len bytes, may hold NUL or invalid UTF-8: such a report is
 * TASK_BAD). Texts must be valid UTF-8 without control characters and non-empty; URIs must begin
 * with "/" and hold no blank. Returns the kind, also stored in out->kind. Initialises *out;
 * release it with task_line_cleanup.
 */
enum task_kind task_line_parse(char *line, size_t len, struct task_line *out);

void task_line_cleanup(struct task_line *tl);

/*
 * Splits a stream into lines, bounded: feed it bytes as they come, take lines out. A line longer
 * than TASK_LINE_MAX is cut at that length and the rest up to its "\n" dropped.
 */
struct task_lines {
    char buf[TASK_LINE_MAX + 1];
    size_t len;
    int skipping; /* inside the dropped rest of an overlong line */
    uint64_t cut; /* lines cut so far */
};

void task_lines_init(struct task_lines *tl);

/*
 * Consumes up to n bytes of data. Whenever a whole line is ready, stops and returns how many
 * bytes it consumed, with *line pointing at the NUL-terminated line (valid until the next call)
 * and *len its length; otherwise consumes everything and sets *line to NULL. Call again with the
 * rest until it has consumed all of it.
 */
size_t task_lines_feed(struct task_lines *tl, const char *data, size_t n, char **line, size_t *len);

/* At end of stream: the unterminated last line, if any (as task_lines_feed), else NULL. */
char *task_lines_finish(struct task_lines *tl, size_t *len);

#endif
