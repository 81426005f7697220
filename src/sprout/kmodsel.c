/* kmodsel: module selection for an image (roots, closure). See kmodsel.h. */
#include "kmodsel.h"
#include "kmodsel_out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/readfile.h"
#include "vermagic.h"

/* Adds a module unless it is built in (no path in the index) or already there.
 * Returns 1 when it is (now) in the set, 0 for a built-in one. */
static int add_mod(struct sel *s, struct kmod_module *mod)
{
	const char *path = kmod_module_get_path(mod), *rel;

	if (!path)
		return 0;
	if (kmodsel_is_chosen(s, kmod_module_get_name(mod)))
		return 1;
	rel = kmodsel_relpath_of(s, mod);
	if (!rel)
		return kmodsel_fail(s, -EINVAL, "%s: module %s is outside the module directory %s", path,
			    kmod_module_get_name(mod), s->moddir);
	if (s->n == KMODSEL_MAX_MODULES)
		return kmodsel_fail(s, -E2BIG, "%s: more than %d modules selected", s->moddir,
			    KMODSEL_MAX_MODULES);
	if (array_grow((void **)&s->c, &s->cap, s->n + 1, sizeof(*s->c), KMODSEL_MAX_MODULES) < 0)
		return -ENOMEM;
	s->c[s->n] = (struct chosen){ kmod_module_ref(mod), NULL, rel, strdup(s->why) };
	if (!s->c[s->n++].why)
		return -ENOMEM;
	return 1;
}

static int add_list(struct sel *s, struct kmod_list *list, int *found)
{
	struct kmod_list *it;
	int r = 0;

	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		if (r >= 0)
			r = add_mod(s, m);
		if (r > 0 && found)
			(*found)++;
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return r < 0 ? r : 0;
}

/* Adds what a name or alias resolves to in the target's index. *found counts the
 * modules now in the set; *any tells whether it resolved at all (built-ins too). */
static int add_lookup(struct sel *s, const char *alias, int *found, bool *any)
{
	struct kmod_list *list = NULL;
	int r = kmod_module_new_from_lookup(s->ctx, alias, &list);

	if (r < 0)
		return kmodsel_fail(s, r, "%s: looking up %s: %s", s->moddir, alias, strerror(-r));
	if (any)
		*any = list != NULL;
	return add_list(s, list, found);
}

/* --- finding roots -------------------------------------------------------------------- */

typedef int (*walk_fn)(struct sel *s, const char *path, const char *name);

static int generic_file(struct sel *s, const char *path, const char *name);

/* Calls fn for each regular file under path (which has room for PATH_MAX bytes),
 * without following symlinks: sysfs is full of loops through them. */
static int walk(struct sel *s, char *path, int depth, walk_fn fn)
{
	size_t len = strlen(path);
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d) {
		/* A module tree the walk cannot read whole would give a smaller image
		 * without a word: an error. sysfs has unreadable corners; those are skipped. */
		if (depth == 0 || fn == generic_file)
			return kmodsel_fail(s, -errno, "%s: %s (the module tree must be readable "
					    "whole, or the image would miss its modules)", path,
					    strerror(errno));
		return 0;
	}
	while (r == 0 && (de = readdir(d))) {
		unsigned char type = de->d_type;
		int n;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n = snprintf(path + len, PATH_MAX - len, "/%s", de->d_name);
		if (n < 0 || (size_t)n >= PATH_MAX - len)
			continue; /* deeper than any module or device path */
		if (type == DT_UNKNOWN) {
			struct stat st;

			type = lstat(path, &st) < 0 ? DT_UNKNOWN
			       : S_ISDIR(st.st_mode) ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR && depth < 64)
			r = walk(s, path, depth + 1, fn);
		else if (type == DT_REG)
			r = fn(s, path, de->d_name);
		path[len] = '\0';
	}
	closedir(d);
	return r;
}

static bool is_module_file(const char *name, size_t *stem)
{
	static const char *const ext[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t n = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcmp(name + n - e, ext[i])) {
			*stem = n - e;
			return true;
		}
	}
	return false;
}

