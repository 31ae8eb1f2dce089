/*
 * Redfish query options: parsing, $filter evaluation and $select application. See rf_query.h.
 *
 * Bounds: the raw query, each value, the number of parameters, $select items and depth, and the
 * $filter tree (nodes and nesting) all have fixed maxima, so a hostile query costs at most one
 * allocation of fixed size per option plus one pool of at most twice the value's length, and
 * recursion never goes deeper than a small multiple of RF_FILTER_DEPTH_MAX or
 * RF_SELECT_DEPTH_MAX.
 */
#include "rf_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rf_buf.h"
#include "rf_msg.h"
#include "router.h"

#define ECHO_MAX 68 /* echoed value in a message: 64 bytes and "..." */
#define QUERY_NAME_MAX 64

struct rf_select {
    size_t n;
    struct {
        size_t nseg;
        const char *seg[RF_SELECT_DEPTH_MAX];
    } item[RF_SELECT_ITEMS_MAX];
    char *pool;
};

enum fkind { FN_OR, FN_AND, FN_NOT, FN_CMP };
enum fop { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };

struct foperand {
    const char *prop; /* a property path, or NULL for the literal lit */
    struct rf_qval lit;
};

struct fnode {
    enum fkind kind;
    enum fop op;
    int first; /* first child (and, or, not), -1 for none */
    int next;  /* next sibling, -1 for none */
    struct foperand a, b;
};

struct rf_filter {
    size_t n;
    int root;
    char *pool;
    struct fnode node[RF_FILTER_NODES_MAX];
};

/* ---- small helpers ---------------------------------------------------------------------- */

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_ident_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_ident(char c)
{
    return is_ident_start(c) || is_digit(c);
}

/* Copies n bytes of s for a message: printable ASCII only (others become '?'), at most 64 bytes
 * and "..." when cut. */
static void
echo(char out[ECHO_MAX], const char *s, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k < ECHO_MAX - 4; i++) {
        unsigned char c = (unsigned char)s[i];

        out[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (k < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

/*
 * Percent-decodes n bytes of src into dst (room for n + 1 bytes); '+' becomes a space. Returns
 * the decoded length, or -1 for a malformed escape, a NUL or another control byte.
 */
static long
pct_decode(const char *src, size_t n, char *dst)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c == '%') {
            int hi;
            int lo;

            if (n - i < 3) {
                return -1;
            }
            hi = rf_hexval(src[i + 1]);
            lo = rf_hexval(src[i + 2]);
            if (hi < 0 || lo < 0) {
                return -1;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c < 0x20 || c == 0x7f) {
            return -1;
        }
        dst[k++] = (char)c;
    }
    dst[k] = '\0';
    return (long)k;
}

/* ---- ISO 8601 date-times ---------------------------------------------------------------- */

struct instant {
    int64_t sec;
    long nsec;
};

/* Reads exactly n decimal digits. Stops at a NUL, so it never reads past the string. */
static int
digits(const char *s, size_t n, int *out)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }
    return dim[m - 1];
}

/*
 * Recognises an ISO 8601 / RFC 3339 date-time with an explicit offset,
 * YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm), and converts it to an instant. Fractions
 * beyond nanoseconds are ignored. A date-time without an offset is local time of an unknown
 * zone and is not recognised (it then compares as a plain string). Returns 0, or -1 when s is
 * not such a string.
 */
static int
parse_instant(const char *s, struct instant *out)
{
    int y, mo, d, h, mi, sec;
    int oh = 0;
    int om = 0;
    int sign = 0;
    long ns = 0;
    size_t i = 19;

    if (digits(s, 4, &y) != 0 || s[4] != '-' || digits(s + 5, 2, &mo) != 0 || s[7] != '-'
        || digits(s + 8, 2, &d) != 0 || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) != 0
        || s[13] != ':' || digits(s + 14, 2, &mi) != 0 || s[16] != ':'
        || digits(s + 17, 2, &sec) != 0) {
        return -1;
    }
    if (s[i] == '.') {
        long scale = 100000000;

        i++;
        if (!is_digit(s[i])) {
            return -1;
        }
        while (is_digit(s[i])) {
            ns += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-' || s[i] == ' ') {
        /* A space stands for '+': a client that left '+' unencoded in the query had it turned
         * into a space by form decoding, and no date-time has a space there. */
        sign = s[i] == '-' ? -1 : 1;
        if (digits(s + i + 1, 2, &oh) != 0 || s[i + 3] != ':' || digits(s + i + 4, 2, &om) != 0) {
            return -1;
        }
        i += 6;
    } else {
        return -1;
    }
    if (s[i] != '\0' || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59
        || sec > 60 || oh > 23 || om > 59) {
        return -1;
    }
    out->sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec
               - (int64_t)sign * (oh * 3600 + om * 60);
    out->nsec = ns;
    return 0;
}

