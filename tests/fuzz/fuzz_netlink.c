/* libFuzzer target for the rtnetlink reply parsers (src/lib/rtnl_parse.c): the input is one datagram as the
 * kernel would send it. It is walked as a reply (sequence number from the first header)
 * and as events (every message), and every message is given to the link, address and
 * route parsers, whose results must hold their invariants. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "rtnl_parse.h"

static void must(int cond)
{
	if (!cond)
		abort();
}

static int each(const uint8_t *msg, size_t len, void *ctx)
{
	struct rtnl_link l;
	struct rtnl_addr4 a;
	struct rtnl_route4 r;
	int *count = ctx, e;

	must(len >= sizeof(struct nlmsghdr));
	e = rtnl_parse_link(msg, len, &l);
	must(e == 0 || e == -ENOENT || e == -EBADMSG);
	if (e == 0) {
		must(l.ifindex > 0 && l.name[0] && strlen(l.name) < RTNL_NAME_MAX);
		must(l.addr_len <= RTNL_HWADDR_MAX);
		must(!l.carrier || (l.flags & 1)); /* IFF_UP */
		(void)rtnl_link_is_candidate(&l);
		must(rtnl_find_name(&l, 1, l.name) == &l);
	}
	e = rtnl_parse_addr4(msg, len, &a);
	must(e == 0 || e == -ENOENT || e == -EBADMSG);
	if (e == 0)
		must(a.ifindex > 0 && a.prefix >= 0 && a.prefix <= 32);
	e = rtnl_parse_route4(msg, len, &r);
	must(e == 0 || e == -ENOENT || e == -EBADMSG);
	if (e == 0)
		must(r.ifindex >= 0 && r.prefix >= 0 && r.prefix <= 32);
	++*count;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr h;
	uint32_t seq = 0;
	int all = 0, some = 0, r;

	if (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
		seq = h.nlmsg_seq;
	}
	r = rtnl_walk(data, size, 0, each, &all);
	must(r <= 1 && r > -4096);
	r = rtnl_walk(data, size, seq ? seq : 1, each, &some);
	must(r <= 1 && r > -4096);
	must(all <= (int)(size / sizeof(h)) && some <= (int)(size / sizeof(h)));
	return 0;
}
