/*
 * Job documents: every refusal rule of the file format (each fault names its member), loading a
 * directory (only good regular *.json files, sorted, bad ones logged), checking submitted
 * parameters, and building argv and envp without a shell. Also loads the shipped documents.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../suites.h"
#include "../support/tmpdir.h"
#include "jobdoc.h"
#include "rf_buf.h"

#define SEC UINT64_C(1000000)

/* A valid document using every member; the refusal tests change one member of it at a time. */
static const char base_doc[] =
    "{\n"
    "  \"Id\": \"Sample\",\n"
    "  \"Name\": \"Sample job\",\n"
    "  \"Description\": \"A sample.\",\n"
    "  \"Version\": \"1.0.0\",\n"
    "  \"DocumentType\": \"Script\",\n"
    "  \"JobClass\": \"CIM_ConcreteJob\",\n"
    "  \"Command\": [\"sample-task\", \"--name={Name}\", \"--count={Count}\", "
    "\"--force={Force}\",\n"
    "              \"{{literal}}\", \"{Color}{Size}{Text}\"],\n"
    "  \"MaxExecutionTime\": \"PT1H\",\n"
    "  \"EstimatedDuration\": \"PT30S\",\n"
    "  \"TerminateGracePeriod\": \"PT5S\",\n"
    "  \"Supports\": {\"Suspend\": true, \"Terminate\": false},\n"
    "  \"ParameterMetadata\": [\n"
    "    {\"Name\": \"Name\", \"DataType\": \"String\", \"Required\": true,\n"
    "     \"AllowablePattern\": \"[a-z]+\", \"ValueHint\": \"abc\", \"Description\": \"A "
    "name.\"},\n"
    "    {\"Name\": \"Count\", \"DataType\": \"Number\", \"MinimumValue\": -5, \"MaximumValue\": "
    "1000},\n"
    "    {\"Name\": \"Force\", \"DataType\": \"Boolean\", \"Required\": false},\n"
    "    {\"Name\": \"Color\", \"DataType\": \"String\", \"AllowableValues\": [\"red\", "
    "\"green\"],\n"
    "     \"AllowableValueDescriptions\": [\"Red.\", \"Green.\"]},\n"
    "    {\"Name\": \"Size\", \"DataType\": \"Number\", \"AllowableNumbers\": [1, \"2.5\", 4]},\n"
    "    {\"Name\": \"Text\", \"DataType\": \"String\"}\n"
    "  ]\n"
    "}\n";

/* The smallest valid document, and the SHA-256 of its text. */
static const char min_doc[] = "{\"Id\":\"Min\",\"Name\":\"M\",\"Version\":\"1\",\"DocumentType\":"
                              "\"Script\",\"JobClass\":\"Msps_ProvisioningJob\",\"Command\":[\"/"
                              "bin/true\"]}";
static const char min_doc_sha256[] =
    "e57ff697a9b3133140ed7d0563f3eb07ec705de6a8e55fe66f487cd82c489eca";

static char dir[256];

static void
setup(void)
{
    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
}

static void
teardown(void)
{
    tdir_remove(dir);
}

/* ---- helpers --------------------------------------------------------------------------------- */

/*
 * Returns base_doc with the member at path ('/' between names; numbers index arrays) set to
 * j_value (taken over), or removed when j_value is NULL. Free with cJSON_free().
 */
static char *
edit_doc(const char *path, cJSON *j_value)
{
    cJSON *j_root = cJSON_Parse(base_doc);
    cJSON *j_parent = j_root;
    char copy[256];
    char *save = NULL;
    char *tok;
    char *next;
    char *text;

    ck_assert_ptr_nonnull(j_root);
    ck_assert_int_eq(rf_strlcpy(copy, path, sizeof copy), 0);
    tok = strtok_r(copy, "/", &save);
    while ((next = strtok_r(NULL, "/", &save)) != NULL) {
        j_parent = cJSON_IsArray(j_parent)
                       ? cJSON_GetArrayItem(j_parent, (int)strtol(tok, NULL, 10))
                       : cJSON_GetObjectItemCaseSensitive(j_parent, tok);
        ck_assert_msg(j_parent != NULL, "%s: no %s", path, tok);
        tok = next;
    }
    if (cJSON_IsArray(j_parent)) {
        int idx = (int)strtol(tok, NULL, 10);

        if (j_value == NULL) {
            cJSON_DeleteItemFromArray(j_parent, idx);
        } else {
            ck_assert(cJSON_ReplaceItemInArray(j_parent, idx, j_value));
        }
    } else if (j_value == NULL) {
        cJSON_DeleteItemFromObjectCaseSensitive(j_parent, tok);
    } else if (cJSON_GetObjectItemCaseSensitive(j_parent, tok) != NULL) {
        ck_assert(cJSON_ReplaceItemInObjectCaseSensitive(j_parent, tok, j_value));
    } else {
        ck_assert(cJSON_AddItemToObject(j_parent, tok, j_value));
    }
    text = cJSON_PrintUnformatted(j_root);
    ck_assert_ptr_nonnull(text);
    cJSON_Delete(j_root);
    return text;
}

