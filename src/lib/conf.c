/* conf: key=value lines. See conf.h for the format.
 *
 * Strict on purpose: these files are written by sprout or by an admin, so a line we
 * cannot read is reported with its number rather than guessed at. */
#include "conf.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "parse.h"

static bool key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Narrows [*s, *s + *n) to its part without surrounding whitespace. */
static void trim(const char **s, size_t *n)
{
	while (*n && parse_is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && parse_is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int read_key(const char *s, size_t n, char *key)
{
	if (n == 0 || n >= CONF_MAX_KEY)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if (!key_char((unsigned char)s[i]))
			return -EBADMSG;
	return parse_copy(key, CONF_MAX_KEY, s, n) < 0 ? -EBADMSG : 0;
}

/* A value either has no quote at its start and is taken as it is, or is wholly one
 * quoted string: "a"b" is refused rather than read one of two plausible ways. */
static int read_value(const char *s, size_t n, char *value)
{
	if (n && s[0] == '"') {
		if (n < 2 || s[n - 1] != '"' || memchr(s + 1, '"', n - 2))
			return -EBADMSG;
		s++;
		n -= 2;
	}
	return parse_copy(value, CONF_MAX_LINE, s, n) < 0 ? -EBADMSG : 0;
}

/* Returns 1 for a line with no setting, 0 with key and value filled, or -EBADMSG. */
static int read_line(const char *s, size_t n, char *key, char *value)
{
	const char *eq, *v;
	size_t klen, vlen;

	if (n >= CONF_MAX_LINE || memchr(s, '\0', n))
		return -EBADMSG;
	trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return 1;
	eq = memchr(s, '=', n);
	if (!eq)
		return -EBADMSG;
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = n - klen - 1;
	trim(&s, &klen);
	trim(&v, &vlen);
	if (read_key(s, klen, key) < 0)
		return -EBADMSG;
	return read_value(v, vlen, value);
}

int conf_parse(const char *buf, size_t len, conf_fn fn, void *ctx, size_t *bad_line)
{
	char key[CONF_MAX_KEY], value[CONF_MAX_LINE];
	size_t pos = 0, line = 0;

	if (bad_line)
		*bad_line = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		int r;

		line++;
		r = read_line(buf + pos, end - pos, key, value);
		pos = nl ? end + 1 : len;
		if (r == 1)
			continue;
		if (r == 0 && fn)
			r = fn(key, value, line, ctx);
		if (r != 0) {
			if (bad_line)
				*bad_line = line;
			return r;
		}
	}
	return 0;
}
