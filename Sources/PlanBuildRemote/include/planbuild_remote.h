#ifndef PLANBUILD_REMOTE_H
#define PLANBUILD_REMOTE_H

/* The remote plugin (libplanbuild-remote.so): HTTP requests and gRPC calls through libcurl. The
 * core loads it with dlopen only when a remote cache or remote execution is configured
 * (PlanBuildCache's RemoteTransport, PlanBuildRemoteExecution's GrpcChannel) and calls pbr_request
 * or pbr_grpc_call; what is asked for and what an answer means (the ac/cas layout, the messages,
 * limits, hashes, placing files) is the core's. */

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

/* gRPC over cleartext HTTP/2 (prior knowledge; the Remote Execution API's `grpc://HOST:PORT` is
 * `http://HOST:PORT` here). Each message either way is framed as gRPC frames it: a flag byte (0,
 * not compressed) and a 4-byte big-endian length. */

/* Gives the next bytes of a request body: at most `capacity` into `buffer`; returns the count, 0
 * at the end of the body, -1 to abort the call. */
typedef intptr_t (*pbr_grpc_source)(void *context, uint8_t *buffer, size_t capacity);
/* Receives one complete message of the answer; a non-zero result stops the call (-3). */
typedef int32_t (*pbr_grpc_sink)(void *context, const uint8_t *message, size_t length);
/* Asked about once a second, and more often while bytes move: non-zero cancels the call (-5). */
typedef int32_t (*pbr_grpc_cancelled)(void *context);

/* One gRPC call of any kind: unary, server streaming (every message of the answer goes to `sink`
 * as it completes), client streaming (a body of several frames).
 * - method: "/package.Service/Method".
 * - body/body_length: the whole request body, already framed (one frame per request message);
 *   or body NULL and `source` gives it piece by piece (a large upload never held in memory).
 * - deadline_seconds: the whole call ends by then (also sent as grpc-timeout); at most a week (a
 *   longer one is a week), and one already past (0, negative, NaN) ends the call at once.
 * - max_message: the largest message of the answer taken (0: gRPC's default 4 MiB; at most 64 MiB);
 *   at most one message is held in memory at a time.
 * - sink, cancelled, source: called on the calling thread with `context`, never after this returns.
 * Returns 0 when the call ended with grpc-status OK and the answer ended on a message boundary;
 * the grpc-status 1-16 (its grpc-message, percent-decoded, in `error`); -1 when no answer came
 * (refused, reset, the source aborted), -2 when the deadline passed, -3 when the sink stopped it,
 * -4 when the answer broke the protocol (not gRPC, compressed, cut inside a message), -5 when
 * cancelled, -6 when a message was larger than `max_message`. The reason is in `error`
 * (NUL-terminated, at most `capacity` bytes).
 * Thread-safe; each call blocks its thread only and uses a connection of its own. */
int32_t pbr_grpc_call(const char *base_url, const char *method, const uint8_t *body, size_t body_length,
                      pbr_grpc_source source, double deadline_seconds, size_t max_message, pbr_grpc_sink sink,
                      pbr_grpc_cancelled cancelled, void *context, char *error, size_t capacity);

/* One unary gRPC call through pbr_grpc_call: `request` is the serialized message (framed here);
 * the answer must be exactly one message of at most `max_response` bytes (0: 4 MiB).
 * Returns 0 with the message in *response (malloc'ed: give it back with pbr_free; may be empty),
 * else as pbr_grpc_call (-4 also when the answer is not exactly one message). */
int32_t pbr_grpc_unary(const char *base_url, const char *method, const uint8_t *request, size_t request_length,
                       double deadline_seconds, size_t max_response, uint8_t **response, size_t *response_length,
                       char *error, size_t capacity);

/* Gives back what pbr_grpc_unary allocated. */
void pbr_free(void *pointer);

#endif
