/* netstate: what the boot network is, written down for the real system:
 *   /run/net-IFACE.conf     initramfs-tools' variables, KEY='value' (sourced by shell scripts)
 *   /run/sprout/net/IFACE   key=value, one per line; the strings from the network
 *                           (hostname, domain, root_path) single-quoted as for sh
 *   /run/sprout/resolv.conf nameservers and search domain
 * The formatters are pure. Values are quoted so a shell that sources a file runs nothing
 * of theirs (a ' inside is written '\''), and no value can start a line of its own: a
 * string holding a control byte (0x01-0x1f, 0x7f: newline, carriage return, escape ...)
 * is refused and written as empty (netstate_unsafe names it for the log). The search
 * domain must pass dnsname_check, else resolv.conf has none. */
#ifndef SPROUT_NETSTATE_H
#define SPROUT_NETSTATE_H

#include <net/if.h>
#include <stdbool.h>
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
	/* seconds as the server sent them (0 is written as 0, DHCP_LEASE_INFINITE as
	 * 4294967295); when !lease_time_set (static, or a DHCPACK without option 51) the
	 * files hold an empty value */
	uint32_t lease_time;
	bool lease_time_set;
	const char *hostname, *domain, *root_path, *bootfile; /* "" when none */
};

/* Each returns the length written, or -ENAMETOOLONG (out is then ""). */
int netstate_format_ifconf(const struct netstate *ns, char *out, size_t n);
int netstate_format_keyvalue(const struct netstate *ns, char *out, size_t n);
int netstate_format_resolv(const struct netstate *ns, char *out, size_t n);

/* The first string of ns the formatters refuse (it holds a control byte): its name
 * ("hostname", "domain", "root_path", "bootfile", "proto", "ifname") with *value set to
 * it; NULL when every string is written as it is. Call again with the next `from` (the
 * index after the one returned, starting at 0) to get the others. */
const char *netstate_unsafe(const struct netstate *ns, unsigned *from, const char **value);

/* Writes the three files under run (normally "/run"), logging each refused value.
 * Returns 0 or -errno. */
int netstate_write(const struct netstate *ns, const char *run);

#endif
