/* modload: the index files, the kernel's view of loaded modules, finit_module. */
#include "modload.h"
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/monoclock.h"
#include "base/readfile.h"
#include "log.h"
#include "modparam.h"
#include "modunxz.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

enum { UNTRIED = 0, IN_KERNEL = 1, LOADED = 2, LOADING = 3 };

typedef int (*parse_fn)(struct modindex *, const char *, size_t, size_t *);

static int parse_file(struct modload *ml, struct modindex *idx, const char *name,
		      parse_fn fn, bool required)
{
	char *buf = NULL;
	size_t len = 0;
	int r = readfile_at(ml->moddir_fd, name, MODLOAD_MAX_FILE, &buf, &len);
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
		size_t len = strlen(moddir);
		if (len >= sizeof(ml->moddir))
			r = -ENAMETOOLONG;
		else if ((ml->moddir_fd = open(moddir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			r = -errno;
		else
			memcpy(ml->moddir, moddir, len + 1);
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
	free(ml->cpu);
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

/* Says once per module that it is not loaded because it is blacklisted. Under
 * modload_many the caller holds the lock. */
static void say_blacklisted(struct modload *ml, int id, const char *name, const char *why)
{
	char esc[256];
	if (ml->blacklisted[id] != 1)
		return;
	ml->blacklisted[id] = 2;
	log_info("module %s is blacklisted (rd.driver.blacklist): not loaded%s%s", name,
		 why ? " for " : "", escape_str(why, esc, sizeof(esc)));
}

bool modload_refused(struct modload *ml, const char *name, const char *why)
{
	char norm[MODINDEX_MAX_NAME + 1];
	int id = ml->idx && modindex_normalise(name, norm) == 0 ? modindex_id(ml->idx, norm) : -1;
	if (id < 0 || !ml->blacklisted[id])
		return false;
	say_blacklisted(ml, id, norm, why);
	return true;
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
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t e = strlen(ext[i]);
		if (n >= e && !strcmp(path + n - e, ext[i]))
			return true;
	}
	return false;
}

static bool is_xz(const char *path)
{
	size_t n = strlen(path);
	return n >= 6 && !strcmp(path + n - 6, ".ko.xz");
}

int modload_finit(struct modload *ml, const char *name, const char *path, const char *params)
{
	int fd = path[0] == '/' ? open(path, O_RDONLY | O_CLOEXEC)
				: openat(ml->moddir_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int flags = compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0;
	bool xz = is_xz(path);
	/* once the kernel has said it cannot decompress, it is not asked again */
	if (xz && __atomic_load_n(&ml->kernel_unpacks, __ATOMIC_RELAXED) < 0) {
		int r = modunxz_load(fd, name, path, params);
		close(fd);
		return r;
	}
	int r = syscall(SYS_finit_module, fd, params, flags) < 0 ? -errno : 0;
	/* Kernels without CONFIG_MODULE_DECOMPRESS (or before 5.17, or built for
	 * another algorithm) refuse the flag with one of these. */
	if (flags && (r == -EOPNOTSUPP || r == -EINVAL))
		r = -EOPNOTSUPP;
	if (xz && r == -EOPNOTSUPP) {
		int was = 0;
		if (__atomic_compare_exchange_n(&ml->kernel_unpacks, &was, -1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			log_info("this kernel cannot decompress modules: sprout-init decodes the "
				 ".ko.xz files of the image itself");
		__atomic_store_n(&ml->kernel_unpacks, -1, __ATOMIC_RELAXED);
		r = lseek(fd, 0, SEEK_SET) < 0 ? -errno : modunxz_load(fd, name, path, params);
	} else if (flags && r != -EOPNOTSUPP) {
		__atomic_store_n(&ml->kernel_unpacks, 1, __ATOMIC_RELAXED);
	}
	close(fd);
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

static long ms_since(uint64_t t0_ns)
{
	return (long)((monoclock_ns() - t0_ns) / 1000000);
}

/* --- shared state ------------------------------------------------------------------ */

/* While modload_many runs, its workers share ml->state and the counters under this
 * lock; a worker that needs a module another one is loading waits on `settled`.
 * Outside of it ml->sync is NULL and nothing is locked. */
struct modload_sync {
	pthread_mutex_t lock;
	pthread_cond_t settled; /* some module left LOADING */
	const struct modload_job *jobs;
	size_t n, next;         /* next job no worker has taken */
};

static void lock(struct modload *ml)
{
	if (ml->sync)
		pthread_mutex_lock(&ml->sync->lock);
}

static void unlock(struct modload *ml)
{
	if (ml->sync)
		pthread_mutex_unlock(&ml->sync->lock);
}

static bool is_in(int state)
{
	return state == IN_KERNEL || state == LOADED;
}

/* The lock held: the state of `id` once no other worker is loading it. Waiting
 * never deadlocks: a worker marks one module LOADING at a time and waits for
 * nothing until it has settled it. */
static int settled(struct modload *ml, int id)
{
	while (ml->sync && ml->state[id] == LOADING)
		pthread_cond_wait(&ml->sync->settled, &ml->sync->lock);
	return ml->state[id];
}

/* --- loading ------------------------------------------------------------------------ */

/* The kernel's part of one step, without the lock: LOADED, IN_KERNEL or -errno. */
static int kernel_load(struct modload *ml, const struct modindex_step *st, const char *why,
		       const char *parent)
{
	char esc[256], pesc[1024], params[MODLOAD_MAX_PARAMS];
	if (in_kernel(ml, st->name)) {
		log_debug("module %s is already in the kernel", st->name);
		return IN_KERNEL;
	}
	int r = ml->cmdline ? modload_params(ml->cmdline, ml->cmdline_len, st->name, params,
					     sizeof(params)) : 0;
	if (r < 0) {
		log_warn("module %s: its options on the command line are longer than %zu bytes; "
			 "loading it without them", st->name, sizeof(params) - 1);
		r = 0;
	}
	params[r] = '\0';
	uint64_t t0 = monoclock_ns();
	r = ml->load(ml, st->name, st->path, params);
	char by[MODINDEX_MAX_NAME + 32];

	if (!why)
		snprintf(by, sizeof(by), parent ? "dependency of %s" : "by name", parent);
	timeline_event("module", st->name, t0, r == 0 || r == -EEXIST ? "ok" : r == -ENODEV || r == -ENXIO ? "nodev" : "fail",
		       "by", why ? why : by, "err", r < 0 && r != -EEXIST ? strerrorname_np(-r) : NULL, TL_END);
	escape_str(why, esc, sizeof(esc));
	if (r == 0 || r == -EEXIST) {
		log_info("loaded %s%s%s%s%s in %ld ms", st->name, params[0] ? " " : "",
			 escape_str(params, pesc, sizeof(pesc)),
			 why ? " for " : "", esc, ms_since(t0));
		return r == 0 ? LOADED : IN_KERNEL;
	}
	if (r == -EOPNOTSUPP)
		log_warn("module %s (%s) is compressed and this kernel cannot decompress it; "
			 "build the image with uncompressed modules", st->name, st->path);
	else if (r == -ENODEV || r == -ENXIO)
		log_debug("module %s found no device (%s)", st->name, strerror(-r));
	else
		log_warn("module %s (%s) failed to load: %s", st->name, st->path, strerror(-r));
	return r < 0 ? r : -EIO;
}

/* One step, the steps before it done. 1 loaded now, 0 already in, -errno. Called
 * and returns with the lock held; drops it while the kernel works. */
static int load_one(struct modload *ml, const struct modindex_step *st, const char *why,
		    const char *parent)
{
	int id = modindex_id(ml->idx, st->name);
	if (id < 0)
		return -ENOENT;
	int state = settled(ml, id);
	if (is_in(state))
		return 0;
	if (state < 0)
		return state;
	if (ml->blacklisted[id])
		return -EPERM;
	ml->state[id] = LOADING;
	unlock(ml);
	int r = kernel_load(ml, st, why, parent);
	lock(ml);
	ml->state[id] = r;
	ml->nloaded += r == LOADED;
	ml->nfailed += r < 0;
	if (ml->sync)
		pthread_cond_broadcast(&ml->sync->settled);
	return r < 0 ? r : r == LOADED;
}

/* The lock held. A module some worker is loading (or has loaded) keeps its state:
 * it was reached by a plan in which the failed step was optional. */
static int need_failed(struct modload *ml, int id, const char *name, const char *dep, int r)
{
	log_warn("module %s not loaded: it needs %s, which %s", name, dep,
		 r == -EPERM ? "is blacklisted" : "failed");
	if (ml->state[id] == UNTRIED)
		ml->state[id] = r;
	return r;
}

/* The lock held. A softdep that resolves to several modules (crypto-crc32c: crc32c_intel
 * and crc32c_generic) names drivers for CPU features this CPU may lack: such a module's
 * init only fails with ENODEV, after the kernel has relocated it (40 ms for crc32c_intel
 * under TCG). Left out when none of its cpu: aliases matches the CPU's modalias. */
static bool cpu_fit(struct modload *ml, const char *name)
{
	if (!ml->cpu_read) {
		char path[PATH_MAX];
		size_t len = 0;

		ml->cpu_read = true;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/modalias", ml->sysfs);
		if (readfile_at(AT_FDCWD, path, 4096, &ml->cpu, &len) < 0)
			ml->cpu = NULL;
		else
			ml->cpu[strcspn(ml->cpu, "\n")] = '\0';
	}
	return modindex_cpu_fit(ml->idx, name, ml->cpu) != 0;
}

/* The lock held: the steps of `norm` (id) in order; modload_module_for's result. */
static int run_plan(struct modload *ml, int id, const char *norm,
		    const struct modindex_step *steps, int n, const char *why)
{
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
		if (steps[i].optional && !self && !cpu_fit(ml, steps[i].name)) {
			log_debug("module %s: optional %s skipped: not for this CPU (no cpu: alias of it "
				  "matches the CPU's modalias)", norm, steps[i].name);
			continue;
		}
		int r = load_one(ml, &steps[i], self ? why : NULL, self ? NULL : norm);
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

int modload_module_for(struct modload *ml, const char *name, const char *why)
{
	char norm[MODINDEX_MAX_NAME + 1];
	struct modindex_step steps[MODLOAD_MAX_STEPS];
	if (!ml->idx || modindex_normalise(name, norm) < 0)
		return -EINVAL;
	int id = modindex_id(ml->idx, norm);
	if (id >= 0) {
		lock(ml);
		int state = settled(ml, id);
		bool black = ml->blacklisted[id];
		if (!state && black)
			say_blacklisted(ml, id, norm, why);
		unlock(ml);
		if (state)
			return is_in(state) ? 0 : state;
		if (black)
			return -EPERM;
	}
	int n = modindex_load_plan(ml->idx, norm, steps, MODLOAD_MAX_STEPS);
	if (n == -ENOENT)
		return in_kernel(ml, norm) ? 0 : -ENOENT;
	lock(ml);
	int r = n;
	if (n < 0) {
		log_warn("module %s: cannot order its dependencies: %s", norm, strerror(-n));
		if (id >= 0 && ml->state[id] == UNTRIED)
			ml->state[id] = n;
	} else {
		r = run_plan(ml, id, norm, steps, n, why);
	}
	unlock(ml);
	return r;
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
		say_blacklisted(c->ml, id, module, c->alias);
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

/* --- several at once ------------------------------------------------------------------ */

/* Takes the next run of jobs (one job and those chained after it) and loads them,
 * until none is left. */
static void *worker(void *p)
{
	struct modload *ml = p;
	struct modload_sync *s = ml->sync;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		size_t i = s->next, end = i < s->n ? i + 1 : i;
		while (end < s->n && s->jobs[end].after_prev)
			end++;
		s->next = end;
		pthread_mutex_unlock(&s->lock);
		if (i == end)
			return NULL;
		for (; i < end; i++)
			modload_module_for(ml, s->jobs[i].module, s->jobs[i].why);
	}
}

/* Starts up to want-1 more workers, all signals blocked in them so the kernel
 * delivers ours (PID 1's) to the calling thread. Returns how many started; the
 * ones that could not start are simply not there. */
static size_t start_workers(struct modload *ml, pthread_t *tid, size_t want)
{
	sigset_t all, old;
	size_t n = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (n + 1 < want && pthread_create(&tid[n], NULL, worker, ml) == 0)
		n++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n;
}

int modload_many(struct modload *ml, const struct modload_job *jobs, size_t n, unsigned threads)
{
	enum { MAX_THREADS = 16 };
	pthread_t tid[MAX_THREADS];
	size_t runs = 0, slots, count = 0;
	if (!ml->idx)
		return 0;
	slots = modindex_slots(ml->idx);
	int *before = malloc((slots ? slots : 1) * sizeof(*before));
	if (!before)
		return -ENOMEM;
	memcpy(before, ml->state, slots * sizeof(*before));
	for (size_t i = 0; i < n; i++)
		runs += i == 0 || !jobs[i].after_prev;
	size_t want = threads < runs ? threads : runs;
	want = want > MAX_THREADS ? MAX_THREADS : want;
	struct modload_sync s = { .jobs = jobs, .n = n };
	if (want > 1 && pthread_mutex_init(&s.lock, NULL) == 0) {
		if (pthread_cond_init(&s.settled, NULL) == 0) {
			ml->sync = &s;
			size_t started = start_workers(ml, tid, want);
			worker(ml);
			for (size_t i = 0; i < started; i++)
				pthread_join(tid[i], NULL);
			ml->sync = NULL;
			pthread_cond_destroy(&s.settled);
		}
		pthread_mutex_destroy(&s.lock);
	}
	/* one at a time: too few runs or threads, or no lock to share */
	for (size_t i = s.next; i < n; i++)
		modload_module_for(ml, jobs[i].module, jobs[i].why);
	for (size_t i = 0; i < n; i++) {
		char norm[MODINDEX_MAX_NAME + 1];
		int id = modindex_normalise(jobs[i].module, norm) < 0 ? -1 : modindex_id(ml->idx, norm);
		if (id >= 0 && ml->state[id] == LOADED && before[id] != LOADED) {
			before[id] = LOADED; /* counted once */
			count++;
		}
	}
	free(before);
	return (int)(count > INT_MAX ? INT_MAX : count);
}

/* --- options from the command line ----------------------------------------------- */

int modload_params(const char *cmdline, size_t len, const char *module, char *out, size_t n)
{
	return modparam_get(cmdline, len, module, out, n);
}
