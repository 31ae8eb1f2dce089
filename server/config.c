#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "rf_buf.h"

enum cfg_type {
    CFG_T_LONG,
    CFG_T_PATH,
    CFG_T_OPT_PATH,
    CFG_T_TEXT,
    CFG_T_ADDR_LIST,
    CFG_T_LEVEL,
    CFG_T_TLSVER
};

struct cfg_entry {
    const char *name;
    enum cfg_type type;
    size_t offset;
    size_t size; /* of the field, for strings */
    long min;
    long max;
    const char *def;
    const char *help;
};

#define F(field) offsetof(struct config, field), sizeof(((struct config *)0)->field)

/* The one table of settings. The same names serve the file ("name = value") and the command
 * line ("--name value"). */
static const struct cfg_entry cfg_table[] = {
    {"listen", CFG_T_ADDR_LIST, F(listen), 0, 0, "127.0.0.1",
     "address to listen on, IPv4 or IPv6 literal (repeatable)"},
    {"port", CFG_T_LONG, F(port), 0, 65535, "8443", "HTTPS port (0 picks a free port)"},
    {"cert", CFG_T_PATH, F(cert), 0, 0, "certs/server.pem", "PEM certificate chain"},
    {"key", CFG_T_PATH, F(key), 0, 0, "certs/server.key", "PEM private key"},
    {"data-dir", CFG_T_PATH, F(data_dir), 0, 0, "var", "directory of the SQLite database"},
    {"threads", CFG_T_LONG, F(threads), 2, 256, "16", "worker threads"},
    {"log-level", CFG_T_LEVEL, F(log_level), 0, 0, "info", "error, warning, info or debug"},
    {"request-timeout-ms", CFG_T_LONG, F(request_timeout_ms), 100, 600000, "30000",
     "time allowed to receive a request"},
    {"keep-alive-timeout-ms", CFG_T_LONG, F(keep_alive_timeout_ms), 0, 600000, "5000",
     "idle time before a kept-alive connection closes"},
    {"max-body", CFG_T_LONG, F(max_body), 1024, 64L * 1024 * 1024, "1048576",
     "largest request body in bytes (413 above it)"},
    {"max-connections", CFG_T_LONG, F(max_connections), 1, 4096, "64",
     "connections waiting for a worker"},
    {"tls-min-version", CFG_T_TLSVER, F(tls_min_version), 0, 0, "1.2", "1.2 or 1.3"},
    {"tls-ciphers", CFG_T_TEXT, F(tls_ciphers), 0, 0,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
     "TLS 1.2 cipher list (OpenSSL syntax)"},
    {"tls-ciphersuites", CFG_T_TEXT, F(tls_ciphersuites), 0, 0,
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
     "TLS 1.3 cipher suites"},
    {"hsts-max-age", CFG_T_LONG, F(hsts_max_age), 0, 63072000, "31536000",
     "Strict-Transport-Security max-age in seconds (0: no header)"},
    {"tls-client-ca", CFG_T_OPT_PATH, F(tls_client_ca), 0, 0, "",
     "PEM CA bundle; when set, client certificates it signed log in as the account named by "
     "their CN"},
    {"session-timeout", CFG_T_LONG, F(session_timeout), 30, 86400, "1800",
     "idle seconds before a session ends (SessionTimeout until PATCHed)"},
    {"max-sessions", CFG_T_LONG, F(max_sessions), 1, 256, "64", "live sessions at most"},
    {"account-lockout-threshold", CFG_T_LONG, F(lockout_threshold), 0, 1000, "5",
     "failed logins before an account locks (0: never; AccountService until PATCHed)"},
    {"account-lockout-duration", CFG_T_LONG, F(lockout_duration), 0, 86400, "300",
     "seconds an account stays locked (0: no lockout)"},
    {"account-lockout-reset-after", CFG_T_LONG, F(lockout_reset_after), 0, 86400, "300",
     "seconds after the last failed login when the failure count resets"},
    {"min-password-length", CFG_T_LONG, F(min_password_length), 8, 256, "12",
     "shortest password accepted"},
    {"max-password-length", CFG_T_LONG, F(max_password_length), 8, 256, "128",
     "longest password accepted"},
    {"audit-max-records", CFG_T_LONG, F(audit_max_records), 100, 1000000, "1000",
     "audit entries kept for the audit LogService (the audit file keeps every one)"},
    {"documents-dir", CFG_T_OPT_PATH, F(documents_dir), 0, 0, "",
     "directory of the job documents, read at start (default: <data-dir>/documents)"},
    {"task-dir", CFG_T_OPT_PATH, F(task_dir), 0, 0, "",
     "where a job document's bare command name is looked up (default: the directory of this "
     "program)"},
    {"files-dir", CFG_T_OPT_PATH, F(files_dir), 0, 0, "",
     "working directory of job commands, given to them as RFJOBD_DATA_DIR (default: "
     "<data-dir>/files)"},
    {"max-concurrent-jobs", CFG_T_LONG, F(max_concurrent_jobs), 1, 1024, "4",
     "document-based jobs whose commands run at once; the others wait as Pending"},
    {"validation-policy", CFG_T_TEXT, F(validation_policy), 0, 0, "Automatic",
     "how document-based jobs are validated: Automatic, Manual or Bypass"},
    {"event-ring", CFG_T_LONG, F(event_ring), 64, 1000000, "4096",
     "events kept for replay (Last-Event-ID) and for subscribers that are behind"},
    {"sse-max-streams", CFG_T_LONG, F(sse_max_streams), 1, 255, "8",
     "server-sent event streams open at once (each holds a worker thread: at most half of "
     "threads)"},
    {"sse-keepalive", CFG_T_LONG, F(sse_keepalive), 1, 3600, "5",
     "seconds without an event before a stream gets a keep-alive comment"},
    {"progress-event-interval-ms", CFG_T_LONG, F(progress_event_interval_ms), 0, 3600000, "1000",
     "least time between two JobProgressChanged events of one job (0: no limit)"},
    {"event-ca", CFG_T_OPT_PATH, F(event_ca), 0, 0, "",
     "PEM CA bundle that event subscription destinations are verified against (default: the "
     "system CA store)"},
    {"event-timeout-ms", CFG_T_LONG, F(event_timeout_ms), 100, 60000, "5000",
     "time allowed to connect to an event destination, and for each read or write"},
};

