/* elfdeps: interpreter and shared library closure of binaries. See elfdeps.h. */
#include "elfdeps.h"

#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/readfile.h"

struct elfdeps_seen {
	dev_t dev;
	ino_t ino;
	size_t item;
};

/* Where ld.so looks when no RPATH/RUNPATH names the library (Debian's glibc
 * searches the multiarch directories before the classic ones). */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib",
	"/usr/lib",
};

/* --- the closure ------------------------------------------------------------------ */

void elfdeps_init(struct elfdeps *d)
{
	memset(d, 0, sizeof(*d));
}

void elfdeps_free(struct elfdeps *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].path);
		free(d->items[i].src);
		free(d->items[i].link);
	}
	free(d->items);
	free(d->seen);
	memset(d, 0, sizeof(*d));
}

static ssize_t item_find(const struct elfdeps *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].path, path))
			return (ssize_t)i;
	return -1;
}

static int item_push(struct elfdeps *d, const char *path, const char *src, const char *link,
		     unsigned mode)
{
	struct elfdeps_item *it;

	if (d->n == ELFDEPS_MAX_ITEMS)
		return -E2BIG;
	if (array_grow((void **)&d->items, &d->cap, d->n + 1, sizeof(*d->items),
		       ELFDEPS_MAX_ITEMS) < 0)
		return -ENOMEM;
	it = &d->items[d->n];
	memset(it, 0, sizeof(*it));
	it->mode = mode;
	it->path = strdup(path);
	it->src = src ? strdup(src) : NULL;
	it->link = link ? strdup(link) : NULL;
	if (!it->path || (src && !it->src) || (link && !it->link)) {
		free(it->path);
		free(it->src);
		free(it->link);
		return -ENOMEM;
	}
	d->n++;
	return 0;
}

static int seen_push(struct elfdeps *d, const struct stat *st, size_t item)
{
	/* one entry per stored item at most */
	int r = array_grow((void **)&d->seen, &d->cap_seen, d->n_seen + 1, sizeof(*d->seen),
			   ELFDEPS_MAX_ITEMS);

	if (r < 0)
		return r;
	d->seen[d->n_seen++] = (struct elfdeps_seen){ st->st_dev, st->st_ino, item };
	return 0;
}

static ssize_t seen_find(const struct elfdeps *d, const struct stat *st)
{
	for (size_t i = 0; i < d->n_seen; i++)
		if (d->seen[i].dev == st->st_dev && d->seen[i].ino == st->st_ino)
			return (ssize_t)d->seen[i].item;
	return -1;
}

static int join(char *out, size_t outsz, const char *dir, const char *name)
{
	int n = snprintf(out, outsz, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : 0;
}

/* The host file a lookup path names, with its directory's symlinks resolved but
 * its last component left alone (so a file symlink stays visible to lstat). */
static int host_of(const char *path, char *host, size_t hostsz)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t dl = (size_t)(slash - path);

	if (dl >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	if (!realpath(dl ? dir : "/", real))
		return -errno;
	return join(host, hostsz, strcmp(real, "/") ? real : "", slash + 1);
}

/* Puts the object that lookup path `lpath` names into the image at that path,
 * following file symlinks as described in elfdeps.h. *fresh tells whether a new
 * file was stored (item index in *item): only new files need scanning. */
static int place(struct elfdeps *d, const char *lpath, size_t *item, bool *fresh)
{
	char cur[PATH_MAX], host[PATH_MAX], next[PATH_MAX + 1];
	struct stat st;
	ssize_t at;
	int r;

	*fresh = false;
	r = elfdeps_normalize(lpath, cur, sizeof(cur));
	for (int hop = 0; r == 0; hop++) {
		if (hop > ELFDEPS_MAX_LINKS)
			return -ELOOP;
		if (item_find(d, cur) >= 0)
			return 0;
		r = host_of(cur, host, sizeof(host));
		if (r < 0)
			return r;
		if (lstat(host, &st) < 0)
			return -errno;
		if (S_ISREG(st.st_mode)) {
			at = seen_find(d, &st);
			if (at >= 0)
				return item_push(d, cur, NULL, d->items[at].path, 0);
			r = item_push(d, cur, host, NULL, st.st_mode & 0755);
			if (r == 0)
				r = seen_push(d, &st, d->n - 1);
			*item = d->n - 1;
			*fresh = r == 0;
			return r;
		}
		if (!S_ISLNK(st.st_mode))
			return -EINVAL;
		ssize_t n = readlink(host, next, sizeof(next));
		if (n < 0)
			return -errno;
		if ((size_t)n >= sizeof(next) - 1)
			return -ENAMETOOLONG;
		next[n] = '\0';
		if (!strchr(next, '/') && strcmp(next, ".") != 0 && strcmp(next, "..") != 0) {
			/* libz.so.1 -> libz.so.1.2.13: the same link, the same directory */
			char *slash = strrchr(cur, '/');

			r = item_push(d, cur, NULL, next, 0);
			*slash = '\0';
			if (r == 0)
				r = join(host, sizeof(host), cur, next);
		} else {
			if (!realpath(host, next))
				return -errno;
			r = item_push(d, cur, NULL, next, 0);
			if (r == 0)
				r = join(host, sizeof(host), "", next + 1);
		}
		if (r == 0)
			r = elfdeps_normalize(host, cur, sizeof(cur));
	}
	return r;
}

/* True when the host file at path is an ELF object of the given class and machine
 * (ld.so skips a 32-bit libc.so.6 found first in /lib, so we do too). */
static bool fits(const char *path, int elf_class, unsigned machine)
{
	unsigned char h[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	unsigned m;

	if (fd < 0)
		return false;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0 || h[EI_CLASS] != elf_class)
		return false;
	m = h[EI_DATA] == ELFDATA2MSB ? (unsigned)(h[18] << 8 | h[19]) : (unsigned)(h[19] << 8 | h[18]);
	return m == machine;
}

/* One DT_RUNPATH/DT_RPATH entry with $ORIGIN replaced by `origin`. Entries with
 * other dynamic string tokens ($LIB, $PLATFORM) or empty ones are skipped (0). */
static int expand_dir(const char *ent, size_t n, const char *origin, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		const char *tok = NULL;
		size_t skip = 0;

		if (ent[i] == '$') {
			if (n - i >= 7 && !memcmp(ent + i, "$ORIGIN", 7))
				tok = origin, skip = 7;
			else if (n - i >= 9 && !memcmp(ent + i, "${ORIGIN}", 9))
				tok = origin, skip = 9;
			else
				return 0;
		}
		if (tok) {
			size_t tl = strlen(tok);

			if (o + tl >= outsz)
				return -ENAMETOOLONG;
			memcpy(out + o, tok, tl);
			o += tl;
			i += skip;
		} else {
			if (o + 1 >= outsz)
				return -ENAMETOOLONG;
			out[o++] = ent[i++];
		}
	}
	out[o] = '\0';
	return o > 0 && out[0] == '/' ? 1 : 0;
}

