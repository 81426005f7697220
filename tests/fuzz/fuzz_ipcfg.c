/* libFuzzer target for ipcfg: any ip= value. What is accepted must be consistent (a
 * static config has a contiguous netmask, strings are terminated and clean) and must
 * read back the same when written out again in the kernel's long form. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "inet4.h"
#include "ipcfg.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static const char *autoconf_word(enum ipcfg_autoconf a)
{
	static const char *const w[] = { "", "off", "any", "dhcp", "bootp", "rarp", "both" };

	must((unsigned)a < sizeof(w) / sizeof(w[0]));
	return w[a];
}

static const char *addr(uint32_t a, int set, char *buf)
{
	return set ? ipcfg_format_ipv4(a, buf) : "";
}

/* Writes c back as client:server:gw:mask:host:dev:autoconf:dns0:dns1:ntp and parses it. */
static void round_trip(const struct ipcfg *c)
{
	char text[IPCFG_MAX_TEXT], b[7][IPCFG_IPV4_LEN], err[IPCFG_ERR_LEN];
	struct ipcfg again;
	int n;

	n = snprintf(text, sizeof(text), "%s:%s:%s:%s:%s:%s:%s:%s:%s:%s",
		     addr(c->client, c->client_set, b[0]), addr(c->server, c->server_set, b[1]),
		     addr(c->gateway, c->gateway_set, b[2]), addr(c->netmask, c->netmask_set, b[3]),
		     c->hostname, c->device, autoconf_word(c->autoconf),
		     addr(c->dns[0], c->dns_set[0], b[4]), addr(c->dns[1], c->dns_set[1], b[5]),
		     addr(c->ntp, c->ntp_set, b[6]));
	must(n > 0 && (size_t)n < sizeof(text));
	must(ipcfg_parse(text, (size_t)n, &again, err, sizeof(err)) == 0);
	must(again.mode == c->mode && again.autoconf == c->autoconf);
	must(again.client == c->client && again.server == c->server && again.gateway == c->gateway);
	must(again.netmask == c->netmask && again.netmask_set == c->netmask_set);
	must(again.dns[0] == c->dns[0] && again.dns[1] == c->dns[1] && again.ntp == c->ntp);
	must(!strcmp(again.hostname, c->hostname) && !strcmp(again.device, c->device));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[IPCFG_ERR_LEN];
	struct ipcfg c, before;
	int r;

	memset(&c, 0x77, sizeof(c));
	before = c;
	r = ipcfg_parse((const char *)data, size, &c, err, sizeof(err));
	must(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
	must(memchr(err, '\0', sizeof(err)) != NULL);
	if (r < 0) {
		must(err[0] != '\0');
		must(!memcmp(&c, &before, sizeof(c)));
		return 0;
	}
	must(err[0] == '\0');
	must(strlen(c.hostname) <= IPCFG_HOSTNAME_MAX && strlen(c.device) <= IPCFG_DEVICE_MAX);
	must(c.mtu == 0 || (c.mtu >= 68 && c.mtu <= 65535));
	must(c.client_set == (c.mode == IPCFG_STATIC));
	must(c.mode != IPCFG_OFF || c.autoconf == IPCFG_AUTO_OFF);
	must(!c.client_set || c.client != 0);
	if (c.mode == IPCFG_STATIC)
		must(c.netmask_set && inet4_mask_prefix(c.netmask) > 0);
	if (c.netmask_set)
		must(inet4_mask_prefix(c.netmask) > 0);
	/* a host name kept is one dnsname.h accepts, as a DHCP one must be */
	must(!c.hostname[0] || dnsname_check_host(c.hostname, strlen(c.hostname)) == 0);
	if (c.mode != IPCFG_OFF && c.mtu == 0)
		round_trip(&c);
	return 0;
}
