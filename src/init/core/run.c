/* run: fork + exec with a bounded wait, output capture, and the reaper of PID 1. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "base/strbuf.h"
#include "console.h"

extern char **environ;

#define DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* The reaper's view of the child run.c waits for. Written by the SIGCHLD handler;
 * read with SIGCHLD blocked. sig_atomic_t is int here, wide enough for a pid. */
static volatile sig_atomic_t owned_pid, owned_done, owned_status;
static volatile sig_atomic_t orphans;
static bool reaper_on;

static void on_sigchld(int sig)
{
	int saved = errno, st;
	pid_t p;

	(void)sig;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (owned_pid && p == owned_pid) {
			owned_status = st;
			owned_done = 1;
		} else {
			orphans++;
		}
	}
	errno = saved;
}

int run_reaper_install(void)
{
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigset_t chld, old;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		return -errno;
	reaper_on = true;
	/* children that ended before the handler was there */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	on_sigchld(SIGCHLD);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

unsigned run_orphans_reaped(void)
{
	return (unsigned)orphans;
}

/* --- the child ------------------------------------------------------------------------ */

static void child_reset_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	sigemptyset(&dfl.sa_mask);
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL); /* SIGKILL, SIGSTOP and libc's own fail: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* An fd that must survive the dup2s onto 0-2 is moved above them first. */
static int above_stdio(int fd)
{
	return fd >= 0 && fd < 3 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd;
}

static void child_stdio(unsigned flags, int out_w, int in_r)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (flags & RUN_CTTY) {
		setsid();
		console_attach(true); /* no console: the inherited fds stay */
		flags |= RUN_STDIN_CONSOLE | RUN_OUT_CONSOLE;
	} else {
		setpgid(0, 0);
	}
	if (in_r >= 0) {
		dup2(in_r, 0);
	} else if (!(flags & RUN_STDIN_CONSOLE)) {
		if (null >= 0)
			dup2(null, 0);
		else
			close(0);
	}
	if (!(flags & RUN_OUT_CONSOLE)) {
		int to = out_w >= 0 ? out_w : null;

		for (int fd = 1; fd <= 2; fd++) {
			if (to >= 0)
				dup2(to, fd);
			else
				close(fd);
		}
	}
	if (null > 2)
		close(null);
	/* everything above 2 is close-on-exec already; this catches an fd that is not
	 * (Linux 5.11+; older kernels refuse, and the rule alone holds) */
	syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
}

/* execve of argv[0], searched in PATH when it has no '/'. Returns errno. */
static int child_exec(const char *const argv[], const char *const *envp)
{
	union { const char *const *c; char *const *m; } av = { .c = argv }, ev = { .c = envp };
	const char *name = argv[0], *path = getenv("PATH");
	size_t nlen = strlen(name);
	char full[PATH_MAX];
	int err = ENOENT;

	if (!ev.c) /* environ is ours, writable: no cast needed */
		ev.m = environ;
	if (strchr(name, '/')) {
		execve(name, av.m, ev.m);
		return errno;
	}
	if (!path || !*path)
		path = DEFAULT_PATH;
	for (const char *p = path;; p++) {
		const char *colon = strchrnul(p, ':');
		size_t dlen = (size_t)(colon - p);

		if (dlen > 0 && dlen + 1 + nlen < sizeof(full)) {
			memcpy(full, p, dlen);
			full[dlen] = '/';
			memcpy(full + dlen + 1, name, nlen + 1);
			execve(full, av.m, ev.m);
			if (errno == EACCES)
				err = EACCES;
			else if (errno != ENOENT && errno != ENOTDIR)
				return errno;
		}
		if (!*colon)
			break;
		p = colon;
	}
	return err;
}

struct job {
	const char *const *argv;      /* or fn(arg) */
	int (*fn)(void *arg);
	void *arg;
	const struct run_opts *o;
	int out_r, out_w;             /* capture pipe, -1 when not capturing */
	int in_r;                     /* stdin pipe holding opts.in, -1 when none */
	int err_r, err_w;             /* exec's errno, back to the parent (exec only) */
};

__attribute__((noreturn)) static void child(struct job *j)
{
	int e;

	child_reset_signals();
	j->out_w = above_stdio(j->out_w);
	j->err_w = above_stdio(j->err_w);
	j->in_r = above_stdio(j->in_r);
	child_stdio(j->o->flags, j->out_w, j->in_r);
	if (j->fn)
		_exit(j->fn(j->arg) & 255);
	e = child_exec(j->argv, j->o->envp);
	if (write(j->err_w, &e, sizeof(e)) != sizeof(e)) {
		/* the parent then sees exit code 127 without a reason */
	}
	_exit(127);
}

