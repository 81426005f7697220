/* libFuzzer target for the lease-file formatters (src/init/net/netstate.c): the input is
 * the four strings from the network (host name, domain, root-path, boot file), split at
 * NUL bytes. Whatever they hold, each file keeps its number of lines, no control byte but
 * the line ends gets in, every line of the sourced file is one KEY='...' assignment, and
 * resolv.conf's search line names only a domain dnsname.h accepts. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "netstate.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++) {
		must((unsigned char)*s >= 0x20 || *s == '\n');
		must(*s != 0x7f);
		n += *s == '\n';
	}
	return n;
}

/* One sh line KEY='...': after the first ', quotes come only as '\'' or the closing one. */
static void assignment(const char *l, size_t n)
{
	const char *q = memchr(l, '\'', n);
	size_t i;

	must(q && q > l && q[-1] == '=' && l[n - 1] == '\'' && (size_t)(q - l) < n - 1);
	for (i = (size_t)(q - l) + 1; i < n - 1; i++)
		if (l[i] == '\'') {
			must(i + 3 < n - 1 && !memcmp(l + i, "'\\''", 4));
			i += 3;
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4][2048], out[16384];
	struct netstate ns = { .ifname = "eth0", .proto = "dhcp", .prefix = 24 };
	size_t k = 0, start = 0;
	int r;

	memset(text, 0, sizeof(text));
	for (size_t i = 0; i <= size && k < 4; i++)
		if (i == size || data[i] == 0) {
			size_t n = i - start < sizeof(text[k]) - 1 ? i - start : sizeof(text[k]) - 1;

			memcpy(text[k++], data + start, n);
			start = i + 1;
		}
	ns.hostname = text[0];
	ns.domain = text[1];
	ns.root_path = text[2];
	ns.bootfile = text[3];
	ns.lease_time_set = size & 1;

	r = netstate_format_ifconf(&ns, out, sizeof(out));
	must(r > 0 && (size_t)r == strlen(out));
	must(lines(out) == 15);
	for (const char *l = out; *l;) {
		const char *e = strchr(l, '\n');

		assignment(l, (size_t)(e - l));
		l = e + 1;
	}
	r = netstate_format_keyvalue(&ns, out, sizeof(out));
	must(r > 0 && (size_t)r == strlen(out));
	must(lines(out) == 15);
	r = netstate_format_resolv(&ns, out, sizeof(out));
	must(r > 0 && lines(out) >= 1);
	const char *s = strstr(out, "\nsearch ");
	if (s) {
		s += 8;
		must(dnsname_check(s, strcspn(s, "\n")) == 0);
	}
	r = netstate_format_ifconf(&ns, out, 10);
	must(r == -ENAMETOOLONG && out[0] == '\0');
	return 0;
}
