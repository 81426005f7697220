/* imagespec: the forms of sprout.image= and the RAM arithmetic of sprout.toram=. */
#include "imagespec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "imageurl.h"
#include "parse.h"

#define SHOW 80 /* bytes of the value shown in a message */

static int fail(int rc, const char *buf, size_t len, char *err, size_t n, const char *why)
{
	char e[ESCAPE_SIZE(SHOW)];

	escape_bytes(buf, len < SHOW ? len : SHOW, e, sizeof(e));
	if (n)
		snprintf(err, n, "sprout.image=%s%s: %s", e, len > SHOW ? "..." : "", why);
	return rc;
}

/* An absolute path without empty, "." or ".." components, no NUL. */
static bool path_ok(const char *p, size_t len)
{
	size_t i = 0;

	if (len < 2 || p[0] != '/' || memchr(p, '\0', len))
		return false;
	while (i < len) {
		size_t start = ++i, k; /* past the '/' */

		while (i < len && p[i] != '/')
			i++;
		k = i - start;
		if (k == 0 || (k == 1 && p[start] == '.') || (k == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
	}
	return true;
}

static const char FORMS[] = "expected /PATH (in the NFS root's export), DEVSPEC:/PATH "
			    "(LABEL=data:/images/root.sqfs, /dev/vdb:/root.sqfs) or http://SERVERS/PATH";

int imagespec_parse(const char *buf, size_t len, struct imagespec *out, char *err, size_t n)
{
	struct imagespec s = { 0 };
	const char *colon = NULL;
	size_t plen;

	if (imageurl_is_http(buf, len)) {
		struct imageurl u; /* checked here, parsed again by httpget */
		char uerr[IMAGEURL_ERR_LEN];

		if (len == 7)
			return fail(-EINVAL, buf, len, err, n, "no server after http://");
		if (imageurl_parse(buf, len, &u, uerr, sizeof(uerr)) < 0)
			return fail(-EINVAL, buf, len, err, n, uerr);
		out->kind = IMAGE_HTTP;
		return 0;
	}
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == ':' && buf[i + 1] == '/') {
			colon = buf + i;
			break;
		}
	if (colon) {
		size_t dlen = (size_t)(colon - buf);

		if (dlen >= sizeof(s.dev_text))
			return fail(-ENAMETOOLONG, buf, len, err, n, "the device is too long");
		if (parse_copy(s.dev_text, sizeof(s.dev_text), buf, dlen) < 0 || rootspec_parse(s.dev_text, &s.dev) < 0)
			return fail(-EINVAL, buf, len, err, n,
				    "the part before \":/\" is no device: expected /dev/NAME, UUID=, LABEL=, "
				    "PARTUUID=, PARTLABEL= or MAJOR:MINOR");
		s.kind = IMAGE_DEVICE;
		buf = colon + 1;
		plen = len - dlen - 1;
	} else {
		s.kind = IMAGE_NFS;
		plen = len;
	}
	if (plen >= sizeof(s.path))
		return fail(-ENAMETOOLONG, buf, plen, err, n, "the path is too long");
	if (!path_ok(buf, plen))
		return fail(-EINVAL, buf, plen, err, n,
			    s.kind == IMAGE_NFS && (plen == 0 || buf[0] != '/') ? FORMS
			    : "the image's path must be absolute, without \".\", \"..\" or empty parts");
	memcpy(s.path, buf, plen);
	s.path[plen] = '\0';
	*out = s;
	return 0;
}

const char *imagespec_kind_name(enum imagespec_kind kind)
{
	switch (kind) {
	case IMAGE_NFS: return "NFS export";
	case IMAGE_DEVICE: return "local filesystem";
	case IMAGE_HTTP: return "HTTP";
	default: return "none";
	}
}

/* The value of "KEY:   123 kB" in buf, in bytes. */
static int meminfo_field(const char *buf, size_t len, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;

		if (end - i > klen && !memcmp(buf + i, key, klen) && buf[i + klen] == ':') {
			char num[24];
			size_t p = i + klen + 1, d;
			uint64_t kb;

			while (p < end && buf[p] == ' ')
				p++;
			for (d = p; d < end && buf[d] >= '0' && buf[d] <= '9'; d++)
				;
			if (d == p || d - p >= sizeof(num) || end - d != 3 || memcmp(buf + d, " kB", 3) != 0)
				return -EINVAL;
			memcpy(num, buf + p, d - p);
			num[d - p] = '\0';
			if (parse_u64(num, UINT64_MAX / 1024, &kb) < 0)
				return -ERANGE;
			*out = kb * 1024;
			return 0;
		}
		i = end + 1;
	}
	return -EINVAL;
}

int imagespec_meminfo(const char *buf, size_t len, uint64_t *available, uint64_t *total)
{
	uint64_t a, t;
	int rc;

	if ((rc = meminfo_field(buf, len, "MemAvailable", &a)) < 0 ||
	    (rc = meminfo_field(buf, len, "MemTotal", &t)) < 0)
		return rc;
	*available = a;
	*total = t;
	return 0;
}

int imagespec_toram_fits(uint64_t size, uint64_t avail, uint64_t keep_free)
{
	uint64_t pages = size / 4096 + (size % 4096 != 0);

	if (pages > avail / 4096 || avail - pages * 4096 < keep_free)
		return -ENOMEM;
	return 0;
}

bool imagespec_needs_network(const char *image)
{
	struct imagespec s;

	return image[0] && imagespec_parse(image, strlen(image), &s, NULL, 0) == 0 &&
	       (s.kind == IMAGE_NFS || s.kind == IMAGE_HTTP);
}
