/* netlink: the rtnetlink sprout-init needs to bring a network up, and no more: list
 * links, addresses and routes; set a link up and its MTU; add an IPv4 address and
 * routes; wait for carrier by listening to link events (never by polling).
 *
 * Addresses are IPv4 in network byte order (a struct in_addr's s_addr). Functions
 * return 0 (or a count) or -errno, the kernel's own error when it refused a request
 * (-ENODEV for a missing link, -ENETUNREACH for a gateway not on any subnet, ...).
 *
 * This is the socket side; the pure parsers of what the kernel answers are in
 * src/lib/rtnl_parse.h. */
#ifndef SPROUT_NETLINK_H
#define SPROUT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtnl_parse.h"

#define NETLINK_MAX_LINKS 64     /* most links listed; more is -ENOBUFS */
#define NETLINK_MAX_ADDRS 64
#define NETLINK_MAX_ROUTES 256
#define NETLINK_BUF 32768        /* the largest datagram the kernel sends a reader */

struct netlink {
	int fd;
	uint32_t seq;
};

/* ---- talking to the kernel ------------------------------------------------------ */

/* Opens a NETLINK_ROUTE socket (O_CLOEXEC) joined to groups (RTMGRP_* bits, 0 for none). */
int netlink_open(struct netlink *nl, unsigned groups);
void netlink_close(struct netlink *nl); /* accepts a closed or never-opened (fd -1) handle */

/* Fill out[0..max) and return the count; -ENOBUFS when there are more than max. */
int netlink_list_links(struct netlink *nl, struct rtnl_link *out, int max);
int netlink_list_addrs4(struct netlink *nl, struct rtnl_addr4 *out, int max);
/* IPv4 routes of one table (RT_TABLE_MAIN = 254), or of all tables with table 0. */
int netlink_list_routes4(struct netlink *nl, uint32_t table, struct rtnl_route4 *out, int max);

int netlink_link_up(struct netlink *nl, int ifindex);
int netlink_set_mtu(struct netlink *nl, int ifindex, unsigned mtu);

/* Adds (or replaces) addr/prefix on the link, with broadcast (0: the subnet's, for
 * prefixes up to 30). */
int netlink_add_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix,
		      uint32_t broadcast);
int netlink_del_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix);

/* Adds (or replaces) a route in r->table (0: main). Scope is link for a route without
 * a gateway, universe otherwise; protocol 0 is written as RTPROT_BOOT. */
int netlink_add_route4(struct netlink *nl, const struct rtnl_route4 *r);

/* The default route via gateway, for a link whose address is addr/prefix. A gateway
 * outside that subnet first gets an on-link host route, so the kernel accepts it (as
 * DHCP servers on point-to-point and cloud networks expect). */
int netlink_add_default_route(struct netlink *nl, int ifindex, uint32_t gateway, uint32_t addr,
			      int prefix);

/* Waits until one of the links ifindex[0..n) has carrier, by listening to RTMGRP_LINK
 * events after reading the links' state (so no change is missed). The links must have
 * been set up first: a link that is down reports no carrier. Returns the ifindex with
 * carrier, -ETIMEDOUT after timeout_ms, or -errno. */
int netlink_wait_carrier(const int *ifindex, int n, int timeout_ms);

#endif
