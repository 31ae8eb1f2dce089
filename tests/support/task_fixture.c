/*
 * rfjobd-task-fixture: a command for the tests of the job executor, which runs it as a child
 * process. Each subcommand shows one behaviour of a job's command:
 *
 *   sleep MS               sleeps MS ms; "@rfjobd progress 10" .. "100" after each tenth; exit 0
 *   ticks N MS             N times: sleeps MS ms, then "@rfjobd progress i*100/N"; exit 0
 *   flood BYTES            writes BYTES bytes to stdout and BYTES to stderr, interleaved, as fast
 *                          as it can: lines of 16383 bytes (longer than a report may be) that
 *                          begin like reports but are none; exit 0
 *   garbage BYTES [SEED]   writes BYTES random bytes to stdout: NULs, invalid UTF-8, and
 *                          "\n@rfjobd " followed by verbs and junk; exit 0
 *   ignore-term MS         ignores SIGTERM, says "@rfjobd status Ignoring SIGTERM", sleeps MS ms;
 *                          exit 0
 *   exit CODE [TEXT]       writes TEXT and a newline to stderr (when given); exits with CODE
 *   signal NAME            dies of the signal NAME (HUP, INT, QUIT, ILL, TRAP, ABRT, BUS, FPE,
 *                          KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM; "SIG" may prefix it): the
 *                          default action is restored and core dumps are off
 *   argdump FILE [ARG...]  writes each argv element (argv[0] included) and then each environment
 *                          entry, each followed by "\n" and nothing else, to FILE; exit 0
 *   error                  writes an "@rfjobd error" report with every member; exit 3
 *   warn                   writes "@rfjobd message Warning ..."; exit 0
 *   pidfile FILE MS        writes "PID PGID\n" to FILE, then sleeps MS ms as "sleep" does
 *   fds FILE               writes "FD TARGET\n" for each of its open descriptors, ascending, to
 *                          FILE (the descriptors of the listing itself excluded); exit 0
 *   spawn-child FILE MS    forks a child that writes "PID\n" to FILE and sleeps MS ms; the parent
 *                          says "@rfjobd status Spawned child PID", sleeps MS ms, reaps the child;
 *                          exit 0
 *
 * FILE is always written whole: to FILE.tmp.PID first, then renamed. Sleeps are slices of at most
 * 20 ms that count only the time slept, so SIGSTOP pauses them. Apart from ignore-term the
 * signals keep their default actions. Bad usage exits 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FX "rfjobd-task-fixture"
#define SLICE_MS 20
#define FLOOD_LINE 16384

extern char **environ;

const char *__asan_default_options(void);

/*
 * Under AddressSanitizer (the sanitizer builds), leaves the fatal signals to their default
 * actions, which "signal" is there to show. Without the sanitizer nothing calls this.
 */
const char *
__asan_default_options(void)
{
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:"
           "allow_user_segv_handler=1";
}

static int
usage(void)
{
    fprintf(stderr,
            "usage: " FX " sleep MS | ticks N MS | flood BYTES | garbage BYTES [SEED] |\n"
            "       ignore-term MS | exit CODE [TEXT] | signal NAME | argdump FILE [ARG...] |\n"
            "       error | warn | pidfile FILE MS | fds FILE | spawn-child FILE MS\n");
    return 2;
}

