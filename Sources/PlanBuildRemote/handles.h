/* Inside the remote plugin only: libcurl's one-time start, which the HTTP requests (request.c)
 * and the gRPC calls (grpc.c) share, and the pool of idle easy handles the HTTP requests keep
 * so a request reuses a connection a previous one opened. */
#ifndef PLANBUILD_REMOTE_HANDLES_H
#define PLANBUILD_REMOTE_HANDLES_H

#include <curl/curl.h>

#define PBR_HIDDEN __attribute__((visibility("hidden")))

/* CURLE_OK once curl_global_init has run (once per process), else its failure. */
PBR_HIDDEN CURLcode pbr_curl_ready(void);
/* A reset handle (its connections kept), or a new one; NULL when none can be made. */
PBR_HIDDEN CURL *pbr_take_handle(void);
/* Keeps the handle for the next transfer, or cleans it up when the pool is full. */
PBR_HIDDEN void pbr_give_back(CURL *handle);

#endif
