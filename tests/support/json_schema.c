/* A validator for the JSON Schema subset of this project's schema files; see json_schema.h. */
#include "json_schema.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JS_PATH_MAX 256
#define JS_FILE_MAX (4 * 1024 * 1024)
#define JS_REGEX_MAX 512

cJSON *
js_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0;
    cJSON *j = NULL;

    if (f == NULL)
        return NULL;
    text = malloc(JS_FILE_MAX + 1);
    if (text != NULL) {
        len = fread(text, 1, JS_FILE_MAX, f);
        if (ferror(f) == 0 && len < JS_FILE_MAX)
            j = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
    }
    free(text);
    fclose(f);
    return j;
}

struct js {
    const cJSON *root;
    char *err;
    size_t errsz;
};

__attribute__((format(printf, 3, 4))) static int
fail(struct js *v, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(v->err, v->errsz, "%s: ", path[0] != '\0' ? path : "/");

    if (n < 0 || (size_t)n >= v->errsz)
        return -1;
    va_start(ap, fmt);
    (void)vsnprintf(v->err + n, v->errsz - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Compiles an ECMA-262 pattern of the supported kind as a POSIX extended expression. */
static int
compile(const char *pattern, regex_t *re)
{
    char ere[JS_REGEX_MAX];
    size_t o = 0;

    for (const char *p = pattern; *p != '\0'; p++) {
        const char *add = NULL;
        char one[3] = {0, 0, 0};
        if (p[0] == '\\' && p[1] == 'd') {
            add = "[0-9]";
            p++;
        } else if (p[0] == '\\' && p[1] != '\0') {
            one[0] = p[0];
            one[1] = p[1];
            add = one;
            p++;
        } else {
            one[0] = p[0];
            add = one;
        }
        if (o + strlen(add) >= sizeof ere)
            return -1;
        memcpy(ere + o, add, strlen(add));
        o += strlen(add);
    }
    ere[o] = '\0';
    return regcomp(re, ere, REG_EXTENDED | REG_NOSUB) == 0 ? 0 : -1;
}

/* Returns 1 when s matches pattern, 0 when not, -1 when the pattern is not supported. */
static int
matches(const char *pattern, const char *s)
{
    regex_t re;
    int rc;

    if (compile(pattern, &re) != 0)
        return -1;
    rc = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return rc;
}

static int
is_integer(const cJSON *j)
{
    return cJSON_IsNumber(j) && isfinite(j->valuedouble) && floor(j->valuedouble) == j->valuedouble;
}

static int
type_is(const cJSON *j, const char *type)
{
    if (strcmp(type, "object") == 0)
        return cJSON_IsObject(j);
    if (strcmp(type, "array") == 0)
        return cJSON_IsArray(j);
    if (strcmp(type, "string") == 0)
        return cJSON_IsString(j);
    if (strcmp(type, "integer") == 0)
        return is_integer(j);
    if (strcmp(type, "number") == 0)
        return cJSON_IsNumber(j);
    if (strcmp(type, "boolean") == 0)
        return cJSON_IsBool(j);
    if (strcmp(type, "null") == 0)
        return cJSON_IsNull(j);
    return -1;
}

static size_t
utf8_length(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if ((*p & 0xC0u) != 0x80u)
            n++;
    return n;
}

static int validate(struct js *v, const cJSON *schema, const cJSON *j, const char *path);

static int
check_ref(struct js *v, const char *ref, const cJSON *j, const char *path)
{
    static const char local[] = "#/definitions/";
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(v->root, "definitions");
    const cJSON *target;

    if (strncmp(ref, local, sizeof local - 1) != 0)
        return ref[0] == '#' ? fail(v, path, "unsupported $ref %s", ref) : 0; /* another file */
    target = cJSON_GetObjectItemCaseSensitive(defs, ref + sizeof local - 1);
    if (target == NULL)
        return fail(v, path, "unknown $ref %s", ref);
    return validate(v, target, j, path);
}

static int
check_type(struct js *v, const cJSON *type, const cJSON *j, const char *path)
{
    const cJSON *t;

    if (cJSON_IsString(type)) {
        int rc = type_is(j, type->valuestring);
        if (rc < 0)
            return fail(v, path, "unsupported type %s", type->valuestring);
        return rc ? 0 : fail(v, path, "not of type %s", type->valuestring);
    }
    if (!cJSON_IsArray(type))
        return fail(v, path, "unsupported type keyword");
    cJSON_ArrayForEach(t, type)
    {
        int rc = cJSON_IsString(t) ? type_is(j, t->valuestring) : -1;
        if (rc < 0)
            return fail(v, path, "unsupported type in a type array");
        if (rc)
            return 0;
    }
    return fail(v, path, "of none of the allowed types");
}

static int
check_enum(struct js *v, const cJSON *en, const cJSON *j, const char *path)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, en)
    {
        if (cJSON_Compare(e, j, 1))
            return 0;
    }
    if (cJSON_IsString(j))
        return fail(v, path, "\"%s\" is not in the enumeration", j->valuestring);
    return fail(v, path, "not in the enumeration");
}

