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

#include "base/array.h"
#include "base/escape.h"
#include "base/hash.h"
#include "devrules_apply.h"
#include "log.h"
#include "modalias_kind.h"
#include "timeline.h"

#define MODALIAS_MAX 4096 /* a sysfs attribute is at most a page */

/* A set of strings (open addressing), for the modaliases already looked at. */
struct aset {
	char **slot;
	size_t size, n;
};

/* A modalias new in this pass, and where the first device with it is. */
struct fresh {
	const char *alias;  /* the seen set's copy */
	char *devpath;      /* under the walked root: "/devices/..." */
};

struct walk {
	struct devices *dv;
	struct aset seen;
	struct fresh *fresh;
	size_t nfresh, capfresh;
	struct modload_job *want; /* .why: the first modalias that asked for the module */
	size_t nwant, capwant;
	const char *alias;  /* being resolved */
	unsigned matched;   /* modules of the image matching it */
	unsigned devices, skipped;
	char path[PATH_MAX]; /* the directory being walked, under the root */
	size_t plen;
};

static void aset_put(char **slot, size_t size, char *s)
{
	size_t i = hash_str(s) & (size - 1);
	while (slot[i])
		i = (i + 1) & (size - 1);
	slot[i] = s;
}

/* Adds s: returns the set's copy when new, NULL when already there (or on error,
 * with *err set). */
static const char *aset_add(struct aset *a, const char *s, int *err)
{
	if (a->size) {
		for (size_t i = hash_str(s) & (a->size - 1); a->slot[i]; i = (i + 1) & (a->size - 1))
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
	int r = array_grow((void **)&w->fresh, &w->capfresh, w->nfresh + 1, sizeof(*w->fresh),
			   DEVICES_MAX_ALIASES);
	if (r < 0)
		return r;
	char *devpath = strdup(w->path);
	if (!devpath)
		return -ENOMEM;
	w->fresh[w->nfresh++] = (struct fresh){ copy, devpath };
	return 0;
}

static void drop_fresh(struct walk *w)
{
	for (size_t i = 0; i < w->nfresh; i++)
		free(w->fresh[i].devpath);
	w->nfresh = 0;
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
			size_t len = strlen(n), plen = w->plen;
			if (depth + 1 >= DEVICES_MAX_DEPTH || plen + 1 + len >= sizeof(w->path)) {
				w->skipped++;
				continue;
			}
			int sub = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			w->path[plen] = '/';
			memcpy(w->path + plen + 1, n, len + 1);
			w->plen = plen + 1 + len;
			r = walk_dir(w, sub, depth + 1);
			w->path[plen] = '\0';
			w->plen = plen;
		}
	}
	closedir(d);
	return r;
}

static int want_one(const char *module, void *p)
{
	struct walk *w = p;
	w->matched++;
	if (modload_refused(w->dv->ml, module, w->alias) || !modload_wanted(w->dv->ml, module))
		return 0;
	for (size_t i = 0; i < w->nwant; i++)
		if (!strcmp(w->want[i].module, module))
			return 0;
	int r = array_grow((void **)&w->want, &w->capwant, w->nwant + 1, sizeof(*w->want),
			   MODINDEX_MAX_MODULES);
	if (r < 0)
		return r;
	/* several drivers for one device: the first the index names that accepts it
	 * gets it, as when they were loaded one by one */
	bool same = w->nwant > 0 && w->want[w->nwant - 1].why == w->alias;
	w->want[w->nwant++] = (struct modload_job){ module, w->alias, same };
	return 0;
}

/* --- root first: which devices wait ---------------------------------------------------- */

/* Adds (devpath, modalias) to a list of such pairs unless it is there; past max only
 * counts it in *dropped (NULL: -E2BIG). 0, -EINVAL (empty), -ENOMEM, -E2BIG. */
static int pair_add(struct devices_nodriver **list, size_t *n, size_t *cap, size_t max,
		    unsigned *dropped, const char *devpath, const char *modalias)
{
	if (!devpath[0] || !modalias[0])
		return -EINVAL;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i].devpath, devpath) && !strcmp((*list)[i].modalias, modalias))
			return 0;
	if (*n >= max) {
		if (!dropped)
			return -E2BIG;
		(*dropped)++;
		return 0;
	}
	int r = array_grow((void **)list, cap, *n + 1, sizeof(**list), max);
	if (r < 0)
		return r;
	char *p = strdup(devpath), *a = strdup(modalias);
	if (!p || !a) {
		free(p);
		free(a);
		return -ENOMEM;
	}
	(*list)[(*n)++] = (struct devices_nodriver){ p, a };
	return 0;
}

static void pairs_free(struct devices_nodriver *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].devpath);
		free(list[i].modalias);
	}
	free(list);
}

