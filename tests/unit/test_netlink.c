/* Unit tests for netlink: the parsers over hand-built messages (good, truncated, lying
 * lengths), and, when run as root, the real thing in a network namespace of its own: a
 * veth pair made there, set up, given an address and routes, waited on for carrier. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

#include "netlink.h"

/* ---- building messages ------------------------------------------------------------ */

struct mb {
	uint8_t buf[2048];
	size_t len, start;
};

static void mb_begin(struct mb *m, uint16_t type, uint32_t seq, const void *body, size_t n)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_seq = seq };

	m->len = NLMSG_ALIGN(m->len);
	m->start = m->len;
	memcpy(m->buf + m->len, &h, sizeof(h));
	m->len += NLMSG_HDRLEN;
	memcpy(m->buf + m->len, body, n);
	m->len += NLMSG_ALIGN(n);
}

static void mb_attr(struct mb *m, uint16_t type, const void *data, size_t n)
{
	struct rtattr ra = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };

	memcpy(m->buf + m->len, &ra, sizeof(ra));
	memcpy(m->buf + m->len + RTA_LENGTH(0), data, n);
	m->len += RTA_SPACE(n);
}

static size_t mb_end(struct mb *m)
{
	uint32_t len = (uint32_t)(m->len - m->start);

	memcpy(m->buf + m->start, &len, sizeof(len));
	return len;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static size_t make_link(struct mb *m, int index, unsigned flags, const char *name, int carrier)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = ARPHRD_ETHER,
				 .ifi_index = index, .ifi_flags = flags };
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint32_t mtu = 1500;
	uint8_t c = (uint8_t)carrier;

	mb_begin(m, RTM_NEWLINK, 7, &ifi, sizeof(ifi));
	mb_attr(m, IFLA_ADDRESS, mac, sizeof(mac));
	mb_attr(m, IFLA_MTU, &mtu, sizeof(mtu));
	if (name)
		mb_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	if (carrier >= 0)
		mb_attr(m, IFLA_CARRIER, &c, 1);
	return mb_end(m);
}

/* ---- pure parsers --------------------------------------------------------------------- */

static void test_parse_link(void **state)
{
	struct rtnl_link l;
	struct mb m = { 0 };
	size_t n = make_link(&m, 3, IFF_UP | IFF_BROADCAST, "enp1s0", 1);

	(void)state;
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), 0);
	assert_int_equal(l.ifindex, 3);
	assert_string_equal(l.name, "enp1s0");
	assert_int_equal(l.type, ARPHRD_ETHER);
	assert_int_equal(l.mtu, 1500);
	assert_int_equal(l.addr_len, 6);
	assert_int_equal(l.addr[5], 0x56);
	assert_true(l.carrier);
	assert_true(rtnl_link_is_candidate(&l));
	/* Every truncation is refused, never read past. */
	for (size_t k = 0; k < n; k++) {
		uint8_t *copy = malloc(k ? k : 1);

		memcpy(copy, m.buf, k);
		assert_int_equal(rtnl_parse_link(copy, k, &l), -EBADMSG);
		free(copy);
	}
	/* Carrier: IFLA_CARRIER when present, else IFF_LOWER_UP; never while down. */
	m = (struct mb){ 0 };
	n = make_link(&m, 3, IFF_UP, "e", 0);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), 0);
	assert_false(l.carrier);
	m = (struct mb){ 0 };
	n = make_link(&m, 3, 0, "e", 1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), 0);
	assert_false(l.carrier);
	m = (struct mb){ 0 };
	n = make_link(&m, 3, IFF_UP | 0x10000, "e", -1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), 0);
	assert_true(l.carrier);
	m = (struct mb){ 0 };
	n = make_link(&m, 3, IFF_UP, "e", -1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), 0);
	assert_false(l.carrier);
}