/* ---- $filter: lexer ------------------------------------------------------------------- */

enum ftok {
    T_END,
    T_LP,
    T_RP,
    T_PROP,
    T_STR,
    T_NUM,
    T_TRUE,
    T_FALSE,
    T_NULL,
    T_AND,
    T_OR,
    T_NOT,
    T_EQ,
    T_NE,
    T_GT,
    T_GE,
    T_LT,
    T_LE,
};

static const struct {
    const char *word;
    enum ftok tok;
} keywords[] = {
    {"and", T_AND}, {"or", T_OR},     {"not", T_NOT},     {"eq", T_EQ},
    {"ne", T_NE},   {"gt", T_GT},     {"ge", T_GE},       {"lt", T_LT},
    {"le", T_LE},   {"true", T_TRUE}, {"false", T_FALSE}, {"null", T_NULL},
};

struct fparser {
    const char *p;       /* next input byte */
    char *pw;            /* next free byte of the pool */
    struct rf_filter *f; /* the tree being built */
    int depth;           /* current nesting of parentheses and "not" */
    enum ftok tok;       /* current token */
    const char *text;    /* its text in the pool (T_PROP, T_STR) */
    double num;          /* its value (T_NUM) */
};

/* Lexes a number: -?digits(.digits)?, at most 18 significant digits and a fraction of at most
 * 18 digits, so the value is the correctly rounded mantissa / 10^k. */
static int
lex_number(struct fparser *ps)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    const char *p = ps->p;
    int neg = 0;
    uint64_t mant = 0;
    int sig = 0;
    size_t frac = 0;

    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (!is_digit(*p)) {
        return -1;
    }
    while (is_digit(*p)) {
        if (mant != 0 || *p != '0') {
            if (++sig > 18) {
                return -1;
            }
            mant = mant * 10 + (uint64_t)(*p - '0');
        }
        p++;
    }
    if (*p == '.') {
        p++;
        if (!is_digit(*p)) {
            return -1;
        }
        while (is_digit(*p)) {
            if (++frac > 18) {
                return -1;
            }
            if (mant != 0 || *p != '0') {
                if (++sig > 18) {
                    return -1;
                }
            }
            mant = mant * 10 + (uint64_t)(*p - '0');
            p++;
        }
    }
    if (is_ident(*p) || *p == '.' || *p == '\'') {
        return -1;
    }
    ps->num = (double)mant / pow10[frac];
    if (neg) {
        ps->num = -ps->num;
    }
    ps->tok = T_NUM;
    ps->p = p;
    return 0;
}

/* Lexes a single-quoted string, '' standing for one quote, into the pool. */
static int
lex_string(struct fparser *ps)
{
    const char *p = ps->p + 1;

    ps->text = ps->pw;
    for (;;) {
        if (*p == '\0') {
            return -1; /* unterminated */
        }
        if (*p == '\'') {
            if (p[1] != '\'') {
                break;
            }
            p++;
        }
        *ps->pw++ = *p++;
    }
    *ps->pw++ = '\0';
    ps->p = p + 1;
    ps->tok = T_STR;
    return 0;
}

/* Lexes a name or a keyword: ident(/ident)*. A name holding '/' is never a keyword. */
static int
lex_name(struct fparser *ps)
{
    const char *p = ps->p;
    size_t n;

    for (;;) {
        if (!is_ident_start(*p)) {
            return -1;
        }
        while (is_ident(*p)) {
            p++;
        }
        if (*p != '/') {
            break;
        }
        p++;
    }
    n = (size_t)(p - ps->p);
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, ps->p, n) == 0) {
            ps->tok = keywords[i].tok;
            ps->p = p;
            return 0;
        }
    }
    ps->text = ps->pw;
    memcpy(ps->pw, ps->p, n);
    ps->pw += n;
    *ps->pw++ = '\0';
    ps->tok = T_PROP;
    ps->p = p;
    return 0;
}

