// SHA-256 for the build cache, from Nettle (the system's libnettle.so.8, GnuTLS's crypto library),
// which is opened with dlopen the first time a digest is needed (pbs_sha256_load): linked, it would
// cost every process start a little (each CLI command, each Python shim), and most never hash a file.
#ifndef PLANBUILD_DIGEST_H
#define PLANBUILD_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opens `library` (a soname such as "libnettle.so.8", or a path) and looks up the Nettle 3
/// functions the others use. Only the first call opens anything; every later one answers as the
/// first did, whatever `library` it names. Returns NULL when SHA-256 is ready, else a message
/// (static storage, NUL-terminated) saying what failed. Thread-safe.
const char *_Nullable pbs_sha256_load(const char *_Nonnull library);

// The functions below may only be called after pbs_sha256_load returned NULL. Each state belongs
// to one caller at a time; different states may be used on different threads at once.

/// Hashes the file at `path` into `out` (32 bytes), reading it in 64 KiB chunks.
/// Returns 0, or the errno value of the failed open/read (ENOMEM when no buffer could be had).
int pbs_sha256_file(const char *_Nonnull path, uint8_t *_Nonnull out);

/// Hashes `count` bytes at `bytes` (NULL: none) into `out` (32 bytes).
void pbs_sha256_bytes(const void *_Nullable bytes, long count, uint8_t *_Nonnull out);

/// A hash fed piece by piece: begin returns a new state, update adds bytes to it, finish writes
/// the digest to `out` (32 bytes) and frees the state. begin aborts when memory is exhausted, as
/// every Swift allocation does.
void *_Nonnull pbs_sha256_begin(void);
void pbs_sha256_update(void *_Nonnull state, const void *_Nullable bytes, long count);
void pbs_sha256_finish(void *_Nonnull state, uint8_t *_Nonnull out);

#ifdef __cplusplus
}
#endif

#endif