/* --- the parent ----------------------------------------------------------------------- */

static void capture(const struct run_opts *o, struct run_result *r, const char *buf, size_t n)
{
	size_t room = o->out_size - 1;

	if (n >= room) {
		memcpy(o->out, buf + (n - room), room);
		r->out_cut = r->out_cut || n > room || r->out_len > 0;
		r->out_len = room;
	} else {
		if (r->out_len + n > room) {
			size_t drop = r->out_len + n - room;

			memmove(o->out, o->out + drop, r->out_len - drop);
			r->out_len -= drop;
			r->out_cut = true;
		}
		memcpy(o->out + r->out_len, buf, n);
		r->out_len += n;
	}
	o->out[r->out_len] = '\0';
}

/* Reads what fd has; closes it (sets -1) at end of file. */
static void drain(int *fd, const struct run_opts *o, struct run_result *r)
{
	char buf[4096];
	ssize_t k = read(*fd, buf, sizeof(buf));

	if (k > 0) {
		capture(o, r, buf, (size_t)k);
		return;
	}
	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

static void kill_group(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig); /* not its own group (yet) */
}

static void read_exec_error(int *fd, int *exec_err)
{
	int e;

	if (read(*fd, &e, sizeof(e)) == (ssize_t)sizeof(e))
		*exec_err = e;
	close(*fd);
	*fd = -1;
}

/* Waits for the child (SIGCHLD blocked on entry; unblocked only inside ppoll), reading
 * its output and the exec error, escalating at each deadline: SIGTERM, SIGKILL,
 * giving up. */
static void wait_child(struct job *j, struct run_result *r, const sigset_t *waitmask, int *exec_err)
{
	const struct run_opts *o = j->o;
	int step[3] = { o->timeout_ms, o->grace_ms > 0 ? o->grace_ms : RUN_GRACE_MS,
			o->reap_ms > 0 ? o->reap_ms : RUN_REAP_MS };
	uint64_t deadline = o->timeout_ms > 0 ? monoclock_ms() + (uint64_t)o->timeout_ms : 0;
	int stage = 0; /* 0 running, 1 SIGTERM sent, 2 SIGKILL sent */

	while (!owned_done) {
		struct pollfd p[2] = { { .fd = j->out_r, .events = POLLIN }, { .fd = j->err_r, .events = POLLIN } };
		struct timespec ts, *tsp = NULL;

		if (deadline) {
			uint64_t now = monoclock_ms();

			if (now >= deadline) {
				if (stage == 2) {
					r->stuck = true;
					return;
				}
				stage++;
				r->timed_out = true;
				kill_group(r->pid, stage == 1 ? SIGTERM : SIGKILL);
				deadline = now + (uint64_t)step[stage];
				continue;
			}
			ts.tv_sec = (time_t)((deadline - now) / 1000);
			ts.tv_nsec = (long)((deadline - now) % 1000) * 1000000L;
			tsp = &ts;
		}
		if (ppoll(p, 2, tsp, waitmask) <= 0)
			continue; /* SIGCHLD (EINTR) or a deadline */
		if (j->out_r >= 0 && p[0].revents)
			drain(&j->out_r, o, r);
		if (j->err_r >= 0 && p[1].revents)
			read_exec_error(&j->err_r, exec_err);
	}
	/* it ended: what it wrote is in the pipe already (a daemon it left behind may hold
	 * the pipe open, so no waiting for end of file) */
	while (j->out_r >= 0) {
		struct pollfd p = { .fd = j->out_r, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			break;
		drain(&j->out_r, o, r);
	}
	if (j->err_r >= 0)
		read_exec_error(&j->err_r, exec_err);
}

static void fill_status(struct run_result *r, int st)
{
	if (WIFEXITED(st))
		r->exit_code = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->signal = WTERMSIG(st);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A pipe already holding o->in (at most RUN_MAX_INPUT: it fits, nothing blocks) with
 * its write end closed, so the child reads the bytes and then end of file. */
static int input_pipe(const struct run_opts *o, int *in_r)
{
	int p[2];
	ssize_t k = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	while (o->in_len && (k = write(p[1], o->in, o->in_len)) < 0 && errno == EINTR)
		;
	close(p[1]);
	if (o->in_len && k != (ssize_t)o->in_len) {
		close(p[0]);
		return k < 0 ? -errno : -EIO;
	}
	*in_r = p[0];
	return 0;
}

static int spawn(struct job *j, struct run_result *r)
{
	static const struct run_opts none;
	const struct run_opts *o = j->o ? j->o : &none;
	sigset_t chld, old, waitmask;
	int exec_err = 0, rc;
	pid_t pid;

	j->o = o;
	*r = (struct run_result){ .exit_code = -1 };
	j->out_r = j->out_w = j->err_r = j->err_w = j->in_r = -1;
	if (o->out && o->out_size)
		o->out[0] = '\0';
	if (o->in && o->in_len > RUN_MAX_INPUT)
		return -E2BIG;
	if (!reaper_on && (rc = run_reaper_install()) < 0)
		return rc;
	if (o->in) {
		int in_r = -1; /* a local: the analyzer then knows j->argv stays */

		rc = input_pipe(o, &in_r);
		if (rc < 0)
			return rc;
		j->in_r = in_r;
	}
	if (o->out && o->out_size >= 4 && !(o->flags & (RUN_OUT_CONSOLE | RUN_CTTY))) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0) {
			rc = -errno; /* out: closes the input pipe, which may hold a passphrase */
			goto out;
		}
		j->out_r = p[0];
		j->out_w = p[1];
	}
	if (j->argv) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0) {
			rc = -errno;
			goto out;
		}
		j->err_r = p[0];
		j->err_w = p[1];
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	waitmask = old;
	sigdelset(&waitmask, SIGCHLD);
	owned_done = 0;
	pid = fork();
	if (pid == 0)
		child(j);
	if (pid < 0) {
		rc = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	owned_pid = pid; /* before SIGCHLD can be taken: it is blocked until ppoll */
	r->pid = pid;
	if (!(o->flags & RUN_CTTY))
		setpgid(pid, pid); /* both sides, so a kill of the group right away finds it */
	close_fd(&j->out_w);
	close_fd(&j->err_w);
	wait_child(j, r, &waitmask, &exec_err);
	if (owned_done)
		fill_status(r, owned_status);
	owned_pid = 0; /* a stuck child is the reaper's from now on */
	owned_done = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r->out_cut && o->out && r->out_len >= 3)
		memcpy(o->out, "...", 3);
	rc = exec_err ? -exec_err : 0;
