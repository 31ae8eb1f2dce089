/* rfjobd: a Redfish JobService over HTTPS. */
#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "log.h"

#ifndef RFJOBD_VERSION
#define RFJOBD_VERSION "0.0.0"
#endif

int
main(int argc, char **argv)
{
    struct config cfg;
    struct app *app = NULL;
    char err[CFG_ERR_MAX] = "";
    int want_help = 0;
    int want_version = 0;
    sigset_t set;
    int sig = 0;
    char *admin_pw;

    cfg_defaults(&cfg);
    if (cfg_parse_args(&cfg, argc, argv, &want_help, &want_version, err, sizeof err) != 0) {
        fprintf(stderr, "rfjobd: %s\n", err);
        return 2;
    }
    if (want_help) {
        cfg_print_help(argv[0]);
        return 0;
    }
    if (want_version) {
        printf("rfjobd %s\n", RFJOBD_VERSION);
        return 0;
    }
    if (cfg_validate(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "rfjobd: %s\n", err);
        return 2;
    }
    log_set_level(cfg.log_level);
    db_init_logging();

    /* Signals are taken synchronously by this thread; every other thread blocks them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    admin_pw = getenv("RFJOBD_ADMIN_PASSWORD");
    if (app_start(&cfg, admin_pw, &app, err, sizeof err) != 0) {
        log_msg(LOG_LEVEL_ERROR, "start-up failed: %s", err);
        return 1;
    }
    if (admin_pw != NULL) {
        OPENSSL_cleanse(admin_pw, strlen(admin_pw));
    }
    if (app->generated_password[0] != '\0') {
        /* Shown once, on the terminal only; it is never written to the log. */
        printf("\nrfjobd: created the Administrator account.\n"
               "rfjobd: password (shown once, change it at first login): %s\n\n",
               app->generated_password);
        fflush(stdout);
        OPENSSL_cleanse(app->generated_password, sizeof app->generated_password);
    }
    for (size_t i = 0; i < cfg.n_listen; i++) {
        int v6 = strchr(cfg.listen[i], ':') != NULL;

        log_msg(LOG_LEVEL_INFO, "rfjobd %s serving https://%s%s%s:%d/redfish/v1/", RFJOBD_VERSION,
                v6 ? "[" : "", cfg.listen[i], v6 ? "]" : "", app->port);
    }
    for (;;) {
        if (sigwait(&set, &sig) != 0) {
            continue;
        }
        if (sig == SIGHUP) {
            (void)app_reload_tls(app);
            continue;
        }
        break;
    }
    log_msg(LOG_LEVEL_INFO, "signal %d: shutting down", sig);
    app_stop(app);
    log_msg(LOG_LEVEL_INFO, "stopped");
    return 0;
}
