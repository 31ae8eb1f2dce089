/*
 * Job documents: reading and checking the JSON files of the documents directory, checking
 * submitted parameters against a document's ParameterMetadata, and building the argv and the
 * environment of one run. Nothing here ever goes through a shell: a parameter's text only ever
 * becomes part of one argv element or one environment entry.
 */
#include "jobdoc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "cim_datetime.h"
#include "log.h"
#include "rf_buf.h"

#define JOBDOC_ENV_PATH "PATH=/usr/local/bin:/usr/bin:/bin"
#define JOBDOC_ENV_LANG "LANG=C.UTF-8"
#define JOBDOC_ENV_PARAM "RFJOBD_PARAM_"
#define JOBDOC_GRACE_DEFAULT_US UINT64_C(10000000)
#define JOBDOC_PATTERN_MAX 1024       /* longest AllowablePattern, in bytes */
#define JOBDOC_ARG_MAX (128 * 1024)   /* longest argv element or environment entry, NUL included */
#define JOBDOC_EXEC_MAX (1024 * 1024) /* all of argv's and envp's strings together */
#define JOBDOC_NUM_SIZE 64            /* room for any number cJSON prints */
#define JOBDOC_NAME_RULE "[A-Za-z][A-Za-z0-9_]{0,63}"
#define JOBDOC_ID_RULE "[A-Za-z0-9_.-]{1,64}"

/* ---- faults ---------------------------------------------------------------------------------- */

/* Where a fault's text goes, and whether the fault was running out of memory. */
struct jd_err {
    char *buf;
    size_t size;
    bool oom;
};

/* Writes the fault's text and returns -1, so that callers can write "return jd_fail(...)". */
__attribute__((format(printf, 2, 3))) static int
jd_fail(struct jd_err *e, const char *fmt, ...)
{
    va_list ap;

    if (e->buf != NULL && e->size > 0) {
        va_start(ap, fmt);
        /* A cut message still names the member, which comes first. */
        (void)rf_vfmt(e->buf, e->size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Records that memory ran out and returns -1. */
static int
jd_oom(struct jd_err *e)
{
    e->oom = true;
    return jd_fail(e, "out of memory");
}

/* ---- text ------------------------------------------------------------------------------------ */

/*
 * Decodes the UTF-8 sequence at s (n bytes available). Returns its length and sets *cp, or
 * returns 0 when it is not valid: a stray continuation byte, a sequence cut short, an overlong
 * form, a surrogate (U+D800..U+DFFF) or a code point beyond U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    uint32_t min;
    size_t len;

    if (n == 0) {
        return 0;
    }
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        c = s[0] & 0x1fu;
        min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        c = s[0] & 0x0fu;
        min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        c = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0u) != 0x80u) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return len;
}

/* Returns the offset of the first byte of s (n bytes) that is not valid UTF-8, or n. */
static size_t
utf8_invalid_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t len = utf8_seq(u + i, n - i, &cp);

        if (len == 0) {
            return i;
        }
        i += len;
    }
    return n;
}

/*
 * Returns 1 when s (n bytes) is text a parameter may hold: valid UTF-8 without NUL and without
 * control characters (C0 other than tab, DEL, C1); 0 otherwise.
 */
static int
text_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp = 0;

    while (i < n) {
        size_t len = utf8_seq(u + i, n - i, &cp);

        if (len == 0) {
            return 0;
        }
        if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

/* Copies src into dst (size > 0 bytes), cut where it must be but never inside a UTF-8 sequence. */
static void
copy_cut(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xc0u) == 0x80u) {
            n--;
        }
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Returns 1 when c is an ASCII letter or digit. */
static int
is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Returns c upper-cased when it is an ASCII letter, else c (no locale). */
static char
ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Compares two strings ignoring ASCII letter case; 0 when they are equal. */
static int
ascii_casecmp(const char *a, const char *b)
{
    while (*a != '\0' && ascii_upper(*a) == ascii_upper(*b)) {
        a++;
        b++;
    }
    return ascii_upper(*a) != ascii_upper(*b);
}

/* Returns 1 when s matches [A-Za-z][A-Za-z0-9_]{0,63} (n bytes). */
static int
valid_param_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '_') {
            return 0;
        }
    }
    return 1;
}

/* Returns 1 when s matches [A-Za-z0-9_.-]{1,64} and is neither "." nor "..". */
static int
valid_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > JOBDOC_ID_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-') {
            return 0;
        }
    }
    return 1;
}

/*
 * Returns 1 when s is a JSON number in full (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), so
 * that strtod() sees neither blanks nor "inf", "nan" or hexadecimal forms.
 */
static int
json_number_text(const char *s)
{
    if (*s == '-') {
        s++;
    }
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    } else {
        return 0;
    }
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) {
            return 0;
        }
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') {
            s++;
        }
        if (!(*s >= '0' && *s <= '9')) {
            return 0;
        }
        while (*s >= '0' && *s <= '9') {
            s++;
        }
    }
    return *s == '\0';
}

/*
 * cJSON turns the escape \u0000 into a NUL that silently ends the string, so it is looked for in
 * the text itself. text is valid JSON (it parsed). Returns the index of the root's member (the
 * members of the top-level object in order) whose key or value holds the first such escape, or
 * -1 when there is none.
 */
static long
nul_escape_member(const char *text)
{
    long member = 0;
    int depth = 0;
    bool in_string = false;

    for (const char *p = text; *p != '\0'; p++) {
        if (in_string) {
            if (*p == '\\') {
                if (strncmp(p + 1, "u0000", 5) == 0) {
                    return member;
                }
                if (p[1] != '\0') {
                    p++;
                }
            } else if (*p == '"') {
                in_string = false;
            }
            continue;
        }
        switch (*p) {
        case '"':
            in_string = true;
            break;
        case '{':
        case '[':
            depth++;
            break;
        case '}':
        case ']':
            depth--;
            break;
        case ',':
            if (depth == 1) {
                member++;
            }
            break;
        default:
            break;
        }
    }
    return -1;
}

/* ---- Command templates ----------------------------------------------------------------------- */

enum tmpl_tok { TMPL_END, TMPL_TEXT, TMPL_PARAM, TMPL_STRAY_CLOSE, TMPL_UNCLOSED };

/*
 * Reads the next piece of a Command element at *pp: literal text (a run without braces, or the
 * single brace "{{" or "}}" stands for), a placeholder "{Name}" (*s, *n give Name), the end, or
 * a fault: a '}' with no '{' before it, or a '{' with no '}' after it ('{' may not nest).
 */
