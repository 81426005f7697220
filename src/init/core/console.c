/* console: fds 0-2 on /dev/console. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

int console_attach(bool ctty)
{
	int fd = open(CONSOLE_PATH, O_RDWR | O_CLOEXEC | (ctty ? 0 : O_NOCTTY));

	if (fd < 0)
		return -errno;
	if (ctty && ioctl(fd, TIOCSCTTY, 1) < 0) {
		/* no controlling terminal: the shell still runs, without job control */
	}
	for (int i = 0; i < 3; i++) {
		if (fd == i)
			fcntl(fd, F_SETFD, 0); /* dup2 onto itself would keep close-on-exec */
		else
			dup2(fd, i);
	}
	if (fd > 2)
		close(fd);
	return 0;
}
