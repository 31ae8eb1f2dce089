/* The running service: configuration, TLS context, civetweb context, database and auth state.
 * Everything hangs off one struct app; there are no mutable globals. */
#ifndef RF_APP_H
#define RF_APP_H

#include <stddef.h>
#include <time.h>

#include "job_service.h"

#include "config.h"
#include "jobdoc.h"

struct mg_context;
struct tls;
struct db;
struct auth;
struct audit;

#define APP_UUID_LEN 37

/* The most jobs the service holds (JobService.ServiceCapabilities.MaxJobs). */
#define RF_JOBS_MAX 1000000

struct job_runner;
struct executor;
struct events;
struct sse;
struct push;

struct app {
    struct config cfg;
    struct tls *tls;
    struct mg_context *mg;
    struct db *db;
    struct audit *audit;
    struct auth *auth;
    struct store *job_store;   /* <data-dir>/jobs.db */
    struct job_service *jobs;  /* the job model, over job_store */
    struct job_runner *runner; /* performs user-specified jobs */
    struct jobdoc_set docs;    /* the job documents, loaded at start */
    struct executor *exec;     /* runs document-based jobs */
    struct events *events;     /* the event record (<data-dir>/events.db) */
    struct sse *sse;           /* the server-sent event streams */
    struct push *push;         /* push event subscriptions and their delivery (push.h) */
    int events_enabled;        /* EventService.ServiceEnabled (atomic) */
    int jobs_enabled;          /* JobService.ServiceEnabled (atomic) */
    char uuid[APP_UUID_LEN];   /* service UUID, kept in the database across restarts */
    int port;                  /* the first bound port */
    time_t started;
    char generated_password[64]; /* set once, when the first start generated the password */
};

/*
 * Opens the database under cfg->data_dir (creating it), creates the first Administrator
 * account when there is none (password admin_password, or generated into
 * app->generated_password when admin_password is NULL or empty), builds the TLS context and
 * starts civetweb; its listeners are bound when this returns. Returns 0 and a new app in *out
 * (stop it with app_stop()), or -1 with a message in err.
 */
int app_start(const struct config *cfg, const char *admin_password, struct app **out, char *err,
              size_t errsz);

/*
 * Loads the certificate chain and key named by the configuration again and serves them to new
 * connections; open connections and the service itself carry on. A failure keeps the current
 * certificate and is logged with its reason. Returns 0 or -1. Called on SIGHUP.
 */
int app_reload_tls(struct app *app);

/* Stops civetweb (waiting for the workers), closes the database and frees the app. NULL-safe. */
void app_stop(struct app *app);

#endif