static int
next_token(struct fparser *ps)
{
    while (*ps->p == ' ') {
        ps->p++;
    }
    switch (*ps->p) {
    case '\0':
        ps->tok = T_END;
        return 0;
    case '(':
        ps->tok = T_LP;
        ps->p++;
        return 0;
    case ')':
        ps->tok = T_RP;
        ps->p++;
        return 0;
    case '\'':
        return lex_string(ps);
    default:
        break;
    }
    if (*ps->p == '-' || is_digit(*ps->p)) {
        return lex_number(ps);
    }
    return lex_name(ps);
}

/* ---- $filter: parser -------------------------------------------------------------------- */

static int
new_node(struct fparser *ps, enum fkind kind)
{
    struct fnode *nd;

    if (ps->f->n >= RF_FILTER_NODES_MAX) {
        return -1;
    }
    nd = &ps->f->node[ps->f->n];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->first = -1;
    nd->next = -1;
    return (int)ps->f->n++;
}

static int parse_or(struct fparser *ps);

/* operand := property | 'string' | number | true | false | null */
static int
parse_operand(struct fparser *ps, struct foperand *o)
{
    memset(o, 0, sizeof *o);
    switch (ps->tok) {
    case T_PROP:
        o->prop = ps->text;
        break;
    case T_STR:
        o->lit.type = RF_QV_STRING;
        o->lit.s = ps->text;
        break;
    case T_NUM:
        o->lit.type = RF_QV_NUMBER;
        o->lit.n = ps->num;
        break;
    case T_TRUE:
    case T_FALSE:
        o->lit.type = RF_QV_BOOL;
        o->lit.b = ps->tok == T_TRUE;
        break;
    case T_NULL:
        o->lit.type = RF_QV_NULL;
        break;
    default:
        return -1;
    }
    return next_token(ps);
}

/* comparison := operand (eq|ne|gt|ge|lt|le) operand. Comparisons do not chain. */
static int
parse_comparison(struct fparser *ps)
{
    int idx = new_node(ps, FN_CMP);
    struct fnode *nd;

    if (idx < 0) {
        return -1;
    }
    nd = &ps->f->node[idx];
    if (parse_operand(ps, &nd->a) != 0) {
        return -1;
    }
    switch (ps->tok) {
    case T_EQ:
        nd->op = OP_EQ;
        break;
    case T_NE:
        nd->op = OP_NE;
        break;
    case T_GT:
        nd->op = OP_GT;
        break;
    case T_GE:
        nd->op = OP_GE;
        break;
    case T_LT:
        nd->op = OP_LT;
        break;
    case T_LE:
        nd->op = OP_LE;
        break;
    default:
        return -1;
    }
    if (next_token(ps) != 0 || parse_operand(ps, &nd->b) != 0) {
        return -1;
    }
    return idx;
}

/* unary := 'not' unary | '(' or ')' | comparison */
static int
parse_unary(struct fparser *ps)
{
    int idx;
    int child;

    if (ps->tok == T_NOT || ps->tok == T_LP) {
        if (++ps->depth > RF_FILTER_DEPTH_MAX) {
            return -1;
        }
    }
    if (ps->tok == T_NOT) {
        idx = new_node(ps, FN_NOT);
        if (idx < 0 || next_token(ps) != 0 || (child = parse_unary(ps)) < 0) {
            return -1;
        }
        ps->f->node[idx].first = child;
        ps->depth--;
        return idx;
    }
    if (ps->tok == T_LP) {
        if (next_token(ps) != 0 || (idx = parse_or(ps)) < 0 || ps->tok != T_RP
            || next_token(ps) != 0) {
            return -1;
        }
        ps->depth--;
        return idx;
    }
    return parse_comparison(ps);
}

/* An n-ary and/or: sub (op sub)*, built as one node with a list of children, so a long chain
 * costs no recursion. */
static int
parse_chain(struct fparser *ps, enum ftok op, enum fkind kind, int (*sub)(struct fparser *))
{
    int first = sub(ps);
    int idx;
    int last;

    if (first < 0 || ps->tok != op) {
        return first;
    }
    idx = new_node(ps, kind);
    if (idx < 0) {
        return -1;
    }
    ps->f->node[idx].first = first;
    last = first;
    while (ps->tok == op) {
        int child;

        if (next_token(ps) != 0 || (child = sub(ps)) < 0) {
            return -1;
        }
        ps->f->node[last].next = child;
        last = child;
    }
    return idx;
}

