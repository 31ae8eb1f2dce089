/*
 * rfjobd-task: the commands that rfjobd's job documents run, as one program with subcommands.
 *
 *   rfjobd-task provision --vm=NAME --template=TEXT [--fail-at=Boot|Attestation|Configuration]
 *                         [--step-ms=N]
 *   rfjobd-task disk-create --name=NAME --size-mib=N [--rate-mib-s=R]
 *   rfjobd-task tree-checksum --path=REL --manifest=NAME
 *
 * Every option is "--key=value"; an empty value means the option is not given. The working area
 * is the directory named by the environment variable RFJOBD_DATA_DIR; subdirectories are created
 * there as needed (mode 0750). A NAME is 1 to 64 characters of [A-Za-z0-9._-] that begins with a
 * letter or digit; a TEXT is well-formed UTF-8 without control characters, at most 256 bytes.
 *
 * Reports go to stdout in rfjobd's line protocol (one line each, flushed at once):
 * "@rfjobd progress N", "@rfjobd state S", "@rfjobd status TEXT", "@rfjobd message SEV TEXT" and
 * "@rfjobd error {CIM_Error as JSON}". Diagnostics go to stderr. Argument values are only ever
 * data: they are never handed to a shell or used as a format.
 *
 * provision walks a VM through the steps of an Msps_ProvisioningJob, each taking --step-ms
 * (default 1000): Boot (JobState PendingBoot, then Running), Attestation (writes the random key
 * protector vms/NAME/key-protector.bin, mode 0600) and Configuration (writes vms/NAME/vm.json
 * with the template and the creation time). --fail-at makes that step fail with its CIM_Error.
 * The template "Windows Server 2022" adds a licence warning. An existing vms/NAME is an error.
 *
 * disk-create writes N MiB of zeroes to disks/NAME.img.partial (at most R MiB/s when given),
 * syncs it and links it to disks/NAME.img, which it never replaces. An existing partial file
 * (another run, or one that was killed) is an error too and is left alone.
 *
 * tree-checksum hashes every regular file in REL (a directory or a regular file below the data
 * directory, outside checksums/; no absolute path, no ".." segment, no symlink anywhere on the
 * way) with SHA-256, in name order per directory, and writes checksums/NAME.sha256 in sha256sum's
 * format with paths relative to the data directory, replacing an older manifest of that name:
 * "cd $RFJOBD_DATA_DIR && sha256sum -c checksums/NAME.sha256" checks it. Symlinks and special
 * files inside the tree are skipped (and counted on stderr).
 *
 * Exit status: 0 done; 1 the work failed (an error report says why; partial results are removed);
 * 2 bad usage or parameters, or no RFJOBD_DATA_DIR; 128 + the signal number after SIGTERM, SIGINT
 * or SIGHUP (partial results are removed). SIGSTOP and SIGCONT simply pause the work.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#define PROG "rfjobd-task"
#define REPORT "@rfjobd "   /* the prefix of a report line */
#define REPORT_MAX 4096     /* the longest report line rfjobd reads, without its newline */
#define NAME_MAX_LEN 64     /* the longest NAME */
#define TEXT_MAX_LEN 256    /* the longest TEXT */
#define DIR_MODE 0750       /* directories this program creates */
#define FILE_MODE 0640      /* files it creates, but for keys */
#define SLICE_MS 50         /* the longest uninterrupted sleep */
#define MIB (1024u * 1024u) /* one chunk of disk-create */
#define HASH_CHUNK (64 * 1024)
#define WALK_DEPTH_MAX 128 /* the deepest directory tree-checksum enters */
#define REL_MAX 4096       /* the longest path tree-checksum writes into a manifest */
#define MESSAGE_ID_PREFIX "RfjobdTask.1.0."

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The terminating signal that arrived, or 0. The only global state; written by the handler. */
static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
    got_signal = sig;
}

/*
 * Catches SIGTERM, SIGINT and SIGHUP without SA_RESTART, so that a blocking call returns EINTR
 * and the work stops promptly; unblocks every signal the parent may have left blocked; ignores
 * SIGPIPE, so that a closed stdout does not leave partial results behind.
 */
static void
setup_signals(void)
{
    struct sigaction sa;
    sigset_t none;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, NULL);
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The exit status after a terminating signal. */
static int
signal_exit(const char *what)
{
    fprintf(stderr, "%s: %s: stopped by signal %d\n", PROG, what, (int)got_signal);
    return 128 + (int)got_signal;
}

/*
 * Sleeps ms milliseconds in slices of at most SLICE_MS, counting only the time slept: while the
 * process is stopped (SIGSTOP) the clock of the work stands still too. Returns 0, or -1 as soon as
 * a terminating signal has arrived.
 */
static int
nap_ms(uint64_t ms)
{
    while (ms > 0 && !got_signal) {
        uint64_t slice = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {0, (long)(slice * 1000000u)};

        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !got_signal)
            continue;
        ms -= slice;
    }
    return got_signal ? -1 : 0;
}

static uint64_t
now_us(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Text checks */

/* The length of the well-formed UTF-8 sequence at p (n bytes left), or 0 (Unicode table 3-7). */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    size_t need;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (n < need || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

/* Nonzero when s is a TEXT: 1..max bytes of UTF-8 without control characters (C0, DEL, C1). */
static int
text_ok(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);

        if (k == 0 || p[i] < 0x20 || p[i] == 0x7F || (p[i] == 0xC2 && p[i + 1] <= 0x9F))
            return 0;
        i += k;
    }
    return 1;
}

/*
 * Makes s fit for a report in place: every byte that is not part of well-formed UTF-8, and every
 * control character, becomes "?". (File names may hold any byte but "/" and NUL.)
 */
static void
sanitise(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t n = strlen(s);

    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);

        if (k == 0 || p[i] < 0x20 || p[i] == 0x7F || (p[i] == 0xC2 && p[i + 1] <= 0x9F)) {
            size_t bad = k == 0 ? 1 : k;

            memset(p + i, '?', bad);
            i += bad;
            continue;
        }
        i += k;
    }
}

/* Nonzero when s is a NAME: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
static int
name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > NAME_MAX_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return 0;
    }
    return 1;
}

/* Parses 1 to 10 decimal digits, nothing else, within lo..hi. Returns 0, or -1. */
static int
parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 10)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Reports */

