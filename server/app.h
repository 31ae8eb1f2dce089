/* The running service: configuration, TLS context, civetweb context, database and auth state.
 * Everything hangs off one struct app; there are no mutable globals. */
#ifndef RF_APP_H
#define RF_APP_H

#include <stddef.h>
#include <time.h>

#include "config.h"

struct mg_context;
struct ssl_ctx_st;
struct db;
struct auth;

#define APP_UUID_LEN 37

struct app {
    struct config cfg;
    struct ssl_ctx_st *ssl_ctx;
    struct mg_context *mg;
    struct db *db;
    struct auth *auth;
    char uuid[APP_UUID_LEN]; /* service UUID, kept in the database across restarts */
    int port;                /* the first bound port */
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

/* Stops civetweb (waiting for the workers), closes the database and frees the app. NULL-safe. */
void app_stop(struct app *app);

#endif
