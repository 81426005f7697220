/* devices: coldplug by walking /sys/devices, hotplug from kernel uevents.
 *
 * A coldplug pass first collects the modaliases it has not seen, then the set of
 * modules they ask for, and only then loads them, several at a time (modload_many):
 * the set is known whole before the first load, so the passes stay what they were
 * one at a time, only shorter. */
#include "devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define MODALIAS_MAX 4096 /* a sysfs attribute is at most a page */

/* A set of strings (open addressing), for the modaliases already looked at. */
struct aset {
	char **slot;
	size_t size, n;
};

struct walk {
	struct modload *ml;
	struct aset seen;
	const char **fresh; /* modaliases new in this pass */
	size_t nfresh, capfresh;
	struct modload_job *want; /* .why: the first modalias that asked for the module */
	size_t nwant, capwant;
	const char *alias;  /* being resolved */
	unsigned devices, skipped;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static int push(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, c * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static void aset_put(char **slot, size_t size, char *s)
{
	size_t i = hash(s) & (size - 1);
	while (slot[i])
		i = (i + 1) & (size - 1);
	slot[i] = s;
}

/* Adds s: returns the set's copy when new, NULL when already there (or on error,
 * with *err set). */
static const char *aset_add(struct aset *a, const char *s, int *err)
{
	if (a->size) {
		for (size_t i = hash(s) & (a->size - 1); a->slot[i]; i = (i + 1) & (a->size - 1))
			if (!strcmp(a->slot[i], s))
				return NULL;
	}
	if (a->n >= DEVICES_MAX_ALIASES) {
		*err = -E2BIG;
		return NULL;
	}
	if ((a->n + 1) * 2 > a->size) {
		size_t size = a->size ? a->size * 2 : 256;
		char **slot = calloc(size, sizeof(*slot));
		if (!slot) {
			*err = -ENOMEM;
			return NULL;
		}
		for (size_t i = 0; i < a->size; i++)
			if (a->slot[i])
				aset_put(slot, size, a->slot[i]);
		free(a->slot);
		a->slot = slot;
		a->size = size;
	}
	char *copy = strdup(s);
	if (!copy) {
		*err = -ENOMEM;
		return NULL;
	}
	aset_put(a->slot, a->size, copy);
	a->n++;
	return copy;
}

static void aset_free(struct aset *a)
{
	for (size_t i = 0; i < a->size; i++)
		free(a->slot[i]);
	free(a->slot);
}

/* --- the walk ------------------------------------------------------------------------ */

static int read_modalias(struct walk *w, int dfd)
{
	char buf[MODALIAS_MAX];
	int fd = openat(dfd, "modalias", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(buf)) {
		w->skipped++;
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if ((unsigned char)buf[i] < ' ') {
			w->skipped++;
			return 0;
		}
	}
	buf[n] = '\0';
	w->devices++;
	int err = 0;
	const char *copy = aset_add(&w->seen, buf, &err);
	if (err == -E2BIG) {
		w->skipped++;
		return 0;
	}
	if (!copy)
		return err;
	if (push((void **)&w->fresh, &w->capfresh, w->nfresh, sizeof(*w->fresh)) < 0)
		return -ENOMEM;
	w->fresh[w->nfresh++] = copy;
	return 0;
}

static bool is_dir(DIR *d, const struct dirent *de)
{
	struct stat st;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Takes ownership of fd. Symlinks are never followed: sysfs links every device
 * from many places, the tree under /sys/devices holds each once. */
static int walk_dir(struct walk *w, int fd, int depth)
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	struct dirent *de;
	int r = 0;
	while (!r && (de = readdir(d))) {
		const char *n = de->d_name;
		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		if (!strcmp(n, "modalias")) {
			r = read_modalias(w, dirfd(d));
		} else if (is_dir(d, de)) {
			if (depth + 1 >= DEVICES_MAX_DEPTH) {
				w->skipped++;
				continue;
			}
			int sub = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				r = walk_dir(w, sub, depth + 1);
		}
	}
	closedir(d);
	return r;
}

static int want_one(const char *module, void *p)
{
	struct walk *w = p;
	if (!modload_wanted(w->ml, module))
		return 0;
	for (size_t i = 0; i < w->nwant; i++)
		if (!strcmp(w->want[i].module, module))
			return 0;
	if (push((void **)&w->want, &w->capwant, w->nwant, sizeof(*w->want)) < 0)
		return -ENOMEM;
	/* several drivers for one device: the first the index names that accepts it
	 * gets it, as when they were loaded one by one */
	bool same = w->nwant > 0 && w->want[w->nwant - 1].why == w->alias;
	w->want[w->nwant++] = (struct modload_job){ module, w->alias, same };
	return 0;
}

/* One pass: the new modaliases, the modules they want, then the loading.
 * Returns the number of modules loaded, or -errno. */
static int pass(struct walk *w, const char *root)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/devices", root);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w->nfresh = w->nwant = 0;
	w->devices = w->skipped = 0;
	int r = walk_dir(w, fd, 0);
	for (size_t i = 0; i < w->nfresh && !r; i++) {
		w->alias = w->fresh[i];
		r = modindex_lookup(w->ml->idx, w->alias, want_one, w);
	}
	if (r < 0)
		return r;
	int loaded = modload_many(w->ml, w->want, w->nwant, DEVICES_LOAD_THREADS);
	if (loaded < 0)
		return loaded;
	log_debug("coldplug: %u devices with a modalias, %zu new modaliases, %zu modules wanted, "
		  "%d loaded, %u entries skipped", w->devices, w->nfresh, w->nwant, loaded, w->skipped);
	return loaded;
}

int devices_coldplug_at(struct modload *ml, const char *root)
{
	struct walk w = { .ml = ml };
	int total = 0, r = 0;
	if (!ml->idx)
		return -EINVAL;
	for (int i = 0; i < DEVICES_MAX_PASSES; i++) {
		r = pass(&w, root);
		if (r <= 0)
			break;
		total += r;
	}
	aset_free(&w.seen);
	free(w.fresh);
	free(w.want);
	return r < 0 ? r : total;
}

int devices_coldplug(struct modload *ml)
{
	return devices_coldplug_at(ml, ml->sysfs ? ml->sysfs : "/sys");
}

/* --- hotplug ----------------------------------------------------------------------- */

int devices_uevent_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	int size = DEVICES_RCVBUF;
	/* FORCE passes the rmem_max limit (we are root); the plain one is the fallback */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int devices_uevent_read(int fd, struct uevent *ev)
{
	char buf[UEVENT_MAX_MSG];
	ev->action[0] = ev->modalias[0] = '\0'; /* an empty event unless one is read */
	for (;;) {
		struct sockaddr_nl sa = { 0 };
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			return e == EAGAIN || e == EWOULDBLOCK ? 0 : -e;
		}
		/* only the kernel (port 0) speaks on group 1; anything else is forged */
		if (sa.nl_pid != 0 || (msg.msg_flags & MSG_TRUNC))
			continue;
		if (uevent_parse(buf, (size_t)n, ev) == 0)
			return 1;
	}
}

int devices_uevent_apply(struct modload *ml, const struct uevent *ev)
{
	if (strcmp(ev->action, "add") != 0 || !ev->modalias[0])
		return 0;
	int r = modload_alias(ml, ev->modalias);
	return r == -ENOENT ? 0 : r;
}

int devices_uevent_handle(struct modload *ml, int fd)
{
	struct uevent ev;
	int total = 0;
	for (;;) {
		int r = devices_uevent_read(fd, &ev);
		if (r == 0)
			return total;
		if (r == -ENOBUFS) {
			log_warn("devices: kernel events were lost (socket overflow); walking %s again",
				 ml->sysfs ? ml->sysfs : "/sys");
			r = devices_coldplug(ml);
			total += r > 0 ? r : 0;
			continue;
		}
		if (r < 0)
			return r;
		r = devices_uevent_apply(ml, &ev);
		total += r > 0 ? r : 0;
	}
}
