/* devd: `sprout-init --devices`. The same coldplug and uevent handling as the devices
 * phase of the boot (src/init/dev/devices.c), run after handover by the root's init:
 *   ::sysinit:/sbin/sprout-init --devices --background      (busybox inittab)
 * or `sprout-init --devices &` from an rc script. It never blocks the boot: without
 * --background the caller puts it in the background. sprout.devices.exec=1 on the
 * kernel command line lets the rules' commands run, as in the initramfs. */
#include "devd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/readfile.h"
#include "cmdline.h"
#include "devices.h"
#include "devrules_apply.h"
#include "log.h"
#include "modload.h"
#include "run.h"

struct devd_opts {
	bool background;
	const char *rules;
};

int devd_wanted(int argc, char **argv)
{
	return argc > 1 && !strcmp(argv[1], "--devices");
}

static int usage(const char *bad)
{
	char esc[ESCAPE_SIZE(64)];

	fprintf(stderr, "sprout-init --devices: unknown argument %s\n"
			"usage: sprout-init --devices [--background] [--rules FILE]\n",
		escape_str(bad, esc, sizeof(esc)));
	return 2;
}

/* sprout.devices.exec= and rd.driver.blacklist= of the kernel command line. */
static void read_cmdline(struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;

	cmdline_init(cfg);
	if (readfile_at(AT_FDCWD, "/proc/cmdline", 65536, &buf, &len) == 0)
		cmdline_parse(cfg, buf, len);
	free(buf);
}

/* A signalfd for SIGTERM and SIGINT (blocked, so they are only read). */
static int stop_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int serve(struct devices *dv, int ufd, int sfd)
{
	struct pollfd p[2] = { { .fd = ufd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue; /* SIGCHLD of a rule's command */
			log_err("devices daemon: poll: %m");
			return 1;
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				log_info("devices daemon: signal %u: exiting", si.ssi_signo);
			return 0;
		}
		if (p[0].revents) {
			int r = devices_uevent_handle(dv, ufd);
			if (r > 0)
				log_info("devices daemon: %d module(s) loaded for new devices", r);
			else if (r < 0 && r != -EINTR)
				log_warn("devices daemon: reading uevents: %s", strerror(-r));
		}
	}
}

int devd_main(int argc, char **argv)
{
	static struct modload ml;
	static struct devrules_set rules;
	struct devd_opts o = { 0 };
	struct devices dv;
	struct config cfg;
	char moddir[PATH_MAX];
	int rc;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--background"))
			o.background = true;
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			o.rules = argv[++i];
		else
			return usage(argv[i]);
	}
	if (o.background) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("sprout-init --devices: fork");
			return 1;
		}
		if (pid > 0)
			return 0;
		setsid();
	}
	log_open();
	run_reaper_install();
	int sfd = stop_fd();
	read_cmdline(&cfg);
	devrules_set_load(&rules, o.rules, NULL, cfg.devices_exec);
	devrules_set_ids(&rules, "/", true);
	int ufd = devices_uevent_open();
	if (ufd < 0 || sfd < 0) {
		log_err("devices daemon: no uevent socket or signalfd (%s); not running",
			strerror(ufd < 0 ? -ufd : errno));
		return 1;
	}
	bool mods = modload_default_dir(moddir, sizeof(moddir)) == 0 && modload_open(&ml, moddir) == 0;
	if (!mods)
		log_warn("devices daemon: no module index under /lib/modules for this kernel; "
			 "applying rules only");
	devices_init(&dv, &ml, "/sys");
	dv.rules = &rules;
	if (mods) {
		if (cfg.driver_blacklist[0])
			modload_blacklist(&ml, cfg.driver_blacklist);
		rc = devices_coldplug(&dv); /* what appeared since handover */
		log_info("devices daemon: started; %d module(s) loaded for the devices present",
			 rc > 0 ? rc : 0);
	} else {
		dv.ml = NULL;
		devrules_set_coldplug(&rules, "/sys", true);
		log_info("devices daemon: started");
	}
	rc = serve(&dv, ufd, sfd);
	close(ufd);
	devices_free(&dv);
	devrules_set_free(&rules);
	if (mods)
		modload_close(&ml);
	return rc;
}