static enum tmpl_tok
tmpl_next(const char **pp, const char **s, size_t *n)
{
    const char *p = *pp;
    const char *q;

    if (*p == '\0') {
        return TMPL_END;
    }
    if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
        *s = p;
        *n = 1;
        *pp = p + 2;
        return TMPL_TEXT;
    }
    if (*p == '}') {
        return TMPL_STRAY_CLOSE;
    }
    if (*p == '{') {
        for (q = p + 1; *q != '\0' && *q != '}' && *q != '{'; q++) {
        }
        if (*q != '}') {
            return TMPL_UNCLOSED;
        }
        *s = p + 1;
        *n = (size_t)(q - (p + 1));
        *pp = q + 1;
        return TMPL_PARAM;
    }
    for (q = p; *q != '\0' && *q != '{' && *q != '}'; q++) {
    }
    *s = p;
    *n = (size_t)(q - p);
    *pp = q;
    return TMPL_TEXT;
}

/* Finds a parameter by name (n bytes); returns its index or -1. */
static long
param_index(const struct jobdoc *doc, const char *name, size_t n)
{
    for (size_t i = 0; i < doc->n_params; i++) {
        if (strlen(doc->params[i].name) == n && memcmp(doc->params[i].name, name, n) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Checks Command element i: braces balance and every placeholder names a declared parameter. */
static int
tmpl_check(const struct jobdoc *doc, const char *tmpl, size_t i, struct jd_err *e)
{
    const char *p = tmpl;
    const char *s = NULL;
    size_t n = 0;

    for (;;) {
        switch (tmpl_next(&p, &s, &n)) {
        case TMPL_END:
            return 0;
        case TMPL_TEXT:
            break;
        case TMPL_PARAM:
            if (i == 0) {
                return jd_fail(e, "Command[0]: the program to run may not hold a placeholder");
            }
            if (param_index(doc, s, n) < 0) {
                return jd_fail(e,
                               "Command[%zu]: placeholder {%.*s} names no parameter of "
                               "ParameterMetadata (write {{ and }} for literal braces)",
                               i, (int)(n > 64 ? 64 : n), s);
            }
            break;
        case TMPL_STRAY_CLOSE:
            return jd_fail(e, "Command[%zu]: '}' without '{' (write }} for a literal brace)", i);
        case TMPL_UNCLOSED:
            return jd_fail(e, "Command[%zu]: '{' without '}' (write {{ for a literal brace)", i);
        }
    }
}

/*
 * Expands a checked template with the parameters' texts (vals[k] for doc->params[k], NULL for
 * the empty string). Writes the text (no NUL) to out when out is not NULL. Returns its length,
 * or SIZE_MAX when the template does not parse.
 */
static size_t
tmpl_expand(const struct jobdoc *doc, const char *tmpl, const char *const *vals, char *out)
{
    const char *p = tmpl;
    const char *s = NULL;
    size_t n = 0;
    size_t len = 0;
    long k;

    for (;;) {
        switch (tmpl_next(&p, &s, &n)) {
        case TMPL_END:
            return len;
        case TMPL_TEXT:
            break;
        case TMPL_PARAM:
            k = param_index(doc, s, n);
            if (k < 0) {
                return SIZE_MAX;
            }
            s = vals[k] != NULL ? vals[k] : "";
            n = strlen(s);
            break;
        case TMPL_STRAY_CLOSE:
        case TMPL_UNCLOSED:
            return SIZE_MAX;
        }
        if (n > JOBDOC_EXEC_MAX - len) {
            return SIZE_MAX;
        }
        if (out != NULL) {
            memcpy(out + len, s, n);
        }
        len += n;
    }
}

/* ---- AllowablePattern ------------------------------------------------------------------------ */

/*
 * Returns 1 when the parentheses of an extended regular expression balance, bracket expressions
 * and escaped characters aside. glibc takes a lone ')' as a literal, so without this check a
 * pattern such as "x)|(.*" would compile, and wrapped as "^(x)|(.*)$" match anything.
 */
static int
pattern_balanced(const char *pat)
{
    int depth = 0;
    size_t i = 0;

    while (pat[i] != '\0') {
        char c = pat[i];

        if (c == '\\') {
            if (pat[i + 1] == '\0') {
                return 0;
            }
            i += 2;
            continue;
        }
        if (c == '[') {
            i++;
            if (pat[i] == '^') {
                i++;
            }
            if (pat[i] == ']') {
                i++;
            }
            while (pat[i] != '\0' && pat[i] != ']') {
                if (pat[i] == '['
                    && (pat[i + 1] == ':' || pat[i + 1] == '.' || pat[i + 1] == '=')) {
                    char delim = pat[i + 1];

                    i += 2;
                    while (pat[i] != '\0' && !(pat[i] == delim && pat[i + 1] == ']')) {
                        i++;
                    }
                    if (pat[i] == '\0') {
                        return 0;
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
            if (pat[i] == '\0') {
                return 0;
            }
            i++;
            continue;
        }
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (depth == 0) {
                return 0;
            }
            depth--;
        }
        i++;
    }
    return depth == 0;
}

/* Compiles a pattern anchored to the whole value: "^(" pattern ")$". Returns regcomp's code. */
static int
pattern_compile(const char *pat, regex_t *re)
{
    char anchored[JOBDOC_PATTERN_MAX + 8];

    if (rf_fmt(anchored, sizeof anchored, "^(%s)$", pat) != 0) {
        return REG_ESIZE;
    }
    return regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
}

/* ---- reading a document ---------------------------------------------------------------------- */

static const char *const doc_members[] = {"Id",
                                          "Name",
                                          "Description",
                                          "Version",
                                          "DocumentType",
                                          "JobClass",
                                          "Command",
                                          "MaxExecutionTime",
                                          "EstimatedDuration",
                                          "TerminateGracePeriod",
                                          "Supports",
                                          "ParameterMetadata",
                                          NULL};

static const char *const supports_members[] = {"Suspend", "Terminate", NULL};

static const char *const param_members[] = {"Name",
                                            "DataType",
                                            "Required",
                                            "AllowableValues",
                                            "AllowableNumbers",
                                            "AllowablePattern",
                                            "AllowableValueDescriptions",
                                            "MinimumValue",
                                            "MaximumValue",
                                            "ValueHint",
                                            "Description",
                                            NULL};

/*
 * Refuses members of j_obj that names (NULL-terminated) does not list, and members given twice.
 * where prefixes the member's name in the message ("", "Supports.", "ParameterMetadata[2].").
 */
static int
check_members(const cJSON *j_obj, const char *const *names, const char *where, struct jd_err *e)
{
    for (const cJSON *j = j_obj->child; j != NULL; j = j->next) {
        bool known = false;

        for (size_t i = 0; names[i] != NULL && !known; i++) {
            known = strcmp(names[i], j->string) == 0;
        }
        if (!known) {
            return jd_fail(e, "%s%s: unknown member", where, j->string);
        }
        for (const cJSON *k = j_obj->child; k != j; k = k->next) {
            if (strcmp(k->string, j->string) == 0) {
                return jd_fail(e, "%s%s: given twice", where, j->string);
            }
        }
    }
    return 0;
}

/*
 * Reads a string member. Returns 0 with *out borrowed from the tree (NULL when the member is
 * absent and not required), or -1 when it is missing but required, not a string, or empty while
 * nonempty is set.
 */
static int
get_string(const cJSON *j_obj, const char *name, const char *where, bool required, bool nonempty,
           const char **out, struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_obj, name);

    *out = NULL;
    if (j == NULL) {
        return required ? jd_fail(e, "%s%s: required", where, name) : 0;
    }
    if (!cJSON_IsString(j) || j->valuestring == NULL) {
        return jd_fail(e, "%s%s: must be a string", where, name);
    }
    if (nonempty && j->valuestring[0] == '\0') {
        return jd_fail(e, "%s%s: must not be empty", where, name);
    }
    *out = j->valuestring;
    return 0;
}

/* Reads an optional Boolean member into *out (left alone when absent). */
static int
get_bool(const cJSON *j_obj, const char *name, const char *where, bool *out, struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_obj, name);

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsBool(j)) {
        return jd_fail(e, "%s%s: must be true or false", where, name);
    }
    *out = cJSON_IsTrue(j) != 0;
    return 0;
}

/* Reads an optional number member; *has tells whether it was there. Must be finite. */
static int
get_number(const cJSON *j_obj, const char *name, const char *where, bool *has, double *out,
           struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_obj, name);

    *has = false;
    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
        return jd_fail(e, "%s%s: must be a finite number", where, name);
    }
    *has = true;
    *out = j->valuedouble;
    return 0;
}