static int
parse_and(struct fparser *ps)
{
    return parse_chain(ps, T_AND, FN_AND, parse_unary);
}

static int
parse_or(struct fparser *ps)
{
    return parse_chain(ps, T_OR, FN_OR, parse_and);
}

/* Parses a decoded $filter value into a new tree. Returns NULL on a syntax error, a limit or
 * out of memory (*oom set). */
static struct rf_filter *
filter_parse(const char *v, size_t len, int *oom)
{
    struct fparser ps;
    struct rf_filter *f = calloc(1, sizeof *f);

    *oom = 0;
    if (f == NULL || (f->pool = malloc(2 * len + 2)) == NULL) {
        free(f);
        *oom = 1;
        return NULL;
    }
    memset(&ps, 0, sizeof ps);
    ps.p = v;
    ps.pw = f->pool;
    ps.f = f;
    if (next_token(&ps) != 0 || (f->root = parse_or(&ps)) < 0 || ps.tok != T_END) {
        free(f->pool);
        free(f);
        return NULL;
    }
    return f;
}

/* ---- $filter: evaluation ---------------------------------------------------------------- */

static int
cmp_order(enum fop op, int c)
{
    switch (op) {
    case OP_EQ:
        return c == 0;
    case OP_NE:
        return c != 0;
    case OP_GT:
        return c > 0;
    case OP_GE:
        return c >= 0;
    case OP_LT:
        return c < 0;
    case OP_LE:
        return c <= 0;
    }
    return 0;
}

static int
compare(enum fop op, const struct rf_qval *x, const struct rf_qval *y)
{
    if (x->type != y->type) {
        return op == OP_NE;
    }
    switch (x->type) {
    case RF_QV_NULL:
        return op == OP_EQ;
    case RF_QV_BOOL:
        if (op != OP_EQ && op != OP_NE) {
            return 0;
        }
        return cmp_order(op, (x->b != 0) != (y->b != 0));
    case RF_QV_NUMBER:
        return cmp_order(op, (x->n > y->n) - (x->n < y->n));
    case RF_QV_STRING: {
        struct instant ix;
        struct instant iy;

        if (parse_instant(x->s, &ix) == 0 && parse_instant(y->s, &iy) == 0) {
            int c = (ix.sec > iy.sec) - (ix.sec < iy.sec);

            if (c == 0) {
                c = (ix.nsec > iy.nsec) - (ix.nsec < iy.nsec);
            }
            return cmp_order(op, c);
        }
        return cmp_order(op, strcmp(x->s, y->s));
    }
    }
    return 0;
}

/* Resolves an operand. Returns 0, or -1 when the member lacks the property. */
static int
operand_value(const struct foperand *o, rf_filter_get_fn get, void *arg, struct rf_qval *out)
{
    if (o->prop == NULL) {
        *out = o->lit;
        return 0;
    }
    memset(out, 0, sizeof *out);
    if (get(arg, o->prop, out) != 0 || (out->type == RF_QV_STRING && out->s == NULL)) {
        return -1;
    }
    return 0;
}

static int
eval_node(const struct rf_filter *f, int idx, rf_filter_get_fn get, void *arg)
{
    const struct fnode *nd = &f->node[idx];

    switch (nd->kind) {
    case FN_OR:
        for (int c = nd->first; c >= 0; c = f->node[c].next) {
            if (eval_node(f, c, get, arg)) {
                return 1;
            }
        }
        return 0;
    case FN_AND:
        for (int c = nd->first; c >= 0; c = f->node[c].next) {
            if (!eval_node(f, c, get, arg)) {
                return 0;
            }
        }
        return 1;
    case FN_NOT:
        return !eval_node(f, nd->first, get, arg);
    case FN_CMP: {
        struct rf_qval x;
        struct rf_qval y;

        if (operand_value(&nd->a, get, arg, &x) != 0 || operand_value(&nd->b, get, arg, &y) != 0) {
            return nd->op == OP_NE;
        }
        return compare(nd->op, &x, &y);
    }
    }
    return 0;
}

int
rf_filter_eval(const struct rf_filter *f, rf_filter_get_fn get, void *arg)
{
    if (f == NULL) {
        return 1;
    }
    return eval_node(f, f->root, get, arg);
}

