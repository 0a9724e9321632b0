#define _GNU_SOURCE
#include "planbuild_support.h"
#include "planbuild_image.h"
#include "spawn_group.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/file.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// stdin from /dev/null (a build must never wait on the caller's terminal), stdout and stderr on
// `output_fd`, the `count` descriptors of `extra` as 3, 4, …, and the working directory `cwd`.
// Returns 0 or an errno value; the caller destroys `actions` after the spawn.
static int build_file_actions(posix_spawn_file_actions_t *actions, int output_fd, const int *extra, int count,
                              const char *cwd) {
    int rc = posix_spawn_file_actions_init(actions);
    if (rc != 0) return rc;
    rc = posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(actions, output_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(actions, output_fd, 2);
    for (int i = 0; rc == 0 && i < count; i++) rc = posix_spawn_file_actions_adddup2(actions, extra[i], 3 + i);
    if (rc == 0 && cwd != NULL && cwd[0] != '\0') rc = posix_spawn_file_actions_addchdir_np(actions, cwd);
    if (rc != 0) posix_spawn_file_actions_destroy(actions);
    return rc;
}

int pbs_spawn(const char *const argv[], const char *const envp[], const char *cwd,
              int output_fd, pid_t *pid_out) {
    posix_spawn_file_actions_t actions;
    int rc = build_file_actions(&actions, output_fd, NULL, 0, cwd);
    if (rc != 0) return rc;
    // A group of its own lets a timeout or cancellation end the whole tree with one kill().
    pid_t pid = 0;
    rc = pbs_spawn_group_leader(&pid, argv[0], 1, &actions, (char *const *)argv, (char *const *)envp);
    if (rc == 0) *pid_out = pid;
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
    if (WIFSIGNALED(status)) return 256 + WTERMSIG(status);
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

// ---- Builds under planbuild-supervisor (see Sources/PlanBuildSupervisor/main.c) ----

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static char supervisor_path[PATH_MAX];
static int supervisor_found = 0;

static void find_supervisor(void) {
    supervisor_found = pbs_find_beside("planbuild-supervisor", "PLANBUILD_SUPERVISOR", X_OK,
                                       supervisor_path, sizeof supervisor_path) == 0;
}

const char *pbs_supervisor_path(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT; // builds start on many threads at once
    pthread_once(&once, find_supervisor);
    return supervisor_found ? supervisor_path : NULL;
}

// Moves fd to a number >= 5 (close-on-exec), so the dup2 to 3 and 4 in the child never collide.
static int lifted(int fd) {
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 5);
    close(fd);
    return moved;
}

// Reads the next "K value\n" line of the supervisor; 1 when one was read, 0 at end of file or error.
static int read_line(pbs_supervised *build, char *kind, long *value) {
    for (;;) {
        char *newline = memchr(build->buffer, '\n', (size_t)build->buffered);
        if (newline != NULL) {
            *newline = '\0';
            int parsed = sscanf(build->buffer, "%c %ld", kind, value) == 2;
            int used = (int)(newline - build->buffer) + 1;
            memmove(build->buffer, build->buffer + used, (size_t)(build->buffered - used));
            build->buffered -= used;
            if (parsed) return 1;
            continue;
        }
        if (build->buffered >= (int)sizeof build->buffer - 1) build->buffered = 0;
        ssize_t got = read(build->status_fd, build->buffer + build->buffered,
                           sizeof build->buffer - 1 - (size_t)build->buffered);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && errno == EAGAIN) {
            struct pollfd wait_fd = {build->status_fd, POLLIN, 0};
            poll(&wait_fd, 1, -1);
            continue;
        }
        if (got <= 0) return 0;
        build->buffered += (int)got;
    }
}

int pbs_supervise(const char *supervisor, const char *const argv[], const char *const envp[], const char *cwd,
                  int output_fd, int grace_ms, int file_mask, pbs_supervised *build) {
    memset(build, 0, sizeof *build);
    build->status_fd = build->control_fd = -1;
    int status_pipe[2], control_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) return errno;
    if (pipe2(control_pipe, O_CLOEXEC) != 0) { int e = errno; close(status_pipe[0]); close(status_pipe[1]); return e; }
    int child_status = lifted(status_pipe[1]);
    int child_control = lifted(control_pipe[0]);

    size_t count = 0;
    while (argv[count] != NULL) count++;
    const char **arguments = calloc(count + 3, sizeof *arguments);
    char grace[40];
    if (file_mask >= 0 && file_mask <= 0777) snprintf(grace, sizeof grace, "%d:%03o", grace_ms < 0 ? 0 : grace_ms, file_mask);
    else snprintf(grace, sizeof grace, "%d", grace_ms < 0 ? 0 : grace_ms);
    int rc = arguments == NULL ? ENOMEM : 0;
    if (rc == 0) {
        arguments[0] = supervisor;
        arguments[1] = grace;
        for (size_t i = 0; i < count; i++) arguments[i + 2] = argv[i];
    }

    if (rc == 0) {
        posix_spawn_file_actions_t actions;
        const int extra[2] = {child_status, child_control};
        rc = build_file_actions(&actions, output_fd, extra, 2, cwd);
        // Its own process group: a terminal's Ctrl-C goes to the runner, which decides.
        if (rc == 0) {
            rc = pbs_spawn_group_leader(&build->supervisor_pid, supervisor, 0, &actions,
                                        (char *const *)arguments, (char *const *)envp);
            posix_spawn_file_actions_destroy(&actions);
        }
    }
    free(arguments);
    close(child_status);
    close(child_control);
    build->status_fd = status_pipe[0];
    build->control_fd = control_pipe[1];
    if (rc != 0) {
        pbs_supervised_close(build);
        return rc;
    }
    char kind = 0;
    long value = 0;
    if (!read_line(build, &kind, &value) || (kind != 'S' && kind != 'E')) {
        pbs_supervised_close(build);
        return EIO;
    }
    if (kind == 'E') {
        pbs_supervised_close(build);
        return value > 0 ? (int)value : ENOENT;
    }
    build->build_pid = (pid_t)value;
    return 0;
}

