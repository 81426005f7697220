/* rootspec: parse root=. */
#include "rootspec.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/array.h"
#include "base/hex.h"
#include "parse.h"

struct prefix {
	const char *text;
	enum rootspec_kind kind;
	bool udev_escaped; /* by-label links escape '/' and spaces as \xHH */
};

static const struct prefix prefixes[] = {
	{ "UUID=", ROOT_UUID, false },
	{ "LABEL=", ROOT_LABEL, false },
	{ "PARTUUID=", ROOT_PARTUUID, false },
	{ "PARTLABEL=", ROOT_PARTLABEL, false },
	{ "/dev/disk/by-uuid/", ROOT_UUID, true },
	{ "/dev/disk/by-label/", ROOT_LABEL, true },
	{ "/dev/disk/by-partuuid/", ROOT_PARTUUID, true },
	{ "/dev/disk/by-partlabel/", ROOT_PARTLABEL, true },
};

/* Copies src into rs->value, decoding udev's \xHH escapes when asked. */
static int copy_value(struct rootspec *rs, const char *src, bool unescape)
{
	size_t o = 0;

	for (size_t i = 0; src[i]; i++) {
		char c = src[i];

		if (unescape && c == '\\' && src[i + 1] == 'x' && hex_value(src[i + 2]) >= 0 &&
		    hex_value(src[i + 3]) >= 0) {
			c = (char)(hex_value(src[i + 2]) * 16 + hex_value(src[i + 3]));
			i += 3;
		}
		if (o + 1 >= sizeof(rs->value))
			return -ENAMETOOLONG;
		rs->value[o++] = c;
	}
	rs->value[o] = '\0';
	return o ? 0 : -EINVAL;
}

static int parse_devnum(const char *spec, struct rootspec *rs)
{
	const char *colon = strchr(spec, ':');
	char major[16];

	if (!colon || (size_t)(colon - spec) >= sizeof(major) || colon == spec)
		return -EINVAL;
	memcpy(major, spec, (size_t)(colon - spec));
	major[colon - spec] = '\0';
	if (parse_uint(major, 4095, &rs->major) < 0 || parse_uint(colon + 1, 1048575, &rs->minor) < 0)
		return -EINVAL;
	rs->kind = ROOT_DEVNUM;
	return parse_copy(rs->value, sizeof(rs->value), spec, strlen(spec));
}

int rootspec_parse(const char *spec, struct rootspec *rs)
{
	memset(rs, 0, sizeof(*rs));
	if (!spec || !*spec)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i].text);

		if (strncmp(spec, prefixes[i].text, n) == 0) {
			rs->kind = prefixes[i].kind;
			return copy_value(rs, spec + n, prefixes[i].udev_escaped);
		}
	}
	if (spec[0] == '/') {
		rs->kind = ROOT_PATH;
		return parse_copy(rs->value, sizeof(rs->value), spec, strlen(spec));
	}
	if (spec[0] >= '0' && spec[0] <= '9')
		return parse_devnum(spec, rs);
	return -EINVAL;
}

bool rootspec_match(const struct rootspec *rs, const char *value)
{
	if (!value || !*value)
		return false;
	if (rs->kind == ROOT_UUID || rs->kind == ROOT_PARTUUID)
		return strcasecmp(rs->value, value) == 0;
	return strcmp(rs->value, value) == 0;
}

const char *rootspec_kind_name(enum rootspec_kind kind)
{
	switch (kind) {
	case ROOT_PATH: return "path";
	case ROOT_UUID: return "UUID";
	case ROOT_LABEL: return "LABEL";
	case ROOT_PARTUUID: return "PARTUUID";
	case ROOT_PARTLABEL: return "PARTLABEL";
	case ROOT_DEVNUM: return "MAJ:MIN";
	case ROOT_NONE: break;
	}
	return "none";
}