static int generic_file(struct sel *s, const char *path, const char *name)
{
	char modname[NAME_MAX + 1];
	struct kmod_module *mod;
	size_t stem;
	int r;

	const char *rule;

	if (!is_module_file(name, &stem) ||
	    kmodsel_classify_rule(path + strlen(s->moddir) + 1, &rule) != KMODSEL_GENERIC)
		return 0;
	snprintf(s->why, sizeof(s->why), "class rule %s", rule);
	for (size_t i = 0; i < stem; i++)
		modname[i] = (char)(name[i] == '-' ? '_' : name[i]);
	modname[stem] = '\0';
	/* By name, so the index decides the path: a file depmod did not index (or one
	 * that updates/ overrides) is not taken from the walk. */
	r = kmod_module_new_from_name(s->ctx, modname, &mod);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: %s", path, strerror(-r));
	r = add_mod(s, mod);
	kmod_module_unref(mod);
	return r < 0 ? r : 0;
}

static int host_modalias(struct sel *s, const char *path, const char *name)
{
	struct kmod_list *list = NULL, *it;
	char *alias;
	size_t len;
	int r;

	if (strcmp(name, "modalias") != 0)
		return 0;
	if (readfile_at(AT_FDCWD, path, KMODSEL_MAX_NAME, &alias, &len) < 0)
		return 0; /* a device that went away, or an unreadable attribute */
	while (len && (alias[len - 1] == '\n' || alias[len - 1] == ' '))
		alias[--len] = '\0';
	r = len && !memchr(alias, '\0', len) ? kmod_module_new_from_lookup(s->ctx, alias, &list) : 0;
	snprintf(s->why, sizeof(s->why), "device alias %.400s", alias);
	free(alias);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: lookup failed: %s", path, strerror(-r));
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		const char *rel = kmodsel_relpath_of(s, m);

		/* Devices are not all boot devices (sound, GPUs, sensors): keep the boot
		 * classes, and out-of-tree drivers the admin installed on purpose. */
		if (r >= 0 && rel &&
		    (kmodsel_classify(rel) != KMODSEL_NONE || strncmp(rel, "kernel/", 7) != 0))
			r = add_mod(s, m);
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return r < 0 ? r : 0;
}

static int add_names(struct sel *s, const char *const *names)
{
	int r = 0;

	for (; *names && r == 0; names++)
		r = add_lookup(s, *names, NULL, NULL);
	return r;
}

static int host_root(struct sel *s)
{
	static const char *const nfs[] = { "fs-nfs", "fs-nfs4", "nfsv3", "nfsv4", "af_packet", NULL };
	const char *mounts = s->o->mounts ? s->o->mounts : "/proc/self/mounts";
	char *buf, type[256], alias[300];
	size_t len;
	int found = 0, r = readfile_at(AT_FDCWD, mounts, KMODSEL_MAX_INDEX, &buf, &len);

	if (r < 0)
		return kmodsel_fail(s, r, "%s: %s", mounts, strerror(-r));
	r = kmodsel_root_fstype(buf, len, type, sizeof(type));
	free(buf);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: no filesystem type for / found (%s)", mounts, strerror(-r));
	snprintf(alias, sizeof(alias), "fs-%s", type);
	snprintf(s->why, sizeof(s->why), "the root's filesystem (%s)", type);
	r = add_lookup(s, alias, &found, NULL);
	if (r == 0 && !found)
		r = add_lookup(s, type, &found, NULL);
	if (r == 0 && (!strcmp(type, "nfs") || !strcmp(type, "nfs4")))
		r = add_names(s, nfs);
	return r;
}

static int find_roots(struct sel *s)
{
	char path[PATH_MAX + 16]; /* moddir + "/kernel"; walk() uses PATH_MAX of it */
	int r = 0;

	if (!s->o->host_only) {
		snprintf(path, sizeof(path), "%s/kernel", s->moddir);
		r = walk(s, path, 0, generic_file);
		if (r == -ENOENT && !s->err[0])
			r = 0; /* no kernel/: a kernel without in-tree modules */
		if (r < 0 && !s->err[0])
			kmodsel_fail(s, r, "%s: %s", path, strerror(-r));
		return r;
	}
	const char *sysfs = s->o->sysfs ? s->o->sysfs : "/sys";

	if (strlen(sysfs) > PATH_MAX / 2)
		return kmodsel_fail(s, -ENAMETOOLONG, "%.64s...: path too long", sysfs);
	snprintf(path, sizeof(path), "%s/devices", sysfs);
	r = walk(s, path, 0, host_modalias);
	if (r < 0 && !s->err[0])
		kmodsel_fail(s, r, "%s: %s", path, strerror(-r));
	if (r == 0)
		r = host_root(s);
	return r;
}

