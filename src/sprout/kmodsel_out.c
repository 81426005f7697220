/* kmodsel_out: the index files and firmware of a selection. See kmodsel_out.h. */
#include "kmodsel_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/array.h"
#include "base/readfile.h"

/* --- outputs ------------------------------------------------------------------------------ */

struct dep_filter {
	struct sel *s;
	struct kmodsel_text *out;
	size_t kept;
};

static int cmp_relpath(const void *key, const void *elem)
{
	return strcmp(key, ((const struct chosen *)elem)->relpath);
}

static int dep_line(const char *path, size_t pathlen, const char *line, size_t linelen, void *ctx)
{
	struct dep_filter *f = ctx;
	char key[PATH_MAX];

	if (pathlen >= sizeof(key) || !f->s->n)
		return 0; /* longer than any path we chose, or none chosen (bsearch wants a base) */
	memcpy(key, path, pathlen);
	key[pathlen] = '\0';
	if (!bsearch(key, f->s->c, f->s->n, sizeof(*f->s->c), cmp_relpath))
		return 0;
	kmodsel_text_add(f->out, line, linelen);
	kmodsel_text_str(f->out, "\n");
	f->kept++;
	return 0;
}

/* The target's modules.dep lines for the chosen modules (s->c sorted by relpath).
 * The closure put every dependency in the set, so the lines need no editing. */
static int write_dep(struct sel *s, struct kmodsel_text *out)
{
	struct dep_filter f = { s, out, 0 };
	char path[PATH_MAX + 32], *buf;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/modules.dep", s->moddir);
	r = readfile_at(AT_FDCWD, path, KMODSEL_MAX_INDEX, &buf, &len);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: %s", path, strerror(-r));
	r = kmodsel_dep_walk(buf, len, dep_line, &f);
	free(buf);
	if (r < 0)
		return kmodsel_fail(s, r, "%s: malformed", path);
	if (f.kept != s->n)
		return kmodsel_fail(s, -EBADMSG, "%s: %zu of the %zu chosen modules have no line "
				    "there (modules.dep and modules.dep.bin disagree: run depmod)",
				    path, s->n - f.kept, s->n);
	return 0;
}

struct softdep_line {
	const struct sel *s;
	struct kmodsel_text pre, post;
};

/* Keeps a softdep name when it resolves to a module in the image (built-ins and
 * modules left out need no line: sprout-init skips missing softdeps anyway). */
static int softdep_keep(const char *name, bool post, void *ctx)
{
	struct softdep_line *l = ctx;
	struct kmod_list *list = NULL, *it;
	bool keep = false;

	if (kmod_module_new_from_lookup(l->s->ctx, name, &list) < 0)
		return 0;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		keep = keep || kmodsel_is_chosen(l->s, kmod_module_get_name(m));
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	if (keep) {
		kmodsel_text_str(post ? &l->post : &l->pre, " ");
		kmodsel_text_str(post ? &l->post : &l->pre, name);
	}
	return 0;
}

static void write_info(const struct sel *s, struct kmodsel_text *alias, struct kmodsel_text *softdep,
		       const struct chosen *c)
{
	struct softdep_line l = { .s = s };
	const char *name = kmod_module_get_name(c->mod);
	struct kmod_list *it;

	kmod_list_foreach(it, c->info) {
		const char *k = kmod_module_info_get_key(it), *v = kmod_module_info_get_value(it);

		if (!v)
			continue;
		if (!strcmp(k, "alias")) {
			kmodsel_text_str(alias, "alias ");
			kmodsel_text_str(alias, v);
			kmodsel_text_str(alias, " ");
			kmodsel_text_str(alias, name);
			kmodsel_text_str(alias, "\n");
		} else if (!strcmp(k, "softdep")) {
			kmodsel_parse_softdep(v, strlen(v), softdep_keep, &l);
		}
	}
	if (l.pre.len || l.post.len) {
		kmodsel_text_str(softdep, "softdep ");
		kmodsel_text_str(softdep, name);
		if (l.pre.len) {
			kmodsel_text_str(softdep, " pre:");
			kmodsel_text_add(softdep, l.pre.s, l.pre.len);
		}
		if (l.post.len) {
			kmodsel_text_str(softdep, " post:");
			kmodsel_text_add(softdep, l.post.s, l.post.len);
		}
		kmodsel_text_str(softdep, "\n");
	}
	if (l.pre.r || l.post.r)
		softdep->r = -ENOMEM;
	free(l.pre.s);
	free(l.post.s);
}