/* Returns base_doc with the first occurrence of from replaced by to. Free with free(). */
static char *
replace_doc(const char *from, const char *to)
{
    const char *at = strstr(base_doc, from);
    size_t head;
    size_t len;
    char *text;

    ck_assert_msg(at != NULL, "no %s in the base document", from);
    head = (size_t)(at - base_doc);
    len = strlen(base_doc) - strlen(from) + strlen(to);
    text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    memcpy(text, base_doc, head);
    memcpy(text + head, to, strlen(to));
    memcpy(text + head + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
    return text;
}

/* Parses text as "Sample.json" and asserts that it is refused with a message holding expect. */
static void
assert_refused(const char *text, size_t len, const char *expect)
{
    struct jobdoc doc;
    char err[256];

    err[0] = '\0';
    ck_assert_msg(jobdoc_parse("Sample.json", text, len, &doc, err, sizeof err) == -1,
                  "accepted, expected \"%s\"", expect);
    ck_assert_msg(strstr(err, expect) != NULL, "expected \"%s\", got \"%s\"", expect, err);
    /* A refused document holds nothing: cleaning it up again is harmless. */
    ck_assert_ptr_null(doc.id);
    ck_assert_ptr_null(doc.text);
    jobdoc_cleanup(&doc);
}

/* Parses base_doc; the test fails when that does not work. */
static void
load_base(struct jobdoc *doc)
{
    char err[256];

    err[0] = '\0';
    ck_assert_msg(jobdoc_parse("Sample.json", base_doc, strlen(base_doc), doc, err, sizeof err)
                      == 0,
                  "base document refused: %s", err);
}

static void
write_file(const char *name, const char *text, size_t len)
{
    char path[512];
    FILE *f;

    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/%s", dir, name), 0);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* A valid document text whose Id is id. */
static void
write_doc(const char *name, const char *id)
{
    char text[512];

    ck_assert_int_eq(rf_fmt(text, sizeof text,
                            "{\"Id\":\"%s\",\"Name\":\"Doc %s\",\"Version\":\"1\","
                            "\"DocumentType\":\"Script\",\"JobClass\":\"CIM_ConcreteJob\","
                            "\"Command\":[\"task\"]}",
                            id, id),
                     0);
    write_file(name, text, strlen(text));
}

/* Reads a whole (small) file into buf as a string. */
static void
read_text(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Asserts the one-allocation layout: the strings follow the pointer array, one after another. */
static void
assert_one_block(char **v)
{
    size_t n = 0;
    const char *expect;

    while (v[n] != NULL) {
        n++;
    }
    expect = (const char *)(const void *)(v + n + 1);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(v[i] == expect, "element %zu is not where the block puts it", i);
        expect += strlen(v[i]) + 1;
    }
}

static size_t
vec_len(char **v)
{
    size_t n = 0;

    while (v[n] != NULL) {
        n++;
    }
    return n;
}

/* ---- a good document ------------------------------------------------------------------------- */

START_TEST(test_parse_all_members)
{
    struct jobdoc doc;
    const struct jobdoc_param *p;

    load_base(&doc);
    ck_assert_str_eq(doc.id, "Sample");
    ck_assert_str_eq(doc.name, "Sample job");
    ck_assert_str_eq(doc.description, "A sample.");
    ck_assert_str_eq(doc.version, "1.0.0");
    ck_assert_str_eq(doc.document_type, "Script");
    ck_assert_ptr_eq(doc.cls, &job_class_concrete);
    ck_assert_uint_eq(doc.argc, 6);
    ck_assert_str_eq(doc.argv[0], "sample-task");
    ck_assert_str_eq(doc.argv[1], "--name={Name}");
    ck_assert_str_eq(doc.argv[4], "{{literal}}");
    ck_assert_ptr_null(doc.argv[6]);
    ck_assert_uint_eq(doc.max_exec_us, 3600 * SEC);
    ck_assert_uint_eq(doc.estimated_us, 30 * SEC);
    ck_assert_uint_eq(doc.grace_us, 5 * SEC);
    ck_assert(doc.can_suspend);
    ck_assert(!doc.can_terminate);
    ck_assert_str_eq(doc.text, base_doc);
    ck_assert_uint_eq(strlen(doc.hash), 64);
    ck_assert_uint_eq(strspn(doc.hash, "0123456789abcdef"), 64);

    ck_assert_uint_eq(doc.n_params, 6);
    p = &doc.params[0];
    ck_assert_str_eq(p->name, "Name");
    ck_assert_int_eq(p->type, JOBDOC_STRING);
    ck_assert(p->required);
    ck_assert_str_eq(p->allowable_pattern, "[a-z]+");
    ck_assert_str_eq(p->value_hint, "abc");
    ck_assert_str_eq(p->description, "A name.");
    ck_assert_ptr_null(p->allowable_values);
    p = &doc.params[1];
    ck_assert_int_eq(p->type, JOBDOC_NUMBER);
    ck_assert(!p->required);
    ck_assert(p->has_min && p->has_max);
    ck_assert(p->min == -5.0 && p->max == 1000.0);
    ck_assert_ptr_null(p->value_hint);
    ck_assert_ptr_null(p->description);
    ck_assert_int_eq(doc.params[2].type, JOBDOC_BOOLEAN);
    p = &doc.params[3];
    ck_assert_str_eq(p->allowable_values[0], "red");
    ck_assert_str_eq(p->allowable_values[1], "green");
    ck_assert_ptr_null(p->allowable_values[2]);
    p = &doc.params[4];
    ck_assert_uint_eq(p->n_allowable_numbers, 3);
    ck_assert(p->allowable_numbers[0] == 1.0);
    ck_assert(p->allowable_numbers[1] == 2.5); /* given as the string "2.5" */
    ck_assert(p->allowable_numbers[2] == 4.0);
    ck_assert(!p->has_min && !p->has_max);
    jobdoc_cleanup(&doc);
    /* Cleaning up twice is harmless: the struct is left empty. */
    jobdoc_cleanup(&doc);
    jobdoc_cleanup(NULL);
}
END_TEST

START_TEST(test_parse_defaults_and_hash)
{
    struct jobdoc doc;
    char err[256];

    ck_assert_int_eq(jobdoc_parse("Min.json", min_doc, strlen(min_doc), &doc, err, sizeof err), 0);
    ck_assert_ptr_eq(doc.cls, &job_class_provisioning);
    ck_assert_ptr_null(doc.description);
    ck_assert_uint_eq(doc.argc, 1);
    ck_assert_uint_eq(doc.n_params, 0);
    ck_assert_ptr_null(doc.params);
    ck_assert_uint_eq(doc.max_exec_us, 0);
    ck_assert_uint_eq(doc.estimated_us, 0);
    ck_assert_uint_eq(doc.grace_us, 10 * SEC);
    ck_assert(!doc.can_suspend && !doc.can_terminate);
    ck_assert_int_eq(doc.mtime_us, 0);
    ck_assert_str_eq(doc.hash, min_doc_sha256);
    jobdoc_cleanup(&doc);

    /* The file may be given as a path; NULL skips the Id check. */
    ck_assert_int_eq(
        jobdoc_parse("some/dir/Min.json", min_doc, strlen(min_doc), &doc, err, sizeof err), 0);
    jobdoc_cleanup(&doc);
    ck_assert_int_eq(jobdoc_parse(NULL, min_doc, strlen(min_doc), &doc, err, sizeof err), 0);
    jobdoc_cleanup(&doc);
    ck_assert_int_eq(jobdoc_parse("Other.json", min_doc, strlen(min_doc), &doc, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "Id: Min differs"));
}
END_TEST

START_TEST(test_parse_uses_len_not_nul)
{
    struct jobdoc doc;
    char err[256];
    char buf[sizeof min_doc + 16];
    size_t len = strlen(min_doc);

    /* Only len bytes count: what follows them (no NUL here) is not read. */
    memcpy(buf, min_doc, len);
    memset(buf + len, 'x', sizeof buf - len);
    ck_assert_int_eq(jobdoc_parse("Min.json", buf, len, &doc, err, sizeof err), 0);
    ck_assert_str_eq(doc.text, min_doc);
    ck_assert_str_eq(doc.hash, min_doc_sha256);
    jobdoc_cleanup(&doc);
    /* Counted in, the trailing bytes make it invalid JSON. */
    assert_refused(buf, len + 3, "not valid JSON");
}
END_TEST

/* ---- refusals: one member changed at a time -------------------------------------------------- */

struct refusal {
    const char *path;  /* member to change */
    const char *value; /* its new JSON value, or NULL to remove it */
    const char *error; /* what the message must hold */
};

static const struct refusal refusals[] = {
    {"Bogus", "1", "Bogus: unknown member"},
    {"Supprts", "{}", "Supprts: unknown member"},
    {"Supports/Suspnd", "true", "Supports.Suspnd: unknown member"},
    {"ParameterMetadata/0/Requird", "true", "ParameterMetadata[0].Requird: unknown member"},
    {"Id", NULL, "Id: required"},
    {"Id", "7", "Id: must be a string"},
    {"Id", "\"\"", "Id: must not be empty"},
    {"Id", "\"Sam ple\"", "Id: must match [A-Za-z0-9_.-]{1,64}"},
    {"Id", "\"Sample/x\"", "Id: must match"},
    {"Id", "\"..\"", "Id: must match"},
    {"Id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
     "Id: must match"},
    {"Id", "\"Other\"", "Id: Other differs from the file's name, which calls for Sample"},
    {"Id", "\"sample\"", "Id: sample differs"},
    {"Name", NULL, "Name: required"},
    {"Name", "\"\"", "Name: must not be empty"},
    {"Name", "[]", "Name: must be a string"},
    {"Description", "3", "Description: must be a string"},
    {"Version", NULL, "Version: required"},
    {"Version", "1", "Version: must be a string"},
    {"DocumentType", NULL, "DocumentType: required"},
    {"DocumentType", "\"Shell\"", "DocumentType: must be Script"},
    {"JobClass", NULL, "JobClass: required"},
    {"JobClass", "\"CIM_Job\"", "JobClass: must be CIM_ConcreteJob or Msps_ProvisioningJob"},
    {"JobClass", "\"cim_concretejob\"", "JobClass: must be"},
    {"Command", NULL, "Command: required"},
    {"Command", "\"sample-task --all\"", "Command: must be an array of strings"},
    {"Command", "[]", "Command: must not be empty"},
    {"Command", "[\"t\", 2]", "Command[1]: must be a string"},
    {"Command", "[\"t\", null]", "Command[1]: must be a string"},
    {"Command", "[\"\"]", "Command[0]: must not be empty"},
    {"Command", "[\"bin/tool\"]", "Command[0]: must be an absolute path or a bare name"},
    {"Command", "[\"./tool\"]", "Command[0]: must be an absolute path or a bare name"},
    {"Command", "[\".\"]", "Command[0]: . is not a program name"},
    {"Command", "[\"..\"]", "Command[0]: .. is not a program name"},
    {"Command", "[\"{Name}\"]", "Command[0]: the program to run may not hold a placeholder"},
    {"Command", "[\"/opt/{Name}/run\"]", "Command[0]: the program to run may not hold"},
    {"Command", "[\"t\", \"--x={Nope}\"]", "Command[1]: placeholder {Nope} names no parameter"},
    {"Command", "[\"t\", \"{name}\"]", "Command[1]: placeholder {name} names no parameter"},
    {"Command", "[\"t\", \"{}\"]", "Command[1]: placeholder {} names no parameter"},
    {"Command", "[\"t\", \"a\", \"a}b\"]", "Command[2]: '}' without '{'"},
    {"Command", "[\"t\", \"{Name\"]", "Command[1]: '{' without '}'"},
    {"Command", "[\"t\", \"{Na{me}\"]", "Command[1]: '{' without '}'"},
    {"Command", "[\"t\", \"{{Name}\"]", "Command[1]: '}' without '{'"},
    {"Command", "[\"t\", \"{Name}}\"]", "Command[1]: '}' without '{'"},
    {"MaxExecutionTime", "\"1 hour\"", "MaxExecutionTime: must be an ISO 8601 duration"},
    {"MaxExecutionTime", "\"P1M\"", "MaxExecutionTime: must be an ISO 8601 duration"},
    {"MaxExecutionTime", "\"PT0S\"", "MaxExecutionTime: must be longer than zero"},
    {"MaxExecutionTime", "3600", "MaxExecutionTime: must be a string"},
    {"EstimatedDuration", "\"-PT1S\"", "EstimatedDuration: must be an ISO 8601 duration"},
    {"EstimatedDuration", "\"pt1s\"", "EstimatedDuration: must be an ISO 8601 duration"},
    {"TerminateGracePeriod", "\"P0D\"", "TerminateGracePeriod: must be longer than zero"},
    {"TerminateGracePeriod", "10", "TerminateGracePeriod: must be a string"},
    {"Supports", "true", "Supports: must be an object"},
    {"Supports/Suspend", "\"yes\"", "Supports.Suspend: must be true or false"},
    {"Supports/Terminate", "1", "Supports.Terminate: must be true or false"},
    {"ParameterMetadata", "{}", "ParameterMetadata: must be an array"},
    {"ParameterMetadata/0", "\"Name\"", "ParameterMetadata[0]: must be an object"},
    {"ParameterMetadata/1/Name", NULL, "ParameterMetadata[1].Name: required"},
    {"ParameterMetadata/1/Name", "\"\"", "ParameterMetadata[1].Name: must not be empty"},
    {"ParameterMetadata/1/Name", "\"9lives\"",
     "ParameterMetadata[1].Name: must match [A-Za-z][A-Za-z0-9_]{0,63}"},
    {"ParameterMetadata/1/Name", "\"has-dash\"", "ParameterMetadata[1].Name: must match"},
    {"ParameterMetadata/1/Name",
     "\"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
     "ParameterMetadata[1].Name: must match"},
    {"ParameterMetadata/1/Name", "\"Name\"",
     "ParameterMetadata[1].Name: Name repeats ParameterMetadata[0].Name Name"},
    {"ParameterMetadata/1/Name", "\"NAME\"",
     "ParameterMetadata[1].Name: NAME repeats ParameterMetadata[0].Name Name"},
    {"ParameterMetadata/1/DataType", NULL, "ParameterMetadata[1].DataType: required"},
    {"ParameterMetadata/1/DataType", "\"Integer\"",
     "ParameterMetadata[1].DataType: must be one of Boolean, Number, String"},
    {"ParameterMetadata/1/DataType", "\"StringArray\"",
     "ParameterMetadata[1].DataType: must be one of Boolean, Number, String"},
    {"ParameterMetadata/1/Required", "\"yes\"",
     "ParameterMetadata[1].Required: must be true or false"},
    {"ParameterMetadata/1/AllowableValues", "[\"1\"]",
     "ParameterMetadata[1].AllowableValues: only for DataType String"},
    {"ParameterMetadata/3/AllowableValues", "[]",
     "ParameterMetadata[3].AllowableValues: must be a non-empty array of strings"},
    {"ParameterMetadata/3/AllowableValues", "\"red\"",
     "ParameterMetadata[3].AllowableValues: must be a non-empty array of strings"},
    {"ParameterMetadata/3/AllowableValues", "[\"red\", 1]",
     "ParameterMetadata[3].AllowableValues[1]: must be a string"},
    {"ParameterMetadata/3/AllowableValues", "[\"a\\nb\"]",
     "ParameterMetadata[3].AllowableValues[0]: no parameter can hold it"},
    {"ParameterMetadata/0/AllowableNumbers", "[1]",
     "ParameterMetadata[0].AllowableNumbers: only for DataType Number"},
    {"ParameterMetadata/4/AllowableNumbers", "[]",
     "ParameterMetadata[4].AllowableNumbers: must be a non-empty array of numbers"},
    {"ParameterMetadata/4/AllowableNumbers", "{\"a\": 1}",
     "ParameterMetadata[4].AllowableNumbers: must be a non-empty array of numbers"},
    {"ParameterMetadata/4/AllowableNumbers", "[1, \"two\"]",
     "ParameterMetadata[4].AllowableNumbers[1]: must be a finite number"},
    {"ParameterMetadata/4/AllowableNumbers", "[\" 1\"]",
     "ParameterMetadata[4].AllowableNumbers[0]: must be a finite number"},
    {"ParameterMetadata/4/AllowableNumbers", "[\"0x10\"]",
     "ParameterMetadata[4].AllowableNumbers[0]: must be a finite number"},
    {"ParameterMetadata/4/AllowableNumbers", "[\"inf\"]",
     "ParameterMetadata[4].AllowableNumbers[0]: must be a finite number"},
    {"ParameterMetadata/4/AllowableNumbers", "[\"1e999\"]",
     "ParameterMetadata[4].AllowableNumbers[0]: must be a finite number"},
    {"ParameterMetadata/4/AllowableNumbers", "[true]",
     "ParameterMetadata[4].AllowableNumbers[0]: must be a finite number"},
    {"ParameterMetadata/1/AllowablePattern", "\"[0-9]+\"",
     "ParameterMetadata[1].AllowablePattern: only for DataType String"},
    {"ParameterMetadata/0/AllowablePattern", "7",
     "ParameterMetadata[0].AllowablePattern: must be a string"},
    {"ParameterMetadata/0/AllowablePattern", "\"\"",
     "ParameterMetadata[0].AllowablePattern: must not be empty"},
    {"ParameterMetadata/0/AllowablePattern", "\"(a\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance"},
    {"ParameterMetadata/0/AllowablePattern", "\"a)\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance"},
    {"ParameterMetadata/0/AllowablePattern", "\"x)|(.*\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance"},
    {"ParameterMetadata/0/AllowablePattern", "\"[a-z\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance"},
    {"ParameterMetadata/0/AllowablePattern", "\"[[:alpha:]\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance"},
    {"ParameterMetadata/0/AllowablePattern", "\"a\\\\\"",
     "ParameterMetadata[0].AllowablePattern: parentheses or brackets do not balance, or a "
     "trailing backslash"},
    {"ParameterMetadata/0/AllowablePattern", "\"a{2,\"",
     "ParameterMetadata[0].AllowablePattern: not a POSIX extended regular expression"},
    {"ParameterMetadata/0/AllowablePattern", "\"[[:nope:]]\"",
     "ParameterMetadata[0].AllowablePattern: not a POSIX extended regular expression"},
    {"ParameterMetadata/0/AllowableValueDescriptions", "\"red\"",
     "ParameterMetadata[0].AllowableValueDescriptions: must be an array of strings"},
    {"ParameterMetadata/3/AllowableValueDescriptions", "[\"Red.\", 2]",
     "ParameterMetadata[3].AllowableValueDescriptions: must be an array of strings"},
    {"ParameterMetadata/0/MinimumValue", "1",
     "ParameterMetadata[0].MinimumValue: only for DataType Number"},
    {"ParameterMetadata/2/MaximumValue", "1",
     "ParameterMetadata[2].MaximumValue: only for DataType Number"},
    {"ParameterMetadata/1/MinimumValue", "\"1\"",
     "ParameterMetadata[1].MinimumValue: must be a finite number"},
    {"ParameterMetadata/1/MaximumValue", "null",
     "ParameterMetadata[1].MaximumValue: must be a finite number"},
    {"ParameterMetadata/1/MinimumValue", "2000",
     "ParameterMetadata[1].MinimumValue: greater than MaximumValue"},
    {"ParameterMetadata/1/ValueHint", "5", "ParameterMetadata[1].ValueHint: must be a string"},
    {"ParameterMetadata/1/Description", "[]", "ParameterMetadata[1].Description: must be a string"},
};

START_TEST(test_refusals)
{
    const struct refusal *r = &refusals[_i];
    cJSON *j_value = NULL;
    char *text;

    if (r->value != NULL) {
        j_value = cJSON_Parse(r->value);
        ck_assert_msg(j_value != NULL, "bad test value %s", r->value);
    }
    text = edit_doc(r->path, j_value);
    assert_refused(text, strlen(text), r->error);
    cJSON_free(text);
}
END_TEST

/* Edits that the refusal table's cJSON round trip cannot express. */
START_TEST(test_refusals_raw)
{
    char *text;
    char big[JOBDOC_FILE_MAX + 2];

    /* cJSON would print an infinity as null; the number must be refused as such. */
    text = replace_doc("\"MaximumValue\": 1000", "\"MaximumValue\": 1e999");
    assert_refused(text, strlen(text),
                   "ParameterMetadata[1].MaximumValue: must be a finite number");
    free(text);
    text = replace_doc("[1, \"2.5\", 4]", "[1, -1e400]");
    assert_refused(text, strlen(text),
                   "ParameterMetadata[4].AllowableNumbers[1]: must be a finite number");
    free(text);
    /* A member given twice. */
    text = replace_doc("\"Version\": \"1.0.0\",", "\"Version\": \"1.0.0\", \"Version\": \"2\",");
    assert_refused(text, strlen(text), "Version: given twice");
    free(text);
    text = replace_doc("\"Suspend\": true,", "\"Suspend\": true, \"Suspend\": false,");
    assert_refused(text, strlen(text), "Supports.Suspend: given twice");
    free(text);
    text = replace_doc("\"DataType\": \"Boolean\",", "\"DataType\": \"Boolean\", \"Name\": \"X\",");
    assert_refused(text, strlen(text), "ParameterMetadata[2].Name: given twice");
    free(text);
    /* \u0000 would silently end a string in cJSON. */
    text = replace_doc("\"Sample job\"", "\"Sample\\u0000job\"");
    assert_refused(text, strlen(text), "Name: a string holds \\u0000 (NUL)");
    free(text);
    text = replace_doc("\"--count={Count}\"", "\"--count={Count}\\u0000; rm -rf /\"");
    assert_refused(text, strlen(text), "Command: a string holds \\u0000");
    free(text);
    /* An escaped backslash before u0000 is no NUL. */
    text = replace_doc("\"A sample.\"", "\"C:\\\\u0000\"");
    {
        struct jobdoc doc;
        char err[256];

        ck_assert_int_eq(jobdoc_parse("Sample.json", text, strlen(text), &doc, err, sizeof err), 0);
        ck_assert_str_eq(doc.description, "C:\\u0000");
        jobdoc_cleanup(&doc);
    }
    free(text);

    /* The text as a whole. */
    assert_refused("", 0, "not valid JSON");
    assert_refused("{", 1, "not valid JSON (at byte 1)");
    assert_refused("[]", 2, "not a JSON object");
    assert_refused("\"Sample\"", 8, "not a JSON object");
    assert_refused("{} {}", 5, "not valid JSON");
    assert_refused("{}\0{}", 5, "the text holds a NUL byte");
    assert_refused("{\"Id\": \"\xc0\xaf\"}", 12, "not valid UTF-8 (at byte 8)");
    assert_refused("{\"Id\": \"\xed\xa0\x80\"}", 13, "not valid UTF-8 (at byte 8)");
    assert_refused("{\"Id\": \"\xf4\x90\x80\x80\"}", 14, "not valid UTF-8 (at byte 8)");
    assert_refused("{\"Id\": \"\xe2\x82\"}", 12, "not valid UTF-8 (at byte 8)");
    assert_refused("{\"Id\": \"\x80\"}", 11, "not valid UTF-8 (at byte 8)");
    assert_refused("{\"Id\": \"\xf8\x88\x80\x80\x80\"}", 15, "not valid UTF-8 (at byte 8)");
    memset(big, ' ', sizeof big);
    big[0] = '{';
    big[sizeof big - 1] = '}';
    assert_refused(big, sizeof big, "larger than 262144 bytes");
}
END_TEST

START_TEST(test_refusals_limits)
{
    cJSON *j_arr;
    char *text;
    char name[16];

    /* 64 Command elements load, 65 do not. */
    j_arr = cJSON_CreateArray();
    ck_assert_ptr_nonnull(j_arr);
    for (int i = 0; i < JOBDOC_ARGV_MAX; i++) {
        ck_assert(cJSON_AddItemToArray(j_arr, cJSON_CreateString(i == 0 ? "t" : "x")));
    }
    text = edit_doc("Command", cJSON_Duplicate(j_arr, 1));
    {
        struct jobdoc doc;
        char err[256];

        ck_assert_int_eq(jobdoc_parse("Sample.json", text, strlen(text), &doc, err, sizeof err), 0);
        ck_assert_uint_eq(doc.argc, JOBDOC_ARGV_MAX);
        jobdoc_cleanup(&doc);
    }
    cJSON_free(text);
    ck_assert(cJSON_AddItemToArray(j_arr, cJSON_CreateString("x")));
    text = edit_doc("Command", j_arr);
    assert_refused(text, strlen(text), "Command: more than 64 elements");
    cJSON_free(text);

    /* 33 parameters are too many. */
    j_arr = cJSON_CreateArray();
    ck_assert_ptr_nonnull(j_arr);
    for (int i = 0; i <= JOBDOC_PARAMS_MAX; i++) {
        cJSON *j_p = cJSON_CreateObject();

        ck_assert_int_eq(rf_fmt(name, sizeof name, "P%d", i), 0);
        ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_p, "Name", name));
        ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_p, "DataType", "String"));
        ck_assert(cJSON_AddItemToArray(j_arr, j_p));
    }
    text = edit_doc("ParameterMetadata", j_arr);
    assert_refused(text, strlen(text), "ParameterMetadata: more than 32 parameters");
    cJSON_free(text);

    /* A pattern of more than 1024 bytes. */
    {
        char pat[1100];

        memset(pat, 'a', sizeof pat - 1);
        pat[sizeof pat - 1] = '\0';
        text = edit_doc("ParameterMetadata/0/AllowablePattern", cJSON_CreateString(pat));
        assert_refused(text, strlen(text),
                       "ParameterMetadata[0].AllowablePattern: longer than 1024 bytes");
        cJSON_free(text);
    }
}
END_TEST

