/* dhcpc: the DHCP client state machine and its default transport, an AF_PACKET socket.
 *
 * The client holds no state between runs and needs no timers: each wait is a recv with
 * a timeout computed from the transport's clock, and the overall deadline bounds them
 * all. Replies are checked in one place (accept_reply), which logs every packet it
 * drops on one line: at debug level for traffic that is plainly another machine's (in a
 * farm every client sees every broadcast OFFER), at info for a stale reply of ours or a
 * second server's OFFER, at warning for anything malformed or unusable. An OFFER that is
 * usable but flawed (a lease of 0 s, an option dropped as malformed) is set aside, also
 * with one line, and taken only when no flawless one comes before the next DISCOVER. */
#include "dhcpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/array.h"
#include "base/escape.h"
#include "base/hash.h"
#include "base/monoclock.h"
#include "dhcp_frame.h"
#include "dnsname.h"
#include "log.h"

#define FIRST_RTX_MS 1000
#define MAX_RTX_MS 16000
#define JITTER_MS 500
#define REQUEST_TRIES 4
#define NAK_PAUSE_MS 1000
#define RX_MAX 4096
#define DRAIN_MAX 32      /* replies read at once when a set-aside offer is about to be taken */

struct client {
	const struct dhcpc_opts *o;
	struct dhcpc_transport t;
	const char *ifname;
	uint64_t start, deadline;
	uint32_t xid;
	uint16_t secs;              /* of the last DISCOVER: the REQUEST repeats it */
	bool have_aside;            /* aside holds a flawed OFFER of this xid */
	struct dhcp_msg aside;
	uint8_t frame[DHCP_FRAME_HDR + DHCP_BUILD_MAX];
	uint8_t rx[RX_MAX];
};

/* --- the default transport ------------------------------------------------------------ */

struct packet_sock {
	int fd;
	int ifindex;
};

/* Keeps UDP datagrams to port 68 and the first fragment of bigger ones; offsets are
 * from the IPv4 header, which is where a SOCK_DGRAM packet socket's data starts. The
 * client does not reassemble (no server needs more than one frame), but a first
 * fragment still reaches accept_reply so an oversized reply costs one log line; later
 * fragments carry no UDP header to tell their port and are dropped here. */
static int attach_filter(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0), /* fragment offset */
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int sock_open(struct packet_sock *s, int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
	};
	int one = 1;

	/* Protocol 0 receives nothing until bind, so no frame of another interface or
	 * from before the filter can be queued. */
	s->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	s->ifindex = ifindex;
	if (attach_filter(s->fd) < 0)
		log_debug("dhcp: no socket filter (%s); checking every frame", strerror(errno));
	/* Tells which received checksums the NIC has not filled in yet. */
	if (setsockopt(s->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		log_debug("dhcp: no PACKET_AUXDATA (%s)", strerror(errno));
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(s->fd);
		s->fd = -1;
		return e;
	}
	return 0;
}

