/* The router: path parsing, route matching, authentication, privilege checks, request bodies
 * and response I/O. Handlers never call civetweb; they fill a struct rf_resp. The one exception
 * is the server-sent event stream (sse.c), which writes to req->conn itself and sets resp->sent. */
#ifndef RF_ROUTER_H
#define RF_ROUTER_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define RF_PATH_MAX 1024            /* longest request path accepted */
#define RF_SEG_MAX 16               /* most path segments */
#define RF_SEG_LEN_MAX 128          /* longest segment */
#define RF_URI_MAX 512              /* longest URI the service builds */
#define RF_USER_MAX 64              /* longest user name */
#define RF_EXTRA_HEADERS 4          /* extra response headers a handler may set */
#define RF_RESPONSE_MAX (64u << 20) /* largest response (headers and body) the router builds */
#define RF_EXPAND_FETCH_MAX 2000 /* most resources one request's $expand, $filter or only reads */

/* The Content-Security-Policy of every response that does not carry its own (rf_resp.csp). */
#define RF_CSP_DEFAULT "default-src 'none'; frame-ancestors 'none'"

struct app;
struct mg_connection;

enum rf_method {
    RF_GET = 1u << 0,
    RF_HEAD = 1u << 1,
    RF_POST = 1u << 2,
    RF_PATCH = 1u << 3,
    RF_PUT = 1u << 4,
    RF_DELETE = 1u << 5,
    RF_OPTIONS = 1u << 6,
};

/* Privileges of DMTF's Privileges schema, as bits. */
#define RF_PRIV_LOGIN (1u << 0)
#define RF_PRIV_CONFIGURE_MANAGER (1u << 1)
#define RF_PRIV_CONFIGURE_USERS (1u << 2)
#define RF_PRIV_CONFIGURE_SELF (1u << 3)
#define RF_PRIV_CONFIGURE_COMPONENTS (1u << 4)

typedef uint32_t rf_priv_t;

/*
 * What a route requires: any one of up to RF_PRIV_ALT sets of privileges (each set in full),
 * as the privilege registry writes "A or (B and C)". noauth marks what DSP0266 serves without
 * credentials.
 */
#define RF_PRIV_ALT 3
struct rf_privreq {
    int noauth;
    rf_priv_t any_of[RF_PRIV_ALT];
};

#define RF_NOAUTH                                                                                  \
    {                                                                                              \
        1,                                                                                         \
        {                                                                                          \
            0, 0, 0                                                                                \
        }                                                                                          \
    }
#define RF_NEED(p)                                                                                 \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            (p), 0, 0                                                                              \
        }                                                                                          \
    }
#define RF_NEED_ANY2(a, b)                                                                         \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            (a), (b), 0                                                                            \
        }                                                                                          \
    }
#define RF_NEED_ANY3(a, b, c)                                                                      \
    {                                                                                              \
        0,                                                                                         \
        {                                                                                          \
            (a), (b), (c)                                                                          \
        }                                                                                          \
    }

/* Who made the request. */
struct rf_principal {
    int authenticated;
    char user[RF_USER_MAX];
    char role[32];
    rf_priv_t privs;
    char session_id[64];          /* empty for Basic authentication */
    int password_change_required; /* only the own password may be changed until it is */
};

struct rf_req {
    struct app *app;
    enum rf_method method; /* HEAD is presented to handlers as GET */
    int is_head;
    const char *path; /* normalised: no trailing slash except for "/redfish/v1/" */
    size_t nseg;
    char seg[RF_SEG_MAX][RF_SEG_LEN_MAX];
    size_t nparams;
    const char *params[RF_SEG_MAX]; /* the segments captured by "{}" in the route */
    const char *query;              /* raw query string, or NULL */
    const char *body;               /* NUL-terminated request body, or NULL */
    size_t body_len;
    const cJSON *j_body;       /* the parsed body for POST/PATCH/PUT, or NULL */
    const char *if_match;      /* If-Match header, or NULL */
    const char *if_none_match; /* If-None-Match header, or NULL */
    const char *remote_addr;
    struct rf_principal who;
    uint64_t job_id;            /* the job whose payload this request is, or 0 for a client's */
    struct mg_connection *conn; /* the connection, for handlers that stream (sse.c); or NULL */
};

struct rf_resp {
    int status;
    int sent;        /* the handler wrote the whole response to req->conn itself */
    cJSON *j_body;   /* owned; serialised by the router */
    const void *raw; /* a static body (embedded files), used when j_body is NULL */
    size_t raw_len;
    const char *content_type;  /* default "application/json; charset=utf-8" */
    int no_etag;               /* leave ETag out even on a GET of a resource */
    const char *cache_control; /* default "no-cache" */
    const char *csp;           /* Content-Security-Policy; default RF_CSP_DEFAULT */
    char location[RF_URI_MAX];
    size_t n_extra;
    struct {
        char name[32];
        char value[RF_URI_MAX];
    } extra[RF_EXTRA_HEADERS];
};

typedef void (*rf_handler_fn)(struct rf_req *req, struct rf_resp *resp);

/*
 * One row of the route table. path is a template of literal segments and "{}" captures (one
 * whole segment each), e.g. "/redfish/v1/JsonSchemas/{}". Literal segments match exactly and
 * case-sensitively. A GET row also serves HEAD.
 */
struct rf_route {
    enum rf_method method;
    const char *path;
    struct rf_privreq priv;
    rf_handler_fn handler;
    unsigned queries; /* RF_Q_* query options the handler implements itself; on a GET route the
                       * router applies the others to the handler's body (router_dispatch) */
    unsigned flags;   /* RF_ROUTE_* */
};

