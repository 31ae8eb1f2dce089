/* rfjobd configuration: one table of settings, read from a file and then from the command line.
 * A struct config is immutable once the server has started. */
#ifndef RF_CONFIG_H
#define RF_CONFIG_H

#include <stddef.h>

#include "log.h"

#define CFG_MAX_LISTEN 8
#define CFG_ADDR_MAX 64
#define CFG_PATH_MAX 1024
#define CFG_TEXT_MAX 512
#define CFG_ERR_MAX 512
#define CFG_CIVETWEB_OPTS_MAX 40

struct config {
    char listen[CFG_MAX_LISTEN][CFG_ADDR_MAX]; /* IPv4 or IPv6 literals */
    size_t n_listen;
    long port;               /* 0: an ephemeral port (tests) */
    char cert[CFG_PATH_MAX]; /* PEM certificate chain */
    char key[CFG_PATH_MAX];  /* PEM private key */
    char data_dir[CFG_PATH_MAX];
    long threads;
    enum log_level log_level;
    long request_timeout_ms;
    long keep_alive_timeout_ms;
    long max_body;                       /* largest request body accepted, in bytes */
    long max_connections;                /* queued connections at most */
    char tls_min_version[8];             /* "1.2" or "1.3" */
    char tls_ciphers[CFG_TEXT_MAX];      /* TLS 1.2 cipher list */
    char tls_ciphersuites[CFG_TEXT_MAX]; /* TLS 1.3 cipher suites */
    long hsts_max_age;                   /* seconds; 0 leaves the header out */
    char tls_client_ca[CFG_PATH_MAX];    /* PEM CA bundle for client certificates; "" = no mTLS */
    long session_timeout;                /* idle seconds before a session ends (default) */
    long max_sessions;                   /* live sessions at most */
    long lockout_threshold;              /* failed logins before a lockout; 0: never */
    long lockout_duration;               /* seconds an account stays locked; 0: no lockout */
    long lockout_reset_after;            /* seconds after the last failure the count resets */
    long min_password_length;
    long max_password_length;
    long audit_max_records;           /* audit entries kept in the database (the file keeps all) */
    char documents_dir[CFG_PATH_MAX]; /* "" = <data_dir>/documents */
    char task_dir[CFG_PATH_MAX];      /* "" = the directory of the program */
    char files_dir[CFG_PATH_MAX];     /* "" = <data_dir>/files */
    long max_concurrent_jobs;
    char validation_policy[16];      /* Automatic, Manual or Bypass */
    long event_ring;                 /* events kept for replay */
    long sse_max_streams;            /* SSE streams open at once */
    long sse_keepalive;              /* seconds between keep-alive comments of an idle stream */
    long progress_event_interval_ms; /* least time between progress events of one job */
    char event_ca[CFG_PATH_MAX];     /* PEM CA bundle for event destinations; "" = system store */
    long event_timeout_ms;           /* connect and each read or write of an event delivery */
};

/* Fills cfg with the built-in defaults. */
void cfg_defaults(struct config *cfg);

/*
 * Reads "name = value" lines (# starts a comment) from path into cfg. Returns 0, or -1 with a
 * message naming the file, the line and the value in err.
 */
int cfg_load_file(struct config *cfg, const char *path, char *err, size_t errsz);

/*
 * Applies command-line arguments (argv[1..]) over cfg; a --config FILE among them is read
 * first, so flags win over the file. Sets *want_help or *want_version when asked for.
 * Returns 0, or -1 with a message in err.
 */
int cfg_parse_args(struct config *cfg, int argc, char **argv, int *want_help, int *want_version,
                   char *err, size_t errsz);

/* Checks the settings as a whole (e.g. a certificate and a key are named). Returns 0 or -1. */
int cfg_validate(const struct config *cfg, char *err, size_t errsz);

/* Writes the --help text to stdout. */
void cfg_print_help(const char *prog);

/*
 * Builds civetweb's option array from cfg: pairs of name and value strings ending in NULL.
 * The strings live in store (which the caller keeps alive as long as the array). Returns 0, or
 * -1 if a value did not fit. This is the only place that builds civetweb's options.
 */
struct cfg_civetweb_opts {
    const char *argv[CFG_CIVETWEB_OPTS_MAX * 2 + 1];
    char store[CFG_CIVETWEB_OPTS_MAX][CFG_PATH_MAX];
};
int cfg_to_civetweb_options(const struct config *cfg, struct cfg_civetweb_opts *out);

#endif