static void test_parse_link_bad(void **state)
{
	struct ifinfomsg ifi = { .ifi_index = 2 };
	struct rtnl_link l;
	struct mb m = { 0 };
	size_t n;

	(void)state;
	/* no name */
	n = make_link(&m, 2, 0, NULL, -1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -EBADMSG);
	/* index 0 */
	m = (struct mb){ 0 };
	n = make_link(&m, 0, 0, "x", -1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -EBADMSG);
	/* a name of 16 bytes, and one without its NUL */
	m = (struct mb){ 0 };
	n = make_link(&m, 2, 0, "abcdefghijklmnop", -1);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -EBADMSG);
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWLINK, 1, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_IFNAME, "eth0", 4);
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -EBADMSG);
	/* a hardware address longer than MAX_ADDR_LEN */
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWLINK, 1, &ifi, sizeof(ifi));
	mb_attr(&m, IFLA_IFNAME, "eth0", 5);
	mb_attr(&m, IFLA_ADDRESS, m.buf, 33);
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -EBADMSG);
	/* an attribute whose length runs past the message; one shorter than its header */
	m = (struct mb){ 0 };
	n = make_link(&m, 2, 0, "eth0", -1);
	n -= RTA_SPACE(5); /* where the name attribute ("eth0" and its NUL) starts */
	m.buf[n] = 0xff;   /* its rta_len */
	assert_int_equal(rtnl_parse_link(m.buf, n + RTA_SPACE(5), &l), -EBADMSG);
	m.buf[n] = 2;
	assert_int_equal(rtnl_parse_link(m.buf, n + RTA_SPACE(5), &l), -EBADMSG);
	m.buf[n] = RTA_LENGTH(5);
	assert_int_equal(rtnl_parse_link(m.buf, n + RTA_SPACE(5), &l), 0);
	/* nlmsg_len larger than the buffer, and another message type */
	m = (struct mb){ 0 };
	n = make_link(&m, 2, 0, "eth0", -1);
	assert_int_equal(rtnl_parse_link(m.buf, n - 1, &l), -EBADMSG);
	m.buf[4] = RTM_DELLINK;
	assert_int_equal(rtnl_parse_link(m.buf, n, &l), -ENOENT);
}

static void test_parse_addr_route(void **state)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = 4 };
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 0, .rtm_table = RT_TABLE_MAIN,
			     .rtm_protocol = RTPROT_BOOT, .rtm_type = RTN_UNICAST };
	uint32_t a = ip("10.9.8.7"), b = ip("10.9.8.255"), g = ip("10.9.8.1"), oif = 4, big = 300;
	struct rtnl_addr4 x;
	struct rtnl_route4 r;
	struct mb m = { 0 };
	size_t n;

	(void)state;
	mb_begin(&m, RTM_NEWADDR, 1, &ifa, sizeof(ifa));
	mb_attr(&m, IFA_ADDRESS, &a, 4);
	mb_attr(&m, IFA_LOCAL, &a, 4);
	mb_attr(&m, IFA_BROADCAST, &b, 4);
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), 0);
	assert_int_equal(x.ifindex, 4);
	assert_int_equal(x.prefix, 24);
	assert_int_equal(x.addr, a);
	assert_int_equal(x.broadcast, b);
	ifa.ifa_family = AF_INET6;
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWADDR, 1, &ifa, sizeof(ifa));
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), -ENOENT);
	ifa.ifa_family = AF_INET;
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWADDR, 1, &ifa, sizeof(ifa));
	mb_attr(&m, IFA_LOCAL, &a, 2); /* a short address */
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), -EBADMSG);
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWADDR, 1, &ifa, sizeof(ifa)); /* no address at all */
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), -EBADMSG);
	ifa.ifa_index = 0x89000001u; /* not an int: found by fuzz_netlink */
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWADDR, 1, &ifa, sizeof(ifa));
	mb_attr(&m, IFA_LOCAL, &a, 4);
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), -EBADMSG);
	ifa.ifa_index = 4;

	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWROUTE, 1, &rtm, sizeof(rtm));
	mb_attr(&m, RTA_GATEWAY, &g, 4);
	mb_attr(&m, RTA_OIF, &oif, 4);
	mb_attr(&m, RTA_TABLE, &big, 4);
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_route4(m.buf, n, &r), 0);
	assert_int_equal(r.prefix, 0);
	assert_int_equal(r.gateway, g);
	assert_int_equal(r.ifindex, 4);
	assert_int_equal(r.table, 300); /* RTA_TABLE beats the 8-bit rtm_table */
	assert_int_equal(r.protocol, RTPROT_BOOT);
	rtm.rtm_dst_len = 33;
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_NEWROUTE, 1, &rtm, sizeof(rtm));
	n = mb_end(&m);
	assert_int_equal(rtnl_parse_route4(m.buf, n, &r), -EBADMSG);
	assert_int_equal(rtnl_parse_addr4(m.buf, n, &x), -ENOENT);
}