out:
	close_fd(&j->out_r);
	close_fd(&j->out_w);
	close_fd(&j->err_r);
	close_fd(&j->err_w);
	close_fd(&j->in_r);
	return rc;
}

int run_argv(const char *const argv[], const struct run_opts *o, struct run_result *r)
{
	struct job j = { .argv = argv, .o = o };
	size_t n = 0;

	*r = (struct run_result){ .exit_code = -1 };
	if (!argv || !argv[0] || !argv[0][0])
		return -EINVAL;
	while (n <= RUN_MAX_ARGS && argv[n])
		n++;
	if (n > RUN_MAX_ARGS)
		return -E2BIG;
	return spawn(&j, r);
}

int run_func(int (*fn)(void *arg), void *arg, const struct run_opts *o, struct run_result *r)
{
	struct job j = { .fn = fn, .arg = arg, .o = o };

	*r = (struct run_result){ .exit_code = -1 };
	if (!fn)
		return -EINVAL;
	return spawn(&j, r);
}

bool run_succeeded(const struct run_result *r)
{
	return r->exit_code == 0 && !r->timed_out && !r->stuck;
}

char *run_describe(const struct run_result *r, char *out, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb, out, n);
	if (r->stuck)
		strbuf_addf(&sb, "timed out and still there after SIGKILL (stuck in the kernel?): "
			    "left to the reaper");
	else if (r->timed_out)
		strbuf_addf(&sb, "timed out: ended by %s", r->signal ? strsignal(r->signal) : "itself");
	else if (r->signal)
		strbuf_addf(&sb, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
	else
		strbuf_addf(&sb, "exited with status %d", r->exit_code);
	strbuf_finish(&sb); /* too small a buffer: "" */
	return out;
}

void run_log_output(enum log_level level, const char *what, const struct run_opts *o,
		    const struct run_result *r)
{
	char esc[512];
	size_t i = 0;

	if (!o || !o->out)
		return;
	while (i < r->out_len) {
		const char *line = o->out + i;
		const char *nl = memchr(line, '\n', r->out_len - i);
		size_t len = nl ? (size_t)(nl - line) : r->out_len - i;

		if (len > 0)
			log_msg(level, "%s: %s", what, escape_bytes(line, len, esc, sizeof(esc)));
		i += len + 1;
	}
}
