/* The shared libcurl state of the plugin (handles.h). */
#include "handles.h"

#include <pthread.h>

/* Idle handles kept for the next transfer: each keeps its connections open. */
#define POOL_SIZE 8

static pthread_once_t initialised = PTHREAD_ONCE_INIT;
static CURLcode initialisation = CURLE_FAILED_INIT;

static void initialise(void) { initialisation = curl_global_init(CURL_GLOBAL_DEFAULT); }

CURLcode pbr_curl_ready(void) {
    pthread_once(&initialised, initialise);
    return initialisation;
}

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static CURL *pool[POOL_SIZE];
static int pooled = 0;

CURL *pbr_take_handle(void) {
    CURL *handle = NULL;
    pthread_mutex_lock(&pool_lock);
    if (pooled > 0) handle = pool[--pooled];
    pthread_mutex_unlock(&pool_lock);
    if (handle) {
        curl_easy_reset(handle); /* options cleared, connections kept */
        return handle;
    }
    return curl_easy_init();
}

void pbr_give_back(CURL *handle) {
    pthread_mutex_lock(&pool_lock);
    if (pooled < POOL_SIZE) {
        pool[pooled++] = handle;
        handle = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
    if (handle) curl_easy_cleanup(handle);
}
