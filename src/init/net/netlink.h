/* netlink: the rtnetlink sprout-init needs to bring a network up, and no more: list
 * links, addresses and routes; set a link up and its MTU; add an IPv4 address and
 * routes; wait for carrier by listening to link events (never by polling).
 *
 * Addresses are IPv4 in network byte order (a struct in_addr's s_addr). Functions
 * return 0 (or a count) or -errno, the kernel's own error when it refused a request
 * (-ENODEV for a missing link, -ENETUNREACH for a gateway not on any subnet, ...).
 *
 * The message parsers are pure functions over (buf, len), bounded by every length
 * field before it is used (the NLMSG_OK / RTA_OK checks, written with memcpy so a
 * buffer needs no alignment), and fuzzed (tests/fuzz/fuzz_netlink.c). */
#ifndef SPROUT_NETLINK_H
#define SPROUT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETLINK_MAX_LINKS 64     /* most links listed; more is -ENOBUFS */
#define NETLINK_MAX_ADDRS 64
#define NETLINK_MAX_ROUTES 256
#define NETLINK_HWADDR_MAX 32    /* the kernel's MAX_ADDR_LEN */
#define NETLINK_NAME_MAX 16      /* IFNAMSIZ, NUL included */
#define NETLINK_BUF 32768        /* the largest datagram the kernel sends a reader */

struct netlink {
	int fd;
	uint32_t seq;
};

struct netlink_link {
	int ifindex;
	unsigned flags;           /* IFF_UP, IFF_LOOPBACK, IFF_LOWER_UP, ... */
	unsigned mtu;             /* 0 if the kernel did not say */
	unsigned addr_len;
	unsigned short type;      /* ARPHRD_ETHER, ARPHRD_LOOPBACK, ... */
	bool carrier;             /* up and with carrier (IFLA_CARRIER, else IFF_LOWER_UP) */
	char name[NETLINK_NAME_MAX];
	uint8_t addr[NETLINK_HWADDR_MAX]; /* the hardware (MAC) address */
};

struct netlink_addr4 {
	int ifindex;
	uint32_t addr;
	int prefix;
	uint32_t broadcast;       /* 0 if none */
};

struct netlink_route4 {
	int ifindex;              /* output link; 0 if none */
	uint32_t dst;             /* with prefix: 0/0 is the default route */
	int prefix;
	uint32_t gateway;         /* 0 for an on-link route */
	uint32_t prefsrc;         /* preferred source address; 0 if none */
	uint32_t metric;
	uint32_t table;           /* RT_TABLE_MAIN (254) for ordinary routes */
	uint8_t protocol;         /* RTPROT_*; netlink_add_route4 writes RTPROT_BOOT for 0 */
	uint8_t scope;            /* RT_SCOPE_*; filled by netlink_add_route4 */
	uint8_t type;             /* RTN_UNICAST, RTN_LOCAL, ... */
};

/* ---- pure parsing ----------------------------------------------------------------- */

/* One message of a reply, msg[0..len) from its nlmsghdr. Return 0 to go on, < 0 to
 * stop the walk with that value. */
typedef int (*netlink_msg_fn)(const uint8_t *msg, size_t len, void *ctx);

/* Walks one datagram. Messages whose sequence number is not seq are skipped (seq 0
 * takes every message, as for events). Returns 1 when the reply ended (NLMSG_DONE, or
 * an NLMSG_ERROR acknowledgement with error 0), 0 when more datagrams should follow, the
 * negative errno of an NLMSG_ERROR, what fn returned, or -EBADMSG when a length field
 * does not fit the buffer. */
int netlink_walk(const uint8_t *buf, size_t len, uint32_t seq, netlink_msg_fn fn, void *ctx);

/* RTM_NEWLINK -> *out. 0, -ENOENT for another message type, -EBADMSG if malformed
 * (a length out of bounds, no name or an unterminated one, an index <= 0). */
int netlink_parse_link(const uint8_t *msg, size_t len, struct netlink_link *out);
/* RTM_NEWADDR of AF_INET -> *out. 0, -ENOENT (another type or family), -EBADMSG. */
int netlink_parse_addr4(const uint8_t *msg, size_t len, struct netlink_addr4 *out);
/* RTM_NEWROUTE of AF_INET -> *out. 0, -ENOENT (another type or family), -EBADMSG. */
int netlink_parse_route4(const uint8_t *msg, size_t len, struct netlink_route4 *out);

/* A link worth trying for the boot network: Ethernet, not loopback. */
bool netlink_link_is_candidate(const struct netlink_link *l);
/* The link with this name / this 6-byte MAC in links[0..n), or NULL. */
const struct netlink_link *netlink_find_name(const struct netlink_link *links, int n,
					     const char *name);
const struct netlink_link *netlink_find_mac(const struct netlink_link *links, int n,
					    const uint8_t mac[6]);

/* ---- talking to the kernel ------------------------------------------------------ */

/* Opens a NETLINK_ROUTE socket (O_CLOEXEC) joined to groups (RTMGRP_* bits, 0 for none). */
int netlink_open(struct netlink *nl, unsigned groups);
void netlink_close(struct netlink *nl); /* accepts a closed or never-opened (fd -1) handle */

/* Fill out[0..max) and return the count; -ENOBUFS when there are more than max. */
int netlink_list_links(struct netlink *nl, struct netlink_link *out, int max);
int netlink_list_addrs4(struct netlink *nl, struct netlink_addr4 *out, int max);
/* IPv4 routes of one table (RT_TABLE_MAIN = 254), or of all tables with table 0. */
int netlink_list_routes4(struct netlink *nl, uint32_t table, struct netlink_route4 *out, int max);

int netlink_link_up(struct netlink *nl, int ifindex);
int netlink_set_mtu(struct netlink *nl, int ifindex, unsigned mtu);

/* Adds (or replaces) addr/prefix on the link, with broadcast (0: the subnet's, for
 * prefixes up to 30). */
int netlink_add_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix,
		      uint32_t broadcast);
int netlink_del_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix);

/* Adds (or replaces) a route in r->table (0: main). Scope is link for a route without
 * a gateway, universe otherwise; protocol 0 is written as RTPROT_BOOT. */
int netlink_add_route4(struct netlink *nl, const struct netlink_route4 *r);

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
