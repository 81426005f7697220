/* rtnl_parse: the rtnetlink messages sprout-init reads (links, IPv4 addresses and
 * routes), parsed. Pure functions over (buf, len), bounded by every length field before
 * it is used (the NLMSG_OK / RTA_OK checks, written with memcpy so a buffer needs no
 * alignment), and fuzzed (tests/fuzz/fuzz_netlink.c). The socket that gets the messages
 * is src/init/net/netlink.c. Addresses are IPv4 in network byte order. */
#ifndef SPROUT_RTNL_PARSE_H
#define SPROUT_RTNL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTNL_HWADDR_MAX 32    /* the kernel's MAX_ADDR_LEN */
#define RTNL_NAME_MAX 16      /* IFNAMSIZ, NUL included */

struct rtnl_link {
	int ifindex;
	unsigned flags;           /* IFF_UP, IFF_LOOPBACK, IFF_LOWER_UP, ... */
	unsigned mtu;             /* 0 if the kernel did not say */
	unsigned addr_len;
	unsigned short type;      /* ARPHRD_ETHER, ARPHRD_LOOPBACK, ... */
	bool carrier;             /* up and with carrier (IFLA_CARRIER, else IFF_LOWER_UP) */
	char name[RTNL_NAME_MAX];
	uint8_t addr[RTNL_HWADDR_MAX]; /* the hardware (MAC) address */
};

struct rtnl_addr4 {
	int ifindex;
	uint32_t addr;
	int prefix;
	uint32_t broadcast;       /* 0 if none */
};

struct rtnl_route4 {
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

/* One message of a reply, msg[0..len) from its nlmsghdr. Return 0 to go on, < 0 to
 * stop the walk with that value. */
typedef int (*rtnl_msg_fn)(const uint8_t *msg, size_t len, void *ctx);

/* Walks one datagram. Messages whose sequence number is not seq are skipped (seq 0
 * takes every message, as for events). Returns 1 when the reply ended (NLMSG_DONE, or
 * an NLMSG_ERROR acknowledgement with error 0), 0 when more datagrams should follow, the
 * negative errno of an NLMSG_ERROR, what fn returned, or -EBADMSG when a length field
 * does not fit the buffer. */
int rtnl_walk(const uint8_t *buf, size_t len, uint32_t seq, rtnl_msg_fn fn, void *ctx);

/* RTM_NEWLINK -> *out. 0, -ENOENT for another message type, -EBADMSG if malformed
 * (a length out of bounds, no name or an unterminated one, an index <= 0). */
int rtnl_parse_link(const uint8_t *msg, size_t len, struct rtnl_link *out);
/* RTM_NEWADDR of AF_INET -> *out. 0, -ENOENT (another type or family), -EBADMSG. */
int rtnl_parse_addr4(const uint8_t *msg, size_t len, struct rtnl_addr4 *out);
/* RTM_NEWROUTE of AF_INET -> *out. 0, -ENOENT (another type or family), -EBADMSG. */
int rtnl_parse_route4(const uint8_t *msg, size_t len, struct rtnl_route4 *out);

/* A link worth trying for the boot network: Ethernet, not loopback. */
bool rtnl_link_is_candidate(const struct rtnl_link *l);
/* The link with this name / this 6-byte MAC in links[0..n), or NULL. */
const struct rtnl_link *rtnl_find_name(const struct rtnl_link *links, int n,
					     const char *name);
const struct rtnl_link *rtnl_find_mac(const struct rtnl_link *links, int n,
					    const uint8_t mac[6]);

#endif
