/* modload: the index files, the kernel's view of loaded modules, finit_module. */
#include "modload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

enum { UNTRIED = 0, IN_KERNEL = 1 };

static int read_file(int dirfd, const char *name, char **out, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (!r && (uint64_t)st.st_size > MODLOAD_MAX_FILE)
		r = -EFBIG;
	char *buf = r ? NULL : malloc((size_t)st.st_size + 1);
	if (!r && !buf)
		r = -ENOMEM;
	size_t got = 0;
	while (!r) {
		/* one byte more than the size, to see a file that grew */
		ssize_t n = read(fd, buf + got, (size_t)st.st_size + 1 - got);
		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n == 0)
			break;
		else if (n > 0 && (got += (size_t)n) > (size_t)st.st_size)
			r = -EFBIG;
	}
	close(fd);
	if (r) {
		free(buf);
		return r;
	}
	*out = buf;
	*len = got;
	return 0;
}

typedef int (*parse_fn)(struct modindex *, const char *, size_t, size_t *);

static int parse_file(struct modload *ml, struct modindex *idx, const char *name,
		      parse_fn fn, bool required)
{
	char *buf = NULL;
	size_t len = 0;
	int r = read_file(ml->moddir_fd, name, &buf, &len);
	if (r == -ENOENT && !required)
		return 0;
	if (!r)
		r = fn(idx, buf, len, &ml->bad_line);
	free(buf);
	if (r)
		ml->bad_file = name;
	return r;
}

