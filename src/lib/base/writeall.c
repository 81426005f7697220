#include "base/writeall.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

int write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		/* one write(2) moves at most about 2 GiB: ask for 1 GiB at a time */
		ssize_t n = write(fd, b, len > ((size_t)1 << 30) ? (size_t)1 << 30 : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}
