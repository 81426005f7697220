/* build: assemble, archive, compress and write an image. See build.h. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/errmsg.h"
#include "base/array.h"
#include "base/readfile.h"
#include "cmdline_check.h"
#include "compress.h"
#include "cpio.h"
#include "elfdeps.h"
#include "fileio.h"
#include "hook.h"
#include "include.h"
#include "kmodver.h"
#include "modcomp.h"
#include "progress.h"
#include "script.h"

#define MAX_ENTRIES 200000

/* One file of the image. Bytes come from src (read when the archive is written,
 * so the whole tree is never in memory twice) or from data (symlink targets and
 * generated text). */
struct entry {
	char *name;        /* no leading '/' */
	uint32_t mode;
	uint32_t rmajor, rminor;
	char *src;
	char *data;
	size_t size;
};

struct tree {
	struct entry *e;
	size_t n, cap;
	char *err;
	size_t errsz;
};

static int fail(struct tree *t, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct tree *t, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = verrmsg(t->err, t->errsz, r, fmt, ap);
	va_end(ap);
	return r;
}

static void entry_free(struct entry *e)
{
	free(e->name);
	free(e->src);
	free(e->data);
}

static void tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_free(&t->e[i]);
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}

/* Adds an entry; name may start with '/' (dropped). data is copied. */
static int add(struct tree *t, const char *name, uint32_t mode, const char *src,
	       const char *data, size_t size)
{
	struct entry *e;

	while (*name == '/')
		name++;
	if (!*name)
		return fail(t, -EINVAL, "an empty path in the image");
	if (t->n == MAX_ENTRIES)
		return fail(t, -E2BIG, "more than %d files in the image", MAX_ENTRIES);
	if (array_grow((void **)&t->e, &t->cap, t->n + 1, sizeof(*t->e), MAX_ENTRIES) < 0)
		return -ENOMEM;
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	e->mode = mode;
	e->size = size;
	e->name = strdup(name);
	e->src = src ? strdup(src) : NULL;
	e->data = data ? malloc(size ? size : 1) : NULL;
	if (!e->name || (src && !e->src) || (data && !e->data)) {
		entry_free(e);
		return -ENOMEM;
	}
	if (data && size)
		memcpy(e->data, data, size);
	t->n++;
	return 0;
}

/* Adds a regular file whose bytes are data (malloc'd): taken over, even on failure. */
static int add_owned(struct tree *t, const char *name, uint8_t *data, size_t size)
{
	int r = add(t, name, S_IFREG | 0644, NULL, NULL, size);

	if (r < 0) {
		free(data);
		return r;
	}
	t->e[t->n - 1].data = (char *)data;
	return 0;
}

static int add_dir(struct tree *t, const char *name)
{
	return add(t, name, S_IFDIR | 0755, NULL, NULL, 0);
}

static int add_text(struct tree *t, const char *name, const char *text, size_t len)
{
	return add(t, name, S_IFREG | 0644, NULL, text, len);
}

static int add_link(struct tree *t, const char *name, const char *target)
{
	return add(t, name, S_IFLNK | 0777, NULL, target, strlen(target));
}

static int add_node(struct tree *t, const char *name, uint32_t mode, uint32_t maj, uint32_t min)
{
	int r = add(t, name, S_IFCHR | mode, NULL, NULL, 0);

	if (r == 0) {
		t->e[t->n - 1].rmajor = maj;
		t->e[t->n - 1].rminor = min;
	}
	return r;
}

/* Every parent directory of every entry, so the kernel's unpacker (which does not
 * create missing parents) finds them first once sorted. */
