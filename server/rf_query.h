/*
 * Redfish query options (DSP0266 clause 7.3): $top, $skip, $select, $expand, $filter, only and
 * excerpt. A pure module: it parses a raw query string into a struct rf_query, evaluates $filter
 * on collection members and applies $select to a resource object. It performs no I/O, takes no
 * lock and keeps no global state, so any worker may call it. The router has already answered 501
 * to options a route does not declare (rf_query_check in router.c); a handler that implements
 * some options calls rf_query_parse_mask with the same RF_Q_* bits.
 */
#ifndef RF_QUERY_H
#define RF_QUERY_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct rf_resp;
struct rf_select;
struct rf_filter;

/* Limits. A query beyond them is refused with 400; none of them is reachable by a sane client. */
#define RF_QUERY_LEN_MAX 8192          /* longest raw query string */
#define RF_QUERY_PARAMS_MAX 32         /* most parameters, ignored ones included */
#define RF_QUERY_VALUE_MAX 4096        /* longest raw value of one parameter */
#define RF_QUERY_COUNT_MAX 2147483647u /* largest $top or $skip */
#define RF_QUERY_EXPAND_LEVELS_MAX 3   /* largest $levels; ProtocolFeaturesSupported MaxLevels */
#define RF_SELECT_ITEMS_MAX 64         /* most comma-separated $select items */
#define RF_SELECT_DEPTH_MAX 8          /* most segments of one $select path */
#define RF_FILTER_DEPTH_MAX 32         /* deepest nesting of parentheses and "not" */
#define RF_FILTER_NODES_MAX 256        /* most nodes of a $filter tree */

/* The $expand kinds. */
#define RF_EXPAND_NONE 0
#define RF_EXPAND_DOT 1      /* "." subordinate links, not those under Links */
#define RF_EXPAND_ASTERISK 2 /* "*" every link */
#define RF_EXPAND_TILDE 3    /* "~" only the links under Links */

/* Parsed query options of one request. */
struct rf_query {
    int has_top;
    size_t top; /* $top */
    int has_skip;
    size_t skip;              /* $skip */
    int only;                 /* only */
    int excerpt;              /* excerpt */
    struct rf_select *select; /* $select, NULL = all */
    int expand;               /* RF_EXPAND_NONE, _DOT, _ASTERISK or _TILDE */
    int expand_levels;        /* $levels, default 1 */
    struct rf_filter *filter; /* $filter tree, NULL = none */
};

/*
 * Parses a raw query string (as civetweb gives it: not percent-decoded, '+' meaning space) into
 * q, which it initialises first; raw may be NULL or empty. Names and values are percent-decoded
 * here. Parameters not starting with '$' other than only and excerpt are ignored (DSP0266).
 * Returns 0 on success; q then owns its select and filter, released by rf_query_cleanup.
 * Returns -1 on error, with q left empty (rf_query_cleanup is still safe) and resp made the
 * Redfish error:
 *   400 QueryParameterValueTypeError  $top/$skip not a non-negative integer;
 *   400 QueryParameterOutOfRange      $top/$skip above RF_QUERY_COUNT_MAX;
 *   400 QueryParameterValueFormatError a malformed value of any option (including a value given
 *                                     to only or excerpt, a bad percent-escape, a decoded NUL or
 *                                     control byte, a repeated parameter, a value or query over
 *                                     the limits above), naming the parameter and its value;
 *   400 QueryCombinationInvalid       only combined with another option;
 *   501 QueryNotSupported             $expand forms other than ".", "*" and "~" (OData
 *                                     navigation-property lists) or $levels above the maximum;
 *   501 QueryParameterUnsupported     an unknown '$' option (after percent-decoding).
 * Echoed values are truncated and reduced to printable ASCII. Takes no lock.
 */
int rf_query_parse(const char *raw, struct rf_query *q, struct rf_resp *resp);

/*
 * As rf_query_parse, but options outside supported (RF_Q_* bits of router.h) get 501
 * QueryParameterUnsupported even when they reach the handler percent-encoded ("%24top"), which
 * the router's name check does not decode.
 */
int rf_query_parse_mask(const char *raw, unsigned supported, struct rf_query *q,
                        struct rf_resp *resp);

/* Releases what q owns and leaves it empty. NULL-safe; safe on an empty q. */
void rf_query_cleanup(struct rf_query *q);

/* A value a property has, as the filter sees it. s is borrowed from the getter. */
enum rf_qtype { RF_QV_NULL, RF_QV_BOOL, RF_QV_NUMBER, RF_QV_STRING };
struct rf_qval {
    enum rf_qtype type;
    int b;
    double n;
    const char *s;
};

/*
 * Looks up a property (a name, or a path such as "Oem/Rfjobd/JobState") on one member. Returns
 * 0 and fills *out (strings stay owned by the caller and must live until the getter is called
 * again), or -1 when the member has no such property (every comparison naming it is then false,
 * except ne, which is true).
 */
typedef int (*rf_filter_get_fn)(void *arg, const char *prop, struct rf_qval *out);

/*
 * Evaluates the filter on one member. Returns 1 for a match and 0 for none; a NULL filter
 * matches everything. Comparisons: numbers numerically; strings byte-wise (lexicographic),
 * except that when both sides are ISO 8601 date-times with an offset
 * ("2026-11-21T00:00:00+01:00", "...Z", fraction allowed) their instants are compared, so
 * different offsets compare correctly; booleans and null only with eq and ne; operands of
 * different types are never equal and never ordered. Recursion is bounded by
 * RF_FILTER_DEPTH_MAX. Takes no lock.
 */
int rf_filter_eval(const struct rf_filter *f, rf_filter_get_fn get, void *arg);

/*
 * Evaluates the filter on a cJSON member object; property paths walk nested objects with '/'.
 * Objects and arrays count as missing properties. Returns 1 for a match and 0 for none.
 */
int rf_filter_eval_json(const struct rf_filter *f, const cJSON *j_member);

/*
 * Checks that every property the filter names is one of allowed (a NULL-terminated list of
 * names or paths, compared exactly). Returns 0, or -1 with resp made 400 PropertyUnknown naming
 * the first other property. A NULL filter passes.
 */
int rf_filter_check_props(const struct rf_filter *f, const char *const *allowed,
                          struct rf_resp *resp);

/*
 * Applies $select to a resource object in place: keeps @odata.id, @odata.type, @odata.etag and
 * @odata.context, the selected properties with their annotations ("JobState@Redfish.X"), and for
 * a nested path ("Status/Health") the enclosing objects holding only the selected part (paths
 * through an array apply to each object in it); removes everything else. A NULL s or j_obj that
 * is not an object leaves it unchanged.
 */
void rf_select_apply(const struct rf_select *s, cJSON *j_obj);

/* The number of $select items, for handlers that need to know; 0 for NULL. */
size_t rf_select_count(const struct rf_select *s);

#endif
