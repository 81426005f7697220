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

#include "ipcfg.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* in linux/if.h, which clashes with glibc's net/if.h */
#endif

#define REPLY_TIMEOUT_MS 5000 /* the kernel answers at once; this only bounds a bug */

/* ---- pure parsing ----------------------------------------------------------------- */

int netlink_walk(const uint8_t *buf, size_t len, uint32_t seq, netlink_msg_fn fn, void *ctx)
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

static int link_attr(struct netlink_link *l, unsigned type, const uint8_t *d, size_t n,
		     int *carrier)
{
	size_t len;

	switch (type) {
	case IFLA_IFNAME:
		len = n ? strnlen((const char *)d, n) : n;
		if (len == n || len >= NETLINK_NAME_MAX) /* empty payload, no NUL, too long */
			return -EBADMSG;
		memcpy(l->name, d, len + 1);
		return 0;
	case IFLA_ADDRESS:
		if (n > NETLINK_HWADDR_MAX)
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

int netlink_parse_link(const uint8_t *msg, size_t len, struct netlink_link *out)
{
	struct netlink_link l = { 0 };
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

int netlink_parse_addr4(const uint8_t *msg, size_t len, struct netlink_addr4 *out)
{
	struct netlink_addr4 x = { 0 };
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

int netlink_parse_route4(const uint8_t *msg, size_t len, struct netlink_route4 *out)
{
	struct netlink_route4 x = { 0 };
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

bool netlink_link_is_candidate(const struct netlink_link *l)
{
	return l->type == ARPHRD_ETHER && !(l->flags & IFF_LOOPBACK) && l->addr_len == 6;
}

const struct netlink_link *netlink_find_name(const struct netlink_link *links, int n,
					     const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

const struct netlink_link *netlink_find_mac(const struct netlink_link *links, int n,
					    const uint8_t mac[6])
{
	for (int i = 0; i < n; i++)
		if (links[i].addr_len == 6 && !memcmp(links[i].addr, mac, 6))
			return &links[i];
	return NULL;
}

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
static int transact(struct netlink *nl, struct request *q, netlink_msg_fn fn, void *ctx)
{
	static uint8_t buf[NETLINK_BUF]; /* sprout-init talks netlink from one thread */
	int r = send_request(nl, q);

	while (r == 0) {
		ssize_t n = receive(nl->fd, buf, sizeof(buf), REPLY_TIMEOUT_MS);

		if (n < 0)
			return (int)n;
		r = netlink_walk(buf, (size_t)n, q->h.nlmsg_seq, fn, ctx);
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
	struct netlink_link l;

	if (netlink_parse_link(msg, len, &l) < 0)
		return 0; /* not ours to judge: skip what we cannot read */
	if (c->n == c->max)
		return -ENOBUFS;
	((struct netlink_link *)c->out)[c->n++] = l;
	return 0;
}

static int collect_addr(const uint8_t *msg, size_t len, void *ctx)
{
	struct collect *c = ctx;
	struct netlink_addr4 x;

	if (netlink_parse_addr4(msg, len, &x) < 0)
		return 0;
	if (c->n == c->max)
		return -ENOBUFS;
	((struct netlink_addr4 *)c->out)[c->n++] = x;
	return 0;
}

static int collect_route(const uint8_t *msg, size_t len, void *ctx)
{
	struct collect *c = ctx;
	struct netlink_route4 x;

	if (netlink_parse_route4(msg, len, &x) < 0 || (c->table && x.table != c->table))
		return 0;
	if (c->n == c->max)
		return -ENOBUFS;
	((struct netlink_route4 *)c->out)[c->n++] = x;
	return 0;
}

/* A dump request of type with a zeroed body of size body whose first byte is family. */
static int dump(struct netlink *nl, uint16_t type, size_t body, uint8_t family,
		netlink_msg_fn fn, struct collect *c)
{
	struct request q;
	uint8_t *b = begin(&q, type, NLM_F_DUMP, body);
	int r;

	b[0] = family;
	r = transact(nl, &q, fn, c);
	return r < 0 ? r : c->n;
}

int netlink_list_links(struct netlink *nl, struct netlink_link *out, int max)
{
	struct collect c = { out, max, 0, 0 };

	return dump(nl, RTM_GETLINK, sizeof(struct ifinfomsg), AF_UNSPEC, collect_link, &c);
}

int netlink_list_addrs4(struct netlink *nl, struct netlink_addr4 *out, int max)
{
	struct collect c = { out, max, 0, 0 };

	return dump(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), AF_INET, collect_addr, &c);
}

int netlink_list_routes4(struct netlink *nl, uint32_t table, struct netlink_route4 *out, int max)
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
		broadcast = addr | ~ipcfg_prefix_mask(prefix);
	return change_addr(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, addr, prefix,
			   broadcast);
}

int netlink_del_addr4(struct netlink *nl, int ifindex, uint32_t addr, int prefix)
{
	return change_addr(nl, RTM_DELADDR, 0, ifindex, addr, prefix, 0);
}

int netlink_add_route4(struct netlink *nl, const struct netlink_route4 *r)
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
	uint32_t mask = ipcfg_prefix_mask(prefix);
	struct netlink_route4 host = { .ifindex = ifindex, .dst = gateway, .prefix = 32,
				       .prefsrc = addr };
	struct netlink_route4 def = { .ifindex = ifindex, .gateway = gateway };
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
	struct netlink_link l;

	if (w->found || netlink_parse_link(msg, len, &l) < 0 || !l.carrier)
		return 0;
	for (int i = 0; i < w->n; i++)
		if (w->ifindex[i] == l.ifindex)
			w->found = l.ifindex;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
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
		long long left = deadline - now_ms();
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
		else if ((r = netlink_walk(buf, (size_t)k, 0, carrier_seen, &w)) > 0)
			r = 0; /* the end of our dump; events go on */
	}
	netlink_close(&nl);
	return w.found ? w.found : r;
}