static int add_parents(struct tree *t)
{
	size_t n = t->n;

	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		size_t len = strlen(t->e[i].name);
		int r;

		if (len >= sizeof(path))
			return fail(t, -ENAMETOOLONG, "%s: path too long", t->e[i].name);
		memcpy(path, t->e[i].name, len + 1);
		for (char *s = strrchr(path, '/'); s; s = strrchr(path, '/')) {
			*s = '\0';
			r = add_dir(t, path);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static bool same(const struct entry *a, const struct entry *b)
{
	if (a->mode != b->mode || a->size != b->size || a->rmajor != b->rmajor ||
	    a->rminor != b->rminor)
		return false;
	if (a->src || b->src)
		return a->src && b->src && !strcmp(a->src, b->src);
	return !a->size || !memcmp(a->data, b->data, a->size);
}

/* Sorts by name (a parent is a prefix of its children, so it sorts first) and
 * drops duplicates; two different things for one name is an error. */
static int sort_unique(struct tree *t)
{
	size_t o = 0;

	qsort(t->e, t->n, sizeof(*t->e), by_name);
	for (size_t i = 0; i < t->n; i++) {
		if (o && !strcmp(t->e[o - 1].name, t->e[i].name)) {
			if (!same(&t->e[o - 1], &t->e[i])) {
				int r = fail(t, -EEXIST, "/%s: two different files want this "
					     "path in the image", t->e[i].name);

				/* keep every remaining entry owned exactly once */
				memmove(&t->e[o], &t->e[i], (t->n - i) * sizeof(*t->e));
				t->n = o + (t->n - i);
				return r;
			}
			entry_free(&t->e[i]);
			continue;
		}
		t->e[o++] = t->e[i];
	}
	t->n = o;
	return 0;
}

/* --- what goes in -------------------------------------------------------------------- */

static int add_skeleton(struct tree *t, const struct build_opts *o, struct stat *init)
{
	static const char *const dirs[] = { "dev", "proc", "sys", "run", "sysroot", "tmp",
					    "etc/sprout" };
	int r = stat(o->init, init) < 0 ? -errno : S_ISREG(init->st_mode) ? 0 : -EINVAL;

	if (r < 0)
		return fail(t, r, "sprout-init %s: %s (expected the sprout-init binary; see "
			    "--init)", o->init, r == -EINVAL ? "not a regular file" : strerror(-r));
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++)
		r = add_dir(t, dirs[i]);
	if (r == 0)
		r = add(t, "init", S_IFREG | 0755, o->init, NULL, (size_t)init->st_size);
	if (r == 0)
		r = add_node(t, "dev/console", 0600, 5, 1);
	if (r == 0)
		r = add_node(t, "dev/null", 0666, 1, 3);
	if (r == 0 && o->cmdline) {
		char text[BUILD_MAX_CMDLINE + 64];
		int n;

		char why[512];
		size_t col;

		if (strlen(o->cmdline) > BUILD_MAX_CMDLINE)
			return fail(t, -E2BIG, "--cmdline: longer than %d bytes", BUILD_MAX_CMDLINE);
		/* read now by the parser sprout-init boots with, not first at boot */
		if (cmdline_check(o->cmdline, strlen(o->cmdline), &col, why, sizeof(why)) < 0)
			return fail(t, -EINVAL, "--cmdline: %s; no image written", why);
		n = snprintf(text, sizeof(text), "# from sprout build --cmdline\n%s\n", o->cmdline);
		r = add_text(t, "etc/sprout/cmdline.d/10-build.conf", text, (size_t)n);
	}
	return r;
}

static int add_metadata(struct tree *t, const struct build_opts *o, const struct kmodsel *sel,
			unsigned with)
{
	const char *cname = compress_name((enum compress_kind)o->compress);
	char text[1024], parts[32];
	int n;

	stack_with_string(with, parts, sizeof(parts));
	n = snprintf(text, sizeof(text),
		     "kver=%s\nsprout_version=%s\nmode=%s\ncompress=%s\nmodule_compress=%s\n"
		     "modules=%zu\nfirmware=%zu\nwith=%s\nbuild_time=%u\n",
		     o->kver, SPROUT_VERSION, o->host_only ? "host-only" : "generic",
		     cname ? cname : "?", modcomp_name(o->module_compress), sel->n_mods,
		     sel->n_fw, parts, (unsigned)o->mtime);

	if (n < 0 || (size_t)n >= sizeof(text))
		return fail(t, -ENAMETOOLONG, "--kver %s: too long", o->kver);
	return add_text(t, "etc/sprout/image", text, (size_t)n);
}

/* The modules, stored as --module-compress says (modcomp.h): .ko.xz files go to mods
 * (the uncompressed archive in front), the rest to t. */
static int add_module_files(struct tree *t, struct tree *mods, const struct build_opts *o,
			    const struct kmodsel *sel, struct modcomp_stats *st)
{
	struct modcomp_opts mo = { o->module_compress, o->module_cache, 0 };
	struct modcomp_item *items = calloc(sel->n_mods ? sel->n_mods : 1, sizeof(*items));
	struct { char src[PATH_MAX], dst[PATH_MAX]; } *files =
		calloc(sel->n_mods ? sel->n_mods : 1, sizeof(*files));
	char rel[PATH_MAX];
	int r = 0;

	if (!items || !files) {
		free(items);
		free(files);
		return -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < sel->n_mods; i++) {
		const char *relpath = sel->mods[i].relpath;

		if (snprintf(files[i].src, sizeof(files[i].src), "%s/%s", o->moddir, relpath) >=
		    (int)sizeof(files[i].src) ||
		    modcomp_stored_path(relpath, o->module_compress, rel, sizeof(rel)) < 0 ||
		    snprintf(files[i].dst, sizeof(files[i].dst), "lib/modules/%s/%s", o->kver, rel) >=
		    (int)sizeof(files[i].dst))
			r = fail(t, -ENAMETOOLONG, "%s: too long, or not a module file name",
				 relpath);
		items[i].src = files[i].src;
	}
	if (r == 0) {
		progress_stage(o->module_compress == MODCOMP_XZ ? "compressing modules (xz)"
								 : "reading modules");
		r = modcomp_run(&mo, items, sel->n_mods, st, t->err, t->errsz);
	}
	for (size_t i = 0; i < sel->n_mods; i++) {
		if (r < 0)
			free(items[i].data);
		else if (items[i].how == MODCOMP_AS_IS)
			r = add(t, files[i].dst, S_IFREG | 0644, items[i].src, NULL, 0);
		else
			r = add_owned(o->module_compress == MODCOMP_XZ ? mods : t, files[i].dst,
				      items[i].data, items[i].size);
	}
	free(items);
	free(files);
	return r;
}

static int add_modules(struct tree *t, struct tree *mods, const struct build_opts *o,
		       const struct kmodsel *sel, struct modcomp_stats *st)
{
	static const char *const names[] = { "modules.dep", "modules.alias", "modules.softdep",
					     "modules.builtin" };
	const char *texts[] = { sel->dep, sel->alias, sel->softdep, sel->builtin };
	size_t lens[] = { sel->dep_len, sel->alias_len, sel->softdep_len, sel->builtin_len };
	char dst[PATH_MAX], *dep = NULL;
	size_t dep_len = 0;
	int r = add_module_files(t, mods, o, sel, st);

	/* modules.dep names the files as the image stores them */
	if (r == 0 && sel->dep) {
		r = modcomp_rewrite_dep(sel->dep, sel->dep_len, o->module_compress, &dep, &dep_len);
		if (r < 0)
			return fail(t, r, "modules.dep of %s: a path without a module ending",
				    o->moddir);
		texts[0] = dep;
		lens[0] = dep_len;
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(names); i++) {
		snprintf(dst, sizeof(dst), "lib/modules/%s/%s", o->kver, names[i]);
		r = add_text(t, dst, texts[i] ? texts[i] : "", texts[i] ? lens[i] : 0);
	}
	free(dep);
	for (size_t i = 0; r == 0 && i < sel->n_fw; i++) {
		if (snprintf(dst, sizeof(dst), "lib/firmware/%s", sel->fw[i].name) >=
		    (int)sizeof(dst))
			return fail(t, -ENAMETOOLONG, "%s: path too long", sel->fw[i].name);
		r = add(t, dst, S_IFREG | 0644, sel->fw[i].src, NULL, 0);
	}
	return r;
}

/* The host paths of the parts' tools, in stack_tools() order ("" when not wanted). */
struct tools {
	char path[4][PATH_MAX];
};

static const char *tool_path(const struct build_opts *o)
{
	return o->tool_path ? o->tool_path : BUILD_TOOL_PATH;
}

static int find_tools(struct tree *t, const struct build_opts *o, unsigned with,
		      unsigned detected, struct tools *found)
{
	const char *path = tool_path(o);
	size_t n;
	const struct stack_tool *tl = stack_tools(&n);

	memset(found, 0, sizeof(*found));
	for (size_t i = 0; i < n && i < ARRAY_SIZE(found->path); i++) {
		char part[16];
		int r;

		if (!(with & tl[i].part))
			continue;
		r = stack_find_tool(path, tl[i].name, found->path[i], sizeof(found->path[i]));
		if (r < 0) {
			char why[64];

			stack_with_string(tl[i].part, part, sizeof(part));
			if (detected & tl[i].part)
				snprintf(why, sizeof(why), "the root's %s layer (found by "
					 "--host-only)", part);
			else
				snprintf(why, sizeof(why), "--with %s", part);
			return fail(t, r, "%s needs %s, which is not on this host (looked in %s): "
				    "install the package %s (apt-get install %s)", why, tl[i].name,
				    path, tl[i].package, tl[i].package);
		}
	}
	return 0;
}

static int add_tools(struct tree *t, struct elfdeps *d, const struct tools *found)
{
	char msg[512];
	size_t n;
	const struct stack_tool *tl = stack_tools(&n);

	for (size_t i = 0; i < n && i < ARRAY_SIZE(found->path); i++) {
		int r;

		if (!found->path[i][0])
			continue;
		r = elfdeps_add(d, found->path[i], tl[i].dst, msg, sizeof(msg));
		for (const char *const *lib = tl[i].dlopen; r == 0 && *lib; lib++)
			r = elfdeps_add_library(d, tl[i].dst, *lib, msg, sizeof(msg));
		if (r < 0)
			return fail(t, r, "%s for %s: %s", found->path[i], tl[i].dst, msg);
	}
	return 0;
}

/* --hook PHASE:PROGRAM: PROGRAM at /etc/sprout/hooks/PHASE.d/ under its own name, with
 * what it needs, as --add-binary adds a program. */
static int add_hook(struct tree *t, struct elfdeps *d, const struct build_opts *o,
		    const char *spec)
{
	enum cmdline_phase ph;
	const char *prog, *base;
	char dst[PATH_MAX], msg[512];
	int r = hook_spec_parse(spec, &ph, &prog, msg, sizeof(msg));

	if (r < 0)
		return fail(t, r, "%s", msg);
	base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	if (!*base || !hook_name_wanted(base))
		return fail(t, -EINVAL, "--hook %s: \"%s\" is not a name sprout-init runs (a "
			    "file name not starting with '.' nor ending in '~' or a package "
			    "manager's suffix)", spec, base);
	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s.d/%s", HOOK_DIR, cmdline_phase_name(ph),
			     base) >= sizeof(dst))
		return fail(t, -ENAMETOOLONG, "--hook %s: name too long", spec);
	r = script_add(d, prog, dst, o->tool_path ? o->tool_path : BUILD_TOOL_PATH,
		       o->shell != NULL, msg, sizeof(msg));
	if (r < 0)
		return fail(t, r, "--hook %s: %s", spec, msg);
	return 0;
}