struct count {
	int n;
	uint32_t last_type;
};

static int count_msg(const uint8_t *msg, size_t len, void *ctx)
{
	struct count *c = ctx;
	struct nlmsghdr h;

	assert_true(len >= sizeof(h));
	memcpy(&h, msg, sizeof(h));
	assert_int_equal(h.nlmsg_len, len);
	c->n++;
	c->last_type = h.nlmsg_type;
	return h.nlmsg_type == RTM_DELLINK ? -EINTR : 0;
}

static void test_walk(void **state)
{
	struct mb m = { 0 };
	struct count c = { 0 };
	int err = -ENODEV, zero = 0;
	size_t full;

	(void)state;
	make_link(&m, 1, 0, "a", -1);
	make_link(&m, 2, 0, "b", -1);
	/* a message of another request (sequence 9) is skipped */
	mb_begin(&m, RTM_NEWLINK, 9, &zero, sizeof(zero));
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 7, count_msg, &c), 0);
	assert_int_equal(c.n, 2);
	c.n = 0;
	assert_int_equal(rtnl_walk(m.buf, m.len, 0, count_msg, &c), 0);
	assert_int_equal(c.n, 3);
	/* DONE ends the reply: what follows is not read */
	mb_begin(&m, NLMSG_DONE, 7, &zero, sizeof(zero));
	mb_end(&m);
	full = m.len;
	make_link(&m, 3, 0, "c", -1);
	c.n = 0;
	assert_int_equal(rtnl_walk(m.buf, m.len, 7, count_msg, &c), 1);
	assert_int_equal(c.n, 2);
	/* a lying length in the middle */
	m.buf[full] = 0xff;
	c.n = 0;
	assert_int_equal(rtnl_walk(m.buf, full + 40, 0, count_msg, &c), 1);
	/* errors and acknowledgements */
	m = (struct mb){ 0 };
	mb_begin(&m, NLMSG_ERROR, 5, &err, sizeof(err));
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), -ENODEV);
	assert_int_equal(rtnl_walk(m.buf, m.len, 6, count_msg, &c), 0);
	m = (struct mb){ 0 };
	mb_begin(&m, NLMSG_ERROR, 5, &zero, sizeof(zero));
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), 1);
	err = 5; /* a positive "error" is not an errno */
	m = (struct mb){ 0 };
	mb_begin(&m, NLMSG_ERROR, 5, &err, sizeof(err));
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), -EPROTO);
	m = (struct mb){ 0 };
	mb_begin(&m, NLMSG_ERROR, 5, &err, 0); /* too short to hold the error */
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), -EBADMSG);
	/* the callback stops the walk */
	m = (struct mb){ 0 };
	mb_begin(&m, RTM_DELLINK, 5, &zero, sizeof(zero));
	mb_end(&m);
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), -EINTR);
	/* a header length below the header size, and a buffer too short for a header */
	m.buf[0] = 8;
	m.buf[1] = m.buf[2] = m.buf[3] = 0;
	assert_int_equal(rtnl_walk(m.buf, m.len, 5, count_msg, &c), -EBADMSG);
	assert_int_equal(rtnl_walk(m.buf, 15, 5, count_msg, &c), 0);
}

static void test_find(void **state)
{
	struct rtnl_link links[3] = {
		{ .ifindex = 1, .name = "lo", .type = ARPHRD_LOOPBACK, .flags = IFF_LOOPBACK, .addr_len = 6 },
		{ .ifindex = 2, .name = "eth0", .type = ARPHRD_ETHER, .addr_len = 6,
		  .addr = { 0x52, 0x54, 0, 1, 2, 3 } },
		{ .ifindex = 3, .name = "ib0", .type = ARPHRD_INFINIBAND, .addr_len = 20 },
	};
	const uint8_t mac[6] = { 0x52, 0x54, 0, 1, 2, 3 }, other[6] = { 0x52, 0x54, 0, 1, 2, 4 };

	(void)state;
	assert_false(rtnl_link_is_candidate(&links[0]));
	assert_true(rtnl_link_is_candidate(&links[1]));
	assert_false(rtnl_link_is_candidate(&links[2]));
	assert_ptr_equal(rtnl_find_name(links, 3, "eth0"), &links[1]);
	assert_null(rtnl_find_name(links, 3, "eth1"));
	assert_ptr_equal(rtnl_find_mac(links, 3, mac), &links[1]);
	assert_null(rtnl_find_mac(links, 3, other));
	assert_null(rtnl_find_mac(links, 0, mac));
}

