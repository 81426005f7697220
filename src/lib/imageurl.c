/* imageurl: root image URLs and the redirects followed while fetching them. */
#include "imageurl.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/errmsg.h"
#include "base/escape.h"
#include "base/hex.h"
#include "ipcfg.h"

#define ECHO_MAX 60

bool imageurl_is_http(const char *text, size_t len)
{
	return (len >= 7 && !strncasecmp(text, "http://", 7)) || (len >= 8 && !strncasecmp(text, "https://", 8));
}

/* A path we send as written in a request line. 0, or -EINVAL with a message. */
static int check_path(const char *p, size_t n, char *err, size_t errsz)
{
	char e[ESCAPE_SIZE(ECHO_MAX)];

	escape_bytes(p, n < ECHO_MAX ? n : ECHO_MAX, e, sizeof(e));
	if (n == 0 || p[0] != '/')
		return errmsg(err, errsz, -EINVAL, "image path '%s' does not start with '/'", e);
	if (n >= IMAGEURL_PATH_MAX)
		return errmsg(err, errsz, -EINVAL, "image path '%s' is longer than %d bytes", e, IMAGEURL_PATH_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= ' ' || c >= 0x7f || strchr("\"<>\\^`{|}#", c))
			return errmsg(err, errsz, -EINVAL, "image path '%s' holds byte 0x%02x: write it as %%%02X", e,
				      c, c);
		if (c == '%' && (i + 2 >= n || hex_value(p[i + 1]) < 0 || hex_value(p[i + 2]) < 0))
			return errmsg(err, errsz, -EINVAL, "image path '%s' has a '%%' not followed by two hex digits", e);
	}
	return 0;
}