static int add_binaries(struct tree *t, const struct build_opts *o, const struct tools *tools,
			size_t *count)
{
	struct elfdeps d;
	int r;

	elfdeps_init(&d);
	char msg[512];

	r = add_tools(t, &d, tools);
	if (r < 0) {
		elfdeps_free(&d);
		return r;
	}

	if (r == 0 && o->shell) {
		r = elfdeps_add(&d, o->shell, "/bin/busybox", msg, sizeof(msg));
		if (r < 0)
			fail(t, r, "--shell %s: %s", o->shell, msg);
		else
			r = add_link(t, "bin/sh", "busybox");
	}
	for (size_t i = 0; r == 0 && i < o->n_add_binary; i++) {
		/* a script brings its interpreter ("#!"), and that its libraries */
		r = script_add(&d, o->add_binary[i], NULL, o->tool_path ? o->tool_path : BUILD_TOOL_PATH,
			       o->shell != NULL, msg, sizeof(msg));
		if (r < 0)
			fail(t, r, "--add-binary %s: %s", o->add_binary[i], msg);
	}
	for (size_t i = 0; r == 0 && i < o->n_hook; i++)
		r = add_hook(t, &d, o, o->hook[i]);
	for (size_t i = 0; r == 0 && i < d.n; i++) {
		const struct elfdeps_item *it = &d.items[i];

		r = it->link ? add_link(t, it->path, it->link)
			     : add(t, it->path, S_IFREG | it->mode, it->src, NULL, 0);
	}
	*count = d.n;
	elfdeps_free(&d);
	return r;
}

