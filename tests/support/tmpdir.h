/*
 * tmpdir.h - private scratch directories for tests.
 */
#ifndef TMPDIR_H
#define TMPDIR_H

#include <stddef.h>

/*
 * tdir_make - create a fresh private directory for one test.
 *
 * Creates "<base>/rfjobd-test-XXXXXX" with mkdtemp() (mode 0700), where base
 * is $TMPDIR when it is set to a non-empty value and /tmp otherwise.  The path
 * is written NUL-terminated into out (caller-owned, outsz bytes).
 * Returns 0 on success, -1 if out is NULL, the path does not fit in outsz or
 * mkdtemp() failed (errno is left as set by the failing call; out is set to ""
 * when outsz > 0).  Remove the directory with tdir_remove().
 */
int tdir_make(char *out, size_t outsz);

/*
 * tdir_remove - delete a directory tree.
 *
 * Walks path depth-first with nftw(FTW_DEPTH | FTW_PHYS): symbolic links are
 * removed themselves and never followed, so nothing outside path is touched.
 * Returns 0 when everything including path itself was removed, -1 if path is
 * NULL, empty or consists only of slashes, does not exist, or an entry could not be removed (the
 * walk stops at the first such entry and errno describes it).
 */
int tdir_remove(const char *path);

#endif /* TMPDIR_H */
