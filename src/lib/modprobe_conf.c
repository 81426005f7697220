/* modprobe_conf: modprobe.d lines. See modprobe_conf.h. */
#include "modprobe_conf.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next word of s (moved past it) into out[n]; false when there is none or it does
 * not fit. */
static bool word(const char **s, char *out, size_t n)
{
	const char *p = *s, *q;

	while (*p && blank(*p))
		p++;
	for (q = p; *q && !blank(*q); q++)
		;
	if (q == p || (size_t)(q - p) >= n)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	while (*q && blank(*q))
		q++;
	*s = q;
	return true;
}

static int one_line(char *line, unsigned lineno,
		    int (*fn)(const struct modprobe_line *l, void *ctx), void *ctx)
{
	struct modprobe_line l = { .lineno = lineno };
	char cmd[32];
	const char *p = line;

	while (*p && blank(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	if (!word(&p, cmd, sizeof(cmd))) {
		l.kind = MODPROBE_OTHER;
		l.command = "?";
		l.rest = p;
		return fn(&l, ctx);
	}
	l.command = cmd;
	l.kind = !strcmp(cmd, "options") ? MODPROBE_OPTIONS
		 : !strcmp(cmd, "blacklist") ? MODPROBE_BLACKLIST
		 : !strcmp(cmd, "softdep") ? MODPROBE_SOFTDEP : MODPROBE_OTHER;
	if (l.kind != MODPROBE_OTHER) {
		if (!word(&p, l.module, sizeof(l.module)) || strchr(l.module, '/'))
			return -EBADMSG;
		for (char *c = l.module; *c; c++)
			if (*c == '-')
				*c = '_';
	}
	l.rest = p;
	return fn(&l, ctx);
}

int modprobe_conf_walk(const char *buf, size_t len,
		       int (*fn)(const struct modprobe_line *l, void *ctx), void *ctx,
		       unsigned *bad)
{
	char line[MODPROBE_MAX_LINE];
	unsigned lineno = 1, start = 1;
	size_t n = 0;

	if (bad)
		*bad = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = '\n'; /* the end closes the last line */
		int r;

		if (i < len)
			c = buf[i];

		if (c == '\0') {
			if (bad)
				*bad = lineno;
			return -EBADMSG;
		}
		if (c == '\\' && i + 1 < len && buf[i + 1] == '\n') {
			i++;
			lineno++;
			c = ' ';
		} else if (c == '\n') {
			line[n] = '\0';
			r = i == len && n == 0 ? 0 : one_line(line, start, fn, ctx);
			if (r) {
				if (r == -EBADMSG && bad)
					*bad = start;
				return r;
			}
			n = 0;
			start = ++lineno;
			continue;
		}
		if (n + 1 >= sizeof(line)) {
			if (bad)
				*bad = start;
			return -EBADMSG;
		}
		line[n++] = c;
	}
	return 0;
}