START_TEST(test_accepted_variants)
{
    static const struct {
        const char *path;
        const char *value;
    } ok[] = {
        {"Command", "[\"/usr/bin/env\", \"x\"]"},
        {"Command", "[\"t\", \"{{\", \"}}\", \"{{{Name}}}\", \"\"]"},
        {"Command", "[\"t\", \"{Name}{Name}\"]"},
        {"Id", "\"Sample\""},
        {"JobClass", "\"Msps_ProvisioningJob\""},
        {"Supports", "{}"},
        {"ParameterMetadata/4/AllowableNumbers", "[\"-0.5e3\", 7]"},
        {"ParameterMetadata/0/AllowablePattern", "\"([a-z]|[(])+\""},
        {"ParameterMetadata/0/AllowablePattern", "\"[]a)]+\""},
        {"ParameterMetadata/0/AllowablePattern", "\"[^]]+\""},
        {"ParameterMetadata/0/AllowablePattern", "\"\\\\(x\\\\)\""},
        {"ParameterMetadata/0/AllowablePattern", "\"[[:alpha:]()]+\""},
        {"ParameterMetadata/1/MinimumValue", "1000"},
        {"ParameterMetadata/3/AllowableValueDescriptions", "[]"},
        {"MaxExecutionTime", "\"P1DT0.5S\""},
    };
    struct jobdoc doc;
    char err[256];

    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *text = edit_doc(ok[i].path, cJSON_Parse(ok[i].value));

        ck_assert_msg(jobdoc_parse("Sample.json", text, strlen(text), &doc, err, sizeof err) == 0,
                      "%s = %s refused: %s", ok[i].path, ok[i].value, err);
        jobdoc_cleanup(&doc);
        cJSON_free(text);
    }
}
END_TEST

