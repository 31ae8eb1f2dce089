/*
 * Integration: job events over server-sent event streams, against the real server started in the
 * test process, read over HTTPS as a client reads them. A job's life as events; replay from
 * Last-Event-ID after a dropped connection without a lost event; the signal for events the ring
 * no longer holds; $filter; the bound on streams; keep-alives; a reader that does not read while
 * the service goes on; a stream ended by the service; the record across a restart; the rate
 * limit of progress events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../suites.h"
#include "../support/testcert.h"
#include "../support/tls_client.h"
#include "../support/tmpdir.h"
#include "app.h"
#include "config.h"
#include "events.h"
#include "map_job.h"
#include "rf_buf.h"
#include "sse.h"

#define HOST "127.0.0.1"
#define ADMIN_PW "admin-pass-1"
#define JOBS "/redfish/v1/JobService/Jobs"
#define DOCS "/redfish/v1/JobService/Documents"
#define FIXTURE "rfjobd-task-fixture"
#define WAIT_MS 20000

static char dir[256];
static char docs[300];
static struct tcert_paths certs;
static struct config cfg;
static struct app *app;
static char admin[256];

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static void
start(void)
{
    char err[CFG_ERR_MAX] = "";

    ck_assert_msg(app_start(&cfg, ADMIN_PW, &app, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt(app->port, 0);
}

/* The service with a Ticks document (N progress reports, MS ms apart), a ring of ring events,
 * at most streams streams, keep-alives every second. */
static void
setup_with(long ring, long streams, long progress_ms)
{
    char path[512];

    ck_assert_int_eq(tdir_make(dir, sizeof dir), 0);
    ck_assert_int_eq(tcert_make(dir, &certs), 0);
    ck_assert_int_eq(rf_fmt(docs, sizeof docs, "%s/docs", dir), 0);
    ck_assert_int_eq(mkdir(docs, 0700), 0);
    ck_assert_int_eq(rf_fmt(path, sizeof path, "%s/Ticks.json", docs), 0);
    write_file(path, "{\"Id\": \"Ticks\", \"Name\": \"Ticks\", \"Version\": \"1.0.0\","
                     " \"DocumentType\": \"Script\", \"JobClass\": \"CIM_ConcreteJob\","
                     " \"Command\": [\"" FIXTURE "\", \"ticks\", \"{N}\", \"{Ms}\"],"
                     " \"ParameterMetadata\": [{\"Name\": \"N\", \"DataType\": \"Number\","
                     " \"Required\": true}, {\"Name\": \"Ms\", \"DataType\": \"Number\","
                     " \"Required\": true}]}\n");
    cfg_defaults(&cfg);
    cfg.port = 0;
    cfg.threads = 8;
    cfg.log_level = LOG_LEVEL_ERROR;
    cfg.event_ring = ring;
    cfg.sse_max_streams = streams;
    cfg.sse_keepalive = 1;
    cfg.progress_event_interval_ms = progress_ms;
    ck_assert_int_eq(rf_strlcpy(cfg.cert, certs.cert, sizeof cfg.cert), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.key, certs.key, sizeof cfg.key), 0);
    ck_assert_int_eq(rf_fmt(cfg.data_dir, sizeof cfg.data_dir, "%s/var", dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.documents_dir, docs, sizeof cfg.documents_dir), 0);
    ck_assert_int_eq(rf_strlcpy(cfg.task_dir, RF_TASK_DIR, sizeof cfg.task_dir), 0);
    start();
    ck_assert_int_eq(tc_basic_auth_header("Administrator", ADMIN_PW, admin, sizeof admin), 0);
}

static void
setup(void)
{
    setup_with(4096, 4, 1000);
}

static void
setup_small_ring(void)
{
    setup_with(64, 4, 1000);
}

static void
setup_two_streams(void)
{
    setup_with(4096, 2, 1000);
}

static void
setup_fast_progress(void)
{
    setup_with(4096, 4, 400);
}

static void
teardown(void)
{
    app_stop(app);
    app = NULL;
    tdir_remove(dir);
}

/* ---- requests ---------------------------------------------------------------------------- */

