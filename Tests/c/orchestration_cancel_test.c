/* Cancels an orchestrated run from C: pb_run on one thread, pb_cancel from another once builds
 * are running. Usage: orchestration_cancel_test PROJECT_DIR. Prints the reply on stdout; exits 0
 * when the reply came back with every build cancelled. */
#include "planbuild.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_llong run_handle = 0;
static atomic_int builds_started = 0;

static void on_progress(const char *event, void *context) {
    (void)context;
    const char *handle = strstr(event, "\"handle\":");
    if (handle) atomic_store(&run_handle, atoll(handle + 9));
    if (strstr(event, "\"event\":\"build_started\"")) atomic_fetch_add(&builds_started, 1);
}

struct run { const char *request; char *reply; };

static void *run_thread(void *argument) {
    struct run *run = argument;
    run->reply = pb_run(run->request, on_progress, NULL);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2 || pb_abi_version() != PB_ABI_VERSION) return 2;
    char request[4096];
    snprintf(request, sizeof request, "{\"project_dir\":\"%s\",\"command\":\"verify\",\"jobs\":2}", argv[1]);
    struct run run = { request, NULL };
    pthread_t thread;
    if (pthread_create(&thread, NULL, run_thread, &run) != 0) return 2;
    for (int i = 0; i < 1000 && (atomic_load(&builds_started) < 2 || atomic_load(&run_handle) == 0); i++) usleep(10000);
    usleep(300000); /* let the builds start their grandchildren */
    int found = pb_cancel(atomic_load(&run_handle));
    pthread_join(thread, NULL);
    int ok = found == 1 && run.reply != NULL && strstr(run.reply, "\"cancelled\":4") != NULL;
    printf("%s\n", run.reply ? run.reply : "(null)");
    printf("pb_cancel returned %d; unknown handle gives %d\n", found, pb_cancel(987654321));
    pb_free(run.reply);
    return ok ? 0 : 1;
}
