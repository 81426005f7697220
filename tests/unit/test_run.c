/* run: programs and functions run from PID 1 — exit codes, signals, timeouts with the
 * SIGTERM/SIGKILL escalation, the bounded wait after SIGKILL, output capture with its
 * truncation mark, exec errors, the child's clean signal state and fds, and the reaper
 * that collects orphans without stealing the status run.c waits for. The test process
 * makes itself a child subreaper, so orphans come to it as they would to PID 1. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/monoclock.h"
#include "run.h"

/* Waits up to 10 s (a loaded machine) for pid to be gone entirely (reaped, not a zombie). */
static bool gone(pid_t pid)
{
	for (int i = 0; i < 1000; i++) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		usleep(10000);
	}
	return false;
}

static void test_exit_codes(void **state)
{
	static const char *const t[] = { "/bin/true", NULL }, *const f[] = { "/bin/false", NULL };
	static const char *const seven[] = { "/bin/sh", "-c", "exit 7", NULL };
	static const char *const segv[] = { "/bin/sh", "-c", "kill -SEGV $$", NULL };
	static const char *const by_path[] = { "true", NULL };
	struct run_result r;
	char d[128];

	(void)state;
	assert_int_equal(run_argv(t, NULL, &r), 0);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.signal, 0);
	assert_true(run_succeeded(&r));
	assert_true(r.pid > 0);
	assert_string_equal(run_describe(&r, d, sizeof(d)), "exited with status 0");

	assert_int_equal(run_argv(f, NULL, &r), 0);
	assert_int_equal(r.exit_code, 1);
	assert_false(run_succeeded(&r));
	assert_int_equal(run_argv(seven, NULL, &r), 0);
	assert_int_equal(r.exit_code, 7);
	assert_string_equal(run_describe(&r, d, sizeof(d)), "exited with status 7");

	assert_int_equal(run_argv(segv, NULL, &r), 0);
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(r.signal, SIGSEGV);
	assert_false(r.timed_out);
	assert_false(run_succeeded(&r));
	assert_non_null(strstr(run_describe(&r, d, sizeof(d)), "killed by signal 11"));

	/* a bare name is looked up in PATH (execve, not a shell) */
	assert_int_equal(run_argv(by_path, NULL, &r), 0);
	assert_true(run_succeeded(&r));
}

static void test_exec_errors(void **state)
{
	static const char *const missing[] = { "/nonexistent/sprout-test-prog", NULL };
	static const char *const missing_path[] = { "sprout-no-such-program", NULL };
	static const char *const empty[] = { "", NULL };
	const char *many[RUN_MAX_ARGS + 2];
	char path[] = "/tmp/sprout-run-XXXXXX";
	struct run_result r;
	int fd;

	(void)state;
	assert_int_equal(run_argv(missing, NULL, &r), -ENOENT);
	assert_int_equal(r.exit_code, 127);
	assert_int_equal(run_argv(missing_path, NULL, &r), -ENOENT);
	assert_int_equal(run_argv(empty, NULL, &r), -EINVAL);
	assert_int_equal(run_argv(NULL, NULL, &r), -EINVAL);
	for (int i = 0; i < RUN_MAX_ARGS + 1; i++)
		many[i] = "/bin/true";
	many[RUN_MAX_ARGS + 1] = NULL;
	assert_int_equal(run_argv(many, NULL, &r), -E2BIG);
	many[RUN_MAX_ARGS] = NULL; /* exactly the cap is fine */
	assert_int_equal(run_argv(many, NULL, &r), 0);

	/* a file that is not executable */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	chmod(path, 0644);
	{
		const char *const noexec[] = { path, NULL };

		assert_int_equal(run_argv(noexec, NULL, &r), -EACCES);
	}
	unlink(path);
}

