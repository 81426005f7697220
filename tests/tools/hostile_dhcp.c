/* hostile_dhcp: a DHCP server for the end-to-end tests that misbehaves on purpose.
 *
 *   hostile_dhcp IFACE SERVER_IP OFFER_IP ROOT_PATH [SECONDS]
 *
 * Runs inside a test's network namespace, on the bridge IFACE whose address is
 * SERVER_IP. The first DISCOVER is answered with every bad OFFER of the list below, a
 * few milliseconds apart, then with the good OFFER of OFFER_IP (root-path ROOT_PATH,
 * lease 3600 s). The whole burst goes at once rather than one scenario per DISCOVER:
 * a client's retransmission interval doubles each time, so one per DISCOVER would
 * outlast any sane DHCP timeout. The first REQUEST for OFFER_IP is answered the same
 * way with bad replies, then the good ACK. Later DISCOVERs and REQUESTs get the good
 * answer only. Every bad packet is built here byte by byte.
 *
 * Each line on stdout says what was sent and what the client should make of it. A
 * REQUEST for any other address (the client fell for a bad offer) is NAKed. The exit
 * status, LINGER_MS after the good ACK went out (time for a repeated REQUEST): 0, or
 * 1 when a bad offer was requested first; 2 on a usage or socket error, 3 when SECONDS
 * (default 120) ran out before the good ACK. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SERVER_PORT 67
#define CLIENT_PORT 68
#define PKT_MAX 24576      /* the 10,000-option OFFER is the biggest */
#define GAP_MS 5           /* between packets of a burst */
#define LINGER_MS 2000
#define LEASE_S 3600
#define OTHER_SERVER "10.255.0.9" /* a server id that is not ours */

struct req {
	uint8_t type;         /* option 53 */
	uint32_t xid;
	uint8_t chaddr[16];
	uint32_t requested;   /* option 50, network order, 0 if absent */
	uint32_t server_id;   /* option 54 */
};

struct ctx {
	int fd;
	uint32_t server, offer, other; /* network order */
	const char *root_path;
	const struct req *rq;
};

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

/* --- building replies ----------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void room(const struct pkt *p, size_t n)
{
	if (PKT_MAX - p->len < n) {
		fprintf(stderr, "hostile-dhcp: internal error: packet over %d bytes\n", PKT_MAX);
		exit(2);
	}
}

/* The fixed BOOTREPLY part and the magic cookie. */
static void header(struct pkt *p, const struct ctx *c, uint32_t yiaddr, uint32_t xid,
		   const uint8_t *chaddr)
{
	memset(p->b, 0, 240);
	p->b[0] = 2;
	p->b[1] = 1;
	p->b[2] = 6;
	put32(p->b + 4, xid);
	p->b[10] = 0x80;
	memcpy(p->b + 16, &yiaddr, 4);
	memcpy(p->b + 20, &c->server, 4);
	memcpy(p->b + 28, chaddr, 6);
	memcpy(p->b + 236, "\x63\x82\x53\x63", 4);
	p->len = 240;
}

static void opt(struct pkt *p, uint8_t code, const void *v, size_t len)
{
	room(p, 2 + len);
	p->b[p->len++] = code;
	p->b[p->len++] = (uint8_t)len;
	memcpy(p->b + p->len, v, len);
	p->len += len;
}

static void opt8(struct pkt *p, uint8_t code, uint8_t v)
{
	opt(p, code, &v, 1);
}

static void opt32(struct pkt *p, uint8_t code, uint32_t host_order)
{
	uint8_t v[4];

	put32(v, host_order);
	opt(p, code, v, 4);
}

/* A string over 255 bytes as several instances of the option (RFC 3396). */
static void opt_long(struct pkt *p, uint8_t code, const char *s, size_t len)
{
	while (len > 0) {
		size_t n = len > 255 ? 255 : len;

		opt(p, code, s, n);
		s += n;
		len -= n;
	}
}

static void end(struct pkt *p)
{
	room(p, 1);
	p->b[p->len++] = 255;
	while (p->len < 300) /* as servers pad to the BOOTP minimum */
		p->b[p->len++] = 0;
}

