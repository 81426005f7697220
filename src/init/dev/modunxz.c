/* modunxz: a .ko.xz decoded into a memfd, then finit_module. See modunxz.h. */
#include "modunxz.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/writeall.h"
#include "log.h"
#include "modxz.h"

#define IN_CHUNK ((size_t)16 << 10)

/* One decoder at a time, whichever thread or modload asks. */
static pthread_mutex_t decoding = PTHREAD_MUTEX_INITIALIZER;

static int to_memfd(const uint8_t *buf, size_t len, void *ctx)
{
	return write_all(*(int *)ctx, buf, len);
}

int modunxz_decode_fd(int fd, int out, char *msg, size_t msgsz)
{
	struct modxz *d = modxz_new(MODXZ_MAX_OUT);
	uint8_t *in = malloc(IN_CHUNK);
	int r = d && in ? 0 : -ENOMEM;

	snprintf(msg, msgsz, "%s", r ? "out of memory" : "");
	while (r == 0) {
		ssize_t n = read(fd, in, IN_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			snprintf(msg, msgsz, "reading it: %s", strerror(errno));
			break;
		}
		r = modxz_feed(d, in, (size_t)n, n == 0, to_memfd, &out);
		if (r < 0)
			snprintf(msg, msgsz, "%s", modxz_error(d));
		if (n == 0)
			break;
	}
	modxz_free(d);
	free(in);
	return r;
}

int modunxz_load(int fd, const char *name, const char *path, const char *params)
{
	char memname[64], msg[200], esc[512];
	int memfd, r;

	snprintf(memname, sizeof(memname), "%s.ko", name);
	memfd = memfd_create(memname, MFD_CLOEXEC);
	if (memfd < 0) {
		r = -errno;
		log_warn("module %s (%s): cannot make a memory file to decode it into: %s", name,
			 escape_str(path, esc, sizeof(esc)), strerror(-r));
		return r;
	}
	pthread_mutex_lock(&decoding);
	r = modunxz_decode_fd(fd, memfd, msg, sizeof(msg));
	pthread_mutex_unlock(&decoding);
	if (r < 0) {
		log_warn("module %s: cannot decode %s: %s", name, escape_str(path, esc, sizeof(esc)),
			 msg);
		close(memfd);
		return r;
	}
	r = syscall(SYS_finit_module, memfd, params, 0) < 0 ? -errno : 0;
	close(memfd);
	return r;
}