int modload_open(struct modload *ml, const char *moddir)
{
	memset(ml, 0, sizeof(*ml));
	ml->moddir_fd = -1;
	if (strlen(moddir) >= sizeof(ml->moddir))
		return -ENAMETOOLONG;
	int fd = open(moddir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ml->moddir_fd = fd;
	struct modindex *idx = modindex_new();
	int r = idx ? 0 : -ENOMEM;
	if (!r)
		r = parse_file(ml, idx, "modules.dep", modindex_parse_dep, true);
	if (!r)
		r = parse_file(ml, idx, "modules.alias", modindex_parse_alias, false);
	if (!r)
		r = parse_file(ml, idx, "modules.softdep", modindex_parse_softdep, false);
	const char *bad_file = ml->bad_file;
	size_t bad_line = ml->bad_line;
	close(fd);
	if (r) {
		modindex_free(idx);
		ml->moddir_fd = -1;
		return r;
	}
	r = modload_open_index(ml, idx, moddir);
	ml->bad_file = bad_file;
	ml->bad_line = bad_line;
	return r;
}

int modload_open_index(struct modload *ml, struct modindex *idx, const char *moddir)
{
	memset(ml, 0, sizeof(*ml));
	ml->moddir_fd = -1;
	ml->idx = idx;
	ml->sysfs = "/sys";
	ml->load = modload_finit;
	size_t n = modindex_slots(idx);
	ml->state = calloc(n ? n : 1, sizeof(*ml->state));
	ml->blacklisted = calloc(n ? n : 1, 1);
	int r = idx && ml->state && ml->blacklisted ? 0 : -ENOMEM;
	if (!r && moddir) {
		if (strlen(moddir) >= sizeof(ml->moddir))
			r = -ENAMETOOLONG;
		else if ((ml->moddir_fd = open(moddir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			r = -errno;
		else
			strcpy(ml->moddir, moddir);
	}
	if (r)
		modload_close(ml);
	return r;
}

void modload_close(struct modload *ml)
{
	if (ml->moddir_fd >= 0)
		close(ml->moddir_fd);
	modindex_free(ml->idx);
	free(ml->state);
	free(ml->blacklisted);
	free(ml->cmdline);
	memset(ml, 0, sizeof(*ml));
	ml->moddir_fd = -1;
}

int modload_default_dir(char *out, size_t n)
{
	struct utsname u;
	if (uname(&u) < 0)
		return -errno;
	int len = snprintf(out, n, "/lib/modules/%s", u.release);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int modload_blacklist(struct modload *ml, const char *list)
{
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		char word[MODINDEX_MAX_NAME + 1], name[MODINDEX_MAX_NAME + 1];
		if (n == 0 || n > MODINDEX_MAX_NAME)
			return -EINVAL;
		memcpy(word, p, n);
		word[n] = '\0';
		if (modindex_normalise(word, name) < 0)
			return -EINVAL;
		int id = modindex_id(ml->idx, name);
		if (id >= 0)
			ml->blacklisted[id] = 1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int modload_set_cmdline(struct modload *ml, const char *cmdline, size_t len)
{
	if (len > MODLOAD_MAX_CMDLINE)
		return -E2BIG;
	char *copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, cmdline, len);
	copy[len] = '\0';
	free(ml->cmdline);
	ml->cmdline = copy;
	ml->cmdline_len = len;
	return 0;
}

/* --- the kernel -------------------------------------------------------------------- */

static bool compressed(const char *path)
{
	static const char *const ext[] = { ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);
		if (n >= e && !strcmp(path + n - e, ext[i]))
			return true;
	}
	return false;
}

int modload_finit(struct modload *ml, const char *name, const char *path, const char *params)
{
	(void)name;
	int fd = path[0] == '/' ? open(path, O_RDONLY | O_CLOEXEC)
				: openat(ml->moddir_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int flags = compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0;
	int r = syscall(SYS_finit_module, fd, params, flags) < 0 ? -errno : 0;
	close(fd);
	/* Kernels without CONFIG_MODULE_DECOMPRESS (or before 5.17, or built for
	 * another algorithm) refuse the flag with one of these. */
	if (flags && (r == -EOPNOTSUPP || r == -EINVAL))
		r = -EOPNOTSUPP;
	return r;
}

/* Loaded, or built in with a /sys/module entry (built-ins without parameters have
 * none: those are caught by not being in the image). */
static bool in_kernel(const struct modload *ml, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/module/%s", ml->sysfs, name);
	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* One module, its dependencies assumed in. 1 loaded now, 0 already in, -errno. */
static int load_one(struct modload *ml, const struct modindex_step *st, const char *why)
{
	int id = modindex_id(ml->idx, st->name);
	char esc[256], params[MODLOAD_MAX_PARAMS];
	if (id < 0)
		return -ENOENT;
	if (ml->state[id] == IN_KERNEL)
		return 0;
	if (ml->state[id] < 0)
		return ml->state[id];
	if (ml->blacklisted[id])
		return -EPERM;
	if (in_kernel(ml, st->name)) {
		ml->state[id] = IN_KERNEL;
		log_debug("module %s is already in the kernel", st->name);
		return 0;
	}
	int r = ml->cmdline ? modload_params(ml->cmdline, ml->cmdline_len, st->name, params,
					     sizeof(params)) : 0;
	if (r < 0) {
		log_warn("module %s: its options on the command line are longer than %zu bytes; "
			 "loading it without them", st->name, sizeof(params) - 1);
		r = 0;
	}
	params[r] = '\0';
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = ml->load(ml, st->name, st->path, params);
	log_escape(why ? why : "", esc, sizeof(esc));
	if (r == 0 || r == -EEXIST) {
		ml->state[id] = IN_KERNEL;
		ml->nloaded += r == 0;
		log_info("loaded %s%s%s%s%s in %ld ms", st->name, params[0] ? " " : "", params,
			 why ? " for " : "", esc, ms_since(&t0));
		return r == 0;
	}
	ml->state[id] = r;
	ml->nfailed++;
	if (r == -EOPNOTSUPP)
		log_warn("module %s (%s) is compressed and this kernel cannot decompress it; "
			 "build the image with uncompressed modules", st->name, st->path);
	else if (r == -ENODEV || r == -ENXIO)
		log_debug("module %s found no device (%s)", st->name, strerror(-r));
	else
		log_warn("module %s (%s) failed to load: %s", st->name, st->path, strerror(-r));
	return r;
}

static int need_failed(struct modload *ml, int id, const char *name, const char *dep, int r)
{
	log_warn("module %s not loaded: it needs %s, which %s", name, dep,
		 r == -EPERM ? "is blacklisted" : "failed");
	ml->state[id] = r;
	return r;
}

int modload_module_for(struct modload *ml, const char *name, const char *why)
{
	char norm[MODINDEX_MAX_NAME + 1];
	struct modindex_step steps[MODLOAD_MAX_STEPS];
	if (!ml->idx || modindex_normalise(name, norm) < 0)
		return -EINVAL;
	int id = modindex_id(ml->idx, norm);
	if (id >= 0 && ml->state[id])
		return ml->state[id] == IN_KERNEL ? 0 : ml->state[id];
	if (id >= 0 && ml->blacklisted[id]) {
		log_info("module %s is blacklisted (rd.driver.blacklist): not loaded", norm);
		return -EPERM;
	}
	int n = modindex_load_plan(ml->idx, norm, steps, MODLOAD_MAX_STEPS);
	if (n == -ENOENT)
		return in_kernel(ml, norm) ? 0 : -ENOENT;
	if (n < 0) {
		log_warn("module %s: cannot order its dependencies: %s", norm, strerror(-n));
		if (id >= 0)
			ml->state[id] = n;
		return n;
	}
	/* a required step known to be impossible: fail before loading anything */
	for (int i = 0; i < n; i++) {
		int sid = modindex_id(ml->idx, steps[i].name);
		int r = ml->blacklisted[sid] ? -EPERM : ml->state[sid] < 0 ? ml->state[sid] : 0;
		if (r && !steps[i].optional && sid != id)
			return need_failed(ml, id, norm, steps[i].name, r);
	}
	int ret = 0;
	for (int i = 0; i < n; i++) {
		bool self = !strcmp(steps[i].name, norm);
		int r = load_one(ml, &steps[i], self ? why : NULL);
		if (r >= 0) {
			if (self)
				ret = r;
			continue;
		}
		if (steps[i].optional) {
			log_debug("module %s: optional %s skipped: %s", norm, steps[i].name, strerror(-r));
			continue;
		}
		return self ? r : need_failed(ml, id, norm, steps[i].name, r);
	}
	return ret;
}

int modload_module(struct modload *ml, const char *name)
{
	return modload_module_for(ml, name, NULL);
}

bool modload_wanted(const struct modload *ml, const char *name)
{
	int id = modindex_id(ml->idx, name);
	return id >= 0 && modindex_path(ml->idx, name) && !ml->state[id] && !ml->blacklisted[id];
}

struct alias_ctx {
	struct modload *ml;
	const char *alias;
	int matched, ok, loaded, blacklisted, first_err;
};

static int alias_one(const char *module, void *p)
{
	struct alias_ctx *c = p;
	int id = modindex_id(c->ml->idx, module);
	c->matched++;
	if (id >= 0 && c->ml->blacklisted[id]) {
		c->blacklisted++;
		return 0;
	}
	int r = modload_module_for(c->ml, module, c->alias);
	if (r >= 0) {
		c->ok++;
		c->loaded += r;
	} else if (!c->first_err) {
		c->first_err = r;
	}
	return 0;
}

int modload_alias(struct modload *ml, const char *alias)
{
	struct alias_ctx c = { .ml = ml, .alias = alias };
	if (!ml->idx)
		return -ENOENT;
	int r = modindex_lookup(ml->idx, alias, alias_one, &c);
	if (r < 0)
		return r;
	if (c.matched == 0)
		return -ENOENT;
	if (c.ok > 0)
		return c.loaded;
	if (c.blacklisted == c.matched)
		return -EPERM;
	return c.first_err;
}

/* --- options from the command line ----------------------------------------------- */

/* The next word of a kernel command line at *pos: spaces split it unless inside
 * double quotes. Sets *start and returns its length (0 at the end). */
static size_t next_word(const char *s, size_t len, size_t *pos, size_t *start)
{
	size_t i = *pos;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	*start = i;
	bool quoted = false;
	while (i < len && s[i] && (quoted || (s[i] != ' ' && s[i] != '\t' && s[i] != '\n'))) {
		if (s[i] == '"')
			quoted = !quoted;
		i++;
	}
	*pos = i;
	return i - *start;
}

int modload_params(const char *cmdline, size_t len, const char *module, char *out, size_t n)
{
	char want[MODINDEX_MAX_NAME + 1], have[MODINDEX_MAX_NAME + 1];
	size_t pos = 0, start, wlen, o = 0;
	if (n == 0)
		return -E2BIG;
	out[0] = '\0';
	if (modindex_normalise(module, want) < 0)
		return 0;
	while ((wlen = next_word(cmdline, len, &pos, &start)) > 0) {
		const char *w = cmdline + start;
		if (wlen == 2 && !memcmp(w, "--", 2))
			break;
		size_t dot = 0;
		while (dot < wlen && w[dot] != '.' && w[dot] != '=' && w[dot] != '"')
			dot++;
		if (dot >= wlen || w[dot] != '.' || dot == 0 || dot > MODINDEX_MAX_NAME ||
		    dot + 1 == wlen)
			continue;
		memcpy(have, w, dot);
		have[dot] = '\0';
		if (modindex_normalise(have, have) < 0 || strcmp(have, want))
			continue;
		size_t plen = wlen - dot - 1;
		if (o + (o ? 1 : 0) + plen + 1 > n)
			return -E2BIG;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, w + dot + 1, plen);
		o += plen;
		out[o] = '\0';
	}
	return (int)o;
}