/* The image's modules for one modalias: the first, and whether the command line names
 * any of them (MODULE.PARAM=: the user configured it, so it is not kept back). */
struct named {
	const struct modload *ml;
	const char *first;
	bool named;
};

static int named_one(const char *module, void *p)
{
	struct named *n = p;
	char params[8];

	if (!n->first)
		n->first = module;
	if (n->ml->cmdline && modload_params(n->ml->cmdline, n->ml->cmdline_len, module, params,
					     sizeof(params)) != 0)
		n->named = true; /* -E2BIG too: options were there */
	return 0;
}

/* Does the device's driver wait (root first)? 1 kept for later, 0 load it now, -errno.
 * A device no module of the image matches is not kept: the caller notes it as before. */
static int hold(struct devices *dv, const char *devpath, const char *alias)
{
	struct named n = { dv->ml, NULL, false };

	if (!dv->defer)
		return 0;
	if (modalias_first(alias, dv->needs)) {
		const struct modalias_kind *k = modalias_kind(alias);
		if (k && k->storage)
			dv->storage_first = true;
		return 0;
	}
	int r = modindex_lookup(dv->ml->idx, alias, named_one, &n);
	if (r < 0)
		return r;
	if (!n.first || n.named)
		return 0;
	r = pair_add(&dv->deferred, &dv->ndeferred, &dv->capdeferred, DEVICES_MAX_NODRIVER, NULL,
		     devpath, alias);
	return r == -E2BIG ? 0 : r < 0 ? r : 1; /* too many to keep: loaded now */
}

/* A `defer` timeline event for one kept device, from when deferring began to now. */
static void defer_event(const struct devices *dv, const struct devices_nodriver *d,
			const char *outcome, const char *key, const char *value)
{
	struct named n = { dv->ml, NULL, false };
	const struct modalias_kind *k = modalias_kind(d->modalias);

	modindex_lookup(dv->ml->idx, d->modalias, named_one, &n);
	timeline_event("defer", n.first ? n.first : d->modalias, dv->defer_ns, outcome, "by",
		       d->modalias, "what", k ? k->what : NULL, key, value, TL_END);
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
	w->nwant = 0;
	w->devices = w->skipped = 0;
	memcpy(w->path, "/devices", sizeof("/devices"));
	w->plen = strlen(w->path);
	int r = walk_dir(w, fd, 0);
	for (size_t i = 0; i < w->nfresh && !r; i++) {
		w->alias = w->fresh[i].alias;
		w->matched = 0;
		int h = hold(w->dv, w->fresh[i].devpath, w->alias);
		if (h) { /* kept for later (root first), or an error */
			r = h < 0 ? h : 0;
			continue;
		}
		r = modindex_lookup(w->dv->ml->idx, w->alias, want_one, w);
		/* only for a message: a failure to remember one does not fail the walk */
		if (!r && !w->matched)
			devices_note_nodriver(w->dv, w->fresh[i].devpath, w->alias);
	}
	drop_fresh(w);
	if (r < 0)
		return r;
	int loaded = modload_many(w->dv->ml, w->want, w->nwant, DEVICES_LOAD_THREADS);
	if (loaded < 0)
		return loaded;
	log_debug("coldplug: %u devices with a modalias, %zu new modaliases, %zu modules wanted, "
		  "%d loaded, %u entries skipped", w->devices, w->nfresh, w->nwant, loaded, w->skipped);
	return loaded;
}

void devices_init(struct devices *dv, struct modload *ml, const char *sysfs)
{
	memset(dv, 0, sizeof(*dv));
	dv->ml = ml;
	dv->sysfs = sysfs ? sysfs : "/sys";
}

void devices_free(struct devices *dv)
{
	pairs_free(dv->nodriver, dv->nnodriver);
	dv->nodriver = NULL;
	dv->nnodriver = dv->capnodriver = 0;
	dv->nodriver_dropped = 0;
	pairs_free(dv->deferred, dv->ndeferred);
	dv->deferred = NULL;
	dv->ndeferred = dv->capdeferred = 0;
}

