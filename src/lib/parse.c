/* parse: whole-string number, boolean and copy helpers. See parse.h. */
#include "parse.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "base/array.h"

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool big = false;

	if (!s || !*s)
		return -EINVAL;
	/* Keep scanning past an overflow so "12x99999999999999999999" is -EINVAL,
	 * not -ERANGE: a malformed string is reported as malformed. */
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (big || v > (UINT64_MAX - d) / 10)
			big = true;
		else
			v = v * 10 + d;
	}
	if (big || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_uint(const char *s, unsigned max, unsigned *out)
{
	uint64_t v;
	int r = parse_u64(s, max, &v);

	if (r < 0)
		return r;
	*out = (unsigned)v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *out)
{
	bool neg = false;
	uint64_t mag;
	int64_t v;
	int r;

	if (!s)
		return -EINVAL;
	if (*s == '-') {
		neg = true;
		s++;
	}
	/* Any magnitude beyond 2^31 is out of range for every int: let parse_u64 cap it
	 * there so the signed arithmetic below cannot overflow. */
	r = parse_u64(s, (uint64_t)INT_MAX + 1, &mag);
	if (r < 0)
		return r;
	v = neg ? -(int64_t)mag : (int64_t)mag;
	if (min > max || v < min || v > max)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_copy(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	if (srclen >= dstsz)
		return -ENAMETOOLONG;
	if (srclen && memchr(src, '\0', srclen))
		return -EINVAL;
	if (srclen)
		memcpy(dst, src, srclen);
	dst[srclen] = '\0';
	return 0;
}

bool parse_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