static cJSON *
call(const char *method, const char *path, const char *auth, const char *body, int status)
{
    struct tc_resp r;
    cJSON *j;
    int rc = tc_request(HOST, app->port, certs.ca, method, path, auth, body,
                        body != NULL ? strlen(body) : 0, &r);

    ck_assert_msg(rc == 0, "%s %s: client error %d", method, path, rc);
    ck_assert_msg(r.status == status, "%s %s: %d, not %d: %.600s", method, path, r.status, status,
                  r.body);
    j = r.body_len > 0 ? cJSON_ParseWithLength(r.body, r.body_len) : cJSON_CreateObject();
    ck_assert_msg(j != NULL, "not JSON: %.300s", r.body);
    tc_resp_cleanup(&r);
    return j;
}

/* The MessageId of the first message of an error body. */
static void
expect_error(const char *path, const char *extra_header, int status, const char *message_id)
{
    char req[2048];
    struct tc_resp r;
    cJSON *j;
    const cJSON *j_m;

    ck_assert_int_eq(rf_fmt(req, sizeof req,
                            "GET %s HTTP/1.1\r\nHost: x\r\n%s%s\r\nConnection: close\r\n\r\n", path,
                            admin, extra_header),
                     0);
    ck_assert_int_eq(tc_request_raw(HOST, app->port, certs.ca, req, strlen(req), &r), 0);
    ck_assert_msg(r.status == status, "%s: %d, not %d", path, r.status, status);
    j = cJSON_ParseWithLength(r.body, r.body_len);
    j_m = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"),
                                         "@Message.ExtendedInfo"),
        0);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_m, "MessageId")),
                     message_id);
    cJSON_Delete(j);
    tc_resp_cleanup(&r);
}

/* SubmitJob of Ticks; returns the job's id. */
static uint64_t
submit_ticks(int n, int ms)
{
    char body[256];
    struct tc_resp r;
    char loc[256];
    uint64_t id;

    ck_assert_int_eq(rf_fmt(body, sizeof body, "{\"Parameters\": {\"N\": %d, \"Ms\": %d}}", n, ms),
                     0);
    ck_assert_int_eq(tc_request(HOST, app->port, certs.ca, "POST",
                                DOCS "/Ticks/Actions/JobDocument.SubmitJob", admin, body,
                                strlen(body), &r),
                     0);
    ck_assert_msg(r.status == 201, "SubmitJob: %d %.400s", r.status, r.body);
    ck_assert_int_eq(tc_header(&r, "Location", loc, sizeof loc), 0);
    ck_assert_int_eq(map_job_id(loc + sizeof JOBS, &id), 0);
    tc_resp_cleanup(&r);
    return id;
}

/* ---- a stream reader --------------------------------------------------------------------- */

struct sse_ev {
    uint64_t id;
    char message_id[EV_MSGID_MAX];
    char origin[EV_ORIGIN_MAX];
    char context[64];
    size_t nargs;
    char args[EV_ARGS_MAX][64];
};

struct sse_cli {
    struct tc_stream *s;
    char *buf;
    size_t len;
    size_t cap;
    int keepalives;
    int eof;
    char head[4096];
};

static int
fill(struct sse_cli *c, int timeout_ms)
{
    int n;

    if (c->cap - c->len < 65536) {
        c->cap = c->cap * 2 + 65536;
        c->buf = realloc(c->buf, c->cap);
        ck_assert_ptr_nonnull(c->buf);
    }
    n = tc_stream_read(c->s, c->buf + c->len, c->cap - c->len - 1, timeout_ms);
    if (n > 0) {
        c->len += (size_t)n;
        c->buf[c->len] = '\0';
    } else if (n == 0) {
        c->eof = 1;
    }
    return n;
}

/* Opens a stream (query: "" or "?$filter=..."; last_id: NULL or the Last-Event-ID value) and
 * reads its head, which must be a 200 of text/event-stream. */
