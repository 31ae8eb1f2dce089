/* The browser UI: static files compiled into the binary (server/ui/, cmake/embed.cmake), served
 * without authentication because they hold no data. Every request the page makes for data goes
 * through the Redfish API with the page's session token. */
#include <string.h>

#include "res.h"
#include "rf_buf.h"
#include "rf_embedded.h"
#include "rf_msg.h"

/* Scripts, styles and images only from this origin, no inline code, no eval, no framing, no
 * plugins, and fetch() only back to this service. */
#define UI_CSP                                                                                     \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

static const struct {
    const char *ext;
    const char *type;
} ui_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

/* The media type of a UI file by its extension, or NULL for a file the UI does not serve. */
static const char *
ui_type(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (dot == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < sizeof ui_types / sizeof ui_types[0]; i++) {
        if (strcmp(dot, ui_types[i].ext) == 0) {
            return ui_types[i].type;
        }
    }
    return NULL;
}

static void
ui_send(struct rf_req *req, struct rf_resp *resp, const char *name)
{
    const struct rf_embedded *f = rf_ui_find(name);
    const char *type = f != NULL ? ui_type(name) : NULL;

    if (type == NULL) {
        rf_resp_error(resp, 404, RF_MSG_INVALID_URI, NULL, req->path);
        return;
    }
    resp->status = 200;
    resp->raw = f->data;
    resp->raw_len = f->len;
    resp->content_type = type;
    resp->csp = UI_CSP;
    (void)rf_resp_header(resp, "Referrer-Policy", "no-referrer");
}

void
res_ui_root(struct rf_req *req, struct rf_resp *resp)
{
    static const char text[] = "The service's web page is at /ui/\n";

    (void)req;
    resp->status = 302;
    (void)rf_strlcpy(resp->location, "/ui/", sizeof resp->location);
    resp->raw = text;
    resp->raw_len = sizeof text - 1;
    resp->content_type = "text/plain; charset=utf-8";
    resp->no_etag = 1;
}

void
res_ui_index(struct rf_req *req, struct rf_resp *resp)
{
    ui_send(req, resp, "index.html");
}

void
res_ui_file(struct rf_req *req, struct rf_resp *resp)
{
    ui_send(req, resp, req->params[0]);
}
