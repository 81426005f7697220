#include "base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads to the end of fd into *buf (capacity *cap), never more than max bytes. */
static int read_all(int fd, size_t max, char **buf, size_t *cap, size_t *got)
{
	for (;;) {
		if (*got == *cap) {
			size_t n = *cap < 4096 ? 4096 : *cap * 2;
			char *p;

			if (*cap > max)
				return -EFBIG;
			if (n > max + 1)
				n = max + 1;
			p = realloc(*buf, n + 1);
			if (!p)
				return -ENOMEM;
			*buf = p;
			*cap = n;
		}
		ssize_t k = read(fd, *buf + *got, *cap - *got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return 0;
		*got += (size_t)k;
		if (*got > max)
			return -EFBIG;
	}
}

int readfile_at(int dirfd, const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t cap = 0, got = 0;
	int fd, r = 0;

	*out = NULL;
	*len = 0;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_size > 0) {
		/* The size is a hint only: sysfs says PAGE_SIZE for a few bytes (4K, 16K or 64K
		 * pages), so what counts is what is read, never more than max + 1 bytes. One byte
		 * more than the size, to see a file that grew. */
		cap = ((unsigned long long)st.st_size < max ? (size_t)st.st_size : max) + 1;
		buf = malloc(cap + 1);
		if (!buf)
			r = -ENOMEM;
	}
	if (!r)
		r = read_all(fd, max, &buf, &cap, &got);
	close(fd);
	if (!r && !buf)
		buf = malloc(1);
	if (!r && !buf)
		r = -ENOMEM;
	if (r) {
		free(buf);
		return r;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}
