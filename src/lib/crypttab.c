/* crypttab: see crypttab.h. */
#include "crypttab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/hex.h"

#define MAX_FIELDS 4

struct field {
	const char *s;
	size_t n;
};

struct ctx {
	unsigned line;
	char *err;
	size_t errsz;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool eq(const struct field *f, const char *word)
{
	return f->n == strlen(word) && !memcmp(f->s, word, f->n);
}

static int bad(const struct ctx *c, int rc, const char *field, const char *s, size_t n,
	       const char *expected)
{
	char esc[ESCAPE_SIZE(64)];

	escape_bytes(s, n, esc, sizeof(esc)); /* cut with "..." when longer */
	return errmsg(c->err, c->errsz, rc, "line %u: %s \"%s\": %s", c->line, field, esc,
		      expected);
}

static int copy(const struct ctx *c, const char *field, const char *s, size_t n, char *out,
		size_t outsz)
{
	if (n >= outsz) {
		char why[64];

		(void)snprintf(why, sizeof(why), "longer than %zu bytes", outsz - 1);
		return bad(c, -ENAMETOOLONG, field, s, n, why);
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

static int parse_name(const struct ctx *c, const struct field *f, struct crypttab_entry *e)
{
	if (memchr(f->s, '/', f->n) || has_control(f->s, f->n) || eq(f, ".") || eq(f, ".."))
		return bad(c, -EINVAL, "name", f->s, f->n, "expected a device-mapper name (no "
			   "'/', no control characters)");
	return copy(c, "name", f->s, f->n, e->name, sizeof(e->name));
}

static int parse_source(const struct ctx *c, const struct field *f, struct crypttab_entry *e)
{
	static const char *const tags[] = { "UUID=", "PARTUUID=", "LABEL=", "PARTLABEL=", "ID=" };
	bool ok = f->n > 1 && f->s[0] == '/';

	for (size_t i = 0; !ok && i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t k = strlen(tags[i]);

		ok = f->n > k && !memcmp(f->s, tags[i], k);
	}
	if (!ok || has_control(f->s, f->n))
		return bad(c, -EINVAL, "source", f->s, f->n, "expected UUID=, PARTUUID=, LABEL=, "
			   "PARTLABEL= or a device path");
	return copy(c, "source", f->s, f->n, e->source, sizeof(e->source));
}

static int parse_key(const struct ctx *c, const struct field *f, struct crypttab_entry *e)
{
	const char *colon;
	size_t plen;
	int r;

	if (!f || eq(f, "none") || eq(f, "-"))
		return 0;
	colon = memchr(f->s, ':', f->n);
	plen = colon ? (size_t)(colon - f->s) : f->n;
	if (plen < 2 || f->s[0] != '/' || has_control(f->s, f->n) ||
	    (colon && plen + 1 == f->n))
		return bad(c, -EINVAL, "key file", f->s, f->n, "expected none, - or an absolute "
			   "path (PATH:DEVICE for a key on another device)");
	r = copy(c, "key file", f->s, plen, e->key, sizeof(e->key));
	if (r == 0 && colon)
		r = copy(c, "key file's device", colon + 1, f->n - plen - 1, e->key_dev,
			 sizeof(e->key_dev));
	return r;
}

/* Appends option o (as written) to the ignored list; it fits: the list is a subset of
 * the options field, which fits. */
static void ignore(struct crypttab_entry *e, const char *o, size_t n)
{
	size_t len = strlen(e->ignored);

	if (len + !!len + n >= sizeof(e->ignored))
		return;
	if (len)
		e->ignored[len++] = ',';
	memcpy(e->ignored + len, o, n);
	e->ignored[len + n] = '\0';
}

static int parse_option(const struct ctx *c, const char *o, size_t n, struct crypttab_entry *e)
{
	static const struct {
		const char *word;
		unsigned flag;
	} known[] = {
		{ "discard", CRYPTTAB_DISCARD }, { "luks", CRYPTTAB_LUKS },
		{ "noauto", CRYPTTAB_NOAUTO }, { "nofail", CRYPTTAB_NOFAIL },
		{ "initramfs", CRYPTTAB_INITRAMFS }, { "_netdev", 0 },
	};
	struct field f = { o, n };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (eq(&f, known[i].word)) {
			e->flags |= known[i].flag;
			return 0;
		}
	if (n >= 10 && !memcmp(o, "keyscript=", 10)) {
		int r = copy(c, "keyscript", o + 10, n - 10, e->keyscript, sizeof(e->keyscript));

		if (r == 0)
			e->flags |= CRYPTTAB_KEYSCRIPT;
		return r;
	}
	ignore(e, o, n);
	return 0;
}

static int parse_options(const struct ctx *c, const struct field *f, struct crypttab_entry *e)
{
	int r = 0;

	if (!f)
		return 0;
	if (f->n >= CRYPTTAB_OPTIONS_MAX || has_control(f->s, f->n))
		return bad(c, f->n >= CRYPTTAB_OPTIONS_MAX ? -ENAMETOOLONG : -EINVAL, "options",
			   f->s, f->n, "expected a comma list shorter than 1024 bytes");
	for (size_t i = 0; r == 0 && i < f->n;) {
		const char *o = f->s + i;
		const char *end = memchr(o, ',', f->n - i);
		size_t n = end ? (size_t)(end - o) : f->n - i;

		if (n)
			r = parse_option(c, o, n, e);
		i += n + 1;
	}
	return r;
}

/* Splits line[0..n) into blank separated fields; returns their number, or more than
 * MAX_FIELDS when there are too many. */
static size_t split(const char *line, size_t n, struct field *f)
{
	size_t k = 0, i = 0;

	for (;;) {
		size_t start;

		while (i < n && blank(line[i]))
			i++;
		if (i == n)
			return k;
		start = i;
		while (i < n && !blank(line[i]))
			i++;
		if (k == MAX_FIELDS)
			return k + 1;
		f[k++] = (struct field){ line + start, i - start };
	}
}

static int parse_line(const struct ctx *c, const char *line, size_t n, struct crypttab *out)
{
	struct field f[MAX_FIELDS];
	struct crypttab_entry *e;
	size_t k = split(line, n, f);
	int r;

	if (k == 0 || f[0].s[0] == '#')
		return 0;
	if (k < 2 || k > MAX_FIELDS)
		return errmsg(c->err, c->errsz, -EINVAL, "line %u: %s fields; expected NAME "
			      "SOURCE [KEYFILE [OPTIONS]]", c->line, k < 2 ? "too few" : "too many");
	if (out->n == CRYPTTAB_MAX_ENTRIES)
		return errmsg(c->err, c->errsz, -E2BIG, "line %u: more than %d entries", c->line,
			      CRYPTTAB_MAX_ENTRIES);
	e = &out->e[out->n];
	memset(e, 0, sizeof(*e));
	e->line = c->line;
	r = parse_name(c, &f[0], e);
	if (r == 0)
		r = parse_source(c, &f[1], e);
	if (r == 0)
		r = parse_key(c, k > 2 ? &f[2] : NULL, e);
	if (r == 0)
		r = parse_options(c, k > 3 ? &f[3] : NULL, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->e[i].name, e->name))
			return bad(c, -EINVAL, "name", f[0].s, f[0].n, "given twice (first on an "
				   "earlier line)");
	out->n++;
	return 0;
}

int crypttab_parse(const char *buf, size_t len, struct crypttab *out, char *err, size_t errsz)
{
	struct ctx c = { .line = 0, .err = err, .errsz = errsz };

	if (errsz)
		err[0] = '\0';
	out->n = 0;
	if (len > CRYPTTAB_MAX_TEXT)
		return errmsg(err, errsz, -E2BIG, "larger than %u bytes", CRYPTTAB_MAX_TEXT);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		int r;

		c.line++;
		if (n > CRYPTTAB_MAX_LINE)
			return errmsg(err, errsz, -E2BIG, "line %u: longer than %d bytes", c.line,
				      CRYPTTAB_MAX_LINE);
		if (memchr(buf + i, '\0', n))
			return errmsg(err, errsz, -EINVAL, "line %u: a NUL byte (expected text)",
				      c.line);
		r = parse_line(&c, buf + i, n, out);
		if (r < 0)
			return r;
		i += n + 1;
	}
	return 0;
}

int crypttab_source_uuid(const struct crypttab_entry *e, char *out, size_t outsz)
{
	const char *u = e->source;
	size_t o = 0;

	if (!strncmp(u, "UUID=", 5))
		u += 5;
	else if (!strncmp(u, "/dev/disk/by-uuid/", 18))
		u += 18;
	else
		return -ENOENT;
	if (outsz < 33)
		return -ENAMETOOLONG;
	for (; *u; u++) {
		int v = hex_value(*u);

		if (*u == '-')
			continue;
		if (v < 0 || o == 32)
			return -ENOENT;
		out[o++] = (char)hex_digit((unsigned)v);
	}
	if (o != 32)
		return -ENOENT;
	out[o] = '\0';
	return 0;
}
