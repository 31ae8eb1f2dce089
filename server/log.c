#include "log.h"

#include <openssl/err.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int log_level_now = LOG_LEVEL_INFO;

static const char *const log_names[] = {"error", "warning", "info", "debug"};

void
log_set_level(enum log_level level)
{
    atomic_store(&log_level_now, (int)level);
}

enum log_level
log_get_level(void)
{
    return (enum log_level)atomic_load(&log_level_now);
}

int
log_enabled(enum log_level level)
{
    return (int)level <= atomic_load(&log_level_now);
}

int
log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
        if (strcmp(name, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    char line[2048];
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if (!log_enabled(level)) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    if (strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
        stamp[0] = '\0';
    }
    va_start(ap, fmt);
    /* A truncated line is still worth writing. */
    (void)vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* Control bytes from clients never reach the terminal or the log file as such. */
    for (char *p = line; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    flockfile(stderr);
    fprintf(stderr, "%s.%03ldZ rfjobd %s: %s\n", stamp, ts.tv_nsec / 1000000L,
            log_names[(int)level], line);
    funlockfile(stderr);
}

void
log_openssl_errors(enum log_level level, const char *what)
{
    unsigned long e;
    char buf[256];
    int any = 0;

    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        log_msg(level, "%s: %s", what, buf);
        any = 1;
    }
    if (!any) {
        log_msg(level, "%s", what);
    }
}
