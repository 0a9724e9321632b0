/* gRPC calls on libcurl (planbuild_remote.h): pbr_grpc_call for every kind of call the Remote
 * Execution API uses, pbr_grpc_unary for one message each way.
 *
 * Why libcurl and not grpc-swift: the remote plugin links libcurl already, Debian's is built with
 * nghttp2, and gRPC is HTTP/2 with a small framing (a flag byte and a big-endian length before
 * each message, the status in the trailers). grpc-swift-2 with its NIO transport took 348 s of
 * wall time to build here, more than the test run's whole margin. */
#include "planbuild_remote.h"
#include "handles.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The largest message either side may take: gRPC's own default is 4 MiB; a caller may ask up to this. */
#define MAX_MESSAGE_LIMIT (64u << 20)
#define DEFAULT_MAX_MESSAGE (4u << 20)
#define FRAME_HEADER 5

struct call {
    /* The answer's bytes not yet handed over: at most one frame header and one message. */
    uint8_t *pending;
    size_t length;
    size_t capacity;
    size_t max_message;
    pbr_grpc_sink sink;
    pbr_grpc_cancelled cancelled;
    void *context;
    /* The request body, when it comes from the caller's source rather than from memory. */
    pbr_grpc_source source;
    /* Messages handed to the sink. */
    size_t delivered;
    /* Why the transfer was cut, if it was; from here to the end, what one attempt learns. */
    int too_large;
    int compressed;
    int stopped;
    int was_cancelled;
    int source_failed;
    int is_grpc; /* content-type application/grpc (or application/grpc+proto) */
    size_t dropped; /* body bytes of an answer that is not gRPC (an error page), read and dropped */
    int has_status;
    int status;
    char message[256];
};

/* Hands every complete frame in `pending` to the sink; what remains is the start of the next. */
static int deliver(struct call *call) {
    size_t offset = 0;
    while (call->length - offset >= FRAME_HEADER) {
        const uint8_t *frame = call->pending + offset;
        if (frame[0] != 0) {
            call->compressed = 1;
            return 0;
        }
        size_t size = ((size_t)frame[1] << 24) | ((size_t)frame[2] << 16) | ((size_t)frame[3] << 8) | frame[4];
        if (size > call->max_message) {
            call->too_large = 1;
            return 0;
        }
        if (call->length - offset - FRAME_HEADER < size) break;
        call->delivered++;
        if (call->sink(call->context, frame + FRAME_HEADER, size) != 0) {
            call->stopped = 1;
            return 0;
        }
        offset += FRAME_HEADER + size;
    }
    memmove(call->pending, call->pending + offset, call->length - offset);
    call->length -= offset;
    return 1;
}

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    struct call *call = user;
    size_t length = size * count;
    size_t taken = 0;
    if (!call->is_grpc) {
        /* Not gRPC (a proxy's error page): read a little of it and drop it; the status says the rest. */
        call->dropped += length;
        return call->dropped > (64u << 10) ? 0 : length;
    }
    /* Piece by piece: the buffer never holds more than one header and one message. */
    while (taken < length) {
        size_t room = call->capacity - call->length;
        size_t piece = length - taken < room ? length - taken : room;
        memcpy(call->pending + call->length, data + taken, piece);
        call->length += piece;
        taken += piece;
        if (!deliver(call)) return 0; /* any count other than `length` stops the transfer */
        if (piece == 0 && call->length == call->capacity) {
            call->too_large = 1; /* cannot happen: a full buffer holds a complete frame */
            return 0;
        }
    }
    return length;
}

static size_t on_upload(char *buffer, size_t size, size_t count, void *user) {
    struct call *call = user;
    intptr_t got = call->source(call->context, (uint8_t *)buffer, size * count);
    if (got < 0 || (size_t)got > size * count) {
        call->source_failed = 1;
        return CURL_READFUNC_ABORT;
    }
    return (size_t)got;
}

/* Called by libcurl during the transfer, at least about once a second even when nothing moves. */
static int on_progress(void *user, curl_off_t down_total, curl_off_t down_now, curl_off_t up_total, curl_off_t up_now) {
    (void)down_total; (void)down_now; (void)up_total; (void)up_now;
    struct call *call = user;
    if (call->cancelled != NULL && call->cancelled(call->context) != 0) {
        call->was_cancelled = 1;
        return 1;
    }
    return 0;
}

/* grpc-message is percent-encoded (RFC 3986 style); control characters are dropped. */
static void decode_message(const char *value, char *out, size_t capacity) {
    size_t written = 0;
    for (size_t index = 0; value[index] != 0 && written + 1 < capacity; index++) {
        unsigned char byte = (unsigned char)value[index];
        if (byte == '%' && value[index + 1] != 0 && value[index + 2] != 0) {
            char hex[3] = {value[index + 1], value[index + 2], 0};
            char *end = NULL;
            long decoded = strtol(hex, &end, 16);
            if (end == hex + 2) {
                byte = (unsigned char)decoded;
                index += 2;
            }
        }
        if (byte >= 0x20 && byte != 0x7f) out[written++] = (char)byte;
    }
    out[written] = 0;
}

