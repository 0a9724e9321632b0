#define _GNU_SOURCE
#include "planbuild_server_support.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int pbsv_peer_credentials(int fd, uid_t *uid, pid_t *pid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return errno;
    if (length != sizeof credentials) return EPROTO;
    *uid = credentials.uid;
    *pid = credentials.pid;
    return 0;
}

int pbsv_accept(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

int pbsv_spawn_detached(const char *const argv[], const char *const envp[], int log_fd, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) { posix_spawn_file_actions_destroy(&actions); return rc; }
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    sigset_t defaults, empty;
    sigfillset(&defaults);
    sigemptyset(&empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &defaults);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc == 0) {
        extern char **environ;
        rc = posix_spawn(pid, argv[0], &actions, &attributes, (char *const *)argv,
                         envp != NULL ? (char *const *)envp : environ);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

static int executable_beside(const char *file, const char *name, char *out, size_t size) {
    if (file == NULL || file[0] != '/') return 0;
    const char *slash = strrchr(file, '/');
    int written = snprintf(out, size, "%.*s/%s", (int)(slash - file), file, name);
    return written > 0 && (size_t)written < size && access(out, X_OK) == 0;
}

static char cli_path[PATH_MAX];
static int cli_found = 0;

static void find_cli(void) {
    const char *configured = getenv("PLANBUILD_CLI");
    if (configured != NULL && configured[0] != '\0') {
        cli_found = snprintf(cli_path, sizeof cli_path, "%s", configured) < (int)sizeof cli_path
            && access(cli_path, X_OK) == 0;
        return;
    }
    Dl_info info;
    if (dladdr((void *)&find_cli, &info) != 0)
        cli_found = executable_beside(info.dli_fname, "planbuild-cli", cli_path, sizeof cli_path);
    if (!cli_found) {
        char self[PATH_MAX];
        ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
        if (length > 0) {
            self[length] = '\0';
            cli_found = executable_beside(self, "planbuild-cli", cli_path, sizeof cli_path);
        }
    }
}

const char *pbsv_cli_path(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, find_cli);
    return cli_found ? cli_path : NULL;
}

void pbsv_close_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
#endif
    DIR *folder = opendir("/proc/self/fd");
    if (folder == NULL) return;
    int own = dirfd(folder);
    int found[1024];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL && count < 1024) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end == '\0' && fd >= lowest && fd != own) found[count++] = (int)fd;
    }
    closedir(folder);
    for (int i = 0; i < count; i++) close(found[i]);
}
