/* netlink: a small rtnetlink client. See netlink.h. */
#include "netlink.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "base/monoclock.h"
#include "inet4.h"

#define REPLY_TIMEOUT_MS 5000 /* the kernel answers at once; this only bounds a bug */

/* ---- the socket --------------------------------------------------------------------- */

int netlink_open(struct netlink *nl, unsigned groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	nl->fd = -1;
	nl->seq = 0;
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	nl->fd = fd;
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void netlink_close(struct netlink *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* A request being built; aligned so the headers can be written in place. */
struct request {
	struct nlmsghdr h;
	uint8_t room[256];
} __attribute__((aligned(NLMSG_ALIGNTO)));

static void *begin(struct request *q, uint16_t type, uint16_t flags, size_t body)
{
	memset(q, 0, sizeof(*q));
	q->h.nlmsg_len = NLMSG_LENGTH(body);
	q->h.nlmsg_type = type;
	q->h.nlmsg_flags = NLM_F_REQUEST | flags;
	return NLMSG_DATA(&q->h);
}

/* Our requests are small and fixed: running out of room is a bug, -ENOBUFS. */
static int put_attr(struct request *q, unsigned short type, const void *data, size_t n)
{
	size_t off = NLMSG_ALIGN(q->h.nlmsg_len);
	struct rtattr *ra;

	if (off + RTA_SPACE(n) > sizeof(*q))
		return -ENOBUFS;
	ra = (struct rtattr *)((uint8_t *)q + off);
	ra->rta_type = type;
	ra->rta_len = (unsigned short)RTA_LENGTH(n);
	memcpy(RTA_DATA(ra), data, n);
	q->h.nlmsg_len = (uint32_t)(off + RTA_SPACE(n));
	return 0;
}

static int send_request(struct netlink *nl, struct request *q)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	q->h.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, q, q->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* Receives one datagram from the kernel into buf, waiting at most timeout_ms. Returns its
 * length, -ETIMEDOUT, -EMSGSIZE if it did not fit, or -errno. Datagrams from other
 * senders are dropped (0 is returned for them). */
static ssize_t receive(int fd, uint8_t *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sockaddr_nl from = { 0 };
	socklen_t fl = sizeof(from);
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	do
		n = recvfrom(fd, buf, size, MSG_TRUNC, (struct sockaddr *)&from, &fl);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n > size)
		return -EMSGSIZE;
	return from.nl_pid == 0 ? n : 0;
}

/* Sends q and reads the reply (an acknowledgement, or a dump up to NLMSG_DONE), giving
 * each message to fn. */
static int transact(struct netlink *nl, struct request *q, rtnl_msg_fn fn, void *ctx)
{
	static uint8_t buf[NETLINK_BUF]; /* sprout-init talks netlink from one thread */
	int r = send_request(nl, q);

	while (r == 0) {
		ssize_t n = receive(nl->fd, buf, sizeof(buf), REPLY_TIMEOUT_MS);

		if (n < 0)
			return (int)n;
		r = rtnl_walk(buf, (size_t)n, q->h.nlmsg_seq, fn, ctx);
	}
	return r < 0 ? r : 0;
}

static int no_messages(const uint8_t *msg, size_t len, void *ctx)
{
	(void)msg;
	(void)len;
	(void)ctx;
	return 0;
}

/* ---- lists ------------------------------------------------------------------------ */

struct collect {
	void *out;
	int max, n;
	uint32_t table;
};

static int collect_link(const uint8_t *msg, size_t len, void *ctx)
{
	struct collect *c = ctx;
	struct rtnl_link l;

	if (rtnl_parse_link(msg, len, &l) < 0)
		return 0; /* not ours to judge: skip what we cannot read */
	if (c->n == c->max)
		return -ENOBUFS;
	((struct rtnl_link *)c->out)[c->n++] = l;
	return 0;
}

static int collect_addr(const uint8_t *msg, size_t len, void *ctx)
{
	struct collect *c = ctx;
	struct rtnl_addr4 x;

	if (rtnl_parse_addr4(msg, len, &x) < 0)
		return 0;
	if (c->n == c->max)
		return -ENOBUFS;
	((struct rtnl_addr4 *)c->out)[c->n++] = x;
	return 0;
}

static int collect_route(const uint8_t *msg, size_t len, void *ctx)
{
	struct collect *c = ctx;
	struct rtnl_route4 x;

	if (rtnl_parse_route4(msg, len, &x) < 0 || (c->table && x.table != c->table))
		return 0;
	if (c->n == c->max)
		return -ENOBUFS;
	((struct rtnl_route4 *)c->out)[c->n++] = x;
	return 0;
}

/* A dump request of type with a zeroed body of size body whose first byte is family. */
static int dump(struct netlink *nl, uint16_t type, size_t body, uint8_t family,
		rtnl_msg_fn fn, struct collect *c)
{
	struct request q;
	uint8_t *b = begin(&q, type, NLM_F_DUMP, body);
	int r;

	b[0] = family;
	r = transact(nl, &q, fn, c);
	return r < 0 ? r : c->n;
}

int netlink_list_links(struct netlink *nl, struct rtnl_link *out, int max)
{
	struct collect c = { out, max, 0, 0 };

	return dump(nl, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, collect_link, &c);
}

int netlink_list_addrs4(struct netlink *nl, struct rtnl_addr4 *out, int max)
{
	struct collect c = { out, max, 0, 0 };

	return dump(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), AF_INET, collect_addr, &c);
}