#undef F

static const size_t cfg_table_len = sizeof cfg_table / sizeof cfg_table[0];

static const struct cfg_entry *
cfg_find(const char *name)
{
    for (size_t i = 0; i < cfg_table_len; i++) {
        if (strcmp(cfg_table[i].name, name) == 0) {
            return &cfg_table[i];
        }
    }
    return NULL;
}

static int
parse_long(const char *s, long *out)
{
    char *end = NULL;
    long v;

    if (*s == '\0' || isspace((unsigned char)*s)) {
        return -1;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        return -1;
    }
    *out = v;
    return 0;
}

static int
valid_addr(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Sets one entry from text. *listen_reset makes the first listen value replace the list. */
static int
cfg_set(struct config *cfg, const struct cfg_entry *e, const char *value, int *listen_reset,
        char *why, size_t whysz)
{
    char *field = (char *)cfg + e->offset;
    long v;

    switch (e->type) {
    case CFG_T_LONG:
        if (parse_long(value, &v) != 0) {
            {
                (void)rf_fmt(why, whysz, "not a whole number");
                return -1;
            }
        }
        if (v < e->min || v > e->max) {
            {
                (void)rf_fmt(why, whysz, "out of range %ld..%ld", e->min, e->max);
                return -1;
            }
        }
        *(long *)(void *)field = v;
        return 0;
    case CFG_T_OPT_PATH:
        if (rf_strlcpy(field, value, e->size) != 0) {
            (void)rf_fmt(why, whysz, "too long");
            return -1;
        }
        return 0;
    case CFG_T_PATH:
    case CFG_T_TEXT:
        if (*value == '\0') {
            {
                (void)rf_fmt(why, whysz, "empty");
                return -1;
            }
        }
        if (rf_strlcpy(field, value, e->size) != 0) {
            {
                (void)rf_fmt(why, whysz, "too long");
                return -1;
            }
        }
        return 0;
    case CFG_T_ADDR_LIST:
        if (!valid_addr(value)) {
            {
                (void)rf_fmt(why, whysz, "not an IPv4 or IPv6 address literal");
                return -1;
            }
        }
        if (*listen_reset) {
            cfg->n_listen = 0;
            *listen_reset = 0;
        }
        if (cfg->n_listen >= CFG_MAX_LISTEN) {
            {
                (void)rf_fmt(why, whysz, "more than %d addresses", CFG_MAX_LISTEN);
                return -1;
            }
        }
        for (size_t i = 0; i < cfg->n_listen; i++) {
            if (strcmp(cfg->listen[i], value) == 0) {
                return 0;
            }
        }
        if (rf_strlcpy(cfg->listen[cfg->n_listen], value, CFG_ADDR_MAX) != 0) {
            {
                (void)rf_fmt(why, whysz, "too long");
                return -1;
            }
        }
        cfg->n_listen++;
        return 0;
    case CFG_T_LEVEL:
        if (log_level_parse(value, &cfg->log_level) != 0) {
            {
                (void)rf_fmt(why, whysz, "not one of error, warning, info, debug");
                return -1;
            }
        }
        return 0;
    case CFG_T_TLSVER:
        if (strcmp(value, "1.2") != 0 && strcmp(value, "1.3") != 0) {
            {
                (void)rf_fmt(why, whysz, "not 1.2 or 1.3");
                return -1;
            }
        }
        return rf_strlcpy(field, value, e->size);
    }
    return -1;
}

void
cfg_defaults(struct config *cfg)
{
    char why[128];

    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < cfg_table_len; i++) {
        int reset = 1;
        int rc = cfg_set(cfg, &cfg_table[i], cfg_table[i].def, &reset, why, sizeof why);

        /* The defaults are part of the program; a bad one is a programming error. */
        (void)rc;
    }
}

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