/* Header lines and, after the body, the trailers: both come through here with HTTP/2. */
static size_t on_header(char *line, size_t size, size_t count, void *user) {
    struct call *call = user;
    size_t length = size * count;
    char text[512];
    size_t kept = length < sizeof text - 1 ? length : sizeof text - 1;
    memcpy(text, line, kept);
    text[kept] = 0;
    while (kept > 0 && (text[kept - 1] == '\r' || text[kept - 1] == '\n')) text[--kept] = 0;
    char *colon = strchr(text, ':');
    if (colon == NULL) return length;
    *colon = 0;
    char *value = colon + 1;
    while (*value == ' ' || *value == '\t') value++;
    if (strcasecmp(text, "content-type") == 0) {
        call->is_grpc = strncasecmp(value, "application/grpc", 16) == 0 && (value[16] == 0 || value[16] == '+' || value[16] == ';');
    } else if (strcasecmp(text, "grpc-status") == 0) {
        /* 0 to 16 in decimal; anything else is UNKNOWN (2), as the protocol says. */
        char *end = NULL;
        long status = strtol(value, &end, 10);
        call->has_status = 1;
        call->status = (end != value && *end == 0 && status >= 0 && status <= 16) ? (int)status : 2;
    } else if (strcasecmp(text, "grpc-message") == 0) {
        decode_message(value, call->message, sizeof call->message);
    }
    return length;
}

static int32_t fail(int32_t code, char *error, size_t capacity, const char *message) {
    if (capacity > 0) snprintf(error, capacity, "%s", message);
    return code;
}

int32_t pbr_grpc_call(const char *base_url, const char *method, const uint8_t *body, size_t body_length,
                      pbr_grpc_source source, double deadline_seconds, size_t max_message, pbr_grpc_sink sink,
                      pbr_grpc_cancelled cancelled, void *context, char *error, size_t capacity) {
    if (capacity > 0) error[0] = 0;
    if (strncmp(base_url, "http://", 7) != 0) return fail(-1, error, capacity, "not an http:// address");
    if (method[0] != '/' || strchr(method + 1, '/') == NULL) return fail(-1, error, capacity, "not a /package.Service/Method path");
    if (sink == NULL || (body == NULL && source == NULL)) return fail(-1, error, capacity, "no request or no receiver");
    if (max_message == 0) max_message = DEFAULT_MAX_MESSAGE;
    if (max_message > MAX_MESSAGE_LIMIT) max_message = MAX_MESSAGE_LIMIT;
    CURLcode ready = pbr_curl_ready();
    if (ready != CURLE_OK) return fail(-1, error, capacity, curl_easy_strerror(ready));

    size_t url_length = strlen(base_url) + strlen(method) + 1;
    char *url = malloc(url_length);
    struct call call = {0};
    call.capacity = max_message + FRAME_HEADER;
    call.pending = malloc(call.capacity);
    /* A handle and a connection of its own: a pooled handle reusing an HTTP/2 prior-knowledge
     * connection failed with "Error in the HTTP2 framing layer" against BuildGrid (libcurl
     * 7.88.1); a new connection on loopback costs well under a millisecond. */
    CURL *handle = curl_easy_init();
    if (url == NULL || call.pending == NULL || handle == NULL) {
        free(url);
        free(call.pending);
        if (handle) curl_easy_cleanup(handle);
        return fail(-1, error, capacity, "out of memory");
    }
    call.max_message = max_message;
    call.sink = sink;
    call.cancelled = cancelled;
    call.context = context;
    call.source = source;
    /* A base ending in '/' would make "//": the method path starts with its own slash. */
    size_t base = strlen(base_url);
    if (base > 0 && base_url[base - 1] == '/') base--;
    snprintf(url, url_length, "%.*s%s", (int)base, base_url, method);

    /* A deadline already past (or not a number) ends the call at once; past a week it is a week. */
    long deadline = deadline_seconds >= 1e-3 ? (deadline_seconds < 86400.0 * 7 ? (long)(deadline_seconds * 1000) : 86400L * 7 * 1000) : 1;
    char timeout_header[48];
    /* The server learns the deadline too (grpc-timeout, in milliseconds) and stops working past it. */
    snprintf(timeout_header, sizeof timeout_header, "grpc-timeout: %ldm", deadline);
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/grpc");
    headers = curl_slist_append(headers, "TE: trailers");
    headers = curl_slist_append(headers, timeout_header);
    headers = curl_slist_append(headers, "Expect:");

    char reason[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(handle, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http");
#else
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
    curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, deadline);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, deadline);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    if (body != NULL) {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    } else {
        /* Length unknown: HTTP/2 sends DATA frames until the source says it is done. */
        curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_upload);
        curl_easy_setopt(handle, CURLOPT_READDATA, &call);
    }
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &call);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);

    CURLcode code;
    long status;
    long budget = deadline; /* what is left of the deadline for this attempt, in ms */
    for (int attempt = 1;; attempt++) {
        code = curl_easy_perform(handle);
        status = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t spent = 0;
        curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME_T, &spent);
        long left = budget - (long)(spent / 1000);
        /* A server that answers before it has read the request (grpc-python, for an unknown method
         * or a message refused at once) may send its trailers and RST_STREAM together; libcurl 7.88
         * then now and then fails the stream without handing over the headers that did arrive
         * (about 1 call in 50 under load; the next try of the same call fails more often than
         * that). Nothing was answered, so a request held in memory is sent again, up to four
         * times, on a new connection, within what is left of the deadline: no call of 4 320 from
         * six threads was lost so, where three tries lost about 1 in 2 000. */
        /* A moment first (20 ms, doubling): a try at once tends to meet the same timing. */
        long pause = 20L << (attempt - 1);
        if (attempt < 5 && body != NULL && code == CURLE_HTTP2_STREAM && status == 0 && call.delivered == 0 &&
            !call.was_cancelled && left > pause) {
            memset(&call.too_large, 0, sizeof call - offsetof(struct call, too_large));
            call.length = 0;
            usleep((useconds_t)pause * 1000);
            budget = left - pause;
            curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, budget);
            curl_easy_setopt(handle, CURLOPT_FRESH_CONNECT, 1L);
            continue;
        }
        break;
    }
    curl_easy_cleanup(handle);
    curl_slist_free_all(headers);
    free(url);
    free(call.pending);

    if (!call.is_grpc && status > 0) {
        char message[96];
        snprintf(message, sizeof message, "not a gRPC answer (HTTP %ld)", status);
        return fail(-4, error, capacity, message);
    }
    if (call.was_cancelled) return fail(-5, error, capacity, "cancelled");
    if (call.stopped) return fail(-3, error, capacity, "stopped by the receiver");
    if (call.too_large) return fail(-6, error, capacity, "a message in the answer is larger than allowed");
    if (call.compressed) return fail(-4, error, capacity, "a compressed message (none was offered)");
    if (call.source_failed) return fail(-1, error, capacity, "the request body could not be read");
    if (code == CURLE_OPERATION_TIMEDOUT) return fail(-2, error, capacity, "no complete answer before the deadline");
    if (code != CURLE_OK) return fail(-1, error, capacity, reason[0] ? reason : curl_easy_strerror(code));
    if (status != 200 || !call.is_grpc || !call.has_status) {
        char message[96];
        snprintf(message, sizeof message, "not a gRPC answer (HTTP %ld%s)", status, call.has_status ? "" : ", no grpc-status");
        return fail(-4, error, capacity, message);
    }
    if (call.status != 0) return fail(call.status, error, capacity, call.message[0] ? call.message : "the call failed");
    if (call.length != 0) return fail(-4, error, capacity, "the answer ends inside a message");
    return 0;
}