/* Writes one report line. text is ours or a checked TEXT or NAME: it holds no newline. */
static void
report(const char *verb, const char *text)
{
    printf(REPORT "%s %s\n", verb, text);
}

static void
report_progress(int *last, int pct)
{
    if (pct == *last)
        return;
    *last = pct;
    printf(REPORT "progress %d\n", pct);
}

/* A JSON text under construction, bounded by the longest report line. */
struct jbuf {
    char s[REPORT_MAX];
    size_t n;
    bool overflow;
};

static void
jb_raw(struct jbuf *j, const char *s)
{
    size_t k = strlen(s);

    if (j->overflow || k >= sizeof j->s - j->n) {
        j->overflow = true;
        return;
    }
    memcpy(j->s + j->n, s, k + 1);
    j->n += k;
}

/* Appends s as a JSON string. */
static void
jb_str(struct jbuf *j, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    jb_raw(j, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char esc[8];

        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            esc[2] = '\0';
        } else if (*p < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
            esc[6] = '\0';
        } else {
            esc[0] = (char)*p;
            esc[1] = '\0';
        }
        jb_raw(j, esc);
    }
    jb_raw(j, "\"");
}

static void
jb_uint(struct jbuf *j, uint64_t v)
{
    char num[24];

    (void)snprintf(num, sizeof num, "%" PRIu64, v);
    jb_raw(j, num);
}

/* Appends ,"key":"value" (or {"key":... for the first member). */
static void
jb_key(struct jbuf *j, const char *key)
{
    jb_raw(j, j->n == 0 ? "{" : ",");
    jb_str(j, key);
    jb_raw(j, ":");
}

static void
jb_member_str(struct jbuf *j, const char *key, const char *value)
{
    if (value == NULL)
        return;
    jb_key(j, key);
    jb_str(j, value);
}

static void
jb_member_uint(struct jbuf *j, const char *key, uint64_t value)
{
    jb_key(j, key);
    jb_uint(j, value);
}

static void
jb_member_strv(struct jbuf *j, const char *key, const char *const *v)
{
    if (v[0] == NULL)
        return;
    jb_key(j, key);
    jb_raw(j, "[");
    for (size_t i = 0; v[i] != NULL; i++) {
        if (i > 0)
            jb_raw(j, ",");
        jb_str(j, v[i]);
    }
    jb_raw(j, "]");
}

/* ErrorType values (CIM_Error). */
enum {
    ET_OTHER = 1,
    ET_SOFTWARE = 4,
    ET_HARDWARE = 5,
    ET_SECURITY = 7,
    ET_UNAVAILABLE_RESOURCE = 9,
};

/* ProbableCause values (CIM_Error). */
enum {
    PC_OTHER = 1,
    PC_CONFIGURATION = 8,
    PC_IO_DEVICE = 24,
    PC_STORAGE_CAPACITY = 50,
    PC_SECURITY_CREDENTIAL_MISMATCH = 64,
    PC_UNAUTHORIZED_ACCESS = 65,
    PC_ELEMENT_MISSING = 73,
    PC_IDENTIFIER_DUPLICATION = 79,
    PC_SOFTWARE_ENVIRONMENT = 108,
    PC_TIMEOUT = 111,
    PC_UNEXPECTED_INFORMATION = 130,
};

/* CIMStatusCode values. */
enum {
    CIM_ERR_FAILED = 1,
    CIM_ERR_ACCESS_DENIED = 2,
    CIM_ERR_INVALID_PARAMETER = 4,
    CIM_ERR_NOT_FOUND = 6,
    CIM_ERR_ALREADY_EXISTS = 11,
};

/* ErrorCode values: this program's own numbers for its failures. */
enum {
    EC_INVALID_PARAMETER = 1,
    EC_ALREADY_EXISTS = 2,
    EC_IN_PROGRESS = 3,
    EC_STORAGE_FULL = 4,
    EC_SYSTEM = 5,
    EC_NOT_FOUND = 6,
    EC_BOOT_TIMEOUT = 10,
    EC_ATTESTATION_FAILED = 11,
    EC_CONFIGURATION_FAILED = 12,
};

/* One failure, as the CIM_Error of the job. */
struct task_error {
    uint16_t error_type;
    const char *other_error_type; /* exactly when error_type is ET_OTHER */
    uint16_t probable_cause;
    const char *probable_cause_description;
    const char *error_source;      /* or NULL */
    const char *error_source_kind; /* OtherErrorSourceFormat, with error_source */
    const char *key;               /* MessageID without MESSAGE_ID_PREFIX */
    const char *message;
    const char *args[4];    /* MessageArguments, NULL-terminated */
    const char *actions[3]; /* RecommendedActions, NULL-terminated */
    uint32_t cim_status;
    uint16_t code;           /* ErrorCode */
    const char *description; /* ErrorDescription */
};

/* Writes the error report of e, and its message on stderr. */
static void
report_error(const char *what, const struct task_error *e)
{
    struct jbuf j = {.n = 0, .overflow = false};
    char id[96];

    (void)snprintf(id, sizeof id, "%s%s", MESSAGE_ID_PREFIX, e->key);
    jb_member_uint(&j, "ErrorType", e->error_type);
    jb_member_str(&j, "OtherErrorType", e->other_error_type);
    jb_member_str(&j, "MessageID", id);
    jb_member_str(&j, "Message", e->message);
    jb_member_strv(&j, "MessageArguments", e->args);
    jb_member_uint(&j, "PerceivedSeverity", 6); /* Critical: the job fails */
    jb_member_uint(&j, "ProbableCause", e->probable_cause);
    jb_member_str(&j, "ProbableCauseDescription", e->probable_cause_description);
    jb_member_strv(&j, "RecommendedActions", e->actions);
    if (e->error_source != NULL) {
        jb_member_str(&j, "ErrorSource", e->error_source);
        jb_member_uint(&j, "ErrorSourceFormat", 1); /* Other */
        jb_member_str(&j, "OtherErrorSourceFormat", e->error_source_kind);
    }
    jb_member_uint(&j, "CIMStatusCode", e->cim_status);
    jb_member_uint(&j, "ErrorCode", e->code);
    jb_member_str(&j, "ErrorDescription", e->description);
    jb_raw(&j, "}");
    if (j.overflow) {
        /* Cannot happen with NAMEs and TEXTs as bounded as they are; still a valid report. */
        j = (struct jbuf){.n = 0, .overflow = false};
        jb_member_uint(&j, "ErrorCode", e->code);
        jb_member_str(&j, "ErrorDescription", e->description);
        jb_raw(&j, "}");
    }
    printf(REPORT "error %s\n", j.s);
    fprintf(stderr, "%s: %s: %s\n", PROG, what, e->message);
}

