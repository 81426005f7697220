/* inroot: RESOLVE_IN_ROOT, with a walk for kernels before openat2. */
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Replaces *cur by next (closing the old one unless it is the root). */
static void step_to(int *cur, int next, int rootfd)
{
	if (*cur != rootfd)
		close(*cur);
	*cur = next;
}

/* The path still to walk is rest (empty, or starting with '/'); a symlink's target
 * goes in front of it. */
static int splice_link(int fd, char *rest, size_t size)
{
	char target[PATH_MAX];
	ssize_t k = readlinkat(fd, "", target, sizeof(target));
	size_t tail = strlen(rest);

	if (k < 0)
		return -errno;
	if (k == 0)
		return -ENOENT; /* an empty target names nothing */
	if ((size_t)k >= sizeof(target) || (size_t)k + tail + 1 > size)
		return -ENAMETOOLONG;
	memmove(rest + k, rest, tail + 1);
	memcpy(rest, target, (size_t)k);
	return 0;
}

/* One component at a time, O_NOFOLLOW; symlinks are read and spliced into the rest of
 * the path, an absolute one restarting from the root; ".." never leaves the root. */
static int walk(int rootfd, const char *path)
{
	char rest[2 * PATH_MAX], name[NAME_MAX + 1];
	int cur = rootfd, links = 0, rc;
	size_t pos = 0;

	if (!path[0])
		return -ENOENT;
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(rest, path, strlen(path) + 1);
	for (;;) {
		size_t len;
		int fd;
		struct stat st;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos])
			break;
		len = strcspn(rest + pos, "/");
		if (len > NAME_MAX) {
			rc = -ENAMETOOLONG;
			goto fail;
		}
		memcpy(name, rest + pos, len);
		name[len] = '\0';
		pos += len;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..") && (cur == rootfd || same_file(cur, rootfd)))
			continue; /* the root's parent is the root */
		fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			rc = -errno;
			if (fd >= 0)
				close(fd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			memmove(rest, rest + pos, strlen(rest + pos) + 1);
			pos = 0;
			rc = ++links > INROOT_MAX_LINKS ? -ELOOP : splice_link(fd, rest, sizeof(rest));
			close(fd);
			if (rc < 0)
				goto fail;
			if (rest[0] == '/')
				step_to(&cur, rootfd, rootfd);
			continue;
		}
		if (rest[pos] && !S_ISDIR(st.st_mode)) {
			close(fd);
			rc = -ENOTDIR;
			goto fail;
		}
		step_to(&cur, fd, rootfd);
	}
	if (cur == rootfd) {
		cur = openat(rootfd, ".", O_PATH | O_CLOEXEC);
		return cur < 0 ? -errno : cur;
	}
	return cur;
fail:
	if (cur != rootfd)
		close(cur);
	return rc;
}

int inroot_open(int rootfd, const char *path, bool force_walk)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int fd;

	if (!force_walk) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS)
			return -errno;
	}
	return walk(rootfd, path);
}
