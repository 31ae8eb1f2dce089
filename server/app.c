#include "app.h"

#include <civetweb.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "events.h"
#include "executor.h"
#include "job_runner.h"
#include "push.h"
#include "log.h"
#include "rf_buf.h"
#include "router.h"
#include "sse.h"
#include "tls.h"

#define ADMIN_USER "Administrator"
#define GENERATED_PASSWORD_LEN 20
#define EXEC_STOP_GRACE_MS 3000 /* how long running commands get to end when the service stops */

/* civetweb asks for the TLS context at start and again at stop; the app owns it either way. */
static int
cb_external_ssl_ctx(void **ssl_ctx, void *user_data)
{
    struct app *app = user_data;

    *ssl_ctx = tls_ctx(app->tls);
    return 1;
}

static int
cb_log_message(const struct mg_connection *conn, const char *message)
{
    (void)conn;
    log_msg(LOG_LEVEL_WARNING, "http: %s", message);
    return 1;
}

static int
cb_begin_request(struct mg_connection *conn)
{
    return router_handle(conn);
}

static int
cb_http_error(struct mg_connection *conn, int status, const char *msg)
{
    return router_http_error(conn, status, msg);
}

/* A version 4 UUID from OpenSSL's random generator. */
static int
make_uuid(char *out, size_t outsz)
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof b) != 1) {
        return -1;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    return rf_fmt(out, outsz,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
}

static int
load_uuid(struct app *app, char *err, size_t errsz)
{
    int rc = db_meta_get(app->db, "service_uuid", app->uuid, sizeof app->uuid);

    if (rc == DB_OK) {
        return 0;
    }
    if (rc == DB_NOTFOUND && make_uuid(app->uuid, sizeof app->uuid) == 0
        && db_meta_set(app->db, "service_uuid", app->uuid) == DB_OK) {
        return 0;
    }
    (void)rf_fmt(err, errsz, "cannot read or store the service UUID");
    return -1;
}

/* Creates the first Administrator account when the database has no account at all. */
static int
bootstrap_admin(struct app *app, const char *password, char *err, size_t errsz)
{
    struct db_account a;
    long n = 0;
    int generated = password == NULL || password[0] == '\0';

    if (db_account_count(app->db, &n) != DB_OK) {
        (void)rf_fmt(err, errsz, "cannot read the accounts");
        return -1;
    }
    if (n > 0) {
        return 0;
    }
    memset(&a, 0, sizeof a);
    if (generated) {
        if (auth_random_password(app->generated_password, sizeof app->generated_password,
                                 GENERATED_PASSWORD_LEN)
            != 0) {
            (void)rf_fmt(err, errsz, "cannot generate a password");
            return -1;
        }
        password = app->generated_password;
    }
    (void)rf_strlcpy(a.user, ADMIN_USER, sizeof a.user);
    (void)rf_strlcpy(a.role, "Administrator", sizeof a.role);
    a.enabled = 1;
    /* A generated password must be changed; one chosen at install time need not be. */
    a.password_change_required = generated;
    if (auth_password_hash(password, a.password_hash, sizeof a.password_hash) != 0
        || db_account_insert(app->db, &a) != DB_OK) {
        (void)rf_fmt(err, errsz, "cannot create the %s account", ADMIN_USER);
        return -1;
    }
    log_msg(LOG_LEVEL_INFO, "created the %s account (%s password)", ADMIN_USER,
            generated ? "generated" : "given");
    (void)audit_record(app->audit, "-", "-", "created account %s (role Administrator, %s password)",
                       ADMIN_USER, generated ? "generated" : "given");
    return 0;
}

static void
store_log(void *arg, const char *line)
{
    (void)arg;
    log_msg(LOG_LEVEL_ERROR, "%s", line);
}

/* The directory of this program, where its task commands are installed beside it. */
static int
program_dir(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    out[n] = '\0';
    slash = strrchr(out, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return 0;
}

/* Replaces a path by its absolute, resolved form. Returns 0 or -1 (errno set). */
static int
absolute(char *path, size_t size)
{
    char *real = realpath(path, NULL);
    int rc;

    if (real == NULL)
        return -1;
    rc = rf_strlcpy(path, real, size);
    free(real);
    if (rc != 0)
        errno = ENAMETOOLONG;
    return rc;
}

/* Loads the job documents and starts the executor of document-based jobs. */
static int
open_executor(struct app *app, char *err, size_t errsz)
{
    struct config *cfg = &app->cfg;
    struct executor_opts eo;

    if ((cfg->documents_dir[0] == '\0'
         && rf_fmt(cfg->documents_dir, sizeof cfg->documents_dir, "%s/documents", cfg->data_dir)
                != 0)
        || (cfg->files_dir[0] == '\0'
            && rf_fmt(cfg->files_dir, sizeof cfg->files_dir, "%s/files", cfg->data_dir) != 0)) {
        (void)rf_fmt(err, errsz, "the data directory path is too long");
        return -1;
    }
    if (cfg->task_dir[0] == '\0' && program_dir(cfg->task_dir, sizeof cfg->task_dir) != 0) {
        (void)rf_fmt(err, errsz, "cannot find the directory of this program; set task-dir");
        return -1;
    }
    if (mkdir(cfg->files_dir, 0750) != 0 && errno != EEXIST) {
        (void)rf_fmt(err, errsz, "cannot create %s (errno %d)", cfg->files_dir, errno);
        return -1;
    }
    /* Commands run in files_dir: every path they are given must be absolute. */
    if (absolute(cfg->files_dir, sizeof cfg->files_dir) != 0
        || absolute(cfg->task_dir, sizeof cfg->task_dir) != 0) {
        (void)rf_fmt(err, errsz, "cannot resolve %s or %s (errno %d)", cfg->files_dir,
                     cfg->task_dir, errno);
        return -1;
    }
    if (jobdoc_load_dir(cfg->documents_dir, &app->docs) != 0) {
        (void)rf_fmt(err, errsz, "out of memory loading the job documents");
        return -1;
    }
    log_msg(LOG_LEVEL_INFO, "job documents: %zu loaded from %s", app->docs.n, cfg->documents_dir);
    memset(&eo, 0, sizeof eo);
    eo.jobs = app->jobs;
    eo.docs = &app->docs;
    eo.task_dir = cfg->task_dir;
    eo.files_dir = cfg->files_dir;
    eo.max_concurrent = (unsigned)cfg->max_concurrent_jobs;
    eo.enabled = &app->jobs_enabled;
    eo.policy = strcmp(cfg->validation_policy, "Manual") == 0   ? EXEC_POLICY_MANUAL
                : strcmp(cfg->validation_policy, "Bypass") == 0 ? EXEC_POLICY_BYPASS
                                                                : EXEC_POLICY_AUTOMATIC;
    app->exec = executor_start(&eo);
    if (app->exec == NULL) {
        (void)rf_fmt(err, errsz, "cannot start the executor");
        return -1;
    }
    return 0;
}

/* Loads the push subscriptions and starts their delivery. */
static int
open_push(struct app *app, char *err, size_t errsz)
{
    struct push_opts po;

    memset(&po, 0, sizeof po);
    po.events = app->events;
    po.db = app->db;
    po.audit = app->audit;
    po.ca_file = app->cfg.event_ca;
    po.timeout_ms = (int)app->cfg.event_timeout_ms;
    if (push_start(&po, &app->push, err, errsz) != 0) {
        return -1;
    }
    __atomic_store_n(&app->events_enabled, push_enabled(app->push), __ATOMIC_RELAXED);
    return 0;
}

/* Opens the event record and the event streams, and turns job changes into events. */
static int
open_events(struct app *app, char *err, size_t errsz)
{
    char path[4096];
    struct events_opts eo;
    struct sse_opts so;

    if (rf_fmt(path, sizeof path, "%s/events.db", app->cfg.data_dir) != 0) {
        (void)rf_fmt(err, errsz, "the data directory path is too long");
        return -1;
    }
    memset(&eo, 0, sizeof eo);
    eo.path = path;
    eo.ring = (size_t)app->cfg.event_ring;
    eo.progress_min_us =
        app->cfg.progress_event_interval_ms > 0 ? app->cfg.progress_event_interval_ms * 1000 : -1;
    if (events_open(&eo, &app->events, err, errsz) != 0) {
        return -1;
    }
    app->events_enabled = 1;
    memset(&so, 0, sizeof so);
    so.events = app->events;
    so.max_streams = (size_t)app->cfg.sse_max_streams;
    if (so.max_streams > (size_t)app->cfg.threads / 2) {
        so.max_streams = (size_t)app->cfg.threads / 2;
        log_msg(LOG_LEVEL_WARNING, "sse-max-streams lowered to %zu: half of threads (%ld)",
                so.max_streams, app->cfg.threads);
    }
    so.keepalive_ms = (int)app->cfg.sse_keepalive * 1000;
    app->sse = sse_new(&so);
    if (app->sse == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return -1;
    }
    return open_push(app, err, errsz);
}

/* Opens the job store (its own file, so its schema version is its own) and the job model. */
static int
open_jobs(struct app *app, char *err, size_t errsz)
{
    char path[4096];
    struct job_service_opts opts;
    enum job_err e;

    if (rf_fmt(path, sizeof path, "%s/jobs.db", app->cfg.data_dir) != 0) {
        (void)rf_fmt(err, errsz, "the data directory path is too long");
        return -1;
    }
    store_set_log(store_log, NULL);
    e = store_sqlite_open(path, &app->job_store);
    if (e != JOB_OK) {
        (void)rf_fmt(err, errsz, "cannot open the job store %s: %s", path, job_strerror(e));
        return -1;
    }
    memset(&opts, 0, sizeof opts);
    opts.store = app->job_store;
    opts.max_jobs = RF_JOBS_MAX;
    e = job_service_open(&opts, &app->jobs);
    if (e != JOB_OK) {
        (void)rf_fmt(err, errsz, "cannot load the jobs in %s: %s", path, job_strerror(e));
        return -1;
    }
    log_msg(LOG_LEVEL_INFO, "job store: %zu jobs loaded", job_service_count(app->jobs));
    if (open_events(app, err, errsz) != 0 || events_observe_jobs(app->events, app->jobs) != 0) {
        if (err[0] == '\0') {
            (void)rf_fmt(err, errsz, "cannot observe the jobs");
        }
        return -1;
    }
    {
        char v[8] = "";
        app->jobs_enabled =
            db_meta_get(app->db, "jobservice.enabled", v, sizeof v) != 0 || strcmp(v, "0") != 0;
    }
    app->runner = job_runner_start(app);
    if (app->runner == NULL) {
        (void)rf_fmt(err, errsz, "cannot start the job runner");
        return -1;
    }
    return open_executor(app, err, errsz);
}

int
app_start(const struct config *cfg, const char *admin_password, struct app **out, char *err,
          size_t errsz)
{
    struct app *app = calloc(1, sizeof *app);
    struct cfg_civetweb_opts *opts = NULL;
    struct mg_callbacks cb;
    struct mg_init_data init;
    struct mg_error_data mgerr;
    struct mg_server_port ports[4];
    char mgtext[256] = "";
    unsigned mgcode = 0;
    int nports;
    struct auth_policy policy;

    *out = NULL;
    err[0] = '\0';
    if (app == NULL) {
        (void)rf_fmt(err, errsz, "out of memory");
        return -1;
    }
    app->cfg = *cfg;
    app->started = time(NULL);
    log_set_level(cfg->log_level);
    if (db_open(cfg->data_dir, &app->db, err, errsz) != DB_OK
        || audit_open(cfg->data_dir, app->db, cfg->audit_max_records, &app->audit, err, errsz) != 0
        || load_uuid(app, err, errsz) != 0 || bootstrap_admin(app, admin_password, err, errsz) != 0
        || open_jobs(app, err, errsz) != 0) {
        goto fail;
    }
    policy.session_timeout = cfg->session_timeout;
    policy.max_sessions = cfg->max_sessions;
    policy.lockout_threshold = cfg->lockout_threshold;
    policy.lockout_duration = cfg->lockout_duration;
    policy.lockout_reset_after = cfg->lockout_reset_after;
    policy.lockout_reset_enabled = 1;
    policy.min_password_length = cfg->min_password_length;
    policy.max_password_length = cfg->max_password_length;
    app->auth = auth_new(app->db, &policy, app->audit);
    if (app->auth == NULL) {
        (void)rf_fmt(err, errsz, "cannot set up authentication");
        goto fail;
    }
    app->tls = tls_new(cfg, err, errsz);
    if (app->tls == NULL) {
        goto fail;
    }
    opts = calloc(1, sizeof *opts);
    if (opts == NULL || cfg_to_civetweb_options(cfg, opts) != 0) {
        (void)rf_fmt(err, errsz, "cannot build the HTTP server options");
        goto fail;
    }
    mg_init_library(MG_FEATURES_TLS | MG_FEATURES_IPV6);
    memset(&cb, 0, sizeof cb);
    cb.begin_request = cb_begin_request;
    cb.log_message = cb_log_message;
    cb.http_error = cb_http_error;
    cb.external_ssl_ctx = cb_external_ssl_ctx;
    memset(&init, 0, sizeof init);
    init.callbacks = &cb;
    init.user_data = app;
    init.configuration_options = opts->argv;
    memset(&mgerr, 0, sizeof mgerr);
    mgerr.code = &mgcode;
    mgerr.text = mgtext;
    mgerr.text_buffer_size = sizeof mgtext;
    app->mg = mg_start2(&init, &mgerr);
    free(opts);
    opts = NULL;
    if (app->mg == NULL) {
        (void)rf_fmt(err, errsz, "cannot start the HTTPS server: %s", mgtext);
        mg_exit_library();
        goto fail;
    }
    nports = mg_get_server_ports(app->mg, (int)(sizeof ports / sizeof ports[0]), ports);
    app->port = nports > 0 ? ports[0].port : -1;
    *out = app;
    return 0;
fail:
    free(opts);
    sse_free(app->sse);
    push_stop(app->push);
    job_runner_stop(app->runner);
    executor_stop(app->exec, EXEC_STOP_GRACE_MS);
    job_service_close(app->jobs);
    events_close(app->events);
    jobdoc_set_free(&app->docs);
    store_close(app->job_store);
    tls_free(app->tls);
    auth_free(app->auth);
    audit_close(app->audit);
    db_close(app->db);
    OPENSSL_cleanse(app->generated_password, sizeof app->generated_password);
    free(app);
    return -1;
}

void
app_stop(struct app *app)
{
    if (app == NULL) {
        return;
    }
    sse_stop(app->sse); /* the streams give their worker threads back */
    if (app->mg != NULL) {
        mg_stop(app->mg);
        mg_exit_library();
    }
    sse_free(app->sse);
    push_stop(app->push);
    job_runner_stop(app->runner);
    executor_stop(app->exec, EXEC_STOP_GRACE_MS);
    job_service_close(app->jobs);
    events_close(app->events);
    jobdoc_set_free(&app->docs);
    store_close(app->job_store);
    tls_free(app->tls);
    auth_free(app->auth);
    audit_close(app->audit);
    db_close(app->db);
    OPENSSL_cleanse(app->generated_password, sizeof app->generated_password);
    free(app);
}

int
app_reload_tls(struct app *app)
{
    char err[CFG_ERR_MAX] = "";

    if (tls_reload(app->tls, &app->cfg, err, sizeof err) != 0) {
        log_msg(LOG_LEVEL_ERROR, "certificate reload failed, keeping the current one: %s", err);
        (void)audit_record_sev(app->audit, AUDIT_WARNING, "-", "-", "certificate reload failed");
        return -1;
    }
    log_msg(LOG_LEVEL_INFO, "certificate and key reloaded");
    (void)audit_record(app->audit, "-", "-", "certificate and key reloaded");
    return 0;
}
