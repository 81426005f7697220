/* libFuzzer target for imageurl. An accepted URL has servers, a port and a path that
 * starts with '/'; the rest of the input, taken as a redirect's Location from the first
 * server, either gives a path that is itself a valid image path, or is refused with a
 * message. Refused input leaves the output untouched. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imageurl.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct imageurl u, untouched, back;
	char err[IMAGEURL_ERR_LEN], out[IMAGEURL_PATH_MAX], again[IMAGEURL_PATH_MAX + 32];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ul = nl ? (size_t)(nl - data) : size;
	int n;

	memset(&u, 0x5a, sizeof(u));
	untouched = u;
	if (imageurl_parse((const char *)data, ul, &u, err, sizeof(err)) < 0) {
		must(memcmp(&u, &untouched, sizeof(u)) == 0);
		must(err[0] != '\0' && strlen(err) < sizeof(err));
		return 0;
	}
	must(u.servers.n >= 1 && u.port >= 1 && u.path[0] == '/');
	must(strlen(u.path) < sizeof(u.path));
	if (!nl)
		return 0;
	if (imageurl_redirect((const char *)nl + 1, size - ul - 1, u.servers.addr[0], u.port, u.path, out, err,
			      sizeof(err)) < 0) {
		must(err[0] != '\0' && strlen(err) < sizeof(err));
		return 0;
	}
	/* the path followed is one the parser accepts too */
	n = snprintf(again, sizeof(again), "http://1.2.3.4%s", out);
	must(n > 0 && (size_t)n < sizeof(again));
	must(imageurl_parse(again, (size_t)n, &back, err, sizeof(err)) == 0);
	must(strcmp(back.path, out) == 0);
	return 0;
}
