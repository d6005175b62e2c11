#include "include/CLazyLibrary.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int openrun_lazy_load(struct openrun_lazy_library *lib, char *error, unsigned long size) {
    if (__atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE)) return 0;
    pthread_mutex_lock(&lib->lock);
    if (!lib->handle) {
        lib->error[0] = 0;
        for (const char *const *file = lib->files; *file; file++) {
            void *h = dlopen(*file, RTLD_NOW | RTLD_LOCAL);
            if (h) {
                __atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
                break;
            }
            if (!lib->error[0]) {
                const char *why = dlerror();
                snprintf(lib->error, sizeof lib->error, "%s", why ? why : *file);
            }
        }
    }
    int rc = lib->handle ? 0 : -1;
    if (rc != 0 && error && size > 0) snprintf(error, size, "%s", lib->error);
    pthread_mutex_unlock(&lib->lock);
    return rc;
}

void *openrun_lazy_function(struct openrun_lazy_library *lib, void **slot, const char *name) {
    void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (f) return f;
    char why[512];
    if (openrun_lazy_load(lib, why, sizeof why) != 0) {
        fprintf(stderr, "openrun: %s could not be loaded: %s\n", lib->what, why);
        abort();
    }
    f = dlsym(lib->handle, name);
    if (!f) {
        fprintf(stderr, "openrun: %s has no function %s\n", lib->what, name);
        abort();
    }
    __atomic_store_n(slot, f, __ATOMIC_RELEASE);
    return f;
}
