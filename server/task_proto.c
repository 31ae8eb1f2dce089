/* The line protocol of a job's command: parsing reports and splitting streams; see task_proto.h. */
#include "task_proto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define PREFIX_LEN (sizeof TASK_PREFIX - 1)

/* The defaults of an error report's members that are absent or null (see task_proto.h). */
#define DEFAULT_ERROR_TYPE 4 /* Software Error */
#define DEFAULT_SEVERITY 6   /* Critical */
#define DEFAULT_CIM_STATUS 1 /* CIM_ERR_FAILED */
#define DEFAULT_MESSAGE_ID "Rfjobd.1.0.CommandFailed"

/*
 * Returns the length of the well-formed UTF-8 sequence at p (n bytes available), or 0 when the
 * bytes there are not one: overlong forms, surrogates (U+D800..U+DFFF), code points above
 * U+10FFFF, truncated sequences and stray continuation bytes are all refused (Unicode 15.0,
 * table 3-7).
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    size_t need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong three-byte forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* no overlong four-byte forms */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0, C1 or F5..FF */
    }
    if (n < need || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

/* Nonzero when the n bytes at s are well-formed UTF-8 without NUL. */
static int
utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k;

        if (p[i] == 0)
            return 0;
        k = utf8_seq(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/*
 * Nonzero when s is a text: non-empty, well-formed UTF-8, free of control characters (C0, DEL
 * and C1) and not made of spaces only.
 */
static int
text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    int visible = 0;

    if (n == 0 || !utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return 0;
        if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return 0; /* U+0080..U+009F */
        if (p[i] != ' ')
            visible = 1;
    }
    return visible;
}

/* Nonzero when s is a URI as reports give them: a text that begins with "/" and holds no blank. */
static int
uri_ok(const char *s)
{
    return s[0] == '/' && text_ok(s) && strchr(s, ' ') == NULL;
}

/* Parses a percentage: "0" or 1 to 3 digits without a leading zero, at most 100. */
static int
parse_percent(const char *s, int *out)
{
    size_t n = strlen(s);
    int v = 0;

    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v > 100)
        return -1;
    *out = v;
    return 0;
}

/*
 * Nonzero when the JSON text (n bytes) holds a string escape "\u0000". cJSON would decode it to a
 * NUL byte and so cut the string short without a word; such a report is refused instead.
 */