/* lvm.conf always ours; mdadm.conf the host's in a host-only image (its ARRAY lines
 * name this machine's arrays), else one that assembles whatever is found: a generic
 * image must not carry one machine's array list. */
static int add_configs(struct tree *t, const struct build_opts *o, unsigned with,
		       bool *host_mdadm)
{
	const char *conf = o->mdadm_conf ? o->mdadm_conf : "/etc/mdadm/mdadm.conf";
	struct stat st;
	int r = 0;

	*host_mdadm = false;
	if (with & STACK_LVM)
		r = add_text(t, "etc/lvm/lvm.conf", stack_lvm_conf(), strlen(stack_lvm_conf()));
	if (r < 0 || !(with & STACK_MD))
		return r;
	if (o->host_only && stat(conf, &st) == 0 && S_ISREG(st.st_mode)) {
		*host_mdadm = true;
		return add(t, "etc/mdadm/mdadm.conf", S_IFREG | 0644, conf, NULL, 0);
	}
	return add_text(t, "etc/mdadm/mdadm.conf", stack_mdadm_conf(), strlen(stack_mdadm_conf()));
}

/* The device rules sprout-init applies to /dev (devices.conf(5)): the file named, or the
 * host's when it has one. */
static int add_devices_conf(struct tree *t, const struct build_opts *o)
{
	const char *conf = o->devices_conf ? o->devices_conf : "/etc/sprout/devices.conf";
	struct stat st;

	if (stat(conf, &st) == 0 && S_ISREG(st.st_mode))
		return add(t, "etc/sprout/devices.conf", S_IFREG | 0644, conf, NULL, 0);
	if (!o->devices_conf)
		return 0;
	return fail(t, -EINVAL, "--devices-conf %s: %s (expected a devices.conf file)", conf,
		    stat(conf, &st) < 0 ? strerror(errno) : "not a regular file");
}