/* Reports a parameter that is not valid; returns EXIT_USAGE. */
static int
fail_param(const char *what, const char *option, const char *why)
{
    char msg[256];
    struct task_error e = {
        .error_type = ET_OTHER,
        .other_error_type = "Invalid parameter",
        .probable_cause = PC_UNEXPECTED_INFORMATION,
        .key = "InvalidParameter",
        .message = msg,
        .args = {option, why, NULL},
        .actions = {"Correct the parameter and resubmit the job.", NULL},
        .cim_status = CIM_ERR_INVALID_PARAMETER,
        .code = EC_INVALID_PARAMETER,
        .description = "Invalid parameter",
    };

    (void)snprintf(msg, sizeof msg, "The parameter --%s is not valid: %s.", option, why);
    report_error(what, &e);
    return EXIT_USAGE;
}

/*
 * Reports a failed system call on source (a path below the data directory) from its errno;
 * returns EXIT_FAIL.
 */
static int
fail_errno(const char *what, const char *action, const char *source, int err)
{
    char msg[REL_MAX + 256];
    char num[16];
    struct task_error e = {
        .error_type = ET_SOFTWARE,
        .probable_cause = PC_SOFTWARE_ENVIRONMENT,
        .probable_cause_description = "A system call failed",
        .error_source = source,
        .error_source_kind = "Path in the data directory",
        .key = "SystemError",
        .message = msg,
        .args = {action, source, num, NULL},
        .actions = {"Check the data directory of the service and resubmit the job.", NULL},
        .cim_status = CIM_ERR_FAILED,
        .code = EC_SYSTEM,
        .description = "System error",
    };

    (void)snprintf(num, sizeof num, "%d", err);
    switch (err) {
    case ENOSPC:
    case EDQUOT:
        e.error_type = ET_UNAVAILABLE_RESOURCE;
        e.probable_cause = PC_STORAGE_CAPACITY;
        e.probable_cause_description = "The file system is full";
        e.key = "StorageFull";
        e.actions[0] = "Free space in the data directory of the service and resubmit the job.";
        e.code = EC_STORAGE_FULL;
        e.description = "No space left";
        break;
    case EIO:
        e.error_type = ET_HARDWARE;
        e.probable_cause = PC_IO_DEVICE;
        e.probable_cause_description = "An input/output error";
        break;
    case EACCES:
    case EPERM:
    case EROFS:
        e.error_type = ET_SECURITY;
        e.probable_cause = PC_UNAUTHORIZED_ACCESS;
        e.probable_cause_description = "Access denied";
        e.cim_status = CIM_ERR_ACCESS_DENIED;
        break;
    case ENOENT:
    case ENOTDIR:
        e.error_type = ET_UNAVAILABLE_RESOURCE;
        e.probable_cause = PC_ELEMENT_MISSING;
        e.probable_cause_description = "No such file or directory";
        e.key = "NotFound";
        e.actions[0] = "Check the path and resubmit the job.";
        e.cim_status = CIM_ERR_NOT_FOUND;
        e.code = EC_NOT_FOUND;
        e.description = "Not found";
        break;
    default:
        break;
    }
    (void)snprintf(msg, sizeof msg, "Cannot %s '%s' (errno %d).", action, source, err);
    report_error(what, &e);
    return EXIT_FAIL;
}

/* Reports that source exists already (in_progress: its partial file does); returns EXIT_FAIL. */
static int
fail_exists(const char *what, const char *source, bool in_progress)
{
    char msg[REL_MAX + 256];
    struct task_error e = {
        .error_type = ET_OTHER,
        .other_error_type = "Resource conflict",
        .probable_cause = PC_IDENTIFIER_DUPLICATION,
        .error_source = source,
        .error_source_kind = "Path in the data directory",
        .key = in_progress ? "InProgress" : "AlreadyExists",
        .message = msg,
        .args = {source, NULL},
        .actions = {in_progress ? "Wait for the other job to finish, or remove the partial file "
                                  "that an interrupted job left behind, and resubmit the job."
                                : "Choose another name, or remove the existing one first.",
                    NULL},
        .cim_status = CIM_ERR_ALREADY_EXISTS,
        .code = in_progress ? EC_IN_PROGRESS : EC_ALREADY_EXISTS,
        .description = in_progress ? "Creation in progress" : "Already exists",
    };

    if (in_progress)
        (void)snprintf(msg, sizeof msg,
                       "'%s' is being created by another job, or an interrupted job left it "
                       "behind.",
                       source);
    else
        (void)snprintf(msg, sizeof msg, "'%s' exists already.", source);
    report_error(what, &e);
    return EXIT_FAIL;
}

/* Options */

struct opt {
    const char *name;
    const char *value; /* NULL: not given */
};

static void
usage(void)
{
    fprintf(stderr, "usage: " PROG " provision --vm=NAME --template=TEXT"
                    " [--fail-at=Boot|Attestation|Configuration] [--step-ms=N]\n"
                    "       " PROG " disk-create --name=NAME --size-mib=N [--rate-mib-s=R]\n"
                    "       " PROG " tree-checksum --path=REL --manifest=NAME\n"
                    "The working area is the directory $RFJOBD_DATA_DIR.\n");
}

/*
 * Reads "--key=value" arguments into the options of opts (n of them). Returns 0, or -1 after
 * printing why and the usage on stderr: an argument of another form, an unknown or repeated key.
 */
