// The few process primitives PlanBuild needs that Swift cannot express directly:
// spawning into a fresh process group with the child's output on a file descriptor, and
// waiting for a child with a deadline and a cancellation descriptor without reaping it early.
#ifndef PLANBUILD_SUPPORT_H
#define PLANBUILD_SUPPORT_H

#include <stddef.h>
#include <sys/types.h>

// Included here so that a build folder made before the version header existed rebuilds its
// module of these headers (clang does not notice a new file in the umbrella folder).
#include "planbuild_version.h"

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

/// Reaps `pid` and returns its wait status decoded: exit code (0-255), 256 + the signal that
/// ended it, or -1 when it cannot be known.
int pbs_reap(pid_t pid);

/// Sends `signal` to every process of the group led by `pgid`. Returns 0 or errno.
int pbs_signal_group(pid_t pgid, int signal);

/// A non-blocking pipe whose read end becomes readable once anything is written to the write end;
/// used to wake waiting builds on cancellation. Returns 0 or errno.
int pbs_make_wakeup_pipe(int fds[2]);

/// Locks `fd` exclusively (blocking) or releases it; returns 0 or errno.
int pbs_lock_exclusive(int fd);
int pbs_unlock(int fd);

/// A build running under planbuild-supervisor (Sources/PlanBuildSupervisor/main.c), which reaps
/// it, reports its status through `status_fd` and ends its process tree (also when the runner dies).
typedef struct {
    pid_t supervisor_pid;
    pid_t build_pid;
    int status_fd;   // read end: the supervisor's "S"/"E"/"X" lines
    int control_fd;  // write end: a byte stops the build; closing it (runner gone) does too
    int buffered;
    char buffer[128];
} pbs_supervised;

/// The planbuild-supervisor executable: $PLANBUILD_SUPERVISOR, else the file of that name beside
/// the object holding this code (libplanbuild.so or the CLI), else beside /proc/self/exe; NULL
/// when there is none (builds then run directly, without the supervisor's guarantees).
const char *pbs_supervisor_path(void);

/// Starts `argv` under the supervisor, like pbs_spawn (working directory, environment, output),
/// and waits until the build runs. `file_mask` (0 to 0777) is the build's umask; negative keeps
/// this process's. Returns 0, or the errno of the build that could not start (ENOENT, EACCES, …),
/// or another errno when the supervisor itself failed.
int pbs_supervise(const char *supervisor, const char *const argv[], const char *const envp[], const char *cwd,
                  int output_fd, int grace_ms, int file_mask, pbs_supervised *build);

/// Waits until the build and what remained of its group ended (PBS_WAIT_EXITED, status in *code),
/// `timeout_ms` elapsed (negative: none) or `cancel_fd` became readable.
int pbs_supervised_wait(pbs_supervised *build, int cancel_fd, int timeout_ms, int *code);

/// Tells the supervisor to end the whole tree (SIGTERM, SIGKILL after the grace period) and waits
/// until it has; returns the build's status.
int pbs_supervised_stop(pbs_supervised *build);

/// Closes the pipes and reaps the supervisor. Call once after the build ended or was stopped.
void pbs_supervised_close(pbs_supervised *build);

/// memmem(3), which Swift's Glibc module hides behind _GNU_SOURCE.
const void *pbs_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/// Reads entries of the open folder `fd` into `buffer` as the kernel's linux_dirent64 records
/// (d_ino u64, d_off s64, d_reclen u16, d_type u8, then the NUL-terminated name): the number of
/// bytes read, 0 at the end of the folder, -1 with errno set. For the input scan, which lists
/// every folder of a project and must not pay opendir's extra fstat and fcntl per folder.
/// The caller owns `buffer` and `fd`; thread-safe for distinct descriptors.
long pbs_read_directory(int fd, void *_Nonnull buffer, size_t capacity);

// ---- Folder events (the file watcher's Linux back end, inotify) ----------------------------------

/// A new inotify instance (non-blocking, close-on-exec): its descriptor, or -errno. -ENOSYS on a
/// platform without inotify (the watcher then always scans).
int pbs_watch_open(void);

/// Watches the open folder `folder_fd` (through /proc/self/fd, so the folder watched is exactly
/// the one opened, whatever happened to its path since) for entries created, deleted, moved,
/// written or with changed attributes, and for the folder itself going away. Returns the watch
/// number (the same for a folder already watched), or -errno: -ENOSPC when the user's limit of
/// watches (fs.inotify.max_user_watches) is reached.
int pbs_watch_folder(int watch_fd, int folder_fd);

/// Stops watching `watch` (ignores a watch the kernel already dropped).
void pbs_watch_remove(int watch_fd, int watch);

/// Waits up to `timeout_ms` (0: not at all; negative: no limit) for events, then reads what is
/// queued into `buffer` as the kernel's inotify_event records (wd s32, mask u32, cookie u32,
/// len u32, then `len` bytes of NUL-padded name). Returns the bytes read, 0 when none came in
/// time, or -errno.
long pbs_watch_read(int watch_fd, void *_Nonnull buffer, size_t capacity, int timeout_ms);

/// The event bits of a record's mask, named for the platform-neutral reader.
enum {
    PBS_WATCH_CHANGED_ENTRY = 1,   // an entry was created, written, had its attributes changed or was deleted
    PBS_WATCH_MOVED_ENTRY = 2,     // an entry was moved into or out of the folder
    PBS_WATCH_FOLDER_GONE = 4,     // the watched folder itself was deleted or moved
    PBS_WATCH_DROPPED = 8,         // the kernel dropped this watch (its folder is gone, or its file system unmounted)
    PBS_WATCH_OVERFLOW = 16,       // the kernel's queue overflowed: events were lost
    PBS_WATCH_IS_FOLDER = 32,      // the entry is a folder
};

/// The PBS_WATCH_* bits of an inotify mask.
int pbs_watch_kind(unsigned mask);

#ifdef __cplusplus
}
#endif

#endif