/* The getter behind rf_filter_eval_json: walks '/' paths through nested objects. */
static int
json_get(void *arg, const char *prop, struct rf_qval *out)
{
    const cJSON *j = arg;

    while (*prop != '\0') {
        size_t n = strcspn(prop, "/");
        const cJSON *j_hit = NULL;
        const cJSON *j_c;

        if (!cJSON_IsObject(j)) {
            return -1;
        }
        cJSON_ArrayForEach(j_c, j)
        {
            if (j_c->string != NULL && strlen(j_c->string) == n
                && memcmp(j_c->string, prop, n) == 0) {
                j_hit = j_c;
                break;
            }
        }
        if (j_hit == NULL) {
            return -1;
        }
        j = j_hit;
        prop += n;
        if (*prop == '/') {
            prop++;
        }
    }
    if (cJSON_IsNull(j)) {
        out->type = RF_QV_NULL;
    } else if (cJSON_IsBool(j)) {
        out->type = RF_QV_BOOL;
        out->b = cJSON_IsTrue(j);
    } else if (cJSON_IsNumber(j)) {
        out->type = RF_QV_NUMBER;
        out->n = j->valuedouble;
    } else if (cJSON_IsString(j) && j->valuestring != NULL) {
        out->type = RF_QV_STRING;
        out->s = j->valuestring;
    } else {
        return -1;
    }
    return 0;
}

int
rf_filter_eval_json(const struct rf_filter *f, const cJSON *j_member)
{
    /* The getter only reads through arg; the cast drops const for the callback's signature. */
    union {
        const cJSON *c;
        void *v;
    } u;

    u.c = j_member;
    return rf_filter_eval(f, json_get, u.v);
}

int
rf_filter_check_props(const struct rf_filter *f, const char *const *allowed, struct rf_resp *resp)
{
    if (f == NULL) {
        return 0;
    }
    for (size_t i = 0; i < f->n; i++) {
        const char *props[2] = {f->node[i].a.prop, f->node[i].b.prop};

        if (f->node[i].kind != FN_CMP) {
            continue;
        }
        for (size_t k = 0; k < 2; k++) {
            size_t j = 0;
            char e[ECHO_MAX];

            if (props[k] == NULL) {
                continue;
            }
            while (allowed != NULL && allowed[j] != NULL && strcmp(allowed[j], props[k]) != 0) {
                j++;
            }
            if (allowed != NULL && allowed[j] != NULL) {
                continue;
            }
            /*
             * PropertyUnknown, not QueryParameterValueFormatError: the expression is well
             * formed, and what is wrong is that it names a property the members do not have
             * (or the service cannot filter on). PropertyUnknown says exactly that and carries
             * the property name as its argument; DSP0266 answers an invalid value with 400 and
             * leaves the message to the registry, whose Query* messages only describe the
             * parameter's syntax, type or range.
             */
            echo(e, props[k], strlen(props[k]));
            rf_resp_error(resp, 400, RF_MSG_PROPERTY_UNKNOWN, NULL, e);
            return -1;
        }
    }
    return 0;
}

/* ---- $select ---------------------------------------------------------------------------- */

/* Parses "A,B/C" into a new rf_select. Returns NULL on a syntax error or a limit, or when out
 * of memory (*oom set). */
static struct rf_select *
select_parse(const char *v, size_t len, int *oom)
{
    struct rf_select *s = calloc(1, sizeof *s);
    char *p;

    *oom = 0;
    if (s == NULL || (s->pool = malloc(len + 1)) == NULL) {
        free(s);
        *oom = 1;
        return NULL;
    }
    memcpy(s->pool, v, len + 1);
    p = s->pool;
    for (;;) {
        if (s->n >= RF_SELECT_ITEMS_MAX) {
            goto fail;
        }
        for (;;) {
            size_t k = s->item[s->n].nseg;

            if (k >= RF_SELECT_DEPTH_MAX || !is_ident_start(*p)) {
                goto fail;
            }
            s->item[s->n].seg[k] = p;
            s->item[s->n].nseg = k + 1;
            while (is_ident(*p)) {
                p++;
            }
            if (*p != '/') {
                break;
            }
            *p++ = '\0';
        }
        s->n++;
        if (*p == '\0') {
            return s;
        }
        if (*p != ',') {
            goto fail;
        }
        *p++ = '\0';
    }
fail:
    free(s->pool);
    free(s);
    return NULL;
}

static int
is_odata_core(const char *key)
{
    return strcmp(key, "@odata.id") == 0 || strcmp(key, "@odata.type") == 0
           || strcmp(key, "@odata.etag") == 0 || strcmp(key, "@odata.context") == 0;
}

