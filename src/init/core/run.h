/* run: the one way sprout-init runs a program (or a function in a child process).
 *
 * fork + execve of an argument vector, never a shell. The child starts with default
 * signal dispositions, an empty signal mask, its own process group, and fds 0-2 set
 * (every other fd is close-on-exec). Its stdout and stderr are captured into a
 * bounded buffer for the log, or left on the console for an interactive program.
 * A timeout sends SIGTERM to the child's process group, SIGKILL after a grace
 * period, and the wait after SIGKILL is itself bounded: a child stuck in the kernel
 * (D state) is given up on, reported, and collected later by the reaper.
 *
 * The reaper: PID 1 inherits every orphan of the system. A SIGCHLD handler reaps
 * them all through the whole boot; the one child run.c is waiting for is recognised
 * by pid and its status kept for run.c, so nothing steals it. Hence the rule: every
 * child of sprout-init is started here (a plain fork + waitpid elsewhere would have
 * its status taken by the reaper). Not reentrant: one run at a time (PID 1 is single
 * threaded). SIGCHLD interrupts poll()/nanosleep() of the rest of PID 1 (EINTR);
 * read/write/recv restart (SA_RESTART). */
#ifndef SPROUT_RUN_H
#define SPROUT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "log.h"

#define RUN_GRACE_MS 2000   /* SIGTERM → SIGKILL when opts.grace_ms is 0 */
#define RUN_REAP_MS 5000    /* SIGKILL → giving up when opts.reap_ms is 0 */
#define RUN_MAX_ARGS 64     /* cap on argv entries */
#define RUN_MAX_INPUT 4096  /* cap on opts.in: less than a pipe holds, so writing never blocks */

enum run_flags {
	/* fd 0 is ours (the console) instead of /dev/null: a passphrase prompt */
	RUN_STDIN_CONSOLE = 1u << 0,
	/* fds 1 and 2 are ours (the console) instead of captured / /dev/null */
	RUN_OUT_CONSOLE = 1u << 1,
	/* a session of its own, /dev/console on fds 0-2 as its controlling terminal
	 * (^C, job control): an interactive shell. Implies the two above. */
	RUN_CTTY = 1u << 2,
};

struct run_opts {
	unsigned flags;                /* enum run_flags */
	const char *const *envp;       /* the child's environment; NULL: ours */
	int timeout_ms;                /* <= 0: none */
	int grace_ms;                  /* SIGTERM → SIGKILL; 0: RUN_GRACE_MS */
	int reap_ms;                   /* SIGKILL → stuck; 0: RUN_REAP_MS */
	const void *in;                /* the child's stdin: these in_len bytes, then end of */
	size_t in_len;                 /* file (a secret on a pipe, never on argv); NULL: as flags */
	char *out;                     /* stdout + stderr captured here (NUL-terminated), */
	size_t out_size;               /* the last out_size - 1 bytes; NULL/0: to /dev/null */
};

struct run_result {
	pid_t pid;
	int exit_code;    /* its exit code when it exited, else -1 */
	int signal;       /* the signal that ended it, else 0 */
	bool timed_out;   /* it outran timeout_ms and was sent SIGTERM (then SIGKILL) */
	bool stuck;       /* still there reap_ms after SIGKILL (waiting in the kernel):
			   * given up on, the reaper collects it later; exit_code -1 */
	size_t out_len;   /* bytes in opts.out */
	bool out_cut;     /* more came than fit: out holds the end, starting with "..." */
};

/* Runs argv[0] with argv (argv[0] without '/' is searched in PATH; never through a
 * shell) and waits per o (NULL: no timeout, output to /dev/null). 0 when it ran and
 * r says how it ended; -ENOENT, -EACCES, ... when it could not be executed (r is
 * then filled too, exit_code 127); -EINVAL for an empty argv; -E2BIG for more than
 * RUN_MAX_ARGS arguments or in_len over RUN_MAX_INPUT; -errno when the fork or a pipe
 * failed. */
int run_argv(const char *const argv[], const struct run_opts *o, struct run_result *r);

/* The same for fn(arg) in a child process (for a system call that may block for
 * ever, such as mount of an NFS root); its return value & 255 is the exit code. */
int run_func(int (*fn)(void *arg), void *arg, const struct run_opts *o, struct run_result *r);

/* Exited by itself with code 0? */
bool run_succeeded(const struct run_result *r);

/* "exited with status 3", "killed by signal 11", "timed out: ended by signal 15",
 * "stuck after SIGKILL: left to the reaper". Returns out. */
char *run_describe(const struct run_result *r, char *out, size_t n);

/* Logs the captured output of r, one escaped line per log line, as "WHAT: LINE". */
void run_log_output(enum log_level level, const char *what, const struct run_opts *o,
		    const struct run_result *r);

/* Installs the SIGCHLD reaper (idempotent; run_argv/run_func install it too) and
 * reaps the children that already ended. 0 or -errno. */
int run_reaper_install(void);

/* How many children the reaper collected that nobody waited for. */
unsigned run_orphans_reaped(void);

#endif
