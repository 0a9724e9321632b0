/* pbr_grpc_unary (planbuild_remote.h): one unary gRPC call on libcurl.
 *
 * Why libcurl and not grpc-swift: the remote plugin links libcurl already, Debian's is built with
 * nghttp2, and gRPC is HTTP/2 with a small framing (a flag byte and a big-endian length before
 * each message, the status in the trailers). grpc-swift-2 with its NIO transport took 348 s of
 * wall time to build here, more than the test run's whole margin. */
#include "planbuild_remote.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* gRPC's own bound on a message unless both sides agree otherwise (4 MiB); a caller may ask less. */
#define DEFAULT_MAX_RESPONSE (4u << 20)

static pthread_once_t initialised = PTHREAD_ONCE_INIT;
static CURLcode initialisation = CURLE_FAILED_INIT;

static void initialise(void) { initialisation = curl_global_init(CURL_GLOBAL_DEFAULT); }

struct call {
    uint8_t *body;
    size_t length;
    size_t limit; /* frame header + the largest message taken */
    int cut;
    int is_grpc;  /* content-type application/grpc (or application/grpc+proto) */
    int has_status;
    int status;
    char message[256];
};

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    struct call *call = user;
    size_t length = size * count;
    if (length > call->limit - call->length) {
        call->cut = 1;
        return 0; /* any count other than `length` stops the transfer */
    }
    if (call->body == NULL) {
        call->body = malloc(call->limit);
        if (call->body == NULL) return 0;
    }
    memcpy(call->body + call->length, data, length);
    call->length += length;
    return length;
}

/* Header lines and, after the body, the trailers: both come through here with HTTP/2. */
static size_t on_header(char *line, size_t size, size_t count, void *user) {
    struct call *call = user;
    size_t length = size * count;
    char text[320];
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
        snprintf(call->message, sizeof call->message, "%s", value);
    }
    return length;
}

static int32_t fail(int32_t code, char *error, size_t capacity, const char *message) {
    if (capacity > 0) snprintf(error, capacity, "%s", message);
    return code;
}

int32_t pbr_grpc_unary(const char *base_url, const char *method, const uint8_t *request, size_t request_length,
                       double deadline_seconds, size_t max_response, uint8_t **response, size_t *response_length,
                       char *error, size_t capacity) {
    *response = NULL;
    *response_length = 0;
    if (capacity > 0) error[0] = 0;
    if (strncmp(base_url, "http://", 7) != 0) return fail(-1, error, capacity, "not an http:// address");
    if (method[0] != '/' || strchr(method + 1, '/') == NULL) return fail(-1, error, capacity, "not a /package.Service/Method path");
    if (request_length > 0xffffffffu) return fail(-1, error, capacity, "request too large");
    if (max_response == 0 || max_response > DEFAULT_MAX_RESPONSE) max_response = DEFAULT_MAX_RESPONSE;
    pthread_once(&initialised, initialise);
    if (initialisation != CURLE_OK) return fail(-1, error, capacity, curl_easy_strerror(initialisation));

    size_t url_length = strlen(base_url) + strlen(method) + 1;
    char *url = malloc(url_length);
    uint8_t *frame = malloc(request_length + 5);
    CURL *handle = curl_easy_init();
    if (url == NULL || frame == NULL || handle == NULL) {
        free(url);
        free(frame);
        if (handle) curl_easy_cleanup(handle);
        return fail(-1, error, capacity, "out of memory");
    }
    /* A base ending in '/' would make "//": the method path starts with its own slash. */
    size_t base = strlen(base_url);
    if (base > 0 && base_url[base - 1] == '/') base--;
    snprintf(url, url_length, "%.*s%s", (int)base, base_url, method);
    frame[0] = 0; /* not compressed */
    frame[1] = (uint8_t)(request_length >> 24);
    frame[2] = (uint8_t)(request_length >> 16);
    frame[3] = (uint8_t)(request_length >> 8);
    frame[4] = (uint8_t)request_length;
    if (request_length > 0) memcpy(frame + 5, request, request_length);

    long deadline = deadline_seconds > 0 && deadline_seconds < 86400 ? (long)(deadline_seconds * 1000) : 5000;
    if (deadline < 1) deadline = 1;
    char timeout_header[48];
    /* The server learns the deadline too (grpc-timeout, in milliseconds) and stops working past it. */
    snprintf(timeout_header, sizeof timeout_header, "grpc-timeout: %ldm", deadline);
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/grpc");
    headers = curl_slist_append(headers, "TE: trailers");
    headers = curl_slist_append(headers, timeout_header);
    headers = curl_slist_append(headers, "Expect:");

    struct call call = {0};
    call.limit = max_response + 5;
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
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, frame);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(request_length + 5));
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &call);

    CURLcode code = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(handle);
    curl_slist_free_all(headers);
    free(frame);
    free(url);

    int32_t result;
    if (code == CURLE_OPERATION_TIMEDOUT) {
        result = fail(-2, error, capacity, "no complete answer before the deadline");
    } else if (call.cut) {
        result = fail(-4, error, capacity, "the answer is larger than allowed");
    } else if (code != CURLE_OK) {
        result = fail(-1, error, capacity, reason[0] ? reason : curl_easy_strerror(code));
    } else if (status != 200 || !call.is_grpc || !call.has_status) {
        char message[96];
        snprintf(message, sizeof message, "not a gRPC answer (HTTP %ld%s)", status,
                 call.has_status ? "" : ", no grpc-status");
        result = fail(-4, error, capacity, message);
    } else if (call.status != 0) {
        result = fail(call.status, error, capacity, call.message[0] ? call.message : "the call failed");
    } else if (call.length < 5 || call.body[0] != 0) {
        result = fail(-4, error, capacity, call.length < 5 ? "no message in the answer" : "a compressed message (none was offered)");
    } else {
        size_t length = ((size_t)call.body[1] << 24) | ((size_t)call.body[2] << 16) | ((size_t)call.body[3] << 8) | call.body[4];
        if (length != call.length - 5) {
            result = fail(-4, error, capacity, "the answer is not exactly one message");
        } else {
            /* The message moves to the front; the caller frees it with pbr_free. */
            memmove(call.body, call.body + 5, length);
            *response = call.body;
            *response_length = length;
            call.body = NULL;
            result = 0;
        }
    }
    free(call.body);
    return result;
}

void pbr_free(void *pointer) { free(pointer); }