/* pbr_grpc_unary's receiver: keeps the first message, refuses a second. */
struct single {
    uint8_t *message;
    size_t length;
    int count;
};

static int32_t keep_one(void *context, const uint8_t *message, size_t length) {
    struct single *single = context;
    if (++single->count > 1) return 1;
    single->message = malloc(length > 0 ? length : 1);
    if (single->message == NULL) return 1;
    memcpy(single->message, message, length);
    single->length = length;
    return 0;
}

int32_t pbr_grpc_unary(const char *base_url, const char *method, const uint8_t *request, size_t request_length,
                       double deadline_seconds, size_t max_response, uint8_t **response, size_t *response_length,
                       char *error, size_t capacity) {
    *response = NULL;
    *response_length = 0;
    if (request_length > 0xffffffffu) return fail(-1, error, capacity, "request too large");
    uint8_t *frame = malloc(request_length + FRAME_HEADER);
    if (frame == NULL) return fail(-1, error, capacity, "out of memory");
    frame[0] = 0; /* not compressed */
    frame[1] = (uint8_t)(request_length >> 24);
    frame[2] = (uint8_t)(request_length >> 16);
    frame[3] = (uint8_t)(request_length >> 8);
    frame[4] = (uint8_t)request_length;
    if (request_length > 0) memcpy(frame + FRAME_HEADER, request, request_length);
    struct single single = {0};
    int32_t result = pbr_grpc_call(base_url, method, frame, request_length + FRAME_HEADER, NULL, deadline_seconds,
                                   max_response, keep_one, NULL, &single, error, capacity);
    free(frame);
    if (result == -3 || (result == 0 && single.count != 1)) {
        result = fail(-4, error, capacity, single.count == 0 ? "no message in the answer" : "the answer is not exactly one message");
    }
    if (result == 0) {
        *response = single.message;
        *response_length = single.length;
    } else {
        free(single.message);
    }
    return result;
}

void pbr_free(void *pointer) { free(pointer); }
