/* procswaps: see procswaps.h. */
#include "procswaps.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "parse.h"

int procfs_field(const char **p, const char *end, char *out, size_t outsz)
{
	size_t o = 0;
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return -EBADMSG;
	while (s < end && *s != ' ' && *s != '\t') {
		char c = *s++;

		if (c == '\\' && end - s >= 3 && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' &&
		    s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 3;
		}
		if (c == '\0')
			return -EBADMSG;
		if (o + 1 >= outsz)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	*p = s;
	return 0;
}

static int line(const char *p, const char *end, struct procswap *s)
{
	char size[32], used[32], prio[32];
	int r = procfs_field(&p, end, s->path, sizeof(s->path));

	if (r == 0)
		r = procfs_field(&p, end, s->type, sizeof(s->type));
	if (r == 0)
		r = procfs_field(&p, end, size, sizeof(size));
	if (r == 0)
		r = procfs_field(&p, end, used, sizeof(used));
	if (r == 0)
		r = procfs_field(&p, end, prio, sizeof(prio));
	if (r < 0)
		return r == -ENAMETOOLONG && s->path[0] ? r : -EBADMSG;
	if (strpbrk(s->type, " \t\n")) /* "partition", "file": a word, never an escaped blank */
		return -EBADMSG;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p != end || parse_u64(size, UINT64_MAX, &s->size_kib) < 0 ||
	    parse_u64(used, UINT64_MAX, &s->used_kib) < 0 ||
	    parse_int(prio, INT_MIN + 1, INT_MAX, &s->priority) < 0)
		return -EBADMSG;
	return 0;
}

int procswaps_parse(const char *buf, size_t len, struct procswap *out, size_t max)
{
	const char *p = buf, *end = buf + len;
	size_t n = 0;
	bool first = true;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *q = p;

		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (q < eol && !(first && eol - q >= 8 && !memcmp(q, "Filename", 8))) {
			int r;

			if (n == max)
				return -E2BIG;
			memset(&out[n], 0, sizeof(out[n]));
			r = line(q, eol, &out[n]);
			if (r < 0)
				return r;
			n++;
		}
		first = false;
		p = nl ? nl + 1 : end;
	}
	return (int)n;
}