/* A well-formed reply's options, after the message type. */
static void lease_opts(struct pkt *p, const struct ctx *c, uint32_t lease, const char *root_path,
		       size_t root_len)
{
	opt(p, 54, &c->server, 4);
	opt32(p, 51, lease);
	opt32(p, 1, 0xffffff00u);
	opt(p, 3, &c->server, 4);
	if (root_path)
		opt_long(p, 17, root_path, root_len);
}

static uint32_t offset_addr(uint32_t a, unsigned k)
{
	return htonl(ntohl(a) + k);
}

static void set_yiaddr(struct pkt *p, uint32_t a)
{
	memcpy(p->b + 16, &a, 4);
}

/* A root-path of len bytes (no NUL: it is an option value) naming some server. */
static void fill_path(char *path, size_t len)
{
	static const char head[] = "10.255.0.2:/";

	memset(path, 'r', len);
	memcpy(path, head, sizeof(head) - 1);
}

/* --- the scenarios -------------------------------------------------------------------- */

typedef void (*build_fn)(struct pkt *p, const struct ctx *c);

struct scenario {
	const char *name;
	const char *expect;  /* what the client should do, for the log */
	build_fn build;
};

static void good_offer(struct pkt *p, const struct ctx *c)
{
	header(p, c, c->offer, c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	lease_opts(p, c, LEASE_S, c->root_path, strlen(c->root_path));
	end(p);
}

static void good_ack(struct pkt *p, const struct ctx *c)
{
	good_offer(p, c);
	p->b[242] = 5;
}

static void truncated(struct pkt *p, const struct ctx *c)
{
	good_offer(p, c);
	p->len = 100; /* not even the fixed part */
}

static void optlen_past_end(struct pkt *p, const struct ctx *c)
{
	header(p, c, offset_addr(c->offer, 1), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	opt(p, 54, &c->server, 4);
	room(p, 22);
	p->b[p->len++] = 17; /* root-path of 200 bytes, of which 20 are there */
	p->b[p->len++] = 200;
	memset(p->b + p->len, 'x', 20);
	p->len += 20;
}

static void many_options(struct pkt *p, const struct ctx *c, unsigned n)
{
	header(p, c, offset_addr(c->offer, 2), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	opt(p, 54, &c->server, 4);
	for (unsigned i = 0; i < n; i++)
		opt(p, (uint8_t)(224 + i % 30), "", 0);
	end(p);
}

/* 20 KB: over any Ethernet frame, so it arrives as IP fragments. */
static void ten_thousand_options(struct pkt *p, const struct ctx *c)
{
	many_options(p, c, 10000);
}

/* Fits one frame, yet holds more options than a client should walk. */
static void six_hundred_options(struct pkt *p, const struct ctx *c)
{
	many_options(p, c, 600);
}

static void no_end(struct pkt *p, const struct ctx *c)
{
	header(p, c, offset_addr(c->offer, 3), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	lease_opts(p, c, LEASE_S, c->root_path, strlen(c->root_path));
}

static void wrong_xid(struct pkt *p, const struct ctx *c)
{
	good_offer(p, c);
	put32(p->b + 4, c->rq->xid ^ 0x5a5a5a5au);
	set_yiaddr(p, offset_addr(c->offer, 4));
}

static void wrong_chaddr(struct pkt *p, const struct ctx *c)
{
	good_offer(p, c);
	p->b[28 + 5] ^= 0xff;
	set_yiaddr(p, offset_addr(c->offer, 5));
}

static void no_address(struct pkt *p, const struct ctx *c)
{
	good_offer(p, c);
	memset(p->b + 16, 0, 4);
}

static void root_path_4k(struct pkt *p, const struct ctx *c)
{
	static char path[4096];

	fill_path(path, sizeof(path));
	header(p, c, offset_addr(c->offer, 6), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	lease_opts(p, c, LEASE_S, path, sizeof(path));
	end(p);
}

/* Over the 1024 bytes a root-path may have, but in one frame. */
static void root_path_1100(struct pkt *p, const struct ctx *c)
{
	char path[1100];

	fill_path(path, sizeof(path));
	header(p, c, offset_addr(c->offer, 7), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	lease_opts(p, c, LEASE_S, path, sizeof(path));
	end(p);
}

static void lease_zero(struct pkt *p, const struct ctx *c)
{
	header(p, c, offset_addr(c->offer, 8), c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 2);
	lease_opts(p, c, 0, c->root_path, strlen(c->root_path));
	end(p);
}

static void nak_other_server(struct pkt *p, const struct ctx *c)
{
	header(p, c, 0, c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 6);
	opt(p, 54, &c->other, 4);
	end(p);
}

static void nak_ours(struct pkt *p, const struct ctx *c)
{
	header(p, c, 0, c->rq->xid, c->rq->chaddr);
	opt8(p, 53, 6);
	opt(p, 54, &c->server, 4);
	end(p);
}

static void ack_loopback(struct pkt *p, const struct ctx *c)
{
	good_ack(p, c);
	set_yiaddr(p, htonl(0x7f000001u));
}

static void bootreply(struct pkt *p, const struct ctx *c)
{
	header(p, c, c->offer, c->rq->xid, c->rq->chaddr);
	opt(p, 54, &c->server, 4); /* no option 53: plain BOOTP */
	end(p);
}

static const struct scenario offer_burst[] = {
	{ "truncated", "too short for a BOOTP message", truncated },
	{ "option-length-past-end", "option runs past the end of the packet", optlen_past_end },
	{ "10000-options", "IP fragment (20 KB datagram)", ten_thousand_options },
	{ "600-options", "too many options", six_hundred_options },
	{ "no-end", "no END option", no_end },
	{ "wrong-xid", "wrong xid", wrong_xid },
	{ "wrong-chaddr", "for another hardware address (debug level)", wrong_chaddr },
	{ "no-address", "no address offered", no_address },
	{ "root-path-4k", "IP fragment (4 KB root-path)", root_path_4k },
	{ "root-path-1100", "set aside: option 17 (root path) unusable", root_path_1100 },
	{ "lease-0", "set aside (ignored if another is): a lease of 0 s", lease_zero },
};

static const struct scenario ack_burst[] = {
	{ "nak-other-server", "from a server other than the one selected", nak_other_server },
	{ "ack-loopback", "unusable address offered", ack_loopback },
	{ "bootreply", "unexpected message type", bootreply },
};

/* --- the socket ------------------------------------------------------------------------ */

static int open_socket(const char *ifname)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(SERVER_PORT) };
	int one = 1, dont = IP_PMTUDISC_DONT;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* INADDR_ANY: a socket bound to the bridge's address would not get broadcasts. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void send_one(const struct ctx *c, const struct scenario *s)
{
	static struct pkt p;
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_port = htons(CLIENT_PORT), .sin_addr.s_addr = INADDR_BROADCAST,
	};

	s->build(&p, c);
	if (sendto(c->fd, p.b, p.len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		printf("hostile-dhcp: sending %s failed: %s\n", s->name, strerror(errno));
	else
		printf("hostile-dhcp: sent %s (%zu bytes, xid 0x%08x): expect \"%s\"\n", s->name, p.len,
		       c->rq->xid, s->expect);
	fflush(stdout);
	sleep_ms(GAP_MS);
}

static void send_burst(const struct ctx *c, const struct scenario *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		send_one(c, &list[i]);
}

/* --- requests --------------------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A client's BOOTREQUEST; 0, or -1 when it is not one we can answer. */
static int parse_request(const uint8_t *b, size_t len, struct req *rq)
{
	size_t p = 240;

	memset(rq, 0, sizeof(*rq));
	if (len < 240 || b[0] != 1 || b[1] != 1 || b[2] != 6 ||
	    memcmp(b + 236, "\x63\x82\x53\x63", 4) != 0)
		return -1;
	rq->xid = get32(b + 4);
	memcpy(rq->chaddr, b + 28, sizeof(rq->chaddr));
	while (p < len && b[p] != 255) {
		uint8_t code = b[p], olen;

		if (code == 0) {
			p++;
			continue;
		}
		if (len - p < 2 || len - p - 2 < b[p + 1])
			return -1;
		olen = b[p + 1];
		if (code == 53 && olen == 1)
			rq->type = b[p + 2];
		else if (code == 50 && olen == 4)
			memcpy(&rq->requested, b + p + 2, 4);
		else if (code == 54 && olen == 4)
			memcpy(&rq->server_id, b + p + 2, 4);
		p += 2 + (size_t)olen;
	}
	return rq->type ? 0 : -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct state {
	bool offers_done, acks_done;
	bool wrong;           /* the client requested a bad offer's address */
	long long acked_at;   /* 0: not yet */
};

static const struct scenario the_offer = { "good-offer", "taken", good_offer };
static const struct scenario the_ack = { "good-ack", "lease of the offered address", good_ack };
static const struct scenario the_nak = { "nak", "start over", nak_ours };

static void answer(struct ctx *c, struct state *st, const struct req *rq)
{
	char a[INET_ADDRSTRLEN];

	c->rq = rq;
	if (rq->type == 1) {
		printf("hostile-dhcp: DISCOVER xid 0x%08x\n", rq->xid);
		if (!st->offers_done)
			send_burst(c, offer_burst, sizeof(offer_burst) / sizeof(offer_burst[0]));
		st->offers_done = true;
		send_one(c, &the_offer);
		return;
	}
	if (rq->type != 3)
		return;
	inet_ntop(AF_INET, &rq->requested, a, sizeof(a));
	printf("hostile-dhcp: REQUEST xid 0x%08x for %s\n", rq->xid, a);
	if (rq->requested != c->offer || rq->server_id != c->server) {
		/* NAKed so the client carries on and the test ends soon; the status says it */
		printf("hostile-dhcp: WRONG: the client requested %s, not the good offer\n", a);
		send_one(c, &the_nak);
		st->wrong = true;
		return;
	}
	if (!st->acks_done)
		send_burst(c, ack_burst, sizeof(ack_burst) / sizeof(ack_burst[0]));
	st->acks_done = true;
	send_one(c, &the_ack);
	if (!st->acked_at)
		st->acked_at = now_ms();
}

static int serve(struct ctx *c, long long deadline)
{
	static uint8_t buf[2048];
	struct state st = { 0 };

	for (;;) {
		long long t = now_ms(), until = st.acked_at ? st.acked_at + LINGER_MS : deadline;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		struct req rq;
		ssize_t n;

		if (t >= until)
			break;
		if (poll(&pfd, 1, (int)(until - t)) <= 0)
			continue;
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0 || parse_request(buf, (size_t)n, &rq) < 0)
			continue;
		answer(c, &st, &rq);
		c->rq = NULL;
		fflush(stdout);
	}
	if (st.wrong) {
		printf("hostile-dhcp: FAILED: the client fell for a bad offer first\n");
		return 1;
	}
	if (st.acked_at) {
		printf("hostile-dhcp: done: good ACK sent\n");
		return 0;
	}
	printf("hostile-dhcp: time limit reached without a good ACK\n");
	return 3;
}

static int parse_ip(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = a.s_addr;
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = { .fd = -1 };
	long seconds = 120;
	char *endp;
	int rc;

	if (argc < 5 || argc > 6 || parse_ip(argv[2], &c.server) < 0 ||
	    parse_ip(argv[3], &c.offer) < 0 || parse_ip(OTHER_SERVER, &c.other) < 0 ||
	    strlen(argv[1]) >= IF_NAMESIZE || strlen(argv[4]) > 255) {
		fprintf(stderr, "usage: hostile_dhcp IFACE SERVER_IP OFFER_IP ROOT_PATH [SECONDS]\n"
				"(ROOT_PATH at most 255 bytes)\n");
		return 2;
	}
	if (argc == 6) {
		errno = 0;
		seconds = strtol(argv[5], &endp, 10);
		if (errno || *endp || endp == argv[5] || seconds < 1 || seconds > 86400) {
			fprintf(stderr, "hostile_dhcp: SECONDS must be 1..86400\n");
			return 2;
		}
	}
	c.root_path = argv[4];
	c.fd = open_socket(argv[1]);
	if (c.fd < 0) {
		fprintf(stderr, "hostile_dhcp: UDP port %d on %s: %s\n", SERVER_PORT, argv[1],
			strerror(-c.fd));
		return 2;
	}
	printf("hostile-dhcp: listening on %s port %d\n", argv[1], SERVER_PORT);
	fflush(stdout);
	rc = serve(&c, now_ms() + seconds * 1000);
	close(c.fd);
	return rc;
}
