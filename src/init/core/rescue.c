/* rescue: shell, or a deliberate stop. */
#include "rescue.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

/* busybox in the image provides the applets; make them callable by name once. */
static void install_applets(void)
{
	struct stat st;
	pid_t pid;

	if (stat("/bin/busybox", &st) < 0 || stat("/bin/ls", &st) == 0)
		return;
	pid = fork();
	if (pid == 0) {
		execl("/bin/busybox", "busybox", "--install", "-s", "/bin", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static void child_exec_shell(void)
{
	int fd;

	setsid();
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		ioctl(fd, TIOCSCTTY, 1);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	signal(SIGINT, SIG_DFL);
	setenv("PS1", "sprout# ", 1);
	execl(RESCUE_SHELL, "sh", "-i", (char *)NULL);
	_exit(127);
}

int rescue_shell(struct boot *b, const char *why)
{
	struct stat st;
	pid_t pid, w;

	if (!b->cfg.rd_shell) {
		log_err("%s; no rescue shell (rd.shell=0)", why);
		return -EPERM;
	}
	if (stat(RESCUE_SHELL, &st) < 0) {
		log_err("%s; this image has no rescue shell (build it with --shell /bin/busybox)", why);
		return -ENOENT;
	}
	install_applets();
	log_notice("%s", why);
	log_notice("rescue shell on the console: fix what is wrong, then 'exit' to carry on");
	pid = fork();
	if (pid < 0) {
		log_err("rescue: fork failed: %m");
		return -errno;
	}
	if (pid == 0)
		child_exec_shell();
	/* PID 1 also reaps orphans re-parented to it while the shell runs */
	do {
		w = waitpid(-1, NULL, 0);
	} while (w != pid && !(w < 0 && errno == ECHILD));
	log_info("rescue shell left; carrying on");
	return 0;
}

void rescue_halt(struct boot *b)
{
	if (b->cfg.panic_set && b->cfg.panic != 0) {
		if (b->cfg.panic > 0) {
			log_err("rebooting in %d s (panic=%d)", b->cfg.panic, b->cfg.panic);
			sleep((unsigned)b->cfg.panic);
		}
		sync();
		reboot(RB_AUTOBOOT);
	}
	log_err("boot stopped: nothing more to try (panic=N on the command line reboots instead)");
	for (;;)
		pause();
}
