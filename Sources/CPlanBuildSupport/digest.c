// SHA-256 from Nettle, opened on first use (planbuild_digest.h says why). Nettle rather than
// OpenSSL 3's libcrypto: opening libcrypto and its first digest (provider set-up) cost ~2 ms of every
// process that uses the cache, Nettle ~0.2 ms, with the same SHA-NI speed (~1.5 GB/s here).
// The header gives the functions' types, so a pointer looked up here has the signature the
// library was built with; the library itself is never linked.
#include "planbuild_digest.h"
#include "planbuild_image.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct {
    __typeof__(&nettle_sha256_init) init;
    __typeof__(&nettle_sha256_update) update;
    __typeof__(&nettle_sha256_digest) digest;
} nettle;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_state;  // 0: not tried, 1: ready, -1: failed (load_error says why)
static char load_error[600];

static const char *fail(const char *format, const char *library, const char *detail) {
    snprintf(load_error, sizeof load_error, format, library, detail);
    load_state = -1;
    return load_error;
}

const char *pbs_sha256_load(const char *library) {
    pthread_mutex_lock(&load_lock);
    const char *result = NULL;
    if (load_state == 1) goto done;
    if (load_state == -1) { result = load_error; goto done; }
    char reason[400];
    void *handle = pbs_load_library(library, reason, sizeof reason);
    if (handle == NULL) {
        result = fail("cannot load %s (Nettle's SHA-256; Debian: libnettle8): %s", library, reason);
        goto done;
    }
    // Never closed: the functions are used for the rest of the process.
#define LOOK_UP(field, name)                                                                      \
    *(void **)&nettle.field = pbs_library_symbol(handle, name);                                    \
    if (nettle.field == NULL) {                                                                   \
        result = fail("%s lacks %s: Nettle 3's libnettle is needed", library, name);              \
        goto done;                                                                                \
    }
    LOOK_UP(init, "nettle_sha256_init")
    LOOK_UP(update, "nettle_sha256_update")
    LOOK_UP(digest, "nettle_sha256_digest")
#undef LOOK_UP
    load_state = 1;
done:
    pthread_mutex_unlock(&load_lock);
    return result;
}

void *pbs_sha256_begin(void) {
    struct sha256_ctx *context = malloc(sizeof *context);
    if (context == NULL) abort();
    nettle.init(context);
    return context;
}

void pbs_sha256_update(void *state, const void *bytes, long count) {
    if (bytes == NULL || count <= 0) return;
    nettle.update((struct sha256_ctx *)state, (size_t)count, bytes);
}

void pbs_sha256_finish(void *state, uint8_t *out) {
    nettle.digest((struct sha256_ctx *)state, SHA256_DIGEST_SIZE, out);
    free(state);
}

void pbs_sha256_bytes(const void *bytes, long count, uint8_t *out) {
    struct sha256_ctx context;
    nettle.init(&context);
    if (bytes != NULL && count > 0) nettle.update(&context, (size_t)count, bytes);
    nettle.digest(&context, SHA256_DIGEST_SIZE, out);
}

int pbs_sha256_file(const char *path, uint8_t *out) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return errno;
    // 64 KiB: below malloc's mmap threshold, so a buffer per file costs no system call.
    enum { chunk_size = 64 << 10 };
    unsigned char *chunk = malloc(chunk_size);
    if (chunk == NULL) {
        close(descriptor);
        return ENOMEM;
    }
    struct sha256_ctx context;
    nettle.init(&context);
    int code = 0;
    for (;;) {
        ssize_t count = read(descriptor, chunk, chunk_size);
        if (count < 0) {
            if (errno == EINTR) continue;
            code = errno;
            break;
        }
        if (count == 0) break;
        nettle.update(&context, (size_t)count, chunk);
    }
    nettle.digest(&context, SHA256_DIGEST_SIZE, out);
    free(chunk);
    close(descriptor);
    return code;
}