/* Reads an optional ISO 8601 duration member as microseconds (left alone when absent); > 0. */
static int
get_duration(const cJSON *j_root, const char *name, uint64_t *out, struct jd_err *e)
{
    const char *s;
    struct cim_datetime dt;
    uint64_t us;

    if (get_string(j_root, name, "", false, false, &s, e) != 0) {
        return -1;
    }
    if (s == NULL) {
        return 0;
    }
    if (cim_dt_from_duration(s, &dt) != JOB_OK || cim_dt_interval_to_us(&dt, &us) != JOB_OK) {
        return jd_fail(e,
                       "%s: must be an ISO 8601 duration of days, hours, minutes and seconds, "
                       "such as PT30M or P1DT12H",
                       name);
    }
    if (us == 0) {
        return jd_fail(e, "%s: must be longer than zero", name);
    }
    *out = us;
    return 0;
}

/* Copies s into *out (NULL stays NULL). */
static int
dup_str(const char *s, char **out, struct jd_err *e)
{
    *out = NULL;
    if (s == NULL) {
        return 0;
    }
    *out = strdup(s);
    return *out == NULL ? jd_oom(e) : 0;
}

/* Counts the elements of an array. */
static size_t
array_len(const cJSON *j_arr)
{
    size_t n = 0;

    for (const cJSON *j = j_arr->child; j != NULL; j = j->next) {
        n++;
    }
    return n;
}

/* AllowableValues: a non-empty array of strings a value may hold. */
static int
read_allowable_values(const cJSON *j, const char *where, struct jobdoc_param *p, struct jd_err *e)
{
    size_t n;
    size_t i = 0;

    if (!cJSON_IsArray(j) || (n = array_len(j)) == 0) {
        return jd_fail(e, "%sAllowableValues: must be a non-empty array of strings", where);
    }
    p->allowable_values = calloc(n + 1, sizeof *p->allowable_values);
    if (p->allowable_values == NULL) {
        return jd_oom(e);
    }
    for (const cJSON *v = j->child; v != NULL; v = v->next, i++) {
        if (!cJSON_IsString(v) || v->valuestring == NULL) {
            return jd_fail(e, "%sAllowableValues[%zu]: must be a string", where, i);
        }
        if (strlen(v->valuestring) > JOBDOC_VALUE_MAX
            || !text_ok(v->valuestring, strlen(v->valuestring))) {
            return jd_fail(e,
                           "%sAllowableValues[%zu]: no parameter can hold it (control "
                           "characters or more than %d bytes)",
                           where, i, JOBDOC_VALUE_MAX);
        }
        if (dup_str(v->valuestring, &p->allowable_values[i], e) != 0) {
            return -1;
        }
    }
    return 0;
}

/* AllowableNumbers: a non-empty array of numbers, or of numbers written as strings (DMTF). */
static int
read_allowable_numbers(const cJSON *j, const char *where, struct jobdoc_param *p, struct jd_err *e)
{
    size_t n;
    size_t i = 0;

    if (!cJSON_IsArray(j) || (n = array_len(j)) == 0) {
        return jd_fail(e, "%sAllowableNumbers: must be a non-empty array of numbers", where);
    }
    p->allowable_numbers = calloc(n, sizeof *p->allowable_numbers);
    if (p->allowable_numbers == NULL) {
        return jd_oom(e);
    }
    for (const cJSON *v = j->child; v != NULL; v = v->next, i++) {
        double d = NAN;

        if (cJSON_IsNumber(v)) {
            d = v->valuedouble;
        } else if (cJSON_IsString(v) && v->valuestring != NULL
                   && json_number_text(v->valuestring)) {
            d = strtod(v->valuestring, NULL);
        }
        if (!isfinite(d)) {
            return jd_fail(e, "%sAllowableNumbers[%zu]: must be a finite number", where, i);
        }
        p->allowable_numbers[i] = d;
        p->n_allowable_numbers = i + 1;
    }
    return 0;
}

/* AllowablePattern: an extended regular expression the whole value must match. */
static int
read_allowable_pattern(const char *pat, const char *where, struct jobdoc_param *p, struct jd_err *e)
{
    regex_t re;
    int rc;

    if (strlen(pat) > JOBDOC_PATTERN_MAX) {
        return jd_fail(e, "%sAllowablePattern: longer than %d bytes", where, JOBDOC_PATTERN_MAX);
    }
    if (!pattern_balanced(pat)) {
        return jd_fail(e,
                       "%sAllowablePattern: parentheses or brackets do not balance, or a "
                       "trailing backslash",
                       where);
    }
    rc = pattern_compile(pat, &re);
    if (rc == REG_ESPACE) {
        return jd_oom(e);
    }
    if (rc != 0) {
        char why[128];

        (void)regerror(rc, NULL, why, sizeof why);
        return jd_fail(e, "%sAllowablePattern: not a POSIX extended regular expression (%s)", where,
                       why);
    }
    regfree(&re);
    return dup_str(pat, &p->allowable_pattern, e);
}

