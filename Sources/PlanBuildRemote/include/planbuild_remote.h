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

/* One unary gRPC call over cleartext HTTP/2 (prior knowledge; the Remote Execution API's
 * `grpc://HOST:PORT` is `http://HOST:PORT` here): `method` is "/package.Service/Method", `request`
 * the serialized message. The answer must be `application/grpc` with a grpc-status trailer and,
 * on success, exactly one uncompressed message of at most `max_response` bytes (0: gRPC's default
 * 4 MiB, also the most allowed).
 * - deadline_seconds: the whole call ends by then (also sent as grpc-timeout).
 * Returns 0 with the message in *response (malloc'ed: give it back with pbr_free; may be empty),
 * the grpc-status 1-16 (its grpc-message in `error`), -1 when no answer came, -2 when the deadline
 * passed, -4 when the answer broke the protocol (too large, not gRPC, not one message).
 * Thread-safe; each call blocks its thread only and uses a connection of its own. */
int32_t pbr_grpc_unary(const char *base_url, const char *method, const uint8_t *request, size_t request_length,
                       double deadline_seconds, size_t max_response, uint8_t **response, size_t *response_length,
                       char *error, size_t capacity);

/* Gives back what pbr_grpc_unary allocated. */
void pbr_free(void *pointer);

#endif