int pbs_supervised_wait(pbs_supervised *build, int cancel_fd, int timeout_ms, int *code) {
    long deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    for (;;) {
        char kind = 0;
        long value = 0;
        if (build->buffered > 0 && memchr(build->buffer, '\n', (size_t)build->buffered) != NULL) {
            if (read_line(build, &kind, &value) && kind == 'X') { *code = (int)value; return PBS_WAIT_EXITED; }
            continue;
        }
        long remaining = deadline < 0 ? -1 : deadline - monotonic_ms();
        if (deadline >= 0 && remaining <= 0) return PBS_WAIT_TIMED_OUT;
        struct pollfd fds[2] = {{build->status_fd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
        int ready = poll(fds, cancel_fd >= 0 ? 2 : 1, remaining < 0 || remaining > 1000 ? 1000 : (int)remaining);
        if (ready < 0 && errno != EINTR) return PBS_WAIT_FAILED;
        if (cancel_fd >= 0 && ready > 0 && (fds[1].revents & (POLLIN | POLLHUP))) return PBS_WAIT_CANCELLED;
        if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (!read_line(build, &kind, &value)) { *code = -1; return PBS_WAIT_EXITED; } // supervisor died
            if (kind == 'X') { *code = (int)value; return PBS_WAIT_EXITED; }
        }
    }
}

int pbs_supervised_stop(pbs_supervised *build) {
    if (build->control_fd >= 0) {
        char byte = 'T';
        ssize_t written;
        do { written = write(build->control_fd, &byte, 1); } while (written < 0 && errno == EINTR);
    }
    char kind = 0;
    long value = 0;
    while (read_line(build, &kind, &value)) {
        if (kind == 'X') return (int)value;
    }
    return -1;
}

void pbs_supervised_close(pbs_supervised *build) {
    if (build->control_fd >= 0) close(build->control_fd);
    if (build->status_fd >= 0) close(build->status_fd);
    build->control_fd = build->status_fd = -1;
    if (build->supervisor_pid > 0) {
        // The supervisor has written its last line and exits now. A host that ignores SIGCHLD has
        // it reaped already: waitpid then answers ECHILD, which is fine.
        pid_t got;
        do { got = waitpid(build->supervisor_pid, NULL, 0); } while (got < 0 && errno == EINTR);
        build->supervisor_pid = 0;
    }
}

long pbs_read_directory(int fd, void *buffer, size_t capacity) {
    // The system call itself: glibc's getdents64() wrapper needs 2.30, musl spells it getdents.
    return syscall(SYS_getdents64, fd, buffer, capacity);
}

// ---- Folder events -------------------------------------------------------------------------------

#ifdef __linux__
#define PBS_WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO \
                        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

int pbs_watch_open(void) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int pbs_watch_folder(int watch_fd, int folder_fd) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", folder_fd);
    int watch = inotify_add_watch(watch_fd, path, PBS_WATCH_MASK);
    return watch >= 0 ? watch : -errno;
}

void pbs_watch_remove(int watch_fd, int watch) { (void)inotify_rm_watch(watch_fd, watch); }

long pbs_watch_read(int watch_fd, void *buffer, size_t capacity, int timeout_ms) {
    struct pollfd ready = {.fd = watch_fd, .events = POLLIN};
    int polled;
    do { polled = poll(&ready, 1, timeout_ms); } while (polled < 0 && errno == EINTR);
    if (polled < 0) return -errno;
    if (polled == 0) return 0;
    ssize_t count;
    do { count = read(watch_fd, buffer, capacity); } while (count < 0 && errno == EINTR);
    if (count < 0) return errno == EAGAIN ? 0 : -errno;
    return (long)count;
}

int pbs_watch_kind(unsigned mask) {
    int kind = 0;
    if (mask & (IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)) kind |= PBS_WATCH_CHANGED_ENTRY;
    if (mask & (IN_MOVED_FROM | IN_MOVED_TO)) kind |= PBS_WATCH_MOVED_ENTRY;
    if (mask & (IN_DELETE_SELF | IN_MOVE_SELF)) kind |= PBS_WATCH_FOLDER_GONE;
    if (mask & (IN_IGNORED | IN_UNMOUNT)) kind |= PBS_WATCH_DROPPED;
    if (mask & IN_Q_OVERFLOW) kind |= PBS_WATCH_OVERFLOW;
    if (mask & IN_ISDIR) kind |= PBS_WATCH_IS_FOLDER;
    return kind;
}
#else
int pbs_watch_open(void) { return -ENOSYS; }
int pbs_watch_folder(int watch_fd, int folder_fd) { (void)watch_fd; (void)folder_fd; return -ENOSYS; }
void pbs_watch_remove(int watch_fd, int watch) { (void)watch_fd; (void)watch; }
long pbs_watch_read(int watch_fd, void *buffer, size_t capacity, int timeout_ms) {
    (void)watch_fd; (void)buffer; (void)capacity; (void)timeout_ms; return -ENOSYS;
}
int pbs_watch_kind(unsigned mask) { (void)mask; return 0; }
#endif
