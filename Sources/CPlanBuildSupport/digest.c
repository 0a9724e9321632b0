// SHA-256 from OpenSSL's libcrypto, opened on first use (planbuild_digest.h says why).
// The header gives the functions' types, so a pointer looked up here has the signature the
// library was built with; the library itself is never linked.
#include "planbuild_digest.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct {
    __typeof__(&EVP_MD_fetch) fetch;
    __typeof__(&EVP_MD_CTX_new) context_new;
    __typeof__(&EVP_MD_CTX_free) context_free;
    __typeof__(&EVP_DigestInit_ex2) init;
    __typeof__(&EVP_DigestUpdate) update;
    __typeof__(&EVP_DigestFinal_ex) final;
    // Fetched once: an implicit fetch in every EVP_DigestInit would look the algorithm up again
    // for each of the thousands of files a cold run hashes.
    EVP_MD *sha256;
} crypto;

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
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        result = fail("cannot load %s (OpenSSL 3's libcrypto; Debian: libssl3): %s", library, reason ? reason : "unknown error");
        goto done;
    }
    // Never closed: the functions are used for the rest of the process.
#define LOOK_UP(field, name)                                                                      \
    *(void **)&crypto.field = dlsym(handle, name);                                                \
    if (crypto.field == NULL) {                                                                   \
        result = fail("%s lacks %s: OpenSSL 3's libcrypto is needed", library, name);             \
        goto done;                                                                                \
    }
    LOOK_UP(fetch, "EVP_MD_fetch")
    LOOK_UP(context_new, "EVP_MD_CTX_new")
    LOOK_UP(context_free, "EVP_MD_CTX_free")
    LOOK_UP(init, "EVP_DigestInit_ex2")
    LOOK_UP(update, "EVP_DigestUpdate")
    LOOK_UP(final, "EVP_DigestFinal_ex")
#undef LOOK_UP
    crypto.sha256 = crypto.fetch(NULL, "SHA256", NULL);
    if (crypto.sha256 == NULL) {
        result = fail("%s offers no SHA-256 (%s)", library, "is its default provider missing?");
        goto done;
    }
    load_state = 1;
done:
    pthread_mutex_unlock(&load_lock);
    return result;
}

void *pbs_sha256_begin(void) {
    EVP_MD_CTX *context = crypto.context_new();
    if (context == NULL || crypto.init(context, crypto.sha256, NULL) != 1) abort();
    return context;
}

void pbs_sha256_update(void *state, const void *bytes, long count) {
    if (bytes == NULL || count <= 0) return;
    crypto.update((EVP_MD_CTX *)state, bytes, (size_t)count);
}

void pbs_sha256_finish(void *state, uint8_t *out) {
    unsigned int length = 0;
    crypto.final((EVP_MD_CTX *)state, out, &length);
    crypto.context_free((EVP_MD_CTX *)state);
}

void pbs_sha256_bytes(const void *bytes, long count, uint8_t *out) {
    void *state = pbs_sha256_begin();
    pbs_sha256_update(state, bytes, count);
    pbs_sha256_finish(state, out);
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
    void *state = pbs_sha256_begin();
    int code = 0;
    for (;;) {
        ssize_t count = read(descriptor, chunk, chunk_size);
        if (count < 0) {
            if (errno == EINTR) continue;
            code = errno;
            break;
        }
        if (count == 0) break;
        pbs_sha256_update(state, chunk, (long)count);
    }
    pbs_sha256_finish(state, out);
    free(chunk);
    close(descriptor);
    return code;
}