static void test_timeout(void **state)
{
	static const char *const sleeper[] = { "/bin/sleep", "10", NULL };
	/* ignores SIGTERM, so only SIGKILL ends it; its background child dies with the group */
	static const char *const stubborn[] = { "/bin/sh", "-c", "trap '' TERM; sleep 10 & echo $!; wait",
						NULL };
	struct run_opts o = { .timeout_ms = 100, .grace_ms = 200 };
	struct run_result r;
	char out[64], d[128];
	uint64_t t0 = monoclock_ms();

	(void)state;
	assert_int_equal(run_argv(sleeper, &o, &r), 0);
	assert_true(r.timed_out);
	assert_false(r.stuck);
	assert_int_equal(r.signal, SIGTERM);
	assert_false(run_succeeded(&r));
	assert_true(monoclock_ms() - t0 >= 100);
	assert_true(monoclock_ms() - t0 < 5000);
	assert_non_null(strstr(run_describe(&r, d, sizeof(d)), "timed out"));

	o.out = out;
	o.out_size = sizeof(out);
	t0 = monoclock_ms();
	assert_int_equal(run_argv(stubborn, &o, &r), 0);
	assert_true(r.timed_out);
	assert_int_equal(r.signal, SIGKILL);
	assert_true(monoclock_ms() - t0 >= 300);
	assert_true(monoclock_ms() - t0 < 5000);
	pid_t bg = (pid_t)atoi(out);
	assert_true(bg > 0);
	assert_true(gone(bg)); /* killed with its process group, then reaped */
}

static void test_capture(void **state)
{
	static const char *const both[] = { "/bin/sh", "-c", "echo out; echo err >&2; printf 'a\\033b'", NULL };
	/* 10000 x's, then END: only the end fits */
	static const char *const flood[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 100 ]; do "
				"printf '%0100d' 0 | tr 0 x; i=$((i+1)); done; printf END", NULL };
	static const char *const cat[] = { "/bin/cat", NULL };
	char out[64], big[16384];
	struct run_opts o = { .out = out, .out_size = sizeof(out) };
	struct run_result r;

	(void)state;
	assert_int_equal(run_argv(both, &o, &r), 0);
	assert_true(run_succeeded(&r));
	assert_string_equal(out, "out\nerr\na\033b");
	assert_int_equal(r.out_len, strlen(out));
	assert_false(r.out_cut);

	assert_int_equal(run_argv(flood, &o, &r), 0);
	assert_true(r.out_cut);
	assert_int_equal(r.out_len, sizeof(out) - 1);
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_memory_equal(out, "...xxx", 6);
	assert_string_equal(out + sizeof(out) - 4, "END");

	/* a big buffer holds it all */
	o.out = big;
	o.out_size = sizeof(big);
	assert_int_equal(run_argv(flood, &o, &r), 0);
	assert_false(r.out_cut);
	assert_int_equal(r.out_len, 10003);

	/* stdin is /dev/null: cat ends at once instead of waiting on our stdin */
	o.timeout_ms = 5000;
	assert_int_equal(run_argv(cat, &o, &r), 0);
	assert_true(run_succeeded(&r));
	assert_int_equal(r.out_len, 0);
}

static void test_log_output(void **state)
{
	static const char *const prog[] = { "/bin/sh", "-c", "echo one; echo; printf 't\\033wo'", NULL };
	char out[64], path[] = "/tmp/sprout-runlog-XXXXXX", got[256] = "";
	struct run_opts o = { .out = out, .out_size = sizeof(out) };
	struct run_result r;
	int fd = mkstemp(path), saved = dup(2);
	ssize_t k;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(run_argv(prog, &o, &r), 0);
	dup2(fd, 2); /* the log falls back to stderr without /dev/kmsg */
	run_log_output(LOG_INFO, "prog", &o, &r);
	dup2(saved, 2);
	close(saved);
	k = pread(fd, got, sizeof(got) - 1, 0);
	assert_true(k > 0);
	got[k] = '\0';
	/* one line each, empty lines skipped, control bytes escaped */
	assert_string_equal(got, "sprout: prog: one\nsprout: prog: t\\x1bwo\n");
	close(fd);
	unlink(path);
}

