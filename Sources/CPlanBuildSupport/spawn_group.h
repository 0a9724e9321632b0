// How PlanBuild starts each process of a build: the build itself without a supervisor
// (support.c, pbs_spawn), the supervisor (support.c, pbs_supervise) and the build under the
// supervisor (Sources/PlanBuildSupervisor/main.c). Header-only, so that the static supervisor
// shares it without linking the library's C code.
#ifndef PLANBUILD_SPAWN_GROUP_H
#define PLANBUILD_SPAWN_GROUP_H

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

/// posix_spawn of `program` (looked up in PATH when `search` is 1: posix_spawnp) as the leader of
/// a new process group, so that one kill() reaches its whole tree, with every signal at its
/// default disposition and none blocked, whatever the caller had set (a Python host ignores
/// SIGPIPE, a threaded runner blocks signals). `actions` may be NULL. Returns 0 or an errno value.
static inline int pbs_spawn_group_leader(pid_t *pid, const char *program, int search,
                                         const posix_spawn_file_actions_t *actions,
                                         char *const argv[], char *const envp[]) {
    posix_spawnattr_t attributes;
    int rc = posix_spawnattr_init(&attributes);
    if (rc != 0) return rc;
    sigset_t defaults, empty;
    sigfillset(&defaults);
    sigemptyset(&empty);
    rc = posix_spawnattr_setpgroup(&attributes, 0);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &defaults);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes,
        POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    if (rc == 0) {
        rc = search ? posix_spawnp(pid, program, actions, &attributes, argv, envp)
                    : posix_spawn(pid, program, actions, &attributes, argv, envp);
    }
    posix_spawnattr_destroy(&attributes);
    return rc;
}

#endif
