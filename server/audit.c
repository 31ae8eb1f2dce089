#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "rf_buf.h"

struct audit {
    int fd;
    struct db *db;
    long keep;
    pthread_mutex_t lock;
};

int
audit_open(const char *dir, struct db *db, long keep, struct audit **out, char *err, size_t errsz)
{
    struct audit *a;
    char path[1100];

    *out = NULL;
    if (rf_fmt(path, sizeof path, "%s/%s", dir, AUDIT_FILE) != 0) {
        (void)rf_fmt(err, errsz, "data directory path too long");
        return -1;
    }
    a = calloc(1, sizeof *a);
    if (a == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return -1;
    }
    a->db = db;
    a->keep = keep;
    a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (a->fd < 0) {
        (void)rf_fmt(err, errsz, "cannot open the audit file %s (errno %d)", path, errno);
        free(a);
        return -1;
    }
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        (void)close(a->fd);
        free(a);
        (void)rf_fmt(err, errsz, "cannot create a mutex");
        return -1;
    }
    *out = a;
    return 0;
}

void
audit_close(struct audit *a)
{
    if (a == NULL) {
        return;
    }
    (void)close(a->fd);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

const char *
audit_severity_name(int sev)
{
    switch (sev) {
    case AUDIT_WARNING:
        return "Warning";
    case AUDIT_CRITICAL:
        return "Critical";
    default:
        return "OK";
    }
}

long
audit_keep(const struct audit *a)
{
    return a->keep;
}

/* Copies src into dst, cutting it to fit and replacing control bytes and spaces (spaces only
 * when nospace) so that a record stays on one line and its fields stay apart. */
static void
clean_copy(char *dst, size_t dstsz, const char *src, int nospace)
{
    size_t i = 0;

    for (const char *p = src ? src : "-"; *p != '\0' && i + 1 < dstsz; p++) {
        unsigned char c = (unsigned char)*p;

        dst[i++] = (c < 0x20 || c == 0x7f || (nospace && c == ' ')) ? '?' : (char)c;
    }
    dst[i] = '\0';
    if (i == 0 && dstsz > 1) {
        dst[0] = '-';
        dst[1] = '\0';
    }
}

static int
write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

__attribute__((format(printf, 5, 0))) static int audit_vrecord(struct audit *a,
                                                               enum audit_severity sev,
                                                               const char *who, const char *from,
                                                               const char *what, va_list ap);

static int
audit_vrecord(struct audit *a, enum audit_severity sev, const char *who, const char *from,
              const char *what, va_list ap)
{
    struct db_audit e;
    char text[sizeof e.what];
    char line[512];
    char when[32];
    struct tm tm;
    time_t now = time(NULL);
    int rc = 0;

    if (a == NULL) {
        return 0;
    }
    memset(&e, 0, sizeof e);
    (void)rf_vfmt(text, sizeof text, what, ap); /* a cut text is still recorded */
    clean_copy(e.who, sizeof e.who, who, 1);
    clean_copy(e.origin, sizeof e.origin, from, 1);
    clean_copy(e.what, sizeof e.what, text, 0);
    e.created = (long long)now;
    e.severity = (int)sev;
    if (gmtime_r(&now, &tm) == NULL
        || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        (void)rf_strlcpy(when, "-", sizeof when);
    }
    pthread_mutex_lock(&a->lock);
    if (db_audit_append(a->db, &e, a->keep) != DB_OK) {
        rc = -1;
    }
    (void)rf_fmt(line, sizeof line - 1, "%s id=%lld severity=%s user=%s from=%s %s", when, e.id,
                 audit_severity_name(e.severity), e.who, e.origin, e.what);
    (void)rf_strlcpy(line + strlen(line), "\n", 2);
    if (write_all(a->fd, line, strlen(line)) != 0 || fdatasync(a->fd) != 0) {
        log_msg(LOG_LEVEL_ERROR, "audit: cannot write the audit file (errno %d)", errno);
        rc = -1;
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int
audit_record(struct audit *a, const char *who, const char *from, const char *what, ...)
{
    va_list ap;
    int rc;

    va_start(ap, what);
    rc = audit_vrecord(a, AUDIT_OK, who, from, what, ap);
    va_end(ap);
    return rc;
}

int
audit_record_sev(struct audit *a, enum audit_severity sev, const char *who, const char *from,
                 const char *what, ...)
{
    va_list ap;
    int rc;

    va_start(ap, what);
    rc = audit_vrecord(a, sev, who, from, what, ap);
    va_end(ap);
    return rc;
}
