// The few process primitives PlanBuild needs that Swift cannot express directly:
// spawning into a fresh process group with the child's output on a file descriptor, and
// waiting for a child with a deadline and a cancellation descriptor without reaping it early.
#ifndef PLANBUILD_SUPPORT_H
#define PLANBUILD_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Starts `argv[0]` (searched in PATH when it has no slash) in working directory `cwd`, as the
/// leader of a new process group, with stdin from /dev/null and stdout+stderr on `output_fd`.
/// Signal dispositions and the signal mask are reset to defaults in the child.
/// Returns 0 and stores the pid, or an errno value (ENOENT, EACCES, …) when the program
/// could not be started.
int pbs_spawn(const char *const argv[], const char *const envp[], const char *cwd,
              int output_fd, pid_t *pid_out);

/// What pbs_wait_exit observed.
enum { PBS_WAIT_EXITED = 1, PBS_WAIT_TIMED_OUT = 0, PBS_WAIT_CANCELLED = 2, PBS_WAIT_FAILED = -1 };

/// Waits until `pid` has exited (the child is NOT reaped, so its pid and process group stay
/// reserved), `timeout_ms` elapsed (negative: no deadline), or `cancel_fd` (>= 0) became readable.
int pbs_wait_exit(pid_t pid, int cancel_fd, int timeout_ms);

/// Reaps `pid` and returns its wait status decoded: exit code, or 128 + signal number.
int pbs_reap(pid_t pid);

/// Sends `signal` to every process of the group led by `pgid`. Returns 0 or errno.
int pbs_signal_group(pid_t pgid, int signal);

/// A non-blocking pipe whose read end becomes readable once anything is written to the write end;
/// used to wake waiting builds on cancellation. Returns 0 or errno.
int pbs_make_wakeup_pipe(int fds[2]);

/// Locks `fd` exclusively (blocking) or releases it; returns 0 or errno.
int pbs_lock_exclusive(int fd);
int pbs_unlock(int fd);

/// memmem(3), which Swift's Glibc module hides behind _GNU_SOURCE.
const void *pbs_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#ifdef __cplusplus
}
#endif

#endif