/* Parses a decimal number within 0..max. Returns 0, or -1. */
static int
num(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Sleeps ms milliseconds in slices, counting only the time slept. */
static void
nap(uint64_t ms)
{
    while (ms > 0) {
        uint64_t slice = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {0, (long)(slice * 1000000u)};

        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            continue;
        ms -= slice;
    }
}

/* Sleeps ms in ten steps, with a progress report after each. */
static void
sleep_with_progress(uint64_t ms)
{
    for (uint64_t i = 1; i <= 10; i++) {
        nap(ms * i / 10 - ms * (i - 1) / 10);
        printf("@rfjobd progress %u\n", (unsigned)(i * 10));
    }
}

static int
write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes n bytes to path through a temporary file and a rename. Returns 0, or -1. */
static int
write_file(const char *path, const char *p, size_t n)
{
    char tmp[4096];
    int fd;

    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return -1;
    fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (write_all(fd, p, n) != 0) {
        (void)close(fd);
        (void)unlink(tmp);
        return -1;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        (void)unlink(tmp);
        return -1;
    }
    return 0;
}

/* A growable text for FILE contents. */
struct text {
    char *p;
    size_t n;
    size_t cap;
};

static int
text_add(struct text *t, const char *s, size_t k)
{
    if (t->n + k + 1 > t->cap) {
        size_t cap = (t->n + k + 1) * 2;
        char *np = realloc(t->p, cap);

        if (np == NULL)
            return -1;
        t->p = np;
        t->cap = cap;
    }
    memcpy(t->p + t->n, s, k);
    t->n += k;
    t->p[t->n] = '\0';
    return 0;
}

static int
text_line(struct text *t, const char *s)
{
    return text_add(t, s, strlen(s)) == 0 && text_add(t, "\n", 1) == 0 ? 0 : -1;
}

/* Writes t to path and frees it; reports a failure on stderr. Returns the exit status. */
static int
text_commit(struct text *t, const char *path)
{
    int rc = 0;

    if (t->p == NULL && text_add(t, "", 0) != 0) {
        rc = 1;
    } else if (write_file(path, t->p, t->n) != 0) {
        fprintf(stderr, FX ": cannot write %s (errno %d)\n", path, errno);
        rc = 1;
    }
    free(t->p);
    return rc;
}

static uint64_t rng_state;

static uint32_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static int
cmd_flood(uint64_t bytes)
{
    static const char junk[] = "@rfjobd progress 7@rfjobd error {\"ErrorType\":@rfjobd status ";
    static char line[FLOOD_LINE];
    uint64_t out = 0;
    uint64_t err = 0;

    /* A line that starts like a report and is too long to be one. */
    for (size_t i = 0; i < FLOOD_LINE - 1; i++)
        line[i] = i < sizeof junk - 1 ? junk[i] : (char)('A' + i % 26);
    line[FLOOD_LINE - 1] = '\n';
    while (out < bytes || err < bytes) {
        if (out < bytes) {
            size_t k = bytes - out < FLOOD_LINE ? (size_t)(bytes - out) : FLOOD_LINE;

            if (write_all(1, line, k) != 0)
                return 1;
            out += k;
        }
        if (err < bytes) {
            size_t k = bytes - err < FLOOD_LINE ? (size_t)(bytes - err) : FLOOD_LINE;

            if (write_all(2, line, k) != 0)
                return 1;
            err += k;
        }
    }
    return 0;
}

static int
cmd_garbage(uint64_t bytes, uint64_t seed)
{
    static const char *const pieces[] = {
        "\n@rfjobd ",          "progress ", "state ", "status ", "message ", "error {",
        "created /",           "100",       "101",    "-1",      "Warning ", "\"ErrorType\":",
        "\xed\xa0\x80",        "\xc0\xaf",  "\r",     "}",       "\n",       "@rfjobd progress ",
        "@rfjobd error {\"\"", "\xff\xfe",
    };
    char buf[4096];
    uint64_t done = 0;

    rng_state = seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
    while (done < bytes) {
        size_t n = 0;

        while (n < sizeof buf - 64) {
            uint32_t r = rng();

            if (r % 4 == 0) {
                const char *s = pieces[(r >> 8) % (sizeof pieces / sizeof pieces[0])];
                size_t k = strlen(s);

                memcpy(buf + n, s, k);
                n += k;
            } else {
                buf[n++] = (char)(r >> 16); /* NUL included */
            }
        }
        if (n > bytes - done)
            n = (size_t)(bytes - done);
        if (write_all(1, buf, n) != 0)
            return 1;
        done += n;
    }
    return 0;
}

static int
cmd_signal(const char *name)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = {
        {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
        {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},
        {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
        {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    };
    struct rlimit no_core = {0, 0};
    struct sigaction sa;
    sigset_t set;

    if (strncmp(name, "SIG", 3) == 0)
        name += 3;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (strcmp(name, sigs[i].name) != 0)
            continue;
        (void)setrlimit(RLIMIT_CORE, &no_core);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        (void)sigaction(sigs[i].sig, &sa, NULL);
        sigemptyset(&set);
        sigaddset(&set, sigs[i].sig);
        (void)sigprocmask(SIG_UNBLOCK, &set, NULL);
        (void)fflush(NULL);
        (void)raise(sigs[i].sig);
        fprintf(stderr, FX ": still alive after SIG%s\n", sigs[i].name);
        return 1;
    }
    return usage();
}

static int
cmd_argdump(int argc, char **argv, const char *path)
{
    struct text t = {NULL, 0, 0};

    for (int i = 0; i < argc; i++)
        if (text_line(&t, argv[i]) != 0)
            goto fail;
    for (char **e = environ; *e != NULL; e++)
        if (text_line(&t, *e) != 0)
            goto fail;
    return text_commit(&t, path);
fail:
    free(t.p);
    return 1;
}

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;

    return (x > y) - (x < y);
}

static int
cmd_fds(const char *path)
{
    struct text t = {NULL, 0, 0};
    int fds[1024];
    size_t n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;

    if (d == NULL) {
        fprintf(stderr, FX ": cannot list /proc/self/fd (errno %d)\n", errno);
        return 1;
    }
    while ((de = readdir(d)) != NULL && n < sizeof fds / sizeof fds[0]) {
        uint64_t fd;

        if (num(de->d_name, INT32_MAX, &fd) != 0 || (int)fd == dirfd(d))
            continue;
        fds[n++] = (int)fd;
    }
    qsort(fds, n, sizeof fds[0], cmp_int);
    for (size_t i = 0; i < n; i++) {
        char link[64];
        char target[1024];
        char line[1200];
        ssize_t k;

        (void)snprintf(link, sizeof link, "/proc/self/fd/%d", fds[i]);
        k = readlink(link, target, sizeof target - 1);
        target[k > 0 ? k : 0] = '\0';
        (void)snprintf(line, sizeof line, "%d %s", fds[i], target);
        if (text_line(&t, line) != 0) {
            (void)closedir(d);
            free(t.p);
            return 1;
        }
    }
    (void)closedir(d);
    return text_commit(&t, path);
}

static int
write_pid_line(const char *path, long a, long b, int two)
{
    char s[64];
    int k = two ? snprintf(s, sizeof s, "%ld %ld\n", a, b) : snprintf(s, sizeof s, "%ld\n", a);

    if (k < 0 || write_file(path, s, (size_t)k) != 0) {
        fprintf(stderr, FX ": cannot write %s (errno %d)\n", path, errno);
        return 1;
    }
    return 0;
}

static int
cmd_spawn_child(const char *path, uint64_t ms)
{
    pid_t child = fork();
    int status;

    if (child < 0) {
        fprintf(stderr, FX ": cannot fork (errno %d)\n", errno);
        return 1;
    }
    if (child == 0) {
        int rc = write_pid_line(path, (long)getpid(), 0, 0);

        nap(ms);
        _exit(rc);
    }
    printf("@rfjobd status Spawned child %ld\n", (long)child);
    nap(ms);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        continue;
    return 0;
}

int
main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    uint64_t a = 0;
    uint64_t b = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(cmd, "sleep") == 0 && argc == 3 && num(argv[2], UINT32_MAX, &a) == 0) {
        sleep_with_progress(a);
        return 0;
    }
    if (strcmp(cmd, "ticks") == 0 && argc == 4 && num(argv[2], 1000000, &a) == 0 && a > 0
        && num(argv[3], UINT32_MAX, &b) == 0) {
        for (uint64_t i = 1; i <= a; i++) {
            nap(b);
            printf("@rfjobd progress %u\n", (unsigned)(i * 100 / a));
        }
        return 0;
    }
    if (strcmp(cmd, "flood") == 0 && argc == 3 && num(argv[2], UINT64_MAX / 2, &a) == 0)
        return cmd_flood(a);
    if (strcmp(cmd, "garbage") == 0 && (argc == 3 || argc == 4)
        && num(argv[2], UINT64_MAX / 2, &a) == 0
        && (argc == 3 || num(argv[3], UINT64_MAX, &b) == 0))
        return cmd_garbage(a, argc == 4 ? b : (uint64_t)getpid() ^ (uint64_t)time(NULL));
    if (strcmp(cmd, "ignore-term") == 0 && argc == 3 && num(argv[2], UINT32_MAX, &a) == 0) {
        struct sigaction sa;

        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sigemptyset(&sa.sa_mask);
        (void)sigaction(SIGTERM, &sa, NULL);
        printf("@rfjobd status Ignoring SIGTERM\n");
        nap(a);
        return 0;
    }
    if (strcmp(cmd, "exit") == 0 && (argc == 3 || argc == 4) && num(argv[2], 255, &a) == 0) {
        if (argc == 4)
            fprintf(stderr, "%s\n", argv[3]);
        return (int)a;
    }
    if (strcmp(cmd, "signal") == 0 && argc == 3)
        return cmd_signal(argv[2]);
    if (strcmp(cmd, "argdump") == 0 && argc >= 3)
        return cmd_argdump(argc, argv, argv[2]);
    if (strcmp(cmd, "error") == 0 && argc == 2) {
        printf("@rfjobd error {\"ErrorType\":1,\"OtherErrorType\":\"Fixture\","
               "\"OwningEntity\":\"RfjobdFixture\",\"MessageID\":\"RfjobdFixture.1.0.Failed\","
               "\"Message\":\"The fixture failed on purpose.\","
               "\"MessageArguments\":[\"fixture\",\"3\"],\"PerceivedSeverity\":6,"
               "\"ProbableCause\":47,\"ProbableCauseDescription\":\"Software Error\","
               "\"RecommendedActions\":[\"None; this is a test.\"],"
               "\"ErrorSource\":\"fixture\",\"ErrorSourceFormat\":1,"
               "\"OtherErrorSourceFormat\":\"Program name\",\"CIMStatusCode\":1,"
               "\"CIMStatusCodeDescription\":\"CIM_ERR_FAILED\",\"ErrorCode\":42,"
               "\"ErrorDescription\":\"Fixture failure\"}\n");
        fprintf(stderr, FX ": failing on purpose\n");
        return 3;
    }
    if (strcmp(cmd, "warn") == 0 && argc == 2) {
        printf("@rfjobd message Warning The fixture warns on purpose\n");
        return 0;
    }
    if (strcmp(cmd, "pidfile") == 0 && argc == 4 && num(argv[3], UINT32_MAX, &a) == 0) {
        if (write_pid_line(argv[2], (long)getpid(), (long)getpgrp(), 1) != 0)
            return 1;
        sleep_with_progress(a);
        return 0;
    }
    if (strcmp(cmd, "fds") == 0 && argc == 3)
        return cmd_fds(argv[2]);
    if (strcmp(cmd, "spawn-child") == 0 && argc == 4 && num(argv[3], UINT32_MAX, &a) == 0)
        return cmd_spawn_child(argv[2], a);
    return usage();
}