static int ret42(void *arg)
{
	(void)arg;
	return 42;
}

static int nap(void *arg)
{
	(void)arg;
	sleep(10);
	return 0;
}

/* 0 when the child starts with an empty signal mask and default dispositions */
static int signals_clean(void *arg)
{
	struct sigaction sa;
	sigset_t set;

	(void)arg;
	sigprocmask(SIG_SETMASK, NULL, &set);
	if (sigismember(&set, SIGUSR1) || sigismember(&set, SIGCHLD))
		return 1;
	sigaction(SIGTERM, NULL, &sa);
	if (sa.sa_handler != SIG_DFL)
		return 2;
	sigaction(SIGCHLD, NULL, &sa);
	return sa.sa_handler == SIG_DFL ? 0 : 3;
}

static void test_func(void **state)
{
	struct run_opts o = { .timeout_ms = 50, .grace_ms = 50 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigset_t usr1, oldmask;
	struct run_result r;

	(void)state;
	assert_int_equal(run_func(ret42, NULL, NULL, &r), 0);
	assert_int_equal(r.exit_code, 42);
	assert_int_equal(run_func(nap, NULL, &o, &r), 0);
	assert_true(r.timed_out);
	assert_int_equal(r.signal, SIGTERM);

	/* our blocked and ignored signals are not the child's */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &oldmask);
	sigaction(SIGTERM, &ign, &old);
	assert_int_equal(run_func(signals_clean, NULL, NULL, &r), 0);
	sigaction(SIGTERM, &old, NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(run_func(NULL, NULL, NULL, &r), -EINVAL);
}

static void test_fds(void **state)
{
	static const char *const list[] = { "/bin/sh", "-c", "cd /proc/self/fd && echo *", NULL };
	char out[128], want[16];
	struct run_opts o = { .out = out, .out_size = sizeof(out) };
	struct run_result r;
	int leak = 50; /* not close-on-exec, by mistake; high, so sh does not reuse it */

	(void)state;
	assert_int_equal(dup2(1, leak), leak);
	assert_int_equal(run_argv(list, &o, &r), 0);
	snprintf(want, sizeof(want), " %d", leak);
	/* sh lists its own fds: 0-2 and the one it reads the directory with, never ours */
	assert_memory_equal(out, "0 1 2", 5);
	assert_null(strstr(out, want));
	close(leak);
}

static void test_orphans(void **state)
{
	/* the shell leaves a child behind; it comes to us (the subreaper, as to PID 1) */
	static const char *const leave[] = { "/bin/sh", "-c", "sleep 0.2 & echo $!", NULL };
	static const char *const seven[] = { "/bin/sh", "-c", "exit 7", NULL };
	char out[32];
	struct run_opts o = { .out = out, .out_size = sizeof(out) };
	struct run_result r;
	unsigned before = run_orphans_reaped();
	pid_t orphan;

	(void)state;
	assert_int_equal(run_argv(leave, &o, &r), 0);
	assert_true(run_succeeded(&r));
	orphan = (pid_t)atoi(out);
	assert_true(orphan > 0);
	/* while orphans end, run.c's own statuses still arrive intact */
	for (int i = 0; i < 20; i++) {
		assert_int_equal(run_argv(seven, NULL, &r), 0);
		assert_int_equal(r.exit_code, 7);
	}
	assert_true(gone(orphan)); /* reaped, not left a zombie */
	assert_true(run_orphans_reaped() > before);
}

struct traced {
	int pid_w, ack_r;
};

static int wait_traced(void *arg)
{
	const struct traced *t = arg;
	pid_t me = getpid();
	char c;

	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY); /* Yama (where there is one) lets the sibling trace */
	if (write(t->pid_w, &me, sizeof(me)) != sizeof(me) || read(t->ack_r, &c, 1) != 1)
		return 1;
	for (;;)
		pause();
}

/* A child whose death never reaches us, as one stuck in the kernel: a tracer that does
 * not wait holds back its exit status. run.c must give up after reap_ms; once the
 * tracer goes, the reaper collects the child. */
