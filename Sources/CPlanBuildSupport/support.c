#define _GNU_SOURCE
#include "planbuild_support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int pbs_spawn(const char *const argv[], const char *const envp[], const char *cwd,
              int output_fd, pid_t *pid_out) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) { posix_spawn_file_actions_destroy(&actions); return rc; }

    // stdin from /dev/null: a build must never wait on the caller's terminal.
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
    if (rc == 0 && cwd != NULL && cwd[0] != '\0') rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);

    // A group of its own lets a timeout or cancellation end the whole tree with one kill().
    sigset_t defaults, empty;
    sigfillset(&defaults);
    sigemptyset(&empty);
    if (rc == 0) rc = posix_spawnattr_setpgroup(&attributes, 0);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &defaults);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes,
        POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    if (rc == 0) {
        pid_t pid = 0;
        rc = posix_spawnp(&pid, argv[0], &actions, &attributes,
                          (char *const *)argv, (char *const *)envp);
        if (rc == 0) *pid_out = pid;
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

static long monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int exited_without_reaping(pid_t pid) {
    siginfo_t info;
    info.si_pid = 0;
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        return errno == ECHILD ? 1 : 0;
    }
    return info.si_pid == pid;
}

int pbs_wait_exit(pid_t pid, int cancel_fd, int timeout_ms) {
    long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    int pidfd = -1;
#endif
    int result = PBS_WAIT_FAILED;
    for (;;) {
        if (exited_without_reaping(pid)) { result = PBS_WAIT_EXITED; break; }
        long remaining = deadline < 0 ? -1 : deadline - monotonic_ms();
        if (deadline >= 0 && remaining <= 0) { result = PBS_WAIT_TIMED_OUT; break; }

        struct pollfd fds[2];
        int count = 0;
        if (pidfd >= 0) { fds[count].fd = pidfd; fds[count].events = POLLIN; fds[count].revents = 0; count++; }
        int cancel_index = -1;
        if (cancel_fd >= 0) {
            cancel_index = count;
            fds[count].fd = cancel_fd; fds[count].events = POLLIN; fds[count].revents = 0; count++;
        }
        // Without a pidfd (old kernels) fall back to polling the child every 5 ms.
        int slice = pidfd >= 0 ? (remaining < 0 || remaining > 1000 ? 1000 : (int)remaining)
                               : (remaining < 0 || remaining > 5 ? 5 : (int)remaining);
        int ready = poll(fds, (nfds_t)count, slice);
        if (ready < 0 && errno != EINTR) { result = PBS_WAIT_FAILED; break; }
        if (cancel_index >= 0 && ready > 0 && (fds[cancel_index].revents & (POLLIN | POLLHUP))) {
            result = PBS_WAIT_CANCELLED;
            break;
        }
    }
    if (pidfd >= 0) close(pidfd);
    return result;
}

int pbs_reap(pid_t pid) {
    int status = 0;
    pid_t got;
    do { got = waitpid(pid, &status, 0); } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

int pbs_signal_group(pid_t pgid, int signal) {
    if (pgid <= 1) return EINVAL; // never signal "every process" or init's group by accident
    return kill(-pgid, signal) == 0 ? 0 : errno;
}

int pbs_make_wakeup_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : errno;
}

int pbs_lock_exclusive(int fd) {
    int rc;
    do { rc = flock(fd, LOCK_EX); } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : errno;
}

int pbs_unlock(int fd) {
    return flock(fd, LOCK_UN) == 0 ? 0 : errno;
}

const void *pbs_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