/* Loads each module of the comma list `pre` by name, in order; how many went in. */
static int load_pre(struct devices *dv, const char *pre)
{
	char name[MODINDEX_MAX_NAME + 1], esc[ESCAPE_SIZE(MODINDEX_MAX_NAME)];
	int loaded = 0;
	for (const char *p = pre; *p; p += *p == ',') {
		size_t n = strcspn(p, ",");
		if (n == 0 || n > MODINDEX_MAX_NAME) {
			log_warn("devices: rd.driver.pre= holds an empty or over-long module name; "
				 "skipped");
			p += n;
			continue;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		int r = modload_module_for(dv->ml, name, "rd.driver.pre");
		if (r > 0)
			loaded++;
		else if (r == 0)
			log_info("devices: rd.driver.pre=%s: already in the kernel",
				 escape_str(name, esc, sizeof(esc)));
		else if (r == -ENOENT || r == -EINVAL)
			log_warn("devices: rd.driver.pre=%s: no such module in the image or the kernel",
				 escape_str(name, esc, sizeof(esc)));
		/* -EPERM (blacklisted) and load failures: modload has said why */
	}
	return loaded;
}

int devices_apply_cmdline(struct devices *dv, const char *blacklist, const char *pre)
{
	char esc[512];
	if (blacklist && blacklist[0]) {
		escape_str(blacklist, esc, sizeof(esc));
		if (modload_blacklist(dv->ml, blacklist) < 0)
			log_warn("devices: rd.driver.blacklist=%s holds an invalid module name; the "
				 "names after it are not blacklisted", esc);
		else
			log_info("devices: never loading %s (rd.driver.blacklist)", esc);
	}
	return pre && pre[0] ? load_pre(dv, pre) : 0;
}

int devices_coldplug(struct devices *dv)
{
	struct walk w = { .dv = dv };
	int total = 0, r = 0;
	if (!dv->ml || !dv->ml->idx)
		return -EINVAL;
	for (int i = 0; i < DEVICES_MAX_PASSES; i++) {
		r = pass(&w, dv->sysfs);
		if (r <= 0)
			break;
		total += r;
	}
	drop_fresh(&w);
	aset_free(&w.seen);
	free(w.fresh);
	free(w.want);
	if (dv->rules) /* the drivers are in: their nodes are there */
		devrules_set_coldplug(dv->rules, dv->sysfs, true);
	return r < 0 ? r : total;
}

/* --- root first ------------------------------------------------------------------------ */

void devices_defer(struct devices *dv, unsigned needs)
{
	if (dv->defer_done) /* once a boot: a retried devices phase keeps what was released */
		return;
	dv->defer_done = true;
	dv->defer = true;
	dv->needs = needs;
	dv->defer_ns = timeline_now();
}

int devices_release(struct devices *dv, unsigned needs, const char *why)
{
	char desc[256];
	size_t kept = 0, n = 0;

	if (!dv->defer)
		return 0;
	if (needs == DEVICES_RELEASE_ALL)
		dv->defer = false;
	else
		dv->needs |= needs;
	desc[0] = '\0';
	for (size_t i = 0; i < dv->ndeferred; i++) {
		struct devices_nodriver *d = &dv->deferred[i];
		const struct modalias_kind *k = modalias_kind(d->modalias);

		if (dv->defer && !modalias_first(d->modalias, dv->needs)) {
			dv->deferred[kept++] = *d;
			continue;
		}
		if (k && !strstr(desc, k->what)) {
			size_t o = strlen(desc);
			snprintf(desc + o, sizeof(desc) - o, "%s%s", o ? ", " : "", k->what);
		}
		defer_event(dv, d, "loaded", "why", why);
		free(d->devpath);
		free(d->modalias);
		n++;
	}
	dv->ndeferred = kept;
	if (!n)
		return 0;
	log_info("devices: %s: loading the drivers kept for later of %zu device(s) (%s)", why, n, desc);
	return devices_coldplug(dv);
}

void devices_describe_deferred(const struct devices *dv, char *out, size_t size)
{
	size_t off = 0;

	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < dv->ndeferred && size; i++) {
		const struct modalias_kind *k = modalias_kind(dv->deferred[i].modalias);
		const char *what = k ? k->what : dv->deferred[i].modalias;
		if (strstr(out, what))
			continue;
		int r = snprintf(out + off, size - off, "%s%s", off ? ", " : "", what);
		if (r < 0 || (size_t)r >= size - off) {
			out[off] = '\0'; /* never cut: the kinds that fit, then "..." if it fits */
			if (size - off > 5)
				memcpy(out + off, ", ...", 6);
			return;
		}
		off += (size_t)r;
	}
}

