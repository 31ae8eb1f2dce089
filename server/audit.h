/* The audit log: who did what, from where and when. Every record goes to an append-only file
 * in the data directory (audit.log, one line per record, never rewritten by the service) and to
 * the service database, where the newest records back the audit LogService
 * (/redfish/v1/Managers/rfjobd/LogServices/Audit). Thread-safe. */
#ifndef RF_AUDIT_H
#define RF_AUDIT_H

#include <stddef.h>

#define AUDIT_FILE "audit.log"

enum audit_severity {
    AUDIT_OK = 0,       /* an ordinary event: login, logout, a change */
    AUDIT_WARNING = 1,  /* a refused attempt: failed login, missing privilege */
    AUDIT_CRITICAL = 2, /* a security event: an account locked out */
};

struct audit;
struct db;

/*
 * Opens dir/audit.log for appending (creating it with mode 0600) and keeps db for the
 * LogService copy, of which at most keep records are kept. Returns 0 and a handle in *out
 * (close it with audit_close()), or -1 with a message in err.
 */
int audit_open(const char *dir, struct db *db, long keep, struct audit **out, char *err,
               size_t errsz);

/* Closes the audit file and frees the handle. NULL-safe. */
void audit_close(struct audit *a);

/*
 * Records one event of severity AUDIT_OK: who (an account name, or "-" when nobody was
 * authenticated), from (the client's address, or "-" for the service itself) and what (printf
 * format and arguments, e.g. "created job %s"). Control characters are replaced, and over-long
 * text is cut. The record is written to the file (and synced) and to the database before this
 * returns, so an acknowledged change is audited on disk. Job handlers call it for job creation,
 * state changes and deletion. Returns 0, or -1 when either write failed (the failure is logged;
 * the other copy is still attempted). a may be NULL (nothing is recorded; returns 0). Takes the
 * audit lock, then the database lock.
 */
__attribute__((format(printf, 4, 5))) int audit_record(struct audit *a, const char *who,
                                                       const char *from, const char *what, ...);

/* As audit_record(), with an explicit severity. */
__attribute__((format(printf, 5, 6))) int audit_record_sev(struct audit *a, enum audit_severity sev,
                                                           const char *who, const char *from,
                                                           const char *what, ...);

/* The LogEntry severity name of sev: "OK", "Warning" or "Critical". */
const char *audit_severity_name(int sev);

/* The number of records the database keeps. */
long audit_keep(const struct audit *a);

#endif
