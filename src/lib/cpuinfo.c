/* cpuinfo: the first CPU's signature and its microcode file. See cpuinfo.h. */
#include "cpuinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

/* buf[0..n) without the whitespace around it, as a string in out[outsz]. */
static int trimmed(const char *buf, size_t n, char *out, size_t outsz)
{
	while (n && parse_is_space((unsigned char)*buf)) {
		buf++;
		n--;
	}
	while (n && parse_is_space((unsigned char)buf[n - 1]))
		n--;
	return parse_copy(out, outsz, buf, n);
}

static int number(const char *v, unsigned *out)
{
	return parse_uint(v, 255, out) < 0 ? -EBADMSG : 0;
}

static int field(struct cpuinfo *ci, const char *key, const char *val, unsigned *seen)
{
	if (!strcmp(key, "vendor_id")) {
		ci->vendor = !strcmp(val, "GenuineIntel") ? CPUINFO_INTEL
			     : !strcmp(val, "AuthenticAMD") ? CPUINFO_AMD : CPUINFO_OTHER;
		*seen |= 1;
		return 0;
	}
	if (!strcmp(key, "cpu family")) {
		*seen |= 2;
		return number(val, &ci->family);
	}
	if (!strcmp(key, "model"))
		return number(val, &ci->model);
	if (!strcmp(key, "stepping"))
		return number(val, &ci->stepping);
	return 0;
}

int cpuinfo_parse(const char *buf, size_t len, struct cpuinfo *out)
{
	struct cpuinfo ci = { 0 };
	unsigned seen = 0;
	size_t i = 0;

	if (memchr(buf, '\0', len))
		return -EBADMSG;
	while (i < len) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i), *colon;
		size_t n = nl ? (size_t)(nl - line) : len - i;
		char key[64], val[256];
		int r;

		i += n + (nl ? 1 : 0);
		colon = memchr(line, ':', n);
		if (!colon) {
			bool blank = true;

			for (size_t k = 0; k < n; k++)
				blank = blank && parse_is_space((unsigned char)line[k]);
			if (blank && seen)
				break; /* the end of the first processor's block */
			continue;
		}
		if (trimmed(line, (size_t)(colon - line), key, sizeof(key)) < 0 ||
		    trimmed(colon + 1, n - (size_t)(colon - line) - 1, val, sizeof(val)) < 0)
			continue; /* a long flags line: not one of ours */
		r = field(&ci, key, val, &seen);
		if (r < 0)
			return r;
	}
	if ((seen & 3) != 3)
		return -ENOENT;
	*out = ci;
	return 0;
}

int cpuinfo_microcode_file(const struct cpuinfo *ci, char *out, size_t n)
{
	int w;

	if (ci->vendor == CPUINFO_INTEL)
		w = snprintf(out, n, "intel-ucode/%02x-%02x-%02x", ci->family, ci->model,
			     ci->stepping);
	else if (ci->vendor == CPUINFO_AMD && ci->family >= 0x15)
		w = snprintf(out, n, "amd-ucode/microcode_amd_fam%02xh.bin", ci->family);
	else if (ci->vendor == CPUINFO_AMD && ci->family >= 0x10)
		w = snprintf(out, n, "amd-ucode/microcode_amd.bin");
	else
		return -ENOENT;
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}