/* One entry of an --include directory (include.h). */
static int include_entry(const char *dst, uint32_t mode, const char *src, const char *target,
			 void *ctx)
{
	struct tree *t = ctx;

	if (S_ISLNK(mode))
		return add_link(t, dst, target);
	/* directories 0755 like every directory of the image (the parents added for
	 * other entries are, and one path must not be two different directories) */
	if (S_ISDIR(mode))
		return add_dir(t, dst);
	return add(t, dst, mode, src, NULL, 0);
}

/* SRC[:DST]: DST is what follows the last ':' when it starts with '/'. */
static int add_include(struct tree *t, const char *spec)
{
	char src[PATH_MAX], dst[PATH_MAX];
	const char *colon = strrchr(spec, ':');
	size_t sl = colon && colon[1] == '/' ? (size_t)(colon - spec) : strlen(spec);
	struct stat st;
	int r;

	if (sl >= sizeof(src))
		return fail(t, -ENAMETOOLONG, "--include %s: path too long", spec);
	memcpy(src, spec, sl);
	src[sl] = '\0';
	r = elfdeps_normalize(sl < strlen(spec) ? colon + 1 : src, dst, sizeof(dst));
	if (r < 0 || !strcmp(dst, "/"))
		return fail(t, r < 0 ? r : -EINVAL, "--include %s: expected SRC[:DST] with DST an "
			    "absolute path in the image (without \"..\" above /)", spec);
	if (stat(src, &st) < 0)
		return fail(t, -errno, "--include %s: %s", src, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return include_dir(src, dst, include_entry, t, t->err, t->errsz);
	if (!S_ISREG(st.st_mode))
		return fail(t, -EINVAL, "--include %s: not a regular file or a directory", src);
	return add(t, dst, S_IFREG | (st.st_mode & 0777), src, NULL, 0);
}

static int add_includes(struct tree *t, const struct build_opts *o)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < o->n_include; i++)
		r = add_include(t, o->include[i]);
	return r;
}

/* Host-only with LUKS under the root: the host's crypttab entries for it, as boot
 * arguments and a key file kept readable by root only (hostluks.h). */
static int add_crypttab(struct tree *t, const struct build_opts *o, struct build_report *rep)
{
	struct hostluks *h = &rep->luks;
	char text[HOSTLUKS_WORDS + 64];
	int n, r;

	if (!o->host_only || !rep->found.n_luks)
		return 0;
	r = hostluks_plan(o->crypttab, &rep->found, h, t->err, t->errsz);
	if (r < 0 || !h->words[0])
		return r;
	n = snprintf(text, sizeof(text), "# from the build host's crypttab (sprout build "
		     "--host-only)\n%s\n", h->words);
	r = add_text(t, "etc/sprout/cmdline.d/05-crypttab.conf", text, (size_t)n);
	if (r == 0 && h->key[0])
		r = add(t, h->key, S_IFREG | 0600, h->key, NULL, 0);
	return r;
}

/* Host-only with a resume device: resume=UUID= of its swap, before --cmdline's words
 * (10-build.conf), which win. */
static int add_resume(struct tree *t, const struct build_opts *o, const struct build_report *rep)
{
	char text[sizeof(rep->resume.word) + 64];
	int n;

	if (!o->host_only || !rep->resume.word[0])
		return 0;
	n = snprintf(text, sizeof(text), "# the build host's resume device (sprout build "
		     "--host-only)\n%s\n", rep->resume.word);
	return add_text(t, "etc/sprout/cmdline.d/05-resume.conf", text, (size_t)n);
}

/* The host's modprobe.d lines for the chosen modules, as boot arguments (modprobe.h). */
static int add_modprobe(struct tree *t, const struct build_opts *o, struct build_report *rep)
{
	static const char *const host[] = { "/etc/modprobe.d" };
	const char *const *paths = o->n_modprobe_conf ? o->modprobe_conf : host;
	size_t n = o->n_modprobe_conf ? o->n_modprobe_conf : o->host_only ? 1 : 0;
	char text[MODPROBE_WORDS + 64];
	int r = modprobe_plan(paths, n, rep->sel, &rep->modprobe, t->err, t->errsz);

	if (r < 0 || !rep->modprobe.words[0])
		return r;
	n = (size_t)snprintf(text, sizeof(text), "# from modprobe.d (sprout build)\n%s\n",
			     rep->modprobe.words);
	return add_text(t, "etc/sprout/cmdline.d/03-modprobe.conf", text, n);
}

/* --- writing --------------------------------------------------------------------------- */