/* Reads ParameterMetadata[idx] into doc->params[idx]; the parameters before it are read. */
static int
read_param(const cJSON *j_p, size_t idx, struct jobdoc *doc, struct jd_err *e)
{
    struct jobdoc_param *p = &doc->params[idx];
    char where[48];
    const char *name;
    const char *type;
    const char *s;
    const cJSON *j;

    (void)rf_fmt(where, sizeof where, "ParameterMetadata[%zu].", idx);
    if (!cJSON_IsObject(j_p)) {
        return jd_fail(e, "ParameterMetadata[%zu]: must be an object", idx);
    }
    if (check_members(j_p, param_members, where, e) != 0
        || get_string(j_p, "Name", where, true, true, &name, e) != 0) {
        return -1;
    }
    if (!valid_param_name(name, strlen(name))) {
        return jd_fail(e, "%sName: must match " JOBDOC_NAME_RULE, where);
    }
    for (size_t k = 0; k < idx; k++) {
        if (ascii_casecmp(doc->params[k].name, name) == 0) {
            return jd_fail(e,
                           "%sName: %s repeats ParameterMetadata[%zu].Name %s (names must "
                           "differ in more than letter case)",
                           where, name, k, doc->params[k].name);
        }
    }
    if (dup_str(name, &p->name, e) != 0
        || get_string(j_p, "DataType", where, true, false, &type, e) != 0) {
        return -1;
    }
    if (strcmp(type, "Boolean") == 0) {
        p->type = JOBDOC_BOOLEAN;
    } else if (strcmp(type, "Number") == 0) {
        p->type = JOBDOC_NUMBER;
    } else if (strcmp(type, "String") == 0) {
        p->type = JOBDOC_STRING;
    } else {
        return jd_fail(e, "%sDataType: must be one of Boolean, Number, String", where);
    }
    if (get_bool(j_p, "Required", where, &p->required, e) != 0) {
        return -1;
    }

    j = cJSON_GetObjectItemCaseSensitive(j_p, "AllowableValues");
    if (j != NULL) {
        if (p->type != JOBDOC_STRING) {
            return jd_fail(e, "%sAllowableValues: only for DataType String", where);
        }
        if (read_allowable_values(j, where, p, e) != 0) {
            return -1;
        }
    }
    j = cJSON_GetObjectItemCaseSensitive(j_p, "AllowableNumbers");
    if (j != NULL) {
        if (p->type != JOBDOC_NUMBER) {
            return jd_fail(e, "%sAllowableNumbers: only for DataType Number", where);
        }
        if (read_allowable_numbers(j, where, p, e) != 0) {
            return -1;
        }
    }
    if (get_string(j_p, "AllowablePattern", where, false, true, &s, e) != 0) {
        return -1;
    }
    if (s != NULL) {
        if (p->type != JOBDOC_STRING) {
            return jd_fail(e, "%sAllowablePattern: only for DataType String", where);
        }
        if (read_allowable_pattern(s, where, p, e) != 0) {
            return -1;
        }
    }
    j = cJSON_GetObjectItemCaseSensitive(j_p, "AllowableValueDescriptions");
    if (j != NULL) {
        if (!cJSON_IsArray(j)) {
            return jd_fail(e, "%sAllowableValueDescriptions: must be an array of strings", where);
        }
        for (const cJSON *v = j->child; v != NULL; v = v->next) {
            if (!cJSON_IsString(v)) {
                return jd_fail(e, "%sAllowableValueDescriptions: must be an array of strings",
                               where);
            }
        }
    }

    if (get_number(j_p, "MinimumValue", where, &p->has_min, &p->min, e) != 0
        || get_number(j_p, "MaximumValue", where, &p->has_max, &p->max, e) != 0) {
        return -1;
    }
    if ((p->has_min || p->has_max) && p->type != JOBDOC_NUMBER) {
        return jd_fail(e, "%s%s: only for DataType Number", where,
                       p->has_min ? "MinimumValue" : "MaximumValue");
    }
    if (p->has_min && p->has_max && p->min > p->max) {
        return jd_fail(e, "%sMinimumValue: greater than MaximumValue", where);
    }

    if (get_string(j_p, "ValueHint", where, false, false, &s, e) != 0
        || dup_str(s, &p->value_hint, e) != 0
        || get_string(j_p, "Description", where, false, false, &s, e) != 0
        || dup_str(s, &p->description, e) != 0) {
        return -1;
    }
    return 0;
}

