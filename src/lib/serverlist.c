/* serverlist: a comma list of weighted IPv4 servers. See serverlist.h. */
#include "serverlist.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/escape.h"
#include "ipcfg.h"

#define ECHO_MAX 48

static int fail(char *err, size_t errsz, const char *what, const char *p, size_t n, const char *why)
{
	char e[ECHO_MAX + 4]; /* cut with "..." past ECHO_MAX */

	if (errsz)
		snprintf(err, errsz, "%s '%s' %s", what, escape_bytes(p, n, e, sizeof(e)), why);
	return -EINVAL;
}

static int parse_weight(const char *p, size_t n, unsigned *out)
{
	unsigned w = 0;

	if (n == 0 || n > 4)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		w = w * 10 + (unsigned)(p[i] - '0');
	}
	if (w < 1 || w > SERVERLIST_WEIGHT_MAX)
		return -EINVAL;
	*out = w;
	return 0;
}

static int add(struct serverlist *l, const char *p, size_t n, char *err, size_t errsz)
{
	const char *star = memchr(p, '*', n);
	size_t alen = star ? (size_t)(star - p) : n;
	unsigned w = 1;
	uint32_t a;
	uint8_t first;

	if (star && parse_weight(star + 1, n - alen - 1, &w) < 0)
		return fail(err, errsz, "server", p, n, "has a bad weight: expected ADDR*N with N from 1 to "
			    "1000, e.g. 10.0.0.1*2");
	if (ipcfg_parse_ipv4(p, alen, &a) < 0) {
		for (size_t i = 0; i < alen; i++)
			if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')
				return fail(err, errsz, "server", p, alen, "is not an IPv4 address: "
					    "sprout-init does no DNS lookups, give the server's address");
		return fail(err, errsz, "server", p, alen, "is not an IPv4 address a.b.c.d");
	}
	memcpy(&first, &a, 1);
	if (a == 0 || first == 127 || first >= 224)
		return fail(err, errsz, "server", p, alen, "is not a host's address");
	for (int i = 0; i < l->n; i++)
		if (l->addr[i] == a) {
			if (l->weight[i] != w)
				return fail(err, errsz, "server", p, alen, "is listed twice with different weights");
			return 0;
		}
	if (l->n == SERVERLIST_MAX) {
		if (errsz)
			snprintf(err, errsz, "the list has more than %d servers", SERVERLIST_MAX);
		return -EINVAL;
	}
	l->addr[l->n] = a;
	l->weight[l->n++] = w;
	return 0;
}

int serverlist_parse(const char *text, size_t len, struct serverlist *out, char *err, size_t errsz)
{
	struct serverlist l = { .n = 0 };
	size_t start = 0;

	if (errsz)
		err[0] = '\0';
	if (len == 0) {
		if (errsz)
			snprintf(err, errsz, "no server given: expected e.g. 10.0.0.1,10.0.0.2");
		return -EINVAL;
	}
	if (memchr(text, '[', len))
		return fail(err, errsz, "server list", text, len, "looks like an IPv6 address: IPv6 is not supported, only IPv4");
	for (size_t i = 0; i <= len; i++) {
		int r;

		if (i < len && text[i] != ',')
			continue;
		if (i == start)
			return fail(err, errsz, "server list", text, len, "has an empty entry");
		r = add(&l, text + start, i - start, err, errsz);
		if (r < 0)
			return r;
		start = i + 1;
	}
	*out = l;
	return 0;
}

bool serverlist_weighted(const struct serverlist *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->weight[i] != 1)
			return true;
	return false;
}