static int
json_has_nul_escape(const char *s, size_t n)
{
    bool in_string = false;

    for (size_t i = 0; i < n; i++) {
        if (!in_string) {
            in_string = s[i] == '"';
        } else if (s[i] == '"') {
            in_string = false;
        } else if (s[i] == '\\' && i + 1 < n) {
            if (s[i + 1] == 'u' && n - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
                return 1;
            i++;
        }
    }
    return 0;
}

/* The members of an error report, and where each goes. */
enum member_type {
    M_U16,   /* a uint16 property of struct cim_error, within its value map */
    M_U32,   /* CIMStatusCode */
    M_STR,   /* a string property of struct cim_error */
    M_STRV,  /* a string[] property of struct cim_error */
    M_CODE,  /* ErrorCode (task_line) */
    M_DESCR, /* ErrorDescription (task_line) */
};

struct member {
    const char *name;
    enum member_type type;
    size_t offset; /* in struct cim_error */
    const struct cim_enum *map;
};

#define CE(field) offsetof(struct cim_error, field)

static const struct member members[] = {
    {"ErrorType", M_U16, CE(error_type), &cim_enum_error_type},
    {"OtherErrorType", M_STR, CE(other_error_type), NULL},
    {"OwningEntity", M_STR, CE(owning_entity), NULL},
    {"MessageID", M_STR, CE(message_id), NULL},
    {"Message", M_STR, CE(message), NULL},
    {"MessageArguments", M_STRV, CE(message_arguments), NULL},
    {"PerceivedSeverity", M_U16, CE(perceived_severity), &cim_enum_perceived_severity},
    {"ProbableCause", M_U16, CE(probable_cause), &cim_enum_probable_cause},
    {"ProbableCauseDescription", M_STR, CE(probable_cause_description), NULL},
    {"RecommendedActions", M_STRV, CE(recommended_actions), NULL},
    {"ErrorSource", M_STR, CE(error_source), NULL},
    {"ErrorSourceFormat", M_U16, CE(error_source_format), &cim_enum_error_source_format},
    {"OtherErrorSourceFormat", M_STR, CE(other_error_source_format), NULL},
    {"CIMStatusCode", M_U32, CE(cim_status_code), NULL},
    {"CIMStatusCodeDescription", M_STR, CE(cim_status_code_description), NULL},
    {"ErrorCode", M_CODE, 0, NULL},
    {"ErrorDescription", M_DESCR, 0, NULL},
};

#define N_MEMBERS (sizeof members / sizeof members[0])

/* An integral JSON number within 0..max. */
static int
json_uint(const cJSON *j, double max, uint32_t *out)
{
    double d;

    if (!cJSON_IsNumber(j))
        return -1;
    d = j->valuedouble;
    if (!(d >= 0.0 && d <= max) || (double)(uint32_t)d != d)
        return -1;
    *out = (uint32_t)d;
    return 0;
}

/* Stores the value of one member. Returns 0, or -1 when its type or value is not valid. */
static int
store_member(const struct member *m, const cJSON *j, struct task_line *out)
{
    char *base = (char *)&out->error;
    const cJSON *j_el;
    uint32_t v;
    uint16_t u16;

    switch (m->type) {
    case M_U16:
        if (json_uint(j, 65535.0, &v) != 0 || cim_enum_name(m->map, (int32_t)v) == NULL)
            return -1;
        u16 = (uint16_t)v;
        memcpy(base + m->offset, &u16, sizeof u16);
        return 0;
    case M_U32:
        if (json_uint(j, 4294967295.0, &v) != 0)
            return -1;
        memcpy(base + m->offset, &v, sizeof v);
        return 0;
    case M_STR:
        if (!cJSON_IsString(j) || !text_ok(j->valuestring))
            return -1;
        return cim_error_set_str((char **)(void *)(base + m->offset), j->valuestring) == JOB_OK
                   ? 0
                   : -1;
    case M_STRV:
        if (!cJSON_IsArray(j))
            return -1;
        cJSON_ArrayForEach(j_el, j)
        {
            if (!cJSON_IsString(j_el) || !text_ok(j_el->valuestring)
                || cim_strv_push((struct cim_strv *)(void *)(base + m->offset), j_el->valuestring)
                       != JOB_OK)
                return -1;
        }
        return 0;
    case M_CODE:
        if (json_uint(j, 65535.0, &v) != 0)
            return -1;
        out->has_error_code = 1;
        out->error_code = (uint16_t)v;
        return 0;
    case M_DESCR:
        if (!cJSON_IsString(j) || !text_ok(j->valuestring))
            return -1;
        out->error_description = strdup(j->valuestring);
        return out->error_description != NULL ? 0 : -1;
    }
    return -1;
}

/* Parses the JSON object of an error report (n bytes at s, NUL at s[n]) into out. */
static int
parse_error(const char *s, size_t n, struct task_line *out)
{
    cJSON *j_root;
    const cJSON *j_m;
    const char *end = NULL;
    bool seen[N_MEMBERS] = {false};
    int rc = -1;

    if (json_has_nul_escape(s, n))
        return -1;
    j_root = cJSON_ParseWithLengthOpts(s, n + 1, &end, 1);
    if (!cJSON_IsObject(j_root))
        goto out;
    /* The defaults first: a member that is given replaces its default. */
    out->error.error_type = DEFAULT_ERROR_TYPE;
    out->error.perceived_severity = DEFAULT_SEVERITY;
    out->error.cim_status_code = DEFAULT_CIM_STATUS;
    if (cim_error_set_str(&out->error.message_id, DEFAULT_MESSAGE_ID) != JOB_OK)
        goto out;
    cJSON_ArrayForEach(j_m, j_root)
    {
        size_t k = 0;

        while (k < N_MEMBERS && (j_m->string == NULL || strcmp(members[k].name, j_m->string) != 0))
            k++;
        if (k == N_MEMBERS || seen[k])
            goto out; /* an unknown or repeated member */
        seen[k] = true;
        if (cJSON_IsNull(j_m))
            continue; /* null: as if absent */
        if (store_member(&members[k], j_m, out) != 0)
            goto out;
    }
    if (cim_error_validate(&out->error, NULL) != JOB_OK)
        goto out;
    rc = 0;
out:
    cJSON_Delete(j_root);
    return rc;
}

/* Resets *tl to an ordinary line holding nothing. */
static void
line_init(struct task_line *tl)
{
    memset(tl, 0, sizeof *tl);
    tl->kind = TASK_NONE;
    tl->state = TASK_STATE_RUNNING;
    cim_error_init(&tl->error);
}

void
task_line_cleanup(struct task_line *tl)
{
    if (tl == NULL)
        return;
    cim_error_cleanup(&tl->error);
    free(tl->error_description);
    line_init(tl);
}

/* Splits "WORD REST" at the first space: *rest is the text after it, or NULL without a space. */
static char *
split_word(char *s, char **rest)
{
    char *sp = strchr(s, ' ');

    *rest = NULL;
    if (sp != NULL) {
        *sp = '\0';
        *rest = sp + 1;
    }
    return s;
}

/* Parses the report after the prefix (n bytes at s, NUL at s[n]). Returns its kind or TASK_BAD. */
static enum task_kind
parse_report(char *s, size_t n, struct task_line *out)
{
    char *arg;
    char *verb;

    if (!utf8_valid(s, n))
        return TASK_BAD;
    verb = split_word(s, &arg);
    if (arg == NULL)
        return TASK_BAD; /* every verb takes an argument */
    if (strcmp(verb, "progress") == 0)
        return parse_percent(arg, &out->percent) == 0 ? TASK_PROGRESS : TASK_BAD;
    if (strcmp(verb, "state") == 0) {
        if (strcmp(arg, "Running") == 0)
            out->state = TASK_STATE_RUNNING;
        else if (strcmp(arg, "PendingBoot") == 0)
            out->state = TASK_STATE_PENDING_BOOT;
        else if (strcmp(arg, "QueryPending") == 0)
            out->state = TASK_STATE_QUERY_PENDING;
        else
            return TASK_BAD;
        return TASK_STATE;
    }
    if (strcmp(verb, "status") == 0) {
        out->text = arg;
        return text_ok(arg) ? TASK_STATUS : TASK_BAD;
    }
    if (strcmp(verb, "message") == 0) {
        char *text;
        const char *sev = split_word(arg, &text);

        if (text == NULL || !text_ok(text))
            return TASK_BAD;
        if (strcmp(sev, "OK") == 0)
            out->severity = 2;
        else if (strcmp(sev, "Warning") == 0)
            out->severity = 3;
        else if (strcmp(sev, "Critical") == 0)
            out->severity = 6;
        else
            return TASK_BAD;
        out->text = text;
        return TASK_MESSAGE;
    }
    if (strcmp(verb, "created") == 0) {
        out->text = arg;
        return uri_ok(arg) ? TASK_CREATED : TASK_BAD;
    }
    if (strcmp(verb, "error") == 0)
        return parse_error(arg, n - (size_t)(arg - s), out) == 0 ? TASK_ERROR : TASK_BAD;
    return TASK_BAD;
}

enum task_kind
task_line_parse(char *line, size_t len, struct task_line *out)
{
    enum task_kind kind;

    line_init(out);
    if (line == NULL)
        return TASK_NONE;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    line[len] = '\0';
    if (len < PREFIX_LEN || memcmp(line, TASK_PREFIX, PREFIX_LEN) != 0)
        return TASK_NONE;
    kind = parse_report(line + PREFIX_LEN, len - PREFIX_LEN, out);
    if (kind == TASK_BAD)
        task_line_cleanup(out); /* drops whatever the report had set */
    out->kind = kind;
    return kind;
}

void
task_lines_init(struct task_lines *tl)
{
    memset(tl, 0, sizeof *tl);
}

/* Hands out the buffered line and empties the buffer (the text stays until the next call). */
static void
take_line(struct task_lines *tl, char **line, size_t *len)
{
    tl->buf[tl->len] = '\0';
    *line = tl->buf;
    *len = tl->len;
    tl->len = 0;
}

size_t
task_lines_feed(struct task_lines *tl, const char *data, size_t n, char **line, size_t *len)
{
    size_t i = 0;

    *line = NULL;
    *len = 0;
    while (i < n) {
        const char *nl;
        size_t room;
        size_t scan;

        if (tl->skipping) {
            nl = memchr(data + i, '\n', n - i);
            if (nl == NULL)
                return n;
            tl->skipping = 0;
            i = (size_t)(nl - data) + 1;
            continue;
        }
        /*
         * Look at the bytes that fit and one more: a "\n" right after a full buffer ends a line
         * of exactly TASK_LINE_MAX bytes; any other byte there makes the line too long.
         */
        room = TASK_LINE_MAX - tl->len;
        scan = n - i < room + 1 ? n - i : room + 1;
        nl = memchr(data + i, '\n', scan);
        if (nl != NULL) {
            size_t k = (size_t)(nl - (data + i));

            memcpy(tl->buf + tl->len, data + i, k);
            tl->len += k;
            take_line(tl, line, len);
            return i + k + 1;
        }
        if (n - i <= room) {
            memcpy(tl->buf + tl->len, data + i, n - i);
            tl->len += n - i;
            return n;
        }
        memcpy(tl->buf + tl->len, data + i, room);
        tl->len = TASK_LINE_MAX;
        take_line(tl, line, len);
        tl->skipping = 1;
        tl->cut++;
        return i + room + 1; /* the byte after the cut belongs to the dropped rest */
    }
    return n;
}

char *
task_lines_finish(struct task_lines *tl, size_t *len)
{
    char *line = NULL;

    *len = 0;
    if (tl->skipping) {
        tl->skipping = 0; /* the cut line was handed out already */
        return NULL;
    }
    if (tl->len > 0)
        take_line(tl, &line, len);
    return line;
}
