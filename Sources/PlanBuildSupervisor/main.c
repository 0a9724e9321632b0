// planbuild-supervisor — runs one build and guarantees that none of its processes outlives it.
//
// Why a process of its own: the runner (the CLI, or a Python/C host of libplanbuild.so)
// may be threaded, may ignore SIGCHLD, and may be killed with SIGKILL. This small single-threaded
// program sits between the runner and the build:
//   - it is a child subreaper (PR_SET_CHILD_SUBREAPER): every orphaned descendant of the build,
//     including one that called setsid(), becomes its child, so it can find and end the whole tree;
//   - it reaps the build itself and reports the exit status through a pipe, so a host that
//     ignores SIGCHLD (its children auto-reaped) still learns the real status;
//   - it watches a control pipe from the runner: a byte means "stop the build" (timeout or
//     cancellation); end of file means the runner is gone (even by SIGKILL) — both end the tree.
// PR_SET_PDEATHSIG is not used for the runner: it fires when the *thread* that spawned us exits,
// which in a thread-pool host is not the runner going away; the pipe's end of file is exact.
//
// Usage (only libplanbuild starts it): planbuild-supervisor GRACE_MS[:UMASK] PROGRAM [ARG]…
//   fd 0 /dev/null, fds 1 and 2 the build's log, fd 3 the status pipe (write end), fd 4 the
//   control pipe (read end); the working directory and environment are the build's. UMASK (octal,
//   optional) is the build's file-creation mask: the build server runs each build with the mask of
//   the client that asked for it, and a mask is per process, so the supervisor sets it before the
//   build starts.
// Status lines written to fd 3: "S <pid>\n" once the build runs, or "E <errno>\n" when it could not
// be started; then "X <code>\n" when it has ended and the tree is down: the exit code (0-255), 256 +
// the signal that ended the build, or -1 when that is unknown. A signal is kept apart from every
// exit code: a shell's `exit 137` (its child's death by SIGKILL) is an exit code, not a SIGKILL.
//
// The rule for what is ended (docs/processes.md):
//   - timeout, cancellation, runner gone, SIGTERM to this supervisor: every descendant — the build's
//     process group and every process below this supervisor, setsid'ed or not — gets SIGTERM, then
//     SIGKILL after GRACE_MS;
//   - the build exits on its own: what is left in the build's process group gets SIGTERM, then
//     SIGKILL after GRACE_MS; a descendant that left the group on purpose (setsid/setpgid, as
//     Gradle's daemon does to serve later builds) is left alone.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// Shared with the library's own spawns (header-only: this static program links none of its code).
#include "../CPlanBuildSupport/spawn_group.h"

extern char **environ;

enum { STATUS_FD = 3, CONTROL_FD = 4 };

static pid_t build_pid = -1;
static int build_code = -1;   // decoded status once the build is reaped
static int build_reaped = 0;

static long monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void report(char kind, long value) {
    char line[32];
    int length = snprintf(line, sizeof line, "%c %ld\n", kind, value);
    ssize_t written;
    do { written = write(STATUS_FD, line, (size_t)length); } while (written < 0 && errno == EINTR);
}

// A signal is reported apart from every exit code (a shell's `exit 137` is not a SIGKILL).
static int decode(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 256 + WTERMSIG(status);
    return -1;
}

// Reaps every child that has ended (the build and adopted orphans); returns how many remain alive
// as children (0 when waitpid reports none at all).
static int reap_children(void) {
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == build_pid) { build_code = decode(status); build_reaped = 1; }
            continue;
        }
        if (pid == 0) return 1;
        if (errno == EINTR) continue;
        return 0; // ECHILD: no children left
    }
}

// Every process whose chain of parents leads to this supervisor. Orphans below us are re-parented
// to us (subreaper), so the chain never breaks while a descendant lives.
static int descendants(pid_t *out, int capacity) {
    enum { MAX = 65536 };
    static pid_t pids[MAX], parents[MAX];
    int count = 0;
    DIR *proc = opendir("/proc");
    if (proc == NULL) return 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL && count < MAX) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        char path[64], buffer[512];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ssize_t length = read(fd, buffer, sizeof buffer - 1);
        close(fd);
        if (length <= 0) continue;
        buffer[length] = '\0';
        char *close_paren = strrchr(buffer, ')'); // the command name may hold spaces and parentheses
        if (close_paren == NULL) continue;
        char state;
        long parent;
        if (sscanf(close_paren + 1, " %c %ld", &state, &parent) != 2) continue;
        pids[count] = (pid_t)pid;
        parents[count] = (pid_t)parent;
        count++;
    }
    closedir(proc);
    // Fixed point over the parent relation: cheap for the few hundred processes of a machine.
    int found = 0;
    pid_t self = getpid();
    int changed = 1;
    static unsigned char marked[MAX];
    memset(marked, 0, (size_t)count);
    while (changed) {
        changed = 0;
        for (int i = 0; i < count; i++) {
            if (marked[i]) continue;
            int below = parents[i] == self;
            for (int j = 0; !below && j < found; j++) below = parents[i] == out[j];
            if (below && found < capacity) { marked[i] = 1; out[found++] = pids[i]; changed = 1; }
        }
    }
    return found;
}

