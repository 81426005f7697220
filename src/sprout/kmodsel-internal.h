/* kmodsel-internal.h: the state of a selection and the helpers (kmodsel_common.c) that
 * kmodsel.c and kmodsel_out.c share. Not for other modules: use kmodsel.h.
 * Layers, each including and calling only the ones below it:
 *   kmodsel.c          selection and closure               (kmodsel_out.h)
 *   kmodsel_out.c      index files and firmware of it      (kmodsel_out.h)
 *   kmodsel_common.c   errors, text, module paths          (kmodsel-internal.h) */
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
	char *why;                /* what brought it in (--list-modules) */
};

struct sel {
	const struct kmodsel_opts *o;
	struct kmod_ctx *ctx;
	char moddir[PATH_MAX];    /* absolute, no trailing '/' */
	struct chosen *c;
	size_t n, cap;
	char *err;
	size_t errsz;
	char why[KMODSEL_MAX_WHY];  /* the reason add_mod records for the next additions */
};

/* Longest generated index text (a subset of the target's index files). */
#define KMODSEL_MAX_TEXT ((size_t)KMODSEL_MAX_INDEX * 2)

/* A growing string; the first failure (-ENOMEM, -E2BIG) sticks in r. */
struct kmodsel_text {
	char *s;
	size_t len, cap;
	int r;
};

/* Formats a message into s->err (when there is room) and returns r. */
int kmodsel_fail(struct sel *s, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends to a growing string; a failure sticks in b->r. */
void kmodsel_text_add(struct kmodsel_text *b, const char *str, size_t n);
void kmodsel_text_str(struct kmodsel_text *b, const char *str);

/* A module's path relative to s->moddir, or NULL (built in, or outside it). */
const char *kmodsel_relpath_of(const struct sel *s, struct kmod_module *mod);
bool kmodsel_is_chosen(const struct sel *s, const char *name);

#endif