static void
sse_open(struct sse_cli *c, const char *query, const char *last_id)
{
    char req[2048];
    char lei[64] = "";
    char *end;
    int64_t deadline = mono_ms() + WAIT_MS;

    memset(c, 0, sizeof *c);
    if (last_id != NULL) {
        ck_assert_int_eq(rf_fmt(lei, sizeof lei, "Last-Event-ID: %s\r\n", last_id), 0);
    }
    ck_assert_int_eq(rf_fmt(req, sizeof req,
                            "GET /redfish/v1/EventService/SSE%s HTTP/1.1\r\nHost: x\r\n%s"
                            "Accept: text/event-stream\r\n%s\r\n",
                            query, admin, lei),
                     0);
    ck_assert_int_eq(tc_stream_open(HOST, app->port, certs.ca, req, strlen(req), &c->s), 0);
    while ((end = c->len > 0 ? strstr(c->buf, "\r\n\r\n") : NULL) == NULL) {
        ck_assert_msg(mono_ms() < deadline && !c->eof, "no response head");
        (void)fill(c, 500);
    }
    ck_assert_uint_lt((size_t)(end - c->buf), sizeof c->head);
    memcpy(c->head, c->buf, (size_t)(end - c->buf));
    c->head[end - c->buf] = '\0';
    ck_assert_msg(strncmp(c->head, "HTTP/1.1 200 ", 13) == 0, "%s", c->head);
    ck_assert_ptr_nonnull(strstr(c->head, "Content-Type: text/event-stream"));
    memmove(c->buf, end + 4, c->len - (size_t)(end + 4 - c->buf) + 1);
    c->len -= (size_t)(end + 4 - c->buf);
}

static void
cli_close(struct sse_cli *c)
{
    tc_stream_close(c->s);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

static void
parse_event(const char *data, struct sse_ev *ev)
{
    cJSON *j = cJSON_Parse(data);
    const cJSON *j_r;
    const cJSON *j_a;

    ck_assert_msg(j != NULL, "event data not JSON: %.200s", data);
    ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "@odata.type")),
                     "#Event.v1_13_0.Event");
    j_r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "Events"), 0);
    ck_assert_ptr_nonnull(j_r);
    ck_assert_int_eq(
        rf_strlcpy(ev->message_id,
                   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_r, "MessageId")),
                   sizeof ev->message_id),
        0);
    ck_assert_uint_eq(
        strtoull(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j_r, "EventId")), NULL, 10),
        ev->id);
    {
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j_r, "OriginOfCondition"), "@odata.id"));
        const char *ctx = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Context"));

        (void)rf_strlcpy(ev->origin, o != NULL ? o : "", sizeof ev->origin);
        (void)rf_strlcpy(ev->context, ctx != NULL ? ctx : "", sizeof ev->context);
    }
    ev->nargs = 0;
    cJSON_ArrayForEach(j_a, cJSON_GetObjectItemCaseSensitive(j_r, "MessageArgs"))
    {
        ck_assert_uint_lt(ev->nargs, EV_ARGS_MAX);
        (void)rf_strlcpy(ev->args[ev->nargs++], cJSON_GetStringValue(j_a), sizeof ev->args[0]);
    }
    cJSON_Delete(j);
}

/* The next event: 1, 0 when the stream ended, -2 when none came within timeout_ms. Comments
 * (keep-alives) are counted, the retry field skipped. */
static int
sse_next(struct sse_cli *c, struct sse_ev *ev, int timeout_ms)
{
    int64_t deadline = mono_ms() + timeout_ms;

    for (;;) {
        char *end = c->len > 0 ? strstr(c->buf, "\n\n") : NULL;

        if (end != NULL) {
            char *block = c->buf;
            int got = 0;

            *end = '\0';
            memset(ev, 0, sizeof *ev);
            for (char *line = block; line != NULL && *line != '\0';) {
                char *nl = strchr(line, '\n');

                if (nl != NULL) {
                    *nl = '\0';
                }
                if (line[0] == ':') {
                    c->keepalives++;
                } else if (strncmp(line, "id: ", 4) == 0) {
                    ev->id = strtoull(line + 4, NULL, 10);
                } else if (strncmp(line, "data: ", 6) == 0) {
                    parse_event(line + 6, ev);
                    got = 1;
                } else {
                    ck_assert_msg(strncmp(line, "retry: ", 7) == 0, "unexpected line '%s'", line);
                }
                line = nl != NULL ? nl + 1 : NULL;
            }
            memmove(c->buf, end + 2, c->len - (size_t)(end + 2 - c->buf) + 1);
            c->len -= (size_t)(end + 2 - c->buf);
            if (got) {
                ck_assert_uint_gt(ev->id, 0);
                return 1;
            }
            continue;
        }
        if (c->eof) {
            return 0;
        }
        if (mono_ms() >= deadline) {
            return -2;
        }
        {
            int n = fill(c, (int)(deadline - mono_ms()));

            ck_assert_msg(n != -1, "stream read error");
        }
    }
}

/* Reads events until one with message (full MessageId) about job arrives; asserts that every
 * event read follows the previous one without a gap when contiguous is set. Returns its id. */