/* ":PORT" at p[0..n) (n may be 0: the default). */
static int parse_port(const char *p, size_t n, uint16_t *port)
{
	unsigned v = 0;

	if (n == 0) {
		*port = IMAGEURL_PORT_DEFAULT;
		return 0;
	}
	if (n == 1 || n > 6 || p[0] != ':')
		return -EINVAL;
	for (size_t i = 1; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "SERVERS[:PORT]" at p[0..n) (the authority of a URL). */
static int parse_authority(const char *p, size_t n, struct serverlist *l, uint16_t *port, char *err, size_t errsz)
{
	const char *colon = memchr(p, ':', n), *at = memchr(p, '@', n);
	size_t hl = colon ? (size_t)(colon - p) : n;
	char e[ESCAPE_SIZE(ECHO_MAX)], serr[SERVERLIST_ERR_LEN];

	escape_bytes(p, n < ECHO_MAX ? n : ECHO_MAX, e, sizeof(e));
	if (at)
		return errmsg(err, errsz, -EINVAL, "image URL server part '%s' holds a user name: not supported", e);
	if (parse_port(p + hl, n - hl, port) < 0)
		return errmsg(err, errsz, -EINVAL, "image URL server part '%s': the port is not 1..65535 "
			      "(expected SERVERS[:PORT], e.g. 10.0.0.1,10.0.0.2:8080)", e);
	if (serverlist_parse(p, hl, l, serr, sizeof(serr)) < 0)
		return errmsg(err, errsz, -EINVAL, "image URL: %s", serr);
	return 0;
}

int imageurl_parse(const char *text, size_t len, struct imageurl *out, char *err, size_t errsz)
{
	struct imageurl u;
	const char *slash;
	char e[ESCAPE_SIZE(ECHO_MAX)];
	int rc;

	escape_bytes(text, len < ECHO_MAX ? len : ECHO_MAX, e, sizeof(e));
	if (memchr(text, '\0', len))
		return errmsg(err, errsz, -EINVAL, "image URL '%s' holds a NUL byte", e);
	if (len >= 8 && !strncasecmp(text, "https://", 8))
		return errmsg(err, errsz, -EINVAL, "image URL '%s': https is not supported (sprout-init has no "
			      "TLS); use http:// with sprout.image.sha256= or a PATH.sha256 file", e);
	if (len < 7 || strncasecmp(text, "http://", 7) != 0)
		return errmsg(err, errsz, -EINVAL, "image URL '%s' does not start with http://", e);
	text += 7;
	len -= 7;
	slash = memchr(text, '/', len);
	if (!slash)
		return errmsg(err, errsz, -EINVAL, "image URL '%s' has no /PATH after its servers", e);
	memset(&u, 0, sizeof(u));
	rc = parse_authority(text, (size_t)(slash - text), &u.servers, &u.port, err, errsz);
	if (rc < 0)
		return rc;
	len -= (size_t)(slash - text);
	rc = check_path(slash, len, err, errsz);
	if (rc < 0)
		return rc;
	memcpy(u.path, slash, len);
	u.path[len] = '\0';
	*out = u;
	return 0;
}

/* "x:..." before any '/': another scheme (https:, ftp:, ...). */
static bool has_scheme(const char *p, size_t n)
{
	for (size_t i = 0; i < n && p[i] != '/' && p[i] != '?'; i++)
		if (p[i] == ':')
			return true;
	return false;
}

int imageurl_redirect(const char *loc, size_t len, uint32_t server, uint16_t port, const char *cur, char *out,
		      char *err, size_t errsz)
{
	char e[ESCAPE_SIZE(ECHO_MAX)], path[IMAGEURL_PATH_MAX];
	size_t pl;
	int rc;

	escape_bytes(loc, len < ECHO_MAX ? len : ECHO_MAX, e, sizeof(e));
	if (memchr(loc, '\0', len))
		return errmsg(err, errsz, -EINVAL, "redirect to '%s': holds a NUL byte", e);
	if ((len >= 7 && !strncasecmp(loc, "http://", 7)) || (len >= 2 && !memcmp(loc, "//", 2))) {
		size_t skip = loc[0] == '/' ? 2 : 7;
		const char *a = loc + skip, *slash = memchr(a, '/', len - skip);
		size_t al = slash ? (size_t)(slash - a) : len - skip;
		const char *colon = memchr(a, ':', al);
		size_t hl = colon ? (size_t)(colon - a) : al;
		uint32_t addr;
		uint16_t p;

		if (ipcfg_parse_ipv4(a, hl, &addr) < 0 || addr != server || parse_port(a + hl, al - hl, &p) < 0 ||
		    p != port)
			return errmsg(err, errsz, -EINVAL, "redirect to '%s': not the same server and port, "
				      "only redirects within a server are followed", e);
		if (!slash)
			return errmsg(err, errsz, -EINVAL, "redirect to '%s': no path", e);
		loc = slash;
		len -= (size_t)(slash - (a - skip));
	} else if (has_scheme(loc, len)) {
		return errmsg(err, errsz, -EINVAL, "redirect to '%s': only http:// on the same server is followed", e);
	}
	if (len > 0 && loc[0] == '/') {
		rc = check_path(loc, len, err, errsz);
		if (rc < 0)
			return rc;
		memcpy(path, loc, len);
		pl = len;
	} else {
		const char *q = strchr(cur, '?'), *dir_end;
		size_t dl;

		/* relative: against the directory of cur (without its query) */
		dir_end = q ? q : cur + strlen(cur);
		while (dir_end > cur && dir_end[-1] != '/')
			dir_end--;
		dl = (size_t)(dir_end - cur);
		if (len == 0)
			return errmsg(err, errsz, -EINVAL, "redirect to an empty location");
		if (dl + len >= sizeof(path))
			return errmsg(err, errsz, -EINVAL, "redirect to '%s': path longer than %d bytes", e,
				      IMAGEURL_PATH_MAX - 1);
		memcpy(path, cur, dl);
		memcpy(path + dl, loc, len);
		pl = dl + len;
		rc = check_path(path, pl, err, errsz);
		if (rc < 0)
			return rc;
	}
	memcpy(out, path, pl);
	out[pl] = '\0';
	return 0;
}
