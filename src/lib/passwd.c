/* passwd: lookups in /etc/passwd and /etc/group text. */
#include "passwd.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "parse.h"

/* One line split into its name and its ID; false when the line is not of that shape. */
struct pwline {
	const char *name;
	size_t nlen;
	unsigned id;
};

static bool split_line(const char *s, size_t n, struct pwline *pl)
{
	char num[16];
	const char *c1, *c2, *c3;

	if (n == 0 || n > PASSWD_MAX_LINE || s[0] == '+' || s[0] == '-' || s[0] == '#')
		return false;
	c1 = memchr(s, ':', n);
	if (!c1 || c1 == s || (size_t)(c1 - s) > PASSWD_MAX_NAME)
		return false;
	c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s));
	if (!c2)
		return false;
	c3 = memchr(c2 + 1, ':', n - (size_t)(c2 + 1 - s));
	if (!c3)
		c3 = s + n; /* a group line may end after the gid */
	if (parse_copy(num, sizeof(num), c2 + 1, (size_t)(c3 - c2 - 1)) < 0 ||
	    parse_uint(num, PASSWD_MAX_ID, &pl->id) < 0)
		return false;
	pl->name = s;
	pl->nlen = (size_t)(c1 - s);
	return true;
}

typedef bool (*line_fn)(const struct pwline *pl, void *ctx);

/* Calls fn for each well-formed line until it returns true; true then. */
static bool each_line(const char *buf, size_t len, line_fn fn, void *ctx)
{
	size_t pos = 0;

	while (buf && pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		struct pwline pl;

		pos += n + 1;
		if (memchr(s, '\0', n))
			continue;
		if (split_line(s, n, &pl) && fn(&pl, ctx))
			return true;
	}
	return false;
}

struct by_name {
	const char *name;
	unsigned id;
};

static bool match_name(const struct pwline *pl, void *ctx)
{
	struct by_name *q = ctx;

	if (strlen(q->name) != pl->nlen || memcmp(q->name, pl->name, pl->nlen) != 0)
		return false;
	q->id = pl->id;
	return true;
}

int passwd_find_id(const char *buf, size_t len, const char *name, unsigned *id)
{
	struct by_name q = { name, 0 };

	if (!each_line(buf, len, match_name, &q))
		return -ENOENT;
	*id = q.id;
	return 0;
}

struct by_id {
	unsigned id;
	const char *name;
	size_t nlen;
};

static bool match_id(const struct pwline *pl, void *ctx)
{
	struct by_id *q = ctx;

	if (pl->id != q->id)
		return false;
	q->name = pl->name;
	q->nlen = pl->nlen;
	return true;
}

int passwd_find_name(const char *buf, size_t len, unsigned id, char *out, size_t size)
{
	struct by_id q = { id, NULL, 0 };

	if (!each_line(buf, len, match_id, &q))
		return -ENOENT;
	return parse_copy(out, size, q.name, q.nlen);
}

int passwd_check_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PASSWD_MAX_NAME || s[0] == '-')
		return -EINVAL;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n)
		return -EINVAL;
	return 0;
}

int passwd_resolve(const char *buf, size_t len, const char *field, unsigned *id)
{
	if (parse_uint(field, PASSWD_MAX_ID, id) == 0)
		return 0;
	return passwd_find_id(buf, len, field, id);
}