int
cfg_load_file(struct config *cfg, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "re");
    char line[2048];
    char why[128];
    unsigned lineno = 0;
    int listen_reset = 1;

    if (f == NULL) {
        (void)rf_fmt(err, errsz, "%s: cannot open (errno %d)", path, errno);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *p;
        char *eq;
        char *name;
        char *value;
        const struct cfg_entry *e;

        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            (void)rf_fmt(err, errsz, "%s:%u: line too long", path, lineno);
            fclose(f);
            return -1;
        }
        p = strchr(line, '#');
        if (p != NULL) {
            *p = '\0';
        }
        p = trim(line);
        if (*p == '\0') {
            continue;
        }
        eq = strchr(p, '=');
        if (eq == NULL) {
            (void)rf_fmt(err, errsz, "%s:%u: expected 'name = value', got '%.64s'", path, lineno,
                         p);
            fclose(f);
            return -1;
        }
        *eq = '\0';
        name = trim(p);
        value = trim(eq + 1);
        e = cfg_find(name);
        if (e == NULL) {
            (void)rf_fmt(err, errsz, "%s:%u: unknown setting '%.64s'", path, lineno, name);
            fclose(f);
            return -1;
        }
        if (cfg_set(cfg, e, value, &listen_reset, why, sizeof why) != 0) {
            (void)rf_fmt(err, errsz, "%s:%u: %s = '%.128s': %s", path, lineno, name, value, why);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}