static int archive(struct tree *t, uint32_t mtime, struct cpio_buf *cb)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct entry *e = &t->e[i];
		struct cpio_entry ce = {
			.name = e->name,
			.mode = e->mode,
			.nlink = S_ISDIR(e->mode) ? 2 : 1,
			.mtime = mtime,
			.rdevmajor = e->rmajor,
			.rdevminor = e->rminor,
			.data = (const uint8_t *)e->data,
			.size = e->size,
		};
		char *buf = NULL;
		int r = 0;

		if (e->src) {
			r = readfile_at(AT_FDCWD, e->src, BUILD_MAX_FILE, &buf, &ce.size);
			if (r < 0)
				return fail(t, r, "%s: %s", e->src, strerror(-r));
			ce.data = (const uint8_t *)buf;
		}
		r = cpio_write_entry(cb, &ce);
		free(buf);
		if (r < 0)
			return fail(t, r, "/%s: cannot archive it: %s", e->name, strerror(-r));
	}
	return cpio_write_trailer(cb);
}

static void sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return;
	fileio_sync_dir(dir); /* the rename itself must reach the disk too */
}

/* OUTPUT.tmpXXXXXX beside the output, synced, then renamed over it. */
static int write_output(struct tree *t, const char *path, const uint8_t *data, size_t len)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp))
		return fail(t, -ENAMETOOLONG, "-o %s: path too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return fail(t, -errno, "-o %s: cannot create a file beside it: %s", path,
			    strerror(errno));
	r = fileio_commit(fd, tmp, path, data, len);
	if (r < 0) {
		return fail(t, r, "-o %s: writing the image failed: %s", path, strerror(-r));
	}
	sync_dir(path);
	return 0;
}

/* --- the whole build ---------------------------------------------------------------------- */

static int check_opts(struct tree *t, const struct build_opts *o)
{
	if (!o->kver || !*o->kver || strchr(o->kver, '/') || !strcmp(o->kver, ".") ||
	    !strcmp(o->kver, ".."))
		return fail(t, -EINVAL, "--kver \"%s\": expected a kernel release such as "
			    "6.1.0-56-amd64", o->kver ? o->kver : "");
	if (!o->moddir || (!o->output && !o->list_only) || !o->init)
		return fail(t, -EINVAL, "missing moddir, output or init");
	if (!compress_name((enum compress_kind)o->compress))
		return fail(t, -EINVAL, "unknown compression %d", o->compress);
	if (o->module_compress != MODCOMP_XZ && o->module_compress != MODCOMP_NONE)
		return fail(t, -EINVAL, "unknown module compression %d", o->module_compress);
	if (o->no_fsck && (o->with & STACK_FSCK))
		return fail(t, -EINVAL, "--no-fsck and --with fsck (or with = fsck in a settings "
			    "file) ask for opposite things; drop one");
	return 0;
}

/* The modules of the parts: every one of the table, except that a host-only image
 * whose md array host-only found (and that did not ask for md) keeps the
 * personalities in use only. */
struct wants {
	struct kmodsel_want w[64];
	size_t n;
	char levels[STACK_MAX_LEVELS][32];
};

/* A command line baked in with sprout.image= mounts a squashfs or erofs file on a loop
 * device: a host-only image (whose root is not one) takes those modules too. Optional:
 * a kernel may have them built in, or lack erofs. */
static void want_image_modules(const struct build_opts *o, struct wants *ws)
{
	static const char *const names[] = { "loop", "squashfs", "erofs" };

	if (!o->cmdline || !strstr(o->cmdline, "sprout.image="))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names) && ws->n < ARRAY_SIZE(ws->w); i++)
		ws->w[ws->n++] = (struct kmodsel_want){ names[i], "sprout.image= in --cmdline", true };
}

static void want_modules(const struct build_report *rep, struct wants *ws)
{
	static const char *const why[] = { "--with luks", "--with lvm", "--with md" };
	bool narrow_md = (rep->detected & STACK_MD) && rep->found.n_md_levels;
	size_t n;
	const struct stack_module *m = stack_modules(&n);

	ws->n = 0;
	for (size_t i = 0; i < n && ws->n < ARRAY_SIZE(ws->w); i++) {
		unsigned bit = m[i].part;
		size_t k = bit == STACK_LUKS ? 0 : bit == STACK_LVM ? 1 : 2;

		if (!(rep->with & bit) || (m[i].personality && narrow_md))
			continue;
		ws->w[ws->n++] = (struct kmodsel_want){ m[i].name, why[k], m[i].optional };
	}
	for (size_t i = 0; narrow_md && i < rep->found.n_md_levels; i++) {
		snprintf(ws->levels[i], sizeof(ws->levels[i]), "md-%s", rep->found.md_levels[i]);
		if (ws->n < ARRAY_SIZE(ws->w))
			ws->w[ws->n++] = (struct kmodsel_want){ ws->levels[i],
								"the root's md array", false };
	}
}

