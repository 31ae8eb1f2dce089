/*
 * json_schema.h - a validator for the subset of JSON Schema that this project's own schema files
 * (redfish-schema/RfjobdJob.v1_0_0.json) use, for tests.
 *
 * Supported keywords: type (a name or an array of names), enum, pattern, format "date-time",
 * minimum, maximum, maxLength, items, required, properties, additionalProperties false,
 * patternProperties, anyOf, and $ref to "#/definitions/<name>" within the same file. A $ref to
 * another file (the DMTF schemas) accepts any value. Every other keyword is descriptive here and
 * ignored. Patterns are ECMA-262 regular expressions; the ones this project's schema uses are
 * POSIX extended ones once "\d" is read as "[0-9]", which is how they are compiled.
 */
#ifndef JSON_SCHEMA_H
#define JSON_SCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * Reads and parses a schema file. Returns a new tree (delete it with cJSON_Delete) or NULL when
 * the file cannot be read or is not JSON.
 */
cJSON *js_load(const char *path);

/*
 * Validates j against the definition named def ("Job", "CIMError") of the schema root. Returns 0
 * when j is valid; -1 with the first failure (its JSON pointer and reason) in err (errsz bytes)
 * otherwise, also for an unknown definition or an unsupported construct in the schema.
 */
int js_validate(const cJSON *root, const char *def, const cJSON *j, char *err, size_t errsz);

#endif /* JSON_SCHEMA_H */