static void select_level(const struct rf_select *s, cJSON *j_obj, size_t level, uint64_t active);

/* Applies the active items' remaining segments to a partially selected value. Returns whether
 * to keep it. */
static int
select_descend(const struct rf_select *s, cJSON *j_val, size_t level, uint64_t sub)
{
    cJSON *j_el;

    if (cJSON_IsObject(j_val)) {
        select_level(s, j_val, level, sub);
        return j_val->child != NULL;
    }
    if (cJSON_IsArray(j_val)) {
        cJSON_ArrayForEach(j_el, j_val)
        {
            if (cJSON_IsObject(j_el)) {
                select_level(s, j_el, level, sub);
            }
        }
        return 1;
    }
    return 0;
}

/* Keeps, in one object, what the active items select at this level. */
static void
select_level(const struct rf_select *s, cJSON *j_obj, size_t level, uint64_t active)
{
    cJSON *j_c = j_obj->child;

    while (j_c != NULL) {
        cJSON *j_next = j_c->next;
        const char *key = j_c->string;
        int keep = 0;

        if (key == NULL || is_odata_core(key)) {
            keep = 1;
        } else {
            const char *at = strchr(key, '@');
            int annotation = at != NULL && at != key;
            size_t klen = annotation ? (size_t)(at - key) : strlen(key);
            uint64_t sub = 0;

            for (size_t i = 0; i < s->n && !keep; i++) {
                const char *seg;

                if (!(active & ((uint64_t)1 << i))) {
                    continue;
                }
                seg = s->item[i].seg[level];
                if (strlen(seg) != klen || memcmp(seg, key, klen) != 0) {
                    continue;
                }
                if (s->item[i].nseg == level + 1) {
                    keep = 1;
                } else {
                    sub |= (uint64_t)1 << i;
                }
            }
            if (!keep && sub != 0) {
                /* An annotation ("Members@odata.count") stays with its property even when only
                 * part of that property is selected. */
                keep = annotation ? 1 : select_descend(s, j_c, level + 1, sub);
            }
        }
        if (!keep) {
            cJSON_Delete(cJSON_DetachItemViaPointer(j_obj, j_c));
        }
        j_c = j_next;
    }
}

void
rf_select_apply(const struct rf_select *s, cJSON *j_obj)
{
    uint64_t all = 0;

    if (s == NULL || !cJSON_IsObject(j_obj)) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        all |= (uint64_t)1 << i;
    }
    select_level(s, j_obj, 0, all);
}

size_t
rf_select_count(const struct rf_select *s)
{
    return s != NULL ? s->n : 0;
}

/* ---- the query string -------------------------------------------------------------------- */

enum qopt { Q_TOP, Q_SKIP, Q_SELECT, Q_EXPAND, Q_FILTER, Q_ONLY, Q_EXCERPT, Q__COUNT };

static const struct {
    const char *name;
    unsigned flag;
} qopts[Q__COUNT] = {
    [Q_TOP] = {"$top", RF_Q_TOP},
    [Q_SKIP] = {"$skip", RF_Q_SKIP},
    [Q_SELECT] = {"$select", RF_Q_SELECT},
    [Q_EXPAND] = {"$expand", RF_Q_EXPAND},
    [Q_FILTER] = {"$filter", RF_Q_FILTER},
    [Q_ONLY] = {"only", RF_Q_ONLY},
    [Q_EXCERPT] = {"excerpt", RF_Q_EXCERPT},
};

static void
err_format(struct rf_resp *resp, const char *name, const char *v, size_t n)
{
    char e[ECHO_MAX];

    echo(e, v, n);
    rf_resp_error(resp, 400, RF_MSG_QUERY_PARAMETER_VALUE_FORMAT_ERROR, NULL, e, name);
}