void devices_leave(struct devices *dv, const char *to)
{
	char desc[256];

	if (!dv->defer)
		return;
	dv->defer = false;
	if (dv->ndeferred) {
		devices_describe_deferred(dv, desc, sizeof(desc));
		log_info("devices: the drivers of %zu device(s) not on the way to the root (%s) are "
			 "left to %s", dv->ndeferred, desc, to);
	}
	for (size_t i = 0; i < dv->ndeferred; i++)
		defer_event(dv, &dv->deferred[i], "left", "to", to);
	pairs_free(dv->deferred, dv->ndeferred);
	dv->deferred = NULL;
	dv->ndeferred = dv->capdeferred = 0;
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

int devices_uevent_apply(struct devices *dv, const struct uevent *ev)
{
	if (dv->rules)
		devrules_set_event(dv->rules, ev, true);
	if (strcmp(ev->action, "add") != 0 || !ev->modalias[0] || !dv->ml || !dv->ml->idx)
		return 0;
	int r = hold(dv, ev->devpath, ev->modalias);
	if (r)
		return r < 0 ? r : 0;
	r = modload_alias(dv->ml, ev->modalias);
	if (r == -ENOENT)
		devices_note_nodriver(dv, ev->devpath, ev->modalias); /* only for a message */
	return r == -ENOENT ? 0 : r;
}

int devices_uevent_handle(struct devices *dv, int fd)
{
	struct uevent ev;
	int total = 0;
	for (;;) {
		int r = devices_uevent_read(fd, &ev);
		if (r == 0)
			return total;
		if (r == -ENOBUFS) {
			log_warn("devices: kernel events were lost (socket overflow); walking %s again",
				 dv->sysfs);
			r = devices_coldplug(dv);
			total += r > 0 ? r : 0;
			continue;
		}
		if (r < 0)
			return r;
		r = devices_uevent_apply(dv, &ev);
		total += r > 0 ? r : 0;
	}
}

/* --- devices the image has no module for ---------------------------------------------- */

int devices_note_nodriver(struct devices *dv, const char *devpath, const char *modalias)
{
	return pair_add(&dv->nodriver, &dv->nnodriver, &dv->capnodriver, DEVICES_MAX_NODRIVER,
			&dv->nodriver_dropped, devpath, modalias);
}

/* The order devices are named in: 0 storage with a known module (the likeliest fix),
 * 1 other storage, 2 other known kinds, 3 unknown; -1 when a driver has it now. */
static int nodriver_rank(const struct devices *dv, const struct devices_nodriver *d)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s%s/driver", dv->sysfs, d->devpath);
	if (n > 0 && (size_t)n < sizeof(path) && lstat(path, &st) == 0)
		return -1;
	const struct modalias_kind *k = modalias_kind(d->modalias);
	if (!k)
		return 3;
	/* a storage device whose module is known makes the point best; IDE, floppy and
	 * CD-ROM ones are rarely the root's way, so they follow */
	if (k->storage)
		return k->module && k->need != MODALIAS_NEED_LEGACY ? 0 : 1;
	/* known kinds that lead to a root make the point; display, sound, input do not */
	return k->need == MODALIAS_NEED_ROOT || k->need == MODALIAS_NEED_NET ? 2 : 3;
}

/* Appends one entry ("MODALIAS (what: module)") if it fits with room to spare for
 * the ", and N more" that may follow; false when it does not. */
static bool describe_one(const struct devices_nodriver *d, char *out, size_t size, size_t *off)
{
	const struct modalias_kind *k = modalias_kind(d->modalias);
	const size_t more = 24; /* ", and 4294967295 more" */
	char esc[1024]; /* a modalias from a uevent or sysfs: escaped, "..." past 1 KiB */
	if (size < *off + more)
		return false;
	int n = snprintf(out + *off, size - *off - more, "%s%s%s%s%s%s%s", *off ? ", " : "",
			 escape_str(d->modalias, esc, sizeof(esc)), k ? " (" : "", k ? k->what : "", k && k->module ? ": " : "",
			 k && k->module ? k->module : "", k ? ")" : "");
	if (n < 0 || (size_t)n >= size - *off - more) {
		out[*off] = '\0';
		return false;
	}
	*off += (size_t)n;
	return true;
}

int devices_describe_nodriver(const struct devices *dv, char *out, size_t size)
{
	size_t off = 0;
	int total = 0, listed = 0, last = 3;
	bool full = size == 0;
	if (size)
		out[0] = '\0';
	/* devices of a kind we know make the point; the unknown ones (platform, ACPI, input
	 * devices...) are only counted then, or named when there is nothing else */
	for (size_t i = 0; i < dv->nnodriver && last == 3; i++) {
		int r = nodriver_rank(dv, &dv->nodriver[i]);
		if (r >= 0 && r < 3)
			last = 2;
	}
	for (int rank = 0; rank <= 3; rank++) {
		for (size_t i = 0; i < dv->nnodriver; i++) {
			if (nodriver_rank(dv, &dv->nodriver[i]) != rank)
				continue;
			total++;
			if (!full && rank <= last && listed < DEVICES_LIST_NODRIVER &&
			    describe_one(&dv->nodriver[i], out, size, &off))
				listed++;
			else
				full = true; /* later ones would break the order: only counted */
		}
	}
	total += (int)dv->nodriver_dropped;
	if (total > listed && size > off) {
		int n = snprintf(out + off, size - off, "%sand %d more", off ? ", " : "", total - listed);
		if (n < 0 || (size_t)n >= size - off)
			out[off] = '\0'; /* only a buffer under 24 bytes gets here */
	}
	return total;
}
