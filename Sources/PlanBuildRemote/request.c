/* pbr_request (planbuild_remote.h) on libcurl.
 *
 * Why libcurl itself and not URLSession (FoundationNetworking, which runs on libcurl too): its
 * body callback runs on the calling thread and its result cuts the transfer at once, so a body
 * past its limit costs at most one buffer; URLSession hands bodies to its delegate on another
 * queue without back-pressure (a flood is queued in memory before a cancel lands) and keeps the
 * whole body of a redirect in memory. libcurl also has the one deadline per transfer
 * (CURLOPT_TIMEOUT_MS), follows no redirect unless told to, and streams the upload from its file. */
#include "planbuild_remote.h"
#include "handles.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A body nobody asked for is read this far (keeping the connection for the next request), then cut. */
#define DROPPED_BODY_LIMIT (64 << 10)
struct exchange {
    CURL *handle;
    pbr_sink sink;
    void *context;
    int is_get;
    int upload;
    int64_t received;
    size_t dropped;
    int stopped; /* the sink asked to stop */
    int cut;     /* a body nobody asked for was too long */
};

static size_t on_body(char *data, size_t size, size_t count, void *user) {
    struct exchange *exchange = user;
    size_t length = size * count;
    long status = 0;
    curl_easy_getinfo(exchange->handle, CURLINFO_RESPONSE_CODE, &status);
    if (exchange->is_get && status == 200 && exchange->sink) {
        if (exchange->sink(exchange->context, data, (intptr_t)length) != 0) {
            exchange->stopped = 1;
            return length == 0 ? 1 : 0; /* any other count than `length` makes libcurl stop */
        }
        exchange->received += (int64_t)length;
        return length;
    }
    exchange->dropped += length;
    if (exchange->dropped > DROPPED_BODY_LIMIT) {
        exchange->cut = 1;
        return 0;
    }
    return length;
}

static size_t on_upload(char *buffer, size_t size, size_t count, void *user) {
    int descriptor = *(int *)user;
    ssize_t got;
    do {
        got = read(descriptor, buffer, size * count);
    } while (got < 0 && errno == EINTR);
    return got < 0 ? CURL_READFUNC_ABORT : (size_t)got;
}

static int32_t fail(int32_t code, char *error, size_t capacity, const char *message) {
    if (capacity > 0) snprintf(error, capacity, "%s", message);
    return code;
}

int32_t pbr_request(const char *method, const char *url, const char *token, double deadline_seconds,
                    const char *upload_path, pbr_sink sink, void *context, int64_t *bytes,
                    char *error, size_t capacity) {
    *bytes = 0;
    if (capacity > 0) error[0] = 0;
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        return fail(-1, error, capacity, "not an http(s) URL");
    }
    CURLcode ready = pbr_curl_ready();
    if (ready != CURLE_OK) return fail(-1, error, capacity, curl_easy_strerror(ready));

    int descriptor = -1;
    struct stat info = {0};
    if (upload_path) {
        descriptor = open(upload_path, O_RDONLY | O_CLOEXEC);
        if (descriptor < 0 || fstat(descriptor, &info) != 0 || !S_ISREG(info.st_mode)) {
            if (descriptor >= 0) close(descriptor);
            return fail(-1, error, capacity, "cannot read the file to upload");
        }
    }
    CURL *handle = pbr_take_handle();
    if (!handle) {
        if (descriptor >= 0) close(descriptor);
        return fail(-1, error, capacity, "cannot start a transfer");
    }
    long deadline = deadline_seconds > 0 && deadline_seconds < 86400 ? (long)(deadline_seconds * 1000) : 5000;
    if (deadline < 1) deadline = 1;
    struct exchange exchange = {handle, sink, context, strcmp(method, "GET") == 0, upload_path != NULL, 0, 0, 0, 0};
    char reason[CURL_ERROR_SIZE] = {0};

    struct curl_slist *headers = NULL;
    char *authorization = NULL;
    if (token) {
        size_t length = strlen(token) + sizeof("Authorization: Bearer ");
        authorization = malloc(length);
        if (authorization) {
            snprintf(authorization, length, "Authorization: Bearer %s", token);
            headers = curl_slist_append(headers, authorization);
        }
    }
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip before a PUT */
    if (upload_path) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");

    curl_easy_setopt(handle, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, deadline);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, deadline);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &exchange);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (upload_path) {
        curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_upload);
        curl_easy_setopt(handle, CURLOPT_READDATA, &descriptor);
        curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)info.st_size);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method);
    }

    CURLcode code = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    if (authorization) {
        memset(authorization, 0, strlen(authorization));
        free(authorization);
    }
    if (descriptor >= 0) close(descriptor);
    pbr_give_back(handle);

    if (exchange.stopped) return fail(-3, error, capacity, "stopped by the receiver");
    if (code == CURLE_OPERATION_TIMEDOUT) {
        char message[96];
        snprintf(message, sizeof message, "no complete answer within %g s", (double)deadline / 1000);
        return fail(-2, error, capacity, message);
    }
    if (code != CURLE_OK && !(exchange.cut && status > 0)) {
        return fail(-1, error, capacity, reason[0] ? reason : curl_easy_strerror(code));
    }
    if (status <= 0 || status > 999) return fail(-1, error, capacity, "no HTTP answer");
    *bytes = upload_path ? (int64_t)info.st_size : exchange.received;
    return (int32_t)status;
}