static int sock_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct packet_sock *s = ctx;
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = s->ifindex,
		.sll_halen = ETH_ALEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};

	if (sendto(s->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int sock_recv(void *ctx, uint8_t *buf, size_t size, int timeout_ms, unsigned *flags)
{
	struct packet_sock *s = ctx;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	struct sockaddr_ll from;
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
	};
	ssize_t n;

	*flags = 0;
	n = poll(&pfd, 1, timeout_ms);
	if (n <= 0)
		return n < 0 && errno != EINTR ? -errno : 0;
	n = recvmsg(s->fd, &mh, MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	/* A packet socket also sees what this host sends. */
	if (from.sll_pkttype == PACKET_OUTGOING)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			*flags |= DHCP_FRAME_NO_UDP_SUM;
	}
	return n > 0x7fffffff ? 0x7fffffff : (int)n;
}

static uint64_t clock_now_ms(void *ctx)
{
	(void)ctx;
	return monoclock_ms();
}

/* Early in boot the pool may not be initialized; GRND_INSECURE (5.6+) still answers.
 * Failing that, the clock: the MAC mixed into the xid keeps machines apart. */
static uint32_t sys_random(void *ctx)
{
	uint32_t v;
	uint64_t ns;

	(void)ctx;
	if (getrandom(&v, sizeof(v), 0x0004 /* GRND_INSECURE */) == sizeof(v) ||
	    getrandom(&v, sizeof(v), GRND_NONBLOCK) == sizeof(v))
		return v;
	ns = monoclock_ns();
	return (uint32_t)ns * 2654435761u ^ (uint32_t)(ns >> 32);
}

/* --- the exchange ---------------------------------------------------------------------- */

static uint64_t now(struct client *c)
{
	return c->t.now_ms(c->t.ctx);
}

/* Interval before retransmission number attempt (0 = after the first send). */
static uint64_t backoff_ms(struct client *c, unsigned attempt)
{
	uint64_t base = attempt >= 4 ? MAX_RTX_MS : (uint64_t)FIRST_RTX_MS << attempt;

	return base - JITTER_MS + c->t.random(c->t.ctx) % (2 * JITTER_MS + 1);
}

static const char *ip_str(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void send_msg(struct client *c, int type, const struct dhcp_msg *offer)
{
	struct dhcp_request rq = {
		.type = type, .xid = c->xid, .secs = c->secs, .hostname = c->o->hostname,
	};
	uint8_t *payload = c->frame + DHCP_FRAME_HDR;
	int n, r;

	memcpy(rq.mac, c->o->mac, 6);
	if (offer) {
		rq.requested_ip = offer->yiaddr;
		rq.server_id = offer->server_id;
	}
	n = dhcp_build(&rq, payload, DHCP_BUILD_MAX);
	if (n >= 0)
		n = dhcp_frame_build(c->frame, sizeof(c->frame), payload, (size_t)n);
	r = n < 0 ? n : c->t.send(c->t.ctx, c->frame, (size_t)n);
	if (r < 0)
		log_warn("dhcp: %s: sending %s failed: %s", c->ifname, dhcp_type_name(type),
			 strerror(-r));
	else
		log_debug("dhcp: %s: sent %s xid 0x%08x secs %u", c->ifname, dhcp_type_name(type),
			  c->xid, c->secs);
}

/* One line per dropped packet; see the top of the file for the levels. */
static void drop(struct client *c, const struct dhcp_frame *f, const struct dhcp_msg *m,
		 int why)
{
	char a[INET_ADDRSTRLEN];
	uint32_t from = m && dhcp_has(m, 54) ? m->server_id : f ? f->src : 0;
	const char *what = m ? dhcp_type_name(m->type) : "packet";
	enum log_level lv = LOG_WARN;

	if (why == DHCP_E_CHADDR || why == DHCP_E_PORT || why == DHCP_E_NOTUDP)
		lv = LOG_DEBUG;
	else if (why == DHCP_E_XID || why == DHCP_E_TYPE)
		lv = LOG_INFO;
	if (f)
		log_msg(lv, "dhcp: %s: %s from %s ignored: %s", c->ifname, what, ip_str(from, a),
			dhcp_strerror(why));
	else
		log_msg(lv, "dhcp: %s: %s ignored: %s", c->ifname, what, dhcp_strerror(why));
}

static const char *option_name(unsigned code)
{
	switch (code) {
	case 1: return "subnet mask";
	case 3: return "routers";
	case 6: return "DNS servers";
	case 12: return "host name";
	case 15: return "domain name";
	case 17: return "root path";
	case 26: return "MTU";
	case 28: return "broadcast address";
	case 42: return "NTP servers";
	case 51: return "lease time";
	case 54: return "server identifier";
	case 66: return "TFTP server";
	case 67: return "boot file";
	default: return "?";
	}
}

/* Names the options dhcp_parse dropped as unusable into out (at least 128 bytes, so
 * the first few always fit; a longer list ends in "..."); false when there are none. */
static bool bad_options(const struct dhcp_msg *m, char *out, size_t size)
{
	static const char tail[] = " unusable (malformed, or longer than allowed)";
	size_t off = 0, room = size - sizeof(tail) - 5; /* 5: ", ..." */
	bool any = false, more = false;

	out[0] = '\0';
	for (unsigned code = 1; code < 255 && !more; code++) {
		if (!dhcp_option_bad(m, (uint8_t)code))
			continue;
		int k = snprintf(out + off, room - off, "%s%u (%s)", any ? ", " : "option ", code,
				 option_name(code));
		if (k < 0 || (size_t)k >= room - off) {
			out[off] = '\0';
			more = true;
		} else {
			off += (size_t)k;
			any = true;
		}
	}
	if (!any && !more)
		return false;
	snprintf(out + off, size - off, "%s%s", more ? ", ..." : "", tail);
	return true;
}

/* An OFFER that passed the checks yet is not quite right: a lease of 0 s (expired as
 * it is given), or options dropped as unusable. Such an offer waits in case a good one
 * comes before the next DISCOVER; then it is taken all the same (settle), so a lone
 * sloppy server still gets the machine booted. Returns true when m was set aside. */
static bool set_aside(struct client *c, const struct dhcp_msg *m)
{
	char why[256], a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	if (dhcp_has(m, 51) && m->lease_time == 0)
		snprintf(why, sizeof(why), "a lease of 0 s");
	else if (!bad_options(m, why, sizeof(why)))
		return false;
	ip_str(m->yiaddr, a);
	ip_str(m->server_id, s);
	if (c->have_aside) {
		log_info("dhcp: %s: DHCPOFFER of %s from %s ignored: %s (another offer is set aside "
			 "already)", c->ifname, a, s, why);
		return true;
	}
	c->aside = *m;
	c->have_aside = true;
	log_warn("dhcp: %s: DHCPOFFER of %s from %s set aside: %s; taken only if no other offer "
		 "comes", c->ifname, a, s, why);
	return true;
}

/* Checks a received datagram of n bytes; true when m is the reply we wait for. A server
 * of 0 accepts any; otherwise the reply must come from that server (a NAK without
 * option 54 is believed). */
static bool accept_reply(struct client *c, int n, unsigned flags, int expect, uint32_t server,
			 struct dhcp_msg *m)
{
	struct dhcp_frame f;
	int r;

	if ((size_t)n > sizeof(c->rx)) {
		drop(c, NULL, NULL, DHCP_E_TOOBIG);
		return false;
	}
	r = dhcp_frame_parse(c->rx, (size_t)n, flags, &f);
	if (r < 0) {
		drop(c, f.src ? &f : NULL, NULL, r);
		return false;
	}
	r = dhcp_parse(f.payload, f.len, m);
	if (r < 0) {
		drop(c, &f, NULL, r);
		return false;
	}
	r = dhcp_check_reply(m, c->xid, c->o->mac, expect);
	if (r == 0 && server && dhcp_has(m, 54) && m->server_id != server)
		r = DHCP_E_SERVER;
	if (r < 0) {
		drop(c, &f, m, r);
		return false;
	}
	return expect != DHCP_OFFER || !set_aside(c, m);
}

/* Receives until a reply passes or `until` (or the deadline) comes. Returns 1 with *m
 * filled, 0 when the time ran out, -errno when the transport failed. */
static int wait_reply(struct client *c, uint64_t until, int expect, uint32_t server,
		      struct dhcp_msg *m)
{
	if (until > c->deadline)
		until = c->deadline;
	for (;;) {
		uint64_t t = now(c);
		unsigned flags = 0;
		int n;

		if (t >= until)
			return 0;
		n = c->t.recv(c->t.ctx, c->rx, sizeof(c->rx),
			      until - t > 0x7fffffff ? 0x7fffffff : (int)(until - t), &flags);
		if (n < 0)
			return n;
		if (n > 0 && accept_reply(c, n, flags, expect, server, m))
			return 1;
	}
}

/* The MAC is mixed in for when the random bits are poor; a new xid never repeats the
 * last one, so replies of the abandoned exchange cannot answer the new one. */
static void new_xid(struct client *c)
{
	uint32_t old = c->xid;

	c->xid = c->t.random(c->t.ctx) ^ (uint32_t)hash_bytes(c->o->mac, 6);
	if (c->xid == old)
		c->xid++;
}

/* The wait for offers is over and one was set aside: reads what is queued already (a
 * good offer may be right behind the flawed one; bounded, so a flood cannot keep us
 * here), and takes the set-aside one if nothing better is there. 1 with *offer, or
 * -errno when the transport failed. */
static int settle(struct client *c, struct dhcp_msg *offer)
{
	char a[INET_ADDRSTRLEN];

	for (int i = 0; i < DRAIN_MAX; i++) {
		unsigned flags = 0;
		int n = c->t.recv(c->t.ctx, c->rx, sizeof(c->rx), 0, &flags);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		if (accept_reply(c, n, flags, DHCP_OFFER, 0, offer))
			return 1;
	}
	*offer = c->aside;
	c->have_aside = false;
	log_warn("dhcp: %s: no better offer came; taking the one of %s set aside", c->ifname,
		 ip_str(offer->yiaddr, a));
	return 1;
}

/* DISCOVER until an OFFER passes; 0 with *offer, or -ETIMEDOUT / -errno. */
static int select_offer(struct client *c, struct dhcp_msg *offer)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	for (unsigned attempt = 0;; attempt++) {
		uint64_t t = now(c);
		int r;

		if (t >= c->deadline)
			return -ETIMEDOUT;
		c->secs = (t - c->start) / 1000 > 0xffff ? 0xffff : (uint16_t)((t - c->start) / 1000);
		send_msg(c, DHCP_DISCOVER, NULL);
		r = wait_reply(c, t + backoff_ms(c, attempt), DHCP_OFFER, 0, offer);
		if (r == 0 && c->have_aside)
			r = settle(c, offer);
		if (r < 0)
			return r;
		if (r > 0)
			break;
	}
	log_info("dhcp: %s: offer of %s from %s", c->ifname, ip_str(offer->yiaddr, a),
		 ip_str(offer->server_id, s));
	return 0;
}

/* REQUEST the offered address. 0 with *ack, 1 to start over after a NAK, 2 to start
 * over after no answer, or -ETIMEDOUT / -errno. */
static int request_lease(struct client *c, const struct dhcp_msg *offer, struct dhcp_msg *ack)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	for (unsigned attempt = 0; attempt < REQUEST_TRIES; attempt++) {
		uint64_t t = now(c);
		int r;

		if (t >= c->deadline)
			return -ETIMEDOUT;
		send_msg(c, DHCP_REQUEST, offer);
		r = wait_reply(c, t + backoff_ms(c, attempt), DHCP_ACK, offer->server_id, ack);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (ack->type == DHCP_ACK) {
			char why[256];

			if (bad_options(ack, why, sizeof(why)))
				log_warn("dhcp: %s: DHCPACK from %s: %s; going on without them", c->ifname,
					 ip_str(offer->server_id, s), why);
			return 0;
		}
		log_warn("dhcp: %s: DHCPNAK from %s for %s; starting over", c->ifname,
			 ip_str(offer->server_id, s), ip_str(offer->yiaddr, a));
		return 1;
	}
	log_warn("dhcp: %s: no DHCPACK from %s after %d requests; starting over", c->ifname,
		 ip_str(offer->server_id, a), REQUEST_TRIES);
	return 2;
}

