#include "rf_embedded.h"

#include <string.h>

static const struct rf_embedded *
find_in(const struct rf_embedded *files, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].name, name) == 0) {
            return &files[i];
        }
    }
    return NULL;
}

const struct rf_embedded *
rf_embedded_find(const char *name)
{
    return find_in(rf_embedded_files, rf_embedded_count, name);
}

const struct rf_embedded *
rf_ui_find(const char *name)
{
    return find_in(rf_ui_files, rf_ui_count, name);
}
