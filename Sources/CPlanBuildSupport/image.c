#define _GNU_SOURCE
#include "planbuild_image.h"

#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

int pbs_image_directory(char *buffer, size_t capacity) {
    Dl_info info;
    if (dladdr((void *)&pbs_image_directory, &info) == 0 || info.dli_fname == NULL) return -1;
    const char *name = info.dli_fname;
    char executable[4096];
    if (name[0] != '/') {
        // The main program is named as it was invoked (argv[0]); the kernel knows its real path.
        ssize_t count = readlink("/proc/self/exe", executable, sizeof executable - 1);
        if (count <= 0) return -1;
        executable[count] = '\0';
        name = executable;
    }
    const char *slash = strrchr(name, '/');
    if (slash == NULL) return -1;
    size_t length = (size_t)(slash - name);
    if (length + 1 > capacity) return -1;
    memcpy(buffer, name, length);
    buffer[length] = '\0';
    return 0;
}

void *pbs_load_library(const char *path, char *error, size_t capacity) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL && capacity > 0) {
        const char *reason = dlerror();
        strncpy(error, reason ? reason : "unknown dlopen failure", capacity - 1);
        error[capacity - 1] = '\0';
    }
    return library;
}

void *pbs_library_symbol(void *library, const char *name) {
    return dlsym(library, name);
}