/* ParameterMetadata: optional, an array of at most JOBDOC_PARAMS_MAX parameter objects. */
static int
read_params(const cJSON *j_root, struct jobdoc *doc, struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_root, "ParameterMetadata");
    size_t n;
    size_t i = 0;

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(j)) {
        return jd_fail(e, "ParameterMetadata: must be an array of objects");
    }
    n = array_len(j);
    if (n > JOBDOC_PARAMS_MAX) {
        return jd_fail(e, "ParameterMetadata: more than %d parameters", JOBDOC_PARAMS_MAX);
    }
    if (n == 0) {
        return 0;
    }
    doc->params = calloc(n, sizeof *doc->params);
    if (doc->params == NULL) {
        return jd_oom(e);
    }
    for (const cJSON *j_p = j->child; j_p != NULL; j_p = j_p->next, i++) {
        /* Counted now, so that cleanup frees what this one holds even when it is refused. */
        doc->n_params = i + 1;
        if (read_param(j_p, i, doc, e) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Command: the argv templates. ParameterMetadata must be read already. */
static int
read_command(const cJSON *j_root, struct jobdoc *doc, struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_root, "Command");
    const char *prog;
    size_t n;
    size_t i = 0;

    if (j == NULL) {
        return jd_fail(e, "Command: required");
    }
    if (!cJSON_IsArray(j)) {
        return jd_fail(e, "Command: must be an array of strings");
    }
    n = array_len(j);
    if (n == 0) {
        return jd_fail(e, "Command: must not be empty");
    }
    if (n > JOBDOC_ARGV_MAX) {
        return jd_fail(e, "Command: more than %d elements", JOBDOC_ARGV_MAX);
    }
    doc->argv = calloc(n + 1, sizeof *doc->argv);
    if (doc->argv == NULL) {
        return jd_oom(e);
    }
    for (const cJSON *v = j->child; v != NULL; v = v->next, i++) {
        if (!cJSON_IsString(v) || v->valuestring == NULL) {
            return jd_fail(e, "Command[%zu]: must be a string", i);
        }
        if (tmpl_check(doc, v->valuestring, i, e) != 0
            || dup_str(v->valuestring, &doc->argv[i], e) != 0) {
            return -1;
        }
        doc->argc = i + 1;
    }
    prog = doc->argv[0];
    if (prog[0] == '\0') {
        return jd_fail(e, "Command[0]: must not be empty (it names the program to run)");
    }
    if (strcmp(prog, ".") == 0 || strcmp(prog, "..") == 0) {
        return jd_fail(e, "Command[0]: %s is not a program name", prog);
    }
    if (prog[0] != '/' && strchr(prog, '/') != NULL) {
        return jd_fail(e, "Command[0]: must be an absolute path or a bare name without '/' "
                          "(looked up in the task directory)");
    }
    return 0;
}

/* Supports: optional, {"Suspend": bool, "Terminate": bool}; both default to false. */
static int
read_supports(const cJSON *j_root, struct jobdoc *doc, struct jd_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(j_root, "Supports");

    if (j == NULL) {
        return 0;
    }
    if (!cJSON_IsObject(j)) {
        return jd_fail(e, "Supports: must be an object such as {\"Suspend\": true}");
    }
    if (check_members(j, supports_members, "Supports.", e) != 0
        || get_bool(j, "Suspend", "Supports.", &doc->can_suspend, e) != 0
        || get_bool(j, "Terminate", "Supports.", &doc->can_terminate, e) != 0) {
        return -1;
    }
    return 0;
}

/* The Id a file name calls for: its base name without ".json". */
static void
expected_id(const char *file, char *out, size_t size)
{
    const char *base = strrchr(file, '/');
    size_t n;

    base = base != NULL ? base + 1 : file;
    n = strlen(base);
    if (n >= 5 && strcmp(base + n - 5, ".json") == 0) {
        n -= 5;
    }
    if (n >= size) {
        n = size - 1;
    }
    memcpy(out, base, n);
    out[n] = '\0';
}

/* Reads the members of the root object into doc. */
static int
read_root(const char *file, const cJSON *j_root, struct jobdoc *doc, struct jd_err *e)
{
    const char *s;
    long nul_at;

    nul_at = nul_escape_member(doc->text);
    if (nul_at >= 0) {
        const cJSON *j = j_root->child;

        for (long k = 0; k < nul_at && j != NULL; k++) {
            j = j->next;
        }
        return jd_fail(e, "%s: a string holds \\u0000 (NUL)", j != NULL ? j->string : "(root)");
    }
    if (check_members(j_root, doc_members, "", e) != 0
        || get_string(j_root, "Id", "", true, true, &s, e) != 0) {
        return -1;
    }
    if (!valid_id(s)) {
        return jd_fail(e, "Id: must match " JOBDOC_ID_RULE " and be neither . nor ..");
    }
    if (file != NULL) {
        char want[JOBDOC_ID_MAX + 2];

        expected_id(file, want, sizeof want);
        if (strcmp(s, want) != 0) {
            return jd_fail(e, "Id: %s differs from the file's name, which calls for %s", s, want);
        }
    }
    if (dup_str(s, &doc->id, e) != 0 || get_string(j_root, "Name", "", true, true, &s, e) != 0
        || dup_str(s, &doc->name, e) != 0
        || get_string(j_root, "Description", "", false, false, &s, e) != 0
        || dup_str(s, &doc->description, e) != 0
        || get_string(j_root, "Version", "", true, true, &s, e) != 0
        || dup_str(s, &doc->version, e) != 0
        || get_string(j_root, "DocumentType", "", true, false, &s, e) != 0) {
        return -1;
    }
    if (strcmp(s, "Script") != 0) {
        return jd_fail(e, "DocumentType: must be Script");
    }
    if (dup_str(s, &doc->document_type, e) != 0
        || get_string(j_root, "JobClass", "", true, false, &s, e) != 0) {
        return -1;
    }
    doc->cls = job_class_find(s);
    if (doc->cls != &job_class_concrete && doc->cls != &job_class_provisioning) {
        doc->cls = NULL;
        return jd_fail(e, "JobClass: must be CIM_ConcreteJob or Msps_ProvisioningJob");
    }
    doc->grace_us = JOBDOC_GRACE_DEFAULT_US;
    if (read_params(j_root, doc, e) != 0 || read_command(j_root, doc, e) != 0
        || get_duration(j_root, "MaxExecutionTime", &doc->max_exec_us, e) != 0
        || get_duration(j_root, "EstimatedDuration", &doc->estimated_us, e) != 0
        || get_duration(j_root, "TerminateGracePeriod", &doc->grace_us, e) != 0
        || read_supports(j_root, doc, e) != 0) {
        return -1;
    }
    return 0;
}

/* Writes the lower-case hex SHA-256 of doc->text into doc->hash. */
static int
hash_text(struct jobdoc *doc, size_t len, struct jd_err *e)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (EVP_Digest(doc->text, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
        return jd_fail(e, "cannot compute the SHA-256 of the text");
    }
    for (unsigned int i = 0; i < mdlen; i++) {
        doc->hash[2 * i] = hex[md[i] >> 4];
        doc->hash[2 * i + 1] = hex[md[i] & 0x0fu];
    }
    doc->hash[64] = '\0';
    return 0;
}

/* jobdoc_parse(), telling memory exhaustion apart through e->oom. */
static int
parse_doc(const char *file, const char *text, size_t len, struct jobdoc *out, struct jd_err *e)
{
    cJSON *j_root;
    const char *end = NULL;
    size_t bad;
    int rc;

    memset(out, 0, sizeof *out);
    if (e->buf != NULL && e->size > 0) {
        e->buf[0] = '\0';
    }
    if (len > JOBDOC_FILE_MAX) {
        return jd_fail(e, "larger than %d bytes", JOBDOC_FILE_MAX);
    }
    if (memchr(text, '\0', len) != NULL) {
        return jd_fail(e, "the text holds a NUL byte");
    }
    bad = utf8_invalid_at(text, len);
    if (bad < len) {
        return jd_fail(e, "not valid UTF-8 (at byte %zu)", bad);
    }
    out->text = malloc(len + 1);
    if (out->text == NULL) {
        return jd_oom(e);
    }
    memcpy(out->text, text, len);
    out->text[len] = '\0';
    if (hash_text(out, len, e) != 0) {
        jobdoc_cleanup(out);
        return -1;
    }
    /* With require_null_terminated, the length counts the NUL. */
    j_root = cJSON_ParseWithLengthOpts(out->text, len + 1, &end, 1);
    if (j_root == NULL) {
        /* cJSON cannot tell a syntax error from running out of memory; a syntax error it is. */
        rc = jd_fail(e, "not valid JSON (at byte %zu)",
                     end != NULL && end >= out->text ? (size_t)(end - out->text) : (size_t)0);
    } else if (!cJSON_IsObject(j_root)) {
        rc = jd_fail(e, "not a JSON object");
    } else {
        rc = read_root(file, j_root, out, e);
    }
    cJSON_Delete(j_root);
    if (rc != 0) {
        jobdoc_cleanup(out);
    }
    return rc;
}

int
jobdoc_parse(const char *file, const char *text, size_t len, struct jobdoc *out, char *err,
             size_t errsz)
{
    struct jd_err e = {err, errsz, false};

    if (text == NULL) {
        memset(out, 0, sizeof *out);
        return jd_fail(&e, "no text");
    }
    return parse_doc(file, text, len, out, &e);
}

static void
param_cleanup(struct jobdoc_param *p)
{
    free(p->name);
    if (p->allowable_values != NULL) {
        for (size_t i = 0; p->allowable_values[i] != NULL; i++) {
            free(p->allowable_values[i]);
        }
        free(p->allowable_values);
    }
    free(p->allowable_numbers);
    free(p->allowable_pattern);
    free(p->value_hint);
    free(p->description);
}

void
jobdoc_cleanup(struct jobdoc *doc)
{
    if (doc == NULL) {
        return;
    }
    free(doc->id);
    free(doc->name);
    free(doc->description);
    free(doc->version);
    free(doc->document_type);
    if (doc->argv != NULL) {
        for (size_t i = 0; doc->argv[i] != NULL; i++) {
            free(doc->argv[i]);
        }
        free(doc->argv);
    }
    for (size_t i = 0; i < doc->n_params; i++) {
        param_cleanup(&doc->params[i]);
    }
    free(doc->params);
    free(doc->text);
    memset(doc, 0, sizeof *doc);
}

/* ---- the documents directory ----------------------------------------------------------------- */

void
jobdoc_set_free(struct jobdoc_set *set)
{
    if (set == NULL) {
        return;
    }
    for (size_t i = 0; i < set->n; i++) {
        jobdoc_cleanup(&set->docs[i]);
    }
    free(set->docs);
    set->docs = NULL;
    set->n = 0;
}

/* Orders documents by id, for qsort(). */
static int
doc_cmp(const void *a, const void *b)
{
    return strcmp(((const struct jobdoc *)a)->id, ((const struct jobdoc *)b)->id);
}

/* Compares an id with a document's, for bsearch(). */
static int
id_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct jobdoc *)elem)->id);
}

