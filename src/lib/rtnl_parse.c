/* rtnl_parse: parsing rtnetlink messages. See rtnl_parse.h. */
#include "rtnl_parse.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* in linux/if.h, which clashes with glibc's net/if.h */
#endif

int rtnl_walk(const uint8_t *buf, size_t len, uint32_t seq, rtnl_msg_fn fn, void *ctx)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		int r, err;

		memcpy(&h, buf + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return -EBADMSG;
		if (seq == 0 || h.nlmsg_seq == seq) {
			if (h.nlmsg_type == NLMSG_DONE)
				return 1;
			if (h.nlmsg_type == NLMSG_ERROR) {
				if (h.nlmsg_len < NLMSG_LENGTH(sizeof(int)))
					return -EBADMSG;
				memcpy(&err, buf + off + NLMSG_HDRLEN, sizeof(err));
				if (err == 0)
					return 1;
				return err < 0 && err > -4096 ? err : -EPROTO;
			}
			if (h.nlmsg_type == NLMSG_OVERRUN)
				return -EOVERFLOW;
			if (h.nlmsg_type >= NLMSG_MIN_TYPE) {
				r = fn(buf + off, h.nlmsg_len, ctx);
				if (r < 0)
					return r;
			}
		}
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off >= len)
			break;
	}
	return 0;
}

struct attrs {
	const uint8_t *msg;
	size_t off, end;
};

/* Checks the message header and a fixed body of size body, then sets up the attribute
 * walk after it. Returns the message type, or -EBADMSG. */
static int open_msg(const uint8_t *msg, size_t len, void *body, size_t size, struct attrs *a)
{
	struct nlmsghdr h;

	if (len < NLMSG_LENGTH(size))
		return -EBADMSG;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len > len || h.nlmsg_len < NLMSG_LENGTH(size))
		return -EBADMSG;
	memcpy(body, msg + NLMSG_HDRLEN, size);
	*a = (struct attrs){ msg, NLMSG_HDRLEN + NLMSG_ALIGN(size), h.nlmsg_len };
	if (a->off > a->end)
		a->off = a->end;
	return h.nlmsg_type;
}

/* Next attribute: 1 with *type, *data and *n set; 0 at the end; -EBADMSG. */
static int next_attr(struct attrs *a, unsigned *type, const uint8_t **data, size_t *n)
{
	struct rtattr ra;

	if (a->end - a->off < sizeof(ra))
		return 0;
	memcpy(&ra, a->msg + a->off, sizeof(ra));
	if (ra.rta_len < sizeof(ra) || ra.rta_len > a->end - a->off)
		return -EBADMSG;
	*type = ra.rta_type & NLA_TYPE_MASK;
	*data = a->msg + a->off + RTA_LENGTH(0);
	*n = ra.rta_len - RTA_LENGTH(0);
	a->off += RTA_ALIGN(ra.rta_len);
	if (a->off > a->end)
		a->off = a->end;
	return 1;
}

static int get_u32(const uint8_t *data, size_t n, uint32_t *v)
{
	if (n < sizeof(*v))
		return -EBADMSG;
	memcpy(v, data, sizeof(*v));
	return 0;
}

static int link_attr(struct rtnl_link *l, unsigned type, const uint8_t *d, size_t n,
		     int *carrier)
{
	size_t len;

	switch (type) {
	case IFLA_IFNAME:
		len = n ? strnlen((const char *)d, n) : n;
		if (len == n || len >= RTNL_NAME_MAX) /* empty payload, no NUL, too long */
			return -EBADMSG;
		memcpy(l->name, d, len + 1);
		return 0;
	case IFLA_ADDRESS:
		if (n > RTNL_HWADDR_MAX)
			return -EBADMSG;
		memcpy(l->addr, d, n);
		l->addr_len = (unsigned)n;
		return 0;
	case IFLA_MTU:
		return get_u32(d, n, &l->mtu);
	case IFLA_CARRIER:
		if (n < 1)
			return -EBADMSG;
		*carrier = d[0] != 0;
		return 0;
	default:
		return 0;
	}
}