/* ---- the real thing, in a namespace of our own ----------------------------------------- */

#define SKIP 77
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "test_netlink line %d: ", __LINE__);    \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			_exit(1);                                               \
		}                                                               \
	} while (0)

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct rtnl_link *must_find(struct netlink *nl, struct rtnl_link *links,
					    const char *name)
{
	int n = netlink_list_links(nl, links, NETLINK_MAX_LINKS);
	const struct rtnl_link *l;

	CHECK(n > 0, "list links: %d", n);
	l = rtnl_find_name(links, n, name);
	CHECK(l, "no link %s among %d", name, n);
	return l;
}

static void check_links(struct netlink *nl, int *v0, int *v1)
{
	static struct rtnl_link links[NETLINK_MAX_LINKS];
	const struct rtnl_link *l;
	struct ifreq ifr = { 0 };
	int n, s;

	n = netlink_list_links(nl, links, NETLINK_MAX_LINKS);
	CHECK(n == 1 && !strcmp(links[0].name, "lo"), "a new namespace has lo only: %d", n);
	CHECK(links[0].type == ARPHRD_LOOPBACK && !rtnl_link_is_candidate(&links[0]), "lo");
	if (system("ip link add sv0 type veth peer name sv1 2>/dev/null") != 0)
		_exit(SKIP);
	n = netlink_list_links(nl, links, NETLINK_MAX_LINKS);
	CHECK(n == 3, "3 links after adding a veth pair, got %d", n);
	CHECK(netlink_list_links(nl, links, 2) == -ENOBUFS, "a short list is an error");
	l = must_find(nl, links, "sv0");
	CHECK(rtnl_link_is_candidate(l) && !l->carrier && l->mtu == 1500, "sv0 as made");
	/* The MAC we parsed is the one the kernel reports by ioctl. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "sv0");
	CHECK(s >= 0 && ioctl(s, SIOCGIFHWADDR, &ifr) == 0, "SIOCGIFHWADDR");
	CHECK(!memcmp(ifr.ifr_hwaddr.sa_data, l->addr, 6), "sv0's MAC");
	close(s);
	*v0 = l->ifindex;
	*v1 = must_find(nl, links, "sv1")->ifindex;

	CHECK(netlink_set_mtu(nl, *v0, 1400) == 0, "set mtu");
	CHECK(must_find(nl, links, "sv0")->mtu == 1400, "mtu now 1400");
	CHECK(netlink_set_mtu(nl, *v0, 10) == -EINVAL, "an MTU of 10 is refused");
	CHECK(netlink_link_up(nl, 99999) == -ENODEV, "no link 99999");
	CHECK(netlink_link_up(nl, *v0) == 0, "sv0 up");
	l = must_find(nl, links, "sv0");
	CHECK((l->flags & IFF_UP) && !l->carrier, "sv0 up without carrier while sv1 is down");
}

static void check_carrier(struct netlink *nl, int v0, int v1)
{
	int both[2] = { 99999, v0 };
	long long t = ms_now();
	pid_t pid;
	int r, st;

	r = netlink_wait_carrier(&v0, 1, 300);
	t = ms_now() - t;
	CHECK(r == -ETIMEDOUT && t >= 290 && t < 2000, "no carrier: %d after %lld ms", r, t);
	/* The peer comes up 200 ms from now, in another process: the event wakes us. */
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct netlink other;

		usleep(200 * 1000);
		_exit(netlink_open(&other, 0) == 0 && netlink_link_up(&other, v1) == 0 ? 0 : 1);
	}
	t = ms_now();
	r = netlink_wait_carrier(both, 2, 5000);
	t = ms_now() - t;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "peer up");
	CHECK(r == v0 && t >= 150 && t < 3000, "carrier: %d after %lld ms", r, t);
	t = ms_now();
	r = netlink_wait_carrier(&v0, 1, 5000);
	CHECK(r == v0 && ms_now() - t < 1000, "carrier already there: %d", r);
	(void)nl;
}