static void test_stuck(void **state)
{
	struct run_opts o = { .timeout_ms = 100, .grace_ms = 100, .reap_ms = 300 };
	int pidp[2], ackp[2], gop[2];
	struct traced t;
	struct run_result r;
	pid_t tracer;
	char d[160];
	uint64_t t0;

	(void)state;
	assert_int_equal(pipe2(pidp, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ackp, O_CLOEXEC), 0);
	assert_int_equal(pipe2(gop, O_CLOEXEC), 0);
	tracer = fork();
	assert_true(tracer >= 0);
	if (tracer == 0) {
		pid_t pid;
		char c = 1;

		signal(SIGCHLD, SIG_DFL); /* our reaper would wait for the tracee: no waiting here */
		if (read(pidp[0], &pid, sizeof(pid)) != sizeof(pid) || ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
			_exit(1);
		close(gop[1]);
		if (write(ackp[1], &c, 1) != 1)
			_exit(1);
		(void)!read(gop[0], &c, 1); /* until the test lets go; then exit without waiting */
		_exit(0);
	}
	close(gop[0]);
	t.pid_w = pidp[1];
	t.ack_r = ackp[0];
	t0 = monoclock_ms();
	assert_int_equal(run_func(wait_traced, &t, &o, &r), 0);
	assert_true(r.timed_out);
	assert_true(r.stuck);
	assert_int_equal(r.exit_code, -1);
	assert_false(run_succeeded(&r));
	assert_true(monoclock_ms() - t0 >= 500);
	assert_true(monoclock_ms() - t0 < 5000);
	assert_non_null(strstr(run_describe(&r, d, sizeof(d)), "left to the reaper"));
	close(gop[1]); /* the tracer exits, the child's end reaches us, the reaper takes it */
	assert_true(gone(r.pid));
	assert_true(gone(tracer));
	close(pidp[0]);
	close(pidp[1]);
	close(ackp[0]);
	close(ackp[1]);
}

/* opts.in: the child reads exactly those bytes on stdin, then end of file; the secret
 * never shows on its argv. Over RUN_MAX_INPUT is refused before anything runs. */
static void test_stdin_buffer(void **state)
{
	static const char *const cat[] = { "/bin/cat", NULL };
	static const char *const count[] = { "/bin/sh", "-c", "wc -c", NULL };
	static char big[RUN_MAX_INPUT + 1];
	char out[64];
	struct run_opts o = { .in = "sprout-test\0x", .in_len = 13, .out = out,
			      .out_size = sizeof(out), .timeout_ms = 10000 };
	struct run_result r;

	(void)state;
	assert_int_equal(run_argv(cat, &o, &r), 0);
	assert_true(run_succeeded(&r));
	assert_int_equal(r.out_len, 13);
	assert_memory_equal(out, "sprout-test\0x", 13);
	/* empty input: end of file at once (cat would otherwise wait for ever) */
	o.in_len = 0;
	assert_int_equal(run_argv(cat, &o, &r), 0);
	assert_true(run_succeeded(&r));
	assert_int_equal(r.out_len, 0);
	/* the largest input, read whole */
	memset(big, 'k', sizeof(big));
	o.in = big;
	o.in_len = RUN_MAX_INPUT;
	assert_int_equal(run_argv(count, &o, &r), 0);
	assert_true(run_succeeded(&r));
	assert_int_equal(strtoul(out, NULL, 10), RUN_MAX_INPUT);
	o.in_len = RUN_MAX_INPUT + 1;
	assert_int_equal(run_argv(count, &o, &r), -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_stdin_buffer),
		cmocka_unit_test(test_exec_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_log_output),
		cmocka_unit_test(test_func),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_orphans),
		cmocka_unit_test(test_stuck),
	};

	/* PID 1's search path, not the caller's (a directory we may not enter gives EACCES) */
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	/* orphans of our children come to us, as they come to PID 1 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || run_reaper_install() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
