/* tlfmt: the boot timeline's line format; see tlfmt.h. */
#include "tlfmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/strbuf.h"

#define MAX_SECONDS 100000000ull /* about three years of uptime */

void tlfmt_token(const char *s, char *out, size_t n)
{
	char esc[ESCAPE_SIZE(96)];
	struct strbuf sb;

	if (!n)
		return;
	if (!s || !*s)
		s = "-";
	escape_str(s, esc, sizeof(esc)); /* no control byte, no backslash left as is */
	strbuf_init(&sb, out, n);
	for (const char *p = esc; *p; p++) {
		if (*p == ' ')
			strbuf_add(&sb, "\\x20", 4);
		else
			strbuf_addc(&sb, *p);
	}
	if (sb.full) {
		size_t k = n - 1 < 3 ? 0 : n - 4;

		snprintf(out + k, n - k, "%s", "...");
	}
}

int tlfmt_attr_add(char *attrs, size_t n, const char *key, const char *value)
{
	char tok[160];
	size_t len = strnlen(attrs, n);
	int k;

	if (len >= n)
		return -ENAMETOOLONG;
	tlfmt_token(value, tok, sizeof(tok));
	k = snprintf(attrs + len, n - len, "%s%s=%s", len ? " " : "", key, tok);
	if (k < 0 || (size_t)k >= n - len) {
		attrs[len] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int tlfmt_attr_get(const struct tl_event *e, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *p = e->attrs;

	while (*p) {
		const char *end = strchr(p, ' ');
		size_t wl = end ? (size_t)(end - p) : strlen(p);

		if (wl > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = wl - kl - 1;

			if (vl + 1 > n)
				return -ENAMETOOLONG;
			memcpy(out, p + kl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		p += wl;
		while (*p == ' ')
			p++;
	}
	return -ENOENT;
}

void tlfmt_secs(uint64_t us, char *out, size_t n)
{
	snprintf(out, n, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

int tlfmt_line(const struct tl_event *e, char *out, size_t n)
{
	char s[32], t[32];
	struct strbuf sb;

	tlfmt_secs(e->start_us, s, sizeof(s));
	tlfmt_secs(e->end_us, t, sizeof(t));
	strbuf_init(&sb, out, n);
	strbuf_addf(&sb, "%s %s %s %s %s%s%s\n", e->kind, e->name, s, t, e->outcome,
		    e->attrs[0] ? " " : "", e->attrs);
	return strbuf_finish(&sb);
}

/* --- reading ------------------------------------------------------------------------ */

/* "S[.ffffff]" → microseconds: 0 or -EINVAL. */
static int parse_secs(const char *s, size_t n, uint64_t *out)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	if (!n)
		return -EINVAL;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		sec = sec * 10 + (uint64_t)(s[i] - '0');
		if (sec > MAX_SECONDS)
			return -EINVAL;
	}
	if (i == 0)
		return -EINVAL;
	if (i < n) {
		if (s[i++] != '.' || i == n)
			return -EINVAL;
		for (; i < n; i++, digits++) {
			if (s[i] < '0' || s[i] > '9' || digits == 6)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
		}
		for (; digits < 6; digits++)
			frac *= 10;
	}
	*out = sec * 1000000 + frac;
	return 0;
}

/* A field of a line: a run of bytes other than space. */
struct field {
	const char *p;
	size_t n;
};

static size_t split(const char *s, size_t n, struct field *f, size_t max, const char **rest)
{
	size_t k = 0, i = 0;

	*rest = s + n;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		if (k == max) {
			*rest = s + i;
			break;
		}
		f[k].p = s + i;
		while (i < n && s[i] != ' ')
			i++;
		f[k].n = (size_t)(s + i - f[k].p);
		k++;
	}
	return k;
}

static bool is_token(const struct field *f, size_t max)
{
	if (!f->n || f->n >= max)
		return false;
	for (size_t i = 0; i < f->n; i++) {
		unsigned char c = (unsigned char)f->p[i];

		if (c <= ' ' || c > '~')
			return false;
	}
	return true;
}

static bool is_word(const struct field *f, size_t max)
{
	if (!f->n || f->n >= max)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (!((f->p[i] >= 'a' && f->p[i] <= 'z') || f->p[i] == '-' || f->p[i] == '_'))
			return false;
	return true;
}

static void copy_field(char *dst, const struct field *f)
{
	memcpy(dst, f->p, f->n);
	dst[f->n] = '\0';
}

static const char *find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && !memcmp(s + i, needle, k))
			return s + i;
	return NULL;
}

/* A kernel log line's "[   12.345678] " stamp: 0, or -EINVAL when there is none. */
static int kernel_stamp(const char *s, size_t n, uint64_t *us)
{
	size_t i = 0, j;

	while (i < n && s[i] != '[')
		i++;
	if (i == n)
		return -EINVAL;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	for (j = i; j < n && s[j] != ']'; j++)
		;
	if (j == n)
		return -EINVAL;
	return parse_secs(s + i, j - i, us);
}

static void bad(struct tl_doc *doc, size_t lineno)
{
	if (!doc->bad++)
		doc->first_bad = lineno;
}

enum { BARE = 1, LOG = 2 }; /* how the header came: a file's line, or a log's */

/* One line of the timeline, without its prefix: 1 taken, 0 skipped, -errno. */
static int take(struct tl_doc *doc, const char *s, size_t n, size_t lineno, int *mode, int via,
		const char *whole)
{
	struct field f[6];
	const char *rest;
	size_t k;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (!n || s[0] == '#')
		return 0;
	k = split(s, n, f, 5, &rest);
	if (k == 0)
		return 0;
	if (f[0].n == 15 && !memcmp(f[0].p, "sprout-timeline", 15)) {
		uint64_t v;

		if (k != 2 || parse_secs(f[1].p, f[1].n, &v) < 0 || v % 1000000 || v / 1000000 > 1000) {
			bad(doc, lineno);
			return 0;
		}
		doc->version = (int)(v / 1000000);
		if (doc->version != TLFMT_VERSION)
			return -EPROTONOSUPPORT;
		/* a second header: a later boot in the same log */
		doc->n = 0;
		doc->have_zero = false;
		doc->have_clock = false;
		doc->bad = doc->first_bad = 0;
		*mode = via;
		return 1;
	}
	if (!*mode || (*mode == LOG && via == BARE))
		return 0; /* before the header; in a log, lines that are not sprout-init's */
	if (f[0].n == 4 && !memcmp(f[0].p, "zero", 4)) {
		if (k != 2 || parse_secs(f[1].p, f[1].n, &doc->zero_us) < 0) {
			bad(doc, lineno);
			return 0;
		}
		doc->have_zero = true;
		return 1;
	}
	if (f[0].n == 5 && !memcmp(f[0].p, "clock", 5)) {
		/* sprout-init's clock when it wrote the line to the kernel log: with the log's
		 * stamp of that line, the kernel log's clock in the timeline's */
		if (k != 2 || parse_secs(f[1].p, f[1].n, &doc->clock_us) < 0) {
			bad(doc, lineno);
			return 0;
		}
		doc->have_clock = via == LOG && kernel_stamp(whole, (size_t)(s - whole), &doc->clock_stamp_us) == 0;
		return 1;
	}
	struct tl_event e = { 0 };

	if (k < 5 || !is_word(&f[0], sizeof(e.kind)) || !is_token(&f[1], sizeof(e.name)) ||
	    parse_secs(f[2].p, f[2].n, &e.start_us) < 0 || parse_secs(f[3].p, f[3].n, &e.end_us) < 0 ||
	    e.end_us < e.start_us || !is_word(&f[4], sizeof(e.outcome))) {
		bad(doc, lineno);
		return 0;
	}
	copy_field(e.kind, &f[0]);
	copy_field(e.name, &f[1]);
	copy_field(e.outcome, &f[4]);
	if (rest < s + n) {
		struct field a[64];
		const char *more;
		size_t na = split(rest, (size_t)(s + n - rest), a, 64, &more);

		for (size_t i = 0; i < na; i++) {
			const char *eq = memchr(a[i].p, '=', a[i].n);

			if (!eq || eq == a[i].p || !is_token(&a[i], sizeof(e.attrs))) {
				bad(doc, lineno);
				return 0;
			}
			size_t len = strlen(e.attrs);

			if (len + 1 + a[i].n + 1 > sizeof(e.attrs))
				break; /* what does not fit is dropped whole */
			if (len)
				e.attrs[len++] = ' ';
			memcpy(e.attrs + len, a[i].p, a[i].n);
			e.attrs[len + a[i].n] = '\0';
		}
	}
	if (doc->n >= TLFMT_MAX_EVENTS)
		return -E2BIG;
	int r = array_grow((void **)&doc->ev, &doc->cap, doc->n + 1, sizeof(*doc->ev), TLFMT_MAX_EVENTS);

	if (r < 0)
		return r;
	doc->ev[doc->n++] = e;
	return 1;
}

int tlfmt_parse(const char *text, size_t len, struct tl_doc *doc)
{
	static const char run_init[] = "Run /init as init process";
	static const char own[] = "sprout: timeline: ";
	int mode = 0;
	size_t lineno = 0;

	*doc = (struct tl_doc){ 0 };
	for (size_t i = 0; i < len;) {
		const char *s = text + i, *nl = memchr(s, '\n', len - i);
		size_t n = nl ? (size_t)(nl - s) : len - i;
		const char *p;
		int r;

		i += n + (nl != NULL);
		lineno++;
		if ((p = find(s, n, TLFMT_LOG_PREFIX))) {
			size_t skip = (size_t)(p - s) + strlen(TLFMT_LOG_PREFIX);

			r = take(doc, s + skip, n - skip, lineno, &mode, LOG, s);
		} else if ((p = find(s, n, own))) {
			size_t skip = (size_t)(p - s) + strlen(own), m = n - skip;

			while (m && s[skip + m - 1] == '\r')
				m--;
			if (m >= sizeof(doc->own))
				m = sizeof(doc->own) - 1;
			memcpy(doc->own, s + skip, m);
			doc->own[m] = '\0';
			for (size_t j = 0; j < m; j++)
				if ((unsigned char)doc->own[j] < ' ' || (unsigned char)doc->own[j] > '~')
					doc->own[j] = '?';
			r = 0;
		} else if (find(s, n, run_init)) {
			if (kernel_stamp(s, n, &doc->kernel_zero_us) == 0)
				doc->have_kernel_zero = true;
			r = 0;
		} else {
			r = take(doc, s, n, lineno, &mode, BARE, s);
		}
		if (r < 0)
			return r;
	}
	return mode ? 0 : -EBADMSG;
}

void tlfmt_free(struct tl_doc *doc)
{
	free(doc->ev);
	doc->ev = NULL;
	doc->n = doc->cap = 0;
}
