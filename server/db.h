/* The service database: one SQLite file (WAL) in the data directory holding the service's own
 * state (its UUID, accounts, audit records, event subscriptions). SQLite types and codes never
 * leave db.c. All calls are thread-safe: one connection behind one mutex. */
#ifndef RF_DB_H
#define RF_DB_H

#include <stddef.h>

#define DB_FILE "service.db"

enum db_rc {
    DB_OK = 0,
    DB_NOTFOUND = 1,
    DB_EXISTS = 2,
    DB_ERR = -1,
};

struct db;

struct db_account {
    char user[64];
    char role[32];
    char password_hash[192];
    int enabled;
    int locked;
    int password_change_required;
    long long locked_until; /* when a lockout ends (Unix time); 0: until an administrator unlocks */
};

/* One audit record as stored. */
struct db_audit {
    long long id;
    long long created; /* Unix time */
    int severity;      /* 0 OK, 1 Warning, 2 Critical */
    char who[64];
    char origin[64];
    char what[256];
};

/*
 * Opens (creating if needed) dir/service.db, creating dir with mode 0700 when missing, in WAL
 * mode with synchronous=FULL, and brings its schema up to date (PRAGMA user_version). Returns
 * DB_OK and a handle in *out (close it with db_close()), or DB_ERR with a message in err.
 */
int db_open(const char *dir, struct db **out, char *err, size_t errsz);

/* Sends SQLite's own diagnostics to the log. Call once, before any database is opened. */
void db_init_logging(void);

/* Closes the database. NULL-safe. */
void db_close(struct db *db);

/* The schema version the code writes (PRAGMA user_version after db_open()). */
int db_schema_version(void);

/* Reads a meta value. Returns DB_OK, DB_NOTFOUND, or DB_ERR (also when it does not fit). */
int db_meta_get(struct db *db, const char *key, char *out, size_t outsz);

/* Sets a meta value (insert or replace), committed before return. Returns DB_OK or DB_ERR. */
int db_meta_set(struct db *db, const char *key, const char *value);

/* Reads an account by exact user name. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_account_get(struct db *db, const char *user, struct db_account *out);

/* Inserts an account, committed before return. Returns DB_OK, DB_EXISTS or DB_ERR. */
int db_account_insert(struct db *db, const struct db_account *acct);

/* Counts the accounts. Returns DB_OK or DB_ERR. */
int db_account_count(struct db *db, long *n);

/* Counts the enabled accounts holding role. Returns DB_OK or DB_ERR. */
int db_account_count_role(struct db *db, const char *role, long *n);

/*
 * Replaces the account named old_user with *acct (which may carry a new user name), committed
 * before return. Returns DB_OK, DB_NOTFOUND, DB_EXISTS (the new name is taken) or DB_ERR.
 */
int db_account_update(struct db *db, const char *old_user, const struct db_account *acct);

/*
 * Sets or clears an account's lockout (locked, and until when; 0: indefinitely), committed
 * before return, leaving everything else as it is. Returns DB_OK, DB_NOTFOUND or DB_ERR.
 */
int db_account_set_lock(struct db *db, const char *user, int locked, long long until);

/* Deletes an account, committed before return. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_account_delete(struct db *db, const char *user);

/*
 * Copies up to max account names, in creation order, into users (each RF_USER_MAX = 64 bytes).
 * Sets *n to how many were copied. Returns DB_OK or DB_ERR.
 */
int db_account_list(struct db *db, char (*users)[64], size_t max, size_t *n);

/*
 * Appends an audit record (e->id and e->created are set by the caller or, when 0, here) and
 * deletes the oldest beyond keep, in one committed transaction. Sets e->id. Returns DB_OK or
 * DB_ERR.
 */
int db_audit_append(struct db *db, struct db_audit *e, long keep);

/* Reads audit record id. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_audit_get(struct db *db, long long id, struct db_audit *out);

/*
 * Copies up to max audit record ids, oldest first, into ids; sets *n. Returns DB_OK or DB_ERR.
 */
int db_audit_ids(struct db *db, long long *ids, size_t max, size_t *n);

/* One push event subscription as stored; filter and headers are JSON text made by push.c. */
struct db_subscription {
    long long id;
    char owner[64];
    char destination[512];
    char context[256];
    char policy[32];
    int verify_cert;
    int suspended;
    char filter[16384];
    char headers[8192];
    long long cursor; /* the id of the last event dealt with */
};

/* Inserts a subscription, committed before return; sets s->id. Returns DB_OK or DB_ERR. */
int db_sub_insert(struct db *db, struct db_subscription *s);

/* Rewrites subscription s->id, committed before return. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_sub_update(struct db *db, const struct db_subscription *s);

/* Sets a subscription's cursor, committed before return. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_sub_set_cursor(struct db *db, long long id, long long cursor);

/* Deletes a subscription, committed before return. Returns DB_OK, DB_NOTFOUND or DB_ERR. */
int db_sub_delete(struct db *db, long long id);

/*
 * Copies up to max subscriptions, oldest first, into out; sets *n. A row whose text does not
 * fit is skipped (and logged). Returns DB_OK or DB_ERR.
 */
int db_sub_list(struct db *db, struct db_subscription *out, size_t max, size_t *n);

#endif