/* Lets time pass (after a NAK) while dropping whatever arrives for the old xid. */
static int pause_ms(struct client *c, uint64_t ms)
{
	struct dhcp_msg m;
	int r = wait_reply(c, now(c) + ms, -1, 0, &m);

	return r < 0 ? r : 0;
}

/* --- the lease --------------------------------------------------------------------------- */

/* What dhcp_lease_from_ack dropped or had to assume, one line each; names from the
 * server are escaped. */
static void log_notes(struct client *c, const struct dhcp_msg *ack, const struct dhcp_lease *l,
		      int notes)
{
	char esc[ESCAPE_SIZE(DHCP_NAME_MAX)];

	if (notes & DHCP_LEASE_NOTE_NO_MASK)
		log_warn("dhcp: %s: no usable subnet mask; using the class default /%u",
			 c->ifname, l->prefix_len);
	if (notes & DHCP_LEASE_NOTE_LEASE_ZERO)
		log_warn("dhcp: %s: the server gave a lease of 0 s; keeping the address (the real "
			 "system must renew it at once)", c->ifname);
	if (notes & DHCP_LEASE_NOTE_NO_LEASE_TIME)
		log_warn("dhcp: %s: the DHCPACK has no lease time (option 51); written down as "
			 "unknown (empty), not as infinite", c->ifname);
	if (notes & DHCP_LEASE_NOTE_BAD_HOSTNAME)
		log_warn("dhcp: %s: host name (option 12) \"%s\" dropped: not a host name (labels "
			 "of letters, digits, '-', '_', at most %d bytes)", c->ifname,
			 escape_bytes(ack->hostname, ack->hostname_len, esc, sizeof(esc)),
			 DNSNAME_HOST_MAX);
	if (notes & DHCP_LEASE_NOTE_BAD_DOMAIN)
		log_warn("dhcp: %s: domain name (option 15) \"%s\" dropped: not a domain name",
			 c->ifname, escape_bytes(ack->domain, ack->domain_len, esc, sizeof(esc)));
}