static uint64_t
sse_until(struct sse_cli *c, const char *message, uint64_t job, uint64_t *last, int contiguous)
{
    char uri[128];
    struct sse_ev ev;

    ck_assert_int_eq(map_job_uri(job, uri, sizeof uri), 0);
    for (;;) {
        int rc = sse_next(c, &ev, WAIT_MS);

        ck_assert_msg(rc == 1, "no %s of job %" PRIu64 " (stream %d)", message, job, rc);
        if (contiguous && *last != 0) {
            ck_assert_msg(ev.id == *last + 1, "event %" PRIu64 " after %" PRIu64, ev.id, *last);
        }
        *last = ev.id;
        if (strcmp(ev.message_id, message) == 0 && strcmp(ev.origin, uri) == 0) {
            return ev.id;
        }
    }
}

/* ---- tests ------------------------------------------------------------------------------- */

/* A job's life, in order, each event numbered one after the other. */
START_TEST(test_job_life)
{
    struct sse_cli c;
    struct sse_ev ev;
    uint64_t job;
    uint64_t prev = 0;
    char uri[128];
    long last_percent = -1;
    static const char *const want[] = {"Rfjobd.1.0.JobCreated", "JobEvent.1.1.JobValidationStarted",
                                       "JobEvent.1.1.JobValidatedOK", "JobEvent.1.1.JobStarted"};
    size_t next = 0;

    sse_open(&c, "", NULL);
    ck_assert_ptr_nonnull(strstr(c.head, "Cache-Control: no-cache"));
    job = submit_ticks(4, 100);
    ck_assert_int_eq(map_job_uri(job, uri, sizeof uri), 0);
    for (;;) {
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        if (prev != 0) {
            ck_assert_uint_eq(ev.id, prev + 1);
        }
        prev = ev.id;
        ck_assert_str_eq(ev.origin, uri);
        ck_assert_uint_ge(ev.nargs, 1);
        ck_assert_uint_eq(strtoull(ev.args[0], NULL, 10), job);
        ck_assert_int_eq(strlen(ev.context) > 0, 1);
        if (next < sizeof want / sizeof want[0]) {
            ck_assert_str_eq(ev.message_id, want[next]);
            next++;
            continue;
        }
        if (strcmp(ev.message_id, "JobEvent.1.1.JobProgressChanged") == 0) {
            long pct = strtol(ev.args[1], NULL, 10);

            ck_assert_uint_eq(ev.nargs, 2);
            ck_assert_int_gt(pct, last_percent);
            last_percent = pct;
            continue;
        }
        ck_assert_str_eq(ev.message_id, "JobEvent.1.1.JobCompletedOK");
        break;
    }
    ck_assert_int_eq(last_percent, 100); /* the last progress comes before the completion */

    /* Removal is an event too. */
    {
        char path[160];
        cJSON *j;

        ck_assert_int_eq(rf_fmt(path, sizeof path, "%s", uri), 0);
        j = call("DELETE", path, admin, NULL, 204);
        cJSON_Delete(j);
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        ck_assert_str_eq(ev.message_id, "JobEvent.1.1.JobRemoved");
        ck_assert_str_eq(ev.origin, uri);
    }
    cli_close(&c);
}
END_TEST

/* A client that drops its connection and comes back with Last-Event-ID misses nothing. */
START_TEST(test_replay_after_drop)
{
    struct sse_cli c;
    struct sse_ev ev;
    uint64_t last = 0;
    uint64_t jobs[6];
    char lei[24];
    int done = 0;

    sse_open(&c, "", NULL);
    jobs[0] = submit_ticks(2, 50);
    (void)sse_until(&c, "JobEvent.1.1.JobStarted", jobs[0], &last, 1);
    cli_close(&c); /* dropped mid-job, without a goodbye */

    for (size_t i = 1; i < 6; i++) {
        jobs[i] = submit_ticks(2, 50);
    }
    ck_assert_int_eq(rf_fmt(lei, sizeof lei, "%" PRIu64, last), 0);
    sse_open(&c, "", lei);
    /* Every event after the last one seen, in order, up to every job's completion. */
    while (done < 6) {
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        ck_assert_msg(ev.id == last + 1, "event %" PRIu64 " after %" PRIu64, ev.id, last);
        last = ev.id;
        if (strcmp(ev.message_id, "JobEvent.1.1.JobCompletedOK") == 0) {
            done++;
        }
    }
    cli_close(&c);
}
END_TEST