static int select_modules(struct tree *t, const struct build_opts *o,
			  const struct build_report *rep, struct kmodsel **sel)
{
	struct wants ws;

	want_modules(rep, &ws);
	want_image_modules(o, &ws);
	struct kmodsel_opts ko = {
		.moddir = o->moddir,
		.host_only = o->host_only,
		.sysfs = o->sysfs,
		.mounts = o->mounts,
		.firmware_dir = o->firmware_dir,
		.add = o->add_modules,
		.n_add = o->n_add_modules,
		.want = ws.w,
		.n_want = ws.n,
	};

	return kmodsel_select(&ko, sel, t->err, t->errsz);
}

/* Whether an entry of t other than a directory lies under the directory d. */
static bool holds_files(const struct tree *t, const char *d)
{
	size_t len = strlen(d);

	for (size_t i = 0; i < t->n; i++)
		if (!S_ISDIR(t->e[i].mode) && !strncmp(t->e[i].name, d, len) && t->e[i].name[len] == '/')
			return true;
	return false;
}

/* The .ko.xz files as an uncompressed archive of their own, put in front of the
 * compressed one in z (reallocated). A directory of theirs is dropped from t unless
 * t still has files in it (lib/modules/KVER with modules.dep): each archive makes the
 * directories of its own files, so a tool that unpacks the archives apart
 * (unmkinitramfs) can, and the kernel, which unpacks them in turn, finds it made
 * already. Inode numbers go on from one archive to the next. */
static int pack_modules(struct tree *t, struct tree *mods, uint32_t mtime, struct cpio_buf *cb,
			size_t *bytes)
{
	int r;

	*bytes = 0;
	if (!mods->n)
		return 0;
	r = add_parents(mods);
	if (r == 0)
		r = sort_unique(mods);
	if (r == 0)
		r = archive(mods, mtime, cb);
	if (r < 0)
		return r;
	*bytes = cb->len;
	size_t o = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (S_ISDIR(t->e[i].mode) &&
		    bsearch(&t->e[i], mods->e, mods->n, sizeof(*mods->e), by_name) &&
		    !holds_files(t, t->e[i].name)) {
			entry_free(&t->e[i]);
			continue;
		}
		t->e[o++] = t->e[i];
	}
	t->n = o;
	return 0;
}

static int pack(struct tree *t, struct tree *mods, const struct build_opts *o,
		struct build_report *rep)
{
	struct cpio_buf mb, cb;
	uint8_t *z = NULL;
	size_t zlen = 0;
	int r;

	cpio_buf_init(&mb);
	cpio_buf_init(&cb);
	r = pack_modules(t, mods, o->mtime, &mb, &rep->modules_bytes);
	cb.next_ino = mb.next_ino;
	if (r == 0) {
		rep->entries = t->n + mods->n;
		r = archive(t, o->mtime, &cb);
	}
	if (r == 0) {
		char stage[64];

		rep->cpio_bytes = cb.len + mb.len;
		snprintf(stage, sizeof(stage), "compressing (%s)", compress_name((enum compress_kind)o->compress));
		progress_stage(stage);
		r = compress_buffer((enum compress_kind)o->compress, cb.data, cb.len, &z, &zlen);
		if (r < 0)
			fail(t, r, "compressing the image (%s): %s",
			     compress_name((enum compress_kind)o->compress), strerror(-r));
	}
	cpio_buf_free(&cb);
	if (r == 0 && mb.len) {
		/* the module archive first: it ends padded to 512 bytes, so what follows
		 * starts aligned as the kernel wants */
		uint8_t *both = malloc(mb.len + zlen);

		if (!both) {
			r = -ENOMEM;
		} else {
			memcpy(both, mb.data, mb.len);
			memcpy(both + mb.len, z, zlen);
			free(z);
			z = both;
			zlen += mb.len;
		}
	}
	cpio_buf_free(&mb);
	if (r == 0 && !o->no_microcode) {
		struct microcode_opts mco = { o->firmware_dir, o->cpuinfo, o->host_only, o->mtime };

		r = microcode_prepend(&mco, &z, &zlen, &rep->microcode, t->err, t->errsz);
	}
	if (r == 0) {
		progress_stage("writing");
		r = write_output(t, o->output, z, zlen);
	}
	if (r == 0)
		rep->image_bytes = zlen;
	free(z);
	return r;
}

/* The resume device's stack joins the root's: its parts, md levels and LUKS devices
 * (each once), so the modules, tools and crypttab words cover both. */
static void merge_stack(struct stack_found *into, const struct stack_found *from)
{
	into->parts |= from->parts;
	for (size_t i = 0; i < from->n_md_levels; i++) {
		size_t k = 0;

		while (k < into->n_md_levels && strcmp(into->md_levels[k], from->md_levels[i]) != 0)
			k++;
		if (k == into->n_md_levels && k < STACK_MAX_LEVELS)
			memcpy(into->md_levels[into->n_md_levels++], from->md_levels[i],
			       sizeof(from->md_levels[i]));
	}
	for (size_t i = 0; i < from->n_luks; i++) {
		size_t k = 0;

		while (k < into->n_luks && strcmp(into->luks[k].uuid, from->luks[i].uuid) != 0)
			k++;
		if (k == into->n_luks && k < STACK_MAX_LUKS)
			into->luks[into->n_luks++] = from->luks[i];
	}
}