/* ---- the directory --------------------------------------------------------------------------- */

START_TEST(test_load_dir_missing)
{
    struct jobdoc_set set = {NULL, 7};
    char path[512];

    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/none", dir), 0);
    ck_assert_int_eq(jobdoc_load_dir(path, &set), 0);
    ck_assert_uint_eq(set.n, 0);
    ck_assert_ptr_null(jobdoc_find(&set, "Alpha"));
    jobdoc_set_free(&set);
    jobdoc_set_free(NULL);
    ck_assert_ptr_null(jobdoc_find(NULL, "Alpha"));

    /* An empty directory gives an empty set too. */
    ck_assert_int_eq(jobdoc_load_dir(dir, &set), 0);
    ck_assert_uint_eq(set.n, 0);
    jobdoc_set_free(&set);
}
END_TEST

START_TEST(test_load_dir_mix)
{
    struct jobdoc_set set;
    struct timespec times[2] = {{1700000000, 123456789}, {1700000000, 123456789}};
    char path[512];
    char target[512];
    char logpath[512];
    char logtext[8192];
    char *big;
    int saved;
    int fd;

    write_doc("Zeta.json", "Zeta");
    write_doc("Alpha.json", "Alpha");
    write_doc("Beta.json", "Beta");
    write_doc("Mid_1.2-x.json", "Mid_1.2-x");
    /* Refused: an unknown member, an Id that is not the file's name, not JSON, too big. */
    write_file("Bad.json",
               "{\"Id\":\"Bad\",\"Name\":\"B\",\"Version\":\"1\",\"DocumentType\":\"Script\","
               "\"JobClass\":\"CIM_ConcreteJob\",\"Command\":[\"t\"],\"Bogus\":1}",
               strlen("{\"Id\":\"Bad\",\"Name\":\"B\",\"Version\":\"1\",\"DocumentType\":"
                      "\"Script\",\"JobClass\":\"CIM_ConcreteJob\",\"Command\":[\"t\"],"
                      "\"Bogus\":1}"));
    write_doc("Wrong.json", "Alpha");
    write_file("Broken.json", "{", 1);
    big = malloc(JOBDOC_FILE_MAX + 2);
    ck_assert_ptr_nonnull(big);
    memset(big, ' ', JOBDOC_FILE_MAX + 2);
    big[0] = '{';
    big[JOBDOC_FILE_MAX + 1] = '}';
    write_file("Big.json", big, JOBDOC_FILE_MAX + 2);
    free(big);
    /* Passed over: other names, dot files, a symbolic link, a directory, a FIFO. */
    write_doc("Notes.txt", "Notes");
    write_doc("Gamma.json.bak", "Gamma");
    write_doc(".Hidden.json", ".Hidden");
    write_doc(".json", "x");
    ck_assert_int_eq(rf_fmt(target, sizeof target, "%s/Alpha.json", dir), 0);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/Alpha2.json", dir), 0);
    ck_assert_int_eq(symlink(target, path), 0);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/Dir.json", dir), 0);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/Fifo.json", dir), 0);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(utimensat(AT_FDCWD, target, times, 0), 0);

    /* The log goes to stderr; the test catches it in a file. */
    ck_assert_int_eq(rf_fmt(logpath, sizeof logpath, "%s/log.out", dir), 0);
    fflush(stderr);
    saved = dup(2);
    ck_assert_int_ge(saved, 0);
    fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, 2), 2);
    close(fd);
    ck_assert_int_eq(jobdoc_load_dir(dir, &set), 0);
    fflush(stderr);
    ck_assert_int_eq(dup2(saved, 2), 2);
    close(saved);
    read_text(logpath, logtext, sizeof logtext);

    ck_assert_uint_eq(set.n, 4);
    ck_assert_str_eq(set.docs[0].id, "Alpha");
    ck_assert_str_eq(set.docs[1].id, "Beta");
    ck_assert_str_eq(set.docs[2].id, "Mid_1.2-x");
    ck_assert_str_eq(set.docs[3].id, "Zeta");
    ck_assert_int_eq(set.docs[0].mtime_us, INT64_C(1700000000123456));
    ck_assert_int_gt(set.docs[1].mtime_us, 0);
    ck_assert_ptr_nonnull(strstr(set.docs[0].text, "\"Doc Alpha\""));
    ck_assert_uint_eq(strlen(set.docs[0].hash), 64);
    ck_assert_str_ne(set.docs[0].hash, set.docs[1].hash);
    ck_assert_ptr_eq(jobdoc_find(&set, "Beta"), &set.docs[1]);
    ck_assert_ptr_eq(jobdoc_find(&set, "Zeta"), &set.docs[3]);
    ck_assert_ptr_eq(jobdoc_find(&set, "Alpha"), &set.docs[0]);
    ck_assert_ptr_null(jobdoc_find(&set, "Bad"));
    ck_assert_ptr_null(jobdoc_find(&set, "alpha"));
    ck_assert_ptr_null(jobdoc_find(&set, NULL));

    /* Each refused file is logged with its path and the fault. */
    ck_assert_ptr_nonnull(strstr(logtext, "Bad.json: Bogus: unknown member"));
    ck_assert_ptr_nonnull(strstr(logtext, "Wrong.json: Id: Alpha differs"));
    ck_assert_ptr_nonnull(strstr(logtext, "Broken.json: not valid JSON"));
    ck_assert_ptr_nonnull(strstr(logtext, "Big.json: larger than 262144 bytes"));
    ck_assert_ptr_nonnull(strstr(logtext, dir));
    ck_assert_ptr_nonnull(strstr(logtext, " error: job document "));
    /* Passed-over names are not even looked at. */
    ck_assert_ptr_null(strstr(logtext, "Notes.txt"));
    ck_assert_ptr_null(strstr(logtext, ".Hidden.json"));
    jobdoc_set_free(&set);
    ck_assert_uint_eq(set.n, 0);
    ck_assert_ptr_null(set.docs);
}
END_TEST

