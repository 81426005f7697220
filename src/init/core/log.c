/* log: lines to /dev/kmsg as "<level>sprout: ...", to the console when kmsg is absent
 * (before /dev is mounted, or in a unit test). One write per line so lines from
 * several writers never interleave. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


static int kmsg_fd = -1;
static bool debug_on;
static bool quiet_on;

void log_open(void)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return;
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = fd;
}

void log_set_debug(bool on)
{
	debug_on = on;
}

void log_set_quiet(bool on)
{
	quiet_on = on;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	int saved = errno;
	int head, len;
	va_list ap;

	if (level == LOG_DEBUG && !debug_on)
		return;
	head = snprintf(line, sizeof(line), "<%d>sprout: ", (int)level);
	va_start(ap, fmt);
	len = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	len += head;
	if (len > (int)sizeof(line) - 2) {
		/* An over-long message is marked, not silently cut. */
		len = (int)sizeof(line) - 5;
		memset(line + len, '.', 3);
		len += 3;
	}
	line[len++] = '\n';

	if (kmsg_fd >= 0 && write(kmsg_fd, line, (size_t)len) == len) {
		/* kmsg reaches the console by itself for levels below the console
		 * loglevel; quiet lowers that to 4, so warnings are repeated there. */
		if (!quiet_on || level != LOG_WARN)
			goto out;
	}
	{
		ssize_t w = write(STDERR_FILENO, line + 3, (size_t)len - 3);
		(void)w;
	}
out:
	errno = saved;
}
