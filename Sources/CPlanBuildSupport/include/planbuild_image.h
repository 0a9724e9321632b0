// Where the running image (libplanbuild.so, or the executable the core is linked into) lies, so
// that what ships beside it (planbuild-supervisor, the remote plugin, the library beside the
// CLI) is found wherever it was installed: one rule, pbs_find_beside, for all of them.
#ifndef PLANBUILD_IMAGE_H
#define PLANBUILD_IMAGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the directory of the image that contains this function into `buffer` (NUL-terminated).
/// Returns 0, or -1 when dladdr cannot tell or `capacity` is too small.
int pbs_image_directory(char *_Nonnull buffer, size_t capacity);

/// Finds the file `name` installed beside this binary: the value of the environment variable
/// `variable` when it is set and not empty (a test, an unusual install; nothing else is tried
/// then), else `name` in the folder of the image holding this code (pbs_image_directory), else in
/// the folder of the running executable (/proc/self/exe). A candidate counts when access(2)
/// grants `mode` (X_OK for a program, R_OK for a library). Returns 0 with the path in `buffer`
/// (NUL-terminated), or -1 with the first candidate looked at in `buffer` (empty when none), for
/// a message that says where it was expected.
int pbs_find_beside(const char *_Nonnull name, const char *_Nullable variable, int mode,
                    char *_Nonnull buffer, size_t capacity);

/// dlopen(path, RTLD_NOW | RTLD_LOCAL) and dlsym, which Swift's Glibc module hides in part.
/// pbs_load_library returns NULL and writes dlerror() into `error` (NUL-terminated) on failure.
void *_Nullable pbs_load_library(const char *_Nonnull path, char *_Nonnull error, size_t capacity);
void *_Nullable pbs_library_symbol(void *_Nonnull library, const char *_Nonnull name);

#ifdef __cplusplus
}
#endif

#endif