static int
check_string(struct js *v, const cJSON *schema, const cJSON *j, const char *path)
{
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(schema, "pattern");
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(schema, "format");
    const cJSON *max_len = cJSON_GetObjectItemCaseSensitive(schema, "maxLength");

    if (cJSON_IsString(pattern)) {
        int rc = matches(pattern->valuestring, j->valuestring);
        if (rc < 0)
            return fail(v, path, "unsupported pattern %s", pattern->valuestring);
        if (rc == 0)
            return fail(v, path, "\"%s\" does not match %s", j->valuestring, pattern->valuestring);
    }
    if (cJSON_IsString(format) && strcmp(format->valuestring, "date-time") == 0
        && matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?"
                   "(Z|[+-][0-9]{2}:[0-9]{2})$",
                   j->valuestring)
               != 1)
        return fail(v, path, "\"%s\" is not an RFC 3339 date-time", j->valuestring);
    if (cJSON_IsNumber(max_len) && (double)utf8_length(j->valuestring) > max_len->valuedouble)
        return fail(v, path, "longer than %g characters", max_len->valuedouble);
    return 0;
}

static int
check_number(struct js *v, const cJSON *schema, const cJSON *j, const char *path)
{
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(schema, "maximum");

    if (cJSON_IsNumber(min) && j->valuedouble < min->valuedouble)
        return fail(v, path, "%g is below the minimum %g", j->valuedouble, min->valuedouble);
    if (cJSON_IsNumber(max) && j->valuedouble > max->valuedouble)
        return fail(v, path, "%g is above the maximum %g", j->valuedouble, max->valuedouble);
    return 0;
}

static int
check_object(struct js *v, const cJSON *schema, const cJSON *j, const char *path)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    const cJSON *pattern_props = cJSON_GetObjectItemCaseSensitive(schema, "patternProperties");
    const cJSON *additional = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
    const cJSON *required = cJSON_GetObjectItemCaseSensitive(schema, "required");
    const cJSON *r;
    const cJSON *m;
    char sub[JS_PATH_MAX];

    cJSON_ArrayForEach(r, required)
    {
        if (cJSON_IsString(r) && cJSON_GetObjectItemCaseSensitive(j, r->valuestring) == NULL)
            return fail(v, path, "required property %s is missing", r->valuestring);
    }
    cJSON_ArrayForEach(m, j)
    {
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, m->string);
        const cJSON *pp;
        int known = ps != NULL;

        if (snprintf(sub, sizeof sub, "%s/%s", path, m->string) >= (int)sizeof sub)
            return fail(v, path, "path too long");
        if (ps != NULL && validate(v, ps, m, sub) != 0)
            return -1;
        cJSON_ArrayForEach(pp, pattern_props)
        {
            int rc = matches(pp->string, m->string);
            if (rc < 0)
                return fail(v, path, "unsupported pattern %s", pp->string);
            if (rc == 0)
                continue;
            known = 1;
            if (validate(v, pp, m, sub) != 0)
                return -1;
        }
        if (!known && cJSON_IsFalse(additional))
            return fail(v, sub, "property not allowed");
    }
    return 0;
}

static int
validate(struct js *v, const cJSON *schema, const cJSON *j, const char *path)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
    const cJSON *any_of = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");

    if (!cJSON_IsObject(schema))
        return fail(v, path, "the schema is not an object");
    if (cJSON_IsString(ref) && check_ref(v, ref->valuestring, j, path) != 0)
        return -1;
    if (any_of != NULL) {
        const cJSON *alt;
        int ok = 0;
        cJSON_ArrayForEach(alt, any_of)
        {
            if (validate(v, alt, j, path) == 0) {
                ok = 1;
                break;
            }
        }
        if (!ok) {
            char last[JS_PATH_MAX];
            (void)snprintf(last, sizeof last, "%s", v->err);
            return fail(v, path, "matches none of anyOf (last: %s)", last);
        }
    }
    if (type != NULL && check_type(v, type, j, path) != 0)
        return -1;
    if (en != NULL && check_enum(v, en, j, path) != 0)
        return -1;
    if (cJSON_IsString(j) && check_string(v, schema, j, path) != 0)
        return -1;
    if (cJSON_IsNumber(j) && check_number(v, schema, j, path) != 0)
        return -1;
    if (cJSON_IsArray(j) && items != NULL) {
        const cJSON *e;
        int i = 0;
        cJSON_ArrayForEach(e, j)
        {
            char sub[JS_PATH_MAX];
            if (snprintf(sub, sizeof sub, "%s/%d", path, i++) >= (int)sizeof sub)
                return fail(v, path, "path too long");
            if (validate(v, items, e, sub) != 0)
                return -1;
        }
    }
    if (cJSON_IsObject(j) && check_object(v, schema, j, path) != 0)
        return -1;
    return 0;
}

int
js_validate(const cJSON *root, const char *def, const cJSON *j, char *err, size_t errsz)
{
    struct js v = {root, err, errsz};
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "definitions"), def);

    if (errsz > 0)
        err[0] = '\0';
    if (schema == NULL)
        return fail(&v, "", "no definition %s", def);
    return validate(&v, schema, j, "");
}