int netlink_list_routes4(struct netlink *nl, uint32_t table, struct rtnl_route4 *out, int max)
{
	struct collect c = { out, max, 0, table };

	return dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET, collect_route, &c);
}

/* ---- changes ---------------------------------------------------------------------- */

static int set_link(struct netlink *nl, int ifindex, unsigned flags, unsigned change,
		    const uint32_t *mtu)
{
	struct request q;
	struct ifinfomsg *ifi = begin(&q, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	if (mtu && put_attr(&q, IFLA_MTU, mtu, sizeof(*mtu)) < 0)
		return -ENOBUFS;
	return transact(nl, &q, no_messages, NULL);
}

int netlink_link_up(struct netlink *nl, int ifindex)
{
	return set_link(nl, ifindex, IFF_UP, IFF_UP, NULL);
}

int netlink_set_mtu(struct netlink *nl, int ifindex, unsigned mtu)
{
	uint32_t v = mtu;

	return set_link(nl, ifindex, 0, 0, &v);
}

static int change_addr(struct netlink *nl, uint16_t type, uint16_t flags, int ifindex,
		       uint32_t addr, int prefix, uint32_t broadcast)
{
	struct request q;
	struct ifaddrmsg *ifa = begin(&q, type, NLM_F_ACK | flags, sizeof(*ifa));
	int r;

	if (ifindex <= 0 || prefix < 0 || prefix > 32)
		return -EINVAL;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	r = put_attr(&q, IFA_LOCAL, &addr, sizeof(addr));
	if (r == 0)
		r = put_attr(&q, IFA_ADDRESS, &addr, sizeof(addr));
	if (r == 0 && broadcast)
		r = put_attr(&q, IFA_BROADCAST, &broadcast, sizeof(broadcast));
	return r < 0 ? r : transact(nl, &q, no_messages, NULL);
}

int netlink_add_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix,
		      uint32_t broadcast)
{
	if (!broadcast && prefix >= 0 && prefix <= 30)
		broadcast = addr | ~inet4_prefix_mask(prefix);
	return change_addr(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, prefix,
			   broadcast);
}

int netlink_del_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix)
{
	return change_addr(nl, RTM_DELADDR, 0, ifindex, addr, prefix, 0);
}

