/* passphrase: read a line from the console with echo off. */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

static void say(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

/* Reads up to the end of the line; what does not fit in out[n] is dropped. */
static int read_line(int fd, char *out, size_t n)
{
	size_t len = 0;
	bool over = false;

	for (;;) {
		char c;
		ssize_t k = read(fd, &c, 1);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0) {
			if (len == 0 && !over)
				return -ENODATA;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (len + 1 < n)
			out[len++] = c;
		else
			over = true;
	}
	out[len] = '\0';
	return over ? -ENAMETOOLONG : (int)len;
}

int passphrase_read(const char *prompt, char *out, size_t n)
{
	return passphrase_read_at(CONSOLE_PATH, prompt, out, n);
}

int passphrase_read_at(const char *path, const char *prompt, char *out, size_t n)
{
	struct termios old, quiet;
	bool tty;
	int fd, r;

	if (n < 2)
		return -EINVAL;
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	tty = tcgetattr(fd, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		quiet.c_lflag |= ICANON;
		quiet.c_iflag |= ICRNL;
		tcsetattr(fd, TCSAFLUSH, &quiet); /* also drops what was typed before the prompt */
	}
	say(fd, prompt);
	r = read_line(fd, out, n);
	if (tty)
		tcsetattr(fd, TCSAFLUSH, &old);
	say(fd, "\n");
	close(fd);
	if (r < 0)
		explicit_bzero(out, n);
	return r;
}