/* ---- submitted parameters -------------------------------------------------------------------- */

struct param_case {
    const char *json;
    enum jobdoc_fault fault;
    const char *param;
    const char *value;
};

static const struct param_case param_cases[] = {
    {"{\"Name\": \"abc\"}", JOBDOC_FAULT_NONE, "", ""},
    {"{\"Name\": \"abc\", \"Count\": -5, \"Force\": false, \"Color\": \"green\", \"Size\": 2.5, "
     "\"Text\": \"tab\\there \\u00e9\\u20ac\\ud83d\\ude00\"}",
     JOBDOC_FAULT_NONE, "", ""},
    {"{\"Name\": \"abc\", \"Count\": 1000, \"Size\": 4, \"Text\": \"\"}", JOBDOC_FAULT_NONE, "",
     ""},
    {"{\"Name\": \"abc\", \"Count\": 1e3}", JOBDOC_FAULT_NONE, "", ""},
    {"[]", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"\"Name\"", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"null", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"{\"Name\": ", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"{} {}", JOBDOC_FAULT_NOT_OBJECT, "", ""},
    {"{\"Name\": \"abc\", \"Bogus\": 1}", JOBDOC_FAULT_UNKNOWN, "Bogus", "1"},
    {"{\"name\": \"abc\"}", JOBDOC_FAULT_UNKNOWN, "name", "\"abc\""},
    {"{\"Bogus\": [1, 2]}", JOBDOC_FAULT_UNKNOWN, "Bogus", "[1,2]"},
    {"{}", JOBDOC_FAULT_MISSING, "Name", ""},
    {"{\"Count\": 3}", JOBDOC_FAULT_MISSING, "Name", ""},
    {"{\"Name\": 5}", JOBDOC_FAULT_TYPE, "Name", "5"},
    {"{\"Name\": null}", JOBDOC_FAULT_TYPE, "Name", "null"},
    {"{\"Name\": [\"abc\"]}", JOBDOC_FAULT_TYPE, "Name", "[\"abc\"]"},
    {"{\"Name\": \"abc\", \"Count\": \"5\"}", JOBDOC_FAULT_TYPE, "Count", "\"5\""},
    {"{\"Name\": \"abc\", \"Count\": true}", JOBDOC_FAULT_TYPE, "Count", "true"},
    {"{\"Name\": \"abc\", \"Force\": 1}", JOBDOC_FAULT_TYPE, "Force", "1"},
    {"{\"Name\": \"abc\", \"Force\": \"true\"}", JOBDOC_FAULT_TYPE, "Force", "\"true\""},
    {"{\"Name\": \"abc\", \"Size\": \"2.5\"}", JOBDOC_FAULT_TYPE, "Size", "\"2.5\""},
    {"{\"Name\": \"abc\", \"Text\": {}}", JOBDOC_FAULT_TYPE, "Text", "{}"},
    {"{\"Name\": \"abc\", \"Color\": \"blue\"}", JOBDOC_FAULT_VALUE, "Color", "\"blue\""},
    {"{\"Name\": \"abc\", \"Color\": \"Red\"}", JOBDOC_FAULT_VALUE, "Color", "\"Red\""},
    {"{\"Name\": \"abc\", \"Size\": 3}", JOBDOC_FAULT_VALUE, "Size", "3"},
    {"{\"Name\": \"abc\", \"Count\": 1000.5}", JOBDOC_FAULT_VALUE, "Count", "1000.5"},
    {"{\"Name\": \"abc\", \"Count\": -6}", JOBDOC_FAULT_VALUE, "Count", "-6"},
    {"{\"Name\": \"abc\", \"Count\": 1e999}", JOBDOC_FAULT_FORMAT, "Count", "null"},
    {"{\"Name\": \"ABC\"}", JOBDOC_FAULT_FORMAT, "Name", "\"ABC\""},
    {"{\"Name\": \"abc1\"}", JOBDOC_FAULT_FORMAT, "Name", "\"abc1\""},
    {"{\"Name\": \"1abc\"}", JOBDOC_FAULT_FORMAT, "Name", "\"1abc\""},
    {"{\"Name\": \"\"}", JOBDOC_FAULT_FORMAT, "Name", "\"\""},
    {"{\"Name\": \"ab\\nc\"}", JOBDOC_FAULT_FORMAT, "Name", "\"ab\\nc\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\nb\"}", JOBDOC_FAULT_FORMAT, "Text", "\"a\\nb\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\rb\"}", JOBDOC_FAULT_FORMAT, "Text", "\"a\\rb\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\u001bb\"}", JOBDOC_FAULT_FORMAT, "Text", "\"a\\u001bb\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\u007fb\"}", JOBDOC_FAULT_FORMAT, "Text",
     "\"a\x7f"
     "b\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\u0085b\"}", JOBDOC_FAULT_FORMAT, "Text",
     "\"a\xc2\x85"
     "b\""},
    {"{\"Name\": \"abc\", \"Text\": \"a\\u0000b\"}", JOBDOC_FAULT_FORMAT, "Text", "\"a\""},
    {"{\"Name\": \"abc\", \"Text\": \"\xff\"}", JOBDOC_FAULT_FORMAT, "Text", "\"\xff\""},
    {"{\"Name\": \"abc\", \"Text\": \"\xc0\xaf\"}", JOBDOC_FAULT_FORMAT, "Text", "\"\xc0\xaf\""},
    {"{\"Name\": \"abc\", \"Text\": \"\xed\xa0\x80\"}", JOBDOC_FAULT_FORMAT, "Text",
     "\"\xed\xa0\x80\""},
    {"{\"Name\": \"abc\", \"Text\": \"\xf4\x90\x80\x80\"}", JOBDOC_FAULT_FORMAT, "Text",
     "\"\xf4\x90\x80\x80\""},
    {"{\"Name\": \"abc\", \"Text\": \"\xe2\x82\"}", JOBDOC_FAULT_FORMAT, "Text", "\"\xe2\x82\""},
    {"{\"Name\": \"abc\", \"Name\": \"abd\"}", JOBDOC_FAULT_FORMAT, "Name", "\"abd\""},
    /* Submitted members are checked before missing ones. */
    {"{\"Bogus\": 1}", JOBDOC_FAULT_UNKNOWN, "Bogus", "1"},
};

