/* Logging: one line per event on stderr (and optionally a file), levels checked before
 * formatting. Never pass secrets (passwords, tokens, Authorization headers) to these calls. */
#ifndef RF_LOG_H
#define RF_LOG_H

enum log_level {
    LOG_LEVEL_ERROR = 0, /* 5xx, or failing to serve */
    LOG_LEVEL_WARNING,   /* 4xx and client misbehaviour */
    LOG_LEVEL_INFO,      /* lifecycle events */
    LOG_LEVEL_DEBUG      /* detail */
};

/* Sets the most verbose level that is written. Thread-safe. */
void log_set_level(enum log_level level);

/* Returns the current level. Thread-safe. */
enum log_level log_get_level(void);

/* Returns non-zero when messages of this level are written. */
int log_enabled(enum log_level level);

/*
 * Parses a level name ("error", "warning", "info", "debug"). Returns 0 and sets *out, or -1 for
 * an unknown name.
 */
int log_level_parse(const char *name, enum log_level *out);

/* Writes one log line (a newline is added) with a UTC timestamp and the level. Thread-safe. */
__attribute__((format(printf, 2, 3))) void log_msg(enum log_level level, const char *fmt, ...);

/* Drains OpenSSL's error queue into the log at the given level, prefixed by what failed. */
void log_openssl_errors(enum log_level level, const char *what);

#endif
