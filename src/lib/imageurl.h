/* imageurl: sprout.image=http://SERVERS[:PORT]/PATH, the root image over HTTP.
 *
 * SERVERS is a server list as serverlist.h reads it (10.0.0.1*2,10.0.0.2); the port,
 * default 80, is every server's. No https:// (the init has no TLS: the image's digest,
 * sprout.image.sha256= or PATH.sha256, is what vouches for it) and no host names (no
 * DNS). PATH starts with '/' and is sent as written: printable ASCII without spaces,
 * quotes, '<', '>', '\', '^', '`', '{', '|', '}' or '#', and '%' only as %XX. It may
 * carry a ?query. Pure: no I/O, no allocation. */
#ifndef SPROUT_IMAGEURL_H
#define SPROUT_IMAGEURL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serverlist.h"

#define IMAGEURL_PATH_MAX 1024      /* PATH's bytes, NUL included */
#define IMAGEURL_PORT_DEFAULT 80
#define IMAGEURL_REDIRECTS_MAX 5    /* hops followed per server */
#define IMAGEURL_ERR_LEN 200        /* a message buffer this size never cuts our messages */

struct imageurl {
	struct serverlist servers;
	uint16_t port;
	char path[IMAGEURL_PATH_MAX];
};

/* Is text[0..len) an HTTP(S) URL (the scheme in any case), rather than a file path? */
bool imageurl_is_http(const char *text, size_t len);

/* Parses text[0..len). Returns 0, or -EINVAL with *out unchanged and a message in err
 * that says what is wrong and what was expected. */
int imageurl_parse(const char *text, size_t len, struct imageurl *out, char *err, size_t errsz);

/* A redirect's Location loc[0..len), received from server:port while fetching cur
 * (a PATH), as the path to ask that same server for next into out[IMAGEURL_PATH_MAX].
 * Followed: a path ("/x"), a relative reference ("x", against cur's directory), or an
 * absolute http:// URL naming that same address and port. Any other host, https, or
 * a bad path: -EINVAL with a message. */
int imageurl_redirect(const char *loc, size_t len, uint32_t server, uint16_t port, const char *cur, char *out,
		      char *err, size_t errsz);

#endif