START_TEST(test_check_params)
{
    const struct param_case *c = &param_cases[_i];
    struct jobdoc doc;
    struct jobdoc_check why;
    int rc;

    load_base(&doc);
    memset(&why, 0x55, sizeof why);
    rc = jobdoc_check_params(&doc, c->json, &why);
    ck_assert_msg(why.fault == c->fault, "%s: fault %d, expected %d", c->json, (int)why.fault,
                  (int)c->fault);
    ck_assert_int_eq(rc, c->fault == JOBDOC_FAULT_NONE ? 0 : -1);
    ck_assert_str_eq(why.param, c->param);
    ck_assert_str_eq(why.value, c->value);
    jobdoc_cleanup(&doc);
}
END_TEST

START_TEST(test_check_params_lengths)
{
    struct jobdoc doc;
    struct jobdoc_check why;
    char *json;
    size_t n;

    load_base(&doc);
    ck_assert_int_eq(jobdoc_check_params(&doc, NULL, &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_NOT_OBJECT);

    /* JOBDOC_VALUE_MAX bytes are fine; one more is not. The value is cut to fit. */
    json = malloc(8192);
    ck_assert_ptr_nonnull(json);
    n = (size_t)snprintf(json, 64, "{\"Name\":\"abc\",\"Text\":\"");
    memset(json + n, 'a', JOBDOC_VALUE_MAX);
    memcpy(json + n + JOBDOC_VALUE_MAX, "\"}", 3);
    ck_assert_int_eq(jobdoc_check_params(&doc, json, &why), 0);
    memcpy(json + n + JOBDOC_VALUE_MAX, "a\"}", 4);
    ck_assert_int_eq(jobdoc_check_params(&doc, json, &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_FORMAT);
    ck_assert_str_eq(why.param, "Text");
    ck_assert_uint_eq(strlen(why.value), sizeof why.value - 1);
    ck_assert_int_eq(why.value[0], '"');
    ck_assert_uint_eq(strspn(why.value + 1, "a"), sizeof why.value - 2);

    /* Cut on a UTF-8 boundary: 4-byte characters after the quote fit 31 times in 127 bytes. */
    n = (size_t)snprintf(json, 64, "{\"Name\":\"abc\",\"Text\":\"");
    for (size_t i = 0; i < 1100; i++) {
        memcpy(json + n, "\xf0\x9f\x98\x80", 4);
        n += 4;
    }
    memcpy(json + n, "\"}", 3);
    ck_assert_int_eq(jobdoc_check_params(&doc, json, &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_FORMAT);
    ck_assert_uint_eq(strlen(why.value), 1 + 31 * 4);

    /* So is an unknown name: 2-byte characters fit 35 times in 71 bytes. */
    n = (size_t)snprintf(json, 64, "{\"");
    for (size_t i = 0; i < 100; i++) {
        memcpy(json + n, "\xc3\xa9", 2);
        n += 2;
    }
    memcpy(json + n, "\": 1}", 6);
    ck_assert_int_eq(jobdoc_check_params(&doc, json, &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_UNKNOWN);
    ck_assert_uint_eq(strlen(why.param), 70);
    ck_assert_str_eq(why.value, "1");
    free(json);
    jobdoc_cleanup(&doc);
}
END_TEST

/* ---- argv and environment -------------------------------------------------------------------- */

START_TEST(test_build_exec_substitution)
{
    static const char *const extra[] = {"RFJOBD_JOB_ID=42", "RFJOBD_DATA_DIR=/srv/data", NULL};
    struct jobdoc doc;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];

    load_base(&doc);
    /* Submitted in another order than declared: the environment follows the declaration. */
    ck_assert_int_eq(jobdoc_build_exec(&doc,
                                       "{\"Force\": true, \"Count\": 3, \"Name\": \"abc\", "
                                       "\"Color\": \"red\"}",
                                       "/srv/tasks", extra, &argv, &envp, err, sizeof err),
                     0);
    ck_assert_uint_eq(vec_len(argv), 6);
    ck_assert_str_eq(argv[0], "/srv/tasks/sample-task");
    ck_assert_str_eq(argv[1], "--name=abc");
    ck_assert_str_eq(argv[2], "--count=3");
    ck_assert_str_eq(argv[3], "--force=true");
    ck_assert_str_eq(argv[4], "{literal}");
    ck_assert_str_eq(argv[5], "red");
    ck_assert_uint_eq(vec_len(envp), 8);
    ck_assert_str_eq(envp[0], "PATH=/usr/local/bin:/usr/bin:/bin");
    ck_assert_str_eq(envp[1], "LANG=C.UTF-8");
    ck_assert_str_eq(envp[2], "RFJOBD_PARAM_NAME=abc");
    ck_assert_str_eq(envp[3], "RFJOBD_PARAM_COUNT=3");
    ck_assert_str_eq(envp[4], "RFJOBD_PARAM_FORCE=true");
    ck_assert_str_eq(envp[5], "RFJOBD_PARAM_COLOR=red");
    ck_assert_str_eq(envp[6], "RFJOBD_JOB_ID=42");
    ck_assert_str_eq(envp[7], "RFJOBD_DATA_DIR=/srv/data");
    ck_assert_ptr_null(envp[8]);
    /* One block each: free() of the array frees the strings too (ASan would report a leak). */
    assert_one_block(argv);
    assert_one_block(envp);
    free(argv);
    free(envp);

    /* Optional parameters left out give "" and no environment entry; no extra_env. */
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{\"Name\": \"xyz\"}", "/srv/tasks/", NULL, &argv,
                                       &envp, err, sizeof err),
                     0);
    ck_assert_str_eq(argv[0], "/srv/tasks/sample-task");
    ck_assert_str_eq(argv[2], "--count=");
    ck_assert_str_eq(argv[3], "--force=");
    ck_assert_str_eq(argv[5], "");
    ck_assert_uint_eq(vec_len(envp), 3);
    ck_assert_str_eq(envp[2], "RFJOBD_PARAM_NAME=xyz");
    assert_one_block(argv);
    assert_one_block(envp);
    free(argv);
    free(envp);

    /* The task directory "/" gives "/sample-task". */
    ck_assert_int_eq(
        jobdoc_build_exec(&doc, "{\"Name\": \"xyz\"}", "/", NULL, &argv, &envp, err, sizeof err),
        0);
    ck_assert_str_eq(argv[0], "/sample-task");
    free(argv);
    free(envp);
    jobdoc_cleanup(&doc);
}
END_TEST

START_TEST(test_build_exec_numbers_and_booleans)
{
    static const struct {
        const char *json;
        const char *count;
        const char *force;
        const char *size;
    } cases[] = {
        {"{\"Name\":\"a\",\"Count\":3,\"Force\":false}", "3", "false", ""},
        {"{\"Name\":\"a\",\"Count\":2.5,\"Force\":true}", "2.5", "true", ""},
        {"{\"Name\":\"a\",\"Count\":-1}", "-1", "", ""},
        {"{\"Name\":\"a\",\"Count\":1e3}", "1000", "", ""},
        {"{\"Name\":\"a\",\"Count\":0.1,\"Size\":2.5}", "0.1", "", "2.5"},
        {"{\"Name\":\"a\",\"Count\":3.0,\"Size\":4}", "3", "", "4"},
        {"{\"Name\":\"a\",\"Count\":999.999}", "999.999", "", ""},
    };
    struct jobdoc doc;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];
    char want[64];

    load_base(&doc);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(
            jobdoc_build_exec(&doc, cases[i].json, "/t", NULL, &argv, &envp, err, sizeof err) == 0,
            "%s: %s", cases[i].json, err);
        ck_assert_int_eq(rf_fmt(want, sizeof want, "--count=%s", cases[i].count), 0);
        ck_assert_str_eq(argv[2], want);
        ck_assert_int_eq(rf_fmt(want, sizeof want, "--force=%s", cases[i].force), 0);
        ck_assert_str_eq(argv[3], want);
        ck_assert_str_eq(argv[5], cases[i].size);
        ck_assert_int_eq(rf_fmt(want, sizeof want, "RFJOBD_PARAM_COUNT=%s", cases[i].count), 0);
        ck_assert_str_eq(envp[3], want);
        free(argv);
        free(envp);
    }
    jobdoc_cleanup(&doc);
}
END_TEST

