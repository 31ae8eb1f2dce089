/* Files compiled into the binary from redfish-schema/ (see cmake/embed.cmake). */
#ifndef RF_EMBEDDED_H
#define RF_EMBEDDED_H

#include <stddef.h>

struct rf_embedded {
    const char *name;          /* the file's base name */
    const unsigned char *data; /* its bytes, followed by a NUL that len does not count */
    size_t len;
};

extern const struct rf_embedded rf_embedded_files[];
extern const size_t rf_embedded_count;

/* Finds an embedded file by exact base name. Returns it, or NULL. */
const struct rf_embedded *rf_embedded_find(const char *name);

#endif