static void log_lease(struct client *c, const struct dhcp_msg *ack, const struct dhcp_lease *l,
		      int notes)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	char esc[ESCAPE_SIZE(DHCP_ROOT_PATH_MAX)];

	log_notes(c, ack, l, notes);
	if (l->lease_time_set)
		snprintf(esc, sizeof(esc), "%u s", l->lease_time);
	else
		snprintf(esc, sizeof(esc), "lease time unknown");
	log_info("dhcp: %s: lease %s/%u from %s, gateway %s, %s", c->ifname,
		 ip_str(l->address, a), l->prefix_len, ip_str(l->server_id, s),
		 l->gateway ? ip_str(l->gateway, g) : "none", esc);
	if (l->hostname[0] || l->domain[0]) {
		char d[ESCAPE_SIZE(DHCP_NAME_MAX)];

		log_info("dhcp: %s: host name \"%s\", domain \"%s\"", c->ifname,
			 escape_str(l->hostname, esc, sizeof(esc)), escape_str(l->domain, d, sizeof(d)));
	}
	if (l->tftp_server[0])
		log_debug("dhcp: %s: TFTP server \"%s\"", c->ifname,
			  escape_str(l->tftp_server, esc, sizeof(esc)));
	if (l->root_path[0])
		log_debug("dhcp: %s: root-path \"%s\"", c->ifname,
			  escape_str(l->root_path, esc, sizeof(esc)));
	if (l->bootfile[0])
		log_debug("dhcp: %s: boot file \"%s\"", c->ifname,
			  escape_str(l->bootfile, esc, sizeof(esc)));
}