START_TEST(test_build_exec_injection_stays_literal)
{
    static const char doc_text[] =
        "{\"Id\":\"Inj\",\"Name\":\"I\",\"Version\":\"1\",\"DocumentType\":\"Script\","
        "\"JobClass\":\"CIM_ConcreteJob\",\"Command\":[\"/bin/echo\",\"{Text}\",\"x{Text}y\"],"
        "\"ParameterMetadata\":[{\"Name\":\"Text\",\"DataType\":\"String\",\"Required\":true},"
        "{\"Name\":\"Other\",\"DataType\":\"String\"}]}";
    static const char *const hostile[] = {
        "; rm -rf /",
        "$(id)",
        "`id`",
        "a b  c",
        "'quoted' \"double\"",
        "*",
        "| cat /etc/passwd",
        "&& reboot",
        "--Other=x",
        "{Other}",
        "{{",
        "}",
        "\ttab",
        "$HOME",
        "\\",
        "-n",
    };
    struct jobdoc doc;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];
    char want[128];

    ck_assert_int_eq(jobdoc_parse("Inj.json", doc_text, strlen(doc_text), &doc, err, sizeof err),
                     0);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        cJSON *j_params = cJSON_CreateObject();
        char *json;

        ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_params, "Text", hostile[i]));
        ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_params, "Other", "OTHER"));
        json = cJSON_PrintUnformatted(j_params);
        ck_assert_ptr_nonnull(json);
        ck_assert_msg(jobdoc_build_exec(&doc, json, NULL, NULL, &argv, &envp, err, sizeof err) == 0,
                      "%s: %s", hostile[i], err);
        /* Exactly three elements; the value is never split, re-expanded or unescaped. */
        ck_assert_uint_eq(vec_len(argv), 3);
        ck_assert_str_eq(argv[0], "/bin/echo");
        ck_assert_str_eq(argv[1], hostile[i]);
        ck_assert_int_eq(rf_fmt(want, sizeof want, "x%sy", hostile[i]), 0);
        ck_assert_str_eq(argv[2], want);
        ck_assert_int_eq(rf_fmt(want, sizeof want, "RFJOBD_PARAM_TEXT=%s", hostile[i]), 0);
        ck_assert_str_eq(envp[2], want);
        ck_assert_str_eq(envp[3], "RFJOBD_PARAM_OTHER=OTHER");
        ck_assert_ptr_null(envp[4]);
        free(argv);
        free(envp);
        cJSON_free(json);
        cJSON_Delete(j_params);
    }
    /* A newline cannot get in at all: it is refused before anything is built. */
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{\"Text\":\"a\\nrm -rf /\"}", NULL, NULL, &argv,
                                       &envp, err, sizeof err),
                     -1);
    ck_assert_ptr_null(argv);
    ck_assert_ptr_null(envp);
    ck_assert_str_eq(err, "Parameters.Text: not in the allowed format");
    jobdoc_cleanup(&doc);
}
END_TEST