int
cfg_parse_args(struct config *cfg, int argc, char **argv, int *want_help, int *want_version,
               char *err, size_t errsz)
{
    char why[128];
    int listen_reset = 1;

    *want_help = 0;
    *want_version = 0;
    /* The file first, so that flags override it wherever --config stands. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc) {
                (void)rf_fmt(err, errsz, "--config needs a file");
                return -1;
            }
            if (cfg_load_file(cfg, argv[i + 1], err, errsz) != 0) {
                return -1;
            }
            i++;
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        const char *eq;
        char name[64];
        const struct cfg_entry *e;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *want_help = 1;
            continue;
        }
        if (strcmp(arg, "--version") == 0) {
            *want_version = 1;
            continue;
        }
        if (strcmp(arg, "--config") == 0) {
            i++;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            (void)rf_fmt(err, errsz, "unexpected argument '%.64s' (see --help)", arg);
            return -1;
        }
        eq = strchr(arg + 2, '=');
        if (eq != NULL) {
            size_t n = (size_t)(eq - (arg + 2));

            if (n >= sizeof name) {
                (void)rf_fmt(err, errsz, "unknown option '%.64s' (see --help)", arg);
                return -1;
            }
            memcpy(name, arg + 2, n);
            name[n] = '\0';
            value = eq + 1;
        } else {
            if (rf_strlcpy(name, arg + 2, sizeof name) != 0) {
                (void)rf_fmt(err, errsz, "unknown option '%.64s' (see --help)", arg);
                return -1;
            }
            value = NULL;
        }
        e = cfg_find(name);
        if (e == NULL) {
            (void)rf_fmt(err, errsz, "unknown option '--%.64s' (see --help)", name);
            return -1;
        }
        if (value == NULL) {
            if (i + 1 >= argc) {
                (void)rf_fmt(err, errsz, "--%s needs a value", name);
                return -1;
            }
            value = argv[++i];
        }
        if (cfg_set(cfg, e, value, &listen_reset, why, sizeof why) != 0) {
            (void)rf_fmt(err, errsz, "--%s '%.128s': %s", name, value, why);
            return -1;
        }
    }
    return 0;
}

int
cfg_validate(const struct config *cfg, char *err, size_t errsz)
{
    if (cfg->n_listen == 0) {
        (void)rf_fmt(err, errsz, "no listen address");
        return -1;
    }
    if (cfg->cert[0] == '\0' || cfg->key[0] == '\0') {
        (void)rf_fmt(err, errsz, "a certificate and a key are required (TLS only)");
        return -1;
    }
    if (cfg->min_password_length > cfg->max_password_length) {
        (void)rf_fmt(err, errsz, "min-password-length is above max-password-length");
        return -1;
    }
    if (cfg->lockout_reset_after > cfg->lockout_duration && cfg->lockout_duration > 0) {
        (void)rf_fmt(err, errsz, "account-lockout-reset-after is above account-lockout-duration");
        return -1;
    }
    if (strcmp(cfg->validation_policy, "Automatic") != 0
        && strcmp(cfg->validation_policy, "Manual") != 0
        && strcmp(cfg->validation_policy, "Bypass") != 0) {
        (void)rf_fmt(err, errsz, "validation-policy '%s' is not Automatic, Manual or Bypass",
                     cfg->validation_policy);
        return -1;
    }
    return 0;
}

void
cfg_print_help(const char *prog)
{
    printf("Usage: %s [OPTIONS]\n\n"
           "rfjobd serves a Redfish JobService over HTTPS.\n\n"
           "  --config FILE          read settings from FILE ('name = value' lines)\n",
           prog);
    for (size_t i = 0; i < cfg_table_len; i++) {
        char left[64];

        if (rf_fmt(left, sizeof left, "--%s VALUE", cfg_table[i].name) != 0) {
            continue;
        }
        printf("  %-22s %s", left, cfg_table[i].help);
        if (strlen(cfg_table[i].def) < 40) {
            printf(" [%s]", cfg_table[i].def);
        }
        printf("\n");
    }
    printf("  --help                 show this text\n"
           "  --version              show the version\n\n"
           "Environment: RFJOBD_ADMIN_PASSWORD sets the password of the Administrator account\n"
           "created at first start; without it a password is generated and printed once.\n");
}

int
cfg_to_civetweb_options(const struct config *cfg, struct cfg_civetweb_opts *out)
{
    struct rf_buf ports;
    size_t n = 0;
    size_t s = 0;
    int rc = -1;

#define OPT(name, ...)                                                                             \
    do {                                                                                           \
        if (s >= CFG_CIVETWEB_OPTS_MAX                                                             \
            || rf_fmt(out->store[s], sizeof out->store[s], __VA_ARGS__) != 0) {                    \
            goto done;                                                                             \
        }                                                                                          \
        out->argv[n++] = (name);                                                                   \
        out->argv[n++] = out->store[s++];                                                          \
    } while (0)

    rf_buf_init(&ports, CFG_PATH_MAX - 1);
    for (size_t i = 0; i < cfg->n_listen; i++) {
        int v6 = strchr(cfg->listen[i], ':') != NULL;

        if (rf_buf_printf(&ports, "%s%s%s%s:%lds", i ? "," : "", v6 ? "[" : "", cfg->listen[i],
                          v6 ? "]" : "", cfg->port)
            != 0) {
            goto done;
        }
    }
    OPT("listening_ports", "%s", ports.data);
    OPT("num_threads", "%ld", cfg->threads);
    OPT("request_timeout_ms", "%ld", cfg->request_timeout_ms);
    OPT("keep_alive_timeout_ms", "%ld", cfg->keep_alive_timeout_ms);
    OPT("enable_keep_alive", "yes");
    OPT("connection_queue", "%ld", cfg->max_connections);
    OPT("max_request_size", "%d", 16384);
    OPT("decode_url", "no");
    OPT("enable_auth_domain_check", "no");
    OPT("tcp_nodelay", "1");
    OPT("linger_timeout_ms", "%d", 100);
    out->argv[n] = NULL;
    rc = 0;
done:
#undef OPT
    rf_buf_cleanup(&ports);
    return rc;
}
