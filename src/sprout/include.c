/* include: walking an --include directory. See include.h. */
#include "include.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/errmsg.h"

struct walk {
	include_fn fn;
	void *ctx;
	char *err;
	size_t errsz;
	size_t entries;
};

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int one(struct walk *w, const char *src, const char *dst, int depth);

static int children(struct walk *w, const char *src, const char *dst, int depth)
{
	struct dirent **names = NULL;
	int n = scandir(src, &names, NULL, by_name), r = 0;

	if (n < 0)
		return errmsg(w->err, w->errsz, -errno, "--include %s: %s (a directory is "
			      "included whole or not at all)", src, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char s[PATH_MAX], d[PATH_MAX];

		if (r == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			if ((size_t)snprintf(s, sizeof(s), "%s/%s", src, name) >= sizeof(s) ||
			    (size_t)snprintf(d, sizeof(d), "%s/%s", dst, name) >= sizeof(d))
				r = errmsg(w->err, w->errsz, -ENAMETOOLONG, "--include %s/%s: path "
					   "too long", src, name);
			else
				r = one(w, s, d, depth + 1);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

static int one(struct walk *w, const char *src, const char *dst, int depth)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int r;

	if (++w->entries > INCLUDE_MAX_ENTRIES)
		return errmsg(w->err, w->errsz, -E2BIG, "--include: more than %d files",
			      INCLUDE_MAX_ENTRIES);
	if (lstat(src, &st) < 0)
		return errmsg(w->err, w->errsz, -errno, "--include %s: %s", src, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		if (access(src, R_OK) < 0)
			return errmsg(w->err, w->errsz, -errno, "--include %s: %s", src,
				      strerror(errno));
		return w->fn(dst, S_IFREG | (st.st_mode & 07777), src, NULL, w->ctx);
	}
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return errmsg(w->err, w->errsz, -errno, "--include %s: %s", src,
				      strerror(errno));
		target[n] = '\0';
		return w->fn(dst, S_IFLNK | 0777, NULL, target, w->ctx);
	}
	if (!S_ISDIR(st.st_mode))
		return errmsg(w->err, w->errsz, -EINVAL, "--include %s: a device, fifo or socket "
			      "(only files, directories and symlinks are included)", src);
	if (depth > INCLUDE_MAX_DEPTH)
		return errmsg(w->err, w->errsz, -ELOOP, "--include %s: more than %d levels deep",
			      src, INCLUDE_MAX_DEPTH);
	r = w->fn(dst, S_IFDIR | (st.st_mode & 07777), NULL, NULL, w->ctx);
	return r < 0 ? r : children(w, src, dst, depth);
}

int include_dir(const char *dir, const char *dst, include_fn fn, void *ctx, char *err,
		size_t errsz)
{
	struct walk w = { fn, ctx, err, errsz, 0 };

	return one(&w, dir, dst, 0);
}
