/* Files compiled into the binary (see cmake/embed.cmake): the schema and registry files of
 * redfish-schema/ (rf_embedded_files) and the browser UI of server/ui/ (rf_ui_files). */
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

extern const struct rf_embedded rf_ui_files[];
extern const size_t rf_ui_count;

/* Finds an embedded schema or registry file by exact base name. Returns it (static data, never
 * freed), or NULL. Takes no lock. */
const struct rf_embedded *rf_embedded_find(const char *name);

/* Finds a browser UI file by exact base name ("app.js"). Returns it (static data, never freed),
 * or NULL. Takes no lock. */
const struct rf_embedded *rf_ui_find(const char *name);

#endif
