/* rescue: shell, or a deliberate stop. */
#include "rescue.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/monoclock.h"
#include "log.h"
#include "run.h"

#define RESCUE_ENV_MAX 64          /* our environment is a handful of variables */
#define RESCUE_PS1 "PS1=sprout# "

extern char **environ;

/* busybox in the image provides the applets; make them callable by name once. */
static void install_applets(void)
{
	static const char *const argv[] = { "/bin/busybox", "--install", "-s", "/bin", NULL };
	struct run_opts o = { .timeout_ms = 10000 };
	char out[512], how[128];
	struct run_result r;
	struct stat st;
	int rc;

	if (stat("/bin/busybox", &st) < 0 || stat("/bin/ls", &st) == 0)
		return;
	o.out = out;
	o.out_size = sizeof(out);
	rc = run_argv(argv, &o, &r);
	if (rc < 0)
		log_warn("rescue: cannot run /bin/busybox --install: %s", strerror(-rc));
	else if (!run_succeeded(&r)) {
		log_warn("rescue: /bin/busybox --install %s; applets may be missing",
			 run_describe(&r, how, sizeof(how)));
		run_log_output(LOG_WARN, "busybox", &o, &r);
	}
}

/* Ours plus the shell's prompt (set for the shell only, not for the real init). */
static void shell_env(const char *envp[RESCUE_ENV_MAX])
{
	size_t n = 0;

	for (char **e = environ; *e && n < RESCUE_ENV_MAX - 2; e++)
		if (strncmp(*e, "PS1=", 4) != 0)
			envp[n++] = *e;
	envp[n++] = RESCUE_PS1;
	envp[n] = NULL;
}

int rescue_shell(struct boot *b, const char *why)
{
	static const char *const argv[] = { RESCUE_SHELL, "-i", NULL };
	const char *envp[RESCUE_ENV_MAX];
	struct run_opts o = { .flags = RUN_CTTY, .envp = envp };
	struct run_result r;
	struct stat st;
	char how[128];
	int rc;

	if (!b->cfg.rd_shell) {
		log_err("%s; no rescue shell (rd.shell=0)", why);
		return -EPERM;
	}
	if (stat(RESCUE_SHELL, &st) < 0) {
		log_err("%s; this image has no rescue shell (build it with --shell /bin/busybox)", why);
		return -ENOENT;
	}
	/* root first kept some drivers back: a keyboard may be among them */
	if (b->dev.defer)
		devices_release(&b->dev, DEVICES_RELEASE_ALL, "rescue shell");
	install_applets();
	shell_env(envp);
	if (stat(STATE_DIR, &st) == 0) /* the boot so far, to look at from the shell */
		timeline_save(&b->tl, STATE_DIR "/timeline", false);
	log_notice("%s", why);
	log_notice("rescue shell on the console: fix what is wrong, then 'exit' to carry on");
	/* no timeout: the shell is the user's for as long as it takes; the reaper keeps
	 * collecting the orphans of what they start meanwhile */
	rc = run_argv(argv, &o, &r);
	if (rc < 0) {
		log_err("rescue: cannot run %s: %s", RESCUE_SHELL, strerror(-rc));
		return rc;
	}
	log_info("rescue shell left (%s); carrying on", run_describe(&r, how, sizeof(how)));
	return 0;
}

void rescue_halt(struct boot *b)
{
	if (b->cfg.panic_set && b->cfg.panic != 0) {
		if (b->cfg.panic > 0) {
			log_err("rebooting in %d s (panic=%d)", b->cfg.panic, b->cfg.panic);
			monoclock_sleep_ms((uint64_t)b->cfg.panic * 1000);
		}
		sync();
		reboot(RB_AUTOBOOT);
	}
	log_err("boot stopped: nothing more to try (panic=N on the command line reboots instead)");
	for (;;)
		pause();
}