static int signal_tree(int signal) {
    static pid_t tree[65536];
    int count = descendants(tree, 65536);
    for (int i = 0; i < count; i++) kill(tree[i], signal);
    if (build_pid > 0) kill(-build_pid, signal); // group members that live outside our subtree
    return count;
}

static int group_alive(void) {
    return build_pid > 0 && kill(-build_pid, 0) == 0;
}

// Waits up to `ms` for `done()` to hold, reaping children meanwhile.
static void wait_until(int (*done)(void), long ms) {
    long deadline = monotonic_ms() + ms;
    while (!done() && monotonic_ms() < deadline) {
        reap_children();
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static int tree_gone(void) {
    pid_t one[1];
    reap_children();
    return descendants(one, 1) == 0 && !group_alive();
}

static int group_gone(void) {
    reap_children();
    return !group_alive();
}

// The build is known to have exited (not yet reaped when it still is our zombie): end what is left
// of its process group, then reap it. The group id cannot be reused while the leader is unreaped.
static void end_group_after_exit(long grace_ms) {
    if (group_alive()) {
        kill(-build_pid, SIGTERM);
        wait_until(group_gone, grace_ms);
        if (group_alive()) kill(-build_pid, SIGKILL);
    }
    while (!build_reaped && reap_children()) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void end_tree(long grace_ms) {
    signal_tree(SIGTERM);
    wait_until(tree_gone, grace_ms);
    // SIGKILL until nothing is left: a process may fork while we scan.
    for (int round = 0; round < 200 && !tree_gone(); round++) {
        signal_tree(SIGKILL);
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    reap_children();
}

static int build_exited_unreaped(void) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)build_pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD;
    return info.si_pid == build_pid;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: planbuild-supervisor GRACE_MS[:UMASK] PROGRAM [ARG]...\n");
        return 2;
    }
    char *rest = NULL;
    long grace_ms = strtol(argv[1], &rest, 10);
    if (grace_ms < 0) grace_ms = 0;
    if (rest != NULL && *rest == ':') {
        char *end = NULL;
        long mask = strtol(rest + 1, &end, 8);
        if (end != rest + 1 && *end == '\0' && mask >= 0 && mask <= 0777) umask((mode_t)mask);
    }
    // Neither pipe may reach the build: it would keep the runner's end of file from coming.
    fcntl(STATUS_FD, F_SETFD, FD_CLOEXEC);
    fcntl(CONTROL_FD, F_SETFD, FD_CLOEXEC);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    // Terminal signals are the runner's business (it cancels us through the control pipe);
    // SIGTERM ends the tree; SIGCHLD is taken through a signalfd.
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t taken;
    sigemptyset(&taken);
    sigaddset(&taken, SIGCHLD);
    sigaddset(&taken, SIGTERM);
    sigprocmask(SIG_BLOCK, &taken, NULL);
    int signal_fd = signalfd(-1, &taken, SFD_CLOEXEC | SFD_NONBLOCK);

    // A process group of its own lets "what remains in the build's group" be found after it exits.
    int rc = pbs_spawn_group_leader(&build_pid, argv[2], 1, NULL, argv + 2, environ);
    if (rc != 0) {
        report('E', rc);
        return 127;
    }
    report('S', build_pid);

    int stop = 0;
    while (!stop) {
        if (build_exited_unreaped()) break;
        struct pollfd fds[2] = {{signal_fd, POLLIN, 0}, {CONTROL_FD, POLLIN, 0}};
        int ready = poll(fds, signal_fd >= 0 ? 2 : 2, signal_fd >= 0 ? 1000 : 10);
        if (ready < 0 && errno != EINTR) break;
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info) {
                if (info.ssi_signo == SIGTERM) stop = 1;
            }
        }
        // A byte (stop) or end of file (the runner is gone): either way the build must end.
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) stop = 1;
        if (!stop) {
            // Reap adopted orphans as they end, but never the build itself before its group is handled.
            siginfo_t info;
            for (;;) {
                memset(&info, 0, sizeof info);
                if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) break;
                if (info.si_pid == build_pid) break;
                waitpid(info.si_pid, NULL, 0);
            }
        }
    }
    if (stop) end_tree(grace_ms);
    else end_group_after_exit(grace_ms);
    report('X', build_reaped ? build_code : -1);
    return 0;
}
