// Where the running image (libplanbuild.so, or the executable the core is linked into) lies, so
// that plugins shipped beside it (libplanbuild-digest.so) are found wherever it was installed.
#ifndef PLANBUILD_IMAGE_H
#define PLANBUILD_IMAGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the directory of the image that contains this function into `buffer` (NUL-terminated).
/// Returns 0, or -1 when dladdr cannot tell or `capacity` is too small.
int pbs_image_directory(char *_Nonnull buffer, size_t capacity);

/// dlopen(path, RTLD_NOW | RTLD_LOCAL) and dlsym, which Swift's Glibc module hides in part.
/// pbs_load_library returns NULL and writes dlerror() into `error` (NUL-terminated) on failure.
void *_Nullable pbs_load_library(const char *_Nonnull path, char *_Nonnull error, size_t capacity);
void *_Nullable pbs_library_symbol(void *_Nonnull library, const char *_Nonnull name);

#ifdef __cplusplus
}
#endif

#endif
