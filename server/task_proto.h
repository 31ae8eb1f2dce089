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
 *
 * The grammar is strict: one "\r" before the "\n" is ignored; the prefix, the verb, its argument
 * (and for message the severity word and the text) are separated by exactly one space; nothing
 * may follow the last argument. A percentage is "0" or a decimal number from 1 to 100 without a
 * leading zero, sign or blank ("050", "+5", "5 " and "101" are bad). A text is well-formed UTF-8
 * (no overlong forms, surrogates or code points above U+10FFFF), holds no control character (C0,
 * DEL, C1) and is not empty or spaces only. A report with an unknown verb, a bad argument, a NUL
 * byte or invalid UTF-8 anywhere is TASK_BAD.
 *
 * The error object: every member is optional, a member given as null counts as absent, and an
 * unknown or repeated member makes the report bad. Strings follow the rules of texts, string
 * arrays hold only such strings, and numbers are integers: ErrorType, PerceivedSeverity,
 * ProbableCause and ErrorSourceFormat within their value maps (uint16), CIMStatusCode a uint32,
 * ErrorCode a uint16. Absent members take these defaults: ErrorType 4 (Software Error),
 * PerceivedSeverity 6 (Critical), CIMStatusCode 1 (CIM_ERR_FAILED), MessageID
 * "Rfjobd.1.0.CommandFailed"; every other property stays null or 0 (Unknown). The result must
 * pass cim_error_validate(), e.g. OtherErrorType is given exactly when ErrorType is 1 (Other).
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
 *
 * line must have room for len + 1 bytes: the parser writes NUL bytes into it (at line[len], and
 * over a trailing "\r") so that out->text ends where the line ends. The lines task_lines_feed()
 * and task_lines_finish() hand out have that room. Running out of memory while parsing an error
 * report also gives TASK_BAD. Takes no lock.
 */
enum task_kind task_line_parse(char *line, size_t len, struct task_line *out);

/* Frees what an ERROR report owns and leaves *tl an empty TASK_NONE line. NULL-safe. */
void task_line_cleanup(struct task_line *tl);

/*
 * Splits a stream into lines, bounded: feed it bytes as they come, take lines out. A line longer
 * than TASK_LINE_MAX is cut at that length and the rest up to its "\n" dropped. The cut line is
 * handed out as soon as the byte after its first TASK_LINE_MAX bytes shows that it is too long
 * (and counted in cut); a line of exactly TASK_LINE_MAX bytes is not cut. The buffer lives in
 * the struct, so the splitter never allocates.
 */
struct task_lines {
    char buf[TASK_LINE_MAX + 1];
    size_t len;
    int skipping; /* inside the dropped rest of an overlong line */
    uint64_t cut; /* lines cut so far */
};

/* Initialises an empty splitter. Allocates nothing; there is nothing to clean up. */
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
