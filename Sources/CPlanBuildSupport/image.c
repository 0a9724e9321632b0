#define _GNU_SOURCE
#include "planbuild_image.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The running executable's absolute path (the kernel's, links resolved); 0, or -1.
static int executable_path(char *buffer, size_t capacity) {
    ssize_t count = readlink("/proc/self/exe", buffer, capacity - 1);
    if (count <= 0) return -1;
    buffer[count] = '\0';
    return 0;
}

// The folder of the absolute path `file` into `buffer`; 0, or -1 when it has none or does not fit.
static int folder_of(const char *file, char *buffer, size_t capacity) {
    const char *slash = file[0] == '/' ? strrchr(file, '/') : NULL;
    if (slash == NULL) return -1;
    size_t length = (size_t)(slash - file);
    if (length + 1 > capacity) return -1;
    memcpy(buffer, file, length);
    buffer[length] = '\0';
    return 0;
}

int pbs_image_directory(char *buffer, size_t capacity) {
    Dl_info info;
    if (dladdr((void *)&pbs_image_directory, &info) == 0 || info.dli_fname == NULL) return -1;
    // The main program is named as it was invoked (argv[0]), which may be relative or a link
    // (`bin/planbuild` is one, to the release build's CLI): the kernel knows its real path.
    int main_program = strcmp(info.dli_fname, program_invocation_name) == 0;
    if (info.dli_fname[0] == '/' && !main_program) return folder_of(info.dli_fname, buffer, capacity);
    char executable[PATH_MAX];
    if (executable_path(executable, sizeof executable) != 0) return -1;
    return folder_of(executable, buffer, capacity);
}

// `folder/name` into `buffer`; 1 when it fits and access(2) grants `mode`.
static int usable(const char *folder, const char *name, int mode, char *buffer, size_t capacity) {
    int written = snprintf(buffer, capacity, "%s/%s", folder, name);
    return written > 0 && (size_t)written < capacity && access(buffer, mode) == 0;
}

int pbs_find_beside(const char *name, const char *variable, int mode, char *buffer, size_t capacity) {
    if (capacity == 0) return -1;
    buffer[0] = '\0';
    const char *configured = variable != NULL ? getenv(variable) : NULL;
    if (configured != NULL && configured[0] != '\0') {
        int written = snprintf(buffer, capacity, "%s", configured);
        return written > 0 && (size_t)written < capacity && access(buffer, mode) == 0 ? 0 : -1;
    }
    char folder[PATH_MAX], first[PATH_MAX] = "";
    if (pbs_image_directory(folder, sizeof folder) == 0) {
        if (usable(folder, name, mode, buffer, capacity)) return 0;
        snprintf(first, sizeof first, "%s", buffer);
    }
    // An image found elsewhere than the executable (libplanbuild.so copied beside Python shims):
    // what was installed beside the executable serves as well.
    char executable[PATH_MAX];
    if (executable_path(executable, sizeof executable) == 0 && folder_of(executable, folder, sizeof folder) == 0
        && usable(folder, name, mode, buffer, capacity)) return 0;
    snprintf(buffer, capacity, "%s", first);
    return -1;
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