static const struct rtnl_route4 *find_route(const struct rtnl_route4 *r, int n,
					       uint32_t dst, int prefix)
{
	for (int i = 0; i < n; i++)
		if (r[i].dst == dst && r[i].prefix == prefix)
			return &r[i];
	return NULL;
}

static void check_addresses_and_routes(struct netlink *nl, int v0)
{
	static struct rtnl_addr4 addrs[NETLINK_MAX_ADDRS];
	static struct rtnl_route4 routes[NETLINK_MAX_ROUTES];
	struct rtnl_route4 def = { .ifindex = v0, .gateway = ip("172.16.0.1") };
	const struct rtnl_route4 *r;
	int n, i;

	CHECK(netlink_add_addr4(nl, v0, ip("10.9.8.7"), 24, 0) == 0, "add address");
	CHECK(netlink_add_addr4(nl, v0, ip("10.9.8.7"), 24, 0) == 0, "add it again (replace)");
	n = netlink_list_addrs4(nl, addrs, NETLINK_MAX_ADDRS);
	for (i = 0; i < n && !(addrs[i].ifindex == v0 && addrs[i].addr == ip("10.9.8.7")); i++)
		;
	CHECK(i < n && addrs[i].prefix == 24 && addrs[i].broadcast == ip("10.9.8.255"),
	      "10.9.8.7/24 brd 10.9.8.255 on sv0 (%d addresses)", n);

	CHECK(netlink_add_default_route(nl, v0, ip("10.9.8.1"), ip("10.9.8.7"), 24) == 0, "default");
	n = netlink_list_routes4(nl, RT_TABLE_MAIN, routes, NETLINK_MAX_ROUTES);
	r = find_route(routes, n, 0, 0);
	CHECK(r && r->gateway == ip("10.9.8.1") && r->ifindex == v0 && r->protocol == RTPROT_BOOT,
	      "default via 10.9.8.1 dev sv0 proto boot (%d routes)", n);
	CHECK(!find_route(routes, n, ip("10.9.8.1"), 32), "no host route for an on-subnet gateway");
	CHECK(find_route(routes, n, ip("10.9.8.0"), 24), "the subnet's own route");

	/* A gateway outside the subnet: refused alone, accepted with the host route. */
	CHECK(netlink_add_route4(nl, &def) == -ENETUNREACH, "off-subnet gateway alone");
	CHECK(netlink_add_default_route(nl, v0, ip("172.16.0.1"), ip("10.9.8.7"), 24) == 0,
	      "off-subnet gateway with its host route");
	n = netlink_list_routes4(nl, RT_TABLE_MAIN, routes, NETLINK_MAX_ROUTES);
	r = find_route(routes, n, 0, 0);
	CHECK(r && r->gateway == ip("172.16.0.1"), "default replaced, via 172.16.0.1");
	r = find_route(routes, n, ip("172.16.0.1"), 32);
	CHECK(r && r->gateway == 0 && r->scope == RT_SCOPE_LINK && r->prefsrc == ip("10.9.8.7"),
	      "on-link host route to the gateway");
	CHECK(netlink_list_routes4(nl, 0, routes, NETLINK_MAX_ROUTES) > n, "all tables: local too");

	CHECK(netlink_del_addr4(nl, v0, ip("10.9.8.7"), 24) == 0, "delete address");
	CHECK(netlink_del_addr4(nl, v0, ip("10.9.8.7"), 24) == -EADDRNOTAVAIL, "delete it again");
	n = netlink_list_addrs4(nl, addrs, NETLINK_MAX_ADDRS);
	for (i = 0; i < n; i++)
		CHECK(addrs[i].addr != ip("10.9.8.7"), "address gone");
}

static void in_namespace(void)
{
	struct netlink nl;
	int v0, v1;

	if (unshare(CLONE_NEWNET) < 0)
		_exit(SKIP);
	CHECK(netlink_open(&nl, 0) == 0, "open");
	check_links(&nl, &v0, &v1);
	check_carrier(&nl, v0, v1);
	check_addresses_and_routes(&nl, v0);
	netlink_close(&nl);
	netlink_close(&nl);
	_exit(0);
}

static void test_namespace(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		in_namespace();
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == SKIP) {
		skip();
		return;
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_parse_link_bad),
		cmocka_unit_test(test_parse_addr_route),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