/*
 * Reads one directory entry into buf (JOBDOC_FILE_MAX + 1 bytes). Returns 1 with *len and *st
 * for a regular file of at most JOBDOC_FILE_MAX bytes, 0 for an entry to pass over quietly (not
 * a regular file: it is logged as a warning), or -1 for a file to refuse (err says why).
 */
static int
read_entry(int dfd, const char *name, char *buf, size_t *len, struct stat *st, char *err,
           size_t errsz)
{
    int fd;
    size_t got = 0;
    int rc = 1;

    fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ELOOP) {
            (void)rf_fmt(err, errsz, "a symbolic link, not followed");
            return 0;
        }
        (void)rf_fmt(err, errsz, "cannot open (errno %d)", errno);
        return -1;
    }
    if (fstat(fd, st) != 0) {
        (void)rf_fmt(err, errsz, "cannot stat (errno %d)", errno);
        rc = -1;
    } else if (!S_ISREG(st->st_mode)) {
        (void)rf_fmt(err, errsz, "not a regular file");
        rc = 0;
    } else if (st->st_size > JOBDOC_FILE_MAX) {
        (void)rf_fmt(err, errsz, "larger than %d bytes", JOBDOC_FILE_MAX);
        rc = -1;
    }
    while (rc == 1 && got <= JOBDOC_FILE_MAX) {
        ssize_t n = read(fd, buf + got, JOBDOC_FILE_MAX + 1 - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            (void)rf_fmt(err, errsz, "cannot read (errno %d)", errno);
            rc = -1;
        } else if (n == 0) {
            break;
        } else {
            got += (size_t)n;
        }
    }
    if (rc == 1 && got > JOBDOC_FILE_MAX) {
        (void)rf_fmt(err, errsz, "larger than %d bytes", JOBDOC_FILE_MAX);
        rc = -1;
    }
    close(fd);
    *len = got;
    return rc;
}

/* Returns 1 for a directory entry that may be a document: "*.json", not beginning with '.'. */
static int
doc_file_name(const char *name)
{
    size_t n = strlen(name);

    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

int
jobdoc_load_dir(const char *dir, struct jobdoc_set *out)
{
    DIR *d;
    struct dirent *de;
    char *buf = NULL;
    struct jobdoc *docs = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc = 0;

    out->docs = NULL;
    out->n = 0;
    d = opendir(dir);
    if (d == NULL) {
        if (errno != ENOENT) {
            log_msg(LOG_LEVEL_ERROR, "job documents %s: cannot open the directory (errno %d)", dir,
                    errno);
        }
        return 0;
    }
    buf = malloc(JOBDOC_FILE_MAX + 1);
    if (buf == NULL) {
        closedir(d);
        return -1;
    }
    for (;;) {
        char err[256];
        char path[1024];
        struct jd_err e = {err, sizeof err, false};
        struct jobdoc doc;
        struct stat st;
        size_t len = 0;
        int got;

        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                log_msg(LOG_LEVEL_ERROR, "job documents %s: cannot read the directory (errno %d)",
                        dir, errno);
            }
            break;
        }
        if (!doc_file_name(de->d_name)) {
            continue;
        }
        /* The path only names the file in the log; a cut one still does. */
        (void)rf_fmt(path, sizeof path, "%s/%s", dir, de->d_name);
        got = read_entry(dirfd(d), de->d_name, buf, &len, &st, err, sizeof err);
        if (got == 0) {
            log_msg(LOG_LEVEL_WARNING, "job document %s: %s; skipped", path, err);
            continue;
        }
        if (got < 0) {
            log_msg(LOG_LEVEL_ERROR, "job document %s: %s", path, err);
            continue;
        }
        if (parse_doc(de->d_name, buf, len, &doc, &e) != 0) {
            if (e.oom) {
                rc = -1;
                break;
            }
            log_msg(LOG_LEVEL_ERROR, "job document %s: %s", path, err);
            continue;
        }
        doc.mtime_us = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
        if (n == cap) {
            size_t ncap = cap == 0 ? 8 : cap * 2;
            struct jobdoc *grown = realloc(docs, ncap * sizeof *docs);

            if (grown == NULL) {
                jobdoc_cleanup(&doc);
                rc = -1;
                break;
            }
            docs = grown;
            cap = ncap;
        }
        docs[n++] = doc;
    }
    closedir(d);
    free(buf);
    if (rc != 0) {
        struct jobdoc_set partial = {docs, n};

        jobdoc_set_free(&partial);
        return -1;
    }
    if (n > 1) {
        qsort(docs, n, sizeof *docs, doc_cmp);
    }
    out->docs = docs;
    out->n = n;
    return 0;
}

const struct jobdoc *
jobdoc_find(const struct jobdoc_set *set, const char *id)
{
    if (set == NULL || set->n == 0 || id == NULL) {
        return NULL;
    }
    return bsearch(id, set->docs, set->n, sizeof *set->docs, id_cmp);
}

/* ---- submitted parameters -------------------------------------------------------------------- */