/* Tries each directory of a ':' list; 1 when found (full lookup path in out). */
static int search_list(const char *list, const char *origin, const char *name,
		       const struct elfdeps_info *exe, char *out, size_t outsz)
{
	char dir[PATH_MAX], cand[PATH_MAX];

	for (const char *p = list; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		int r = expand_dir(p, n, origin, dir, sizeof(dir));

		if (r < 0)
			return r;
		if (r > 0 && join(cand, sizeof(cand), dir, name) == 0 &&
		    elfdeps_normalize(cand, out, outsz) == 0 && fits(out, exe->elf_class, exe->machine))
			return 1;
		p = colon ? colon + 1 : p + n;
	}
	return 0;
}

static int find_needed(const char *name, const struct elfdeps_info *obj, const char *origin,
		       const struct elfdeps_info *exe, char *out, size_t outsz)
{
	int r = 0;

	if (strchr(name, '/'))
		return name[0] == '/' && elfdeps_normalize(name, out, outsz) == 0 ? 1 : 0;
	if (!obj->runpath && obj->rpath)
		r = search_list(obj->rpath, origin, name, exe, out, outsz);
	if (r == 0 && obj != exe && !exe->runpath && exe->rpath)
		r = search_list(exe->rpath, origin, name, exe, out, outsz);
	if (r == 0 && obj->runpath)
		r = search_list(obj->runpath, origin, name, exe, out, outsz);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(default_dirs); i++)
		r = search_list(default_dirs[i], "", name, exe, out, outsz);
	return r;
}

static void set_err(char *err, size_t errsz, const char *what, const char *path, int r)
{
	if (errsz)
		snprintf(err, errsz, "%s %s: %s", what, path, strerror(-r));
}

/* Reads and parses the stored file at item index i (its host source). */
static int scan(struct elfdeps *d, size_t i, struct elfdeps_info *info, char *err, size_t errsz)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(info, 0, sizeof(*info));
	r = readfile_at(AT_FDCWD, d->items[i].src, ELFDEPS_MAX_FILE, &buf, &len);
	if (r == 0) {
		r = elfdeps_parse((const uint8_t *)buf, len, info);
		free(buf);
	}
	if (r < 0)
		set_err(err, errsz, "reading", d->items[i].src, r);
	return r;
}

/* Stores the libraries `obj` (stored as item oi) needs; newly stored ones are
 * appended to queue. */
