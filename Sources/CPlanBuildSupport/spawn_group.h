// How PlanBuild starts a process: each process of a build — the build itself without a supervisor
// (support.c, pbs_spawn), the supervisor (support.c, pbs_supervise) and the build under the
// supervisor (Sources/PlanBuildSupervisor/main.c) — and the build server, in a session of its own
// (Sources/CPlanBuildServerSupport). Header-only, so that the static supervisor and the server's C
// share it without linking the library's C code.
#ifndef PLANBUILD_SPAWN_GROUP_H
#define PLANBUILD_SPAWN_GROUP_H

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

/// posix_spawn of `program` (looked up in PATH when `search` is 1: posix_spawnp) with every signal
/// at its default disposition and none blocked, whatever the caller had set (a Python host ignores
/// SIGPIPE, a threaded runner blocks signals), as the leader of a new process group so that one
/// kill() reaches its whole tree, or with `new_session` 1 of a new session (setsid: no controlling
/// terminal, so the terminal's Ctrl-C and hang-up never reach it). `actions` may be NULL. Returns 0
/// or an errno value.
static inline int pbs_spawn_leader(pid_t *pid, const char *program, int search, int new_session,
                                   const posix_spawn_file_actions_t *actions,
                                   char *const argv[], char *const envp[]) {
    posix_spawnattr_t attributes;
    int rc = posix_spawnattr_init(&attributes);
    if (rc != 0) return rc;
    sigset_t defaults, empty;
    sigfillset(&defaults);
    sigemptyset(&empty);
    if (!new_session) rc = posix_spawnattr_setpgroup(&attributes, 0);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &defaults);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes,
        (new_session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP) | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc == 0) {
        rc = search ? posix_spawnp(pid, program, actions, &attributes, argv, envp)
                    : posix_spawn(pid, program, actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    return rc;
}

/// pbs_spawn_leader of a new process group: every process of a build.
static inline int pbs_spawn_group_leader(pid_t *pid, const char *program, int search,
                                         const posix_spawn_file_actions_t *actions,
                                         char *const argv[], char *const envp[]) {
    return pbs_spawn_leader(pid, program, search, 0, actions, argv, envp);
}

#endif