/* Host-only: the resume device (hostresume.h), read from the running system, or from
 * --proc with a test's sysfs. */
static int plan_resume(const struct build_opts *o, struct build_report *rep)
{
	const char *sysfs = o->sysfs ? o->sysfs : "/sys";
	const char *proc = o->proc ? o->proc : !strcmp(sysfs, "/sys") ? "/proc" : NULL;
	int r;

	if (!proc)
		return 0;
	r = hostresume_plan(sysfs, proc, &rep->resume);
	if (r < 0 || !rep->resume.word[0])
		return r;
	merge_stack(&rep->found, &rep->resume.found);
	rep->found.parts |= STACK_RESUME;
	return 0;
}

/* The parts: those asked for, and in host-only mode those of the root's stack. A
 * root sprout-init cannot boot fails the build here, before anything is written. */
static int decide_parts(struct tree *t, const struct build_opts *o, struct build_report *rep)
{
	char msg[1024];
	int r;

	rep->with = o->with & STACK_ALL;
	if (!o->host_only)
		return 0;
	r = stack_detect(o->sysfs ? o->sysfs : "/sys", o->mounts ? o->mounts : "/proc/self/mounts",
			 &rep->found, msg, sizeof(msg));
	if (r < 0)
		return fail(t, r, "--host-only: %s; no image written", msg);
	r = plan_resume(o, rep);
	if (r < 0)
		return fail(t, r, "--host-only: the resume device: %s", strerror(-r));
	rep->detected = rep->found.parts & ~rep->with;
	rep->with |= rep->found.parts;
	/* The root's own check, as --with fsck gives it, when this host has the checker;
	 * without one the image is still made (the root boots unchecked) and main says so.
	 * --no-fsck leaves it to the real system. */
	if (!o->no_fsck && (stack_fsck_part(rep->found.root_type) & ~rep->with)) {
		char e2fsck[PATH_MAX];

		if (stack_find_tool(tool_path(o), "e2fsck", e2fsck, sizeof(e2fsck)) == 0) {
			rep->detected |= STACK_FSCK;
			rep->with |= STACK_FSCK;
		} else {
			rep->fsck_missing = true;
		}
	}
	return 0;
}

int build_image(const struct build_opts *o, struct build_report *rep, char *err, size_t errsz)
{
	char dummy[1];
	struct tree t = { .err = errsz ? err : dummy, .errsz = errsz };
	struct tree mods = { .err = t.err, .errsz = errsz };
	struct tools tools;
	struct stat init;
	int r;

	memset(rep, 0, sizeof(*rep));
	t.err[0] = '\0';
	r = check_opts(&t, o);
	progress_stage("choosing modules");
	if (r == 0)
		r = decide_parts(&t, o, rep);
	if (r == 0)
		r = find_tools(&t, o, rep->with, rep->detected, &tools);
	if (r == 0)
		r = select_modules(&t, o, rep, &rep->sel);
	if (r == 0)
		r = kmodver_check(rep->sel, o->kver, o->moddir, t.err, t.errsz);
	if (r == 0 && o->list_only)
		return 0;
	progress_stage("collecting files");
	if (r == 0)
		r = add_skeleton(&t, o, &init);
	if (r == 0)
		r = add_metadata(&t, o, rep->sel, rep->with);
	if (r == 0)
		r = add_modprobe(&t, o, rep);
	if (r == 0)
		r = add_modules(&t, &mods, o, rep->sel, &rep->modcomp);
	if (r == 0)
		r = add_binaries(&t, o, &tools, &rep->binaries);
	if (r == 0)
		r = add_configs(&t, o, rep->with, &rep->mdadm_conf_host);
	if (r == 0)
		r = add_devices_conf(&t, o);
	if (r == 0)
		r = add_includes(&t, o);
	if (r == 0)
		r = add_crypttab(&t, o, rep);
	if (r == 0)
		r = add_resume(&t, o, rep);
	if (r == 0)
		r = add_parents(&t);
	if (r == 0)
		r = sort_unique(&t);
	if (r == 0)
		r = pack(&t, &mods, o, rep);
	tree_free(&t);
	tree_free(&mods);
	if (r < 0 && !t.err[0])
		fail(&t, r, "building %s: %s", o->output, strerror(-r));
	return r;
}

void build_report_free(struct build_report *rep)
{
	if (!rep)
		return;
	kmodsel_free(rep->sel);
	rep->sel = NULL;
}
