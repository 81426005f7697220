/* prockeys: a key in the text of /proc/keys (prockeys.h). */
#include "prockeys.h"

#include <string.h>

#include "base/hex.h"

/* Moves *p past one field of [*p, end) (and the blanks before it); its start and length. */
static int field(const char **p, const char *end, const char **f, size_t *n)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	*f = s;
	while (s < end && *s != ' ')
		s++;
	*n = (size_t)(s - *f);
	*p = s;
	return *n ? 0 : -1;
}

/* The serial: 1 to 8 hex digits, positive as an int32. */
static int serial(const char *f, size_t n, int32_t *id)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hex_value((unsigned char)f[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	if (v == 0 || v > INT32_MAX)
		return -1;
	*id = (int32_t)v;
	return 0;
}

/* The detail after "DESC: ": a count, "empty", or anything else (-1). */
static long entries(const char *s, const char *end)
{
	long v = 0;

	if ((size_t)(end - s) == 5 && !memcmp(s, "empty", 5))
		return 0;
	if (s == end || end - s > 9)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* One line [s, end): 1 when it is the key asked for. */
static int line(const char *s, const char *end, const char *type, const char *desc, struct prockey *out)
{
	const char *f, *d;
	size_t n, tl = strlen(type), dl = strlen(desc);
	int32_t id;

	if (field(&s, end, &f, &n) < 0 || serial(f, n, &id) < 0)
		return 0;
	for (int i = 0; i < 6; i++) /* flags usage expiry perm uid gid */
		if (field(&s, end, &f, &n) < 0)
			return 0;
	if (field(&s, end, &f, &n) < 0 || n != tl || memcmp(f, type, tl) != 0)
		return 0;
	while (s < end && *s == ' ')
		s++;
	d = s;
	if ((size_t)(end - d) < dl || memcmp(d, desc, dl) != 0)
		return 0;
	s = d + dl;
	if (s < end && (end - s < 2 || s[0] != ':' || s[1] != ' '))
		return 0; /* a longer description that starts the same */
	out->id = id;
	out->entries = s < end ? entries(s + 2, end) : -1;
	return 1;
}

int prockeys_find(const char *buf, size_t len, const char *type, const char *desc, struct prockey *out)
{
	const char *p, *end;

	if (!buf)
		return 0;
	p = buf;
	end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if (line(p, e, type, desc, out))
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}
