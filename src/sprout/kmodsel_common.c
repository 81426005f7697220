/* kmodsel_common: the helpers kmodsel.c (the selection) and kmodsel_out.c (its index
 * files and firmware) share. Below both: it includes neither. See kmodsel-internal.h. */
#include "kmodsel-internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errmsg.h"
#include "base/array.h"

int kmodsel_fail(struct sel *s, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	r = verrmsg(s->err, s->errsz, r, fmt, ap);
	va_end(ap);
	return r;
}

void kmodsel_text_add(struct kmodsel_text *b, const char *str, size_t n)
{
	int r;

	if (b->r)
		return;
	r = array_grow((void **)&b->s, &b->cap, b->len + n + 1, 1, KMODSEL_MAX_TEXT);
	if (r < 0) {
		b->r = r;
		return;
	}
	memcpy(b->s + b->len, str, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void kmodsel_text_str(struct kmodsel_text *b, const char *str)
{
	kmodsel_text_add(b, str, strlen(str));
}

const char *kmodsel_relpath_of(const struct sel *s, struct kmod_module *mod)
{
	const char *p = kmod_module_get_path(mod);
	size_t n = strlen(s->moddir);

	if (!p || strncmp(p, s->moddir, n) != 0 || p[n] != '/')
		return NULL;
	return p + n + 1;
}

bool kmodsel_is_chosen(const struct sel *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(kmod_module_get_name(s->c[i].mod), name))
			return true;
	return false;
}
