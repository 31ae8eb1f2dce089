#include "rf_embedded.h"

#include <string.h>

const struct rf_embedded *
rf_embedded_find(const char *name)
{
    for (size_t i = 0; i < rf_embedded_count; i++) {
        if (strcmp(rf_embedded_files[i].name, name) == 0) {
            return &rf_embedded_files[i];
        }
    }
    return NULL;
}