static int
parse_opts(int argc, char **argv, struct opt *opts, size_t n)
{
    bool given[8] = {false};

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *eq = strchr(a, '=');
        size_t k = 0;

        if (strncmp(a, "--", 2) != 0 || eq == NULL) {
            fprintf(stderr, "%s: not an option of the form --key=value: %s\n", PROG, a);
            usage();
            return -1;
        }
        while (k < n
               && (strlen(opts[k].name) != (size_t)(eq - a - 2)
                   || strncmp(opts[k].name, a + 2, (size_t)(eq - a - 2)) != 0))
            k++;
        if (k == n || given[k]) {
            fprintf(stderr, "%s: %s option: %.*s\n", PROG, k == n ? "unknown" : "repeated",
                    (int)(eq - a), a);
            usage();
            return -1;
        }
        given[k] = true;
        opts[k].value = eq[1] != '\0' ? eq + 1 : NULL;
    }
    return 0;
}

/* Files and directories */

/* Opens the directory name below parent, creating it (DIR_MODE) if need be; never a symlink. */
static int
open_subdir(int parent, const char *name)
{
    if (mkdirat(parent, name, DIR_MODE) != 0 && errno != EEXIST)
        return -1;
    return openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Writes all n bytes. Returns 0, or -1 with errno (EINTR only when a signal stops the work). */
static int
write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0) {
            if (errno == EINTR && !got_signal)
                continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Writes a new file name below dir with the n bytes at p, through "name.partial" and a rename,
 * each synced. Returns 0, or -1 with errno (the partial file is removed).
 */
static int
write_file_atomic(int dir, const char *name, const void *p, size_t n, mode_t mode)
{
    char tmp[NAME_MAX_LEN + 32];
    int fd;
    int err;

    (void)snprintf(tmp, sizeof tmp, "%s.partial", name);
    fd = openat(dir, tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return -1;
    if (write_all(fd, p, n) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (renameat(dir, tmp, dir, name) != 0 || fsync(dir) != 0)
        goto fail;
    return 0;
fail:
    err = errno;
    if (fd >= 0)
        (void)close(fd);
    (void)unlinkat(dir, tmp, 0);
    errno = err;
    return -1;
}

/* provision */

enum step { STEP_NONE, STEP_BOOT, STEP_ATTESTATION, STEP_CONFIGURATION };

#define KEY_FILE "key-protector.bin"
#define VM_FILE "vm.json"
#define KEY_BYTES 32

/* Removes the VM directory this run created, with what it put there. */
static void
remove_vm(int vms, int vm, const char *name)
{
    static const char *const files[] = {KEY_FILE, VM_FILE, KEY_FILE ".partial", VM_FILE ".partial"};

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        (void)unlinkat(vm, files[i], 0);
    if (unlinkat(vms, name, AT_REMOVEDIR) != 0)
        fprintf(stderr, "%s: cannot remove vms/%s (errno %d)\n", PROG, name, errno);
}

/* Reports the failure of a provisioning step (as --fail-at asks for). */
static void
fail_step(enum step step, const char *vm, const char *template, uint64_t step_ms)
{
    char msg[512];
    char ms[24];
    struct task_error e = {
        .error_source = vm,
        .error_source_kind = "Virtual machine name",
        .message = msg,
        .cim_status = CIM_ERR_FAILED,
    };

    (void)snprintf(ms, sizeof ms, "%" PRIu64, step_ms);
    switch (step) {
    case STEP_BOOT:
    case STEP_NONE:
        e.error_type = ET_UNAVAILABLE_RESOURCE;
        e.probable_cause = PC_TIMEOUT;
        e.probable_cause_description = "The VM did not report a successful boot in time";
        e.key = "BootTimeout";
        (void)snprintf(msg, sizeof msg, "The VM '%s' did not boot within %s ms.", vm, ms);
        e.args[0] = vm;
        e.args[1] = ms;
        e.actions[0] = "Check the console of the VM for boot errors.";
        e.actions[1] = "Resubmit the job.";
        e.code = EC_BOOT_TIMEOUT;
        e.description = "Boot timeout";
        break;
    case STEP_ATTESTATION:
        e.error_type = ET_SECURITY;
        e.probable_cause = PC_SECURITY_CREDENTIAL_MISMATCH;
        e.probable_cause_description = "The host attestation was refused";
        e.key = "AttestationFailed";
        (void)snprintf(msg, sizeof msg,
                       "The host attestation for the VM '%s' failed; no key protector was "
                       "issued.",
                       vm);
        e.args[0] = vm;
        e.actions[0] = "Check that the host is healthy and registered with the attestation "
                       "service.";
        e.actions[1] = "Resubmit the job.";
        e.code = EC_ATTESTATION_FAILED;
        e.description = "Attestation failed";
        break;
    case STEP_CONFIGURATION:
        e.error_type = ET_SOFTWARE;
        e.probable_cause = PC_CONFIGURATION;
        e.probable_cause_description = "The template could not be applied";
        e.key = "ConfigurationFailed";
        (void)snprintf(msg, sizeof msg,
                       "The configuration of the VM '%s' from the template '%s' failed.", vm,
                       template);
        e.args[0] = vm;
        e.args[1] = template;
        e.actions[0] = "Check the template.";
        e.actions[1] = "Resubmit the job.";
        e.code = EC_CONFIGURATION_FAILED;
        e.description = "Configuration failed";
        break;
    }
    report_error("provision", &e);
}

/* The text of vm.json. Returns 0, or -1 when it does not fit. */
static int
vm_json(struct jbuf *j, const char *vm, const char *template)
{
    struct timespec ts;
    struct tm tm;
    char created[32];

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL
        || strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return -1;
    jb_member_str(j, "Name", vm);
    jb_member_str(j, "Template", template);
    jb_member_str(j, "Created", created);
    jb_member_str(j, "KeyProtector", KEY_FILE);
    jb_raw(j, "}\n");
    return j->overflow ? -1 : 0;
}

static int
cmd_provision(int dd, int argc, char **argv)
{
    struct opt opts[] = {{"vm", NULL}, {"template", NULL}, {"fail-at", NULL}, {"step-ms", NULL}};
    const char *vm;
    const char *template;
    enum step fail_at = STEP_NONE;
    uint64_t step_ms = 1000;
    char src[NAME_MAX_LEN + 8];
    char text[TEXT_MAX_LEN + 256];
    unsigned char key[KEY_BYTES];
    struct jbuf j = {.n = 0, .overflow = false};
    int last = -1;
    int vms;
    int vmd;
    int rc;

    if (parse_opts(argc, argv, opts, sizeof opts / sizeof opts[0]) != 0)
        return EXIT_USAGE;
    vm = opts[0].value;
    template = opts[1].value;
    if (vm == NULL || !name_ok(vm))
        return fail_param("provision", "vm", "a name of 1 to 64 characters A-Z a-z 0-9 . _ -");
    if (template == NULL || !text_ok(template, TEXT_MAX_LEN))
        return fail_param("provision", "template", "a text of 1 to 256 bytes");
    if (opts[2].value != NULL) {
        if (strcmp(opts[2].value, "Boot") == 0)
            fail_at = STEP_BOOT;
        else if (strcmp(opts[2].value, "Attestation") == 0)
            fail_at = STEP_ATTESTATION;
        else if (strcmp(opts[2].value, "Configuration") == 0)
            fail_at = STEP_CONFIGURATION;
        else
            return fail_param("provision", "fail-at", "Boot, Attestation or Configuration");
    }
    if (opts[3].value != NULL && parse_uint(opts[3].value, 0, 3600000, &step_ms) != 0)
        return fail_param("provision", "step-ms", "milliseconds from 0 to 3600000");

    (void)snprintf(src, sizeof src, "vms/%s", vm);
    vms = open_subdir(dd, "vms");
    if (vms < 0)
        return fail_errno("provision", "create", "vms", errno);
    if (mkdirat(vms, vm, DIR_MODE) != 0) {
        rc = errno == EEXIST ? fail_exists("provision", src, false)
                             : fail_errno("provision", "create", src, errno);
        (void)close(vms);
        return rc;
    }
    vmd = openat(vms, vm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (vmd < 0) {
        rc = fail_errno("provision", "open", src, errno);
        (void)unlinkat(vms, vm, AT_REMOVEDIR);
        (void)close(vms);
        return rc;
    }

    /* Boot */
    report_progress(&last, 0);
    report("state", "PendingBoot");
    (void)snprintf(text, sizeof text, "Waiting for the VM %s to boot", vm);
    report("status", text);
    if (nap_ms(step_ms) != 0)
        goto stopped;
    if (fail_at == STEP_BOOT)
        goto failed;
    report("state", "Running");
    (void)snprintf(text, sizeof text, "The VM %s booted", vm);
    report("status", text);
    report_progress(&last, 33);

    /* Attestation: the host is attested and the VM's key protector issued. */
    (void)snprintf(text, sizeof text, "Attesting the host of the VM %s", vm);
    report("status", text);
    if (nap_ms(step_ms) != 0)
        goto stopped;
    if (fail_at == STEP_ATTESTATION)
        goto failed;
    if (RAND_bytes(key, sizeof key) != 1) {
        rc = fail_errno("provision", "generate the key protector of", src, EIO);
        goto out;
    }
    if (write_file_atomic(vmd, KEY_FILE, key, sizeof key, 0600) != 0) {
        rc = fail_errno("provision", "write the key protector of", src, errno);
        goto out;
    }
    memset(key, 0, sizeof key);
    report_progress(&last, 66);

    /* Configuration from the template. */
    (void)snprintf(text, sizeof text, "Configuring the VM %s from the template '%s'", vm, template);
    report("status", text);
    if (nap_ms(step_ms) != 0)
        goto stopped;
    if (fail_at == STEP_CONFIGURATION)
        goto failed;
    if (vm_json(&j, vm, template) != 0) {
        rc = fail_errno("provision", "describe", src, EOVERFLOW);
        goto out;
    }
    if (write_file_atomic(vmd, VM_FILE, j.s, j.n, FILE_MODE) != 0) {
        rc = fail_errno("provision", "write the description of", src, errno);
        goto out;
    }
    if (fsync(vms) != 0) {
        rc = fail_errno("provision", "sync", "vms", errno);
        goto out;
    }
    if (got_signal)
        goto stopped;
    if (strcmp(template, "Windows Server 2022") == 0) {
        (void)snprintf(text, sizeof text,
                       "The VM %s runs Windows Server 2022, which needs a licence: activate it "
                       "within 30 days",
                       vm);
        report("message Warning", text);
    }
    report_progress(&last, 100);
    (void)snprintf(text, sizeof text, "Provisioned the VM %s from the template '%s'", vm, template);
    report("message OK", text);
    (void)close(vmd);
    (void)close(vms);
    return 0;

failed:
    fail_step(fail_at, vm, template, step_ms);
    rc = EXIT_FAIL;
    goto out;
stopped:
    rc = signal_exit("provision");
out:
    memset(key, 0, sizeof key);
    remove_vm(vms, vmd, vm);
    (void)close(vmd);
    (void)close(vms);
    return rc;
}

/* disk-create */

static int
cmd_disk_create(int dd, int argc, char **argv)
{
    struct opt opts[] = {{"name", NULL}, {"size-mib", NULL}, {"rate-mib-s", NULL}};
    const char *name;
    uint64_t size_mib;
    uint64_t rate = 0;
    char final[NAME_MAX_LEN + 8];
    char partial[NAME_MAX_LEN + 16];
    char src[NAME_MAX_LEN + 32];
    char text[256];
    struct stat st;
    unsigned char *zeroes;
    int last = -1;
    int disks;
    int fd = -1;
    int rc;

    if (parse_opts(argc, argv, opts, sizeof opts / sizeof opts[0]) != 0)
        return EXIT_USAGE;
    name = opts[0].value;
    if (name == NULL || !name_ok(name))
        return fail_param("disk-create", "name", "a name of 1 to 64 characters A-Z a-z 0-9 . _ -");
    if (opts[1].value == NULL || parse_uint(opts[1].value, 1, 1048576, &size_mib) != 0)
        return fail_param("disk-create", "size-mib", "a size from 1 to 1048576 MiB");
    if (opts[2].value != NULL && parse_uint(opts[2].value, 1, 1048576, &rate) != 0)
        return fail_param("disk-create", "rate-mib-s", "a rate from 1 to 1048576 MiB/s");

    (void)snprintf(final, sizeof final, "%s.img", name);
    (void)snprintf(partial, sizeof partial, "%s.img.partial", name);
    (void)snprintf(src, sizeof src, "disks/%s", final);
    zeroes = calloc(1, MIB);
    if (zeroes == NULL)
        return fail_errno("disk-create", "allocate memory for", src, ENOMEM);
    disks = open_subdir(dd, "disks");
    if (disks < 0) {
        free(zeroes);
        return fail_errno("disk-create", "create", "disks", errno);
    }
    if (fstatat(disks, final, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        rc = fail_exists("disk-create", src, false);
        goto out;
    }
    if (errno != ENOENT) {
        rc = fail_errno("disk-create", "look up", src, errno);
        goto out;
    }
    fd = openat(disks, partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
    if (fd < 0) {
        rc = errno == EEXIST ? fail_exists("disk-create", src, true)
                             : fail_errno("disk-create", "create", src, errno);
        goto out;
    }
    report_progress(&last, 0);
    for (uint64_t i = 0; i < size_mib; i++) {
        uint64_t start = now_us();

        if (got_signal)
            goto stopped;
        if (write_all(fd, zeroes, MIB) != 0) {
            if (got_signal)
                goto stopped;
            rc = fail_errno("disk-create", "write", src, errno);
            goto remove;
        }
        /* The last percent waits for the file to be complete under its own name. */
        report_progress(&last, (int)((i + 1) * 100 / size_mib) - (i + 1 == size_mib));
        if (rate > 0) {
            uint64_t budget = 1000000u / rate;
            uint64_t spent = now_us() - start;

            if (spent < budget && nap_ms((budget - spent + 999) / 1000) != 0)
                goto stopped;
        }
    }
    if (fsync(fd) != 0) {
        rc =
            got_signal ? signal_exit("disk-create") : fail_errno("disk-create", "sync", src, errno);
        goto remove;
    }
    rc = close(fd);
    fd = -1;
    if (rc != 0) {
        rc = fail_errno("disk-create", "close", src, errno);
        goto remove;
    }
    if (got_signal)
        goto stopped;
    /* A hard link does not replace a file that appeared meanwhile, as rename would. */
    if (linkat(disks, partial, disks, final, 0) != 0) {
        rc = errno == EEXIST ? fail_exists("disk-create", src, false)
                             : fail_errno("disk-create", "name", src, errno);
        goto remove;
    }
    (void)unlinkat(disks, partial, 0);
    if (fsync(disks) != 0) {
        rc = fail_errno("disk-create", "sync", "disks", errno);
        goto out;
    }
    report_progress(&last, 100);
    (void)snprintf(text, sizeof text, "Created disks/%s (%" PRIu64 " MiB)", final, size_mib);
    report("message OK", text);
    rc = 0;
    goto out;

stopped:
    rc = signal_exit("disk-create");
remove:
    if (fd >= 0)
        (void)close(fd);
    fd = -1;
    if (unlinkat(disks, partial, 0) != 0)
        fprintf(stderr, "%s: cannot remove disks/%s (errno %d)\n", PROG, partial, errno);
out:
    if (fd >= 0)
        (void)close(fd);
    (void)close(disks);
    free(zeroes);
    return rc;
}

/* tree-checksum */

/* The walk of a tree, first to count its bytes, then to hash its files. */
struct walk {
    bool hashing;
    uint64_t total; /* bytes, from the counting walk */
    uint64_t done;
    uint64_t files;
    uint64_t skipped; /* neither regular files nor directories */
    int last;         /* the last progress reported */
    FILE *out;        /* the manifest being written */
    EVP_MD_CTX *md;
    unsigned char *buf;
    char path[REL_MAX + 1]; /* the current path relative to the data directory */
    size_t plen;
    const char *fail_action; /* what failed, with errno in fail_errno */
    int fail_errno;
    char fail_path[REL_MAX + 1];
};

/* Records a failure at the current path (plus "/name" when name is not NULL). */
static int
walk_fail(struct walk *w, const char *action, const char *name, int err)
{
    size_t o = w->plen < REL_MAX ? w->plen : REL_MAX;

    w->fail_action = action;
    w->fail_errno = err;
    memcpy(w->fail_path, w->path, o);
    if (name != NULL) {
        size_t k = strlen(name);

        if (o < REL_MAX)
            w->fail_path[o++] = '/';
        if (k > REL_MAX - o)
            k = REL_MAX - o; /* cut: only a report names it */
        memcpy(w->fail_path + o, name, k);
        o += k;
    }
    w->fail_path[o] = '\0';
    return -1;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes one manifest line as sha256sum does, escaping "\\", "\n" and "\r" in the name. */
static int
manifest_line(FILE *out, const char *hex, const char *path)
{
    bool escape = strpbrk(path, "\\\n\r") != NULL;

    if (escape && fputc('\\', out) == EOF)
        return -1;
    if (fputs(hex, out) == EOF || fputs("  ", out) == EOF)
        return -1;
    for (const char *p = path; *p != '\0'; p++) {
        const char *s = NULL;

        if (escape && *p == '\\')
            s = "\\\\";
        else if (escape && *p == '\n')
            s = "\\n";
        else if (escape && *p == '\r')
            s = "\\r";
        if (s != NULL ? fputs(s, out) == EOF : fputc(*p, out) == EOF)
            return -1;
    }
    return fputc('\n', out) == EOF ? -1 : 0;
}

static void
walk_progress(struct walk *w)
{
    if (w->total > 0)
        report_progress(&w->last, w->done >= w->total ? 99 : (int)(w->done * 100 / w->total));
}

/*
 * Hashes the regular file name in dir, whose path relative to the data directory is w->path, and
 * writes its manifest line.
 */
static int
hash_file(struct walk *w, int dir, const char *name)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    struct stat st;
    int fd;

    fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return walk_fail(w, "open", NULL, errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        (void)close(fd);
        return walk_fail(w, "read the regular file", NULL, errno != 0 ? errno : EINVAL);
    }
    if (EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1) {
        (void)close(fd);
        return walk_fail(w, "hash", NULL, EIO);
    }
    for (;;) {
        ssize_t r = read(fd, w->buf, HASH_CHUNK);

        if (got_signal) {
            (void)close(fd);
            return -1;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;

            (void)close(fd);
            return walk_fail(w, "read", NULL, err);
        }
        if (r == 0)
            break;
        if (EVP_DigestUpdate(w->md, w->buf, (size_t)r) != 1) {
            (void)close(fd);
            return walk_fail(w, "hash", NULL, EIO);
        }
        w->done += (uint64_t)r;
        walk_progress(w);
    }
    (void)close(fd);
    if (EVP_DigestFinal_ex(w->md, digest, &dlen) != 1)
        return walk_fail(w, "hash", NULL, EIO);
    for (unsigned int i = 0; i < dlen; i++)
        (void)snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    if (manifest_line(w->out, hex, w->path) != 0)
        return walk_fail(w, "write the manifest line of", NULL, errno);
    w->files++;
    return 0;
}

/* Adds "/name" to w->path (or sets it to name when it is empty); returns the old length. */
static int
path_push(struct walk *w, const char *name, size_t *old)
{
    size_t k = strlen(name);
    size_t sep = w->plen > 0 ? 1 : 0;

    *old = w->plen;
    if (w->plen + sep + k > REL_MAX)
        return -1;
    if (sep)
        w->path[w->plen] = '/';
    memcpy(w->path + w->plen + sep, name, k + 1);
    w->plen += sep + k;
    return 0;
}

static void
path_pop(struct walk *w, size_t old)
{
    w->plen = old;
    w->path[old] = '\0';
}

/* Visits the directory dir (w->path) in sorted order; symlinks are never followed. */
static int
walk_dir(struct walk *w, int dir, int depth)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    int dupfd;
    int rc = -1;

    if (depth > WALK_DEPTH_MAX)
        return walk_fail(w, "descend below", NULL, ELOOP);
    dupfd = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    if (dupfd < 0)
        return walk_fail(w, "open the directory", NULL, errno);
    d = fdopendir(dupfd);
    if (d == NULL) {
        int err = errno;

        (void)close(dupfd);
        return walk_fail(w, "open the directory", NULL, err);
    }
    /* The duplicate shares the offset of dir, which an earlier walk left at the end. */
    rewinddir(d);
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (de == NULL)
            break;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap == 0 ? 32 : 2 * cap;
            char **nn = realloc(names, ncap * sizeof *nn);

            if (nn == NULL) {
                walk_fail(w, "list the directory", NULL, ENOMEM);
                goto out;
            }
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(de->d_name);
        if (names[n] == NULL) {
            walk_fail(w, "list the directory", NULL, ENOMEM);
            goto out;
        }
        n++;
    }
    if (errno != 0) {
        walk_fail(w, "list the directory", NULL, errno);
        goto out;
    }
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t old;

        if (got_signal)
            goto out;
        if (fstatat(dir, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            walk_fail(w, "look up", names[i], errno);
            goto out;
        }
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
            if (!w->hashing)
                w->skipped++;
            continue;
        }
        if (path_push(w, names[i], &old) != 0) {
            walk_fail(w, "enter", names[i], ENAMETOOLONG);
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dir, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int r;

            if (sub < 0) {
                path_pop(w, old);
                walk_fail(w, "open", names[i], errno);
                goto out;
            }
            r = walk_dir(w, sub, depth + 1);
            (void)close(sub);
            if (r != 0)
                goto out;
        } else if (!w->hashing) {
            w->total += (uint64_t)st.st_size;
        } else if (hash_file(w, dir, names[i]) != 0) {
            goto out;
        }
        path_pop(w, old);
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    (void)closedir(d);
    return rc;
}

/*
 * Checks REL and writes its normal form (segments joined by "/", without "." and empty ones)
 * into out. Returns NULL, or why REL is not valid.
 */
static const char *
normalise_rel(const char *rel, char *out, size_t size)
{
    size_t o = 0;
    const char *p = rel;

    if (!text_ok(rel, REL_MAX))
        return "a relative path of 1 to 4096 bytes of text";
    if (rel[0] == '/')
        return "a path relative to the data directory, not an absolute one";
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t k = end != NULL ? (size_t)(end - p) : strlen(p);

        if (k == 2 && p[0] == '.' && p[1] == '.')
            return "a path without \"..\" segments";
        if (k > 0 && !(k == 1 && p[0] == '.')) {
            if (o + (o > 0) + k + 1 > size)
                return "a shorter path";
            if (o > 0)
                out[o++] = '/';
            memcpy(out + o, p, k);
            o += k;
        }
        p += k;
        if (*p == '/')
            p++;
    }
    out[o] = '\0';
    if (o == 0)
        return "a path that names something below the data directory";
    if (strcmp(out, "checksums") == 0 || strncmp(out, "checksums/", 10) == 0)
        return "a path outside the directory of the manifests";
    return NULL;
}

/* Reports why a walk stopped; returns the exit status. */
static int
walk_failed(struct walk *w)
{
    if (got_signal)
        return signal_exit("tree-checksum");
    sanitise(w->fail_path);
    return fail_errno("tree-checksum", w->fail_action, w->fail_path, w->fail_errno);
}

static int
cmd_tree_checksum(int dd, int argc, char **argv)
{
    struct opt opts[] = {{"path", NULL}, {"manifest", NULL}};
    const char *manifest;
    const char *why;
    char rel[REL_MAX + 1];
    char final[NAME_MAX_LEN + 16];
    char partial[NAME_MAX_LEN + 24];
    char src[NAME_MAX_LEN + 32];
    char text[REL_MAX + 256];
    struct walk *w = NULL;
    struct stat st;
    const char *leaf;
    int parent = -1;
    int root = -1;
    int sums = -1;
    int fd = -1;
    int rc;

    if (parse_opts(argc, argv, opts, sizeof opts / sizeof opts[0]) != 0)
        return EXIT_USAGE;
    if (opts[0].value == NULL)
        return fail_param("tree-checksum", "path", "a path relative to the data directory");
    why = normalise_rel(opts[0].value, rel, sizeof rel);
    if (why != NULL)
        return fail_param("tree-checksum", "path", why);
    manifest = opts[1].value;
    if (manifest == NULL || !name_ok(manifest))
        return fail_param("tree-checksum", "manifest",
                          "a name of 1 to 64 characters A-Z a-z 0-9 . _ -");
    (void)snprintf(final, sizeof final, "%s.sha256", manifest);
    (void)snprintf(partial, sizeof partial, "%s.sha256.partial", manifest);
    (void)snprintf(src, sizeof src, "checksums/%s", final);

    w = calloc(1, sizeof *w);
    if (w == NULL || (w->buf = malloc(HASH_CHUNK)) == NULL || (w->md = EVP_MD_CTX_new()) == NULL) {
        rc = fail_errno("tree-checksum", "allocate memory for", src, ENOMEM);
        goto out;
    }
    w->last = -1;

    /* Go down to the parent of the leaf one segment at a time, never through a symlink. */
    parent = fcntl(dd, F_DUPFD_CLOEXEC, 0);
    if (parent < 0) {
        rc = fail_errno("tree-checksum", "open", ".", errno);
        goto out;
    }
    leaf = rel;
    for (char *slash = strchr(rel, '/'); slash != NULL; slash = strchr(leaf, '/')) {
        int next;

        *slash = '\0';
        next = openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        *slash = '/';
        if (next < 0) {
            rc = fail_errno("tree-checksum", "open", rel, errno == ELOOP ? ENOTDIR : errno);
            goto out;
        }
        (void)close(parent);
        parent = next;
        leaf = slash + 1;
    }
    if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        rc = fail_errno("tree-checksum", "find", rel, errno);
        goto out;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
        rc = fail_param("tree-checksum", "path", "a directory or a regular file, not a symlink");
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        root = openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (root < 0) {
            rc = fail_errno("tree-checksum", "open", rel, errno);
            goto out;
        }
    }
    (void)snprintf(w->path, sizeof w->path, "%s", rel);
    w->plen = strlen(w->path);

    /* Count, then hash into the partial manifest. */
    report_progress(&w->last, 0);
    report("status", "Counting the bytes to checksum");
    if (root >= 0) {
        if (walk_dir(w, root, 0) != 0) {
            rc = walk_failed(w);
            goto out;
        }
    } else {
        w->total = (uint64_t)st.st_size;
    }
    sums = open_subdir(dd, "checksums");
    if (sums < 0) {
        rc = fail_errno("tree-checksum", "create", "checksums", errno);
        goto out;
    }
    fd = openat(sums, partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
    if (fd < 0) {
        rc = errno == EEXIST ? fail_exists("tree-checksum", src, true)
                             : fail_errno("tree-checksum", "create", src, errno);
        goto out;
    }
    w->out = fdopen(fd, "w");
    if (w->out == NULL) {
        rc = fail_errno("tree-checksum", "create", src, errno);
        goto remove;
    }
    fd = -1; /* the stream owns it now */
    (void)snprintf(text, sizeof text, "Checksumming %" PRIu64 " bytes in %s", w->total, rel);
    report("status", text);
    w->hashing = true;
    w->path[0] = '\0';
    if (root >= 0) {
        (void)snprintf(w->path, sizeof w->path, "%s", rel);
        w->plen = strlen(w->path);
        rc = walk_dir(w, root, 0);
    } else {
        (void)snprintf(w->path, sizeof w->path, "%s", rel);
        w->plen = strlen(w->path);
        rc = hash_file(w, parent, leaf);
    }
    if (rc != 0) {
        rc = walk_failed(w);
        goto remove;
    }
    if (fflush(w->out) != 0 || fsync(fileno(w->out)) != 0) {
        rc = fail_errno("tree-checksum", "write", src, errno);
        goto remove;
    }
    rc = fclose(w->out);
    w->out = NULL;
    if (rc != 0) {
        rc = fail_errno("tree-checksum", "write", src, errno);
        goto remove;
    }
    if (got_signal) {
        rc = signal_exit("tree-checksum");
        goto remove;
    }
    if (renameat(sums, partial, sums, final) != 0) {
        rc = fail_errno("tree-checksum", "name", src, errno);
        goto remove;
    }
    if (fsync(sums) != 0) {
        rc = fail_errno("tree-checksum", "sync", "checksums", errno);
        goto out;
    }
    if (w->skipped > 0)
        fprintf(stderr,
                "%s: tree-checksum: skipped %" PRIu64 " entries of %s that are neither "
                "regular files nor directories\n",
                PROG, w->skipped, rel);
    report_progress(&w->last, 100);
    (void)snprintf(text, sizeof text,
                   "Checksummed %" PRIu64 " file%s (%" PRIu64 " bytes) of %s into %s", w->files,
                   w->files == 1 ? "" : "s", w->done, rel, src);
    report("message OK", text);
    rc = 0;
    goto out;

remove:
    if (w->out != NULL)
        (void)fclose(w->out);
    w->out = NULL;
    if (fd >= 0)
        (void)close(fd);
    fd = -1;
    if (unlinkat(sums, partial, 0) != 0)
        fprintf(stderr, "%s: cannot remove checksums/%s (errno %d)\n", PROG, partial, errno);
out:
    if (w != NULL) {
        EVP_MD_CTX_free(w->md);
        free(w->buf);
        free(w);
    }
    if (fd >= 0)
        (void)close(fd);
    if (sums >= 0)
        (void)close(sums);
    if (root >= 0)
        (void)close(root);
    if (parent >= 0)
        (void)close(parent);
    return rc;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int dd, int argc, char **argv);
    } cmds[] = {
        {"provision", cmd_provision},
        {"disk-create", cmd_disk_create},
        {"tree-checksum", cmd_tree_checksum},
    };
    const char *data_dir;
    int dd;
    int rc;

    /* One report per line, each on its way as soon as it is written. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    setup_signals();
    if (argc < 2) {
        usage();
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        data_dir = getenv("RFJOBD_DATA_DIR");
        if (data_dir == NULL || data_dir[0] == '\0') {
            fprintf(stderr, "%s: RFJOBD_DATA_DIR is not set; it names the working directory\n",
                    PROG);
            return EXIT_USAGE;
        }
        dd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dd < 0) {
            fprintf(stderr, "%s: RFJOBD_DATA_DIR: cannot open the directory (errno %d)\n", PROG,
                    errno);
            return EXIT_USAGE;
        }
        rc = cmds[i].run(dd, argc - 2, argv + 2);
        (void)close(dd);
        if (fflush(stdout) != 0)
            fprintf(stderr, "%s: cannot write the reports (errno %d)\n", PROG, errno);
        return rc;
    }
    fprintf(stderr, "%s: unknown command: %s\n", PROG, argv[1]);
    usage();
    return EXIT_USAGE;
}