/* Asked for events the ring no longer holds, the stream says so first, then goes on. */
START_TEST(test_gone_signal)
{
    struct sse_cli c;
    struct sse_ev ev;
    uint64_t last;
    uint64_t oldest = 0;
    struct ev_record rec;
    size_t n;

    for (int i = 0; i < 200; i++) {
        ck_assert_int_eq(events_make(&rec, "Rfjobd.JobCreated", (const char *[]){"0"}, 1, NULL), 0);
        ck_assert_uint_gt(events_publish(app->events, &rec), 0);
    }
    last = events_read(app->events, 0, &rec, 1, &n, &oldest);
    ck_assert_uint_eq(last, 200);
    ck_assert_uint_eq(oldest, 200 - 64 + 1);

    sse_open(&c, "", "5");
    ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
    ck_assert_str_eq(ev.message_id, "Rfjobd.1.0.EventsDropped");
    ck_assert_uint_eq(ev.nargs, 2);
    ck_assert_str_eq(ev.args[0], "6");
    ck_assert_uint_eq(strtoull(ev.args[1], NULL, 10), oldest - 1);
    ck_assert_uint_eq(ev.id, oldest - 1); /* reconnecting with this id resumes at the oldest */
    for (uint64_t want = oldest; want <= last; want++) {
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        ck_assert_uint_eq(ev.id, want);
        ck_assert_str_eq(ev.message_id, "Rfjobd.1.0.JobCreated");
    }
    cli_close(&c);

    /* Up to date: nothing is replayed and nothing is said to be lost. */
    sse_open(&c, "", "200");
    ck_assert_int_eq(sse_next(&c, &ev, 1500), -2);
    ck_assert_int_ge(c.keepalives, 1); /* an idle stream gets keep-alives */
    cli_close(&c);
}
END_TEST

/* $filter by MessageId, RegistryPrefix and OriginResource; bad filters and headers are 400s. */
START_TEST(test_filter)
{
    struct sse_cli by_id;
    struct sse_cli by_prefix;
    struct sse_cli by_origin;
    struct sse_ev ev;
    uint64_t a;
    uint64_t b;
    char q[512];
    char uri[128];

    sse_open(&by_id, "?$filter=MessageId%20eq%20'JobEvent.1.1.JobCompletedOK'", NULL);
    sse_open(&by_prefix, "?$filter=RegistryPrefix%20eq%20'Rfjobd'", NULL);
    a = submit_ticks(1, 10);
    b = submit_ticks(1, 10);
    ck_assert_int_eq(map_job_uri(b, uri, sizeof uri), 0);
    ck_assert_int_eq(rf_fmt(q, sizeof q,
                            "?$filter=(OriginResource%%20eq%%20'%s')%%20and%%20"
                            "(MessageId%%20ne%%20'JobEvent.1.1.JobProgressChanged')",
                            uri),
                     0);
    sse_open(&by_origin, q, "0");

    for (int i = 0; i < 2; i++) {
        char want[128];

        ck_assert_int_eq(sse_next(&by_id, &ev, WAIT_MS), 1);
        ck_assert_str_eq(ev.message_id, "JobEvent.1.1.JobCompletedOK");
        ck_assert_int_eq(map_job_uri(i == 0 ? a : b, want, sizeof want), 0);
        ck_assert_str_eq(ev.origin, want);
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(sse_next(&by_prefix, &ev, WAIT_MS), 1);
        ck_assert_str_eq(ev.message_id, "Rfjobd.1.0.JobCreated");
    }
    /* Job b from the start (replayed from 0), without its progress. */
    {
        static const char *const want[] = {"Rfjobd.1.0.JobCreated",
                                           "JobEvent.1.1.JobValidationStarted",
                                           "JobEvent.1.1.JobValidatedOK", "JobEvent.1.1.JobStarted",
                                           "JobEvent.1.1.JobCompletedOK"};

        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            ck_assert_int_eq(sse_next(&by_origin, &ev, WAIT_MS), 1);
            ck_assert_str_eq(ev.message_id, want[i]);
            ck_assert_str_eq(ev.origin, uri);
        }
    }
    ck_assert_int_eq(sse_next(&by_id, &ev, 500), -2);
    cli_close(&by_id);
    cli_close(&by_prefix);
    cli_close(&by_origin);

    expect_error("/redfish/v1/EventService/SSE?$filter=Severity%20eq%20'OK'", "", 400,
                 "Base.1.22.PropertyUnknown");
    expect_error("/redfish/v1/EventService/SSE?$filter=MessageId%20eq", "", 400,
                 "Base.1.22.QueryParameterValueFormatError");
    expect_error("/redfish/v1/EventService/SSE?$top=2", "", 501,
                 "Base.1.22.QueryParameterUnsupported");
    expect_error("/redfish/v1/EventService/SSE", "Last-Event-ID: 12abc\r\n", 400,
                 "Base.1.22.HeaderInvalid");
}
END_TEST