/* Checks one submitted value against its parameter. has_nul: its text held "\u0000". */
static enum jobdoc_fault
check_value(const struct jobdoc_param *p, const cJSON *j, bool has_nul)
{
    regex_t re;
    size_t len;
    int matched;

    switch (p->type) {
    case JOBDOC_BOOLEAN:
        if (!cJSON_IsBool(j)) {
            return JOBDOC_FAULT_TYPE;
        }
        return has_nul ? JOBDOC_FAULT_FORMAT : JOBDOC_FAULT_NONE;
    case JOBDOC_NUMBER:
        if (!cJSON_IsNumber(j)) {
            return JOBDOC_FAULT_TYPE;
        }
        if (has_nul || !isfinite(j->valuedouble)) {
            return JOBDOC_FAULT_FORMAT;
        }
        if (p->allowable_numbers != NULL) {
            size_t i = 0;

            while (i < p->n_allowable_numbers && !(p->allowable_numbers[i] == j->valuedouble)) {
                i++;
            }
            if (i == p->n_allowable_numbers) {
                return JOBDOC_FAULT_VALUE;
            }
        }
        if ((p->has_min && j->valuedouble < p->min) || (p->has_max && j->valuedouble > p->max)) {
            return JOBDOC_FAULT_VALUE;
        }
        return JOBDOC_FAULT_NONE;
    case JOBDOC_STRING:
        if (!cJSON_IsString(j) || j->valuestring == NULL) {
            return JOBDOC_FAULT_TYPE;
        }
        len = strlen(j->valuestring);
        if (has_nul || len > JOBDOC_VALUE_MAX || !text_ok(j->valuestring, len)) {
            return JOBDOC_FAULT_FORMAT;
        }
        if (p->allowable_values != NULL) {
            size_t i = 0;

            while (p->allowable_values[i] != NULL
                   && strcmp(p->allowable_values[i], j->valuestring) != 0) {
                i++;
            }
            if (p->allowable_values[i] == NULL) {
                return JOBDOC_FAULT_VALUE;
            }
        }
        if (p->allowable_pattern != NULL) {
            /* A pattern that compiled when the document loaded fails now only without memory;
             * the value is refused then rather than let through. */
            if (pattern_compile(p->allowable_pattern, &re) != 0) {
                return JOBDOC_FAULT_FORMAT;
            }
            matched = regexec(&re, j->valuestring, 0, NULL, 0) == 0;
            regfree(&re);
            if (!matched) {
                return JOBDOC_FAULT_FORMAT;
            }
        }
        return JOBDOC_FAULT_NONE;
    }
    return JOBDOC_FAULT_TYPE;
}

/* Fills why->param and why->value (the value as JSON text, cut to fit). */
static void
describe(struct jobdoc_check *why, const char *name, const cJSON *j)
{
    char *text;

    copy_cut(why->param, sizeof why->param, name);
    why->value[0] = '\0';
    if (j == NULL) {
        return;
    }
    text = cJSON_PrintUnformatted(j);
    if (text != NULL) {
        copy_cut(why->value, sizeof why->value, text);
        cJSON_free(text);
    }
}

int
jobdoc_check_params(const struct jobdoc *doc, const char *params_json, struct jobdoc_check *why)
{
    cJSON *j_root = NULL;
    long nul_at;
    long k = 0;

    memset(why, 0, sizeof *why);
    why->fault = JOBDOC_FAULT_NONE;
    if (params_json != NULL) {
        j_root = cJSON_ParseWithLengthOpts(params_json, strlen(params_json) + 1, NULL, 1);
    }
    if (j_root == NULL || !cJSON_IsObject(j_root)) {
        cJSON_Delete(j_root);
        why->fault = JOBDOC_FAULT_NOT_OBJECT;
        return -1;
    }
    nul_at = nul_escape_member(params_json);
    for (const cJSON *j = j_root->child; j != NULL; j = j->next, k++) {
        long idx = param_index(doc, j->string, strlen(j->string));

        if (idx < 0) {
            why->fault = JOBDOC_FAULT_UNKNOWN;
        } else if (cJSON_GetObjectItemCaseSensitive(j_root, j->string) != j) {
            /* A name given twice: which value would count is anybody's guess. */
            why->fault = JOBDOC_FAULT_FORMAT;
        } else {
            why->fault = check_value(&doc->params[idx], j, k == nul_at);
        }
        if (why->fault != JOBDOC_FAULT_NONE) {
            describe(why, j->string, j);
            cJSON_Delete(j_root);
            return -1;
        }
    }
    for (size_t i = 0; i < doc->n_params; i++) {
        if (doc->params[i].required
            && cJSON_GetObjectItemCaseSensitive(j_root, doc->params[i].name) == NULL) {
            why->fault = JOBDOC_FAULT_MISSING;
            describe(why, doc->params[i].name, NULL);
            cJSON_Delete(j_root);
            return -1;
        }
    }
    cJSON_Delete(j_root);
    return 0;
}

/* ---- argv and environment -------------------------------------------------------------------- */

/* What a fault means, for build_exec's message. */
static const char *
fault_text(enum jobdoc_fault f)
{
    switch (f) {
    case JOBDOC_FAULT_NONE:
        return "valid";
    case JOBDOC_FAULT_NOT_OBJECT:
        return "not a JSON object";
    case JOBDOC_FAULT_UNKNOWN:
        return "not a parameter of this document";
    case JOBDOC_FAULT_MISSING:
        return "required";
    case JOBDOC_FAULT_TYPE:
        return "of the wrong type";
    case JOBDOC_FAULT_VALUE:
        return "not an allowed value";
    case JOBDOC_FAULT_FORMAT:
        return "not in the allowed format";
    }
    return "invalid";
}

/*
 * Allocates a NULL-terminated array of n strings in one block: the n + 1 pointers, then
 * text_bytes for the strings, whose start goes to *text. Returns NULL when out of memory.
 */
static char **
vec_alloc(size_t n, size_t text_bytes, char **text)
{
    size_t head = (n + 1) * sizeof(char *);
    char **v;

    if (text_bytes > SIZE_MAX - head) {
        return NULL;
    }
    v = malloc(head + text_bytes);
    if (v == NULL) {
        return NULL;
    }
    v[n] = NULL;
    *text = (char *)(void *)v + head;
    return v;
}

/* Builds argv from the templates; vals[k] is parameter k's text or NULL. */
static int
build_argv(const struct jobdoc *doc, const char *const *vals, const char *task_dir, char ***argv,
           struct jd_err *e)
{
    size_t lens[JOBDOC_ARGV_MAX];
    size_t dir_len = 0;
    size_t total = 0;
    bool bare = doc->argv[0][0] != '/';
    char *text;
    char **v;

