/* netstate: what the boot network is, written down for the real system:
 *   /run/net-IFACE.conf     initramfs-tools' variables (sourced by shell scripts)
 *   /run/sprout/net/IFACE   key=value
 *   /run/sprout/resolv.conf nameservers and search domain
 * The formatters are pure; values that came from the network are quoted so a shell
 * that sources the file runs nothing of theirs. */
#ifndef SPROUT_NETSTATE_H
#define SPROUT_NETSTATE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"

struct netstate {
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	const char *proto;           /* "dhcp" or "static" */
	uint32_t addr, netmask, broadcast, gateway; /* network order */
	unsigned prefix;
	uint32_t dns[DHCP_MAX_DNS];
	unsigned n_dns;
	uint32_t server;             /* boot / root server */
	unsigned mtu;
	uint32_t lease_time;         /* seconds; DHCP_LEASE_INFINITE; 0 for static */
	const char *hostname, *domain, *root_path, *bootfile; /* "" when none */
};

/* Each returns the length written, or -ENAMETOOLONG (out is then ""). */
int netstate_format_ifconf(const struct netstate *ns, char *out, size_t n);
int netstate_format_keyvalue(const struct netstate *ns, char *out, size_t n);
int netstate_format_resolv(const struct netstate *ns, char *out, size_t n);

/* Writes the three files under run (normally "/run"). Returns 0 or -errno. */
int netstate_write(const struct netstate *ns, const char *run);

#endif