int rtnl_parse_link(const uint8_t *msg, size_t len, struct rtnl_link *out)
{
	struct rtnl_link l = { 0 };
	struct ifinfomsg ifi;
	struct attrs a;
	const uint8_t *d;
	unsigned type;
	size_t n;
	int carrier = -1, r;

	r = open_msg(msg, len, &ifi, sizeof(ifi), &a);
	if (r < 0)
		return r;
	if (r != RTM_NEWLINK)
		return -ENOENT;
	while ((r = next_attr(&a, &type, &d, &n)) > 0)
		if (link_attr(&l, type, d, n, &carrier) < 0)
			return -EBADMSG;
	if (r < 0 || ifi.ifi_index <= 0 || !l.name[0])
		return -EBADMSG;
	l.ifindex = ifi.ifi_index;
	l.type = ifi.ifi_type;
	l.flags = ifi.ifi_flags;
	l.carrier = (l.flags & IFF_UP) && (carrier >= 0 ? carrier : !!(l.flags & IFF_LOWER_UP));
	*out = l;
	return 0;
}

int rtnl_parse_addr4(const uint8_t *msg, size_t len, struct rtnl_addr4 *out)
{
	struct rtnl_addr4 x = { 0 };
	uint32_t local = 0, address = 0;
	bool has_local = false, has_address = false;
	struct ifaddrmsg ifa;
	struct attrs a;
	const uint8_t *d;
	unsigned type;
	size_t n;
	int r;

	r = open_msg(msg, len, &ifa, sizeof(ifa), &a);
	if (r < 0)
		return r;
	if (r != RTM_NEWADDR || ifa.ifa_family != AF_INET)
		return -ENOENT;
	while ((r = next_attr(&a, &type, &d, &n)) > 0) {
		if (type == IFA_LOCAL) {
			r = get_u32(d, n, &local);
			has_local = true;
		} else if (type == IFA_ADDRESS) {
			r = get_u32(d, n, &address);
			has_address = true;
		} else if (type == IFA_BROADCAST) {
			r = get_u32(d, n, &x.broadcast);
		} else {
			r = 0;
		}
		if (r < 0)
			return r;
	}
	if (r < 0 || ifa.ifa_prefixlen > 32 || ifa.ifa_index == 0 || ifa.ifa_index > INT_MAX ||
	    !(has_local || has_address))
		return -EBADMSG;
	x.ifindex = (int)ifa.ifa_index;
	x.prefix = ifa.ifa_prefixlen;
	x.addr = has_local ? local : address; /* IFA_ADDRESS is the peer on point-to-point */
	*out = x;
	return 0;
}

int rtnl_parse_route4(const uint8_t *msg, size_t len, struct rtnl_route4 *out)
{
	struct rtnl_route4 x = { 0 };
	struct rtmsg rtm;
	struct attrs a;
	const uint8_t *d;
	uint32_t oif = 0;
	unsigned type;
	size_t n;
	int r;

	r = open_msg(msg, len, &rtm, sizeof(rtm), &a);
	if (r < 0)
		return r;
	if (r != RTM_NEWROUTE || rtm.rtm_family != AF_INET)
		return -ENOENT;
	x.table = rtm.rtm_table;
	while ((r = next_attr(&a, &type, &d, &n)) > 0) {
		switch (type) {
		case RTA_DST: r = get_u32(d, n, &x.dst); break;
		case RTA_GATEWAY: r = get_u32(d, n, &x.gateway); break;
		case RTA_OIF: r = get_u32(d, n, &oif); break;
		case RTA_PREFSRC: r = get_u32(d, n, &x.prefsrc); break;
		case RTA_PRIORITY: r = get_u32(d, n, &x.metric); break;
		case RTA_TABLE: r = get_u32(d, n, &x.table); break;
		default: r = 0; break;
		}
		if (r < 0)
			return r;
	}
	if (r < 0 || rtm.rtm_dst_len > 32 || oif > INT_MAX)
		return -EBADMSG;
	x.ifindex = (int)oif;
	x.prefix = rtm.rtm_dst_len;
	x.protocol = rtm.rtm_protocol;
	x.scope = rtm.rtm_scope;
	x.type = rtm.rtm_type;
	*out = x;
	return 0;
}

bool rtnl_link_is_candidate(const struct rtnl_link *l)
{
	return l->type == ARPHRD_ETHER && !(l->flags & IFF_LOOPBACK) && l->addr_len == 6;
}

const struct rtnl_link *rtnl_find_name(const struct rtnl_link *links, int n,
					     const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

const struct rtnl_link *rtnl_find_mac(const struct rtnl_link *links, int n,
					    const uint8_t mac[6])
{
	for (int i = 0; i < n; i++)
		if (links[i].addr_len == 6 && !memcmp(links[i].addr, mac, 6))
			return &links[i];
	return NULL;
}