/* Streams are bounded, the service goes on answering with every stream taken, a closed stream
 * frees its place, and a stream the service ends is closed for its client. */
START_TEST(test_stream_limit_and_close)
{
    struct sse_cli s1;
    struct sse_cli s2;
    struct sse_cli s3;
    struct sse_info info[4];
    struct sse_ev ev;
    int64_t deadline;
    cJSON *j;

    sse_open(&s1, "", NULL);
    sse_open(&s2, "", NULL);
    ck_assert_uint_eq(sse_list(app->sse, info, 4), 2);
    ck_assert_int_eq(strncmp(info[0].id, SSE_ID_PREFIX, strlen(SSE_ID_PREFIX)), 0);
    ck_assert_str_eq(info[0].user, "Administrator");
    ck_assert_int_eq(strncmp(info[0].destination, "redfish-sse://127.0.0.1:", 24), 0);
    ck_assert_str_ne(info[0].context, info[1].context);
    expect_error("/redfish/v1/EventService/SSE", "", 503,
                 "Base.1.22.EventSubscriptionLimitExceeded");
    j = call("GET", "/redfish/v1/JobService", admin, NULL, 200);
    cJSON_Delete(j);

    /* The client of s1 goes away; the service notices at the next keep-alive. */
    cli_close(&s1);
    deadline = mono_ms() + WAIT_MS;
    while (sse_list(app->sse, info, 4) != 1) {
        ck_assert_msg(mono_ms() < deadline, "the closed stream still counts");
        usleep(50 * 1000);
    }
    sse_open(&s3, "", NULL);

    /* Ended by the service (as DELETE of its EventDestination does): the client sees the end. */
    ck_assert_uint_eq(sse_list(app->sse, info, 4), 2);
    ck_assert_int_eq(sse_close(app->sse, "SSE-999"), -1);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(sse_close(app->sse, info[i].id), 0);
    }
    ck_assert_int_eq(sse_next(&s2, &ev, WAIT_MS), 0);
    ck_assert_int_eq(sse_next(&s3, &ev, WAIT_MS), 0);
    cli_close(&s2);
    cli_close(&s3);

    /* Without credentials: 401, no stream. */
    {
        struct tc_resp r;

        ck_assert_int_eq(tc_request(HOST, app->port, certs.ca, "GET",
                                    "/redfish/v1/EventService/SSE", NULL, NULL, 0, &r),
                         0);
        ck_assert_int_eq(r.status, 401);
        tc_resp_cleanup(&r);
    }
}
END_TEST

/* A reader that does not read holds up neither publishers nor the service; when it reads
 * again it learns what it missed. */
START_TEST(test_slow_reader)
{
    struct sse_cli c;
    struct sse_ev ev;
    struct ev_record rec;
    char big[EV_ARG_MAX];
    uint64_t last = 0;
    int dropped = 0;
    int64_t deadline;
    cJSON *j;

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sse_open(&c, "", NULL);
    /* About 100 MB of events: far more than the socket buffers hold. */
    for (int i = 0; i < 200000; i++) {
        ck_assert_int_eq(
            events_make(&rec, "Rfjobd.JobStateChanged", (const char *[]){"1", big}, 2, NULL), 0);
        ck_assert_uint_gt(events_publish(app->events, &rec), 0);
    }
    /* The service answers and jobs run while the stream is stuck. */
    j = call("GET", "/redfish/v1/JobService", admin, NULL, 200);
    cJSON_Delete(j);
    (void)submit_ticks(1, 1);

    /* The reader catches up: a drop signal, then events in order up to the newest. */
    deadline = mono_ms() + 60000;
    while (last < events_last_id(app->events)) {
        ck_assert_msg(mono_ms() < deadline, "did not catch up");
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        if (strcmp(ev.message_id, "Rfjobd.1.0.EventsDropped") == 0) {
            dropped++;
            ck_assert_uint_eq(strtoull(ev.args[0], NULL, 10), last + 1);
        } else if (last != 0) {
            ck_assert_uint_eq(ev.id, last + 1);
        }
        last = ev.id;
    }
    ck_assert_int_ge(dropped, 1);
    cli_close(&c);
}
END_TEST

