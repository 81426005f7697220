/* settings: options of `sprout build` from files and flags. See settings.h. */
#include "settings.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "compress.h"
#include "conf.h"
#include "modcomp.h"
#include "stack.h"

void settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->compress = -1;
	s->module_compress = -1;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void settings_free(struct settings *s)
{
	if (!s)
		return;
	free(s->kver);
	free(s->moddir);
	free(s->shell);
	free(s->cmdline);
	free(s->init);
	free(s->module_cache);
	free_list(s->add_modules, s->n_add_modules);
	free_list(s->add_binary, s->n_add_binary);
	free_list(s->include, s->n_include);
	settings_init(s);
}

static int set_str(char **dst, const char *value)
{
	char *v = NULL;

	if (value && *value) {
		v = strdup(value);
		if (!v)
			return -ENOMEM;
	}
	free(*dst);
	*dst = v;
	return 0;
}

static int list_push(char ***list, size_t *n, size_t *cap, const char *item, size_t len)
{
	int r = array_grow((void **)list, cap, *n + 1, sizeof(**list), SETTINGS_MAX_LIST);

	if (r < 0)
		return r;
	(*list)[*n] = strndup(item, len);
	if (!(*list)[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Appends the non-empty items of value, split at any byte of seps. */
static int list_add(char ***list, size_t *n, size_t *cap, const char *value, const char *seps)
{
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, seps);
		int r = len ? list_push(list, n, cap, p, len) : 0;

		if (r < 0)
			return r;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static int bad(char *msg, size_t msgsz, const char *fmt, const char *a)
{
	if (msgsz)
		snprintf(msg, msgsz, fmt, a);
	return -EINVAL;
}

static int set_mode(struct settings *s, const char *value, char *msg, size_t msgsz)
{
	if (!*value)
		s->mode = SETTINGS_MODE_UNSET;
	else if (!strcmp(value, "generic"))
		s->mode = SETTINGS_MODE_GENERIC;
	else if (!strcmp(value, "host-only"))
		s->mode = SETTINGS_MODE_HOST_ONLY;
	else
		return bad(msg, msgsz, "mode \"%s\": expected generic or host-only", value);
	return 0;
}

static int set_compress(struct settings *s, const char *value, char *msg, size_t msgsz)
{
	int kind = *value ? compress_from_name(value) : -1;

	if (*value && kind < 0)
		return bad(msg, msgsz, "compress \"%s\": expected zstd, gzip, xz, lz4 or none",
			   value);
	s->compress = kind;
	return 0;
}

static int set_module_compress(struct settings *s, const char *value, char *msg, size_t msgsz)
{
	int kind = *value ? modcomp_from_name(value) : -1;

	if (*value && kind < 0)
		return bad(msg, msgsz, "module_compress \"%s\": expected xz or none", value);
	s->module_compress = kind;
	return 0;
}

int settings_set(struct settings *s, const char *key, const char *value, char *msg, size_t msgsz)
{
	int r;

	if (msgsz)
		msg[0] = '\0';
	if (!strcmp(key, "kver"))
		return set_str(&s->kver, value);
	if (!strcmp(key, "moddir"))
		return set_str(&s->moddir, value);
	if (!strcmp(key, "shell"))
		return set_str(&s->shell, value);
	if (!strcmp(key, "cmdline"))
		return set_str(&s->cmdline, value);
	if (!strcmp(key, "init"))
		return set_str(&s->init, value);
	if (!strcmp(key, "mode"))
		return set_mode(s, value, msg, msgsz);
	if (!strcmp(key, "compress"))
		return set_compress(s, value, msg, msgsz);
	if (!strcmp(key, "module_compress"))
		return set_module_compress(s, value, msg, msgsz);
	if (!strcmp(key, "module_cache"))
		return set_str(&s->module_cache, value);
	if (!strcmp(key, "with"))
		return stack_parse_with(value, &s->with, msg, msgsz);
	if (!strcmp(key, "add_modules"))
		r = list_add(&s->add_modules, &s->n_add_modules, &s->cap_add_modules, value, ", \t");
	else if (!strcmp(key, "add_binary"))
		r = list_add(&s->add_binary, &s->n_add_binary, &s->cap_add_binary, value, " \t");
	else if (!strcmp(key, "include"))
		r = list_add(&s->include, &s->n_include, &s->cap_include, value, " \t");
	else
		return bad(msg, msgsz, "unknown key \"%s\" (known: kver moddir mode compress "
				       "module_compress module_cache add_modules add_binary "
				       "with include shell cmdline init)", key);
	if (r == -E2BIG && msgsz)
		snprintf(msg, msgsz, "%s: more than %d entries", key, SETTINGS_MAX_LIST);
	return r;
}

int settings_add_binary(struct settings *s, const char *path)
{
	return list_push(&s->add_binary, &s->n_add_binary, &s->cap_add_binary, path, strlen(path));
}

int settings_add_include(struct settings *s, const char *spec)
{
	return list_push(&s->include, &s->n_include, &s->cap_include, spec, strlen(spec));
}

struct apply_ctx {
	struct settings *s;
	size_t line;
	char msg[256];
};

static int apply_one(const char *key, const char *value, size_t line, void *ctx)
{
	struct apply_ctx *a = ctx;
	int r = settings_set(a->s, key, value, a->msg, sizeof(a->msg));

	a->line = line;
	return r < 0 ? r : 0;
}

int settings_apply(struct settings *s, const char *name, const char *buf, size_t len,
		   char *err, size_t errsz)
{
	struct apply_ctx a = { .s = s };
	size_t line = 0;
	int r = conf_parse(buf, len, apply_one, &a, &line);

	if (r == 0 || !errsz)
		return r;
	if (r == -EBADMSG)
		snprintf(err, errsz, "%s:%zu: not a key=value line (or too long, or an "
			 "unterminated quote)", name, line);
	else
		snprintf(err, errsz, "%s:%zu: %s", name, a.line, a.msg[0] ? a.msg : strerror(-r));
	return r;
}

int settings_load_file(struct settings *s, const char *path, bool optional, char *err,
		       size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t len = 0;
	ssize_t n = 0;
	int r;

	if (fd < 0) {
		if (errno == ENOENT && optional)
			return 0;
		r = -errno;
		snprintf(err, errsz, "%s: %s", path, strerror(-r));
		return r;
	}
	buf = malloc(SETTINGS_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len <= SETTINGS_MAX_FILE &&
	       (n = read(fd, buf + len, SETTINGS_MAX_FILE + 1 - len)) > 0)
		len += (size_t)n;
	r = n < 0 ? -errno : len > SETTINGS_MAX_FILE ? -EFBIG : 0;
	close(fd);
	if (r < 0)
		snprintf(err, errsz, "%s: %s", path,
			 r == -EFBIG ? "larger than 1 MiB, not a configuration file" : strerror(-r));
	else
		r = settings_apply(s, path, buf, len, err, errsz);
	free(buf);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool conf_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && !strcmp(n + len - 5, ".conf");
}

int settings_load_dir(struct settings *s, const char *confdir, char *err, size_t errsz)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r;

	if (snprintf(path, sizeof(path), "%s/sprout.conf", confdir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	r = settings_load_file(s, path, true, err, errsz);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/conf.d", confdir);
	d = opendir(path);
	if (!d)
		return 0; /* no conf.d: nothing more */
	while (r == 0 && (de = readdir(d)))
		if (conf_name(de->d_name))
			r = n == SETTINGS_MAX_FILES ? -E2BIG
			    : list_push(&names, &n, &cap, de->d_name, strlen(de->d_name));
	closedir(d);
	if (r == 0 && n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/conf.d/%s", confdir, names[i]) >=
		    (int)sizeof(path))
			r = -ENAMETOOLONG;
		else
			r = settings_load_file(s, path, false, err, errsz);
	}
	if (r == -E2BIG && n == SETTINGS_MAX_FILES)
		snprintf(err, errsz, "%s/conf.d: more than %d files", confdir, SETTINGS_MAX_FILES);
	free_list(names, n);
	return r;
}

static int merge_str(char **base, const char *over)
{
	return over ? set_str(base, over) : 0;
}

static int merge_list(char ***base, size_t *nbase, size_t *cap, char *const *over, size_t nover)
{
	for (size_t i = 0; i < nover; i++) {
		int r = list_push(base, nbase, cap, over[i], strlen(over[i]));

		if (r < 0)
			return r;
	}
	return 0;
}

int settings_merge(struct settings *base, const struct settings *over)
{
	int r = merge_str(&base->kver, over->kver);

	if (r == 0)
		r = merge_str(&base->moddir, over->moddir);
	if (r == 0)
		r = merge_str(&base->shell, over->shell);
	if (r == 0)
		r = merge_str(&base->cmdline, over->cmdline);
	if (r == 0)
		r = merge_str(&base->init, over->init);
	if (r == 0)
		r = merge_str(&base->module_cache, over->module_cache);
	if (over->module_compress >= 0)
		base->module_compress = over->module_compress;
	if (over->mode != SETTINGS_MODE_UNSET)
		base->mode = over->mode;
	if (over->compress >= 0)
		base->compress = over->compress;
	if (r == 0)
		r = merge_list(&base->add_modules, &base->n_add_modules, &base->cap_add_modules,
			       over->add_modules, over->n_add_modules);
	if (r == 0)
		r = merge_list(&base->add_binary, &base->n_add_binary, &base->cap_add_binary,
			       over->add_binary, over->n_add_binary);
	if (r == 0)
		r = merge_list(&base->include, &base->n_include, &base->cap_include,
			       over->include, over->n_include);
	base->with |= over->with;
	return r;
}