START_TEST(test_build_exec_faults)
{
    static const char *const bad_env[] = {"RFJOBD_JOB_ID=1", "NOEQUALS", NULL};
    static const char *const empty_name[] = {"=x", NULL};
    struct jobdoc doc;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];

    load_base(&doc);
    /* A bare program name needs a task directory. */
    ck_assert_int_eq(
        jobdoc_build_exec(&doc, "{\"Name\":\"a\"}", NULL, NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "Command[0]: sample-task is a bare name"));
    ck_assert_ptr_null(argv);
    ck_assert_ptr_null(envp);
    ck_assert_int_eq(
        jobdoc_build_exec(&doc, "{\"Name\":\"a\"}", "", NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "Command[0]"));
    /* Parameters are checked again. */
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{}", "/t", NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_str_eq(err, "Parameters.Name: required");
    ck_assert_int_eq(jobdoc_build_exec(&doc, NULL, "/t", NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_str_eq(err, "Parameters.Name: required");
    ck_assert_int_eq(jobdoc_build_exec(&doc, "[1]", "/t", NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_str_eq(err, "Parameters: not a JSON object");
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{\"Name\":\"a\",\"Size\":3}", "/t", NULL, &argv,
                                       &envp, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "Parameters.Size: not an allowed value");
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{\"Name\":\"a\",\"X\":3}", "/t", NULL, &argv, &envp,
                                       err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "Parameters.X: not a parameter of this document");
    ck_assert_int_eq(
        jobdoc_build_exec(&doc, "{\"Name\":1}", "/t", NULL, &argv, &envp, err, sizeof err), -1);
    ck_assert_str_eq(err, "Parameters.Name: of the wrong type");
    /* extra_env entries must be NAME=value. */
    ck_assert_int_eq(
        jobdoc_build_exec(&doc, "{\"Name\":\"a\"}", "/t", bad_env, &argv, &envp, err, sizeof err),
        -1);
    ck_assert_ptr_nonnull(strstr(err, "extra_env[1]: not NAME=value"));
    ck_assert_ptr_null(argv);
    ck_assert_ptr_null(envp);
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{\"Name\":\"a\"}", "/t", empty_name, &argv, &envp,
                                       err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "extra_env[0]"));
    jobdoc_cleanup(&doc);
}
END_TEST

START_TEST(test_build_exec_absolute_and_long)
{
    static const char doc_text[] =
        "{\"Id\":\"Abs\",\"Name\":\"A\",\"Version\":\"1\",\"DocumentType\":\"Script\","
        "\"JobClass\":\"CIM_ConcreteJob\",\"Command\":[\"/usr/bin/env\",\"{T}{T}{T}{T}\"],"
        "\"ParameterMetadata\":[{\"Name\":\"T\",\"DataType\":\"String\"}]}";
    struct jobdoc doc;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];
    char *json;
    size_t n;

    ck_assert_int_eq(jobdoc_parse("Abs.json", doc_text, strlen(doc_text), &doc, err, sizeof err),
                     0);
    /* An absolute program needs no task directory, and no parameters at all is fine. */
    ck_assert_int_eq(jobdoc_build_exec(&doc, NULL, NULL, NULL, &argv, &envp, err, sizeof err), 0);
    ck_assert_str_eq(argv[0], "/usr/bin/env");
    ck_assert_str_eq(argv[1], "");
    ck_assert_ptr_null(argv[2]);
    ck_assert_uint_eq(vec_len(envp), 2);
    free(argv);
    free(envp);
    ck_assert_int_eq(jobdoc_build_exec(&doc, "{}", "/ignored", NULL, &argv, &envp, err, sizeof err),
                     0);
    ck_assert_str_eq(argv[0], "/usr/bin/env");
    free(argv);
    free(envp);

    /* Four copies of the longest value: 16 KiB in one element, still one block. */
    json = malloc(JOBDOC_VALUE_MAX + 32);
    ck_assert_ptr_nonnull(json);
    n = (size_t)snprintf(json, 32, "{\"T\":\"");
    memset(json + n, 'v', JOBDOC_VALUE_MAX);
    memcpy(json + n + JOBDOC_VALUE_MAX, "\"}", 3);
    ck_assert_int_eq(jobdoc_build_exec(&doc, json, NULL, NULL, &argv, &envp, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(argv[1]), 4 * JOBDOC_VALUE_MAX);
    ck_assert_uint_eq(strlen(envp[2]), strlen("RFJOBD_PARAM_T=") + JOBDOC_VALUE_MAX);
    assert_one_block(argv);
    assert_one_block(envp);
    free(argv);
    free(envp);
    free(json);
    jobdoc_cleanup(&doc);
}
END_TEST

/* ---- the shipped documents ------------------------------------------------------------------- */

START_TEST(test_shipped_documents)
{
    static const char *const tasks = "/opt/rfjobd/tasks";
    struct jobdoc_set set;
    const struct jobdoc *d;
    struct jobdoc_check why;
    char **argv = NULL;
    char **envp = NULL;
    char err[256];

    ck_assert_int_eq(jobdoc_load_dir(RF_DOCUMENTS_DIR, &set), 0);
    ck_assert_uint_eq(set.n, 3);
    ck_assert_str_eq(set.docs[0].id, "FileTreeChecksum");
    ck_assert_str_eq(set.docs[1].id, "IscsiVirtualDiskCreate");
    ck_assert_str_eq(set.docs[2].id, "ShieldedVmProvisioning");
    for (size_t i = 0; i < set.n; i++) {
        ck_assert_str_eq(set.docs[i].argv[0], "rfjobd-task");
        ck_assert(set.docs[i].can_suspend && set.docs[i].can_terminate);
        ck_assert_ptr_nonnull(set.docs[i].description);
        for (size_t k = 0; k < set.docs[i].n_params; k++) {
            ck_assert_ptr_nonnull(set.docs[i].params[k].description);
        }
    }

    d = jobdoc_find(&set, "ShieldedVmProvisioning");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_eq(d->cls, &job_class_provisioning);
    ck_assert_uint_eq(d->max_exec_us, 30 * 60 * SEC);
    ck_assert_uint_eq(d->estimated_us, 10 * SEC);
    ck_assert_uint_eq(d->n_params, 4);
    ck_assert_int_eq(jobdoc_check_params(
                         d, "{\"VmName\":\"web-01\",\"Template\":\"Windows Server 2022\"}", &why),
                     0);
    ck_assert_int_eq(
        jobdoc_check_params(d, "{\"VmName\":\"-web\",\"Template\":\"Debian 12\"}", &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_FORMAT);
    ck_assert_int_eq(jobdoc_check_params(d, "{\"VmName\":\"w\",\"Template\":\"Debian 13\"}", &why),
                     -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_VALUE);
    ck_assert_int_eq(jobdoc_check_params(d,
                                         "{\"VmName\":\"w\",\"Template\":\"Debian 12\","
                                         "\"StepMilliseconds\":60001}",
                                         &why),
                     -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_VALUE);
    ck_assert_int_eq(jobdoc_build_exec(d,
                                       "{\"VmName\":\"vm1\",\"Template\":\"Ubuntu 24.04\","
                                       "\"FailAt\":\"Attestation\",\"StepMilliseconds\":250}",
                                       tasks, NULL, &argv, &envp, err, sizeof err),
                     0);
    ck_assert_uint_eq(vec_len(argv), 6);
    ck_assert_str_eq(argv[0], "/opt/rfjobd/tasks/rfjobd-task");
    ck_assert_str_eq(argv[1], "provision");
    ck_assert_str_eq(argv[2], "--vm=vm1");
    ck_assert_str_eq(argv[3], "--template=Ubuntu 24.04");
    ck_assert_str_eq(argv[4], "--fail-at=Attestation");
    ck_assert_str_eq(argv[5], "--step-ms=250");
    free(argv);
    free(envp);

    d = jobdoc_find(&set, "IscsiVirtualDiskCreate");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_eq(d->cls, &job_class_concrete);
    ck_assert_uint_eq(d->max_exec_us, 2 * 3600 * SEC);
    ck_assert_uint_eq(d->estimated_us, 60 * SEC);
    ck_assert_int_eq(jobdoc_check_params(d, "{\"DiskName\":\"lun0.img\",\"SizeMiB\":65536}", &why),
                     0);
    ck_assert_int_eq(jobdoc_check_params(d, "{\"DiskName\":\"lun0\",\"SizeMiB\":0}", &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_VALUE);
    ck_assert_int_eq(jobdoc_check_params(d, "{\"DiskName\":\"../x\",\"SizeMiB\":1}", &why), -1);
    ck_assert_int_eq(why.fault, JOBDOC_FAULT_FORMAT);
    ck_assert_int_eq(jobdoc_build_exec(d, "{\"DiskName\":\"lun0\",\"SizeMiB\":1024}", tasks, NULL,
                                       &argv, &envp, err, sizeof err),
                     0);
    ck_assert_str_eq(argv[1], "disk-create");
    ck_assert_str_eq(argv[2], "--name=lun0");
    ck_assert_str_eq(argv[3], "--size-mib=1024");
    ck_assert_str_eq(argv[4], "--rate-mib-s=");
    free(argv);
    free(envp);

    d = jobdoc_find(&set, "FileTreeChecksum");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_eq(d->cls, &job_class_concrete);
    ck_assert_uint_eq(d->max_exec_us, 4 * 3600 * SEC);
    ck_assert_uint_eq(d->estimated_us, 5 * 60 * SEC);
    {
        static const char *const good[] = {"a",         "a/b",  "images/2024",
                                           ".hidden/x", "...x", "a.b/c-d/e_f"};
        /* The empty path would name the whole files area, checksums included: refused. */
        static const char *const bad[] = {"",    "/etc",  "..", "a/../b", "a/..", ".",
                                          "./a", "a/./b", "a/", "a//b",   "a b",  "a\\b"};
        char json[128];

        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
            ck_assert_int_eq(rf_fmt(json, sizeof json,
                                    "{\"Path\":\"%s\",\"ManifestName\":\"m.sha256\"}", good[i]),
                             0);
            ck_assert_msg(jobdoc_check_params(d, json, &why) == 0, "Path %s refused", good[i]);
        }
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            cJSON *j_params = cJSON_CreateObject();
            char *text;

            ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_params, "Path", bad[i]));
            ck_assert_ptr_nonnull(cJSON_AddStringToObject(j_params, "ManifestName", "m"));
            text = cJSON_PrintUnformatted(j_params);
            ck_assert_ptr_nonnull(text);
            ck_assert_msg(jobdoc_check_params(d, text, &why) == -1, "Path %s accepted", bad[i]);
            ck_assert_int_eq(why.fault, JOBDOC_FAULT_FORMAT);
            ck_assert_str_eq(why.param, "Path");
            cJSON_free(text);
            cJSON_Delete(j_params);
        }
    }
    ck_assert_int_eq(jobdoc_build_exec(d, "{\"Path\":\"a/b\",\"ManifestName\":\"m\"}", tasks, NULL,
                                       &argv, &envp, err, sizeof err),
                     0);
    ck_assert_str_eq(argv[1], "tree-checksum");
    ck_assert_str_eq(argv[2], "--path=a/b");
    ck_assert_str_eq(argv[3], "--manifest=m");
    ck_assert_str_eq(envp[2], "RFJOBD_PARAM_PATH=a/b");
    ck_assert_str_eq(envp[3], "RFJOBD_PARAM_MANIFESTNAME=m");
    free(argv);
    free(envp);
    jobdoc_set_free(&set);
}
END_TEST

Suite *
jobdoc_suite(void)
{
    Suite *s = suite_create("jobdoc");
    TCase *tc_parse = tcase_create("parse");
    TCase *tc_refuse = tcase_create("refuse");
    TCase *tc_dir = tcase_create("load_dir");
    TCase *tc_params = tcase_create("check_params");
    TCase *tc_exec = tcase_create("build_exec");
    TCase *tc_shipped = tcase_create("shipped");

    tcase_set_timeout(tc_parse, 10);
    tcase_add_test(tc_parse, test_parse_all_members);
    tcase_add_test(tc_parse, test_parse_defaults_and_hash);
    tcase_add_test(tc_parse, test_parse_uses_len_not_nul);
    tcase_add_test(tc_parse, test_accepted_variants);
    suite_add_tcase(s, tc_parse);

    tcase_set_timeout(tc_refuse, 30);
    tcase_add_loop_test(tc_refuse, test_refusals, 0, (int)(sizeof refusals / sizeof refusals[0]));
    tcase_add_test(tc_refuse, test_refusals_raw);
    tcase_add_test(tc_refuse, test_refusals_limits);
    suite_add_tcase(s, tc_refuse);

    tcase_set_timeout(tc_dir, 10);
    tcase_add_checked_fixture(tc_dir, setup, teardown);
    tcase_add_test(tc_dir, test_load_dir_missing);
    tcase_add_test(tc_dir, test_load_dir_mix);
    suite_add_tcase(s, tc_dir);

    tcase_set_timeout(tc_params, 30);
    tcase_add_loop_test(tc_params, test_check_params, 0,
                        (int)(sizeof param_cases / sizeof param_cases[0]));
    tcase_add_test(tc_params, test_check_params_lengths);
    suite_add_tcase(s, tc_params);

    tcase_set_timeout(tc_exec, 10);
    tcase_add_test(tc_exec, test_build_exec_substitution);
    tcase_add_test(tc_exec, test_build_exec_numbers_and_booleans);
    tcase_add_test(tc_exec, test_build_exec_injection_stays_literal);
    tcase_add_test(tc_exec, test_build_exec_faults);
    tcase_add_test(tc_exec, test_build_exec_absolute_and_long);
    suite_add_tcase(s, tc_exec);

    tcase_set_timeout(tc_shipped, 10);
    tcase_add_test(tc_shipped, test_shipped_documents);
    suite_add_tcase(s, tc_shipped);
    return s;
}