int netlink_add_route4(struct netlink *nl, const struct rtnl_route4 *r)
{
	struct request q;
	struct rtmsg *rtm = begin(&q, RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE,
				  sizeof(*rtm));
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN, oif = (uint32_t)r->ifindex;
	int e = 0;

	if (r->prefix < 0 || r->prefix > 32 || r->ifindex < 0)
		return -EINVAL;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)r->prefix;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_BOOT;
	rtm->rtm_scope = r->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->prefix > 0)
		e = put_attr(&q, RTA_DST, &r->dst, sizeof(r->dst));
	if (e == 0 && r->gateway)
		e = put_attr(&q, RTA_GATEWAY, &r->gateway, sizeof(r->gateway));
	if (e == 0 && oif)
		e = put_attr(&q, RTA_OIF, &oif, sizeof(oif));
	if (e == 0 && r->prefsrc)
		e = put_attr(&q, RTA_PREFSRC, &r->prefsrc, sizeof(r->prefsrc));
	if (e == 0 && r->metric)
		e = put_attr(&q, RTA_PRIORITY, &r->metric, sizeof(r->metric));
	if (e == 0)
		e = put_attr(&q, RTA_TABLE, &table, sizeof(table));
	return e < 0 ? e : transact(nl, &q, no_messages, NULL);
}

int netlink_add_default_route(struct netlink *nl, int ifindex, uint32_t gateway, uint32_t addr,
			      int prefix)
{
	uint32_t mask = inet4_prefix_mask(prefix);
	struct rtnl_route4 host = { .ifindex = ifindex, .dst = gateway, .prefix = 32,
				       .prefsrc = addr };
	struct rtnl_route4 def = { .ifindex = ifindex, .gateway = gateway };
	int r;

	if (!gateway || prefix < 0 || prefix > 32)
		return -EINVAL;
	if ((gateway & mask) != (addr & mask) || prefix == 32) {
		r = netlink_add_route4(nl, &host);
		if (r < 0)
			return r;
	}
	return netlink_add_route4(nl, &def);
}

/* ---- carrier ----------------------------------------------------------------------- */

struct carrier_wait {
	const int *ifindex;
	int n;
	int found; /* the ifindex with carrier, 0 while none */
};

static int carrier_seen(const uint8_t *msg, size_t len, void *ctx)
{
	struct carrier_wait *w = ctx;
	struct rtnl_link l;

	if (w->found || rtnl_parse_link(msg, len, &l) < 0 || !l.carrier)
		return 0;
	for (int i = 0; i < w->n; i++)
		if (w->ifindex[i] == l.ifindex)
			w->found = l.ifindex;
	return 0;
}

/* Asks for the state of every link; the answer arrives among the events. */
static int request_links(struct netlink *nl)
{
	struct request q;
	uint8_t *b = begin(&q, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));

	b[0] = AF_UNSPEC;
	return send_request(nl, &q);
}

int netlink_wait_carrier(const int *ifindex, int n, int timeout_ms)
{
	static uint8_t buf[NETLINK_BUF];
	struct carrier_wait w = { ifindex, n, 0 };
	long long deadline = (long long)monoclock_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct netlink nl;
	int r;

	if (n <= 0)
		return -EINVAL;
	/* Join the group first, then read the state: a change between the two shows up as
	 * an event, so none is missed. */
	r = netlink_open(&nl, RTMGRP_LINK);
	if (r == 0)
		r = request_links(&nl);
	while (r == 0 && !w.found) {
		long long left = deadline - (long long)monoclock_ms();
		ssize_t k;

		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		k = receive(nl.fd, buf, sizeof(buf), (int)left);
		if (k == -ENOBUFS) /* events were lost: read the state again */
			r = request_links(&nl);
		else if (k < 0)
			r = (int)k;
		else if ((r = rtnl_walk(buf, (size_t)k, 0, carrier_seen, &w)) > 0)
			r = 0; /* the end of our dump; events go on */
	}
	netlink_close(&nl);
	return w.found ? w.found : r;
}