/* $top and $skip: a non-negative decimal integer up to RF_QUERY_COUNT_MAX. */
static int
parse_count(const char *name, const char *v, size_t *out, struct rf_resp *resp)
{
    size_t n = 0;
    char e[ECHO_MAX];

    echo(e, v, strlen(v));
    if (*v == '\0') {
        rf_resp_error(resp, 400, RF_MSG_QUERY_PARAMETER_VALUE_TYPE_ERROR, NULL, e, name);
        return -1;
    }
    for (const char *p = v; *p != '\0'; p++) {
        if (!is_digit(*p)) {
            rf_resp_error(resp, 400, RF_MSG_QUERY_PARAMETER_VALUE_TYPE_ERROR, NULL, e, name);
            return -1;
        }
    }
    for (const char *p = v; *p != '\0'; p++) {
        size_t d = (size_t)(*p - '0');

        if (n > (RF_QUERY_COUNT_MAX - d) / 10) {
            char range[32];

            (void)rf_fmt(range, sizeof range, "0-%u", RF_QUERY_COUNT_MAX);
            rf_resp_error(resp, 400, RF_MSG_QUERY_PARAMETER_OUT_OF_RANGE, NULL, e, name, range);
            return -1;
        }
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

/* $expand: ".", "*" or "~", optionally followed by "($levels=n)". */
static int
parse_expand(const char *v, struct rf_query *q, struct rf_resp *resp)
{
    static const char prefix[] = "($levels=";
    const char *p = v + 1;
    int levels = 0;

    switch (v[0]) {
    case '.':
        q->expand = RF_EXPAND_DOT;
        break;
    case '*':
        q->expand = RF_EXPAND_ASTERISK;
        break;
    case '~':
        q->expand = RF_EXPAND_TILDE;
        break;
    default:
        if (is_ident_start(v[0])) {
            /* OData's $expand=NavigationProperty: a form this service does not implement. */
            rf_resp_error(resp, 501, RF_MSG_QUERY_NOT_SUPPORTED, NULL);
        } else {
            err_format(resp, "$expand", v, strlen(v));
        }
        return -1;
    }
    q->expand_levels = 1;
    if (*p == '\0') {
        return 0;
    }
    if (strncmp(p, prefix, sizeof prefix - 1) != 0) {
        err_format(resp, "$expand", v, strlen(v));
        return -1;
    }
    p += sizeof prefix - 1;
    if (!is_digit(*p)) {
        err_format(resp, "$expand", v, strlen(v));
        return -1;
    }
    while (is_digit(*p)) {
        if (levels <= RF_QUERY_EXPAND_LEVELS_MAX) {
            levels = levels * 10 + (*p - '0');
        }
        p++;
    }
    if (p[0] != ')' || p[1] != '\0' || levels == 0) {
        err_format(resp, "$expand", v, strlen(v));
        return -1;
    }
    if (levels > RF_QUERY_EXPAND_LEVELS_MAX) {
        rf_resp_error(resp, 501, RF_MSG_QUERY_NOT_SUPPORTED, NULL);
        return -1;
    }
    q->expand_levels = levels;
    return 0;
}

static void
err_oom(struct rf_resp *resp)
{
    rf_resp_error(resp, 500, RF_MSG_INTERNAL_ERROR, NULL);
}

/* Parses one decoded value of a known option into q. */
static int
parse_option(enum qopt opt, int has_value, const char *v, size_t len, struct rf_query *q,
             struct rf_resp *resp)
{
    const char *name = qopts[opt].name;
    int oom = 0;

    switch (opt) {
    case Q_TOP:
        q->has_top = 1;
        return parse_count(name, v, &q->top, resp);
    case Q_SKIP:
        q->has_skip = 1;
        return parse_count(name, v, &q->skip, resp);
    case Q_ONLY:
    case Q_EXCERPT:
        /* These take no value; "only=" (empty) is the same as "only". */
        if (has_value && len > 0) {
            err_format(resp, name, v, len);
            return -1;
        }
        if (opt == Q_ONLY) {
            q->only = 1;
        } else {
            q->excerpt = 1;
        }
        return 0;
    case Q_SELECT:
        q->select = select_parse(v, len, &oom);
        break;
    case Q_FILTER:
        q->filter = filter_parse(v, len, &oom);
        break;
    case Q_EXPAND:
        return parse_expand(v, q, resp);
    case Q__COUNT:
        break;
    }
    if (oom) {
        err_oom(resp);
        return -1;
    }
    if ((opt == Q_SELECT && q->select == NULL) || (opt == Q_FILTER && q->filter == NULL)) {
        err_format(resp, name, v, len);
        return -1;
    }
    return 0;
}

/* Handles one name=value pair (raw, n bytes). Returns 0, or -1 with resp filled. */
static int
parse_param(const char *p, size_t n, unsigned supported, unsigned *seen, struct rf_query *q,
            struct rf_resp *resp)
{
    size_t nlen = strcspn(p, "=&");
    int has_value = nlen < n;
    const char *rv = p + nlen + (has_value ? 1 : 0);
    size_t rvlen = has_value ? n - nlen - 1 : 0;
    char name[QUERY_NAME_MAX + 1];
    char e[ECHO_MAX];
    int opt = -1;
    char *v;
    long vlen;
    int rc;

    if (nlen == 0) {
        return 0; /* "&&" or "=x": no name, nothing to apply */
    }
    if (nlen > QUERY_NAME_MAX || pct_decode(p, nlen, name) < 0) {
        /* Not an option this service knows: 501 if it names a '$' option, else ignored. */
        if (p[0] == '$' || (nlen >= 3 && memcmp(p, "%24", 3) == 0)) {
            echo(e, p, nlen);
            rf_resp_error(resp, 501, RF_MSG_QUERY_PARAMETER_UNSUPPORTED, NULL, e);
            return -1;
        }
        return 0;
    }
    for (int i = 0; i < Q__COUNT; i++) {
        if (strcmp(name, qopts[i].name) == 0) {
            opt = i;
        }
    }
    if (opt < 0) {
        if (name[0] == '$') {
            echo(e, name, strlen(name));
            rf_resp_error(resp, 501, RF_MSG_QUERY_PARAMETER_UNSUPPORTED, NULL, e);
            return -1;
        }
        return 0; /* DSP0266: unknown parameters without '$' are ignored */
    }
    if (!(supported & qopts[opt].flag)) {
        rf_resp_error(resp, 501, RF_MSG_QUERY_PARAMETER_UNSUPPORTED, NULL, name);
        return -1;
    }
    if (*seen & (1u << opt) || rvlen > RF_QUERY_VALUE_MAX) {
        /* A repeated option is ambiguous: refuse it rather than pick one. */
        err_format(resp, name, rv, rvlen);
        return -1;
    }
    *seen |= 1u << opt;
    v = malloc(rvlen + 1);
    if (v == NULL) {
        err_oom(resp);
        return -1;
    }
    vlen = pct_decode(rv, rvlen, v);
    if (vlen < 0) {
        err_format(resp, name, rv, rvlen);
        free(v);
        return -1;
    }
    rc = parse_option((enum qopt)opt, has_value, v, (size_t)vlen, q, resp);
    free(v);
    return rc;
}

int
rf_query_parse_mask(const char *raw, unsigned supported, struct rf_query *q, struct rf_resp *resp)
{
    const char *p = raw;
    unsigned seen = 0;
    size_t count = 0;

    memset(q, 0, sizeof *q);
    q->expand_levels = 1;
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, "&");

        if (++count > RF_QUERY_PARAMS_MAX || (size_t)(p - raw) + n > RF_QUERY_LEN_MAX) {
            size_t nlen = strcspn(p, "=&");
            char e[ECHO_MAX];
            char nm[ECHO_MAX];

            echo(e, p, n);
            echo(nm, p, nlen);
            rf_resp_error(resp, 400, RF_MSG_QUERY_PARAMETER_VALUE_FORMAT_ERROR, NULL, e, nm);
            goto fail;
        }
        if (parse_param(p, n, supported, &seen, q, resp) != 0) {
            goto fail;
        }
        p += n;
        if (*p == '&') {
            p++;
        }
    }
    if ((seen & (1u << Q_ONLY)) && (seen & ~(1u << Q_ONLY)) != 0) {
        /* DSP0266: only combined with any other query parameter is a 400. */
        rf_resp_error(resp, 400, RF_MSG_QUERY_COMBINATION_INVALID, NULL);
        goto fail;
    }
    return 0;
fail:
    rf_query_cleanup(q);
    return -1;
}

int
rf_query_parse(const char *raw, struct rf_query *q, struct rf_resp *resp)
{
    return rf_query_parse_mask(raw,
                               RF_Q_TOP | RF_Q_SKIP | RF_Q_SELECT | RF_Q_EXPAND | RF_Q_FILTER
                                   | RF_Q_ONLY | RF_Q_EXCERPT,
                               q, resp);
}

void
rf_query_cleanup(struct rf_query *q)
{
    if (q == NULL) {
        return;
    }
    if (q->select != NULL) {
        free(q->select->pool);
        free(q->select);
    }
    if (q->filter != NULL) {
        free(q->filter->pool);
        free(q->filter);
    }
    memset(q, 0, sizeof *q);
    q->expand_levels = 1;
}