    if (bare) {
        if (task_dir == NULL || task_dir[0] == '\0') {
            return jd_fail(e, "Command[0]: %s is a bare name, and there is no task directory",
                           doc->argv[0]);
        }
        dir_len = strlen(task_dir);
        /* "/srv/tasks/" and "/srv/tasks" give the same path; "/" gives "/name". */
        while (dir_len > 0 && task_dir[dir_len - 1] == '/') {
            dir_len--;
        }
    }
    for (size_t i = 0; i < doc->argc; i++) {
        size_t len = tmpl_expand(doc, doc->argv[i], vals, NULL);

        if (len == SIZE_MAX) {
            return jd_fail(e, "Command[%zu]: not a valid template", i);
        }
        if (i == 0 && bare) {
            len += dir_len + 1;
        }
        if (len >= JOBDOC_ARG_MAX) {
            return jd_fail(e, "Command[%zu]: longer than %d bytes once expanded", i,
                           JOBDOC_ARG_MAX - 1);
        }
        lens[i] = len;
        total += len + 1;
    }
    if (total > JOBDOC_EXEC_MAX) {
        return jd_fail(e, "Command: longer than %d bytes once expanded", JOBDOC_EXEC_MAX);
    }
    v = vec_alloc(doc->argc, total, &text);
    if (v == NULL) {
        return jd_oom(e);
    }
    for (size_t i = 0; i < doc->argc; i++) {
        size_t off = 0;

        v[i] = text;
        if (i == 0 && bare) {
            memcpy(text, task_dir, dir_len);
            text[dir_len] = '/';
            off = dir_len + 1;
        }
        (void)tmpl_expand(doc, doc->argv[i], vals, text + off);
        text[lens[i]] = '\0';
        text += lens[i] + 1;
    }
    *argv = v;
    return 0;
}

/* Builds the environment: PATH, LANG, one RFJOBD_PARAM_* per given parameter, extra_env. */
static int
build_envp(const struct jobdoc *doc, const char *const *vals, const char *const *extra_env,
           char ***envp, struct jd_err *e)
{
    const size_t prefix = strlen(JOBDOC_ENV_PARAM);
    size_t n = 2;
    size_t total = sizeof JOBDOC_ENV_PATH + sizeof JOBDOC_ENV_LANG;
    size_t n_extra = 0;
    char *text;
    char **v;
    size_t at = 0;

    for (size_t i = 0; i < doc->n_params; i++) {
        if (vals[i] != NULL) {
            n++;
            total += prefix + strlen(doc->params[i].name) + 1 + strlen(vals[i]) + 1;
        }
    }
    for (; extra_env != NULL && extra_env[n_extra] != NULL; n_extra++) {
        const char *x = extra_env[n_extra];
        const char *eq = strchr(x, '=');
        size_t len = strlen(x);

        if (eq == NULL || eq == x) {
            return jd_fail(e, "extra_env[%zu]: not NAME=value", n_extra);
        }
        if (len >= JOBDOC_ARG_MAX || len + 1 > JOBDOC_EXEC_MAX - total) {
            return jd_fail(e, "extra_env[%zu]: too long", n_extra);
        }
        total += len + 1;
        n++;
    }
    if (total > JOBDOC_EXEC_MAX) {
        return jd_fail(e, "the environment is longer than %d bytes", JOBDOC_EXEC_MAX);
    }
    v = vec_alloc(n, total, &text);
    if (v == NULL) {
        return jd_oom(e);
    }
    v[at++] = text;
    memcpy(text, JOBDOC_ENV_PATH, sizeof JOBDOC_ENV_PATH);
    text += sizeof JOBDOC_ENV_PATH;
    v[at++] = text;
    memcpy(text, JOBDOC_ENV_LANG, sizeof JOBDOC_ENV_LANG);
    text += sizeof JOBDOC_ENV_LANG;
    for (size_t i = 0; i < doc->n_params; i++) {
        const char *name = doc->params[i].name;
        size_t len;

        if (vals[i] == NULL) {
            continue;
        }
        v[at++] = text;
        memcpy(text, JOBDOC_ENV_PARAM, prefix);
        text += prefix;
        for (; *name != '\0'; name++) {
            *text++ = ascii_upper(*name);
        }
        *text++ = '=';
        len = strlen(vals[i]);
        memcpy(text, vals[i], len + 1);
        text += len + 1;
    }
    for (size_t i = 0; i < n_extra; i++) {
        size_t len = strlen(extra_env[i]);

        v[at++] = text;
        memcpy(text, extra_env[i], len + 1);
        text += len + 1;
    }
    *envp = v;
    return 0;
}

int
jobdoc_build_exec(const struct jobdoc *doc, const char *params_json, const char *task_dir,
                  const char *const *extra_env, char ***argv, char ***envp, char *err, size_t errsz)
{
    struct jd_err e = {err, errsz, false};
    struct jobdoc_check why;
    const char *vals[JOBDOC_PARAMS_MAX] = {NULL};
    char nums[JOBDOC_PARAMS_MAX][JOBDOC_NUM_SIZE];
    cJSON *j_root;
    int rc = 0;

    *argv = NULL;
    *envp = NULL;
    if (doc->argc == 0 || doc->argc > JOBDOC_ARGV_MAX || doc->n_params > JOBDOC_PARAMS_MAX) {
        return jd_fail(&e, "not a loaded document");
    }
    if (params_json == NULL) {
        params_json = "{}";
    }
    /* Checked again here, so that nothing unchecked can ever reach a command. */
    if (jobdoc_check_params(doc, params_json, &why) != 0) {
        if (why.fault == JOBDOC_FAULT_NOT_OBJECT) {
            return jd_fail(&e, "Parameters: not a JSON object");
        }
        return jd_fail(&e, "Parameters.%s: %s", why.param, fault_text(why.fault));
    }
    j_root = cJSON_ParseWithLengthOpts(params_json, strlen(params_json) + 1, NULL, 1);
    if (j_root == NULL) {
        return jd_oom(&e);
    }
    for (size_t i = 0; i < doc->n_params && rc == 0; i++) {
        cJSON *j = cJSON_GetObjectItemCaseSensitive(j_root, doc->params[i].name);

        vals[i] = NULL;
        if (j == NULL) {
            continue;
        }
        switch (doc->params[i].type) {
        case JOBDOC_BOOLEAN:
            vals[i] = cJSON_IsTrue(j) ? "true" : "false";
            break;
        case JOBDOC_NUMBER:
            /* Written as cJSON writes it: 3, 2.5, -1, 1000 for 1e3. */
            if (!cJSON_PrintPreallocated(j, nums[i], (int)sizeof nums[i], 0)) {
                rc = jd_fail(&e, "Parameters.%s: cannot write the number", doc->params[i].name);
            }
            vals[i] = nums[i];
            break;
        case JOBDOC_STRING:
            vals[i] = j->valuestring;
            break;
        }
    }
    if (rc == 0) {
        rc = build_argv(doc, vals, task_dir, argv, &e);
    }
    if (rc == 0) {
        rc = build_envp(doc, vals, extra_env, envp, &e);
        if (rc != 0) {
            free(*argv);
            *argv = NULL;
        }
    }
    cJSON_Delete(j_root);
    return rc;
}
