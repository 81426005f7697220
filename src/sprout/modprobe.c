/* modprobe: modprobe.d lines carried into an image. See modprobe.h. */
#include "modprobe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/errmsg.h"
#include "base/readfile.h"
#include "cmdline.h"
#include "cmdline_check.h"
#include "modprobe_conf.h"

#define MODPROBE_MAX_FILE (1u << 20)

struct ctx {
	struct kmodsel *sel;
	struct modprobe_plan *p;
	char blacklist[1024];
	const char *file;
	char *err;
	size_t errsz;
};

static bool chosen(const struct kmodsel *sel, const char *name)
{
	for (size_t i = 0; i < sel->n_mods; i++)
		if (!strcmp(sel->mods[i].name, name))
			return true;
	return false;
}

static void note(struct modprobe_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct modprobe_plan *p, const char *fmt, ...)
{
	size_t n = strlen(p->notes);
	va_list ap;

	if (n + 2 >= sizeof(p->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(p->notes + n, sizeof(p->notes) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(p->notes);
	p->notes[n] = '\n';
	p->notes[n + 1] = '\0';
}

static int append(struct ctx *c, const char *text, size_t n, unsigned lineno)
{
	size_t have = strlen(c->p->words);

	if (have + n + 2 >= sizeof(c->p->words))
		return errmsg(c->err, c->errsz, -E2BIG, "%s:%u: the modprobe.d options carried "
			      "exceed %d bytes", c->file, lineno, MODPROBE_WORDS);
	if (have)
		c->p->words[have++] = ' ';
	memcpy(c->p->words + have, text, n);
	c->p->words[have + n] = '\0';
	return 0;
}

static int options(struct ctx *c, const struct modprobe_line *l)
{
	size_t pos = 0, start, end, len = strlen(l->rest);
	int r = 0;

	while (r == 0 && cmdline_next_word(l->rest, len, &pos, &start, &end)) {
		char w[512];
		int n = snprintf(w, sizeof(w), "%s.%.*s", l->module, (int)(end - start),
				 l->rest + start);

		if (n < 0 || (size_t)n >= sizeof(w))
			return errmsg(c->err, c->errsz, -EINVAL, "%s:%u: an option of %s longer "
				      "than %zu bytes", c->file, l->lineno, l->module, sizeof(w) - 1);
		r = append(c, w, (size_t)n, l->lineno);
	}
	c->p->options++;
	return r;
}

static bool softdep_name(const char *w, void *ctx)
{
	return strcmp(w, "pre:") != 0 && strcmp(w, "post:") != 0 && !chosen(ctx, w);
}

static int softdep(struct ctx *c, const struct modprobe_line *l)
{
	const char *s = l->rest;
	char w[MODPROBE_MAX_NAME], line[MODPROBE_MAX_LINE + 80];
	size_t len;

	while (*s) {
		size_t n = strcspn(s, " \t");

		if (n && n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = '\0';
			for (char *p = w; *p; p++)
				if (*p == '-')
					*p = '_';
			if (softdep_name(w, c->sel)) {
				note(c->p, "%s:%u: softdep %s not carried: %s is not in the image "
				     "(--add-modules it)", c->file, l->lineno, l->module, w);
				return 0;
			}
		}
		s += n;
		s += strspn(s, " \t");
	}
	len = (size_t)snprintf(line, sizeof(line), "softdep %s %s\n", l->module, l->rest);
	if (c->sel->softdep_len + len > KMODSEL_MAX_INDEX)
		return -E2BIG;
	char *grown = realloc(c->sel->softdep, c->sel->softdep_len + len + 1);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + c->sel->softdep_len, line, len + 1);
	c->sel->softdep = grown;
	c->sel->softdep_len += len;
	c->p->softdep++;
	return 0;
}

static int one(const struct modprobe_line *l, void *ctx)
{
	struct ctx *c = ctx;

	if (l->kind == MODPROBE_OTHER) {
		c->p->ignored++;
		return 0;
	}
	if (!chosen(c->sel, l->module))
		return 0;
	if (l->kind == MODPROBE_OPTIONS)
		return options(c, l);
	if (l->kind == MODPROBE_SOFTDEP)
		return softdep(c, l);
	size_t have = strlen(c->blacklist);
	int k = snprintf(c->blacklist + have, sizeof(c->blacklist) - have, "%s%s",
			 have ? "," : "", l->module);

	if (k < 0 || (size_t)k >= sizeof(c->blacklist) - have) {
		c->blacklist[have] = '\0';
		return errmsg(c->err, c->errsz, -E2BIG, "%s:%u: too many blacklisted modules",
			      c->file, l->lineno);
	}
	c->p->blacklist++;
	return 0;
}

static int read_file(struct ctx *c, const char *path)
{
	unsigned bad = 0;
	char *buf;
	size_t len;
	int r = readfile_at(AT_FDCWD, path, MODPROBE_MAX_FILE, &buf, &len);

	if (r < 0)
		return errmsg(c->err, c->errsz, r, "modprobe.d %s: %s", path, strerror(-r));
	c->file = path;
	r = modprobe_conf_walk(buf, len, one, c, &bad);
	free(buf);
	if (r == -EBADMSG)
		return errmsg(c->err, c->errsz, r, "modprobe.d %s:%u: expected \"options|blacklist|"
			      "softdep MODULE ...\" on one line of at most %d bytes", path, bad,
			      MODPROBE_MAX_LINE);
	return r;
}

static int conf_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int read_path(struct ctx *c, const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, r = 0;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : errmsg(c->err, c->errsz, -errno, "modprobe.d %s: %s",
						    path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return read_file(c, path);
	n = scandir(path, &names, conf_file, by_name);
	if (n < 0)
		return errmsg(c->err, c->errsz, -errno, "modprobe.d %s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char file[4096];

		if (r == 0 && n <= MODPROBE_MAX_FILES) {
			snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
			r = read_file(c, file);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int modprobe_plan(const char *const *paths, size_t n, struct kmodsel *sel,
		  struct modprobe_plan *p, char *err, size_t errsz)
{
	struct ctx c = { .sel = sel, .p = p, .err = err, .errsz = errsz };
	char why[512];
	size_t col;
	int r = 0;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; r == 0 && i < n; i++)
		r = read_path(&c, paths[i]);
	if (r == 0 && c.blacklist[0]) {
		char w[1100];
		int k = snprintf(w, sizeof(w), "rd.driver.blacklist=%s", c.blacklist);

		r = append(&c, w, (size_t)k, 0);
	}
	/* what sprout-init will read: its own parser must take every word */
	if (r == 0 && cmdline_check(p->words, strlen(p->words), &col, why, sizeof(why)) < 0)
		r = errmsg(err, errsz, -EINVAL, "modprobe.d options as boot arguments: %s", why);
	if (r == 0 && p->ignored)
		note(p, "%zu modprobe.d line(s) of other commands (alias, install, remove ...) "
		     "not carried: sprout-init runs no commands for modules", p->ignored);
	return r;
}
