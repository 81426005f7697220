/* kmodsel-internal.h: what kmodsel.c (the selection) and kmodsel_out.c (index files
 * and firmware of the selection) share. Not for other modules: use kmodsel.h. */
#ifndef SPROUT_KMODSEL_INTERNAL_H
#define SPROUT_KMODSEL_INTERNAL_H

#include <libkmod.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "kmodsel.h"

struct chosen {
	struct kmod_module *mod;
	struct kmod_list *info;   /* modinfo, read once */
	const char *relpath;      /* into the module's path */
};

struct sel {
	const struct kmodsel_opts *o;
	struct kmod_ctx *ctx;
	char moddir[PATH_MAX];    /* absolute, no trailing '/' */
	struct chosen *c;
	size_t n, cap;
	char *err;
	size_t errsz;
};

struct strbuf {
	char *s;
	size_t len, cap;
	int r;
};

/* Formats a message into s->err (when there is room) and returns r. */
int kmodsel_fail(struct sel *s, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends to a growing string; an allocation failure sticks in b->r. */
void kmodsel_sb_add(struct strbuf *b, const char *str, size_t n);
void kmodsel_sb_str(struct strbuf *b, const char *str);

/* Reads a whole file of at most max bytes into a new NUL-terminated buffer. */
int kmodsel_read_small(const char *path, size_t max, char **buf, size_t *len);

/* A module's path relative to s->moddir, or NULL (built in, or outside it). */
const char *kmodsel_relpath_of(const struct sel *s, struct kmod_module *mod);
bool kmodsel_is_chosen(const struct sel *s, const char *name);

/* modules.dep / .alias / .softdep for s->c (sorted), and modules.builtin as is. */
int kmodsel_write_index(struct sel *s, struct kmodsel *out);

/* The firmware the chosen modules declare, found in the firmware dir or noted missing. */
int kmodsel_find_firmware(struct sel *s, struct kmodsel *out);

#endif
