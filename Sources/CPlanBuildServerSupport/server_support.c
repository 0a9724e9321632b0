#define _GNU_SOURCE
#include "planbuild_server_support.h"
#include "../CPlanBuildSupport/spawn_group.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
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
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    if (rc == 0) {
        extern char **environ;
        rc = pbs_spawn_leader(pid, argv[0], 0, 1, &actions, (char *const *)argv,
                              envp != NULL ? (char *const *)envp : environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    return rc;
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
