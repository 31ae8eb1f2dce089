/*
 * tmpdir.c - private scratch directories for tests.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw() and FTW_* flags */
#endif

#include "tmpdir.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TDIR_MAX_FDS 32

int
tdir_make(char *out, size_t outsz)
{
    const char *base = getenv("TMPDIR");
    size_t blen;
    int n;

    if (out == NULL || outsz == 0) {
        errno = EINVAL;
        return -1;
    }
    out[0] = '\0';
    if (base == NULL || base[0] == '\0') {
        base = "/tmp";
    }
    blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/') {
        blen--; /* "/tmp/" -> "/tmp", "/" -> "" */
    }
    if (blen > (size_t)INT_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    n = snprintf(out, outsz, "%.*s/rfjobd-test-XXXXXX", (int)blen, base);
    if (n < 0 || (size_t)n >= outsz) {
        out[0] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdtemp(out) == NULL) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

static int
remove_entry(const char *fpath, const struct stat *sb, int typeflag, struct FTW *ftwbuf)
{
    (void)sb;
    (void)ftwbuf;
    switch (typeflag) {
    case FTW_DP:
    case FTW_DNR:
        return rmdir(fpath) == 0 ? 0 : -1;
    default:
        return unlink(fpath) == 0 ? 0 : -1;
    }
}

int
tdir_remove(const char *path)
{
    if (path == NULL || path[strspn(path, "/")] == '\0') {
        errno = EINVAL;
        return -1;
    }
    return nftw(path, remove_entry, TDIR_MAX_FDS, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
