#ifndef PLANBUILD_REMOTE_H
#define PLANBUILD_REMOTE_H

/* The remote-cache plugin (libplanbuild-remote.so): one HTTP request through libcurl. The core
 * loads it with dlopen only when a remote cache is configured (Incremental/RemoteTransport.swift)
 * and calls pbr_request; what is asked for and what an answer means (the ac/cas layout, limits,
 * hashes, placing files) is the core's. */

#include <stdint.h>
#include <stddef.h>

/* Receives the body of a 200 answer to a GET, piece by piece; a non-zero result cuts the transfer. */
typedef int32_t (*pbr_sink)(void *context, const void *bytes, intptr_t count);

/* Performs `method` (GET, HEAD or PUT) on `url` (http or https only).
 * - token: when not NULL, sent as `Authorization: Bearer <token>` to `url` only: redirects are
 *   never followed. It is never written anywhere.
 * - deadline_seconds: the whole exchange (name lookup, connection, request, every byte of the
 *   answer) ends by then; past it the transfer is cut.
 * - upload_path: for PUT, the file sent as the body, streamed from the file.
 * - sink/context: the body of a 200 answer to a GET goes to sink(context, bytes, count) as it
 *   arrives, on the calling thread, never after this function returns. Other bodies (an error
 *   page, a redirect's) are dropped, and cut past 64 KiB; their status is still the answer.
 *   Bodies are never decompressed (no Accept-Encoding is sent).
 * - bytes: receives the body bytes sent (PUT) or handed to the sink (GET).
 * Returns the HTTP status (a 3xx when the server redirects), or -1 when no answer came (refused,
 * unreadable upload; the reason in `error`, NUL-terminated, at most `capacity` bytes), -2 when the
 * deadline passed, -3 when the sink stopped the transfer.
 * Thread-safe: any number of threads may call it at once; each call blocks its thread only. */
int32_t pbr_request(const char *method, const char *url, const char *token, double deadline_seconds,
                    const char *upload_path, pbr_sink sink, void *context, int64_t *bytes,
                    char *error, size_t capacity);

#endif
