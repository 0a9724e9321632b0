// What the build server needs from C: the peer credentials of a Unix socket connection, starting
// the server detached from its starter (a session of its own), accepting connections and closing
// inherited descriptors.
#ifndef PLANBUILD_SERVER_SUPPORT_H
#define PLANBUILD_SERVER_SUPPORT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The user and process of the peer of the connected Unix socket `fd` (SO_PEERCRED): the kernel's
/// record of who connected, which the peer cannot forge. Returns 0, or an errno value.
int pbsv_peer_credentials(int fd, uid_t *uid, pid_t *pid);

/// Starts `argv[0]` (an absolute path) in a new session (setsid: no controlling terminal, so the
/// terminal's Ctrl-C and hang-up never reach it), with stdin from /dev/null and stdout and
/// stderr on `log_fd`, signal dispositions and mask reset. Returns 0 and the pid, or an errno.
int pbsv_spawn_detached(const char *const argv[], const char *const envp[],
                        int log_fd, pid_t *pid);

/// accept4(2) of a listening socket: the new connection is close-on-exec and non-blocking.
/// Returns the descriptor, or -1 with errno set.
int pbsv_accept(int listener);

/// Closes every file descriptor from `lowest` up: a server started by a client must not hold the
/// client's pipes (a caller reading the client's output would wait for the server to end).
void pbsv_close_from(int lowest);

#ifdef __cplusplus
}
#endif

#endif