static int add_requested(struct sel *s, struct kmodsel *out)
{
	for (size_t i = 0; i < s->o->n_add; i++) {
		const char *a = s->o->add[i];
		bool any = false;
		int found = 0, r;

		snprintf(s->why, sizeof(s->why), "--add-modules %.400s", a);
		r = add_lookup(s, a, &found, &any);

		if (r < 0)
			return r;
		if (!any)
			return kmodsel_fail(s, -ENOENT, "%s: no module or alias \"%s\" in the target's index",
				    s->moddir, a);
		if (!found) {
			r = array_grow((void **)&out->notes, &out->cap_notes, out->n_notes + 1,
				       sizeof(*out->notes), s->o->n_add);
			if (r < 0)
				return r;
			if (asprintf(&out->notes[out->n_notes], "%s is built into the kernel", a) < 0)
				return -ENOMEM;
			out->n_notes++;
		}
	}
	return 0;
}

static int add_wanted(struct sel *s)
{
	for (size_t i = 0; i < s->o->n_want; i++) {
		const struct kmodsel_want *w = &s->o->want[i];
		bool any = false;
		int r;

		snprintf(s->why, sizeof(s->why), "%s (%.400s)", w->why, w->name);
		r = add_lookup(s, w->name, NULL, &any);

		if (r < 0)
			return r;
		if (!any && !w->optional)
			return kmodsel_fail(s, -ENOENT, "%s: %s needs module \"%s\", which the "
					    "target kernel has neither as a module nor built in",
					    s->moddir, w->why, w->name);
	}
	return 0;
}

/* --- closure ---------------------------------------------------------------------------- */

static int softdep_add(const char *name, bool post, void *ctx)
{
	(void)post;
	return add_lookup(ctx, name, NULL, NULL);
}

static int close_over(struct sel *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct kmod_module *m = s->c[i].mod;
		struct kmod_list *pre = NULL, *post = NULL, *it;
		int r;

		snprintf(s->why, sizeof(s->why), "dependency of %s", kmod_module_get_name(m));
		r = add_list(s, kmod_module_get_dependencies(m), NULL);
		snprintf(s->why, sizeof(s->why), "softdep of %s", kmod_module_get_name(m));
		if (r == 0 && kmod_module_get_softdeps(m, &pre, &post) == 0) {
			r = add_list(s, pre, NULL);
			if (r == 0)
				r = add_list(s, post, NULL);
			else
				kmod_module_unref_list(post);
		}
		/* modules.softdep keeps one line per module; the module's own modinfo may
		 * list several (btrfs: crc32c, xxhash64, sha256, blake2b-256). */
		if (r == 0 && kmod_module_get_info(m, &s->c[i].info) < 0)
			r = kmodsel_fail(s, -EIO, "%s: cannot read its modinfo", kmod_module_get_path(m));
		kmod_list_foreach(it, s->c[i].info) {
			const char *v = kmod_module_info_get_value(it);

			if (r == 0 && !strcmp(kmod_module_info_get_key(it), "softdep") && v)
				r = kmodsel_parse_softdep(v, strlen(v), softdep_add, s);
		}
		if (r < 0)
			return r == -EBADMSG ? kmodsel_fail(s, r, "%s: malformed softdep in its modinfo",
						     kmod_module_get_path(m))
					     : r;
	}
	return 0;
}

/* --- entry points --------------------------------------------------------------------------- */

static int by_relpath(const void *a, const void *b)
{
	return strcmp(((const struct chosen *)a)->relpath, ((const struct chosen *)b)->relpath);
}

/* The release a module's vermagic names ("" without one, or a malformed one: the
 * check in kmodver.c then names the module). */
static void module_release(struct kmod_list *info, char *out, size_t n)
{
	struct kmod_list *it;

	kmod_list_foreach(it, info) {
		const char *v = kmod_module_info_get_value(it);

		if (v && !strcmp(kmod_module_info_get_key(it), "vermagic")) {
			if (vermagic_release(v, strlen(v), out, n) < 0)
				out[0] = '\0';
			return;
		}
	}
}