static int add_needed(struct elfdeps *d, size_t oi, const struct elfdeps_info *obj,
		      const struct elfdeps_info *exe, size_t *queue, size_t *nq, char *err,
		      size_t errsz)
{
	char origin[PATH_MAX], found[PATH_MAX];
	const char *slash = strrchr(d->items[oi].path, '/');
	size_t ol = (size_t)(slash - d->items[oi].path);

	memcpy(origin, d->items[oi].path, ol);
	origin[ol] = '\0';
	for (size_t k = 0; k < obj->n_needed; k++) {
		size_t item;
		bool fresh;
		int r = find_needed(obj->needed[k], obj, origin, exe, found, sizeof(found));

		if (r == 0) {
			if (errsz)
				snprintf(err, errsz, "%s (needed by %s): not found in its RUNPATH/RPATH "
					 "or /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 "
					 "/lib /usr/lib", obj->needed[k], d->items[oi].path);
			return -ENOENT;
		}
		if (r > 0)
			r = place(d, found, &item, &fresh);
		if (r < 0) {
			set_err(err, errsz, "adding", found, r);
			return r;
		}
		if (fresh) {
			if (*nq == ELFDEPS_MAX_ITEMS)
				return -E2BIG;
			queue[(*nq)++] = item;
		}
	}
	return 0;
}

static int add_closure(struct elfdeps *d, size_t first, char *err, size_t errsz)
{
	struct elfdeps_info exe, obj;
	size_t *queue = malloc(ELFDEPS_MAX_ITEMS * sizeof(*queue));
	size_t nq = 0, item;
	bool fresh;
	int r;

	if (!queue)
		return -ENOMEM;
	r = scan(d, first, &exe, err, errsz);
	if (r == -ENOEXEC) {
		if (errsz)
			err[0] = '\0';
		r = 0; /* a script or data file: copied, nothing to follow */
		goto out;
	}
	if (r == 0 && exe.interp) {
		r = exe.interp[0] == '/' ? place(d, exe.interp, &item, &fresh) : -EINVAL;
		if (r < 0)
			set_err(err, errsz, "adding the interpreter", exe.interp, r);
	}
	if (r == 0)
		r = add_needed(d, first, &exe, &exe, queue, &nq, err, errsz);
	for (size_t q = 0; r == 0 && q < nq; q++) {
		r = scan(d, queue[q], &obj, err, errsz);
		if (r == 0)
			r = add_needed(d, queue[q], &obj, &exe, queue, &nq, err, errsz);
		elfdeps_info_free(&obj);
	}
	elfdeps_info_free(&exe);
out:
	free(queue);
	return r;
}

int elfdeps_add(struct elfdeps *d, const char *src, const char *dst, char *err, size_t errsz)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t at;
	int r;

	if (errsz)
		err[0] = '\0';
	r = elfdeps_normalize(dst ? dst : src, path, sizeof(path));
	if (r < 0) {
		if (errsz)
			snprintf(err, errsz, "%s: %s", dst ? dst : src,
				 r == -EINVAL ? "expected an absolute path (without \"..\" above /)"
					      : strerror(-r));
		return r;
	}
	r = stat(src, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (r < 0) {
		set_err(err, errsz, "binary", src, r);
		return r;
	}
	at = item_find(d, path);
	if (at >= 0) {
		struct stat old;

		if (d->items[at].src && stat(d->items[at].src, &old) == 0 &&
		    old.st_dev == st.st_dev && old.st_ino == st.st_ino)
			return 0;
		if (errsz)
			snprintf(err, errsz, "%s: two different files want this image path", path);
		return -EEXIST;
	}
	r = item_push(d, path, src, NULL, (st.st_mode & 0755) | 0111);
	if (r < 0) {
		set_err(err, errsz, "adding", src, r);
		return r;
	}
	/* Not recorded in seen: a binary placed under another name (busybox at
	 * /bin/busybox) must not turn a library lookup into a link to it. */
	return add_closure(d, d->n - 1, err, errsz);
}

int elfdeps_add_library(struct elfdeps *d, const char *user, const char *name, char *err,
			size_t errsz)
{
	struct elfdeps_info exe;
	char lname[ELFDEPS_MAX_STR], *needed[1] = { lname };
	struct elfdeps_info lib = { .needed = needed, .n_needed = 1 };
	size_t *queue, nq = 0;
	ssize_t at = item_find(d, user);
	int r;

	if (errsz)
		err[0] = '\0';
	if (strlen(name) >= sizeof(lname)) {
		if (errsz)
			snprintf(err, errsz, "%.64s...: name too long", name);
		return -ENAMETOOLONG;
	}
	memcpy(lname, name, strlen(name) + 1);
	if (at < 0 || !d->items[at].src) {
		if (errsz)
			snprintf(err, errsz, "%s: not in the image (add it first)", user);
		return -ENOENT;
	}
	queue = malloc(ELFDEPS_MAX_ITEMS * sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	r = scan(d, (size_t)at, &exe, err, errsz);
	if (r == 0) {
		lib.elf_class = exe.elf_class;
		lib.machine = exe.machine;
		r = add_needed(d, (size_t)at, &lib, &exe, queue, &nq, err, errsz);
	}
	for (size_t q = 0; r == 0 && q < nq; q++) {
		struct elfdeps_info obj;

		r = scan(d, queue[q], &obj, err, errsz);
		if (r == 0)
			r = add_needed(d, queue[q], &obj, &exe, queue, &nq, err, errsz);
		elfdeps_info_free(&obj);
	}
	elfdeps_info_free(&exe);  /* scan leaves it empty on failure */
	free(queue);
	return r;
}