/*
 * Route flags. RF_ROUTE_SELF: the route's first capture names an account, and a requester who
 * qualifies only through an alternative holding ConfigureSelf may act on their own account
 * only (others get 403). RF_ROUTE_PWCHANGE: reachable by an account that must change its
 * password first (every other route answers 403 PasswordChangeRequired); such a requester
 * holds only Login and ConfigureSelf meanwhile.
 */
#define RF_ROUTE_SELF (1u << 0)
#define RF_ROUTE_PWCHANGE (1u << 1)

/* Query options (DSP0266 clause 7.3). */
#define RF_Q_TOP (1u << 0)
#define RF_Q_SKIP (1u << 1)
#define RF_Q_SELECT (1u << 2)
#define RF_Q_EXPAND (1u << 3)
#define RF_Q_FILTER (1u << 4)
#define RF_Q_ONLY (1u << 5)
#define RF_Q_EXCERPT (1u << 6)

/*
 * Checks a raw query string against the options a route implements. Unknown parameters that do
 * not start with '$' are ignored, as DSP0266 requires. Returns 0, or -1 with the name of the
 * first unsupported option copied into bad (badsz bytes).
 */
int rf_query_check(const char *query, unsigned supported, char *bad, size_t badsz);

/* The route table (routes.c): rf_routes[0 .. rf_routes_count - 1]. */
extern const struct rf_route rf_routes[];
extern const size_t rf_routes_count;

/* Result of parsing a request path. */
enum rf_path_rc {
    RF_PATH_OK = 0,
    RF_PATH_BAD = -1,      /* malformed: 400 */
    RF_PATH_TOO_LONG = -2, /* 400 as well, with a shorter echo */
};

/*
 * Parses a raw (not yet percent-decoded) request path into req->seg and writes the normalised
 * path into norm (normsz bytes). Percent-escapes are decoded per segment; a decoded NUL, '/',
 * '\\' or control byte, a "." or ".." segment, an empty segment ("//"), a segment longer than
 * RF_SEG_LEN_MAX or more than RF_SEG_MAX segments is RF_PATH_BAD. One trailing slash is
 * dropped. Bounded: never reads past the NUL or writes past normsz. Takes no lock.
 */
enum rf_path_rc rf_path_parse(const char *raw, struct rf_req *req, char *norm, size_t normsz);

/*
 * Finds the route for req's segments and method. Returns the row, or NULL. *path_exists is set
 * when some row has this path with another method, and *allow receives the methods the path
 * supports (GET implies HEAD). Fills req->params on a match.
 */
const struct rf_route *rf_route_match(struct rf_req *req, enum rf_method method, int *path_exists,
                                      unsigned *allow);

/* Writes the Allow header value for a set of methods ("GET, HEAD, PATCH") into out. */
int rf_allow_string(unsigned allow, char *out, size_t outsz);

/* Returns non-zero when the principal satisfies the requirement. */
int rf_priv_ok(const struct rf_privreq *need, rf_priv_t have);

/*
 * Adds a response header (e.g. "X-Auth-Token") to resp. Returns 0, or -1 when there is no room.
 */
int rf_resp_header(struct rf_resp *resp, const char *name, const char *value);

/* Releases what resp owns and resets it to an empty 200. */
void rf_resp_reset(struct rf_resp *resp);

struct rf_buf;

/*
 * Builds the whole HTTP/1.1 response to req into out (an initialised rf_buf, emptied first): the
 * status line, the common headers (OData-Version, Content-Type, Content-Length, Cache-Control,
 * security headers, Allow, Link, ETag, Location, WWW-Authenticate, the handler's extra headers,
 * Date, Connection per keep_alive), the blank line and, unless req->is_head, the body, so that the
 * router sends it with one write. resp->j_body is serialised once; a resource (it has @odata.id)
 * answered 200 to a GET gets a strong ETag over that text and @odata.etag spliced into it, and
 * If-None-Match naming the ETag turns the answer into a 304 without a body. A j_body that cannot
 * be serialised turns resp into an empty 500. Returns 0, or -1 when out of memory or over
 * out's maximum. Takes no lock; resp keeps its body (rf_resp_reset releases it).
 */
int rf_response_build(const struct rf_req *req, struct rf_resp *resp, unsigned allow,
                      int keep_alive, struct rf_buf *out);

/*
 * The civetweb begin_request callback: serves every request through the route table. Returns 1
 * (the request was handled). Defined in router.c; registered by app.c.
 */
struct mg_connection;
int router_handle(struct mg_connection *conn);

/*
 * The civetweb http_error callback: answers the errors civetweb itself raises (a request it
 * cannot parse, an unknown method, headers too large) with a Redfish error body. An unknown
 * method gets 501. Returns 0 (handled).
 */
int router_http_error(struct mg_connection *conn, int status, const char *msg);

/*
 * Dispatches an already parsed and authenticated request without civetweb: used by tests, by
 * work that runs requests on a user's behalf and by the router itself to read members and links
 * for query options. Applies the route's privilege check (404, 405, 403) and the query options:
 * 501 QueryParameterUnsupported for a '$' option no route supports, the errors of
 * rf_query_parse_mask for bad values, then the handler. On a GET route the options the handler
 * does not implement (route->queries) are applied by the router to a 200 body: only (a collection
 * of one member answers with that member), on a collection (a "Members" array) $filter, $skip and
 * $top (Members@odata.count the total, Members@odata.nextLink while members remain), $expand
 * ("*", ".", "~" with $levels; each link read with router_dispatch as req->who, unreadable links
 * stay references, at most RF_EXPAND_FETCH_MAX reads per request), and $select (on a collection,
 * to the expanded members). excerpt on such a route returns the whole resource (DSP0266: no
 * excerpt defined). Takes no lock itself; handlers take theirs.
 */
void router_dispatch(struct rf_req *req, struct rf_resp *resp);

#endif