/* --- the run ---------------------------------------------------------------------------- */

static int exchange(struct client *c, struct dhcp_msg *ack)
{
	struct dhcp_msg offer;
	int r = 0;

	for (;;) {
		new_xid(c);
		c->have_aside = false; /* an offer of the abandoned exchange */
		if (r == 1) {
			r = pause_ms(c, NAK_PAUSE_MS);
			if (r < 0)
				return r;
		}
		r = select_offer(c, &offer);
		if (r < 0)
			return r;
		r = request_lease(c, &offer, ack);
		if (r <= 0)
			return r;
	}
}

static int setup(struct client *c, const struct dhcpc_opts *o, struct packet_sock *ps)
{
	int r;

	if (o->hostname && strlen(o->hostname) > DHCP_NAME_MAX)
		return -ENAMETOOLONG;
	c->o = o;
	c->ifname = o->ifname ? o->ifname : "?";
	if (o->transport) {
		c->t = *o->transport;
		if (!c->t.send || !c->t.recv)
			return -EINVAL;
	} else {
		if (o->ifindex <= 0)
			return -EINVAL;
		r = sock_open(ps, o->ifindex);
		if (r < 0)
			return r;
		c->t = (struct dhcpc_transport){ .ctx = ps, .send = sock_send, .recv = sock_recv };
	}
	if (!c->t.now_ms)
		c->t.now_ms = clock_now_ms;
	if (!c->t.random)
		c->t.random = sys_random;
	c->start = now(c);
	c->deadline = o->timeout_ms ? c->start + o->timeout_ms : UINT64_MAX;
	return 0;
}

int dhcpc_run(const struct dhcpc_opts *o, struct dhcp_lease *out)
{
	struct client c;
	struct packet_sock ps = { .fd = -1 };
	struct dhcp_msg ack;
	int r;

	memset(&c, 0, sizeof(c));
	r = setup(&c, o, &ps);
	if (r < 0) {
		log_warn("dhcp: %s: cannot start: %s", o->ifname ? o->ifname : "?", strerror(-r));
		return r;
	}
	r = exchange(&c, &ack);
	if (ps.fd >= 0)
		close(ps.fd);
	if (r == -ETIMEDOUT)
		log_warn("dhcp: %s: no lease within %u ms", c.ifname, o->timeout_ms);
	else if (r < 0)
		log_warn("dhcp: %s: receiving failed: %s", c.ifname, strerror(-r));
	if (r < 0)
		return r;
	r = dhcp_lease_from_ack(&ack, out);
	out->obtained_ms = now(&c);
	if (o->ifname && strlen(o->ifname) < sizeof(out->ifname))
		memcpy(out->ifname, o->ifname, strlen(o->ifname) + 1);
	log_lease(&c, &ack, out, r);
	return 0;
}