int kmodsel_write_index(struct sel *s, struct kmodsel *out)
{
	struct kmodsel_text dep = { 0 }, alias = { 0 }, softdep = { 0 };
	char path[PATH_MAX + 32];
	int r;

	kmodsel_text_str(&alias, "# Aliases extracted from modules themselves.\n");
	kmodsel_text_str(&softdep, "# Soft dependencies extracted from modules themselves.\n");
	r = write_dep(s, &dep);
	if (r < 0) {
		free(dep.s);
		free(alias.s);
		free(softdep.s);
		return r;
	}
	for (size_t i = 0; i < s->n; i++)
		write_info(s, &alias, &softdep, &s->c[i]);
	out->dep = dep.s, out->dep_len = dep.len;
	out->alias = alias.s, out->alias_len = alias.len;
	out->softdep = softdep.s, out->softdep_len = softdep.len;
	if (dep.r || alias.r || softdep.r)
		return -ENOMEM;
	if (!out->dep)
		out->dep = strdup("");
	snprintf(path, sizeof(path), "%s/modules.builtin", s->moddir);
	r = readfile_at(AT_FDCWD, path, KMODSEL_MAX_INDEX, &out->builtin, &out->builtin_len);
	if (r == -ENOENT) {
		/* no built-in modules: an empty index */
		out->builtin = strdup("");
		r = out->builtin ? 0 : -ENOMEM;
	}
	if (r < 0)
		return kmodsel_fail(s, r, "%s: %s", path, strerror(-r));
	return out->dep ? 0 : -ENOMEM;
}

/* --- firmware ----------------------------------------------------------------------------- */

static bool fw_name_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len >= KMODSEL_MAX_NAME || n[0] == '/')
		return false;
	for (const char *p = n; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (!strncmp(p, "..", 2) && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

static bool fw_known(const struct kmodsel *out, const char *name)
{
	for (size_t i = 0; i < out->n_missing; i++)
		if (!strcmp(out->missing[i].firmware, name))
			return true;
	for (size_t i = 0; i < out->n_fw; i++) {
		const char *f = out->fw[i].name;
		size_t n = strlen(name);

		/* stored as declared, or with the compression suffix it was found with */
		if (!strncmp(f, name, n) && (!f[n] || !strcmp(f + n, ".zst") || !strcmp(f + n, ".xz")))
			return true;
	}
	return false;
}

/* Looks for one declared firmware file as it is, or compressed the ways the
 * kernel's loader reads. */
static int fw_one(const char *dir, const char *name, const char *module, struct kmodsel *out)
{
	static const char *const suffix[] = { "", ".zst", ".xz" };
	struct kmodsel_missing *m;
	char path[PATH_MAX];
	struct stat st;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		struct kmodsel_firmware *f;

		snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = array_grow((void **)&out->fw, &out->cap_fw, out->n_fw + 1, sizeof(*out->fw),
			       KMODSEL_MAX_FIRMWARE);
		if (r < 0)
			return r;
		f = &out->fw[out->n_fw];
		f->src = strdup(path);
		f->name = strdup(path + strlen(dir) + 1);
		if (!f->src || !f->name) {
			free(f->src);
			free(f->name);
			return -ENOMEM;
		}
		out->n_fw++;
		return 0;
	}
	r = array_grow((void **)&out->missing, &out->cap_missing, out->n_missing + 1,
		       sizeof(*out->missing), KMODSEL_MAX_FIRMWARE);
	if (r < 0)
		return r;
	m = &out->missing[out->n_missing];
	m->firmware = strdup(name);
	m->module = strdup(module);
	if (!m->firmware || !m->module) {
		free(m->firmware);
		free(m->module);
		return -ENOMEM;
	}
	out->n_missing++;
	return 0;
}

static int cmp_fw(const void *a, const void *b)
{
	return strcmp(((const struct kmodsel_firmware *)a)->name,
		      ((const struct kmodsel_firmware *)b)->name);
}

static int cmp_missing(const void *a, const void *b)
{
	return strcmp(((const struct kmodsel_missing *)a)->firmware,
		      ((const struct kmodsel_missing *)b)->firmware);
}

int kmodsel_find_firmware(struct sel *s, struct kmodsel *out)
{
	const char *dir = s->o->firmware_dir ? s->o->firmware_dir : "/lib/firmware";

	for (size_t i = 0; i < s->n; i++) {
		struct kmod_list *it;

		kmod_list_foreach(it, s->c[i].info) {
			const char *v = kmod_module_info_get_value(it);
			int r;

			if (strcmp(kmod_module_info_get_key(it), "firmware") != 0 || !v)
				continue;
			if (!fw_name_ok(v))
				return kmodsel_fail(s, -EINVAL, "%s: bad firmware name \"%.64s\"",
					    s->c[i].relpath, v);
			if (fw_known(out, v))
				continue;
			r = fw_one(dir, v, kmod_module_get_name(s->c[i].mod), out);
			if (r == -E2BIG)
				return kmodsel_fail(s, r, "%s: the chosen modules declare more than %d "
						    "firmware files", s->moddir, KMODSEL_MAX_FIRMWARE);
			if (r < 0)
				return r;
		}
	}
	if (out->n_fw)
		qsort(out->fw, out->n_fw, sizeof(*out->fw), cmp_fw);
	if (out->n_missing)
		qsort(out->missing, out->n_missing, sizeof(*out->missing), cmp_missing);
	return 0;
}

