/* libFuzzer target for nfsspec. The first byte picks the form (nfsroot=, root=, DHCP
 * root-path) and whether a client address is known; the rest is the spec. What is
 * accepted must be consistent, give mount data for every server, and read back the same
 * when written out again as nfsroot=. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfsspec.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static void check_mount(const struct nfsspec *s)
{
	char data[NFSSPEC_MOUNT_DATA], src[NFSSPEC_MAX_PATH + 32];
	uint32_t fallback = htonl(0x0a000001);

	for (int i = 0; i <= s->nservers && i < NFSSPEC_MAX_SERVERS; i++) {
		uint32_t srv = i < s->nservers ? s->servers[i] : fallback;
		int r = nfsspec_mount_options(s, srv, i & 1, data, sizeof(data));
		size_t len;

		must(r > 0 && (size_t)r == strlen(data));
		must(!strncmp(data, "vers=", 5) && strstr(data, ",addr=") != NULL);
		len = strlen(data);
		must(len >= 3 && (!strcmp(data + len - 3, ",ro") || !strcmp(data + len - 3, ",rw")));
		must(strstr(data, ",,") == NULL);
		must((data[len - 1] == 'o') == nfsspec_read_only(s, i & 1));
		r = nfsspec_source(s, srv, src, sizeof(src));
		must(r > 0 && strchr(src, ':') != NULL);
	}
	must(!strcmp(nfsspec_fstype(s), s->vers == 4 ? "nfs4" : "nfs"));
}

static void round_trip(const struct nfsspec *s)
{
	static char text[NFSSPEC_MAX_TEXT * 2];
	char a[16], err[NFSSPEC_ERR_LEN];
	struct nfsspec again;
	bool nfs4 = s->vers == 4 && !s->vers_given;
	size_t n = 0;

	if (strstr(s->path, "%s") || (nfs4 && strpbrk(s->path, ":,")))
		return;
	if (nfs4)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "nfs4:");
	for (int i = 0; i < s->nservers; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? "," : "",
				      inet_ntop(AF_INET, &s->servers[i], a, sizeof(a)));
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s%s%s", s->nservers ? ":" : "",
			      s->path, s->options[0] ? "," : "", s->options);
	if (n > NFSSPEC_MAX_TEXT)
		return;
	must(nfsspec_parse(NFSSPEC_NFSROOT, text, n, NULL, &again, err, sizeof(err)) == 0);
	must(again.nservers == s->nservers);
	must(!memcmp(again.servers, s->servers, sizeof(uint32_t) * (size_t)s->nservers));
	must(!strcmp(again.path, s->path) && !strcmp(again.options, s->options));
	must(again.vers == s->vers && again.minor == s->minor && again.proto == s->proto);
	must(again.port == s->port && again.port_set == s->port_set);
	must(again.rw_set == s->rw_set && again.rw == s->rw && again.lock_set == s->lock_set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NFSSPEC_ERR_LEN];
	struct nfsspec s, before;
	enum nfsspec_form form;
	const char *client;
	int r;

	if (size < 1)
		return 0;
	form = (enum nfsspec_form)(data[0] % 3);
	client = data[0] & 4 ? NULL : (data[0] & 8 ? "node-17" : "10.0.0.42");
	memset(&s, 0x3c, sizeof(s));
	before = s;
	r = nfsspec_parse(form, (const char *)data + 1, size - 1, client, &s, err, sizeof(err));
	must(memchr(err, '\0', sizeof(err)) != NULL);
	if (r < 0) {
		must(r == -EINVAL || r == -ENAMETOOLONG || r == -EPROTONOSUPPORT);
		must(err[0] != '\0' && !memcmp(&s, &before, sizeof(s)));
		return 0;
	}
	must(r == 0 && err[0] == '\0');
	must(s.nservers >= 0 && s.nservers <= NFSSPEC_MAX_SERVERS);
	for (int i = 0; i < s.nservers; i++) {
		must(s.servers[i] != 0);
		for (int j = 0; j < i; j++)
			must(s.servers[i] != s.servers[j]);
	}
	must(s.path[0] == '/' && strlen(s.path) < NFSSPEC_MAX_PATH);
	must(strlen(s.options) < NFSSPEC_MAX_OPTIONS);
	must(s.vers == 3 || s.vers == 4);
	must(s.minor >= -1 && s.minor <= 2 && (s.vers == 4 || s.minor == -1));
	must(s.port <= 65535 && (s.port_set || s.port == 0));
	check_mount(&s);
	round_trip(&s);
	return 0;
}