static int list_modules(const struct sel *s, struct kmodsel *out)
{
	out->mods = calloc(s->n ? s->n : 1, sizeof(*out->mods));
	if (!out->mods)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		struct kmodsel_module *m = &out->mods[i];

		char release[VERMAGIC_MAX_RELEASE] = "";

		m->name = strdup(kmod_module_get_name(s->c[i].mod));
		m->relpath = strdup(s->c[i].relpath);
		m->why = strdup(s->c[i].why);
		module_release(s->c[i].info, release, sizeof(release));
		m->vermagic = strdup(release);
		out->n_mods++;
		if (!m->name || !m->relpath || !m->why || !m->vermagic)
			return -ENOMEM;
	}
	return 0;
}

static int open_index(struct sel *s)
{
	static const char *const no_config[] = { NULL };
	char dep[PATH_MAX + 16];
	int r;

	if (!realpath(s->o->moddir, s->moddir))
		return kmodsel_fail(s, -errno, "%s: %s", s->o->moddir, strerror(errno));
	if (strlen(s->moddir) > PATH_MAX / 2)
		return kmodsel_fail(s, -ENAMETOOLONG, "%s: path too long", s->o->moddir);
	snprintf(dep, sizeof(dep), "%s/modules.dep", s->moddir);
	if (access(dep, R_OK) < 0)
		return kmodsel_fail(s, -errno, "%s: no modules.dep there", s->o->moddir);
	/* No modprobe.d of the build host: the image must not depend on it. */
	s->ctx = kmod_new(s->moddir, no_config);
	if (!s->ctx)
		return kmodsel_fail(s, -ENOMEM, "%s: cannot open the module index", s->o->moddir);
	r = kmod_load_resources(s->ctx);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: cannot load the module index (%s); run depmod for it?",
			    s->o->moddir, strerror(-r));
	return 0;
}

int kmodsel_select(const struct kmodsel_opts *opts, struct kmodsel **out, char *err, size_t errsz)
{
	char dummy[1];
	struct sel s = { .o = opts, .err = errsz ? err : dummy, .errsz = errsz };
	struct kmodsel *res = calloc(1, sizeof(*res));
	int r;

	s.err[0] = '\0';
	*out = NULL;
	if (!res)
		return -ENOMEM;
	r = open_index(&s);
	if (r == 0)
		r = find_roots(&s);
	if (r == 0)
		r = add_requested(&s, res);
	if (r == 0)
		r = add_wanted(&s);
	if (r == 0)
		r = close_over(&s);
	if (r == 0 && s.n)
		qsort(s.c, s.n, sizeof(*s.c), by_relpath);
	if (r == 0)
		r = list_modules(&s, res);
	if (r == 0)
		r = kmodsel_write_index(&s, res);
	if (r == 0)
		r = kmodsel_find_firmware(&s, res);
	for (size_t i = 0; i < s.n; i++) {
		free(s.c[i].why);
		kmod_module_info_free_list(s.c[i].info);
		kmod_module_unref(s.c[i].mod);
	}
	free(s.c);
	kmod_unref(s.ctx);
	if (r < 0) {
		if (!s.err[0])
			kmodsel_fail(&s, r, "%s: %s", opts->moddir, strerror(-r));
		kmodsel_free(res);
		return r;
	}
	*out = res;
	return 0;
}

void kmodsel_free(struct kmodsel *sel)
{
	if (!sel)
		return;
	for (size_t i = 0; i < sel->n_mods; i++) {
		free(sel->mods[i].name);
		free(sel->mods[i].relpath);
		free(sel->mods[i].why);
		free(sel->mods[i].vermagic);
	}
	for (size_t i = 0; i < sel->n_fw; i++) {
		free(sel->fw[i].name);
		free(sel->fw[i].src);
	}
	for (size_t i = 0; i < sel->n_missing; i++) {
		free(sel->missing[i].firmware);
		free(sel->missing[i].module);
	}
	for (size_t i = 0; i < sel->n_notes; i++)
		free(sel->notes[i]);
	free(sel->mods);
	free(sel->fw);
	free(sel->missing);
	free(sel->notes);
	free(sel->dep);
	free(sel->alias);
	free(sel->softdep);
	free(sel->builtin);
	free(sel);
}
