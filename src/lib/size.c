/* size: tmpfs-style size parsing. See size.h. */
#include "size.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

/* log2 of the multiple a suffix stands for; -1 if c is no suffix. */
static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return -1;
	}
}

int size_parse(const char *buf, size_t len, struct size_spec *out)
{
	uint64_t v = 0;
	bool big = false;
	size_t i = 0;
	int shift = 0;

	if (!buf || len == 0 || len > SIZE_MAX_TEXT)
		return -EINVAL;
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		unsigned d = (unsigned)(buf[i] - '0');

		/* Keep scanning past an overflow so a bad suffix is still -EINVAL. */
		if (big || v > (UINT64_MAX - d) / 10)
			big = true;
		else
			v = v * 10 + d;
	}
	if (i == 0)
		return -EINVAL;
	if (i + 1 == len && buf[i] == '%') {
		if (big || v == 0 || v > 100)
			return -ERANGE;
		*out = (struct size_spec){ .kind = SIZE_PERCENT, .value = v };
		return 0;
	}
	if (i + 1 == len) {
		shift = suffix_shift(buf[i]);
		if (shift < 0)
			return -EINVAL;
	} else if (i != len) {
		return -EINVAL;
	}
	if (big || v == 0 || v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (struct size_spec){ .kind = SIZE_BYTES, .value = v << shift };
	return 0;
}

int size_resolve(const struct size_spec *spec, uint64_t total, uint64_t *bytes)
{
	if (spec->kind == SIZE_BYTES) {
		*bytes = spec->value;
		return 0;
	}
	if (spec->kind != SIZE_PERCENT || spec->value == 0 || spec->value > 100)
		return -EINVAL;
	/* total / 100 * pct + (total % 100) * pct / 100 cannot overflow for pct <= 100. */
	*bytes = total / 100 * spec->value + total % 100 * spec->value / 100;
	return 0;
}

int size_tmpfs_option(const struct size_spec *spec, char *out, size_t n)
{
	int r;

	if (spec->kind == SIZE_PERCENT && spec->value >= 1 && spec->value <= 100)
		r = snprintf(out, n, "size=%" PRIu64 "%%", spec->value);
	else if (spec->kind == SIZE_BYTES && spec->value > 0)
		r = snprintf(out, n, "size=%" PRIu64, spec->value);
	else
		return -EINVAL;
	if (r < 0 || (size_t)r >= n) {
		if (n)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return r;
}