/* The record outlives the service: a client resumes across a restart, and numbering goes on. */
START_TEST(test_restart)
{
    struct sse_cli c;
    struct sse_ev ev;
    uint64_t job;
    uint64_t before;
    uint64_t last = 0;

    job = submit_ticks(1, 10);
    {
        struct sse_cli w;

        sse_open(&w, "", "0");
        (void)sse_until(&w, "JobEvent.1.1.JobCompletedOK", job, &last, 1);
        cli_close(&w);
    }
    before = events_last_id(app->events);
    ck_assert_uint_eq(before, last);
    app_stop(app);
    app = NULL;
    start();
    ck_assert_uint_eq(events_last_id(app->events), before);

    sse_open(&c, "", "2");
    for (uint64_t want = 3; want <= before; want++) {
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        ck_assert_uint_eq(ev.id, want);
    }
    ck_assert_str_eq(ev.message_id, "JobEvent.1.1.JobCompletedOK");
    job = submit_ticks(1, 10);
    ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
    ck_assert_uint_eq(ev.id, before + 1);
    ck_assert_str_eq(ev.message_id, "Rfjobd.1.0.JobCreated");
    cli_close(&c);
}
END_TEST

/* A chatty command: its progress events are at most one per interval (400 ms here), and the
 * last value always gets out before the completion. */
START_TEST(test_progress_rate_limit)
{
    struct sse_cli c;
    uint64_t job;
    uint64_t last = 0;
    struct sse_ev ev;
    int64_t t0;
    int64_t elapsed;
    int progress = 0;
    char final[8] = "";
    char uri[128];

    sse_open(&c, "?$filter=RegistryPrefix%20eq%20'JobEvent'", NULL);
    t0 = mono_ms();
    job = submit_ticks(100, 20); /* a report every 20 ms for about 2 s */
    ck_assert_int_eq(map_job_uri(job, uri, sizeof uri), 0);
    for (;;) {
        ck_assert_int_eq(sse_next(&c, &ev, WAIT_MS), 1);
        ck_assert_str_eq(ev.origin, uri);
        if (strcmp(ev.message_id, "JobEvent.1.1.JobProgressChanged") == 0) {
            progress++;
            ck_assert_int_eq(rf_strlcpy(final, ev.args[1], sizeof final), 0);
        }
        if (strcmp(ev.message_id, "JobEvent.1.1.JobCompletedOK") == 0) {
            break;
        }
        last = ev.id;
    }
    elapsed = mono_ms() - t0;
    ck_assert_str_eq(final, "100");
    ck_assert_int_ge(progress, 2);
    ck_assert_msg(progress <= elapsed / 400 + 2, "%d progress events in %" PRId64 " ms", progress,
                  elapsed);
    (void)last;
    cli_close(&c);
}
END_TEST

Suite *
events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *life = tcase_create("life");
    TCase *ring = tcase_create("ring");
    TCase *limit = tcase_create("limit");
    TCase *rate = tcase_create("rate");

    tcase_set_timeout(life, 180);
    tcase_add_checked_fixture(life, setup, teardown);
    tcase_add_test(life, test_job_life);
    tcase_add_test(life, test_replay_after_drop);
    tcase_add_test(life, test_filter);
    tcase_add_test(life, test_slow_reader);
    tcase_add_test(life, test_restart);
    suite_add_tcase(s, life);

    tcase_set_timeout(ring, 60);
    tcase_add_checked_fixture(ring, setup_small_ring, teardown);
    tcase_add_test(ring, test_gone_signal);
    suite_add_tcase(s, ring);

    tcase_set_timeout(limit, 60);
    tcase_add_checked_fixture(limit, setup_two_streams, teardown);
    tcase_add_test(limit, test_stream_limit_and_close);
    suite_add_tcase(s, limit);

    tcase_set_timeout(rate, 60);
    tcase_add_checked_fixture(rate, setup_fast_progress, teardown);
    tcase_add_test(rate, test_progress_rate_limit);
    suite_add_tcase(s, rate);
    return s;
}
